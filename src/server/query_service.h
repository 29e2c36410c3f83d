// Running a query for the API: validation first (every user error answered before any task
// runs), then the invoker with the server's timeout and the request's cancel flag, then the
// result document with the run's stats. Metrics are updated on every outcome.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/dataset_info.h"
#include "catalog/metadata_store.h"
#include "cluster/invoker.h"
#include "query/query.h"
#include "server/metrics.h"

namespace frocket::server {

struct PreparedQuery {
  DatasetInfo dataset;
  Query query;
  std::string text;
  std::string request_id;
};

// "<unix seconds>-<8 hex digits>", as Funnel Rocket's request ids were.
std::string NewApiRequestId();

class QueryService {
 public:
  // `timeout`: each query's limit (zero: none). The references must outlive the service.
  QueryService(MetadataStore& store, QueryInvoker& invoker, ServerMetrics& metrics,
               std::chrono::milliseconds timeout)
      : store_(store), invoker_(invoker), metrics_(metrics), timeout_(timeout) {}

  // Looks the dataset up and validates the query. Throws ApiException: 404 NOT_FOUND for an
  // unknown (or badly named) dataset, 400 with the JSON path for an invalid query, 503 / 502
  // when the metadata store fails.
  PreparedQuery Prepare(const std::string& dataset_name, std::string text);

  // Marks the dataset used, runs its tasks and returns the success document of
  // result_builder.h, whose "stats" also hold "invoker" {name, totalTasks, attempts, retries,
  // failedAttempts, lostAttempts}, "cacheHits", "cost" and "dataset" {totalSize, parts}.
  // Throws ApiException: 504 TIMEOUT, 503 UNAVAILABLE (also when `cancel` was set: the client
  // left or the server is stopping), 502 STORAGE, 500 INTERNAL.
  nlohmann::ordered_json Run(const PreparedQuery& prepared, const std::atomic<bool>* cancel,
                             std::function<void(const InvokerProgress&)> on_progress);

 private:
  MetadataStore& store_;
  QueryInvoker& invoker_;
  ServerMetrics& metrics_;
  std::chrono::milliseconds timeout_;
};

// The metrics label of a query outcome from an API error kind ("invalid", "not_found", ...).
std::string QueryStatusLabel(const std::string& kind);

}  // namespace frocket::server
