// Plain, bit-at-a-time reference decoders for the writer's encoder tests. They follow
// parquet-format Encodings.md literally and share no code with src/, so an encoder bug cannot
// hide behind the same bug in a decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace frocket::parquet::testing {

class RefBitReader {
 public:
  RefBitReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t ReadBits(int width) {  // LSB first
    uint64_t v = 0;
    for (int b = 0; b < width; ++b) {
      size_t byte = bit_ / 8;
      if (byte >= size_) throw std::runtime_error("reference decoder: out of data");
      v |= static_cast<uint64_t>((data_[byte] >> (bit_ % 8)) & 1) << b;
      ++bit_;
    }
    return v;
  }
  size_t byte_pos() const { return (bit_ + 7) / 8; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t bit_ = 0;
};

inline uint64_t RefVarint(const uint8_t* data, size_t size, size_t* pos) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= size) throw std::runtime_error("reference decoder: truncated varint");
    uint8_t b = data[(*pos)++];
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return v;
  }
  throw std::runtime_error("reference decoder: varint too long");
}

inline int64_t RefZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// RLE / bit-packed hybrid: decodes runs until `n` values are out (padding is dropped).
inline std::vector<uint64_t> RefDecodeRle(const uint8_t* data, size_t size, int bit_width,
                                          size_t n) {
  std::vector<uint64_t> out;
  size_t pos = 0;
  while (out.size() < n) {
    uint64_t header = RefVarint(data, size, &pos);
    if ((header & 1) == 0) {
      uint64_t count = header >> 1;
      uint64_t value = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b) {
        if (pos >= size) throw std::runtime_error("reference decoder: truncated RLE value");
        value |= static_cast<uint64_t>(data[pos++]) << (8 * b);
      }
      for (uint64_t k = 0; k < count; ++k) out.push_back(value);
    } else {
      uint64_t values = (header >> 1) * 8;
      RefBitReader bits(data + pos, size - pos);
      for (uint64_t k = 0; k < values; ++k) out.push_back(bits.ReadBits(bit_width));
      pos += (header >> 1) * static_cast<uint64_t>(bit_width);
    }
  }
  if (pos != size) throw std::runtime_error("reference decoder: trailing bytes after RLE data");
  out.resize(n);
  return out;
}

// DELTA_BINARY_PACKED, in T's wrapping arithmetic. Checks that the stream ends exactly.
template <typename T>
std::vector<T> RefDecodeDelta(const uint8_t* data, size_t size) {
  using U = std::make_unsigned_t<T>;
  size_t pos = 0;
  uint64_t block = RefVarint(data, size, &pos);
  uint64_t miniblocks = RefVarint(data, size, &pos);
  uint64_t total = RefVarint(data, size, &pos);
  T last = static_cast<T>(RefZigZag(RefVarint(data, size, &pos)));
  std::vector<T> out;
  if (total == 0) return out;
  out.push_back(last);
  uint64_t per_mini = block / miniblocks;
  while (out.size() < total) {
    T min_delta = static_cast<T>(RefZigZag(RefVarint(data, size, &pos)));
    std::vector<int> widths;
    for (uint64_t m = 0; m < miniblocks; ++m) widths.push_back(data[pos++]);
    for (uint64_t m = 0; m < miniblocks && out.size() < total; ++m) {
      RefBitReader bits(data + pos, size - pos);
      for (uint64_t k = 0; k < per_mini; ++k) {
        U d = static_cast<U>(bits.ReadBits(widths[m]));
        if (out.size() < total) {
          last = static_cast<T>(static_cast<U>(last) + static_cast<U>(min_delta) + d);
          out.push_back(last);
        }
      }
      pos += per_mini * static_cast<uint64_t>(widths[m]) / 8;
    }
  }
  if (pos != size) throw std::runtime_error("reference decoder: trailing bytes after delta data");
  return out;
}

}  // namespace frocket::parquet::testing
