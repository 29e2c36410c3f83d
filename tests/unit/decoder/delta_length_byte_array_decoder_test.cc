#include "parquet/decoder/delta_length_byte_array_decoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "common/error.h"
#include "unit/decoder/reference_encoding.h"

namespace frocket::parquet {
namespace {

using testing::Bytes;
using testing::EncodeDeltaLength;
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

std::vector<std::string> RandomStrings(size_t n, std::mt19937_64& rng) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string s(rng() % 3 == 0 ? 0 : rng() % 40, ' ');
    for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
    out.push_back(s);
  }
  return out;
}

TEST(DeltaLengthByteArrayDecoderTest, HandBuilt) {
  // Lengths 5, 5, 6 (first 5, min delta 0, width 1: relative deltas 0, 1 -> 0b10), then bytes.
  const std::string text = "HelloWorldFoobar";
  Bytes data = {0x80, 0x01, 0x04, 0x03, 0x0A, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
  data.insert(data.end(), text.begin(), text.end());
  DeltaLengthByteArrayDecoder decoder(data.data(), data.size());
  EXPECT_EQ(decoder.values_left(), 3u);
  Buffer offsets, bytes;
  ByteArrayBuilder builder(&offsets, &bytes);
  decoder.Decode(&builder, 1);
  decoder.Decode(&builder, 2);
  EXPECT_EQ(Strings(offsets, bytes), (std::vector<std::string>{"Hello", "World", "Foobar"}));
  EXPECT_EQ(decoder.values_left(), 0u);
  EXPECT_THROW(decoder.Decode(&builder, 1), Error);
}

TEST(DeltaLengthByteArrayDecoderTest, RoundTripsInBatches) {
  std::mt19937_64 rng(4);
  std::vector<std::string> values = RandomStrings(1000, rng);
  Bytes data = EncodeDeltaLength(values);
  auto copy = ExactCopy(data.data(), data.size());
  DeltaLengthByteArrayDecoder decoder(copy.get(), data.size());
  Buffer offsets, bytes;
  ByteArrayBuilder builder(&offsets, &bytes);
  size_t done = 0;
  while (done < values.size()) {
    size_t n = std::min<size_t>(values.size() - done, rng() % 300);
    decoder.Decode(&builder, n);
    done += n;
  }
  EXPECT_EQ(Strings(offsets, bytes), values);
}

TEST(DeltaLengthByteArrayDecoderTest, RejectsNegativeLength) {
  // Lengths 3 and -1 (first 3, min delta -4, width 0).
  const uint8_t data[] = {0x80, 0x01, 0x04, 0x02, 0x06, 0x07, 0, 0, 0, 0, 'a', 'b', 'c'};
  DeltaLengthByteArrayDecoder decoder(data, sizeof(data));
  Buffer offsets, bytes;
  ByteArrayBuilder builder(&offsets, &bytes);
  EXPECT_THROW(decoder.Decode(&builder, 2), Error);
}

TEST(DeltaLengthByteArrayDecoderTest, RejectsLengthsPastTheData) {
  std::vector<std::string> values = {"abc", "defgh", "ij"};
  Bytes data = EncodeDeltaLength(values);
  for (size_t len = 0; len < data.size(); ++len) {
    SCOPED_TRACE("length " + std::to_string(len));
    auto copy = ExactCopy(data.data(), len);
    try {
      DeltaLengthByteArrayDecoder decoder(copy.get(), len);
      Buffer offsets, bytes;
      ByteArrayBuilder builder(&offsets, &bytes);
      decoder.Decode(&builder, 3);
      FAIL() << "a truncated page decoded";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
    }
  }
}

}  // namespace
}  // namespace frocket::parquet
