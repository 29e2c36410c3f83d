// Puts a column chunk, as the Parquet reader returns it, into the form the engine computes on,
// one per query-language column kind (QUERY_LANGUAGE.md section 3, catalog/schema_mapping.h):
//
//   INT     physical kInt64: int64 values. INT32/INT64 of every width and signedness (UINT64
//           above 2^63-1 throws Error(kCorruptFile)... see NormalizeColumn), DATE as days,
//           TIME and TIMESTAMP (INT64 or INT96) converted to the dataset's timestamp unit with
//           ConvertTicks / Int96ToTicks.
//   FLOAT   physical kDouble: double values (FLOAT, DOUBLE, FLOAT16, DECIMAL of any storage).
//   BOOL    physical kBoolean: one byte per row, 0 or 1.
//   STRING  physical kByteArray, either materialized (offsets + bytes) or in dictionary form
//           (uint32 codes + a BYTE_ARRAY dictionary) when the input was in dictionary form.
//           UUID (FIXED_LEN_BYTE_ARRAY(16)) becomes its canonical 36-character text.
//
// Validity and size are kept; null slots hold zero / empty values. A non-STRING column that
// arrives in dictionary form is materialized. When the input already has the target form
// (INT64 without conversion, DOUBLE, BOOLEAN, strings) its buffers are moved, not copied.
#pragma once

#include "parquet/column_vector.h"
#include "parquet/schema.h"
#include "query/dataset_schema.h"

namespace frocket {

// `column` describes `raw`'s Parquet column; `kind` is its query-language kind (never
// kUnsupported); `unit` is the dataset's timestamp unit. `file_name` prefixes error messages.
// Throws Error(kCorruptFile) for a value that cannot be represented (a UINT64 above
// 2^63-1, a timestamp outside int64 in the dataset unit), naming the file and column.
parquet::ColumnVector NormalizeColumn(parquet::ColumnVector raw,
                                      const parquet::ColumnDescriptor& column, ColumnKind kind,
                                      TimestampUnit unit, const std::string& file_name);

}  // namespace frocket
