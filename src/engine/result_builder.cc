#include "engine/result_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace frocket {

using Json = nlohmann::ordered_json;

namespace {

constexpr int kHistogramBins = 20;
// countDistinct's error bound, in standard errors of the KMV estimate.
constexpr double kDistinctErrorSigmas = 3;

// An integer sum prints as an integer, anything else as a double.
Json SumJson(const NumericSum& sum) {
  if (sum.is_integer) return Json(sum.integer);
  return Json(sum.real);
}

// a - b, exact while both are integer and the difference fits.
NumericSum Subtract(const NumericSum& a, const NumericSum& b) {
  NumericSum out;
  int64_t difference;
  if (a.is_integer && b.is_integer && !__builtin_sub_overflow(a.integer, b.integer, &difference)) {
    out.integer = difference;
    return out;
  }
  out.is_integer = false;
  out.real = a.AsDouble() - b.AsDouble();
  return out;
}

// A double that may not be finite: JSON has no NaN or infinity, so those become null.
Json RealJson(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json MeanJson(const NumericSum& sum, int64_t count) {
  if (count <= 0) return Json(nullptr);
  return RealJson(sum.AsDouble() / static_cast<double>(count));
}

// The number a per-value map shows for an entry.
Json EntryJson(AggregationType type, const PerValueEntry& e) {
  switch (type) {
    case AggregationType::kSumPerValue:
      return SumJson(e.sum);
    case AggregationType::kMeanPerValue:
      return MeanJson(e.sum, e.count);
    default:
      return Json(e.count);
  }
}

const PerValueEntry* FindEntry(ColumnKind kind, const PerValuePartial& map, const ValueKey& key) {
  auto it = std::lower_bound(
      map.entries.begin(), map.entries.end(), key,
      [kind](const PerValueEntry& e, const ValueKey& k) { return ValueKeyLess(kind, e.key, k); });
  if (it == map.entries.end() || ValueKeyLess(kind, key, it->key)) return nullptr;
  return &*it;
}

bool IsCountMap(AggregationType type) {
  return type == AggregationType::kCountPerValue || type == AggregationType::kGroupsPerValue;
}

void AddPerValue(const Aggregation& agg, const AggregationPartial& partial, int64_t scope_groups,
                 int64_t baseline_groups, Json* out) {
  const AggregationType type = agg.type;
  const ColumnKind kind = agg.column_kind;
  const PerValuePartial& map = partial.audience.per_value;

  std::vector<const PerValueEntry*> ranked;
  ranked.reserve(map.entries.size());
  for (const PerValueEntry& e : map.entries) ranked.push_back(&e);
  const size_t top = std::min(ranked.size(), static_cast<size_t>(std::max(0, agg.top)));
  std::partial_sort(ranked.begin(), ranked.begin() + top, ranked.end(),
                    [type, kind](const PerValueEntry* a, const PerValueEntry* b) {
                      return PerValueRanksBefore(type, kind, *a, *b);
                    });

  Json value = Json::object();
  int64_t top_count = 0;
  NumericSum top_sum;
  for (size_t i = 0; i < top; ++i) {
    const PerValueEntry& e = *ranked[i];
    value[e.key.text] = EntryJson(type, e);
    top_count += e.count;
    top_sum.Merge(e.sum);
  }
  (*out)["value"] = std::move(value);
  (*out)["top"] = agg.top;

  // The numbers outside the top. Without truncation they are summed from the entries themselves,
  // so a float sum is not left with the rounding residue of total - top; with truncation the
  // dropped values exist only in the totals.
  int64_t rest_count = map.total_count - top_count;
  NumericSum rest_sum;
  if (map.truncated) {
    rest_sum = Subtract(map.total_sum, top_sum);
  } else {
    rest_count = 0;
    for (size_t i = top; i < ranked.size(); ++i) {
      rest_count += ranked[i]->count;
      rest_sum.Merge(ranked[i]->sum);
    }
  }
  switch (type) {
    case AggregationType::kSumPerValue:
      (*out)["otherCount"] = SumJson(rest_sum);
      break;
    case AggregationType::kMeanPerValue:
      (*out)["otherCount"] = MeanJson(rest_sum, rest_count);
      break;
    default:
      (*out)["otherCount"] = rest_count;
      break;
  }

  const PerValuePartial* base =
      agg.baseline && partial.baseline ? &partial.baseline->per_value : nullptr;
  if (map.truncated || (base && base->truncated)) {
    // One bound for every number shown, audience and baseline alike.
    const double bound = std::max(map.max_error, base ? base->max_error : 0.0);
    (*out)["approximate"] = true;
    if (IsCountMap(type) && bound < 9.2e18) {
      (*out)["maxError"] = static_cast<int64_t>(std::ceil(bound));
    } else {
      (*out)["maxError"] = RealJson(bound);
    }
  }
  if (!base) return;

  double audience_total = 0, base_total = 0;
  switch (type) {
    case AggregationType::kCountPerValue:
      audience_total = static_cast<double>(map.total_count);
      base_total = static_cast<double>(base->total_count);
      break;
    case AggregationType::kGroupsPerValue:
      audience_total = static_cast<double>(scope_groups);
      base_total = static_cast<double>(baseline_groups);
      break;
    default:
      audience_total = map.total_sum.AsDouble();
      base_total = base->total_sum.AsDouble();
      break;
  }
  Json baseline_value = Json::object();
  Json lift = Json::object();
  for (size_t i = 0; i < top; ++i) {
    const PerValueEntry& e = *ranked[i];
    const PerValueEntry* b = FindEntry(kind, *base, e.key);
    if (b) {
      baseline_value[e.key.text] = EntryJson(type, *b);
    } else {
      // Only a truncated baseline can miss an audience value: its number there is unknown but
      // at most maxError; a mean over no row is null.
      baseline_value[e.key.text] = type == AggregationType::kMeanPerValue ? Json(nullptr) : Json(0);
    }
    if (type == AggregationType::kMeanPerValue) continue;
    const double base_number = b ? PerValueNumber(type, *b) : 0;
    if (audience_total == 0 || base_total == 0 || base_number == 0) {
      lift[e.key.text] = nullptr;
      continue;
    }
    const double share = PerValueNumber(type, e) / audience_total;
    lift[e.key.text] = RealJson(share / (base_number / base_total));
  }
  (*out)["baselineValue"] = std::move(baseline_value);
  if (type != AggregationType::kMeanPerValue) (*out)["lift"] = std::move(lift);
}

struct DistinctCount {
  Json value;
  bool approximate = false;
  double max_error = 0;
};

// Exact below the sketch size. Saturated, it is the KMV estimate (k - 1) / U(k), U(k) the k-th
// smallest hash scaled to [0, 1); its relative standard error is about 1 / sqrt(k - 2), and the
// bound given is kDistinctErrorSigmas of those.
DistinctCount CountDistinct(const DistinctPartial& d) {
  DistinctCount c;
  const size_t k = d.hashes.size();
  if (!d.saturated || k < 3) {
    c.value = static_cast<int64_t>(k);
    return c;
  }
  const double u = static_cast<double>(d.hashes.back()) / 18446744073709551616.0;
  const double estimate = static_cast<double>(k - 1) / u;
  c.approximate = true;
  c.max_error = std::ceil(kDistinctErrorSigmas * estimate / std::sqrt(static_cast<double>(k - 2)));
  if (estimate < 9.2e18) {
    c.value = static_cast<int64_t>(std::llround(estimate));
  } else {
    c.value = RealJson(estimate);
  }
  return c;
}

Json ScalarJson(const Aggregation& agg, const AggregationValue& v) {
  const ScalarPartial& s = v.scalar;
  switch (agg.type) {
    case AggregationType::kCount:
      return Json(s.count);
    case AggregationType::kSum:
      return SumJson(s.sum);
    case AggregationType::kMin:
    case AggregationType::kMax: {
      if (!s.has_min_max) return Json(nullptr);
      const bool is_min = agg.type == AggregationType::kMin;
      if (agg.column_kind == ColumnKind::kInt) return Json(is_min ? s.int_min : s.int_max);
      return RealJson(is_min ? s.real_min : s.real_max);
    }
    case AggregationType::kMean:
      return MeanJson(s.sum, s.count);
    default:
      return Json(nullptr);
  }
}

void AddScalar(const Aggregation& agg, const AggregationPartial& partial, Json* out) {
  const AggregationValue* base = agg.baseline && partial.baseline ? &*partial.baseline : nullptr;
  if (agg.type == AggregationType::kCountDistinct) {
    DistinctCount audience = CountDistinct(partial.audience.distinct);
    DistinctCount baseline;
    if (base) baseline = CountDistinct(base->distinct);
    (*out)["value"] = std::move(audience.value);
    if (audience.approximate || baseline.approximate) {
      (*out)["approximate"] = true;
      (*out)["maxError"] = static_cast<int64_t>(std::max(audience.max_error, baseline.max_error));
    }
    if (base) (*out)["baselineValue"] = std::move(baseline.value);
    return;
  }
  (*out)["value"] = ScalarJson(agg, partial.audience);
  if (base) (*out)["baselineValue"] = ScalarJson(agg, *base);
}

Json AggregationList(const std::vector<Aggregation>& list,
                     const std::vector<AggregationPartial>& partials, int64_t scope_groups,
                     int64_t baseline_groups) {
  Json out = Json::array();
  for (size_t i = 0; i < list.size() && i < partials.size(); ++i) {
    out.push_back(BuildAggregationResult(list[i], partials[i], scope_groups, baseline_groups));
  }
  return out;
}

// numpy's default percentile: linear interpolation at position p * (n - 1) of the sorted list.
double Percentile(const std::vector<int64_t>& sorted, double p) {
  const double position = p * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(position));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(lo);
  const double a = static_cast<double>(sorted[lo]), b = static_cast<double>(sorted[hi]);
  return a + fraction * (b - a);
}

}  // namespace

Json BuildTimeToConvertResult(std::vector<int64_t> durations) {
  Json out;
  out["count"] = static_cast<int64_t>(durations.size());
  if (durations.empty()) {
    for (const char* key : {"mean", "median", "p90", "min", "max"}) out[key] = nullptr;
    out["histogram"] = Json::array();
    return out;
  }
  std::sort(durations.begin(), durations.end());
  NumericSum sum;
  for (int64_t d : durations) sum.AddInt(d);
  const int64_t lo = durations.front(), hi = durations.back();
  out["mean"] = MeanJson(sum, static_cast<int64_t>(durations.size()));
  out["median"] = Percentile(durations, 0.5);
  out["p90"] = Percentile(durations, 0.9);
  out["min"] = lo;
  out["max"] = hi;
  Json histogram = Json::array();
  if (lo == hi) {
    histogram.push_back(Json{{"from", static_cast<double>(lo)},
                             {"to", static_cast<double>(hi)},
                             {"count", static_cast<int64_t>(durations.size())}});
  } else {
    // The bin of d is floor((d - lo) * bins / (hi - lo)), in exact integer arithmetic so that a
    // duration on a bin edge lands in the bin it starts; hi itself goes to the last bin.
    const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    int64_t counts[kHistogramBins] = {};
    for (int64_t d : durations) {
      const unsigned __int128 offset = static_cast<uint64_t>(d) - static_cast<uint64_t>(lo);
      const uint64_t bin = static_cast<uint64_t>(offset * kHistogramBins / range);
      counts[std::min<uint64_t>(bin, kHistogramBins - 1)] += 1;
    }
    const double from = static_cast<double>(lo);
    const double width = static_cast<double>(range);
    for (int i = 0; i < kHistogramBins; ++i) {
      const double bin_from = from + width * i / kHistogramBins;
      const double bin_to = i + 1 == kHistogramBins ? static_cast<double>(hi)
                                                    : from + width * (i + 1) / kHistogramBins;
      histogram.push_back(Json{{"from", bin_from}, {"to", bin_to}, {"count", counts[i]}});
    }
  }
  out["histogram"] = std::move(histogram);
  return out;
}

Json BuildBreakdownResult(const Breakdown& breakdown, const std::vector<BreakdownEntry>& entries) {
  const ColumnKind kind = breakdown.column_kind;
  std::vector<const BreakdownEntry*> ranked;
  const BreakdownEntry* null_entry = nullptr;
  for (const BreakdownEntry& e : entries) {
    if (e.is_null) {
      null_entry = &e;
    } else {
      ranked.push_back(&e);
    }
  }
  auto step0 = [](const BreakdownEntry* e) {
    return e->step_groups.empty() ? 0 : e->step_groups[0];
  };
  const size_t top = std::min(ranked.size(), static_cast<size_t>(std::max(0, breakdown.top)));
  std::partial_sort(ranked.begin(), ranked.begin() + top, ranked.end(),
                    [&](const BreakdownEntry* a, const BreakdownEntry* b) {
                      if (step0(a) != step0(b)) return step0(a) > step0(b);
                      return ValueKeyLess(kind, a->key, b->key);
                    });
  Json values = Json::object();
  for (size_t i = 0; i < top; ++i) values[ranked[i]->key.text] = ranked[i]->step_groups;
  if (top < ranked.size()) {
    std::vector<int64_t> other;
    for (size_t i = top; i < ranked.size(); ++i) {
      const std::vector<int64_t>& counts = ranked[i]->step_groups;
      if (other.size() < counts.size()) other.resize(counts.size(), 0);
      for (size_t k = 0; k < counts.size(); ++k) other[k] += counts[k];
    }
    values["$other"] = std::move(other);
  }
  if (null_entry) values["$null"] = null_entry->step_groups;
  Json out;
  out["column"] = breakdown.column;
  out["values"] = std::move(values);
  return out;
}

Json BuildAggregationResult(const Aggregation& aggregation, const AggregationPartial& partial,
                            int64_t scope_groups, int64_t baseline_groups) {
  Json out;
  out["column"] = aggregation.column;
  out["type"] = AggregationTypeName(aggregation.type);
  if (!aggregation.name.empty()) out["name"] = aggregation.name;
  if (IsPerValue(aggregation.type)) {
    AddPerValue(aggregation, partial, scope_groups, baseline_groups, &out);
  } else {
    AddScalar(aggregation, partial, &out);
  }
  return out;
}

Json BuildQueryResult(const Query& query, const PartialResult& merged,
                      const ResultContext& context) {
  Json out;
  out["success"] = true;
  out["requestId"] = context.request_id;

  Json q;
  q["matchingGroups"] = merged.matching_groups;
  q["matchingGroupRows"] = merged.matching_group_rows;
  q["totalGroups"] = merged.total_groups;
  q["totalRows"] = merged.total_rows;
  q["aggregations"] = AggregationList(query.query.aggregations, merged.query_aggregations,
                                      merged.matching_groups, merged.total_groups);
  out["query"] = std::move(q);

  if (query.funnel) {
    const Funnel& funnel = *query.funnel;
    Json sequence = Json::array();
    for (size_t k = 0; k < merged.funnel_steps.size(); ++k) {
      const StepPartial& step = merged.funnel_steps[k];
      Json s;
      s["matchingGroups"] = step.matching_groups;
      s["matchingGroupRows"] = step.matching_group_rows;
      s["aggregations"] = AggregationList(funnel.step_aggregations, step.aggregations,
                                          step.matching_groups, merged.total_groups);
      if (funnel.time_to_convert && k > 0) {
        s["timeToConvert"] = BuildTimeToConvertResult(step.time_to_convert);
      }
      sequence.push_back(std::move(s));
    }
    Json f;
    f["sequence"] = std::move(sequence);
    const int64_t last_groups =
        merged.funnel_steps.empty() ? 0 : merged.funnel_steps.back().matching_groups;
    f["endAggregations"] = AggregationList(funnel.end_aggregations, merged.end_aggregations,
                                           last_groups, merged.total_groups);
    if (funnel.breakdown)
      f["breakdown"] = BuildBreakdownResult(*funnel.breakdown, merged.breakdown);
    out["funnel"] = std::move(f);
  }

  if (query.options.sample_group_ids > 0) {
    Json ids = Json::array();
    for (const SampledGroup& g : merged.sample) ids.push_back(g.id);
    out["sampleGroupIds"] = std::move(ids);
  }

  const TaskStats& st = merged.stats;
  Json stats;
  stats["totalTime"] = context.total_seconds;
  stats["files"] = st.files;
  stats["filesSkipped"] = st.files_skipped;
  stats["rowGroups"] = st.row_groups;
  stats["rowGroupsSkipped"] = st.row_groups_skipped;
  stats["scannedRows"] = st.scanned_rows;
  stats["scannedBytes"] = st.scanned_bytes;
  stats["taskSeconds"] = st.task_seconds;
  out["stats"] = std::move(stats);
  return out;
}

}  // namespace frocket
