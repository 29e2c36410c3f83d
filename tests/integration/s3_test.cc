// S3 storage against a real S3-compatible server (s3rver), with a fault-injecting proxy in
// front of it where the test needs throttling, server errors, dropped connections or delays.
// Skipped with a message when node or s3rver is missing.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "common/error.h"
#include "parquet/file_reader.h"
#include "storage/data_file.h"
#include "storage/file_cache.h"
#include "storage/s3_client.h"
#include "storage/s3_file.h"
#include "support/background_process.h"
#include "support/fault_proxy.h"
#include "support/s3_server.h"
#include "support/scoped_env.h"
#include "support/test_dataset.h"

namespace frocket {
namespace {

using test_support::CommandResult;
using test_support::FaultProxy;
using test_support::ProxyFault;
using test_support::RunFrocket;
using test_support::S3TestServer;

constexpr const char* kBucket = "frocket-test";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

std::string Read(const RandomAccessFile& f, uint64_t offset, uint64_t length) {
  Buffer b;
  f.ReadAt(offset, length, &b);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string ErrorText(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(ErrorKindName(e.kind())) + ": " + e.what();
  }
  return "(no error)";
}

using test_support::ScopedEnv;

class S3Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (S3TestServer::SkipReason()) return;
    server_ = new S3TestServer();
    server_->client().CreateBucket(kBucket);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (auto reason = S3TestServer::SkipReason()) GTEST_SKIP() << *reason;
    ASSERT_NE(server_, nullptr);
  }
  const S3Client& client() const { return server_->client(); }

  static S3TestServer* server_;
};

S3TestServer* S3Test::server_ = nullptr;

TEST_F(S3Test, ListsEveryPageAndDecodesKeys) {
  for (int i = 0; i < 23; ++i) {
    client().PutObject(kBucket, "list/k-" + std::to_string(100 + i), "x");
  }
  const std::string odd = "list/a&b <c> d\xc3\xa9.txt";
  client().PutObject(kBucket, odd, "odd");
  client().PutObject(kBucket, "list/sub/deep", "deep");
  client().PutObject(kBucket, "listing-not/x", "other prefix");

  int64_t before = client().requests_sent();
  std::vector<S3Object> direct = client().ListObjects(kBucket, "list/", "/", 5);
  // 24 direct children in pages of 5: five pages.
  EXPECT_EQ(client().requests_sent() - before, 5);
  ASSERT_EQ(direct.size(), 24u);
  std::vector<std::string> keys;
  for (const S3Object& o : direct) keys.push_back(o.key);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys.front(), odd);
  EXPECT_EQ(keys[1], "list/k-100");
  EXPECT_EQ(keys.back(), "list/k-122");
  for (const S3Object& o : direct) EXPECT_EQ(o.size, o.key == odd ? 3u : 1u) << o.key;

  std::vector<S3Object> all = client().ListObjects(kBucket, "list/", "", 7);
  EXPECT_EQ(all.size(), 25u);  // with the nested key, without the other prefix
  // The odd key reads back under its decoded name.
  EXPECT_EQ(Read(*OpenS3File(std::make_shared<S3Client>(server_->Config()), {kBucket, odd}), 0, 3),
            "odd");
}

TEST_F(S3Test, RangedReadsEqualTheLocalBytes) {
  const std::string blob = RandomBytes(300 * 1000, 7);
  client().PutObject(kBucket, "blob/random.bin", blob);
  auto c = std::make_shared<S3Client>(server_->Config());
  std::shared_ptr<RandomAccessFile> f = OpenS3File(c, {kBucket, "blob/random.bin"});
  EXPECT_EQ(c->requests_sent(), 1);  // the HEAD for the size
  ASSERT_EQ(f->Size(), blob.size());
  EXPECT_EQ(f->name(), "s3://frocket-test/blob/random.bin");
  EXPECT_EQ(Read(*f, 0, 1), blob.substr(0, 1));  // bytes=0-0, which s3rver answers whole
  EXPECT_EQ(Read(*f, 0, 4), blob.substr(0, 4));
  EXPECT_EQ(Read(*f, 1000, 4000), blob.substr(1000, 4000));
  EXPECT_EQ(Read(*f, 100000, 150000), blob.substr(100000, 150000));
  EXPECT_EQ(c->requests_sent(), 5);
  // The tail: one request for the last 64 KiB, then served from memory.
  EXPECT_EQ(Read(*f, blob.size() - 8, 8), blob.substr(blob.size() - 8));
  EXPECT_EQ(Read(*f, blob.size() - 60000, 1000), blob.substr(blob.size() - 60000, 1000));
  EXPECT_EQ(c->requests_sent(), 6);
  EXPECT_EQ(Read(*f, 0, blob.size()), blob);
  EXPECT_EQ(Read(*f, 5, 0), "");
  EXPECT_THROW(Read(*f, blob.size() - 1, 2), Error);

  // Prefetch: three ranges within 1 MiB of each other are one request; reads inside them
  // cost nothing more, a read outside them is a direct GET.
  int64_t before = c->requests_sent();
  f->Prefetch({{2000, 100}, {150000, 500}, {40000, 10}});
  EXPECT_EQ(c->requests_sent() - before, 1);
  EXPECT_EQ(Read(*f, 2000, 100), blob.substr(2000, 100));
  EXPECT_EQ(Read(*f, 40000, 10), blob.substr(40000, 10));
  EXPECT_EQ(Read(*f, 2050, 148000), blob.substr(2050, 148000));  // the gap was fetched too
  EXPECT_EQ(c->requests_sent() - before, 1);
  EXPECT_EQ(Read(*f, 1000, 10), blob.substr(1000, 10));
  EXPECT_EQ(c->requests_sent() - before, 2);
}

TEST_F(S3Test, ParquetFooterCostsTwoRequestsAtMost) {
  testing::TempDirectory dir;
  CommandResult gen = RunFrocket({"datagen", "--rows", "20000", "--users", "200", "--files", "1",
                                  "--out", dir.path(), "--threads", "1"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string local = dir.path() + "/part-00000.parquet";
  const std::string bytes = test_support::ReadWholeFile(local);
  ASSERT_GT(bytes.size(), kS3TailBytes);
  client().PutObject(kBucket, "footer/part-00000.parquet", bytes);
  auto c = std::make_shared<S3Client>(server_->Config());
  auto remote = parquet::ParquetFile::Open(
      OpenS3File(c, {kBucket, "footer/part-00000.parquet"}, bytes.size()));
  EXPECT_LE(c->requests_sent(), 2);
  auto local_file = parquet::ParquetFile::Open(OpenLocalFile(local));
  EXPECT_EQ(remote->num_rows(), local_file->num_rows());
  ASSERT_EQ(remote->num_row_groups(), local_file->num_row_groups());
  // A column read over S3 equals the local one.
  int column = local_file->schema().FindColumn("event_type");
  ASSERT_GE(column, 0);
  auto a = remote->ReadColumn(0, column);
  auto b = local_file->ReadColumn(0, column);
  ASSERT_EQ(a.size, b.size);
  for (int64_t r = 0; r < a.size; ++r) ASSERT_EQ(a.GetBytes(r), b.GetBytes(r)) << r;
}

TEST_F(S3Test, MissingObjectsAndBucketsAreNamedAndNotRetried) {
  auto c = std::make_shared<S3Client>(server_->Config());
  std::string head = ErrorText([&] { c->HeadObject(kBucket, "nope/missing.parquet"); });
  EXPECT_TRUE(Contains(head, "s3://frocket-test/nope/missing.parquet: object not found (404)"))
      << head;
  EXPECT_TRUE(Contains(head, ErrorKindName(ErrorKind::kIo))) << head;
  EXPECT_EQ(c->requests_sent(), 1);
  std::string get = ErrorText([&] { c->GetRange(kBucket, "nope/missing.parquet", 0, 9); });
  EXPECT_TRUE(Contains(get, "s3://frocket-test/nope/missing.parquet: object not found (404)"))
      << get;
  std::string list = ErrorText([&] { c->ListObjects("no-such-bucket", "x/"); });
  EXPECT_TRUE(Contains(list, "s3://no-such-bucket/x/")) << list;
  EXPECT_TRUE(Contains(list, "not found (404)")) << list;
  EXPECT_EQ(c->requests_sent(), 3);
  ScopedEnv env(server_->Env());
  std::string open = ErrorText([&] { OpenDataFile("s3://frocket-test/nope/missing.parquet"); });
  EXPECT_TRUE(Contains(open, "s3://frocket-test/nope/missing.parquet")) << open;
}

TEST_F(S3Test, RetriesThroughThrottlingErrorsDropsAndDelays) {
  const std::string blob = RandomBytes(5000, 3);
  client().PutObject(kBucket, "retry/blob.bin", blob);
  FaultProxy proxy(server_->port());
  S3Config config = server_->Config(proxy.endpoint());
  config.max_attempts = 4;
  config.timeout_ms = 300;
  S3Client c(config);

  proxy.InjectFaults({ProxyFault::kSlowDown, ProxyFault::kInternalError, ProxyFault::kDrop});
  EXPECT_EQ(c.GetRange(kBucket, "retry/blob.bin", 10, 19), blob.substr(10, 10));
  EXPECT_EQ(proxy.Requests().size(), 4u);

  proxy.ClearLog();
  proxy.SetDelay(std::chrono::milliseconds(600));  // past the 300 ms timeout
  proxy.InjectFaults({ProxyFault::kDelay});
  EXPECT_EQ(c.HeadObject(kBucket, "retry/blob.bin").size, blob.size());
  EXPECT_EQ(proxy.Requests().size(), 2u);

  proxy.ClearLog();
  proxy.InjectFaults({ProxyFault::kSlowDown, ProxyFault::kDrop});
  std::vector<S3Object> listed = c.ListObjects(kBucket, "retry/");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(proxy.Requests().size(), 3u);
}

TEST_F(S3Test, PersistentFaultsGiveAClearError) {
  client().PutObject(kBucket, "retry/blob2.bin", "0123456789");
  FaultProxy proxy(server_->port());
  S3Config config = server_->Config(proxy.endpoint());
  config.max_attempts = 3;
  S3Client c(config);

  proxy.InjectFaults({ProxyFault::kSlowDown, ProxyFault::kSlowDown, ProxyFault::kSlowDown});
  std::string e = ErrorText([&] { c.GetRange(kBucket, "retry/blob2.bin", 0, 3); });
  EXPECT_TRUE(Contains(e, std::string(ErrorKindName(ErrorKind::kIo)) +
                              ": s3://frocket-test/retry/blob2.bin: GET failed after 3 attempts"))
      << e;
  EXPECT_TRUE(Contains(e, "HTTP 503 SlowDown")) << e;
  EXPECT_EQ(proxy.Requests().size(), 3u);

  proxy.ClearLog();
  proxy.InjectFaults({ProxyFault::kDrop, ProxyFault::kDrop, ProxyFault::kDrop});
  e = ErrorText([&] { c.HeadObject(kBucket, "retry/blob2.bin"); });
  EXPECT_TRUE(Contains(e, "s3://frocket-test/retry/blob2.bin: HEAD failed after 3 attempts")) << e;

  // Access denied is not retried.
  proxy.ClearLog();
  proxy.InjectFaults({ProxyFault::kAccessDenied});
  e = ErrorText([&] { c.GetRange(kBucket, "retry/blob2.bin", 0, 3); });
  EXPECT_TRUE(Contains(e, "s3://frocket-test/retry/blob2.bin: access denied (403 AccessDenied)"))
      << e;
  EXPECT_EQ(proxy.Requests().size(), 1u);
  // Nothing is wrong any more.
  EXPECT_EQ(c.GetRange(kBucket, "retry/blob2.bin", 0, 3), "0123");
}

TEST_F(S3Test, WorkerCacheDownloadsOnceAndServesTheSameBytes) {
  const std::string blob = RandomBytes(100000, 11);
  client().PutObject(kBucket, "cache/obj.bin", blob);
  ScopedEnv env(server_->Env());
  testing::TempDirectory dir;
  FileCache cache(dir.path(), 1 << 20);
  bool hit = true;
  auto first = OpenDataFile("s3://frocket-test/cache/obj.bin", &cache, &hit);
  EXPECT_FALSE(hit);
  EXPECT_EQ(first->name(), "s3://frocket-test/cache/obj.bin");
  EXPECT_EQ(Read(*first, 0, blob.size()), blob);
  auto second = OpenDataFile("s3://frocket-test/cache/obj.bin", &cache, &hit, blob.size());
  EXPECT_FALSE(hit);  // another version key: the size instead of ETag and size
  second = OpenDataFile("s3://frocket-test/cache/obj.bin", &cache, &hit, blob.size());
  EXPECT_TRUE(hit);
  EXPECT_EQ(Read(*second, 500, 1000), blob.substr(500, 1000));
  EXPECT_TRUE(cache.Contains("s3://frocket-test/cache/obj.bin"));
  // Local files are never cached.
  const std::string local = dir.path() + "/local.bin";
  std::ofstream(local) << "local";
  auto l = OpenDataFile(local, &cache, &hit);
  EXPECT_FALSE(hit);
  EXPECT_FALSE(cache.Contains(local));
}

nlohmann::json QueryJson(const std::string& catalog, const std::string& name,
                         const std::string& query, const test_support::EnvironmentList& env,
                         CommandResult* raw = nullptr) {
  CommandResult r = RunFrocket(
      {"query", name, "--string", query, "--format", "json", "--catalog", catalog, "-t", "2"}, env);
  if (raw) *raw = r;
  if (r.exit_code != 0)
    return nlohmann::json{{"exit", r.exit_code}, {"err", r.err}, {"out", r.out}};
  nlohmann::json doc = nlohmann::json::parse(r.out);
  doc.erase("requestId");
  doc.erase("stats");
  return doc;
}

TEST_F(S3Test, RegisterAndQueryADatasetOnS3WithTheCli) {
  testing::TempDirectory dir;
  const std::string data = dir.path() + "/events";
  const std::string catalog = dir.path() + "/catalog";
  CommandResult gen = RunFrocket({"datagen", "--rows", "30000", "--users", "300", "--files", "3",
                                  "--out", data, "--threads", "1", "--row-group-rows", "4000"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  server_->UploadDirectory(data, kBucket, "datasets/events");
  const auto env = server_->Env();
  auto reg = [&](const std::string& name, const std::string& path,
                 const test_support::EnvironmentList& e) {
    return RunFrocket({"register", name, path, "--group-id-column", "user_id", "--timestamp-column",
                       "ts", "--catalog", catalog},
                      e);
  };
  CommandResult local_reg = reg("local", data, env);
  ASSERT_EQ(local_reg.exit_code, 0) << local_reg.err;
  CommandResult s3_reg = reg("remote", "s3://frocket-test/datasets/events/", env);
  ASSERT_EQ(s3_reg.exit_code, 0) << s3_reg.err << s3_reg.out;
  EXPECT_TRUE(Contains(s3_reg.out, "3 files, 30000 rows")) << s3_reg.out;
  CommandResult info = RunFrocket({"info", "remote", "--json", "--catalog", catalog});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(Contains(info.out, "\"s3://frocket-test/datasets/events\"")) << info.out;

  const std::string query =
      R"({"timeframe": {"from": 1704067200000, "to": 1706745600000},
          "query": {"conditions": [{"filter": ["event_type", "==", "addToCart"]}],
                    "aggregations": [{"column": "event_type"}]},
          "funnel": {"sequence": [{"filter": ["event_type", "==", "pageview"]},
                                  {"filter": ["event_type", "==", "addToCart"]},
                                  {"filter": ["event_type", "==", "purchase"]}],
                     "stepAggregations": [{"column": "event_type"}]}})";
  nlohmann::json local = QueryJson(catalog, "local", query, env);
  nlohmann::json remote = QueryJson(catalog, "remote", query, env);
  ASSERT_FALSE(local.contains("exit")) << local.dump();
  EXPECT_EQ(local, remote);
  EXPECT_GT(local.dump().size(), 100u) << local.dump();

  // Request count of a query on one file with several row groups, through a counting proxy.
  const std::string one_dir = dir.path() + "/one";
  gen = RunFrocket({"datagen", "--rows", "60000", "--users", "500", "--files", "1", "--out",
                    one_dir, "--threads", "1", "--row-group-rows", "15000"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  server_->UploadDirectory(one_dir, kBucket, "datasets/one");
  ASSERT_EQ(reg("one", "s3://frocket-test/datasets/one", env).exit_code, 0);
  const std::string one_file = one_dir + "/part-00000.parquet";
  const uint64_t one_size = std::filesystem::file_size(one_file);
  const int row_groups = parquet::ParquetFile::Open(OpenLocalFile(one_file))->num_row_groups();
  FaultProxy proxy(server_->port());
  const auto proxied = server_->Env(proxy.endpoint());
  nlohmann::json one = QueryJson(catalog, "one", query, proxied);
  ASSERT_FALSE(one.contains("exit")) << one.dump();
  std::vector<std::string> requests = proxy.Requests();
  std::string shown;
  for (const std::string& r : requests) shown += "  " + r + "\n";
  std::cout << "requests of a query on one S3 file (" << one_size << " bytes, " << row_groups
            << " row groups):\n"
            << shown;
  // The footer: the magic at the start and the last 64 KiB; the size comes from the catalog,
  // so there is no HEAD. Then at most one coalesced request per row group.
  ASSERT_GE(requests.size(), 2u);
  const std::string object = "GET /frocket-test/datasets/one/part-00000.parquet range=bytes=";
  EXPECT_EQ(requests[0], object + "0-3");
  EXPECT_EQ(requests[1],
            object + std::to_string(one_size - kS3TailBytes) + "-" + std::to_string(one_size - 1));
  for (const std::string& r : requests) EXPECT_EQ(r.rfind(object, 0), 0u) << shown;
  EXPECT_LE(requests.size(), 2u + static_cast<size_t>(row_groups)) << shown;
  // The same answer as on the local copy.
  ASSERT_EQ(RunFrocket({"register", "one-local", one_dir, "--group-id-column", "user_id",
                        "--timestamp-column", "ts", "--catalog", catalog})
                .exit_code,
            0);
  EXPECT_EQ(one, QueryJson(catalog, "one-local", query, env));

  // An object deleted after registration: the query fails naming it.
  client().DeleteObject(kBucket, "datasets/events/part-00001.parquet");
  CommandResult failed;
  nlohmann::json broken = QueryJson(catalog, "remote", query, env, &failed);
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_TRUE(Contains(failed.out + failed.err,
                       "s3://frocket-test/datasets/events/part-00001.parquet: object not found "
                       "(404)"))
      << failed.out << failed.err;
}

}  // namespace
}  // namespace frocket
