// How the matcher works (the contract is in sequence_matcher.h).
//
// Ordered order. A partial chain reaching level k only matters through (t0, tk): its step-0 ts
// bounds every later duration, and its last ts bounds the next gap and decides which negative
// rows fall strictly between. So each level keeps a Pareto frontier of such states (tk
// increasing, t0 decreasing from front to back): a state with a larger-or-equal t0 and tk can do
// everything a smaller one can, with a shorter duration. Rows are taken in batches of equal ts,
// so that chosen ts strictly increase, and within a batch the levels are visited from the top
// down: a transition into level k+1 then always reads level k before this batch writes it.
// A row at time t matching positive step k+1 pops, from level k, the front states whose gap has
// expired (tk < t - maxGap: expired for every later row too) and the back states that are too old
// (t0 < t - maxDuration: dead for every later row too); the front then holds the largest t0 and
// yields the one new state (t0, t) worth keeping for level k+1. A matching negative row at time t
// kills every level-k state from earlier batches (tk < t), i.e. the whole level, after the
// level's own transition in the batch. Each state is pushed and popped once, so the pass costs
// O(rows x steps).
//
// A trailing negative step with maxDuration breaks that dominance: a chain (t0, tL) qualifies
// when no trailing row lies in (tL, t0 + maxDuration], which favours a *smaller* t0. Writing p(x)
// for the ts of the last trailing row at or before x, a chain qualifies iff tL >= p(t0 +
// maxDuration): its "requirement". Chains with the same requirement compare as before, and once
// the current ts reaches a requirement, every later transition meets it. So every level keeps one
// frontier per requirement still ahead of the current ts (a "deadline class"; classes are ordered
// like their t0 ranges) plus the "met" class, and a class is merged into the met class when the
// current ts reaches its requirement (the met class is then always empty of live states). Only the
// met class may take the last step. The number of
// live classes is the number of distinct trailing-negative timestamps within maxDuration ahead,
// which multiplies the cost; without such rows there is one class.
//
// Strict order. The chain ending at row i at level k is unique (rows i-k..i), so one bit per
// level says whether it is valid, and the first row reaching a level gives its earliest start.
//
// Any order. Level k is reached when a window of consecutive rows (in ts order) spanning at most
// maxDuration holds k+1 distinct rows covering steps 0..k; the shortest such span is found with
// two pointers. Coverage keeps per-step counts of the rows matching a single step among 0..k; if
// those leave steps uncovered and the window holds rows matching several steps, a small bipartite
// matching (rows grouped by their mask) decides. That fallback costs O(distinct masks x steps^2)
// per window move, so groups whose rows match several steps at once are slower.
//
// Attribution (ordered order): in non-strict orders a chain's future depends on t0 only, so the
// attributed row is the first step-0 row whose ts is the smallest t0 reaching the furthest level.
// Without maxDuration, maxGap and negative steps between positive ones, that is the first step-0
// row. Otherwise candidate t0 values are tried in increasing order, each with a pass that follows
// only chains starting there (bounded by t0 + maxDuration), up to the smallest t0 the main pass
// saw reaching the level. That costs O(candidates x rows in maxDuration x steps) in the worst
// case, and only for breakdowns. In any order, candidate step-0 rows are tried in row order, each
// against the windows containing it: O(candidates x rows in maxDuration) in the common case.
#include "engine/sequence_matcher.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "common/error.h"
#include "engine/bitmap.h"

namespace frocket {
namespace {

using Wide = __int128;

// Greater than any difference of two int64 values: stands for "no limit".
constexpr Wide kUnlimited = static_cast<Wide>(1) << 100;
// The requirement of the met class: lower than any ts.
constexpr int64_t kMet = std::numeric_limits<int64_t>::min();
constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

// A duration (>= 0) as the largest integer limit equivalent to it: since ts differences are
// integers, `diff <= d` is `diff <= floor(d)`. Values beyond any ts difference become unlimited.
Wide DurationLimit(const std::optional<Number>& number) {
  if (!number) return kUnlimited;
  if (number->is_integer) return number->integer < 0 ? 0 : number->integer;
  const double value = number->real;
  if (!(value >= 0)) return 0;  // the parser rejects negative durations; NaN cannot be written
  if (value >= 18446744073709551616.0) return kUnlimited;  // 2^64
  return static_cast<Wide>(std::floor(value));
}

int64_t Saturate(Wide value) {
  return value > std::numeric_limits<int64_t>::max() ? std::numeric_limits<int64_t>::max()
                                                     : static_cast<int64_t>(value);
}

// Bits 0..count-1 (count <= 64).
uint64_t LowBits(int count) { return count >= 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1; }

// End of the batch of rows sharing ts[begin].
size_t BatchEnd(std::span<const int64_t> ts, size_t begin) {
  size_t end = begin;
  while (end < ts.size() && ts[end] == ts[begin]) ++end;
  return end;
}

}  // namespace

SequenceMatcher::SequenceMatcher(const Sequence& sequence) : order_(sequence.order) {
  const size_t steps = sequence.steps.size();
  if (steps == 0 || steps > 64) {
    ThrowInvalid("a sequence has 1 to 64 steps, got " + std::to_string(steps));
  }
  if (!sequence.steps[0].row_found) ThrowInvalid("the first step of a sequence must be positive");
  num_steps_ = static_cast<int>(steps);
  uint64_t pending_negative = 0;
  for (size_t i = 0; i < steps; ++i) {
    const Step& step = sequence.steps[i];
    const uint64_t bit = uint64_t{1} << i;
    if (!step.row_found) {
      pending_negative |= bit;
      continue;
    }
    const int level = static_cast<int>(positive_steps_.size());
    // The negative steps since the previous positive step sit between levels level-1 and level:
    // a match ends level level-1's chains.
    for (uint64_t m = pending_negative; m != 0; m &= m - 1) {
      level_of_step_[std::countr_zero(m)] = static_cast<int8_t>(level - 1);
    }
    between_negative_mask_ |= pending_negative;
    pending_negative = 0;
    positive_steps_.push_back(static_cast<int>(i));
    positive_mask_ |= bit;
    level_of_step_[i] = static_cast<int8_t>(level);
    max_gap_.push_back(level > 0 ? DurationLimit(step.max_gap) : kUnlimited);
    has_gaps_ = has_gaps_ || (level > 0 && step.max_gap.has_value());
  }
  trailing_negative_ = pending_negative;
  identity_levels_ = (between_negative_mask_ | trailing_negative_) == 0;
  has_max_duration_ = sequence.max_duration.has_value();
  max_duration_ = DurationLimit(sequence.max_duration);
  fast_shape_ = order_ == SequenceOrder::kOrdered && identity_levels_ && !has_gaps_;
  if (order_ == SequenceOrder::kAny && (!identity_levels_ || has_gaps_)) {
    ThrowInvalid("negative steps and maxGap are not allowed with order \"any\"");
  }
  const size_t levels = positive_steps_.size();
  best_ttc_.resize(levels);
  min_t0_.resize(levels);
  latest_.resize(levels);
  first_start_.resize(levels);
  classes_.resize(levels);
}

void SequenceMatcher::MatchRows(const int64_t* ts, std::span<const uint64_t* const> step_bits,
                                int64_t a, int64_t b, bool want_time_to_convert,
                                bool want_attribution, SequenceMatch* out) {
  if (step_bits.size() != static_cast<size_t>(num_steps_)) {
    throw Error(ErrorKind::kInternal, "SequenceMatcher: expected one bit vector per step, got " +
                                          std::to_string(step_bits.size()));
  }
  if (fast_shape_ && !has_max_duration_ && !want_time_to_convert) {
    int64_t first = -1;
    out->reached = GreedyReach(ts, step_bits, a, b, &first);
    out->time_to_convert.assign(out->reached + 1, 0);
    out->attributed_start_row = out->reached >= 0 && want_attribution ? first - a : -1;
    return;
  }
  if (fast_shape_ && has_max_duration_ && !want_attribution) {
    out->time_to_convert.resize(step_bits.size());
    out->reached = WindowedReach(ts, step_bits, a, b,
                                 want_time_to_convert ? out->time_to_convert.data() : nullptr);
    out->time_to_convert.resize(out->reached + 1);
    if (!want_time_to_convert)
      std::fill(out->time_to_convert.begin(), out->time_to_convert.end(), 0);
    out->attributed_start_row = -1;
    return;
  }
  const int64_t n = b - a;
  row_masks_.assign(static_cast<size_t>(n), 0);
  for (size_t s = 0; s < step_bits.size(); ++s) {
    const uint64_t* w = step_bits[s];
    for (int64_t r = NextSetBit(w, a, b); r < b; r = NextSetBit(w, r + 1, b)) {
      row_masks_[r - a] |= uint64_t{1} << s;
    }
  }
  Match(std::span<const int64_t>(ts + a, n), row_masks_, want_time_to_convert, want_attribution,
        out);
}

// The greedy rule, exact for ordered sequences of positive steps without maxDuration or maxGap
// (Funnel Rocket's rule): the earliest step-0 row, then the earliest later row (strictly larger
// ts) for each next step. Returns the furthest step reached over rows [a, b), -1 for none;
// *first_row is the chain's step-0 row, which is also the earliest step-0 row of any chain
// reaching that step.
int SequenceMatcher::GreedyReach(const int64_t* ts, std::span<const uint64_t* const> steps,
                                 int64_t a, int64_t b, int64_t* first_row) const {
  const int n = static_cast<int>(steps.size());
  int k = 0;
  int64_t last = 0;
  int64_t r = a;
  while (k < n) {
    r = NextSetBit(steps[k], r, b);
    if (r >= b) break;
    if (k > 0 && ts[r] <= last) {
      ++r;
      continue;
    }
    if (k == 0) *first_row = r;
    last = ts[r];
    ++k;
    ++r;
  }
  return k - 1;
}

// The furthest step reached over rows [a, b) by chains of strictly increasing ts whose span is
// at most maxDuration, -1 for none (ordered, positive steps only, no maxGap). Without maxGap or
// negative steps, of two chains reaching a step the one with the later start is at least as
// good for every continuation, so a step needs only the latest start among its chains. Rows of
// equal ts are applied together so that a chain never uses two rows of the same ts. With `ttc`,
// ttc[k] becomes the shortest span of a chain reaching step k.
//
// Only the rows of steps 1.. are visited (found word at a time in the step bits); the latest
// start of step 0 usable at time t is the latest step-0 row with ts < t, kept by a cursor.
// O(rows / 64 + matching rows x steps), no allocation.
int SequenceMatcher::WindowedReach(const int64_t* ts, std::span<const uint64_t* const> steps,
                                   int64_t a, int64_t b, int64_t* ttc) const {
  // Starts only grow (max), so "no chain" is a value below every ts; starts are kept in 128
  // bits so that it cannot be mistaken for a row at INT64_MIN.
  constexpr Wide kNoStart = -(static_cast<Wide>(1) << 100);
  const int n = static_cast<int>(steps.size());
  if (ttc) {
    ttc[0] = 0;
    for (int k = 1; k < n; ++k) ttc[k] = std::numeric_limits<int64_t>::max();
  }
  if (NextSetBit(steps[0], a, b) >= b) return -1;
  Wide best[64], pending[64];
  for (int k = 1; k < n; ++k) best[k] = pending[k] = kNoStart;
  // Step 0: every step-0 row before the cursor has been seen; `latest` is the largest ts among
  // them and `below` the largest one smaller than `latest`.
  int64_t cursor0 = a;
  Wide latest = kNoStart, below = kNoStart;
  Wide current = kNoStart;  // ts of the rows whose transitions are pending
  int64_t next[64];         // next row of each step >= 1 at or after the scan position
  for (int k = 1; k < n; ++k) next[k] = NextSetBit(steps[k], a, b);
  while (true) {
    int64_t r = b;
    for (int k = 1; k < n; ++k) r = std::min(r, next[k]);
    if (r >= b) break;
    const int64_t t = ts[r];
    if (t != current) {
      for (int k = 1; k < n; ++k) best[k] = std::max(best[k], pending[k]);
      current = t;
    }
    for (int64_t i = NextSetBit(steps[0], cursor0, r); i < r; i = NextSetBit(steps[0], i + 1, r)) {
      if (ts[i] != latest) {
        below = latest;
        latest = ts[i];
      }
    }
    cursor0 = r;
    const Wide start0 = latest != kNoStart && latest < t ? latest : below;
    for (int k = n - 1; k >= 1; --k) {
      if (next[k] != r) continue;
      next[k] = NextSetBit(steps[k], r + 1, b);
      const Wide from = k == 1 ? start0 : best[k - 1];
      if (from == kNoStart) continue;
      const Wide span = t - from;
      if (span > max_duration_) continue;
      pending[k] = std::max(pending[k], from);
      if (ttc) ttc[k] = std::min<int64_t>(ttc[k], static_cast<int64_t>(span));
    }
  }
  int reached = 0;
  while (reached + 1 < n && std::max(best[reached + 1], pending[reached + 1]) != kNoStart)
    ++reached;
  return reached;
}

void SequenceMatcher::Match(std::span<const int64_t> ts, std::span<const uint64_t> step_masks,
                            bool want_time_to_convert, bool want_attribution, SequenceMatch* out) {
  if (ts.size() != step_masks.size()) {
    throw Error(ErrorKind::kInternal, "SequenceMatcher: expected one step mask per row, got " +
                                          std::to_string(step_masks.size()) + " masks for " +
                                          std::to_string(ts.size()) + " rows");
  }
  std::fill(best_ttc_.begin(), best_ttc_.end(), std::numeric_limits<int64_t>::max());
  std::fill(min_t0_.begin(), min_t0_.end(), kNone);
  int reached = -1;
  int64_t attributed = -1;
  switch (order_) {
    case SequenceOrder::kStrict:
      reached = MatchStrict(ts, step_masks);
      if (want_attribution && reached >= 0) attributed = first_start_[reached];
      break;
    case SequenceOrder::kAny:
      reached = MatchAny(ts, step_masks, want_time_to_convert);
      if (want_attribution && reached >= 0) attributed = AttributeAny(ts, step_masks, reached);
      break;
    case SequenceOrder::kOrdered:
      reached = MatchOrdered(ts, step_masks);
      if (want_attribution && reached >= 0) attributed = AttributeOrdered(ts, step_masks, reached);
      break;
  }
  out->reached = reached;
  out->time_to_convert.clear();
  if (want_time_to_convert && reached >= 0) {
    out->time_to_convert.assign(best_ttc_.begin(), best_ttc_.begin() + reached + 1);
    out->time_to_convert[0] = 0;
  }
  out->attributed_start_row = attributed;
}

// ---------------------------------------------------------------------------------------------
// Ordered order.

uint64_t SequenceMatcher::LevelsOf(uint64_t mask) const {
  if (identity_levels_) return mask & positive_mask_;
  uint64_t levels = 0;
  for (uint64_t m = mask & positive_mask_; m != 0; m &= m - 1) {
    levels |= uint64_t{1} << level_of_step_[std::countr_zero(m)];
  }
  return levels;
}

uint64_t SequenceMatcher::KillLevelsOf(uint64_t mask) const {
  uint64_t levels = 0;
  for (uint64_t m = mask & between_negative_mask_; m != 0; m &= m - 1) {
    levels |= uint64_t{1} << level_of_step_[std::countr_zero(m)];
  }
  return levels;
}

uint32_t SequenceMatcher::NewQueue() {
  uint32_t index;
  if (!free_queues_.empty()) {
    index = free_queues_.back();
    free_queues_.pop_back();
  } else {
    if (queues_used_ == queues_.size()) queues_.emplace_back();
    index = static_cast<uint32_t>(queues_used_++);
  }
  queues_[index].clear();
  return index;
}

void SequenceMatcher::FreeQueue(uint32_t queue) {
  queues_[queue].clear();
  free_queues_.push_back(queue);
}

void SequenceMatcher::Record(int level, int64_t t, int64_t best_t0, int64_t smallest_t0,
                             int* reached) {
  *reached = std::max(*reached, level);
  best_ttc_[level] = std::min(best_ttc_[level], Saturate(static_cast<Wide>(t) - best_t0));
  min_t0_[level] = std::min(min_t0_[level], smallest_t0);
}

void SequenceMatcher::PushInto(int level, int64_t requirement, State state) {
  std::vector<StateClass>& list = classes_[level];
  // Classes are sorted by requirement and the met class (the lowest) is always first; new
  // classes usually come last.
  size_t c = list.size();
  while (list[c - 1].requirement > requirement) --c;
  if (list[c - 1].requirement != requirement) {
    list.insert(list.begin() + static_cast<ptrdiff_t>(c), StateClass{requirement, NewQueue()});
  } else {
    --c;
  }
  StateQueue& queue = queues_[list[c].queue];
  // The new state has the largest tk, so it dominates the back states with t0 <= its t0.
  while (!queue.empty() && queue.back().t0 <= state.t0) queue.pop_back();
  if (queue.head >= 64 && queue.head * 2 >= queue.items.size()) {
    queue.items.erase(queue.items.begin(),
                      queue.items.begin() + static_cast<ptrdiff_t>(queue.head));
    queue.head = 0;
  }
  queue.items.push_back(state);
}

void SequenceMatcher::KillLevel(int level) {
  std::vector<StateClass>& list = classes_[level];
  queues_[list[0].queue].clear();
  for (size_t c = 1; c < list.size(); ++c) FreeQueue(list[c].queue);
  list.resize(1);
}

void SequenceMatcher::MergeMet(int64_t requirement) {
  const int levels = num_positive_steps() - 1;
  for (int level = 0; level < levels; ++level) {
    std::vector<StateClass>& list = classes_[level];
    // Lower requirements were merged before, so the class is the first unmet one if present.
    if (list.size() < 2 || list[1].requirement != requirement) continue;
    // Every state left in the met class is dead by now: its t0 + maxDuration lies before the
    // merged class's requirement (otherwise that trailing row would have been its own
    // requirement), and the current ts has reached that requirement. So the merged class simply
    // becomes the met class.
    StateQueue& met = queues_[list[0].queue];
    StateQueue& merged = queues_[list[1].queue];
    met.clear();
    std::swap(met.items, merged.items);
    std::swap(met.head, merged.head);
    FreeQueue(list[1].queue);
    list.erase(list.begin() + 1);
  }
}

void SequenceMatcher::Transition(int source, int64_t t, bool last_allowed, int* reached) {
  const int target = source + 1;
  const bool to_last = target == num_positive_steps() - 1;
  const Wide gap_floor = static_cast<Wide>(t) - max_gap_[target];
  const Wide duration_floor = static_cast<Wide>(t) - max_duration_;
  std::vector<StateClass>& list = classes_[source];
  for (size_t c = 0; c < list.size();) {
    StateQueue& queue = queues_[list[c].queue];
    while (!queue.empty() && queue.front().tk < gap_floor) queue.pop_front();
    while (!queue.empty() && queue.back().t0 < duration_floor) queue.pop_back();
    if (queue.empty()) {
      if (c > 0) {
        FreeQueue(list[c].queue);
        list.erase(list.begin() + static_cast<ptrdiff_t>(c));
      } else {
        ++c;
      }
      continue;
    }
    if (to_last) {
      // Only met chains qualify for the last step; the others wait for their requirement.
      if (c == 0 && last_allowed) Record(target, t, queue.front().t0, queue.back().t0, reached);
    } else {
      Record(target, t, queue.front().t0, queue.back().t0, reached);
      // PushInto may grow `list` only for level `target`, never this one.
      PushInto(target, list[c].requirement, State{queue.front().t0, t});
    }
    ++c;
  }
}

int SequenceMatcher::MatchOrdered(std::span<const int64_t> ts, std::span<const uint64_t> masks) {
  const int last = num_positive_steps() - 1;
  const size_t n = ts.size();
  queues_used_ = 0;
  free_queues_.clear();
  unmet_.clear();
  unmet_head_ = 0;
  for (int level = 0; level < last; ++level) {
    classes_[level].clear();
    classes_[level].push_back(StateClass{kMet, NewQueue()});
  }
  const bool by_deadline = has_max_duration_ && trailing_negative_ != 0;
  int reached = -1;
  size_t trailing_row = 0;  // first row after the current batch matching a trailing step
  size_t deadline_row = 0;  // first row with ts > t + maxDuration
  int64_t deadline_requirement = kMet;  // ts of the last trailing row before deadline_row
  for (size_t begin = 0; begin < n;) {
    const int64_t t = ts[begin];
    const size_t end = BatchEnd(ts, begin);
    uint64_t mask = 0;
    for (size_t row = begin; row < end; ++row) mask |= masks[row];
    while (unmet_head_ < unmet_.size() && unmet_[unmet_head_] <= t) {
      MergeMet(unmet_[unmet_head_++]);
    }
    const uint64_t levels = LevelsOf(mask);
    const uint64_t kills = KillLevelsOf(mask);
    if (trailing_negative_ != 0 && (levels >> last & 1)) {
      trailing_row = std::max(trailing_row, end);
      while (trailing_row < n && (masks[trailing_row] & trailing_negative_) == 0) ++trailing_row;
    }
    // Without maxDuration a trailing negative row anywhere after tL disqualifies the chain.
    const bool last_allowed = by_deadline || trailing_negative_ == 0 || trailing_row == n;
    for (uint64_t sources = (levels >> 1) | kills; sources != 0;) {
      const int source = 63 - std::countl_zero(sources);
      sources &= ~(uint64_t{1} << source);
      if (levels >> (source + 1) & 1) Transition(source, t, last_allowed, &reached);
      if (kills >> source & 1) KillLevel(source);
    }
    if (levels & 1) {
      if (last == 0) {
        // The chain is the row itself; a trailing row in (t, t + maxDuration] (or anywhere
        // after t without maxDuration) disqualifies it.
        bool allowed = true;
        if (trailing_negative_ != 0) {
          allowed = trailing_row == n ||
                    (has_max_duration_ &&
                     static_cast<Wide>(ts[trailing_row]) > static_cast<Wide>(t) + max_duration_);
        }
        if (allowed) Record(0, t, t, t, &reached);
      } else {
        int64_t requirement = kMet;
        if (by_deadline) {
          const Wide deadline = static_cast<Wide>(t) + max_duration_;
          while (deadline_row < n && ts[deadline_row] <= deadline) {
            if (masks[deadline_row] & trailing_negative_) deadline_requirement = ts[deadline_row];
            ++deadline_row;
          }
          if (deadline_requirement > t) {
            requirement = deadline_requirement;
            if (unmet_.size() == unmet_head_ || unmet_.back() != requirement) {
              unmet_.push_back(requirement);
            }
          }
        }
        Record(0, t, t, t, &reached);
        PushInto(0, requirement, State{t, t});
      }
    }
    begin = end;
  }
  return reached;
}

bool SequenceMatcher::ReachesFrom(std::span<const int64_t> ts, std::span<const uint64_t> masks,
                                  size_t from, int64_t t0, int target) {
  // With a fixed t0 the latest tk of each level dominates all others, so one value per level
  // suffices.
  const int last = num_positive_steps() - 1;
  const size_t n = ts.size();
  const Wide end_time = static_cast<Wide>(t0) + max_duration_;
  const uint64_t wanted = LowBits(target + 1);
  uint64_t have = 1;
  latest_[0] = t0;
  size_t trailing_row = from;
  for (size_t begin = from; begin < n;) {
    const int64_t t = ts[begin];
    if (t > end_time) break;
    const size_t end = BatchEnd(ts, begin);
    uint64_t mask = 0;
    for (size_t row = begin; row < end; ++row) mask |= masks[row];
    const uint64_t levels = LevelsOf(mask) & wanted;
    const uint64_t kills = KillLevelsOf(mask);
    for (uint64_t sources = ((levels >> 1) | kills) & have; sources != 0;) {
      const int source = 63 - std::countl_zero(sources);
      sources &= ~(uint64_t{1} << source);
      if ((levels >> (source + 1) & 1) &&
          static_cast<Wide>(t) - latest_[source] <= max_gap_[source + 1]) {
        if (source + 1 == target) {
          if (target != last || trailing_negative_ == 0) return true;
          trailing_row = std::max(trailing_row, end);
          while (trailing_row < n && (masks[trailing_row] & trailing_negative_) == 0) {
            ++trailing_row;
          }
          if (trailing_row == n || (has_max_duration_ && ts[trailing_row] > end_time)) return true;
        } else {
          latest_[source + 1] = t;
          have |= uint64_t{2} << source;
        }
      }
      if (kills >> source & 1) have &= ~(uint64_t{1} << source);
    }
    if (have == 0) return false;
    begin = end;
  }
  return false;
}

int64_t SequenceMatcher::AttributeOrdered(std::span<const int64_t> ts,
                                          std::span<const uint64_t> masks, int reached) {
  // Without maxDuration, maxGap and negative steps between positive ones, a chain from any
  // step-0 row also works from every earlier one (a trailing step without maxDuration depends
  // on tL only), so the first step-0 row is attributed. min_t0_[0] is its ts, or for a single
  // positive step the first one qualifying. Otherwise min_t0_[reached] is a t0 known to reach
  // and smaller ones are tried in order.
  const bool greedy = !has_max_duration_ && !has_gaps_ && between_negative_mask_ == 0;
  int64_t answer = reached == 0 || greedy ? min_t0_[0] : min_t0_[reached];
  if (reached > 0 && !greedy) {
    for (size_t begin = 0; begin < ts.size();) {
      const int64_t t = ts[begin];
      if (t >= answer) break;
      const size_t end = BatchEnd(ts, begin);
      bool step0 = false;
      for (size_t row = begin; row < end; ++row) step0 = step0 || (masks[row] & 1) != 0;
      if (step0 && ReachesFrom(ts, masks, end, t, reached)) {
        answer = t;
        break;
      }
      begin = end;
    }
  }
  // In non-strict orders chains depend on t0 only: the first step-0 row at that ts is the one.
  size_t row = static_cast<size_t>(std::lower_bound(ts.begin(), ts.end(), answer) - ts.begin());
  while (row < ts.size() && ts[row] == answer && (masks[row] & 1) == 0) ++row;
  return row < ts.size() && ts[row] == answer ? static_cast<int64_t>(row) : -1;
}

// ---------------------------------------------------------------------------------------------
// Strict order.

int SequenceMatcher::MatchStrict(std::span<const int64_t> ts, std::span<const uint64_t> masks) {
  const int last = num_positive_steps() - 1;
  const size_t n = ts.size();
  std::fill(first_start_.begin(), first_start_.end(), -1);
  int reached = -1;
  uint64_t alive = 0;  // bit k: the chain of levels 0..k ending at the previous row is valid
  size_t batch_end = 0;
  size_t trailing_row = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t t = ts[i];
    const uint64_t levels = LevelsOf(masks[i]);
    uint64_t candidates = levels & 1;
    if (i > 0 && t > ts[i - 1]) candidates |= (alive << 1) & levels;
    uint64_t next = 0;
    for (uint64_t m = candidates; m != 0; m &= m - 1) {
      const int level = std::countr_zero(m);
      const size_t start = i - static_cast<size_t>(level);
      const int64_t t0 = ts[start];
      if (level > 0) {
        if (static_cast<Wide>(t) - ts[i - 1] > max_gap_[level]) continue;
        if (static_cast<Wide>(t) - t0 > max_duration_) continue;
      }
      if (level == last && trailing_negative_ != 0) {
        while (batch_end < n && ts[batch_end] <= t) ++batch_end;
        trailing_row = std::max(trailing_row, batch_end);
        while (trailing_row < n && (masks[trailing_row] & trailing_negative_) == 0) {
          ++trailing_row;
        }
        const bool allowed =
            trailing_row == n || (has_max_duration_ && static_cast<Wide>(ts[trailing_row]) >
                                                           static_cast<Wide>(t0) + max_duration_);
        if (!allowed) continue;
      }
      reached = std::max(reached, level);
      best_ttc_[level] = std::min(best_ttc_[level], Saturate(static_cast<Wide>(t) - t0));
      if (first_start_[level] < 0) first_start_[level] = static_cast<int64_t>(start);
      next |= uint64_t{1} << level;
    }
    alive = next;
  }
  return reached;
}

// ---------------------------------------------------------------------------------------------
// Any order.

void SequenceMatcher::BuildClasses(std::span<const uint64_t> masks) {
  class_masks_.clear();
  for (uint64_t mask : masks) {
    const uint64_t m = mask & positive_mask_;
    if ((m & (m - 1)) != 0) class_masks_.push_back(m);
  }
  std::sort(class_masks_.begin(), class_masks_.end());
  class_masks_.erase(std::unique(class_masks_.begin(), class_masks_.end()), class_masks_.end());
  row_class_.resize(masks.size());
  if (!class_masks_.empty()) {
    for (size_t row = 0; row < masks.size(); ++row) {
      const uint64_t m = masks[row] & positive_mask_;
      row_class_[row] =
          (m & (m - 1)) == 0
              ? -1
              : static_cast<int32_t>(std::lower_bound(class_masks_.begin(), class_masks_.end(), m) -
                                     class_masks_.begin());
    }
  }
  class_count_.resize(class_masks_.size());
}

void SequenceMatcher::ResetCover(uint64_t target) {
  target_ = target;
  covered_ = 0;
  multi_rows_ = 0;
  std::fill(std::begin(step_count_), std::end(step_count_), 0u);
  std::fill(class_count_.begin(), class_count_.end(), 0u);
}

void SequenceMatcher::AddRow(size_t row, std::span<const uint64_t> masks) {
  const uint64_t m = masks[row] & target_;
  if (m == 0) return;
  if ((m & (m - 1)) == 0) {
    if (step_count_[std::countr_zero(m)]++ == 0) covered_ |= m;
  } else {
    ++class_count_[row_class_[row]];
    ++multi_rows_;
  }
}

void SequenceMatcher::RemoveRow(size_t row, std::span<const uint64_t> masks) {
  const uint64_t m = masks[row] & target_;
  if (m == 0) return;
  if ((m & (m - 1)) == 0) {
    if (--step_count_[std::countr_zero(m)] == 0) covered_ &= ~m;
  } else {
    --class_count_[row_class_[row]];
    --multi_rows_;
  }
}

bool SequenceMatcher::Covers() {
  // A step covered by a row matching only that step (within the target) can take that row: no
  // other step could use it. The uncovered steps must then be matched to distinct rows among
  // those matching several steps.
  const uint64_t need = target_ & ~covered_;
  if (need == 0) return true;
  if (multi_rows_ < static_cast<size_t>(std::popcount(need))) return false;
  active_.clear();
  uint64_t reach = 0;
  for (size_t c = 0; c < class_masks_.size(); ++c) {
    if (class_count_[c] == 0 || (class_masks_[c] & need) == 0) continue;
    active_.push_back(static_cast<int32_t>(c));
    reach |= class_masks_[c];
  }
  if ((reach & need) != need) return false;
  active_used_.assign(active_.size(), 0);
  active_visit_.assign(active_.size(), 0);
  visit_epoch_ = 0;
  for (uint64_t m = need; m != 0; m &= m - 1) assigned_[std::countr_zero(m)] = -1;
  for (uint64_t m = need; m != 0; m &= m - 1) {
    ++visit_epoch_;
    if (!Augment(std::countr_zero(m), need)) return false;
  }
  return true;
}

bool SequenceMatcher::Augment(int step, uint64_t need) {
  // Kuhn's augmenting path, where a class of identical rows takes as many steps as it has rows.
  for (size_t a = 0; a < active_.size(); ++a) {
    const int32_t c = active_[a];
    if ((class_masks_[c] >> step & 1) == 0 || active_visit_[a] == visit_epoch_) continue;
    active_visit_[a] = visit_epoch_;
    if (active_used_[a] < class_count_[c]) {
      ++active_used_[a];
      assigned_[step] = static_cast<int32_t>(a);
      return true;
    }
    for (uint64_t m = need; m != 0; m &= m - 1) {
      const int other = std::countr_zero(m);
      if (assigned_[other] == static_cast<int32_t>(a) && Augment(other, need)) {
        assigned_[step] = static_cast<int32_t>(a);
        return true;
      }
    }
  }
  return false;
}

int SequenceMatcher::MatchAny(std::span<const int64_t> ts, std::span<const uint64_t> masks,
                              bool want_time_to_convert) {
  const size_t n = ts.size();
  BuildClasses(masks);
  int reached = -1;
  for (int level = 0; level < num_positive_steps(); ++level) {
    ResetCover(LowBits(level + 1));
    Wide best = kUnlimited;
    if (!want_time_to_convert && !has_max_duration_) {
      for (size_t row = 0; row < n; ++row) AddRow(row, masks);
      if (Covers()) best = 0;
    } else {
      // For each right end, the shortest covering window ending there.
      size_t lo = 0;
      for (size_t hi = 0; hi < n; ++hi) {
        AddRow(hi, masks);
        if (!Covers()) continue;
        while (lo < hi) {
          RemoveRow(lo, masks);
          if (!Covers()) {
            AddRow(lo, masks);
            break;
          }
          ++lo;
        }
        best = std::min(best, static_cast<Wide>(ts[hi]) - ts[lo]);
        if (!want_time_to_convert && best <= max_duration_) break;
      }
    }
    if (best == kUnlimited || best > max_duration_) break;
    reached = level;
    best_ttc_[level] = Saturate(best);
  }
  return reached;
}

int64_t SequenceMatcher::AttributeAny(std::span<const int64_t> ts, std::span<const uint64_t> masks,
                                      int reached) {
  const size_t n = ts.size();
  // The candidate row takes step 0; the other rows must cover steps 1..reached.
  const uint64_t target = LowBits(reached + 1) & ~uint64_t{1};
  if (!has_max_duration_) {
    ResetCover(target);
    for (size_t row = 0; row < n; ++row) AddRow(row, masks);
    for (size_t row = 0; row < n; ++row) {
      if ((masks[row] & 1) == 0) continue;
      RemoveRow(row, masks);
      const bool covers = Covers();
      AddRow(row, masks);
      if (covers) return static_cast<int64_t>(row);
    }
    return -1;
  }
  for (size_t row = 0; row < n; ++row) {
    if ((masks[row] & 1) == 0) continue;
    // The windows that contain `row` and are maximal: [lo, last row within lo + maxDuration]
    // for each distinct ts at lo in [ts(row) - maxDuration, ts(row)].
    ResetCover(target);
    const Wide low = static_cast<Wide>(ts[row]) - max_duration_;
    size_t lo = static_cast<size_t>(
        std::partition_point(ts.begin(), ts.begin() + static_cast<ptrdiff_t>(row),
                             [low](int64_t v) { return static_cast<Wide>(v) < low; }) -
        ts.begin());
    size_t hi = lo;
    while (lo <= row) {
      const Wide high = static_cast<Wide>(ts[lo]) + max_duration_;
      for (; hi < n && ts[hi] <= high; ++hi) {
        if (hi != row) AddRow(hi, masks);
      }
      if (Covers()) return static_cast<int64_t>(row);
      for (const int64_t t = ts[lo]; lo < n && ts[lo] == t; ++lo) {
        if (lo != row) RemoveRow(lo, masks);
      }
    }
  }
  return -1;
}

}  // namespace frocket
