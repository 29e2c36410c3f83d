// The invoker: who runs a query's tasks. The server and the CLI plan a query, hand its tasks to
// an invoker and get back one merged PartialResult. Three invokers share this interface:
//   - embedded: a thread pool in this process (the default; MakeEmbeddedInvoker below);
//   - queue: `frocket worker` processes pulling tasks from Redis (cluster/queue_invoker.h);
//   - lambda: AWS Lambda functions running the same binary (later).
// Whatever runs the tasks, the contract is the same: every task's result is merged exactly once
// (one successful attempt per task, never two, never none), or Run throws.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/dataset_info.h"
#include "engine/partial_result.h"
#include "query/query.h"

namespace frocket {

// How many tasks are in each state: the latest attempt of each task counts once, so the
// numbers add up to the number of tasks. Names as in the API's progress lines.
struct TaskCounts {
  int64_t queued = 0;         // QUEUED
  int64_t loading_data = 0;   // LOADING_DATA
  int64_t running_query = 0;  // RUNNING_QUERY
  int64_t ended_success = 0;  // ENDED_SUCCESS
  int64_t ended_failed = 0;   // ENDED_FAILED
};

struct InvokerProgress {
  std::string stage;    // STARTING, RUNNING, FINISHING or DONE
  std::string message;  // for people: "Enqueuing tasks", "Waiting for 3 of 16 tasks", ...
  TaskCounts tasks;
  int64_t tasks_total = 0;
  double progress = 0;  // 0..1: the share of tasks ended successfully
};

struct InvokeOptions {
  std::string request_id;  // required: names the request's keys and appears in logs
  // Called whenever the progress changed; never twice at once.
  std::function<void(const InvokerProgress&)> on_progress;
  // Set from another thread to stop: Run then throws Error(kInternal) "query cancelled" and
  // leaves nothing running on the invoker's side that it can stop.
  const std::atomic<bool>* cancel = nullptr;
  // The whole run's limit; past it Run throws Error(kTimeout). Zero: no limit.
  std::chrono::milliseconds timeout{0};
};

// What running the tasks cost, for the result's stats and the server's metrics.
struct InvokeStats {
  int64_t tasks = 0;            // tasks planned
  int64_t attempts = 0;         // attempts started, retries included
  int64_t retries = 0;          // attempts beyond the first, failed and lost ones alike
  int64_t lost_attempts = 0;    // attempts retried because their worker stopped reporting
  int64_t failed_attempts = 0;  // attempts that ended in failure
  int64_t cache_hits = 0;       // tasks whose file came from a worker's disk cache
  double cost_dollars = 0;      // compute cost where the invoker knows it (Lambda), else 0
};

class QueryInvoker {
 public:
  virtual ~QueryInvoker() = default;

  // "embedded", "queue" or "lambda".
  virtual const char* name() const = 0;

  // Runs one task per file of `dataset` and returns the merged partial result. `query` is the
  // parsed form of `query_text`; invokers that ship tasks elsewhere send the text (workers parse
  // it again against dataset.schema). Throws Error: kTimeout past options.timeout,
  // kUnavailable when Redis or the workers cannot be reached, kIo / kCorruptFile naming the file
  // when a task fails on every attempt, kInternal "query cancelled" on cancel.
  virtual PartialResult Run(const DatasetInfo& dataset, const Query& query,
                            std::string_view query_text, const InvokeOptions& options,
                            InvokeStats* stats) = 0;
};

// Runs tasks on `threads` threads of this process (0: all cores).
std::unique_ptr<QueryInvoker> MakeEmbeddedInvoker(int threads);

}  // namespace frocket
