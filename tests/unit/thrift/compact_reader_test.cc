// The expected values here come from the compact protocol specification (thrift's
// doc/specs/thrift-compact-protocol.md), worked out by hand: zigzag maps 0,-1,1,-2,2 to
// 0,1,2,3,4; varints are little-endian groups of 7 bits with the high bit as continuation.
#include "parquet/thrift/compact_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace frocket::parquet {
namespace {

CompactReader ReaderOf(const std::vector<uint8_t>& bytes) {
  return CompactReader(bytes.data(), bytes.size());
}

// Runs `fn` and returns the message of the frocket::Error it throws (kCorruptFile), or fails.
template <typename Fn>
std::string CorruptMessage(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

TEST(CompactReaderTest, ZigZagVarints) {
  std::vector<uint8_t> bytes = {
      0x00,                          // i32 0
      0x01,                          // i32 -1
      0x02,                          // i32 1
      0xac, 0x02,                    // i32 150 (zigzag 300 = 0b10_0101100)
      0xfe, 0xff, 0xff, 0xff, 0x0f,  // i32 INT32_MAX (zigzag 0xfffffffe)
      0xff, 0xff, 0xff, 0xff, 0x0f,  // i32 INT32_MIN (zigzag 0xffffffff)
      0xff, 0xff, 0x03,              // i16 INT16_MIN (zigzag 0xffff)
      // i64 INT64_MIN: zigzag 0xffffffffffffffff, ten bytes, the last holding bit 63.
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x80, 0x80, 0x80, 0x80,
      0x20,  // i64 2^32 (zigzag 2^33)
  };
  CompactReader r = ReaderOf(bytes);
  EXPECT_EQ(r.ReadI32(), 0);
  EXPECT_EQ(r.ReadI32(), -1);
  EXPECT_EQ(r.ReadI32(), 1);
  EXPECT_EQ(r.ReadI32(), 150);
  EXPECT_EQ(r.ReadI32(), INT32_MAX);
  EXPECT_EQ(r.ReadI32(), INT32_MIN);
  EXPECT_EQ(r.ReadI16(), INT16_MIN);
  EXPECT_EQ(r.ReadI64(), INT64_MIN);
  EXPECT_EQ(r.ReadI64(), int64_t{1} << 32);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, NonCanonicalVarintPaddingIsAccepted) {
  // 0x81 0x80 0x00 is 1 with redundant zero groups; other readers accept it, so do we.
  std::vector<uint8_t> bytes = {0x81, 0x80, 0x00};
  CompactReader r = ReaderOf(bytes);
  EXPECT_EQ(r.ReadI32(), -1);
}

TEST(CompactReaderTest, I32ThatOverflowsIsCorrupt) {
  std::vector<uint8_t> bytes = {0x80, 0x80, 0x80, 0x80, 0x10};  // 2^32
  CompactReader r = ReaderOf(bytes);
  std::string message = CorruptMessage([&] { r.ReadI32(); });
  EXPECT_NE(message.find("does not fit an i32"), std::string::npos) << message;
  EXPECT_NE(message.find("4294967296"), std::string::npos) << message;
}

TEST(CompactReaderTest, I16ThatOverflowsIsCorrupt) {
  std::vector<uint8_t> bytes = {0x80, 0x80, 0x04};  // 2^16
  CompactReader r = ReaderOf(bytes);
  CorruptMessage([&] { r.ReadI16(); });
}

TEST(CompactReaderTest, VarintLongerThanTenBytesIsCorrupt) {
  std::vector<uint8_t> bytes(11, 0x80);
  bytes.push_back(0x00);
  CompactReader r = ReaderOf(bytes);
  std::string message = CorruptMessage([&] { r.ReadI64(); });
  EXPECT_NE(message.find("longer than 10 bytes"), std::string::npos) << message;
}

TEST(CompactReaderTest, VarintOverflowingSixtyFourBitsIsCorrupt) {
  std::vector<uint8_t> bytes(9, 0xff);
  bytes.push_back(0x02);  // bit 64
  CompactReader r = ReaderOf(bytes);
  std::string message = CorruptMessage([&] { r.ReadI64(); });
  EXPECT_NE(message.find("overflows 64 bits"), std::string::npos) << message;
}

TEST(CompactReaderTest, TruncatedVarintIsCorrupt) {
  std::vector<uint8_t> bytes = {0x80, 0x80};
  CompactReader r = ReaderOf(bytes);
  std::string message = CorruptMessage([&] { r.ReadI64(); });
  EXPECT_NE(message.find("ends early"), std::string::npos) << message;
}

TEST(CompactReaderTest, DoubleIsLittleEndianIeee) {
  // 1.5 = 0x3FF8000000000000.
  std::vector<uint8_t> bytes = {0, 0, 0, 0, 0, 0, 0xf8, 0x3f};
  CompactReader r = ReaderOf(bytes);
  EXPECT_EQ(r.ReadDouble(), 1.5);
  std::vector<uint8_t> short_bytes = {0, 0, 0};
  CompactReader r2 = ReaderOf(short_bytes);
  CorruptMessage([&] { r2.ReadDouble(); });
}

TEST(CompactReaderTest, BinaryIsAViewIntoTheInput) {
  std::vector<uint8_t> bytes = {0x03, 'a', 'b', 'c', 0x00};
  CompactReader r = ReaderOf(bytes);
  std::string_view value = r.ReadBinary();
  EXPECT_EQ(value, "abc");
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(value.data()), bytes.data() + 1);
  EXPECT_EQ(r.ReadBinary(), "");
}

TEST(CompactReaderTest, BinaryLongerThanInputIsCorrupt) {
  // Length 0xffffffff (a "negative" i32 length as a Java writer would produce it).
  std::vector<uint8_t> bytes = {0xff, 0xff, 0xff, 0xff, 0x0f, 'a'};
  CompactReader r = ReaderOf(bytes);
  std::string message = CorruptMessage([&] { r.ReadBinary(); });
  EXPECT_NE(message.find("binary of 4294967295 bytes exceeds the 1 bytes left"), std::string::npos)
      << message;
}

TEST(CompactReaderTest, FieldHeadersShortAndLongForm) {
  std::vector<uint8_t> bytes = {
      0x15,              // delta 1, i32 -> id 1
      0xf6,              // delta 15, i64 -> id 16
      0x0c, 0xd8, 0x04,  // long form: struct, id zigzag(300) = 600 = 0xd8 0x04
      0x11,              // delta 1, bool true -> id 301
      0x12,              // delta 1, bool false -> id 302
      0x08, 0x03,        // long form going backwards: binary, id -2
      0x19,              // delta 1 from -2: list, id -1
      0x00,              // stop
  };
  CompactReader r = ReaderOf(bytes);
  int16_t last_id = 0;
  CompactField f;
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, 1);
  EXPECT_EQ(f.type, CompactType::kI32);
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, 16);
  EXPECT_EQ(f.type, CompactType::kI64);
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, 300);
  EXPECT_EQ(f.type, CompactType::kStruct);
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, 301);
  EXPECT_TRUE(f.is_bool());
  EXPECT_TRUE(f.bool_value());
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, 302);
  EXPECT_TRUE(f.is_bool());
  EXPECT_FALSE(f.bool_value());
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, -2);
  EXPECT_EQ(f.type, CompactType::kBinary);
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, -1);
  EXPECT_EQ(f.type, CompactType::kList);
  EXPECT_FALSE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, InvalidFieldTypesAreCorrupt) {
  for (uint8_t type : {13, 14, 15}) {
    std::vector<uint8_t> bytes = {static_cast<uint8_t>(0x10 | type), 0x00};
    CompactReader r = ReaderOf(bytes);
    int16_t last_id = 0;
    CompactField f;
    std::string message = CorruptMessage([&] { r.ReadFieldHeader(&last_id, &f); });
    EXPECT_NE(message.find("got " + std::to_string(type)), std::string::npos) << message;
  }
  // Type 0 with a delta is neither a field nor the stop byte.
  std::vector<uint8_t> bytes = {0x10};
  CompactReader r = ReaderOf(bytes);
  int16_t last_id = 0;
  CompactField f;
  CorruptMessage([&] { r.ReadFieldHeader(&last_id, &f); });
}

TEST(CompactReaderTest, FieldIdDeltaOverflowIsCorrupt) {
  std::vector<uint8_t> bytes = {0x05, 0xfe, 0xff, 0x03, 0x15};  // id 32767, then delta 1
  CompactReader r = ReaderOf(bytes);
  int16_t last_id = 0;
  CompactField f;
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, 32767);
  CorruptMessage([&] { r.ReadFieldHeader(&last_id, &f); });
}

TEST(CompactReaderTest, ListHeadersShortAndLongForm) {
  std::vector<uint8_t> bytes = {
      0x35,        // 3 elements of i32
      0xf8, 0x0f,  // long form: 15 binaries
  };
  bytes.resize(bytes.size() + 30, 0);
  CompactReader r = ReaderOf(bytes);
  CompactListHeader h = r.ReadListHeader();
  EXPECT_EQ(h.size, 3u);
  EXPECT_EQ(h.element_type, CompactType::kI32);
  h = r.ReadListHeader();
  EXPECT_EQ(h.size, 15u);
  EXPECT_EQ(h.element_type, CompactType::kBinary);
}

TEST(CompactReaderTest, BoolListElementTypeIsEitherNibble) {
  std::vector<uint8_t> bytes = {0x31, 0x01, 0x02, 0x00, 0x22, 0x01, 0x02};
  CompactReader r = ReaderOf(bytes);
  CompactListHeader h = r.ReadListHeader();
  EXPECT_EQ(h.element_type, CompactType::kBoolTrue);
  EXPECT_TRUE(r.ReadBoolElement());
  EXPECT_FALSE(r.ReadBoolElement());
  EXPECT_FALSE(r.ReadBoolElement());  // 0: the old Java encoding of false
  h = r.ReadListHeader();
  EXPECT_EQ(h.element_type, CompactType::kBoolTrue);
  EXPECT_TRUE(r.ReadBoolElement());
  EXPECT_FALSE(r.ReadBoolElement());
}

TEST(CompactReaderTest, HugeListSizeIsCorruptBeforeAnyAllocation) {
  // Long form, 4,000,000,000 elements of struct: varint 0x80 0xd0 0xac 0xf3 0x0e.
  std::vector<uint8_t> bytes = {0xfc, 0x80, 0xd0, 0xac, 0xf3, 0x0e, 0x00, 0x00};
  CompactReader r = ReaderOf(bytes);
  std::string message = CorruptMessage([&] { r.ReadListHeader(); });
  EXPECT_NE(message.find("list of 4000000000 elements exceeds the 2 bytes left"), std::string::npos)
      << message;
}

TEST(CompactReaderTest, ListSizeEqualToRemainingIsAccepted) {
  std::vector<uint8_t> bytes = {0x43, 1, 2, 3, 4};  // 4 bytes
  CompactReader r = ReaderOf(bytes);
  EXPECT_EQ(r.ReadListHeader().size, 4u);
}

TEST(CompactReaderTest, InvalidListElementTypeIsCorrupt) {
  for (uint8_t type : {0, 13, 15}) {
    std::vector<uint8_t> bytes = {static_cast<uint8_t>(0x10 | type), 0x00};
    CompactReader r = ReaderOf(bytes);
    CorruptMessage([&] { r.ReadListHeader(); });
  }
}

TEST(CompactReaderTest, MapHeaders) {
  std::vector<uint8_t> empty = {0x00};
  CompactReader r = ReaderOf(empty);
  CompactMapHeader h = r.ReadMapHeader();
  EXPECT_EQ(h.size, 0u);
  EXPECT_EQ(r.remaining(), 0u);

  std::vector<uint8_t> two = {0x02, 0x85, 0x01, 'a', 0x02, 0x01, 'b', 0x04};
  CompactReader r2 = ReaderOf(two);
  h = r2.ReadMapHeader();
  EXPECT_EQ(h.size, 2u);
  EXPECT_EQ(h.key_type, CompactType::kBinary);
  EXPECT_EQ(h.value_type, CompactType::kI32);
  EXPECT_EQ(r2.ReadBinary(), "a");
  EXPECT_EQ(r2.ReadI32(), 1);
  EXPECT_EQ(r2.ReadBinary(), "b");
  EXPECT_EQ(r2.ReadI32(), 2);

  std::vector<uint8_t> huge = {0xff, 0xff, 0x03, 0x55, 0x00, 0x00};
  CompactReader r3 = ReaderOf(huge);
  CorruptMessage([&] { r3.ReadMapHeader(); });
}

// A struct holding one field of every type, nested containers included, then a trailing i32
// field; Skip must land exactly on the trailing field.
TEST(CompactReaderTest, SkipsEveryTypeIncludingNestedContainers) {
  std::vector<uint8_t> bytes = {
      0x1c,  // field 1: struct
      0x11,  //   field 1: bool true (no payload)
      0x13,
      0x7f,  //   field 2: byte
      0x14,
      0x03,  //   field 3: i16
      0x15,
      0xac,
      0x02,  //   field 4: i32
      0x16,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0x01,  // field 5: i64
      0x17,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,  // field 6: double
      0x18,
      0x02,
      'h',
      'i',  // field 7: binary
      0x19,
      0x21,
      0x01,
      0x02,  // field 8: list of 2 bools
      0x1a,
      0x1c,
      0x15,
      0x02,
      0x00,  // field 9: set of 1 struct {1: i32}
      0x1b,
      0x02,
      0x89,  // field 10: map binary -> list, 2 entries
      0x01,
      'k',
      0x17,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,  //   "k" -> [double]
      0x00,
      0x06,  //   "" -> [] (an empty list of i64)
      0x1b,
      0x00,  // field 11: empty map
      0x19,
      0xf6,
      0x0f,  // field 12: list of 15 i64
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      0x80,
      0x01,
      0x1b,
      0x01,
      0x11,
      0x01,
      0x02,  // field 13: map bool -> bool, 1
             // entry
      0x00,  // end of struct
      0x15,
      0x54,  // field 2: i32 42
      0x00,
  };
  CompactReader r = ReaderOf(bytes);
  int16_t last_id = 0;
  CompactField f;
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  ASSERT_EQ(f.id, 1);
  r.Skip(f.type);
  ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(f.id, 2);
  EXPECT_EQ(r.ReadI32(), 42);
  EXPECT_FALSE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, DeepNestingIsCorruptNotAStackOverflow) {
  // 100,000 nested structs, each the first field (id 1) of its parent.
  std::vector<uint8_t> bytes(100000, 0x1c);
  bytes.resize(bytes.size() + 100000, 0x00);
  CompactReader r = ReaderOf(bytes);
  std::string message = CorruptMessage([&] { r.Skip(CompactType::kStruct); });
  EXPECT_NE(message.find("deeper than 64"), std::string::npos) << message;

  // Lists of lists nest just the same.
  std::vector<uint8_t> lists(100000, 0x19);
  CompactReader r2 = ReaderOf(lists);
  CorruptMessage([&] { r2.Skip(CompactType::kList); });
}

TEST(CompactReaderTest, NestingWithinTheLimitIsFine) {
  // 60 nested structs plus the outer one.
  std::vector<uint8_t> bytes(60, 0x1c);
  bytes.resize(bytes.size() + 61, 0x00);
  CompactReader r = ReaderOf(bytes);
  r.Skip(CompactType::kStruct);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, SkipOfTruncatedContainersIsCorrupt) {
  // A list of 3 doubles with 16 bytes, a list of 2 structs with one, a map cut short.
  std::vector<std::vector<uint8_t>> cases = {
      {0x37, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {0x2c, 0x00},
      {0x02, 0x55, 0x02},
  };
  CompactType types[] = {CompactType::kList, CompactType::kList, CompactType::kMap};
  for (size_t i = 0; i < cases.size(); ++i) {
    CompactReader r = ReaderOf(cases[i]);
    CorruptMessage([&] { r.Skip(types[i]); });
  }
}

}  // namespace
}  // namespace frocket::parquet
