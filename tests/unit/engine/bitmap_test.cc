#include "engine/bitmap.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace frocket {
namespace {

std::vector<bool> RandomBits(std::mt19937_64& rng, int64_t n) {
  std::vector<bool> bits(n);
  for (int64_t i = 0; i < n; ++i) bits[i] = rng() & 1;
  return bits;
}

std::vector<uint64_t> ToWords(const std::vector<bool>& bits, bool dirty_tail) {
  std::vector<uint64_t> words(WordsFor(static_cast<int64_t>(bits.size())) + 1, 0);
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) words[i >> 6] |= uint64_t{1} << (i & 63);
  }
  // Garbage past the end must not leak into the destination.
  if (dirty_tail) {
    for (size_t i = bits.size(); i < words.size() * 64; ++i)
      words[i >> 6] |= uint64_t{1} << (i & 63);
  }
  return words;
}

TEST(BitmapTest, AppendBitsConcatenatesAtAnyOffset) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<bool> expected;
    std::vector<uint64_t> dst;
    int64_t dst_bits = 0;
    const int pieces = 1 + static_cast<int>(rng() % 5);
    for (int p = 0; p < pieces; ++p) {
      const int64_t n = static_cast<int64_t>(rng() % 200);
      std::vector<bool> piece = RandomBits(rng, n);
      std::vector<uint64_t> words = ToWords(piece, true);
      AppendBits(&dst, dst_bits, words.data(), n);
      dst_bits += n;
      expected.insert(expected.end(), piece.begin(), piece.end());
    }
    ASSERT_GE(static_cast<int64_t>(dst.size()), WordsFor(dst_bits));
    for (int64_t i = 0; i < dst_bits; ++i) ASSERT_EQ(TestBit(dst.data(), i), expected[i]) << i;
    for (int64_t i = dst_bits; i < static_cast<int64_t>(dst.size()) * 64; ++i) {
      ASSERT_FALSE(TestBit(dst.data(), i)) << "bit past the end " << i;
    }
  }
}

TEST(BitmapTest, AppendSelectedBitsPicksRows) {
  std::mt19937_64 rng(11);
  std::vector<bool> src = RandomBits(rng, 500);
  std::vector<uint64_t> words = ToWords(src, false);
  std::vector<uint32_t> rows = {0, 3, 64, 65, 127, 128, 499};
  std::vector<uint64_t> dst;
  AppendBits(&dst, 0, words.data(), 5);
  AppendSelectedBits(&dst, 5, words.data(), rows.data(), static_cast<int64_t>(rows.size()));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(TestBit(dst.data(), i), src[i]);
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(TestBit(dst.data(), 5 + i), src[rows[i]]);
}

TEST(BitmapTest, CountBitsInRanges) {
  std::mt19937_64 rng(3);
  std::vector<bool> bits = RandomBits(rng, 300);
  std::vector<uint64_t> words = ToWords(bits, false);
  for (int64_t begin = 0; begin <= 300; begin += 7) {
    for (int64_t end = begin; end <= 300; end += 13) {
      int64_t expected = 0;
      for (int64_t i = begin; i < end; ++i) expected += bits[i];
      ASSERT_EQ(CountBits(words.data(), begin, end), expected) << begin << ".." << end;
    }
  }
  EXPECT_EQ(CountBits(words.data(), 64, 64), 0);
}

}  // namespace
}  // namespace frocket

namespace frocket {
namespace {

TEST(BitmapTest, NextSetBitFindsTheFirstInRange) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 50; ++round) {
    std::vector<bool> bits(400);
    for (auto&& b : bits) b = (rng() % 17) == 0;
    std::vector<uint64_t> words = ToWords(bits, false);
    for (int64_t from = 0; from <= 400; from += 3) {
      for (int64_t end = from; end <= 400; end += 29) {
        int64_t expected = end;
        for (int64_t i = from; i < end; ++i) {
          if (bits[i]) {
            expected = i;
            break;
          }
        }
        ASSERT_EQ(NextSetBit(words.data(), from, end), expected) << from << ".." << end;
      }
    }
  }
}

}  // namespace
}  // namespace frocket
