// PartialResult: what one task (one file) contributes to a query's result, and how partials
// combine. Groups never span files, so group counts add up; per-value maps carry every value a
// file saw (up to kMaxExactValuesPerFile), so the dataset-wide top-N, otherCount, lift and
// means are exact after merging (QUERY_LANGUAGE.md section 5); time-to-convert carries one
// duration per converting group, so percentiles are exact.
//
// A partial is versioned (kPartialResultVersion) because it travels between processes (work
// queue, Lambda): SerializePartialResult / DeserializePartialResult give a compact binary form;
// deserializing a newer version or malformed bytes throws Error(kCorruptFile) and never
// crashes. MergePartialResult is associative and commutative, so tasks may finish in any order
// and the result is the same.
//
// Layout mirrors the query: query_aggregations[i] is Query::query.aggregations[i];
// funnel_steps[k] is positive step k; step aggregations and end aggregations likewise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "query/query.h"

namespace frocket {

inline constexpr uint32_t kPartialResultVersion = 1;
// A file with more distinct values than this in a per-value map keeps only its largest
// entries (by the map's number), and the merged map is marked approximate with an error bound.
inline constexpr int64_t kMaxExactValuesPerFile = 100000;
// countDistinct keeps the k smallest 64-bit value hashes (a KMV sketch): exact below k
// distinct values, an estimate with relative standard error about 1/sqrt(k) above.
inline constexpr int64_t kDistinctSketchSize = 65536;

// A sum of INT values, exact while it fits int64, or of FLOAT values.
struct NumericSum {
  bool is_integer = true;  // INT values only and no overflow so far
  int64_t integer = 0;
  double real = 0;  // FLOAT values; or the whole sum once INT values overflowed

  void AddInt(int64_t v);
  void AddReal(double v);
  void Merge(const NumericSum& other);
  double AsDouble() const;
};

// A value of a column, as a per-value map key. `text` is how it is written as a JSON key:
// integers in decimal, floats in shortest round-trip form ("1.5", "NaN", "-inf" never occur:
// infinities are "Infinity"/"-Infinity"), "true"/"false", strings as they are.
// Ties between equal numbers are broken by value: INT by int_value, FLOAT by float_value (NaN
// last), BOOL false < true, STRING by bytes of text.
struct ValueKey {
  std::string text;
  int64_t int_value = 0;   // INT, BOOL (0/1)
  double float_value = 0;  // FLOAT
};

// Orders keys of a column of `kind` by value (the tie-break order above).
bool ValueKeyLess(ColumnKind kind, const ValueKey& a, const ValueKey& b);

struct PerValueEntry {
  ValueKey key;
  // countPerValue: rows; groupsPerValue: distinct groups; sumPerValue / meanPerValue: rows
  // where both the value and otherColumn are not null (and otherColumn not NaN).
  int64_t count = 0;
  NumericSum sum;  // sumPerValue, meanPerValue: sum of otherColumn over those rows
};

// The number a per-value map of `type` reports for an entry: count (countPerValue,
// groupsPerValue), sum (sumPerValue) or sum / count (meanPerValue; NaN when count is 0).
double PerValueNumber(AggregationType type, const PerValueEntry& entry);

// Whether `a` ranks before `b` in a top-N of a map of `type` over a column of `kind`: the larger
// number first (integer sums compared exactly, NaN below every number), ties to the smaller
// value by ValueKeyLess. A strict weak order, so it can drive std::sort.
bool PerValueRanksBefore(AggregationType type, ColumnKind kind, const PerValueEntry& a,
                         const PerValueEntry& b);

struct PerValuePartial {
  // Sorted by ValueKeyLess, each key once.
  std::vector<PerValueEntry> entries;
  // Over all values, dropped ones included (the denominators of otherCount and lift).
  int64_t total_count = 0;
  NumericSum total_sum;
  // Set when some file had more than kMaxExactValuesPerFile values and dropped its smallest.
  bool truncated = false;
  // An upper bound of the error of any entry's number: the sum over truncated files of the
  // largest magnitude |number| each dropped.
  double max_error = 0;
};

struct ScalarPartial {
  // `count`: non-null values (NaN included: it is a value). sum/min/max/mean: the values they
  // used, non-null and not NaN.
  int64_t count = 0;
  NumericSum sum;
  // min / max over those values: INT exact in int_min/int_max, FLOAT in real_min/real_max.
  bool has_min_max = false;
  int64_t int_min = 0, int_max = 0;
  double real_min = 0, real_max = 0;
};

struct DistinctPartial {
  std::vector<uint64_t> hashes;  // sorted ascending, unique, at most kDistinctSketchSize
  bool saturated = false;        // some values were dropped: the count is an estimate
};

// One aggregation over one scope (audience or baseline).
struct AggregationValue {
  PerValuePartial per_value;  // per-value types
  ScalarPartial scalar;       // count, sum, min, max, mean
  DistinctPartial distinct;   // countDistinct
};

struct AggregationPartial {
  AggregationValue audience;
  std::optional<AggregationValue> baseline;  // when Aggregation::baseline
};

struct BreakdownEntry {
  ValueKey key;
  bool is_null = false;              // the "$null" entry
  std::vector<int64_t> step_groups;  // one per positive step
};

struct StepPartial {
  int64_t matching_groups = 0;
  int64_t matching_group_rows = 0;
  std::vector<AggregationPartial> aggregations;  // funnel.stepAggregations
  // timeToConvert (steps k > 0): the duration of each group that reached k, in any order.
  std::vector<int64_t> time_to_convert;
};

struct SampledGroup {
  uint64_t hash = 0;  // GroupIdHash of the id: the sample keeps the smallest
  std::string id;     // the id as text
};

struct TaskStats {
  int64_t files = 0;
  int64_t files_skipped = 0;  // whole file outside the timeframe
  int64_t row_groups = 0;
  int64_t row_groups_skipped = 0;  // pruned by statistics
  int64_t scanned_rows = 0;        // rows of the row groups read
  int64_t scanned_bytes = 0;       // compressed bytes of the column chunks read
  double task_seconds = 0;         // summed task time
};

struct PartialResult {
  uint32_t version = kPartialResultVersion;
  int64_t total_groups = 0;  // groups with a row in the timeframe
  int64_t total_rows = 0;    // rows in the timeframe
  int64_t matching_groups = 0;
  int64_t matching_group_rows = 0;
  std::vector<AggregationPartial> query_aggregations;
  std::vector<StepPartial> funnel_steps;  // empty without a funnel
  std::vector<AggregationPartial> end_aggregations;
  // Breakdown entries sorted: values by ValueKeyLess, then the null entry.
  std::vector<BreakdownEntry> breakdown;
  // Sorted by (hash, id), at most options.sample_group_ids.
  std::vector<SampledGroup> sample;
  TaskStats stats;
};

// An empty partial shaped for `query` (every vector sized, baselines present where asked).
PartialResult MakeEmptyPartialResult(const Query& query);

// Adds `other` into `into`; both shaped for `query`.
void MergePartialResult(const Query& query, const PartialResult& other, PartialResult* into);

// Merges the partials of a query's tasks in task order, whatever order they arrive in.
// Merging is commutative for counts, but floating-point sums (sum, mean, sumPerValue) round
// differently in another order, so merging in arrival order would make the last digits of a
// result depend on which task finished first. Partials that arrive ahead of their turn wait
// here (as many as tasks are out of order). Not thread-safe: callers hold their own lock.
class OrderedMerge {
 public:
  OrderedMerge(const Query& query, size_t tasks);

  // Task `task`'s partial (each task exactly once; kInternal otherwise).
  void Add(size_t task, PartialResult partial);
  size_t merged_tasks() const { return next_; }
  // The merge of every task's partial. Throws Error(kInternal) when some task was not added.
  PartialResult Finish();

 private:
  const Query& query_;
  std::vector<std::optional<PartialResult>> waiting_;
  size_t next_ = 0;  // the first task not merged yet
  PartialResult merged_;
};

// Keeps at most kMaxExactValuesPerFile entries of a file's per-value map: the largest by the
// map's number for `type` (count for countPerValue/groupsPerValue, sum for sumPerValue, mean
// for meanPerValue), setting truncated and max_error. Call on each task's own maps.
void TruncatePerValue(AggregationType type, ColumnKind kind, PerValuePartial* map);

std::string SerializePartialResult(const PartialResult& partial);
PartialResult DeserializePartialResult(const std::string& bytes);

}  // namespace frocket
