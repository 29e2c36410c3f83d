#include "engine/column_normalizer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "catalog/schema_mapping.h"
#include "common/error.h"
#include "parquet/file_reader.h"
#include "parquet/writer/file_writer.h"
#include "storage/file.h"
#include "support/engine_fixtures.h"

namespace frocket {
namespace {

using test_support::SetValidity;

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::PhysicalType;
using parquet::TimeUnit;
using parquet::ValueType;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const std::string kFile = "data/part-0.parquet";

// ---------------------------------------------------------------------------------------------
// Raw vectors as the reader returns them.

// FIXED_LEN_BYTE_ARRAY (or INT96 when width is 12 and physical says so).
ColumnVector FixedBytes(PhysicalType physical, int32_t width,
                        const std::vector<std::optional<std::vector<uint8_t>>>& cells) {
  ColumnVector v;
  v.physical = physical;
  v.type_length = physical == PhysicalType::kFixedLenByteArray ? width : 0;
  v.size = static_cast<int64_t>(cells.size());
  std::vector<bool> valid;
  for (const auto& c : cells) {
    std::vector<uint8_t> bytes(static_cast<size_t>(width), 0);
    if (c) bytes = *c;
    EXPECT_EQ(bytes.size(), static_cast<size_t>(width));
    v.values.Append(bytes.data(), bytes.size());
    valid.push_back(c.has_value());
  }
  SetValidity(&v, valid);
  return v;
}

ColumnVector ByteArrays(const std::vector<std::optional<std::string>>& cells) {
  ColumnVector v;
  v.physical = PhysicalType::kByteArray;
  v.size = static_cast<int64_t>(cells.size());
  std::vector<uint32_t> offsets = {0};
  std::vector<bool> valid;
  for (const auto& c : cells) {
    if (c) v.bytes.Append(c->data(), c->size());
    offsets.push_back(static_cast<uint32_t>(v.bytes.size()));
    valid.push_back(c.has_value());
  }
  v.offsets.Append(offsets.data(), offsets.size() * 4);
  SetValidity(&v, valid);
  return v;
}

// Dictionary form over `dictionary`: a code per row, nullopt for a null row (code 0).
ColumnVector WithCodes(ColumnVector dictionary, const std::vector<std::optional<uint32_t>>& codes) {
  ColumnVector v;
  v.physical = dictionary.physical;
  v.type_length = dictionary.type_length;
  v.size = static_cast<int64_t>(codes.size());
  std::vector<bool> valid;
  for (const auto& c : codes) {
    uint32_t code = c.value_or(0);
    v.values.Append(&code, 4);
    valid.push_back(c.has_value());
  }
  SetValidity(&v, valid);
  v.dictionary = std::make_shared<const ColumnVector>(std::move(dictionary));
  return v;
}

ColumnDescriptor Column(PhysicalType physical, ValueType type) {
  ColumnDescriptor c;
  c.name = "col";
  c.physical = physical;
  c.type = type;
  c.nullable = true;
  c.max_definition_level = 1;
  return c;
}
ColumnDescriptor IntColumn(PhysicalType physical, int bits, bool is_signed) {
  ColumnDescriptor c = Column(physical, ValueType::kInt);
  c.bit_width = static_cast<int8_t>(bits);
  c.is_signed = is_signed;
  return c;
}
ColumnDescriptor TimeColumn(PhysicalType physical, ValueType type, TimeUnit unit) {
  ColumnDescriptor c = Column(physical, type);
  c.unit = unit;
  c.utc = true;
  c.int96 = physical == PhysicalType::kInt96;
  return c;
}
ColumnDescriptor DecimalColumn(PhysicalType physical, int32_t precision, int32_t scale,
                               int32_t type_length = 0) {
  ColumnDescriptor c = Column(physical, ValueType::kDecimal);
  c.precision = precision;
  c.scale = scale;
  c.type_length = type_length;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Reading normalized vectors.

std::vector<std::optional<int64_t>> Ints(const ColumnVector& v) {
  EXPECT_EQ(v.physical, PhysicalType::kInt64);
  EXPECT_FALSE(v.has_dictionary());
  EXPECT_GE(v.values.size(), static_cast<size_t>(v.size) * 8);
  std::vector<std::optional<int64_t>> out;
  for (int64_t i = 0; i < v.size; ++i) {
    if (v.IsNull(i)) {
      EXPECT_EQ(v.Get<int64_t>(i), 0) << "null slot " << i << " is not zero";
      out.push_back(std::nullopt);
    } else {
      out.push_back(v.Get<int64_t>(i));
    }
  }
  return out;
}

std::vector<std::optional<double>> Doubles(const ColumnVector& v) {
  EXPECT_EQ(v.physical, PhysicalType::kDouble);
  EXPECT_FALSE(v.has_dictionary());
  std::vector<std::optional<double>> out;
  for (int64_t i = 0; i < v.size; ++i) {
    if (v.IsNull(i)) {
      EXPECT_EQ(v.Get<double>(i), 0.0);
      out.push_back(std::nullopt);
    } else {
      out.push_back(v.Get<double>(i));
    }
  }
  return out;
}

// Strings of a normalized STRING vector, through the dictionary when there is one.
std::vector<std::optional<std::string>> Strings(const ColumnVector& v) {
  const ColumnVector& values = v.has_dictionary() ? *v.dictionary : v;
  EXPECT_EQ(values.physical, PhysicalType::kByteArray);
  std::vector<std::optional<std::string>> out;
  for (int64_t i = 0; i < v.size; ++i) {
    if (v.IsNull(i)) {
      out.push_back(std::nullopt);
    } else {
      out.push_back(std::string(values.GetBytes(v.has_dictionary() ? v.Code(i) : i)));
    }
  }
  return out;
}

using OptInts = std::vector<std::optional<int64_t>>;
using OptDoubles = std::vector<std::optional<double>>;
using OptStrings = std::vector<std::optional<std::string>>;

ColumnVector Normalize(ColumnVector raw, const ColumnDescriptor& column, ColumnKind kind,
                       TimestampUnit unit = TimestampUnit::kMillis) {
  return NormalizeColumn(std::move(raw), column, kind, unit, kFile);
}

ErrorKind ErrorKindOf(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message != nullptr) *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "no error thrown";
  return ErrorKind::kInternal;
}

// ---------------------------------------------------------------------------------------------
// INT.

TEST(ColumnNormalizerTest, SignedInt32WidthsSignExtend) {
  for (int bits : {8, 16, 32}) {
    ColumnVector raw = test_support::FixedVector<int32_t>(
        PhysicalType::kInt32, {-128, 127, std::nullopt, 0, -1, bits == 32 ? INT32_MIN : -32768});
    ColumnVector out =
        Normalize(std::move(raw), IntColumn(PhysicalType::kInt32, bits, true), ColumnKind::kInt);
    EXPECT_EQ(Ints(out),
              OptInts({-128, 127, std::nullopt, 0, -1, bits == 32 ? int64_t{INT32_MIN} : -32768}));
    EXPECT_EQ(out.null_count, 1);
  }
}

TEST(ColumnNormalizerTest, UnsignedInt32ZeroExtends) {
  // UINT32 uses all 32 bits: the int32 bit pattern -1 is 4294967295.
  ColumnVector raw =
      test_support::FixedVector<int32_t>(PhysicalType::kInt32, {-1, INT32_MIN, 7, std::nullopt});
  EXPECT_EQ(
      Ints(Normalize(std::move(raw), IntColumn(PhysicalType::kInt32, 32, false), ColumnKind::kInt)),
      OptInts({4294967295, 2147483648, 7, std::nullopt}));
  ColumnVector u16 = test_support::FixedVector<int32_t>(PhysicalType::kInt32, {65535, 0, 255});
  EXPECT_EQ(
      Ints(Normalize(std::move(u16), IntColumn(PhysicalType::kInt32, 16, false), ColumnKind::kInt)),
      OptInts({65535, 0, 255}));
}

TEST(ColumnNormalizerTest, SignedInt64IsMovedNotCopied) {
  ColumnVector raw =
      test_support::FixedVector<int64_t>(PhysicalType::kInt64, {kMin, kMax, std::nullopt, 0});
  const uint8_t* values = raw.values.data();
  const uint8_t* validity = raw.validity.data();
  ColumnVector out =
      Normalize(std::move(raw), IntColumn(PhysicalType::kInt64, 64, true), ColumnKind::kInt);
  EXPECT_EQ(out.values.data(), values);
  EXPECT_EQ(out.validity.data(), validity);
  EXPECT_EQ(Ints(out), OptInts({kMin, kMax, std::nullopt, 0}));
}

TEST(ColumnNormalizerTest, Uint64UpToInt64MaxPassesAndAboveThrows) {
  ColumnVector ok =
      test_support::FixedVector<int64_t>(PhysicalType::kInt64, {kMax, 0, std::nullopt, 12});
  EXPECT_EQ(
      Ints(Normalize(std::move(ok), IntColumn(PhysicalType::kInt64, 64, false), ColumnKind::kInt)),
      OptInts({kMax, 0, std::nullopt, 12}));

  // 2^63 and 2^64 - 1, as the int64 bit patterns the reader stores.
  for (int64_t bits : {kMin, int64_t{-1}}) {
    ColumnVector bad = test_support::FixedVector<int64_t>(PhysicalType::kInt64, {1, bits});
    std::string message;
    EXPECT_EQ(ErrorKindOf(
                  [&] {
                    Normalize(std::move(bad), IntColumn(PhysicalType::kInt64, 64, false),
                              ColumnKind::kInt);
                  },
                  &message),
              ErrorKind::kCorruptFile);
    EXPECT_NE(message.find(kFile), std::string::npos) << message;
    EXPECT_NE(message.find("'col'"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(static_cast<uint64_t>(bits))), std::string::npos)
        << message;
  }
}

TEST(ColumnNormalizerTest, DateKeepsDays) {
  ColumnVector raw = test_support::FixedVector<int32_t>(PhysicalType::kInt32,
                                                        {-1, 0, 19723, std::nullopt, INT32_MIN});
  EXPECT_EQ(Ints(Normalize(std::move(raw), Column(PhysicalType::kInt32, ValueType::kDate),
                           ColumnKind::kInt, TimestampUnit::kNanos)),
            OptInts({-1, 0, 19723, std::nullopt, INT32_MIN}));
}

TEST(ColumnNormalizerTest, TimestampsConvertToTheDatasetUnitFlooring) {
  const ColumnDescriptor micros =
      TimeColumn(PhysicalType::kInt64, ValueType::kTimestamp, TimeUnit::kMicros);
  // A coarser unit floors: -1 us lies in the millisecond [-1, 0).
  ColumnVector raw = test_support::FixedVector<int64_t>(
      PhysicalType::kInt64, {-1, 1999, -1000, -1001, std::nullopt, 1704067200123456, kMin});
  const uint8_t* values = raw.values.data();
  ColumnVector ms = Normalize(std::move(raw), micros, ColumnKind::kInt, TimestampUnit::kMillis);
  EXPECT_EQ(Ints(ms), OptInts({-1, 1, -1, -2, std::nullopt, 1704067200123,
                               -9223372036854776}));  // floor(-2^63 / 1000)
  EXPECT_EQ(ms.values.data(), values) << "a coarser unit converts in place";

  ColumnVector raw_s =
      test_support::FixedVector<int64_t>(PhysicalType::kInt64, {-1, 999999, 1000000, -1000001});
  EXPECT_EQ(Ints(Normalize(std::move(raw_s), micros, ColumnKind::kInt, TimestampUnit::kSeconds)),
            OptInts({-1, 0, 1, -2}));

  // A finer unit multiplies.
  ColumnVector raw_ns =
      test_support::FixedVector<int64_t>(PhysicalType::kInt64, {-1, 5, std::nullopt});
  EXPECT_EQ(Ints(Normalize(std::move(raw_ns), micros, ColumnKind::kInt, TimestampUnit::kNanos)),
            OptInts({-1000, 5000, std::nullopt}));

  // The same unit moves the buffer.
  ColumnVector raw_us = test_support::FixedVector<int64_t>(PhysicalType::kInt64, {-7, 7});
  const uint8_t* us_values = raw_us.values.data();
  ColumnVector us = Normalize(std::move(raw_us), micros, ColumnKind::kInt, TimestampUnit::kMicros);
  EXPECT_EQ(us.values.data(), us_values);
  EXPECT_EQ(Ints(us), OptInts({-7, 7}));
}

TEST(ColumnNormalizerTest, TimestampConversionAgreesWithConvertTicks) {
  // The engine must place every instant where registration (ConvertTicks) places it.
  std::mt19937_64 rng(11);
  std::vector<std::optional<int64_t>> cells;
  for (int i = 0; i < 500; ++i) {
    int64_t v = static_cast<int64_t>(rng());
    if (i % 3 == 0) v %= 100000;
    if (i % 3 == 1) v /= 1000000000;  // small enough to multiply up to nanoseconds
    cells.push_back(v);
  }
  for (TimeUnit from : {TimeUnit::kMillis, TimeUnit::kMicros, TimeUnit::kNanos}) {
    for (TimestampUnit to : {TimestampUnit::kSeconds, TimestampUnit::kMillis,
                             TimestampUnit::kMicros, TimestampUnit::kNanos}) {
      std::vector<std::optional<int64_t>> input;
      OptInts expected;
      for (const auto& c : cells) {
        try {
          int64_t converted = ConvertTicks(*c, TicksPerSecond(from), to);
          input.push_back(c);
          expected.push_back(converted);
        } catch (const Error&) {
          // Not representable in this unit; covered by the overflow test.
        }
      }
      ColumnVector raw = test_support::FixedVector<int64_t>(PhysicalType::kInt64, input);
      EXPECT_EQ(Ints(Normalize(std::move(raw),
                               TimeColumn(PhysicalType::kInt64, ValueType::kTimestamp, from),
                               ColumnKind::kInt, to)),
                expected);
    }
  }
}

TEST(ColumnNormalizerTest, TimestampOutsideInt64InTheUnitThrowsCorrupt) {
  ColumnVector raw = test_support::FixedVector<int64_t>(PhysicalType::kInt64, {1, kMax / 1000 + 1});
  std::string message;
  EXPECT_EQ(ErrorKindOf(
                [&] {
                  Normalize(
                      std::move(raw),
                      TimeColumn(PhysicalType::kInt64, ValueType::kTimestamp, TimeUnit::kMillis),
                      ColumnKind::kInt, TimestampUnit::kMicros);
                },
                &message),
            ErrorKind::kCorruptFile);
  EXPECT_NE(message.find(kFile), std::string::npos) << message;
  EXPECT_NE(message.find("'col'"), std::string::npos) << message;
}

TEST(ColumnNormalizerTest, TimeConvertsToTheDatasetUnit) {
  // TIME(MILLIS) is INT32; TIME(MICROS/NANOS) is INT64.
  ColumnVector ms =
      test_support::FixedVector<int32_t>(PhysicalType::kInt32, {1234, std::nullopt, 86399999});
  EXPECT_EQ(Ints(Normalize(std::move(ms),
                           TimeColumn(PhysicalType::kInt32, ValueType::kTime, TimeUnit::kMillis),
                           ColumnKind::kInt, TimestampUnit::kMicros)),
            OptInts({1234000, std::nullopt, 86399999000}));
  ColumnVector ms_s = test_support::FixedVector<int32_t>(PhysicalType::kInt32, {1234, 999});
  EXPECT_EQ(Ints(Normalize(std::move(ms_s),
                           TimeColumn(PhysicalType::kInt32, ValueType::kTime, TimeUnit::kMillis),
                           ColumnKind::kInt, TimestampUnit::kSeconds)),
            OptInts({1, 0}));
  ColumnVector ns = test_support::FixedVector<int64_t>(PhysicalType::kInt64, {1999999, 5});
  EXPECT_EQ(Ints(Normalize(std::move(ns),
                           TimeColumn(PhysicalType::kInt64, ValueType::kTime, TimeUnit::kNanos),
                           ColumnKind::kInt, TimestampUnit::kMillis)),
            OptInts({1, 0}));
}

std::vector<uint8_t> Int96(int64_t nanos_of_day, uint32_t julian_day) {
  std::vector<uint8_t> bytes(12);
  std::memcpy(bytes.data(), &nanos_of_day, 8);
  std::memcpy(bytes.data() + 8, &julian_day, 4);
  return bytes;
}

TEST(ColumnNormalizerTest, Int96TimestampsConvert) {
  constexpr uint32_t kEpochDay = 2440588;  // 1970-01-01
  const ColumnDescriptor column =
      TimeColumn(PhysicalType::kInt96, ValueType::kTimestamp, TimeUnit::kNanos);
  // A null slot holds zero bytes (Julian day 0, far outside int64 nanoseconds): it must be
  // skipped, not converted.
  ColumnVector raw = FixedBytes(PhysicalType::kInt96, 12,
                                {Int96(1500000, kEpochDay), Int96(86399999999999, kEpochDay - 1),
                                 std::nullopt, Int96(0, kEpochDay + 1)});
  EXPECT_EQ(Ints(Normalize(std::move(raw), column, ColumnKind::kInt, TimestampUnit::kMillis)),
            OptInts({1, -1, std::nullopt, 86400000}));
  ColumnVector raw_ns =
      FixedBytes(PhysicalType::kInt96, 12,
                 {Int96(1500000, kEpochDay), std::nullopt, Int96(86399999999999, kEpochDay - 1)});
  EXPECT_EQ(Ints(Normalize(std::move(raw_ns), column, ColumnKind::kInt, TimestampUnit::kNanos)),
            OptInts({1500000, std::nullopt, -1}));

  // Julian day 0 does not fit int64 nanoseconds.
  ColumnVector bad = FixedBytes(PhysicalType::kInt96, 12, {Int96(0, 0)});
  EXPECT_EQ(ErrorKindOf([&] {
              Normalize(std::move(bad), column, ColumnKind::kInt, TimestampUnit::kNanos);
            }),
            ErrorKind::kCorruptFile);
}

TEST(ColumnNormalizerTest, IntDictionaryIsMaterialized) {
  ColumnVector dict = test_support::FixedVector<int32_t>(PhysicalType::kInt32, {5, -7, 9});
  ColumnVector raw = WithCodes(std::move(dict), {1, 0, std::nullopt, 1, 2});
  EXPECT_EQ(
      Ints(Normalize(std::move(raw), IntColumn(PhysicalType::kInt32, 32, true), ColumnKind::kInt)),
      OptInts({-7, 5, std::nullopt, -7, 9}));

  ColumnVector udict = test_support::FixedVector<int32_t>(PhysicalType::kInt32, {-1, 3});
  ColumnVector uraw = WithCodes(std::move(udict), {0, 1, std::nullopt});
  EXPECT_EQ(Ints(Normalize(std::move(uraw), IntColumn(PhysicalType::kInt32, 32, false),
                           ColumnKind::kInt)),
            OptInts({4294967295, 3, std::nullopt}));

  ColumnVector tdict = test_support::FixedVector<int64_t>(PhysicalType::kInt64, {-1, 2500});
  ColumnVector traw = WithCodes(std::move(tdict), {0, 1, 1});
  EXPECT_EQ(
      Ints(Normalize(std::move(traw),
                     TimeColumn(PhysicalType::kInt64, ValueType::kTimestamp, TimeUnit::kMicros),
                     ColumnKind::kInt, TimestampUnit::kMillis)),
      OptInts({-1, 2, 2}));

  // An all-null run may come with an empty dictionary.
  ColumnVector empty = WithCodes(test_support::FixedVector<int64_t>(PhysicalType::kInt64, {}),
                                 {std::nullopt, std::nullopt});
  EXPECT_EQ(Ints(Normalize(std::move(empty), IntColumn(PhysicalType::kInt64, 64, true),
                           ColumnKind::kInt)),
            OptInts({std::nullopt, std::nullopt}));

  ColumnVector past =
      WithCodes(test_support::FixedVector<int64_t>(PhysicalType::kInt64, {1}), {0, 1});
  EXPECT_EQ(ErrorKindOf([&] {
              Normalize(std::move(past), IntColumn(PhysicalType::kInt64, 64, true),
                        ColumnKind::kInt);
            }),
            ErrorKind::kCorruptFile);
}

// ---------------------------------------------------------------------------------------------
// FLOAT.

TEST(ColumnNormalizerTest, FloatWidensAndDoubleIsMoved) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  ColumnVector raw = test_support::FixedVector<float>(
      PhysicalType::kFloat,
      {1.5f, -0.0f, nan, std::nullopt, 0.1f, std::numeric_limits<float>::infinity()});
  OptDoubles out = Doubles(Normalize(
      std::move(raw), Column(PhysicalType::kFloat, ValueType::kFloat), ColumnKind::kFloat));
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(*out[0], 1.5);
  EXPECT_EQ(*out[1], 0.0);
  EXPECT_TRUE(std::signbit(*out[1]));
  EXPECT_TRUE(std::isnan(*out[2]));
  EXPECT_FALSE(out[3].has_value());
  EXPECT_EQ(*out[4], static_cast<double>(0.1f));  // widening is exact, not re-rounded to 0.1
  EXPECT_EQ(*out[5], std::numeric_limits<double>::infinity());

  ColumnVector d =
      test_support::FixedVector<double>(PhysicalType::kDouble, {0.1, std::nullopt, -2.5});
  const uint8_t* values = d.values.data();
  ColumnVector dout = Normalize(std::move(d), Column(PhysicalType::kDouble, ValueType::kDouble),
                                ColumnKind::kFloat);
  EXPECT_EQ(dout.values.data(), values);
  EXPECT_EQ(Doubles(dout), OptDoubles({0.1, std::nullopt, -2.5}));
}

TEST(ColumnNormalizerTest, Float16IsIeeeHalf) {
  ColumnDescriptor column = Column(PhysicalType::kFixedLenByteArray, ValueType::kFloat16);
  column.type_length = 2;
  auto half = [](uint16_t bits) {
    return std::vector<uint8_t>{static_cast<uint8_t>(bits & 0xff), static_cast<uint8_t>(bits >> 8)};
  };
  ColumnVector raw =
      FixedBytes(PhysicalType::kFixedLenByteArray, 2,
                 {half(0x3c00), half(0xc000), half(0x7bff), half(0x0001), half(0x8000),
                  half(0x7c00), half(0xfc00), half(0x7e00), std::nullopt, half(0x3555)});
  OptDoubles out = Doubles(Normalize(std::move(raw), column, ColumnKind::kFloat));
  ASSERT_EQ(out.size(), 10u);
  EXPECT_EQ(*out[0], 1.0);
  EXPECT_EQ(*out[1], -2.0);
  EXPECT_EQ(*out[2], 65504.0);               // largest half
  EXPECT_EQ(*out[3], std::ldexp(1.0, -24));  // smallest subnormal half
  EXPECT_EQ(*out[4], 0.0);
  EXPECT_TRUE(std::signbit(*out[4]));
  EXPECT_EQ(*out[5], std::numeric_limits<double>::infinity());
  EXPECT_EQ(*out[6], -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*out[7]));
  EXPECT_FALSE(out[8].has_value());
  EXPECT_EQ(*out[9], 1365.0 / 4096.0);  // 0x3555: (1 + 341/1024) * 2^-2
}

TEST(ColumnNormalizerTest, DecimalInIntegersScales) {
  ColumnVector i32 = test_support::FixedVector<int32_t>(PhysicalType::kInt32,
                                                        {-12345, 5, std::nullopt, 0, INT32_MAX});
  EXPECT_EQ(Doubles(Normalize(std::move(i32), DecimalColumn(PhysicalType::kInt32, 9, 2),
                              ColumnKind::kFloat)),
            OptDoubles({-123.45, 0.05, std::nullopt, 0.0, 21474836.47}));

  // Beyond 2^53 the nearest double to the exact decimal (the compiler rounds these literals
  // correctly).
  ColumnVector i64 = test_support::FixedVector<int64_t>(
      PhysicalType::kInt64, {123456789012345678, -123456789012345678, kMax, kMin, 1});
  EXPECT_EQ(Doubles(Normalize(std::move(i64), DecimalColumn(PhysicalType::kInt64, 18, 3),
                              ColumnKind::kFloat)),
            OptDoubles({123456789012345.678, -123456789012345.678, 9223372036854775.807,
                        -9223372036854775.808, 0.001}));

  // A scale past the exact powers of ten.
  ColumnVector tiny = test_support::FixedVector<int64_t>(PhysicalType::kInt64, {1, -3});
  EXPECT_EQ(Doubles(Normalize(std::move(tiny), DecimalColumn(PhysicalType::kInt64, 18, 25),
                              ColumnKind::kFloat)),
            OptDoubles({1e-25, -3e-25}));

  ColumnVector bad = test_support::FixedVector<int32_t>(PhysicalType::kInt32, {1});
  EXPECT_EQ(ErrorKindOf([&] {
              Normalize(std::move(bad), DecimalColumn(PhysicalType::kInt32, 9, -1),
                        ColumnKind::kFloat);
            }),
            ErrorKind::kCorruptFile);
}

// Big-endian two's complement of `magnitude` (given as decimal digits) in `width` bytes.
std::vector<uint8_t> BigEndian(const std::string& digits, bool negative, size_t width) {
  std::vector<uint8_t> bytes(width, 0);  // little-endian while building
  for (char d : digits) {
    unsigned carry = static_cast<unsigned>(d - '0');
    for (auto& b : bytes) {
      unsigned v = b * 10u + carry;
      b = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
  }
  if (negative) {
    unsigned carry = 1;
    for (auto& b : bytes) {
      unsigned v = static_cast<uint8_t>(~b) + carry;
      b = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
  }
  return std::vector<uint8_t>(bytes.rbegin(), bytes.rend());
}

TEST(ColumnNormalizerTest, DecimalInBytesScales) {
  // FIXED_LEN_BYTE_ARRAY(16): 10^30 at scale 10 is 1e20; -1 is all 0xff.
  ColumnVector flba =
      FixedBytes(PhysicalType::kFixedLenByteArray, 16,
                 {BigEndian("1000000000000000000000000000000", false, 16), BigEndian("1", true, 16),
                  std::nullopt, BigEndian("12345678901234567890123456789", true, 16)});
  EXPECT_EQ(Doubles(Normalize(std::move(flba),
                              DecimalColumn(PhysicalType::kFixedLenByteArray, 38, 10, 16),
                              ColumnKind::kFloat)),
            OptDoubles({1e20, -1e-10, std::nullopt, -1234567890123456789.0123456789}));

  // Wider than 16 bytes: 10^40 and -(10^45 + 1) at scale 5.
  ColumnVector wide =
      FixedBytes(PhysicalType::kFixedLenByteArray, 24,
                 {BigEndian("10000000000000000000000000000000000000000", false, 24),
                  BigEndian("1000000000000000000000000000000000000000000001", true, 24)});
  EXPECT_EQ(
      Doubles(Normalize(std::move(wide), DecimalColumn(PhysicalType::kFixedLenByteArray, 57, 5, 24),
                        ColumnKind::kFloat)),
      OptDoubles({1e35, -1e40}));

  // BYTE_ARRAY of varying lengths; empty is 0.
  auto s = [](std::vector<uint8_t> b) { return std::string(b.begin(), b.end()); };
  ColumnVector ba = ByteArrays({s({0x00, 0x80}), s({0x80}), s({}), std::nullopt, s({0xff, 0x38}),
                                s(BigEndian("98765432109876543210", false, 9))});
  EXPECT_EQ(Doubles(Normalize(std::move(ba), DecimalColumn(PhysicalType::kByteArray, 20, 1),
                              ColumnKind::kFloat)),
            OptDoubles({12.8, -12.8, 0.0, std::nullopt, -20.0, 9876543210987654321.0}));
}

TEST(ColumnNormalizerTest, DecimalDictionaryIsMaterialized) {
  ColumnVector dict = test_support::FixedVector<int32_t>(PhysicalType::kInt32, {150, -25});
  ColumnVector raw = WithCodes(std::move(dict), {1, std::nullopt, 0, 0});
  EXPECT_EQ(Doubles(Normalize(std::move(raw), DecimalColumn(PhysicalType::kInt32, 5, 2),
                              ColumnKind::kFloat)),
            OptDoubles({-0.25, std::nullopt, 1.5, 1.5}));
}

// ---------------------------------------------------------------------------------------------
// BOOL and STRING.

TEST(ColumnNormalizerTest, BooleanIsMoved) {
  ColumnVector raw =
      test_support::FixedVector<uint8_t>(PhysicalType::kBoolean, {1, 0, std::nullopt, 1});
  const uint8_t* values = raw.values.data();
  ColumnVector out = Normalize(std::move(raw), Column(PhysicalType::kBoolean, ValueType::kBoolean),
                               ColumnKind::kBool);
  EXPECT_EQ(out.physical, PhysicalType::kBoolean);
  EXPECT_EQ(out.values.data(), values);
  EXPECT_EQ(out.null_count, 1);
  EXPECT_TRUE(out.IsNull(2));

  ColumnVector dict = WithCodes(test_support::FixedVector<uint8_t>(PhysicalType::kBoolean, {0, 1}),
                                {1, std::nullopt, 0});
  ColumnVector materialized = Normalize(
      std::move(dict), Column(PhysicalType::kBoolean, ValueType::kBoolean), ColumnKind::kBool);
  EXPECT_FALSE(materialized.has_dictionary());
  ASSERT_EQ(materialized.values.size(), 3u);
  EXPECT_EQ(materialized.values.data()[0], 1);
  EXPECT_EQ(materialized.values.data()[1], 0);
  EXPECT_EQ(materialized.values.data()[2], 0);
  EXPECT_TRUE(materialized.IsNull(1));
}

TEST(ColumnNormalizerTest, StringsAreMovedAndDictionariesKept) {
  ColumnVector raw = ByteArrays({"a", std::nullopt, "", "h\xc3\xa9"});
  const uint8_t* bytes = raw.bytes.data();
  ColumnVector out = Normalize(std::move(raw), Column(PhysicalType::kByteArray, ValueType::kString),
                               ColumnKind::kString);
  EXPECT_EQ(out.bytes.data(), bytes);
  EXPECT_EQ(Strings(out), OptStrings({"a", std::nullopt, "", "h\xc3\xa9"}));

  ColumnVector dict = WithCodes(ByteArrays({"x", "y"}), {1, 0, std::nullopt, 1});
  const ColumnVector* dictionary = dict.dictionary.get();
  ColumnVector dout = Normalize(
      std::move(dict), Column(PhysicalType::kByteArray, ValueType::kString), ColumnKind::kString);
  ASSERT_TRUE(dout.has_dictionary());
  EXPECT_EQ(dout.dictionary.get(), dictionary);
  EXPECT_EQ(Strings(dout), OptStrings({"y", "x", std::nullopt, "y"}));
}

std::vector<uint8_t> Uuid(const char* hex32) {
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 16; ++i) {
    bytes.push_back(static_cast<uint8_t>(std::stoi(std::string(hex32 + 2 * i, 2), nullptr, 16)));
  }
  return bytes;
}

TEST(ColumnNormalizerTest, UuidBecomesCanonicalText) {
  ColumnDescriptor column = Column(PhysicalType::kFixedLenByteArray, ValueType::kUuid);
  column.type_length = 16;
  ColumnVector raw = FixedBytes(PhysicalType::kFixedLenByteArray, 16,
                                {Uuid("00112233445566778899AABBCCDDEEFF"), std::nullopt,
                                 Uuid("ffffffffffffffffffffffffffffffff")});
  ColumnVector out = Normalize(std::move(raw), column, ColumnKind::kString);
  EXPECT_EQ(out.physical, PhysicalType::kByteArray);
  EXPECT_EQ(Strings(out), OptStrings({"00112233-4455-6677-8899-aabbccddeeff", std::nullopt,
                                      "ffffffff-ffff-ffff-ffff-ffffffffffff"}));
  EXPECT_EQ(out.GetBytes(1), "");

  ColumnVector dict_raw = WithCodes(FixedBytes(PhysicalType::kFixedLenByteArray, 16,
                                               {Uuid("0123456789abcdef0123456789abcdef"),
                                                Uuid("fedcba9876543210fedcba9876543210")}),
                                    {1, std::nullopt, 0});
  ColumnVector dict = Normalize(std::move(dict_raw), column, ColumnKind::kString);
  ASSERT_TRUE(dict.has_dictionary());
  EXPECT_EQ(dict.physical, PhysicalType::kByteArray);
  EXPECT_EQ(dict.dictionary->physical, PhysicalType::kByteArray);
  EXPECT_EQ(Strings(dict), OptStrings({"fedcba98-7654-3210-fedc-ba9876543210", std::nullopt,
                                       "01234567-89ab-cdef-0123-456789abcdef"}));
}

TEST(ColumnNormalizerTest, ColumnOfAnotherTypeIsRefused) {
  ColumnVector raw = test_support::FixedVector<double>(PhysicalType::kDouble, {1.0});
  EXPECT_EQ(ErrorKindOf([&] {
              Normalize(std::move(raw), Column(PhysicalType::kDouble, ValueType::kDouble),
                        ColumnKind::kInt);
            }),
            ErrorKind::kNotSupported);
  ColumnVector bin = ByteArrays({"x"});
  EXPECT_EQ(ErrorKindOf([&] {
              Normalize(std::move(bin), Column(PhysicalType::kByteArray, ValueType::kBinary),
                        ColumnKind::kString);
            }),
            ErrorKind::kNotSupported);
}

// ---------------------------------------------------------------------------------------------
// Through the writer and the reader, so the test sees the reader's own representation.

TEST(ColumnNormalizerTest, WrittenFileReadsBackNormalized) {
  namespace fs = std::filesystem;
  fs::path dir =
      fs::temp_directory_path() / ("frocket_normalizer_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "t.parquet").string();

  parquet::WriterSchema schema;
  schema.columns = {
      {"ts", parquet::WriterType::kTimestampMicros, true, parquet::ColumnEncoding::kPlain},
      {"event", parquet::WriterType::kString, true, parquet::ColumnEncoding::kDictionary},
      {"n", parquet::WriterType::kInt32, true, parquet::ColumnEncoding::kAuto}};
  std::vector<std::optional<int64_t>> ts;
  std::vector<std::optional<std::string>> events;
  std::vector<std::optional<int32_t>> ns;
  for (int i = 0; i < 300; ++i) {
    ts.push_back(i % 7 == 3 ? std::nullopt : std::optional<int64_t>(int64_t{i - 150} * 777));
    events.push_back(i % 5 == 0 ? std::nullopt
                                : std::optional<std::string>(i % 2 ? "view" : "buy"));
    ns.push_back(i % 11 == 0 ? std::nullopt : std::optional<int32_t>(i - 200));
  }
  {
    auto writer = parquet::ParquetWriter::Open(path, schema);
    std::vector<ColumnVector> batch;
    batch.push_back(test_support::FixedVector<int64_t>(PhysicalType::kInt64, ts));
    batch.push_back(ByteArrays(events));
    batch.push_back(test_support::FixedVector<int32_t>(PhysicalType::kInt32, ns));
    writer->Write(batch);
    writer->Close();
  }
  auto file = parquet::ParquetFile::Open(std::shared_ptr<RandomAccessFile>(OpenLocalFile(path)));
  parquet::ReadOptions options;
  options.keep_dictionary = true;

  ColumnVector ts_out = NormalizeColumn(file->ReadColumn(0, 0, options), file->schema().column(0),
                                        ColumnKind::kInt, TimestampUnit::kMillis, path);
  OptInts expected_ts;
  for (const auto& t : ts) {
    // Floor of micros / 1000, computed independently.
    expected_ts.push_back(t ? std::optional<int64_t>(static_cast<int64_t>(
                                  std::floor(static_cast<double>(*t) / 1000.0)))
                            : std::nullopt);
  }
  EXPECT_EQ(Ints(ts_out), expected_ts);

  ColumnVector ev_out = NormalizeColumn(file->ReadColumn(0, 1, options), file->schema().column(1),
                                        ColumnKind::kString, TimestampUnit::kMillis, path);
  EXPECT_TRUE(ev_out.has_dictionary());
  EXPECT_EQ(Strings(ev_out), events);

  ColumnVector n_out = NormalizeColumn(file->ReadColumn(0, 2, options), file->schema().column(2),
                                       ColumnKind::kInt, TimestampUnit::kMillis, path);
  OptInts expected_n;
  for (const auto& n : ns) expected_n.push_back(n ? std::optional<int64_t>(*n) : std::nullopt);
  EXPECT_EQ(Ints(n_out), expected_n);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace frocket
