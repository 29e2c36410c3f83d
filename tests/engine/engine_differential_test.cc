// Randomized differential test of the query engine against the naive reference evaluator
// (support/reference_evaluator.h): random small datasets (written as Parquet with frocket's
// writer, bucketed over 1-4 files, sorted or not, sometimes in row groups of 7 rows so that
// groups span row groups) and random queries over every part of the language; each query runs
// through ParseQuery and RunQuery (1 and 3 threads alternately) and the result must agree with
// the reference's.
//
// Reproducible: dataset i uses seed kBaseSeed + i, and every failure prints it. Environment:
//   FROCKET_DIFF_SEED      base seed (default kBaseSeed)
//   FROCKET_DIFF_DATASETS  number of datasets (default 100)
//   FROCKET_DIFF_QUERIES   queries per dataset (default 20)
//   FROCKET_DIFF_DATASET   run only this dataset index
// On a failure the dataset is shrunk (groups, then rows, then files and row groups) while the
// engine still disagrees, and the smallest failing rows are printed with both results.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "engine/query_engine.h"
#include "query/query_parser.h"
#include "support/reference_evaluator.h"
#include "support/test_dataset.h"

namespace frocket::testing {
namespace {

using nlohmann::json;
using parquet::WriterType;

constexpr uint64_t kBaseSeed = 0x5eed2024;

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  return text == nullptr || *text == '\0' ? fallback : std::strtoll(text, nullptr, 0);
}

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(engine_) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

const std::vector<std::string> kEvents = {"view", "cart", "buy", "search", "logout"};
const std::vector<std::string> kCountries = {"DE", "FR", "US", "IL", "\xc3\x9cN"};
const std::vector<double> kPrices = {0, 0.5, 1.25, 2.5, 3, 10.75, 99.5};
constexpr int64_t kBigQty = 9007199254740993;  // 2^53 + 1: not a double
constexpr int64_t kBaseTs = 1'700'000'000'000;

// ---- Datasets ----

struct Dataset {
  TestDatasetSpec spec;
  bool string_ids = false;
  int64_t ts_spread = 0;  // rows' ts lie in [kBaseTs, kBaseTs + ts_spread]
  // Groups of up to 80 rows, for queries without sequences (the reference enumerates chains of
  // rows, which is only affordable for small groups).
  bool large_groups = false;
  std::vector<json> ids;  // the group ids, for filters
};

std::vector<RefColumn> RefColumns(const Dataset& d) {
  return {{"user_id", d.string_ids ? ColumnKind::kString : ColumnKind::kInt},
          {"ts", ColumnKind::kInt},
          {"event", ColumnKind::kString},
          {"country", ColumnKind::kString},
          {"price", ColumnKind::kFloat},
          {"qty", ColumnKind::kInt},
          {"flag", ColumnKind::kBool}};
}

Dataset MakeDataset(Random& rng) {
  Dataset d;
  d.string_ids = rng.Chance(0.25);
  d.ts_spread = rng.Pick(std::vector<int64_t>{3, 10, 30, 200, 5000});
  d.spec.columns = {
      {"user_id", d.string_ids ? WriterType::kString : WriterType::kInt64, false},
      {"ts", rng.Chance(0.5) ? WriterType::kInt64 : WriterType::kTimestampMillis, false},
      {"event", WriterType::kString, true},
      {"country", WriterType::kString, true},
      // Every price is exact in a 32-bit float, so FLOAT columns of either width give the same
      // values and keys.
      {"price", rng.Chance(0.25) ? WriterType::kFloat : WriterType::kDouble, true},
      {"qty", rng.Chance(0.25) ? WriterType::kInt32 : WriterType::kInt64, true},
      {"flag", WriterType::kBoolean, true}};
  d.spec.num_files = rng.Int(1, 4);
  d.spec.sort = rng.Chance(0.5);
  d.spec.row_group_rows = rng.Chance(0.4) ? 7 : 1'000'000;
  d.large_groups = rng.Chance(0.15);
  const int groups = d.large_groups ? rng.Int(3, 12) : rng.Int(5, 40);
  std::set<int64_t> used;
  std::vector<json> rows;
  for (int g = 0; g < groups; ++g) {
    int64_t number = 0;
    do {
      number = rng.Chance(0.1) ? (int64_t{1} << 40) + rng.Int(0, 1000) : rng.Int(-50, 2000);
    } while (!used.insert(number).second);
    json id = d.string_ids ? json("u" + std::to_string(number)) : json(number);
    d.ids.push_back(id);
    // At most 12 rows a group when sequences are asked, so the reference can enumerate every
    // chain of rows.
    const int n = d.large_groups ? rng.Int(1, 80) : rng.Int(1, 12);
    for (int i = 0; i < n; ++i) {
      json row = json::array();
      row.push_back(id);
      row.push_back(kBaseTs + rng.Int(0, static_cast<int>(d.ts_spread)));
      row.push_back(rng.Chance(0.1) ? json(nullptr) : json(rng.Pick(kEvents)));
      row.push_back(rng.Chance(0.2) ? json(nullptr) : json(rng.Pick(kCountries)));
      if (rng.Chance(0.15)) {
        row.push_back(nullptr);
      } else if (rng.Chance(0.06)) {
        row.push_back("NaN");
      } else {
        row.push_back(rng.Pick(kPrices));
      }
      if (rng.Chance(0.15)) {
        row.push_back(nullptr);
      } else {
        const bool big = d.spec.columns[5].type == WriterType::kInt64 && rng.Chance(0.02);
        row.push_back(big ? kBigQty : static_cast<int64_t>(rng.Int(-3, 10)));
      }
      row.push_back(rng.Chance(0.15) ? json(nullptr) : json(rng.Chance(0.5)));
      rows.push_back(row);
    }
  }
  // Interleave the groups' rows in the files (the writer sorts them when spec.sort).
  if (rng.Chance(0.7)) std::shuffle(rows.begin(), rows.end(), rng.engine());
  d.spec.rows = rows;
  return d;
}

// ---- Queries ----

struct Column {
  std::string name;
  ColumnKind kind;
};

class QueryGenerator {
 public:
  QueryGenerator(Random& rng, const Dataset& d) : rng_(rng), d_(d) {}

  json Query() {
    json q = json::object();
    if (rng_.Chance(0.25)) q["timeframe"] = Timeframe();
    json section = json::object();
    const int conditions = rng_.Pick(std::vector<int>{0, 1, 1, 1, 2, 2, 3});
    std::vector<std::string> names;
    if (conditions > 0) {
      section["conditions"] = json::array();
      for (int i = 0; i < conditions; ++i) {
        std::string name = rng_.Chance(0.4) ? "c" + std::to_string(i) : "";
        names.push_back(name);
        section["conditions"].push_back(Condition(name));
      }
      if (rng_.Chance(0.6)) section["relation"] = Relation(names);
    }
    if (rng_.Chance(0.5)) section["aggregations"] = Aggregations();
    if (!section.empty()) q["query"] = section;
    if (!d_.large_groups && rng_.Chance(0.45)) q["funnel"] = Funnel();
    if (rng_.Chance(0.2))
      q["options"] = {{"sampleGroupIds", rng_.Pick(std::vector<int>{1, 3, 10, 100})}};
    return q;
  }

 private:
  Column RandomColumn() {
    static const std::vector<Column> kWeighted = {
        {"event", ColumnKind::kString},   {"event", ColumnKind::kString},
        {"event", ColumnKind::kString},   {"country", ColumnKind::kString},
        {"country", ColumnKind::kString}, {"price", ColumnKind::kFloat},
        {"price", ColumnKind::kFloat},    {"qty", ColumnKind::kInt},
        {"qty", ColumnKind::kInt},        {"flag", ColumnKind::kBool},
        {"ts", ColumnKind::kInt},         {"user_id", ColumnKind::kInt}};
    Column c = rng_.Pick(kWeighted);
    if (c.name == "user_id" && d_.string_ids) c.kind = ColumnKind::kString;
    return c;
  }

  json Number(const std::string& column) {
    if (column == "price") {
      if (rng_.Chance(0.7)) return rng_.Pick(kPrices);
      return rng_.Pick(std::vector<json>{1, 2, 3.0, 0.75, -1, 100});
    }
    if (column == "ts") {
      int64_t t = kBaseTs + rng_.Int(-1, static_cast<int>(d_.ts_spread) + 1);
      return rng_.Chance(0.2) ? json(static_cast<double>(t) + 0.5) : json(t);
    }
    if (column == "user_id") return rng_.Chance(0.8) ? rng_.Pick(d_.ids) : json(rng_.Int(0, 100));
    // qty
    if (rng_.Chance(0.05))
      return rng_.Pick(std::vector<json>{kBigQty, kBigQty - 1, 9007199254740992.0});
    if (rng_.Chance(0.2)) return rng_.Int(-3, 10) + 0.5;
    return rng_.Int(-3, 11);
  }

  json Text(const std::string& column, const std::string& op) {
    const std::vector<std::string>& values = column == "event" ? kEvents : kCountries;
    if (column == "user_id") {
      return rng_.Chance(0.8) ? rng_.Pick(d_.ids) : json("u" + std::to_string(rng_.Int(0, 99)));
    }
    if (op == "regex") {
      return rng_.Pick(std::vector<std::string>{"^(view|buy)$", "[ck]", "o.*t", "^[A-Z]{2}$", "E|S",
                                                "i", "^$", "\xc3\x9c"});
    }
    if (op == "contains" || op == "not contains" || op == "startswith" || op == "endswith") {
      return rng_.Pick(std::vector<std::string>{"", "u", "ar", "vi", "o", "c", "bu", "w", "t", "E",
                                                "U", "\xc3\x9c", "\xc3\x9cN"});
    }
    if (rng_.Chance(0.15))
      return rng_.Pick(std::vector<std::string>{"", "nope", "a", "Z", "cart "});
    return rng_.Pick(values);
  }

  json Value(const Column& c, const std::string& op) {
    if (c.kind == ColumnKind::kBool) return rng_.Chance(0.5);
    if (c.kind == ColumnKind::kString) return Text(c.name, op);
    return Number(c.name);
  }

  json Filter(bool long_form) {
    Column c = RandomColumn();
    std::vector<std::string> ops = {"is null", "is not null"};
    if (c.kind == ColumnKind::kBool) {
      ops.insert(ops.end(), {"==", "!=", "==", "!="});
    } else {
      ops.insert(ops.end(), {"==", "!=", ">", ">=", "<", "<=", "in", "not in", "==", "!="});
    }
    if (c.kind == ColumnKind::kString) {
      ops.insert(ops.end(), {"contains", "not contains", "startswith", "endswith", "regex"});
    }
    const std::string op = rng_.Pick(ops);
    json value;
    const bool has_value = op != "is null" && op != "is not null";
    if (op == "in" || op == "not in") {
      value = json::array();
      for (int i = rng_.Int(1, 3); i > 0; --i) value.push_back(Value(c, op));
    } else if (has_value) {
      value = Value(c, op);
    }
    if (long_form) {
      json f = {{"column", c.name}, {"op", op}};
      if (has_value) f["value"] = value;
      return f;
    }
    json f = json::array({c.name, op});
    if (has_value) f.push_back(value);
    return f;
  }

  // "filter": F or "filters": [F...] into `object`.
  void Filters(json& object) {
    if (rng_.Chance(0.7)) {
      object["filter"] = Filter(rng_.Chance(0.3));
    } else {
      object["filters"] = json::array();
      for (int i = rng_.Int(1, 3); i > 0; --i) object["filters"].push_back(Filter(true));
    }
  }

  json Duration() {
    const int64_t s = d_.ts_spread;
    json d = rng_.Pick(std::vector<json>{0, 1, 2, 5, s / 4, s / 2, s});
    if (rng_.Chance(0.15)) d = d.get<int64_t>() + 0.5;
    return d;
  }

  json Sequence(json& holder) {
    const std::string order =
        rng_.Pick(std::vector<std::string>{"ordered", "ordered", "ordered", "strict", "any"});
    if (order != "ordered" || rng_.Chance(0.3)) holder["order"] = order;
    if (rng_.Chance(0.55)) holder["maxDuration"] = Duration();
    json steps = json::array();
    const int n = rng_.Pick(std::vector<int>{1, 2, 2, 3, 3, 4});
    for (int i = 0; i < n; ++i) {
      json step = json::object();
      Filters(step);
      // Steps mostly on the event, so that sequences progress.
      if (rng_.Chance(0.6)) {
        step.erase("filters");
        step["filter"] = json::array({"event", "==", rng_.Pick(kEvents)});
      }
      if (i > 0 && order != "any") {
        if (rng_.Chance(0.25)) {
          step["rowFound"] = false;
        } else if (rng_.Chance(0.2)) {
          step["maxGap"] = Duration();
        }
      }
      steps.push_back(step);
    }
    return steps;
  }

  json Condition(const std::string& name) {
    json c = json::object();
    if (!name.empty()) c["name"] = name;
    if (!d_.large_groups && rng_.Chance(0.3)) {
      c["sequence"] = Sequence(c);
      return c;
    }
    Filters(c);
    const int kind = rng_.Int(0, 3);
    if (kind == 0) return c;  // count >= 1
    const std::vector<std::string> ops = {"==", "!=", ">", ">=", "<", "<="};
    const std::string op = rng_.Pick(ops);
    if (kind == 3) {
      const std::string column = rng_.Chance(0.5) ? "price" : "qty";
      json value = column == "price" ? json(rng_.Pick(std::vector<double>{0, 1.25, 3, 5.5, 100}))
                                     : json(rng_.Int(-2, 12));
      if (rng_.Chance(0.5)) {
        c["target"] = json::array({"sum", column, op, value});
      } else {
        c["target"] = {{"type", "sum"}, {"column", column}, {"op", op}, {"value", value}};
      }
      return c;
    }
    const int n = rng_.Int(0, 3);
    if (rng_.Chance(0.5)) {
      c["target"] = json::array({"count", op, n});
    } else {
      c["target"] = {{"type", "count"}, {"op", op}, {"value", n}};
    }
    // includeZero where the rules allow it (section 4.1).
    const bool allowed =
        (op == "==" && n == 0) || op == "<=" || (op == "<" && n > 0) || (op == "!=" && n > 0);
    if (allowed && rng_.Chance(0.6) && !(op == "==" && n == 0 && rng_.Chance(0.5))) {
      c["includeZero"] = op == "==" ? true : rng_.Chance(0.6);
    }
    return c;
  }

  std::string Reference(const std::vector<std::string>& names) {
    const int i = rng_.Int(0, static_cast<int>(names.size()) - 1);
    if (!names[i].empty() && rng_.Chance(0.5)) {
      std::string name = "$" + names[i];
      if (rng_.Chance(0.3)) std::transform(name.begin(), name.end(), name.begin(), ::toupper);
      return name;
    }
    return "$" + std::to_string(i);
  }

  std::string Expression(const std::vector<std::string>& names, int depth) {
    const int choice = depth >= 3 ? 0 : rng_.Int(0, 5);
    switch (choice) {
      case 0:
      case 1:
        return Reference(names);
      case 2:
        return rng_.Pick(std::vector<std::string>{"not ", "!", "NOT "}) +
               Expression(names, depth + 1);
      case 3:
        return "(" + Expression(names, depth + 1) + ")";
      default:
        return Expression(names, depth + 1) +
               rng_.Pick(std::vector<std::string>{" and ", " or ", " && ", " || ", " AND "}) +
               Expression(names, depth + 1);
    }
  }

  json Relation(const std::vector<std::string>& names) {
    if (rng_.Chance(0.3)) return rng_.Pick(std::vector<std::string>{"and", "or", "&&", "||"});
    return Expression(names, 0);
  }

  json Aggregations() {
    json list = json::array();
    std::set<std::string> names;
    for (int i = rng_.Int(1, 3); i > 0; --i) {
      json a = json::object();
      const std::string type = rng_.Pick(std::vector<std::string>{
          "", "count", "countPerValue", "countPerValue", "groupsPerValue", "groupsPerValue",
          "sumPerValue", "meanPerValue", "sum", "min", "max", "mean", "countDistinct"});
      const bool numeric = type == "sum" || type == "min" || type == "max" || type == "mean";
      Column c = RandomColumn();
      if (numeric && c.kind != ColumnKind::kInt && c.kind != ColumnKind::kFloat) {
        c = rng_.Pick(std::vector<Column>{
            {"price", ColumnKind::kFloat}, {"qty", ColumnKind::kInt}, {"ts", ColumnKind::kInt}});
      }
      a["column"] = c.name;
      if (!type.empty()) a["type"] = type;
      if (type == "sumPerValue" || type == "meanPerValue") {
        a["otherColumn"] = rng_.Chance(0.5) ? "price" : "qty";
      }
      const bool per_value = type.empty() || type.find("PerValue") != std::string::npos;
      if (per_value && rng_.Chance(0.4)) a["top"] = rng_.Int(1, 4);
      if (rng_.Chance(0.35)) a["baseline"] = true;
      if (!type.empty() && rng_.Chance(0.3)) {
        std::string name = "a" + std::to_string(list.size());
        if (names.insert(name).second) a["name"] = name;
      }
      list.push_back(a);
    }
    return list;
  }

  json Funnel() {
    json f = json::object();
    f["sequence"] = Sequence(f);
    if (rng_.Chance(0.4)) f["stepAggregations"] = Aggregations();
    if (rng_.Chance(0.3)) f["endAggregations"] = Aggregations();
    if (rng_.Chance(0.5)) f["timeToConvert"] = true;
    if (rng_.Chance(0.35)) {
      json b = {{"column", rng_.Pick(std::vector<std::string>{"event", "country", "country", "flag",
                                                              "qty", "price"})}};
      if (rng_.Chance(0.5)) b["top"] = rng_.Int(1, 3);
      f["breakdown"] = b;
    }
    return f;
  }

  json Timeframe() {
    json t = json::object();
    const int64_t s = d_.ts_spread;
    const int64_t from = kBaseTs + rng_.Int(0, static_cast<int>(s));
    const int64_t to = from + 1 + rng_.Int(0, static_cast<int>(s));
    const bool decimal = rng_.Chance(0.2);
    if (rng_.Chance(0.75)) t["from"] = decimal ? json(static_cast<double>(from) - 0.5) : json(from);
    if (rng_.Chance(0.6) || t.empty())
      t["to"] = decimal ? json(static_cast<double>(to) + 0.5) : json(to);
    return t;
  }

  Random& rng_;
  const Dataset& d_;
};

// ---- Running and comparing ----

struct Outcome {
  bool ok = true;
  std::vector<std::string> differences;
  json engine;
  json reference;
};

Outcome RunOne(const Dataset& d, const std::string& query_text, int threads) {
  Outcome out;
  TempDirectory dir;
  DatasetInfo info = WriteTestDataset(d.spec, dir.path());
  ParseResult parsed = ParseQuery(query_text, info.schema);
  if (!parsed.ok()) {
    out.ok = false;
    out.differences.push_back("query no longer parses: " + parsed.error->message);
    return out;
  }
  out.reference = EvaluateReference(MakeRefDataset(RefColumns(d), d.spec.rows), *parsed.query);
  EngineOptions options;
  options.threads = threads;
  try {
    out.engine = RunQuery(info, *parsed.query, options);
  } catch (const std::exception& e) {
    out.ok = false;
    out.differences.push_back(std::string("engine threw: ") + e.what());
    return out;
  }
  out.differences = CompareWithReference(out.reference, out.engine);
  out.ok = out.differences.empty();
  return out;
}

// Removes groups, then single rows, then extra files and small row groups, while the engine
// still disagrees with the reference. Bounded, since every try writes a dataset.
Dataset Shrink(Dataset d, const std::string& query_text, int threads) {
  int budget = 600;
  auto fails = [&](const Dataset& candidate) {
    if (--budget < 0) return false;
    return !RunOne(candidate, query_text, threads).ok;
  };
  // Whole groups.
  for (size_t g = 0; g < d.ids.size();) {
    Dataset c = d;
    c.spec.rows = json::array();
    for (const json& row : d.spec.rows) {
      if (row[0] != d.ids[g]) c.spec.rows.push_back(row);
    }
    c.ids.erase(c.ids.begin() + static_cast<std::ptrdiff_t>(g));
    if (!c.spec.rows.empty() && fails(c)) {
      d = c;
    } else {
      ++g;
    }
  }
  // Single rows.
  for (size_t r = 0; r < d.spec.rows.size();) {
    Dataset c = d;
    c.spec.rows.erase(r);
    if (!c.spec.rows.empty() && fails(c)) {
      d = c;
    } else {
      ++r;
    }
  }
  for (int step = 0; step < 3; ++step) {
    Dataset c = d;
    if (step == 0) c.spec.num_files = 1;
    if (step == 1) c.spec.row_group_rows = 1'000'000;
    if (step == 2) c.spec.sort = !c.spec.sort;
    if (c.spec.num_files != d.spec.num_files || c.spec.row_group_rows != d.spec.row_group_rows ||
        step == 2) {
      if (fails(c)) d = c;
    }
  }
  return d;
}

std::string Describe(const Dataset& d) {
  std::ostringstream out;
  out << "files " << d.spec.num_files << ", sort " << d.spec.sort << ", row_group_rows "
      << d.spec.row_group_rows << ", large groups " << d.large_groups << ", ts "
      << parquet::WriterTypeName(d.spec.columns[1].type) << ", price "
      << parquet::WriterTypeName(d.spec.columns[4].type) << ", qty "
      << parquet::WriterTypeName(d.spec.columns[5].type)
      << ", rows [user_id, ts, event, country, price, qty, flag]:\n";
  for (const json& row : d.spec.rows) out << "  " << row.dump() << "\n";
  return out.str();
}

TEST(EngineDifferentialTest, AgreesWithReferenceEvaluator) {
  const uint64_t base_seed = static_cast<uint64_t>(EnvInt("FROCKET_DIFF_SEED", kBaseSeed));
  const int64_t datasets = EnvInt("FROCKET_DIFF_DATASETS", 100);
  const int64_t queries_per_dataset = EnvInt("FROCKET_DIFF_QUERIES", 20);
  const int64_t only = EnvInt("FROCKET_DIFF_DATASET", -1);
  const auto start = std::chrono::steady_clock::now();
  int64_t generated = 0, rejected = 0, compared = 0, failures = 0, shrunk = 0;
  std::map<std::string, int64_t> rejections;
  for (int64_t i = 0; i < datasets; ++i) {
    if (only >= 0 && i != only) continue;
    const uint64_t seed = base_seed + static_cast<uint64_t>(i);
    Random rng(seed);
    Dataset d = MakeDataset(rng);
    TempDirectory dir;
    DatasetInfo info = WriteTestDataset(d.spec, dir.path());
    const RefDataset ref = MakeRefDataset(RefColumns(d), d.spec.rows);
    QueryGenerator generator(rng, d);
    for (int64_t q = 0; q < queries_per_dataset; ++q) {
      const std::string text = generator.Query().dump();
      ++generated;
      ParseResult parsed = ParseQuery(text, info.schema);
      if (!parsed.ok()) {
        ++rejected;
        ++rejections[parsed.error->path + " " + parsed.error->message.substr(0, 60)];
        continue;
      }
      const int threads = (q % 2 == 0) ? 1 : 3;
      json reference = EvaluateReference(ref, *parsed.query);
      json engine;
      std::vector<std::string> differences;
      try {
        EngineOptions options;
        options.threads = threads;
        engine = RunQuery(info, *parsed.query, options);
        differences = CompareWithReference(reference, engine);
      } catch (const std::exception& e) {
        differences.push_back(std::string("engine threw: ") + e.what());
      }
      ++compared;
      if (differences.empty()) continue;
      ++failures;
      std::ostringstream message;
      message << "dataset " << i << " (seed " << seed << ", FROCKET_DIFF_DATASET=" << i
              << "), query " << q << ", threads " << threads << "\nquery: " << text << "\n";
      for (const std::string& line : differences) message << "  " << line << "\n";
      if (shrunk < 5) {
        ++shrunk;
        Dataset small = Shrink(d, text, threads);
        Outcome o = RunOne(small, text, threads);
        message << "smallest failing dataset: " << Describe(small);
        message << "reference: " << o.reference.dump() << "\nengine: " << o.engine.dump() << "\n";
        for (const std::string& line : o.differences) message << "  " << line << "\n";
      }
      ADD_FAILURE() << message.str();
      if (failures >= 50) break;
    }
    if (failures >= 50) {
      ADD_FAILURE() << "stopping after 50 failures";
      break;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[differential] " << generated << " queries generated, " << rejected
            << " rejected by the parser, " << compared << " compared, " << failures
            << " disagreements, " << seconds << " s\n";
  for (const auto& [reason, count] : rejections) {
    std::cout << "[differential]   rejected " << count << "x: " << reason << "\n";
  }
  // Most generated queries must be valid, or the test is not testing the engine.
  EXPECT_LE(rejected * 10, generated) << "more than 10% of the random queries were rejected";
}

}  // namespace
}  // namespace frocket::testing
