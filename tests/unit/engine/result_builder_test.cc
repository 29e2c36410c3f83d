#include "engine/result_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "query/query_parser.h"
#include "support/engine_fixtures.h"

namespace frocket {
namespace {

using test_support::MustParseQuery;

using Json = nlohmann::ordered_json;

// Compares the text, so key order and integer-versus-double both count.
void ExpectJson(const Json& actual, std::string_view expected) {
  EXPECT_EQ(actual.dump(), Json::parse(expected).dump());
}

PerValueEntry Entry(const std::string& text, int64_t count, int64_t sum = 0) {
  PerValueEntry e;
  e.key.text = text;
  e.count = count;
  e.sum.AddInt(sum);
  return e;
}

PerValueEntry IntEntry(int64_t value, int64_t count) {
  PerValueEntry e;
  e.key.text = std::to_string(value);
  e.key.int_value = value;
  e.count = count;
  return e;
}

PerValueEntry RealEntry(const std::string& text, int64_t count, double sum) {
  PerValueEntry e;
  e.key.text = text;
  e.count = count;
  e.sum.AddReal(sum);
  return e;
}

// A per-value map whose totals are the sum of its entries (nothing truncated).
PerValuePartial Map(std::vector<PerValueEntry> entries) {
  PerValuePartial map;
  for (const PerValueEntry& e : entries) {
    map.total_count += e.count;
    map.total_sum.Merge(e.sum);
  }
  map.entries = std::move(entries);
  return map;
}

// ------------------------------------------------------------------------------------------
// Document shape

TEST(ResultBuilderTest, EmptyQueryDocument) {
  Query q = MustParseQuery("{}");
  PartialResult merged = MakeEmptyPartialResult(q);
  merged.total_groups = merged.matching_groups = 50;
  merged.total_rows = merged.matching_group_rows = 400;
  merged.stats = {2, 0, 3, 1, 400, 5000, 0.5};
  ResultContext context;
  context.request_id = "r-1";
  context.total_seconds = 1.25;
  ExpectJson(BuildQueryResult(q, merged, context), R"({
    "success": true, "requestId": "r-1",
    "query": {"matchingGroups": 50, "matchingGroupRows": 400, "totalGroups": 50,
              "totalRows": 400, "aggregations": []},
    "stats": {"totalTime": 1.25, "files": 2, "filesSkipped": 0, "rowGroups": 3,
              "rowGroupsSkipped": 1, "scannedRows": 400, "scannedBytes": 5000,
              "taskSeconds": 0.5}})");
}

TEST(ResultBuilderTest, SampleGroupIdsOnlyWhenAsked) {
  Query asked = MustParseQuery(R"({"options": {"sampleGroupIds": 3}})");
  PartialResult merged = MakeEmptyPartialResult(asked);
  merged.sample = {{1, "42"}, {7, "alice"}};
  Json doc = BuildQueryResult(asked, merged, ResultContext{});
  ExpectJson(doc["sampleGroupIds"], R"(["42", "alice"])");
  EXPECT_FALSE(doc.contains("funnel"));

  merged.sample.clear();
  ExpectJson(BuildQueryResult(asked, merged, ResultContext{})["sampleGroupIds"], "[]");
  EXPECT_FALSE(BuildQueryResult(MustParseQuery("{}"), MakeEmptyPartialResult(MustParseQuery("{}")),
                                ResultContext{})
                   .contains("sampleGroupIds"));
}

// ------------------------------------------------------------------------------------------
// Per-value maps

TEST(ResultBuilderTest, TopValuesInDescendingOrderTiesByValue) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "country", "type": "countPerValue", "top": 3, "name": "c"}]}})");
  AggregationPartial p;
  p.audience.per_value =
      Map({Entry("a", 5), Entry("b", 7), Entry("c", 5), Entry("d", 1), Entry("e", 7)});
  // b and e tie at 7 (b first), a and c at 5 (a kept); the rest is c + d = 6 of 25.
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 10, 10), R"({
      "column": "country", "type": "countPerValue", "name": "c",
      "value": {"b": 7, "e": 7, "a": 5}, "top": 3, "otherCount": 6})");
}

TEST(ResultBuilderTest, IntKeysTieByNumericValue) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "quantity", "type": "groupsPerValue"}]}})");
  AggregationPartial p;
  p.audience.per_value = Map({IntEntry(-1, 1), IntEntry(9, 2), IntEntry(10, 2)});
  // As text "10" < "9"; by value 9 < 10.
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 3, 3), R"({
      "column": "quantity", "type": "groupsPerValue",
      "value": {"9": 2, "10": 2, "-1": 1}, "top": 10, "otherCount": 0})");
}

TEST(ResultBuilderTest, SumPerValueKeepsIntegersExactAndFloatsReal) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "event", "type": "sumPerValue", "otherColumn": "price", "top": 2},
      {"column": "event", "type": "sumPerValue", "otherColumn": "quantity"}]}})");
  AggregationPartial real;
  real.audience.per_value = Map({RealEntry("a", 1, 2.5), RealEntry("b", 3, 10.25),
                                 RealEntry("c", 1, -1), RealEntry("d", 1, 0.5)});
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], real, 1, 1), R"({
      "column": "event", "type": "sumPerValue",
      "value": {"b": 10.25, "a": 2.5}, "top": 2, "otherCount": -0.5})");

  AggregationPartial ints;
  ints.audience.per_value = Map({Entry("a", 2, 12), Entry("b", 1, 30)});
  ExpectJson(BuildAggregationResult(q.query.aggregations[1], ints, 1, 1), R"({
      "column": "event", "type": "sumPerValue",
      "value": {"b": 30, "a": 12}, "top": 10, "otherCount": 0})");
}

TEST(ResultBuilderTest, MeanPerValueOtherIsTheMeanOutsideTheTop) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "event", "type": "meanPerValue", "otherColumn": "quantity", "top": 2},
      {"column": "event", "type": "meanPerValue", "otherColumn": "quantity"}]}})");
  AggregationPartial p;
  // Means: a 7/2 = 3.5, b 8/4 = 2, c 10/1 = 10, d 3/3 = 1.
  p.audience.per_value =
      Map({Entry("a", 2, 7), Entry("b", 4, 8), Entry("c", 1, 10), Entry("d", 3, 3)});
  // Outside the top: (8 + 3) / (4 + 3) rows.
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 1, 1), R"({
      "column": "event", "type": "meanPerValue",
      "value": {"c": 10.0, "a": 3.5}, "top": 2, "otherCount": 1.5714285714285714})");
  EXPECT_DOUBLE_EQ(11.0 / 7, 1.5714285714285714);
  // Every value in the top: no row outside, so no mean.
  ExpectJson(BuildAggregationResult(q.query.aggregations[1], p, 1, 1)["otherCount"], "null");
}

TEST(ResultBuilderTest, TruncatedMapsAreApproximate) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "country", "type": "countPerValue"},
      {"column": "event", "type": "sumPerValue", "otherColumn": "price", "top": 1}]}})");
  AggregationPartial counts;
  counts.audience.per_value = Map({Entry("a", 10), Entry("b", 4)});
  counts.audience.per_value.total_count = 20;  // 6 rows of dropped values
  counts.audience.per_value.truncated = true;
  counts.audience.per_value.max_error = 3;
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], counts, 1, 1), R"({
      "column": "country", "type": "countPerValue", "value": {"a": 10, "b": 4}, "top": 10,
      "otherCount": 6, "approximate": true, "maxError": 3})");

  AggregationPartial sums;
  sums.audience.per_value = Map({RealEntry("a", 1, 10), RealEntry("b", 1, 4.25)});
  sums.audience.per_value.total_sum = NumericSum{};
  sums.audience.per_value.total_sum.AddReal(20.5);
  sums.audience.per_value.truncated = true;
  sums.audience.per_value.max_error = 1.5;
  // otherCount = total - top = 20.5 - 10, the dropped values included.
  ExpectJson(BuildAggregationResult(q.query.aggregations[1], sums, 1, 1), R"({
      "column": "event", "type": "sumPerValue", "value": {"a": 10.0}, "top": 1,
      "otherCount": 10.5, "approximate": true, "maxError": 1.5})");
}

TEST(ResultBuilderTest, BaselineAndLiftOfCounts) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "country", "type": "countPerValue", "baseline": true, "top": 2}]}})");
  AggregationPartial p;
  p.audience.per_value = Map({Entry("a", 4), Entry("b", 2), Entry("c", 2)});
  p.baseline.emplace();
  p.baseline->per_value = Map({Entry("a", 16), Entry("b", 32), Entry("c", 16)});
  // Shares: audience a 4/8, b 2/8; baseline a 16/64, b 32/64. Lift a = 0.5 / 0.25, b = 0.25 / 0.5.
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 5, 50), R"({
      "column": "country", "type": "countPerValue", "value": {"a": 4, "b": 2}, "top": 2,
      "otherCount": 2, "baselineValue": {"a": 16, "b": 32}, "lift": {"a": 2.0, "b": 0.5}})");
}

TEST(ResultBuilderTest, LiftOfGroupsUsesGroupCounts) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "country", "type": "groupsPerValue", "baseline": true}]}})");
  AggregationPartial p;
  p.audience.per_value = Map({Entry("a", 4), Entry("b", 2)});
  p.baseline.emplace();
  p.baseline->per_value = Map({Entry("a", 8), Entry("b", 32), Entry("z", 40)});
  // 8 groups in scope and 64 in the timeframe: a = (4/8) / (8/64) = 4, b = (2/8) / (32/64).
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 8, 64), R"({
      "column": "country", "type": "groupsPerValue", "value": {"a": 4, "b": 2}, "top": 10,
      "otherCount": 0, "baselineValue": {"a": 8, "b": 32}, "lift": {"a": 4.0, "b": 0.5}})");

  // Through the document: the query's scope is matchingGroups, the baseline totalGroups.
  PartialResult merged = MakeEmptyPartialResult(q);
  merged.matching_groups = 8;
  merged.total_groups = 64;
  merged.query_aggregations[0] = p;
  ExpectJson(BuildQueryResult(q, merged, ResultContext{})["query"]["aggregations"][0]["lift"],
             R"({"a": 4.0, "b": 0.5})");
}

TEST(ResultBuilderTest, LiftOfSumsAndMissingBaselineValues) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "event", "type": "sumPerValue", "otherColumn": "quantity", "baseline": true}]}})");
  AggregationPartial p;
  p.audience.per_value = Map({Entry("a", 1, 6), Entry("b", 1, 2)});
  p.baseline.emplace();
  p.baseline->per_value = Map({Entry("a", 1, 16), Entry("b", 1, 16)});
  // Shares of the sums: a 6/8 over 16/32 = 1.5, b 2/8 over 16/32 = 0.5.
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 1, 1), R"({
      "column": "event", "type": "sumPerValue", "value": {"a": 6, "b": 2}, "top": 10,
      "otherCount": 0, "baselineValue": {"a": 16, "b": 16}, "lift": {"a": 1.5, "b": 0.5}})");

  // A truncated baseline that lost "b": its number shows as 0 and its lift as null; the bound
  // covers both maps.
  p.baseline->per_value = Map({Entry("a", 1, 16)});
  p.baseline->per_value.total_sum.AddInt(16);
  p.baseline->per_value.truncated = true;
  p.baseline->per_value.max_error = 5;
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 1, 1), R"({
      "column": "event", "type": "sumPerValue", "value": {"a": 6, "b": 2}, "top": 10,
      "otherCount": 0, "approximate": true, "maxError": 5.0,
      "baselineValue": {"a": 16, "b": 0}, "lift": {"a": 1.5, "b": null}})");
}

TEST(ResultBuilderTest, MeanPerValueBaselineHasNoLift) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "event", "type": "meanPerValue", "otherColumn": "quantity", "baseline": true}]}})");
  AggregationPartial p;
  p.audience.per_value = Map({Entry("a", 2, 5)});
  p.baseline.emplace();
  p.baseline->per_value = Map({Entry("a", 4, 2), Entry("b", 1, 1)});
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 1, 1), R"({
      "column": "event", "type": "meanPerValue", "value": {"a": 2.5}, "top": 10,
      "otherCount": null, "baselineValue": {"a": 0.5}})");
}

// ------------------------------------------------------------------------------------------
// Scalars and countDistinct

TEST(ResultBuilderTest, ScalarsPrintIntegersForIntColumns) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "event", "type": "count"},
      {"column": "quantity", "type": "sum", "baseline": true},
      {"column": "price", "type": "sum"},
      {"column": "quantity", "type": "min"},
      {"column": "price", "type": "max"},
      {"column": "quantity", "type": "mean"},
      {"column": "price", "type": "min"},
      {"column": "price", "type": "mean"},
      {"column": "price", "type": "sum", "name": "nothing"}]}})");
  std::vector<AggregationPartial> p(9);
  p[0].audience.scalar.count = 7;
  ScalarPartial& qty = p[1].audience.scalar;
  qty.count = 8;
  qty.sum.AddInt(12);
  qty.has_min_max = true;
  qty.int_min = -3;
  qty.int_max = 9;
  p[1].baseline.emplace();
  p[1].baseline->scalar.sum.AddInt(100);
  ScalarPartial& price = p[2].audience.scalar;
  price.count = 2;
  price.sum.AddReal(12);
  price.has_min_max = true;
  price.real_min = 2.5;
  price.real_max = 9.5;
  p[3].audience.scalar = qty;
  p[4].audience.scalar = price;
  p[5].audience.scalar = qty;
  const std::vector<std::string> expected = {
      R"({"column": "event", "type": "count", "value": 7})",
      R"({"column": "quantity", "type": "sum", "value": 12, "baselineValue": 100})",
      R"({"column": "price", "type": "sum", "value": 12.0})",
      R"({"column": "quantity", "type": "min", "value": -3})",
      R"({"column": "price", "type": "max", "value": 9.5})",
      R"({"column": "quantity", "type": "mean", "value": 1.5})",
      R"({"column": "price", "type": "min", "value": null})",
      R"({"column": "price", "type": "mean", "value": null})",
      R"({"column": "price", "type": "sum", "name": "nothing", "value": 0})",
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectJson(BuildAggregationResult(q.query.aggregations[i], p[i], 1, 1), expected[i]);
  }
}

TEST(ResultBuilderTest, CountDistinctExactAndEstimated) {
  Query q = MustParseQuery(R"({"query": {"aggregations": [
      {"column": "event", "type": "countDistinct", "baseline": true}]}})");
  AggregationPartial p;
  p.audience.distinct.hashes = {3, 9, 27, 81, 243};
  p.baseline.emplace();
  p.baseline->distinct.hashes = {1, 3, 9, 27, 81, 243, 729};
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 1, 1), R"({
      "column": "event", "type": "countDistinct", "value": 5, "baselineValue": 7})");

  // A full sketch of hashes i * 2^47, i = 1..k: the k-th smallest is 2^63, half of the hash
  // space, so the estimate is (k - 1) / 0.5; the bound is 3 standard errors, 3 / sqrt(k - 2).
  const int64_t k = kDistinctSketchSize;
  p.audience.distinct.hashes.clear();
  for (int64_t i = 1; i <= k; ++i) p.audience.distinct.hashes.push_back(uint64_t(i) << 47);
  p.audience.distinct.saturated = true;
  const int64_t estimate = 2 * (k - 1);
  const int64_t bound = static_cast<int64_t>(
      std::ceil(3.0 * static_cast<double>(estimate) / std::sqrt(static_cast<double>(k - 2))));
  EXPECT_EQ(estimate, 131070);
  EXPECT_EQ(bound, 1537);
  ExpectJson(BuildAggregationResult(q.query.aggregations[0], p, 1, 1),
             R"({"column": "event", "type": "countDistinct", "value": 131070,
                 "approximate": true, "maxError": 1537, "baselineValue": 7})");
}

// ------------------------------------------------------------------------------------------
// Funnel

TEST(ResultBuilderTest, TimeToConvertStatistics) {
  Json t = BuildTimeToConvertResult({4, 1, 3, 2});
  EXPECT_EQ(t["count"], 4);
  EXPECT_DOUBLE_EQ(t["mean"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(t["median"].get<double>(), 2.5);  // position 1.5
  EXPECT_DOUBLE_EQ(t["p90"].get<double>(), 3.7);     // position 2.7: 3 + 0.7 * (4 - 3)
  ExpectJson(t["min"], "1");
  ExpectJson(t["max"], "4");
  const Json& h = t["histogram"];
  ASSERT_EQ(h.size(), 20u);
  // Width 3/20 = 0.15: 1 in bin 0, 2 at 6.67 widths (bin 6), 3 at 13.3 (bin 13), 4 in the last.
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE(i);
    EXPECT_NEAR(h[i]["from"].get<double>(), 1 + 0.15 * i, 1e-12);
    EXPECT_NEAR(h[i]["to"].get<double>(), 1 + 0.15 * (i + 1), 1e-12);
    const int expected = (i == 0 || i == 6 || i == 13 || i == 19) ? 1 : 0;
    EXPECT_EQ(h[i]["count"], expected);
  }
  EXPECT_EQ(h[19]["to"].get<double>(), 4.0);
  std::vector<std::string> keys;
  for (auto it = t.begin(); it != t.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"count", "mean", "median", "p90", "min", "max",
                                            "histogram"}));

  // One duration: every statistic is that duration.
  Json one = BuildTimeToConvertResult({7});
  EXPECT_DOUBLE_EQ(one["median"].get<double>(), 7);
  EXPECT_DOUBLE_EQ(one["p90"].get<double>(), 7);
}

TEST(ResultBuilderTest, TimeToConvertPercentilesOfTenValues) {
  // 10, 20, ..., 100: median at position 4.5 = 55, p90 at position 8.1 = 90 + 0.1 * 10 = 91.
  std::vector<int64_t> d;
  for (int i = 10; i >= 1; --i) d.push_back(10 * i);
  Json t = BuildTimeToConvertResult(d);
  EXPECT_DOUBLE_EQ(t["median"].get<double>(), 55);
  EXPECT_DOUBLE_EQ(t["p90"].get<double>(), 91);
  EXPECT_DOUBLE_EQ(t["mean"].get<double>(), 55);
}

TEST(ResultBuilderTest, HistogramBinEdges) {
  // [0, 100] in bins of 5: 5 opens bin 1, 100 closes the last bin.
  Json t = BuildTimeToConvertResult({100, 0, 5, 4});
  const Json& h = t["histogram"];
  ASSERT_EQ(h.size(), 20u);
  EXPECT_EQ(h[0]["count"], 2);
  EXPECT_EQ(h[1]["count"], 1);
  EXPECT_EQ(h[19]["count"], 1);
  ExpectJson(h[1], R"({"from": 5.0, "to": 10.0, "count": 1})");
  ExpectJson(h[19], R"({"from": 95.0, "to": 100.0, "count": 1})");

  // All equal: one bin holding all of them.
  ExpectJson(BuildTimeToConvertResult({5, 5, 5})["histogram"],
             R"([{"from": 5.0, "to": 5.0, "count": 3}])");
  // Nobody converted.
  ExpectJson(BuildTimeToConvertResult({}), R"({"count": 0, "mean": null, "median": null,
      "p90": null, "min": null, "max": null, "histogram": []})");
}

TEST(ResultBuilderTest, BreakdownTopOtherAndNull) {
  Query q = MustParseQuery(R"({"funnel": {"sequence": [{"filter": ["event", "==", "a"]},
      {"filter": ["event", "==", "b"]}], "breakdown": {"column": "country", "top": 2}}})");
  auto entry = [](const std::string& text, std::vector<int64_t> steps) {
    BreakdownEntry e;
    e.key.text = text;
    e.step_groups = std::move(steps);
    return e;
  };
  BreakdownEntry null_entry;
  null_entry.is_null = true;
  null_entry.step_groups = {3, 1};
  std::vector<BreakdownEntry> entries = {entry("DE", {5, 3}), entry("FR", {2, 1}),
                                         entry("IT", {1, 0}), entry("US", {5, 2}), null_entry};
  // DE and US tie at 5 groups on step 0: DE first. FR and IT go to "$other".
  ExpectJson(BuildBreakdownResult(*q.funnel->breakdown, entries), R"({"column": "country",
      "values": {"DE": [5, 3], "US": [5, 2], "$other": [3, 1], "$null": [3, 1]}})");
  // Nothing outside the top and no null: neither key.
  entries = {entry("DE", {5, 3}), entry("US", {6, 2})};
  ExpectJson(BuildBreakdownResult(*q.funnel->breakdown, entries),
             R"({"column": "country", "values": {"US": [6, 2], "DE": [5, 3]}})");
  ExpectJson(BuildBreakdownResult(*q.funnel->breakdown, {}),
             R"({"column": "country", "values": {}})");
}

TEST(ResultBuilderTest, FunnelDocument) {
  Query q = MustParseQuery(R"({
    "funnel": {"sequence": [{"filter": ["event", "==", "a"]},
                            {"filter": ["event", "==", "x"], "rowFound": false},
                            {"filter": ["event", "==", "b"]},
                            {"filter": ["event", "==", "c"]}],
               "timeToConvert": true,
               "stepAggregations": [{"column": "country", "type": "groupsPerValue", "baseline": true}],
               "endAggregations": [{"column": "country", "type": "groupsPerValue", "baseline": true}],
               "breakdown": {"column": "country"}},
    "options": {"sampleGroupIds": 1}})");
  PartialResult m = MakeEmptyPartialResult(q);
  ASSERT_EQ(m.funnel_steps.size(), 3u);
  m.total_groups = 64;
  m.total_rows = 640;
  m.matching_groups = 10;
  m.matching_group_rows = 100;
  const int64_t groups[3] = {8, 4, 2};
  for (int k = 0; k < 3; ++k) {
    StepPartial& s = m.funnel_steps[k];
    s.matching_groups = groups[k];
    s.matching_group_rows = 10 * groups[k];
    s.aggregations[0].audience.per_value = Map({Entry("a", groups[k])});
    s.aggregations[0].baseline->per_value = Map({Entry("a", 16)});
  }
  m.funnel_steps[1].time_to_convert = {5, 5, 5, 5};
  m.funnel_steps[2].time_to_convert = {7, 9};
  m.end_aggregations = m.funnel_steps[2].aggregations;
  BreakdownEntry de;
  de.key.text = "DE";
  de.step_groups = {8, 4, 2};
  m.breakdown = {de};
  m.sample = {{3, "u3"}};

  Json doc = BuildQueryResult(q, m, ResultContext{});
  ASSERT_TRUE(doc.contains("funnel"));
  const Json& f = doc["funnel"];
  std::vector<std::string> keys;
  for (auto it = f.begin(); it != f.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"sequence", "endAggregations", "breakdown"}));
  ASSERT_EQ(f["sequence"].size(), 3u);
  // Each step's lift uses its own groups: a is in every group of the step, and in 16 of 64.
  ExpectJson(f["sequence"][0], R"({"matchingGroups": 8, "matchingGroupRows": 80,
      "aggregations": [{"column": "country", "type": "groupsPerValue", "value": {"a": 8},
                        "top": 10, "otherCount": 0, "baselineValue": {"a": 16},
                        "lift": {"a": 4.0}}]})");
  EXPECT_FALSE(f["sequence"][0].contains("timeToConvert"));
  ExpectJson(f["sequence"][1]["timeToConvert"], R"({"count": 4, "mean": 5.0, "median": 5.0,
      "p90": 5.0, "min": 5, "max": 5, "histogram": [{"from": 5.0, "to": 5.0, "count": 4}]})");
  EXPECT_EQ(f["sequence"][2]["timeToConvert"]["count"], 2);
  EXPECT_EQ(f["sequence"][2]["timeToConvert"]["median"], 8.0);
  // End aggregations: the last step's 2 groups.
  ExpectJson(f["endAggregations"], R"([{"column": "country", "type": "groupsPerValue",
      "value": {"a": 2}, "top": 10, "otherCount": 0, "baselineValue": {"a": 16},
      "lift": {"a": 4.0}}])");
  ExpectJson(f["breakdown"], R"({"column": "country", "values": {"DE": [8, 4, 2]}})");
  ExpectJson(doc["sampleGroupIds"], R"(["u3"])");

  // Without timeToConvert, breakdown or aggregations.
  Query plain = MustParseQuery(R"({"funnel": {"sequence": [{"filter": ["event", "==", "a"]},
                                                      {"filter": ["event", "==", "b"]}]}})");
  PartialResult pm = MakeEmptyPartialResult(plain);
  pm.funnel_steps[0].matching_groups = 3;
  pm.funnel_steps[0].matching_group_rows = 30;
  pm.funnel_steps[1].matching_groups = 1;
  pm.funnel_steps[1].matching_group_rows = 12;
  ExpectJson(BuildQueryResult(plain, pm, ResultContext{})["funnel"], R"({"sequence": [
      {"matchingGroups": 3, "matchingGroupRows": 30, "aggregations": []},
      {"matchingGroups": 1, "matchingGroupRows": 12, "aggregations": []}],
      "endAggregations": []})");
}

}  // namespace
}  // namespace frocket
