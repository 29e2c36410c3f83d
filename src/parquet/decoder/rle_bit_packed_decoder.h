// The RLE / bit-packed hybrid encoding (parquet-format Encodings.md "RLE"): definition and
// repetition levels, dictionary indices, and RLE booleans. Runs are either a repeated value
// (header bit 0 == 0) or groups of 8 bit-packed values (header bit 0 == 1).
//
// The decoder never reads outside [data, data + size): a run that claims more bytes than are
// left is cut short (to the values whose bits are all present), and GetBatch then returns fewer
// values than asked. Callers check the count and report a corrupt page. Run lengths in headers
// are never trusted for loops or allocations: work is bounded by what the caller asks for.
// Malformed headers that cannot be cut short (a run-length varint longer than 5 bytes, a
// repeated value wider than bit_width) throw Error(kCorruptFile).
//
// Every decoded value is below 2^bit_width. bit_width 0 means every value is 0 and no data is
// needed: GetBatch and Skip always return n (such streams are unbounded), whatever the data.
//
// Not thread safe; the decoder does not own the data, which must outlive it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"

namespace frocket::parquet {

class RleBitPackedDecoder {
 public:
  // An empty decoder of width 0: yields zeros (for columns without levels).
  RleBitPackedDecoder() = default;
  // bit_width in [0, 32]; values of width 0 are all zero. Throws Error(kCorruptFile) when
  // bit_width is out of range.
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width);

  int bit_width() const { return bit_width_; }

  // Decodes up to n values into out; returns how many were decoded (less than n only at the
  // end of the data). Narrow outputs keep the low bits: callers use them only for widths that
  // fit (levels, booleans).
  size_t GetBatch(uint32_t* out, size_t n);
  size_t GetBatch(uint16_t* out, size_t n);
  size_t GetBatch(uint8_t* out, size_t n);

  // Decodes up to n dictionary indices and writes dict[index] to out. Throws
  // Error(kCorruptFile) when an index is >= dict_size. T is any trivially copyable type.
  template <typename T>
  size_t GetBatchWithDictionary(const T* dict, uint32_t dict_size, T* out, size_t n);

  // Skips up to n values; returns how many were skipped.
  size_t Skip(size_t n);

  // Runs of the current position: when the next values are one repeated value, returns the
  // count of them left in the run (and the value in *value) without consuming them; 0
  // otherwise. Lets callers fill long all-valid or all-null stretches at once. For bit_width
  // 0 the run is unbounded and SIZE_MAX is returned.
  size_t PeekRepeatedRun(uint32_t* value);

 private:
  // Loads the next run header. Returns false at the end of the data (including a header or
  // repeated value cut short). The run loaded may be empty.
  bool NextRun();
  template <typename T>
  size_t GetBatchImpl(T* out, size_t n);
  // Decodes the next k values of the current bit-packed run (k <= packed_left_).
  template <typename T>
  void UnpackFromRun(T* out, size_t k);
  void UnpackIndices(uint32_t* out, size_t k);
  [[noreturn]] static void ThrowIndexOutOfRange(uint32_t index, uint32_t dict_size);

  const uint8_t* data_ = nullptr;  // next run header
  const uint8_t* end_ = nullptr;
  int bit_width_ = 0;
  uint32_t mask_ = 0;  // (1 << bit_width) - 1
  uint32_t repeat_value_ = 0;
  size_t repeat_left_ = 0;
  const uint8_t* packed_ = nullptr;  // current bit-packed run
  size_t packed_left_ = 0;           // values left in it
  size_t packed_pos_ = 0;            // values consumed in it
};

template <typename T>
size_t RleBitPackedDecoder::GetBatchWithDictionary(const T* dict, uint32_t dict_size, T* out,
                                                   size_t n) {
  if (bit_width_ == 0) {
    if (n == 0) return 0;
    if (dict_size == 0) ThrowIndexOutOfRange(0, dict_size);
    std::fill(out, out + n, dict[0]);
    return n;
  }
  // Indices of bit-packed runs go through a small stack buffer: they are validated with a
  // vectorizable max, then gathered. Repeated runs are validated once and filled.
  constexpr size_t kChunk = 512;
  uint32_t indices[kChunk];
  size_t done = 0;
  while (done < n) {
    if (repeat_left_ > 0) {
      size_t k = std::min(n - done, repeat_left_);
      if (repeat_value_ >= dict_size) ThrowIndexOutOfRange(repeat_value_, dict_size);
      std::fill(out + done, out + done + k, dict[repeat_value_]);
      repeat_left_ -= k;
      done += k;
    } else if (packed_left_ > 0) {
      size_t k = std::min({n - done, packed_left_, kChunk});
      UnpackIndices(indices, k);
      uint32_t max_index = 0;
      for (size_t i = 0; i < k; ++i) max_index = std::max(max_index, indices[i]);
      if (max_index >= dict_size) {
        for (size_t i = 0; i < k; ++i) {
          if (indices[i] >= dict_size) ThrowIndexOutOfRange(indices[i], dict_size);
        }
      }
      T* dst = out + done;
      for (size_t i = 0; i < k; ++i) dst[i] = dict[indices[i]];
      done += k;
    } else if (!NextRun()) {
      break;
    }
  }
  return done;
}

}  // namespace frocket::parquet
