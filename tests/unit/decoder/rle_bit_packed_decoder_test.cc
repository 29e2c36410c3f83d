#include "parquet/decoder/rle_bit_packed_decoder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "common/error.h"
#include "unit/decoder/reference_encoding.h"

namespace frocket::parquet {
namespace {

using testing::Bytes;
using testing::ExactCopy;
using testing::PutBitPackedRun;
using testing::PutRleRun;
using testing::PutUleb128;

uint32_t MaskOf(int width) { return width == 32 ? UINT32_MAX : (uint32_t{1} << width) - 1; }

// A random mix of repeated and bit-packed runs holding `n` values; the last bit-packed run is
// padded with random garbage past the n-th value, as writers may do.
struct Hybrid {
  Bytes bytes;
  std::vector<uint32_t> values;
  size_t encoded = 0;  // values including the padding of the last bit-packed run
};
Hybrid MakeHybrid(int width, size_t n, std::mt19937_64& rng) {
  Hybrid h;
  const uint32_t mask = MaskOf(width);
  while (h.values.size() < n) {
    size_t left = n - h.values.size();
    if (rng() % 2 == 0) {
      uint32_t count = static_cast<uint32_t>(std::min<size_t>(left, rng() % 150));  // may be 0
      uint32_t value = static_cast<uint32_t>(rng()) & mask;
      PutRleRun(&h.bytes, count, value, width);
      h.values.insert(h.values.end(), count, value);
      h.encoded += count;
    } else {
      size_t groups = 1 + rng() % 12;
      std::vector<uint32_t> run(groups * 8);
      for (auto& v : run) v = static_cast<uint32_t>(rng()) & mask;
      PutBitPackedRun(&h.bytes, run, width);
      h.values.insert(h.values.end(), run.begin(), run.begin() + std::min(left, run.size()));
      h.encoded += run.size();
    }
  }
  return h;
}

TEST(RleBitPackedDecoderTest, SpecBitPackedExample) {
  // Encodings.md: the values 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  const uint8_t data[] = {0x03, 0x88, 0xC6, 0xFA};
  RleBitPackedDecoder decoder(data, sizeof(data), 3);
  uint32_t out[8];
  ASSERT_EQ(decoder.GetBatch(out, 8), 8u);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out[i], i);
  EXPECT_EQ(decoder.GetBatch(out, 8), 0u);
}

TEST(RleBitPackedDecoderTest, RepeatedRunValueTakesWholeBytes) {
  // Width 9: the value takes ceil(9 / 8) = 2 little-endian bytes. 10 times 300, then 3 times 1.
  const uint8_t data[] = {0x14, 0x2C, 0x01, 0x06, 0x01, 0x00};
  RleBitPackedDecoder decoder(data, sizeof(data), 9);
  uint32_t value = 0;
  EXPECT_EQ(decoder.PeekRepeatedRun(&value), 10u);
  EXPECT_EQ(value, 300u);
  uint16_t out[16];
  ASSERT_EQ(decoder.GetBatch(out, 16), 13u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(out[i], 300);
  for (int i = 10; i < 13; ++i) EXPECT_EQ(out[i], 1);
}

TEST(RleBitPackedDecoderTest, RoundTripsEveryWidthInVariousBatchSizes) {
  std::mt19937_64 rng(42);
  for (int width = 0; width <= 32; ++width) {
    SCOPED_TRACE("width " + std::to_string(width));
    Hybrid h = MakeHybrid(width, 3000, rng);
    auto data = ExactCopy(h.bytes.data(), h.bytes.size());
    // All at once.
    {
      RleBitPackedDecoder decoder(data.get(), h.bytes.size(), width);
      std::vector<uint32_t> out(h.values.size());
      ASSERT_EQ(decoder.GetBatch(out.data(), out.size()), out.size());
      ASSERT_EQ(out, h.values);
    }
    // Odd batch sizes, so that batches start anywhere inside groups of 8 and 32.
    {
      RleBitPackedDecoder decoder(data.get(), h.bytes.size(), width);
      std::vector<uint32_t> out;
      while (out.size() < h.values.size()) {
        size_t n = std::min<size_t>(h.values.size() - out.size(), 1 + rng() % 70);
        std::vector<uint32_t> batch(n);
        ASSERT_EQ(decoder.GetBatch(batch.data(), n), n);
        out.insert(out.end(), batch.begin(), batch.end());
      }
      ASSERT_EQ(out, h.values);
    }
    // Narrow outputs for the widths they are used with (levels, booleans).
    if (width <= 16) {
      RleBitPackedDecoder decoder(data.get(), h.bytes.size(), width);
      std::vector<uint16_t> out(h.values.size());
      ASSERT_EQ(decoder.GetBatch(out.data(), out.size()), out.size());
      for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], h.values[i]) << i;
    }
    if (width <= 8) {
      RleBitPackedDecoder decoder(data.get(), h.bytes.size(), width);
      std::vector<uint8_t> out(h.values.size());
      ASSERT_EQ(decoder.GetBatch(out.data(), out.size()), out.size());
      for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], h.values[i]) << i;
    }
  }
}

TEST(RleBitPackedDecoderTest, SkipAndPeekFollowTheValues) {
  std::mt19937_64 rng(7);
  for (int width : {1, 3, 8, 13, 32}) {
    SCOPED_TRACE("width " + std::to_string(width));
    Hybrid h = MakeHybrid(width, 2000, rng);
    RleBitPackedDecoder decoder(h.bytes.data(), h.bytes.size(), width);
    size_t pos = 0;
    while (pos < h.values.size()) {
      size_t n = std::min<size_t>(h.values.size() - pos, 1 + rng() % 50);
      uint32_t value = 0;
      size_t run = decoder.PeekRepeatedRun(&value);
      if (run > 0) {
        // The run really is that long (or reaches the end), and the value is right.
        for (size_t i = 0; i < run && pos + i < h.values.size(); ++i) {
          ASSERT_EQ(h.values[pos + i], value) << pos + i;
        }
      }
      if (rng() % 2 == 0) {
        ASSERT_EQ(decoder.Skip(n), n);
      } else {
        std::vector<uint32_t> batch(n);
        ASSERT_EQ(decoder.GetBatch(batch.data(), n), n);
        for (size_t i = 0; i < n; ++i) ASSERT_EQ(batch[i], h.values[pos + i]) << pos + i;
      }
      pos += n;
    }
  }
}

TEST(RleBitPackedDecoderTest, PeekIsZeroInsideBitPackedRun) {
  const uint8_t data[] = {0x03, 0x88, 0xC6, 0xFA};
  RleBitPackedDecoder decoder(data, sizeof(data), 3);
  uint32_t value = 99;
  EXPECT_EQ(decoder.PeekRepeatedRun(&value), 0u);
  uint32_t out[8];
  EXPECT_EQ(decoder.GetBatch(out, 8), 8u);
  EXPECT_EQ(out[0], 0u);
}

TEST(RleBitPackedDecoderTest, PaddedFinalRunYieldsOnlyItsGroup) {
  // 3 real values padded to a group of 8; a caller asking for more gets at most the padding.
  Bytes bytes;
  PutBitPackedRun(&bytes, {5, 6, 7, 0, 0, 0, 0, 0}, 3);
  RleBitPackedDecoder decoder(bytes.data(), bytes.size(), 3);
  uint32_t out[3];
  ASSERT_EQ(decoder.GetBatch(out, 3), 3u);
  EXPECT_EQ(out[0], 5u);
  EXPECT_EQ(out[2], 7u);
  uint32_t rest[100];
  EXPECT_EQ(decoder.GetBatch(rest, 100), 5u);
}

TEST(RleBitPackedDecoderTest, WidthZeroIsAllZerosWithoutData) {
  RleBitPackedDecoder decoder(nullptr, 0, 0);
  std::vector<uint32_t> out(100, 7);
  EXPECT_EQ(decoder.GetBatch(out.data(), out.size()), 100u);
  EXPECT_EQ(out, std::vector<uint32_t>(100, 0));
  EXPECT_EQ(decoder.Skip(1000), 1000u);
  RleBitPackedDecoder empty;
  uint8_t levels[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(empty.GetBatch(levels, 10), 10u);
  EXPECT_EQ(levels[9], 0);
}

TEST(RleBitPackedDecoderTest, RejectsBitWidthOutOfRange) {
  const uint8_t data[] = {0x02, 0x01};
  EXPECT_THROW(RleBitPackedDecoder(data, sizeof(data), 33), Error);
  EXPECT_THROW(RleBitPackedDecoder(data, sizeof(data), -1), Error);
}

TEST(RleBitPackedDecoderTest, RejectsRepeatedValueWiderThanBitWidth) {
  const uint8_t data[] = {0x08, 0x09};  // 4 times 9, but width 3 holds at most 7
  RleBitPackedDecoder decoder(data, sizeof(data), 3);
  uint32_t out[4];
  try {
    decoder.GetBatch(out, 4);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
  }
}

TEST(RleBitPackedDecoderTest, RejectsOverlongRunHeader) {
  uint32_t out[4];
  const uint8_t six_bytes[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00};
  RleBitPackedDecoder a(six_bytes, sizeof(six_bytes), 1);
  EXPECT_THROW(a.GetBatch(out, 4), Error);
  // Five bytes, but with bit 32 set.
  const uint8_t too_wide[] = {0x80, 0x80, 0x80, 0x80, 0x10, 0x00};
  RleBitPackedDecoder b(too_wide, sizeof(too_wide), 1);
  EXPECT_THROW(b.GetBatch(out, 4), Error);
}

TEST(RleBitPackedDecoderTest, HugeRunCountsAreBoundedByTheRequest) {
  // A repeated run of 2^31 - 1 ones: serving 1000 of them must not touch the rest.
  Bytes bytes;
  PutRleRun(&bytes, 0x7FFFFFFF, 1, 1);
  RleBitPackedDecoder decoder(bytes.data(), bytes.size(), 1);
  std::vector<uint8_t> out(1000);
  EXPECT_EQ(decoder.GetBatch(out.data(), out.size()), 1000u);
  EXPECT_EQ(out[999], 1);
  uint32_t value = 0;
  EXPECT_EQ(decoder.PeekRepeatedRun(&value), 0x7FFFFFFFu - 1000);
  EXPECT_EQ(decoder.Skip(SIZE_MAX), 0x7FFFFFFFu - 1000);
  EXPECT_EQ(decoder.GetBatch(out.data(), out.size()), 0u);

  // A bit-packed run claiming 2^31 - 1 groups over 3 bytes yields the 24 / 5 values present.
  Bytes packed;
  PutUleb128(&packed, (uint64_t{0x7FFFFFFF} << 1) | 1);
  packed.insert(packed.end(), {0xFF, 0xFF, 0xFF});
  RleBitPackedDecoder cut(packed.data(), packed.size(), 5);
  uint32_t values[100];
  ASSERT_EQ(cut.GetBatch(values, 100), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(values[i], 31u);
}

TEST(RleBitPackedDecoderTest, TruncatedDataReturnsACorrectPrefix) {
  std::mt19937_64 rng(3);
  for (int width : {1, 2, 5, 8, 12, 17, 32}) {
    Hybrid h = MakeHybrid(width, 300, rng);
    for (size_t len = 0; len <= h.bytes.size(); ++len) {
      SCOPED_TRACE("width " + std::to_string(width) + " length " + std::to_string(len));
      auto data = ExactCopy(h.bytes.data(), len);
      RleBitPackedDecoder decoder(data.get(), len, width);
      std::vector<uint32_t> out(h.encoded + 64);
      size_t got = decoder.GetBatch(out.data(), out.size());
      // The padding of the last run may follow the real values; nothing beyond.
      ASSERT_LE(got, h.encoded);
      for (size_t i = 0; i < std::min(got, h.values.size()); ++i) {
        ASSERT_EQ(out[i], h.values[i]);
      }
      if (len == h.bytes.size()) {
        ASSERT_GE(got, h.values.size());
      }
    }
  }
}

TEST(RleBitPackedDecoderTest, DictionaryGather) {
  std::mt19937_64 rng(11);
  for (int width : {0, 1, 4, 10, 20}) {
    SCOPED_TRACE("width " + std::to_string(width));
    Hybrid h = MakeHybrid(width, 2500, rng);
    std::vector<int64_t> dict(size_t{1} << std::min(width, 20));
    for (size_t i = 0; i < dict.size(); ++i) dict[i] = static_cast<int64_t>(i * 1000003 + 17);
    RleBitPackedDecoder decoder(h.bytes.data(), h.bytes.size(), width);
    std::vector<int64_t> out;
    while (out.size() < h.values.size()) {
      size_t n = std::min<size_t>(h.values.size() - out.size(), 1 + rng() % 900);
      std::vector<int64_t> batch(n);
      ASSERT_EQ(decoder.GetBatchWithDictionary(dict.data(), static_cast<uint32_t>(dict.size()),
                                               batch.data(), n),
                n);
      out.insert(out.end(), batch.begin(), batch.end());
    }
    for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], dict[h.values[i]]) << i;
  }
}

TEST(RleBitPackedDecoderTest, DictionaryIndexOutOfRangeThrows) {
  const int32_t dict[4] = {10, 20, 30, 40};
  int32_t out[16];
  auto expect_message = [&](const Bytes& bytes, int width, const std::string& message) {
    RleBitPackedDecoder decoder(bytes.data(), bytes.size(), width);
    try {
      decoder.GetBatchWithDictionary(dict, 4, out, 16);
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
      EXPECT_EQ(std::string(e.what()), message);
    }
  };
  Bytes repeated;
  PutRleRun(&repeated, 16, 17, 5);
  expect_message(repeated, 5, "dictionary index 17 out of range (dictionary has 4 entries)");
  Bytes packed;
  PutBitPackedRun(&packed, {0, 1, 2, 3, 3, 2, 1, 0, 1, 1, 4, 1, 1, 1, 1, 1}, 5);
  expect_message(packed, 5, "dictionary index 4 out of range (dictionary has 4 entries)");
  // Width 0 means index 0, which an empty dictionary does not have.
  RleBitPackedDecoder zero(nullptr, 0, 0);
  EXPECT_THROW(zero.GetBatchWithDictionary(dict, 0, out, 1), Error);
}

TEST(RleBitPackedDecoderTest, ThroughputSanity) {
  // Printed, not asserted: in an optimized build this shows the cost per dictionary index.
  std::mt19937_64 rng(5);
  const int width = 10;
  Bytes bytes;
  std::vector<uint32_t> run(512);
  for (int r = 0; r < 400; ++r) {
    for (auto& v : run) v = static_cast<uint32_t>(rng()) & MaskOf(width);
    PutBitPackedRun(&bytes, run, width);
  }
  const size_t n = 400 * run.size();
  std::vector<uint32_t> dict(1 << width);
  std::vector<uint32_t> out(n);
  auto start = std::chrono::steady_clock::now();
  RleBitPackedDecoder decoder(bytes.data(), bytes.size(), width);
  size_t got = 0;
  while (got < n)
    got += decoder.GetBatchWithDictionary(dict.data(), 1 << width, out.data() + got, 1024);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(got, n);
  std::printf("[ perf     ] RLE dictionary gather, width %d: %.1f M values/s\n", width,
              static_cast<double>(n) / seconds / 1e6);
}

}  // namespace
}  // namespace frocket::parquet
