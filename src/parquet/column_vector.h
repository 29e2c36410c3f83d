// ColumnVector: the values of one column for a run of rows (one row group, as the reader
// returns them), in the column's physical representation. It is what the reader hands to the
// engine, to `frocket cat`, and to the writer.
//
// Layout (one slot per row, nulls included, so row i is slot i):
//   - validity: a bitmap of 64-bit words, bit i set when row i is not null. Empty when the
//     vector has no nulls (null_count == 0), so the fast path is a size check.
//   - fixed-width types: `values` holds size() * ValueWidth() bytes. BOOLEAN is one byte per
//     row (0 or 1), INT96 its 12 raw bytes, FIXED_LEN_BYTE_ARRAY type_length bytes. Null slots
//     hold zero bytes.
//   - BYTE_ARRAY: `offsets` holds size() + 1 uint32 offsets into `bytes`; a null slot is empty.
//   - dictionary form (only when the reader was asked to keep dictionaries and the whole run
//     was dictionary encoded): `values` holds one uint32 code per row (0 for nulls) and
//     `dictionary` the distinct values, as a vector without nulls of the same physical type.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "common/buffer.h"
#include "parquet/format.h"

namespace frocket::parquet {

// Bytes per value slot of a fixed-width physical type (BYTE_ARRAY: 0).
inline int32_t PhysicalWidth(PhysicalType type, int32_t type_length) {
  switch (type) {
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kInt32: return 4;
    case PhysicalType::kInt64: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kByteArray: return 0;
    case PhysicalType::kFixedLenByteArray: return type_length;
  }
  return 0;
}

struct ColumnVector {
  PhysicalType physical = PhysicalType::kInt64;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width
  int64_t size = 0;
  int64_t null_count = 0;
  Buffer validity;
  Buffer values;
  Buffer offsets;
  Buffer bytes;
  std::shared_ptr<const ColumnVector> dictionary;

  bool has_dictionary() const { return dictionary != nullptr; }
  int32_t width() const { return PhysicalWidth(physical, type_length); }

  bool IsValid(int64_t row) const {
    if (validity.empty()) return true;
    return (validity.as<uint64_t>()[row >> 6] >> (row & 63)) & 1;
  }
  bool IsNull(int64_t row) const { return !IsValid(row); }

  // Fixed-width access (not for dictionary form). T must match the physical width.
  template <typename T>
  T Get(int64_t row) const {
    T v;
    std::memcpy(&v, values.data() + row * sizeof(T), sizeof(T));
    return v;
  }
  const uint8_t* FixedBytes(int64_t row) const { return values.data() + row * width(); }

  // BYTE_ARRAY access (not for dictionary form).
  std::string_view GetBytes(int64_t row) const {
    const uint32_t* off = offsets.as<uint32_t>();
    return {reinterpret_cast<const char*>(bytes.data()) + off[row], off[row + 1] - off[row]};
  }

  // Dictionary form: the code of row `row`.
  uint32_t Code(int64_t row) const { return values.as<uint32_t>()[row]; }
};

}  // namespace frocket::parquet
