#include "parquet/decoder/delta_byte_array_decoder.h"

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
using testing::EncodeDelta;
using testing::EncodeDeltaByteArray;
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

std::vector<std::string> DecodeAll(const uint8_t* data, size_t size, size_t n, size_t batch) {
  DeltaByteArrayDecoder decoder(data, size);
  Buffer offsets, bytes;
  ByteArrayBuilder builder(&offsets, &bytes);
  for (size_t done = 0; done < n;) {
    size_t k = std::min(batch, n - done);
    decoder.Decode(&builder, k);
    done += k;
  }
  return Strings(offsets, bytes);
}

// Sorted-ish strings that share prefixes, as front coding is meant for.
std::vector<std::string> PrefixedStrings(size_t n, std::mt19937_64& rng) {
  std::vector<std::string> out;
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.resize(std::min<size_t>(s.size(), rng() % 12));
    size_t extra = rng() % 6;
    for (size_t k = 0; k < extra; ++k) s.push_back(static_cast<char>('a' + rng() % 4));
    out.push_back(s);
  }
  return out;
}

TEST(DeltaByteArrayDecoderTest, SpecExample) {
  // Encodings.md: "axis", "axle", "babble", "babyhood" -> prefixes 0 2 0 3, suffixes "axis",
  // "le", "babble", "yhood".
  std::vector<std::string> values = {"axis", "axle", "babble", "babyhood"};
  Bytes data = EncodeDelta({0, 2, 0, 3}, 32);
  Bytes suffixes = EncodeDeltaLength({"axis", "le", "babble", "yhood"});
  data.insert(data.end(), suffixes.begin(), suffixes.end());
  EXPECT_EQ(DecodeAll(data.data(), data.size(), 4, 4), values);
  EXPECT_EQ(DecodeAll(data.data(), data.size(), 4, 1), values);
}

TEST(DeltaByteArrayDecoderTest, RoundTripsInBatches) {
  std::mt19937_64 rng(8);
  std::vector<std::string> values = PrefixedStrings(1500, rng);
  Bytes data = EncodeDeltaByteArray(values);
  auto copy = ExactCopy(data.data(), data.size());
  for (size_t batch : {size_t{1}, size_t{37}, size_t{1500}}) {
    EXPECT_EQ(DecodeAll(copy.get(), data.size(), values.size(), batch), values);
  }
}

TEST(DeltaByteArrayDecoderTest, RejectsPrefixLongerThanPreviousValue) {
  Bytes data = EncodeDelta({0, 4}, 32);  // "ab" then a prefix of 4
  Bytes suffixes = EncodeDeltaLength({"ab", "c"});
  data.insert(data.end(), suffixes.begin(), suffixes.end());
  DeltaByteArrayDecoder decoder(data.data(), data.size());
  Buffer offsets, bytes;
  ByteArrayBuilder builder(&offsets, &bytes);
  decoder.Decode(&builder, 1);
  try {
    decoder.Decode(&builder, 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
  }
  // A first value cannot have a prefix at all.
  Bytes first = EncodeDelta({1}, 32);
  Bytes one = EncodeDeltaLength({"x"});
  first.insert(first.end(), one.begin(), one.end());
  EXPECT_THROW(DecodeAll(first.data(), first.size(), 1, 1), Error);
}

TEST(DeltaByteArrayDecoderTest, RejectsDisagreeingCounts) {
  Bytes data = EncodeDelta({0, 1, 1}, 32);
  Bytes suffixes = EncodeDeltaLength({"ab", "c"});
  data.insert(data.end(), suffixes.begin(), suffixes.end());
  EXPECT_THROW(DeltaByteArrayDecoder(data.data(), data.size()), Error);
}

TEST(DeltaByteArrayDecoderTest, TruncatedPagesThrowOrDecodeCorrectly) {
  std::mt19937_64 rng(12);
  std::vector<std::string> values = PrefixedStrings(60, rng);
  Bytes data = EncodeDeltaByteArray(values);
  for (size_t len = 0; len < data.size(); ++len) {
    SCOPED_TRACE("length " + std::to_string(len));
    auto copy = ExactCopy(data.data(), len);
    try {
      DecodeAll(copy.get(), len, values.size(), 16);
      FAIL() << "a truncated page decoded";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
    }
  }
}

}  // namespace
}  // namespace frocket::parquet
