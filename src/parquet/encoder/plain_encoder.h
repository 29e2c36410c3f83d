// PLAIN encoding (parquet-format Encodings.md): fixed-width values back to back in little
// endian, booleans bit-packed least significant bit first, BYTE_ARRAY as a 4-byte
// little-endian length followed by the bytes. Also the format of dictionary pages and of
// statistics values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/buffer.h"

namespace frocket::parquet {

class PlainEncoder {
 public:
  // n values of `width` bytes each (INT32, INT64, FLOAT, DOUBLE), stored in memory order.
  static void AppendFixed(const void* values, size_t n, int width, Buffer* out) {
    out->Append(values, n * static_cast<size_t>(width));
  }

  // n booleans given as one byte each (0 or 1; any other value is undefined) to
  // ceil(n / 8) bytes.
  static void AppendBooleans(const uint8_t* values, size_t n, Buffer* out);

  static void AppendByteArray(std::string_view value, Buffer* out) {
    size_t old = out->size();
    out->Resize(old + 4 + value.size());
    uint32_t length = static_cast<uint32_t>(value.size());
    std::memcpy(out->data() + old, &length, 4);
    if (!value.empty()) std::memcpy(out->data() + old + 4, value.data(), value.size());
  }
};

}  // namespace frocket::parquet
