// Expected bytes are worked out by hand from the compact protocol specification.
#include "parquet/thrift/compact_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "parquet/thrift/compact_reader.h"

namespace frocket::parquet {
namespace {

std::vector<uint8_t> Bytes(const CompactWriter& w) {
  return std::vector<uint8_t>(w.bytes().begin(), w.bytes().end());
}

TEST(CompactWriterTest, ZigZagVarints) {
  CompactWriter w;
  w.WriteI32(0);
  w.WriteI32(-1);
  w.WriteI32(1);
  w.WriteI32(150);
  w.WriteI32(INT32_MIN);
  w.WriteI16(INT16_MIN);
  w.WriteI64(INT64_MIN);
  w.WriteI64(INT64_MAX);
  std::vector<uint8_t> expected = {
      0x00, 0x01, 0x02, 0xac, 0x02,                                // 0, -1, 1, 150
      0xff, 0xff, 0xff, 0xff, 0x0f,                                // INT32_MIN
      0xff, 0xff, 0x03,                                            // INT16_MIN
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,  // INT64_MIN
      0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,  // INT64_MAX
  };
  EXPECT_EQ(Bytes(w), expected);
}

TEST(CompactWriterTest, FieldHeadersUseDeltasUpToFifteen) {
  CompactWriter w;
  int16_t last_id = 0;
  w.WriteFieldHeader(&last_id, 1, CompactType::kI32);      // delta 1
  w.WriteFieldHeader(&last_id, 16, CompactType::kI64);     // delta 15
  w.WriteFieldHeader(&last_id, 32, CompactType::kStruct);  // delta 16: long form
  w.WriteBoolField(&last_id, 33, true);
  w.WriteBoolField(&last_id, 34, false);
  w.WriteFieldHeader(&last_id, 2, CompactType::kBinary);  // backwards: long form
  w.WriteStop();
  std::vector<uint8_t> expected = {0x15, 0xf6, 0x0c, 0x40, 0x11, 0x12, 0x08, 0x04, 0x00};
  EXPECT_EQ(Bytes(w), expected);
}

TEST(CompactWriterTest, ContainersAndScalars) {
  CompactWriter w;
  w.WriteListHeader(CompactType::kI32, 3);
  w.WriteListHeader(CompactType::kBinary, 14);
  w.WriteListHeader(CompactType::kStruct, 15);
  w.WriteListHeader(CompactType::kBoolTrue, 300);
  w.WriteBoolElement(true);
  w.WriteBoolElement(false);
  w.WriteMapHeader(CompactType::kBinary, CompactType::kI32, 0);
  w.WriteMapHeader(CompactType::kBinary, CompactType::kI32, 2);
  w.WriteBinary("ab");
  w.WriteDouble(1.5);
  w.WriteByte(-1);
  std::vector<uint8_t> expected = {
      0x35, 0xe8, 0xfc, 0x0f, 0xf1, 0xac, 0x02, 0x01, 0x02, 0x00, 0x02, 0x85,
      0x02, 'a',  'b',  0,    0,    0,    0,    0,    0,    0xf8, 0x3f, 0xff,
  };
  EXPECT_EQ(Bytes(w), expected);
}

TEST(CompactWriterTest, ReaderReadsBackWhatWriterWrote) {
  const int64_t i64s[] = {0,
                          1,
                          -1,
                          63,
                          -64,
                          64,
                          INT32_MAX,
                          INT32_MIN,
                          INT64_MAX,
                          INT64_MIN,
                          int64_t{1} << 40,
                          -(int64_t{1} << 50)};
  const int32_t i32s[] = {0, 1, -1, 127, 128, -129, 1 << 20, INT32_MAX, INT32_MIN};
  const double doubles[] = {0.0, -0.0, 3.25, std::numeric_limits<double>::infinity(),
                            std::numeric_limits<double>::denorm_min()};
  CompactWriter w;
  for (int64_t v : i64s) w.WriteI64(v);
  for (int32_t v : i32s) w.WriteI32(v);
  for (double v : doubles) w.WriteDouble(v);
  std::string big(1000, 'x');
  w.WriteBinary(big);
  int16_t last_id = 0;
  for (int16_t id : {1, 5, 20, 21, -7, 32767}) w.WriteFieldHeader(&last_id, id, CompactType::kI16);
  w.WriteStop();

  CompactReader r(reinterpret_cast<const uint8_t*>(w.bytes().data()), w.bytes().size());
  for (int64_t v : i64s) EXPECT_EQ(r.ReadI64(), v);
  for (int32_t v : i32s) EXPECT_EQ(r.ReadI32(), v);
  for (double v : doubles) {
    double got = r.ReadDouble();
    EXPECT_EQ(std::memcmp(&got, &v, 8), 0) << v;
  }
  EXPECT_EQ(r.ReadBinary(), big);
  last_id = 0;
  CompactField f;
  for (int16_t id : {1, 5, 20, 21, -7, 32767}) {
    ASSERT_TRUE(r.ReadFieldHeader(&last_id, &f));
    EXPECT_EQ(f.id, id);
    EXPECT_EQ(f.type, CompactType::kI16);
  }
  EXPECT_FALSE(r.ReadFieldHeader(&last_id, &f));
  EXPECT_EQ(r.remaining(), 0u);
}

}  // namespace
}  // namespace frocket::parquet
