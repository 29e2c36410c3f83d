// Runs the declarative engine cases of tests/queries/engine (format: README.md there): each file
// holds one small dataset and the queries run against it, each with the parts of the result
// document that matter for it. The dataset is written as Parquet and registered once per file,
// then every query goes through RunQueryText exactly as `frocket query` would run it.
//
// Matching rules (the expected document is a subset of the actual one):
//   - objects: every expected key is present and matches; the string "$absent" as an expected
//     value means the key must not be present, "$present" that it must be, with any value;
//   - per-value maps (objects under "value" and "values"): exactly the expected keys, in the
//     expected order, because the order is part of the result; under "baselineValue" and
//     "lift" exactly the expected keys in any order;
//   - arrays: same length, element-wise;
//   - integers exactly (and the actual must be an integer), decimals within 1e-9 relative;
//   - "success" must be false exactly when the case expects an "error".
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/query_engine.h"
#include "support/test_dataset.h"

namespace frocket {
namespace {

namespace fs = std::filesystem;
// ordered_json keeps the keys of per-value maps in file order, which the expected results
// depend on.
using ordered_json = nlohmann::ordered_json;
using testing::TestDatasetSpec;

fs::path CaseDirectory() { return fs::path(FROCKET_SOURCE_DIR) / "tests/queries/engine"; }

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

ordered_json ReadCaseFile(const std::string& stem) {
  return ordered_json::parse(ReadText(CaseDirectory() / (stem + ".json")));
}

TimestampUnit ParseUnit(const std::string& unit) {
  if (unit == "s") return TimestampUnit::kSeconds;
  if (unit == "ms") return TimestampUnit::kMillis;
  if (unit == "us") return TimestampUnit::kMicros;
  if (unit == "ns") return TimestampUnit::kNanos;
  throw std::runtime_error("unknown timestamp unit " + unit);
}

// The value of column `name` in generated row `i` of `generator`: {"const": v} repeats v,
// {"start": a, "step": b} gives a + i * b, {"cycle": [v0, v1, ...]} gives v[i % n]; a column the
// generator does not mention is null.
nlohmann::json GeneratedValue(const ordered_json& values, const std::string& name, int64_t i) {
  if (!values.contains(name)) return nullptr;
  const ordered_json& rule = values.at(name);
  if (rule.contains("const")) return nlohmann::json::parse(rule.at("const").dump());
  if (rule.contains("start")) {
    return rule.at("start").get<int64_t>() + i * rule.value("step", int64_t{1});
  }
  const ordered_json& cycle = rule.at("cycle");
  return nlohmann::json::parse(cycle.at(static_cast<size_t>(i) % cycle.size()).dump());
}

TestDatasetSpec SpecFromJson(const ordered_json& json) {
  TestDatasetSpec spec;
  for (const auto& column : json.at("columns")) {
    testing::TestColumnSpec c;
    c.name = column.at("name").get<std::string>();
    c.type = testing::ParseWriterType(column.at("type").get<std::string>());
    c.nullable = column.value("nullable", true);
    spec.columns.push_back(std::move(c));
  }
  spec.rows = nlohmann::json::parse(json.value("rows", ordered_json::array()).dump());
  if (json.contains("generate")) {
    for (const auto& generator : json.at("generate")) {
      const int64_t count = generator.at("rows").get<int64_t>();
      const ordered_json& values = generator.at("values");
      for (int64_t i = 0; i < count; ++i) {
        nlohmann::json row = nlohmann::json::array();
        for (const auto& c : spec.columns) row.push_back(GeneratedValue(values, c.name, i));
        spec.rows.push_back(std::move(row));
      }
    }
  }
  spec.group_id_column = json.value("groupIdColumn", std::string("user_id"));
  spec.timestamp_column = json.value("timestampColumn", std::string("ts"));
  spec.timestamp_unit = ParseUnit(json.value("timestampUnit", std::string("ms")));
  spec.num_files = json.value("numFiles", 1);
  spec.sort = json.value("sort", false);
  spec.row_group_rows = json.value("rowGroupRows", int64_t{1'000'000});
  return spec;
}

// One written and registered dataset per case file, kept until the test binary exits so that
// the queries of a file share it.
struct LoadedDataset {
  testing::TempDirectory directory;
  DatasetInfo info;
};

const DatasetInfo& DatasetFor(const std::string& stem) {
  static std::map<std::string, std::unique_ptr<LoadedDataset>> cache;
  auto it = cache.find(stem);
  if (it == cache.end()) {
    auto loaded = std::make_unique<LoadedDataset>();
    loaded->info = testing::WriteTestDataset(SpecFromJson(ReadCaseFile(stem).at("dataset")),
                                             loaded->directory.path(), stem);
    it = cache.emplace(stem, std::move(loaded)).first;
  }
  return it->second->info;
}

bool IsInteger(const ordered_json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

// Compares `expected` against `actual` by the rules at the top of this file, appending one line
// per mismatch to *errors. `key` is the object key under which the values sit ("" for array
// elements and the root).
void Match(const ordered_json& expected, const ordered_json& actual, const std::string& path,
           const std::string& key, std::vector<std::string>* errors) {
  auto fail = [&](const std::string& what) {
    errors->push_back((path.empty() ? "/" : path) + ": " + what + " (expected " + expected.dump() +
                      ", actual " + actual.dump() + ")");
  };
  if (expected.is_object()) {
    if (!actual.is_object()) return fail("not an object");
    const bool ordered_map = key == "value" || key == "values";
    const bool exact_keys = ordered_map || key == "baselineValue" || key == "lift";
    if (exact_keys) {
      std::vector<std::string> want, got;
      for (const auto& [k, v] : expected.items()) want.push_back(k);
      for (const auto& [k, v] : actual.items()) got.push_back(k);
      if (!ordered_map) {
        std::sort(want.begin(), want.end());
        std::sort(got.begin(), got.end());
      }
      if (want != got) {
        fail(ordered_map ? "per-value map keys differ in set or order" : "map keys differ");
      }
    }
    for (const auto& [k, v] : expected.items()) {
      const std::string child = path + "/" + k;
      if (v.is_string() && v.get<std::string>() == "$absent") {
        if (actual.contains(k)) {
          errors->push_back(child + ": must be absent, actual " + actual.at(k).dump());
        }
        continue;
      }
      if (!actual.contains(k)) {
        errors->push_back(child + ": missing (expected " + v.dump() + ")");
        continue;
      }
      if (v.is_string() && v.get<std::string>() == "$present") continue;
      Match(v, actual.at(k), child, k, errors);
    }
    return;
  }
  if (expected.is_array()) {
    if (!actual.is_array()) return fail("not an array");
    if (expected.size() != actual.size()) return fail("array length differs");
    for (size_t i = 0; i < expected.size(); ++i) {
      Match(expected[i], actual[i], path + "/" + std::to_string(i), "", errors);
    }
    return;
  }
  if (IsInteger(expected)) {
    if (!IsInteger(actual)) return fail("not an integer");
    const bool equal = expected.is_number_unsigned() || actual.is_number_unsigned()
                           ? expected.dump() == actual.dump()
                           : expected.get<int64_t>() == actual.get<int64_t>();
    if (!equal) fail("integers differ");
    return;
  }
  if (expected.is_number_float()) {
    if (!actual.is_number()) return fail("not a number");
    const double want = expected.get<double>(), got = actual.get<double>();
    if (!(std::fabs(got - want) <= 1e-9 * std::fabs(want)) && !(want == 0 && got == 0)) {
      fail("numbers differ");
    }
    return;
  }
  if (expected != actual) fail("values differ");
}

// The ids in the result's sampleGroupIds as text (integer ids may be written as numbers).
std::vector<std::string> SampleIds(const ordered_json& result) {
  std::vector<std::string> ids;
  if (!result.contains("sampleGroupIds") || !result.at("sampleGroupIds").is_array()) return ids;
  for (const auto& id : result.at("sampleGroupIds")) {
    ids.push_back(id.is_string() ? id.get<std::string>() : id.dump());
  }
  return ids;
}

struct CaseId {
  std::string file;  // stem of the case file
  size_t index = 0;  // into its "cases"
  std::string name;  // test name: file stem and case name
};

// Keeps GoogleTest from printing the struct's bytes in failure lines.
void PrintTo(const CaseId& id, std::ostream* os) { *os << id.name; }

std::vector<CaseId> AllCases() {
  std::vector<CaseId> cases;
  std::vector<std::string> stems;
  for (const auto& entry : fs::directory_iterator(CaseDirectory())) {
    if (entry.path().extension() == ".json") stems.push_back(entry.path().stem().string());
  }
  std::sort(stems.begin(), stems.end());
  for (const auto& stem : stems) {
    const ordered_json file = ReadCaseFile(stem);
    const ordered_json& list = file.at("cases");
    for (size_t i = 0; i < list.size(); ++i) {
      cases.push_back({stem, i, stem + "__" + list[i].at("name").get<std::string>()});
    }
  }
  return cases;
}

class EngineQueryCaseTest : public ::testing::TestWithParam<CaseId> {};

TEST_P(EngineQueryCaseTest, MatchesExpectation) {
  const CaseId& id = GetParam();
  const ordered_json file = ReadCaseFile(id.file);
  const ordered_json& spec = file.at("cases").at(id.index);
  const std::string text = spec.contains("queryText") ? spec.at("queryText").get<std::string>()
                                                      : spec.at("query").dump();
  SCOPED_TRACE("why: " + spec.value("why", std::string("(no reason given)")));
  SCOPED_TRACE("query: " + text);

  const DatasetInfo& dataset = DatasetFor(id.file);
  EngineOptions options;
  options.threads = 2;
  // The round trip through text keeps the key order of the engine's document, whatever JSON
  // type RunQueryText returns.
  const ordered_json actual = ordered_json::parse(RunQueryText(dataset, text, options).dump());

  const ordered_json& expected = spec.at("expect");
  const bool want_success = !expected.contains("error");
  ASSERT_TRUE(actual.contains("success") && actual.at("success").is_boolean()) << actual.dump(2);
  ASSERT_EQ(actual.at("success").get<bool>(), want_success) << actual.dump(2);

  std::vector<std::string> errors;
  Match(expected, actual, "", "", &errors);

  if (spec.contains("sampleCount")) {
    const std::vector<std::string> ids = SampleIds(actual);
    std::set<std::string> allowed;
    for (const auto& a : spec.at("sampleFrom")) {
      allowed.insert(a.is_string() ? a.get<std::string>() : a.dump());
    }
    if (ids.size() != spec.at("sampleCount").get<size_t>()) {
      errors.push_back("/sampleGroupIds: expected " + spec.at("sampleCount").dump() +
                       " ids, actual " + std::to_string(ids.size()));
    }
    if (std::set<std::string>(ids.begin(), ids.end()).size() != ids.size()) {
      errors.push_back("/sampleGroupIds: an id repeats");
    }
    for (const auto& i : ids) {
      if (!allowed.count(i)) errors.push_back("/sampleGroupIds: unexpected id " + i);
    }
  }

  if (!errors.empty()) {
    std::string all;
    for (const auto& e : errors) all += "  " + e + "\n";
    const std::string doc = actual.dump(2);
    ADD_FAILURE() << errors.size() << " mismatch(es):\n"
                  << all << "actual document:\n"
                  << (doc.size() < 6000 ? doc : doc.substr(0, 6000) + "...");
  }
}

INSTANTIATE_TEST_SUITE_P(EngineQueryCases, EngineQueryCaseTest, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<CaseId>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace frocket
