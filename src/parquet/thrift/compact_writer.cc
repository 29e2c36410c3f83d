#include "parquet/thrift/compact_writer.h"

#include <bit>
#include <cstring>

namespace frocket::parquet {

void CompactWriter::WriteFieldHeader(int16_t* last_id, int16_t id, CompactType type) {
  int delta = id - *last_id;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    // The long form: type alone, then the id as a zigzag varint.
    out_.push_back(static_cast<char>(type));
    WriteI16(id);
  }
  *last_id = id;
}

void CompactWriter::WriteDouble(double value) {
  // Little-endian on the wire, as in memory on every platform we build for.
  char bytes[8];
  std::memcpy(bytes, &value, 8);
  out_.append(bytes, 8);
}

void CompactWriter::WriteListHeader(CompactType element_type, size_t size) {
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<size_t>(element_type)));
  } else {
    out_.push_back(static_cast<char>(0xf0 | static_cast<int>(element_type)));
    WriteVarint(size);
  }
}

void CompactWriter::WriteMapHeader(CompactType key_type, CompactType value_type, size_t size) {
  WriteVarint(size);
  if (size != 0) {
    out_.push_back(
        static_cast<char>((static_cast<int>(key_type) << 4) | static_cast<int>(value_type)));
  }
}

}  // namespace frocket::parquet
