// Shared by the cluster tests: a small events dataset spread over several files, queries that
// exercise every kind of merge (totals, per-value maps, sums, conditions, a funnel with a
// breakdown), the embedded engine's answer to compare with, and in-process workers.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cluster/invoker.h"
#include "cluster/redis_client.h"
#include "cluster/worker.h"
#include "engine/query_engine.h"
#include "engine/result_builder.h"
#include "query/query_parser.h"
#include "support/redis_server.h"
#include "support/test_dataset.h"

namespace frocket::cluster_testing {

// 120 users with 3 to 8 events each, over `num_files` files (bucketed by user).
inline testing::TestDatasetSpec EventsSpec(int num_files) {
  testing::TestDatasetSpec spec;
  spec.columns = {{"user_id", parquet::WriterType::kInt64, false},
                  {"ts", parquet::WriterType::kInt64, false},
                  {"event", parquet::WriterType::kString, true},
                  {"country", parquet::WriterType::kString, true},
                  {"price", parquet::WriterType::kDouble, true}};
  const char* events[] = {"pageview", "addToCart", "purchase"};
  const char* countries[] = {"DE", "FR", "US", nullptr};
  for (int u = 0; u < 120; ++u) {
    const int count = 3 + (u * 7) % 6;
    for (int j = 0; j < count; ++j) {
      const char* event = events[(u + j * (1 + u % 2)) % 3];
      const char* country = countries[(u + j) % 4];
      nlohmann::json row = {u, 1000 + u * 3 + j * 10, event,
                            country ? nlohmann::json(country) : nlohmann::json(nullptr),
                            std::string(event) == "purchase" ? nlohmann::json(1.5 + (u % 10))
                                                             : nlohmann::json(nullptr)};
      spec.rows.push_back(row);
    }
  }
  spec.num_files = num_files;
  spec.sort = true;
  return spec;
}

inline std::vector<std::string> TestQueries() {
  return {
      R"({})",
      R"({"query": {"aggregations": [{"column": "country", "type": "countPerValue"},
                                     {"column": "event", "type": "groupsPerValue"},
                                     {"column": "price", "type": "sum"},
                                     {"column": "price", "type": "mean"}]}})",
      R"({"query": {"conditions": [{"filter": ["event", "==", "purchase"],
                                    "target": ["count", ">=", 2]}]}})",
      R"({"funnel": {"sequence": [{"filter": ["event", "==", "pageview"]},
                                  {"filter": ["event", "==", "addToCart"]},
                                  {"filter": ["event", "==", "purchase"]}],
                     "breakdown": {"column": "country"}}})",
  };
}

inline Query MustParse(const std::string& text, const DatasetInfo& dataset) {
  ParseResult parsed = ParseQuery(text, dataset.schema);
  if (!parsed.ok()) {
    ADD_FAILURE() << "query does not parse: " << parsed.error->message << " at "
                  << parsed.error->path << "\n"
                  << text;
    return Query{};
  }
  return *parsed.query;
}

// The result document without what differs between runs (stats, request id).
inline nlohmann::ordered_json Comparable(const Query& query, const PartialResult& partial) {
  nlohmann::ordered_json doc = BuildQueryResult(query, partial, ResultContext{});
  doc.erase("stats");
  doc.erase("requestId");
  return doc;
}

inline nlohmann::ordered_json EmbeddedAnswer(const DatasetInfo& dataset, const Query& query) {
  EngineOptions options;
  options.threads = 1;
  return Comparable(query, RunQueryPartial(dataset, query, options));
}

// A worker running on threads of this process until the object is destroyed.
class WorkerThread {
 public:
  explicit WorkerThread(WorkerOptions options) : options_(std::move(options)) {
    options_.stop = &stop_;
    if (options_.block_timeout.count() == 1000) {
      options_.block_timeout = std::chrono::milliseconds(200);
    }
    thread_ = std::thread([this] { RunWorker(options_); });
  }
  ~WorkerThread() {
    stop_ = true;
    thread_.join();
  }
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

 private:
  WorkerOptions options_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The common ground of the queue tests: a real redis-server, a six-file test dataset and a
// connection to that Redis. Skips when redis-server is missing.
class RedisDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FROCKET_SKIP_WITHOUT_REDIS();
    redis_server_ = std::make_unique<test_support::TestRedisServer>();
    dataset_ = testing::WriteTestDataset(EventsSpec(6), dir_.path(), "events");
    redis_ = std::make_unique<RedisConnection>(ParseRedisUrl(redis_server_->url()),
                                               std::chrono::seconds(2));
  }

  // Runs `text` through `invoker` and returns the comparable result document.
  nlohmann::ordered_json RunQuery(QueryInvoker& invoker, const std::string& text,
                                  const std::string& request_id, InvokeStats* stats = nullptr,
                                  InvokeOptions options = {}) {
    Query query = MustParse(text, dataset_);
    options.request_id = request_id;
    return Comparable(query, invoker.Run(dataset_, query, text, options, stats));
  }

  std::unique_ptr<test_support::TestRedisServer> redis_server_;
  testing::TempDirectory dir_;
  DatasetInfo dataset_;
  std::unique_ptr<RedisConnection> redis_;
};

}  // namespace frocket::cluster_testing
