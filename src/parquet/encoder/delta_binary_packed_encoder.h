// DELTA_BINARY_PACKED (parquet-format Encodings.md) for INT32 and INT64 columns: a header
// (block size 128, 4 miniblocks of 32 values, the value count, the first value as a zigzag
// varint), then per block of 128 deltas the minimum delta as a zigzag varint, one bit-width
// byte per miniblock and the miniblocks' (delta - min delta) values bit-packed. Sorted ids and
// timestamps have small, similar deltas and shrink to a few bits per value.
//
// Deltas are computed with wrapping arithmetic in the value's own width, as the spec requires,
// so any input (including INT64_MIN next to INT64_MAX) round-trips.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"

namespace frocket::parquet {

template <typename T>  // int32_t or int64_t
class DeltaBinaryPackedEncoder {
 public:
  static constexpr int kBlockSize = 128;
  static constexpr int kMiniblocks = 4;
  static constexpr int kMiniblockSize = kBlockSize / kMiniblocks;

  // Appends the encoding of values[0, n) to out.
  static void Encode(const T* values, size_t n, Buffer* out);
};

extern template class DeltaBinaryPackedEncoder<int32_t>;
extern template class DeltaBinaryPackedEncoder<int64_t>;

}  // namespace frocket::parquet
