#include "parquet/decoder/delta_binary_packed_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "common/error.h"
#include "unit/decoder/reference_encoding.h"

namespace frocket::parquet {
namespace {

using testing::Bytes;
using testing::DeltaOptions;
using testing::EncodeDelta;
using testing::ExactCopy;

template <typename T>
std::vector<T> DecodeAll(const uint8_t* data, size_t size, size_t batch = SIZE_MAX) {
  DeltaBinaryPackedDecoder<T> decoder(data, size);
  std::vector<T> out(static_cast<size_t>(decoder.total_values()));
  size_t got = 0;
  while (got < out.size()) {
    size_t n = decoder.Decode(out.data() + got, std::min(batch, out.size() - got));
    if (n == 0) break;
    got += n;
  }
  out.resize(got);
  return out;
}

template <typename T>
std::vector<uint64_t> Patterns(const std::vector<T>& values) {
  std::vector<uint64_t> out;
  for (T v : values) out.push_back(static_cast<uint64_t>(static_cast<std::make_unsigned_t<T>>(v)));
  return out;
}

// Values whose deltas in each miniblock of 32 span exactly `width` bits above the minimum.
std::vector<int64_t> ValuesWithDeltaWidth(int width, size_t n, std::mt19937_64& rng) {
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  std::vector<int64_t> values;
  uint64_t v = rng();
  const uint64_t base = rng();
  for (size_t i = 0; i < n; ++i) {
    values.push_back(static_cast<int64_t>(v));
    uint64_t rel = rng() & mask;
    if (i % 32 == 0) rel = mask;
    if (i % 32 == 1) rel = 0;
    v += base + rel;
  }
  return values;
}

TEST(DeltaBinaryPackedDecoderTest, HandBuiltZeroWidthBlock) {
  // Block size 128, 4 miniblocks, 5 values, first value 1, min delta 1, all widths 0:
  // the values 1..5, with no miniblock data at all.
  const uint8_t data[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0xAA};
  DeltaBinaryPackedDecoder<int32_t> decoder(data, sizeof(data));
  EXPECT_EQ(decoder.total_values(), 5);
  int32_t out[8];
  ASSERT_EQ(decoder.Decode(out, 8), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i], i + 1);
  EXPECT_EQ(decoder.BytesConsumed(), 10u);
}

TEST(DeltaBinaryPackedDecoderTest, HandBuiltPackedMiniblockWithGarbageWidths) {
  // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min delta -2 (zigzag 3), relative deltas
  // 0 0 0 3 3 3 3 in 2 bits: bytes 0xC0 0x3F, padded to 32 values = 8 bytes. The widths of the
  // three unused miniblocks are garbage, which readers must accept.
  const uint8_t data[] = {0x80, 0x01, 0x04, 0x08, 0x0E,                    // header
                          0x03, 0x02, 0xFF, 0x41, 0x99,                    // block header
                          0xC0, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // miniblock 0
                          0x12, 0x34};                                     // next stream
  const int64_t expected[] = {7, 5, 3, 1, 2, 3, 4, 5};
  for (size_t batch : {size_t{1}, size_t{3}, size_t{8}}) {
    DeltaBinaryPackedDecoder<int64_t> decoder(data, sizeof(data));
    EXPECT_EQ(decoder.BytesConsumed(), 18u);  // before decoding: found by walking headers
    std::vector<int64_t> out;
    int64_t buf[8];
    while (size_t n = decoder.Decode(buf, batch)) out.insert(out.end(), buf, buf + n);
    EXPECT_EQ(out, std::vector<int64_t>(expected, expected + 8));
    EXPECT_EQ(decoder.BytesConsumed(), 18u);
    EXPECT_EQ(decoder.values_left(), 0);
  }
}

TEST(DeltaBinaryPackedDecoderTest, Int32WrapsAround) {
  // First value INT32_MAX (zigzag 0xFFFFFFFE), min delta +1, width 0: the second value wraps
  // to INT32_MIN.
  const uint8_t data[] = {0x80, 0x01, 0x04, 0x02, 0xFE, 0xFF, 0xFF,
                          0xFF, 0x0F, 0x02, 0x00, 0x00, 0x00, 0x00};
  int32_t out[2];
  DeltaBinaryPackedDecoder<int32_t> decoder(data, sizeof(data));
  ASSERT_EQ(decoder.Decode(out, 2), 2u);
  EXPECT_EQ(out[0], std::numeric_limits<int32_t>::max());
  EXPECT_EQ(out[1], std::numeric_limits<int32_t>::min());
}

TEST(DeltaBinaryPackedDecoderTest, RoundTripsEveryInt64Width) {
  std::mt19937_64 rng(64);
  for (int width = 0; width <= 64; ++width) {
    SCOPED_TRACE("width " + std::to_string(width));
    std::vector<int64_t> values = ValuesWithDeltaWidth(width, 300, rng);
    Bytes bytes = EncodeDelta(Patterns(values), 64);
    auto data = ExactCopy(bytes.data(), bytes.size());
    ASSERT_EQ(DecodeAll<int64_t>(data.get(), bytes.size()), values);
    ASSERT_EQ(DecodeAll<int64_t>(data.get(), bytes.size(), 7), values);
    DeltaBinaryPackedDecoder<int64_t> decoder(data.get(), bytes.size());
    EXPECT_EQ(decoder.BytesConsumed(), bytes.size());
  }
}

TEST(DeltaBinaryPackedDecoderTest, RoundTripsEveryInt32Width) {
  std::mt19937_64 rng(32);
  for (int width = 0; width <= 32; ++width) {
    SCOPED_TRACE("width " + std::to_string(width));
    std::vector<int64_t> wide = ValuesWithDeltaWidth(width, 400, rng);
    std::vector<int32_t> values(wide.begin(), wide.end());  // keeps the low 32 bits
    Bytes bytes = EncodeDelta(Patterns(values), 32, {.block_size = 256, .miniblocks = 2});
    auto data = ExactCopy(bytes.data(), bytes.size());
    ASSERT_EQ(DecodeAll<int32_t>(data.get(), bytes.size()), values);
    ASSERT_EQ(DecodeAll<int32_t>(data.get(), bytes.size(), 33), values);
  }
}

TEST(DeltaBinaryPackedDecoderTest, ExtremeDeltas) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> values64 = {0, hi, lo, 0, lo, hi, -1, lo, hi, hi, lo, lo, 1};
  Bytes bytes64 = EncodeDelta(Patterns(values64), 64);
  EXPECT_EQ(DecodeAll<int64_t>(bytes64.data(), bytes64.size()), values64);
  const int32_t lo32 = std::numeric_limits<int32_t>::min();
  const int32_t hi32 = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> values32 = {hi32, lo32, hi32, 0, lo32, -1, hi32, hi32, lo32};
  Bytes bytes = EncodeDelta(Patterns(values32), 32);
  EXPECT_EQ(DecodeAll<int32_t>(bytes.data(), bytes.size()), values32);
}

TEST(DeltaBinaryPackedDecoderTest, SpecLayoutVariantsOfTheLastBlock) {
  std::mt19937_64 rng(9);
  std::vector<int64_t> values = ValuesWithDeltaWidth(11, 1 + 128 + 40, rng);  // 1.3 blocks
  for (bool pad : {true, false}) {
    for (uint8_t unneeded : {uint8_t{0}, uint8_t{7}, uint8_t{200}}) {
      SCOPED_TRACE("pad " + std::to_string(pad) + " unneeded width " + std::to_string(unneeded));
      DeltaOptions opt{.unneeded_width = unneeded, .pad_last_miniblock = pad};
      Bytes bytes = EncodeDelta(Patterns(values), 64, opt);
      bytes.push_back(0x5A);  // whatever follows the stream
      auto data = ExactCopy(bytes.data(), bytes.size());
      ASSERT_EQ(DecodeAll<int64_t>(data.get(), bytes.size(), 50), values);
      if (pad) {
        DeltaBinaryPackedDecoder<int64_t> decoder(data.get(), bytes.size());
        EXPECT_EQ(decoder.BytesConsumed(), bytes.size() - 1);
      } else {
        // Without the padding the stream ends right after the last value's bits; such a
        // stream cannot be followed by another, but alone it decodes.
        ASSERT_EQ(DecodeAll<int64_t>(data.get(), bytes.size() - 1), values);
      }
    }
  }
}

TEST(DeltaBinaryPackedDecoderTest, EmptyAndSingleValueStreamsHaveNoBlocks) {
  Bytes empty = EncodeDelta({}, 64);
  DeltaBinaryPackedDecoder<int64_t> a(empty.data(), empty.size());
  int64_t out[4];
  EXPECT_EQ(a.Decode(out, 4), 0u);
  EXPECT_EQ(a.BytesConsumed(), empty.size());
  Bytes one = EncodeDelta({static_cast<uint64_t>(-5)}, 64);
  DeltaBinaryPackedDecoder<int64_t> b(one.data(), one.size());
  ASSERT_EQ(b.Decode(out, 4), 1u);
  EXPECT_EQ(out[0], -5);
  EXPECT_EQ(b.BytesConsumed(), one.size());
}

TEST(DeltaBinaryPackedDecoderTest, RejectsBadHeaders) {
  auto header = [](uint64_t block, uint64_t miniblocks) {
    Bytes b;
    testing::PutUleb128(&b, block);
    testing::PutUleb128(&b, miniblocks);
    testing::PutUleb128(&b, 10);
    testing::PutUleb128(&b, 0);
    return b;
  };
  for (auto [block, miniblocks] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 1}, {100, 1}, {128, 0}, {128, 3}, {128, 8}, {uint64_t{1} << 40, 1}}) {
    Bytes b = header(block, miniblocks);
    EXPECT_THROW(DeltaBinaryPackedDecoder<int64_t>(b.data(), b.size()), Error)
        << block << " " << miniblocks;
  }
  Bytes ok = header(128, 4);
  EXPECT_NO_THROW(DeltaBinaryPackedDecoder<int64_t>(ok.data(), ok.size()));
  // A varint longer than 10 bytes.
  const uint8_t overlong[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  EXPECT_THROW(DeltaBinaryPackedDecoder<int64_t>(overlong, sizeof(overlong)), Error);
}

TEST(DeltaBinaryPackedDecoderTest, RejectsBitWidthAbove64) {
  for (bool int32 : {true, false}) {
    Bytes b;
    testing::PutUleb128(&b, 128);
    testing::PutUleb128(&b, 4);
    testing::PutUleb128(&b, 3);
    testing::PutUleb128(&b, 0);
    b.push_back(0);
    b.insert(b.end(), {65, 0, 0, 0});
    b.insert(b.end(), 32 * 65 / 8, 0);
    int64_t out64[3];
    int32_t out32[3];
    if (int32) {
      DeltaBinaryPackedDecoder<int32_t> d(b.data(), b.size());
      EXPECT_THROW(d.Decode(out32, 3), Error);
    } else {
      DeltaBinaryPackedDecoder<int64_t> d(b.data(), b.size());
      EXPECT_THROW(d.Decode(out64, 3), Error);
    }
  }
}

TEST(DeltaBinaryPackedDecoderTest, Int32WithDeltasComputedIn64Bits) {
  // DuckDB computes INT32 deltas in 64 bits, so a jump from INT32_MIN to INT32_MAX needs 33
  // bits. Decoding modulo 2^32 gives the same values.
  std::mt19937_64 rng(33);
  std::vector<int32_t> values;
  for (int i = 0; i < 300; ++i) {
    values.push_back(i % 7 == 0   ? std::numeric_limits<int32_t>::min()
                     : i % 5 == 0 ? std::numeric_limits<int32_t>::max()
                                  : static_cast<int32_t>(rng()));
  }
  std::vector<uint64_t> wide;
  for (int32_t v : values) wide.push_back(static_cast<uint64_t>(static_cast<int64_t>(v)));
  Bytes bytes = EncodeDelta(wide, 64);
  // Header: block size (2 bytes), miniblocks (1), count (2), first value (5); then the first
  // block's min delta varint and its bit widths, which must include a 33.
  size_t pos = 2 + 1 + 2 + 5;
  while (bytes[pos] & 0x80) ++pos;
  ++pos;
  ASSERT_EQ(*std::max_element(bytes.begin() + pos, bytes.begin() + pos + 4), 33);
  EXPECT_EQ(DecodeAll<int32_t>(bytes.data(), bytes.size()), values);
  EXPECT_EQ(DecodeAll<int32_t>(bytes.data(), bytes.size(), 5), values);
}

TEST(DeltaBinaryPackedDecoderTest, TruncatedStreamsThrowOrDecodeCorrectly) {
  std::mt19937_64 rng(17);
  std::vector<int64_t> values = ValuesWithDeltaWidth(13, 1 + 128 + 100, rng);
  Bytes bytes = EncodeDelta(Patterns(values), 64, {.block_size = 128, .miniblocks = 4});
  for (size_t len = 0; len < bytes.size(); ++len) {
    SCOPED_TRACE("length " + std::to_string(len));
    auto data = ExactCopy(bytes.data(), len);
    try {
      std::vector<int64_t> got = DecodeAll<int64_t>(data.get(), len, 40);
      // Only the padding of the last miniblock may be missing without an error.
      ASSERT_EQ(got, values);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
    }
    try {
      DeltaBinaryPackedDecoder<int64_t> decoder(data.get(), len);
      EXPECT_LE(decoder.BytesConsumed(), len);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
    }
  }
}

TEST(DeltaBinaryPackedDecoderTest, HugeValueCountIsNotTrusted) {
  // 2^62 values announced, one block of zero-width miniblocks present: decoding what the
  // caller asks for works, running off the end throws, and nothing is sized by the count.
  Bytes b;
  testing::PutUleb128(&b, 128);
  testing::PutUleb128(&b, 4);
  testing::PutUleb128(&b, uint64_t{1} << 62);
  testing::PutUleb128(&b, 0);
  b.insert(b.end(), {0x02, 0, 0, 0, 0});
  DeltaBinaryPackedDecoder<int64_t> decoder(b.data(), b.size());
  std::vector<int64_t> out(129);
  ASSERT_EQ(decoder.Decode(out.data(), 129), 129u);
  EXPECT_EQ(out[128], 128);
  EXPECT_THROW(decoder.Decode(out.data(), 1), Error);
  DeltaBinaryPackedDecoder<int64_t> again(b.data(), b.size());
  EXPECT_THROW(again.BytesConsumed(), Error);
}

TEST(DeltaBinaryPackedDecoderTest, ThroughputSanity) {
  // Printed, not asserted: in an optimized build this shows the cost per value.
  std::mt19937_64 rng(2);
  std::vector<int64_t> values = ValuesWithDeltaWidth(9, 200000, rng);
  Bytes bytes = EncodeDelta(Patterns(values), 64);
  std::vector<int64_t> out(values.size());
  auto start = std::chrono::steady_clock::now();
  DeltaBinaryPackedDecoder<int64_t> decoder(bytes.data(), bytes.size());
  size_t got = 0;
  while (got < out.size()) got += decoder.Decode(out.data() + got, 1024);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(out, values);
  std::printf("[ perf     ] DELTA_BINARY_PACKED int64, width 9: %.1f M values/s\n",
              static_cast<double>(values.size()) / seconds / 1e6);
}

}  // namespace
}  // namespace frocket::parquet
