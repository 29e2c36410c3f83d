// A naive reference evaluator of the query language (QUERY_LANGUAGE.md), for randomized
// differential tests of the engine. It holds a dataset as plain rows in memory and computes the
// result document of section 8 directly from the spec text, one row at a time, with no shared
// code with the engine: filters are plain if/else per row, sequences are decided by enumerating
// every chain of rows recursively (exponential: keep groups small, about 12 rows, for sequence
// queries), and every aggregation is recomputed from the rows of its scope.
//
// Only the parsed query model (query/query.h) and the relation's own evaluator
// (Relation::Evaluate) are shared with the engine, because they are the input.
//
// The document it returns has the shape of section 8 without the parts that depend on the run
// (`success`, `requestId`, `stats`): {"query": {...}, "funnel"?: {...}, "sampleGroupIds"?: [...]}.
// Statistics the spec leaves undefined (a lift whose baseline share is 0) are null.
// CompareWithReference compares it with an engine result semantically (numbers with a relative
// tolerance, per-value maps as maps) and lists every difference.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "query/dataset_schema.h"
#include "query/query.h"

namespace frocket::testing {

// One cell: null, an INT, a FLOAT (NaN allowed), a STRING or a BOOL.
using RefValue = std::variant<std::monostate, int64_t, double, std::string, bool>;

struct RefColumn {
  std::string name;
  ColumnKind kind = ColumnKind::kInt;
};

struct RefDataset {
  std::vector<RefColumn> columns;
  std::string group_id_column = "user_id";
  std::string timestamp_column = "ts";  // an INT column without nulls
  // The rows; the rows of one group must be in the order they have in their file (that order
  // breaks ts ties). The group id and ts cells are never null.
  std::vector<std::vector<RefValue>> rows;
};

// Converts rows written as JSON arrays (the form of TestDatasetSpec::rows: null, numbers,
// strings, booleans, and "NaN" / "Infinity" / "-Infinity" for FLOAT cells) to cells of the
// given kinds.
RefDataset MakeRefDataset(const std::vector<RefColumn>& columns, const nlohmann::json& rows,
                          const std::string& group_id_column = "user_id",
                          const std::string& timestamp_column = "ts");

// Evaluates a parsed query. Columns are found by name, so `data.columns` need not be in the
// order of the schema the query was parsed against.
nlohmann::json EvaluateReference(const RefDataset& data, const Query& query);

// Compares an engine result with the reference's. Returns one line per difference, each naming
// the JSON path; empty when they agree. Numbers agree when both are integers and equal, or when
// within a relative tolerance of 1e-9. Per-value maps are compared as maps (JSON objects do not
// keep order). `otherCount` may be absent in `engine` when the reference's is 0 (or null for
// meanPerValue); a reference null lift accepts anything; the time-to-convert histogram is
// compared bin by bin when the engine has 20 bins (else by its total), and `top`, `approximate`
// (must not be true) and `maxError` are not compared.
std::vector<std::string> CompareWithReference(const nlohmann::json& reference,
                                              const nlohmann::json& engine);

}  // namespace frocket::testing
