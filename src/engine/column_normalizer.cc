#include "engine/column_normalizer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "catalog/schema_mapping.h"
#include "common/error.h"
#include "parquet/decimal_value.h"

namespace frocket {
namespace {

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::PhysicalType;
using parquet::ValueType;

using parquet::FormatUInt128;
using parquet::HalfToFloat;
using parquet::kMaxDecimalScale;
constexpr int kUuidTextLength = 36;
constexpr char kHex[] = "0123456789abcdef";

// Everything an error message needs to name the file and the column.
struct Context {
  const ColumnDescriptor& column;
  const std::string& file_name;

  std::string Where() const { return file_name + ": column '" + column.name + "'"; }
};

[[noreturn]] void ThrowMismatch(const Context& ctx, ColumnKind kind) {
  std::string storage = parquet::PhysicalTypeText(ctx.column);
  std::string logical = parquet::ValueTypeText(ctx.column);
  if (!logical.empty()) storage.append(" ").append(logical);
  ThrowNotSupported(ctx.Where() + " does not convert to the dataset's column type " +
                    ColumnKindName(kind) + "; this file stores it as " + storage);
}

// The reader builds vectors whose buffers match their size; checking costs nothing and keeps a
// bug elsewhere from turning into an out-of-bounds read here.
void CheckShape(const ColumnVector& v, const Context& ctx) {
  auto fail = [&](const char* what) {
    throw Error(ErrorKind::kInternal, ctx.Where() + ": column vector " + what +
                                          " is shorter than its " + std::to_string(v.size) +
                                          " rows");
  };
  if (v.size < 0) fail("size");
  const auto n = static_cast<size_t>(v.size);
  if (!v.validity.empty() && v.validity.size() < static_cast<size_t>((v.size + 63) / 64) * 8) {
    fail("validity");
  }
  if (v.has_dictionary()) {
    if (v.values.size() < n * 4) fail("code buffer");
    return;
  }
  if (v.physical == PhysicalType::kByteArray) {
    if (v.offsets.size() < (n + 1) * 4) fail("offset buffer");
    if (v.offsets.as<uint32_t>()[n] > v.bytes.size()) fail("byte buffer");
    return;
  }
  if (v.width() <= 0 || v.values.size() < n * static_cast<size_t>(v.width())) {
    fail("value buffer");
  }
}

// ---------------------------------------------------------------------------------------------
// Timestamps and times.

// Floor division by a compile-time factor, so the compiler replaces the division by a multiply.
template <int64_t kFactor>
void FloorDivideAll(const int64_t* in, int64_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    int64_t q = in[i] / kFactor;
    int64_t r = in[i] % kFactor;
    out[i] = q - (r < 0 ? 1 : 0);
  }
}

// Converts n tick counts (already widened to int64, possibly in place) from
// `from_ticks_per_second` to `unit`, with exactly ConvertTicks's rounding and range, but in a
// loop the compiler can optimize instead of one call (with a run-time division) per value.
void ConvertTickArray(const int64_t* in, int64_t* out, int64_t n, int64_t from_ticks_per_second,
                      TimestampUnit unit, const Context& ctx) {
  const int64_t to_ticks = TicksPerSecond(unit);
  if (from_ticks_per_second == to_ticks) {
    if (in != out) std::memmove(out, in, static_cast<size_t>(n) * sizeof(int64_t));
    return;
  }
  if (from_ticks_per_second > to_ticks) {
    switch (from_ticks_per_second / to_ticks) {
      case 1000:
        return FloorDivideAll<1000>(in, out, n);
      case 1000000:
        return FloorDivideAll<1000000>(in, out, n);
      case 1000000000:
        return FloorDivideAll<1000000000>(in, out, n);
      default:
        for (int64_t i = 0; i < n; ++i) out[i] = ConvertTicks(in[i], from_ticks_per_second, unit);
        return;
    }
  }
  const int64_t factor = to_ticks / from_ticks_per_second;
  for (int64_t i = 0; i < n; ++i) {
    // in[i] is read before out[i] is written, so converting in place is safe.
    int64_t v;
    if (__builtin_mul_overflow(in[i], factor, &v)) [[unlikely]] {
      try {
        ConvertTicks(in[i], from_ticks_per_second, unit);  // words the error
      } catch (const Error& e) {
        ThrowCorrupt(ctx.Where() + ": " + e.what());
      }
    }
    out[i] = v;
  }
}

int64_t TicksPerSecondOf(const ColumnDescriptor& column) { return TicksPerSecond(column.unit); }

// INT64 ticks, converted in place where that is safe (to a coarser unit, or the same unit).
void ConvertInt64Ticks(ColumnVector* raw, ColumnVector* out, const ColumnDescriptor& column,
                       TimestampUnit unit, const Context& ctx) {
  const int64_t from = TicksPerSecondOf(column);
  const auto* in = raw->values.as<int64_t>();
  if (from >= TicksPerSecond(unit)) {
    // Dividing never overflows, so the input buffer can take the result.
    ConvertTickArray(in, raw->values.as<int64_t>(), raw->size, from, unit, ctx);
    out->values = std::move(raw->values);
    return;
  }
  out->values.Resize(static_cast<size_t>(raw->size) * 8);
  ConvertTickArray(in, out->values.as<int64_t>(), raw->size, from, unit, ctx);
}

// ---------------------------------------------------------------------------------------------
// Floating point.


// Powers of ten that are exact doubles (10^22 is the largest).
constexpr double kExactPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr int kMaxExactPowerOfTen = 22;
constexpr uint64_t kMaxExactInteger = uint64_t{1} << 53;

// The double nearest to (digits) * 10^-scale, digits being a magnitude's decimal digits.
// std::from_chars rounds correctly, so the result is the double nearest to the exact decimal
// that `frocket cat` prints.
double ParseScaled(bool negative, std::string_view digits, int32_t scale) {
  std::string text;
  text.reserve(digits.size() + 16);
  if (negative) text.push_back('-');
  text.append(digits);
  text.append("e-").append(std::to_string(scale));
  double value = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    // Only reachable for absurd lengths or scales: the magnitude decides which way it went.
    bool huge = static_cast<int64_t>(digits.size()) - scale > 0;
    value = huge ? std::numeric_limits<double>::infinity() : 0.0;
    if (negative) value = -value;
  }
  return value;
}


double ScaledInt128(bool negative, unsigned __int128 magnitude, int32_t scale) {
  if (magnitude <= kMaxExactInteger && scale <= kMaxExactPowerOfTen) {
    // Both operands are exact, so the one rounding of the division is the correct rounding.
    double m = static_cast<double>(static_cast<uint64_t>(magnitude)) / kExactPowersOfTen[scale];
    return negative ? -m : m;
  }
  char buf[48];
  char* first = FormatUInt128(magnitude, buf + sizeof(buf));
  return ParseScaled(negative, std::string_view(first, buf + sizeof(buf) - first), scale);
}

double ScaledInt64(int64_t unscaled, int32_t scale) {
  uint64_t magnitude = unscaled < 0 ? 0 - static_cast<uint64_t>(unscaled) : unscaled;
  return ScaledInt128(unscaled < 0, magnitude, scale);
}

// A big-endian two's complement unscaled value of any length (an empty one is 0).
double ScaledBytes(const uint8_t* p, size_t n, int32_t scale) {
  const parquet::DecimalMagnitude m = parquet::DecodeDecimalBytes(p, n);
  if (m.fits_128) return ScaledInt128(m.negative, m.value, scale);
  return ParseScaled(m.negative, m.digits, scale);
}

// ---------------------------------------------------------------------------------------------
// Per-kind conversion of a vector that is not in dictionary form. `raw` may be a dictionary
// (then it has no nulls); conversions read it without consuming it unless the result can take
// its buffer.

// Writes the INT form of `raw`'s n values to `out` (n int64 slots).
void ConvertToInt(const ColumnVector& raw, const ColumnDescriptor& column, TimestampUnit unit,
                  const Context& ctx, int64_t* out) {
  const int64_t n = raw.size;
  switch (column.type) {
    case ValueType::kInt:
    case ValueType::kDate:
    case ValueType::kTime:
      if (raw.physical == PhysicalType::kInt32) {
        const auto* in = raw.values.as<int32_t>();
        if (column.type == ValueType::kInt && !column.is_signed) {
          // Unsigned 32-bit values fill all 32 bits: zero extension keeps 4294967295 positive.
          for (int64_t i = 0; i < n; ++i) out[i] = static_cast<uint32_t>(in[i]);
        } else {
          for (int64_t i = 0; i < n; ++i) out[i] = in[i];
        }
        if (column.type == ValueType::kTime) {
          ConvertTickArray(out, out, n, TicksPerSecondOf(column), unit, ctx);
        }
        return;
      }
      if (raw.physical == PhysicalType::kInt64) {
        const auto* in = raw.values.as<int64_t>();
        if (column.type == ValueType::kTime) {
          ConvertTickArray(in, out, n, TicksPerSecondOf(column), unit, ctx);
          return;
        }
        if (column.type == ValueType::kInt && !column.is_signed) {
          uint64_t high = 0;
          for (int64_t i = 0; i < n; ++i) high |= static_cast<uint64_t>(in[i]);
          if (high >> 63) {
            for (int64_t i = 0; i < n; ++i) {
              if (in[i] < 0) {
                ThrowCorrupt(ctx.Where() + ": UINT64 value above 2^63-1 cannot be represented: " +
                             std::to_string(static_cast<uint64_t>(in[i])));
              }
            }
          }
        }
        if (in != out) std::memcpy(out, in, static_cast<size_t>(n) * 8);
        return;
      }
      break;
    case ValueType::kTimestamp:
      if (raw.physical == PhysicalType::kInt64) {
        ConvertTickArray(raw.values.as<int64_t>(), out, n, TicksPerSecondOf(column), unit, ctx);
        return;
      }
      if (raw.physical == PhysicalType::kInt96) {
        const uint8_t* in = raw.values.data();
        for (int64_t i = 0; i < n; ++i) {
          // Null slots hold zero bytes, which spell Julian day 0: an instant no unit but
          // seconds can hold, so they are skipped, not converted.
          if (!raw.IsValid(i)) {
            out[i] = 0;
            continue;
          }
          try {
            out[i] = Int96ToTicks(in + i * 12, unit);
          } catch (const Error& e) {
            ThrowCorrupt(ctx.Where() + ": " + e.what());
          }
        }
        return;
      }
      break;
    default:
      break;
  }
  ThrowMismatch(ctx, ColumnKind::kInt);
}

void ConvertToFloat(const ColumnVector& raw, const ColumnDescriptor& column, const Context& ctx,
                    double* out) {
  const int64_t n = raw.size;
  switch (column.type) {
    case ValueType::kFloat:
      if (raw.physical == PhysicalType::kFloat) {
        const auto* in = raw.values.as<float>();
        for (int64_t i = 0; i < n; ++i) out[i] = in[i];
        return;
      }
      break;
    case ValueType::kDouble:
      if (raw.physical == PhysicalType::kDouble) {
        std::memcpy(out, raw.values.data(), static_cast<size_t>(n) * 8);
        return;
      }
      break;
    case ValueType::kFloat16:
      if (raw.physical == PhysicalType::kFixedLenByteArray && raw.type_length == 2) {
        const uint8_t* in = raw.values.data();
        for (int64_t i = 0; i < n; ++i) {
          uint16_t half;
          std::memcpy(&half, in + i * 2, 2);  // little-endian, as the spec stores FLOAT16
          out[i] = HalfToFloat(half);
        }
        return;
      }
      break;
    case ValueType::kDecimal: {
      if (column.scale < 0 || column.scale > kMaxDecimalScale) {
        ThrowCorrupt(ctx.Where() + " has a decimal scale outside [0, " +
                     std::to_string(kMaxDecimalScale) + "]: " + std::to_string(column.scale));
      }
      const int32_t scale = column.scale;
      if (raw.physical == PhysicalType::kInt32) {
        const auto* in = raw.values.as<int32_t>();
        if (scale <= kMaxExactPowerOfTen) {
          // Every int32 and 10^scale are exact doubles: one correctly rounded division.
          const double divisor = kExactPowersOfTen[scale];
          for (int64_t i = 0; i < n; ++i) out[i] = static_cast<double>(in[i]) / divisor;
        } else {
          for (int64_t i = 0; i < n; ++i) out[i] = ScaledInt64(in[i], scale);
        }
        return;
      }
      if (raw.physical == PhysicalType::kInt64) {
        const auto* in = raw.values.as<int64_t>();
        for (int64_t i = 0; i < n; ++i) out[i] = ScaledInt64(in[i], scale);
        return;
      }
      if (raw.physical == PhysicalType::kFixedLenByteArray) {
        const auto width = static_cast<size_t>(raw.type_length);
        const uint8_t* in = raw.values.data();
        for (int64_t i = 0; i < n; ++i) out[i] = ScaledBytes(in + i * width, width, scale);
        return;
      }
      if (raw.physical == PhysicalType::kByteArray) {
        for (int64_t i = 0; i < n; ++i) {
          std::string_view bytes = raw.GetBytes(i);
          out[i] = ScaledBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), scale);
        }
        return;
      }
      break;
    }
    default:
      break;
  }
  ThrowMismatch(ctx, ColumnKind::kFloat);
}

// The STRING form of a vector not in dictionary form: BYTE_ARRAY strings are moved, UUIDs
// become their canonical text (null slots empty).
ColumnVector ConvertToString(ColumnVector raw, const ColumnDescriptor& column, const Context& ctx) {
  if ((column.type == ValueType::kString) && raw.physical == PhysicalType::kByteArray) {
    return raw;
  }
  if (column.type != ValueType::kUuid || raw.physical != PhysicalType::kFixedLenByteArray ||
      raw.type_length != 16) {
    ThrowMismatch(ctx, ColumnKind::kString);
  }
  const int64_t n = raw.size;
  const size_t max_bytes = static_cast<size_t>(n) * kUuidTextLength;
  if (max_bytes > std::numeric_limits<uint32_t>::max()) {
    ThrowNotSupported(ctx.Where() +
                      ": too many UUIDs in one row group for 32-bit offsets: " + std::to_string(n));
  }
  ColumnVector out;
  out.physical = PhysicalType::kByteArray;
  out.size = n;
  out.null_count = raw.null_count;
  out.offsets.Resize(static_cast<size_t>(n + 1) * 4);
  out.bytes.Resize(max_bytes);
  auto* offsets = out.offsets.as<uint32_t>();
  char* text = reinterpret_cast<char*>(out.bytes.data());
  const uint8_t* in = raw.values.data();
  uint32_t pos = 0;
  for (int64_t i = 0; i < n; ++i) {
    offsets[i] = pos;
    if (!raw.IsValid(i)) continue;
    const uint8_t* p = in + i * 16;
    for (int b = 0; b < 16; ++b) {
      if (b == 4 || b == 6 || b == 8 || b == 10) text[pos++] = '-';
      text[pos++] = kHex[p[b] >> 4];
      text[pos++] = kHex[p[b] & 15];
    }
  }
  offsets[n] = pos;
  out.bytes.Resize(pos);
  out.validity = std::move(raw.validity);
  return out;
}

// A copy of a dictionary that needs no conversion (shared dictionaries are const).
ColumnVector CopyOf(const ColumnVector& v) {
  ColumnVector copy;
  copy.physical = v.physical;
  copy.type_length = v.type_length;
  copy.size = v.size;
  copy.null_count = v.null_count;
  copy.validity.Append(v.validity.data(), v.validity.size());
  copy.values.Append(v.values.data(), v.values.size());
  copy.offsets.Append(v.offsets.data(), v.offsets.size());
  copy.bytes.Append(v.bytes.data(), v.bytes.size());
  return copy;
}

// Materializes a dictionary-form vector from its already normalized dictionary values
// (`dict`, dict_size slots of T): row i takes dict[code i], null rows take zero.
template <typename T>
void Gather(const ColumnVector& raw, const T* dict, int64_t dict_size, const Context& ctx, T* out) {
  const int64_t n = raw.size;
  const uint32_t* codes = raw.values.as<uint32_t>();
  if (dict_size == 0) {
    // Only an all-null run can have an empty dictionary.
    if (raw.null_count != n) {
      ThrowCorrupt(ctx.Where() + ": dictionary-encoded values with an empty dictionary, rows: " +
                   std::to_string(n));
    }
    std::memset(out, 0, static_cast<size_t>(n) * sizeof(T));
    return;
  }
  uint32_t max = 0;
  for (int64_t i = 0; i < n; ++i) max = std::max(max, codes[i]);
  if (max >= static_cast<uint64_t>(dict_size)) {
    ThrowCorrupt(ctx.Where() + ": dictionary code past the end of a dictionary of " +
                 std::to_string(dict_size) + " values: " + std::to_string(max));
  }
  for (int64_t i = 0; i < n; ++i) out[i] = dict[codes[i]];
  if (!raw.validity.empty()) {
    for (int64_t i = 0; i < n; ++i) {
      if (!raw.IsValid(i)) out[i] = T{};
    }
  }
}

}  // namespace

ColumnVector NormalizeColumn(ColumnVector raw, const ColumnDescriptor& column, ColumnKind kind,
                             TimestampUnit unit, const std::string& file_name) {
  const Context ctx{column, file_name};
  CheckShape(raw, ctx);
  if (raw.has_dictionary()) CheckShape(*raw.dictionary, ctx);

  if (kind == ColumnKind::kString) {
    if (!raw.has_dictionary()) return ConvertToString(std::move(raw), column, ctx);
    // Keep the dictionary form; only the dictionary itself may need converting (UUIDs).
    const ColumnVector& dict = *raw.dictionary;
    if (dict.physical != PhysicalType::kByteArray) {
      raw.dictionary =
          std::make_shared<const ColumnVector>(ConvertToString(CopyOf(dict), column, ctx));
    } else if (column.type != ValueType::kString) {
      ThrowMismatch(ctx, kind);
    }
    raw.physical = PhysicalType::kByteArray;
    raw.type_length = 0;
    return raw;
  }

  if (kind == ColumnKind::kBool) {
    if (column.type != ValueType::kBoolean ||
        (raw.has_dictionary() ? raw.dictionary->physical : raw.physical) !=
            PhysicalType::kBoolean) {
      ThrowMismatch(ctx, kind);
    }
    if (!raw.has_dictionary()) return raw;
    ColumnVector out;
    out.physical = PhysicalType::kBoolean;
    out.size = raw.size;
    out.null_count = raw.null_count;
    out.values.Resize(static_cast<size_t>(raw.size));
    Gather(raw, raw.dictionary->values.as<uint8_t>(), raw.dictionary->size, ctx,
           out.values.as<uint8_t>());
    out.validity = std::move(raw.validity);
    return out;
  }

  if (kind != ColumnKind::kInt && kind != ColumnKind::kFloat) {
    throw Error(ErrorKind::kInternal,
                ctx.Where() + " cannot be normalized for column type " + ColumnKindName(kind));
  }
  const PhysicalType target =
      kind == ColumnKind::kInt ? PhysicalType::kInt64 : PhysicalType::kDouble;

  if (raw.has_dictionary()) {
    const ColumnVector& dict = *raw.dictionary;
    std::vector<uint64_t> dict_values(static_cast<size_t>(dict.size));
    if (kind == ColumnKind::kInt) {
      ConvertToInt(dict, column, unit, ctx, reinterpret_cast<int64_t*>(dict_values.data()));
    } else {
      ConvertToFloat(dict, column, ctx, reinterpret_cast<double*>(dict_values.data()));
    }
    ColumnVector out;
    out.physical = target;
    out.size = raw.size;
    out.null_count = raw.null_count;
    out.values.Resize(static_cast<size_t>(raw.size) * 8);
    // Both targets are 8 bytes, and zero bits are 0 and +0.0 alike.
    Gather(raw, dict_values.data(), dict.size, ctx, out.values.as<uint64_t>());
    out.validity = std::move(raw.validity);
    return out;
  }

  // Already in the target form: hand the buffers over.
  const bool plain_int64 = kind == ColumnKind::kInt && raw.physical == PhysicalType::kInt64 &&
                           (column.type == ValueType::kInt && column.is_signed);
  const bool plain_double = kind == ColumnKind::kFloat && raw.physical == PhysicalType::kDouble &&
                            column.type == ValueType::kDouble;
  if (plain_int64 || plain_double) return raw;

  if (kind == ColumnKind::kInt && raw.physical == PhysicalType::kInt64 &&
      (column.type == ValueType::kTimestamp || column.type == ValueType::kTime)) {
    ColumnVector out;
    out.physical = target;
    out.size = raw.size;
    out.null_count = raw.null_count;
    out.validity = std::move(raw.validity);
    ConvertInt64Ticks(&raw, &out, column, unit, ctx);
    return out;
  }
  if (kind == ColumnKind::kInt && raw.physical == PhysicalType::kInt64 &&
      column.type == ValueType::kInt) {
    // UINT64: checked in place, then moved.
    ConvertToInt(raw, column, unit, ctx, raw.values.as<int64_t>());
    return raw;
  }

  ColumnVector out;
  out.physical = target;
  out.size = raw.size;
  out.null_count = raw.null_count;
  out.values.Resize(static_cast<size_t>(raw.size) * 8);
  if (kind == ColumnKind::kInt) {
    ConvertToInt(raw, column, unit, ctx, out.values.as<int64_t>());
  } else {
    ConvertToFloat(raw, column, ctx, out.values.as<double>());
  }
  out.validity = std::move(raw.validity);
  return out;
}

}  // namespace frocket
