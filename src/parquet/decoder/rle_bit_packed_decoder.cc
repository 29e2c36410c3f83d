#include "parquet/decoder/rle_bit_packed_decoder.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.h"
#include "parquet/decoder/bit_unpack.h"
#include "parquet/decoder/uleb128.h"

namespace frocket::parquet {

RleBitPackedDecoder::RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width)
    : data_(data), end_(data + size), bit_width_(bit_width) {
  if (bit_width < 0 || bit_width > 32) {
    ThrowCorrupt("RLE/bit-packed bit width must be in [0, 32], got " + std::to_string(bit_width));
  }
  mask_ = bit_width == 32 ? UINT32_MAX : (uint32_t{1} << bit_width) - 1;
}

bool RleBitPackedDecoder::NextRun() {
  uint32_t header = 0;
  switch (ReadUleb128(&data_, end_, &header)) {
    case Uleb128Status::kOk:
      break;
    case Uleb128Status::kTruncated:
      data_ = end_;
      return false;
    case Uleb128Status::kOverlong:
      ThrowCorrupt("RLE/bit-packed run header is a varint longer than 32 bits");
  }
  size_t avail = static_cast<size_t>(end_ - data_);
  if (header & 1) {
    // Groups of 8 values take bit_width bytes each. A run cut short by the end of the data
    // keeps the values whose bits are all present.
    uint64_t groups = header >> 1;
    uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    packed_ = data_;
    packed_pos_ = 0;
    if (bytes <= avail) {
      packed_left_ = groups * 8;
      data_ += bytes;
    } else {
      packed_left_ = avail * 8 / static_cast<size_t>(bit_width_);
      data_ = end_;
    }
  } else {
    size_t value_bytes = (static_cast<size_t>(bit_width_) + 7) / 8;
    if (avail < value_bytes) {
      data_ = end_;
      return false;
    }
    uint32_t value = 0;
    std::memcpy(&value, data_, value_bytes);
    data_ += value_bytes;
    if ((value & ~mask_) != 0) {
      ThrowCorrupt("RLE run value must fit in " + std::to_string(bit_width_) + " bits, got " +
                   std::to_string(value));
    }
    repeat_value_ = value;
    repeat_left_ = header >> 1;
  }
  return true;
}

template <typename T>
void RleBitPackedDecoder::UnpackFromRun(T* out, size_t k) {
  const int w = bit_width_;
  size_t p = packed_pos_;
  size_t i = 0;
  // Every multiple of 8 values starts on a byte boundary, so whole groups of 32 can use the
  // specialized kernel from there; the few values around them are extracted one by one.
  while (i < k && (p & 7) != 0)
    out[i++] = static_cast<T>(ExtractPacked(packed_, end_, p++, w, mask_));
  while (k - i >= 32) {
    Unpack32(packed_ + p / 8 * static_cast<size_t>(w), out + i, w);
    i += 32;
    p += 32;
  }
  while (i < k) out[i++] = static_cast<T>(ExtractPacked(packed_, end_, p++, w, mask_));
  packed_pos_ = p;
  packed_left_ -= k;
}

void RleBitPackedDecoder::UnpackIndices(uint32_t* out, size_t k) { UnpackFromRun(out, k); }

template <typename T>
size_t RleBitPackedDecoder::GetBatchImpl(T* out, size_t n) {
  if (bit_width_ == 0) {
    std::fill(out, out + n, T{0});
    return n;
  }
  size_t done = 0;
  while (done < n) {
    if (repeat_left_ > 0) {
      size_t k = std::min(n - done, repeat_left_);
      std::fill(out + done, out + done + k, static_cast<T>(repeat_value_));
      repeat_left_ -= k;
      done += k;
    } else if (packed_left_ > 0) {
      size_t k = std::min(n - done, packed_left_);
      UnpackFromRun(out + done, k);
      done += k;
    } else if (!NextRun()) {
      break;
    }
  }
  return done;
}

size_t RleBitPackedDecoder::GetBatch(uint32_t* out, size_t n) { return GetBatchImpl(out, n); }
size_t RleBitPackedDecoder::GetBatch(uint16_t* out, size_t n) { return GetBatchImpl(out, n); }
size_t RleBitPackedDecoder::GetBatch(uint8_t* out, size_t n) { return GetBatchImpl(out, n); }

size_t RleBitPackedDecoder::Skip(size_t n) {
  if (bit_width_ == 0) return n;
  size_t done = 0;
  while (done < n) {
    if (repeat_left_ > 0) {
      size_t k = std::min(n - done, repeat_left_);
      repeat_left_ -= k;
      done += k;
    } else if (packed_left_ > 0) {
      size_t k = std::min(n - done, packed_left_);
      packed_pos_ += k;
      packed_left_ -= k;
      done += k;
    } else if (!NextRun()) {
      break;
    }
  }
  return done;
}

size_t RleBitPackedDecoder::PeekRepeatedRun(uint32_t* value) {
  if (bit_width_ == 0) {
    *value = 0;
    return SIZE_MAX;
  }
  // Empty runs are legal; step over them to reach the run that holds the next value.
  while (repeat_left_ == 0 && packed_left_ == 0) {
    if (!NextRun()) return 0;
  }
  if (repeat_left_ == 0) return 0;
  *value = repeat_value_;
  return repeat_left_;
}

void RleBitPackedDecoder::ThrowIndexOutOfRange(uint32_t index, uint32_t dict_size) {
  ThrowCorrupt("dictionary index " + std::to_string(index) + " out of range (dictionary has " +
               std::to_string(dict_size) + " entries)");
}

}  // namespace frocket::parquet
