// FilterEvaluator: evaluates one filter (QUERY_LANGUAGE.md section 3) over a normalized column
// (column_normalizer.h) and writes one bit per row.
//
// Semantics: a null value satisfies no operator except `is null`; NaN is a value and compares
// per IEEE (only != and not in match it); INT columns compare exactly with integer literals
// (also above 2^53) and numerically with decimal literals; strings compare byte-wise.
//
// Speed: string predicates in dictionary form are evaluated once per dictionary entry, then
// looked up per row by code; numeric comparisons run as tight loops the compiler vectorizes.
// An evaluator is immutable after construction and may be shared by threads; the scratch it
// needs for a dictionary is per call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "parquet/column_vector.h"
#include "query/query.h"

namespace frocket {

class FilterEvaluator {
 public:
  explicit FilterEvaluator(const Filter& filter);

  // `column` is normalized for filter.column_kind. Writes ceil(column.size / 64) words to
  // `out`: bit i set when row i satisfies the filter. Bits past column.size are zero.
  void Evaluate(const parquet::ColumnVector& column, uint64_t* out) const;
  // As Evaluate, but ANDs into `inout` instead of overwriting (for `filters` arrays).
  void EvaluateAnd(const parquet::ColumnVector& column, uint64_t* inout) const;

 private:
  // How the value predicate is computed; nulls are masked out afterwards (except kNullTest).
  enum class Mode : uint8_t {
    kNullTest,    // is null / is not null
    kConstant,    // every non-null row gets `constant_` (e.g. INT == 1.5)
    kIntRange,    // int_lo_ <= v <= int_lo_ + int_span_ (unsigned arithmetic)
    kIntSet,      // v in int_set_
    kFloatRange,  // float_lo_ <= v <= float_hi_ (false for NaN)
    kFloatSet,    // v in float_set_
    kBool,        // (v != 0) == bool_value_
    kString,      // string_op_ applied to the bytes
  };

  struct Sink;  // where words go (store or AND), with the null and tail masks; in the .cc

  void Run(const parquet::ColumnVector& column, uint64_t* out, bool and_mode) const;
  template <FilterOp Op>
  void RunString(const parquet::ColumnVector& column, const Sink& sink) const;
  template <FilterOp Op>
  bool MatchString(std::string_view value) const;

  // Transparent hashing so that string_view rows look up std::string keys without copying.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Filter filter_;
  Mode mode_ = Mode::kConstant;
  // The value predicate is inverted (!=, not in, not contains) before nulls are masked out.
  bool negate_ = false;
  bool constant_ = false;
  bool bool_value_ = false;
  FilterOp string_op_ = FilterOp::kEq;  // kString: the positive operator (never kNe, kNotIn, ...)
  int64_t int_lo_ = 0;
  uint64_t int_span_ = 0;
  double float_lo_ = 0;
  double float_hi_ = 0;
  std::vector<int64_t> int_set_;         // sorted, unique
  std::vector<double> float_set_;        // sorted, unique, no NaN
  std::vector<std::string> string_set_;  // sorted, unique (small sets)
  std::unordered_set<std::string, StringHash, std::equal_to<>> string_hash_;  // large sets
};

}  // namespace frocket
