// The row format of `frocket prepare`'s spill: how a row is kept in memory and in run files
// between reading the input and writing the dataset.
//
// A record is  varint(body length) + body,  and the body is
//   group id:  8 bytes little-endian int64 (integer ids) | varint(length) + UTF-8 bytes (strings)
//   timestamp: 8 bytes little-endian int64 (the integer, or epoch milliseconds)
//   cell count: varint, then per cell varint(0) for null or varint(length + 1) + the text
// Cells are indexed by the dataset's column index; cells past the count are null (so trailing
// nulls are not stored, and columns a JSON lines input discovers late cost nothing in earlier
// rows). The group id and timestamp columns' own cells are stored as null: their values are in
// the key. Values stay text because the other columns' types are decided only after the whole
// input was read (type_inference.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/error.h"
#include "prepare/cell.h"

namespace frocket::prepare {

// Longest varint of a uint64.
inline constexpr size_t kMaxVarintBytes = 10;

inline void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

// Decodes a varint at *p (< end); false when it runs past `end` or past 10 bytes.
inline bool ReadVarint(const char** p, const char* end, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    uint8_t byte = static_cast<uint8_t>(*(*p)++);
    v |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

// The key of a record and where its cells start.
struct RecordKey {
  int64_t group_int = 0;
  std::string_view group_string;
  int64_t ts = 0;
};

// Writes a record body (without the length prefix) for `key` and `cells[0, count)` into
// `out` (cleared first). Cells of kind kNull are stored as null.
void EncodeRecordBody(bool string_ids, const RecordKey& key, const Cell* cells, size_t count,
                      std::string* out);

// Reads the key of a record body and points *cells / *cells_end at its cell section (after the
// count, which goes to *cell_count). Throws Error(kInternal) for a body that does not parse:
// spill files are ours, so that is a bug or a damaged temporary directory.
void DecodeRecordBody(std::string_view body, bool string_ids, RecordKey* key, const char** cells,
                      uint64_t* cell_count);

// Reads the next cell of a cell section; returns false for null. Throws Error(kInternal) when
// the section is truncated.
inline bool NextRecordCell(const char** p, const char* end, std::string_view* text) {
  uint64_t tag;
  if (!ReadVarint(p, end, &tag)) throw Error(ErrorKind::kInternal, "truncated spill record cell");
  if (tag == 0) return false;
  uint64_t length = tag - 1;
  if (length > static_cast<uint64_t>(end - *p)) {
    throw Error(ErrorKind::kInternal, "spill record cell runs past its record");
  }
  *text = std::string_view(*p, length);
  *p += length;
  return true;
}

}  // namespace frocket::prepare
