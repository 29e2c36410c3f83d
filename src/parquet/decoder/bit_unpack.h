// Bit unpacking kernels shared by the RLE / bit-packed hybrid decoder and the
// DELTA_BINARY_PACKED decoder. Parquet packs values LSB first: value i of width w occupies bits
// [i * w, (i + 1) * w) of the little-endian byte stream.
//
// Unpack32 unpacks 32 values, which is the unit both encodings align to (8 values of width w
// always fill w whole bytes, so 32 values fill exactly 4 * w bytes). There is one specialized
// function per (output type, width): every shift and mask is a compile-time constant, and the
// kernel reads exactly the 4 * w bytes it decodes, never beyond, so callers only have to check
// the run or miniblock once.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

namespace frocket::parquet {

static_assert(std::endian::native == std::endian::little,
              "the bit unpacking kernels load little-endian words directly");

namespace bit_unpack_internal {

template <typename T>
inline constexpr int kMaxWidth = sizeof(T) <= 4 ? 32 : 64;

// Writes value I of a group of 32 values of width W from the group's little-endian 64-bit
// words. All offsets are constants, so after inlining this is a shift and a mask, plus a
// second shift and an or when the value straddles two words.
template <typename T, int W, int I>
[[gnu::always_inline]] inline void UnpackOne(const uint64_t* words, T* __restrict out) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 64;
  constexpr int kShift = kBit % 64;
  uint64_t v = words[kWord] >> kShift;
  if constexpr (kShift + W > 64) v |= words[kWord + 1] << (64 - kShift);
  if constexpr (W < 64) v &= (uint64_t{1} << W) - 1;
  out[I] = static_cast<T>(v);
}

template <typename T, int W>
void Unpack32Width(const uint8_t* __restrict in, T* __restrict out) {
  if constexpr (W == 0) {
    for (int i = 0; i < 32; ++i) out[i] = 0;
  } else {
    // The group is 4 * W bytes: whole 64-bit words, plus a 4-byte half word when W is odd.
    // Loading each word once (rather than one unaligned load per value) lets the compiler
    // keep them in registers; the half word is loaded alone so nothing past the group is read.
    constexpr int kBytes = 4 * W;
    constexpr int kWords = (kBytes + 7) / 8;
    constexpr int kLastBytes = kBytes - 8 * (kWords - 1);
    uint64_t words[kWords];
    for (int k = 0; k < kWords - 1; ++k) std::memcpy(&words[k], in + 8 * k, 8);
    if constexpr (kLastBytes == 8) {
      std::memcpy(&words[kWords - 1], in + 8 * (kWords - 1), 8);
    } else {
      uint32_t half;
      std::memcpy(&half, in + 8 * (kWords - 1), 4);
      words[kWords - 1] = half;
    }
    [&]<int... I>(std::integer_sequence<int, I...>) { (UnpackOne<T, W, I>(words, out), ...); }
    (std::make_integer_sequence<int, 32>{});
  }
}

template <typename T>
using Unpack32Fn = void (*)(const uint8_t*, T*);

template <typename T, int... W>
constexpr std::array<Unpack32Fn<T>, sizeof...(W)> MakeUnpack32Table(
    std::integer_sequence<int, W...>) {
  return {&Unpack32Width<T, W>...};
}

template <typename T>
inline constexpr auto kUnpack32Table =
    MakeUnpack32Table<T>(std::make_integer_sequence<int, kMaxWidth<T> + 1>{});

}  // namespace bit_unpack_internal

// Unpacks 32 values of `bit_width` bits from exactly 4 * bit_width bytes at `in`. bit_width
// must be in [0, 32] for outputs up to 32 bits and [0, 64] for 64-bit outputs; narrower
// outputs keep the low bits. The caller validates bit_width and the byte count.
template <typename T>
inline void Unpack32(const uint8_t* in, T* out, int bit_width) {
  bit_unpack_internal::kUnpack32Table<T>[bit_width](in, out);
}

// Extracts value `index` of a packed stream with width in [0, 56] bits (one 64-bit load
// covers it) without reading at or past `limit`. For the odd values outside whole groups of
// 32; `mask` is (1 << bit_width) - 1.
inline uint64_t ExtractPacked(const uint8_t* base, const uint8_t* limit, uint64_t index,
                              int bit_width, uint64_t mask) {
  uint64_t bit = index * static_cast<uint64_t>(bit_width);
  const uint8_t* src = base + (bit >> 3);
  uint64_t word = 0;
  size_t avail = static_cast<size_t>(limit - src);
  std::memcpy(&word, src, avail < 8 ? avail : 8);
  return (word >> (bit & 7)) & mask;
}

}  // namespace frocket::parquet
