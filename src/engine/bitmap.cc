#include "engine/bitmap.h"

namespace frocket {

void AppendBits(std::vector<uint64_t>* dst, int64_t dst_bits, const uint64_t* src, int64_t count) {
  if (count <= 0) return;
  const int64_t total = dst_bits + count;
  dst->resize(WordsFor(total), 0);
  uint64_t* out = dst->data();
  const int shift = static_cast<int>(dst_bits & 63);
  int64_t word = dst_bits >> 6;
  const int64_t src_words = WordsFor(count);
  // Bits of the last source word past `count` are masked off so the vector stays clean.
  const int tail = static_cast<int>(count & 63);
  for (int64_t w = 0; w < src_words; ++w) {
    uint64_t v = src[w];
    if (w == src_words - 1 && tail != 0) v &= (uint64_t{1} << tail) - 1;
    if (shift == 0) {
      out[word + w] = v;
    } else {
      out[word + w] |= v << shift;
      if (word + w + 1 < static_cast<int64_t>(dst->size())) out[word + w + 1] = v >> (64 - shift);
    }
  }
}

void AppendSelectedBits(std::vector<uint64_t>* dst, int64_t dst_bits, const uint64_t* src,
                        const uint32_t* rows, int64_t count) {
  if (count <= 0) return;
  dst->resize(WordsFor(dst_bits + count), 0);
  uint64_t* out = dst->data();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t at = dst_bits + i;
    out[at >> 6] |= static_cast<uint64_t>(TestBit(src, rows[i])) << (at & 63);
  }
}

int64_t CountBits(const uint64_t* words, int64_t begin, int64_t end) {
  if (begin >= end) return 0;
  int64_t first = begin >> 6, last = (end - 1) >> 6;
  uint64_t head_mask = ~uint64_t{0} << (begin & 63);
  uint64_t tail_mask = ~uint64_t{0} >> (63 - ((end - 1) & 63));
  if (first == last) return std::popcount(words[first] & head_mask & tail_mask);
  int64_t n = std::popcount(words[first] & head_mask);
  for (int64_t w = first + 1; w < last; ++w) n += std::popcount(words[w]);
  return n + std::popcount(words[last] & tail_mask);
}

}  // namespace frocket
