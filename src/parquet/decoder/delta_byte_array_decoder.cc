#include "parquet/decoder/delta_byte_array_decoder.h"

#include <algorithm>
#include <string>

#include "common/error.h"

namespace frocket::parquet {

DeltaByteArrayDecoder::DeltaByteArrayDecoder(const uint8_t* data, size_t size)
    : prefix_lengths_(data, size),
      suffixes_(data + prefix_lengths_.BytesConsumed(), size - prefix_lengths_.BytesConsumed()) {
  if (prefix_lengths_.total_values() != static_cast<int64_t>(suffixes_.values_left())) {
    ThrowCorrupt("DELTA_BYTE_ARRAY prefix and suffix counts must agree: " +
                 std::to_string(prefix_lengths_.total_values()) + " prefixes, suffixes " +
                 std::to_string(suffixes_.values_left()));
  }
}

void DeltaByteArrayDecoder::Decode(ByteArrayBuilder* builder, size_t n) {
  if (n > values_left()) {
    ThrowCorrupt("DELTA_BYTE_ARRAY has fewer values than the page needs: asked for " +
                 std::to_string(n) + ", left " + std::to_string(values_left()));
  }
  constexpr size_t kChunk = 256;
  int32_t prefixes[kChunk];
  int32_t suffix_lengths[kChunk];
  while (n > 0) {
    size_t k = std::min(n, kChunk);
    prefix_lengths_.Decode(prefixes, k);
    size_t suffix_bytes = 0;
    const uint8_t* suffix = suffixes_.DecodeRaw(suffix_lengths, k, &suffix_bytes);
    // Validate the whole chunk before reserving, so a bogus prefix never sizes an allocation.
    uint64_t previous = last_.size();
    uint64_t chunk_bytes = 0;
    for (size_t i = 0; i < k; ++i) {
      if (prefixes[i] < 0 || static_cast<uint64_t>(prefixes[i]) > previous) {
        ThrowCorrupt("DELTA_BYTE_ARRAY prefix length must be in [0, " + std::to_string(previous) +
                     "] (the previous value's length), got " + std::to_string(prefixes[i]));
      }
      previous = static_cast<uint64_t>(prefixes[i]) + static_cast<uint32_t>(suffix_lengths[i]);
      chunk_bytes += previous;
    }
    // Front coding can legitimately expand a small page a lot; refuse past what the builder can
    // hold before reserving, instead of asking for a huge block first.
    if (builder->total_bytes() + chunk_bytes > UINT32_MAX) {
      ThrowNotSupported("a column chunk holds more than 4 GiB of byte arrays");
    }
    builder->Reserve(k, chunk_bytes);
    for (size_t i = 0; i < k; ++i) {
      last_.resize(static_cast<size_t>(prefixes[i]));
      last_.append(reinterpret_cast<const char*>(suffix), static_cast<size_t>(suffix_lengths[i]));
      suffix += suffix_lengths[i];
      builder->Append(last_.data(), last_.size());
    }
    n -= k;
  }
}

}  // namespace frocket::parquet
