// Tests of `frocket datagen` (src/datagen): the generated dataset is read back with our Parquet
// reader and checked against the contract in the issue and in datagen.h / event_generator.h:
// exact row and user counts, bucketing by BucketOf, sort order, the time window, session and
// funnel rules, nulls, determinism across runs and thread counts, and file handling.
// Expected values come from the spec (counts, window bounds, bucket function), never from a
// previous run.
#include "datagen/datagen.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/bucket.h"
#include "common/error.h"
#include "datagen/user_population.h"
#include "parquet/file_reader.h"
#include "storage/file.h"

namespace frocket::datagen {
namespace {

namespace fs = std::filesystem;
using parquet::ColumnVector;
using parquet::ParquetFile;

constexpr int64_t kMsPerDay = 86'400'000;

struct Row {
  int64_t user_id = 0;
  int64_t ts = 0;
  std::string event_type;
  std::string url;
  std::string browser;
  std::string country;
  std::string device;
  std::optional<std::string> product_sku;
  std::optional<double> price;
  int64_t session_id = 0;
  bool is_returning = false;
};

struct FileContents {
  std::vector<Row> rows;
  std::unique_ptr<ParquetFile> file;
};

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A fresh, empty directory under the test temp dir.
std::string FreshDir(const std::string& name) {
  static std::atomic<int> counter{0};
  fs::path dir = fs::path(::testing::TempDir()) / ("frocket_datagen_" + std::to_string(::getpid()) +
                                                   "_" + name + "_" + std::to_string(counter++));
  fs::remove_all(dir);
  return dir.string();
}

FileContents ReadPart(const std::string& path) {
  FileContents out;
  out.file = ParquetFile::Open(OpenLocalFile(path));
  const ParquetFile& f = *out.file;
  auto col = [&](const char* name) {
    int index = f.schema().FindColumn(name);
    EXPECT_GE(index, 0) << name;
    return index;
  };
  const int user_id = col("user_id"), ts = col("ts"), event_type = col("event_type"),
            url = col("url"), browser = col("browser"), country = col("country"),
            device = col("device"), sku = col("product_sku"), price = col("price"),
            session_id = col("session_id"), is_returning = col("is_returning");
  for (int rg = 0; rg < f.num_row_groups(); ++rg) {
    auto read = [&](int c) { return f.ReadColumn(rg, c); };
    ColumnVector v_user = read(user_id), v_ts = read(ts), v_event = read(event_type),
                 v_url = read(url), v_browser = read(browser), v_country = read(country),
                 v_device = read(device), v_sku = read(sku), v_price = read(price),
                 v_session = read(session_id), v_returning = read(is_returning);
    for (int64_t i = 0; i < v_user.size; ++i) {
      Row r;
      r.user_id = v_user.Get<int64_t>(i);
      r.ts = v_ts.Get<int64_t>(i);
      r.event_type = v_event.GetBytes(i);
      r.url = v_url.GetBytes(i);
      r.browser = v_browser.GetBytes(i);
      r.country = v_country.GetBytes(i);
      r.device = v_device.GetBytes(i);
      if (v_sku.IsValid(i)) r.product_sku = std::string(v_sku.GetBytes(i));
      if (v_price.IsValid(i)) r.price = v_price.Get<double>(i);
      r.session_id = v_session.Get<int64_t>(i);
      r.is_returning = v_returning.Get<uint8_t>(i) != 0;
      out.rows.push_back(std::move(r));
    }
  }
  return out;
}

std::vector<FileContents> ReadDataset(const std::string& dir, uint32_t files) {
  std::vector<FileContents> parts;
  for (uint32_t k = 0; k < files; ++k) {
    parts.push_back(ReadPart((fs::path(dir) / PartFileName(k)).string()));
  }
  return parts;
}

bool IsProductEvent(const std::string& e) {
  return e == "addToCart" || e == "removeFromCart" || e == "purchase";
}

// One dataset shared by the read-back tests: 20000 rows, 2000 users, 4 files, a 3-day window
// starting 2023-03-10, small row groups so files have several.
class DatagenDatasetTest : public ::testing::Test {
 protected:
  static constexpr int64_t kRows = 20'000;
  static constexpr int64_t kUsers = 2'000;
  static constexpr uint32_t kFiles = 4;
  // 2023-03-10T00:00:00Z: 2023-01-01 is 1672531200 s after the epoch, plus 68 days.
  static constexpr int64_t kStartMs = (1672531200LL + 68 * 86400LL) * 1000;
  static constexpr int32_t kDays = 3;

  static void SetUpTestSuite() {
    dir_ = new std::string(FreshDir("shared"));
    DatagenOptions o;
    o.rows = kRows;
    o.users = kUsers;
    o.files = kFiles;
    o.out_dir = *dir_;
    o.seed = 7;
    o.start_ms = ParseStartDate("2023-03-10");
    o.days = kDays;
    o.row_group_rows = 2'000;
    o.threads = 2;
    result_ = new DatagenResult(GenerateDataset(o));
    parts_ = new std::vector<FileContents>(ReadDataset(*dir_, kFiles));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete parts_;
    delete result_;
    delete dir_;
  }

  // All rows, file after file.
  static std::vector<const Row*> AllRows() {
    std::vector<const Row*> rows;
    for (const FileContents& p : *parts_) {
      for (const Row& r : p.rows) rows.push_back(&r);
    }
    return rows;
  }

  static std::string* dir_;
  static DatagenResult* result_;
  static std::vector<FileContents>* parts_;
};
std::string* DatagenDatasetTest::dir_ = nullptr;
DatagenResult* DatagenDatasetTest::result_ = nullptr;
std::vector<FileContents>* DatagenDatasetTest::parts_ = nullptr;

TEST_F(DatagenDatasetTest, ExactRowAndUserCounts) {
  std::set<int64_t> users;
  int64_t rows = 0;
  for (const FileContents& p : *parts_) {
    rows += static_cast<int64_t>(p.rows.size());
    EXPECT_EQ(p.file->num_rows(), static_cast<int64_t>(p.rows.size()));
    for (const Row& r : p.rows) users.insert(r.user_id);
  }
  EXPECT_EQ(rows, kRows);
  EXPECT_EQ(static_cast<int64_t>(users.size()), kUsers);
  EXPECT_EQ(result_->rows, kRows);
  EXPECT_EQ(result_->users, kUsers);
  EXPECT_EQ(result_->files, kFiles);
  ASSERT_EQ(result_->paths.size(), kFiles);
  EXPECT_EQ(fs::path(result_->paths[3]).filename(), "part-00003.parquet");
}

TEST_F(DatagenDatasetTest, EveryUserIsInExactlyOneFileTheRightBucket) {
  std::map<int64_t, uint32_t> file_of;
  for (uint32_t k = 0; k < kFiles; ++k) {
    for (const Row& r : (*parts_)[k].rows) {
      ASSERT_EQ(BucketOf(r.user_id, kFiles), k) << "user " << r.user_id;
      auto [it, inserted] = file_of.emplace(r.user_id, k);
      EXPECT_EQ(it->second, k) << "user " << r.user_id << " in two files";
    }
  }
  // The buckets are not degenerate: every file has users.
  for (const FileContents& p : *parts_) EXPECT_FALSE(p.rows.empty());
}

TEST_F(DatagenDatasetTest, UserIdsAreNotSequentialIndexes) {
  std::set<int64_t> ids;
  for (const Row* r : AllRows()) ids.insert(r->user_id);
  // Ids drawn over [0, 2^63): with 2000 of them, the largest is far beyond 2000.
  EXPECT_GT(*ids.rbegin(), int64_t{1} << 40);
  EXPECT_GE(*ids.begin(), 0);
}

TEST_F(DatagenDatasetTest, SortedByUserThenStrictlyIncreasingTimeInsideTheWindow) {
  const int64_t end = kStartMs + kDays * kMsPerDay;
  EXPECT_EQ(ParseStartDate("2023-03-10"), kStartMs);
  for (const FileContents& p : *parts_) {
    for (size_t i = 0; i < p.rows.size(); ++i) {
      const Row& r = p.rows[i];
      ASSERT_GE(r.ts, kStartMs);
      ASSERT_LT(r.ts, end);
      if (i == 0) continue;
      const Row& prev = p.rows[i - 1];
      ASSERT_LE(prev.user_id, r.user_id) << "row " << i;
      if (prev.user_id == r.user_id) {
        ASSERT_LT(prev.ts, r.ts) << "row " << i;
      }
    }
  }
}

TEST_F(DatagenDatasetTest, SortingColumnsAreRecorded) {
  const std::vector<parquet::SortingColumn> expected = {{0, false, false}, {1, false, false}};
  for (const FileContents& p : *parts_) {
    ASSERT_EQ(p.file->schema().column(0).name, "user_id");
    ASSERT_EQ(p.file->schema().column(1).name, "ts");
    // 2000-row row groups over ~5000 rows per file.
    EXPECT_GE(p.file->num_row_groups(), 2);
    for (const parquet::RowGroup& rg : p.file->metadata().row_groups) {
      EXPECT_LE(rg.num_rows, 2'000);
      EXPECT_EQ(rg.sorting_columns, expected);
    }
  }
}

TEST_F(DatagenDatasetTest, SessionsAreMinutesApartInsideAndHoursApartBetween) {
  // session_id is the ts of the session's first event: it increases with the session, equals
  // ts on a session's first row, and events inside a session are at most an hour apart.
  int64_t sessions = 0, multi_session_users = 0;
  std::set<int64_t> users_with_two;
  for (const FileContents& p : *parts_) {
    for (size_t i = 0; i < p.rows.size(); ++i) {
      const Row& r = p.rows[i];
      bool first_of_user = i == 0 || p.rows[i - 1].user_id != r.user_id;
      if (first_of_user || p.rows[i - 1].session_id != r.session_id) {
        ASSERT_EQ(r.session_id, r.ts) << "row " << i;
        ++sessions;
        if (!first_of_user) {
          ASSERT_GT(r.session_id, p.rows[i - 1].session_id);
          users_with_two.insert(r.user_id);
        }
      } else {
        ASSERT_LE(r.ts - p.rows[i - 1].ts, 3'600'000) << "row " << i;
      }
    }
  }
  multi_session_users = static_cast<int64_t>(users_with_two.size());
  // Several events per session on average, and many users come back.
  EXPECT_LT(sessions, kRows / 2);
  EXPECT_GT(multi_session_users, kUsers / 5);
}

TEST_F(DatagenDatasetTest, CheckoutAndPurchaseFollowAnAddToCartInTheSameSession) {
  int64_t checkouts = 0, purchases = 0;
  for (const FileContents& p : *parts_) {
    std::set<std::pair<int64_t, int64_t>> carted;  // (user, session) with an addToCart so far
    for (const Row& r : p.rows) {
      if (r.event_type == "addToCart") carted.insert({r.user_id, r.session_id});
      if (r.event_type == "checkout" || r.event_type == "purchase") {
        ASSERT_TRUE(carted.count({r.user_id, r.session_id}))
            << r.event_type << " without addToCart, user " << r.user_id << " ts " << r.ts;
        (r.event_type == "checkout" ? checkouts : purchases)++;
      }
    }
  }
  EXPECT_GT(checkouts, 0);
  EXPECT_GT(purchases, 0);
}

TEST_F(DatagenDatasetTest, FunnelNarrows) {
  std::map<std::string, std::set<int64_t>> users_by_event;
  std::map<std::string, int64_t> rows_by_event;
  for (const Row* r : AllRows()) {
    users_by_event[r->event_type].insert(r->user_id);
    rows_by_event[r->event_type]++;
  }
  auto users = [&](const char* e) { return users_by_event[e].size(); };
  EXPECT_GT(users("pageview"), users("addToCart"));
  EXPECT_GT(users("addToCart"), users("checkout"));
  EXPECT_GT(users("checkout"), users("purchase"));
  EXPECT_GT(users("purchase"), 0u);
  // The documented vocabulary, and nothing else.
  const std::set<std::string> vocabulary = {"pageview",       "search",   "addToCart",
                                            "removeFromCart", "checkout", "purchase",
                                            "login",          "logout",   "signup"};
  for (const auto& [event, count] : rows_by_event) EXPECT_TRUE(vocabulary.count(event)) << event;
  // Pageviews dominate the mix.
  EXPECT_GT(rows_by_event["pageview"], kRows / 2);
  EXPECT_GT(rows_by_event["search"], 0);
  EXPECT_GT(rows_by_event["login"], 0);
  EXPECT_GT(rows_by_event["signup"], 0);
}

TEST_F(DatagenDatasetTest, NullsOnlyWhereAllowedAndUrlsMatchEvents) {
  for (const FileContents& p : *parts_) {
    for (const parquet::ColumnDescriptor& c : p.file->schema().columns()) {
      bool may_be_null = c.name == "product_sku" || c.name == "price";
      EXPECT_EQ(c.nullable, may_be_null) << c.name;
    }
  }
  const std::map<std::string, std::string> fixed_url = {
      {"checkout", "/checkout"}, {"purchase", "/checkout/complete"},
      {"login", "/login"},       {"logout", "/logout"},
      {"signup", "/signup"},     {"removeFromCart", "/cart"}};
  int64_t product_pageviews = 0;
  for (const Row* r : AllRows()) {
    ASSERT_EQ(r->product_sku.has_value(), r->price.has_value());
    if (r->price) {
      ASSERT_GT(*r->price, 0);
    }
    const std::string& e = r->event_type;
    if (IsProductEvent(e)) {
      ASSERT_TRUE(r->product_sku) << e;
    }
    if (e == "pageview") {
      bool product_page = r->url.rfind("/p/", 0) == 0;
      ASSERT_EQ(r->product_sku.has_value(), product_page) << r->url;
      if (product_page) {
        ASSERT_EQ(r->url, "/p/" + *r->product_sku);
        ++product_pageviews;
      } else {
        ASSERT_TRUE(r->url == "/" || r->url.rfind("/c/", 0) == 0) << r->url;
      }
    } else if (e == "addToCart") {
      ASSERT_EQ(r->url, "/p/" + *r->product_sku);
    } else if (e == "search") {
      ASSERT_EQ(r->url.rfind("/search?q=", 0), 0u) << r->url;
    } else {
      ASSERT_EQ(r->url, fixed_url.at(e)) << e;
    }
    if (!IsProductEvent(e) && e != "pageview") {
      ASSERT_FALSE(r->product_sku) << e;
    }
    ASSERT_EQ(r->country.size(), 2u);
    ASSERT_TRUE(r->device == "desktop" || r->device == "mobile" || r->device == "tablet");
    ASSERT_FALSE(r->browser.empty());
  }
  EXPECT_GT(product_pageviews, 0);
}

TEST_F(DatagenDatasetTest, PurchasePriceIsTheCartTotal) {
  // The purchase's price is the sum of the prices of the cart (addToCart minus
  // removeFromCart since the session's last purchase), to the cent.
  int64_t purchases = 0;
  for (const FileContents& p : *parts_) {
    std::multiset<std::string> cart;
    std::map<std::string, double> price_of;
    int64_t user = -1, session = -1;
    for (const Row& r : p.rows) {
      if (r.user_id != user || r.session_id != session) cart.clear();
      user = r.user_id;
      session = r.session_id;
      if (r.event_type == "addToCart") {
        cart.insert(*r.product_sku);
        price_of[*r.product_sku] = *r.price;
      } else if (r.event_type == "removeFromCart") {
        auto it = cart.find(*r.product_sku);
        ASSERT_NE(it, cart.end());
        cart.erase(it);
      } else if (r.event_type == "purchase") {
        double total = 0;
        for (const std::string& sku : cart) total += price_of[sku];
        ASSERT_NEAR(*r.price, total, 0.005);
        ASSERT_TRUE(cart.count(*r.product_sku));
        cart.clear();
        ++purchases;
      }
    }
  }
  EXPECT_GT(purchases, 0);
}

TEST_F(DatagenDatasetTest, UsersHaveHeavyTailedRowCountsAndMostlyFixedAttributes) {
  std::map<int64_t, int64_t> rows_of;
  std::map<int64_t, std::map<std::string, int>> countries, devices;
  std::map<int64_t, std::set<bool>> returning;
  for (const Row* r : AllRows()) {
    rows_of[r->user_id]++;
    countries[r->user_id][r->country]++;
    devices[r->user_id][r->device]++;
    returning[r->user_id].insert(r->is_returning);
  }
  std::vector<int64_t> counts;
  for (const auto& [user, n] : rows_of) counts.push_back(n);
  std::sort(counts.begin(), counts.end());
  const int64_t mean = kRows / kUsers;
  EXPECT_EQ(counts.front(), 1);
  EXPECT_GT(counts.back(), 10 * mean);         // a long tail
  EXPECT_LT(counts[counts.size() / 2], mean);  // median below the mean
  EXPECT_GT(std::count(counts.begin(), counts.end(), 1), kUsers / 10);
  // Per user: is_returning never changes; country and device are the user's usual ones on
  // nearly all rows.
  int64_t usual_country = 0, usual_device = 0;
  for (const auto& [user, n] : rows_of) {
    EXPECT_EQ(returning[user].size(), 1u);
    int top_country = 0, top_device = 0;
    for (const auto& [c, k] : countries[user]) top_country = std::max(top_country, k);
    for (const auto& [d, k] : devices[user]) top_device = std::max(top_device, k);
    usual_country += top_country;
    usual_device += top_device;
  }
  EXPECT_GT(usual_country, kRows * 95 / 100);
  EXPECT_GT(usual_device, kRows * 85 / 100);
}

TEST_F(DatagenDatasetTest, LeavesNoTemporaryFiles) {
  int parts = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(*dir_)) {
    std::string name = e.path().filename().string();
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
    ++parts;
  }
  EXPECT_EQ(parts, static_cast<int>(kFiles));
}

DatagenOptions SmallOptions(const std::string& dir) {
  DatagenOptions o;
  o.rows = 6'000;
  o.users = 500;
  o.files = 3;
  o.out_dir = dir;
  o.seed = 11;
  o.row_group_rows = 1'000;
  return o;
}

std::vector<std::string> FileBytes(const DatagenResult& r) {
  std::vector<std::string> bytes;
  for (const std::string& path : r.paths) bytes.push_back(ReadBytes(path));
  return bytes;
}

TEST(DatagenTest, SameSeedGivesByteIdenticalFilesWhateverTheThreadCount) {
  std::vector<std::vector<std::string>> runs;
  std::vector<std::string> dirs;
  for (int threads : {1, 2, 3}) {
    dirs.push_back(FreshDir("determinism"));
    DatagenOptions o = SmallOptions(dirs.back());
    o.threads = threads;
    runs.push_back(FileBytes(GenerateDataset(o)));
  }
  ASSERT_EQ(runs[0].size(), 3u);
  for (size_t k = 0; k < runs[0].size(); ++k) {
    EXPECT_FALSE(runs[0][k].empty());
    EXPECT_TRUE(runs[0][k] == runs[1][k]) << "file " << k << ": 1 vs 2 threads";
    EXPECT_TRUE(runs[0][k] == runs[2][k]) << "file " << k << ": 1 vs 3 threads";
  }
  for (const std::string& d : dirs) fs::remove_all(d);
}

TEST(DatagenTest, DifferentSeedGivesDifferentData) {
  std::string a = FreshDir("seed_a"), b = FreshDir("seed_b");
  DatagenOptions o = SmallOptions(a);
  DatagenResult ra = GenerateDataset(o);
  o.out_dir = b;
  o.seed = 12;
  DatagenResult rb = GenerateDataset(o);
  std::set<int64_t> ids_a, ids_b;
  for (const FileContents& p : ReadDataset(a, o.files)) {
    for (const Row& r : p.rows) ids_a.insert(r.user_id);
  }
  for (const FileContents& p : ReadDataset(b, o.files)) {
    for (const Row& r : p.rows) ids_b.insert(r.user_id);
  }
  EXPECT_EQ(ids_a.size(), 500u);
  EXPECT_EQ(ids_b.size(), 500u);
  std::vector<int64_t> common;
  std::set_intersection(ids_a.begin(), ids_a.end(), ids_b.begin(), ids_b.end(),
                        std::back_inserter(common));
  EXPECT_TRUE(common.empty());
  EXPECT_NE(FileBytes(ra), FileBytes(rb));
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(DatagenTest, FewerRowsThanUsersGivesOneRowPerUser) {
  std::string dir = FreshDir("few_rows");
  DatagenOptions o = SmallOptions(dir);
  o.rows = 50;
  o.users = 200;
  DatagenResult r = GenerateDataset(o);
  EXPECT_EQ(r.users, 50);
  std::set<int64_t> users;
  int64_t rows = 0;
  for (const FileContents& p : ReadDataset(dir, o.files)) {
    rows += static_cast<int64_t>(p.rows.size());
    for (const Row& row : p.rows) {
      EXPECT_TRUE(users.insert(row.user_id).second) << "user with two rows: " << row.user_id;
    }
  }
  EXPECT_EQ(rows, 50);
  EXPECT_EQ(users.size(), 50u);
  fs::remove_all(dir);
}

TEST(DatagenTest, MoreFilesThanUsersWritesEmptyButValidFiles) {
  std::string dir = FreshDir("empty_files");
  DatagenOptions o = SmallOptions(dir);
  o.rows = 3;
  o.users = 3;
  o.files = 20;
  GenerateDataset(o);
  int64_t rows = 0;
  int empty = 0;
  for (const FileContents& p : ReadDataset(dir, o.files)) {
    rows += static_cast<int64_t>(p.rows.size());
    empty += p.rows.empty();
  }
  EXPECT_EQ(rows, 3);
  EXPECT_GE(empty, 17);
  fs::remove_all(dir);
}

TEST(DatagenTest, ProgressReachesTheTotal) {
  std::string dir = FreshDir("progress");
  DatagenOptions o = SmallOptions(dir);
  DatagenProgress last;
  int calls = 0;
  GenerateDataset(o, [&](const DatagenProgress& p) {
    EXPECT_LE(p.rows_written, p.rows_total);
    EXPECT_GE(p.rows_written, last.rows_written);
    last = p;
    ++calls;
  });
  EXPECT_GE(calls, 1);
  EXPECT_EQ(last.rows_written, o.rows);
  EXPECT_EQ(last.rows_total, o.rows);
  EXPECT_EQ(last.files_done, o.files);
  fs::remove_all(dir);
}

TEST(DatagenTest, RefusesAnExistingDatasetUnlessOverwriting) {
  std::string dir = FreshDir("overwrite");
  DatagenOptions o = SmallOptions(dir);
  o.files = 5;
  GenerateDataset(o);
  o.files = 2;
  try {
    GenerateDataset(o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("--overwrite"), std::string::npos) << e.what();
  }
  // Overwriting replaces the dataset: the parts of the old, larger one are gone.
  o.overwrite = true;
  GenerateDataset(o);
  std::set<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"part-00000.parquet", "part-00001.parquet"}));
  fs::remove_all(dir);
}

TEST(DatagenTest, RejectsBadOptions) {
  std::string dir = FreshDir("bad");
  auto expect_invalid = [&](auto change) {
    DatagenOptions o = SmallOptions(dir);
    change(o);
    try {
      GenerateDataset(o);
      ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument) << e.what();
    }
  };
  expect_invalid([](DatagenOptions& o) { o.rows = 0; });
  expect_invalid([](DatagenOptions& o) { o.users = 0; });
  expect_invalid([](DatagenOptions& o) { o.files = 0; });
  expect_invalid([](DatagenOptions& o) { o.files = 100'001; });
  expect_invalid([](DatagenOptions& o) { o.days = 0; });
  expect_invalid([](DatagenOptions& o) { o.row_group_rows = 0; });
  // One user may have at most 10 million rows (kept in memory at once).
  expect_invalid([](DatagenOptions& o) {
    o.rows = 90'000'000;
    o.users = 1;
    o.days = 1;
  });
  fs::remove_all(dir);
}

TEST(DatagenTest, ParseStartDate) {
  EXPECT_EQ(ParseStartDate("1970-01-01"), 0);
  EXPECT_EQ(ParseStartDate("2024-01-01"), 1704067200000);
  EXPECT_EQ(ParseStartDate("2024-02-29"), 1704067200000 + 59 * kMsPerDay);  // leap year
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "2024/01/01", "20240101",
                          "2024-01-01T00", "", "abcd-ef-gh", "+024-01-01"}) {
    EXPECT_THROW(ParseStartDate(bad), Error) << bad;
  }
}

TEST(DatagenTest, PartFileNames) {
  EXPECT_EQ(PartFileName(0), "part-00000.parquet");
  EXPECT_EQ(PartFileName(42), "part-00042.parquet");
  EXPECT_EQ(PartFileName(99999), "part-99999.parquet");
}

TEST(DatagenTest, PopulationHandsOutExactlyTheRows) {
  for (int64_t rows : {int64_t{1}, int64_t{999}, int64_t{1000}, int64_t{1001}, int64_t{123457}}) {
    UserPopulation pop(3, rows, 1000, 7, 1'000'000);
    int64_t total = 0, min_rows = INT64_MAX;
    for (int64_t i = 0; i < pop.num_users(); ++i) {
      total += pop.rows_of(static_cast<uint32_t>(i));
      min_rows = std::min(min_rows, pop.rows_of(static_cast<uint32_t>(i)));
    }
    EXPECT_EQ(total, rows);
    EXPECT_EQ(pop.num_users(), std::min<int64_t>(rows, 1000));
    EXPECT_EQ(min_rows, 1);
    int64_t file_total = 0;
    for (uint32_t f = 0; f < pop.num_files(); ++f) {
      file_total += pop.file_rows(f);
      for (const UserRef& u : pop.file_users(f)) EXPECT_EQ(BucketOf(u.id, 7), f);
    }
    EXPECT_EQ(file_total, rows);
  }
}

TEST(DatagenTest, UserIdsAreDistinctAndNonNegative) {
  std::set<int64_t> ids;
  for (uint64_t i = 0; i < 100'000; ++i) {
    int64_t id = UserId(5, i);
    ASSERT_GE(id, 0);
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100'000u);
}

// The command line: a non-terminal stderr gets only the one-line summary.
TEST(DatagenCommandTest, WritesTheDatasetAndASummary) {
  std::string dir = FreshDir("cli");
  std::string err = dir + ".err";
  std::string command = std::string(FROCKET_BINARY) +
                        " datagen --rows 3000 --users 300 --files 2 --seed 5 --days 7 "
                        "--codec snappy --out '" +
                        dir + "' 2>'" + err + "'";
  int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string text = ReadBytes(err);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_NE(text.find("3000 rows, 300 users, 2 files"), std::string::npos) << text;
  EXPECT_NE(text.find("rows/s"), std::string::npos) << text;
  int64_t rows = 0;
  for (const FileContents& p : ReadDataset(dir, 2)) {
    rows += static_cast<int64_t>(p.rows.size());
    const auto& chunk = p.file->metadata().row_groups.at(0).columns.at(0);
    EXPECT_EQ(chunk.meta_data->codec, parquet::Codec::kSnappy);
  }
  EXPECT_EQ(rows, 3000);

  // A bad flag value is a usage error, reported without writing anything.
  std::string bad = std::string(FROCKET_BINARY) + " datagen --rows 10 --users 1 --files 1 " +
                    "--codec lzo --out '" + dir + "_bad' 2>/dev/null";
  status = std::system(bad.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_FALSE(fs::exists(dir + "_bad"));
  fs::remove_all(dir);
  fs::remove(err);
}

}  // namespace
}  // namespace frocket::datagen
