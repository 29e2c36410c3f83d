// The query model: a validated query (QUERY_LANGUAGE.md) in plain structs, with every shorthand
// expanded and every default filled in, and every column resolved against the dataset schema.
// The parser (query_parser.h) is the only producer; the engine reads it and never needs to
// validate again. All durations and timestamps are in the dataset's timestamp unit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/dataset_schema.h"
#include "query/relation.h"

namespace re2 {
class RE2;
}

namespace frocket {

// A numeric literal. Integer literals are exact (also above 2^53); decimals are doubles.
struct Number {
  bool is_integer = true;
  int64_t integer = 0;  // the exact value when is_integer
  double real = 0;      // the value as a double (rounded when is_integer and |value| > 2^53)

  static Number Integer(int64_t value) { return Number{true, value, static_cast<double>(value)}; }
  static Number Real(double value) { return Number{false, 0, value}; }
};

// Exact three-way comparisons (-1, 0, 1), never rounding the integer to a double.
int CompareInt64ToDouble(int64_t a, double b);
int CompareNumbers(const Number& a, const Number& b);

enum class LiteralType : uint8_t { kNumber, kString, kBool };

struct Literal {
  LiteralType type = LiteralType::kNumber;
  Number number;
  std::string string;
  bool boolean = false;
};

enum class FilterOp : uint8_t {
  kEq,
  kNe,
  kGt,
  kGe,
  kLt,
  kLe,
  kIn,
  kNotIn,
  kContains,
  kNotContains,
  kStartsWith,
  kEndsWith,
  kRegex,
  kIsNull,
  kIsNotNull,
};

// The operator as written in a query: "==", "not in", "startswith", "is null", ...
const char* FilterOpName(FilterOp op);

// A row predicate. A null value satisfies no operator except kIsNull.
struct Filter {
  std::string column;
  int column_index = -1;  // into DatasetSchema::columns
  ColumnKind column_kind = ColumnKind::kUnsupported;
  FilterOp op = FilterOp::kEq;
  // The operand of every operator but kIn/kNotIn (which use `values`) and the null tests (none).
  // Its type fits the column: a number for INT/FLOAT (on an INT column possibly a decimal, which
  // compares numerically), a string for STRING, a bool for BOOL.
  Literal value;
  std::vector<Literal> values;  // kIn, kNotIn: non-empty
  // kRegex: the compiled pattern (RE2 syntax, unanchored). RE2 is thread-safe for matching.
  std::shared_ptr<const re2::RE2> regex;
};

// A comparison between a group's count or sum and a target value.
enum class CompareOp : uint8_t { kEq, kNe, kGt, kGe, kLt, kLe };

const char* CompareOpName(CompareOp op);  // "==", "!=", ">", ">=", "<", "<="

enum class TargetType : uint8_t { kCount, kSum };

struct Target {
  TargetType type = TargetType::kCount;
  // kSum: the summed column (INT or FLOAT).
  std::string column;
  int column_index = -1;
  ColumnKind column_kind = ColumnKind::kUnsupported;
  CompareOp op = CompareOp::kGe;
  Number value = Number::Integer(1);  // kCount: an integer >= 0
};

enum class SequenceOrder : uint8_t { kOrdered, kStrict, kAny };

const char* SequenceOrderName(SequenceOrder order);  // "ordered", "strict", "any"

struct Step {
  std::vector<Filter> filters;    // ANDed on the same row
  bool row_found = true;          // false: a negative step (never the first step)
  std::optional<Number> max_gap;  // only on a positive step after the first, never with kAny
};

// The steps shared by sequence conditions and funnels (section 6).
struct Sequence {
  std::vector<Step> steps;  // 1..64 steps; the first is positive
  std::optional<Number> max_duration;
  SequenceOrder order = SequenceOrder::kOrdered;  // kAny never has negative steps

  int PositiveStepCount() const;
};

enum class ConditionKind : uint8_t { kRows, kSequence };

struct Condition {
  ConditionKind kind = ConditionKind::kRows;
  std::string name;  // empty when not named
  // kRows: rows matching all `filters` are counted or summed and compared by `target`.
  std::vector<Filter> filters;
  Target target;
  // Groups without any matching row take part with count 0. Set (and validated) only for count
  // targets whose comparison 0 <op> value can hold; `count == 0` always sets it.
  bool include_zero = false;
  // kSequence.
  Sequence sequence;
};

enum class AggregationType : uint8_t {
  kCount,
  kCountPerValue,
  kGroupsPerValue,
  kSumPerValue,
  kMeanPerValue,
  kSum,
  kMin,
  kMax,
  kMean,
  kCountDistinct,
};

const char* AggregationTypeName(AggregationType type);  // "count", "countPerValue", ...
bool IsPerValue(AggregationType type);  // the types whose value is a map value -> number

struct Aggregation {
  std::string column;
  int column_index = -1;
  ColumnKind column_kind = ColumnKind::kUnsupported;
  AggregationType type = AggregationType::kCount;
  // False when the query gave no type: one such aggregation becomes three (count,
  // countPerValue, groupsPerValue), all with the same source_index and no name.
  bool type_given = true;
  int source_index = 0;  // index of the aggregation in its JSON array
  std::string name;      // empty when not named
  // kSumPerValue, kMeanPerValue: the numeric column summed or averaged per value.
  std::string other_column;
  int other_column_index = -1;
  ColumnKind other_column_kind = ColumnKind::kUnsupported;
  int top = 10;  // per-value types: 1..1000
  bool baseline = false;
};

struct Timeframe {
  std::optional<Number> from;  // inclusive
  std::optional<Number> to;    // exclusive; greater than `from`
};

struct QuerySection {
  std::vector<Condition> conditions;
  // How the conditions combine; defaults to all of them. With no condition it is constant true.
  Relation relation;
  std::vector<Aggregation> aggregations;
};

struct Breakdown {
  std::string column;
  int column_index = -1;
  ColumnKind column_kind = ColumnKind::kUnsupported;
  int top = 10;  // 1..1000
};

struct Funnel {
  Sequence sequence;
  std::vector<Aggregation> step_aggregations;
  std::vector<Aggregation> end_aggregations;
  bool time_to_convert = false;
  std::optional<Breakdown> breakdown;
};

struct QueryOptions {
  int sample_group_ids = 0;  // 0..10000; 0 returns none
};

struct Query {
  std::optional<Timeframe> timeframe;
  QuerySection query;  // present even when the document has no "query" (then it matches all)
  std::optional<Funnel> funnel;
  QueryOptions options;
  // Every column the query reads (filters, targets, aggregations, breakdown), as sorted unique
  // indexes into DatasetSchema::columns. The group id and timestamp columns are not added.
  std::vector<int> used_columns;
};

}  // namespace frocket
