// Building blocks shared by the engine's unit tests: a small dataset schema with one column of
// each kind, a parse that fails the test on error, and raw column vectors shaped as the Parquet
// reader returns them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "parquet/column_vector.h"
#include "query/dataset_schema.h"
#include "query/query.h"

namespace frocket::test_support {

// user_id INT (group id), ts INT (timestamp), event STRING, price FLOAT, quantity INT,
// country STRING, is_member BOOL.
DatasetSchema EngineTestSchema();

// Parses `text` against EngineTestSchema(); on error adds a test failure naming the path and
// returns an empty Query.
Query MustParseQuery(std::string_view text);

// Sets `v`'s validity bitmap and null count from one flag per cell (no bitmap when no nulls).
void SetValidity(parquet::ColumnVector* v, const std::vector<bool>& valid);

// A fixed-width vector of T; a null cell gets zero bytes, as the reader writes them.
template <typename T>
parquet::ColumnVector FixedVector(parquet::PhysicalType physical,
                                  const std::vector<std::optional<T>>& cells) {
  parquet::ColumnVector v;
  v.physical = physical;
  v.size = static_cast<int64_t>(cells.size());
  std::vector<bool> valid;
  for (const auto& c : cells) {
    T value = c.value_or(T{});
    v.values.Append(&value, sizeof(T));
    valid.push_back(c.has_value());
  }
  SetValidity(&v, valid);
  return v;
}

}  // namespace frocket::test_support
