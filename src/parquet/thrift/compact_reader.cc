#include "parquet/thrift/compact_reader.h"

#include <string>

#include "common/error.h"

namespace frocket::parquet {

const char* CompactTypeName(CompactType type) {
  switch (type) {
    case CompactType::kStop:
      return "stop";
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      return "bool";
    case CompactType::kByte:
      return "byte";
    case CompactType::kI16:
      return "i16";
    case CompactType::kI32:
      return "i32";
    case CompactType::kI64:
      return "i64";
    case CompactType::kDouble:
      return "double";
    case CompactType::kBinary:
      return "binary";
    case CompactType::kList:
      return "list";
    case CompactType::kSet:
      return "set";
    case CompactType::kMap:
      return "map";
    case CompactType::kStruct:
      return "struct";
  }
  return "invalid";
}

uint64_t CompactReader::ReadVarintSlow() {
  uint64_t result = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ == end_) ThrowTruncated(1);
    uint8_t byte = *pos_++;
    if (shift == 63) {
      // The tenth byte holds bit 63 only; more would not fit in 64 bits.
      if (byte & 0x80) {
        ThrowCorrupt("thrift: varint longer than 10 bytes at offset " +
                     std::to_string(position() - 10));
      }
      if (byte > 1) {
        ThrowCorrupt("thrift: varint overflows 64 bits at offset " +
                     std::to_string(position() - 10));
      }
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return result;
  }
}

void CompactReader::Skip(CompactType type) {
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      return;  // a bool field's value is in its header
    case CompactType::kByte:
      ReadRawByte();
      return;
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      ReadVarint();
      return;
    case CompactType::kDouble:
      Need(8);
      pos_ += 8;
      return;
    case CompactType::kBinary:
      ReadBinary();
      return;
    case CompactType::kList:
    case CompactType::kSet: {
      DepthGuard guard(*this);
      SkipListElements(ReadListHeader());
      return;
    }
    case CompactType::kMap: {
      DepthGuard guard(*this);
      CompactMapHeader header = ReadMapHeader();
      for (uint32_t i = 0; i < header.size; ++i) {
        if (header.key_type == CompactType::kBoolTrue) {
          ReadRawByte();
        } else {
          Skip(header.key_type);
        }
        if (header.value_type == CompactType::kBoolTrue) {
          ReadRawByte();
        } else {
          Skip(header.value_type);
        }
      }
      return;
    }
    case CompactType::kStruct: {
      DepthGuard guard(*this);
      int16_t last_id = 0;
      CompactField field;
      while (ReadFieldHeader(&last_id, &field)) Skip(field.type);
      return;
    }
    case CompactType::kStop:
      break;
  }
  ThrowBadType("type to skip", static_cast<unsigned>(type));
}

void CompactReader::SkipListElements(const CompactListHeader& header) {
  switch (header.element_type) {
    case CompactType::kBoolTrue:
    case CompactType::kByte:
      // One byte each; ReadListHeader already checked that they are there.
      pos_ += header.size;
      return;
    case CompactType::kDouble:
      Need(static_cast<size_t>(header.size) * 8);
      pos_ += static_cast<size_t>(header.size) * 8;
      return;
    default:
      for (uint32_t i = 0; i < header.size; ++i) Skip(header.element_type);
      return;
  }
}

void CompactReader::ThrowTruncated(size_t wanted) const {
  ThrowCorrupt("thrift: input ends early: " + std::to_string(wanted) +
               " more byte(s) needed at offset " + std::to_string(position()) +
               ", bytes left: " + std::to_string(remaining()));
}

void CompactReader::ThrowTooDeep() const {
  ThrowCorrupt("thrift: structs and containers nest deeper than " + std::to_string(kMaxDepth) +
               " levels at offset " + std::to_string(position()));
}

void CompactReader::ThrowBadFieldHeader(uint8_t byte) const {
  ThrowCorrupt("thrift: field header with type 0 must be the stop byte 0x00 at offset " +
               std::to_string(position() - 1) + ", got " + std::to_string(byte));
}

void CompactReader::ThrowBadType(const char* what, unsigned nibble) const {
  ThrowCorrupt(std::string("thrift: expected a compact ") + what + " (1-12) at offset " +
               std::to_string(position()) + ", got " + std::to_string(nibble));
}

void CompactReader::ThrowFieldIdOverflow(int id) const {
  ThrowCorrupt("thrift: field id delta overflows i16 at offset " + std::to_string(position()) +
               ": " + std::to_string(id));
}

void CompactReader::ThrowIntOverflow(const char* width, uint64_t value) const {
  ThrowCorrupt(std::string("thrift: zigzag varint does not fit an ") + width + " at offset " +
               std::to_string(position()) + ": " + std::to_string(value));
}

void CompactReader::ThrowLengthTooLarge(const char* what, uint64_t size, const char* unit) const {
  ThrowCorrupt(std::string("thrift: ") + what + " " + std::to_string(size) + " " + unit +
               " exceeds the " + std::to_string(remaining()) + " bytes left at offset " +
               std::to_string(position()));
}

}  // namespace frocket::parquet
