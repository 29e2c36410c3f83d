// Value text: how one cell of a column renders as text, for `frocket cat` (JSON lines and CSV)
// and for the statistics `frocket inspect` prints. The same rules apply everywhere a value is
// shown to a person or handed to another tool, so they are a contract:
//
// JSON (TextFormat::kJson), one JSON value per cell:
//   - null                 null
//   - BOOLEAN              true / false
//   - INT (any width)      an exact JSON integer; unsigned columns print unsigned, so UINT64
//                          max is 18446744073709551615, never -1.
//   - FLOAT, DOUBLE        a JSON number in the shortest text that parses back to the same
//                          value (std::to_chars), e.g. 0.1, 1e+20, -0. NaN and the infinities
//                          are not JSON numbers and print as the strings "NaN", "Infinity",
//                          "-Infinity".
//   - FLOAT16              widened to float (exact), then as FLOAT.
//   - DECIMAL(p,s)         a JSON string holding the exact decimal: scale 2 renders -12345 as
//                          "-123.45" and 5 as "0.05"; scale 0 has no point. A string, not a
//                          number, so that consumers that parse numbers as doubles cannot lose
//                          digits. Unscaled values are INT32/INT64 or big-endian two's
//                          complement bytes (FLBA/BYTE_ARRAY) of any length; an empty
//                          BYTE_ARRAY is 0.
//   - STRING/ENUM/JSON     a JSON string. `"`, `\` and control characters below U+0020 are
//                          escaped (\" \\ \b \f \n \r \t, others \u00XX). Bytes that are not
//                          part of well-formed UTF-8 (stray continuation bytes, truncated or
//                          overlong sequences, surrogates, > U+10FFFF) are replaced, one per
//                          byte, by \ufffd, so the output is always valid UTF-8 JSON.
//   - DATE                 "YYYY-MM-DD", proleptic Gregorian, astronomical year numbering:
//                          year 0 is 1 BC and prints "0000", year -1 prints "-0001"; years past
//                          9999 print with as many digits as they need ("290000-12-30").
//   - TIMESTAMP            "YYYY-MM-DDTHH:MM:SS.fff" with exactly the unit's digits (3 millis, 6
//                          micros, 9 nanos; always printed, also when zero), plus "Z" when the
//                          column is adjusted to UTC. Values before 1970 count backwards:
//                          -1 ms is "1969-12-31T23:59:59.999". Years as for DATE.
//   - INT96 timestamps     8 bytes little-endian nanoseconds of day, then 4 bytes little-endian
//                          Julian day (2440588 = 1970-01-01); printed at nanosecond precision
//                          with no "Z". The instant is computed in 128 bits, then its count of
//                          microseconds is taken modulo 2^64 as Spark does: this changes no
//                          instant within +-292,000 years of 1970, and decodes the Julian days
//                          Spark writes (wrapped) for instants near year 290,000 to the year it
//                          was given (data/int96_from_spark.md). Nanoseconds past a day carry
//                          into the date.
//   - TIME                 "HH:MM:SS.fff" with the unit's digits. Values outside a day (not
//                          valid Parquet) still print: hours go past 23, negatives get a '-'.
//   - UUID                 canonical lower-case "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
//   - BINARY and every other type we do not interpret (unannotated BYTE_ARRAY and FLBA,
//     INTERVAL, BSON, GEOMETRY, VARIANT, ...): a JSON string with standard base64 (RFC 4648,
//     with '=' padding).
//
// CSV (TextFormat::kCsv), one RFC 4180 field per cell:
//   - null is an empty field; an empty string is `""` so the two stay distinct.
//   - Otherwise the same text as JSON but without JSON quoting or escaping: strings raw (with
//     invalid UTF-8 bytes replaced by U+FFFD, written as its UTF-8 bytes), NaN as NaN, decimals,
//     dates and UUIDs unquoted.
//   - A field containing a comma, a double quote, CR or LF is enclosed in double quotes, with
//     each double quote doubled.
//
// Performance: a CellFormatter resolves the column's rendering once at construction; Append
// then does one switch and no allocation beyond growing `out`. AppendRange formats many rows
// of one column with the switch hoisted out of the loop. Dictionary-form vectors
// (has_dictionary()) are handled by every entry point.
//
// Thread safety: a CellFormatter is immutable after construction and may be shared.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/column_vector.h"
#include "parquet/schema.h"

namespace frocket::parquet {

enum class TextFormat : int8_t { kJson, kCsv };

class CellFormatter {
 public:
  // How the cells of `column` render in `format`. Throws Error(kCorruptFile) for a decimal
  // scale outside [0, 1024], which no valid schema has and which would otherwise let one cell
  // expand into gigabytes of zeros.
  CellFormatter(const ColumnDescriptor& column, TextFormat format);

  // Appends the text of row `row` of `vector` (which must hold values of the column this
  // formatter was made for) to `out`. Dictionary-form vectors are looked up through their
  // dictionary; a code past the dictionary's end throws Error(kCorruptFile).
  void Append(const ColumnVector& vector, int64_t row, std::string* out) const;

  // Appends rows [begin, end) to `text`, pushing the end offset in `text` of each cell onto
  // `ends`, so that cell i spans [ends[i-1], ends[i]) (from the size `text` had on entry for
  // the first). This is the fast path for printing many rows.
  void AppendRange(const ColumnVector& vector, int64_t begin, int64_t end, std::string* text,
                   std::vector<size_t>* ends) const;

  // Appends the text of one value given as its PLAIN encoding (statistics min/max): the raw
  // little-endian bytes of a fixed-width type, the bytes themselves for BYTE_ARRAY. Returns
  // false, appending nothing, when `plain` has the wrong length for the physical type.
  bool AppendPlain(std::string_view plain, std::string* out) const;

  // What kind of rendering the column resolved to; internal, but public so that the
  // implementation's helpers can switch on it.
  enum class Kind : int8_t {
    kBoolean,
    kInt32,
    kUInt32,
    kInt64,
    kUInt64,
    kFloat16,
    kFloat,
    kDouble,
    kDecimalInt32,
    kDecimalInt64,
    kDecimalBytes,  // FLBA or BYTE_ARRAY
    kString,
    kBase64,  // BYTE_ARRAY, FLBA or INT96 bytes
    kDate,
    kTime32,
    kTime64,
    kTimestamp64,
    kTimestampInt96,
    kUuid,
  };

 private:
  void CheckVector(const ColumnVector& vector) const;
  // `values` is never in dictionary form here, and row `row` is not null.
  void AppendValue(const ColumnVector& values, int64_t row, std::string* out) const;
  template <Kind K>
  void AppendValueOf(const ColumnVector& values, int64_t row, std::string* out) const;
  template <Kind K>
  void AppendRangeOf(const ColumnVector& vector, int64_t begin, int64_t end, std::string* text,
                     std::vector<size_t>* ends) const;

  Kind kind_;
  TextFormat format_;
  PhysicalType physical_;
  int32_t type_length_;
  int32_t scale_ = 0;
  int64_t units_per_second_ = 1000;  // kTime*, kTimestamp64
  int8_t fraction_digits_ = 3;       // kTime*, kTimestamp*
  bool utc_ = false;
};

// Convenience for one cell: builds a CellFormatter and appends row `row`. Use CellFormatter
// directly when formatting more than a few cells.
void AppendValueText(const ColumnDescriptor& column, const ColumnVector& vector, int64_t row,
                     TextFormat format, std::string* out);

// Appends `text` as a JSON string (quotes included), escaped as described above. Exposed for
// column names and other text that goes into JSON output next to values.
void AppendJsonString(std::string_view text, std::string* out);

// Appends `field` as one CSV field: raw, or quoted when it contains a comma, quote, CR or LF.
void AppendCsvField(std::string_view field, std::string* out);

}  // namespace frocket::parquet
