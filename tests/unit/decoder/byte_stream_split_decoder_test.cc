#include "parquet/decoder/byte_stream_split_decoder.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/error.h"
#include "unit/decoder/reference_encoding.h"

namespace frocket::parquet {
namespace {

using testing::Bytes;
using testing::ExactCopy;

TEST(ByteStreamSplitDecoderTest, HandBuiltFloats) {
  // 1.0f = 00 00 80 3F and -2.0f = 00 00 00 C0, split into 4 streams of 2 bytes.
  const uint8_t data[] = {0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0xC0};
  ByteStreamSplitDecoder decoder(data, sizeof(data), 4, 2);
  float out[2];
  decoder.Decode(reinterpret_cast<uint8_t*>(out), 2);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -2.0f);
}

TEST(ByteStreamSplitDecoderTest, RoundTripsEveryWidthInBatches) {
  std::mt19937_64 rng(6);
  for (int width : {1, 2, 3, 4, 5, 8, 12, 16, 17}) {
    SCOPED_TRACE("width " + std::to_string(width));
    const size_t n = 777;
    Bytes values(n * width);
    for (auto& b : values) b = static_cast<uint8_t>(rng());
    Bytes encoded(n * width);
    for (size_t i = 0; i < n; ++i) {
      for (int k = 0; k < width; ++k) encoded[k * n + i] = values[i * width + k];
    }
    auto data = ExactCopy(encoded.data(), encoded.size());
    ByteStreamSplitDecoder decoder(data.get(), encoded.size(), width, n);
    Bytes out(n * width);
    size_t done = 0;
    while (done < n) {
      size_t k = std::min<size_t>(n - done, rng() % 100);
      decoder.Decode(out.data() + done * width, k);
      done += k;
    }
    EXPECT_EQ(out, values);
    uint8_t extra[32];
    EXPECT_THROW(decoder.Decode(extra, 1), Error);
  }
}

TEST(ByteStreamSplitDecoderTest, RejectsSizeMismatch) {
  const uint8_t data[12] = {};
  EXPECT_THROW(ByteStreamSplitDecoder(data, 12, 4, 2), Error);
  EXPECT_THROW(ByteStreamSplitDecoder(data, 12, 8, 1), Error);
  EXPECT_THROW(ByteStreamSplitDecoder(data, 12, 0, 0), Error);
  EXPECT_THROW(ByteStreamSplitDecoder(data, 12, 4, SIZE_MAX / 2), Error);
  EXPECT_NO_THROW(ByteStreamSplitDecoder(data, 12, 4, 3));
  EXPECT_NO_THROW(ByteStreamSplitDecoder(data, 0, 8, 0));
}

}  // namespace
}  // namespace frocket::parquet
