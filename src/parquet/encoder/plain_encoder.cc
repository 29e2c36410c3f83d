#include "parquet/encoder/plain_encoder.h"

namespace frocket::parquet {

void PlainEncoder::AppendBooleans(const uint8_t* values, size_t n, Buffer* out) {
  size_t old = out->size();
  out->Resize(old + (n + 7) / 8);
  uint8_t* p = out->data() + old;
  size_t full = n / 8;
  for (size_t g = 0; g < full; ++g) {
    // Eight 0/1 bytes become one byte: multiplying by this constant moves byte k's low bit to
    // bit 56 + k, with no two partial products overlapping, so no carries disturb the result.
    uint64_t word;
    std::memcpy(&word, values + g * 8, 8);
    p[g] = static_cast<uint8_t>((word * 0x0102040810204080ULL) >> 56);
  }
  if (full * 8 < n) {
    uint8_t last = 0;
    for (size_t i = full * 8; i < n; ++i)
      last |= static_cast<uint8_t>((values[i] & 1) << (i - full * 8));
    p[full] = last;
  }
}

}  // namespace frocket::parquet
