// Renders the values frocket reads the way DuckDB 1.5 prints them with CAST(x AS VARCHAR), so
// that tests can compare our reading of a Parquet file cell by cell with a DuckDB dump of the
// same file (the corpus `expected/duckdb/*.jsonl` files, the generated ground truth, and the
// DuckDB interop test all use that text form).
//
// The mapping from a Parquet column to a DuckDB type follows DuckDB's Parquet reader:
//   INT32/INT64 (no annotation or INT(n, signed)) -> TINYINT..BIGINT, INT(n, unsigned) ->
//   UTINYINT..UBIGINT; FLOAT16 -> FLOAT; DECIMAL -> DECIMAL(p,s); STRING/ENUM -> VARCHAR;
//   JSON -> JSON; unannotated BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY, BSON and unknown logical types ->
//   BLOB; DATE -> DATE; TIME -> TIME (TIME_NS for NANOS, TIME WITH TIME ZONE when isAdjustedToUTC);
//   TIMESTAMP(MILLIS|MICROS) and INT96 -> TIMESTAMP; TIMESTAMP(NANOS) -> TIMESTAMP_NS; any
//   TIMESTAMP with isAdjustedToUTC -> TIMESTAMP WITH TIME ZONE (microseconds, printed "+00" since
//   the dumps run with TimeZone=UTC); UUID -> UUID; INTERVAL -> INTERVAL; GEOMETRY -> GEOMETRY
//   (printed as WKT). Only a LogicalType's isAdjustedToUTC gives a time zone: the legacy
//   converted types TIME_*/TIMESTAMP_* alone stay naive in DuckDB (recognized through
//   ColumnDescriptor::logical_name, which then holds the converted type's name). INTERVAL and
//   GEOMETRY are likewise recognized through logical_name ("INTERVAL", "GEOMETRY...").
//
// One deliberate difference from DuckDB 1.5: INT96 is decoded with Spark's wrapping 64-bit
// arithmetic, which gives the documented values of int96_from_spark.parquet where DuckDB
// overflows (MANIFEST.md "Which expectation to trust").
//
// Text forms (all checked against the corpus expectations):
//   integers in decimal; booleans "true"/"false"; FLOAT/DOUBLE in the shortest form that
//   round-trips, fixed notation with at least one fraction digit ("0.0", "1.1", "-1000.5") when
//   the decimal exponent is in [-4, 16), otherwise "1e+20" / "1.5e-07"; "nan", "-nan", "inf",
//   "-inf"; DECIMAL with exactly `scale` fraction digits ("-99.99", "2015.0000000000");
//   DATE "YYYY-MM-DD" (years < 1 as "(1 - year) (BC)" after the date, years >= 10000 unpadded);
//   TIME "HH:MM:SS[.ffffff]" and TIMESTAMP "YYYY-MM-DD HH:MM:SS[.ffffff]" with trailing zero
//   fraction digits removed (nine digits for TIMESTAMP_NS); UUID lower-case 8-4-4-4-12 hex;
//   BLOB with printable ASCII kept and every other byte (and \ ' ") as "\xNN" (upper-case hex);
//   INTERVAL "N years N months N days HH:MM:SS[.ffffff]" with zero parts left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parquet/column_vector.h"
#include "parquet/schema.h"

namespace frocket::testing {

// The DuckDB type name DuckDB's Parquet reader gives this column ("INTEGER", "UBIGINT",
// "DECIMAL(9,2)", "TIMESTAMP WITH TIME ZONE", "BLOB", ...), as DESCRIBE prints it.
std::string DuckDbTypeName(const parquet::ColumnDescriptor& column);

// The text DuckDB's CAST(value AS VARCHAR) gives for row `row` of `vector`, or nullopt when
// the row is null. Works for plain and dictionary-form vectors. The column must be supported.
std::optional<std::string> DuckDbText(const parquet::ColumnDescriptor& column,
                                      const parquet::ColumnVector& vector, int64_t row);

// True when `actual` (from DuckDbText) denotes the same value as `expected` (DuckDB's text).
// The comparison is exact except where the same value legitimately has more than one text:
//   - FLOAT, DOUBLE and FLOAT16 columns: both sides are parsed and compared as float32
//     (FLOAT, FLOAT16) or float64 values with exact equality, because different DuckDB/fmt
//     versions pick different notations for the same shortest digits (for example "1e+20" vs
//     "100000000000000000000.0"). NaN equals NaN with the same sign ("nan" vs "-nan" differ,
//     as DuckDB prints the sign), and -0.0 differs from 0.0.
//   - GEOMETRY columns: WKT is compared token by token, numbers by their double value, since
//     WKT writers differ in how they print coordinates ("10" vs "10.0").
// Everything else (integers, decimals, dates, times, strings, blobs, UUIDs, intervals) must
// match byte for byte.
bool DuckDbTextMatches(const parquet::ColumnDescriptor& column, std::string_view expected,
                       std::string_view actual);

// Building blocks, exposed for expectations computed from first principles (for example
// microsecond values documented next to a file).
std::string DuckDbDateText(int64_t days_since_epoch);
// `micros` since 1970-01-01 00:00:00 (UTC).
std::string DuckDbTimestampText(int64_t micros);
std::string DuckDbDoubleText(double value);
std::string DuckDbFloatText(float value);
// printable ASCII except \ ' " as is, every other byte as \xNN.
std::string DuckDbBlobText(std::string_view bytes);

}  // namespace frocket::testing
