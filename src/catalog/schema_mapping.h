// How a Parquet column appears to the query language (QUERY_LANGUAGE section 3), and how the
// values of the dataset's timestamp column (and of every TIME / TIMESTAMP column) convert to the
// dataset's timestamp unit. Registration builds the DatasetSchema with these rules; the engine
// reads values with the same conversions, so both live here.
//
// The mapping (docs/datasets.md repeats it for users):
//   INT      every signed and unsigned integer of 8 to 64 bits; DATE (days since 1970-01-01);
//            TIME and TIMESTAMP (INT64 or INT96) in the dataset's timestamp unit. UINT64 is INT
//            too: a value above 2^63-1 cannot be represented, so the engine refuses it when it
//            reads one, and registration marks the column unsupported when the statistics of
//            any file already show such a value.
//   FLOAT    FLOAT, DOUBLE, FLOAT16, DECIMAL of any precision.
//   STRING   STRING, ENUM, JSON (UTF-8 BYTE_ARRAY) and UUID (canonical text).
//   BOOL     BOOLEAN.
//   unsupported: unannotated BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY (binary), BSON, INTERVAL, the
//            geospatial and variant types, and every nested column (LIST, MAP, struct,
//            repeated).
#pragma once

#include <cstdint>
#include <string>

#include "parquet/format.h"
#include "parquet/schema.h"
#include "query/dataset_schema.h"

namespace frocket {

// The query-facing column for one Parquet leaf column. storage_type is the physical type
// followed by the logical type, if any ("INT64 TIMESTAMP(MICROS,UTC)", "BYTE_ARRAY STRING").
DatasetColumn MapColumn(const parquet::ColumnDescriptor& column);

// Ticks of `unit` in one second (1, 1000, 1e6, 1e9).
int64_t TicksPerSecond(TimestampUnit unit);
int64_t TicksPerSecond(parquet::TimeUnit unit);

// Parses "s", "ms", "us", "ns". Throws Error(kInvalidArgument) naming the text otherwise.
TimestampUnit ParseTimestampUnit(const std::string& text);

// Converts `value`, counted in ticks of `from_ticks_per_second`, to ticks of `to`. Going to a
// coarser unit rounds toward negative infinity, so that an instant always falls in the tick that
// contains it (-1 us is -1 ms, not 0). Going to a finer unit multiplies; a result outside int64
// throws Error(kInvalidArgument) naming the value.
int64_t ConvertTicks(int64_t value, int64_t from_ticks_per_second, TimestampUnit to);

// The instant of an INT96 timestamp (8 bytes little-endian nanoseconds of the day, then 4 bytes
// little-endian Julian day) in ticks of `to`, floor-rounded as above. Throws
// Error(kInvalidArgument) when it does not fit int64 in that unit.
int64_t Int96ToTicks(const uint8_t* bytes, TimestampUnit to);

}  // namespace frocket
