#include "cli/serve_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "catalog/dataset_info.h"
#include "catalog/metadata_store.h"
#include "cli/stop_signals.h"
#include "cluster/invoker.h"
#include "common/error.h"
#include "server/api_server.h"
#include "server/cluster_backends.h"

namespace frocket::cli {
namespace {

struct ServeOptions {
  int port = 5000;
  std::string bind = "127.0.0.1";
  std::string catalog;
  std::string redis;
  std::string invoker;
  int threads = 0;
  int64_t max_body_bytes = 1 << 20;
  int max_concurrent_queries = 32;
  double query_timeout_seconds = 120;
  int64_t unregister_guard_seconds = 30;
};

// The URL without user and password, for printing.
std::string RedisForDisplay(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

void CheckRedisUrl(const std::string& url) {
  if (url.rfind("rediss://", 0) == 0) {
    ThrowInvalid(
        "rediss:// (Redis over TLS) is not supported by this build of frocket; use a redis:// "
        "URL (on an untrusted network, through a TLS tunnel such as stunnel): " +
        RedisForDisplay(url));
  }
  if (url.rfind("redis://", 0) != 0) {
    ThrowInvalid("--redis must be a URL redis://[user:password@]host:port[/db], not '" +
                 RedisForDisplay(url) + "'");
  }
}

void RunServe(const ServeOptions& options) {
  if (options.port < 0 || options.port > 65535) {
    ThrowInvalid("--port must be between 0 and 65535, not " + std::to_string(options.port));
  }
  if (options.max_body_bytes < 1) ThrowInvalid("--max-body-bytes must be at least 1");
  if (options.max_concurrent_queries < 1)
    ThrowInvalid("--max-concurrent-queries must be at least 1");
  if (!(options.query_timeout_seconds >= 0)) ThrowInvalid("--query-timeout must not be negative");
  if (options.unregister_guard_seconds < 0) {
    ThrowInvalid("--unregister-guard-seconds must not be negative");
  }
  if (!options.redis.empty()) CheckRedisUrl(options.redis);
  std::string invoker_name = options.invoker;
  if (invoker_name.empty()) invoker_name = options.redis.empty() ? "embedded" : "queue";
  if (invoker_name == "lambda") {
    ThrowNotSupported("--invoker lambda is not available yet; use embedded or queue");
  }
  if (invoker_name != "embedded" && invoker_name != "queue") {
    ThrowInvalid("--invoker must be embedded, queue or lambda, not '" + invoker_name + "'");
  }
  if (invoker_name == "queue" && options.redis.empty()) {
    ThrowInvalid("--invoker queue needs --redis URL (or FROCKET_REDIS_URL)");
  }

  std::shared_ptr<MetadataStore> store;
  std::string where;
  if (options.redis.empty()) {
    const std::string dir = ResolveCatalogDir(options.catalog);
    store = OpenLocalMetadataStore(dir);
    where = "catalog " + dir;
  } else {
    store = server::OpenClusterMetadataStore(options.redis);
    where = "redis " + RedisForDisplay(options.redis);
  }
  std::shared_ptr<QueryInvoker> invoker = invoker_name == "queue"
                                              ? server::MakeClusterInvoker(options.redis)
                                              : MakeEmbeddedInvoker(options.threads);

  server::ApiServerOptions server_options;
  server_options.bind = options.bind;
  server_options.port = options.port;
  server_options.max_body_bytes = static_cast<size_t>(options.max_body_bytes);
  server_options.max_concurrent_queries = options.max_concurrent_queries;
  server_options.query_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.query_timeout_seconds * 1000.0 + 0.5));
  server_options.unregister_guard_seconds = options.unregister_guard_seconds;
  server_options.uses_redis = !options.redis.empty();
  server_options.request_log = [](const std::string& line) {
    std::fprintf(stderr, "%s %s\n", LogTimeText().c_str(), line.c_str());
  };

  // Blocked before the server starts its threads, so that they inherit the mask.
  BlockStopSignals();

  server::ApiServer server(server_options, store, invoker);
  server.Bind();
  std::printf("frocket serve: listening on http://%s:%d (%s, %s)\n", options.bind.c_str(),
              server.port(), invoker_name.c_str(), where.c_str());
  std::fflush(stdout);

  RunUntilStopSignal([&server] { server.Serve(); }, [&server] { server.Stop(); });
  std::fprintf(stderr, "%s frocket serve: stopped\n", LogTimeText().c_str());
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the HTTP API server");
  cmd->add_option("--port", options->port, "TCP port (0: any free port)")->capture_default_str();
  cmd->add_option("--bind", options->bind, "Address to listen on")->capture_default_str();
  cmd->add_option("--catalog", options->catalog,
                  "Catalog directory without --redis (default: $FROCKET_CATALOG_DIR, else "
                  "~/.frocket)");
  cmd->add_option("--redis", options->redis,
                  "Keep datasets in Redis and run tasks through its work queue: "
                  "redis://[user:password@]host:port[/db]")
      ->envname("FROCKET_REDIS_URL");
  cmd->add_option("--invoker", options->invoker,
                  "Who runs tasks: embedded (this process), queue (frocket worker processes "
                  "through Redis) or lambda; default queue with --redis, else embedded")
      ->envname("FROCKET_INVOKER");
  cmd->add_option("--threads,-t", options->threads,
                  "Threads of the embedded invoker (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-body-bytes", options->max_body_bytes,
                  "Largest request body accepted (413 beyond)")
      ->envname("FROCKET_MAX_BODY_BYTES")
      ->capture_default_str();
  cmd->add_option("--max-concurrent-queries", options->max_concurrent_queries,
                  "Queries running at once (429 beyond)")
      ->envname("FROCKET_MAX_CONCURRENT_QUERIES")
      ->capture_default_str();
  cmd->add_option("--query-timeout", options->query_timeout_seconds,
                  "Seconds a query may run (504 beyond; 0: no limit)")
      ->envname("FROCKET_QUERY_TIMEOUT_SECONDS")
      ->capture_default_str();
  cmd->add_option("--unregister-guard-seconds", options->unregister_guard_seconds,
                  "Refuse to unregister a dataset queried this recently, unless force=true "
                  "(0: never refuse)")
      ->envname("FROCKET_UNREGISTER_GUARD_SECONDS")
      ->capture_default_str();
  cmd->callback([options]() { RunServe(*options); });
}

}  // namespace frocket::cli
