#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cluster/invoker.h"
#include "common/error.h"
#include "engine/query_engine.h"

namespace frocket {
namespace {

class EmbeddedInvoker : public QueryInvoker {
 public:
  explicit EmbeddedInvoker(int threads) : threads_(threads) {}

  const char* name() const override { return "embedded"; }

  PartialResult Run(const DatasetInfo& dataset, const Query& query, std::string_view,
                    const InvokeOptions& options, InvokeStats* stats) override {
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    // The engine stops at the next file when either the caller cancels or the time is up.
    std::atomic<bool> stop{false};
    std::atomic<bool> timed_out{false};
    const int64_t total = static_cast<int64_t>(dataset.files.size());
    EngineOptions engine;
    engine.threads = threads_;
    engine.request_id = options.request_id;
    engine.cancel = &stop;
    engine.on_progress = [&](const QueryProgress& p) {
      if (options.cancel && options.cancel->load()) stop = true;
      if (options.timeout.count() > 0 && std::chrono::steady_clock::now() > deadline) {
        timed_out = true;
        stop = true;
      }
      if (!options.on_progress) return;
      InvokerProgress progress;
      progress.stage = "RUNNING";
      progress.tasks_total = total;
      progress.tasks.ended_success = p.files_done;
      progress.tasks.running_query = total - p.files_done;
      progress.progress = total == 0 ? 1.0 : static_cast<double>(p.files_done) / total;
      progress.message =
          std::to_string(p.files_done) + " of " + std::to_string(total) + " files done";
      options.on_progress(progress);
    };
    // A watcher thread notices cancel and timeout while a long file is still running.
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    std::thread watcher([&] {
      std::unique_lock<std::mutex> lock(mutex);
      while (!done) {
        done_cv.wait_for(lock, std::chrono::milliseconds(20));
        if (options.cancel && options.cancel->load()) stop = true;
        if (options.timeout.count() > 0 && std::chrono::steady_clock::now() > deadline) {
          timed_out = true;
          stop = true;
        }
      }
    });
    auto finish = [&] {
      {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
      }
      done_cv.notify_all();
      watcher.join();
    };
    PartialResult merged;
    try {
      merged = RunQueryPartial(dataset, query, engine);
    } catch (const Error& e) {
      finish();
      if (timed_out) {
        throw Error(
            ErrorKind::kTimeout,
            "query timed out after " + std::to_string(options.timeout.count() / 1000.0) + " s");
      }
      throw;
    }
    finish();
    if (stats) {
      stats->tasks = total;
      stats->attempts = total;
    }
    return merged;
  }

 private:
  int threads_;
};

}  // namespace

std::unique_ptr<QueryInvoker> MakeEmbeddedInvoker(int threads) {
  return std::make_unique<EmbeddedInvoker>(threads);
}

}  // namespace frocket
