// What the Parquet writer is asked to write: the columns (WriterSchema) and how
// (WriterOptions). See file_writer.h for the writer itself.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "parquet/format.h"

namespace frocket::parquet {

// The value types the writer supports, each with a fixed Parquet mapping:
//   kBoolean -> BOOLEAN
//   kInt32 -> INT32, kInt64 -> INT64, kFloat -> FLOAT, kDouble -> DOUBLE
//   kString -> BYTE_ARRAY, logical STRING, converted UTF8 (bytes are written as given)
//   kTimestampMillis / kTimestampMicros -> INT64, logical TIMESTAMP(isAdjustedToUTC=true,
//     MILLIS / MICROS), converted TIMESTAMP_MILLIS / TIMESTAMP_MICROS
enum class WriterType : int8_t {
  kBoolean,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kString,
  kTimestampMillis,
  kTimestampMicros,
};

// The physical type a WriterType is stored as (the ColumnVector passed in must have it).
PhysicalType WriterPhysicalType(WriterType type);
const char* WriterTypeName(WriterType type);

// How one column's values are encoded.
enum class ColumnEncoding : int8_t {
  // Dictionary while it pays off (judged on the chunk's first page) and fits the limits, then
  // PLAIN, or DELTA_BINARY_PACKED for integers when that is smaller (judged per chunk).
  kAuto,
  kPlain,
  // Dictionary regardless of size gains; still falls back when the limits are reached.
  kDictionary,
  // DELTA_BINARY_PACKED; only for kInt32, kInt64 and the timestamps.
  kDeltaBinaryPacked,
};

struct WriterColumn {
  std::string name;
  WriterType type = WriterType::kInt64;
  bool nullable = true;  // OPTIONAL; otherwise REQUIRED and nulls are refused
  ColumnEncoding encoding = ColumnEncoding::kAuto;
};

struct WriterSchema {
  std::vector<WriterColumn> columns;
};

// The caller's promise that rows are sorted by these columns (recorded as sorting_columns in
// every row group). The writer checks the first one within each row group.
struct SortingColumnSpec {
  std::string name;
  bool descending = false;
  bool nulls_first = false;
};

struct WriterOptions {
  Codec codec = Codec::kZstd;
  int compression_level = 0;  // 0: the codec's default
  // A row group is cut after this many rows (Write splits batches accordingly).
  int64_t row_group_rows = 1'000'000;
  // A data page is cut once its values take this many bytes in PLAIN form.
  int64_t page_bytes = 1 << 20;
  // ... or once it holds this many rows, so all-null pages stay bounded too.
  int64_t page_rows = 1 << 20;
  // A chunk's dictionary stops growing at these limits; later values are written PLAIN (or
  // DELTA_BINARY_PACKED).
  int64_t dictionary_max_bytes = 1 << 20;
  int64_t dictionary_max_entries = 1 << 16;
  bool page_statistics = true;
  std::vector<SortingColumnSpec> sorting_columns;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

}  // namespace frocket::parquet
