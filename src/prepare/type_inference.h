// The column types of a prepared dataset, and how `frocket prepare` decides them.
//
// Rules (docs/prepare.md has the user's version):
//   - A type given with --schema wins. A value that does not convert to it (FitsType) makes
//     its row a bad row.
//   - The group id and timestamp columns are typed before any row is spilled, because the
//     bucket and the sort key depend on their types: from the first kSampleRows rows of each
//     input (InferGroupIdType, InferTimestampType). Later values that do not fit are bad rows.
//   - Every other column is typed from all of its values (ColumnTypeFromKinds): the spill
//     files keep each value's text, so the type is chosen after the whole input was read and
//     no value can be a bad row because of inference. Widening: int64 -> double -> string;
//     bool and timestamp only when every value is one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "prepare/cell.h"

namespace frocket::prepare {

enum class ColumnType : uint8_t { kBool, kInt64, kDouble, kString, kTimestampMs };

// "bool", "int64", "double", "string", "timestamp_ms".
const char* ColumnTypeName(ColumnType type);
// The inverse of ColumnTypeName; nullopt for anything else.
std::optional<ColumnType> ParseColumnType(std::string_view name);

// Parses `--schema name:type,name:type,...`. Throws Error(kInvalidArgument) for a malformed
// entry, an unknown type, or a column named twice.
std::vector<std::pair<std::string, ColumnType>> ParseSchemaSpec(std::string_view spec);

inline constexpr int64_t kSampleRows = 10'000;

// A set of CellKinds (bit 1 << kind), the kinds seen in a column. kNull and kText never enter:
// text is classified first, and nulls fit every type.
using KindMask = uint8_t;
inline KindMask KindBit(CellKind kind) {
  return static_cast<KindMask>(1u << static_cast<int>(kind));
}

// The type of a column whose non-null values had the kinds in `mask`: nothing -> string (an
// all-null column); only kInt -> int64; kInt and kDouble only -> double; only kBool -> bool;
// only kTimestamp -> timestamp_ms; any other mix -> string.
ColumnType ColumnTypeFromKinds(KindMask mask);

// Group id: int64 when every non-null sampled value is an integer (kInt), or when there was
// none; string otherwise.
ColumnType InferGroupIdType(KindMask sampled_kinds);

// What the sampled values of the timestamp column looked like.
struct TimestampSample {
  int64_t integers = 0;     // values that are int64
  int64_t timestamps = 0;   // ISO-8601 text, Parquet timestamps
  int64_t others = 0;       // anything else
  std::string first_other;  // the first of those, for the error message
};
// Timestamp: timestamp_ms when any sampled value is a timestamp (integers are then taken as
// epoch milliseconds), int64 when there are only integers (the unit is the user's), int64 when
// no value was sampled. Throws Error(kInvalidArgument) naming the column when the sample has
// values but none is an integer or a timestamp.
ColumnType InferTimestampType(const TimestampSample& sample, const std::string& column);

// Whether non-null `cell` converts to `type` (what a column typed by --schema accepts):
// bool: "true"/"false" in any case; int64: ParseInt64; double: ParseDouble; string: anything;
// timestamp_ms: an int64 (epoch milliseconds) or ISO-8601 text.
bool FitsType(std::string_view text, ColumnType type);

// The timestamp as epoch milliseconds (timestamp_ms) or the integer (int64); nullopt when the
// text does not fit. `type` is kInt64 or kTimestampMs.
std::optional<int64_t> ParseTimestampValue(std::string_view text, ColumnType type);

}  // namespace frocket::prepare
