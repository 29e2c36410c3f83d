// Tests of the value text contract in parquet/value_text.h. Expected texts come from first
// principles: dates and timestamps were computed independently with Python's datetime (shifted
// by whole 400-year cycles outside its range), decimals with Python integers, base64 from
// RFC 4648, and corpus values from data/int96_from_spark.md and data/generated/gen_expected.
#include "parquet/value_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace frocket::parquet {
namespace {

ColumnDescriptor Column(ValueType type, PhysicalType physical, int32_t type_length = 0) {
  ColumnDescriptor c;
  c.name = "c";
  c.type = type;
  c.physical = physical;
  c.type_length = type_length;
  if (type == ValueType::kInt) c.bit_width = physical == PhysicalType::kInt32 ? 32 : 64;
  return c;
}

void SetNulls(ColumnVector* v, const std::vector<bool>& valid) {
  bool any_null = false;
  for (bool b : valid) any_null |= !b;
  if (!any_null) return;
  size_t words = (valid.size() + 63) / 64;
  v->validity.Resize(words * 8);
  std::memset(v->validity.data(), 0, words * 8);
  for (size_t i = 0; i < valid.size(); ++i) {
    if (valid[i])
      v->validity.as<uint64_t>()[i / 64] |= uint64_t{1} << (i % 64);
    else
      ++v->null_count;
  }
}

// A fixed-width vector; std::nullopt rows are null (zero bytes in the slot).
template <typename T>
ColumnVector Fixed(PhysicalType physical, const std::vector<std::optional<T>>& values) {
  ColumnVector v;
  v.physical = physical;
  v.size = static_cast<int64_t>(values.size());
  std::vector<bool> valid;
  for (const auto& value : values) {
    T slot = value.value_or(T{});
    v.values.Append(&slot, sizeof(T));
    valid.push_back(value.has_value());
  }
  SetNulls(&v, valid);
  return v;
}

ColumnVector Bytes(const std::vector<std::optional<std::string>>& values) {
  ColumnVector v;
  v.physical = PhysicalType::kByteArray;
  v.size = static_cast<int64_t>(values.size());
  std::vector<bool> valid;
  uint32_t offset = 0;
  v.offsets.Append(&offset, 4);
  for (const auto& value : values) {
    if (value) v.bytes.Append(value->data(), value->size());
    offset += value ? static_cast<uint32_t>(value->size()) : 0;
    v.offsets.Append(&offset, 4);
    valid.push_back(value.has_value());
  }
  SetNulls(&v, valid);
  return v;
}

ColumnVector FixedBytes(int32_t width, const std::vector<std::vector<uint8_t>>& values,
                        PhysicalType physical = PhysicalType::kFixedLenByteArray) {
  ColumnVector v;
  v.physical = physical;
  v.type_length = physical == PhysicalType::kFixedLenByteArray ? width : 0;
  v.size = static_cast<int64_t>(values.size());
  for (const auto& value : values) {
    EXPECT_EQ(value.size(), static_cast<size_t>(width));
    v.values.Append(value.data(), value.size());
  }
  return v;
}

std::string Text(const ColumnDescriptor& c, const ColumnVector& v, int64_t row, TextFormat f) {
  std::string out = "<";  // a prefix checks that the formatter appends
  AppendValueText(c, v, row, f, &out);
  EXPECT_EQ(out[0], '<');
  return out.substr(1);
}
std::string Json(const ColumnDescriptor& c, const ColumnVector& v, int64_t row) {
  return Text(c, v, row, TextFormat::kJson);
}
std::string Csv(const ColumnDescriptor& c, const ColumnVector& v, int64_t row) {
  return Text(c, v, row, TextFormat::kCsv);
}

TEST(ValueTextTest, Booleans) {
  auto c = Column(ValueType::kBoolean, PhysicalType::kBoolean);
  auto v = Fixed<uint8_t>(PhysicalType::kBoolean, {1, 0, std::nullopt});
  EXPECT_EQ(Json(c, v, 0), "true");
  EXPECT_EQ(Json(c, v, 1), "false");
  EXPECT_EQ(Json(c, v, 2), "null");
  EXPECT_EQ(Csv(c, v, 0), "true");
  EXPECT_EQ(Csv(c, v, 2), "");
}

TEST(ValueTextTest, SignedAndUnsignedIntegers) {
  auto i32 = Column(ValueType::kInt, PhysicalType::kInt32);
  auto v32 = Fixed<int32_t>(PhysicalType::kInt32, {-2147483647 - 1, 0, -1, 2147483647});
  EXPECT_EQ(Json(i32, v32, 0), "-2147483648");
  EXPECT_EQ(Json(i32, v32, 1), "0");
  EXPECT_EQ(Json(i32, v32, 2), "-1");
  auto u32 = i32;
  u32.is_signed = false;
  EXPECT_EQ(Json(u32, v32, 2), "4294967295");
  EXPECT_EQ(Csv(u32, v32, 0), "2147483648");

  auto i64 = Column(ValueType::kInt, PhysicalType::kInt64);
  auto v64 = Fixed<int64_t>(PhysicalType::kInt64, {std::numeric_limits<int64_t>::min(), -1});
  EXPECT_EQ(Json(i64, v64, 0), "-9223372036854775808");
  auto u64 = i64;
  u64.is_signed = false;
  EXPECT_EQ(Json(u64, v64, 1), "18446744073709551615");
  EXPECT_EQ(Json(u64, v64, 0), "9223372036854775808");

  // Narrow annotated widths are stored sign-extended (signed) or zero-extended in INT32.
  auto u8 = i32;
  u8.bit_width = 8;
  u8.is_signed = false;
  EXPECT_EQ(Json(u8, Fixed<int32_t>(PhysicalType::kInt32, {255}), 0), "255");
}

TEST(ValueTextTest, FloatsUseShortestRoundTripText) {
  auto f = Column(ValueType::kFloat, PhysicalType::kFloat);
  auto fv = Fixed<float>(PhysicalType::kFloat, {0.1f, 1.5f, -0.0f, 3.4028235e38f, 1e-45f});
  EXPECT_EQ(Json(f, fv, 0), "0.1");
  EXPECT_EQ(Json(f, fv, 1), "1.5");
  EXPECT_EQ(Json(f, fv, 2), "-0");
  EXPECT_EQ(Json(f, fv, 3), "3.4028235e+38");
  EXPECT_EQ(Json(f, fv, 4), "1e-45");

  auto d = Column(ValueType::kDouble, PhysicalType::kDouble);
  auto dv = Fixed<double>(PhysicalType::kDouble, {0.1, 1e20, -1000.5, 1.0 / 3, 100.0});
  EXPECT_EQ(Json(d, dv, 0), "0.1");
  EXPECT_EQ(Json(d, dv, 1), "1e+20");
  EXPECT_EQ(Json(d, dv, 2), "-1000.5");
  EXPECT_EQ(Json(d, dv, 3), "0.3333333333333333");
  EXPECT_EQ(Json(d, dv, 4), "100");
}

TEST(ValueTextTest, NanAndInfinitiesAreStringsInJsonAndBareInCsv) {
  auto d = Column(ValueType::kDouble, PhysicalType::kDouble);
  double inf = std::numeric_limits<double>::infinity();
  auto dv = Fixed<double>(PhysicalType::kDouble,
                          {std::numeric_limits<double>::quiet_NaN(), inf, -inf, std::nullopt});
  EXPECT_EQ(Json(d, dv, 0), "\"NaN\"");
  EXPECT_EQ(Json(d, dv, 1), "\"Infinity\"");
  EXPECT_EQ(Json(d, dv, 2), "\"-Infinity\"");
  EXPECT_EQ(Json(d, dv, 3), "null");
  EXPECT_EQ(Csv(d, dv, 0), "NaN");
  EXPECT_EQ(Csv(d, dv, 1), "Infinity");
  EXPECT_EQ(Csv(d, dv, 2), "-Infinity");
  EXPECT_EQ(Csv(d, dv, 3), "");

  auto f = Column(ValueType::kFloat, PhysicalType::kFloat);
  auto fv = Fixed<float>(PhysicalType::kFloat, {-std::numeric_limits<float>::quiet_NaN()});
  EXPECT_EQ(Json(f, fv, 0), "\"NaN\"");
}

TEST(ValueTextTest, Float16WidensToFloat) {
  auto c = Column(ValueType::kFloat16, PhysicalType::kFixedLenByteArray, 2);
  // Little-endian IEEE half bit patterns.
  auto half = [](uint16_t bits) {
    return std::vector<uint8_t>{static_cast<uint8_t>(bits), static_cast<uint8_t>(bits >> 8)};
  };
  auto v = FixedBytes(2, {half(0x3c00), half(0xc000), half(0x7bff), half(0x3555), half(0x0001),
                          half(0x7c00), half(0xfc00), half(0x7e00), half(0x8000)});
  EXPECT_EQ(Json(c, v, 0), "1");
  EXPECT_EQ(Json(c, v, 1), "-2");
  EXPECT_EQ(Json(c, v, 2), "65504");
  EXPECT_EQ(Json(c, v, 3), "0.33325195");     // 0.333251953125 exactly; shortest float text
  EXPECT_EQ(Json(c, v, 4), "5.9604645e-08");  // smallest subnormal, 2^-24
  EXPECT_EQ(Json(c, v, 5), "\"Infinity\"");
  EXPECT_EQ(Json(c, v, 6), "\"-Infinity\"");
  EXPECT_EQ(Json(c, v, 7), "\"NaN\"");
  EXPECT_EQ(Json(c, v, 8), "-0");
}

ColumnDescriptor Decimal(PhysicalType physical, int32_t precision, int32_t scale,
                         int32_t type_length = 0) {
  auto c = Column(ValueType::kDecimal, physical, type_length);
  c.precision = precision;
  c.scale = scale;
  return c;
}

TEST(ValueTextTest, DecimalsFromIntegers) {
  auto c = Decimal(PhysicalType::kInt32, 9, 2);
  auto v = Fixed<int32_t>(PhysicalType::kInt32, {-12345, 5, 0, -5, 100, -2147483647 - 1});
  EXPECT_EQ(Json(c, v, 0), "\"-123.45\"");
  EXPECT_EQ(Json(c, v, 1), "\"0.05\"");
  EXPECT_EQ(Json(c, v, 2), "\"0.00\"");
  EXPECT_EQ(Json(c, v, 3), "\"-0.05\"");
  EXPECT_EQ(Json(c, v, 4), "\"1.00\"");
  EXPECT_EQ(Json(c, v, 5), "\"-21474836.48\"");
  EXPECT_EQ(Csv(c, v, 0), "-123.45");

  auto scale0 = Decimal(PhysicalType::kInt32, 9, 0);
  EXPECT_EQ(Json(scale0, v, 0), "\"-12345\"");
  auto scale9 = Decimal(PhysicalType::kInt32, 9, 9);
  EXPECT_EQ(Json(scale9, v, 0), "\"-0.000012345\"");

  auto c64 = Decimal(PhysicalType::kInt64, 18, 3);
  auto v64 = Fixed<int64_t>(PhysicalType::kInt64,
                            {std::numeric_limits<int64_t>::min(), -9999999999LL, std::nullopt});
  EXPECT_EQ(Json(c64, v64, 0), "\"-9223372036854775.808\"");
  EXPECT_EQ(Json(c64, v64, 1), "\"-9999999.999\"");  // gen_expected dec_18_3 row 0
  EXPECT_EQ(Json(c64, v64, 2), "null");
}

TEST(ValueTextTest, DecimalsFromBigEndianBytes) {
  auto c = Decimal(PhysicalType::kFixedLenByteArray, 38, 10, 16);
  // -99999999999999999999999 (gen_expected dec_38_10 row 0), and the int128 extremes.
  auto v = FixedBytes(
      16, {{255, 255, 255, 255, 255, 255, 234, 210, 253, 56, 30, 181, 9, 128, 0, 1},
           {127, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
           {128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
           {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}});
  EXPECT_EQ(Json(c, v, 0), "\"-9999999999999.9999999999\"");
  EXPECT_EQ(Json(c, v, 1), "\"17014118346046923173168730371.5884105727\"");
  EXPECT_EQ(Json(c, v, 2), "\"-17014118346046923173168730371.5884105728\"");
  EXPECT_EQ(Json(c, v, 3), "\"0.0000000000\"");

  // BYTE_ARRAY decimals may have any length, including redundant sign bytes and none at all.
  auto b = Decimal(PhysicalType::kByteArray, 4, 2);
  auto bv = Bytes({std::string("\x04\xd2", 2), std::string("\xff\xff\xff\xfb", 4), std::string(),
                   std::string("\x80", 1), std::nullopt});
  EXPECT_EQ(Json(b, bv, 0), "\"12.34\"");
  EXPECT_EQ(Json(b, bv, 1), "\"-0.05\"");
  EXPECT_EQ(Json(b, bv, 2), "\"0.00\"");
  EXPECT_EQ(Json(b, bv, 3), "\"-1.28\"");
  EXPECT_EQ(Json(b, bv, 4), "null");
}

TEST(ValueTextTest, DecimalsLongerThanSixteenBytes) {
  auto c = Decimal(PhysicalType::kFixedLenByteArray, 60, 5, 20);
  // -123456789012345678901234567890123456789012345 as 20-byte two's complement (Python).
  auto v = FixedBytes(20, {{255, 250, 118, 201, 26,  216, 82, 152, 97, 60,
                            85,  109, 16,  164, 131, 139, 14, 29,  32, 135},
                           {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7},
                           {255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
                            255, 255, 255, 255, 255, 255, 255, 255, 255, 255}});
  EXPECT_EQ(Json(c, v, 0), "\"-1234567890123456789012345678901234567890.12345\"");
  EXPECT_EQ(Json(c, v, 1), "\"0.00007\"");
  EXPECT_EQ(Json(c, v, 2), "\"-0.00001\"");

  // 2^160 - 1 as 21 bytes: every byte significant, exercising the generic conversion fully.
  std::vector<uint8_t> ones(21, 0xff);
  ones[0] = 0;
  auto wide = Decimal(PhysicalType::kFixedLenByteArray, 60, 0, 21);
  EXPECT_EQ(Json(wide, FixedBytes(21, {ones}), 0),
            "\"1461501637330902918203684832716283019655932542975\"");
}

TEST(ValueTextTest, DecimalScaleOutOfRangeIsRejected) {
  auto c = Decimal(PhysicalType::kInt32, 9, -1);
  EXPECT_THROW(CellFormatter(c, TextFormat::kJson), Error);
  c.scale = 100000;
  EXPECT_THROW(CellFormatter(c, TextFormat::kJson), Error);
}

TEST(ValueTextTest, JsonStringEscaping) {
  auto c = Column(ValueType::kString, PhysicalType::kByteArray);
  auto v = Bytes({std::string("plain"), std::string("a\"b\\c\n\t\r\b\f\x01\x1f\0", 13),
                  std::string("h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80"), std::string(""),
                  std::string("</script>\x7f")});
  EXPECT_EQ(Json(c, v, 0), "\"plain\"");
  EXPECT_EQ(Json(c, v, 1), "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f\\u0000\"");
  EXPECT_EQ(Json(c, v, 2), "\"h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\"");
  EXPECT_EQ(Json(c, v, 3), "\"\"");
  EXPECT_EQ(Json(c, v, 4), "\"</script>\x7f\"");
}

TEST(ValueTextTest, InvalidUtf8BecomesReplacementCharacters) {
  auto c = Column(ValueType::kString, PhysicalType::kByteArray);
  auto v = Bytes({std::string("a\xff"
                              "b"),
                  std::string("\xe2\x9c"),          // truncated 3-byte sequence
                  std::string("\xc0\xaf"),          // overlong '/'
                  std::string("\xed\xa0\x80"),      // UTF-16 surrogate
                  std::string("\xf4\x90\x80\x80"),  // past U+10FFFF
                  std::string("\x80x")});           // stray continuation byte
  EXPECT_EQ(Json(c, v, 0), "\"a\\ufffdb\"");
  EXPECT_EQ(Json(c, v, 1), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(Json(c, v, 2), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(Json(c, v, 3), "\"\\ufffd\\ufffd\\ufffd\"");
  EXPECT_EQ(Json(c, v, 4), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
  EXPECT_EQ(Json(c, v, 5), "\"\\ufffdx\"");
  EXPECT_EQ(Csv(c, v, 0),
            "a\xef\xbf\xbd"
            "b");
}

TEST(ValueTextTest, CsvQuoting) {
  auto c = Column(ValueType::kString, PhysicalType::kByteArray);
  auto v = Bytes({std::string("plain text"), std::string("a,b"), std::string("say \"hi\""),
                  std::string("two\nlines"), std::string("cr\r"), std::string(""), std::nullopt,
                  std::string("\xff,")});
  EXPECT_EQ(Csv(c, v, 0), "plain text");
  EXPECT_EQ(Csv(c, v, 1), "\"a,b\"");
  EXPECT_EQ(Csv(c, v, 2), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Csv(c, v, 3), "\"two\nlines\"");
  EXPECT_EQ(Csv(c, v, 4), "\"cr\r\"");
  EXPECT_EQ(Csv(c, v, 5), "\"\"");  // empty string, unlike null
  EXPECT_EQ(Csv(c, v, 6), "");
  EXPECT_EQ(Csv(c, v, 7), "\"\xef\xbf\xbd,\"");

  std::string header;
  AppendCsvField("a \"b\"", &header);
  header.push_back(',');
  AppendCsvField("x,y", &header);
  header.push_back(',');
  AppendCsvField("plain", &header);
  EXPECT_EQ(header, "\"a \"\"b\"\"\",\"x,y\",plain");
}

TEST(ValueTextTest, BinaryIsBase64) {
  auto c = Column(ValueType::kBinary, PhysicalType::kByteArray);
  auto v = Bytes({std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                  std::string("foobar"),
                  std::string("\x00\xff"
                              "b1",
                              4),
                  std::nullopt});
  EXPECT_EQ(Json(c, v, 0), "\"\"");
  EXPECT_EQ(Json(c, v, 1), "\"Zg==\"");
  EXPECT_EQ(Json(c, v, 2), "\"Zm8=\"");
  EXPECT_EQ(Json(c, v, 3), "\"Zm9v\"");
  EXPECT_EQ(Json(c, v, 4), "\"Zm9vYmFy\"");
  EXPECT_EQ(Json(c, v, 5), "\"AP9iMQ==\"");
  EXPECT_EQ(Json(c, v, 6), "null");
  EXPECT_EQ(Csv(c, v, 0), "\"\"");
  EXPECT_EQ(Csv(c, v, 5), "AP9iMQ==");

  // Unannotated FLBA and INTERVAL render the same way.
  auto flba = Column(ValueType::kBinary, PhysicalType::kFixedLenByteArray, 3);
  EXPECT_EQ(Json(flba, FixedBytes(3, {{'f', 'o', 'o'}}), 0), "\"Zm9v\"");
}

TEST(ValueTextTest, Dates) {
  auto c = Column(ValueType::kDate, PhysicalType::kInt32);
  auto v = Fixed<int32_t>(PhysicalType::kInt32,
                          {0, -1, 11016, -25508, -60007, -719162, -719163, -719469, -719528,
                           -719529, 2932896, 2932897, 2147483647, -2147483647 - 1});
  const char* expected[] = {"1970-01-01",    "1969-12-31",    "2000-02-29", "1900-03-01",
                            "1805-09-16",    "0001-01-01",    "0000-12-31", "0000-02-29",
                            "0000-01-01",    "-0001-12-31",   "9999-12-31", "10000-01-01",
                            "5881580-07-11", "-5877641-06-23"};
  for (int64_t i = 0; i < v.size; ++i) {
    EXPECT_EQ(Json(c, v, i), std::string("\"") + expected[i] + "\"") << "row " << i;
    EXPECT_EQ(Csv(c, v, i), expected[i]) << "row " << i;
  }
}

ColumnDescriptor Timestamp(TimeUnit unit, bool utc) {
  auto c = Column(ValueType::kTimestamp, PhysicalType::kInt64);
  c.unit = unit;
  c.utc = utc;
  return c;
}

TEST(ValueTextTest, TimestampsPrintTheUnitsPrecision) {
  auto ms = Timestamp(TimeUnit::kMillis, false);
  auto v = Fixed<int64_t>(PhysicalType::kInt64, {0, -1, 1500, -1500, 951782400000LL});
  EXPECT_EQ(Json(ms, v, 0), "\"1970-01-01T00:00:00.000\"");
  EXPECT_EQ(Json(ms, v, 1), "\"1969-12-31T23:59:59.999\"");
  EXPECT_EQ(Json(ms, v, 2), "\"1970-01-01T00:00:01.500\"");
  EXPECT_EQ(Json(ms, v, 3), "\"1969-12-31T23:59:58.500\"");
  EXPECT_EQ(Json(ms, v, 4), "\"2000-02-29T00:00:00.000\"");
  EXPECT_EQ(Csv(ms, v, 1), "1969-12-31T23:59:59.999");

  auto us_utc = Timestamp(TimeUnit::kMicros, true);
  auto us = Fixed<int64_t>(PhysicalType::kInt64, {1, -1, 1704141296123456LL});
  EXPECT_EQ(Json(us_utc, us, 0), "\"1970-01-01T00:00:00.000001Z\"");
  EXPECT_EQ(Json(us_utc, us, 1), "\"1969-12-31T23:59:59.999999Z\"");
  EXPECT_EQ(Json(us_utc, us, 2), "\"2024-01-01T20:34:56.123456Z\"");

  auto ns = Timestamp(TimeUnit::kNanos, false);
  auto nv = Fixed<int64_t>(PhysicalType::kInt64, {1234567, -1});
  EXPECT_EQ(Json(ns, nv, 0), "\"1970-01-01T00:00:00.001234567\"");  // gen_expected ts_ns row 0
  EXPECT_EQ(Json(ns, nv, 1), "\"1969-12-31T23:59:59.999999999\"");
}

TEST(ValueTextTest, TimestampExtremesDoNotOverflow) {
  auto extremes = Fixed<int64_t>(PhysicalType::kInt64, {std::numeric_limits<int64_t>::min(),
                                                        std::numeric_limits<int64_t>::max()});
  EXPECT_EQ(Json(Timestamp(TimeUnit::kMicros, false), extremes, 0),
            "\"-290308-12-21T19:59:05.224192\"");
  EXPECT_EQ(Json(Timestamp(TimeUnit::kMillis, false), extremes, 1),
            "\"292278994-08-17T07:12:55.807\"");
  EXPECT_EQ(Json(Timestamp(TimeUnit::kNanos, false), extremes, 0),
            "\"1677-09-21T00:12:43.145224192\"");
}

std::vector<uint8_t> Int96(int64_t nanos_of_day, int32_t julian_day) {
  std::vector<uint8_t> bytes(12);
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(nanos_of_day) >> (8 * i));
  for (int i = 0; i < 4; ++i)
    bytes[8 + i] = static_cast<uint8_t>(static_cast<uint32_t>(julian_day) >> (8 * i));
  return bytes;
}

TEST(ValueTextTest, Int96Timestamps) {
  auto c = Column(ValueType::kTimestamp, PhysicalType::kInt96);
  c.unit = TimeUnit::kNanos;
  c.int96 = true;
  c.utc = true;  // INT96 never prints a zone, whatever the descriptor says
  // int96_from_spark.md: microseconds 1704141296123456 and 9089380393200000000, the latter in
  // year 290000, far past int64 nanoseconds.
  auto v = FixedBytes(12,
                      {Int96(0, 2440588), Int96(74096123456000LL, 2440588 + 19723),
                       Int96(82800000000000LL, 107641749),
                       Int96(10800000000000LL, 2440588 + 2932896), Int96(1, 2440587)},
                      PhysicalType::kInt96);
  EXPECT_EQ(Json(c, v, 0), "\"1970-01-01T00:00:00.000000000\"");
  EXPECT_EQ(Json(c, v, 1), "\"2024-01-01T20:34:56.123456000\"");
  EXPECT_EQ(Json(c, v, 2), "\"290000-12-30T23:00:00.000000000\"");
  EXPECT_EQ(Json(c, v, 3), "\"9999-12-31T03:00:00.000000000\"");
  EXPECT_EQ(Json(c, v, 4), "\"1969-12-31T00:00:00.000000001\"");
  EXPECT_EQ(Csv(c, v, 0), "1970-01-01T00:00:00.000000000");
}

TEST(ValueTextTest, Int96AsSparkWritesYear290000) {
  // The bytes Spark stores for 290000-12-31T01:00:00+02:00 (int96_from_spark.parquet, row 5):
  // its int64 microseconds since the Julian epoch overflowed, leaving a negative Julian day.
  // int96_from_spark.md says the value is 9089380393200000000 microseconds since 1970.
  auto c = Column(ValueType::kTimestamp, PhysicalType::kInt96);
  c.unit = TimeUnit::kNanos;
  c.int96 = true;
  auto v = FixedBytes(12, {Int96(-32509551616000LL, -105862232)}, PhysicalType::kInt96);
  EXPECT_EQ(Json(c, v, 0), "\"290000-12-30T23:00:00.000000000\"");
}

TEST(ValueTextTest, Int96NanosOutsideTheDayCarryIntoTheDate) {
  auto c = Column(ValueType::kTimestamp, PhysicalType::kInt96);
  c.unit = TimeUnit::kNanos;
  c.int96 = true;
  auto v = FixedBytes(12,
                      {Int96(-1, 2440588), Int96(86400000000000LL, 2440588),
                       Int96(std::numeric_limits<int64_t>::min(), -2147483647 - 1)},
                      PhysicalType::kInt96);
  EXPECT_EQ(Json(c, v, 0), "\"1969-12-31T23:59:59.999999999\"");
  EXPECT_EQ(Json(c, v, 1), "\"1970-01-02T00:00:00.000000000\"");
  EXPECT_FALSE(Json(c, v, 2).empty());  // hostile extremes still render, without UB
}

TEST(ValueTextTest, Times) {
  auto ms = Column(ValueType::kTime, PhysicalType::kInt32);
  ms.unit = TimeUnit::kMillis;
  auto mv = Fixed<int32_t>(PhysicalType::kInt32, {0, 86399999, 45296789, -1});
  EXPECT_EQ(Json(ms, mv, 0), "\"00:00:00.000\"");
  EXPECT_EQ(Json(ms, mv, 1), "\"23:59:59.999\"");
  EXPECT_EQ(Json(ms, mv, 2), "\"12:34:56.789\"");
  EXPECT_EQ(Json(ms, mv, 3), "\"-00:00:00.001\"");

  auto us = Column(ValueType::kTime, PhysicalType::kInt64);
  us.unit = TimeUnit::kMicros;
  auto uv = Fixed<int64_t>(PhysicalType::kInt64, {43200123457LL, 90000000000LL});
  EXPECT_EQ(Json(us, uv, 0), "\"12:00:00.123457\"");  // gen_expected tm row 1
  EXPECT_EQ(Csv(us, uv, 1), "25:00:00.000000");

  auto ns = us;
  ns.unit = TimeUnit::kNanos;
  auto nv = Fixed<int64_t>(PhysicalType::kInt64, {1, std::numeric_limits<int64_t>::min()});
  EXPECT_EQ(Json(ns, nv, 0), "\"00:00:00.000000001\"");
  EXPECT_EQ(Json(ns, nv, 1), "\"-2562047:47:16.854775808\"");
}

TEST(ValueTextTest, Uuids) {
  auto c = Column(ValueType::kUuid, PhysicalType::kFixedLenByteArray, 16);
  auto v = FixedBytes(16, {{0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0x9e, 0x37, 0x79, 0xb1},
                           {0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01,
                            0x23, 0x45, 0x67, 0x89}});
  EXPECT_EQ(Json(c, v, 0), "\"00000000-0000-4000-8000-00009e3779b1\"");
  EXPECT_EQ(Csv(c, v, 1), "abcdef01-2345-6789-abcd-ef0123456789");
}

TEST(ValueTextTest, MismatchedDescriptorFallsBackToThePhysicalType) {
  // A DATE over INT64 cannot come from a valid schema; render the integer rather than guess.
  auto c = Column(ValueType::kDate, PhysicalType::kInt64);
  EXPECT_EQ(Json(c, Fixed<int64_t>(PhysicalType::kInt64, {42}), 0), "42");
  auto s = Column(ValueType::kString, PhysicalType::kFixedLenByteArray, 2);
  EXPECT_EQ(Json(s, FixedBytes(2, {{'h', 'i'}}), 0), "\"aGk=\"");
}

TEST(ValueTextTest, DictionaryForm) {
  auto c = Column(ValueType::kString, PhysicalType::kByteArray);
  auto dictionary = std::make_shared<ColumnVector>(Bytes({std::string("red"), std::string("a,b")}));
  ColumnVector v = Fixed<uint32_t>(PhysicalType::kByteArray, {1, 0, std::nullopt, 1});
  v.dictionary = dictionary;
  EXPECT_EQ(Json(c, v, 0), "\"a,b\"");
  EXPECT_EQ(Json(c, v, 1), "\"red\"");
  EXPECT_EQ(Json(c, v, 2), "null");
  EXPECT_EQ(Csv(c, v, 0), "\"a,b\"");

  CellFormatter formatter(c, TextFormat::kJson);
  std::string text;
  std::vector<size_t> ends;
  formatter.AppendRange(v, 1, 4, &text, &ends);
  EXPECT_EQ(text, "\"red\"null\"a,b\"");
  EXPECT_EQ(ends, (std::vector<size_t>{5, 9, 14}));

  ColumnVector bad = Fixed<uint32_t>(PhysicalType::kByteArray, {2});
  bad.dictionary = dictionary;
  std::string out;
  EXPECT_THROW(formatter.Append(bad, 0, &out), Error);
}

TEST(ValueTextTest, AppendRangeMatchesAppend) {
  auto c = Column(ValueType::kInt, PhysicalType::kInt64);
  std::vector<std::optional<int64_t>> values;
  for (int i = 0; i < 200; ++i) {
    if (i % 7 == 3)
      values.push_back(std::nullopt);
    else
      values.push_back(i * 1000003LL - 50000);
  }
  auto v = Fixed<int64_t>(PhysicalType::kInt64, values);
  for (TextFormat format : {TextFormat::kJson, TextFormat::kCsv}) {
    CellFormatter formatter(c, format);
    std::string text = "prefix";
    std::vector<size_t> ends;
    formatter.AppendRange(v, 10, 150, &text, &ends);
    ASSERT_EQ(ends.size(), 140u);
    size_t begin = 6;
    for (int64_t row = 10; row < 150; ++row) {
      std::string one;
      formatter.Append(v, row, &one);
      size_t end = ends[static_cast<size_t>(row - 10)];
      EXPECT_EQ(text.substr(begin, end - begin), one) << "row " << row;
      if (!values[static_cast<size_t>(row)]) {
        EXPECT_EQ(one, format == TextFormat::kJson ? "null" : "");
      }
      begin = end;
    }
  }
}

TEST(ValueTextTest, PlainStatisticsValues) {
  auto date = Column(ValueType::kDate, PhysicalType::kInt32);
  CellFormatter formatter(date, TextFormat::kJson);
  std::string out;
  int32_t days = 11016;
  std::string plain(reinterpret_cast<const char*>(&days), 4);
  EXPECT_TRUE(formatter.AppendPlain(plain, &out));
  EXPECT_EQ(out, "\"2000-02-29\"");
  out.clear();
  EXPECT_FALSE(formatter.AppendPlain(plain.substr(0, 3), &out));
  EXPECT_EQ(out, "");

  CellFormatter strings(Column(ValueType::kString, PhysicalType::kByteArray), TextFormat::kJson);
  EXPECT_TRUE(strings.AppendPlain("Hello \"x\"", &out));
  EXPECT_EQ(out, "\"Hello \\\"x\\\"\"");
  out.clear();
  EXPECT_TRUE(strings.AppendPlain("", &out));
  EXPECT_EQ(out, "\"\"");

  auto dec = Decimal(PhysicalType::kFixedLenByteArray, 25, 2, 11);
  CellFormatter decimals(dec, TextFormat::kCsv);
  out.clear();
  EXPECT_TRUE(decimals.AppendPlain(std::string("\0\0\0\0\0\0\0\0\0\x04\xd2", 11), &out));
  EXPECT_EQ(out, "12.34");
  out.clear();
  EXPECT_FALSE(decimals.AppendPlain("short", &out));
}

}  // namespace
}  // namespace frocket::parquet
