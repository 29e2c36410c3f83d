// Checks of the naive reference evaluator (support/reference_evaluator.h) itself, on small
// datasets whose results are worked out by hand from QUERY_LANGUAGE.md, so that the
// differential test compares the engine with something known to follow the spec.
#include "support/reference_evaluator.h"

#include <gtest/gtest.h>

#include <string>

#include "query/query_parser.h"

namespace frocket::testing {
namespace {

using nlohmann::json;

DatasetSchema Schema() {
  DatasetSchema schema;
  schema.columns = {{"user_id", ColumnKind::kInt, "INT64", ""},
                    {"ts", ColumnKind::kInt, "INT64", ""},
                    {"event", ColumnKind::kString, "BYTE_ARRAY STRING", ""},
                    {"country", ColumnKind::kString, "BYTE_ARRAY STRING", ""},
                    {"price", ColumnKind::kFloat, "DOUBLE", ""},
                    {"qty", ColumnKind::kInt, "INT64", ""},
                    {"flag", ColumnKind::kBool, "BOOLEAN", ""}};
  schema.group_id_column = "user_id";
  schema.timestamp_column = "ts";
  return schema;
}

std::vector<RefColumn> Columns() {
  std::vector<RefColumn> columns;
  for (const DatasetColumn& c : Schema().columns) columns.push_back({c.name, c.kind});
  return columns;
}

json Evaluate(const json& rows, const std::string& query_text) {
  ParseResult parsed = ParseQuery(query_text, Schema());
  if (!parsed.ok()) {
    ADD_FAILURE() << "query does not parse: " << parsed.error->message << " at "
                  << parsed.error->path << ": " << query_text;
    return json::object();
  }
  return EvaluateReference(MakeRefDataset(Columns(), rows), *parsed.query);
}

// Columns: user_id, ts, event, country, price, qty, flag.
const json kRows = json::parse(R"([
  [1, 10, "view", "DE", 1.5, 2, true],
  [1, 20, "cart", "DE", null, null, false],
  [1, 30, "buy", null, "NaN", 9007199254740993, null],
  [2, 10, "view", "FR", 2.5, 1, true],
  [2, 10, "buy", "FR", 4, 3, true],
  [3, 5, null, "US", null, null, null],
  [3, 40, "view", "US", 0.5, 0, false]
])");

int64_t MatchingGroups(const json& rows, const std::string& conditions,
                       const std::string& relation = "") {
  std::string query = R"({"query": {"conditions": )" + conditions;
  if (!relation.empty()) query += R"(, "relation": ")" + relation + "\"";
  query += "}}";
  json result = Evaluate(rows, query);
  return result["query"].value("matchingGroups", int64_t{-1});
}

int64_t GroupsWithRow(const std::string& filter) {
  return MatchingGroups(kRows, R"([{"filter": )" + filter + "}]");
}

TEST(ReferenceEvaluatorTest, EmptyQueryCountsEverything) {
  json r = Evaluate(kRows, "{}");
  EXPECT_EQ(r["query"]["totalGroups"], 3);
  EXPECT_EQ(r["query"]["totalRows"], 7);
  EXPECT_EQ(r["query"]["matchingGroups"], 3);
  EXPECT_EQ(r["query"]["matchingGroupRows"], 7);
  EXPECT_FALSE(r.contains("funnel"));
}

TEST(ReferenceEvaluatorTest, NullsSatisfyOnlyIsNull) {
  EXPECT_EQ(GroupsWithRow(R"(["event", "!=", "view"])"), 2);  // user 3's null is no match
  EXPECT_EQ(GroupsWithRow(R"(["country", "not in", ["DE"]])"), 2);
  EXPECT_EQ(GroupsWithRow(R"(["country", "not contains", "E"])"), 2);
  EXPECT_EQ(GroupsWithRow(R"(["country", "is null"])"), 1);
  EXPECT_EQ(GroupsWithRow(R"(["flag", "!=", true])"), 2);
  EXPECT_EQ(GroupsWithRow(R"(["qty", "is not null"])"), 3);
}

TEST(ReferenceEvaluatorTest, NanMatchesOnlyNotEqualAndNotIn) {
  // User 1's prices: 1.5, null, NaN.
  EXPECT_EQ(GroupsWithRow(R"(["price", ">", 3])"), 1);                        // user 2's 4 only
  EXPECT_EQ(GroupsWithRow(R"(["price", "!=", 1.5])"), 3);                     // NaN != 1.5
  EXPECT_EQ(GroupsWithRow(R"(["price", "not in", [1.5, 2.5, 4, 0.5]])"), 1);  // the NaN
  EXPECT_EQ(GroupsWithRow(R"(["price", "<=", 1.5])"), 2);
}

TEST(ReferenceEvaluatorTest, IntegersCompareExactlyAbove2To53) {
  EXPECT_EQ(GroupsWithRow(R"(["qty", "==", 9007199254740993])"), 1);
  EXPECT_EQ(GroupsWithRow(R"(["qty", "==", 9007199254740992])"), 0);
  EXPECT_EQ(GroupsWithRow(R"(["qty", ">", 9007199254740992])"), 1);
  EXPECT_EQ(GroupsWithRow(R"(["qty", "in", [9007199254740992, 7]])"), 0);
  EXPECT_EQ(GroupsWithRow(R"(["qty", ">", 2.5])"), 2);
  EXPECT_EQ(GroupsWithRow(R"(["qty", "==", 1.0])"), 1);
}

TEST(ReferenceEvaluatorTest, StringOperators) {
  EXPECT_EQ(GroupsWithRow(R"(["country", ">", "DE"])"), 2);
  EXPECT_EQ(GroupsWithRow(R"(["event", "startswith", "ca"])"), 1);
  EXPECT_EQ(GroupsWithRow(R"(["event", "endswith", "y"])"), 2);
  EXPECT_EQ(GroupsWithRow(R"(["event", "regex", "i.w"])"), 3);
  EXPECT_EQ(GroupsWithRow(R"(["event", "regex", "^b"])"), 2);
  EXPECT_EQ(GroupsWithRow(R"(["country", "in", ["US", "FR"]])"), 2);
}

TEST(ReferenceEvaluatorTest, CountTargetsAndIncludeZero) {
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filter": ["event", "==", "buy"],
                                       "target": ["count", "==", 0]}])"),
            1);
  // Without includeZero a group with no matching row never takes part.
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filter": ["event", "==", "cart"],
                                       "target": ["count", "<", 2]}])"),
            1);
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filter": ["event", "==", "cart"],
                                       "target": ["count", "<", 2], "includeZero": true}])"),
            3);
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filters": [{"column": "event", "op": "==", "value": "view"},
                                                   {"column": "flag", "op": "==", "value": true}],
                                       "target": {"type": "count", "op": ">=", "value": 1}}])"),
            2);
}

TEST(ReferenceEvaluatorTest, SumTargets) {
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filter": ["event", "==", "view"],
                                       "target": ["sum", "price", ">", 1]}])"),
            2);
  // User 1's only cart row has a null price: the sum over no value is 0.
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filter": ["event", "==", "cart"],
                                       "target": ["sum", "price", "==", 0]}])"),
            1);
  // NaN is skipped like a null ("numeric aggregations skip it like null"): user 1's buy sum is
  // 0 (its only buy price is NaN).
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filter": ["event", "==", "buy"],
                                       "target": ["sum", "price", "==", 0]}])"),
            1);
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filter": ["event", "==", "buy"],
                                       "target": ["sum", "price", ">", 3]}])"),
            1);
  EXPECT_EQ(MatchingGroups(kRows, R"([{"filter": ["event", "is not null"],
                                       "target": ["sum", "qty", "==", 9007199254740995]}])"),
            1);
}

TEST(ReferenceEvaluatorTest, Relation) {
  const std::string conditions = R"([{"name": "bought", "filter": ["event", "==", "buy"]},
                                     {"filter": ["flag", "==", false]}])";
  EXPECT_EQ(MatchingGroups(kRows, conditions), 1);  // default: and
  EXPECT_EQ(MatchingGroups(kRows, conditions, "or"), 3);
  EXPECT_EQ(MatchingGroups(kRows, conditions, "$bought and not $1"), 1);
  EXPECT_EQ(MatchingGroups(kRows, conditions, "not ($0 || $1)"), 0);
}

TEST(ReferenceEvaluatorTest, TimeframeBoundsRowsAndGroups) {
  json r = Evaluate(kRows, R"({"timeframe": {"from": 10, "to": 30}})");
  EXPECT_EQ(r["query"]["totalGroups"], 2);
  EXPECT_EQ(r["query"]["totalRows"], 4);
  r = Evaluate(kRows, R"({"timeframe": {"from": 9.5, "to": 10.5}})");
  EXPECT_EQ(r["query"]["totalRows"], 3);
  // count == 0 never brings in a group without rows in the timeframe.
  r = Evaluate(kRows, R"({"timeframe": {"from": 20},
                          "query": {"conditions": [{"filter": ["event", "==", "view"],
                                                    "target": ["count", "==", 0]}]}})");
  EXPECT_EQ(r["query"]["totalGroups"], 2);
  EXPECT_EQ(r["query"]["matchingGroups"], 1);
  EXPECT_EQ(r["query"]["matchingGroupRows"], 2);
}

TEST(ReferenceEvaluatorTest, PerValueAggregations) {
  json r = Evaluate(kRows, R"({"query": {"aggregations": [
      {"column": "event", "type": "countPerValue", "top": 2},
      {"column": "price", "type": "countPerValue"},
      {"column": "event", "type": "sumPerValue", "otherColumn": "price"},
      {"column": "event", "type": "meanPerValue", "otherColumn": "qty", "top": 1}]}})");
  const json& a = r["query"]["aggregations"];
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0]["value"], json::parse(R"({"view": 3, "buy": 2})"));
  EXPECT_EQ(a[0]["otherCount"], 1);
  EXPECT_EQ(a[1]["value"], json::parse(R"({"0.5": 1, "1.5": 1, "2.5": 1, "4": 1, "NaN": 1})"));
  EXPECT_EQ(a[1]["otherCount"], 0);
  // NaN prices are skipped like nulls in the sums; cart has no price at all.
  EXPECT_EQ(a[2]["value"], json::parse(R"({"view": 4.5, "buy": 4.0})"));
  EXPECT_EQ(a[3]["value"], json::parse(R"({"buy": 4503599627370498.0})"));
  EXPECT_EQ(a[3]["otherCount"], 1.0);  // the mean of view's 2, 1, 0
}

TEST(ReferenceEvaluatorTest, TopTiesGoToTheSmallerValue) {
  json r = Evaluate(kRows, R"({"query": {"aggregations": [
      {"column": "price", "type": "countPerValue", "top": 2},
      {"column": "country", "type": "groupsPerValue", "top": 2}]}})");
  EXPECT_EQ(r["query"]["aggregations"][0]["value"], json::parse(R"({"0.5": 1, "1.5": 1})"));
  EXPECT_EQ(r["query"]["aggregations"][0]["otherCount"], 3);
  EXPECT_EQ(r["query"]["aggregations"][1]["value"], json::parse(R"({"DE": 1, "FR": 1})"));
}

TEST(ReferenceEvaluatorTest, BaselineAndLift) {
  json r = Evaluate(kRows, R"({"query": {
      "conditions": [{"filter": ["flag", "==", true]}],
      "aggregations": [{"column": "country", "type": "groupsPerValue", "baseline": true},
                       {"column": "event", "type": "countPerValue", "baseline": true},
                       {"column": "qty", "type": "max", "baseline": true}]}})");
  const json& a = r["query"]["aggregations"];
  EXPECT_EQ(r["query"]["matchingGroups"], 2);
  EXPECT_EQ(a[0]["value"], json::parse(R"({"DE": 1, "FR": 1})"));
  EXPECT_EQ(a[0]["baselineValue"], json::parse(R"({"DE": 1, "FR": 1})"));
  // Shares over the groups in scope: (1/2) / (1/3).
  EXPECT_DOUBLE_EQ(a[0]["lift"]["DE"].get<double>(), 1.5);
  // Audience rows (users 1, 2): view 2, cart 1, buy 2 of 5; baseline view 3, cart 1, buy 2 of 6.
  EXPECT_EQ(a[1]["value"], json::parse(R"({"view": 2, "buy": 2, "cart": 1})"));
  EXPECT_EQ(a[1]["baselineValue"], json::parse(R"({"view": 3, "buy": 2, "cart": 1})"));
  EXPECT_DOUBLE_EQ(a[1]["lift"]["view"].get<double>(), (2.0 / 5) / (3.0 / 6));
  EXPECT_DOUBLE_EQ(a[1]["lift"]["cart"].get<double>(), (1.0 / 5) / (1.0 / 6));
  EXPECT_EQ(a[2]["value"], 9007199254740993);
  EXPECT_EQ(a[2]["baselineValue"], 9007199254740993);
}

TEST(ReferenceEvaluatorTest, ScalarAggregations) {
  json r = Evaluate(kRows, R"({"query": {"aggregations": [
      {"column": "price", "type": "count"}, {"column": "price", "type": "sum"},
      {"column": "price", "type": "min"}, {"column": "price", "type": "max"},
      {"column": "price", "type": "mean"}, {"column": "qty", "type": "sum"},
      {"column": "country", "type": "countDistinct"}, {"column": "flag"}]}})");
  const json& a = r["query"]["aggregations"];
  ASSERT_EQ(a.size(), 10u);     // the untyped one is three
  EXPECT_EQ(a[0]["value"], 5);  // NaN is a value, not a null
  EXPECT_EQ(a[1]["value"], 8.5);
  EXPECT_EQ(a[2]["value"], 0.5);
  EXPECT_EQ(a[3]["value"], 4.0);
  EXPECT_EQ(a[4]["value"], 2.125);
  EXPECT_EQ(a[5]["value"], 9007199254740999);
  EXPECT_EQ(a[6]["value"], 3);
  EXPECT_EQ(a[7]["type"], "count");
  EXPECT_EQ(a[7]["value"], 5);
  EXPECT_EQ(a[8]["type"], "countPerValue");
  EXPECT_EQ(a[8]["value"], json::parse(R"({"true": 3, "false": 2})"));
  EXPECT_EQ(a[9]["type"], "groupsPerValue");
  EXPECT_EQ(a[9]["value"], json::parse(R"({"true": 2, "false": 2})"));

  // Over no value: sum 0, the others null.
  r = Evaluate(kRows, R"({"timeframe": {"from": 5, "to": 6}, "query": {"aggregations": [
      {"column": "price", "type": "sum"}, {"column": "price", "type": "min"},
      {"column": "qty", "type": "mean"}, {"column": "event", "type": "countPerValue"}]}})");
  const json& b = r["query"]["aggregations"];
  EXPECT_EQ(b[0]["value"], 0);
  EXPECT_TRUE(b[1]["value"].is_null());
  EXPECT_TRUE(b[2]["value"].is_null());
  EXPECT_EQ(b[3]["value"], json::object());
}

// Groups for the sequence tests: user_id, ts, event (other columns null but country).
json SequenceRows() {
  json rows = json::array();
  auto add = [&](int user, int ts, const char* event, json country = nullptr) {
    rows.push_back({user, ts, event, country, nullptr, nullptr, nullptr});
  };
  add(1, 0, "view");
  add(1, 5, "cart");
  add(1, 10, "buy");
  add(2, 0, "view");
  add(2, 3, "logout");
  add(2, 5, "cart");
  add(2, 10, "buy");
  add(3, 0, "view");  // equal timestamps never advance
  add(3, 0, "cart");
  add(3, 0, "buy");
  add(4, 30, "buy");  // out of ts order in the file on purpose
  add(4, 0, "view");
  add(4, 15, "view");
  add(4, 20, "cart");
  add(5, 0, "view");
  add(5, 1, "search");
  add(5, 2, "cart");
  add(5, 3, "buy");
  return rows;
}

std::vector<int64_t> StepGroups(const json& result) {
  std::vector<int64_t> counts;
  for (const json& step : result["funnel"]["sequence"]) counts.push_back(step["matchingGroups"]);
  return counts;
}

TEST(ReferenceEvaluatorTest, FunnelEveryEntryCountsWithinMaxDuration) {
  json r = Evaluate(SequenceRows(), R"({"funnel": {"maxDuration": 15, "timeToConvert": true,
      "sequence": [{"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "cart"]},
                   {"filter": ["event", "==", "buy"]}]}})");
  // User 4 converts only from its second view (15 -> 20 -> 30).
  EXPECT_EQ(StepGroups(r), (std::vector<int64_t>{5, 4, 4}));
  EXPECT_EQ(r["funnel"]["sequence"][1]["matchingGroupRows"], 15);
  EXPECT_FALSE(r["funnel"]["sequence"][0].contains("timeToConvert"));
  const json& t1 = r["funnel"]["sequence"][1]["timeToConvert"];  // 5, 5, 5, 2
  EXPECT_EQ(t1["count"], 4);
  EXPECT_DOUBLE_EQ(t1["mean"].get<double>(), 4.25);
  EXPECT_DOUBLE_EQ(t1["median"].get<double>(), 5);
  EXPECT_EQ(t1["min"], 2);
  EXPECT_EQ(t1["max"], 5);
  const json& t2 = r["funnel"]["sequence"][2]["timeToConvert"];  // 3, 10, 10, 15
  EXPECT_DOUBLE_EQ(t2["mean"].get<double>(), 9.5);
  EXPECT_DOUBLE_EQ(t2["median"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(t2["p90"].get<double>(), 13.5);  // rank 2.7: 10 + 0.7 * 5
  // Bins of width 0.6 from 3: 10 falls in bin 11, the maximum in the last bin.
  std::vector<int64_t> bins(20, 0);
  bins[0] = 1;
  bins[11] = 2;
  bins[19] = 1;
  EXPECT_EQ(t2["histogram"], json(bins));
  EXPECT_EQ(r["funnel"]["endAggregations"], json::array());
}

TEST(ReferenceEvaluatorTest, FunnelNegativeStepBetween) {
  json r = Evaluate(SequenceRows(), R"({"funnel": {"sequence": [
      {"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "logout"], "rowFound": false},
      {"filter": ["event", "==", "cart"]}, {"filter": ["event", "==", "buy"]}]}})");
  EXPECT_EQ(StepGroups(r), (std::vector<int64_t>{5, 3, 3}));
}

TEST(ReferenceEvaluatorTest, FunnelStrictOrder) {
  json r = Evaluate(SequenceRows(), R"({"funnel": {"order": "strict", "sequence": [
      {"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "cart"]},
      {"filter": ["event", "==", "buy"]}]}})");
  EXPECT_EQ(StepGroups(r), (std::vector<int64_t>{5, 2, 2}));  // users 1 and 4
}

TEST(ReferenceEvaluatorTest, FunnelMaxGap) {
  json r = Evaluate(SequenceRows(), R"({"funnel": {"sequence": [
      {"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "cart"]},
      {"filter": ["event", "==", "buy"], "maxGap": 4}]}})");
  EXPECT_EQ(StepGroups(r), (std::vector<int64_t>{5, 4, 1}));
}

TEST(ReferenceEvaluatorTest, SequenceConditionNeedsTheLastStep) {
  EXPECT_EQ(MatchingGroups(SequenceRows(), R"([{"sequence": [
      {"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "buy"]}],
      "maxDuration": 9}])"),
            1);  // user 5 (user 4's buy is 15 after its later view)
  EXPECT_EQ(MatchingGroups(SequenceRows(), R"([{"sequence": [
      {"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "buy"]}]}])"),
            4);
}

TEST(ReferenceEvaluatorTest, TrailingNegativeStep) {
  json rows = json::parse(R"([
    [1, 0, "view", null, null, null, null], [1, 5, "buy", null, null, null, null],
    [1, 8, "logout", null, null, null, null],
    [2, 0, "view", null, null, null, null], [2, 5, "buy", null, null, null, null],
    [2, 5, "logout", null, null, null, null]])");
  const std::string steps = R"("sequence": [{"filter": ["event", "==", "view"]},
      {"filter": ["event", "==", "buy"]}, {"filter": ["event", "==", "logout"], "rowFound": false}])";
  // The logout at 8 is within ts(r0) + 10 and after the buy; at 5 it is not after the buy.
  EXPECT_EQ(StepGroups(Evaluate(rows, R"({"funnel": {"maxDuration": 10, )" + steps + "}}")),
            (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(StepGroups(Evaluate(rows, R"({"funnel": {"maxDuration": 7, )" + steps + "}}")),
            (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(StepGroups(Evaluate(rows, R"({"funnel": {)" + steps + "}}")),
            (std::vector<int64_t>{2, 1}));
}

TEST(ReferenceEvaluatorTest, AnyOrder) {
  json rows = json::parse(R"([
    [1, 0, "buy", null, null, null, null], [1, 3, "view", null, null, null, null],
    [2, 0, "buy", null, null, null, null], [2, 10, "view", null, null, null, null],
    [3, 2, "view", null, null, null, null],
    [4, 2, "view", null, null, null, null], [4, 2, "view", null, null, null, null]])");
  json r = Evaluate(rows, R"({"funnel": {"order": "any", "maxDuration": 5, "timeToConvert": true,
      "sequence": [{"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "buy"]}]}})");
  EXPECT_EQ(StepGroups(r), (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(r["funnel"]["sequence"][1]["timeToConvert"]["max"], 3);
  // Two distinct rows are needed; equal timestamps are fine.
  r = Evaluate(rows, R"({"funnel": {"order": "any", "timeToConvert": true,
      "sequence": [{"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "view"]}]}})");
  EXPECT_EQ(StepGroups(r), (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(r["funnel"]["sequence"][1]["timeToConvert"]["max"], 0);
}

TEST(ReferenceEvaluatorTest, BreakdownUsesTheAttributedChain) {
  json rows = json::parse(R"([
    [1, 0, "view", "DE", null, null, null], [1, 5, "view", "FR", null, null, null],
    [1, 7, "buy", "IT", null, null, null],
    [2, 0, "view", "US", null, null, null],
    [3, 0, "view", null, null, null, null], [3, 1, "buy", "DE", null, null, null],
    [4, 0, "view", "FR", null, null, null], [4, 3, "buy", null, null, null, null]])");
  const std::string steps =
      R"("sequence": [{"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "buy"]}])";
  json r = Evaluate(rows, R"({"funnel": {"maxDuration": 5, "breakdown": {"column": "country",
      "top": 1}, )" + steps + "}}");
  EXPECT_EQ(r["funnel"]["breakdown"],
            json::parse(R"({"column": "country", "values": {"FR": [2, 2], "$other": [1, 0],
                                                            "$null": [1, 1]}})"));
  // Without maxDuration user 1's chain starts at its first view; ties go to the smaller value.
  r = Evaluate(rows,
               R"({"funnel": {"breakdown": {"column": "country", "top": 2}, )" + steps + "}}");
  EXPECT_EQ(r["funnel"]["breakdown"],
            json::parse(R"({"column": "country", "values": {"DE": [1, 1], "FR": [1, 1],
                                                            "$other": [1, 0], "$null": [1, 1]}})"));
}

TEST(ReferenceEvaluatorTest, FunnelAggregationsAndSample) {
  json r = Evaluate(SequenceRows(), R"({"options": {"sampleGroupIds": 100},
      "query": {"conditions": [{"filter": ["event", "==", "logout"], "target": ["count", "==", 0]}]},
      "funnel": {"sequence": [{"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "search"]}],
                 "stepAggregations": [{"column": "event", "type": "countPerValue", "top": 1,
                                       "baseline": true}],
                 "endAggregations": [{"column": "ts", "type": "max"}]}})");
  EXPECT_EQ(r["query"]["matchingGroups"], 4);
  EXPECT_EQ(StepGroups(r), (std::vector<int64_t>{4, 1}));
  const json& step0 = r["funnel"]["sequence"][0]["aggregations"][0];
  EXPECT_EQ(step0["value"], json::parse(R"({"view": 5})"));          // users 1, 3, 4, 5
  EXPECT_EQ(step0["baselineValue"], json::parse(R"({"view": 6})"));  // user 2 too
  EXPECT_DOUBLE_EQ(step0["lift"]["view"].get<double>(), (5.0 / 14) / (6.0 / 18));
  EXPECT_EQ(r["funnel"]["endAggregations"][0]["value"], 3);
  EXPECT_EQ(r["sampleGroupIds"], json::parse(R"(["5"])"));
}

TEST(ReferenceEvaluatorTest, ComparisonToleratesFormatButNotValues) {
  json reference = Evaluate(kRows, R"({"query": {"aggregations": [
      {"column": "price", "type": "mean"}, {"column": "event", "type": "countPerValue"}]}})");
  json engine = reference;
  engine["success"] = true;
  engine["query"]["aggregations"][0]["value"] = 2.125 * (1 + 1e-12);
  engine["query"]["aggregations"][1].erase("otherCount");
  EXPECT_TRUE(CompareWithReference(reference, engine).empty());
  engine["query"]["aggregations"][1]["value"]["view"] = 4;
  engine["query"]["matchingGroups"] = 2;
  EXPECT_EQ(CompareWithReference(reference, engine).size(), 2u);
}

}  // namespace
}  // namespace frocket::testing
