// Appends variable-length values to the (offsets, bytes) pair of a BYTE_ARRAY ColumnVector.
// `offsets` always holds count() + 1 uint32 entries; the first is 0.
#pragma once

#include <cstdint>
#include <cstring>

#include "common/buffer.h"
#include "common/error.h"

namespace frocket::parquet {

class ByteArrayBuilder {
 public:
  ByteArrayBuilder(Buffer* offsets, Buffer* bytes) : offsets_(offsets), bytes_(bytes) {
    if (offsets_->size() < sizeof(uint32_t)) {
      offsets_->Resize(sizeof(uint32_t));
      offsets_->as<uint32_t>()[0] = 0;
      bytes_->Clear();
    }
  }

  size_t count() const { return offsets_->size() / sizeof(uint32_t) - 1; }
  uint64_t total_bytes() const { return bytes_->size(); }

  // Makes room for n more values and `byte_hint` more bytes, to avoid repeated growth.
  void Reserve(size_t n, size_t byte_hint) {
    offsets_->Reserve(offsets_->size() + n * sizeof(uint32_t));
    bytes_->Reserve(bytes_->size() + byte_hint);
  }

  void Append(const void* data, size_t length) {
    uint64_t end = static_cast<uint64_t>(bytes_->size()) + length;
    if (end > UINT32_MAX) ThrowNotSupported("a column chunk holds more than 4 GiB of byte arrays");
    bytes_->Append(data, length);
    PushOffset(static_cast<uint32_t>(end));
  }
  void AppendEmpty(size_t n) {
    uint32_t end = static_cast<uint32_t>(bytes_->size());
    size_t old = offsets_->size();
    offsets_->Resize(old + n * sizeof(uint32_t));
    uint32_t* out = reinterpret_cast<uint32_t*>(offsets_->data() + old);
    for (size_t i = 0; i < n; ++i) out[i] = end;
  }

 private:
  void PushOffset(uint32_t end) {
    size_t old = offsets_->size();
    offsets_->Resize(old + sizeof(uint32_t));
    std::memcpy(offsets_->data() + old, &end, sizeof(end));
  }
  Buffer* offsets_;
  Buffer* bytes_;
};

}  // namespace frocket::parquet
