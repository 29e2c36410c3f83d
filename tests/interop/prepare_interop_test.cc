// Interoperability test of `frocket prepare`: DuckDB writes an unbucketed event table as CSV,
// JSON lines and Parquet (prepare_interop.mjs make), the frocket binary prepares each, and
// DuckDB checks the dataset against the table it wrote (prepare_interop.mjs check): the same
// multiset of rows, each file ordered by (user, ts) with ties in input order, each user in one
// file. This test then checks that file is part-BucketOf(user, N).parquet, with BucketOf
// computed here.
//
// Needs node and the npm packages of tests/interop (`npm ci` there); skips when
// FROCKET_TEST_NODE_MODULES is unset or node is missing. Set FROCKET_KEEP_INTEROP_FILES=1 to
// keep the generated files (they are kept anyway when a test fails).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/bucket.h"
#include "support/background_process.h"

namespace frocket {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using test_support::NodeSkipReason;
using test_support::ReadWholeFile;

class PrepareInteropTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (NodeSkipReason()) return;
    dir_ = new fs::path(fs::path(testing::TempDir()) /
                        ("frocket_prepare_interop_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    made_ = Node({"make", dir_->string()}, *dir_ / "make.json") == 0;
  }
  static void TearDownTestSuite() {
    if (dir_ == nullptr) return;
    const char* keep = std::getenv("FROCKET_KEEP_INTEROP_FILES");
    if (!failed_ && (keep == nullptr || *keep == '\0')) {
      fs::remove_all(*dir_);
    } else {
      std::printf("prepare interop files kept in %s\n", dir_->c_str());
    }
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (std::optional<std::string> reason = NodeSkipReason()) GTEST_SKIP() << *reason;
    ASSERT_TRUE(made_) << "prepare_interop.mjs make failed; see " << (*dir_ / "make.json.err");
  }
  void TearDown() override {
    if (HasFailure()) failed_ = true;
  }

  // Runs the node script with `args`, stdout to `out` and stderr to `out`.err.
  static int Node(const std::vector<std::string>& args, const fs::path& out) {
    std::vector<std::string> argv{
        "node", std::string(FROCKET_SOURCE_DIR) + "/tests/interop/prepare_interop.mjs"};
    argv.insert(argv.end(), args.begin(), args.end());
    const test_support::CommandResult r = test_support::RunCommand(argv);
    std::ofstream(out) << r.out;
    std::ofstream(out.string() + ".err") << r.err;
    return r.exit_code;
  }

  // Prepares `input` into `out` with `files` buckets, then returns DuckDB's check of it.
  json PrepareAndCheck(const std::string& input, const std::string& truth, const std::string& out,
                       uint32_t files, const std::vector<std::string>& extra_flags) {
    fs::path out_dir = *dir_ / out;
    std::vector<std::string> args{"prepare",       (*dir_ / input).string(), "--group-id-column",
                                  "user_id",       "--timestamp-column",     "ts",
                                  "--files",       std::to_string(files),    "--out",
                                  out_dir.string()};
    args.insert(args.end(), extra_flags.begin(), extra_flags.end());
    const test_support::CommandResult r = test_support::RunFrocket(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return json();
    const std::string& summary = r.err;
    EXPECT_NE(summary.find("6000 rows in, 6000 rows written, 0 bad rows, " + std::to_string(files) +
                           " files"),
              std::string::npos)
        << summary;
    fs::path check = *dir_ / (out + ".check.json");
    EXPECT_EQ(Node({"check", (*dir_ / truth).string(), out_dir.string()}, check), 0)
        << ReadWholeFile(check.string() + ".err");
    return json::parse(ReadWholeFile(check), nullptr, false);
  }

  // The checks every dataset must pass; `string_ids` picks the BucketOf overload.
  void ExpectDataset(const json& result, uint32_t files, bool string_ids) {
    ASSERT_TRUE(result.is_object()) << result.dump();
    EXPECT_EQ(result["truth_rows"], 6000);
    EXPECT_EQ(result["dataset_rows"], 6000);
    EXPECT_EQ(result["missing"], 0) << "rows of the input missing from the dataset";
    EXPECT_EQ(result["extra"], 0) << "rows in the dataset that the input does not have";
    EXPECT_EQ(result["out_of_order"], 0) << "rows not in (user, ts, input order) order";
    EXPECT_EQ(result["users_in_several_files"], 0);
    const json& users = result["users"];
    EXPECT_GT(users.size(), 100u);
    for (const json& entry : users) {
      std::string user = entry[0].get<std::string>();
      uint32_t bucket = string_ids ? BucketOf(std::string_view(user), files)
                                   : BucketOf(static_cast<int64_t>(std::stoll(user)), files);
      char expected[32];
      std::snprintf(expected, sizeof(expected), "part-%05u.parquet", bucket);
      EXPECT_EQ(entry[1].get<std::string>(), expected) << "user " << user;
    }
  }

  static fs::path* dir_;
  static bool made_;
  static bool failed_;
};

fs::path* PrepareInteropTest::dir_ = nullptr;
bool PrepareInteropTest::made_ = false;
bool PrepareInteropTest::failed_ = false;

void ExpectIntegerTypes(const json& result) {
  const json& types = result["types"];
  EXPECT_EQ(types["user_id"], "BIGINT");
  EXPECT_EQ(types["ts"], "BIGINT");  // epoch ms stays an integer column
  EXPECT_EQ(types["name"], "VARCHAR");
  EXPECT_EQ(types["amount"], "DOUBLE");
  EXPECT_EQ(types["flag"], "BOOLEAN");
  EXPECT_EQ(types["seq"], "BIGINT");
}

TEST_F(PrepareInteropTest, Csv) {
  // The smallest memory limit forces spilling and merging.
  json result =
      PrepareAndCheck("events.csv", "truth.parquet", "out_csv", 4, {"--memory-limit", "256KiB"});
  ExpectDataset(result, 4, false);
  ExpectIntegerTypes(result);
}

TEST_F(PrepareInteropTest, JsonLines) {
  json result = PrepareAndCheck("events.jsonl", "truth.parquet", "out_jsonl", 5,
                                {"--memory-limit", "256KiB", "--codec", "snappy"});
  ExpectDataset(result, 5, false);
  ExpectIntegerTypes(result);
}

TEST_F(PrepareInteropTest, Parquet) {
  json result = PrepareAndCheck("events.parquet", "truth.parquet", "out_parquet", 3, {});
  ExpectDataset(result, 3, false);
  ExpectIntegerTypes(result);
}

TEST_F(PrepareInteropTest, CsvWithStringIdsAndIsoTimestamps) {
  json result = PrepareAndCheck("events_iso.csv", "truth_iso.parquet", "out_iso", 4, {});
  ExpectDataset(result, 4, true);
  EXPECT_EQ(result["types"]["user_id"], "VARCHAR");
  EXPECT_EQ(result["types"]["ts"], "TIMESTAMP WITH TIME ZONE");
}

}  // namespace
}  // namespace frocket
