// `frocket serve`: the HTTP API server (docs/api.md). By default embedded: datasets in the
// local catalog, tasks on a thread pool of this process. With --redis URL (or
// FROCKET_REDIS_URL) datasets live in Redis and tasks go to the Redis work queue, so several
// servers and any number of `frocket worker` processes can share one Redis.
//
//   frocket serve [--port 5000] [--bind 127.0.0.1] [--catalog DIR] [--redis URL]
//       [--invoker embedded|queue|lambda] [--threads N] [--max-body-bytes N]
//       [--max-concurrent-queries N] [--query-timeout SECONDS] [--unregister-guard-seconds N]
//
// Prints one line when listening, logs one line per request to stderr, and stops cleanly on
// SIGINT or SIGTERM (running queries are cancelled and answered 503).
#pragma once

namespace CLI {
class App;
}

namespace frocket::cli {

void AddServeCommand(CLI::App& app);

}  // namespace frocket::cli
