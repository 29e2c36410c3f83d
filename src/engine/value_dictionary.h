// ValueDictionary: gives every distinct value of one column within a task a dense id, so that
// per-value aggregations and the breakdown count into arrays instead of hashing per row. A
// dictionary-encoded string chunk costs one lookup per dictionary entry, not per row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/partial_result.h"
#include "parquet/column_vector.h"
#include "query/dataset_schema.h"

namespace frocket {

// The key text of a FLOAT value: shortest round-trip decimal, "NaN", "Infinity", "-Infinity";
// -0 is 0.
std::string FloatKeyText(double value);

class ValueDictionary {
 public:
  static constexpr uint32_t kNull = UINT32_MAX;

  explicit ValueDictionary(ColumnKind kind) : kind_(kind) {}

  // Appends one id per row to `out`: rows rows[0..count) of `column` (a normalized column of
  // this dictionary's kind), or rows [0, count) when `rows` is null. Null rows get kNull.
  void AddRows(const parquet::ColumnVector& column, const uint32_t* rows, int64_t count,
               std::vector<uint32_t>* out);

  ColumnKind kind() const { return kind_; }
  size_t size() const { return keys_.size(); }
  const ValueKey& key(uint32_t id) const { return keys_[id]; }
  // A 64-bit hash of the value (for countDistinct): GroupIdHash of the key text or integer.
  uint64_t hash(uint32_t id) const;

 private:
  uint32_t IdOfInt(int64_t v);
  uint32_t IdOfFloat(double v);
  uint32_t IdOfString(std::string_view v);

  ColumnKind kind_;
  std::vector<ValueKey> keys_;
  std::unordered_map<int64_t, uint32_t> int_ids_;  // INT values, FLOAT bit patterns
  std::unordered_map<std::string, uint32_t> string_ids_;
  std::vector<uint32_t> code_ids_;  // scratch: dictionary code -> id
};

}  // namespace frocket
