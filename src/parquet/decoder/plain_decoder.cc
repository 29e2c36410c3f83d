#include "parquet/decoder/plain_decoder.h"

#include <array>
#include <cstring>
#include <string>

#include "common/error.h"

namespace frocket::parquet {

namespace {

// Byte b spread to 8 bytes: byte k of the entry is bit k of b (booleans are LSB first).
constexpr std::array<uint64_t, 256> MakeBitSpreadTable() {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= static_cast<uint64_t>((b >> k) & 1) << (8 * k);
    table[b] = v;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kBitSpread = MakeBitSpreadTable();

[[noreturn]] void ThrowShortPage(const char* what, size_t n, size_t needed, size_t remaining) {
  ThrowCorrupt(std::string("PLAIN page too short for ") + std::to_string(n) + " " + what +
               ": needs " + std::to_string(needed) + " bytes, has " + std::to_string(remaining));
}

}  // namespace

void PlainDecoder::DecodeFixed(int width, uint8_t* out, size_t n) {
  if (width <= 0) ThrowInvalid("PLAIN value width must be positive, got " + std::to_string(width));
  size_t w = static_cast<size_t>(width);
  size_t left = remaining();
  if (n > left / w) ThrowShortPage("values", n, n * w, left);
  size_t bytes = n * w;
  if (bytes != 0) std::memcpy(out, data_, bytes);
  data_ += bytes;
}

void PlainDecoder::DecodeBooleans(uint8_t* out, size_t n) {
  // bit_offset_ counts the bits already used of the byte at data_ (0..7).
  uint64_t available_bits = static_cast<uint64_t>(remaining()) * 8 - bit_offset_;
  if (n > available_bits) ThrowShortPage("booleans", n, (bit_offset_ + n + 7) / 8, remaining());
  size_t i = 0;
  // Finish a partly used byte first, so the bulk works a byte (8 values) at a time.
  while (i < n && bit_offset_ != 0) {
    out[i++] = (*data_ >> bit_offset_) & 1;
    if (++bit_offset_ == 8) {
      bit_offset_ = 0;
      ++data_;
    }
  }
  while (n - i >= 8) {
    std::memcpy(out + i, &kBitSpread[*data_++], 8);
    i += 8;
  }
  while (i < n) out[i++] = (*data_ >> bit_offset_++) & 1;
}

void PlainDecoder::DecodeByteArrays(ByteArrayBuilder* builder, size_t n) {
  // Each value takes at least its 4-byte length, which bounds n before reserving for it.
  if (n > remaining() / 4) ThrowShortPage("byte arrays", n, n * 4, remaining());
  builder->Reserve(n, remaining() - n * 4);
  for (size_t i = 0; i < n; ++i) {
    size_t left = remaining();
    if (left < 4) ThrowShortPage("byte array length", 1, 4, left);
    uint32_t length;
    std::memcpy(&length, data_, 4);
    if (length > left - 4) {
      ThrowCorrupt("PLAIN byte array runs past the page end: " + std::to_string(left - 4) +
                   " bytes left, length " + std::to_string(length));
    }
    builder->Append(data_ + 4, length);
    data_ += 4 + static_cast<size_t>(length);
  }
}

}  // namespace frocket::parquet
