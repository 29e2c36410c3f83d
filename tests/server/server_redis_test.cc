// `frocket serve --redis` when Redis goes away in the middle of a query: the query answers 503
// UNAVAILABLE, /health says so, and once Redis is back (empty: the test Redis keeps no data)
// the same server process registers and queries again without a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "server/api_client.h"
#include "support/background_process.h"
#include "support/redis_server.h"
#include "support/test_dataset.h"

namespace frocket {
namespace {

using Json = nlohmann::ordered_json;
using test_support::BackgroundProcess;

TEST(ServerRedisTest, RedisStoppedDuringAQueryAnswers503AndTheServerRecovers) {
  FROCKET_SKIP_WITHOUT_REDIS();
  testing::TempDirectory dir;
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(test_support::RunFrocket({"datagen", "--rows", "2000", "--users", "100", "--files", "3",
                                      "--out", data, "--threads", "1"})
                .exit_code,
            0);
  test_support::TestRedisServer redis;
  const int port = test_support::FreeLoopbackPort();
  BackgroundProcess server({FROCKET_BINARY, "serve", "--port", std::to_string(port), "--redis",
                            redis.url(), "--query-timeout", "30"});
  ASSERT_TRUE(test_support::WaitForPort(port, std::chrono::seconds(10))) << server.Log();
  server::ApiClient api("http://127.0.0.1:" + std::to_string(port));
  const std::string register_body = Json{
      {"name", "ev"},
      {"basepath", data},
      {"groupIdColumn", "user_id"},
      {"timestampColumn", "ts"}}.dump();
  server::ApiClient::Reply r = api.Send("POST", "/datasets/register", register_body);
  ASSERT_EQ(r.status, 200) << r.body.dump() << server.Log();
  EXPECT_EQ(api.Send("GET", "/health").body,
            Json::parse(R"({"status": "ok", "metadataStore": "ok", "redis": "ok"})"));

  // No worker runs yet, so the query waits on the queue until Redis goes away.
  auto pending = std::async(std::launch::async, [&] {
    server::ApiClient client(api.url());
    return client.Send("POST", "/datasets/ev/query", "{}");
  });
  ASSERT_EQ(pending.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  const auto stopped = std::chrono::steady_clock::now();
  redis.Stop();
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  server::ApiClient::Reply failed = pending.get();
  EXPECT_EQ(failed.status, 503) << failed.body.dump();
  EXPECT_EQ(failed.body["error"]["kind"], "UNAVAILABLE");
  EXPECT_NE(failed.body["errorMessage"].get<std::string>().find(std::to_string(redis.port())),
            std::string::npos)
      << failed.body.dump();
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, std::chrono::seconds(15));
  server::ApiClient::Reply health = api.Send("GET", "/health");
  EXPECT_EQ(health.status, 503) << health.body.dump();
  EXPECT_EQ(api.Send("GET", "/datasets").status, 503);

  // Redis returns (empty); the same server serves again.
  redis.Restart();
  Json ok;
  for (int i = 0; i < 50; ++i) {
    health = api.Send("GET", "/health");
    if (health.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(health.status, 200) << health.body.dump();
  r = api.Send("POST", "/datasets/register", register_body);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  BackgroundProcess worker(
      {FROCKET_BINARY, "worker", "--redis", redis.url(), "--cache-dir", dir.path() + "/cache"});
  server::ApiClient::Reply result = api.Send("POST", "/datasets/ev/query", "{}");
  ASSERT_EQ(result.status, 200) << result.body.dump() << worker.Log();
  EXPECT_EQ(result.body["query"]["matchingGroups"], 100);
  EXPECT_EQ(result.body["query"]["matchingGroupRows"], 2000);
  EXPECT_EQ(result.body["stats"]["invoker"]["name"], "queue");
}

}  // namespace
}  // namespace frocket
