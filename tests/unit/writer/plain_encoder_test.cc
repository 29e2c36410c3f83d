#include "parquet/encoder/plain_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace frocket::parquet {
namespace {

std::vector<uint8_t> Bytes(const Buffer& b) { return {b.data(), b.data() + b.size()}; }

TEST(PlainEncoderTest, BooleansPackLsbFirst) {
  std::vector<uint8_t> values = {1, 0, 0, 0, 0, 0, 0, 0,  //
                                 0, 1, 1, 0, 0, 0, 0, 1,  //
                                 1, 1, 1};
  Buffer out;
  PlainEncoder::AppendBooleans(values.data(), values.size(), &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x01, 0x86, 0x07}));
}

TEST(PlainEncoderTest, BooleansMatchBitByBitPacking) {
  std::mt19937 rng(3);
  for (size_t n = 0; n < 70; ++n) {
    std::vector<uint8_t> values(n);
    for (auto& v : values) v = rng() & 1;
    Buffer out;
    PlainEncoder::AppendBooleans(values.data(), n, &out);
    ASSERT_EQ(out.size(), (n + 7) / 8);
    for (size_t i = 0; i < n; ++i)
      ASSERT_EQ((out.data()[i / 8] >> (i % 8)) & 1, values[i]) << n << " " << i;
    for (size_t i = n; i < (n + 7) / 8 * 8; ++i)
      ASSERT_EQ((out.data()[i / 8] >> (i % 8)) & 1, 0) << "padding";
  }
}

TEST(PlainEncoderTest, ByteArraysAreLengthPrefixed) {
  Buffer out;
  PlainEncoder::AppendByteArray("hi", &out);
  PlainEncoder::AppendByteArray("", &out);
  PlainEncoder::AppendByteArray(std::string(300, 'x'), &out);
  ASSERT_EQ(out.size(), 4u + 2 + 4 + 4 + 300);
  EXPECT_EQ(Bytes(out)[0], 2);
  EXPECT_EQ(out.data()[4], 'h');
  EXPECT_EQ(out.data()[6], 0);
  EXPECT_EQ(out.data()[10], 300 & 0xFF);
  EXPECT_EQ(out.data()[11], 300 >> 8);
}

TEST(PlainEncoderTest, FixedIsLittleEndianMemoryOrder) {
  int32_t v[2] = {1, -2};
  Buffer out;
  PlainEncoder::AppendFixed(v, 2, 4, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF}));
}

}  // namespace
}  // namespace frocket::parquet
