// DuckDbText / DuckDbTextMatches on hand-built vectors. Expected texts are DuckDB 1.5's own
// renderings as found in the corpus (gen_expected.jsonl, expected/duckdb/*.jsonl) or follow
// from the calendar and the Parquet spec.
#include "support/duckdb_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace frocket::testing {
namespace {

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::PhysicalType;
using parquet::TimeUnit;
using parquet::ValueType;

ColumnDescriptor Column(PhysicalType physical, ValueType type, int32_t type_length = 0) {
  ColumnDescriptor c;
  c.physical = physical;
  c.type = type;
  c.type_length = type_length;
  return c;
}

template <typename T>
ColumnVector Fixed(PhysicalType physical, const std::vector<T>& values) {
  ColumnVector v;
  v.physical = physical;
  v.size = static_cast<int64_t>(values.size());
  v.values.Append(values.data(), values.size() * sizeof(T));
  return v;
}

ColumnVector FixedBytes(const std::vector<std::string>& values, int32_t width) {
  ColumnVector v;
  v.physical = PhysicalType::kFixedLenByteArray;
  v.type_length = width;
  v.size = static_cast<int64_t>(values.size());
  for (const auto& s : values) v.values.Append(s.data(), s.size());
  return v;
}

ColumnVector ByteArrays(const std::vector<std::string>& values) {
  ColumnVector v;
  v.physical = PhysicalType::kByteArray;
  v.size = static_cast<int64_t>(values.size());
  uint32_t offset = 0;
  v.offsets.Append(&offset, 4);
  for (const auto& s : values) {
    v.bytes.Append(s.data(), s.size());
    offset += static_cast<uint32_t>(s.size());
    v.offsets.Append(&offset, 4);
  }
  return v;
}

template <typename T>
std::string One(const ColumnDescriptor& c, PhysicalType physical, T value) {
  return DuckDbText(c, Fixed<T>(physical, {value}), 0).value_or("NULL");
}

std::string Double(double d) {
  return One(Column(PhysicalType::kDouble, ValueType::kDouble), PhysicalType::kDouble, d);
}
std::string Float(float f) {
  return One(Column(PhysicalType::kFloat, ValueType::kFloat), PhysicalType::kFloat, f);
}

TEST(DuckDbText, FloatingPoint) {
  EXPECT_EQ(Double(0.0), "0.0");
  EXPECT_EQ(Double(-0.0), "-0.0");
  EXPECT_EQ(Double(-1000.5), "-1000.5");
  EXPECT_EQ(Double(-999.499999), "-999.499999");
  EXPECT_EQ(Double(0.0001), "0.0001");
  EXPECT_EQ(Double(0.00001), "1e-05");
  EXPECT_EQ(Double(1.5e-7), "1.5e-07");
  EXPECT_EQ(Double(1e15), "1000000000000000.0");
  EXPECT_EQ(Double(1e16), "1e+16");
  EXPECT_EQ(Double(1e20), "1e+20");
  EXPECT_EQ(Double(-1.25e300), "-1.25e+300");
  EXPECT_EQ(Double(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(Double(-std::numeric_limits<double>::quiet_NaN()), "-nan");
  EXPECT_EQ(Double(INFINITY), "inf");
  EXPECT_EQ(Double(-INFINITY), "-inf");
  // FLOAT uses the shortest digits of the float, not of the widened double.
  EXPECT_EQ(Float(1.1f), "1.1");
  EXPECT_EQ(Float(-99.875f), "-99.875");
  EXPECT_EQ(Float(0.1f), "0.1");
}

TEST(DuckDbText, Float16) {
  ColumnDescriptor c = Column(PhysicalType::kFixedLenByteArray, ValueType::kFloat16, 2);
  // Little-endian IEEE half: 0x3c00 = 1.0, 0xc000 = -2.0, 0x8000 = -0.0, 0x7e00 = NaN,
  // 0x0001 = smallest subnormal 2^-24.
  ColumnVector v = FixedBytes(
      {std::string("\x00\x3c", 2), std::string("\x00\xc0", 2), std::string("\x00\x80", 2),
       std::string("\x00\x7e", 2), std::string("\x01\x00", 2)},
      2);
  EXPECT_EQ(DuckDbText(c, v, 0), "1.0");
  EXPECT_EQ(DuckDbText(c, v, 1), "-2.0");
  EXPECT_EQ(DuckDbText(c, v, 2), "-0.0");
  EXPECT_EQ(DuckDbText(c, v, 3), "nan");
  EXPECT_EQ(DuckDbText(c, v, 4), "5.9604645e-08");
}

TEST(DuckDbText, Integers) {
  ColumnDescriptor u32 = Column(PhysicalType::kInt32, ValueType::kInt);
  u32.bit_width = 32;
  u32.is_signed = false;
  EXPECT_EQ(One(u32, PhysicalType::kInt32, int32_t{-1}), "4294967295");
  ColumnDescriptor u64 = Column(PhysicalType::kInt64, ValueType::kInt);
  u64.bit_width = 64;
  u64.is_signed = false;
  EXPECT_EQ(One(u64, PhysicalType::kInt64, int64_t{-1}), "18446744073709551615");
  ColumnDescriptor i64 = Column(PhysicalType::kInt64, ValueType::kInt);
  i64.bit_width = 64;
  EXPECT_EQ(One(i64, PhysicalType::kInt64, std::numeric_limits<int64_t>::min()),
            "-9223372036854775808");
  ColumnDescriptor b = Column(PhysicalType::kBoolean, ValueType::kBoolean);
  EXPECT_EQ(One(b, PhysicalType::kBoolean, uint8_t{1}), "true");
  EXPECT_EQ(One(b, PhysicalType::kBoolean, uint8_t{0}), "false");
}

TEST(DuckDbText, Decimals) {
  ColumnDescriptor d42 = Column(PhysicalType::kInt32, ValueType::kDecimal);
  d42.precision = 4;
  d42.scale = 2;
  EXPECT_EQ(One(d42, PhysicalType::kInt32, int32_t{-9999}), "-99.99");
  EXPECT_EQ(One(d42, PhysicalType::kInt32, int32_t{5}), "0.05");
  EXPECT_EQ(One(d42, PhysicalType::kInt32, int32_t{-5}), "-0.05");
  EXPECT_EQ(One(d42, PhysicalType::kInt32, int32_t{0}), "0.00");
  // DuckDB prints no integer digit when every digit is a fraction digit.
  ColumnDescriptor d22 = d42;
  d22.precision = 2;
  EXPECT_EQ(One(d22, PhysicalType::kInt32, int32_t{5}), ".05");
  ColumnDescriptor d0 = d42;
  d0.scale = 0;
  EXPECT_EQ(One(d0, PhysicalType::kInt32, int32_t{-42}), "-42");

  // DECIMAL(38,10) in FLBA(16): gen_expected.jsonl row 0 is -9999999999999.9999999999, i.e.
  // the unscaled value -99999999999999999999999.
  ColumnDescriptor d38 = Column(PhysicalType::kFixedLenByteArray, ValueType::kDecimal, 16);
  d38.precision = 38;
  d38.scale = 10;
  __int128 unscaled = -static_cast<__int128>(99999999999999999ll) * 1000000 - 999999;
  std::string be(16, '\0');
  for (int i = 15; i >= 0; --i) {
    be[i] = static_cast<char>(static_cast<uint8_t>(unscaled & 0xff));
    unscaled >>= 8;
  }
  EXPECT_EQ(DuckDbText(d38, FixedBytes({be}, 16), 0), "-9999999999999.9999999999");

  // BYTE_ARRAY decimals are minimal-length big-endian: 0x0190 = 400 -> 4.00.
  ColumnDescriptor dba = Column(PhysicalType::kByteArray, ValueType::kDecimal);
  dba.precision = 4;
  dba.scale = 2;
  EXPECT_EQ(DuckDbText(dba, ByteArrays({std::string("\x01\x90", 2), "\xff"}), 0), "4.00");
  EXPECT_EQ(DuckDbText(dba, ByteArrays({std::string("\x01\x90", 2), "\xff"}), 1), "-0.01");
}

TEST(DuckDbText, DatesAndTimes) {
  EXPECT_EQ(DuckDbDateText(0), "1970-01-01");
  EXPECT_EQ(DuckDbDateText(-1), "1969-12-31");
  EXPECT_EQ(DuckDbDateText(-7 - 60000), "1805-09-16");  // gen row 0: 1969-12-25 - 60000 days
  EXPECT_EQ(DuckDbDateText(-719162), "0001-01-01");
  EXPECT_EQ(DuckDbDateText(-719163), "0001-12-31 (BC)");  // year 0 is 1 BC
  EXPECT_EQ(DuckDbDateText(2932897), "10000-01-01");

  // gen_expected.jsonl row 1: ts_us = 1960-01-01 + 86400123456 us.
  EXPECT_EQ(DuckDbTimestampText(-315619200000000 + 86400123456), "1960-01-02 00:00:00.123456");
  EXPECT_EQ(DuckDbTimestampText(-315619200000000 + 86400123000), "1960-01-02 00:00:00.123");
  EXPECT_EQ(DuckDbTimestampText(-1), "1969-12-31 23:59:59.999999");

  ColumnDescriptor ns = Column(PhysicalType::kInt64, ValueType::kTimestamp);
  ns.unit = TimeUnit::kNanos;
  EXPECT_EQ(One(ns, PhysicalType::kInt64, int64_t{86400124691356}),
            "1970-01-02 00:00:00.124691356");
  ns.utc = true;
  ns.logical_name = "TIMESTAMP(NANOS,UTC)";
  // With a time zone DuckDB keeps microseconds only.
  EXPECT_EQ(One(ns, PhysicalType::kInt64, int64_t{1317939709580000000}),
            "2011-10-06 22:21:49.58+00");

  ColumnDescriptor ms = Column(PhysicalType::kInt64, ValueType::kTimestamp);
  ms.unit = TimeUnit::kMillis;
  ms.utc = true;
  ms.logical_name = "TIMESTAMP_MILLIS";  // converted type only: DuckDB reads it as naive
  EXPECT_EQ(One(ms, PhysicalType::kInt64, int64_t{1669570964280}), "2022-11-27 17:42:44.28");
  EXPECT_EQ(DuckDbTypeName(ms), "TIMESTAMP");
  ms.logical_name = "TIMESTAMP(MILLIS,UTC)";
  EXPECT_EQ(DuckDbTypeName(ms), "TIMESTAMP WITH TIME ZONE");

  ColumnDescriptor tm = Column(PhysicalType::kInt64, ValueType::kTime);
  tm.unit = TimeUnit::kMicros;
  tm.logical_name = "TIME(MICROS)";
  EXPECT_EQ(One(tm, PhysicalType::kInt64, int64_t{43200123457}), "12:00:00.123457");
  EXPECT_EQ(One(tm, PhysicalType::kInt64, int64_t{0}), "00:00:00");
}

TEST(DuckDbText, Int96) {
  ColumnDescriptor c = Column(PhysicalType::kInt96, ValueType::kTimestamp);
  c.int96 = true;
  c.unit = TimeUnit::kNanos;
  // int96_from_spark.parquet rows 0 and 5 (int96_from_spark.md: 1704141296123456 and
  // 9089380393200000000 microseconds; the latter stored with a wrapped Julian day).
  ColumnVector v = FixedBytes({std::string("\x00\x2a\x1e\xd9\x63\x43\x00\x00\x97\x8a\x25\x00", 12),
                               std::string("\x00\x60\xb9\xc7\x6e\xe2\xff\xff\xa8\xab\xb0\xf9", 12)},
                              12);
  EXPECT_EQ(DuckDbText(c, v, 0), "2024-01-01 20:34:56.123456");
  EXPECT_EQ(DuckDbText(c, v, 1), "290000-12-30 23:00:00");
  EXPECT_EQ(DuckDbTypeName(c), "TIMESTAMP");
}

TEST(DuckDbText, BytesUuidInterval) {
  ColumnDescriptor blob = Column(PhysicalType::kByteArray, ValueType::kBinary);
  ColumnVector v = ByteArrays({std::string("\x00\xff"
                                           "b1",
                                           4),
                               "a\\'\"z", ""});
  EXPECT_EQ(DuckDbText(blob, v, 0), "\\x00\\xFFb1");
  EXPECT_EQ(DuckDbText(blob, v, 1), "a\\x5C\\x27\\x22z");
  EXPECT_EQ(DuckDbText(blob, v, 2), "");
  ColumnDescriptor str = Column(PhysicalType::kByteArray, ValueType::kString);
  EXPECT_EQ(DuckDbText(str, v, 1), "a\\'\"z");

  ColumnDescriptor uuid = Column(PhysicalType::kFixedLenByteArray, ValueType::kUuid, 16);
  EXPECT_EQ(DuckDbText(uuid,
                       FixedBytes({std::string("\x55\x0e\x84\x00\xe2\x9b\x41\xd4\xa7\x16\x44"
                                               "\x66\x55\x44\x00\x00",
                                               16)},
                                  16),
                       0),
            "550e8400-e29b-41d4-a716-446655440000");

  ColumnDescriptor iv = Column(PhysicalType::kFixedLenByteArray, ValueType::kBinary, 12);
  iv.logical_name = "INTERVAL";
  auto interval = [](uint32_t months, uint32_t days, uint32_t millis) {
    std::string s(12, '\0');
    std::memcpy(s.data(), &months, 4);
    std::memcpy(s.data() + 4, &days, 4);
    std::memcpy(s.data() + 8, &millis, 4);
    return s;
  };
  ColumnVector ivs = FixedBytes({interval(0, 0, 0), interval(1, 1, 1001), interval(14, 12, 14014),
                                 interval(12, 0, 0), interval(0, 2, 3600000 * 30)},
                                12);
  EXPECT_EQ(DuckDbText(iv, ivs, 0), "00:00:00");
  EXPECT_EQ(DuckDbText(iv, ivs, 1), "1 month 1 day 00:00:01.001");
  EXPECT_EQ(DuckDbText(iv, ivs, 2), "1 year 2 months 12 days 00:00:14.014");
  EXPECT_EQ(DuckDbText(iv, ivs, 3), "1 year");
  EXPECT_EQ(DuckDbText(iv, ivs, 4), "2 days 30:00:00");
  EXPECT_EQ(DuckDbTypeName(iv), "INTERVAL");
}

TEST(DuckDbText, GeometryAsWkt) {
  ColumnDescriptor geo = Column(PhysicalType::kByteArray, ValueType::kBinary);
  geo.logical_name = "GEOMETRY";
  // Little-endian ISO WKB POINT ZM (type 3001) 10 20 30 40.
  std::string wkb("\x01", 1);
  uint32_t type = 3001;
  wkb.append(reinterpret_cast<const char*>(&type), 4);
  for (double d : {10.0, 20.0, 30.0, 40.5}) wkb.append(reinterpret_cast<const char*>(&d), 8);
  EXPECT_EQ(DuckDbText(geo, ByteArrays({wkb}), 0), "POINT ZM (10 20 30 40.5)");
  EXPECT_EQ(DuckDbText(geo, ByteArrays({wkb.substr(0, 20)}), 0), "<invalid WKB>");
  EXPECT_TRUE(DuckDbTextMatches(geo, "POINT ZM (10.0 20 30 40.5)", "POINT ZM (10 20 30 40.5)"));
  EXPECT_FALSE(DuckDbTextMatches(geo, "POINT ZM (10 20 30 40)", "POINT ZM (10 20 30 40.5)"));
}

TEST(DuckDbText, NullsAndDictionaryForm) {
  ColumnDescriptor c = Column(PhysicalType::kInt32, ValueType::kInt);
  c.bit_width = 32;
  ColumnVector v;
  v.physical = PhysicalType::kInt32;
  v.size = 3;
  v.null_count = 1;
  uint64_t validity = 0b101;
  v.validity.Append(&validity, 8);
  uint32_t codes[] = {1, 0, 0};
  v.values.Append(codes, sizeof(codes));
  v.dictionary = std::make_shared<ColumnVector>(Fixed<int32_t>(PhysicalType::kInt32, {7, -8}));
  EXPECT_EQ(DuckDbText(c, v, 0), "-8");
  EXPECT_EQ(DuckDbText(c, v, 1), std::nullopt);
  EXPECT_EQ(DuckDbText(c, v, 2), "7");
}

TEST(DuckDbTextMatches, ExactExceptFloatingPoint) {
  ColumnDescriptor dbl = Column(PhysicalType::kDouble, ValueType::kDouble);
  ColumnDescriptor flt = Column(PhysicalType::kFloat, ValueType::kFloat);
  ColumnDescriptor i32 = Column(PhysicalType::kInt32, ValueType::kInt);
  EXPECT_TRUE(DuckDbTextMatches(dbl, "1e+20", "100000000000000000000.0"));
  EXPECT_TRUE(DuckDbTextMatches(dbl, "nan", "nan"));
  EXPECT_FALSE(DuckDbTextMatches(dbl, "nan", "-nan"));
  EXPECT_FALSE(DuckDbTextMatches(dbl, "0.0", "-0.0"));
  EXPECT_TRUE(DuckDbTextMatches(dbl, "1.1", "1.1000000000000001"));   // same double
  EXPECT_FALSE(DuckDbTextMatches(dbl, "1.1", "1.1000000000000003"));  // next double
  EXPECT_TRUE(DuckDbTextMatches(flt, "1.1", "1.10000002"));           // the same float32
  EXPECT_FALSE(DuckDbTextMatches(flt, "1.1", "1.1000001"));
  EXPECT_FALSE(DuckDbTextMatches(flt, "1.1", "x"));
  EXPECT_TRUE(DuckDbTextMatches(i32, "1", "1"));
  EXPECT_FALSE(DuckDbTextMatches(i32, "1", "01"));
  ColumnDescriptor ts = Column(PhysicalType::kInt64, ValueType::kTimestamp);
  EXPECT_FALSE(DuckDbTextMatches(ts, "2009-03-01 00:01:00", "2009-03-01 00:01:00.000"));
}

}  // namespace
}  // namespace frocket::testing
