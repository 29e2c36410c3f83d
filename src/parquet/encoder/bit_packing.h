// Bit packing as Parquet lays it out (parquet-format Encodings.md): values of `bit_width` bits
// back to back, least significant bit first, starting at bit 0 of the first byte. Used by the
// RLE / bit-packed hybrid encoder and the DELTA_BINARY_PACKED encoder.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace frocket::parquet {

// Bits needed to represent `max_value` (0 for 0).
inline int BitWidthOf(uint64_t max_value) { return 64 - std::countl_zero(max_value); }

// Bytes that `n` values of `bit_width` bits take when packed.
inline size_t PackedBytes(size_t n, int bit_width) {
  return (static_cast<uint64_t>(n) * static_cast<uint64_t>(bit_width) + 7) / 8;
}

// Packs n values (each already < 2^bit_width; higher bits must be zero) into out, which must
// have room for PackedBytes(n, bit_width) bytes. Works a 64-bit word at a time: values are
// or-ed into an accumulator that is stored whenever it fills, so the cost is a shift and an or
// per value. bit_width is in [0, 64].
template <typename T>  // uint8_t, uint16_t, uint32_t or uint64_t
inline void PackBits(const T* values, size_t n, int bit_width, uint8_t* out) {
  if (bit_width == 0) return;
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t v = values[i];
    acc |= v << bits;
    bits += bit_width;
    if (bits >= 64) {
      std::memcpy(out, &acc, 8);  // the file format is little endian, as is every target we build
      out += 8;
      bits -= 64;
      // The bits of v that did not fit start the next word.
      acc = bits == 0 ? 0 : v >> (bit_width - bits);
    }
  }
  int tail = (bits + 7) / 8;
  for (int b = 0; b < tail; ++b) out[b] = static_cast<uint8_t>(acc >> (8 * b));
}

// Appends `value` as an unsigned LEB128 varint (the ULEB128 of the spec) at out; returns the
// bytes written (at most 10).
inline size_t PutVarint(uint64_t value, uint8_t* out) {
  size_t n = 0;
  while (value >= 0x80) {
    out[n++] = static_cast<uint8_t>(value | 0x80);
    value >>= 7;
  }
  out[n++] = static_cast<uint8_t>(value);
  return n;
}

inline uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

}  // namespace frocket::parquet
