// The query engine against DuckDB: `frocket query` and DuckDB SQL answer the same questions
// over the same Parquet files, and their numbers must agree.
//
// The suite generates a dataset with `frocket datagen` (200,000 rows, 20,000 users, 4 files)
// into a temporary directory, registers it in a temporary catalog, and runs
// engine_duckdb.mjs, which holds the cases: each is a frocket query document and DuckDB's
// answer to the same question, computed in plain SQL (format in that script's header). Then
// every case's query runs through `frocket query --format json`, and the result document is
// compared with DuckDB's: totals, matching groups and rows, funnel steps, and every aggregation
// (scalars; per-value maps by their top entries, their order and otherCount; baseline values
// and lift). Counts must be equal; floating-point numbers agree to 1e-9 relative, because the
// two engines add in different orders.
//
// Needs node and the npm packages of tests/interop (`npm ci` there). The tests skip when
// FROCKET_TEST_NODE_MODULES is unset or node is missing. Set FROCKET_KEEP_INTEROP_FILES=1 to
// keep the generated files (they are kept anyway when a test fails, and the directory is
// printed).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/background_process.h"

namespace frocket {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Relative tolerance for floating-point results (sums and means of prices).
constexpr double kRelativeTolerance = 1e-9;
// countDistinct may be an estimate (the result then says "approximate"); this is far above the
// sketch's error at the test's sizes, which are exact anyway.
constexpr double kApproximateDistinctTolerance = 0.02;

using test_support::NodeSkipReason;
using test_support::ReadWholeFile;
using test_support::RunLogged;

bool NumbersMatch(const Json& expected, const Json& actual) {
  if (expected.is_null() || actual.is_null()) return expected.is_null() && actual.is_null();
  if (!expected.is_number() || !actual.is_number()) return false;
  if (expected.is_number_integer() && actual.is_number_integer()) {
    return expected.get<int64_t>() == actual.get<int64_t>();
  }
  double e = expected.get<double>();
  double a = actual.get<double>();
  return std::fabs(e - a) <= kRelativeTolerance * std::max({1.0, std::fabs(e), std::fabs(a)});
}

// Collects the differences between DuckDB's expected values and frocket's result document.
class ResultComparison {
 public:
  std::vector<std::string> problems;

  void Number(const std::string& where, const Json& expected, const Json& actual) {
    if (!NumbersMatch(expected, actual)) {
      problems.push_back(where + ": DuckDB " + expected.dump() + ", frocket " + actual.dump());
    }
  }

  // `expected` holds [key, number] pairs in the order the result must list them; `actual` is
  // the result's JSON object.
  void Map(const std::string& where, const Json& expected, const Json& actual) {
    if (!actual.is_object()) {
      problems.push_back(where + ": frocket gave no object but " + actual.dump());
      return;
    }
    std::set<std::string> expected_keys;
    std::vector<std::string> expected_order;
    for (const Json& pair : expected) {
      const std::string key = pair[0].get<std::string>();
      expected_keys.insert(key);
      expected_order.push_back(key);
      if (!actual.contains(key)) {
        problems.push_back(where + "[" + key + "]: DuckDB " + pair[1].dump() +
                           ", missing in frocket's map " + actual.dump());
      } else {
        Number(where + "[" + key + "]", pair[1], actual[key]);
      }
    }
    std::vector<std::string> actual_order;
    for (auto it = actual.begin(); it != actual.end(); ++it) {
      actual_order.push_back(it.key());
      if (expected_keys.count(it.key()) == 0) {
        problems.push_back(where + "[" + it.key() + "]: frocket has " + it.value().dump() +
                           ", not in DuckDB's top " + expected.dump());
      }
    }
    if (actual_order != expected_order && actual_order.size() == expected_order.size()) {
      problems.push_back(
          where + ": keys in the wrong order (descending number, ties by value): " + "DuckDB " +
          Json(expected_order).dump() + ", frocket " + Json(actual_order).dump());
    }
  }

  void Aggregation(const std::string& where, const Json& expected, const Json& actual) {
    if (expected.contains("perValue")) {
      Map(where + ".value", expected["perValue"], actual.value("value", Json()));
    } else if (expected["type"] == "countDistinct" && actual.value("approximate", false)) {
      double e = expected["value"].get<double>();
      double a = actual.value("value", Json(0)).get<double>();
      if (std::fabs(e - a) > kApproximateDistinctTolerance * e) {
        problems.push_back(where + ".value (approximate): DuckDB " + expected["value"].dump() +
                           ", frocket " + actual["value"].dump());
      }
    } else {
      Number(where + ".value", expected["value"], actual.value("value", Json()));
    }
    if (expected.contains("otherCount")) {
      Number(where + ".otherCount", expected["otherCount"], actual.value("otherCount", Json()));
    }
    if (expected.contains("baselinePerValue")) {
      Map(where + ".baselineValue", expected["baselinePerValue"],
          actual.value("baselineValue", Json()));
    }
    if (expected.contains("baselineValue")) {
      Number(where + ".baselineValue", expected["baselineValue"],
             actual.value("baselineValue", Json()));
    }
    if (expected.contains("lift"))
      Map(where + ".lift", expected["lift"], actual.value("lift", Json()));
  }

  // Each expected aggregation is matched with the first unused result entry of the same type,
  // column and name, so the order of the three entries of an untyped aggregation is not tested.
  void Aggregations(const std::string& where, const Json& expected, const Json& actual) {
    if (!actual.is_array()) {
      problems.push_back(where + ": frocket gave no array but " + actual.dump());
      return;
    }
    if (actual.size() != expected.size()) {
      problems.push_back(where + ": DuckDB has " + std::to_string(expected.size()) +
                         " aggregation results, frocket " + std::to_string(actual.size()));
    }
    std::vector<bool> used(actual.size(), false);
    for (const Json& e : expected) {
      const std::string label =
          where + "[" + e["type"].get<std::string>() + " of " + e["column"].get<std::string>() +
          (e.contains("name") ? " '" + e["name"].get<std::string>() + "'" : "") + "]";
      bool found = false;
      for (size_t i = 0; i < actual.size() && !found; ++i) {
        const Json& a = actual[i];
        if (used[i] || a.value("type", "") != e["type"] || a.value("column", "") != e["column"] ||
            a.value("name", "") != e.value("name", "")) {
          continue;
        }
        used[i] = found = true;
        Aggregation(label, e, a);
      }
      if (!found) problems.push_back(label + ": no such entry in frocket's result");
    }
  }

  void Document(const Json& expected, const Json& actual) {
    if (actual.value("success", false) != true) {
      problems.push_back("frocket's query failed: " + actual.dump());
      return;
    }
    const Json& eq = expected["query"];
    const Json aq = actual.value("query", Json::object());
    for (const char* key : {"totalGroups", "totalRows", "matchingGroups", "matchingGroupRows"}) {
      Number(std::string("query.") + key, eq[key], aq.value(key, Json()));
    }
    Aggregations("query.aggregations", eq["aggregations"], aq.value("aggregations", Json::array()));
    if (!expected.contains("funnel")) return;
    const Json af = actual.value("funnel", Json::object());
    const Json steps = af.value("sequence", Json::array());
    const Json& expected_steps = expected["funnel"]["sequence"];
    if (steps.size() != expected_steps.size()) {
      problems.push_back("funnel.sequence: DuckDB has " + std::to_string(expected_steps.size()) +
                         " steps, frocket " + std::to_string(steps.size()));
      return;
    }
    for (size_t k = 0; k < steps.size(); ++k) {
      const std::string where = "funnel.sequence[" + std::to_string(k) + "]";
      for (const char* key : {"matchingGroups", "matchingGroupRows"}) {
        Number(where + "." + key, expected_steps[k][key], steps[k].value(key, Json()));
      }
      Aggregations(where + ".aggregations", expected_steps[k]["aggregations"],
                   steps[k].value("aggregations", Json::array()));
    }
    Aggregations("funnel.endAggregations", expected["funnel"]["endAggregations"],
                 af.value("endAggregations", Json::array()));
  }
};

class EngineDuckDbTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (NodeSkipReason()) return;
    std::string pattern = (fs::temp_directory_path() / "frocket-engine-duckdb-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      setup_error_ = new std::string("mkdtemp failed for " + pattern);
      return;
    }
    dir_ = new fs::path(pattern);
    const std::string frocket = FROCKET_BINARY;
    const fs::path data = *dir_ / "data";
    const std::string catalog = (*dir_ / "catalog").string();
    std::optional<std::string> error =
        RunLogged({frocket, "datagen", "--rows", "200000", "--users", "20000", "--files", "4",
                   "--seed", "7", "--out", data.string()},
                  *dir_ / "datagen.log");
    if (!error) {
      error = RunLogged({frocket, "register", "events", data.string(), "--group-id-column",
                         "user_id", "--timestamp-column", "ts", "--catalog", catalog},
                        *dir_ / "register.log");
    }
    if (!error) {
      const fs::path script =
          fs::path(FROCKET_SOURCE_DIR) / "tests" / "interop" / "engine_duckdb.mjs";
      error =
          RunLogged({"node", script.string(), data.string(), (*dir_ / "expected.json").string()},
                    *dir_ / "duckdb.log");
    }
    if (!error) {
      Json parsed = Json::parse(ReadWholeFile(*dir_ / "expected.json"), nullptr, false);
      if (parsed.is_discarded() || !parsed.contains("cases")) {
        error = "engine_duckdb.mjs wrote no readable expected.json";
      } else {
        expected_ = new Json(std::move(parsed));
      }
    }
    if (error) setup_error_ = new std::string(*error);
  }

  static void TearDownTestSuite() {
    if (dir_ != nullptr) {
      const char* keep = std::getenv("FROCKET_KEEP_INTEROP_FILES");
      if (!failed_ && setup_error_ == nullptr && (keep == nullptr || *keep == '\0')) {
        fs::remove_all(*dir_);
      } else {
        std::printf("engine/DuckDB files kept in %s\n", dir_->c_str());
      }
    }
    delete dir_;
    delete expected_;
    delete setup_error_;
    dir_ = nullptr;
    expected_ = nullptr;
    setup_error_ = nullptr;
  }

  void SetUp() override {
    if (std::optional<std::string> reason = NodeSkipReason()) GTEST_SKIP() << *reason;
    ASSERT_EQ(setup_error_, nullptr) << *setup_error_;
  }

  void TearDown() override {
    if (HasFailure()) failed_ = true;
  }

  // Runs `frocket query` on one case and compares its result with DuckDB's.
  static void CheckCase(const Json& c) {
    const std::string name = c["name"].get<std::string>();
    const fs::path query_file = *dir_ / (name + ".query.json");
    std::ofstream(query_file) << c["query"].dump(1) << "\n";
    const test_support::CommandResult r =
        test_support::RunFrocket({"query", "events", "--file", query_file.string(), "--format",
                                  "json", "--catalog", (*dir_ / "catalog").string()});
    const std::string context = "case " + name + "\nquery: " + c["query"].dump() + "\n";
    EXPECT_EQ(r.exit_code, 0) << context << "stderr: " << r.err;
    Json actual = Json::parse(r.out, nullptr, false);
    if (actual.is_discarded()) {
      ADD_FAILURE() << context << "stdout is not one JSON document:\n" << r.out;
      return;
    }
    ResultComparison comparison;
    comparison.Document(c["expected"], actual);
    std::string problems;
    for (const std::string& p : comparison.problems) problems += "  " + p + "\n";
    EXPECT_TRUE(comparison.problems.empty())
        << context << comparison.problems.size() << " disagreement(s) with DuckDB:\n"
        << problems;
  }

  // Checks every case whose name starts with `prefix`; there must be at least one.
  static void CheckCases(const std::string& prefix) {
    int checked = 0;
    for (const Json& c : (*expected_)["cases"]) {
      if (c["name"].get<std::string>().rfind(prefix, 0) != 0) continue;
      ++checked;
      CheckCase(c);
    }
    EXPECT_GT(checked, 0) << "no case named " << prefix << "*";
  }

  static fs::path* dir_;
  static Json* expected_;
  static std::string* setup_error_;
  static bool failed_;
};

fs::path* EngineDuckDbTest::dir_ = nullptr;
Json* EngineDuckDbTest::expected_ = nullptr;
std::string* EngineDuckDbTest::setup_error_ = nullptr;
bool EngineDuckDbTest::failed_ = false;

// The case families; every case must fall under one.
const char* const kCasePrefixes[] = {"totals_",      "funnel_ordered_", "funnel_strict_",
                                     "funnel_over_", "condition_",      "aggregations_",
                                     "timeframe_",   "sequence_"};

// One test, so that the dataset and the DuckDB answers are made once: ctest runs every test in
// a process of its own, and the setup (datagen, DuckDB over every query) is most of the time.
TEST_F(EngineDuckDbTest, EveryCaseAgrees) {
  const Json& cases = (*expected_)["cases"];
  EXPECT_GE(cases.size(), 15u);
  EXPECT_EQ((*expected_)["rows"], 200000) << "DuckDB does not see the rows datagen wrote";
  for (const Json& c : cases) {
    const std::string name = c["name"].get<std::string>();
    bool covered = false;
    for (const char* prefix : kCasePrefixes) covered = covered || name.rfind(prefix, 0) == 0;
    EXPECT_TRUE(covered) << "case " << name << " matches no family";
  }
  for (const char* prefix : kCasePrefixes) {
    SCOPED_TRACE(prefix);
    CheckCases(prefix);
  }
}

}  // namespace
}  // namespace frocket
