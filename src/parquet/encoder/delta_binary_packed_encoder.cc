#include "parquet/encoder/delta_binary_packed_encoder.h"

#include <type_traits>

#include "parquet/encoder/bit_packing.h"

namespace frocket::parquet {

template <typename T>
void DeltaBinaryPackedEncoder<T>::Encode(const T* values, size_t n, Buffer* out) {
  using U = std::make_unsigned_t<T>;
  // Header: at most 4 varints of 10 bytes.
  size_t pos = out->size();
  out->Resize(pos + 40);
  uint8_t* p = out->data() + pos;
  p += PutVarint(kBlockSize, p);
  p += PutVarint(kMiniblocks, p);
  p += PutVarint(n, p);
  p += PutVarint(ZigZag(n == 0 ? 0 : static_cast<int64_t>(values[0])), p);
  pos = static_cast<size_t>(p - out->data());

  U deltas[kBlockSize];
  for (size_t start = 1; start < n; start += kBlockSize) {
    size_t count = n - start < kBlockSize ? n - start : kBlockSize;
    T min_delta = 0;
    for (size_t k = 0; k < count; ++k) {
      U d =
          static_cast<U>(static_cast<U>(values[start + k]) - static_cast<U>(values[start + k - 1]));
      deltas[k] = d;
      T sd = static_cast<T>(d);
      if (k == 0 || sd < min_delta) min_delta = sd;
    }
    uint8_t widths[kMiniblocks] = {0, 0, 0, 0};
    int needed = static_cast<int>((count + kMiniblockSize - 1) / kMiniblockSize);
    for (int m = 0; m < needed; ++m) {
      U all = 0;
      size_t end = (m + 1) * kMiniblockSize;
      for (size_t k = m * kMiniblockSize; k < end; ++k) {
        if (k < count) {
          deltas[k] = static_cast<U>(deltas[k] - static_cast<U>(min_delta));
          all |= deltas[k];
        } else {
          deltas[k] = 0;  // the last miniblock is padded to full size
        }
      }
      widths[m] = static_cast<uint8_t>(BitWidthOf(all));
    }
    size_t body = 0;
    for (int m = 0; m < needed; ++m) body += PackedBytes(kMiniblockSize, widths[m]);
    out->Resize(pos + 10 + kMiniblocks + body);
    p = out->data() + pos;
    p += PutVarint(ZigZag(static_cast<int64_t>(min_delta)), p);
    for (int m = 0; m < kMiniblocks; ++m) *p++ = widths[m];
    for (int m = 0; m < needed; ++m) {
      PackBits(deltas + m * kMiniblockSize, kMiniblockSize, widths[m], p);
      p += PackedBytes(kMiniblockSize, widths[m]);
    }
    pos = static_cast<size_t>(p - out->data());
  }
  out->Resize(pos);
}

template class DeltaBinaryPackedEncoder<int32_t>;
template class DeltaBinaryPackedEncoder<int64_t>;

}  // namespace frocket::parquet
