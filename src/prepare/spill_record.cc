#include "prepare/spill_record.h"

namespace frocket::prepare {
namespace {

void AppendInt64(int64_t v, std::string* out) {
  char bytes[8];
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(u >> (8 * i));
  out->append(bytes, 8);
}

int64_t LoadInt64(const char* p) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return static_cast<int64_t>(u);
}

[[noreturn]] void ThrowBadRecord(const char* what) {
  throw Error(ErrorKind::kInternal, std::string("damaged spill record: ") + what);
}

}  // namespace

void EncodeRecordBody(bool string_ids, const RecordKey& key, const Cell* cells, size_t count,
                      std::string* out) {
  out->clear();
  if (string_ids) {
    AppendVarint(key.group_string.size(), out);
    out->append(key.group_string);
  } else {
    AppendInt64(key.group_int, out);
  }
  AppendInt64(key.ts, out);
  while (count > 0 && cells[count - 1].kind == CellKind::kNull) --count;
  AppendVarint(count, out);
  for (size_t i = 0; i < count; ++i) {
    if (cells[i].kind == CellKind::kNull) {
      out->push_back('\0');
    } else {
      AppendVarint(cells[i].text.size() + 1, out);
      out->append(cells[i].text);
    }
  }
}

void DecodeRecordBody(std::string_view body, bool string_ids, RecordKey* key, const char** cells,
                      uint64_t* cell_count) {
  const char* p = body.data();
  const char* end = p + body.size();
  if (string_ids) {
    uint64_t length;
    if (!ReadVarint(&p, end, &length)) ThrowBadRecord("group id length");
    if (length > static_cast<uint64_t>(end - p)) ThrowBadRecord("group id past the end");
    key->group_string = std::string_view(p, length);
    p += length;
  } else {
    if (end - p < 8) ThrowBadRecord("group id past the end");
    key->group_int = LoadInt64(p);
    p += 8;
  }
  if (end - p < 8) ThrowBadRecord("timestamp past the end");
  key->ts = LoadInt64(p);
  p += 8;
  if (!ReadVarint(&p, end, cell_count)) ThrowBadRecord("cell count");
  *cells = p;
}

}  // namespace frocket::prepare
