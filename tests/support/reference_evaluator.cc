#include "support/reference_evaluator.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include "common/bucket.h"

namespace frocket::testing {
namespace {

using nlohmann::json;

// Every int64 and every double is exact in an x86-64 (or quad) long double, so comparing an INT
// with a decimal, or a duration with a decimal limit, in long double never rounds.
static_assert(std::numeric_limits<long double>::digits >= 64,
              "the reference needs a long double that holds every int64 exactly");

bool IsNull(const RefValue& v) { return std::holds_alternative<std::monostate>(v); }

long double Exact(const Number& n) {
  return n.is_integer ? static_cast<long double>(n.integer) : static_cast<long double>(n.real);
}

int Sign(long double a, long double b) { return a < b ? -1 : (a > b ? 1 : 0); }

// Three-way comparison of a numeric cell with a literal: -1, 0, 1, or 2 when unordered (NaN).
int CompareNumeric(const RefValue& cell, const Number& literal) {
  if (const int64_t* i = std::get_if<int64_t>(&cell)) {
    if (literal.is_integer) return *i < literal.integer ? -1 : (*i > literal.integer ? 1 : 0);
    if (std::isnan(literal.real)) return 2;
    return Sign(static_cast<long double>(*i), literal.real);
  }
  double d = std::get<double>(cell);
  if (std::isnan(d)) return 2;
  if (!literal.is_integer && std::isnan(literal.real)) return 2;
  return Sign(d, Exact(literal));
}

// Byte-wise order, as unsigned bytes.
int CompareBytes(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Whether a three-way result (2: unordered) satisfies a comparison operator. Unordered
// satisfies only "not equal".
bool Satisfies(int c, FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return c == 0;
    case FilterOp::kNe:
      return c != 0;
    case FilterOp::kGt:
      return c == 1;
    case FilterOp::kGe:
      return c == 1 || c == 0;
    case FilterOp::kLt:
      return c == -1;
    case FilterOp::kLe:
      return c == -1 || c == 0;
    default:
      throw std::logic_error("not a comparison operator");
  }
}

FilterOp AsFilterOp(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return FilterOp::kEq;
    case CompareOp::kNe:
      return FilterOp::kNe;
    case CompareOp::kGt:
      return FilterOp::kGt;
    case CompareOp::kGe:
      return FilterOp::kGe;
    case CompareOp::kLt:
      return FilterOp::kLt;
    case CompareOp::kLe:
      return FilterOp::kLe;
  }
  throw std::logic_error("bad compare op");
}

bool IsComparison(FilterOp op) {
  return op == FilterOp::kEq || op == FilterOp::kNe || op == FilterOp::kGt || op == FilterOp::kGe ||
         op == FilterOp::kLt || op == FilterOp::kLe;
}

// Section 3, one row: the null rule first, then per column kind.
bool MatchFilter(const Filter& f, const RefValue& cell) {
  if (f.op == FilterOp::kIsNull) return IsNull(cell);
  if (f.op == FilterOp::kIsNotNull) return !IsNull(cell);
  if (IsNull(cell)) return false;
  if (std::holds_alternative<int64_t>(cell) || std::holds_alternative<double>(cell)) {
    if (IsComparison(f.op)) return Satisfies(CompareNumeric(cell, f.value.number), f.op);
    bool found = false;
    for (const Literal& l : f.values) {
      if (CompareNumeric(cell, l.number) == 0) found = true;
    }
    if (f.op == FilterOp::kIn) return found;
    if (f.op == FilterOp::kNotIn) return !found;
    throw std::logic_error("operator not valid for a numeric column");
  }
  if (const std::string* s = std::get_if<std::string>(&cell)) {
    if (IsComparison(f.op)) return Satisfies(CompareBytes(*s, f.value.string), f.op);
    switch (f.op) {
      case FilterOp::kIn:
      case FilterOp::kNotIn: {
        bool found = false;
        for (const Literal& l : f.values) {
          if (l.string == *s) found = true;
        }
        return f.op == FilterOp::kIn ? found : !found;
      }
      case FilterOp::kContains:
        return s->find(f.value.string) != std::string::npos;
      case FilterOp::kNotContains:
        return s->find(f.value.string) == std::string::npos;
      case FilterOp::kStartsWith:
        return s->size() >= f.value.string.size() &&
               s->compare(0, f.value.string.size(), f.value.string) == 0;
      case FilterOp::kEndsWith:
        return s->size() >= f.value.string.size() &&
               s->compare(s->size() - f.value.string.size(), f.value.string.size(),
                          f.value.string) == 0;
      case FilterOp::kRegex:
        return RE2::PartialMatch(*s, *f.regex);
      default:
        throw std::logic_error("operator not valid for a string column");
    }
  }
  bool b = std::get<bool>(cell);
  if (f.op == FilterOp::kEq) return b == f.value.boolean;
  if (f.op == FilterOp::kNe) return b != f.value.boolean;
  throw std::logic_error("operator not valid for a bool column");
}

// A per-value key's text: integers in decimal, floats in shortest round-trip form, "NaN",
// "true"/"false", strings as they are.
std::string KeyText(const RefValue& v) {
  if (const int64_t* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const double* d = std::get_if<double>(&v)) {
    if (std::isnan(*d)) return "NaN";
    if (std::isinf(*d)) return *d > 0 ? "Infinity" : "-Infinity";
    char buffer[64];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, *d).ptr;
    return std::string(buffer, end);
  }
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  return "null";
}

// The tie-break order of values of one kind: numbers ascending (NaN last, all NaN equal),
// false < true, strings byte-wise.
struct ValueLess {
  bool operator()(const RefValue& a, const RefValue& b) const {
    if (a.index() != b.index()) return a.index() < b.index();
    if (const int64_t* i = std::get_if<int64_t>(&a)) return *i < std::get<int64_t>(b);
    if (const double* d = std::get_if<double>(&a)) {
      double e = std::get<double>(b);
      if (std::isnan(*d)) return false;
      if (std::isnan(e)) return true;
      return *d < e;
    }
    if (const bool* x = std::get_if<bool>(&a)) return !*x && std::get<bool>(b);
    if (const std::string* s = std::get_if<std::string>(&a)) {
      return CompareBytes(*s, std::get<std::string>(b)) < 0;
    }
    return false;
  }
};

// A number of a result: an exact integer or a double.
struct Num {
  bool is_integer = true;
  int64_t integer = 0;
  double real = 0;

  long double Value() const {
    return is_integer ? static_cast<long double>(integer) : static_cast<long double>(real);
  }
  json ToJson() const { return is_integer ? json(integer) : json(real); }
};

Num IntNum(int64_t v) { return Num{true, v, 0}; }
Num RealNum(double v) { return Num{false, 0, v}; }

struct Group {
  RefValue id;
  std::vector<size_t> rows;  // in the timeframe, ordered by ts then file order
};

// One per-value entry of an aggregation scope.
struct ValueStats {
  int64_t rows = 0;    // countPerValue; sumPerValue / meanPerValue: rows with both values
  int64_t groups = 0;  // groupsPerValue
  bool sum_is_integer = true;
  int64_t int_sum = 0;
  double real_sum = 0;
};

// An aggregation computed over one scope of groups.
struct AggregationData {
  std::map<RefValue, ValueStats, ValueLess> per_value;
  int64_t scope_groups = 0;
  int64_t non_null = 0;       // count: non-null values (NaN is a value)
  int64_t numeric_count = 0;  // sum/min/max/mean: non-null, non-NaN values
  bool sum_is_integer = true;
  int64_t int_sum = 0;
  double real_sum = 0;
  std::optional<RefValue> min, max;
  std::set<RefValue, ValueLess> distinct;
};

// How far a group gets through a sequence.
struct SequenceOutcome {
  int reached = -1;  // furthest positive step reached, -1 for none
  // Per positive step reached: the shortest ts(rk) - ts(r0) (or span, in any order) among the
  // qualifying chains, and the earliest (in row order) step-0 row among them.
  std::vector<int64_t> shortest;
  std::vector<size_t> earliest_start;
};

class Evaluator {
 public:
  Evaluator(const RefDataset& data, const Query& query) : data_(data), query_(query) {
    for (size_t c = 0; c < data.columns.size(); ++c) columns_[data.columns[c].name] = c;
    group_column_ = Column(data.group_id_column);
    ts_column_ = Column(data.timestamp_column);
  }

  json Run() {
    BuildGroups();
    json result;
    json& q = result["query"];
    int64_t total_rows = 0;
    for (const Group& g : groups_) total_rows += static_cast<int64_t>(g.rows.size());
    q["totalGroups"] = static_cast<int64_t>(groups_.size());
    q["totalRows"] = total_rows;

    // Section 4: conditions per group, combined by the relation.
    std::vector<const Group*> matching;
    const auto& conditions = query_.query.conditions;
    std::unique_ptr<bool[]> results(new bool[conditions.size() + 1]);
    for (const Group& g : groups_) {
      for (size_t c = 0; c < conditions.size(); ++c)
        results[c] = EvaluateCondition(conditions[c], g);
      if (query_.query.relation.Evaluate(std::span<const bool>(results.get(), conditions.size()))) {
        matching.push_back(&g);
      }
    }
    q["matchingGroups"] = static_cast<int64_t>(matching.size());
    q["matchingGroupRows"] = RowsOf(matching);
    q["aggregations"] = Aggregations(query_.query.aggregations, matching);

    std::vector<const Group*> sampled = matching;
    if (query_.funnel) {
      const Funnel& funnel = *query_.funnel;
      const int steps = funnel.sequence.PositiveStepCount();
      std::vector<SequenceOutcome> outcomes;
      for (const Group* g : matching) outcomes.push_back(MatchSequence(funnel.sequence, *g));
      json& f = result["funnel"];
      f["sequence"] = json::array();
      for (int k = 0; k < steps; ++k) {
        std::vector<const Group*> reached;
        std::vector<int64_t> durations;
        for (size_t i = 0; i < matching.size(); ++i) {
          if (outcomes[i].reached >= k) {
            reached.push_back(matching[i]);
            durations.push_back(outcomes[i].shortest[k]);
          }
        }
        json step;
        step["matchingGroups"] = static_cast<int64_t>(reached.size());
        step["matchingGroupRows"] = RowsOf(reached);
        step["aggregations"] = Aggregations(funnel.step_aggregations, reached);
        if (funnel.time_to_convert && k > 0) step["timeToConvert"] = TimeToConvert(durations);
        f["sequence"].push_back(step);
        if (k == steps - 1) sampled = reached;
      }
      std::vector<const Group*> converted;
      for (size_t i = 0; i < matching.size(); ++i) {
        if (outcomes[i].reached == steps - 1) converted.push_back(matching[i]);
      }
      f["endAggregations"] = Aggregations(funnel.end_aggregations, converted);
      if (funnel.breakdown)
        f["breakdown"] = Breakdown(*funnel.breakdown, matching, outcomes, steps);
    }

    if (query_.options.sample_group_ids > 0) result["sampleGroupIds"] = Sample(sampled);
    return result;
  }

 private:
  size_t Column(const std::string& name) const {
    auto it = columns_.find(name);
    if (it == columns_.end()) throw std::invalid_argument("reference dataset lacks column " + name);
    return it->second;
  }
  const RefValue& Cell(size_t row, size_t column) const { return data_.rows[row][column]; }
  int64_t Ts(size_t row) const { return std::get<int64_t>(Cell(row, ts_column_)); }

  bool InTimeframe(int64_t ts) const {
    if (!query_.timeframe) return true;
    const Timeframe& t = *query_.timeframe;
    if (t.from && static_cast<long double>(ts) < Exact(*t.from)) return false;
    if (t.to && !(static_cast<long double>(ts) < Exact(*t.to))) return false;
    return true;
  }

  // Groups with at least one row in the timeframe; each group's rows sorted by ts, ties in
  // file order (a stable sort of the rows in their given order).
  void BuildGroups() {
    std::map<RefValue, size_t, ValueLess> index;
    for (size_t r = 0; r < data_.rows.size(); ++r) {
      if (!InTimeframe(Ts(r))) continue;
      const RefValue& id = Cell(r, group_column_);
      auto [it, inserted] = index.emplace(id, groups_.size());
      if (inserted) groups_.push_back(Group{id, {}});
      groups_[it->second].rows.push_back(r);
    }
    for (Group& g : groups_) {
      std::stable_sort(g.rows.begin(), g.rows.end(),
                       [&](size_t a, size_t b) { return Ts(a) < Ts(b); });
    }
  }

  static int64_t RowsOf(const std::vector<const Group*>& groups) {
    int64_t rows = 0;
    for (const Group* g : groups) rows += static_cast<int64_t>(g->rows.size());
    return rows;
  }

  bool MatchesAll(size_t row, const std::vector<Filter>& filters) const {
    for (const Filter& f : filters) {
      if (!MatchFilter(f, Cell(row, Column(f.column)))) return false;
    }
    return true;
  }

  bool EvaluateCondition(const Condition& c, const Group& g) const {
    if (c.kind == ConditionKind::kSequence) {
      return MatchSequence(c.sequence, g).reached == c.sequence.PositiveStepCount() - 1;
    }
    int64_t count = 0;
    bool int_sum = true;
    int64_t isum = 0;
    double dsum = 0;
    for (size_t row : g.rows) {
      if (!MatchesAll(row, c.filters)) continue;
      ++count;
      if (c.target.type != TargetType::kSum) continue;
      // "null values of the summed column are skipped", and NaN too: "numeric aggregations
      // skip it like null" (section 3), and a sum target is a sum like the `sum` aggregation.
      const RefValue& v = Cell(row, Column(c.target.column));
      if (const int64_t* i = std::get_if<int64_t>(&v)) {
        isum += *i;
      } else if (const double* d = std::get_if<double>(&v); d && !std::isnan(*d)) {
        int_sum = false;
        dsum += *d;
      }
    }
    // "includeZero: whether groups with no matching row at all take part (they then have
    // count 0)"; it defaults to false and is never set on a sum target.
    if (count == 0 && !c.include_zero) return false;
    if (c.target.type == TargetType::kCount) {
      return Satisfies(CompareNumeric(RefValue(count), c.target.value), AsFilterOp(c.target.op));
    }
    RefValue sum = int_sum ? RefValue(isum) : RefValue(static_cast<double>(isum) + dsum);
    return Satisfies(CompareNumeric(sum, c.target.value), AsFilterOp(c.target.op));
  }

  // Section 6, by brute force: every chain of rows is enumerated and checked against the
  // definition literally.
  SequenceOutcome MatchSequence(const Sequence& seq, const Group& g) const {
    SeqState s(seq);
    for (size_t i = 0; i < seq.steps.size(); ++i) {
      if (seq.steps[i].row_found) {
        s.positive.push_back(static_cast<int>(i));
        s.negative_before.emplace_back();
      } else if (!s.positive.empty()) {
        s.negative_before.back().push_back(static_cast<int>(i));
      }
    }
    // negative_before[k] was filled with the negatives after positive k; shift so that
    // negative_before[k] holds those between positive k-1 and k, and the last is trailing.
    s.trailing = s.negative_before.back();
    for (size_t k = s.negative_before.size() - 1; k > 0; --k) {
      s.negative_before[k] = s.negative_before[k - 1];
    }
    s.negative_before[0].clear();
    const int n = static_cast<int>(g.rows.size());
    s.ts.resize(n);
    s.match.assign(n, std::vector<char>(seq.steps.size(), 0));
    for (int r = 0; r < n; ++r) {
      s.ts[r] = Ts(g.rows[r]);
      for (size_t i = 0; i < seq.steps.size(); ++i) {
        s.match[r][i] = MatchesAll(g.rows[r], seq.steps[i].filters) ? 1 : 0;
      }
    }
    s.out.shortest.assign(s.positive.size(), std::numeric_limits<int64_t>::max());
    s.out.earliest_start.assign(s.positive.size(), std::numeric_limits<size_t>::max());
    std::vector<int> chain;
    std::vector<char> used(n, 0);
    for (int r = 0; r < n; ++r) {
      if (!s.match[r][s.positive[0]]) continue;
      chain.assign(1, r);
      used[r] = 1;
      if (seq.order == SequenceOrder::kAny) {
        ExtendAny(s, chain, used);
      } else {
        ExtendOrdered(s, chain);
      }
      used[r] = 0;
    }
    return s.out;
  }

  struct SeqState {
    explicit SeqState(const Sequence& sequence) : seq(sequence) {}
    const Sequence& seq;
    std::vector<int> positive;                      // step index of each positive step
    std::vector<std::vector<int>> negative_before;  // [k]: negatives between positive k-1, k
    std::vector<int> trailing;                      // negatives after the last positive step
    std::vector<int64_t> ts;
    std::vector<std::vector<char>> match;  // [row][step]
    SequenceOutcome out;
  };

  static bool Within(int64_t difference, const std::optional<Number>& limit) {
    return !limit || static_cast<long double>(difference) <= Exact(*limit);
  }

  static void Record(SeqState& s, int k, int64_t duration, size_t start) {
    s.out.reached = std::max(s.out.reached, k);
    s.out.shortest[k] = std::min(s.out.shortest[k], duration);
    s.out.earliest_start[k] = std::min(s.out.earliest_start[k], start);
  }

  // "When it is the last step it forbids a matching row after the last positive step's row, up
  // to ts(r0) + maxDuration (or at all, without maxDuration)".
  static bool TrailingAllows(const SeqState& s, const std::vector<int>& chain) {
    const int64_t last = s.ts[chain.back()], first = s.ts[chain.front()];
    for (int neg : s.trailing) {
      for (size_t q = 0; q < s.ts.size(); ++q) {
        if (s.match[q][neg] && s.ts[q] > last && Within(s.ts[q] - first, s.seq.max_duration)) {
          return false;
        }
      }
    }
    return true;
  }

  // `chain` (rows r0..rj) already qualifies for positive steps 0..j.
  static void ExtendOrdered(SeqState& s, std::vector<int>& chain) {
    const int j = static_cast<int>(chain.size()) - 1;
    const int last_step = static_cast<int>(s.positive.size()) - 1;
    if (j < last_step || TrailingAllows(s, chain)) {
      Record(s, j, s.ts[chain.back()] - s.ts[chain.front()], chain.front());
    }
    if (j == last_step) return;
    const int last = chain.back();
    const int step = s.positive[j + 1];
    const int n = static_cast<int>(s.ts.size());
    for (int r = 0; r < n; ++r) {
      if (s.seq.order == SequenceOrder::kStrict && r != last + 1) continue;
      if (s.ts[r] <= s.ts[last]) continue;  // strictly increasing ts
      if (!s.match[r][step]) continue;
      if (!Within(s.ts[r] - s.ts[chain.front()], s.seq.max_duration)) continue;
      if (!Within(s.ts[r] - s.ts[last], s.seq.steps[step].max_gap)) continue;
      bool forbidden = false;
      for (int neg : s.negative_before[j + 1]) {
        for (int q = 0; q < n; ++q) {
          if (s.match[q][neg] && s.ts[q] > s.ts[last] && s.ts[q] < s.ts[r]) forbidden = true;
        }
      }
      if (forbidden) continue;
      chain.push_back(r);
      ExtendOrdered(s, chain);
      chain.pop_back();
    }
  }

  // "order any": distinct rows, one per positive step, all within maxDuration of each other.
  static void ExtendAny(SeqState& s, std::vector<int>& chain, std::vector<char>& used) {
    const int j = static_cast<int>(chain.size()) - 1;
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
    for (int r : chain) {
      lo = std::min(lo, s.ts[r]);
      hi = std::max(hi, s.ts[r]);
    }
    Record(s, j, hi - lo, chain.front());
    if (j == static_cast<int>(s.positive.size()) - 1) return;
    const int step = s.positive[j + 1];
    for (int r = 0; r < static_cast<int>(s.ts.size()); ++r) {
      if (used[r] || !s.match[r][step]) continue;
      if (!Within(std::max(hi, s.ts[r]) - std::min(lo, s.ts[r]), s.seq.max_duration)) continue;
      used[r] = 1;
      chain.push_back(r);
      ExtendAny(s, chain, used);
      chain.pop_back();
      used[r] = 0;
    }
  }

  // Section 5: one aggregation over all rows (in the timeframe) of the groups in scope.
  AggregationData Compute(const Aggregation& a, const std::vector<const Group*>& scope) const {
    AggregationData d;
    d.scope_groups = static_cast<int64_t>(scope.size());
    const size_t column = Column(a.column);
    const bool has_other =
        a.type == AggregationType::kSumPerValue || a.type == AggregationType::kMeanPerValue;
    const size_t other = has_other ? Column(a.other_column) : 0;
    for (const Group* g : scope) {
      std::set<RefValue, ValueLess> group_values;
      for (size_t row : g->rows) {
        const RefValue& v = Cell(row, column);
        if (IsNull(v)) continue;
        ++d.non_null;
        d.distinct.insert(v);
        group_values.insert(v);
        if (a.type == AggregationType::kCountPerValue) ++d.per_value[v].rows;
        if (has_other) {
          // "over rows where both are not null"; a NaN in the other column is skipped like a
          // null because the sum and the mean are numeric aggregations.
          const RefValue& o = Cell(row, other);
          const bool usable =
              !IsNull(o) && !(std::holds_alternative<double>(o) && std::isnan(std::get<double>(o)));
          if (!usable) continue;
          ValueStats& e = d.per_value[v];
          ++e.rows;
          if (const int64_t* i = std::get_if<int64_t>(&o)) {
            e.int_sum += *i;
          } else {
            e.sum_is_integer = false;
            e.real_sum += std::get<double>(o);
          }
          continue;
        }
        const bool numeric =
            std::holds_alternative<int64_t>(v) ||
            (std::holds_alternative<double>(v) && !std::isnan(std::get<double>(v)));
        if (!numeric) continue;
        ++d.numeric_count;
        if (const int64_t* i = std::get_if<int64_t>(&v)) {
          d.int_sum += *i;
        } else {
          d.sum_is_integer = false;
          d.real_sum += std::get<double>(v);
        }
        if (!d.min || ValueLess()(v, *d.min)) d.min = v;
        if (!d.max || ValueLess()(*d.max, v)) d.max = v;
      }
      if (a.type == AggregationType::kGroupsPerValue) {
        for (const RefValue& v : group_values) ++d.per_value[v].groups;
      }
    }
    return d;
  }

  // The number of a per-value entry for the aggregation's type.
  static Num EntryNumber(AggregationType type, const ValueStats& e) {
    switch (type) {
      case AggregationType::kCountPerValue:
        return IntNum(e.rows);
      case AggregationType::kGroupsPerValue:
        return IntNum(e.groups);
      case AggregationType::kSumPerValue:
        return e.sum_is_integer ? IntNum(e.int_sum)
                                : RealNum(static_cast<double>(e.int_sum) + e.real_sum);
      default:
        return RealNum((static_cast<double>(e.int_sum) + e.real_sum) / static_cast<double>(e.rows));
    }
  }

  static double Share(AggregationType type, const AggregationData& d, const Num& number) {
    long double total = 0;
    if (type == AggregationType::kGroupsPerValue) {
      total = static_cast<long double>(d.scope_groups);
    } else {
      for (const auto& [v, e] : d.per_value) total += EntryNumber(type, e).Value();
    }
    if (total == 0) return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(number.Value() / total);
  }

  json AggregationResult(const Aggregation& a, const AggregationData& audience,
                         const AggregationData* baseline) const {
    json r;
    r["column"] = a.column;
    r["type"] = AggregationTypeName(a.type);
    if (!a.name.empty()) r["name"] = a.name;
    if (IsPerValue(a.type)) {
      // Largest numbers first, ties by value.
      std::vector<std::pair<RefValue, Num>> entries;
      for (const auto& [v, e] : audience.per_value) entries.emplace_back(v, EntryNumber(a.type, e));
      std::stable_sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
        return x.second.Value() > y.second.Value();
      });
      const size_t kept = std::min(entries.size(), static_cast<size_t>(a.top));
      r["value"] = json::object();
      for (size_t i = 0; i < kept; ++i)
        r["value"][KeyText(entries[i].first)] = entries[i].second.ToJson();
      // otherCount: the sum of the numbers outside the top; for meanPerValue the mean over the
      // rows whose value is outside the top.
      if (a.type == AggregationType::kMeanPerValue) {
        int64_t rows = 0;
        long double sum = 0;
        for (size_t i = kept; i < entries.size(); ++i) {
          const ValueStats& e = audience.per_value.at(entries[i].first);
          rows += e.rows;
          sum += static_cast<long double>(e.int_sum) + e.real_sum;
        }
        r["otherCount"] = rows == 0 ? json(nullptr) : json(static_cast<double>(sum / rows));
      } else {
        bool integer = true;
        int64_t isum = 0;
        double dsum = 0;
        for (size_t i = kept; i < entries.size(); ++i) {
          if (entries[i].second.is_integer) {
            isum += entries[i].second.integer;
          } else {
            integer = false;
            dsum += entries[i].second.real;
          }
        }
        r["otherCount"] = integer ? json(isum) : json(static_cast<double>(isum) + dsum);
      }
      if (baseline) {
        r["baselineValue"] = json::object();
        if (a.type != AggregationType::kMeanPerValue) r["lift"] = json::object();
        for (size_t i = 0; i < kept; ++i) {
          const std::string key = KeyText(entries[i].first);
          auto it = baseline->per_value.find(entries[i].first);
          if (it == baseline->per_value.end()) {
            r["baselineValue"][key] = nullptr;  // cannot happen: the baseline holds the audience
            continue;
          }
          Num base = EntryNumber(a.type, it->second);
          r["baselineValue"][key] = base.ToJson();
          if (a.type == AggregationType::kMeanPerValue) continue;
          double audience_share = Share(a.type, audience, entries[i].second);
          double baseline_share = Share(a.type, *baseline, base);
          if (std::isnan(audience_share) || std::isnan(baseline_share) || baseline_share == 0) {
            r["lift"][key] = nullptr;  // undefined: the spec gives no value
          } else {
            r["lift"][key] = audience_share / baseline_share;
          }
        }
      }
      return r;
    }
    r["value"] = ScalarValue(a, audience);
    if (baseline) r["baselineValue"] = ScalarValue(a, *baseline);
    return r;
  }

  static json ScalarValue(const Aggregation& a, const AggregationData& d) {
    switch (a.type) {
      case AggregationType::kCount:
        return d.non_null;
      case AggregationType::kCountDistinct:
        return static_cast<int64_t>(d.distinct.size());
      case AggregationType::kSum:
        return d.sum_is_integer ? json(d.int_sum)
                                : json(static_cast<double>(d.int_sum) + d.real_sum);
      case AggregationType::kMean:
        if (d.numeric_count == 0) return nullptr;
        return (static_cast<double>(d.int_sum) + d.real_sum) / static_cast<double>(d.numeric_count);
      case AggregationType::kMin:
      case AggregationType::kMax: {
        const auto& v = a.type == AggregationType::kMin ? d.min : d.max;
        if (!v) return nullptr;
        if (const int64_t* i = std::get_if<int64_t>(&*v)) return *i;
        return std::get<double>(*v);
      }
      default:
        throw std::logic_error("not a scalar aggregation");
    }
  }

  json Aggregations(const std::vector<Aggregation>& aggregations,
                    const std::vector<const Group*>& scope) const {
    json out = json::array();
    std::vector<const Group*> all;
    for (const Group& g : groups_) all.push_back(&g);
    for (const Aggregation& a : aggregations) {
      AggregationData audience = Compute(a, scope);
      std::optional<AggregationData> baseline;
      if (a.baseline) baseline = Compute(a, all);
      out.push_back(AggregationResult(a, audience, baseline ? &*baseline : nullptr));
    }
    return out;
  }

  // Percentile by linear interpolation between closest ranks: position p * (n - 1).
  static double Percentile(const std::vector<int64_t>& sorted, double p) {
    double position = p * static_cast<double>(sorted.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(position));
    size_t hi = std::min(lo + 1, sorted.size() - 1);
    double fraction = position - static_cast<double>(lo);
    return static_cast<double>(sorted[lo]) +
           fraction * static_cast<double>(sorted[hi] - sorted[lo]);
  }

  static json TimeToConvert(std::vector<int64_t> durations) {
    json t;
    t["count"] = static_cast<int64_t>(durations.size());
    if (durations.empty()) {
      for (const char* key : {"mean", "median", "p90", "min", "max"}) t[key] = nullptr;
      t["histogram"] = json::array();
      return t;
    }
    std::sort(durations.begin(), durations.end());
    long double sum = 0;
    for (int64_t d : durations) sum += d;
    t["mean"] = static_cast<double>(sum / durations.size());
    t["median"] = Percentile(durations, 0.5);
    t["p90"] = Percentile(durations, 0.9);
    t["min"] = durations.front();
    t["max"] = durations.back();
    // 20 equal-width bins over [min, max]: bin i holds [min + i * w, min + (i + 1) * w), in
    // exact integer arithmetic, and the maximum falls in the last bin.
    std::vector<int64_t> bins(20, 0);
    const int64_t lo = durations.front(), range = durations.back() - durations.front();
    for (int64_t d : durations) {
      int64_t bin = range == 0 ? 0 : (d - lo) * 20 / range;
      ++bins[std::min<int64_t>(bin, 19)];
    }
    t["histogram"] = bins;
    return t;
  }

  // Section 6.1 breakdown: each group that reached step 0 is counted under the value of the
  // column on the step-0 row of its attributed chain (among the chains reaching its furthest
  // step, the one with the earliest step-0 row), for every step it reached.
  json Breakdown(const frocket::Breakdown& b, const std::vector<const Group*>& groups,
                 const std::vector<SequenceOutcome>& outcomes, int steps) const {
    const size_t column = Column(b.column);
    std::map<RefValue, std::vector<int64_t>, ValueLess> values;
    std::vector<int64_t> nulls(steps, 0);
    for (size_t i = 0; i < groups.size(); ++i) {
      const SequenceOutcome& o = outcomes[i];
      if (o.reached < 0) continue;
      const RefValue& v = Cell(groups[i]->rows[o.earliest_start[o.reached]], column);
      std::vector<int64_t>* counts = &nulls;
      if (!IsNull(v)) {
        auto [it, inserted] = values.emplace(v, std::vector<int64_t>(steps, 0));
        counts = &it->second;
      }
      for (int k = 0; k <= o.reached; ++k) ++(*counts)[k];
    }
    std::vector<std::pair<RefValue, std::vector<int64_t>>> sorted(values.begin(), values.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& x, const auto& y) { return x.second[0] > y.second[0]; });
    json out;
    out["column"] = b.column;
    out["values"] = json::object();
    std::vector<int64_t> other(steps, 0);
    bool has_other = false;
    for (size_t i = 0; i < sorted.size(); ++i) {
      if (i < static_cast<size_t>(b.top)) {
        out["values"][KeyText(sorted[i].first)] = sorted[i].second;
      } else {
        has_other = true;
        for (int k = 0; k < steps; ++k) other[k] += sorted[i].second[k];
      }
    }
    if (has_other) out["values"]["$other"] = other;
    if (nulls[0] > 0) out["values"]["$null"] = nulls;
    return out;
  }

  // "up to n ids of matching groups ..., chosen deterministically (smallest hash first)".
  json Sample(const std::vector<const Group*>& groups) const {
    std::vector<std::pair<uint64_t, std::string>> ids;
    for (const Group* g : groups) {
      uint64_t hash = std::holds_alternative<int64_t>(g->id)
                          ? GroupIdHash(std::get<int64_t>(g->id))
                          : GroupIdHash(std::string_view(std::get<std::string>(g->id)));
      ids.emplace_back(hash, KeyText(g->id));
    }
    std::sort(ids.begin(), ids.end());
    json out = json::array();
    for (size_t i = 0; i < ids.size() && i < static_cast<size_t>(query_.options.sample_group_ids);
         ++i) {
      out.push_back(ids[i].second);
    }
    return out;
  }

  const RefDataset& data_;
  const Query& query_;
  std::map<std::string, size_t> columns_;
  size_t group_column_ = 0;
  size_t ts_column_ = 0;
  std::vector<Group> groups_;
};

// ---- Comparison ----

class Comparer {
 public:
  std::vector<std::string> differences;

  void Fail(const std::string& path, const std::string& what, const json& reference,
            const json& engine) {
    differences.push_back(path + ": " + what + ": reference " + reference.dump() + ", engine " +
                          engine.dump());
  }

  static bool Close(const json& a, const json& b) {
    if (a.is_number_integer() && b.is_number_integer()) {
      // Compare as exact integers, signed or unsigned.
      if (a.is_number_unsigned() || b.is_number_unsigned()) {
        return a.dump() == b.dump();
      }
      return a.get<int64_t>() == b.get<int64_t>();
    }
    double x = a.get<double>(), y = b.get<double>();
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    double scale = std::max({1.0, std::fabs(x), std::fabs(y)});
    return std::fabs(x - y) <= 1e-9 * scale;
  }

  // A number or null.
  void Number(const std::string& path, const json& reference, const json* engine) {
    if (engine == nullptr) return Fail(path, "missing", reference, nullptr);
    if (reference.is_null() || !engine->is_number() || !reference.is_number()) {
      if (reference != *engine) Fail(path, "differs", reference, *engine);
      return;
    }
    if (!Close(reference, *engine)) Fail(path, "differs", reference, *engine);
  }

  // The value under `key`, or null when `object` is not an object or lacks it.
  static const json& At(const json& object, const std::string& key) {
    static const json kNull;
    const json* found = Get(object, key);
    return found ? *found : kNull;
  }

  static const json* Get(const json& object, const std::string& key) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  }

  // A number or a map value -> number (compared as maps). `lenient_null`: a reference null
  // accepts any engine value.
  void Value(const std::string& path, const json& reference, const json* engine,
             bool lenient_null = false) {
    if (!reference.is_object()) return Number(path, reference, engine);
    if (engine == nullptr || !engine->is_object()) {
      return Fail(path, "expected an object", reference, engine ? *engine : json(nullptr));
    }
    for (auto it = reference.begin(); it != reference.end(); ++it) {
      const json* e = Get(*engine, it.key());
      if (e == nullptr) {
        Fail(path + "/" + it.key(), "missing key", it.value(), nullptr);
      } else if (!(lenient_null && it.value().is_null())) {
        Number(path + "/" + it.key(), it.value(), e);
      }
    }
    for (auto it = engine->begin(); it != engine->end(); ++it) {
      if (!reference.contains(it.key()))
        Fail(path + "/" + it.key(), "unexpected key", nullptr, it.value());
    }
  }

  void Aggregation(const std::string& path, const json& reference, const json& engine) {
    for (const char* key : {"column", "type", "name"}) {
      const json* e = Get(engine, key);
      const json* r = Get(reference, key);
      if ((r == nullptr) != (e == nullptr) || (r && *r != *e)) {
        Fail(path + "/" + key, "differs", r ? *r : json(nullptr), e ? *e : json(nullptr));
      }
    }
    Value(path + "/value", At(reference, "value"), Get(engine, "value"));
    if (const json* r = Get(reference, "otherCount")) {
      const json* e = Get(engine, "otherCount");
      const bool empty = r->is_null() || (r->is_number() && r->get<double>() == 0);
      if (e != nullptr || !empty) Number(path + "/otherCount", *r, e);
    }
    if (const json* e = Get(engine, "approximate"); e && *e == true) {
      Fail(path + "/approximate", "exact data reported approximate", false, *e);
    }
    for (const char* key : {"baselineValue", "lift"}) {
      const json* r = Get(reference, key);
      const json* e = Get(engine, key);
      if (r == nullptr) {
        if (e != nullptr && !e->is_null()) Fail(path + "/" + key, "unexpected", nullptr, *e);
        continue;
      }
      Value(path + "/" + key, *r, e, std::string(key) == "lift");
    }
  }

  void Aggregations(const std::string& path, const json* reference, const json* engine) {
    const json empty = json::array();
    const json& r = reference ? *reference : empty;
    const json& e = engine && !engine->is_null() ? *engine : empty;
    if (!e.is_array() || r.size() != e.size()) {
      return Fail(path, "different number of aggregations", r, e);
    }
    for (size_t i = 0; i < r.size(); ++i) Aggregation(path + "/" + std::to_string(i), r[i], e[i]);
  }

  void TimeToConvert(const std::string& path, const json& reference, const json* engine) {
    if (engine == nullptr || !engine->is_object()) {
      return Fail(path, "missing", reference, engine ? *engine : json(nullptr));
    }
    for (const char* key : {"count", "mean", "median", "p90", "min", "max"}) {
      Number(path + "/" + key, At(reference, key), Get(*engine, key));
    }
    // Bins are numbers or objects with a "count". With 20 bins they must match the
    // reference's; any other layout (the spec leaves min == max open) must add up to the count.
    if (const json* h = Get(*engine, "histogram"); h && h->is_array()) {
      json counts = json::array();
      int64_t total = 0;
      for (const json& bin : *h) {
        const json& count = bin.is_object() ? bin.value("count", json(0)) : bin;
        counts.push_back(count);
        total += count.is_number() ? count.get<int64_t>() : 0;
      }
      const json& expected = At(reference, "histogram");
      if (expected.is_array() && counts.size() == expected.size()) {
        if (counts != expected) Fail(path + "/histogram", "bin counts differ", expected, counts);
      } else if (total != At(reference, "count").get<int64_t>()) {
        Fail(path + "/histogram", "bins do not add up to count", At(reference, "count"), *h);
      }
    } else if (At(reference, "count") != 0) {
      Fail(path + "/histogram", "missing", At(reference, "histogram"), nullptr);
    }
  }

  void Compare(const json& reference, const json& engine) {
    const json* rq = Get(reference, "query");
    const json* eq = Get(engine, "query");
    if (eq == nullptr) return Fail("/query", "missing", *rq, nullptr);
    for (const char* key : {"matchingGroups", "matchingGroupRows", "totalGroups", "totalRows"}) {
      Number(std::string("/query/") + key, At(*rq, key), Get(*eq, key));
    }
    Aggregations("/query/aggregations", Get(*rq, "aggregations"), Get(*eq, "aggregations"));

    const json* rf = Get(reference, "funnel");
    const json* ef = Get(engine, "funnel");
    if ((rf == nullptr) != (ef == nullptr)) {
      Fail("/funnel", "presence differs", rf ? *rf : json(nullptr), ef ? *ef : json(nullptr));
    } else if (rf != nullptr) {
      const json& rs = At(*rf, "sequence");
      const json* es = Get(*ef, "sequence");
      if (es == nullptr || !es->is_array() || es->size() != rs.size()) {
        Fail("/funnel/sequence", "different number of steps", rs, es ? *es : json(nullptr));
      } else {
        for (size_t k = 0; k < rs.size(); ++k) {
          const std::string path = "/funnel/sequence/" + std::to_string(k);
          const json& r = rs[k];
          const json& e = (*es)[k];
          Number(path + "/matchingGroups", At(r, "matchingGroups"), Get(e, "matchingGroups"));
          Number(path + "/matchingGroupRows", At(r, "matchingGroupRows"),
                 Get(e, "matchingGroupRows"));
          Aggregations(path + "/aggregations", Get(r, "aggregations"), Get(e, "aggregations"));
          if (const json* t = Get(r, "timeToConvert")) {
            TimeToConvert(path + "/timeToConvert", *t, Get(e, "timeToConvert"));
          }
        }
      }
      Aggregations("/funnel/endAggregations", Get(*rf, "endAggregations"),
                   Get(*ef, "endAggregations"));
      if (const json* rb = Get(*rf, "breakdown")) {
        const json* eb = Get(*ef, "breakdown");
        if (eb == nullptr || Get(*eb, "column") == nullptr ||
            At(*eb, "column") != At(*rb, "column") || Get(*eb, "values") == nullptr ||
            At(*eb, "values") != At(*rb, "values")) {
          Fail("/funnel/breakdown", "differs", *rb, eb ? *eb : json(nullptr));
        }
      }
    }

    if (const json* rs = Get(reference, "sampleGroupIds")) {
      const json* es = Get(engine, "sampleGroupIds");
      std::multiset<std::string> r, e;
      for (const json& id : *rs) r.insert(id.get<std::string>());
      if (es != nullptr && es->is_array()) {
        for (const json& id : *es) e.insert(id.is_string() ? id.get<std::string>() : id.dump());
      }
      if (es == nullptr || r != e) {
        Fail("/sampleGroupIds", "differs", *rs, es ? *es : json(nullptr));
      }
    }
  }
};

}  // namespace

RefDataset MakeRefDataset(const std::vector<RefColumn>& columns, const nlohmann::json& rows,
                          const std::string& group_id_column, const std::string& timestamp_column) {
  RefDataset data;
  data.columns = columns;
  data.group_id_column = group_id_column;
  data.timestamp_column = timestamp_column;
  for (const json& row : rows) {
    std::vector<RefValue> cells;
    for (size_t c = 0; c < columns.size(); ++c) {
      const json& cell = row.at(c);
      if (cell.is_null()) {
        cells.emplace_back(std::monostate{});
        continue;
      }
      switch (columns[c].kind) {
        case ColumnKind::kInt:
          cells.emplace_back(cell.get<int64_t>());
          break;
        case ColumnKind::kFloat:
          if (cell.is_string()) {
            const std::string& s = cell.get_ref<const std::string&>();
            double inf = std::numeric_limits<double>::infinity();
            cells.emplace_back(s == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                                          : (s == "Infinity" ? inf : -inf));
          } else {
            cells.emplace_back(cell.get<double>());
          }
          break;
        case ColumnKind::kString:
          cells.emplace_back(cell.get<std::string>());
          break;
        case ColumnKind::kBool:
          cells.emplace_back(cell.get<bool>());
          break;
        default:
          throw std::invalid_argument("unsupported reference column kind");
      }
    }
    data.rows.push_back(std::move(cells));
  }
  return data;
}

nlohmann::json EvaluateReference(const RefDataset& data, const Query& query) {
  return Evaluator(data, query).Run();
}

std::vector<std::string> CompareWithReference(const nlohmann::json& reference,
                                              const nlohmann::json& engine) {
  Comparer comparer;
  comparer.Compare(reference, engine);
  return comparer.differences;
}

}  // namespace frocket::testing
