#include "parquet/decoder/delta_length_byte_array_decoder.h"

#include <algorithm>
#include <string>

#include "common/error.h"

namespace frocket::parquet {

DeltaLengthByteArrayDecoder::DeltaLengthByteArrayDecoder(const uint8_t* data, size_t size)
    : lengths_(data, size), end_(data + size) {
  bytes_ = data + lengths_.BytesConsumed();
}

size_t DeltaLengthByteArrayDecoder::values_left() const {
  return static_cast<size_t>(lengths_.values_left());
}

const uint8_t* DeltaLengthByteArrayDecoder::DecodeRaw(int32_t* lengths, size_t n,
                                                      size_t* total_bytes) {
  if (n > values_left()) {
    ThrowCorrupt("DELTA_LENGTH_BYTE_ARRAY has fewer values than the page needs: asked for " +
                 std::to_string(n) + ", left " + std::to_string(values_left()));
  }
  lengths_.Decode(lengths, n);
  int32_t min_length = 0;
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    min_length = std::min(min_length, lengths[i]);
    sum += static_cast<uint32_t>(lengths[i]);
  }
  if (min_length < 0) {
    ThrowCorrupt("DELTA_LENGTH_BYTE_ARRAY length must not be negative, got " +
                 std::to_string(min_length));
  }
  uint64_t avail = static_cast<uint64_t>(end_ - bytes_);
  if (sum > avail) {
    ThrowCorrupt("DELTA_LENGTH_BYTE_ARRAY lengths run past the data: " + std::to_string(avail) +
                 " bytes left, lengths need " + std::to_string(sum));
  }
  const uint8_t* start = bytes_;
  bytes_ += sum;
  *total_bytes = static_cast<size_t>(sum);
  return start;
}

void DeltaLengthByteArrayDecoder::Decode(ByteArrayBuilder* builder, size_t n) {
  if (n > values_left()) {
    ThrowCorrupt("DELTA_LENGTH_BYTE_ARRAY has fewer values than the page needs: asked for " +
                 std::to_string(n) + ", left " + std::to_string(values_left()));
  }
  constexpr size_t kChunk = 256;
  int32_t lengths[kChunk];
  while (n > 0) {
    size_t k = std::min(n, kChunk);
    size_t total = 0;
    const uint8_t* p = DecodeRaw(lengths, k, &total);
    builder->Reserve(k, total);
    for (size_t i = 0; i < k; ++i) {
      builder->Append(p, static_cast<size_t>(lengths[i]));
      p += lengths[i];
    }
    n -= k;
  }
}

}  // namespace frocket::parquet
