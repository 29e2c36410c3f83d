// PLAIN encoding: fixed-width values back to back (little endian), booleans bit-packed LSB
// first, BYTE_ARRAY as a 4-byte little-endian length then the bytes.
// Every read is checked against the page end: a short page throws Error(kCorruptFile).
#pragma once

#include <cstddef>
#include <cstdint>

#include "parquet/decoder/byte_array_builder.h"

namespace frocket::parquet {

class PlainDecoder {
 public:
  PlainDecoder(const uint8_t* data, size_t size) : data_(data), end_(data + size) {}

  // n values of `width` bytes each (INT32, INT64, INT96, FLOAT, DOUBLE, FLBA) to out.
  void DecodeFixed(int width, uint8_t* out, size_t n);
  // n bit-packed booleans to out, one byte (0 or 1) per value. Calls may be repeated on one
  // page: the bit position carries over.
  void DecodeBooleans(uint8_t* out, size_t n);
  // n length-prefixed byte arrays appended to builder.
  void DecodeByteArrays(ByteArrayBuilder* builder, size_t n);

  // Bytes not yet consumed (a partly used boolean byte counts as remaining).
  size_t remaining() const { return static_cast<size_t>(end_ - data_); }

 private:
  const uint8_t* data_;
  const uint8_t* end_;
  uint64_t bit_offset_ = 0;  // booleans: bits (0..7) already used of the byte at data_
};

}  // namespace frocket::parquet
