// The RLE / bit-packed hybrid encoding (parquet-format Encodings.md "RLE"): definition and
// repetition levels, dictionary indices, and RLE booleans. Runs are either a repeated value
// (header bit 0 == 0) or groups of 8 bit-packed values (header bit 0 == 1).
//
// The decoder never reads outside [data, data + size): a run that claims more bytes than are
// left is cut short, and GetBatch then returns fewer values than asked. Callers check the
// count and report a corrupt page.
#pragma once

#include <cstddef>
#include <cstdint>

namespace frocket::parquet {

class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder() = default;
  // bit_width in [0, 32]; values of width 0 are all zero. Throws Error(kCorruptFile) when
  // bit_width is out of range.
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width);

  // Decodes up to n values into out; returns how many were decoded (less than n only at the
  // end of the data).
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
  // otherwise. Lets callers fill long all-valid or all-null stretches at once.
  size_t PeekRepeatedRun(uint32_t* value);

 private:
  bool NextRun();
  template <typename T>
  size_t GetBatchImpl(T* out, size_t n);

  const uint8_t* data_ = nullptr;
  const uint8_t* end_ = nullptr;
  int bit_width_ = 0;
  uint32_t repeat_value_ = 0;
  size_t repeat_left_ = 0;
  const uint8_t* packed_ = nullptr;  // current bit-packed run
  size_t packed_left_ = 0;           // values left in it
  size_t packed_pos_ = 0;            // values consumed in it
};

}  // namespace frocket::parquet
