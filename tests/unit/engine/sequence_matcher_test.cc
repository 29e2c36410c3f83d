// SequenceMatcher against hand-reasoned cases for every rule of QUERY_LANGUAGE.md section 6, and
// against a brute-force reference that enumerates every chain of small random groups.
#include "engine/sequence_matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"

namespace frocket {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// A step of a test sequence; filters stay empty because the matcher only reads the masks.
Step Positive(std::optional<Number> max_gap = std::nullopt) {
  Step step;
  step.max_gap = max_gap;
  return step;
}

Step Negative() {
  Step step;
  step.row_found = false;
  return step;
}

Sequence MakeSequence(std::vector<Step> steps, std::optional<Number> max_duration = std::nullopt,
                      SequenceOrder order = SequenceOrder::kOrdered) {
  Sequence sequence;
  sequence.steps = std::move(steps);
  sequence.max_duration = max_duration;
  sequence.order = order;
  return sequence;
}

SequenceMatch MatchAll(const Sequence& sequence, const std::vector<int64_t>& ts,
                       const std::vector<uint64_t>& masks) {
  SequenceMatcher matcher(sequence);
  SequenceMatch match;
  matcher.Match(ts, masks, /*want_time_to_convert=*/true, /*want_attribution=*/true, &match);
  return match;
}

// Step bits, for readability: A is step 0, B step 1, ...
constexpr uint64_t A = 1, B = 2, C = 4, D = 8;

// ---------------------------------------------------------------------------------------------
// Hand-reasoned cases.

TEST(SequenceMatcherTest, EmptyGroupReachesNothing) {
  for (SequenceOrder order :
       {SequenceOrder::kOrdered, SequenceOrder::kStrict, SequenceOrder::kAny}) {
    SequenceMatch match =
        MatchAll(MakeSequence({Positive(), Positive()}, std::nullopt, order), {}, {});
    EXPECT_EQ(match.reached, -1);
    EXPECT_TRUE(match.time_to_convert.empty());
    EXPECT_EQ(match.attributed_start_row, -1);
  }
}

TEST(SequenceMatcherTest, SingleRowGroup) {
  for (SequenceOrder order :
       {SequenceOrder::kOrdered, SequenceOrder::kStrict, SequenceOrder::kAny}) {
    SequenceMatch match =
        MatchAll(MakeSequence({Positive(), Positive()}, Number::Integer(5), order), {7}, {A});
    EXPECT_EQ(match.reached, 0);
    EXPECT_EQ(match.time_to_convert, std::vector<int64_t>{0});
    EXPECT_EQ(match.attributed_start_row, 0);
    // A row matching no step reaches nothing.
    EXPECT_EQ(
        MatchAll(MakeSequence({Positive(), Positive()}, std::nullopt, order), {7}, {B}).reached,
        -1);
  }
}

TEST(SequenceMatcherTest, EqualTimestampsDoNotChainInOrderedOrStrict) {
  // A and B at the same ts: ordered and strict need strictly increasing ts.
  const std::vector<int64_t> ts = {10, 10};
  const std::vector<uint64_t> masks = {A, B};
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive()}), ts, masks).reached, 0);
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive()}, std::nullopt, SequenceOrder::kStrict),
                     ts, masks)
                .reached,
            0);
  // In any order equal ts are allowed: span 0.
  SequenceMatch any = MatchAll(
      MakeSequence({Positive(), Positive()}, Number::Integer(0), SequenceOrder::kAny), ts, masks);
  EXPECT_EQ(any.reached, 1);
  EXPECT_EQ(any.time_to_convert, (std::vector<int64_t>{0, 0}));
  // B before A in row order (same ts) is fine in any order too.
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive()}, std::nullopt, SequenceOrder::kAny), ts,
                     {B, A})
                .reached,
            1);
}

TEST(SequenceMatcherTest, OrderedSkipsUnrelatedRows) {
  // A@1, B@1 (tie, cannot follow A), C-only row, B@3: reaches B via the row at 3.
  SequenceMatch match =
      MatchAll(MakeSequence({Positive(), Positive()}), {1, 1, 2, 3}, {A, B, C, B});
  EXPECT_EQ(match.reached, 1);
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 2}));
  // Step order matters: B before A only reaches step 0.
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive()}), {1, 2}, {B, A}).reached, 0);
}

TEST(SequenceMatcherTest, MaxDurationBoundary) {
  const std::vector<int64_t> ts = {100, 110};
  const std::vector<uint64_t> masks = {A, B};
  auto reached = [&](Number d, SequenceOrder order) {
    return MatchAll(MakeSequence({Positive(), Positive()}, d, order), ts, masks).reached;
  };
  for (SequenceOrder order :
       {SequenceOrder::kOrdered, SequenceOrder::kStrict, SequenceOrder::kAny}) {
    EXPECT_EQ(reached(Number::Integer(10), order), 1);  // exactly equal: reached
    EXPECT_EQ(reached(Number::Integer(9), order), 0);   // one over: not reached
    EXPECT_EQ(reached(Number::Real(10.0), order), 1);
    EXPECT_EQ(reached(Number::Real(10.9), order), 1);   // 10 <= 10.9
    EXPECT_EQ(reached(Number::Real(9.999), order), 0);  // 10 > 9.999
    EXPECT_EQ(reached(Number::Real(1e300), order), 1);  // saturates
  }
}

TEST(SequenceMatcherTest, MaxDurationCountsFromStepZeroNotFromPreviousStep) {
  // Gaps are 6 and 6 but A -> C spans 12 > 10.
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive(), Positive()}, Number::Integer(10)),
                     {0, 6, 12}, {A, B, C})
                .reached,
            1);
}

TEST(SequenceMatcherTest, MaxDurationUsesALaterStart) {
  // A@0 is too early for B@15 within 10, but A@10 is not: every entry counts.
  SequenceMatch match =
      MatchAll(MakeSequence({Positive(), Positive()}, Number::Integer(10)), {0, 10, 15}, {A, A, B});
  EXPECT_EQ(match.reached, 1);
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 5}));
  EXPECT_EQ(match.attributed_start_row, 1);
}

TEST(SequenceMatcherTest, MaxGapBoundary) {
  const std::vector<int64_t> ts = {0, 5, 8};
  const std::vector<uint64_t> masks = {A, B, C};
  auto reached = [&](Number gap) {
    return MatchAll(MakeSequence({Positive(), Positive(), Positive(gap)}), ts, masks).reached;
  };
  EXPECT_EQ(reached(Number::Integer(3)), 2);  // 8 - 5 == 3
  EXPECT_EQ(reached(Number::Integer(2)), 1);
  EXPECT_EQ(reached(Number::Real(2.5)), 1);
  EXPECT_EQ(reached(Number::Real(3.5)), 2);
  // The gap is measured from the chosen previous row: a later B rescues an expired one.
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive(), Positive(Number::Integer(2))}),
                     {0, 1, 6, 8}, {A, B, B, C})
                .reached,
            2);
}

TEST(SequenceMatcherTest, NegativeStepBetween) {
  const Sequence sequence = MakeSequence({Positive(), Negative(), Positive()});
  // X strictly between A and B forbids the chain.
  EXPECT_EQ(MatchAll(sequence, {1, 2, 3}, {A, B, C}).reached, 0);
  // X at A's ts or at C's ts is not strictly between.
  EXPECT_EQ(MatchAll(sequence, {1, 1, 3}, {A, B, C}).reached, 1);
  EXPECT_EQ(MatchAll(sequence, {1, 3, 3}, {A, B, C}).reached, 1);
  // X before A, or after C, does not matter.
  EXPECT_EQ(MatchAll(sequence, {0, 1, 3, 4}, {B, A, C, B}).reached, 1);
  // A new A after X starts a clean chain.
  SequenceMatch match = MatchAll(sequence, {1, 2, 4, 5}, {A, B, A, C});
  EXPECT_EQ(match.reached, 1);
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(match.attributed_start_row, 2);
}

TEST(SequenceMatcherTest, NegativeStepOnlyGuardsItsOwnGap) {
  // A, not X, B, C: an X between B and C is fine.
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Negative(), Positive(), Positive()}), {1, 2, 3, 4},
                     {A, D, C, D})
                .reached,
            2);
}

TEST(SequenceMatcherTest, TrailingNegativeWithoutMaxDuration) {
  const Sequence sequence = MakeSequence({Positive(), Positive(), Negative()});
  EXPECT_EQ(MatchAll(sequence, {1, 2, 3}, {A, B, C}).reached, 0);     // X after B: forbidden
  EXPECT_EQ(MatchAll(sequence, {1, 2, 2}, {A, B, C}).reached, 1);     // X at B's ts: allowed
  EXPECT_EQ(MatchAll(sequence, {1, 2, 3}, {A, C, B}).reached, 1);     // X before B: allowed
  EXPECT_EQ(MatchAll(sequence, {1, 2, 1000}, {A, B, C}).reached, 0);  // forever
  // It only affects reaching the last step: step 0 stays reached.
  // A trailing step after a single positive step: the A row needs no X after it.
  SequenceMatch match = MatchAll(MakeSequence({Positive(), Negative()}), {1, 2, 3}, {A, B, A});
  EXPECT_EQ(match.reached, 0);
  EXPECT_EQ(match.attributed_start_row, 2);
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Negative()}), {1, 2}, {A, B}).reached, -1);
}

TEST(SequenceMatcherTest, TrailingNegativeWithMaxDuration) {
  const Sequence sequence = MakeSequence({Positive(), Positive(), Negative()}, Number::Integer(10));
  EXPECT_EQ(MatchAll(sequence, {0, 5, 11}, {A, B, C}).reached, 1);  // X after t0 + 10
  EXPECT_EQ(MatchAll(sequence, {0, 5, 10}, {A, B, C}).reached, 0);  // X at t0 + 10: inclusive
  EXPECT_EQ(MatchAll(sequence, {0, 5, 5}, {A, B, C}).reached, 1);   // X at B's ts
}

TEST(SequenceMatcherTest, TrailingNegativeFavoursAnEarlierStart) {
  // Steps A, B, C, not X within 10. A@0 -> B@5 -> C@8 qualifies (X@12 is after 0 + 10), while
  // the later start A@3 would be disqualified (X@12 <= 13). A frontier that keeps only the
  // latest start loses the answer.
  const Sequence sequence =
      MakeSequence({Positive(), Positive(), Positive(), Negative()}, Number::Integer(10));
  SequenceMatch match = MatchAll(sequence, {0, 3, 5, 6, 8, 12}, {A, A, B, B, C, D});
  EXPECT_EQ(match.reached, 2);
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 2, 8}));  // A@3 -> B@5 for step 1
  EXPECT_EQ(match.attributed_start_row, 0);
}

TEST(SequenceMatcherTest, StrictOrderNeedsAdjacentRows) {
  const Sequence strict =
      MakeSequence({Positive(), Positive()}, std::nullopt, SequenceOrder::kStrict);
  // An intervening row (matching nothing) breaks the chain in strict order only.
  EXPECT_EQ(MatchAll(strict, {1, 2, 3}, {A, 0, B}).reached, 0);
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive()}), {1, 2, 3}, {A, 0, B}).reached, 1);
  SequenceMatch match = MatchAll(strict, {1, 2, 3, 4}, {A, 0, A, B});
  EXPECT_EQ(match.reached, 1);
  EXPECT_EQ(match.attributed_start_row, 2);
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 1}));
  // An intervening row at B's ts but before it in row order also breaks it.
  EXPECT_EQ(MatchAll(strict, {1, 3, 3}, {A, C, B}).reached, 0);
}

TEST(SequenceMatcherTest, AnyOrderRowMatchingTwoSteps) {
  const Sequence any = MakeSequence({Positive(), Positive()}, std::nullopt, SequenceOrder::kAny);
  // One row cannot take two steps.
  EXPECT_EQ(MatchAll(any, {1}, {A | B}).reached, 0);
  EXPECT_EQ(MatchAll(any, {1, 5}, {A | B, A | B}).reached, 1);
  // Row 0 can be step 0 only if another row takes step 1; row 1 matches step 0 only, so the
  // chain is row 1 as step 0 and row 0 as step 1.
  SequenceMatch match = MatchAll(any, {1, 5}, {A | B, A});
  EXPECT_EQ(match.reached, 1);
  EXPECT_EQ(match.attributed_start_row, 1);
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 4}));
  // Three steps: {A,B}, {B,C}, {A}: A <- row 2, B <- row 0, C <- row 1.
  const Sequence any3 =
      MakeSequence({Positive(), Positive(), Positive()}, std::nullopt, SequenceOrder::kAny);
  EXPECT_EQ(MatchAll(any3, {1, 2, 3}, {A | B, B | C, A}).reached, 2);
  EXPECT_EQ(MatchAll(any3, {1, 2, 3}, {A | B, A | B, A}).reached, 1);
}

TEST(SequenceMatcherTest, AnyOrderShortestSpanAndMaxDuration) {
  // B@0, A@10, B@12: shortest span is A@10/B@12 = 2.
  const std::vector<int64_t> ts = {0, 10, 12};
  const std::vector<uint64_t> masks = {B, A, B};
  SequenceMatch match = MatchAll(
      MakeSequence({Positive(), Positive()}, std::nullopt, SequenceOrder::kAny), ts, masks);
  EXPECT_EQ(match.reached, 1);
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(
      MatchAll(MakeSequence({Positive(), Positive()}, Number::Integer(2), SequenceOrder::kAny), ts,
               masks)
          .reached,
      1);
  EXPECT_EQ(
      MatchAll(MakeSequence({Positive(), Positive()}, Number::Integer(1), SequenceOrder::kAny), ts,
               masks)
          .reached,
      0);
}

TEST(SequenceMatcherTest, SixtyFourSteps) {
  std::vector<Step> steps(64);
  std::vector<int64_t> ts;
  std::vector<uint64_t> masks;
  for (int i = 0; i < 64; ++i) {
    ts.push_back(1000 + 2 * i);
    masks.push_back(uint64_t{1} << i);
  }
  for (SequenceOrder order :
       {SequenceOrder::kOrdered, SequenceOrder::kStrict, SequenceOrder::kAny}) {
    SequenceMatch match = MatchAll(MakeSequence(steps, Number::Integer(126), order), ts, masks);
    EXPECT_EQ(match.reached, 63) << SequenceOrderName(order);
    ASSERT_EQ(match.time_to_convert.size(), 64u);
    EXPECT_EQ(match.time_to_convert[63], 126);
    EXPECT_EQ(match.time_to_convert[10], 20);
    EXPECT_EQ(match.attributed_start_row, 0);
    EXPECT_EQ(MatchAll(MakeSequence(steps, Number::Integer(125), order), ts, masks).reached, 62);
  }
  // 63 positive steps and a trailing negative one: row 63 (bit 63) comes after the last
  // positive row, so the last positive step is not reached.
  std::vector<Step> with_negative(64);
  with_negative[63] = Negative();
  EXPECT_EQ(MatchAll(MakeSequence(with_negative), ts, masks).reached, 61);
  masks[63] = 0;
  EXPECT_EQ(MatchAll(MakeSequence(with_negative), ts, masks).reached, 62);
  ts.push_back(5000);
  masks.push_back(uint64_t{1} << 63);
  EXPECT_EQ(MatchAll(MakeSequence(with_negative), ts, masks).reached, 61);
}

TEST(SequenceMatcherTest, TimeToConvertPicksTheShortestChain) {
  // A@0, A@4, B@5: the attributed chain starts at row 0 (duration 5), the shortest takes 1.
  SequenceMatch match = MatchAll(MakeSequence({Positive(), Positive()}), {0, 4, 5}, {A, A, B});
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(match.attributed_start_row, 0);
  // Per step: step 1 via A@4 -> B@5 (1), step 2 needs C after B: A@4 -> B@5 -> C@20 (16).
  match = MatchAll(MakeSequence({Positive(), Positive(), Positive()}), {0, 1, 4, 5, 20},
                   {A, B, A, B, C});
  EXPECT_EQ(match.time_to_convert, (std::vector<int64_t>{0, 1, 16}));
}

TEST(SequenceMatcherTest, AttributionIsTheEarliestStepZeroRowReachingTheFurthestStep) {
  // Without constraints the first step-0 row is attributed, even with a tie at its ts.
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive()}), {0, 0, 1, 2}, {B, A, A, B})
                .attributed_start_row,
            1);
  // With maxGap 2 the first A (at 0) cannot reach B@5; A@3 can.
  EXPECT_EQ(
      MatchAll(MakeSequence({Positive(), Positive(Number::Integer(2))}), {0, 3, 4, 5}, {A, A, A, B})
          .attributed_start_row,
      1);
  // Reached only step 0: the first step-0 row.
  EXPECT_EQ(
      MatchAll(MakeSequence({Positive(), Positive()}, Number::Integer(1)), {0, 3, 9}, {A, A, B})
          .attributed_start_row,
      0);
  // Attribution not wanted: -1.
  SequenceMatcher matcher(MakeSequence({Positive(), Positive()}));
  SequenceMatch match;
  matcher.Match(std::vector<int64_t>{0, 1}, std::vector<uint64_t>{A, B}, false, false, &match);
  EXPECT_EQ(match.reached, 1);
  EXPECT_TRUE(match.time_to_convert.empty());
  EXPECT_EQ(match.attributed_start_row, -1);
}

TEST(SequenceMatcherTest, ExtremeTimestampsDoNotOverflow) {
  const std::vector<int64_t> ts = {kMin, kMax};
  const std::vector<uint64_t> masks = {A, B};
  // The difference is 2^64 - 1, above every int64 limit.
  EXPECT_EQ(
      MatchAll(MakeSequence({Positive(), Positive()}, Number::Integer(kMax)), ts, masks).reached,
      0);
  EXPECT_EQ(
      MatchAll(MakeSequence({Positive(), Positive(Number::Integer(kMax))}), ts, masks).reached, 0);
  SequenceMatch match =
      MatchAll(MakeSequence({Positive(), Positive()}, Number::Real(1e30)), ts, masks);
  EXPECT_EQ(match.reached, 1);
  EXPECT_EQ(match.time_to_convert[1], kMax);  // saturated
  match = MatchAll(MakeSequence({Positive(), Positive()}, Number::Real(1e30), SequenceOrder::kAny),
                   ts, masks);
  EXPECT_EQ(match.reached, 1);
  EXPECT_EQ(match.time_to_convert[1], kMax);
  // Trailing step whose deadline t0 + maxDuration is beyond int64.
  EXPECT_EQ(MatchAll(MakeSequence({Positive(), Positive(), Negative()}, Number::Integer(kMax)),
                     {kMax - 3, kMax - 2, kMax}, {A, B, C})
                .reached,
            0);
}

TEST(SequenceMatcherTest, RejectsInvalidSequences) {
  EXPECT_THROW(SequenceMatcher(MakeSequence({})), Error);
  EXPECT_THROW(SequenceMatcher(MakeSequence({Negative(), Positive()})), Error);
  EXPECT_THROW(SequenceMatcher(MakeSequence(std::vector<Step>(65))), Error);
  EXPECT_THROW(SequenceMatcher(MakeSequence({Positive(), Negative(), Positive()}, std::nullopt,
                                            SequenceOrder::kAny)),
               Error);
}

// ---------------------------------------------------------------------------------------------
// Randomized comparison with a brute-force reference that follows the spec's definition word by
// word: it enumerates every chain of row indices.

struct Expected {
  int reached = -1;
  std::vector<int64_t> time_to_convert;
  int64_t attributed_start_row = -1;
};

bool WithinLimit(__int128 diff, const std::optional<Number>& limit) {
  if (!limit) return true;
  if (limit->is_integer) return diff <= limit->integer;
  return static_cast<long double>(diff) <= static_cast<long double>(limit->real);
}

class BruteForce {
 public:
  BruteForce(const Sequence& sequence, const std::vector<int64_t>& ts,
             const std::vector<uint64_t>& masks)
      : sequence_(sequence), ts_(ts), masks_(masks) {
    uint64_t pending = 0;
    for (size_t i = 0; i < sequence.steps.size(); ++i) {
      if (!sequence.steps[i].row_found) {
        pending |= uint64_t{1} << i;
        continue;
      }
      positive_.push_back(static_cast<int>(i));
      negative_before_.push_back(pending);
      pending = 0;
    }
    trailing_ = pending;
    best_.assign(positive_.size(), std::numeric_limits<__int128>::max());
    first_.assign(positive_.size(), -1);
  }

  Expected Run() {
    if (sequence_.order == SequenceOrder::kAny) {
      RunAny();
    } else {
      std::vector<size_t> chain;
      for (size_t r = 0; r < ts_.size(); ++r) {
        if ((masks_[r] >> positive_[0] & 1) == 0) continue;
        chain.assign(1, r);
        Extend(chain);
      }
    }
    Expected expected;
    for (size_t k = 0; k < positive_.size(); ++k) {
      if (first_[k] >= 0) expected.reached = static_cast<int>(k);
    }
    if (expected.reached >= 0) {
      for (int k = 0; k <= expected.reached; ++k) {
        expected.time_to_convert.push_back(best_[k] > kMax ? kMax : static_cast<int64_t>(best_[k]));
      }
      expected.attributed_start_row = first_[expected.reached];
    }
    return expected;
  }

 private:
  void Note(size_t level, __int128 duration, int64_t start) {
    best_[level] = std::min(best_[level], duration);
    if (first_[level] < 0 || start < first_[level]) first_[level] = start;
  }

  void Extend(std::vector<size_t>& chain) {
    const size_t level = chain.size() - 1;
    const size_t r0 = chain.front();
    const size_t rk = chain.back();
    const bool is_last = level + 1 == positive_.size();
    bool qualifies = true;
    if (is_last && trailing_ != 0) {
      for (size_t x = 0; x < ts_.size(); ++x) {
        if ((masks_[x] & trailing_) == 0 || ts_[x] <= ts_[rk]) continue;
        if (!sequence_.max_duration ||
            WithinLimit(static_cast<__int128>(ts_[x]) - ts_[r0], sequence_.max_duration)) {
          qualifies = false;
        }
      }
    }
    if (qualifies) {
      Note(level, static_cast<__int128>(ts_[rk]) - ts_[r0], static_cast<int64_t>(r0));
    }
    if (is_last) return;
    const size_t next = level + 1;
    for (size_t r = rk + 1; r < ts_.size(); ++r) {
      if (sequence_.order == SequenceOrder::kStrict && r != rk + 1) break;
      if (ts_[r] <= ts_[rk]) continue;
      if ((masks_[r] >> positive_[next] & 1) == 0) continue;
      if (!WithinLimit(static_cast<__int128>(ts_[r]) - ts_[r0], sequence_.max_duration)) continue;
      const Step& step = sequence_.steps[positive_[next]];
      if (!WithinLimit(static_cast<__int128>(ts_[r]) - ts_[rk], step.max_gap)) continue;
      bool blocked = false;
      for (size_t x = 0; x < ts_.size(); ++x) {
        if ((masks_[x] & negative_before_[next]) != 0 && ts_[x] > ts_[rk] && ts_[x] < ts_[r]) {
          blocked = true;
        }
      }
      if (blocked) continue;
      chain.push_back(r);
      Extend(chain);
      chain.pop_back();
    }
  }

  // Every assignment of distinct rows to positive steps 0..k.
  void AssignAny(std::vector<size_t>& rows, size_t k) {
    if (rows.size() == k + 1) {
      int64_t lo = kMax, hi = kMin;
      for (size_t r : rows) {
        lo = std::min(lo, ts_[r]);
        hi = std::max(hi, ts_[r]);
      }
      const __int128 span = static_cast<__int128>(hi) - lo;
      if (WithinLimit(span, sequence_.max_duration)) {
        Note(k, span, static_cast<int64_t>(rows[0]));
      }
      return;
    }
    const int step = positive_[rows.size()];
    for (size_t r = 0; r < ts_.size(); ++r) {
      if ((masks_[r] >> step & 1) == 0) continue;
      if (std::find(rows.begin(), rows.end(), r) != rows.end()) continue;
      rows.push_back(r);
      AssignAny(rows, k);
      rows.pop_back();
    }
  }

  void RunAny() {
    std::vector<size_t> rows;
    for (size_t k = 0; k < positive_.size(); ++k) AssignAny(rows, k);
  }

  const Sequence& sequence_;
  const std::vector<int64_t>& ts_;
  const std::vector<uint64_t>& masks_;
  std::vector<int> positive_;
  std::vector<uint64_t> negative_before_;
  uint64_t trailing_ = 0;
  std::vector<__int128> best_;
  std::vector<int64_t> first_;
};

std::optional<Number> RandomLimit(std::mt19937_64& rng, int none_percent, int max_value) {
  const int pick = static_cast<int>(rng() % 100);
  if (pick < none_percent) return std::nullopt;
  const int64_t value = static_cast<int64_t>(rng() % static_cast<uint64_t>(max_value + 1));
  if (pick % 3 == 0) return Number::Real(static_cast<double>(value) + 0.5);
  return Number::Integer(value);
}

std::string Describe(const Sequence& sequence, const std::vector<int64_t>& ts,
                     const std::vector<uint64_t>& masks) {
  std::string text = std::string("order ") + SequenceOrderName(sequence.order) + ", steps";
  for (const Step& step : sequence.steps) {
    text += step.row_found ? " +" : " -";
    if (step.max_gap) text += "(gap " + std::to_string(step.max_gap->real) + ")";
  }
  if (sequence.max_duration) {
    text += ", maxDuration " + std::to_string(sequence.max_duration->real);
  }
  text += ", rows";
  for (size_t i = 0; i < ts.size(); ++i) {
    text += " " + std::to_string(ts[i]) + ":" + std::to_string(masks[i]);
  }
  return text;
}

// With `trailing_deadline`, every sequence is ordered, has maxDuration and ends with a negative
// step: the case where chains are split by deadline class.
// MatchRows must give Match's answer for every combination of wants, on the group placed at an
// offset inside a larger row space whose other rows match every step (so reading outside
// [a, b) would show).
void ExpectMatchRowsAgrees(SequenceMatcher& matcher, const Sequence& sequence,
                           const std::vector<int64_t>& ts, const std::vector<uint64_t>& masks,
                           const Expected& expected) {
  const int64_t offset = 67, rows = static_cast<int64_t>(ts.size());
  const int64_t total = offset + rows + 70;
  std::vector<int64_t> space_ts(total, 0);
  const size_t steps = sequence.steps.size();
  std::vector<std::vector<uint64_t>> bits(steps, std::vector<uint64_t>((total + 63) / 64, ~0ull));
  for (int64_t r = 0; r < rows; ++r) {
    space_ts[offset + r] = ts[r];
    for (size_t s = 0; s < steps; ++s) {
      const int64_t i = offset + r;
      if ((masks[r] >> s & 1) == 0) bits[s][i / 64] &= ~(uint64_t{1} << (i % 64));
    }
  }
  std::vector<const uint64_t*> pointers;
  for (const auto& b : bits) pointers.push_back(b.data());
  SequenceMatch match;
  for (int want = 0; want < 4; ++want) {
    const bool ttc = (want & 1) != 0, attribution = (want & 2) != 0;
    matcher.MatchRows(space_ts.data(), pointers, offset, offset + rows, ttc, attribution, &match);
    const std::string context = Describe(sequence, ts, masks) + " (MatchRows, ttc " +
                                std::to_string(ttc) + ", attribution " +
                                std::to_string(attribution) + ")";
    ASSERT_EQ(match.reached, expected.reached) << context;
    if (ttc) {
      ASSERT_EQ(match.time_to_convert, expected.time_to_convert) << context;
    }
    if (attribution) {
      ASSERT_EQ(match.attributed_start_row, expected.attributed_start_row) << context;
    }
  }
}

// With `fast_shapes`, every sequence is ordered with positive steps only and no maxGap (the
// shapes MatchRows runs straight on the bits).
void RunRandomCases(uint64_t seed, int sequences, int groups_per_sequence, int max_rows,
                    int max_steps, int ts_range, bool trailing_deadline = false,
                    bool fast_shapes = false) {
  std::mt19937_64 rng(seed);
  for (int s = 0; s < sequences; ++s) {
    const int num_steps = 1 + static_cast<int>(rng() % static_cast<uint64_t>(max_steps));
    const SequenceOrder order = trailing_deadline || fast_shapes
                                    ? SequenceOrder::kOrdered
                                    : static_cast<SequenceOrder>(rng() % 3);
    Sequence sequence;
    sequence.order = order;
    sequence.max_duration = RandomLimit(rng, trailing_deadline ? 0 : 40, ts_range);
    for (int i = 0; i < num_steps; ++i) {
      Step step;
      if (i > 0 && order != SequenceOrder::kAny && !fast_shapes) {
        step.row_found = rng() % 100 >= 30;
        if (step.row_found) step.max_gap = RandomLimit(rng, 65, ts_range / 2);
      }
      sequence.steps.push_back(step);
    }
    if (trailing_deadline) sequence.steps.push_back(Negative());
    // Occasionally far from zero, to exercise arithmetic near the int64 limits.
    const int64_t base = rng() % 10 == 0 ? kMax - ts_range : rng() % 10 == 0 ? kMin : 0;
    // One matcher per sequence, reused across groups, as the engine does.
    SequenceMatcher matcher(sequence);
    SequenceMatch match;
    for (int g = 0; g < groups_per_sequence; ++g) {
      const size_t rows = rng() % static_cast<uint64_t>(max_rows + 1);
      std::vector<int64_t> ts(rows);
      std::vector<uint64_t> masks(rows);
      for (size_t r = 0; r < rows; ++r) {
        ts[r] = base + static_cast<int64_t>(rng() % static_cast<uint64_t>(ts_range + 1));
        for (int i = 0; i < static_cast<int>(sequence.steps.size()); ++i) {
          if (rng() % 100 < 38) masks[r] |= uint64_t{1} << i;
        }
        if (rng() % 8 == 0) masks[r] |= uint64_t{1} << 63 >> (rng() % 2);  // unused high bits
      }
      std::sort(ts.begin(), ts.end());
      const Expected expected = BruteForce(sequence, ts, masks).Run();
      matcher.Match(ts, masks, true, true, &match);
      ASSERT_EQ(match.reached, expected.reached) << Describe(sequence, ts, masks);
      ASSERT_EQ(match.time_to_convert, expected.time_to_convert) << Describe(sequence, ts, masks);
      ASSERT_EQ(match.attributed_start_row, expected.attributed_start_row)
          << Describe(sequence, ts, masks);
      ExpectMatchRowsAgrees(matcher, sequence, ts, masks, expected);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(SequenceMatcherRandomTest, MatchesBruteForceOnSmallGroups) {
  // 4000 sequences x 5 groups of up to 10 rows, up to 4 steps, ts in a range of 7 (many ties).
  RunRandomCases(/*seed=*/20240601, 4000, 5, 10, 4, 6);
}

TEST(SequenceMatcherRandomTest, MatchesBruteForceOnWiderTimestamps) {
  RunRandomCases(/*seed=*/7, 1500, 4, 10, 4, 20);
}

TEST(SequenceMatcherRandomTest, MatchesBruteForceWithTrailingNegativeAndMaxDuration) {
  // Up to 5 positive steps and 12 rows spread over 30 ticks, so that several deadline classes
  // live at once.
  RunRandomCases(/*seed=*/31337, 3000, 4, 12, 5, 30, /*trailing_deadline=*/true);
}

TEST(SequenceMatcherRandomTest, FastShapesMatchBruteForce) {
  // Ordered, positive steps, no maxGap, with and without maxDuration: the greedy and windowed
  // paths of MatchRows.
  RunRandomCases(/*seed=*/4242, 3000, 4, 14, 5, 12, false, /*fast_shapes=*/true);
}

TEST(SequenceMatcherRandomTest, MatchesBruteForceWithDenseSteps) {
  // Two steps and twelve rows: many overlapping chains and trailing rows.
  RunRandomCases(/*seed=*/99, 1500, 4, 12, 2, 8);
}

}  // namespace
}  // namespace frocket
