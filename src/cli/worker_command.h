// `frocket worker [--redis URL] [--threads N] [--cache-dir DIR] [--cache-mb N]`: runs tasks from
// the Redis work queue until SIGTERM or SIGINT (docs/cluster.md). Any number of workers may run
// on any machines that reach Redis and the data. One line per task goes to stderr (request id,
// file, attempt, duration, outcome). Exit codes: 0 after a signal, 2 for a bad flag or URL.
#pragma once

namespace CLI {
class App;
}

namespace frocket::cli {

void AddWorkerCommand(CLI::App& app);

}  // namespace frocket::cli
