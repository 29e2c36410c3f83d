#include "parquet/encoder/rle_bit_packed_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "parquet/decoder/rle_bit_packed_decoder.h"
#include "unit/writer/encoder_reference.h"

namespace frocket::parquet {
namespace {

std::vector<uint8_t> Bytes(const Buffer& b) { return {b.data(), b.data() + b.size()}; }

TEST(RleBitPackedEncoderTest, SpecExampleBitPacksEightValues) {
  // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  Buffer out;
  RleBitPackedEncoder::Encode(values.data(), values.size(), 3, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x03, 0x88, 0xC6, 0xFA}));
}

TEST(RleBitPackedEncoderTest, LongRunIsOneRleRun) {
  std::vector<uint8_t> levels(1000, 1);
  Buffer out;
  RleBitPackedEncoder::Encode(levels.data(), levels.size(), 1, &out);
  // Header 1000 << 1 = 2000 as a varint (0xD0 0x0F), then the value in one byte.
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0xD0, 0x0F, 0x01}));
}

TEST(RleBitPackedEncoderTest, RunAfterLiteralsLendsValuesToFillTheGroup) {
  // 3 literals, then 20 sevens: the literals take 5 sevens to fill a group of 8, the other
  // 15 sevens become an RLE run.
  std::vector<uint32_t> values = {1, 2, 3};
  values.insert(values.end(), 20, 7);
  Buffer out;
  RleBitPackedEncoder::Encode(values.data(), values.size(), 3, &out);
  std::vector<uint8_t> expected = {0x03};
  // 1,2,3,7,7,7,7,7 packed with 3 bits: bits 001 010 011 111 111 111 111 111.
  uint32_t packed = 0;
  uint32_t group[8] = {1, 2, 3, 7, 7, 7, 7, 7};
  for (int k = 0; k < 8; ++k) packed |= group[k] << (3 * k);
  expected.push_back(packed & 0xFF);
  expected.push_back((packed >> 8) & 0xFF);
  expected.push_back((packed >> 16) & 0xFF);
  expected.push_back(15 << 1);
  expected.push_back(7);
  EXPECT_EQ(Bytes(out), expected);
}

TEST(RleBitPackedEncoderTest, TrailingLiteralsArePaddedToAGroup) {
  std::vector<uint8_t> levels = {1, 0, 1};
  Buffer out;
  RleBitPackedEncoder::Encode(levels.data(), levels.size(), 1, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x03, 0x05}));
}

TEST(RleBitPackedEncoderTest, EmptyInputWritesNothing) {
  Buffer out;
  RleBitPackedEncoder::Encode(static_cast<const uint32_t*>(nullptr), 0, 5, &out);
  EXPECT_EQ(out.size(), 0u);
}

TEST(RleBitPackedEncoderTest, AppendsAfterExistingBytes) {
  Buffer out;
  out.Append("ab", 2);
  std::vector<uint8_t> levels(40, 0);
  RleBitPackedEncoder::Encode(levels.data(), levels.size(), 1, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{'a', 'b', 80, 0}));
}

TEST(RleBitPackedEncoderTest, ShortRunsOfNarrowValuesStayBitPacked) {
  // Sixteen 1-bit zeros cost 2 bytes bit-packed; an RLE run would not be smaller.
  std::vector<uint8_t> levels(16, 0);
  levels[0] = 1;
  Buffer out;
  RleBitPackedEncoder::Encode(levels.data(), levels.size(), 1, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x05, 0x01, 0x00}));
}

// Random mixes of runs and noise at every width, checked against the reference decoder and
// the project's decoder.
TEST(RleBitPackedEncoderTest, RandomRunsRoundTripAtEveryWidth) {
  std::mt19937_64 rng(42);
  for (int width = 0; width <= 32; ++width) {
    uint64_t mask = width == 32 ? 0xFFFFFFFFull : (uint64_t{1} << width) - 1;
    for (int trial = 0; trial < 8; ++trial) {
      std::vector<uint32_t> values;
      size_t n = rng() % 3000;
      while (values.size() < n) {
        uint32_t v = static_cast<uint32_t>(rng() & mask);
        size_t run = rng() % 4 == 0 ? rng() % 40 : 1;
        for (size_t k = 0; k < run && values.size() < n; ++k) values.push_back(v);
      }
      Buffer out;
      RleBitPackedEncoder::Encode(values.data(), values.size(), width, &out);
      auto ref = testing::RefDecodeRle(out.data(), out.size(), width, values.size());
      ASSERT_EQ(ref.size(), values.size());
      for (size_t i = 0; i < values.size(); ++i)
        ASSERT_EQ(ref[i], values[i]) << "width " << width << " i " << i;

      RleBitPackedDecoder decoder(out.data(), out.size(), width);
      std::vector<uint32_t> decoded(values.size());
      ASSERT_EQ(decoder.GetBatch(decoded.data(), decoded.size()), values.size());
      ASSERT_EQ(decoded, values) << "width " << width;
    }
  }
}

TEST(RleBitPackedEncoderTest, LevelsRoundTrip) {
  std::mt19937 rng(7);
  std::vector<uint8_t> levels(100000);
  for (auto& l : levels) l = (rng() % 10) != 0;
  Buffer out;
  RleBitPackedEncoder::Encode(levels.data(), levels.size(), 1, &out);
  auto ref = testing::RefDecodeRle(out.data(), out.size(), 1, levels.size());
  for (size_t i = 0; i < levels.size(); ++i) ASSERT_EQ(ref[i], levels[i]) << i;
  // Mostly noise: close to one bit per value.
  EXPECT_LT(out.size(), levels.size() / 8 + 100);
}

}  // namespace
}  // namespace frocket::parquet
