// Turns a merged PartialResult into the result document of QUERY_LANGUAGE.md section 8:
// top-N per-value maps in descending order of their number (ties by value), otherCount,
// approximate / maxError, baselineValue and lift keyed by the audience's top values,
// time-to-convert statistics (count, mean, median, p90 with linear interpolation between
// closest ranks, min, max, 20-bin histogram over [min, max]), the breakdown with its top values,
// "$other" and "$null", and sampleGroupIds.
//
// Documents are nlohmann::ordered_json: per-value maps must keep their descending order, and a
// std::map-backed nlohmann::json would sort their keys. Converting the result to nlohmann::json
// compiles (nlohmann converts between specializations) but loses that order.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/partial_result.h"
#include "query/query.h"

namespace frocket {

struct ResultContext {
  std::string request_id;
  double total_seconds = 0;  // stats.totalTime
};

// The success document: {"success": true, "requestId", "query": {...}, "funnel"?: {...},
// "sampleGroupIds"?: [...], "stats": {...}}. Keys camelCase; `funnel` only when the query has
// one; `sampleGroupIds` only when options.sampleGroupIds > 0 (ids as strings, in (hash, id)
// order). Aggregation lists are always arrays, [] when there are none. Query aggregations are
// scoped to matchingGroups, step aggregations to their step's groups, end aggregations to the
// last step's; baselines to totalGroups. stats: {"totalTime", "files", "filesSkipped",
// "rowGroups", "rowGroupsSkipped", "scannedRows", "scannedBytes", "taskSeconds"}.
nlohmann::ordered_json BuildQueryResult(const Query& query, const PartialResult& merged,
                                        const ResultContext& context);

// One aggregation's result object {"column", "type", "name"?, "value", "top"?, "otherCount"?,
// "approximate"?, "maxError"?, "baselineValue"?, "lift"?}. `scope_groups` is the number of
// groups in the aggregation's scope (the denominator of groupsPerValue shares) and
// `baseline_groups` the number of groups in the timeframe.
//
// Numbers: counts and integer sums are JSON integers, FLOAT sums and means doubles, min / max
// integers on INT columns; a statistic over no value is null (a sum is 0). Per-value maps:
// `otherCount` is the sum of the numbers outside the top (meanPerValue: the mean over the rows
// outside it, null when there are none). `approximate` / `maxError` appear when the audience or
// the baseline map was truncated; maxError bounds every number shown (the larger of the two
// maps' bounds). An audience top value missing from a (truncated) baseline shows 0 (null for a
// mean) and a null lift; lift is null too when a share's denominator or the baseline number is
// 0. countDistinct over a saturated sketch is the KMV estimate (k - 1) / (k-th smallest hash /
// 2^64), rounded, with maxError three standard errors: ceil(3 * estimate / sqrt(k - 2)), a
// probabilistic bound (about 99.7%), not a hard one.
nlohmann::ordered_json BuildAggregationResult(const Aggregation& aggregation,
                                              const AggregationPartial& partial,
                                              int64_t scope_groups, int64_t baseline_groups);

// The timeToConvert object of one step from the durations of the groups that reached it:
// {"count", "mean", "median", "p90", "min", "max", "histogram": [{"from", "to", "count"}...]}.
// Percentiles interpolate linearly between closest ranks (position p * (n - 1)); the histogram
// has 20 equal-width bins over [min, max], each [from, to) but the last [from, to]; when
// min == max it has one bin holding every duration. With no duration every statistic is null and
// the histogram is [].
nlohmann::ordered_json BuildTimeToConvertResult(std::vector<int64_t> durations);

// The breakdown object {"column", "values": {...}} from the merged breakdown entries (sorted as
// in PartialResult::breakdown): the `top` values by step-0 count (ties to the smaller value),
// then "$other" (the rest summed per step) and "$null", each only when not empty.
nlohmann::ordered_json BuildBreakdownResult(const Breakdown& breakdown,
                                            const std::vector<BreakdownEntry>& entries);

}  // namespace frocket
