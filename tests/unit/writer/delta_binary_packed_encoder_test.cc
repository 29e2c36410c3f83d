#include "parquet/encoder/delta_binary_packed_encoder.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "parquet/decoder/delta_binary_packed_decoder.h"
#include "unit/writer/encoder_reference.h"

namespace frocket::parquet {
namespace {

std::vector<uint8_t> Bytes(const Buffer& b) { return {b.data(), b.data() + b.size()}; }

TEST(DeltaBinaryPackedEncoderTest, SpecExampleConstantDeltas) {
  // Encodings.md example 1: 1 2 3 4 5 -> min delta 1, all miniblocks of width 0.
  std::vector<int32_t> values = {1, 2, 3, 4, 5};
  Buffer out;
  DeltaBinaryPackedEncoder<int32_t>::Encode(values.data(), values.size(), &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x05, 0x02,  // header
                                              0x02, 0, 0, 0, 0}));           // min delta 1
}

TEST(DeltaBinaryPackedEncoderTest, SpecExampleMixedDeltas) {
  // Encodings.md example 2: 7 5 3 1 2 3 4 5 -> deltas -2 -2 -2 1 1 1 1, min delta -2, so the
  // miniblock holds 0 0 0 3 3 3 3 (padded to 32) at 2 bits.
  std::vector<int64_t> values = {7, 5, 3, 1, 2, 3, 4, 5};
  Buffer out;
  DeltaBinaryPackedEncoder<int64_t>::Encode(values.data(), values.size(), &out);
  std::vector<uint8_t> expected = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0,
                                   0,    0xC0, 0x3F, 0,    0,    0,    0, 0, 0};
  EXPECT_EQ(Bytes(out), expected);
}

TEST(DeltaBinaryPackedEncoderTest, EmptyAndSingle) {
  Buffer out;
  DeltaBinaryPackedEncoder<int64_t>::Encode(nullptr, 0, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x00, 0x00}));
  out.Clear();
  int64_t one = -3;
  DeltaBinaryPackedEncoder<int64_t>::Encode(&one, 1, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x01, 0x05}));
}

template <typename T>
void CheckRoundTrip(const std::vector<T>& values) {
  Buffer out;
  DeltaBinaryPackedEncoder<T>::Encode(values.data(), values.size(), &out);
  ASSERT_EQ(testing::RefDecodeDelta<T>(out.data(), out.size()), values);
  DeltaBinaryPackedDecoder<T> decoder(out.data(), out.size());
  std::vector<T> decoded(values.size());
  ASSERT_EQ(decoder.Decode(decoded.data(), decoded.size()), values.size());
  ASSERT_EQ(decoded, values);
  ASSERT_EQ(decoder.BytesConsumed(), out.size());
}

TEST(DeltaBinaryPackedEncoderTest, ExtremesWrapAround) {
  using L = std::numeric_limits<int64_t>;
  CheckRoundTrip<int64_t>({L::max(), L::min(), L::max(), 0, -1, L::min(), L::min(), 5});
  using I = std::numeric_limits<int32_t>;
  CheckRoundTrip<int32_t>({I::max(), I::min(), I::max(), 0, -1, I::min(), I::min(), 5});
}

TEST(DeltaBinaryPackedEncoderTest, RandomLengthsAndShapesRoundTrip) {
  std::mt19937_64 rng(1);
  for (size_t n : {2, 31, 32, 33, 127, 128, 129, 130, 255, 256, 257, 1000, 5000}) {
    std::vector<int64_t> sorted(n), noise(n), big(n);
    int64_t t = 1'700'000'000'000;
    for (size_t i = 0; i < n; ++i) {
      t += static_cast<int64_t>(rng() % 1000);
      sorted[i] = t;
      noise[i] = static_cast<int64_t>(rng() % 100) - 50;
      big[i] = static_cast<int64_t>(rng());
    }
    CheckRoundTrip(sorted);
    CheckRoundTrip(noise);
    CheckRoundTrip(big);
    std::vector<int32_t> small(n);
    for (size_t i = 0; i < n; ++i) small[i] = static_cast<int32_t>(rng());
    CheckRoundTrip(small);
  }
}

TEST(DeltaBinaryPackedEncoderTest, SortedIdsShrink) {
  std::vector<int64_t> ids(100000);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = 1'000'000 + static_cast<int64_t>(i) * 3;
  Buffer out;
  DeltaBinaryPackedEncoder<int64_t>::Encode(ids.data(), ids.size(), &out);
  // Constant deltas: every miniblock has width 0; a block costs a varint and 4 width bytes.
  EXPECT_LT(out.size(), ids.size() / 128 * 6 + 32);
}

}  // namespace
}  // namespace frocket::parquet
