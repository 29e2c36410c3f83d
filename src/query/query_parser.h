// Parses and validates a query document (QUERY_LANGUAGE.md) against a dataset schema. Validation
// is complete: a query that parses needs no further checks before files are read, and every
// problem is reported as one QueryError, the first in document order.
//
// ParseQuery never throws on any input (it is fuzzed), bounds JSON nesting and relation
// parentheses, and is safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "query/dataset_schema.h"
#include "query/query.h"

namespace frocket {

// The error kinds of a query result (section 8). The parser produces the first five; the
// others belong to the engine and the server.
enum class QueryErrorKind : uint8_t {
  kSchema,        // invalid JSON, unknown key, wrong shape, bad name, includeZero rules, ...
  kTypeMismatch,  // operator or value not fitting the column's type; non-numeric column
  kDataset,       // unknown column (or dataset)
  kRelation,      // the relation expression
  kLimit,         // more than 64 steps, top over 1000, sampleGroupIds over 10000
  kStorage,
  kTimeout,
  kInternal,
};

// "SCHEMA", "TYPE_MISMATCH", "DATASET", "RELATION", "LIMIT", "STORAGE", "TIMEOUT", "INTERNAL".
const char* QueryErrorKindName(QueryErrorKind kind);

struct QueryError {
  QueryErrorKind kind = QueryErrorKind::kSchema;
  std::string message;
  // JSON pointer (RFC 6901) of the offending element; for an unknown key, of the key itself.
  // "" is the whole document.
  std::string path;
  // RELATION: the character offset in the relation string. SCHEMA for text that is not JSON:
  // the byte offset in the document where it stops being valid.
  std::optional<size_t> position;
};

struct ParseResult {
  std::optional<Query> query;       // set on success
  std::optional<QueryError> error;  // set on failure

  bool ok() const { return query.has_value(); }
};

// Limits of the language.
inline constexpr int kMaxSteps = 64;
inline constexpr int kMaxTop = 1000;
inline constexpr int kMaxSampleGroupIds = 10000;
inline constexpr int kMaxJsonDepth = 64;

ParseResult ParseQuery(std::string_view json_text, const DatasetSchema& schema);

}  // namespace frocket
