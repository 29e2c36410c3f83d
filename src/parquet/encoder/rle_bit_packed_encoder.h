// The RLE / bit-packed hybrid encoding (parquet-format Encodings.md "RLE"), for definition
// levels and dictionary indices. A run of at least 8 equal values becomes an RLE run; anything
// else goes into bit-packed runs of whole groups of 8 values. Only the final bit-packed run may
// end with zero padding, which readers ignore because they know how many values to expect.
//
// The output has no length prefix and no bit-width byte: data pages put a 4-byte length in
// front of levels and a bit-width byte in front of dictionary indices; callers add those.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"

namespace frocket::parquet {

class RleBitPackedEncoder {
 public:
  // Appends the encoding of values[0, n) to out. Every value must be < 2^bit_width, and
  // bit_width in [0, 32].
  template <typename T>  // uint8_t (levels) or uint32_t (dictionary indices)
  static void Encode(const T* values, size_t n, int bit_width, Buffer* out);
};

extern template void RleBitPackedEncoder::Encode<uint8_t>(const uint8_t*, size_t, int, Buffer*);
extern template void RleBitPackedEncoder::Encode<uint32_t>(const uint32_t*, size_t, int, Buffer*);

}  // namespace frocket::parquet
