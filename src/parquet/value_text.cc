#include "parquet/value_text.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "common/error.h"
#include "parquet/decimal_value.h"

namespace frocket::parquet {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kJulianDayOfEpoch = 2440588;

// ---------------------------------------------------------------------------------------------
// Small appenders.

template <typename T>
void AppendInteger(T value, std::string* out) {
  char buf[24];
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, result.ptr);
}

// Appends `value` in decimal, left-padded with zeros to at least `width` digits.
void AppendPadded(uint64_t value, int width, std::string* out) {
  char buf[24];
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  int len = static_cast<int>(result.ptr - buf);
  if (len < width) out->append(static_cast<size_t>(width - len), '0');
  out->append(buf, result.ptr);
}

void AppendTwoDigits(int64_t value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

// For b > 0: a = quotient * b + remainder with remainder in [0, b). Unlike computing
// a - FloorDiv(a, b) * b, this cannot overflow near INT64_MIN.
struct FloorDivision {
  int64_t quotient;
  int64_t remainder;
};
FloorDivision FloorDivMod(int64_t a, int64_t b) {
  int64_t q = a / b;
  int64_t r = a % b;
  if (r < 0) {
    r += b;
    --q;
  }
  return {q, r};
}

template <typename F>
void AppendFloating(F value, TextFormat format, std::string* out) {
  const char* special = nullptr;
  if (std::isnan(value)) {
    special = "NaN";
  } else if (std::isinf(value)) {
    special = value > 0 ? "Infinity" : "-Infinity";
  }
  if (special != nullptr) {
    if (format == TextFormat::kJson) out->push_back('"');
    out->append(special);
    if (format == TextFormat::kJson) out->push_back('"');
    return;
  }
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, result.ptr);
}


// ---------------------------------------------------------------------------------------------
// Strings.

// Bytes that go into a JSON string unchanged: printable ASCII except '"' and '\\'.
constexpr bool IsJsonSafe(uint8_t c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// Length of the well-formed UTF-8 sequence starting at p (1 to 4), or 0 when the byte at p
// does not start one. p[0] is not ASCII.
size_t Utf8SequenceLength(const uint8_t* p, size_t available) {
  uint8_t c = p[0];
  auto cont = [&](size_t i, uint8_t lo = 0x80, uint8_t hi = 0xbf) {
    return i < available && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    uint8_t lo = c == 0xe0 ? 0xa0 : 0x80;  // no overlong forms
    uint8_t hi = c == 0xed ? 0x9f : 0xbf;  // no surrogates
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    uint8_t lo = c == 0xf0 ? 0x90 : 0x80;  // no overlong forms
    uint8_t hi = c == 0xf4 ? 0x8f : 0xbf;  // nothing past U+10FFFF
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

constexpr char kHex[] = "0123456789abcdef";

void AppendJsonStringBody(std::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    size_t start = i;
    while (i < n && IsJsonSafe(p[i])) ++i;
    out->append(text.data() + start, i - start);
    if (i == n) break;
    uint8_t c = p[i];
    if (c < 0x80) {
      out->push_back('\\');
      switch (c) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '\b':
          out->push_back('b');
          break;
        case '\f':
          out->push_back('f');
          break;
        case '\n':
          out->push_back('n');
          break;
        case '\r':
          out->push_back('r');
          break;
        case '\t':
          out->push_back('t');
          break;
        default:
          out->append("u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
      }
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(p + i, n - i);
    if (len == 0) {
      out->append("\\ufffd");
      ++i;
    } else {
      out->append(text.data() + i, len);
      i += len;
    }
  }
}

constexpr std::string_view kReplacementCharacter = "\xef\xbf\xbd";

void AppendCsvText(std::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  size_t n = text.size();
  if (n == 0) {
    out->append("\"\"");  // an empty string, as opposed to null (an empty field)
    return;
  }
  // One scan decides whether the text can be copied as is, which is by far the common case.
  bool needs_quotes = false;
  bool clean = true;
  for (size_t i = 0; i < n;) {
    uint8_t c = p[i];
    if (c < 0x80) {
      if (c == ',' || c == '"' || c == '\r' || c == '\n') needs_quotes = true;
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(p + i, n - i);
    if (len == 0) {
      clean = false;
      break;
    }
    i += len;
  }
  if (clean && !needs_quotes) {
    out->append(text);
    return;
  }
  if (!clean) {
    // Rare: look again for quoting needs past the first invalid byte.
    for (size_t i = 0; i < n; ++i) {
      uint8_t c = p[i];
      if (c == ',' || c == '"' || c == '\r' || c == '\n') needs_quotes = true;
    }
  }
  if (needs_quotes) out->push_back('"');
  for (size_t i = 0; i < n;) {
    uint8_t c = p[i];
    if (c < 0x80) {
      if (c == '"') out->push_back('"');
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(p + i, n - i);
    if (len == 0) {
      out->append(kReplacementCharacter);
      ++i;
    } else {
      out->append(text.data() + i, len);
      i += len;
    }
  }
  if (needs_quotes) out->push_back('"');
}

void AppendString(std::string_view text, TextFormat format, std::string* out) {
  if (format == TextFormat::kJson) {
    out->push_back('"');
    AppendJsonStringBody(text, out);
    out->push_back('"');
  } else {
    AppendCsvText(text, out);
  }
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void AppendBase64(const uint8_t* p, size_t n, TextFormat format, std::string* out) {
  bool quote = format == TextFormat::kJson || n == 0;  // CSV: "" keeps empty apart from null
  if (quote) out->push_back('"');
  size_t start = out->size();
  out->resize(start + (n + 2) / 3 * 4);
  char* dst = out->data() + start;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    *dst++ = kBase64Alphabet[v >> 18];
    *dst++ = kBase64Alphabet[(v >> 12) & 63];
    *dst++ = kBase64Alphabet[(v >> 6) & 63];
    *dst++ = kBase64Alphabet[v & 63];
  }
  if (i < n) {
    uint32_t v = uint32_t{p[i]} << 16;
    if (i + 1 < n) v |= uint32_t{p[i + 1]} << 8;
    *dst++ = kBase64Alphabet[v >> 18];
    *dst++ = kBase64Alphabet[(v >> 12) & 63];
    *dst++ = i + 1 < n ? kBase64Alphabet[(v >> 6) & 63] : '=';
    *dst++ = '=';
  }
  if (quote) out->push_back('"');
}

// ---------------------------------------------------------------------------------------------
// Decimals.

// Appends sign, digits and point for an unscaled value given as its magnitude's decimal
// digits.
void AppendScaledDigits(bool negative, std::string_view digits, int32_t scale, TextFormat format,
                        std::string* out) {
  if (format == TextFormat::kJson) out->push_back('"');
  if (negative && digits != "0") out->push_back('-');
  size_t len = digits.size();
  size_t s = static_cast<size_t>(scale);
  if (s == 0) {
    out->append(digits);
  } else if (len > s) {
    out->append(digits.substr(0, len - s));
    out->push_back('.');
    out->append(digits.substr(len - s));
  } else {
    out->append("0.");
    out->append(s - len, '0');
    out->append(digits);
  }
  if (format == TextFormat::kJson) out->push_back('"');
}

void AppendDecimal64(int64_t unscaled, int32_t scale, TextFormat format, std::string* out) {
  uint64_t magnitude = unscaled < 0 ? 0 - static_cast<uint64_t>(unscaled) : unscaled;
  char buf[24];
  auto result = std::to_chars(buf, buf + sizeof(buf), magnitude);
  AppendScaledDigits(unscaled < 0, std::string_view(buf, result.ptr - buf), scale, format, out);
}


// Big-endian two's complement of any length.
void AppendDecimalBytes(const uint8_t* p, size_t n, int32_t scale, TextFormat format,
                        std::string* out) {
  const DecimalMagnitude m = DecodeDecimalBytes(p, n);
  if (!m.fits_128) {
    AppendScaledDigits(m.negative, m.digits, scale, format, out);
    return;
  }
  char buf[48];
  char* first = FormatUInt128(m.value, buf + sizeof(buf));
  AppendScaledDigits(m.negative, std::string_view(first, buf + sizeof(buf) - first), scale, format,
                     out);
}

// ---------------------------------------------------------------------------------------------
// Dates and times.

// Days since 1970-01-01 to a proleptic Gregorian date: shift the epoch to 0000-03-01 so that
// the leap day ends each 400-year era, then split into eras, years of the era and days.
void AppendDate(int64_t days, std::string* out) {
  int64_t z = days + 719468;  // days from 0000-03-01
  int64_t era = FloorDivMod(z, 146097).quotient;
  int64_t day_of_era = z - era * 146097;  // [0, 146096]
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t year = year_of_era + era * 400;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t month_from_march = (5 * day_of_year + 2) / 153;  // [0, 11]
  int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  if (month <= 2) ++year;
  if (year < 0) {
    out->push_back('-');
    AppendPadded(0 - static_cast<uint64_t>(year), 4, out);
  } else {
    AppendPadded(static_cast<uint64_t>(year), 4, out);
  }
  out->push_back('-');
  AppendTwoDigits(month, out);
  out->push_back('-');
  AppendTwoDigits(day, out);
}

// seconds_of_day in [0, 86400), fraction in [0, 10^digits).
void AppendClock(int64_t seconds_of_day, uint64_t fraction, int digits, std::string* out) {
  AppendTwoDigits(seconds_of_day / 3600, out);
  out->push_back(':');
  AppendTwoDigits(seconds_of_day / 60 % 60, out);
  out->push_back(':');
  AppendTwoDigits(seconds_of_day % 60, out);
  out->push_back('.');
  AppendPadded(fraction, digits, out);
}

void AppendTimestamp(int64_t days, int64_t seconds_of_day, uint64_t fraction, int digits, bool utc,
                     TextFormat format, std::string* out) {
  if (format == TextFormat::kJson) out->push_back('"');
  AppendDate(days, out);
  out->push_back('T');
  AppendClock(seconds_of_day, fraction, digits, out);
  if (utc) out->push_back('Z');
  if (format == TextFormat::kJson) out->push_back('"');
}

void AppendTime(int64_t value, int64_t units_per_second, int digits, TextFormat format,
                std::string* out) {
  if (format == TextFormat::kJson) out->push_back('"');
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : value;
  if (value < 0) out->push_back('-');
  uint64_t per_second = static_cast<uint64_t>(units_per_second);
  uint64_t seconds = magnitude / per_second;
  AppendPadded(seconds / 3600, 2, out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int64_t>(seconds / 60 % 60), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int64_t>(seconds % 60), out);
  out->push_back('.');
  AppendPadded(magnitude % per_second, digits, out);
  if (format == TextFormat::kJson) out->push_back('"');
}

void AppendUuid(const uint8_t* p, TextFormat format, std::string* out) {
  if (format == TextFormat::kJson) out->push_back('"');
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    out->push_back(kHex[p[i] >> 4]);
    out->push_back(kHex[p[i] & 15]);
  }
  if (format == TextFormat::kJson) out->push_back('"');
}

void AppendNull(TextFormat format, std::string* out) {
  if (format == TextFormat::kJson) out->append("null");
}

using Kind = CellFormatter::Kind;

Kind KindByPhysical(PhysicalType physical) {
  switch (physical) {
    case PhysicalType::kBoolean:
      return Kind::kBoolean;
    case PhysicalType::kInt32:
      return Kind::kInt32;
    case PhysicalType::kInt64:
      return Kind::kInt64;
    case PhysicalType::kFloat:
      return Kind::kFloat;
    case PhysicalType::kDouble:
      return Kind::kDouble;
    case PhysicalType::kInt96:
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return Kind::kBase64;
  }
  return Kind::kBase64;
}

// The rendering for a column, or the physical type's when the descriptor pairs a value type
// with a physical type it cannot be stored in (the schema should never do that).
Kind ResolveKind(const ColumnDescriptor& c) {
  using P = PhysicalType;
  P p = c.physical;
  bool bytes = p == P::kByteArray || p == P::kFixedLenByteArray;
  switch (c.type) {
    case ValueType::kBoolean:
      if (p == P::kBoolean) return Kind::kBoolean;
      break;
    case ValueType::kInt:
      if (p == P::kInt32) return c.is_signed ? Kind::kInt32 : Kind::kUInt32;
      if (p == P::kInt64) return c.is_signed ? Kind::kInt64 : Kind::kUInt64;
      break;
    case ValueType::kFloat16:
      if (p == P::kFixedLenByteArray && c.type_length == 2) return Kind::kFloat16;
      break;
    case ValueType::kFloat:
      if (p == P::kFloat) return Kind::kFloat;
      break;
    case ValueType::kDouble:
      if (p == P::kDouble) return Kind::kDouble;
      break;
    case ValueType::kDecimal:
      if (p == P::kInt32) return Kind::kDecimalInt32;
      if (p == P::kInt64) return Kind::kDecimalInt64;
      if (bytes) return Kind::kDecimalBytes;
      break;
    case ValueType::kString:
      if (p == P::kByteArray) return Kind::kString;
      break;
    case ValueType::kBinary:
      if (bytes) return Kind::kBase64;
      break;
    case ValueType::kDate:
      if (p == P::kInt32) return Kind::kDate;
      break;
    case ValueType::kTime:
      if (p == P::kInt32) return Kind::kTime32;
      if (p == P::kInt64) return Kind::kTime64;
      break;
    case ValueType::kTimestamp:
      if (p == P::kInt96) return Kind::kTimestampInt96;
      if (p == P::kInt64) return Kind::kTimestamp64;
      break;
    case ValueType::kUuid:
      if (p == P::kFixedLenByteArray && c.type_length == 16) return Kind::kUuid;
      break;
  }
  return KindByPhysical(p);
}

}  // namespace

CellFormatter::CellFormatter(const ColumnDescriptor& column, TextFormat format)
    : kind_(ResolveKind(column)),
      format_(format),
      physical_(column.physical),
      type_length_(column.type_length) {
  if (kind_ == Kind::kDecimalInt32 || kind_ == Kind::kDecimalInt64 ||
      kind_ == Kind::kDecimalBytes) {
    if (column.scale < 0 || column.scale > kMaxDecimalScale) {
      ThrowCorrupt("column '" + column.name + "' has a decimal scale outside [0, " +
                   std::to_string(kMaxDecimalScale) + "]: " + std::to_string(column.scale));
    }
    scale_ = column.scale;
  }
  TimeUnit unit = kind_ == Kind::kTimestampInt96 ? TimeUnit::kNanos : column.unit;
  switch (unit) {
    case TimeUnit::kMillis:
      units_per_second_ = 1000;
      fraction_digits_ = 3;
      break;
    case TimeUnit::kMicros:
      units_per_second_ = 1000000;
      fraction_digits_ = 6;
      break;
    case TimeUnit::kNanos:
      units_per_second_ = 1000000000;
      fraction_digits_ = 9;
      break;
  }
  utc_ = column.utc && kind_ != Kind::kTimestampInt96;
}

void CellFormatter::CheckVector(const ColumnVector& vector) const {
  const ColumnVector& values = vector.has_dictionary() ? *vector.dictionary : vector;
  if (values.physical != physical_ ||
      (physical_ == PhysicalType::kFixedLenByteArray && values.type_length != type_length_)) {
    throw Error(ErrorKind::kInternal, std::string("value formatter for ") +
                                          PhysicalTypeName(physical_) + " was given a vector of " +
                                          PhysicalTypeName(values.physical));
  }
}

template <CellFormatter::Kind K>
void CellFormatter::AppendValueOf(const ColumnVector& v, int64_t row, std::string* out) const {
  if constexpr (K == Kind::kBoolean) {
    out->append(v.values.data()[row] != 0 ? "true" : "false");
  } else if constexpr (K == Kind::kInt32) {
    AppendInteger(v.Get<int32_t>(row), out);
  } else if constexpr (K == Kind::kUInt32) {
    AppendInteger(v.Get<uint32_t>(row), out);
  } else if constexpr (K == Kind::kInt64) {
    AppendInteger(v.Get<int64_t>(row), out);
  } else if constexpr (K == Kind::kUInt64) {
    AppendInteger(v.Get<uint64_t>(row), out);
  } else if constexpr (K == Kind::kFloat16) {
    AppendFloating(HalfToFloat(v.Get<uint16_t>(row)), format_, out);
  } else if constexpr (K == Kind::kFloat) {
    AppendFloating(v.Get<float>(row), format_, out);
  } else if constexpr (K == Kind::kDouble) {
    AppendFloating(v.Get<double>(row), format_, out);
  } else if constexpr (K == Kind::kDecimalInt32) {
    AppendDecimal64(v.Get<int32_t>(row), scale_, format_, out);
  } else if constexpr (K == Kind::kDecimalInt64) {
    AppendDecimal64(v.Get<int64_t>(row), scale_, format_, out);
  } else if constexpr (K == Kind::kDecimalBytes) {
    if (physical_ == PhysicalType::kByteArray) {
      std::string_view bytes = v.GetBytes(row);
      AppendDecimalBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), scale_,
                         format_, out);
    } else {
      AppendDecimalBytes(v.FixedBytes(row), static_cast<size_t>(v.width()), scale_, format_, out);
    }
  } else if constexpr (K == Kind::kString) {
    AppendString(v.GetBytes(row), format_, out);
  } else if constexpr (K == Kind::kBase64) {
    if (physical_ == PhysicalType::kByteArray) {
      std::string_view bytes = v.GetBytes(row);
      AppendBase64(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), format_, out);
    } else {
      AppendBase64(v.FixedBytes(row), static_cast<size_t>(v.width()), format_, out);
    }
  } else if constexpr (K == Kind::kDate) {
    if (format_ == TextFormat::kJson) out->push_back('"');
    AppendDate(v.Get<int32_t>(row), out);
    if (format_ == TextFormat::kJson) out->push_back('"');
  } else if constexpr (K == Kind::kTime32) {
    AppendTime(v.Get<int32_t>(row), units_per_second_, fraction_digits_, format_, out);
  } else if constexpr (K == Kind::kTime64) {
    AppendTime(v.Get<int64_t>(row), units_per_second_, fraction_digits_, format_, out);
  } else if constexpr (K == Kind::kTimestamp64) {
    FloorDivision seconds = FloorDivMod(v.Get<int64_t>(row), units_per_second_);
    FloorDivision days = FloorDivMod(seconds.quotient, kSecondsPerDay);
    AppendTimestamp(days.quotient, days.remainder, static_cast<uint64_t>(seconds.remainder),
                    fraction_digits_, utc_, format_, out);
  } else if constexpr (K == Kind::kTimestampInt96) {
    const uint8_t* p = v.FixedBytes(row);
    int64_t nanos;
    int32_t julian_day;
    std::memcpy(&nanos, p, 8);
    std::memcpy(&julian_day, p + 8, 4);
    // Spark converts through int64 microseconds since the Julian epoch, which wraps for
    // instants past about year 290,000 before 1970's Julian day is subtracted, and reads them
    // back with the opposite wrap. Taking the microseconds modulo 2^64 reproduces what Spark
    // wrote (int96_from_spark.parquet's year 290000) and changes nothing for any instant
    // within int64 microseconds, which is every instant a real writer can produce. The
    // 128-bit sum cannot overflow: |days| < 2^32, |nanos / 1000| < 2^54.
    FloorDivision micros_of_day = FloorDivMod(nanos, 1000);
    __int128 micros = static_cast<__int128>(int64_t{julian_day} - kJulianDayOfEpoch) *
                          (kSecondsPerDay * 1000000) +
                      micros_of_day.quotient;
    auto wrapped =
        static_cast<int64_t>(static_cast<uint64_t>(static_cast<unsigned __int128>(micros)));
    FloorDivision seconds = FloorDivMod(wrapped, 1000000);
    FloorDivision days = FloorDivMod(seconds.quotient, kSecondsPerDay);
    uint64_t fraction = static_cast<uint64_t>(seconds.remainder) * 1000 +
                        static_cast<uint64_t>(micros_of_day.remainder);
    AppendTimestamp(days.quotient, days.remainder, fraction, 9, false, format_, out);
  } else if constexpr (K == Kind::kUuid) {
    AppendUuid(v.FixedBytes(row), format_, out);
  }
}

// Every Kind, once: both dispatch switches below expand it, so they cannot drift apart.
#define FROCKET_FOR_EACH_VALUE_KIND(X)                                                        \
  X(kBoolean)                                                                                 \
  X(kInt32) X(kUInt32) X(kInt64) X(kUInt64) X(kFloat16) X(kFloat) X(kDouble) X(kDecimalInt32) \
      X(kDecimalInt64) X(kDecimalBytes) X(kString) X(kBase64) X(kDate) X(kTime32) X(kTime64)  \
          X(kTimestamp64) X(kTimestampInt96) X(kUuid)

void CellFormatter::AppendValue(const ColumnVector& values, int64_t row, std::string* out) const {
  switch (kind_) {
#define FROCKET_VALUE_KIND_CASE(k)            \
  case Kind::k:                               \
    AppendValueOf<Kind::k>(values, row, out); \
    return;
    FROCKET_FOR_EACH_VALUE_KIND(FROCKET_VALUE_KIND_CASE)
#undef FROCKET_VALUE_KIND_CASE
  }
}

void CellFormatter::Append(const ColumnVector& vector, int64_t row, std::string* out) const {
  CheckVector(vector);
  if (vector.IsNull(row)) {
    AppendNull(format_, out);
    return;
  }
  if (!vector.has_dictionary()) {
    AppendValue(vector, row, out);
    return;
  }
  uint32_t code = vector.Code(row);
  if (code >= static_cast<uint64_t>(vector.dictionary->size)) {
    ThrowCorrupt("dictionary code " + std::to_string(code) +
                 " is past the end of a dictionary of " + std::to_string(vector.dictionary->size) +
                 " values");
  }
  AppendValue(*vector.dictionary, code, out);
}

template <CellFormatter::Kind K>
void CellFormatter::AppendRangeOf(const ColumnVector& vector, int64_t begin, int64_t end,
                                  std::string* text, std::vector<size_t>* ends) const {
  if (vector.validity.empty()) {
    for (int64_t row = begin; row < end; ++row) {
      AppendValueOf<K>(vector, row, text);
      ends->push_back(text->size());
    }
    return;
  }
  for (int64_t row = begin; row < end; ++row) {
    if (vector.IsValid(row)) {
      AppendValueOf<K>(vector, row, text);
    } else {
      AppendNull(format_, text);
    }
    ends->push_back(text->size());
  }
}

void CellFormatter::AppendRange(const ColumnVector& vector, int64_t begin, int64_t end,
                                std::string* text, std::vector<size_t>* ends) const {
  CheckVector(vector);
  ends->reserve(ends->size() + static_cast<size_t>(end > begin ? end - begin : 0));
  if (vector.has_dictionary()) {
    for (int64_t row = begin; row < end; ++row) {
      Append(vector, row, text);
      ends->push_back(text->size());
    }
    return;
  }
  switch (kind_) {
#define FROCKET_VALUE_KIND_CASE(k)                          \
  case Kind::k:                                             \
    AppendRangeOf<Kind::k>(vector, begin, end, text, ends); \
    return;
    FROCKET_FOR_EACH_VALUE_KIND(FROCKET_VALUE_KIND_CASE)
#undef FROCKET_VALUE_KIND_CASE
  }
}

bool CellFormatter::AppendPlain(std::string_view plain, std::string* out) const {
  ColumnVector one;
  one.physical = physical_;
  one.type_length = type_length_;
  one.size = 1;
  if (physical_ == PhysicalType::kByteArray) {
    if (plain.size() > UINT32_MAX) return false;
    uint32_t offsets[2] = {0, static_cast<uint32_t>(plain.size())};
    one.offsets.Append(offsets, sizeof(offsets));
    one.bytes.Append(plain.data(), plain.size());
  } else {
    int32_t width = one.width();
    if (width <= 0 || plain.size() != static_cast<size_t>(width)) return false;
    one.values.Append(plain.data(), plain.size());
  }
  AppendValue(one, 0, out);
  return true;
}

void AppendValueText(const ColumnDescriptor& column, const ColumnVector& vector, int64_t row,
                     TextFormat format, std::string* out) {
  CellFormatter(column, format).Append(vector, row, out);
}

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  AppendJsonStringBody(text, out);
  out->push_back('"');
}

void AppendCsvField(std::string_view field, std::string* out) {
  bool needs_quotes = field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!needs_quotes) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace frocket::parquet
