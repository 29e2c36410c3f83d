#include "query/query.h"

#include <cmath>

namespace frocket {

int CompareInt64ToDouble(int64_t a, double b) {
  if (std::isnan(b)) return -1;  // unordered; callers never pass NaN literals
  // 2^63 is exactly representable; every double at or above it exceeds every int64.
  if (b >= 9223372036854775808.0) return -1;
  if (b < -9223372036854775808.0) return 1;
  // Now b lies in [-2^63, 2^63), so its integral part fits an int64 exactly.
  double integral = std::trunc(b);
  int64_t whole = static_cast<int64_t>(integral);
  if (a != whole) return a < whole ? -1 : 1;
  double fraction = b - integral;
  if (fraction > 0) return -1;
  if (fraction < 0) return 1;
  return 0;
}

int CompareNumbers(const Number& a, const Number& b) {
  if (a.is_integer && b.is_integer) return a.integer < b.integer ? -1 : (a.integer > b.integer);
  if (a.is_integer) return CompareInt64ToDouble(a.integer, b.real);
  if (b.is_integer) return -CompareInt64ToDouble(b.integer, a.real);
  return a.real < b.real ? -1 : (a.real > b.real);
}

const char* FilterOpName(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return "==";
    case FilterOp::kNe:
      return "!=";
    case FilterOp::kGt:
      return ">";
    case FilterOp::kGe:
      return ">=";
    case FilterOp::kLt:
      return "<";
    case FilterOp::kLe:
      return "<=";
    case FilterOp::kIn:
      return "in";
    case FilterOp::kNotIn:
      return "not in";
    case FilterOp::kContains:
      return "contains";
    case FilterOp::kNotContains:
      return "not contains";
    case FilterOp::kStartsWith:
      return "startswith";
    case FilterOp::kEndsWith:
      return "endswith";
    case FilterOp::kRegex:
      return "regex";
    case FilterOp::kIsNull:
      return "is null";
    case FilterOp::kIsNotNull:
      return "is not null";
  }
  return "?";
}

const char* CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "==";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
  }
  return "?";
}

const char* SequenceOrderName(SequenceOrder order) {
  switch (order) {
    case SequenceOrder::kOrdered:
      return "ordered";
    case SequenceOrder::kStrict:
      return "strict";
    case SequenceOrder::kAny:
      return "any";
  }
  return "?";
}

int Sequence::PositiveStepCount() const {
  int count = 0;
  for (const Step& step : steps) count += step.row_found ? 1 : 0;
  return count;
}

const char* AggregationTypeName(AggregationType type) {
  switch (type) {
    case AggregationType::kCount:
      return "count";
    case AggregationType::kCountPerValue:
      return "countPerValue";
    case AggregationType::kGroupsPerValue:
      return "groupsPerValue";
    case AggregationType::kSumPerValue:
      return "sumPerValue";
    case AggregationType::kMeanPerValue:
      return "meanPerValue";
    case AggregationType::kSum:
      return "sum";
    case AggregationType::kMin:
      return "min";
    case AggregationType::kMax:
      return "max";
    case AggregationType::kMean:
      return "mean";
    case AggregationType::kCountDistinct:
      return "countDistinct";
  }
  return "?";
}

bool IsPerValue(AggregationType type) {
  switch (type) {
    case AggregationType::kCountPerValue:
    case AggregationType::kGroupsPerValue:
    case AggregationType::kSumPerValue:
    case AggregationType::kMeanPerValue:
      return true;
    default:
      return false;
  }
}

}  // namespace frocket
