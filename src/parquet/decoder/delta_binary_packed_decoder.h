// DELTA_BINARY_PACKED (parquet-format Encodings.md): a header (block size, miniblocks per
// block, total value count, first value as zigzag varint), then blocks of min-delta plus
// bit-packed miniblocks. Works for INT32 and INT64 (arithmetic wraps, as the spec requires).
// Also the length and prefix streams inside DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace frocket::parquet {

template <typename T>  // int32_t or int64_t
class DeltaBinaryPackedDecoder {
 public:
  // Reads the header. Throws Error(kCorruptFile) on a bad header (block size not a multiple of
  // 128, miniblock count not dividing it, miniblocks not a multiple of 32 values, value count
  // above INT64_MAX, truncated or overlong varints). Nothing is allocated from header values.
  DeltaBinaryPackedDecoder(const uint8_t* data, size_t size);

  // Total values the header announces.
  int64_t total_values() const { return total_values_; }
  // Values not yet returned by Decode.
  int64_t values_left() const { return static_cast<int64_t>(values_left_); }

  // Decodes up to n values; returns how many (less than n only when all values are used).
  // Throws Error(kCorruptFile) on a truncated block or a bit width above 64. INT32 streams
  // accept widths above 32 too: writers that compute deltas in 64 bits (DuckDB) need 33, and
  // modulo 2^32 the extra high bits do not matter. Bit widths of miniblocks after the last
  // value are not checked.
  size_t Decode(T* out, size_t n);

  // Bytes from the start of the data to the end of the last miniblock the announced values use
  // (miniblocks after the last value may be absent, and the bytes of those are not counted).
  // Used to find the stream that follows. May be called at any time: when values are still
  // left, it walks the remaining block headers without decoding. Throws Error(kCorruptFile)
  // when the stream is truncated.
  size_t BytesConsumed();

 private:
  using U = std::make_unsigned_t<T>;  // all arithmetic wraps, so it is done unsigned

  // Reads the next block header (min delta and bit widths).
  void LoadBlock();
  // Makes the next miniblock current, loading a block first when needed.
  void LoadMiniblock();
  // Unpacks the next group of 32 deltas of the current miniblock into dst and turns the
  // first `count` of them (<= 32, <= miniblock_left_) into values.
  void DecodeGroup(U* dst, size_t count);

  const uint8_t* start_;
  const uint8_t* pos_;  // next unread byte: a block header or the miniblock after the current
  const uint8_t* end_;
  const uint8_t* first_block_;  // right after the stream header
  uint64_t miniblocks_per_block_ = 0;
  uint64_t values_per_miniblock_ = 0;
  int64_t total_values_ = 0;
  uint64_t values_left_ = 0;  // not yet returned
  uint64_t deltas_left_ = 0;  // not yet assigned to a loaded miniblock
  bool first_pending_ = true;
  U last_value_ = 0;
  U min_delta_ = 0;
  const uint8_t* bit_widths_ = nullptr;  // of the current block, inside the data
  uint64_t miniblock_index_ = 0;         // next miniblock of the current block
  // The current miniblock: its bytes are [miniblock_data_, miniblock_limit_), which holds at
  // least the bits of the deltas it still has to produce (the trailing padding of the last
  // miniblock may be missing).
  const uint8_t* miniblock_data_ = nullptr;
  const uint8_t* miniblock_limit_ = nullptr;
  uint64_t miniblock_pos_ = 0;   // deltas consumed, a multiple of 32
  uint64_t miniblock_left_ = 0;  // deltas still to produce
  int bit_width_ = 0;
  // A group of 32 decoded values kept for callers that ask for fewer than 32 at a time.
  U group_[32];
  uint32_t group_pos_ = 0;
  uint32_t group_len_ = 0;
};

extern template class DeltaBinaryPackedDecoder<int32_t>;
extern template class DeltaBinaryPackedDecoder<int64_t>;

}  // namespace frocket::parquet
