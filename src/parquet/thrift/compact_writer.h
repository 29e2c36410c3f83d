// Writing primitives of the Thrift compact protocol, the mirror of CompactReader.
//
// Contract: a CompactWriter appends to a std::string it owns. Callers write a struct as a
// sequence of fields, each announced with a field header, and end it with WriteStop(); they keep
// the previous field id of each open struct themselves (a local `int16_t last_id = 0` per
// struct), because the compact protocol encodes field ids as deltas. Field ids must be written
// in increasing order within a struct to get the short (delta) form; any order is valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "parquet/thrift/compact_reader.h"

namespace frocket::parquet {

class CompactWriter {
 public:
  // Announces a field of `type` (not a bool: use WriteBoolField).
  void WriteFieldHeader(int16_t* last_id, int16_t id, CompactType type);
  void WriteBoolField(int16_t* last_id, int16_t id, bool value) {
    WriteFieldHeader(last_id, id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
  }
  void WriteStop() { out_.push_back('\0'); }

  void WriteByte(int8_t value) { out_.push_back(static_cast<char>(value)); }
  void WriteI16(int16_t value) { WriteI32(value); }
  void WriteI32(int32_t value) {
    WriteVarint((static_cast<uint32_t>(value) << 1) ^ static_cast<uint32_t>(value >> 31));
  }
  void WriteI64(int64_t value) {
    WriteVarint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
  }
  void WriteDouble(double value);
  void WriteBinary(std::string_view value) {
    WriteVarint(value.size());
    out_.append(value);
  }
  // `element_type` kBoolTrue means bool elements, each then written with WriteBoolElement.
  void WriteListHeader(CompactType element_type, size_t size);
  void WriteMapHeader(CompactType key_type, CompactType value_type, size_t size);
  void WriteBoolElement(bool value) { out_.push_back(value ? 1 : 2); }

  // Field shorthands: header plus value.
  void WriteI32Field(int16_t* last_id, int16_t id, int32_t value) {
    WriteFieldHeader(last_id, id, CompactType::kI32);
    WriteI32(value);
  }
  void WriteI64Field(int16_t* last_id, int16_t id, int64_t value) {
    WriteFieldHeader(last_id, id, CompactType::kI64);
    WriteI64(value);
  }
  void WriteBinaryField(int16_t* last_id, int16_t id, std::string_view value) {
    WriteFieldHeader(last_id, id, CompactType::kBinary);
    WriteBinary(value);
  }

  void WriteVarint(uint64_t value) {
    // Built on the stack and appended once: a push_back per byte costs a capacity check each.
    char bytes[10];
    size_t n = 0;
    while (value >= 0x80) {
      bytes[n++] = static_cast<char>(value | 0x80);
      value >>= 7;
    }
    bytes[n++] = static_cast<char>(value);
    out_.append(bytes, n);
  }

  const std::string& bytes() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace frocket::parquet
