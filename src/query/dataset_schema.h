// The columns of a dataset as the query language sees them (QUERY_LANGUAGE section 3): every
// Parquet column maps to INT, FLOAT, STRING or BOOL, or is listed as unsupported. The catalog
// builds it when a dataset is registered; the query validator checks queries against it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace frocket {

enum class ColumnKind : int8_t { kInt, kFloat, kString, kBool, kUnsupported };

const char* ColumnKindName(ColumnKind kind);  // "INT", "FLOAT", "STRING", "BOOL", "UNSUPPORTED"

// The unit of the dataset's timestamp column (and of every duration in a query).
enum class TimestampUnit : int8_t { kSeconds, kMillis, kMicros, kNanos };

const char* TimestampUnitName(TimestampUnit unit);  // "s", "ms", "us", "ns"

struct DatasetColumn {
  std::string name;
  ColumnKind kind = ColumnKind::kUnsupported;
  std::string storage_type;        // for display: "INT64", "BYTE_ARRAY STRING", "INT64 TIMESTAMP(MICROS,UTC)"
  std::string unsupported_reason;  // when kind == kUnsupported
};

struct DatasetSchema {
  std::vector<DatasetColumn> columns;
  std::string group_id_column;
  std::string timestamp_column;
  TimestampUnit timestamp_unit = TimestampUnit::kMillis;

  const DatasetColumn* Find(const std::string& name) const {
    for (const auto& c : columns) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }
};

}  // namespace frocket
