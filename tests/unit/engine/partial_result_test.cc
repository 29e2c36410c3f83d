#include "engine/partial_result.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <numeric>
#include <vector>

#include "common/error.h"
#include "query/query_parser.h"
#include "support/engine_fixtures.h"

namespace frocket {
namespace {

using test_support::MustParseQuery;

ValueKey StringKey(const std::string& s) { return ValueKey{s, 0, 0}; }
ValueKey IntKey(int64_t v) { return ValueKey{std::to_string(v), v, 0}; }

PerValueEntry Entry(ValueKey key, int64_t count, int64_t sum = 0) {
  PerValueEntry e;
  e.key = std::move(key);
  e.count = count;
  e.sum.AddInt(sum);
  return e;
}

void ExpectThrowsCorrupt(const std::string& bytes, const std::string& what) {
  try {
    DeserializePartialResult(bytes);
    ADD_FAILURE() << "accepted " << what;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile) << what << ": " << e.what();
  }
}

// ------------------------------------------------------------------------------------------
// NumericSum and ValueKeyLess

TEST(PartialResultTest, NumericSumStaysExactInInt64) {
  NumericSum s;
  s.AddInt(std::numeric_limits<int64_t>::max() - 5);
  s.AddInt(5);
  EXPECT_TRUE(s.is_integer);
  EXPECT_EQ(s.integer, std::numeric_limits<int64_t>::max());
  s.AddInt(-std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(s.is_integer);
  EXPECT_EQ(s.integer, 0);
  EXPECT_EQ(s.AsDouble(), 0.0);
}

TEST(PartialResultTest, NumericSumOverflowSwitchesToReal) {
  NumericSum s;
  s.AddInt(std::numeric_limits<int64_t>::max());
  s.AddInt(1);
  EXPECT_FALSE(s.is_integer);
  EXPECT_DOUBLE_EQ(s.AsDouble(), 9223372036854775808.0);  // 2^63
  s.AddInt(-1024);
  EXPECT_DOUBLE_EQ(s.AsDouble(), 9223372036854775808.0 - 1024);

  NumericSum negative;
  negative.AddInt(std::numeric_limits<int64_t>::min());
  negative.AddInt(-1);
  EXPECT_FALSE(negative.is_integer);
  EXPECT_DOUBLE_EQ(negative.AsDouble(), -9223372036854775808.0);
}

TEST(PartialResultTest, NumericSumRealAndMerge) {
  NumericSum r;
  r.AddReal(1.5);
  r.AddReal(2.25);
  EXPECT_FALSE(r.is_integer);
  EXPECT_EQ(r.AsDouble(), 3.75);

  NumericSum a, b;
  a.AddInt(40);
  b.AddInt(2);
  a.Merge(b);
  EXPECT_TRUE(a.is_integer);
  EXPECT_EQ(a.integer, 42);
  a.Merge(r);
  EXPECT_FALSE(a.is_integer);
  EXPECT_EQ(a.AsDouble(), 45.75);

  NumericSum big, one;
  big.AddInt(std::numeric_limits<int64_t>::max());
  one.AddInt(1);
  big.Merge(one);
  EXPECT_FALSE(big.is_integer);
  EXPECT_DOUBLE_EQ(big.AsDouble(), 9223372036854775808.0);
}

TEST(PartialResultTest, ValueKeyLessByKind) {
  // INT by value, not by text ("10" < "9" as text).
  EXPECT_TRUE(ValueKeyLess(ColumnKind::kInt, IntKey(9), IntKey(10)));
  EXPECT_FALSE(ValueKeyLess(ColumnKind::kInt, IntKey(10), IntKey(9)));
  EXPECT_TRUE(ValueKeyLess(ColumnKind::kInt, IntKey(-5), IntKey(3)));
  // BOOL: false < true.
  ValueKey f{"false", 0, 0}, t{"true", 1, 0};
  EXPECT_TRUE(ValueKeyLess(ColumnKind::kBool, f, t));
  EXPECT_FALSE(ValueKeyLess(ColumnKind::kBool, t, f));
  // FLOAT by value, NaN last and equal to itself.
  ValueKey nan{"NaN", 0, std::numeric_limits<double>::quiet_NaN()};
  ValueKey inf{"Infinity", 0, std::numeric_limits<double>::infinity()};
  ValueKey small{"1.5", 0, 1.5}, big{"10", 0, 10};
  EXPECT_TRUE(ValueKeyLess(ColumnKind::kFloat, small, big));
  EXPECT_TRUE(ValueKeyLess(ColumnKind::kFloat, inf, nan));
  EXPECT_FALSE(ValueKeyLess(ColumnKind::kFloat, nan, inf));
  EXPECT_FALSE(ValueKeyLess(ColumnKind::kFloat, nan, nan));
  // STRING byte-wise, unsigned: "B" < "a" < "\xff".
  EXPECT_TRUE(ValueKeyLess(ColumnKind::kString, StringKey("B"), StringKey("a")));
  EXPECT_TRUE(ValueKeyLess(ColumnKind::kString, StringKey("a"), StringKey("\xff")));
  EXPECT_TRUE(ValueKeyLess(ColumnKind::kString, StringKey("a"), StringKey("ab")));
  EXPECT_FALSE(ValueKeyLess(ColumnKind::kString, StringKey("a"), StringKey("a")));
}

// ------------------------------------------------------------------------------------------
// Shape and merge

TEST(PartialResultTest, EmptyPartialIsShapedForTheQuery) {
  Query q = MustParseQuery(R"({
    "query": {"aggregations": [{"column": "country", "type": "countPerValue", "baseline": true},
                               {"column": "price", "type": "sum"}]},
    "funnel": {"sequence": [{"filter": ["event", "==", "a"]},
                            {"filter": ["event", "==", "b"], "rowFound": false},
                            {"filter": ["event", "==", "c"]},
                            {"filter": ["event", "==", "d"]}],
               "stepAggregations": [{"column": "quantity", "type": "max"}],
               "endAggregations": [{"column": "event", "type": "countDistinct", "baseline": true},
                                   {"column": "event", "type": "count"}, 
                                   {"column": "price", "type": "mean"}]}})");
  PartialResult p = MakeEmptyPartialResult(q);
  EXPECT_EQ(p.version, kPartialResultVersion);
  ASSERT_EQ(p.query_aggregations.size(), 2u);
  EXPECT_TRUE(p.query_aggregations[0].baseline.has_value());
  EXPECT_FALSE(p.query_aggregations[1].baseline.has_value());
  ASSERT_EQ(p.funnel_steps.size(), 3u);  // the negative step is not a funnel step
  for (const StepPartial& s : p.funnel_steps) {
    ASSERT_EQ(s.aggregations.size(), 1u);
    EXPECT_FALSE(s.aggregations[0].baseline.has_value());
  }
  ASSERT_EQ(p.end_aggregations.size(), 3u);
  EXPECT_TRUE(p.end_aggregations[0].baseline.has_value());
  EXPECT_TRUE(p.breakdown.empty());
  EXPECT_TRUE(p.sample.empty());

  PartialResult none = MakeEmptyPartialResult(MustParseQuery("{}"));
  EXPECT_TRUE(none.query_aggregations.empty());
  EXPECT_TRUE(none.funnel_steps.empty());
  EXPECT_TRUE(none.end_aggregations.empty());
}

TEST(PartialResultTest, MergeAddsEveryPart) {
  Query q = MustParseQuery(R"({
    "query": {"aggregations": [{"column": "country", "type": "sumPerValue", "otherColumn": "quantity",
                                "baseline": true},
                               {"column": "quantity", "type": "min"},
                               {"column": "price", "type": "max"},
                               {"column": "event", "type": "countDistinct"}]},
    "funnel": {"sequence": [{"filter": ["event", "==", "a"]}, {"filter": ["event", "==", "b"]}],
               "timeToConvert": true, "breakdown": {"column": "quantity"}},
    "options": {"sampleGroupIds": 3}})");
  PartialResult a = MakeEmptyPartialResult(q), b = MakeEmptyPartialResult(q);
  a.total_groups = 10, a.total_rows = 100, a.matching_groups = 4, a.matching_group_rows = 40;
  b.total_groups = 5, b.total_rows = 30, b.matching_groups = 1, b.matching_group_rows = 7;

  PerValuePartial& pa = a.query_aggregations[0].audience.per_value;
  pa.entries = {Entry(StringKey("DE"), 2, 10), Entry(StringKey("FR"), 1, 3)};
  pa.total_count = 3;
  pa.total_sum.AddInt(13);
  PerValuePartial& pb = b.query_aggregations[0].audience.per_value;
  pb.entries = {Entry(StringKey("AT"), 1, 1), Entry(StringKey("FR"), 4, -20),
                Entry(StringKey("US"), 1, 5)};
  pb.total_count = 6;
  pb.total_sum.AddInt(-14);
  pb.truncated = true;
  pb.max_error = 2;
  a.query_aggregations[0].baseline->per_value.max_error = 0.5;
  b.query_aggregations[0].baseline->per_value.max_error = 0.25;

  ScalarPartial& sa = a.query_aggregations[1].audience.scalar;
  sa.count = 2, sa.has_min_max = true, sa.int_min = -3, sa.int_max = 8;
  sa.sum.AddInt(5);
  ScalarPartial& sb = b.query_aggregations[1].audience.scalar;
  sb.count = 1, sb.has_min_max = true, sb.int_min = -7, sb.int_max = -7;
  sb.sum.AddInt(-7);
  ScalarPartial& fa = a.query_aggregations[2].audience.scalar;  // b has no value
  fa.count = 1, fa.has_min_max = true, fa.real_min = fa.real_max = 2.5;
  fa.sum.AddReal(2.5);

  a.query_aggregations[3].audience.distinct.hashes = {1, 5, 9};
  b.query_aggregations[3].audience.distinct.hashes = {2, 5, 100};

  a.funnel_steps[0].matching_groups = 4, a.funnel_steps[1].matching_groups = 2;
  b.funnel_steps[0].matching_groups = 1;
  a.funnel_steps[1].time_to_convert = {7, 3};
  b.funnel_steps[1].time_to_convert = {5};
  BreakdownEntry nil;
  nil.is_null = true;
  nil.step_groups = {1, 0};
  a.breakdown = {BreakdownEntry{IntKey(3), false, {2, 1}},
                 BreakdownEntry{IntKey(10), false, {1, 1}}, nil};
  b.breakdown = {BreakdownEntry{IntKey(-1), false, {1, 0}},
                 BreakdownEntry{IntKey(10), false, {2, 2}}, nil};
  a.sample = {{10, "x"}, {30, "z"}};
  b.sample = {{10, "w"}, {20, "y"}};
  a.stats = {1, 0, 3, 1, 100, 1000, 0.5};
  b.stats = {1, 1, 0, 0, 0, 0, 0.25};

  PartialResult m = a;
  MergePartialResult(q, b, &m);
  EXPECT_EQ(m.total_groups, 15);
  EXPECT_EQ(m.total_rows, 130);
  EXPECT_EQ(m.matching_groups, 5);
  EXPECT_EQ(m.matching_group_rows, 47);

  const PerValuePartial& pm = m.query_aggregations[0].audience.per_value;
  ASSERT_EQ(pm.entries.size(), 4u);
  EXPECT_EQ(pm.entries[0].key.text, "AT");
  EXPECT_EQ(pm.entries[1].key.text, "DE");
  EXPECT_EQ(pm.entries[2].key.text, "FR");
  EXPECT_EQ(pm.entries[3].key.text, "US");
  EXPECT_EQ(pm.entries[2].count, 5);
  EXPECT_EQ(pm.entries[2].sum.integer, -17);
  EXPECT_EQ(pm.total_count, 9);
  EXPECT_EQ(pm.total_sum.integer, -1);
  EXPECT_TRUE(pm.truncated);
  EXPECT_EQ(pm.max_error, 2);
  EXPECT_EQ(m.query_aggregations[0].baseline->per_value.max_error, 0.75);
  EXPECT_FALSE(m.query_aggregations[0].baseline->per_value.truncated);

  const ScalarPartial& sm = m.query_aggregations[1].audience.scalar;
  EXPECT_EQ(sm.count, 3);
  EXPECT_EQ(sm.int_min, -7);
  EXPECT_EQ(sm.int_max, 8);
  EXPECT_EQ(sm.sum.integer, -2);
  const ScalarPartial& fm = m.query_aggregations[2].audience.scalar;
  EXPECT_TRUE(fm.has_min_max);
  EXPECT_EQ(fm.real_min, 2.5);
  EXPECT_EQ(fm.real_max, 2.5);

  EXPECT_EQ(m.query_aggregations[3].audience.distinct.hashes,
            (std::vector<uint64_t>{1, 2, 5, 9, 100}));
  EXPECT_FALSE(m.query_aggregations[3].audience.distinct.saturated);

  EXPECT_EQ(m.funnel_steps[0].matching_groups, 5);
  EXPECT_EQ(m.funnel_steps[1].matching_groups, 2);
  std::vector<int64_t> ttc = m.funnel_steps[1].time_to_convert;
  std::sort(ttc.begin(), ttc.end());
  EXPECT_EQ(ttc, (std::vector<int64_t>{3, 5, 7}));

  ASSERT_EQ(m.breakdown.size(), 4u);
  EXPECT_EQ(m.breakdown[0].key.int_value, -1);
  EXPECT_EQ(m.breakdown[1].key.int_value, 3);
  EXPECT_EQ(m.breakdown[2].key.int_value, 10);
  EXPECT_EQ(m.breakdown[2].step_groups, (std::vector<int64_t>{3, 3}));
  EXPECT_TRUE(m.breakdown[3].is_null);
  EXPECT_EQ(m.breakdown[3].step_groups, (std::vector<int64_t>{2, 0}));

  ASSERT_EQ(m.sample.size(), 3u);  // options.sampleGroupIds
  EXPECT_EQ(m.sample[0].id, "w");
  EXPECT_EQ(m.sample[1].id, "x");
  EXPECT_EQ(m.sample[2].id, "y");

  EXPECT_EQ(m.stats.files, 2);
  EXPECT_EQ(m.stats.files_skipped, 1);
  EXPECT_EQ(m.stats.row_groups, 3);
  EXPECT_EQ(m.stats.row_groups_skipped, 1);
  EXPECT_EQ(m.stats.scanned_rows, 100);
  EXPECT_EQ(m.stats.scanned_bytes, 1000);
  EXPECT_EQ(m.stats.task_seconds, 0.75);
}

TEST(PartialResultTest, DistinctSketchKeepsTheSmallestHashes) {
  Query q = MustParseQuery(
      R"({"query": {"aggregations": [{"column": "event", "type": "countDistinct"}]}})");
  const uint64_t k = static_cast<uint64_t>(kDistinctSketchSize);
  auto sketch = [&](uint64_t first, uint64_t step, uint64_t n, bool saturated) {
    PartialResult p = MakeEmptyPartialResult(q);
    DistinctPartial& d = p.query_aggregations[0].audience.distinct;
    for (uint64_t i = 0; i < n; ++i) d.hashes.push_back(first + i * step);
    d.saturated = saturated;
    return p;
  };
  // Odd and even hashes, k / 2 each: the union has exactly k, nothing dropped.
  {
    PartialResult m = sketch(1, 2, k / 2, false);
    MergePartialResult(q, sketch(2, 2, k / 2, false), &m);
    const DistinctPartial& d = m.query_aggregations[0].audience.distinct;
    EXPECT_EQ(d.hashes.size(), k);
    EXPECT_FALSE(d.saturated);
    EXPECT_EQ(d.hashes.back(), k);
  }
  // One more distinct hash drops the largest.
  {
    PartialResult m = sketch(1, 2, k / 2 + 1, false);
    MergePartialResult(q, sketch(2, 2, k / 2, false), &m);
    const DistinctPartial& d = m.query_aggregations[0].audience.distinct;
    EXPECT_EQ(d.hashes.size(), k);
    EXPECT_TRUE(d.saturated);
    EXPECT_EQ(d.hashes.front(), 1u);
    EXPECT_EQ(d.hashes.back(), k);
  }
  // A saturated side stays saturated even when nothing more is dropped; shared hashes count once.
  {
    PartialResult m = sketch(10, 1, 5, true);
    MergePartialResult(q, sketch(12, 1, 5, false), &m);
    const DistinctPartial& d = m.query_aggregations[0].audience.distinct;
    EXPECT_EQ(d.hashes, (std::vector<uint64_t>{10, 11, 12, 13, 14, 15, 16}));
    EXPECT_TRUE(d.saturated);
  }
}

TEST(PartialResultTest, MergeRejectsPartialsOfAnotherShape) {
  Query q = MustParseQuery(
      R"({"query": {"aggregations": [{"column": "country", "type": "countPerValue"}]},
                          "funnel": {"sequence": [{"filter": ["event", "==", "a"]}],
                                     "breakdown": {"column": "country"}}})");
  auto expect_corrupt = [&](const PartialResult& other, const char* what) {
    PartialResult into = MakeEmptyPartialResult(q);
    try {
      MergePartialResult(q, other, &into);
      ADD_FAILURE() << "merged " << what;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile) << what;
    }
  };
  PartialResult p = MakeEmptyPartialResult(q);
  p.query_aggregations.pop_back();
  expect_corrupt(p, "a missing aggregation");
  p = MakeEmptyPartialResult(q);
  p.funnel_steps.emplace_back();
  expect_corrupt(p, "an extra step");
  p = MakeEmptyPartialResult(q);
  p.query_aggregations[0].baseline.emplace();
  expect_corrupt(p, "an unasked baseline");
  p = MakeEmptyPartialResult(q);
  p.query_aggregations[0].audience.per_value.entries = {Entry(StringKey("b"), 1),
                                                        Entry(StringKey("a"), 1)};
  expect_corrupt(p, "unsorted entries");
  p = MakeEmptyPartialResult(q);
  p.breakdown = {BreakdownEntry{StringKey("a"), false, {1, 1}}};
  expect_corrupt(p, "a breakdown entry with two steps in a one-step funnel");
  p = MakeEmptyPartialResult(q);
  p.query_aggregations[0].audience.distinct.hashes = {3, 2};
  expect_corrupt(p, "unsorted hashes");
}

// A random partial over small key universes so that merges overlap. Every number is an integer
// or a multiple of 1/4, so float sums are exact and any merge order gives the same bits.
PartialResult RandomPartial(const Query& q, std::mt19937_64& rng, int64_t max_hashes) {
  PartialResult p = MakeEmptyPartialResult(q);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  auto fill_value = [&](const Aggregation& agg, AggregationValue* v) {
    std::vector<PerValueEntry> entries;
    for (int64_t key = 0; key < 12; ++key) {
      if (uniform(0, 2) != 0) continue;
      PerValueEntry e;
      if (agg.column_kind == ColumnKind::kInt) {
        e.key = IntKey(key * 7 - 30);
      } else if (agg.column_kind == ColumnKind::kFloat) {
        e.key.float_value = static_cast<double>(key) / 2 - 2;
        e.key.text = std::to_string(e.key.float_value);
      } else {
        e.key = StringKey("v" + std::to_string(key));
      }
      e.count = uniform(1, 50);
      if (agg.other_column_kind == ColumnKind::kFloat) {
        e.sum.AddReal(static_cast<double>(uniform(-400, 400)) / 4);
      } else {
        e.sum.AddInt(uniform(-1000, 1000));
      }
      v->per_value.total_count += e.count;
      v->per_value.total_sum.Merge(e.sum);
      entries.push_back(std::move(e));
    }
    std::sort(entries.begin(), entries.end(), [&](const PerValueEntry& a, const PerValueEntry& b) {
      return ValueKeyLess(agg.column_kind, a.key, b.key);
    });
    v->per_value.entries = std::move(entries);
    if (uniform(0, 4) == 0) {
      v->per_value.truncated = true;
      v->per_value.max_error = static_cast<double>(uniform(1, 9));
    }
    ScalarPartial& s = v->scalar;
    s.count = uniform(0, 5);
    for (int64_t i = 0; i < s.count; ++i) {
      const int64_t x = uniform(-100, 100);
      if (!s.has_min_max) {
        s.has_min_max = true;
        s.int_min = s.int_max = x;
        s.real_min = s.real_max = static_cast<double>(x) / 4;
      }
      s.int_min = std::min(s.int_min, x);
      s.int_max = std::max(s.int_max, x);
      s.real_min = std::min(s.real_min, static_cast<double>(x) / 4);
      s.real_max = std::max(s.real_max, static_cast<double>(x) / 4);
      s.sum.AddInt(x);
    }
    std::vector<uint64_t>& h = v->distinct.hashes;
    const int64_t n = uniform(max_hashes / 2, max_hashes);
    for (int64_t i = 0; i < n; ++i)
      h.push_back(static_cast<uint64_t>(uniform(1, 4 * kDistinctSketchSize)));
    std::sort(h.begin(), h.end());
    h.erase(std::unique(h.begin(), h.end()), h.end());
  };
  auto fill_list = [&](const std::vector<Aggregation>& list, std::vector<AggregationPartial>* out) {
    for (size_t i = 0; i < list.size(); ++i) {
      fill_value(list[i], &(*out)[i].audience);
      if ((*out)[i].baseline) fill_value(list[i], &*(*out)[i].baseline);
    }
  };
  p.total_groups = uniform(0, 1000);
  p.total_rows = uniform(0, 100000);
  p.matching_groups = uniform(0, 100);
  p.matching_group_rows = uniform(0, 10000);
  fill_list(q.query.aggregations, &p.query_aggregations);
  for (StepPartial& s : p.funnel_steps) {
    s.matching_groups = uniform(0, 100);
    s.matching_group_rows = uniform(0, 1000);
    fill_list(q.funnel->step_aggregations, &s.aggregations);
    for (int64_t i = uniform(0, 6); i > 0; --i) s.time_to_convert.push_back(uniform(0, 1000));
  }
  fill_list(q.funnel->end_aggregations, &p.end_aggregations);
  for (int64_t key = 0; key < 6; ++key) {
    if (uniform(0, 1) == 0) continue;
    BreakdownEntry e{StringKey(std::string(1, static_cast<char>('a' + key))), false, {}};
    for (size_t k = 0; k < p.funnel_steps.size(); ++k) e.step_groups.push_back(uniform(0, 9));
    p.breakdown.push_back(std::move(e));
  }
  if (uniform(0, 1) == 0) {
    BreakdownEntry e;
    e.is_null = true;
    e.step_groups.assign(p.funnel_steps.size(), uniform(0, 9));
    p.breakdown.push_back(std::move(e));
  }
  for (int64_t i = uniform(0, 6); i > 0; --i) {
    p.sample.push_back(
        {static_cast<uint64_t>(uniform(0, 20)), "g" + std::to_string(uniform(0, 99))});
  }
  std::sort(p.sample.begin(), p.sample.end(), [](const SampledGroup& a, const SampledGroup& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.id < b.id;
  });
  p.sample.resize(std::min<size_t>(p.sample.size(), q.options.sample_group_ids));
  p.stats = {uniform(0, 1),
             uniform(0, 1),
             uniform(0, 9),
             uniform(0, 9),
             uniform(0, 999),
             uniform(0, 9999),
             static_cast<double>(uniform(0, 64)) / 8};
  return p;
}

// Time-to-convert lists are bags (appended in merge order); everything else must be identical.
std::string Canonical(PartialResult p) {
  for (StepPartial& s : p.funnel_steps)
    std::sort(s.time_to_convert.begin(), s.time_to_convert.end());
  return SerializePartialResult(p);
}

TEST(PartialResultTest, MergeIsAssociativeAndCommutative) {
  Query q = MustParseQuery(R"({
    "query": {"aggregations": [
        {"column": "country", "type": "countPerValue", "baseline": true},
        {"column": "quantity", "type": "sumPerValue", "otherColumn": "price"},
        {"column": "event", "type": "meanPerValue", "otherColumn": "quantity"},
        {"column": "quantity", "type": "min"},
        {"column": "event", "type": "countDistinct", "baseline": true}]},
    "funnel": {"sequence": [{"filter": ["event", "==", "a"]}, {"filter": ["event", "==", "b"]},
                            {"filter": ["event", "==", "c"]}],
               "stepAggregations": [{"column": "country", "type": "groupsPerValue"}],
               "endAggregations": [{"column": "price", "type": "max", "baseline": true}],
               "timeToConvert": true, "breakdown": {"column": "country", "top": 2}},
    "options": {"sampleGroupIds": 4}})");
  std::mt19937_64 rng(20240611);
  int saturated = 0;
  for (int round = 0; round < 30; ++round) {
    // In the first rounds up to 2/3 of the sketch each, so that three of them saturate it;
    // small sketches after that, to keep the test quick.
    const int64_t h = round < 3 ? kDistinctSketchSize * 2 / 3 : 50;
    const PartialResult a = RandomPartial(q, rng, h), b = RandomPartial(q, rng, h),
                        c = RandomPartial(q, rng, h);
    PartialResult ab = a;
    MergePartialResult(q, b, &ab);
    PartialResult ba = b;
    MergePartialResult(q, a, &ba);
    ASSERT_EQ(Canonical(ab), Canonical(ba)) << "round " << round;

    PartialResult ab_c = ab;
    MergePartialResult(q, c, &ab_c);
    PartialResult bc = b;
    MergePartialResult(q, c, &bc);
    PartialResult a_bc = a;
    MergePartialResult(q, bc, &a_bc);
    ASSERT_EQ(Canonical(ab_c), Canonical(a_bc)) << "round " << round;
    saturated += ab_c.query_aggregations[4].audience.distinct.saturated;

    // Merging into an empty partial is the identity.
    PartialResult e = MakeEmptyPartialResult(q);
    MergePartialResult(q, a, &e);
    ASSERT_EQ(Canonical(e), Canonical(a)) << "round " << round;
  }
  EXPECT_GT(saturated, 0);  // the sketch filled up in some round
}

// ------------------------------------------------------------------------------------------
// Truncation

TEST(PartialResultTest, TruncateKeepsTheLargestCounts) {
  // kMaxExactValuesPerFile + 5 values: value i has count i / 2 + 1, so counts come in pairs and
  // the cut falls between the two values of count 3 (values 4 and 5).
  const int64_t n = kMaxExactValuesPerFile + 5;
  PerValuePartial map;
  for (int64_t i = 0; i < n; ++i) map.entries.push_back(Entry(IntKey(i), i / 2 + 1));
  map.total_count = 123;  // untouched: the totals include dropped values
  TruncatePerValue(AggregationType::kCountPerValue, ColumnKind::kInt, &map);
  ASSERT_EQ(map.entries.size(), static_cast<size_t>(kMaxExactValuesPerFile));
  EXPECT_TRUE(map.truncated);
  // Dropped: values 0, 1 (count 1), 2, 3 (count 2) and 5 (count 3, larger value than 4).
  EXPECT_EQ(map.max_error, 3);
  EXPECT_EQ(map.total_count, 123);
  EXPECT_EQ(map.entries.front().key.int_value, 4);
  EXPECT_EQ(map.entries[1].key.int_value, 6);
  EXPECT_EQ(map.entries.back().key.int_value, n - 1);
  for (size_t i = 1; i < map.entries.size(); ++i) {
    ASSERT_TRUE(ValueKeyLess(ColumnKind::kInt, map.entries[i - 1].key, map.entries[i].key));
  }
  // A second truncation of the same file adds its own bound.
  map.entries.push_back(Entry(IntKey(n + 10), 1));
  TruncatePerValue(AggregationType::kCountPerValue, ColumnKind::kInt, &map);
  EXPECT_EQ(map.max_error, 4);
}

TEST(PartialResultTest, TruncateLeavesSmallMapsAlone) {
  PerValuePartial map;
  map.entries = {Entry(StringKey("a"), 1), Entry(StringKey("b"), 2)};
  TruncatePerValue(AggregationType::kCountPerValue, ColumnKind::kString, &map);
  EXPECT_EQ(map.entries.size(), 2u);
  EXPECT_FALSE(map.truncated);
  EXPECT_EQ(map.max_error, 0);
}

TEST(PartialResultTest, TruncateSumsBoundsByMagnitude) {
  // Sums: value i has sum i, plus two large negatives that rank last but bound the error.
  const int64_t n = kMaxExactValuesPerFile + 2;
  PerValuePartial map;
  for (int64_t i = 0; i < n - 2; ++i) map.entries.push_back(Entry(IntKey(i), 1, i + 1));
  map.entries.push_back(Entry(IntKey(n), 1, -500));
  map.entries.push_back(Entry(IntKey(n + 1), 1, -7));
  TruncatePerValue(AggregationType::kSumPerValue, ColumnKind::kInt, &map);
  ASSERT_EQ(map.entries.size(), static_cast<size_t>(kMaxExactValuesPerFile));
  EXPECT_EQ(map.entries.back().key.int_value, n - 3);
  EXPECT_EQ(map.max_error, 500);

  // Means: value i has mean (i % 1000) / 2, with counts 2.
  PerValuePartial means;
  const int64_t m = kMaxExactValuesPerFile + 1;
  for (int64_t i = 0; i < m; ++i) means.entries.push_back(Entry(IntKey(i), 2, i % 1000));
  TruncatePerValue(AggregationType::kMeanPerValue, ColumnKind::kInt, &means);
  ASSERT_EQ(means.entries.size(), static_cast<size_t>(kMaxExactValuesPerFile));
  // The one dropped is the largest value among those of mean 0 (i % 1000 == 0).
  EXPECT_EQ(means.max_error, 0);
  EXPECT_EQ(means.entries.front().key.int_value, 0);
  EXPECT_FALSE(std::any_of(means.entries.begin(), means.entries.end(),
                           [](const PerValueEntry& e) { return e.key.int_value == 100000; }));
}

TEST(PartialResultTest, RanksBeforeOrdersByNumberThenValue) {
  auto before = [](AggregationType t, const PerValueEntry& a, const PerValueEntry& b) {
    return PerValueRanksBefore(t, ColumnKind::kString, a, b);
  };
  EXPECT_TRUE(
      before(AggregationType::kCountPerValue, Entry(StringKey("z"), 5), Entry(StringKey("a"), 4)));
  EXPECT_TRUE(
      before(AggregationType::kCountPerValue, Entry(StringKey("a"), 4), Entry(StringKey("b"), 4)));
  EXPECT_FALSE(
      before(AggregationType::kCountPerValue, Entry(StringKey("b"), 4), Entry(StringKey("a"), 4)));
  EXPECT_TRUE(before(AggregationType::kSumPerValue, Entry(StringKey("z"), 1, 10),
                     Entry(StringKey("a"), 9, 9)));
  // Means: 10 / 4 = 2.5 ranks before 3 / 2 = 1.5; a NaN mean ranks after every number.
  EXPECT_TRUE(before(AggregationType::kMeanPerValue, Entry(StringKey("z"), 4, 10),
                     Entry(StringKey("a"), 2, 3)));
  PerValueEntry nan_mean = Entry(StringKey("a"), 1);
  nan_mean.sum.AddReal(std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(before(AggregationType::kMeanPerValue, Entry(StringKey("z"), 1, -1000), nan_mean));
  EXPECT_FALSE(before(AggregationType::kMeanPerValue, nan_mean, Entry(StringKey("z"), 1, -1000)));
}

// ------------------------------------------------------------------------------------------
// Serialization

PartialResult RichPartial(const Query& q) {
  std::mt19937_64 rng(7);
  PartialResult p = RandomPartial(q, rng, 4);  // small: the corruption tests are quadratic
  PerValuePartial& pv = p.query_aggregations[0].audience.per_value;
  ValueKey f{"-1.5", -3, -1.5};
  pv.entries.insert(pv.entries.begin(), Entry(f, 1));
  pv.entries.insert(pv.entries.begin(), Entry(StringKey(std::string("\0\xff", 2)), 1));
  pv.truncated = true;
  pv.max_error = 17.5;
  NumericSum big;
  big.AddInt(std::numeric_limits<int64_t>::max());
  big.AddInt(std::numeric_limits<int64_t>::max());
  pv.total_sum = big;
  ScalarPartial& s = p.query_aggregations[3].audience.scalar;
  s.has_min_max = true;
  s.int_min = std::numeric_limits<int64_t>::min();
  s.int_max = std::numeric_limits<int64_t>::max();
  s.real_min = -std::numeric_limits<double>::infinity();
  s.real_max = -0.0;
  p.query_aggregations[4].audience.distinct.hashes = {0, 1, ~uint64_t{0}};
  p.query_aggregations[4].audience.distinct.saturated = true;
  p.funnel_steps[2].time_to_convert = {std::numeric_limits<int64_t>::min(), -1, 0,
                                       std::numeric_limits<int64_t>::max()};
  p.sample = {{0, ""}, {~uint64_t{0}, "user-\xe2\x82\xac"}};
  p.stats.task_seconds = 1.0 / 3;
  return p;
}

Query SerializationQuery() {
  return MustParseQuery(R"({
    "query": {"aggregations": [
        {"column": "country", "type": "countPerValue", "baseline": true},
        {"column": "quantity", "type": "sumPerValue", "otherColumn": "price"},
        {"column": "event", "type": "meanPerValue", "otherColumn": "quantity"},
        {"column": "quantity", "type": "min"},
        {"column": "event", "type": "countDistinct", "baseline": true}]},
    "funnel": {"sequence": [{"filter": ["event", "==", "a"]}, {"filter": ["event", "==", "b"]},
                            {"filter": ["event", "==", "c"]}],
               "stepAggregations": [{"column": "country", "type": "groupsPerValue"}],
               "endAggregations": [{"column": "price", "type": "max", "baseline": true}],
               "timeToConvert": true, "breakdown": {"column": "country", "top": 2}},
    "options": {"sampleGroupIds": 4}})");
}

TEST(PartialResultTest, SerializationRoundTrips) {
  const Query q = SerializationQuery();
  const PartialResult p = RichPartial(q);
  const std::string bytes = SerializePartialResult(p);
  EXPECT_EQ(bytes.substr(0, 4), "FRPR");
  const PartialResult r = DeserializePartialResult(bytes);
  EXPECT_EQ(SerializePartialResult(r), bytes);

  EXPECT_EQ(r.version, kPartialResultVersion);
  EXPECT_EQ(r.total_groups, p.total_groups);
  EXPECT_EQ(r.matching_group_rows, p.matching_group_rows);
  const PerValuePartial& pv = r.query_aggregations[0].audience.per_value;
  ASSERT_EQ(pv.entries.size(), p.query_aggregations[0].audience.per_value.entries.size());
  EXPECT_EQ(pv.entries[0].key.text, std::string("\0\xff", 2));
  EXPECT_EQ(pv.entries[1].key.text, "-1.5");
  EXPECT_EQ(pv.entries[1].key.int_value, -3);
  EXPECT_EQ(pv.entries[1].key.float_value, -1.5);
  EXPECT_TRUE(pv.truncated);
  EXPECT_EQ(pv.max_error, 17.5);
  EXPECT_FALSE(pv.total_sum.is_integer);
  EXPECT_DOUBLE_EQ(pv.total_sum.real, 2 * 9223372036854775807.0);
  EXPECT_TRUE(r.query_aggregations[0].baseline.has_value());
  EXPECT_FALSE(r.query_aggregations[1].baseline.has_value());
  const ScalarPartial& s = r.query_aggregations[3].audience.scalar;
  EXPECT_EQ(s.int_min, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(s.int_max, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(s.real_min, -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::signbit(s.real_max));
  EXPECT_EQ(r.query_aggregations[4].audience.distinct.hashes,
            (std::vector<uint64_t>{0, 1, ~uint64_t{0}}));
  EXPECT_TRUE(r.query_aggregations[4].audience.distinct.saturated);
  EXPECT_EQ(r.funnel_steps[2].time_to_convert, p.funnel_steps[2].time_to_convert);
  EXPECT_EQ(r.breakdown.size(), p.breakdown.size());
  ASSERT_EQ(r.sample.size(), 2u);
  EXPECT_EQ(r.sample[1].hash, ~uint64_t{0});
  EXPECT_EQ(r.sample[1].id, "user-\xe2\x82\xac");
  EXPECT_EQ(r.stats.task_seconds, 1.0 / 3);

  // The deserialized partial merges like the original.
  PartialResult m1 = MakeEmptyPartialResult(q), m2 = MakeEmptyPartialResult(q);
  PartialResult clean = p;  // RichPartial's distinct sketch and per-value order are valid
  MergePartialResult(q, clean, &m1);
  MergePartialResult(q, r, &m2);
  EXPECT_EQ(SerializePartialResult(m1), SerializePartialResult(m2));

  // The empty partial of the empty query round-trips too.
  const PartialResult empty = MakeEmptyPartialResult(MustParseQuery("{}"));
  const std::string e = SerializePartialResult(empty);
  EXPECT_EQ(SerializePartialResult(DeserializePartialResult(e)), e);
}

TEST(PartialResultTest, EveryPrefixIsRejected) {
  const std::string bytes = SerializePartialResult(RichPartial(SerializationQuery()));
  for (size_t n = 0; n < bytes.size(); ++n) {
    ExpectThrowsCorrupt(bytes.substr(0, n), "a prefix of " + std::to_string(n) + " bytes");
  }
  ExpectThrowsCorrupt(bytes + '\0', "a trailing byte");
}

TEST(PartialResultTest, HeaderIsChecked) {
  std::string bytes = SerializePartialResult(MakeEmptyPartialResult(MustParseQuery("{}")));
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  ExpectThrowsCorrupt(bad_magic, "a wrong magic");
  // The version is the varint after the magic: 2 is from the future, 0 never existed.
  ASSERT_EQ(bytes[4], static_cast<char>(kPartialResultVersion));
  std::string newer = bytes;
  newer[4] = static_cast<char>(kPartialResultVersion + 1);
  ExpectThrowsCorrupt(newer, "a newer version");
  std::string zero = bytes;
  zero[4] = 0;
  ExpectThrowsCorrupt(zero, "version 0");
}

TEST(PartialResultTest, HugeLengthsAreRejectedBeforeAllocating) {
  // Header, four counts, then an aggregation count of 2^62 with nothing after it.
  std::string bytes = "FRPR";
  bytes += '\x01';
  bytes += std::string(4, '\0');
  for (int i = 0; i < 8; ++i) bytes += '\xff';
  bytes += '\x3f';
  ExpectThrowsCorrupt(bytes, "2^62 aggregations");
  // An over-long varint.
  std::string long_varint = "FRPR";
  long_varint += std::string(11, '\x80');
  long_varint += '\x01';
  ExpectThrowsCorrupt(long_varint, "an 11-byte varint");
  // A count above INT64_MAX.
  std::string big_count = "FRPR\x01";
  big_count += std::string(9, '\xff');
  big_count += '\x01';
  ExpectThrowsCorrupt(big_count, "a count of 2^64 - 1");
}

TEST(PartialResultTest, GarbageNeverCrashes) {
  const std::string valid = SerializePartialResult(RichPartial(SerializationQuery()));
  std::mt19937_64 rng(99);
  int accepted = 0;
  // Every single-byte change of a valid encoding, a few values per position: either an Error or
  // a partial, never a crash or an out-of-bounds read (the asan build checks that).
  for (size_t i = 0; i < valid.size(); ++i) {
    for (uint8_t v : {uint8_t{0}, uint8_t{1}, uint8_t{0x7f}, uint8_t{0x80}, uint8_t{0xff},
                      static_cast<uint8_t>(rng())}) {
      std::string bytes = valid;
      bytes[i] = static_cast<char>(v);
      try {
        DeserializePartialResult(bytes);
        ++accepted;
      } catch (const Error& e) {
        ASSERT_EQ(e.kind(), ErrorKind::kCorruptFile);
      }
    }
  }
  EXPECT_GT(accepted, 0);  // changed numbers are still well-formed partials
  for (int round = 0; round < 2000; ++round) {
    std::string bytes = "FRPR\x01";
    const size_t n = rng() % 64;
    for (size_t i = 0; i < n; ++i) bytes += static_cast<char>(rng());
    try {
      DeserializePartialResult(bytes);
    } catch (const Error& e) {
      ASSERT_EQ(e.kind(), ErrorKind::kCorruptFile);
    }
  }
}

TEST(OrderedMergeTest, AnyArrivalOrderGivesTheSameBits) {
  // Float sums chosen so that the order of addition changes the rounded result.
  const Query query = MustParseQuery(R"({"query": {"aggregations": [{"column": "price", "type": "sum"}]}})");
  const std::vector<double> values = {1e16, 1.0, -1e16, 3.0, 0.1, 2.5e-3, 7e15, -7e15};
  std::vector<PartialResult> parts;
  for (double v : values) {
    PartialResult p = MakeEmptyPartialResult(query);
    p.query_aggregations[0].audience.scalar.count = 1;
    p.query_aggregations[0].audience.scalar.sum.AddReal(v);
    parts.push_back(p);
  }
  // In task order, by hand.
  PartialResult expected = MakeEmptyPartialResult(query);
  for (const PartialResult& p : parts) MergePartialResult(query, p, &expected);
  const double in_order = expected.query_aggregations[0].audience.scalar.sum.real;
  // Arrival order visibly matters for plain merging, or this test would prove nothing.
  PartialResult reversed = MakeEmptyPartialResult(query);
  for (size_t i = parts.size(); i-- > 0;) MergePartialResult(query, parts[i], &reversed);
  ASSERT_NE(reversed.query_aggregations[0].audience.scalar.sum.real, in_order);

  std::vector<size_t> order(parts.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(5);
  for (int round = 0; round < 50; ++round) {
    std::shuffle(order.begin(), order.end(), rng);
    OrderedMerge merge(query, parts.size());
    for (size_t task : order) merge.Add(task, parts[task]);
    PartialResult merged = merge.Finish();
    EXPECT_EQ(merged.query_aggregations[0].audience.scalar.sum.real, in_order);
    EXPECT_EQ(merged.query_aggregations[0].audience.scalar.count, 8);
  }
}

TEST(OrderedMergeTest, RejectsRepeatsAndMissingTasks) {
  const Query query = MustParseQuery(R"({})");
  OrderedMerge merge(query, 3);
  merge.Add(1, MakeEmptyPartialResult(query));
  EXPECT_THROW(merge.Add(1, MakeEmptyPartialResult(query)), Error);
  EXPECT_THROW(merge.Add(3, MakeEmptyPartialResult(query)), Error);
  merge.Add(0, MakeEmptyPartialResult(query));
  EXPECT_EQ(merge.merged_tasks(), 2u);
  EXPECT_THROW(merge.Add(0, MakeEmptyPartialResult(query)), Error);
  EXPECT_THROW(merge.Finish(), Error);
}

}  // namespace
}  // namespace frocket
