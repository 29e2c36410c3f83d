#include "engine/value_dictionary.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "common/bucket.h"
#include "common/error.h"

namespace frocket {

std::string FloatKeyText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) value = 0;  // -0 is 0
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

uint32_t ValueDictionary::IdOfInt(int64_t v) {
  auto [it, inserted] = int_ids_.try_emplace(v, static_cast<uint32_t>(keys_.size()));
  if (inserted) {
    ValueKey key;
    key.text = std::to_string(v);
    key.int_value = v;
    keys_.push_back(std::move(key));
  }
  return it->second;
}

uint32_t ValueDictionary::IdOfFloat(double v) {
  if (v == 0) v = 0;
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
  int64_t bits;
  std::memcpy(&bits, &v, 8);
  auto [it, inserted] = int_ids_.try_emplace(bits, static_cast<uint32_t>(keys_.size()));
  if (inserted) {
    ValueKey key;
    key.text = FloatKeyText(v);
    key.float_value = v;
    keys_.push_back(std::move(key));
  }
  return it->second;
}

uint32_t ValueDictionary::IdOfString(std::string_view v) {
  auto it = string_ids_.find(std::string(v));
  if (it != string_ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(keys_.size());
  string_ids_.emplace(std::string(v), id);
  ValueKey key;
  key.text = std::string(v);
  keys_.push_back(std::move(key));
  return id;
}

uint64_t ValueDictionary::hash(uint32_t id) const {
  const ValueKey& k = keys_[id];
  if (kind_ == ColumnKind::kInt) return GroupIdHash(k.int_value);
  return GroupIdHash(std::string_view(k.text));
}

void ValueDictionary::AddRows(const parquet::ColumnVector& column, const uint32_t* rows,
                              int64_t count, std::vector<uint32_t>* out) {
  const size_t base = out->size();
  out->resize(base + count);
  uint32_t* ids = out->data() + base;
  const bool has_nulls = !column.validity.empty();
  auto row_at = [&](int64_t i) -> int64_t { return rows ? rows[i] : i; };

  if (kind_ == ColumnKind::kString && column.has_dictionary()) {
    const parquet::ColumnVector& dict = *column.dictionary;
    code_ids_.assign(dict.size, kNull);
    const uint32_t* codes = column.values.as<uint32_t>();
    for (int64_t i = 0; i < count; ++i) {
      const int64_t r = row_at(i);
      if (has_nulls && column.IsNull(r)) {
        ids[i] = kNull;
        continue;
      }
      uint32_t code = codes[r];
      if (code >= code_ids_.size()) ThrowCorrupt("dictionary code out of range in a string column");
      uint32_t& id = code_ids_[code];
      if (id == kNull) id = IdOfString(dict.GetBytes(code));
      ids[i] = id;
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i) {
    const int64_t r = row_at(i);
    if (has_nulls && column.IsNull(r)) {
      ids[i] = kNull;
      continue;
    }
    switch (kind_) {
      case ColumnKind::kInt:
        ids[i] = IdOfInt(column.Get<int64_t>(r));
        break;
      case ColumnKind::kFloat:
        ids[i] = IdOfFloat(column.Get<double>(r));
        break;
      case ColumnKind::kBool: {
        bool b = column.values.data()[r] != 0;
        if (keys_.empty()) {
          keys_.resize(2);
          keys_[0].text = "false";
          keys_[0].int_value = 0;
          keys_[1].text = "true";
          keys_[1].int_value = 1;
        }
        ids[i] = b ? 1 : 0;
        break;
      }
      case ColumnKind::kString:
        ids[i] = IdOfString(column.GetBytes(r));
        break;
      case ColumnKind::kUnsupported:
        ids[i] = kNull;
        break;
    }
  }
}

}  // namespace frocket
