// The Redis client against a real redis-server: URLs, authentication, databases, binary data,
// outages and reconnection; and the Redis metadata store's Redis-only behaviour (the shared
// store suite is in tests/unit/catalog/metadata_store_test.cc).
#include "cluster/redis_client.h"

#include <gtest/gtest.h>

#include <thread>

#include "catalog/metadata_store.h"
#include "common/error.h"
#include "support/redis_server.h"

namespace frocket {
namespace {

using test_support::TestRedisServer;

ErrorKind KindOf(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "expected an Error";
  return ErrorKind::kInternal;
}

TEST(RedisUrlTest, ParsesEveryPart) {
  RedisUrl url = ParseRedisUrl("redis://alice:s3cr%40t@cache.example:6380/4");
  EXPECT_EQ(url.host, "cache.example");
  EXPECT_EQ(url.port, 6380);
  EXPECT_EQ(url.user, "alice");
  EXPECT_EQ(url.password, "s3cr@t");
  EXPECT_EQ(url.db, 4);
  EXPECT_EQ(url.Display(), "cache.example:6380/4");

  url = ParseRedisUrl("redis://:pw@10.0.0.1:7000");
  EXPECT_EQ(url.user, "");
  EXPECT_EQ(url.password, "pw");
  EXPECT_EQ(url.db, 0);
  EXPECT_EQ(url.Display(), "10.0.0.1:7000");

  url = ParseRedisUrl("redis://localhost");
  EXPECT_EQ(url.port, 6379);
  EXPECT_EQ(url.password, "");

  url = ParseRedisUrl("redis://[::1]:6390/0");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 6390);
  EXPECT_EQ(url.Display(), "[::1]:6390");

  // A password may hold '@' and ':' unescaped: the last '@' ends the credentials.
  url = ParseRedisUrl("redis://bob:a:b@c@host:1");
  EXPECT_EQ(url.user, "bob");
  EXPECT_EQ(url.password, "a:b@c");
  EXPECT_EQ(url.host, "host");
}

TEST(RedisUrlTest, RefusesTlsAndMalformedUrlsWithoutLeakingPasswords) {
  std::string message;
  EXPECT_EQ(KindOf([] { ParseRedisUrl("rediss://u:topsecret@host:6379"); }, &message),
            ErrorKind::kInvalidArgument);
  EXPECT_NE(message.find("TLS"), std::string::npos) << message;
  EXPECT_NE(message.find("stunnel"), std::string::npos) << message;
  EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;

  for (const char* bad :
       {"http://host:6379", "redis://", "redis://host:0", "redis://host:99999", "redis://host:x",
        "redis://host:6379/db", "redis://host:6379/-1", "redis://[::1", "redis://u:pw%4@host",
        "redis://:topsecret@:6379", "host:6379"}) {
    EXPECT_EQ(KindOf([&] { ParseRedisUrl(bad); }, &message), ErrorKind::kInvalidArgument) << bad;
    EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
  }
}

TEST(RedisConnectionTest, CommandsPipelinesAndBinaryData) {
  FROCKET_SKIP_WITHOUT_REDIS();
  TestRedisServer server;
  RedisConnection redis(ParseRedisUrl(server.url()), std::chrono::seconds(2));
  const std::string binary("a\0b\r\n\xff", 6);
  redis.Command({"SET", "bin", binary});
  RedisReply got = redis.Command({"GET", "bin"});
  ASSERT_EQ(got.type, RedisReply::Type::kString);
  EXPECT_EQ(got.str, binary);
  EXPECT_TRUE(redis.Command({"GET", "missing"}).is_nil());

  std::vector<RedisReply> replies = redis.Pipeline(
      {{"RPUSH", "list", "x", "y"}, {"LRANGE", "list", "0", "-1"}, {"INCR", "bin"}, {"PING"}});
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].integer, 2);
  ASSERT_EQ(replies[1].elements.size(), 2u);
  EXPECT_EQ(replies[1].elements[1].str, "y");
  EXPECT_TRUE(replies[2].is_error());  // not an integer: reported, not thrown
  EXPECT_EQ(replies[3].str, "PONG");

  // A single command's error reply throws, naming the command.
  std::string message;
  EXPECT_EQ(KindOf([&] { redis.Command({"INCR", "bin"}); }, &message), ErrorKind::kInternal);
  EXPECT_NE(message.find("INCR"), std::string::npos) << message;
}

TEST(RedisConnectionTest, PasswordUserAndDatabase) {
  FROCKET_SKIP_WITHOUT_REDIS();
  TestRedisServer server(
      {"--requirepass", "defaultpw", "--user", "alice", "on", ">alicepw", "~*", "&*", "+@all"});
  const std::string base = "127.0.0.1:" + std::to_string(server.port());

  RedisConnection by_password(ParseRedisUrl("redis://:defaultpw@" + base + "/3"),
                              std::chrono::seconds(2));
  by_password.Command({"SET", "k", "in-db-3"});
  RedisConnection by_user(ParseRedisUrl("redis://alice:alicepw@" + base + "/3"),
                          std::chrono::seconds(2));
  EXPECT_EQ(by_user.Command({"GET", "k"}).str, "in-db-3");
  RedisConnection db0(ParseRedisUrl("redis://alice:alicepw@" + base), std::chrono::seconds(2));
  EXPECT_TRUE(db0.Command({"GET", "k"}).is_nil());

  std::string message;
  RedisConnection wrong(ParseRedisUrl("redis://alice:wrongpw@" + base), std::chrono::seconds(2));
  EXPECT_EQ(KindOf([&] { wrong.Command({"PING"}); }, &message), ErrorKind::kUnavailable);
  EXPECT_NE(message.find(base), std::string::npos) << message;
  EXPECT_EQ(message.find("wrongpw"), std::string::npos) << message;

  RedisConnection none(ParseRedisUrl("redis://" + base), std::chrono::seconds(2));
  EXPECT_EQ(KindOf([&] { none.Command({"GET", "k"}); }), ErrorKind::kUnavailable);
}

TEST(RedisConnectionTest, UnreachableServerIsUnavailableNamingHostAndPort) {
  const int port = test_support::FreeLoopbackPort();
  RedisConnection redis(ParseRedisUrl("redis://:pw123@127.0.0.1:" + std::to_string(port)),
                        std::chrono::seconds(1));
  std::string message;
  EXPECT_EQ(KindOf([&] { redis.Command({"PING"}); }, &message), ErrorKind::kUnavailable);
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << message;
  EXPECT_EQ(message.find("pw123"), std::string::npos) << message;
}

TEST(RedisConnectionTest, ReconnectsAfterTheServerRestarts) {
  FROCKET_SKIP_WITHOUT_REDIS();
  TestRedisServer server;
  RedisConnection redis(ParseRedisUrl(server.url()), std::chrono::seconds(2));
  redis.Command({"SET", "a", "1"});
  server.Stop();
  EXPECT_EQ(KindOf([&] { redis.Command({"GET", "a"}); }), ErrorKind::kUnavailable);
  EXPECT_EQ(KindOf([&] { redis.Command({"GET", "a"}); }), ErrorKind::kUnavailable);
  server.Restart();
  // The failed connection was closed, so the next command connects afresh.
  EXPECT_TRUE(redis.Command({"GET", "a"}).is_nil());
  redis.Command({"SET", "a", "2"});
  // An idle connection that went stale across a restart is noticed by EnsureConnected.
  server.Restart();
  redis.EnsureConnected();
  EXPECT_EQ(redis.Command({"PING"}).str, "PONG");
}

TEST(RedisPoolTest, ManyThreadsShareAPool) {
  FROCKET_SKIP_WITHOUT_REDIS();
  TestRedisServer server;
  RedisPool pool(ParseRedisUrl(server.url()), std::chrono::seconds(2), 2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&pool] {
      for (int i = 0; i < 50; ++i) pool.Acquire()->Command({"INCR", "counter"});
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(pool.Acquire()->Command({"GET", "counter"}).str, "300");
}

DatasetInfo SmallRecord(const std::string& name) {
  DatasetInfo info;
  info.name = name;
  info.base_path = "/data/" + name;
  info.schema.group_id_column = "uid";
  info.schema.timestamp_column = "ts";
  info.schema.columns = {{"uid", ColumnKind::kInt, "INT64", ""},
                         {"ts", ColumnKind::kInt, "INT64", ""}};
  info.stats.resize(2);
  return info;
}

TEST(RedisMetadataStoreTest, ServersShareRecordsAndLastUse) {
  FROCKET_SKIP_WITHOUT_REDIS();
  TestRedisServer server;
  auto a = OpenRedisMetadataStore(server.url(), "shared:");
  auto b = OpenRedisMetadataStore(server.url(), "shared:");
  auto other = OpenRedisMetadataStore(server.url(), "other:");
  a->Put(SmallRecord("events"));
  EXPECT_EQ(b->Get("events")->base_path, "/data/events");
  EXPECT_FALSE(other->Get("events").has_value());
  EXPECT_FALSE(b->LastUsed("events").has_value());
  a->MarkUsed("events", 1700000000);
  EXPECT_EQ(b->LastUsed("events"), 1700000000);
  EXPECT_TRUE(b->Delete("events"));
  EXPECT_FALSE(a->LastUsed("events").has_value());

  // The layout is the documented one.
  RedisConnection redis(ParseRedisUrl(server.url()), std::chrono::seconds(2));
  a->Put(SmallRecord("x"));
  RedisReply raw = redis.Command({"HGET", "shared:datasets", "x"});
  EXPECT_EQ(nlohmann::json::parse(raw.str)["name"], "x");
}

TEST(RedisMetadataStoreTest, DamagedRecordsAndOutages) {
  FROCKET_SKIP_WITHOUT_REDIS();
  TestRedisServer server;
  auto store = OpenRedisMetadataStore(server.url(), "p:");
  RedisConnection redis(ParseRedisUrl(server.url()), std::chrono::seconds(2));
  redis.Command({"HSET", "p:datasets", "broken", "{\"version\": 1, \"name\":"});
  std::string message;
  EXPECT_EQ(KindOf([&] { store->Get("broken"); }, &message), ErrorKind::kCorruptFile);
  EXPECT_NE(message.find("broken"), std::string::npos) << message;
  redis.Command({"HSET", "p:datasets", "future",
                 nlohmann::json({{"version", 9}, {"name", "future"}}).dump()});
  EXPECT_EQ(KindOf([&] { store->Get("future"); }), ErrorKind::kNotSupported);
  // A record stored under another name is caught.
  store->Put(SmallRecord("real"));
  redis.Command({"HSET", "p:datasets", "alias", redis.Command({"HGET", "p:datasets", "real"}).str});
  EXPECT_EQ(KindOf([&] { store->Get("alias"); }), ErrorKind::kCorruptFile);

  server.Stop();
  EXPECT_EQ(KindOf([&] { store->List(); }, &message), ErrorKind::kUnavailable);
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos);
  EXPECT_EQ(KindOf([&] { OpenRedisMetadataStore(server.url()); }), ErrorKind::kUnavailable);
  server.Restart();
  EXPECT_TRUE(store->List().empty());
  EXPECT_EQ(KindOf([] { OpenRedisMetadataStore("rediss://h:1"); }), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace frocket
