// Bit vectors of 64-bit words (bit i of the vector is bit i%64 of word i/64), as FilterEvaluator
// writes them: the engine keeps one per predicate over a file's rows.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace frocket {

inline int64_t WordsFor(int64_t bits) { return (bits + 63) >> 6; }

inline bool TestBit(const uint64_t* words, int64_t i) { return (words[i >> 6] >> (i & 63)) & 1; }

inline void SetBit(uint64_t* words, int64_t i) { words[i >> 6] |= uint64_t{1} << (i & 63); }

// Appends the first `count` bits of `src` to `dst`, which holds `dst_bits` bits (its words past
// them are zero or absent). Word at a time.
void AppendBits(std::vector<uint64_t>* dst, int64_t dst_bits, const uint64_t* src, int64_t count);

// Appends bits src[rows[0]], src[rows[1]], ... (count of them) to `dst`, which holds `dst_bits`.
void AppendSelectedBits(std::vector<uint64_t>* dst, int64_t dst_bits, const uint64_t* src,
                        const uint32_t* rows, int64_t count);

// The first set bit in [from, end), or end when there is none. Word at a time.
inline int64_t NextSetBit(const uint64_t* words, int64_t from, int64_t end) {
  if (from >= end) return end;
  int64_t w = from >> 6;
  uint64_t bits = words[w] & (~uint64_t{0} << (from & 63));
  const int64_t last = (end - 1) >> 6;
  while (bits == 0) {
    if (++w > last) return end;
    bits = words[w];
  }
  const int64_t at = (w << 6) + std::countr_zero(bits);
  return at < end ? at : end;
}

// Number of set bits in [begin, end).
int64_t CountBits(const uint64_t* words, int64_t begin, int64_t end);

}  // namespace frocket
