// DELTA_BINARY_PACKED (parquet-format Encodings.md): a header (block size, miniblocks per
// block, total value count, first value as zigzag varint), then blocks of min-delta plus
// bit-packed miniblocks. Works for INT32 and INT64 (arithmetic wraps, as the spec requires).
// Also the length and prefix streams inside DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace frocket::parquet {

template <typename T>  // int32_t or int64_t
class DeltaBinaryPackedDecoder {
 public:
  // Reads the header. Throws Error(kCorruptFile) on a bad header (block size not a multiple of
  // 128, miniblock count not dividing it, value count negative, truncated varints).
  DeltaBinaryPackedDecoder(const uint8_t* data, size_t size);

  // Total values the header announces.
  int64_t total_values() const { return total_values_; }

  // Decodes up to n values; returns how many (less than n only when all values are used).
  // Throws Error(kCorruptFile) on a truncated block or a bit width above 64.
  size_t Decode(T* out, size_t n);

  // Bytes from the start of the data to the end of the last block the announced values use.
  // Valid after all total_values() were decoded; used to find the stream that follows.
  size_t BytesConsumed();

 private:
  // ... implementation state
  bool LoadBlock();
  bool LoadMiniblock();
  const uint8_t* start_;
  const uint8_t* pos_;
  const uint8_t* end_;
  uint64_t block_size_ = 0;
  uint64_t miniblocks_per_block_ = 0;
  uint64_t values_per_miniblock_ = 0;
  int64_t total_values_ = 0;
  int64_t values_left_ = 0;  // not yet returned
  bool first_pending_ = true;
  T last_value_ = 0;
  T min_delta_ = 0;
  std::vector<uint8_t> bit_widths_;
  uint64_t miniblock_index_ = 0;
  uint64_t miniblock_left_ = 0;
  const uint8_t* miniblock_data_ = nullptr;
  uint64_t miniblock_pos_ = 0;
  int bit_width_ = 0;
  std::vector<T> unpacked_;  // one miniblock of deltas
};

extern template class DeltaBinaryPackedDecoder<int32_t>;
extern template class DeltaBinaryPackedDecoder<int64_t>;

}  // namespace frocket::parquet
