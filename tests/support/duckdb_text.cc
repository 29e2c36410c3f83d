#include "support/duckdb_text.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace frocket::testing {
namespace {

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::PhysicalType;
using parquet::TimeUnit;
using parquet::ValueType;

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
constexpr int64_t kNanosPerDay = kMicrosPerDay * 1000;
// Julian day number of 1970-01-01, the epoch INT96 timestamps count from.
constexpr int64_t kJulianEpochDay = 2440588;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Which DuckDB type a kBinary column becomes depends on an annotation the descriptor only
// carries in logical_name.
bool IsInterval(const ColumnDescriptor& c) {
  return c.type == ValueType::kBinary && c.physical == PhysicalType::kFixedLenByteArray &&
         c.type_length == 12 && StartsWith(c.logical_name, "INTERVAL");
}
bool IsGeometry(const ColumnDescriptor& c) {
  return c.type == ValueType::kBinary &&
         (StartsWith(c.logical_name, "GEOMETRY") || StartsWith(c.logical_name, "GEOGRAPHY"));
}

// DuckDB gives TIME/TIMESTAMP a time zone only when the LogicalType says isAdjustedToUTC; the
// legacy converted types TIME_MILLIS, TIME_MICROS, TIMESTAMP_MILLIS and TIMESTAMP_MICROS alone
// (which the spec defines as UTC-adjusted, so our descriptor has utc == true) become naive
// TIME/TIMESTAMP. The descriptor shows which annotation was used through logical_name, which
// holds the converted type's name ("TIMESTAMP_MILLIS") when there was no LogicalType.
bool DuckDbUtc(const ColumnDescriptor& c) {
  return c.utc && !StartsWith(c.logical_name, "TIMESTAMP_") && !StartsWith(c.logical_name, "TIME_");
}

// DuckDB's Parquet reader turns DECIMAL wider than its 38-digit maximum into DOUBLE.
bool DecimalAsDouble(const ColumnDescriptor& c) { return c.precision > 38; }

std::string Pad(int64_t value, int width) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), '0');
  return s;
}

// Proleptic Gregorian calendar date of a day count (Howard Hinnant's civil_from_days).
void CivilFromDays(int64_t z, int64_t* year, int* month, int* day) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

// "HH:MM:SS" plus the fraction with trailing zeros removed; `fraction_digits` is 6 for
// microseconds, 9 for nanoseconds.
std::string TimeOfDayText(int64_t units_of_day, int fraction_digits) {
  int64_t per_second = fraction_digits == 9 ? 1000000000 : 1000000;
  int64_t seconds = units_of_day / per_second;
  int64_t fraction = units_of_day % per_second;
  std::string out =
      Pad(seconds / 3600, 2) + ":" + Pad(seconds / 60 % 60, 2) + ":" + Pad(seconds % 60, 2);
  if (fraction != 0) {
    std::string digits = Pad(fraction, fraction_digits);
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

std::string TimestampText(int64_t value, bool nanos) {
  const int64_t per_day = nanos ? kNanosPerDay : kMicrosPerDay;
  int64_t days = FloorDiv(value, per_day);
  int64_t in_day = value - days * per_day;
  return DuckDbDateText(days) + " " + TimeOfDayText(in_day, nanos ? 9 : 6);
}

// Shortest round-trip digits of a finite value, in the layout of fmt's "{}" that DuckDB uses:
// fixed notation with at least one fraction digit when the decimal exponent is in [-4, 16),
// exponent notation with a signed, at least two-digit exponent otherwise.
template <typename T>
std::string FloatingText(T value) {
  if (std::isnan(value)) return std::signbit(value) ? "-nan" : "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view sci(buf, result.ptr - buf);
  std::string sign;
  if (sci.front() == '-') {
    sign = "-";
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = std::stoi(std::string(sci.substr(e + 1)));
  std::string out = sign;
  if (exp < -4 || exp >= 16) {
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    out += Pad(exp < 0 ? -exp : exp, 2);
  } else if (exp >= 0) {
    if (static_cast<int>(digits.size()) <= exp + 1) {
      out += digits + std::string(exp + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
    }
  } else {
    out += "0." + std::string(-exp - 1, '0') + digits;
  }
  return out;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1;
  const uint32_t exponent = (h >> 10) & 0x1f;
  const uint32_t mantissa = h & 0x3ff;
  float magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    if (mantissa == 0) {
      magnitude = INFINITY;
    } else {
      uint32_t bits = (sign << 31) | 0x7f800000u | (mantissa << 13);
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400), static_cast<int>(exponent) - 25);
  }
  return sign ? -magnitude : magnitude;
}

// Decimal text of a big-endian two's complement integer of any length, with `scale` fraction
// digits. Like DuckDB, the integer part is left out entirely when precision == scale.
std::string DecimalText(std::string_view be_bytes, int32_t precision, int32_t scale) {
  std::vector<uint8_t> mag(be_bytes.begin(), be_bytes.end());
  bool negative = !mag.empty() && (mag[0] & 0x80) != 0;
  if (negative) {
    for (uint8_t& b : mag) b = static_cast<uint8_t>(~b);
    for (size_t i = mag.size(); i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  std::string digits;
  bool nonzero = true;
  while (nonzero) {
    nonzero = false;
    uint32_t remainder = 0;
    for (uint8_t& b : mag) {
      uint32_t cur = (remainder << 8) | b;
      b = static_cast<uint8_t>(cur / 10);
      remainder = cur % 10;
      if (b != 0) nonzero = true;
    }
    digits.insert(digits.begin(), static_cast<char>('0' + remainder));
  }
  while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
  std::string out = negative && digits != "0" ? "-" : "";
  if (scale <= 0) return out + digits;
  if (static_cast<int32_t>(digits.size()) <= scale) {
    digits.insert(0, scale + 1 - digits.size(), '0');
  }
  std::string integer = digits.substr(0, digits.size() - scale);
  std::string fraction = digits.substr(digits.size() - scale);
  if (precision > scale) out += integer;
  return out + "." + fraction;
}

std::string BigEndianOf(int64_t v) {
  std::string be(8, '\0');
  for (int i = 7; i >= 0; --i) {
    be[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return be;
}

std::string PluralPart(int64_t n, const char* unit) {
  std::string s = std::to_string(n) + " " + unit;
  if (n != 1 && n != -1) s += "s";
  return s;
}

std::string IntervalText(const uint8_t* p) {
  uint32_t raw[3];
  std::memcpy(raw, p, 12);
  const int32_t months_total = static_cast<int32_t>(raw[0]);
  const int32_t days = static_cast<int32_t>(raw[1]);
  int64_t micros = static_cast<int64_t>(raw[2]) * 1000;
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += " ";
    out += part;
  };
  const int32_t years = months_total / 12;
  const int32_t months = months_total - years * 12;
  if (years != 0) add(PluralPart(years, "year"));
  if (months != 0) add(PluralPart(months, "month"));
  if (days != 0) add(PluralPart(days, "day"));
  if (micros != 0 || out.empty()) {
    std::string time;
    if (micros < 0) {
      time = "-";
      micros = -micros;
    }
    const int64_t seconds = micros / kMicrosPerSecond;
    time += Pad(seconds / 3600, 2) + ":" + Pad(seconds / 60 % 60, 2) + ":" + Pad(seconds % 60, 2);
    if (int64_t fraction = micros % kMicrosPerSecond; fraction != 0) {
      std::string digits = Pad(fraction, 6);
      while (digits.back() == '0') digits.pop_back();
      time += "." + digits;
    }
    add(time);
  }
  return out;
}

// A minimal WKB -> WKT converter for GEOMETRY columns (ISO and EWKB dimension flags).
class WkbReader {
 public:
  explicit WkbReader(std::string_view wkb) : wkb_(wkb) {}

  bool Geometry(std::string* out, bool with_name) {
    uint8_t order;
    uint32_t type;
    if (!Byte(&order) || !U32(order, &type)) return false;
    bool has_z = (type & 0x80000000u) != 0;
    bool has_m = (type & 0x40000000u) != 0;
    type &= 0xffff;
    if (type >= 3000) {
      has_z = has_m = true;
      type -= 3000;
    } else if (type >= 2000) {
      has_m = true;
      type -= 2000;
    } else if (type >= 1000) {
      has_z = true;
      type -= 1000;
    }
    const int dims = 2 + (has_z ? 1 : 0) + (has_m ? 1 : 0);
    static const char* kNames[] = {
        "",           "POINT",           "LINESTRING",   "POLYGON",
        "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"};
    if (type < 1 || type > 7) return false;
    if (with_name) {
      *out += kNames[type];
      if (has_z && has_m) {
        *out += " ZM";
      } else if (has_z) {
        *out += " Z";
      } else if (has_m) {
        *out += " M";
      }
      *out += " ";
    }
    switch (type) {
      case 1: {
        std::string coords;
        bool all_nan = true;
        for (int d = 0; d < dims; ++d) {
          double v;
          if (!F64(order, &v)) return false;
          if (!std::isnan(v)) all_nan = false;
          if (d) coords += " ";
          coords += Number(v);
        }
        *out += all_nan ? "EMPTY" : "(" + coords + ")";
        return true;
      }
      case 2:
        return Points(order, dims, out);
      case 3:
        return List(order, out, [&](std::string* o) { return Points(order, dims, o); });
      default: {
        // Multi geometries and collections hold complete WKB geometries; their members print
        // without the type name except inside a collection.
        bool named = type == 7;
        return List(order, out, [&](std::string* o) { return Geometry(o, named); });
      }
    }
  }

  bool AtEnd() const { return pos_ == wkb_.size(); }

 private:
  static std::string Number(double v) {
    std::string s = DuckDbDoubleText(v);
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
  }
  template <typename F>
  bool List(uint8_t order, std::string* out, F item) {
    uint32_t n;
    if (!U32(order, &n)) return false;
    if (n == 0) {
      *out += "EMPTY";
      return true;
    }
    *out += "(";
    for (uint32_t i = 0; i < n; ++i) {
      if (i) *out += ", ";
      if (!item(out)) return false;
    }
    *out += ")";
    return true;
  }
  bool Points(uint8_t order, int dims, std::string* out) {
    return List(order, out, [&](std::string* o) {
      for (int d = 0; d < dims; ++d) {
        double v;
        if (!F64(order, &v)) return false;
        if (d) *o += " ";
        *o += Number(v);
      }
      return true;
    });
  }
  bool Byte(uint8_t* b) {
    if (pos_ + 1 > wkb_.size()) return false;
    *b = static_cast<uint8_t>(wkb_[pos_++]);
    return true;
  }
  bool Raw(uint8_t order, int n, uint8_t* dst) {
    if (pos_ + n > wkb_.size()) return false;
    for (int i = 0; i < n; ++i) {
      dst[order == 1 ? i : n - 1 - i] = static_cast<uint8_t>(wkb_[pos_ + i]);
    }
    pos_ += n;
    return true;
  }
  bool U32(uint8_t order, uint32_t* v) {
    uint8_t b[4];
    if (!Raw(order, 4, b)) return false;
    std::memcpy(v, b, 4);
    return true;
  }
  bool F64(uint8_t order, double* v) {
    uint8_t b[8];
    if (!Raw(order, 8, b)) return false;
    std::memcpy(v, b, 8);
    return true;
  }

  std::string_view wkb_;
  size_t pos_ = 0;
};

std::string GeometryText(std::string_view wkb) {
  WkbReader reader(wkb);
  std::string out;
  if (!reader.Geometry(&out, true) || !reader.AtEnd()) return "<invalid WKB>";
  return out;
}

// The raw bytes of a BYTE_ARRAY or fixed-width slot.
std::string_view SlotBytes(const ColumnVector& v, int64_t slot) {
  if (v.physical == PhysicalType::kByteArray) return v.GetBytes(slot);
  return {reinterpret_cast<const char*>(v.FixedBytes(slot)), static_cast<size_t>(v.width())};
}

std::string SlotText(const ColumnDescriptor& c, const ColumnVector& v, int64_t slot) {
  switch (c.type) {
    case ValueType::kBoolean:
      return v.Get<uint8_t>(slot) != 0 ? "true" : "false";
    case ValueType::kInt: {
      if (c.physical == PhysicalType::kInt32) {
        int32_t x = v.Get<int32_t>(slot);
        return c.is_signed ? std::to_string(x) : std::to_string(static_cast<uint32_t>(x));
      }
      int64_t x = v.Get<int64_t>(slot);
      return c.is_signed ? std::to_string(x) : std::to_string(static_cast<uint64_t>(x));
    }
    case ValueType::kFloat16: {
      uint16_t h;
      std::memcpy(&h, v.FixedBytes(slot), 2);
      return FloatingText(HalfToFloat(h));
    }
    case ValueType::kFloat:
      return FloatingText(v.Get<float>(slot));
    case ValueType::kDouble:
      return FloatingText(v.Get<double>(slot));
    case ValueType::kDecimal: {
      std::string be;
      if (c.physical == PhysicalType::kInt32) {
        be = BigEndianOf(v.Get<int32_t>(slot));
      } else if (c.physical == PhysicalType::kInt64) {
        be = BigEndianOf(v.Get<int64_t>(slot));
      } else {
        be = std::string(SlotBytes(v, slot));
      }
      std::string text = DecimalText(be, c.precision, c.scale);
      if (DecimalAsDouble(c)) return FloatingText(std::strtod(text.c_str(), nullptr));
      return text;
    }
    case ValueType::kString:
      return std::string(SlotBytes(v, slot));
    case ValueType::kBinary: {
      if (IsInterval(c)) return IntervalText(v.FixedBytes(slot));
      if (IsGeometry(c)) return GeometryText(SlotBytes(v, slot));
      return DuckDbBlobText(SlotBytes(v, slot));
    }
    case ValueType::kDate:
      return DuckDbDateText(v.Get<int32_t>(slot));
    case ValueType::kTime: {
      // DuckDB 1.5 reads TIME(NANOS) without UTC adjustment as TIME_NS, printed to nine digits.
      if (c.unit == TimeUnit::kNanos && !DuckDbUtc(c)) {
        return TimeOfDayText(v.Get<int64_t>(slot), 9);
      }
      int64_t micros;
      if (c.physical == PhysicalType::kInt32) {
        micros = static_cast<int64_t>(v.Get<int32_t>(slot)) * 1000;
      } else if (c.unit == TimeUnit::kNanos) {
        micros = v.Get<int64_t>(slot) / 1000;
      } else {
        micros = v.Get<int64_t>(slot);
      }
      std::string text = TimeOfDayText(micros, 6);
      return DuckDbUtc(c) ? text + "+00" : text;
    }
    case ValueType::kTimestamp: {
      if (c.physical == PhysicalType::kInt96) {
        // Julian day and nanoseconds of day, combined with wrapping 64-bit arithmetic as Spark
        // (and arrow) do: Spark writes timestamps beyond the int64 nanosecond range with a
        // wrapped day and a negative nanosecond part, and int96_from_spark.md documents the
        // values this decoding gives back. (DuckDB 1.5 itself prints garbage for those.)
        int64_t nanos_of_day;
        int32_t julian_day;
        std::memcpy(&nanos_of_day, v.FixedBytes(slot), 8);
        std::memcpy(&julian_day, v.FixedBytes(slot) + 8, 4);
        const uint64_t micros = static_cast<uint64_t>(static_cast<int64_t>(julian_day)) *
                                    static_cast<uint64_t>(kMicrosPerDay) +
                                static_cast<uint64_t>(nanos_of_day / 1000) -
                                static_cast<uint64_t>(kJulianEpochDay * kMicrosPerDay);
        return DuckDbTimestampText(static_cast<int64_t>(micros));
      }
      const int64_t raw = v.Get<int64_t>(slot);
      if (c.unit == TimeUnit::kNanos && !DuckDbUtc(c)) return TimestampText(raw, true);
      __int128 micros = c.unit == TimeUnit::kMillis  ? static_cast<__int128>(raw) * 1000
                        : c.unit == TimeUnit::kNanos ? raw / 1000
                                                     : raw;
      if (micros > INT64_MAX || micros < -INT64_MAX) return "<timestamp out of range>";
      std::string text = DuckDbTimestampText(static_cast<int64_t>(micros));
      return DuckDbUtc(c) ? text + "+00" : text;
    }
    case ValueType::kUuid: {
      static const char kHex[] = "0123456789abcdef";
      std::string out;
      const uint8_t* p = v.FixedBytes(slot);
      for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kHex[p[i] >> 4];
        out += kHex[p[i] & 15];
      }
      return out;
    }
  }
  return "<unknown value type>";
}

// Parses DuckDB's float text, including "nan", "-nan", "inf", "-inf".
template <typename T>
bool ParseFloating(std::string_view text, T* out) {
  std::string s(text);
  if (s == "nan" || s == "-nan") {
    *out = std::copysign(std::numeric_limits<T>::quiet_NaN(), s[0] == '-' ? T(-1) : T(1));
    return true;
  }
  const char* begin = s.c_str();
  char* end = nullptr;
  if constexpr (std::is_same_v<T, float>) {
    *out = std::strtof(begin, &end);
  } else {
    *out = std::strtod(begin, &end);
  }
  return end != begin && *end == '\0';
}

template <typename T>
bool SameFloating(std::string_view expected, std::string_view actual) {
  T e, a;
  if (!ParseFloating(expected, &e) || !ParseFloating(actual, &a)) return false;
  if (std::isnan(e) || std::isnan(a)) {
    return std::isnan(e) && std::isnan(a) && std::signbit(e) == std::signbit(a);
  }
  return e == a && std::signbit(e) == std::signbit(a);
}

// Splits WKT into words, numbers and punctuation.
std::vector<std::string> WktTokens(std::string_view wkt) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < wkt.size()) {
    char c = wkt[i];
    if (c == ' ') {
      ++i;
    } else if (c == '(' || c == ')' || c == ',') {
      tokens.emplace_back(1, c);
      ++i;
    } else {
      size_t j = i;
      while (j < wkt.size() && wkt[j] != ' ' && wkt[j] != '(' && wkt[j] != ')' && wkt[j] != ',') {
        ++j;
      }
      tokens.emplace_back(wkt.substr(i, j - i));
      i = j;
    }
  }
  return tokens;
}

}  // namespace

std::string DuckDbDateText(int64_t days_since_epoch) {
  int64_t year;
  int month, day;
  CivilFromDays(days_since_epoch, &year, &month, &day);
  const bool bc = year <= 0;
  std::string out = Pad(bc ? 1 - year : year, 4) + "-" + Pad(month, 2) + "-" + Pad(day, 2);
  return bc ? out + " (BC)" : out;
}

std::string DuckDbTimestampText(int64_t micros) {
  // DuckDB keeps the two extreme values for infinities.
  if (micros == INT64_MAX) return "infinity";
  if (micros == -INT64_MAX) return "-infinity";
  return TimestampText(micros, false);
}

std::string DuckDbDoubleText(double value) { return FloatingText(value); }
std::string DuckDbFloatText(float value) { return FloatingText(value); }

std::string DuckDbBlobText(std::string_view bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    const auto b = static_cast<uint8_t>(ch);
    if (b >= 32 && b <= 126 && b != '\\' && b != '\'' && b != '"') {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

std::string DuckDbTypeName(const parquet::ColumnDescriptor& c) {
  switch (c.type) {
    case ValueType::kBoolean:
      return "BOOLEAN";
    case ValueType::kInt: {
      static const char* kSigned[] = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT"};
      static const char* kUnsigned[] = {"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"};
      const int index = c.bit_width <= 8 ? 0 : c.bit_width <= 16 ? 1 : c.bit_width <= 32 ? 2 : 3;
      return c.is_signed ? kSigned[index] : kUnsigned[index];
    }
    case ValueType::kFloat16:
    case ValueType::kFloat:
      return "FLOAT";
    case ValueType::kDouble:
      return "DOUBLE";
    case ValueType::kDecimal:
      if (DecimalAsDouble(c)) return "DOUBLE";
      return "DECIMAL(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
    case ValueType::kString:
      return c.string_kind == parquet::StringKind::kJson ? "JSON" : "VARCHAR";
    case ValueType::kBinary:
      if (IsInterval(c)) return "INTERVAL";
      if (IsGeometry(c)) return "GEOMETRY";
      return "BLOB";
    case ValueType::kDate:
      return "DATE";
    case ValueType::kTime:
      if (DuckDbUtc(c)) return "TIME WITH TIME ZONE";
      return c.unit == TimeUnit::kNanos ? "TIME_NS" : "TIME";
    case ValueType::kTimestamp:
      if (DuckDbUtc(c)) return "TIMESTAMP WITH TIME ZONE";
      if (!c.int96 && c.unit == TimeUnit::kNanos) return "TIMESTAMP_NS";
      return "TIMESTAMP";
    case ValueType::kUuid:
      return "UUID";
  }
  return "?";
}

std::optional<std::string> DuckDbText(const parquet::ColumnDescriptor& column,
                                      const parquet::ColumnVector& vector, int64_t row) {
  if (vector.IsNull(row)) return std::nullopt;
  if (vector.has_dictionary()) {
    const uint32_t code = vector.Code(row);
    if (code >= static_cast<uint64_t>(vector.dictionary->size)) {
      return "<dictionary code " + std::to_string(code) + " out of range>";
    }
    return SlotText(column, *vector.dictionary, code);
  }
  return SlotText(column, vector, row);
}

bool DuckDbTextMatches(const parquet::ColumnDescriptor& column, std::string_view expected,
                       std::string_view actual) {
  if (expected == actual) return true;
  switch (column.type) {
    case ValueType::kFloat16:
    case ValueType::kFloat:
      return SameFloating<float>(expected, actual);
    case ValueType::kDouble:
      return SameFloating<double>(expected, actual);
    case ValueType::kDecimal:
      return DecimalAsDouble(column) && SameFloating<double>(expected, actual);
    case ValueType::kBinary: {
      if (!IsGeometry(column)) return false;
      std::vector<std::string> e = WktTokens(expected), a = WktTokens(actual);
      if (e.size() != a.size()) return false;
      for (size_t i = 0; i < e.size(); ++i) {
        if (e[i] == a[i]) continue;
        if (!SameFloating<double>(e[i], a[i])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace frocket::testing
