// libFuzzer target: treats the input as a query document and validates it against a fixed
// dataset schema, then as a relation expression over four conditions. Any error result is an
// accepted outcome; a crash, a sanitizer report, a hang, an exception escaping ParseQuery or a
// result that breaks the parser's contract is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "query/query_parser.h"
#include "query/relation.h"

namespace {

const frocket::DatasetSchema& Schema() {
  static const frocket::DatasetSchema* schema = [] {
    auto* s = new frocket::DatasetSchema();
    s->group_id_column = "user_id";
    s->timestamp_column = "ts";
    auto add = [&](const char* name, frocket::ColumnKind kind) {
      frocket::DatasetColumn column;
      column.name = name;
      column.kind = kind;
      s->columns.push_back(column);
    };
    add("user_id", frocket::ColumnKind::kInt);
    add("ts", frocket::ColumnKind::kInt);
    add("event", frocket::ColumnKind::kString);
    add("price", frocket::ColumnKind::kFloat);
    add("flag", frocket::ColumnKind::kBool);
    add("blob", frocket::ColumnKind::kUnsupported);
    return s;
  }();
  return *schema;
}

// The contract a successful parse must keep; the engine relies on it without checking.
void CheckRelation(const frocket::Relation& relation, size_t conditions) {
  int depth = 0;
  for (const frocket::RelationInstruction& instruction : relation.program()) {
    switch (instruction.opcode) {
      case frocket::RelationOpcode::kCondition:
        if (instruction.condition < 0 || static_cast<size_t>(instruction.condition) >= conditions) {
          std::abort();
        }
        ++depth;
        break;
      case frocket::RelationOpcode::kTrue:
        ++depth;
        break;
      case frocket::RelationOpcode::kNot:
        if (depth < 1) std::abort();
        break;
      case frocket::RelationOpcode::kAnd:
      case frocket::RelationOpcode::kOr:
        if (depth < 2) std::abort();
        --depth;
        break;
    }
    if (depth > relation.max_stack()) std::abort();
  }
  if (depth != 1) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  frocket::ParseResult result = frocket::ParseQuery(text, Schema());
  if (result.ok() == result.error.has_value()) std::abort();
  if (result.ok()) {
    const frocket::Query& query = *result.query;
    CheckRelation(query.query.relation, query.query.conditions.size());
    for (const frocket::Condition& condition : query.query.conditions) {
      for (const frocket::Filter& filter : condition.filters) {
        if (filter.column_index < 0 ||
            static_cast<size_t>(filter.column_index) >= Schema().columns.size()) {
          std::abort();
        }
      }
      if (condition.kind == frocket::ConditionKind::kSequence &&
          (condition.sequence.steps.empty() || !condition.sequence.steps[0].row_found ||
           condition.sequence.steps.size() > static_cast<size_t>(frocket::kMaxSteps))) {
        std::abort();
      }
    }
  } else {
    const frocket::QueryError& error = *result.error;
    if (error.message.empty()) std::abort();
    if (error.kind == frocket::QueryErrorKind::kRelation && !error.position) std::abort();
    if (error.position && *error.position > size) std::abort();
  }

  // The same bytes as a relation over four conditions, two of them named.
  const std::vector<std::string> names = {"a", "", "seq", ""};
  auto relation = frocket::ParseRelation(text, names);
  if (auto* parsed = std::get_if<frocket::Relation>(&relation)) {
    CheckRelation(*parsed, names.size());
    bool values[4] = {true, false, true, false};
    (void)parsed->Evaluate(values);
    (void)parsed->ToString();
  } else if (std::get<frocket::RelationError>(relation).position > size) {
    std::abort();
  }
  return 0;
}
