#include "support/engine_fixtures.h"

#include <gtest/gtest.h>

#include "query/query_parser.h"

namespace frocket::test_support {

DatasetSchema EngineTestSchema() {
  DatasetSchema schema;
  schema.group_id_column = "user_id";
  schema.timestamp_column = "ts";
  auto add = [&](const char* name, ColumnKind kind) {
    DatasetColumn column;
    column.name = name;
    column.kind = kind;
    schema.columns.push_back(column);
  };
  add("user_id", ColumnKind::kInt);
  add("ts", ColumnKind::kInt);
  add("event", ColumnKind::kString);
  add("price", ColumnKind::kFloat);
  add("quantity", ColumnKind::kInt);
  add("country", ColumnKind::kString);
  add("is_member", ColumnKind::kBool);
  return schema;
}

Query MustParseQuery(std::string_view text) {
  ParseResult result = ParseQuery(text, EngineTestSchema());
  if (!result.ok()) {
    ADD_FAILURE() << result.error->path << ": " << result.error->message;
    return Query{};
  }
  return std::move(*result.query);
}

void SetValidity(parquet::ColumnVector* v, const std::vector<bool>& valid) {
  int64_t nulls = 0;
  for (bool b : valid) nulls += b ? 0 : 1;
  v->null_count = nulls;
  if (nulls == 0) return;
  std::vector<uint64_t> words((valid.size() + 63) / 64, 0);
  for (size_t i = 0; i < valid.size(); ++i) {
    if (valid[i]) words[i / 64] |= uint64_t{1} << (i % 64);
  }
  v->validity.Append(words.data(), words.size() * 8);
}

}  // namespace frocket::test_support
