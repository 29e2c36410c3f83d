#include "engine/query_engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "common/error.h"
#include "engine/file_task.h"
#include "engine/result_builder.h"
#include "query/query_parser.h"

namespace frocket {
namespace {

std::string NewRequestId() {
  // Funnel Rocket's form: "<unix seconds>-<8 hex digits>".
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::random_device rd;
  char buf[48];
  std::snprintf(
      buf, sizeof buf, "%lld-%08x",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(now).count()),
      static_cast<unsigned>(rd()));
  return buf;
}

int ThreadCount(const EngineOptions& options, size_t tasks) {
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return static_cast<int>(std::max<size_t>(1, std::min<size_t>(threads, tasks)));
}

PartialResult RunTasks(const DatasetInfo& dataset, const Query& query, const EngineOptions& options,
                       const FileTaskOptions& task_options) {
  const size_t num_files = dataset.files.size();
  // In file order, so that floating-point sums are the same on every run (see OrderedMerge).
  OrderedMerge merged(query, num_files);
  QueryProgress progress;
  progress.files_total = static_cast<int64_t>(num_files);
  for (const auto& f : dataset.files) progress.rows_total += f.num_rows;
  std::mutex mutex;
  std::exception_ptr failure;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto worker = [&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (options.cancel && options.cancel->load()) {
        stop = true;
        break;
      }
      const size_t index = next.fetch_add(1);
      if (index >= num_files) break;
      try {
        PartialResult partial = ExecuteFileTask(dataset, query, index, task_options);
        std::lock_guard<std::mutex> lock(mutex);
        merged.Add(index, std::move(partial));
        progress.files_done += 1;
        progress.rows_done += dataset.files[index].num_rows;
        if (options.on_progress) options.on_progress(progress);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
    }
  };
  const int threads = ThreadCount(options, num_files);
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
  if (options.cancel && options.cancel->load())
    throw Error(ErrorKind::kInternal, "query cancelled");
  return merged.Finish();
}

nlohmann::ordered_json ErrorDocument(const char* kind, const std::string& message) {
  return {{"success", false}, {"error", {{"kind", kind}, {"message", message}}}};
}

}  // namespace

PartialResult RunFileTask(const DatasetInfo& dataset, const Query& query, size_t file_index,
                          FileCache* cache, bool* cache_hit) {
  FileTaskOptions options;
  options.cache = cache;
  options.cache_hit = cache_hit;
  return ExecuteFileTask(dataset, query, file_index, options);
}

PartialResult RunQueryPartial(const DatasetInfo& dataset, const Query& query,
                              const EngineOptions& options) {
  return RunTasks(dataset, query, options, FileTaskOptions{});
}

PartialResult ScanQueryColumns(const DatasetInfo& dataset, const Query& query,
                               const EngineOptions& options) {
  FileTaskOptions task_options;
  task_options.scan_only = true;
  return RunTasks(dataset, query, options, task_options);
}

nlohmann::ordered_json RunQuery(const DatasetInfo& dataset, const Query& query,
                                const EngineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  PartialResult merged = RunQueryPartial(dataset, query, options);
  ResultContext context;
  context.request_id = options.request_id.empty() ? NewRequestId() : options.request_id;
  context.total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return BuildQueryResult(query, merged, context);
}

nlohmann::ordered_json RunQueryText(const DatasetInfo& dataset, std::string_view query_json,
                                    const EngineOptions& options) {
  ParseResult parsed = ParseQuery(query_json, dataset.schema);
  if (!parsed.ok()) {
    const QueryError& e = *parsed.error;
    nlohmann::ordered_json error = {{"kind", QueryErrorKindName(e.kind)}, {"message", e.message}};
    error["path"] = e.path;
    if (e.position) error["position"] = *e.position;
    return {{"success", false}, {"error", error}};
  }
  try {
    return RunQuery(dataset, *parsed.query, options);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kCorruptFile || e.kind() == ErrorKind::kIo ||
        e.kind() == ErrorKind::kNotSupported) {
      return ErrorDocument("STORAGE", e.what());
    }
    return ErrorDocument("INTERNAL", e.what());
  } catch (const std::exception& e) {
    return ErrorDocument("INTERNAL", e.what());
  }
}

}  // namespace frocket
