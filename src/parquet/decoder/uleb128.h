// ULEB128 varints as used by the RLE / bit-packed hybrid and DELTA_BINARY_PACKED headers:
// 7 bits per byte, least significant group first, high bit set on every byte but the last.
#pragma once

#include <cstddef>
#include <cstdint>

namespace frocket::parquet {

enum class Uleb128Status {
  kOk,
  kTruncated,  // the data ended inside the varint
  kOverlong,   // more bytes than the type holds, or bits set above it
};

// Reads an unsigned varint of at most sizeof(T) * 8 bits from [*pos, end) and advances *pos
// past it on success. T is uint32_t or uint64_t.
template <typename T>
inline Uleb128Status ReadUleb128(const uint8_t** pos, const uint8_t* end, T* value) {
  constexpr int kBits = sizeof(T) * 8;
  const uint8_t* p = *pos;
  T result = 0;
  for (int shift = 0; shift < kBits; shift += 7) {
    if (p == end) return Uleb128Status::kTruncated;
    uint8_t byte = *p++;
    T low = byte & 0x7F;
    // The last byte may only carry the bits that are left in T.
    if (kBits - shift < 7 && (low >> (kBits - shift)) != 0) return Uleb128Status::kOverlong;
    result |= low << shift;
    if ((byte & 0x80) == 0) {
      *pos = p;
      *value = result;
      return Uleb128Status::kOk;
    }
  }
  return Uleb128Status::kOverlong;
}

// Zigzag decoding: 0, 1, 2, 3 -> 0, -1, 1, -2.
inline int64_t ZigZagDecode(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

}  // namespace frocket::parquet
