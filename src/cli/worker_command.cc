#include "cli/worker_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli/stop_signals.h"
#include "cluster/redis_client.h"
#include "cluster/worker.h"
#include "common/error.h"
#include "engine/query_engine.h"
#include "storage/file_cache.h"

namespace frocket::cli {
namespace {

struct WorkerCommandOptions {
  std::string redis;
  int threads = 1;
  std::string cache_dir;
  int64_t cache_mb = 1024;
};

void RunWorkerCommand(const WorkerCommandOptions& options) {
  if (options.redis.empty()) {
    ThrowInvalid("frocket worker needs --redis URL (or FROCKET_REDIS_URL)");
  }
  WorkerOptions worker = WorkerOptions::FromEnvironment(options.redis);
  worker.threads = options.threads;
  // The disk cache of remote (S3) files: tasks read cached copies, and the worker takes the
  // files it has cached first. Local files are read in place and never cached. The default
  // directory is per process, because a cache clears its directory when it starts.
  std::unique_ptr<FileCache> cache;
  if (options.cache_mb > 0) {
    std::string dir = options.cache_dir;
    if (dir.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      dir = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/frocket-worker-cache-" +
            std::to_string(getpid());
    }
    cache = std::make_unique<FileCache>(dir, static_cast<uint64_t>(options.cache_mb) << 20);
  }
  FileCache* cache_ptr = cache.get();
  worker.cache = cache_ptr;
  worker.is_cached = [cache_ptr](const std::string& location) {
    return cache_ptr != nullptr && cache_ptr->Contains(location);
  };
  worker.run_task = [cache_ptr](const DatasetInfo& dataset, const Query& query, size_t index,
                                bool* hit) {
    return RunFileTask(dataset, query, index, cache_ptr, hit);
  };
  std::atomic<bool> stop{false};
  worker.stop = &stop;
  worker.on_log = [](const std::string& line) {
    std::fprintf(stderr, "%s frocket worker: %s\n", LogTimeText().c_str(), line.c_str());
  };
  worker.on_task = [](const WorkerTaskLog& log) {
    std::fprintf(stderr,
                 "%s frocket worker: request=%s task=%lld file=%s attempt=%lld %.3fs %s%s\n",
                 LogTimeText().c_str(), log.request_id.c_str(), static_cast<long long>(log.task),
                 log.file.empty() ? "?" : log.file.c_str(), static_cast<long long>(log.attempt),
                 log.seconds, log.outcome.c_str(), log.cache_hit ? " (cache hit)" : "");
  };

  // Signals never interrupt a task: on SIGINT or SIGTERM the slots finish their current task
  // and exit.
  BlockStopSignals();
  std::fprintf(stderr, "%s frocket worker: taking tasks from Redis at %s (%d thread%s)\n",
               LogTimeText().c_str(), ParseRedisUrl(options.redis).Display().c_str(),
               options.threads, options.threads == 1 ? "" : "s");
  RunUntilStopSignal([&worker] { RunWorker(worker); }, [&stop] { stop = true; });
  std::fprintf(stderr, "%s frocket worker: stopped\n", LogTimeText().c_str());
}

}  // namespace

void AddWorkerCommand(CLI::App& app) {
  auto options = std::make_shared<WorkerCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "worker", "Run query tasks from the Redis work queue (for frocket serve --redis)");
  cmd->add_option("--redis", options->redis, "redis://[user:password@]host:port[/db]")
      ->envname("FROCKET_REDIS_URL");
  cmd->add_option("--threads,-t", options->threads, "Tasks to run at once")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--cache-dir", options->cache_dir,
                  "Directory of the disk cache of remote (S3) files")
      ->envname("FROCKET_WORKER_CACHE_DIR");
  cmd->add_option("--cache-mb", options->cache_mb, "Size limit of the disk cache in MB")
      ->envname("FROCKET_WORKER_CACHE_MB")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->callback([options]() { RunWorkerCommand(*options); });
}

}  // namespace frocket::cli
