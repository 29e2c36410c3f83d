#include "catalog/schema_mapping.h"

#include <cstring>
#include <limits>

#include "common/error.h"

namespace frocket {
namespace {

using parquet::ValueType;

std::string StorageType(const parquet::ColumnDescriptor& column) {
  std::string text = parquet::PhysicalTypeText(column);
  std::string logical = parquet::ValueTypeText(column);
  if (!logical.empty()) text.append(" ").append(logical);
  return text;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

DatasetColumn MapColumn(const parquet::ColumnDescriptor& column) {
  DatasetColumn out;
  out.name = column.name;
  out.storage_type = StorageType(column);
  if (!column.supported) {
    out.kind = ColumnKind::kUnsupported;
    out.unsupported_reason = column.unsupported_reason;
    return out;
  }
  switch (column.type) {
    case ValueType::kBoolean:
      out.kind = ColumnKind::kBool;
      break;
    case ValueType::kInt:
    case ValueType::kDate:
    case ValueType::kTime:
    case ValueType::kTimestamp:
      out.kind = ColumnKind::kInt;
      break;
    case ValueType::kFloat16:
    case ValueType::kFloat:
    case ValueType::kDouble:
    case ValueType::kDecimal:
      out.kind = ColumnKind::kFloat;
      break;
    case ValueType::kString:
    case ValueType::kUuid:
      out.kind = ColumnKind::kString;
      break;
    case ValueType::kBinary:
      out.kind = ColumnKind::kUnsupported;
      out.unsupported_reason = column.logical_name.empty()
                                   ? "binary column"
                                   : "binary column (" + column.logical_name + ")";
      break;
  }
  return out;
}

int64_t TicksPerSecond(TimestampUnit unit) {
  switch (unit) {
    case TimestampUnit::kSeconds:
      return 1;
    case TimestampUnit::kMillis:
      return 1000;
    case TimestampUnit::kMicros:
      return 1000000;
    case TimestampUnit::kNanos:
      return 1000000000;
  }
  return 1000;
}

int64_t TicksPerSecond(parquet::TimeUnit unit) {
  switch (unit) {
    case parquet::TimeUnit::kMillis:
      return 1000;
    case parquet::TimeUnit::kMicros:
      return 1000000;
    case parquet::TimeUnit::kNanos:
      return 1000000000;
  }
  return 1000;
}

TimestampUnit ParseTimestampUnit(const std::string& text) {
  if (text == "s") return TimestampUnit::kSeconds;
  if (text == "ms") return TimestampUnit::kMillis;
  if (text == "us") return TimestampUnit::kMicros;
  if (text == "ns") return TimestampUnit::kNanos;
  ThrowInvalid("timestamp unit must be one of s, ms, us, ns; got '" + text + "'");
}

int64_t ConvertTicks(int64_t value, int64_t from_ticks_per_second, TimestampUnit to) {
  int64_t to_ticks = TicksPerSecond(to);
  if (from_ticks_per_second == to_ticks) return value;
  if (from_ticks_per_second > to_ticks) return FloorDiv(value, from_ticks_per_second / to_ticks);
  int64_t factor = to_ticks / from_ticks_per_second;
  int64_t result;
  if (__builtin_mul_overflow(value, factor, &result)) {
    ThrowInvalid(std::string("timestamp does not fit a 64-bit integer in unit ") +
                 TimestampUnitName(to) + ": " + std::to_string(value));
  }
  return result;
}

int64_t Int96ToTicks(const uint8_t* bytes, TimestampUnit to) {
  constexpr int64_t kUnixEpochJulianDay = 2440588;
  constexpr int64_t kNanosPerDay = int64_t{86400} * 1000000000;
  int64_t nanos_of_day;
  uint32_t julian_day;
  std::memcpy(&nanos_of_day, bytes, 8);
  std::memcpy(&julian_day, bytes + 8, 4);
  // 128 bits hold every instant an INT96 can spell; the unit conversion then decides whether it
  // fits int64.
  __int128 nanos =
      static_cast<__int128>(static_cast<int64_t>(julian_day) - kUnixEpochJulianDay) * kNanosPerDay +
      nanos_of_day;
  __int128 divisor = 1000000000 / TicksPerSecond(to);
  __int128 ticks = nanos / divisor;
  if (nanos % divisor != 0 && nanos < 0) --ticks;
  if (ticks > std::numeric_limits<int64_t>::max() || ticks < std::numeric_limits<int64_t>::min()) {
    ThrowInvalid(std::string("INT96 timestamp does not fit a 64-bit integer in unit ") +
                 TimestampUnitName(to) + ": Julian day " + std::to_string(julian_day));
  }
  return static_cast<int64_t>(ticks);
}

}  // namespace frocket
