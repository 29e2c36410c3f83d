#include "server/query_service.h"

#include <cstdio>
#include <ctime>
#include <optional>
#include <random>

#include "common/error.h"
#include "engine/result_builder.h"
#include "query/query_parser.h"
#include "server/api_errors.h"

namespace frocket::server {

std::string NewApiRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld-%08x", static_cast<long long>(std::time(nullptr)),
                static_cast<unsigned>(rng() & 0xffffffffu));
  return buf;
}

std::string QueryStatusLabel(const std::string& kind) {
  const int status = StatusForKind(kind);
  if (status == 400) return "invalid";
  if (kind == "NOT_FOUND") return "not_found";
  if (kind == "BUSY") return "busy";
  if (kind == "TIMEOUT") return "timeout";
  if (kind == "UNAVAILABLE") return "unavailable";
  if (kind == "STORAGE") return "storage";
  return "internal";
}

PreparedQuery QueryService::Prepare(const std::string& dataset_name, std::string text) {
  try {
    std::optional<DatasetInfo> dataset;
    try {
      CheckDatasetName(dataset_name);
      dataset = store_.Get(dataset_name);
    } catch (const Error& e) {
      // A name the catalog cannot hold is simply not there; anything else is the store's fault.
      if (e.kind() != ErrorKind::kInvalidArgument) throw ApiException(ApiErrorFromError(e));
    }
    if (!dataset) {
      throw ApiException(MakeApiError("NOT_FOUND", "no dataset named '" + dataset_name + "'"));
    }
    ParseResult parsed = ParseQuery(text, dataset->schema);
    if (!parsed.ok()) throw ApiException(ApiErrorFromQueryError(*parsed.error));
    return PreparedQuery{std::move(*dataset), std::move(*parsed.query), std::move(text),
                         NewApiRequestId()};
  } catch (const ApiException& e) {
    metrics_.queries->Add({QueryStatusLabel(e.error().kind)});
    throw;
  }
}

nlohmann::ordered_json QueryService::Run(const PreparedQuery& prepared,
                                         const std::atomic<bool>* cancel,
                                         std::function<void(const InvokerProgress&)> on_progress) {
  const auto start = std::chrono::steady_clock::now();
  const std::string invoker_name = invoker_.name();
  InvokeStats stats;
  auto elapsed = [&start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto count_tasks = [&] {
    metrics_.tasks->Add({invoker_name}, static_cast<double>(stats.tasks));
    metrics_.task_attempts->Add({invoker_name}, static_cast<double>(stats.attempts));
    metrics_.task_retries->Add({invoker_name}, static_cast<double>(stats.retries));
    metrics_.task_failures->Add({invoker_name}, static_cast<double>(stats.failed_attempts));
    metrics_.lost_tasks->Add({invoker_name}, static_cast<double>(stats.lost_attempts));
    metrics_.cache_hits->Add({}, static_cast<double>(stats.cache_hits));
    metrics_.cost_dollars->Add({}, stats.cost_dollars);
  };
  auto fail = [&](ApiError error) {
    if (cancel && cancel->load()) {
      error = MakeApiError("UNAVAILABLE",
                           "query cancelled: the client disconnected or the server is stopping");
    }
    const std::string status =
        cancel && cancel->load() ? std::string("cancelled") : QueryStatusLabel(error.kind);
    count_tasks();
    metrics_.queries->Add({status});
    metrics_.query_duration->Observe({status}, elapsed());
    throw ApiException(std::move(error));
  };

  PartialResult merged;
  try {
    // Marking first: unregister must see the dataset in use while its tasks run.
    store_.MarkUsed(prepared.dataset.name, static_cast<int64_t>(std::time(nullptr)));
    InvokeOptions options;
    options.request_id = prepared.request_id;
    options.on_progress = std::move(on_progress);
    options.cancel = cancel;
    options.timeout = timeout_;
    merged = invoker_.Run(prepared.dataset, prepared.query, prepared.text, options, &stats);
  } catch (const Error& e) {
    fail(ApiErrorFromError(e));
  } catch (const std::bad_alloc&) {
    fail(MakeApiError("INTERNAL", "out of memory"));
  } catch (const std::exception& e) {
    fail(MakeApiError("INTERNAL", e.what()));
  }

  ResultContext context;
  context.request_id = prepared.request_id;
  context.total_seconds = elapsed();
  nlohmann::ordered_json result;
  try {
    result = BuildQueryResult(prepared.query, merged, context);
  } catch (const std::exception& e) {
    fail(MakeApiError("INTERNAL", std::string("building the result failed: ") + e.what()));
  }
  nlohmann::ordered_json& s = result["stats"];
  s["invoker"] = {{"name", invoker_name},
                  {"totalTasks", stats.tasks},
                  {"attempts", stats.attempts},
                  {"retries", stats.retries},
                  {"failedAttempts", stats.failed_attempts},
                  {"lostAttempts", stats.lost_attempts}};
  s["cacheHits"] = stats.cache_hits;
  s["cost"] = stats.cost_dollars;
  s["dataset"] = {{"totalSize", prepared.dataset.TotalBytes()},
                  {"parts", prepared.dataset.files.size()}};

  count_tasks();
  metrics_.scanned_rows->Add({}, static_cast<double>(merged.stats.scanned_rows));
  metrics_.scanned_bytes->Add({}, static_cast<double>(merged.stats.scanned_bytes));
  metrics_.queries->Add({"success"});
  metrics_.query_duration->Observe({"success"}, elapsed());
  return result;
}

}  // namespace frocket::server
