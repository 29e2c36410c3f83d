// The whole distributed path as a user runs it: a real redis-server, a real S3-compatible server
// (s3rver) holding a generated dataset, one `frocket serve --redis` and three `frocket worker`
// processes. The dataset is registered through the HTTP API with an s3:// base path, and every
// query's result must equal the embedded engine's on a local copy of the same files (the
// reference is `frocket query` on the local catalog, a different path through the code: no
// Redis, no S3, no HTTP). Also: 20 concurrent queries from several clients, a streamed query,
// and an object deleted after registration (the error names it).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server/api_client.h"
#include "support/background_process.h"
#include "support/redis_server.h"
#include "support/s3_server.h"
#include "support/test_dataset.h"

namespace frocket {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using test_support::BackgroundProcess;
using test_support::EnvironmentList;

const std::vector<std::string> kQueries = {
    // The whole dataset.
    R"q({})q",
    // A funnel with time to convert, a breakdown and aggregations.
    R"q({"funnel": {"sequence": [{"filter": ["event_type", "==", "pageview"]},
                                {"filter": ["event_type", "==", "addToCart"]},
                                {"filter": ["event_type", "==", "purchase"]}],
                   "maxDuration": 86400000, "timeToConvert": true,
                   "breakdown": {"column": "device"},
                   "endAggregations": [{"column": "browser", "type": "countPerValue"}]}})q",
    // An audience against the baseline, with a sum target and a negative condition.
    R"q({"query": {"conditions": [
          {"name": "browsed", "filter": ["event_type", "==", "pageview"], "target": ["count", ">=", 3]},
          {"name": "spent", "filter": ["event_type", "==", "purchase"], "target": ["sum", "price", ">", 50]},
          {"name": "searched", "filter": ["event_type", "==", "search"], "target": ["count", "==", 0]}],
        "relation": "$browsed and ($spent or $searched)",
        "aggregations": [{"column": "country", "type": "groupsPerValue", "top": 5, "baseline": true},
                         {"column": "price", "type": "mean"},
                         {"column": "user_id", "type": "countDistinct"}]},
        "options": {"sampleGroupIds": 5}})q",
    // A sequence condition with a timeframe.
    R"q({"timeframe": {"from": 1704499200000, "to": 1706745600000},
        "query": {"conditions": [{"sequence": [{"filter": ["event_type", "==", "search"]},
                                               {"filter": ["event_type", "==", "addToCart"]}],
                                  "maxDuration": 3600000}],
                  "aggregations": [{"column": "event_type"}]}})q",
};

// The parts of a result that must not depend on how it was computed.
Json Comparable(Json doc) {
  doc.erase("requestId");
  doc.erase("stats");
  return doc;
}

class ClusterEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = test_support::TestRedisServer::SkipReason()) GTEST_SKIP() << *reason;
    if (auto reason = test_support::S3TestServer::SkipReason()) GTEST_SKIP() << *reason;
  }

  // `frocket query` on the local catalog: the reference result.
  Json EmbeddedResult(const std::string& catalog, const std::string& query) {
    test_support::CommandResult r = test_support::RunFrocket(
        {"query", "events", "--string", query, "--format", "json", "--catalog", catalog});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return Json::parse(r.out, nullptr, false);
  }
};

TEST_F(ClusterEndToEndTest, QueriesThroughServerAndWorkersEqualEmbedded) {
  frocket::testing::TempDirectory dir;
  const std::string data = dir.path() + "/data";
  const std::string catalog = dir.path() + "/catalog";
  ASSERT_EQ(
      test_support::RunFrocket({"datagen", "--rows", "60000", "--users", "6000", "--files", "6",
                                "--seed", "11", "--row-group-rows", "4000", "--out", data})
          .exit_code,
      0);
  test_support::CommandResult reg =
      test_support::RunFrocket({"register", "events", data, "--group-id-column", "user_id",
                                "--timestamp-column", "ts", "--catalog", catalog});
  ASSERT_EQ(reg.exit_code, 0) << reg.err;
  std::vector<Json> expected;
  for (const std::string& q : kQueries) {
    expected.push_back(EmbeddedResult(catalog, q));
    ASSERT_EQ(expected.back().value("success", false), true) << expected.back().dump();
  }

  test_support::S3TestServer s3;
  s3.client().CreateBucket("lake");
  s3.UploadDirectory(data, "lake", "events");
  test_support::TestRedisServer redis;

  EnvironmentList env = s3.Env();
  env.push_back({"FROCKET_LOST_TASK_SECONDS", "2"});
  const int port = test_support::FreeLoopbackPort();
  BackgroundProcess server(
      {FROCKET_BINARY, "serve", "--port", std::to_string(port), "--redis", redis.url()}, env);
  std::vector<std::unique_ptr<BackgroundProcess>> workers;
  for (int i = 0; i < 3; ++i) {
    workers.push_back(std::make_unique<BackgroundProcess>(
        std::vector<std::string>{FROCKET_BINARY, "worker", "--redis", redis.url(), "--cache-dir",
                                 dir.path() + "/cache" + std::to_string(i)},
        env));
  }
  bool listening = false;
  for (int i = 0; i < 200 && !listening && server.Running(); ++i) {
    listening = test_support::WaitForPort(port, std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(listening) << server.Log();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  server::ApiClient api(url);

  // Register through the API, on S3.
  server::ApiClient::Reply registered =
      api.Send("POST", "/datasets/register",
               R"({"name": "events", "basepath": "s3://lake/events", "group_id_column": "user_id",
                   "timestamp_column": "ts", "validationMode": "ALL"})");
  ASSERT_EQ(registered.status, 200) << registered.body.dump() << server.Log();
  EXPECT_EQ(registered.body["dataset"]["totalParts"], 6);

  // Every query, one at a time, equals the embedded result.
  for (size_t i = 0; i < kQueries.size(); ++i) {
    server::ApiClient::Reply r = api.Send("POST", "/datasets/events/query", kQueries[i]);
    ASSERT_EQ(r.status, 200) << r.body.dump() << "\n" << server.Log();
    EXPECT_EQ(Comparable(r.body), Comparable(expected[i])) << "query " << i;
  }

  // Streamed: progress lines, then the same result.
  int progress_lines = 0;
  server::ApiClient::Reply streamed =
      api.Send("POST", "/datasets/events/query?stream=true", kQueries[1], [&](const Json& line) {
        EXPECT_TRUE(line.contains("stage")) << line.dump();
        ++progress_lines;
      });
  EXPECT_EQ(streamed.status, 200);
  EXPECT_GE(progress_lines, 1);
  EXPECT_EQ(Comparable(streamed.body), Comparable(expected[1]));

  // 20 concurrent queries from 4 clients, all correct.
  std::atomic<int> wrong{0};
  std::mutex mutex;
  std::string first_wrong;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      server::ApiClient client(url);
      for (int k = 0; k < 5; ++k) {
        const size_t q = static_cast<size_t>(c + k) % kQueries.size();
        server::ApiClient::Reply r = client.Send("POST", "/datasets/events/query", kQueries[q]);
        if (r.status != 200 || Comparable(r.body) != Comparable(expected[q])) {
          ++wrong;
          std::lock_guard<std::mutex> lock(mutex);
          if (first_wrong.empty()) {
            first_wrong = "query " + std::to_string(q) + ": status " + std::to_string(r.status) +
                          "\n" + r.body.dump() + "\nexpected\n" + expected[q].dump();
          }
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(wrong.load(), 0) << first_wrong;

  // By now the workers have cached the files they read: a repeated query reads from disk.
  server::ApiClient::Reply repeated = api.Send("POST", "/datasets/events/query", kQueries[1]);
  ASSERT_EQ(repeated.status, 200);
  EXPECT_EQ(Comparable(repeated.body), Comparable(expected[1]));
  EXPECT_GE(repeated.body["stats"].value("cacheHits", 0), 1) << repeated.body["stats"].dump();

  // An object deleted after registration: the query fails with an error naming it. The
  // workers' caches may hold it, so new workers with empty caches take over.
  for (auto& w : workers) w->Stop();
  workers.clear();
  for (int i = 0; i < 2; ++i) {
    workers.push_back(std::make_unique<BackgroundProcess>(
        std::vector<std::string>{FROCKET_BINARY, "worker", "--redis", redis.url(), "--cache-dir",
                                 dir.path() + "/fresh" + std::to_string(i)},
        env));
  }
  s3.client().DeleteObject("lake", "events/part-00002.parquet");
  server::ApiClient::Reply failed = api.Send("POST", "/datasets/events/query", kQueries[0]);
  EXPECT_EQ(failed.status, 502) << failed.body.dump();
  EXPECT_NE(failed.body.dump().find("s3://lake/events/part-00002.parquet"), std::string::npos)
      << failed.body.dump();
}

}  // namespace
}  // namespace frocket
