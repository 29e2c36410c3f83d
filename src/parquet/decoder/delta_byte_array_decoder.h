// DELTA_BYTE_ARRAY (incremental / front coding): prefix lengths as DELTA_BINARY_PACKED, then
// the suffixes as DELTA_LENGTH_BYTE_ARRAY; value i = value[i-1][0:prefix[i]] + suffix[i].
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/decoder/byte_array_builder.h"
#include "parquet/decoder/delta_length_byte_array_decoder.h"

namespace frocket::parquet {

class DeltaByteArrayDecoder {
 public:
  // Throws Error(kCorruptFile) on bad streams (prefix longer than the previous value, counts
  // that disagree, negative lengths).
  DeltaByteArrayDecoder(const uint8_t* data, size_t size);

  // Appends the next n values; throws Error(kCorruptFile) when fewer than n are left.
  void Decode(ByteArrayBuilder* builder, size_t n);

 private:
  std::vector<int32_t> prefix_lengths_;
  size_t next_ = 0;
  std::vector<int32_t> suffix_lengths_;
  const uint8_t* suffix_bytes_ = nullptr;
  const uint8_t* suffix_end_ = nullptr;
  std::string last_;
};

}  // namespace frocket::parquet
