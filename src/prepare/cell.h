// One value of a row as an input reader hands it to `frocket prepare`: its text and what the
// input format says about it. Types are decided later (type_inference.h), from the kinds of all
// the values of a column, so every value keeps the text it was read from.
#pragma once

#include <cstdint>
#include <string_view>

namespace frocket::prepare {

enum class CellKind : uint8_t {
  kNull,       // CSV unquoted empty field, JSON null, a Parquet null, an absent JSON key
  kText,       // untyped text to classify (ClassifyText): a CSV field, a JSON number
  kInt,        // an integer that fits int64
  kDouble,     // a number that is not an int64 (fraction, exponent, too large, NaN, infinities)
  kBool,       // text "true" / "false" (any case)
  kString,     // anything else: JSON strings, nested JSON, CSV text that is not a number
  kTimestamp,  // a Parquet timestamp, as ISO-8601 text (iso8601.h)
};

struct Cell {
  CellKind kind = CellKind::kNull;
  std::string_view text;  // empty for kNull
};

// The kind of untyped text: kInt when it is a decimal integer within int64 ("-12", "007");
// kDouble for other decimal numbers ("1.5", "-2e10", ".5", "1e999" and integers past int64);
// kBool for "true" / "false" in any case; kString otherwise (including "", " 1", "+1", "nan",
// "inf" and hexadecimal).
CellKind ClassifyText(std::string_view text);

// Strict conversions: the whole text must be the value, with no surrounding spaces.
// ParseInt64 accepts an optional '-' and decimal digits. ParseDouble accepts what
// ClassifyText calls a number, and also "nan", "inf", "infinity" and "NaN"/"Infinity" style
// spellings, with an optional '-'. ParseBool accepts "true" / "false" in any case.
bool ParseInt64(std::string_view text, int64_t* out);
bool ParseDouble(std::string_view text, double* out);
bool ParseBool(std::string_view text, bool* out);

}  // namespace frocket::prepare
