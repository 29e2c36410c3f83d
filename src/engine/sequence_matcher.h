// SequenceMatcher: decides how far one group gets through a sequence (QUERY_LANGUAGE.md
// section 6), for sequence conditions and funnels alike.
//
// Input: the group's rows (within the timeframe) in order: ts non-decreasing, rows with equal ts
// in file order; and for every row a bitmask whose bit s is set when the row matches step s of
// the sequence (negative steps included, in the query's step order).
//
// Semantics (the spec's definition): a group reaches positive step k when rows r0..rk match
// positive steps 0..k with strictly increasing ts, ts(rk) - ts(r0) <= maxDuration, every
// maxGap holds between consecutive chosen rows, no row matching a negative step between
// positive steps i and i+1 has ts(ri) < ts < ts(ri+1), and in strict order the chosen rows are
// adjacent in row order. A trailing negative step forbids a matching row with ts(rL) < ts <=
// ts(r0) + maxDuration (or any ts > ts(rL) without maxDuration) and only affects reaching the
// last positive step L. In "any" order, a group reaches k when k+1 distinct rows, one matching
// each positive step 0..k, lie within maxDuration of each other (equal ts allowed).
//
// maxDuration and maxGap may be decimals: since ts differences are integers, `diff <= d` means
// `diff <= floor(d)`. Differences are computed in 128 bits, so extreme ts cannot overflow.
//
// Cost: one pass over the rows, O(rows x steps) amortized, no allocation once warmed up (a
// matcher keeps its scratch space; use one per thread). Exceptions, all described in
// sequence_matcher.cc: a trailing negative step with maxDuration multiplies the ordered pass by
// the number of distinct trailing-negative timestamps within maxDuration ahead of a row; "any"
// order with rows matching several steps at once runs a small bipartite matching per window
// move; attribution (want_attribution) may retry candidate start times when maxDuration, maxGap or
// negative steps between positive ones are present (up to O(candidates x rows in maxDuration x
// steps)).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "query/query.h"

namespace frocket {

struct SequenceMatch {
  // The furthest positive step reached (0-based among positive steps), -1 when none.
  int reached = -1;
  // With want_time_to_convert: time_to_convert[k] for 1 <= k <= reached is the shortest
  // ts(rk) - ts(r0) among the group's qualifying chains reaching k (in "any" order, the
  // shortest span of k+1 qualifying rows). Entry 0 is 0. Sized to reached + 1.
  std::vector<int64_t> time_to_convert;
  // With want_attribution (funnel breakdown): the row index of the step-0 row of the group's
  // attributed chain: among the chains reaching `reached`, the one with the earliest step-0 row
  // (in row order). -1 when reached is -1.
  int64_t attributed_start_row = -1;
};

class SequenceMatcher {
 public:
  explicit SequenceMatcher(const Sequence& sequence);

  // rows: ts.size() == step_masks.size(). Fills *out (reusing its storage).
  void Match(std::span<const int64_t> ts, std::span<const uint64_t> step_masks,
             bool want_time_to_convert, bool want_attribution, SequenceMatch* out);

  // The same decision from one bit vector per step (in the query's step order) over a larger
  // row space, the group being rows [a, b) of it and ts that space's timestamps. For the common
  // shapes it runs straight on the bits, skipping rows that match no step a word at a time:
  // ordered, positive steps only, no maxGap; without maxDuration it follows the greedy chain
  // (when time to convert is not wanted), with maxDuration it keeps the latest start per step
  // (when attribution is not wanted). Otherwise it builds the row masks and calls Match.
  // attributed_start_row is relative to a, as in Match. Results equal Match's.
  void MatchRows(const int64_t* ts, std::span<const uint64_t* const> step_bits, int64_t a,
                 int64_t b, bool want_time_to_convert, bool want_attribution, SequenceMatch* out);

  int num_positive_steps() const { return static_cast<int>(positive_steps_.size()); }

 private:
  using Wide = __int128;  // ts differences of two int64 values need 65 bits

  // A partial chain, as much as its future depends on: the ts of its step-0 row and of its last
  // row.
  struct State {
    int64_t t0;
    int64_t tk;
  };
  // A double-ended queue kept in a vector (live items are [head, size)), so that it keeps its
  // storage across calls. Holds a Pareto frontier: tk increasing and t0 decreasing front to back.
  struct StateQueue {
    std::vector<State> items;
    size_t head = 0;

    bool empty() const { return head == items.size(); }
    size_t size() const { return items.size() - head; }
    const State& front() const { return items[head]; }
    const State& back() const { return items.back(); }
    void clear() {
      items.clear();
      head = 0;
    }
    void pop_front() {
      if (++head == items.size()) clear();
    }
    void pop_back() {
      items.pop_back();
      if (head == items.size()) clear();
    }
  };
  // The states of one level whose chains share a trailing-negative deadline class (see
  // sequence_matcher.cc). Class 0 of every level is the "met" class.
  struct StateClass {
    int64_t requirement;  // chains of the class qualify at the last step once ts >= this
    uint32_t queue;       // index into queues_
  };

  int GreedyReach(const int64_t* ts, std::span<const uint64_t* const> steps, int64_t a, int64_t b,
                  int64_t* first_row) const;
  int WindowedReach(const int64_t* ts, std::span<const uint64_t* const> steps, int64_t a, int64_t b,
                    int64_t* ttc) const;
  int MatchOrdered(std::span<const int64_t> ts, std::span<const uint64_t> masks);
  int MatchStrict(std::span<const int64_t> ts, std::span<const uint64_t> masks);
  int MatchAny(std::span<const int64_t> ts, std::span<const uint64_t> masks,
               bool want_time_to_convert);
  int64_t AttributeOrdered(std::span<const int64_t> ts, std::span<const uint64_t> masks,
                           int reached);
  int64_t AttributeAny(std::span<const int64_t> ts, std::span<const uint64_t> masks, int reached);
  bool ReachesFrom(std::span<const int64_t> ts, std::span<const uint64_t> masks, size_t from,
                   int64_t t0, int target);

  // Ordered-order helpers.
  uint64_t LevelsOf(uint64_t mask) const;      // bit k: the mask matches positive step k
  uint64_t KillLevelsOf(uint64_t mask) const;  // bit k: a negative step after level k matched
  void Record(int level, int64_t t, int64_t best_t0, int64_t smallest_t0, int* reached);
  void Transition(int source, int64_t t, bool last_allowed, int* reached);
  void PushInto(int level, int64_t requirement, State state);
  void KillLevel(int level);
  void MergeMet(int64_t requirement);
  uint32_t NewQueue();
  void FreeQueue(uint32_t queue);

  // Any-order helpers: a window of rows and whether it covers target_ with distinct rows.
  void BuildClasses(std::span<const uint64_t> masks);
  void ResetCover(uint64_t target);
  void AddRow(size_t row, std::span<const uint64_t> masks);
  void RemoveRow(size_t row, std::span<const uint64_t> masks);
  bool Covers();
  bool Augment(int step, uint64_t need);

  // The sequence, compiled.
  int num_steps_ = 0;
  std::vector<int> positive_steps_;     // step index of each positive step
  int8_t level_of_step_[64] = {};       // positive step: its level; negative: the level it ends
  uint64_t positive_mask_ = 0;          // steps with rowFound
  uint64_t between_negative_mask_ = 0;  // negative steps followed by a positive step
  uint64_t trailing_negative_ = 0;      // negative steps after the last positive step
  bool identity_levels_ = false;        // no negative step: level k is step k
  bool has_gaps_ = false;
  // Ordered, positive steps only, no maxGap: MatchRows' fast paths apply (see there).
  bool fast_shape_ = false;
  std::vector<uint64_t> row_masks_;  // MatchRows' scratch for the general path
  std::vector<Wide> max_gap_;        // per positive step (index 0 unused); huge when none
  bool has_max_duration_ = false;
  Wide max_duration_ = 0;  // floor(maxDuration); huge when none
  SequenceOrder order_ = SequenceOrder::kOrdered;

  // Scratch, reused across calls.
  std::vector<int64_t> best_ttc_;                 // per level: shortest duration seen (saturated)
  std::vector<int64_t> min_t0_;                   // per level: smallest t0 seen reaching it
  std::vector<int64_t> latest_;                   // ReachesFrom: latest tk per level
  std::vector<int64_t> first_start_;              // strict: first start row reaching each level
  std::vector<std::vector<StateClass>> classes_;  // ordered: per level, by requirement
  std::vector<StateQueue> queues_;                // pool of queues for classes_
  size_t queues_used_ = 0;
  std::vector<uint32_t> free_queues_;
  std::vector<int64_t> unmet_;  // requirements of unmet classes, increasing (FIFO)
  size_t unmet_head_ = 0;
  // Any order: per-step counts of single-step rows in the window, and rows matching several
  // steps grouped by their (whole) mask.
  uint64_t target_ = 0;
  uint64_t covered_ = 0;
  size_t multi_rows_ = 0;
  uint32_t step_count_[64] = {};
  std::vector<uint64_t> class_masks_;
  std::vector<int32_t> row_class_;
  std::vector<uint32_t> class_count_;
  std::vector<int32_t> active_;
  std::vector<uint32_t> active_used_;
  std::vector<uint32_t> active_visit_;
  uint32_t visit_epoch_ = 0;
  int32_t assigned_[64] = {};
};

}  // namespace frocket
