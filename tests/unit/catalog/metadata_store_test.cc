// One behavioural suite run against every MetadataStore (in-memory, local directory, and Redis
// when redis-server is installed), then what only the local directory has: files on disk,
// damaged and newer records, locking. Redis-only behaviour is in tests/cluster.
#include "catalog/metadata_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "support/redis_server.h"
#include "support/scoped_env.h"
#include "unit/catalog/dataset_files.h"

namespace frocket {
namespace {

using catalog_testing::TempDir;

DatasetInfo Record(const std::string& name, int64_t rows) {
  DatasetInfo info;
  info.name = name;
  info.base_path = "/data/" + name;
  info.registered_at_ms = 1000 + rows;
  info.schema.group_id_column = "uid";
  info.schema.timestamp_column = "ts";
  info.schema.columns = {{"uid", ColumnKind::kInt, "INT64", ""},
                         {"ts", ColumnKind::kInt, "INT64", ""}};
  info.stats.resize(2);
  info.files = {{"part-0.parquet", 123, rows, 1, 2, true}};
  return info;
}

struct StoreFactory {
  std::string label;
  std::function<std::unique_ptr<MetadataStore>(const std::string& dir)> make;
};

// One redis-server for the whole suite; every store gets its own key prefix.
std::unique_ptr<MetadataStore> OpenTestRedisStore() {
  // A function-level static: destroyed (and the server stopped) when the test binary exits.
  static test_support::TestRedisServer server;
  static int counter = 0;
  return OpenRedisMetadataStore(server.url(), "mdtest" + std::to_string(++counter) + ":");
}

class MetadataStoreTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().label == "Redis") FROCKET_SKIP_WITHOUT_REDIS();
    store_ = GetParam().make(dir_.path() + "/catalog");
  }
  TempDir dir_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_P(MetadataStoreTest, EmptyStore) {
  EXPECT_TRUE(store_->List().empty());
  EXPECT_FALSE(store_->Get("nothing").has_value());
  EXPECT_FALSE(store_->Delete("nothing"));
}

TEST_P(MetadataStoreTest, PutGetListDelete) {
  store_->Put(Record("beta", 20));
  store_->Put(Record("alpha", 10));
  store_->Put(Record("gamma", 30));

  std::optional<DatasetInfo> got = store_->Get("alpha");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name, "alpha");
  EXPECT_EQ(got->base_path, "/data/alpha");
  EXPECT_EQ(got->TotalRows(), 10);
  EXPECT_EQ(got->files[0].size, 123u);

  std::vector<DatasetInfo> all = store_->List();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "alpha");
  EXPECT_EQ(all[1].name, "beta");
  EXPECT_EQ(all[2].name, "gamma");
  EXPECT_EQ(all[2].TotalRows(), 30);

  EXPECT_TRUE(store_->Delete("beta"));
  EXPECT_FALSE(store_->Delete("beta"));
  EXPECT_FALSE(store_->Get("beta").has_value());
  all = store_->List();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "alpha");
  EXPECT_EQ(all[1].name, "gamma");
}

TEST_P(MetadataStoreTest, PutReplaces) {
  store_->Put(Record("ds", 10));
  store_->Put(Record("ds", 99));
  EXPECT_EQ(store_->Get("ds")->TotalRows(), 99);
  EXPECT_EQ(store_->List().size(), 1u);
}

TEST_P(MetadataStoreTest, ReturnsCopies) {
  DatasetInfo info = Record("ds", 10);
  store_->Put(info);
  info.files[0].num_rows = 5000;
  std::optional<DatasetInfo> got = store_->Get("ds");
  got->files.clear();
  EXPECT_EQ(store_->Get("ds")->TotalRows(), 10);
}

TEST_P(MetadataStoreTest, BadNamesAreRefused) {
  for (const char* bad : {"", "../escape", "a/b", ".hidden"}) {
    DatasetInfo info = Record("x", 1);
    info.name = bad;
    EXPECT_THROW(store_->Put(info), Error) << bad;
    EXPECT_THROW(store_->Get(bad), Error) << bad;
    EXPECT_THROW(store_->Delete(bad), Error) << bad;
  }
  EXPECT_TRUE(store_->List().empty());
}

TEST_P(MetadataStoreTest, ConcurrentWritersAllLand) {
  constexpr int kThreads = 4, kPerThread = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store_->Put(Record("t" + std::to_string(t) + "_" + std::to_string(i), i));
        store_->Put(Record("shared", t * 100 + i));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<DatasetInfo> all = store_->List();
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread + 1));
  std::optional<DatasetInfo> shared = store_->Get("shared");
  ASSERT_TRUE(shared.has_value());
  // Whichever write came last, it is one whole record.
  EXPECT_EQ(shared->files.size(), 1u);
  EXPECT_EQ(shared->TotalRows() % 100 < kPerThread, true);
}

INSTANTIATE_TEST_SUITE_P(
    Stores, MetadataStoreTest,
    ::testing::Values(
        StoreFactory{"Memory", [](const std::string&) { return MakeMemoryMetadataStore(); }},
        StoreFactory{"Local", [](const std::string& dir) { return OpenLocalMetadataStore(dir); }},
        StoreFactory{"Redis", [](const std::string&) { return OpenTestRedisStore(); }}),
    [](const ::testing::TestParamInfo<StoreFactory>& info) { return info.param.label; });

// ---- local directory only ----

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LocalMetadataStoreTest, OneJsonFilePerDatasetAndNoTemporariesLeft) {
  TempDir dir;
  auto store = OpenLocalMetadataStore(dir.path());
  store->Put(Record("events", 7));
  std::string path = dir / "datasets/events.json";
  nlohmann::json doc = nlohmann::json::parse(ReadAll(path));
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["name"], "events");
  EXPECT_EQ(doc["files"][0]["num_rows"], 7);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir / "datasets")) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"events.json"});
  EXPECT_TRUE(std::filesystem::exists(dir / "catalog.lock"));
}

TEST(LocalMetadataStoreTest, StaleTemporariesAreIgnoredAndCleanedByTheNextWriter) {
  TempDir dir;
  auto store = OpenLocalMetadataStore(dir.path());
  store->Put(Record("a", 1));
  std::string stale = dir / "datasets/.a.json.tmp.99999.0";
  catalog_testing::WriteText(stale, "{half a rec");
  EXPECT_EQ(store->List().size(), 1u);
  store->Put(Record("b", 1));
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_EQ(store->List().size(), 2u);
}

TEST(LocalMetadataStoreTest, NewerRecordIsAClearError) {
  TempDir dir;
  auto store = OpenLocalMetadataStore(dir.path());
  store->Put(Record("future", 1));
  std::string path = dir / "datasets/future.json";
  nlohmann::json doc = nlohmann::json::parse(ReadAll(path));
  doc["version"] = 7;
  catalog_testing::WriteText(path, doc.dump());
  try {
    store->Get("future");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotSupported);
    EXPECT_NE(std::string(e.what()).find("version 7"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_THROW(store->List(), Error);
  // Deleting does not need to read it.
  EXPECT_TRUE(store->Delete("future"));
}

TEST(LocalMetadataStoreTest, DamagedRecordNamesItsFile) {
  TempDir dir;
  auto store = OpenLocalMetadataStore(dir.path());
  store->Put(Record("ok", 1));
  catalog_testing::WriteText(dir / "datasets/broken.json", "{\"version\": 1, \"name\": ");
  try {
    store->Get("broken");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
    EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos) << e.what();
  }
  // A record stored under another dataset's file name is caught too.
  std::filesystem::copy_file(dir / "datasets/ok.json", dir / "datasets/other.json");
  EXPECT_THROW(store->Get("other"), Error);
}

TEST(LocalMetadataStoreTest, FilesThatAreNotRecordsAreSkipped) {
  TempDir dir;
  auto store = OpenLocalMetadataStore(dir.path());
  store->Put(Record("a", 1));
  catalog_testing::WriteText(dir / "datasets/README.txt", "hello");
  catalog_testing::WriteText(dir / "datasets/bad name.json", "{}");
  std::vector<DatasetInfo> all = store->List();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "a");
}

TEST(LocalMetadataStoreTest, MissingDirectoryIsAnEmptyCatalogUntilTheFirstPut) {
  TempDir dir;
  std::string catalog = dir / "deep/er/catalog";
  auto store = OpenLocalMetadataStore(catalog);
  EXPECT_TRUE(store->List().empty());
  EXPECT_FALSE(store->Delete("x"));
  EXPECT_FALSE(std::filesystem::exists(catalog));
  store->Put(Record("x", 1));
  EXPECT_TRUE(std::filesystem::exists(catalog + "/datasets/x.json"));
}

TEST(LocalMetadataStoreTest, UnwritableDirectoryIsAnIoError) {
  TempDir dir;
  catalog_testing::WriteText(dir / "file", "not a directory");
  auto store = OpenLocalMetadataStore(dir / "file");
  try {
    store->Put(Record("x", 1));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
}

TEST(LocalMetadataStoreTest, TwoStoresOnOneDirectorySeeEachOther) {
  TempDir dir;
  auto a = OpenLocalMetadataStore(dir.path());
  auto b = OpenLocalMetadataStore(dir.path());
  a->Put(Record("x", 1));
  EXPECT_EQ(b->Get("x")->TotalRows(), 1);
  b->Put(Record("x", 2));
  EXPECT_EQ(a->Get("x")->TotalRows(), 2);
  EXPECT_TRUE(a->Delete("x"));
  EXPECT_FALSE(b->Get("x").has_value());
}

// Sets an environment variable for one test and restores it.
using test_support::ScopedEnv;

TEST(ResolveCatalogDirTest, FlagThenEnvironmentThenHome) {
  ScopedEnv home("HOME", "/home/someone");
  {
    ScopedEnv env("FROCKET_CATALOG_DIR", "/env/catalog");
    EXPECT_EQ(ResolveCatalogDir("/flag/catalog"), "/flag/catalog");
    EXPECT_EQ(ResolveCatalogDir(""), "/env/catalog");
  }
  {
    ScopedEnv env("FROCKET_CATALOG_DIR", "");
    EXPECT_EQ(ResolveCatalogDir(""), "/home/someone/.frocket");
  }
  {
    ScopedEnv env("FROCKET_CATALOG_DIR", nullptr);
    ScopedEnv no_home("HOME", nullptr);
    EXPECT_THROW(ResolveCatalogDir(""), Error);
  }
}

}  // namespace
}  // namespace frocket
