#include "parquet/decoder/byte_stream_split_decoder.h"

#include <cstring>
#include <string>
#include <type_traits>

#include "common/error.h"

namespace frocket::parquet {

namespace {

// Gathers byte k of value i from stream k. With W fixed the inner loop is fully unrolled and
// each value is assembled in a register, then stored at once.
template <int W>
void DecodeFixedWidth(const uint8_t* streams, size_t stride, size_t first, uint8_t* out, size_t n) {
  const uint8_t* s[W];
  for (int k = 0; k < W; ++k) s[k] = streams + static_cast<size_t>(k) * stride + first;
  if constexpr (W == 4 || W == 8) {
    using Word = std::conditional_t<W == 4, uint32_t, uint64_t>;
    for (size_t i = 0; i < n; ++i) {
      Word v = 0;
      for (int k = 0; k < W; ++k) v |= static_cast<Word>(s[k][i]) << (8 * k);
      std::memcpy(out + i * W, &v, W);
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      for (int k = 0; k < W; ++k) out[i * W + k] = s[k][i];
    }
  }
}

}  // namespace

ByteStreamSplitDecoder::ByteStreamSplitDecoder(const uint8_t* data, size_t size, int width,
                                               size_t num_values)
    : data_(data), width_(width), num_values_(num_values) {
  if (width <= 0) {
    ThrowCorrupt("BYTE_STREAM_SPLIT value width must be positive, got " + std::to_string(width));
  }
  size_t w = static_cast<size_t>(width);
  if (size % w != 0 || size / w != num_values) {
    ThrowCorrupt("BYTE_STREAM_SPLIT page must hold " + std::to_string(num_values) + " values of " +
                 std::to_string(width) + " bytes, has " + std::to_string(size) + " bytes");
  }
}

void ByteStreamSplitDecoder::Decode(uint8_t* out, size_t n) {
  if (n > num_values_ - next_) {
    ThrowCorrupt("BYTE_STREAM_SPLIT page has fewer values than asked: " +
                 std::to_string(num_values_ - next_) + " left, asked for " + std::to_string(n));
  }
  switch (width_) {
    case 2:
      DecodeFixedWidth<2>(data_, num_values_, next_, out, n);
      break;
    case 4:
      DecodeFixedWidth<4>(data_, num_values_, next_, out, n);
      break;
    case 8:
      DecodeFixedWidth<8>(data_, num_values_, next_, out, n);
      break;
    case 16:
      DecodeFixedWidth<16>(data_, num_values_, next_, out, n);
      break;
    default: {
      size_t w = static_cast<size_t>(width_);
      for (size_t k = 0; k < w; ++k) {
        const uint8_t* s = data_ + k * num_values_ + next_;
        for (size_t i = 0; i < n; ++i) out[i * w + k] = s[i];
      }
    }
  }
  next_ += n;
}

}  // namespace frocket::parquet
