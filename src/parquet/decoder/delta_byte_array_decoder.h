// DELTA_BYTE_ARRAY (incremental / front coding): prefix lengths as DELTA_BINARY_PACKED, then
// the suffixes as DELTA_LENGTH_BYTE_ARRAY; value i = value[i-1][0:prefix[i]] + suffix[i].
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "parquet/decoder/byte_array_builder.h"
#include "parquet/decoder/delta_binary_packed_decoder.h"
#include "parquet/decoder/delta_length_byte_array_decoder.h"

namespace frocket::parquet {

class DeltaByteArrayDecoder {
 public:
  // Throws Error(kCorruptFile) on bad streams (prefix longer than the previous value, counts
  // that disagree, negative lengths). Like DeltaLengthByteArrayDecoder, the lengths are
  // decoded as values are asked for, so some of these errors come from Decode.
  DeltaByteArrayDecoder(const uint8_t* data, size_t size);

  // Appends the next n values; throws Error(kCorruptFile) when fewer than n are left.
  void Decode(ByteArrayBuilder* builder, size_t n);
  size_t values_left() const { return suffixes_.values_left(); }

 private:
  DeltaBinaryPackedDecoder<int32_t> prefix_lengths_;
  DeltaLengthByteArrayDecoder suffixes_;
  std::string last_;  // the previous value
};

}  // namespace frocket::parquet
