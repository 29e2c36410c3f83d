#include "parquet/decoder/delta_binary_packed_decoder.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.h"
#include "parquet/decoder/bit_unpack.h"
#include "parquet/decoder/uleb128.h"

namespace frocket::parquet {

namespace {

// Block sizes are ints in every writer; anything larger is garbage, and refusing it keeps all
// byte arithmetic below far from overflow.
constexpr uint64_t kMaxBlockSize = uint64_t{1} << 31;

uint64_t ReadHeaderVarint(const uint8_t** pos, const uint8_t* end, const char* what) {
  uint64_t value = 0;
  switch (ReadUleb128(pos, end, &value)) {
    case Uleb128Status::kOk:
      return value;
    case Uleb128Status::kTruncated:
      ThrowCorrupt(std::string("DELTA_BINARY_PACKED stream ends inside the ") + what);
    case Uleb128Status::kOverlong:
      break;
  }
  ThrowCorrupt(std::string("DELTA_BINARY_PACKED ") + what + " is a varint longer than 64 bits");
}

}  // namespace

template <typename T>
DeltaBinaryPackedDecoder<T>::DeltaBinaryPackedDecoder(const uint8_t* data, size_t size)
    : start_(data), pos_(data), end_(data + size) {
  uint64_t block_size = ReadHeaderVarint(&pos_, end_, "block size");
  uint64_t miniblocks = ReadHeaderVarint(&pos_, end_, "miniblock count");
  uint64_t total = ReadHeaderVarint(&pos_, end_, "value count");
  uint64_t first = ReadHeaderVarint(&pos_, end_, "first value");
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxBlockSize) {
    ThrowCorrupt("DELTA_BINARY_PACKED block size must be a positive multiple of 128, got " +
                 std::to_string(block_size));
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    ThrowCorrupt("DELTA_BINARY_PACKED miniblocks must split a block of " +
                 std::to_string(block_size) + " values into multiples of 32, got " +
                 std::to_string(miniblocks) + " miniblocks");
  }
  if (total > static_cast<uint64_t>(INT64_MAX)) {
    ThrowCorrupt("DELTA_BINARY_PACKED value count out of range: " + std::to_string(total));
  }
  miniblocks_per_block_ = miniblocks;
  values_per_miniblock_ = block_size / miniblocks;
  total_values_ = static_cast<int64_t>(total);
  values_left_ = total;
  deltas_left_ = total == 0 ? 0 : total - 1;
  // INT32 streams are decoded modulo 2^32, so a first value or min delta written with more
  // bits keeps its low 32.
  last_value_ = static_cast<U>(ZigZagDecode(first));
  first_block_ = pos_;
}

template <typename T>
void DeltaBinaryPackedDecoder<T>::LoadBlock() {
  min_delta_ = static_cast<U>(ZigZagDecode(ReadHeaderVarint(&pos_, end_, "block min delta")));
  // The bit widths of all miniblocks are present even when the last ones hold no values.
  if (static_cast<uint64_t>(end_ - pos_) < miniblocks_per_block_) {
    ThrowCorrupt("DELTA_BINARY_PACKED block truncated in its bit widths: needs " +
                 std::to_string(miniblocks_per_block_) + " bytes, has " +
                 std::to_string(end_ - pos_));
  }
  bit_widths_ = pos_;
  pos_ += miniblocks_per_block_;
  miniblock_index_ = 0;
}

template <typename T>
void DeltaBinaryPackedDecoder<T>::LoadMiniblock() {
  if (bit_widths_ == nullptr || miniblock_index_ == miniblocks_per_block_) LoadBlock();
  int width = bit_widths_[miniblock_index_++];
  if (width > 64) {
    ThrowCorrupt("DELTA_BINARY_PACKED bit width must be at most 64, got " + std::to_string(width));
  }
  uint64_t count = std::min(values_per_miniblock_, deltas_left_);
  uint64_t needed = (count * static_cast<uint64_t>(width) + 7) / 8;
  uint64_t padded = values_per_miniblock_ / 8 * static_cast<uint64_t>(width);
  uint64_t avail = static_cast<uint64_t>(end_ - pos_);
  if (needed > avail) {
    ThrowCorrupt("DELTA_BINARY_PACKED miniblock truncated: needs " + std::to_string(needed) +
                 " bytes, has " + std::to_string(avail));
  }
  // The last miniblock is padded to full size by conforming writers; tolerate a missing
  // padding as long as the bits of the values are there.
  miniblock_data_ = pos_;
  miniblock_limit_ = pos_ + std::min(padded, avail);
  pos_ = miniblock_limit_;
  bit_width_ = width;
  miniblock_pos_ = 0;
  miniblock_left_ = count;
  deltas_left_ -= count;
}

template <typename T>
void DeltaBinaryPackedDecoder<T>::DecodeGroup(U* dst, size_t count) {
  size_t group_bytes = 4 * static_cast<size_t>(bit_width_);
  const uint8_t* src = miniblock_data_ + miniblock_pos_ / 8 * static_cast<uint64_t>(bit_width_);
  size_t avail = static_cast<size_t>(miniblock_limit_ - src);
  uint8_t padded[4 * 64];
  if (avail < group_bytes) {
    // Only the last group of an unpadded last miniblock gets here.
    std::memset(padded, 0, sizeof(padded));
    std::memcpy(padded, src, avail);
    src = padded;
  }
  if (sizeof(T) == 4 && bit_width_ > 32) {
    // Writers that compute INT32 deltas in 64 bits (DuckDB) produce widths up to 33; modulo
    // 2^32 only the low 32 bits of each delta matter.
    uint64_t wide[32];
    Unpack32(src, wide, bit_width_);
    for (int i = 0; i < 32; ++i) dst[i] = static_cast<U>(wide[i]);
  } else {
    Unpack32(src, dst, bit_width_);
  }
  // A dependent chain of wrapping adds; the unpacked deltas are hot in L1.
  U last = last_value_;
  const U min_delta = min_delta_;
  for (size_t i = 0; i < count; ++i) {
    last += dst[i] + min_delta;
    dst[i] = last;
  }
  last_value_ = last;
  miniblock_pos_ += 32;
  miniblock_left_ -= count;
}

template <typename T>
size_t DeltaBinaryPackedDecoder<T>::Decode(T* out, size_t n) {
  n = static_cast<size_t>(std::min<uint64_t>(n, values_left_));
  if (n == 0) return 0;
  // Signed and unsigned variants of a type may alias, so values are written through U.
  U* dst = reinterpret_cast<U*>(out);
  size_t produced = 0;
  if (first_pending_) {
    dst[0] = last_value_;
    first_pending_ = false;
    produced = 1;
  }
  while (produced < n) {
    if (group_pos_ < group_len_) {
      size_t k = std::min<size_t>(n - produced, group_len_ - group_pos_);
      std::memcpy(dst + produced, group_ + group_pos_, k * sizeof(U));
      group_pos_ += static_cast<uint32_t>(k);
      produced += k;
      continue;
    }
    if (miniblock_left_ == 0) LoadMiniblock();
    // Whole groups go straight to the output; a partial request goes through group_.
    while (n - produced >= 32 && miniblock_left_ >= 32) {
      DecodeGroup(dst + produced, 32);
      produced += 32;
    }
    if (produced < n && miniblock_left_ > 0) {
      size_t count = std::min<uint64_t>(32, miniblock_left_);
      DecodeGroup(group_, count);
      group_pos_ = 0;
      group_len_ = static_cast<uint32_t>(count);
    }
  }
  values_left_ -= n;
  return n;
}

template <typename T>
size_t DeltaBinaryPackedDecoder<T>::BytesConsumed() {
  if (deltas_left_ > 0) {
    // Walk a copy over the remaining miniblocks: each load only reads a block header and
    // checks the miniblock's size, and each block takes bytes, so this ends with the data.
    DeltaBinaryPackedDecoder copy = *this;
    while (copy.deltas_left_ > 0) copy.LoadMiniblock();
    return static_cast<size_t>(copy.pos_ - start_);
  }
  return static_cast<size_t>(pos_ - start_);
}

template class DeltaBinaryPackedDecoder<int32_t>;
template class DeltaBinaryPackedDecoder<int64_t>;

}  // namespace frocket::parquet
