// DELTA_LENGTH_BYTE_ARRAY: all lengths as one DELTA_BINARY_PACKED stream, then all bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "parquet/decoder/byte_array_builder.h"
#include "parquet/decoder/delta_binary_packed_decoder.h"

namespace frocket::parquet {

class DeltaLengthByteArrayDecoder {
 public:
  // Reads the length stream's header and finds where the bytes start (walking the block
  // headers, not the values). The lengths themselves are decoded as values are asked for, so
  // a bogus value count costs nothing until values are requested: Decode checks that lengths
  // are not negative and fit in the bytes that follow. Throws Error(kCorruptFile) on a bad or
  // truncated length stream.
  DeltaLengthByteArrayDecoder(const uint8_t* data, size_t size);

  // Appends the next n values; throws Error(kCorruptFile) when fewer than n are left, a length
  // is negative or the bytes run out.
  void Decode(ByteArrayBuilder* builder, size_t n);
  size_t values_left() const;

  // Decodes the next n lengths (n > 0) into `lengths` with the same checks as Decode and
  // returns where their bytes start; they are back to back, `*total_bytes` in all. The data
  // stays owned by the caller of the constructor.
  const uint8_t* DecodeRaw(int32_t* lengths, size_t n, size_t* total_bytes);

 private:
  DeltaBinaryPackedDecoder<int32_t> lengths_;
  const uint8_t* bytes_ = nullptr;  // bytes of the next value
  const uint8_t* end_ = nullptr;
};

}  // namespace frocket::parquet
