// DELTA_LENGTH_BYTE_ARRAY: all lengths as one DELTA_BINARY_PACKED stream, then all bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "parquet/decoder/byte_array_builder.h"

namespace frocket::parquet {

class DeltaLengthByteArrayDecoder {
 public:
  // Decodes the length stream eagerly and checks that negative lengths do not occur and that
  // the lengths fit in the bytes that follow. Throws Error(kCorruptFile) otherwise.
  DeltaLengthByteArrayDecoder(const uint8_t* data, size_t size);

  // Appends the next n values; throws Error(kCorruptFile) when fewer than n are left.
  void Decode(ByteArrayBuilder* builder, size_t n);
  size_t values_left() const;

 private:
  std::vector<int32_t> lengths_;
  size_t next_ = 0;
  const uint8_t* bytes_ = nullptr;
  const uint8_t* end_ = nullptr;
};

}  // namespace frocket::parquet
