// The schema of a Parquet file as frocket sees it: one ColumnDescriptor per leaf column, with
// the engine value type its physical, logical and converted types map to. Nested columns
// (anything under a LIST, MAP or group, or repeated) are kept with supported == false and a
// reason; readers skip them without failing the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parquet/format.h"

namespace frocket::parquet {

// What a column's values mean, independent of how they are stored.
enum class ValueType : int8_t {
  kBoolean,
  kInt,        // signed or unsigned, 8 to 64 bits (see bit_width, is_signed)
  kFloat16,    // FIXED_LEN_BYTE_ARRAY(2), IEEE half
  kFloat,
  kDouble,
  kDecimal,    // precision, scale; stored in INT32, INT64, FLBA or BYTE_ARRAY (big-endian two's complement)
  kString,     // UTF-8: STRING, ENUM, JSON (see string_kind)
  kBinary,     // raw bytes: unannotated BYTE_ARRAY / FLBA, BSON, INTERVAL, GEOMETRY, ...
  kDate,       // INT32 days since 1970-01-01
  kTime,       // time of day in `unit` (INT32 millis, INT64 micros or nanos)
  kTimestamp,  // INT64 in `unit` since the epoch, or INT96 (then unit == kNanos)
  kUuid,       // FIXED_LEN_BYTE_ARRAY(16)
};

enum class StringKind : int8_t { kString, kEnum, kJson };

struct ColumnDescriptor {
  int leaf_index = 0;          // position among all leaves (= column chunk index in a row group)
  std::string name;            // dotted path for nested leaves, the field name otherwise
  PhysicalType physical = PhysicalType::kInt64;
  int32_t type_length = 0;     // FIXED_LEN_BYTE_ARRAY width
  int16_t max_definition_level = 0;
  int16_t max_repetition_level = 0;
  bool nullable = false;       // OPTIONAL

  ValueType type = ValueType::kBinary;
  int8_t bit_width = 0;        // kInt: 8, 16, 32 or 64
  bool is_signed = true;       // kInt
  int32_t precision = 0;       // kDecimal
  int32_t scale = 0;           // kDecimal
  TimeUnit unit = TimeUnit::kMillis;  // kTime, kTimestamp
  bool utc = false;            // kTime, kTimestamp: isAdjustedToUTC
  bool int96 = false;          // kTimestamp stored as INT96
  StringKind string_kind = StringKind::kString;
  std::string logical_name;    // for display: "STRING", "TIMESTAMP(MICROS,UTC)", "DECIMAL(9,2)", ...

  bool supported = true;
  std::string unsupported_reason;  // "nested column (LIST)"; empty when supported
};

// The leaf columns of a file, in schema order. Throws Error(kCorruptFile) for a malformed
// schema tree (bad child counts, leaves without a type, unknown physical types) and
// Error(kNotSupported) never: unsupported leaves are marked, not refused.
class Schema {
 public:
  Schema() = default;
  explicit Schema(const std::vector<SchemaElement>& elements);

  const std::vector<ColumnDescriptor>& columns() const { return columns_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ColumnDescriptor& column(int i) const { return columns_[i]; }
  // Index of the leaf with this name, or -1.
  int FindColumn(const std::string& name) const;

 private:
  std::vector<ColumnDescriptor> columns_;
};

// "INT64", "FIXED_LEN_BYTE_ARRAY(16)", ...
std::string PhysicalTypeText(const ColumnDescriptor& column);
// "INT(64,signed)", "STRING", "TIMESTAMP(MILLIS,UTC)", "DECIMAL(9,2)", or "" for none.
std::string ValueTypeText(const ColumnDescriptor& column);

}  // namespace frocket::parquet
