#include "engine/partial_result.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "common/error.h"

namespace frocket {

// ---------------------------------------------------------------------------------------------
// NumericSum

void NumericSum::AddInt(int64_t v) {
  if (is_integer) {
    int64_t out;
    if (!__builtin_add_overflow(integer, v, &out)) {
      integer = out;
      return;
    }
    // The exact sum no longer fits: from here on the whole sum is a double.
    is_integer = false;
    real = static_cast<double>(integer) + static_cast<double>(v);
    integer = 0;
    return;
  }
  real += static_cast<double>(v);
}

void NumericSum::AddReal(double v) {
  if (is_integer) {
    is_integer = false;
    real = static_cast<double>(integer) + v;
    integer = 0;
    return;
  }
  real += v;
}

void NumericSum::Merge(const NumericSum& other) {
  if (is_integer && other.is_integer) {
    AddInt(other.integer);
    return;
  }
  // Symmetric in both operands, so that merging is commutative bit for bit.
  real = AsDouble() + other.AsDouble();
  is_integer = false;
  integer = 0;
}

double NumericSum::AsDouble() const { return is_integer ? static_cast<double>(integer) : real; }

// ---------------------------------------------------------------------------------------------
// Ordering

bool ValueKeyLess(ColumnKind kind, const ValueKey& a, const ValueKey& b) {
  switch (kind) {
    case ColumnKind::kInt:
    case ColumnKind::kBool:
      return a.int_value < b.int_value;
    case ColumnKind::kFloat: {
      const bool a_nan = std::isnan(a.float_value), b_nan = std::isnan(b.float_value);
      if (a_nan || b_nan) return !a_nan;  // NaN sorts last; two NaNs are equal
      return a.float_value < b.float_value;
    }
    default:
      return a.text < b.text;
  }
}

namespace {

// Three-way comparison of doubles where NaN is below every number (and equal to NaN), so that
// sorting by a number that may be NaN (inf - inf) is still a strict weak order.
int CompareReal(double a, double b) {
  const bool a_nan = std::isnan(a), b_nan = std::isnan(b);
  if (a_nan || b_nan) return a_nan == b_nan ? 0 : (a_nan ? -1 : 1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Integer sums compare exactly. Mixed integer and real sums (after an overflow) compare as long
// double, which holds every int64 and every double exactly on x86-64, so the order stays
// transitive, as std::sort needs.
int CompareSums(const NumericSum& a, const NumericSum& b) {
  if (a.is_integer && b.is_integer) {
    return a.integer < b.integer ? -1 : (a.integer > b.integer ? 1 : 0);
  }
  const long double x = a.is_integer ? static_cast<long double>(a.integer) : a.real;
  const long double y = b.is_integer ? static_cast<long double>(b.integer) : b.real;
  const bool x_nan = std::isnan(x), y_nan = std::isnan(y);
  if (x_nan || y_nan) return x_nan == y_nan ? 0 : (x_nan ? -1 : 1);
  return x < y ? -1 : (x > y ? 1 : 0);
}

double MeanOf(const PerValueEntry& e) {
  if (e.count == 0) return std::numeric_limits<double>::quiet_NaN();
  return e.sum.AsDouble() / static_cast<double>(e.count);
}

}  // namespace

double PerValueNumber(AggregationType type, const PerValueEntry& entry) {
  switch (type) {
    case AggregationType::kSumPerValue:
      return entry.sum.AsDouble();
    case AggregationType::kMeanPerValue:
      return MeanOf(entry);
    default:
      return static_cast<double>(entry.count);
  }
}

bool PerValueRanksBefore(AggregationType type, ColumnKind kind, const PerValueEntry& a,
                         const PerValueEntry& b) {
  int c;
  switch (type) {
    case AggregationType::kSumPerValue:
      c = CompareSums(a.sum, b.sum);
      break;
    case AggregationType::kMeanPerValue:
      c = CompareReal(MeanOf(a), MeanOf(b));
      break;
    default:
      c = a.count < b.count ? -1 : (a.count > b.count ? 1 : 0);
      break;
  }
  if (c != 0) return c > 0;
  return ValueKeyLess(kind, a.key, b.key);
}

// ---------------------------------------------------------------------------------------------
// Shape

namespace {

void ShapeAggregations(const std::vector<Aggregation>& list, std::vector<AggregationPartial>* out) {
  out->assign(list.size(), AggregationPartial{});
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].baseline) (*out)[i].baseline.emplace();
  }
}

}  // namespace

PartialResult MakeEmptyPartialResult(const Query& query) {
  PartialResult p;
  ShapeAggregations(query.query.aggregations, &p.query_aggregations);
  if (query.funnel) {
    p.funnel_steps.resize(query.funnel->sequence.PositiveStepCount());
    for (StepPartial& step : p.funnel_steps) {
      ShapeAggregations(query.funnel->step_aggregations, &step.aggregations);
    }
    ShapeAggregations(query.funnel->end_aggregations, &p.end_aggregations);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Merge

namespace {

// A partial that does not fit the query came from elsewhere (a worker, the wire) or from a bug;
// either way merging it would index out of bounds, so it is rejected as corrupt.
[[noreturn]] void ThrowShape(const std::string& what) {
  ThrowCorrupt("partial result does not fit the query: " + what);
}

void CheckSorted(ColumnKind kind, const std::vector<PerValueEntry>& entries) {
  for (size_t i = 1; i < entries.size(); ++i) {
    if (!ValueKeyLess(kind, entries[i - 1].key, entries[i].key)) {
      ThrowShape("per-value entries not sorted and unique at entry " + std::to_string(i));
    }
  }
}

void MergePerValue(ColumnKind kind, const PerValuePartial& other, PerValuePartial* into) {
  CheckSorted(kind, other.entries);
  into->total_count += other.total_count;
  into->total_sum.Merge(other.total_sum);
  into->truncated = into->truncated || other.truncated;
  into->max_error += other.max_error;
  if (other.entries.empty()) return;
  if (into->entries.empty()) {
    into->entries = other.entries;
    return;
  }
  std::vector<PerValueEntry> merged;
  merged.reserve(into->entries.size() + other.entries.size());
  auto a = into->entries.begin();
  const auto a_end = into->entries.end();
  auto b = other.entries.begin();
  const auto b_end = other.entries.end();
  while (a != a_end && b != b_end) {
    if (ValueKeyLess(kind, a->key, b->key)) {
      merged.push_back(std::move(*a++));
    } else if (ValueKeyLess(kind, b->key, a->key)) {
      merged.push_back(*b++);
    } else {
      PerValueEntry e = std::move(*a++);
      e.count += b->count;
      e.sum.Merge(b->sum);
      ++b;
      merged.push_back(std::move(e));
    }
  }
  for (; a != a_end; ++a) merged.push_back(std::move(*a));
  for (; b != b_end; ++b) merged.push_back(*b);
  into->entries = std::move(merged);
}

void MergeScalar(const ScalarPartial& other, ScalarPartial* into) {
  into->count += other.count;
  into->sum.Merge(other.sum);
  if (!other.has_min_max) return;
  if (!into->has_min_max) {
    into->has_min_max = true;
    into->int_min = other.int_min;
    into->int_max = other.int_max;
    into->real_min = other.real_min;
    into->real_max = other.real_max;
    return;
  }
  // Only one pair is meaningful (by the column's kind); the other stays 0 on both sides.
  into->int_min = std::min(into->int_min, other.int_min);
  into->int_max = std::max(into->int_max, other.int_max);
  into->real_min = std::min(into->real_min, other.real_min);
  into->real_max = std::max(into->real_max, other.real_max);
}

void CheckDistinct(const DistinctPartial& d) {
  if (static_cast<int64_t>(d.hashes.size()) > kDistinctSketchSize) {
    ThrowShape("distinct sketch larger than " + std::to_string(kDistinctSketchSize) + ": " +
               std::to_string(d.hashes.size()));
  }
  for (size_t i = 1; i < d.hashes.size(); ++i) {
    if (d.hashes[i - 1] >= d.hashes[i]) ThrowShape("distinct hashes not sorted and unique");
  }
}

void MergeDistinct(const DistinctPartial& other, DistinctPartial* into) {
  CheckDistinct(other);
  // The union's k smallest hashes are among the two sides' k smallest, so keeping the k smallest
  // of the union is the sketch of the union, whatever the order of merging.
  std::vector<uint64_t> merged;
  merged.reserve(std::min<size_t>(into->hashes.size() + other.hashes.size(), kDistinctSketchSize));
  auto a = into->hashes.cbegin();
  auto b = other.hashes.cbegin();
  const auto a_end = into->hashes.cend();
  const auto b_end = other.hashes.cend();
  const size_t limit = static_cast<size_t>(kDistinctSketchSize);
  while (merged.size() < limit && (a != a_end || b != b_end)) {
    if (b == b_end || (a != a_end && *a < *b)) {
      merged.push_back(*a++);
    } else if (a == a_end || *b < *a) {
      merged.push_back(*b++);
    } else {
      merged.push_back(*a++);
      ++b;
    }
  }
  const bool dropped = a != a_end || b != b_end;
  into->saturated = into->saturated || other.saturated || dropped;
  into->hashes = std::move(merged);
}

void MergeValue(const Aggregation& agg, const AggregationValue& other, AggregationValue* into) {
  MergePerValue(agg.column_kind, other.per_value, &into->per_value);
  MergeScalar(other.scalar, &into->scalar);
  MergeDistinct(other.distinct, &into->distinct);
}

void MergeAggregations(const std::vector<Aggregation>& list,
                       const std::vector<AggregationPartial>& other,
                       std::vector<AggregationPartial>* into, const char* scope) {
  if (other.size() != list.size() || into->size() != list.size()) {
    ThrowShape(std::string(scope) + " has " + std::to_string(other.size()) +
               " aggregations, the query " + std::to_string(list.size()));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const AggregationPartial& o = other[i];
    AggregationPartial& t = (*into)[i];
    MergeValue(list[i], o.audience, &t.audience);
    if (list[i].baseline != o.baseline.has_value() || list[i].baseline != t.baseline.has_value()) {
      ThrowShape(std::string(scope) + " aggregation " + std::to_string(i) +
                 ": baseline presence differs from the query");
    }
    if (o.baseline) MergeValue(list[i], *o.baseline, &*t.baseline);
  }
}

bool BreakdownLess(ColumnKind kind, const BreakdownEntry& a, const BreakdownEntry& b) {
  if (a.is_null || b.is_null) return !a.is_null && b.is_null;
  return ValueKeyLess(kind, a.key, b.key);
}

void MergeBreakdown(ColumnKind kind, size_t num_steps, const std::vector<BreakdownEntry>& other,
                    std::vector<BreakdownEntry>* into) {
  for (size_t i = 0; i < other.size(); ++i) {
    if (other[i].step_groups.size() != num_steps) {
      ThrowShape("breakdown entry with " + std::to_string(other[i].step_groups.size()) +
                 " steps, the funnel has " + std::to_string(num_steps));
    }
    if (i > 0 && !BreakdownLess(kind, other[i - 1], other[i])) {
      ThrowShape("breakdown entries not sorted and unique at entry " + std::to_string(i));
    }
  }
  if (other.empty()) return;
  std::vector<BreakdownEntry> merged;
  merged.reserve(into->size() + other.size());
  auto a = into->begin();
  auto b = other.begin();
  const auto a_end = into->end();
  const auto b_end = other.end();
  while (a != a_end && b != b_end) {
    if (BreakdownLess(kind, *a, *b)) {
      merged.push_back(std::move(*a++));
    } else if (BreakdownLess(kind, *b, *a)) {
      merged.push_back(*b++);
    } else {
      BreakdownEntry e = std::move(*a++);
      for (size_t k = 0; k < num_steps; ++k) e.step_groups[k] += b->step_groups[k];
      ++b;
      merged.push_back(std::move(e));
    }
  }
  for (; a != a_end; ++a) merged.push_back(std::move(*a));
  for (; b != b_end; ++b) merged.push_back(*b);
  *into = std::move(merged);
}

bool SampleLess(const SampledGroup& a, const SampledGroup& b) {
  return a.hash != b.hash ? a.hash < b.hash : a.id < b.id;
}

void MergeSample(size_t limit, const std::vector<SampledGroup>& other,
                 std::vector<SampledGroup>* into) {
  for (size_t i = 1; i < other.size(); ++i) {
    if (SampleLess(other[i], other[i - 1])) ThrowShape("sampled groups not sorted");
  }
  std::vector<SampledGroup> merged;
  merged.reserve(std::min(limit, into->size() + other.size()));
  auto a = into->begin();
  auto b = other.begin();
  const auto a_end = into->end();
  const auto b_end = other.end();
  while (merged.size() < limit && (a != a_end || b != b_end)) {
    if (b == b_end || (a != a_end && !SampleLess(*b, *a))) {
      merged.push_back(std::move(*a++));
    } else {
      merged.push_back(*b++);
    }
  }
  *into = std::move(merged);
}

void MergeStats(const TaskStats& other, TaskStats* into) {
  into->files += other.files;
  into->files_skipped += other.files_skipped;
  into->row_groups += other.row_groups;
  into->row_groups_skipped += other.row_groups_skipped;
  into->scanned_rows += other.scanned_rows;
  into->scanned_bytes += other.scanned_bytes;
  into->task_seconds += other.task_seconds;
}

}  // namespace

void MergePartialResult(const Query& query, const PartialResult& other, PartialResult* into) {
  into->total_groups += other.total_groups;
  into->total_rows += other.total_rows;
  into->matching_groups += other.matching_groups;
  into->matching_group_rows += other.matching_group_rows;
  MergeAggregations(query.query.aggregations, other.query_aggregations, &into->query_aggregations,
                    "query");
  const size_t num_steps = query.funnel ? query.funnel->sequence.PositiveStepCount() : 0;
  if (other.funnel_steps.size() != num_steps || into->funnel_steps.size() != num_steps) {
    ThrowShape("funnel steps " + std::to_string(other.funnel_steps.size()) + ", the query has " +
               std::to_string(num_steps));
  }
  if (query.funnel) {
    for (size_t k = 0; k < num_steps; ++k) {
      const StepPartial& o = other.funnel_steps[k];
      StepPartial& t = into->funnel_steps[k];
      t.matching_groups += o.matching_groups;
      t.matching_group_rows += o.matching_group_rows;
      MergeAggregations(query.funnel->step_aggregations, o.aggregations, &t.aggregations, "step");
      t.time_to_convert.insert(t.time_to_convert.end(), o.time_to_convert.begin(),
                               o.time_to_convert.end());
    }
    MergeAggregations(query.funnel->end_aggregations, other.end_aggregations,
                      &into->end_aggregations, "end");
    if (query.funnel->breakdown) {
      MergeBreakdown(query.funnel->breakdown->column_kind, num_steps, other.breakdown,
                     &into->breakdown);
    } else if (!other.breakdown.empty()) {
      ThrowShape("breakdown entries without a breakdown");
    }
  } else if (!other.end_aggregations.empty() || !other.breakdown.empty()) {
    ThrowShape("funnel results without a funnel");
  }
  MergeSample(static_cast<size_t>(std::max(0, query.options.sample_group_ids)), other.sample,
              &into->sample);
  MergeStats(other.stats, &into->stats);
}

// ---------------------------------------------------------------------------------------------
// Truncation

void TruncatePerValue(AggregationType type, ColumnKind kind, PerValuePartial* map) {
  auto& entries = map->entries;
  const size_t keep = static_cast<size_t>(kMaxExactValuesPerFile);
  if (entries.size() <= keep) return;
  auto better = [type, kind](const PerValueEntry& a, const PerValueEntry& b) {
    return PerValueRanksBefore(type, kind, a, b);
  };
  std::nth_element(entries.begin(), entries.begin() + keep, entries.end(), better);
  // Any kept value's number may be short by at most what this file dropped for it, which is at
  // most the largest magnitude among the dropped entries (sums may be negative).
  double largest = 0;
  for (size_t i = keep; i < entries.size(); ++i) {
    const double v = std::fabs(PerValueNumber(type, entries[i]));
    if (!std::isnan(v)) largest = std::max(largest, v);
  }
  entries.resize(keep);
  std::sort(entries.begin(), entries.end(), [kind](const PerValueEntry& a, const PerValueEntry& b) {
    return ValueKeyLess(kind, a.key, b.key);
  });
  map->truncated = true;
  map->max_error += largest;
}

// ---------------------------------------------------------------------------------------------
// Serialization
//
// Layout (all integers LEB128 varints; signed ones zigzag-encoded; doubles 8 bytes
// little-endian IEEE): "FRPR", version, then the fields of PartialResult in declaration order.
// Vectors are a count followed by the elements; every count is checked against the bytes left
// (divided by the smallest encoding of one element) before anything is allocated.

namespace {

constexpr char kMagic[4] = {'F', 'R', 'P', 'R'};

// Smallest encodings, for bounding counts by the bytes left.
constexpr size_t kMinKeyBytes = 3;  // flags, text length, int_value
constexpr size_t kMinSumBytes = 2;  // flags, integer
constexpr size_t kMinEntryBytes = kMinKeyBytes + 1 + kMinSumBytes;
constexpr size_t kMinBreakdownBytes = kMinKeyBytes + 1 + 1;  // key, is_null, step count
constexpr size_t kMinSampleBytes = 8 + 1;                    // hash, id length
// An aggregation: per-value 13 (entry count, total, sum, truncated, max_error), scalar 4, distinct
// 2, baseline flag 1.
constexpr size_t kMinAggregationBytes = 20;

class Writer {
 public:
  void Raw(const void* data, size_t n) { out_.append(static_cast<const char*>(data), n); }
  void U64(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void I64(int64_t v) { U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  // Counts are never negative; the reader rejects a negative count, so none is written.
  void Count(int64_t v) { U64(static_cast<uint64_t>(v < 0 ? 0 : v)); }
  void Fixed64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void Double(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    Fixed64(bits);
  }
  void Bool(bool b) { out_.push_back(b ? 1 : 0); }
  void String(const std::string& s) {
    U64(s.size());
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  size_t left() const { return static_cast<size_t>(end_ - p_); }
  bool done() const { return p_ == end_; }

  void Expect(size_t n, const char* what) {
    if (left() < n) {
      ThrowCorrupt(std::string("partial result truncated: expected ") + std::to_string(n) +
                   " bytes of " + what + ", have " + std::to_string(left()));
    }
  }
  uint8_t Byte(const char* what) {
    Expect(1, what);
    return *p_++;
  }
  uint64_t U64(const char* what) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = Byte(what);
      if (shift == 63 && b > 1) ThrowCorrupt(std::string("varint too long in ") + what);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    ThrowCorrupt(std::string("varint too long in ") + what);
  }
  int64_t I64(const char* what) {
    const uint64_t z = U64(what);
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  // A non-negative int64.
  int64_t Count(const char* what) {
    const uint64_t v = U64(what);
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      ThrowCorrupt(std::string("expected a non-negative 64-bit count for ") + what + ", got " +
                   std::to_string(v));
    }
    return static_cast<int64_t>(v);
  }
  // A vector length, each element taking at least `min_bytes`.
  size_t Length(size_t min_bytes, const char* what) {
    const uint64_t n = U64(what);
    if (n > left() / min_bytes) {
      ThrowCorrupt(std::string("expected at most ") + std::to_string(left() / min_bytes) + " " +
                   what + " in the bytes left, got " + std::to_string(n));
    }
    return static_cast<size_t>(n);
  }
  uint64_t Fixed64(const char* what) {
    Expect(8, what);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
    p_ += 8;
    return v;
  }
  double Double(const char* what) {
    const uint64_t bits = Fixed64(what);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  bool Bool(const char* what) {
    const uint8_t b = Byte(what);
    if (b > 1)
      ThrowCorrupt(std::string("expected 0 or 1 for ") + what + ", got " + std::to_string(b));
    return b == 1;
  }
  uint8_t Flags(uint8_t allowed, const char* what) {
    const uint8_t b = Byte(what);
    if (b & ~allowed)
      ThrowCorrupt(std::string("unknown flags in ") + what + ": " + std::to_string(b));
    return b;
  }
  std::string String(const char* what) {
    const size_t n = Length(1, what);
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// NumericSum: flags (1 integer, 2 real present), integer, real.
constexpr uint8_t kSumInteger = 1, kSumReal = 2;

void WriteSum(Writer& w, const NumericSum& s) {
  const bool has_real = s.real != 0 || std::signbit(s.real);
  w.U64((s.is_integer ? kSumInteger : 0) | (has_real ? kSumReal : 0));
  w.I64(s.integer);
  if (has_real) w.Double(s.real);
}

NumericSum ReadSum(Reader& r) {
  NumericSum s;
  const uint8_t flags = r.Flags(kSumInteger | kSumReal, "sum");
  s.is_integer = (flags & kSumInteger) != 0;
  s.integer = r.I64("sum");
  s.real = (flags & kSumReal) ? r.Double("sum") : 0;
  return s;
}

// ValueKey: flags (1 float present), text, int_value, float_value.
constexpr uint8_t kKeyFloat = 1;

void WriteKey(Writer& w, const ValueKey& k) {
  uint64_t bits;
  std::memcpy(&bits, &k.float_value, sizeof bits);
  const bool has_float = bits != 0;
  w.U64(has_float ? kKeyFloat : 0);
  w.String(k.text);
  w.I64(k.int_value);
  if (has_float) w.Double(k.float_value);
}

ValueKey ReadKey(Reader& r) {
  ValueKey k;
  const uint8_t flags = r.Flags(kKeyFloat, "value key");
  k.text = r.String("value key text");
  k.int_value = r.I64("value key");
  if (flags & kKeyFloat) k.float_value = r.Double("value key");
  return k;
}

void WriteValue(Writer& w, const AggregationValue& v) {
  const PerValuePartial& pv = v.per_value;
  w.U64(pv.entries.size());
  for (const PerValueEntry& e : pv.entries) {
    WriteKey(w, e.key);
    w.Count(e.count);
    WriteSum(w, e.sum);
  }
  w.Count(pv.total_count);
  WriteSum(w, pv.total_sum);
  w.Bool(pv.truncated);
  w.Double(pv.max_error);

  const ScalarPartial& s = v.scalar;
  w.Count(s.count);
  WriteSum(w, s.sum);
  w.Bool(s.has_min_max);
  if (s.has_min_max) {
    w.I64(s.int_min);
    w.I64(s.int_max);
    w.Double(s.real_min);
    w.Double(s.real_max);
  }

  const DistinctPartial& d = v.distinct;
  w.U64(d.hashes.size());
  uint64_t previous = 0;
  for (uint64_t h : d.hashes) {  // ascending: deltas are small once the sketch fills up
    w.U64(h - previous);
    previous = h;
  }
  w.Bool(d.saturated);
}

AggregationValue ReadValue(Reader& r) {
  AggregationValue v;
  PerValuePartial& pv = v.per_value;
  pv.entries.resize(r.Length(kMinEntryBytes, "per-value entries"));
  for (PerValueEntry& e : pv.entries) {
    e.key = ReadKey(r);
    e.count = r.Count("per-value count");
    e.sum = ReadSum(r);
  }
  pv.total_count = r.Count("per-value total");
  pv.total_sum = ReadSum(r);
  pv.truncated = r.Bool("truncated");
  pv.max_error = r.Double("max error");

  ScalarPartial& s = v.scalar;
  s.count = r.Count("scalar count");
  s.sum = ReadSum(r);
  s.has_min_max = r.Bool("has min/max");
  if (s.has_min_max) {
    s.int_min = r.I64("min");
    s.int_max = r.I64("max");
    s.real_min = r.Double("min");
    s.real_max = r.Double("max");
  }

  DistinctPartial& d = v.distinct;
  const size_t n = r.Length(1, "distinct hashes");
  if (static_cast<int64_t>(n) > kDistinctSketchSize) {
    ThrowCorrupt("expected at most " + std::to_string(kDistinctSketchSize) +
                 " distinct hashes, got " + std::to_string(n));
  }
  d.hashes.resize(n);
  uint64_t previous = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t delta = r.U64("distinct hash");
    if ((i > 0 && delta == 0) || delta > std::numeric_limits<uint64_t>::max() - previous) {
      ThrowCorrupt("distinct hashes not ascending at " + std::to_string(i));
    }
    previous += delta;
    d.hashes[i] = previous;
  }
  d.saturated = r.Bool("saturated");
  return v;
}

void WriteAggregations(Writer& w, const std::vector<AggregationPartial>& list) {
  w.U64(list.size());
  for (const AggregationPartial& a : list) {
    WriteValue(w, a.audience);
    w.Bool(a.baseline.has_value());
    if (a.baseline) WriteValue(w, *a.baseline);
  }
}

std::vector<AggregationPartial> ReadAggregations(Reader& r) {
  std::vector<AggregationPartial> list(r.Length(kMinAggregationBytes, "aggregations"));
  for (AggregationPartial& a : list) {
    a.audience = ReadValue(r);
    if (r.Bool("baseline present")) a.baseline = ReadValue(r);
  }
  return list;
}

}  // namespace

std::string SerializePartialResult(const PartialResult& p) {
  Writer w;
  w.Raw(kMagic, sizeof kMagic);
  w.U64(kPartialResultVersion);
  w.Count(p.total_groups);
  w.Count(p.total_rows);
  w.Count(p.matching_groups);
  w.Count(p.matching_group_rows);
  WriteAggregations(w, p.query_aggregations);
  w.U64(p.funnel_steps.size());
  for (const StepPartial& s : p.funnel_steps) {
    w.Count(s.matching_groups);
    w.Count(s.matching_group_rows);
    WriteAggregations(w, s.aggregations);
    w.U64(s.time_to_convert.size());
    for (int64_t t : s.time_to_convert) w.I64(t);
  }
  WriteAggregations(w, p.end_aggregations);
  w.U64(p.breakdown.size());
  for (const BreakdownEntry& b : p.breakdown) {
    WriteKey(w, b.key);
    w.Bool(b.is_null);
    w.U64(b.step_groups.size());
    for (int64_t c : b.step_groups) w.Count(c);
  }
  w.U64(p.sample.size());
  for (const SampledGroup& s : p.sample) {
    w.Fixed64(s.hash);
    w.String(s.id);
  }
  const TaskStats& st = p.stats;
  w.Count(st.files);
  w.Count(st.files_skipped);
  w.Count(st.row_groups);
  w.Count(st.row_groups_skipped);
  w.Count(st.scanned_rows);
  w.Count(st.scanned_bytes);
  w.Double(st.task_seconds);
  return w.Take();
}

PartialResult DeserializePartialResult(const std::string& bytes) {
  Reader r(bytes);
  r.Expect(sizeof kMagic, "magic");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    ThrowCorrupt("expected a partial result starting with \"FRPR\"");
  }
  for (size_t i = 0; i < sizeof kMagic; ++i) r.Byte("magic");
  const uint64_t version = r.U64("version");
  if (version == 0 || version > kPartialResultVersion) {
    ThrowCorrupt("expected a partial result of version 1 to " +
                 std::to_string(kPartialResultVersion) + ", got version " +
                 std::to_string(version));
  }
  PartialResult p;
  p.version = static_cast<uint32_t>(version);
  p.total_groups = r.Count("total groups");
  p.total_rows = r.Count("total rows");
  p.matching_groups = r.Count("matching groups");
  p.matching_group_rows = r.Count("matching group rows");
  p.query_aggregations = ReadAggregations(r);
  // A step takes at least 4 bytes: two counts, an aggregation count, a duration count.
  p.funnel_steps.resize(r.Length(4, "funnel steps"));
  for (StepPartial& s : p.funnel_steps) {
    s.matching_groups = r.Count("step matching groups");
    s.matching_group_rows = r.Count("step matching group rows");
    s.aggregations = ReadAggregations(r);
    s.time_to_convert.resize(r.Length(1, "durations"));
    for (int64_t& t : s.time_to_convert) t = r.I64("duration");
  }
  p.end_aggregations = ReadAggregations(r);
  p.breakdown.resize(r.Length(kMinBreakdownBytes, "breakdown entries"));
  for (BreakdownEntry& b : p.breakdown) {
    b.key = ReadKey(r);
    b.is_null = r.Bool("breakdown null");
    b.step_groups.resize(r.Length(1, "breakdown steps"));
    for (int64_t& c : b.step_groups) c = r.Count("breakdown count");
  }
  p.sample.resize(r.Length(kMinSampleBytes, "sampled groups"));
  for (SampledGroup& s : p.sample) {
    s.hash = r.Fixed64("sample hash");
    s.id = r.String("sample id");
  }
  TaskStats& st = p.stats;
  st.files = r.Count("files");
  st.files_skipped = r.Count("files skipped");
  st.row_groups = r.Count("row groups");
  st.row_groups_skipped = r.Count("row groups skipped");
  st.scanned_rows = r.Count("scanned rows");
  st.scanned_bytes = r.Count("scanned bytes");
  st.task_seconds = r.Double("task seconds");
  if (!r.done()) {
    ThrowCorrupt("expected the end of the partial result, got " + std::to_string(r.left()) +
                 " more bytes");
  }
  return p;
}

OrderedMerge::OrderedMerge(const Query& query, size_t tasks)
    : query_(query), waiting_(tasks), merged_(MakeEmptyPartialResult(query)) {}

void OrderedMerge::Add(size_t task, PartialResult partial) {
  if (task >= waiting_.size() || task < next_ || waiting_[task]) {
    throw Error(ErrorKind::kInternal,
                "OrderedMerge: task " + std::to_string(task) + " added twice or out of range");
  }
  waiting_[task] = std::move(partial);
  while (next_ < waiting_.size() && waiting_[next_]) {
    MergePartialResult(query_, *waiting_[next_], &merged_);
    waiting_[next_].reset();
    ++next_;
  }
}

PartialResult OrderedMerge::Finish() {
  if (next_ != waiting_.size()) {
    throw Error(ErrorKind::kInternal, "OrderedMerge: task " + std::to_string(next_) +
                                          " has no partial result");
  }
  return std::move(merged_);
}

}  // namespace frocket
