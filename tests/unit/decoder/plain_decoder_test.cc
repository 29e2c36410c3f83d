#include "parquet/decoder/plain_decoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "common/error.h"
#include "unit/decoder/reference_encoding.h"

namespace frocket::parquet {
namespace {

using testing::Bytes;
using testing::ExactCopy;

std::vector<std::string> Strings(const Buffer& offsets, const Buffer& bytes) {
  std::vector<std::string> out;
  const uint32_t* off = offsets.as<uint32_t>();
  size_t count = offsets.size() / 4 - 1;
  for (size_t i = 0; i < count; ++i) {
    out.emplace_back(reinterpret_cast<const char*>(bytes.data()) + off[i], off[i + 1] - off[i]);
  }
  return out;
}

TEST(PlainDecoderTest, FixedWidthValuesAreCopiedInOrder) {
  const uint8_t data[] = {0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x78, 0x56, 0x34, 0x12};
  PlainDecoder decoder(data, sizeof(data));
  int32_t out[3];
  decoder.DecodeFixed(4, reinterpret_cast<uint8_t*>(out), 2);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], -1);
  EXPECT_EQ(decoder.remaining(), 4u);
  decoder.DecodeFixed(4, reinterpret_cast<uint8_t*>(out + 2), 1);
  EXPECT_EQ(out[2], 0x12345678);
  EXPECT_EQ(decoder.remaining(), 0u);
  decoder.DecodeFixed(4, reinterpret_cast<uint8_t*>(out), 0);
}

TEST(PlainDecoderTest, ShortPageThrows) {
  const uint8_t data[] = {1, 2, 3, 4, 5, 6, 7};
  PlainDecoder decoder(data, sizeof(data));
  uint8_t out[16];
  try {
    decoder.DecodeFixed(8, out, 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
  }
  // A count whose byte size overflows must not wrap around the check.
  EXPECT_THROW(decoder.DecodeFixed(12, out, SIZE_MAX / 6), Error);
  EXPECT_THROW(decoder.DecodeFixed(0, out, 1), Error);
}

TEST(PlainDecoderTest, BooleansAreLsbFirstAcrossCalls) {
  // 0b10110101, 0b00000011 -> 1,0,1,0,1,1,0,1, 1,1
  const uint8_t data[] = {0xB5, 0x03};
  const uint8_t expected[] = {1, 0, 1, 0, 1, 1, 0, 1, 1, 1};
  for (size_t split = 0; split <= 10; ++split) {
    PlainDecoder decoder(data, sizeof(data));
    uint8_t out[10];
    decoder.DecodeBooleans(out, split);
    decoder.DecodeBooleans(out + split, 10 - split);
    EXPECT_EQ(std::memcmp(out, expected, 10), 0) << "split " << split;
  }
}

TEST(PlainDecoderTest, BooleansMatchBitByBitReference) {
  std::mt19937_64 rng(1);
  Bytes bytes(100);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  PlainDecoder decoder(bytes.data(), bytes.size());
  std::vector<uint8_t> out;
  while (out.size() < 800) {
    size_t n = std::min<size_t>(800 - out.size(), rng() % 40);
    std::vector<uint8_t> batch(n);
    decoder.DecodeBooleans(batch.data(), n);
    out.insert(out.end(), batch.begin(), batch.end());
  }
  for (size_t i = 0; i < 800; ++i) ASSERT_EQ(out[i], (bytes[i / 8] >> (i % 8)) & 1) << i;
  uint8_t one;
  EXPECT_THROW(decoder.DecodeBooleans(&one, 1), Error);
}

TEST(PlainDecoderTest, BooleansPastTheEndThrow) {
  const uint8_t data[] = {0xFF};
  PlainDecoder decoder(data, sizeof(data));
  uint8_t out[9];
  decoder.DecodeBooleans(out, 3);
  EXPECT_THROW(decoder.DecodeBooleans(out, 6), Error);
}

TEST(PlainDecoderTest, ByteArraysAreLengthPrefixed) {
  const uint8_t data[] = {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0, 2, 0, 0, 0, 'x', 'y'};
  PlainDecoder decoder(data, sizeof(data));
  Buffer offsets, bytes;
  ByteArrayBuilder builder(&offsets, &bytes);
  decoder.DecodeByteArrays(&builder, 1);
  decoder.DecodeByteArrays(&builder, 2);
  EXPECT_EQ(Strings(offsets, bytes), (std::vector<std::string>{"abc", "", "xy"}));
  EXPECT_EQ(decoder.remaining(), 0u);
}

TEST(PlainDecoderTest, TruncatedByteArraysThrowAtEveryLength) {
  Bytes page;
  for (std::string s : {"hello", "", "parquet", "x"}) {
    uint32_t len = static_cast<uint32_t>(s.size());
    page.insert(page.end(), reinterpret_cast<uint8_t*>(&len), reinterpret_cast<uint8_t*>(&len) + 4);
    page.insert(page.end(), s.begin(), s.end());
  }
  for (size_t len = 0; len < page.size(); ++len) {
    auto data = ExactCopy(page.data(), len);
    PlainDecoder decoder(data.get(), len);
    Buffer offsets, bytes;
    ByteArrayBuilder builder(&offsets, &bytes);
    EXPECT_THROW(decoder.DecodeByteArrays(&builder, 4), Error) << len;
  }
  // A huge length must be caught before any copy.
  const uint8_t bogus[] = {0xFF, 0xFF, 0xFF, 0x7F, 'a'};
  PlainDecoder decoder(bogus, sizeof(bogus));
  Buffer offsets, bytes;
  ByteArrayBuilder builder(&offsets, &bytes);
  EXPECT_THROW(decoder.DecodeByteArrays(&builder, 1), Error);
  EXPECT_THROW(decoder.DecodeByteArrays(&builder, SIZE_MAX), Error);
}

}  // namespace
}  // namespace frocket::parquet
