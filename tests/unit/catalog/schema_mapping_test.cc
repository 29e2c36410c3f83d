// Parquet column types to query-language kinds (QUERY_LANGUAGE section 3), and timestamp unit
// conversion.
#include "catalog/schema_mapping.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "common/error.h"

namespace frocket {
namespace {

using parquet::ColumnDescriptor;
using parquet::PhysicalType;
using parquet::ValueType;

ColumnDescriptor Column(PhysicalType physical, ValueType type, const std::string& logical = "") {
  ColumnDescriptor c;
  c.name = "c";
  c.physical = physical;
  c.type = type;
  c.logical_name = logical;
  return c;
}

TEST(SchemaMappingTest, KindsFollowTheQueryLanguage) {
  struct Case {
    ColumnDescriptor column;
    ColumnKind kind;
    const char* storage;
  };
  ColumnDescriptor u64 = Column(PhysicalType::kInt64, ValueType::kInt, "INT(64,unsigned)");
  u64.is_signed = false;
  u64.bit_width = 64;
  ColumnDescriptor i8 = Column(PhysicalType::kInt32, ValueType::kInt, "INT(8,signed)");
  ColumnDescriptor uuid = Column(PhysicalType::kFixedLenByteArray, ValueType::kUuid, "UUID");
  uuid.type_length = 16;
  ColumnDescriptor flba = Column(PhysicalType::kFixedLenByteArray, ValueType::kBinary);
  flba.type_length = 3;
  const Case cases[] = {
      {Column(PhysicalType::kBoolean, ValueType::kBoolean), ColumnKind::kBool, "BOOLEAN"},
      {i8, ColumnKind::kInt, "INT32 INT(8,signed)"},
      {u64, ColumnKind::kInt, "INT64 INT(64,unsigned)"},
      {Column(PhysicalType::kInt32, ValueType::kDate, "DATE"), ColumnKind::kInt, "INT32 DATE"},
      {Column(PhysicalType::kInt64, ValueType::kTime, "TIME(MICROS,UTC)"), ColumnKind::kInt,
       "INT64 TIME(MICROS,UTC)"},
      {Column(PhysicalType::kInt96, ValueType::kTimestamp), ColumnKind::kInt, "INT96"},
      {Column(PhysicalType::kFloat, ValueType::kFloat), ColumnKind::kFloat, "FLOAT"},
      {Column(PhysicalType::kDouble, ValueType::kDouble), ColumnKind::kFloat, "DOUBLE"},
      {Column(PhysicalType::kFixedLenByteArray, ValueType::kFloat16, "FLOAT16"), ColumnKind::kFloat,
       "FIXED_LEN_BYTE_ARRAY(0) FLOAT16"},
      {Column(PhysicalType::kInt64, ValueType::kDecimal, "DECIMAL(18,2)"), ColumnKind::kFloat,
       "INT64 DECIMAL(18,2)"},
      {Column(PhysicalType::kByteArray, ValueType::kString, "STRING"), ColumnKind::kString,
       "BYTE_ARRAY STRING"},
      {Column(PhysicalType::kByteArray, ValueType::kString, "ENUM"), ColumnKind::kString,
       "BYTE_ARRAY ENUM"},
      {Column(PhysicalType::kByteArray, ValueType::kString, "JSON"), ColumnKind::kString,
       "BYTE_ARRAY JSON"},
      {uuid, ColumnKind::kString, "FIXED_LEN_BYTE_ARRAY(16) UUID"},
      {Column(PhysicalType::kByteArray, ValueType::kBinary), ColumnKind::kUnsupported,
       "BYTE_ARRAY"},
      {Column(PhysicalType::kByteArray, ValueType::kBinary, "BSON"), ColumnKind::kUnsupported,
       "BYTE_ARRAY BSON"},
      {flba, ColumnKind::kUnsupported, "FIXED_LEN_BYTE_ARRAY(3)"},
  };
  for (const Case& c : cases) {
    DatasetColumn mapped = MapColumn(c.column);
    EXPECT_EQ(mapped.kind, c.kind) << c.storage;
    EXPECT_EQ(mapped.storage_type, c.storage);
    EXPECT_EQ(mapped.name, "c");
    EXPECT_EQ(mapped.unsupported_reason.empty(), c.kind != ColumnKind::kUnsupported) << c.storage;
  }
}

TEST(SchemaMappingTest, NestedColumnsAreUnsupportedWithTheReaderReason) {
  ColumnDescriptor c = Column(PhysicalType::kInt64, ValueType::kInt);
  c.name = "tags.list.element";
  c.supported = false;
  c.unsupported_reason = "nested column (LIST)";
  DatasetColumn mapped = MapColumn(c);
  EXPECT_EQ(mapped.kind, ColumnKind::kUnsupported);
  EXPECT_EQ(mapped.unsupported_reason, "nested column (LIST)");
  EXPECT_EQ(mapped.name, "tags.list.element");
}

TEST(SchemaMappingTest, ConvertTicks) {
  // Coarser: floor. Finer: multiply. Same: unchanged.
  EXPECT_EQ(ConvertTicks(1999, 1000000, TimestampUnit::kMillis), 1);
  EXPECT_EQ(ConvertTicks(-1, 1000000, TimestampUnit::kMillis), -1);
  EXPECT_EQ(ConvertTicks(-1000, 1000000, TimestampUnit::kMillis), -1);
  EXPECT_EQ(ConvertTicks(-1001, 1000000, TimestampUnit::kMillis), -2);
  EXPECT_EQ(ConvertTicks(1500, 1000, TimestampUnit::kSeconds), 1);
  EXPECT_EQ(ConvertTicks(7, 1000, TimestampUnit::kNanos), 7000000);
  EXPECT_EQ(ConvertTicks(INT64_MIN, 1000, TimestampUnit::kMillis), INT64_MIN);
  EXPECT_EQ(ConvertTicks(INT64_MIN, 1000000000, TimestampUnit::kSeconds),
            -9223372037);  // floor(-9223372036.854775808)
  EXPECT_THROW(ConvertTicks(INT64_MAX / 1000 + 1, 1000, TimestampUnit::kMicros), Error);
  EXPECT_EQ(ConvertTicks(INT64_MAX / 1000, 1000, TimestampUnit::kMicros), INT64_MAX / 1000 * 1000);
}

TEST(SchemaMappingTest, Int96) {
  auto bytes = [](int64_t nanos, uint32_t julian_day) {
    std::array<uint8_t, 12> b;
    std::memcpy(b.data(), &nanos, 8);
    std::memcpy(b.data() + 8, &julian_day, 4);
    return b;
  };
  // Julian day 2440588 is 1970-01-01.
  EXPECT_EQ(Int96ToTicks(bytes(1500000, 2440588).data(), TimestampUnit::kMillis), 1);
  EXPECT_EQ(Int96ToTicks(bytes(1500000, 2440588).data(), TimestampUnit::kNanos), 1500000);
  EXPECT_EQ(Int96ToTicks(bytes(0, 2440587).data(), TimestampUnit::kMillis), -86400000);
  EXPECT_EQ(Int96ToTicks(bytes(1, 2440587).data(), TimestampUnit::kSeconds), -86400);
  // 2000-01-01 is Julian day 2451545 (946684800 s).
  EXPECT_EQ(Int96ToTicks(bytes(0, 2451545).data(), TimestampUnit::kSeconds), 946684800);
  // Far past nanoseconds' range, but fine in seconds.
  EXPECT_THROW(Int96ToTicks(bytes(0, 4000000).data(), TimestampUnit::kNanos), Error);
  EXPECT_EQ(Int96ToTicks(bytes(0, 4000000).data(), TimestampUnit::kSeconds),
            (int64_t{4000000} - 2440588) * 86400);
}

TEST(SchemaMappingTest, ParseTimestampUnit) {
  EXPECT_EQ(ParseTimestampUnit("s"), TimestampUnit::kSeconds);
  EXPECT_EQ(ParseTimestampUnit("ms"), TimestampUnit::kMillis);
  EXPECT_EQ(ParseTimestampUnit("us"), TimestampUnit::kMicros);
  EXPECT_EQ(ParseTimestampUnit("ns"), TimestampUnit::kNanos);
  EXPECT_THROW(ParseTimestampUnit("sec"), Error);
}

}  // namespace
}  // namespace frocket
