#include "parquet/encoder/dictionary_encoder.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace frocket::parquet {
namespace {

TEST(DictionaryEncoderTest, FixedAssignsIndicesInOrderOfFirstAppearance) {
  FixedDictionary<uint64_t> dict(100, 1 << 20);
  uint32_t index;
  std::vector<uint64_t> input = {5, 7, 5, 9, 7, 5};
  std::vector<uint32_t> got;
  for (uint64_t v : input) {
    ASSERT_TRUE(dict.GetOrInsert(v, &index));
    got.push_back(index);
  }
  EXPECT_EQ(got, (std::vector<uint32_t>{0, 1, 0, 2, 1, 0}));
  Buffer plain;
  dict.AppendPlain(&plain);
  ASSERT_EQ(plain.size(), 24u);
  EXPECT_EQ(plain.as<uint64_t>()[2], 9u);
}

TEST(DictionaryEncoderTest, FloatBitPatternsStayApart) {
  FixedDictionary<uint32_t> dict(100, 1 << 20);
  uint32_t a, b, c;
  ASSERT_TRUE(dict.GetOrInsert(std::bit_cast<uint32_t>(0.0f), &a));
  ASSERT_TRUE(dict.GetOrInsert(std::bit_cast<uint32_t>(-0.0f), &b));
  ASSERT_TRUE(dict.GetOrInsert(std::bit_cast<uint32_t>(0.0f), &c));
  EXPECT_NE(a, b);
  EXPECT_EQ(a, c);
}

TEST(DictionaryEncoderTest, LimitsRefuseNewValuesOnly) {
  FixedDictionary<uint32_t> by_entries(3, 1 << 20);
  uint32_t index;
  for (uint32_t v = 0; v < 3; ++v) ASSERT_TRUE(by_entries.GetOrInsert(v * 10, &index));
  EXPECT_FALSE(by_entries.GetOrInsert(99, &index));
  EXPECT_TRUE(by_entries.GetOrInsert(20, &index));
  EXPECT_EQ(index, 2u);
  EXPECT_EQ(by_entries.size(), 3u);

  ByteArrayDictionary by_bytes(1000, 4 + 5 + 4 + 5);  // room for two 5-byte strings
  ASSERT_TRUE(by_bytes.GetOrInsert("hello", &index));
  ASSERT_TRUE(by_bytes.GetOrInsert("world", &index));
  EXPECT_FALSE(by_bytes.GetOrInsert("x", &index));
  EXPECT_TRUE(by_bytes.GetOrInsert("hello", &index));
  EXPECT_EQ(index, 0u);
  EXPECT_EQ(by_bytes.plain_bytes(), 18u);
}

TEST(DictionaryEncoderTest, ManyStringsSurviveGrowthAndMatchAReferenceMap) {
  ByteArrayDictionary dict(1 << 20, 1 << 30);
  std::unordered_map<std::string, uint32_t> reference;
  std::mt19937 rng(5);
  for (int i = 0; i < 200000; ++i) {
    std::string s = "user-" + std::to_string(rng() % 50000);
    if (rng() % 7 == 0) s += std::string(rng() % 20, 'z');
    uint32_t index;
    ASSERT_TRUE(dict.GetOrInsert(s, &index));
    auto [it, inserted] = reference.emplace(s, static_cast<uint32_t>(reference.size()));
    ASSERT_EQ(index, it->second) << s;
  }
  EXPECT_EQ(dict.size(), reference.size());
  for (const auto& [s, index] : reference) ASSERT_EQ(dict.value(index), s);

  Buffer plain;
  dict.AppendPlain(&plain);
  EXPECT_EQ(plain.size(), dict.plain_bytes());
  dict.Clear();
  EXPECT_EQ(dict.size(), 0u);
  uint32_t index;
  ASSERT_TRUE(dict.GetOrInsert("again", &index));
  EXPECT_EQ(index, 0u);
}

TEST(DictionaryEncoderTest, EmptyStringIsAValue) {
  ByteArrayDictionary dict(10, 100);
  uint32_t a, b;
  ASSERT_TRUE(dict.GetOrInsert("", &a));
  ASSERT_TRUE(dict.GetOrInsert("x", &b));
  EXPECT_NE(a, b);
  ASSERT_TRUE(dict.GetOrInsert("", &b));
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace frocket::parquet
