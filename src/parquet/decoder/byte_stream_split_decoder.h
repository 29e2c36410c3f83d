// BYTE_STREAM_SPLIT: byte k of every value is stored in stream k; there are `width` streams of
// `num_values` bytes each. Works for FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY.
#pragma once

#include <cstddef>
#include <cstdint>

namespace frocket::parquet {

class ByteStreamSplitDecoder {
 public:
  // `num_values` is the count of encoded (non-null) values in the page. Throws
  // Error(kCorruptFile) when size != width * num_values.
  ByteStreamSplitDecoder(const uint8_t* data, size_t size, int width, size_t num_values);

  // Writes the next n values (width bytes each) to out; throws when fewer than n are left.
  void Decode(uint8_t* out, size_t n);

 private:
  const uint8_t* data_;
  int width_;
  size_t num_values_;
  size_t next_ = 0;
};

}  // namespace frocket::parquet
