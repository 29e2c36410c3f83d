#include "query/query_parser.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <unordered_map>
#include <utility>
#include <variant>

#include "query/json_document.h"

namespace frocket {
namespace {

using Kind = QueryErrorKind;

// ---------------------------------------------------------------------------------------------
// Message helpers.

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A string as it would appear in JSON, cut short so one huge value cannot bloat a message.
std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "\"";
  size_t shown = std::min(text.size(), kMaxShown);
  for (size_t i = 0; i < shown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (shown < text.size()) out += "...";
  out.push_back('"');
  return out;
}

std::string RealText(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return "?";
  return std::string(buffer, end);
}

std::string NumberText(const Number& number) {
  return number.is_integer ? std::to_string(number.integer) : RealText(number.real);
}

// How a JSON value shows at the end of a message ("..., got <this>").
std::string Describe(const JsonNode& node) {
  switch (node.type) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return node.boolean ? "true" : "false";
    case JsonType::kInteger:
      return std::to_string(node.integer);
    case JsonType::kBigInteger:
      return "the integer " + RealText(node.real);
    case JsonType::kReal:
      return RealText(node.real);
    case JsonType::kString:
      return "the string " + Quote(node.text);
    case JsonType::kArray:
      return "an array";
    case JsonType::kObject:
      return "an object";
  }
  return "a value";
}

std::string JoinQuoted(std::initializer_list<std::string_view> words) {
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += ", ";
    out += "'" + std::string(word) + "'";
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// ---------------------------------------------------------------------------------------------
// Operators.

struct OpName {
  std::string_view text;
  FilterOp op;
};

constexpr std::array<OpName, 15> kFilterOps = {{
    {"==", FilterOp::kEq},
    {"!=", FilterOp::kNe},
    {">", FilterOp::kGt},
    {">=", FilterOp::kGe},
    {"<", FilterOp::kLt},
    {"<=", FilterOp::kLe},
    {"in", FilterOp::kIn},
    {"not in", FilterOp::kNotIn},
    {"contains", FilterOp::kContains},
    {"not contains", FilterOp::kNotContains},
    {"startswith", FilterOp::kStartsWith},
    {"endswith", FilterOp::kEndsWith},
    {"regex", FilterOp::kRegex},
    {"is null", FilterOp::kIsNull},
    {"is not null", FilterOp::kIsNotNull},
}};

bool IsNullTest(FilterOp op) { return op == FilterOp::kIsNull || op == FilterOp::kIsNotNull; }
bool IsListOp(FilterOp op) { return op == FilterOp::kIn || op == FilterOp::kNotIn; }

bool IsNumeric(ColumnKind kind) { return kind == ColumnKind::kInt || kind == ColumnKind::kFloat; }

bool OpAllowed(FilterOp op, ColumnKind kind) {
  if (IsNullTest(op)) return true;
  switch (kind) {
    case ColumnKind::kInt:
    case ColumnKind::kFloat:
      return op <= FilterOp::kLe || IsListOp(op);
    case ColumnKind::kString:
      return true;
    case ColumnKind::kBool:
      return op == FilterOp::kEq || op == FilterOp::kNe;
    case ColumnKind::kUnsupported:
      return false;
  }
  return false;
}

const char* OpsFor(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInt:
    case ColumnKind::kFloat:
      return "==, !=, >, >=, <, <=, in, not in, is null, is not null";
    case ColumnKind::kString:
      return "==, !=, >, >=, <, <=, in, not in, contains, not contains, startswith, endswith, "
             "regex, is null, is not null";
    case ColumnKind::kBool:
      return "==, !=, is null, is not null";
    case ColumnKind::kUnsupported:
      return "none";
  }
  return "none";
}

std::optional<CompareOp> ParseCompareOp(std::string_view text) {
  if (text == "==") return CompareOp::kEq;
  if (text == "!=") return CompareOp::kNe;
  if (text == ">") return CompareOp::kGt;
  if (text == ">=") return CompareOp::kGe;
  if (text == "<") return CompareOp::kLt;
  if (text == "<=") return CompareOp::kLe;
  return std::nullopt;
}

struct AggregationTypeEntry {
  std::string_view text;
  AggregationType type;
};

constexpr std::array<AggregationTypeEntry, 10> kAggregationTypes = {{
    {"count", AggregationType::kCount},
    {"countPerValue", AggregationType::kCountPerValue},
    {"groupsPerValue", AggregationType::kGroupsPerValue},
    {"sumPerValue", AggregationType::kSumPerValue},
    {"meanPerValue", AggregationType::kMeanPerValue},
    {"sum", AggregationType::kSum},
    {"min", AggregationType::kMin},
    {"max", AggregationType::kMax},
    {"mean", AggregationType::kMean},
    {"countDistinct", AggregationType::kCountDistinct},
}};

bool NeedsNumericColumn(AggregationType type) {
  return type == AggregationType::kSum || type == AggregationType::kMin ||
         type == AggregationType::kMax || type == AggregationType::kMean;
}

bool TakesOtherColumn(AggregationType type) {
  return type == AggregationType::kSumPerValue || type == AggregationType::kMeanPerValue;
}

// ---------------------------------------------------------------------------------------------
// Objects.

struct Member {
  std::string_view key;
  const JsonNode* value = nullptr;
  uint64_t key_order = 0;
  std::string path;
};

// The known members of one JSON object, each present at most once.
struct ObjectView {
  const JsonNode* node = nullptr;
  std::string path;
  std::vector<Member> members;

  const Member* Get(std::string_view key) const {
    for (const Member& member : members) {
      if (member.key == key) return &member;
    }
    return nullptr;
  }
};

// ---------------------------------------------------------------------------------------------
// The validator. It walks the document and builds the model at once. Every problem found is
// offered to Fail() with the document-order rank of the node at fault, and the smallest rank
// wins, so checks may run in whatever order their dependencies need while the error reported is
// still the first in the document. A check whose inputs are themselves invalid is skipped (their
// own error is reported instead); checks of independent parts never stop early.
class Validator {
 public:
  explicit Validator(const DatasetSchema& schema) : schema_(schema) {}

  void ParseRoot(const JsonNode& root, Query* query);

  std::optional<QueryError> TakeError() {
    if (!first_) return std::nullopt;
    return std::move(first_->second);
  }
  bool failed() const { return first_.has_value(); }

 private:
  // Whether an error at `order` would replace the one kept so far.
  bool WouldReport(uint64_t order) const { return !first_ || order < first_->first; }
  void Fail(Kind kind, uint64_t order, const std::string& path, std::string message,
            std::optional<size_t> position = std::nullopt) {
    if (!WouldReport(order)) return;
    first_.emplace(order, QueryError{kind, std::move(message), path, position});
  }
  void FailAt(Kind kind, const JsonNode& node, const std::string& path, std::string message) {
    Fail(kind, node.order, path, std::move(message));
  }
  // A required member is missing: known only at the end of its container, which is where the
  // error ranks (so an unknown, perhaps misspelled, key inside is reported first).
  void FailMissing(const JsonNode& container, const std::string& path, std::string message) {
    Fail(Kind::kSchema, container.end_order, path, std::move(message));
  }
  void FailKey(Kind kind, const Member& member, std::string message) {
    Fail(kind, member.key_order, member.path, std::move(message));
  }

  std::optional<ObjectView> ReadObject(const JsonNode& node, const std::string& path,
                                       std::initializer_list<std::string_view> keys,
                                       std::string_view what);

  // Scalars. Each reports its own error and returns nullopt on failure.
  std::optional<bool> ReadBool(const Member& member);
  const std::string* ReadString(const JsonNode& node, const std::string& path,
                                std::string_view what);
  std::optional<Number> ReadNumber(const JsonNode& node, const std::string& path,
                                   std::string_view what);
  std::optional<Number> ReadDuration(const Member& member);
  // An integer in [min, ...]; above `limit` is a LIMIT error. Integral decimals (2.0) count as
  // integers, as JSON Schema's "integer" does.
  std::optional<int64_t> ReadInteger(const JsonNode& node, const std::string& path,
                                     std::string_view what, int64_t min,
                                     std::optional<int64_t> limit = std::nullopt);
  std::optional<std::string> ReadName(const Member& member, bool condition_name);

  // Resolves a column name; reports unknown (DATASET) and unsupported (TYPE_MISMATCH) columns.
  const DatasetColumn* ResolveColumn(const JsonNode& node, const std::string& path, int* index);

  void ParseTimeframe(const Member& member, Query* query);
  void ParseQuerySection(const Member& member, QuerySection* section);
  std::optional<Condition> ParseCondition(const JsonNode& node, const std::string& path,
                                          std::string* lower_name);
  std::optional<Filter> ParseFilter(const JsonNode& node, const std::string& path,
                                    bool allow_short);
  std::optional<std::vector<Filter>> ParseFilterList(const Member& member);
  // A "filter" member (one filter) or a "filters" member (a list) into `out`; false on error.
  bool ParseFilterOrFilters(const Member& member, std::vector<Filter>* out);
  std::optional<Filter> ParseFilterParts(const JsonNode& container, const std::string& path,
                                         const JsonNode* column, const std::string& column_path,
                                         const JsonNode* op, const std::string& op_path,
                                         const JsonNode* value, const std::string& value_path,
                                         uint64_t value_key_order);
  std::optional<Literal> ParseLiteral(const JsonNode& node, const std::string& path,
                                      const DatasetColumn* column, FilterOp op);
  std::optional<Target> ParseTarget(const Member& member);
  // Reads "sequence", "maxDuration" and "order" of `object` into `sequence`.
  bool ParseSequence(const ObjectView& object, Sequence* sequence);
  std::optional<Step> ParseStep(const JsonNode& node, const std::string& path, size_t index);
  void ParseAggregations(const Member& member, std::vector<Aggregation>* out);
  void ParseFunnel(const Member& member, Funnel* funnel);
  void ParseOptions(const Member& member, QueryOptions* options);

  const DatasetSchema& schema_;
  std::optional<std::pair<uint64_t, QueryError>> first_;
};

std::optional<ObjectView> Validator::ReadObject(const JsonNode& node, const std::string& path,
                                                std::initializer_list<std::string_view> keys,
                                                std::string_view what) {
  if (node.type != JsonType::kObject) {
    FailAt(Kind::kSchema, node, path,
           "expected " + std::string(what) + " as a JSON object, got " + Describe(node));
    return std::nullopt;
  }
  ObjectView view;
  view.node = &node;
  view.path = path;
  for (size_t i = 0; i < node.keys.size(); ++i) {
    const std::string& key = node.keys[i];
    std::string member_path = JsonPointerAppend(path, key);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      Fail(Kind::kSchema, node.key_order[i], member_path,
           "unknown key in " + std::string(what) + " (expected " + JoinQuoted(keys) +
               "): " + Quote(key));
      continue;
    }
    if (view.Get(key) != nullptr) {
      Fail(Kind::kSchema, node.key_order[i], member_path,
           "duplicate key in " + std::string(what) + ": " + Quote(key));
      continue;
    }
    view.members.push_back(Member{key, &node.items[i], node.key_order[i], member_path});
  }
  return view;
}

std::optional<bool> Validator::ReadBool(const Member& member) {
  if (member.value->type != JsonType::kBool) {
    FailAt(
        Kind::kSchema, *member.value, member.path,
        "'" + std::string(member.key) + "' must be true or false, got " + Describe(*member.value));
    return std::nullopt;
  }
  return member.value->boolean;
}

const std::string* Validator::ReadString(const JsonNode& node, const std::string& path,
                                         std::string_view what) {
  if (node.type != JsonType::kString) {
    FailAt(Kind::kSchema, node, path,
           "expected " + std::string(what) + " as a string, got " + Describe(node));
    return nullptr;
  }
  return &node.text;
}

std::optional<Number> Validator::ReadNumber(const JsonNode& node, const std::string& path,
                                            std::string_view what) {
  switch (node.type) {
    case JsonType::kInteger:
      return Number::Integer(node.integer);
    case JsonType::kReal:
      if (!std::isfinite(node.real)) {
        FailAt(Kind::kSchema, node, path,
               std::string(what) + " must be a finite number, got " + Describe(node));
        return std::nullopt;
      }
      return Number::Real(node.real);
    case JsonType::kBigInteger:
      FailAt(Kind::kSchema, node, path,
             std::string(what) + " must be an integer within the signed 64-bit range, got " +
                 Describe(node));
      return std::nullopt;
    default:
      FailAt(Kind::kSchema, node, path,
             std::string(what) + " must be a number, got " + Describe(node));
      return std::nullopt;
  }
}

std::optional<Number> Validator::ReadDuration(const Member& member) {
  std::string what = "'" + std::string(member.key) + "'";
  std::optional<Number> number = ReadNumber(*member.value, member.path, what);
  if (!number) return std::nullopt;
  if (CompareNumbers(*number, Number::Integer(0)) < 0) {
    FailAt(Kind::kSchema, *member.value, member.path,
           what + " is a duration and must be >= 0, got " + NumberText(*number));
    return std::nullopt;
  }
  return number;
}

std::optional<int64_t> Validator::ReadInteger(const JsonNode& node, const std::string& path,
                                              std::string_view what, int64_t min,
                                              std::optional<int64_t> limit) {
  std::string name(what);
  int64_t value = 0;
  if (node.type == JsonType::kInteger) {
    value = node.integer;
  } else if (node.type == JsonType::kReal && std::isfinite(node.real) &&
             node.real == std::trunc(node.real) && node.real >= -9223372036854775808.0 &&
             node.real < 9223372036854775808.0) {
    value = static_cast<int64_t>(node.real);
  } else if (node.type == JsonType::kBigInteger && node.real > 0 && limit) {
    FailAt(Kind::kLimit, node, path,
           name + " is at most " + std::to_string(*limit) + ", got " + Describe(node));
    return std::nullopt;
  } else {
    std::string range = node.type == JsonType::kBigInteger ? " within the signed 64-bit range" : "";
    FailAt(Kind::kSchema, node, path,
           name + " must be an integer" + range + ", got " + Describe(node));
    return std::nullopt;
  }
  if (value < min) {
    FailAt(Kind::kSchema, node, path,
           name + " must be >= " + std::to_string(min) + ", got " + std::to_string(value));
    return std::nullopt;
  }
  if (limit && value > *limit) {
    FailAt(Kind::kLimit, node, path,
           name + " is at most " + std::to_string(*limit) + ", got " + std::to_string(value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> Validator::ReadName(const Member& member, bool condition_name) {
  const std::string* name = ReadString(*member.value, member.path, "'name'");
  if (name == nullptr) return std::nullopt;
  if (!IsIdentifier(*name)) {
    FailAt(Kind::kSchema, *member.value, member.path,
           "a name starts with a letter followed by letters, digits or '_', got " + Quote(*name));
    return std::nullopt;
  }
  if (condition_name) {
    std::string lower = Lower(*name);
    if (lower == "and" || lower == "or" || lower == "not") {
      FailAt(Kind::kSchema, *member.value, member.path,
             "a condition name cannot be a relation keyword (and, or, not), got " + Quote(*name));
      return std::nullopt;
    }
  }
  return *name;
}

const DatasetColumn* Validator::ResolveColumn(const JsonNode& node, const std::string& path,
                                              int* index) {
  const std::string* name = ReadString(node, path, "a column name");
  if (name == nullptr) return nullptr;
  for (size_t i = 0; i < schema_.columns.size(); ++i) {
    const DatasetColumn& column = schema_.columns[i];
    if (column.name != *name) continue;
    if (column.kind == ColumnKind::kUnsupported) {
      std::string reason = column.unsupported_reason.empty()
                               ? std::string()
                               : " (" + column.unsupported_reason + ")";
      FailAt(Kind::kTypeMismatch, node, path,
             "column " + Quote(*name) + " has a type the query language does not support" + reason +
                 " and cannot be queried");
      return nullptr;
    }
    *index = static_cast<int>(i);
    return &column;
  }
  // Suggest the nearest column name, unless an earlier error makes the message moot; bound the
  // work for absurdly long names.
  std::string suggestion;
  constexpr size_t kMaxCompared = 256;
  if (name->size() <= kMaxCompared && WouldReport(node.order)) {
    size_t best = std::string::npos;
    std::string lower = Lower(*name);
    for (const DatasetColumn& column : schema_.columns) {
      if (column.name.size() > kMaxCompared) continue;
      size_t distance = Lower(column.name) == lower ? 0 : EditDistance(*name, column.name);
      size_t allowed = std::max<size_t>(2, name->size() / 3);
      if (distance <= allowed && distance < best) {
        best = distance;
        suggestion = column.name;
      }
    }
  }
  std::string hint = suggestion.empty() ? "" : " (did you mean " + Quote(suggestion) + "?)";
  FailAt(Kind::kDataset, node, path, "no such column in the dataset" + hint + ": " + Quote(*name));
  return nullptr;
}

// ---------------------------------------------------------------------------------------------

void Validator::ParseRoot(const JsonNode& root, Query* query) {
  std::optional<ObjectView> object =
      ReadObject(root, "", {"timeframe", "query", "funnel", "options"}, "the query");
  if (!object) return;
  if (const Member* m = object->Get("timeframe")) ParseTimeframe(*m, query);
  if (const Member* m = object->Get("query")) ParseQuerySection(*m, &query->query);
  if (const Member* m = object->Get("funnel")) {
    query->funnel.emplace();
    ParseFunnel(*m, &*query->funnel);
  }
  if (const Member* m = object->Get("options")) ParseOptions(*m, &query->options);
}

void Validator::ParseTimeframe(const Member& member, Query* query) {
  std::optional<ObjectView> object =
      ReadObject(*member.value, member.path, {"from", "to"}, "'timeframe'");
  if (!object) return;
  Timeframe timeframe;
  const Member* from = object->Get("from");
  const Member* to = object->Get("to");
  if (from) timeframe.from = ReadNumber(*from->value, from->path, "'from'");
  if (to) timeframe.to = ReadNumber(*to->value, to->path, "'to'");
  if (timeframe.from && timeframe.to && CompareNumbers(*timeframe.to, *timeframe.from) <= 0) {
    FailAt(Kind::kSchema, *to->value, to->path,
           "'to' must be greater than 'from' (" + NumberText(*timeframe.from) + "), got " +
               NumberText(*timeframe.to));
  }
  query->timeframe = timeframe;
}

void Validator::ParseQuerySection(const Member& member, QuerySection* section) {
  std::optional<ObjectView> object =
      ReadObject(*member.value, member.path, {"relation", "conditions", "aggregations"}, "'query'");
  if (!object) return;

  const Member* conditions = object->Get("conditions");
  bool conditions_usable = true;
  std::vector<std::string> names;
  if (conditions) {
    const JsonNode& list = *conditions->value;
    if (list.type != JsonType::kArray) {
      FailAt(Kind::kSchema, list, conditions->path,
             "expected 'conditions' as an array, got " + Describe(list));
      conditions_usable = false;
    } else {
      names.resize(list.items.size());
      std::unordered_map<std::string, size_t> seen;
      for (size_t i = 0; i < list.items.size(); ++i) {
        std::string path = JsonPointerAppend(conditions->path, i);
        std::optional<Condition> condition = ParseCondition(list.items[i], path, &names[i]);
        if (!names[i].empty() && !seen.emplace(names[i], i).second) {
          const JsonNode* name = list.items[i].Find("name");
          FailAt(Kind::kSchema, *name, JsonPointerAppend(path, "name"),
                 "condition names must be unique ignoring case; already used by condition " +
                     std::to_string(seen[names[i]]) + ": " + Quote(name->text));
        }
        if (condition) section->conditions.push_back(std::move(*condition));
      }
    }
  }

  const int count = conditions_usable ? static_cast<int>(names.size()) : 0;
  section->relation = Relation::AllOf(count);
  if (const Member* relation = object->Get("relation")) {
    const std::string* text = ReadString(*relation->value, relation->path, "'relation'");
    if (text != nullptr && conditions_usable) {
      std::variant<Relation, RelationError> parsed = ParseRelation(*text, names);
      if (auto* error = std::get_if<RelationError>(&parsed)) {
        Fail(Kind::kRelation, relation->value->order, relation->path,
             "invalid relation at character " + std::to_string(error->position) + ": " +
                 error->message,
             error->position);
      } else {
        section->relation = std::move(std::get<Relation>(parsed));
      }
    }
  }

  if (const Member* aggregations = object->Get("aggregations")) {
    ParseAggregations(*aggregations, &section->aggregations);
  }
}

std::optional<Condition> Validator::ParseCondition(const JsonNode& node, const std::string& path,
                                                   std::string* lower_name) {
  std::optional<ObjectView> object = ReadObject(
      node, path,
      {"name", "filter", "filters", "target", "includeZero", "sequence", "maxDuration", "order"},
      "a condition");
  if (!object) return std::nullopt;
  Condition condition;
  bool ok = true;

  if (const Member* name = object->Get("name")) {
    std::optional<std::string> value = ReadName(*name, /*condition_name=*/true);
    if (value) {
      condition.name = *value;
      *lower_name = Lower(*value);
    } else {
      ok = false;
    }
  }

  // The kind is given by the first of filter / filters / sequence; a second one is an error.
  const Member* kind_member = nullptr;
  for (const Member& member : object->members) {
    if (member.key != "filter" && member.key != "filters" && member.key != "sequence") continue;
    if (kind_member == nullptr) {
      kind_member = &member;
    } else {
      FailKey(Kind::kSchema, member,
              "a condition has exactly one of 'filter', 'filters' and 'sequence'; it already has " +
                  Quote(kind_member->key) + " and also " + Quote(member.key));
      ok = false;
    }
  }
  if (kind_member == nullptr) {
    FailMissing(node, path,
                "a condition needs 'filter', 'filters' or 'sequence', got none of them");
    return std::nullopt;
  }

  if (kind_member->key == "sequence") {
    condition.kind = ConditionKind::kSequence;
    for (std::string_view key : {"target", "includeZero"}) {
      if (const Member* misplaced = object->Get(key)) {
        FailKey(Kind::kSchema, *misplaced,
                "a sequence condition takes no target; unexpected key " + Quote(key));
        ok = false;
      }
    }
    if (!ParseSequence(*object, &condition.sequence)) ok = false;
    return ok ? std::optional<Condition>(std::move(condition)) : std::nullopt;
  }

  condition.kind = ConditionKind::kRows;
  for (std::string_view key : {"maxDuration", "order"}) {
    if (const Member* misplaced = object->Get(key)) {
      FailKey(Kind::kSchema, *misplaced,
              Quote(key) + " applies to sequence conditions only, not to a condition with " +
                  Quote(kind_member->key));
      ok = false;
    }
  }
  if (!ParseFilterOrFilters(*kind_member, &condition.filters)) ok = false;

  bool target_valid = true;
  if (const Member* target = object->Get("target")) {
    std::optional<Target> parsed = ParseTarget(*target);
    if (parsed) {
      condition.target = std::move(*parsed);
    } else {
      target_valid = false;
    }
  }
  std::optional<bool> include_zero;
  const Member* include_zero_member = object->Get("includeZero");
  if (include_zero_member) {
    include_zero = ReadBool(*include_zero_member);
    if (!include_zero) ok = false;
  }
  // includeZero rules (section 4.1); they need a valid target and a valid flag.
  if (target_valid && (include_zero || !include_zero_member)) {
    const Target& target = condition.target;
    if (target.type == TargetType::kSum) {
      if (include_zero.value_or(false)) {
        FailKey(Kind::kSchema, *include_zero_member,
                "'includeZero' applies to count targets only, got a sum target");
        ok = false;
      }
    } else {
      const int64_t n = target.value.integer;
      const bool equals_zero = target.op == CompareOp::kEq && n == 0;
      if (equals_zero) {
        if (include_zero_member && !*include_zero) {
          FailKey(Kind::kSchema, *include_zero_member,
                  "'count == 0' always includes groups without a matching row, so "
                  "'includeZero' cannot be false");
          ok = false;
        }
        condition.include_zero = true;
      } else if (include_zero.value_or(false)) {
        const bool zero_fails =
            (target.op == CompareOp::kEq && n > 0) || (target.op == CompareOp::kGe && n > 0) ||
            target.op == CompareOp::kGt || (target.op == CompareOp::kLt && n == 0) ||
            (target.op == CompareOp::kNe && n == 0);
        if (zero_fails) {
          FailKey(Kind::kSchema, *include_zero_member,
                  "'includeZero' cannot be true when a count of 0 does not satisfy the target, "
                  "got target " +
                      std::string("count ") + CompareOpName(target.op) + " " + std::to_string(n));
          ok = false;
        } else {
          condition.include_zero = true;
        }
      }
    }
  }
  if (!target_valid) ok = false;
  return ok ? std::optional<Condition>(std::move(condition)) : std::nullopt;
}

std::optional<Filter> Validator::ParseFilter(const JsonNode& node, const std::string& path,
                                             bool allow_short) {
  if (node.type == JsonType::kArray && allow_short) {
    const size_t size = node.items.size();
    if (size < 2) {
      FailMissing(
          node, path,
          "a short filter is [column, op, value] (or [column, \"is null\"]), got an array of " +
              std::to_string(size) + " item" + (size == 1 ? "" : "s"));
      return std::nullopt;
    }
    if (size > 3) {
      FailAt(
          Kind::kSchema, node.items[3], JsonPointerAppend(path, size_t{3}),
          "a short filter is [column, op, value]; unexpected 4th item " + Describe(node.items[3]));
      // Keep validating the first three items: an earlier error there comes first.
    }
    std::optional<Filter> filter = ParseFilterParts(
        node, path, &node.items[0], JsonPointerAppend(path, size_t{0}), &node.items[1],
        JsonPointerAppend(path, size_t{1}), size >= 3 ? &node.items[2] : nullptr,
        JsonPointerAppend(path, size_t{2}), size >= 3 ? node.items[2].order : 0);
    return size > 3 ? std::nullopt : filter;
  }
  if (node.type != JsonType::kObject) {
    FailAt(Kind::kSchema, node, path,
           std::string(allow_short ? "a filter is [column, op, value] or " : "a filter here is ") +
               "{\"column\": ..., \"op\": ..., \"value\": ...}, got " + Describe(node));
    return std::nullopt;
  }
  std::optional<ObjectView> object = ReadObject(node, path, {"column", "op", "value"}, "a filter");
  const Member* column = object->Get("column");
  const Member* op = object->Get("op");
  const Member* value = object->Get("value");
  if (column == nullptr || op == nullptr) {
    FailMissing(node, path,
                std::string("a filter needs 'column' and 'op', missing ") +
                    (column == nullptr ? "'column'" : "'op'"));
    return std::nullopt;
  }
  std::optional<Filter> filter = ParseFilterParts(
      node, path, column->value, column->path, op->value, op->path, value ? value->value : nullptr,
      JsonPointerAppend(path, "value"), value ? value->key_order : 0);
  // Unknown or duplicate keys were reported by ReadObject; they invalidate the filter too.
  if (object->members.size() != node.keys.size()) return std::nullopt;
  return filter;
}

std::optional<std::vector<Filter>> Validator::ParseFilterList(const Member& member) {
  const JsonNode& list = *member.value;
  if (list.type != JsonType::kArray) {
    FailAt(Kind::kSchema, list, member.path,
           "expected 'filters' as an array of {column, op, value} filters, got " + Describe(list));
    return std::nullopt;
  }
  if (list.items.empty()) {
    FailAt(Kind::kSchema, list, member.path, "'filters' needs at least one filter, got none");
    return std::nullopt;
  }
  std::vector<Filter> filters;
  bool ok = true;
  for (size_t i = 0; i < list.items.size(); ++i) {
    std::optional<Filter> filter =
        ParseFilter(list.items[i], JsonPointerAppend(member.path, i), /*allow_short=*/false);
    if (filter) {
      filters.push_back(std::move(*filter));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return filters;
}

std::optional<Filter> Validator::ParseFilterParts(
    const JsonNode& container, const std::string& path, const JsonNode* column_node,
    const std::string& column_path, const JsonNode* op_node, const std::string& op_path,
    const JsonNode* value_node, const std::string& value_path, uint64_t value_key_order) {
  Filter filter;
  const DatasetColumn* column = ResolveColumn(*column_node, column_path, &filter.column_index);
  if (column != nullptr) {
    filter.column = column->name;
    filter.column_kind = column->kind;
  }

  std::optional<FilterOp> op;
  if (const std::string* op_text = ReadString(*op_node, op_path, "an operator")) {
    for (const OpName& entry : kFilterOps) {
      if (entry.text == *op_text) op = entry.op;
    }
    if (!op) {
      FailAt(Kind::kSchema, *op_node, op_path,
             "unknown operator (expected one of ==, !=, >, >=, <, <=, in, not in, contains, "
             "not contains, startswith, endswith, regex, is null, is not null): " +
                 Quote(*op_text));
    }
  }
  if (!op) return std::nullopt;
  filter.op = *op;
  bool op_fits = true;
  if (column != nullptr && !OpAllowed(*op, column->kind)) {
    FailAt(Kind::kTypeMismatch, *op_node, op_path,
           std::string(ColumnKindName(column->kind)) + " column " + Quote(column->name) +
               " takes the operators " + OpsFor(column->kind) + "; got " +
               Quote(FilterOpName(*op)));
    op_fits = false;
  }

  if (IsNullTest(*op)) {
    if (value_node != nullptr) {
      Fail(
          Kind::kSchema, value_key_order, value_path,
          "operator " + Quote(FilterOpName(*op)) + " takes no value, got " + Describe(*value_node));
      return std::nullopt;
    }
    return column != nullptr && op_fits ? std::optional<Filter>(std::move(filter)) : std::nullopt;
  }
  if (value_node == nullptr) {
    FailMissing(container, path,
                "operator " + Quote(FilterOpName(*op)) + " needs a value, got none");
    return std::nullopt;
  }
  // The value's checks against the column need a column the operator fits.
  const DatasetColumn* typed = op_fits ? column : nullptr;
  bool value_ok = true;
  if (IsListOp(*op)) {
    if (value_node->type != JsonType::kArray) {
      FailAt(Kind::kSchema, *value_node, value_path,
             "operator " + Quote(FilterOpName(*op)) + " takes an array of values, got " +
                 Describe(*value_node));
      return std::nullopt;
    }
    if (value_node->items.empty()) {
      FailAt(Kind::kSchema, *value_node, value_path,
             "operator " + Quote(FilterOpName(*op)) + " needs at least one value, got []");
      return std::nullopt;
    }
    for (size_t i = 0; i < value_node->items.size(); ++i) {
      std::optional<Literal> literal =
          ParseLiteral(value_node->items[i], JsonPointerAppend(value_path, i), typed, *op);
      if (literal) {
        filter.values.push_back(std::move(*literal));
      } else {
        value_ok = false;
      }
    }
  } else {
    std::optional<Literal> literal = ParseLiteral(*value_node, value_path, typed, *op);
    if (literal) {
      filter.value = std::move(*literal);
    } else {
      value_ok = false;
    }
    if (literal && typed != nullptr && *op == FilterOp::kRegex) {
      RE2::Options options;
      options.set_log_errors(false);
      auto regex = std::make_shared<RE2>(filter.value.string, options);
      if (!regex->ok()) {
        FailAt(Kind::kSchema, *value_node, value_path,
               "the regex does not compile (RE2 syntax: " + regex->error() +
                   "): " + Quote(filter.value.string));
        value_ok = false;
      } else {
        filter.regex = std::move(regex);
      }
    }
  }
  if (typed == nullptr || !value_ok) return std::nullopt;
  return filter;
}

std::optional<Literal> Validator::ParseLiteral(const JsonNode& node, const std::string& path,
                                               const DatasetColumn* column, FilterOp op) {
  // Shape checks first: they hold whatever the column.
  switch (node.type) {
    case JsonType::kNull:
      FailAt(Kind::kSchema, node, path,
             "a filter value cannot be null (use the operator \"is null\" or \"is not null\"), "
             "got null");
      return std::nullopt;
    case JsonType::kArray:
    case JsonType::kObject:
      FailAt(
          Kind::kSchema, node, path,
          "operator " + Quote(FilterOpName(op)) + " takes a single value, got " + Describe(node));
      return std::nullopt;
    case JsonType::kBigInteger:
      FailAt(Kind::kSchema, node, path,
             "integer values must be within the signed 64-bit range, got " + Describe(node));
      return std::nullopt;
    case JsonType::kReal:
      if (!std::isfinite(node.real)) {
        FailAt(Kind::kSchema, node, path, "a number must be finite, got " + Describe(node));
        return std::nullopt;
      }
      break;
    default:
      break;
  }
  Literal literal;
  if (node.type == JsonType::kInteger) {
    literal.type = LiteralType::kNumber;
    literal.number = Number::Integer(node.integer);
  } else if (node.type == JsonType::kReal) {
    literal.type = LiteralType::kNumber;
    literal.number = Number::Real(node.real);
  } else if (node.type == JsonType::kString) {
    literal.type = LiteralType::kString;
    literal.string = node.text;
  } else {
    literal.type = LiteralType::kBool;
    literal.boolean = node.boolean;
  }
  if (column == nullptr) return literal;
  bool fits = false;
  const char* expected = "";
  switch (column->kind) {
    case ColumnKind::kInt:
    case ColumnKind::kFloat:
      fits = literal.type == LiteralType::kNumber;
      expected = "a number";
      break;
    case ColumnKind::kString:
      fits = literal.type == LiteralType::kString;
      expected = "a string";
      break;
    case ColumnKind::kBool:
      fits = literal.type == LiteralType::kBool;
      expected = "true or false";
      break;
    case ColumnKind::kUnsupported:
      break;
  }
  if (!fits) {
    FailAt(Kind::kTypeMismatch, node, path,
           std::string(ColumnKindName(column->kind)) + " column " + Quote(column->name) +
               " compares with " + expected + ", got " + Describe(node));
    return std::nullopt;
  }
  return literal;
}

std::optional<Target> Validator::ParseTarget(const Member& member) {
  const JsonNode& node = *member.value;
  Target target;
  // The parts of the target, wherever they come from (short or long form).
  const JsonNode* type_node = nullptr;
  const JsonNode* column_node = nullptr;
  const JsonNode* op_node = nullptr;
  const JsonNode* value_node = nullptr;
  std::string type_path, column_path, op_path, value_path;
  bool too_long = false;

  if (node.type == JsonType::kArray) {
    if (node.items.empty()) {
      FailMissing(node, member.path,
                  "a target is [\"count\", op, n] or [\"sum\", column, op, x], got an empty array");
      return std::nullopt;
    }
    type_node = &node.items[0];
    type_path = JsonPointerAppend(member.path, size_t{0});
    const bool is_sum = type_node->type == JsonType::kString && type_node->text == "sum";
    const bool is_count = type_node->type == JsonType::kString && type_node->text == "count";
    if (!is_sum && !is_count) {
      FailAt(Kind::kSchema, *type_node, type_path,
             "a target type is \"count\" or \"sum\", got " + Describe(*type_node));
      return std::nullopt;
    }
    const size_t expected = is_sum ? 4 : 3;
    if (node.items.size() != expected) {
      std::string message = std::string(is_sum ? "a sum target is [\"sum\", column, op, x]"
                                               : "a count target is [\"count\", op, n]") +
                            ", got an array of " + std::to_string(node.items.size()) + " items";
      if (node.items.size() < expected) {
        FailMissing(node, member.path, std::move(message));
        return std::nullopt;
      }
      // Extra items: the first `expected` are still checked, as an error there comes first.
      FailAt(Kind::kSchema, node.items[expected], JsonPointerAppend(member.path, expected),
             std::move(message));
      too_long = true;
    }
    size_t next = 1;
    if (is_sum) {
      column_node = &node.items[next];
      column_path = JsonPointerAppend(member.path, next++);
    }
    op_node = &node.items[next];
    op_path = JsonPointerAppend(member.path, next++);
    value_node = &node.items[next];
    value_path = JsonPointerAppend(member.path, next);
  } else if (node.type == JsonType::kObject) {
    std::optional<ObjectView> object =
        ReadObject(node, member.path, {"type", "column", "op", "value"}, "a target");
    const Member* type = object->Get("type");
    if (type == nullptr) {
      FailMissing(node, member.path, "a target needs 'type' (\"count\" or \"sum\")");
      return std::nullopt;
    }
    type_node = type->value;
    type_path = type->path;
    const bool is_sum = type_node->type == JsonType::kString && type_node->text == "sum";
    const bool is_count = type_node->type == JsonType::kString && type_node->text == "count";
    if (!is_sum && !is_count) {
      FailAt(Kind::kSchema, *type_node, type_path,
             "a target type is \"count\" or \"sum\", got " + Describe(*type_node));
      return std::nullopt;
    }
    const Member* column = object->Get("column");
    const Member* op = object->Get("op");
    const Member* value = object->Get("value");
    if (is_count && column != nullptr) {
      FailKey(Kind::kSchema, *column, "a count target takes no 'column'");
      return std::nullopt;
    }
    if ((is_sum && column == nullptr) || op == nullptr || value == nullptr) {
      FailMissing(node, member.path,
                  is_sum ? "a sum target needs 'column', 'op' and 'value'"
                         : "a count target needs 'op' and 'value'");
      return std::nullopt;
    }
    if (object->members.size() != node.keys.size()) return std::nullopt;
    if (column) {
      column_node = column->value;
      column_path = column->path;
    }
    op_node = op->value;
    op_path = op->path;
    value_node = value->value;
    value_path = value->path;
  } else {
    FailAt(Kind::kSchema, node, member.path,
           "a target is [\"count\", op, n], [\"sum\", column, op, x] or an object, got " +
               Describe(node));
    return std::nullopt;
  }

  bool ok = true;
  target.type = type_node->text == "sum" ? TargetType::kSum : TargetType::kCount;
  if (target.type == TargetType::kSum) {
    const DatasetColumn* column = ResolveColumn(*column_node, column_path, &target.column_index);
    if (column == nullptr) {
      ok = false;
    } else if (!IsNumeric(column->kind)) {
      FailAt(Kind::kTypeMismatch, *column_node, column_path,
             std::string("a sum target needs an INT or FLOAT column, got ") +
                 ColumnKindName(column->kind) + " column " + Quote(column->name));
      ok = false;
    } else {
      target.column = column->name;
      target.column_kind = column->kind;
    }
  }
  if (const std::string* op_text = ReadString(*op_node, op_path, "a target operator")) {
    std::optional<CompareOp> op = ParseCompareOp(*op_text);
    if (op) {
      target.op = *op;
    } else {
      FailAt(Kind::kSchema, *op_node, op_path,
             "a target operator is one of ==, !=, >, >=, <, <=, got " + Quote(*op_text));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (target.type == TargetType::kCount) {
    std::optional<int64_t> n = ReadInteger(*value_node, value_path, "a count target value", 0);
    if (n) {
      target.value = Number::Integer(*n);
    } else {
      ok = false;
    }
  } else {
    std::optional<Number> x = ReadNumber(*value_node, value_path, "a sum target value");
    if (x) {
      target.value = *x;
    } else {
      ok = false;
    }
  }
  if (!ok || too_long) return std::nullopt;
  return target;
}

bool Validator::ParseSequence(const ObjectView& object, Sequence* sequence) {
  bool ok = true;
  const Member* steps = object.Get("sequence");
  if (const Member* max_duration = object.Get("maxDuration")) {
    sequence->max_duration = ReadDuration(*max_duration);
    if (!sequence->max_duration) ok = false;
  }
  bool order_valid = true;
  if (const Member* order = object.Get("order")) {
    const std::string* text = ReadString(*order->value, order->path, "'order'");
    if (text != nullptr && *text == "ordered") {
      sequence->order = SequenceOrder::kOrdered;
    } else if (text != nullptr && *text == "strict") {
      sequence->order = SequenceOrder::kStrict;
    } else if (text != nullptr && *text == "any") {
      sequence->order = SequenceOrder::kAny;
    } else {
      if (text != nullptr) {
        FailAt(Kind::kSchema, *order->value, order->path,
               "'order' is \"ordered\", \"strict\" or \"any\", got " + Quote(*text));
      }
      order_valid = false;
      ok = false;
    }
  }

  if (steps == nullptr) return false;  // the caller reports the missing key
  const JsonNode& list = *steps->value;
  if (list.type != JsonType::kArray) {
    FailAt(Kind::kSchema, list, steps->path,
           "expected 'sequence' as an array of steps, got " + Describe(list));
    return false;
  }
  if (list.items.empty()) {
    FailAt(Kind::kSchema, list, steps->path, "'sequence' needs at least one step, got none");
    return false;
  }
  if (list.items.size() > static_cast<size_t>(kMaxSteps)) {
    FailAt(Kind::kLimit, list.items[kMaxSteps], JsonPointerAppend(steps->path, kMaxSteps),
           "a sequence has at most " + std::to_string(kMaxSteps) + " steps, got " +
               std::to_string(list.items.size()));
    ok = false;
  }
  for (size_t i = 0; i < list.items.size(); ++i) {
    std::string path = JsonPointerAppend(steps->path, i);
    std::optional<Step> step = ParseStep(list.items[i], path, i);
    if (!step) {
      ok = false;
      continue;
    }
    // With order "any" there is no "previous step" and no "between": negative steps and gaps
    // have no meaning.
    if (order_valid && sequence->order == SequenceOrder::kAny) {
      if (!step->row_found) {
        const JsonNode* row_found = list.items[i].Find("rowFound");
        FailAt(Kind::kSchema, *row_found, JsonPointerAppend(path, "rowFound"),
               "negative steps are not allowed with order \"any\", got rowFound false");
        ok = false;
      }
      if (step->max_gap) {
        const JsonNode* max_gap = list.items[i].Find("maxGap");
        FailAt(Kind::kSchema, *max_gap, JsonPointerAppend(path, "maxGap"),
               "'maxGap' is not allowed with order \"any\", got " + NumberText(*step->max_gap));
        ok = false;
      }
    }
    if (ok) sequence->steps.push_back(std::move(*step));
  }
  return ok;
}

std::optional<Step> Validator::ParseStep(const JsonNode& node, const std::string& path,
                                         size_t index) {
  std::optional<ObjectView> object =
      ReadObject(node, path, {"filter", "filters", "rowFound", "maxGap"}, "a step");
  if (!object) return std::nullopt;
  bool ok = object->members.size() == node.keys.size();
  Step step;
  const Member* filter_member = nullptr;
  for (const Member& member : object->members) {
    if (member.key != "filter" && member.key != "filters") continue;
    if (filter_member == nullptr) {
      filter_member = &member;
    } else {
      FailKey(Kind::kSchema, member, "a step has either 'filter' or 'filters', not both");
      ok = false;
    }
  }
  if (filter_member == nullptr) {
    FailMissing(node, path, "a step needs 'filter' or 'filters', got neither");
    return std::nullopt;
  }
  if (!ParseFilterOrFilters(*filter_member, &step.filters)) ok = false;
  if (const Member* row_found = object->Get("rowFound")) {
    std::optional<bool> value = ReadBool(*row_found);
    if (!value) {
      ok = false;
    } else if (!*value && index == 0) {
      FailAt(Kind::kSchema, *row_found->value, row_found->path,
             "the first step cannot be negative (it has nothing before it), got rowFound false");
      ok = false;
    } else {
      step.row_found = *value;
    }
  }
  if (const Member* max_gap = object->Get("maxGap")) {
    if (index == 0) {
      FailKey(Kind::kSchema, *max_gap,
              "'maxGap' is measured from the previous positive step; the first step has none");
      ok = false;
    } else if (!step.row_found) {
      FailKey(Kind::kSchema, *max_gap,
              "'maxGap' applies to positive steps only, not to a step with rowFound false");
      ok = false;
    } else {
      step.max_gap = ReadDuration(*max_gap);
      if (!step.max_gap) ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return step;
}

bool Validator::ParseFilterOrFilters(const Member& member, std::vector<Filter>* out) {
  if (member.key == "filter") {
    std::optional<Filter> filter = ParseFilter(*member.value, member.path, true);
    if (!filter) return false;
    out->push_back(std::move(*filter));
    return true;
  }
  std::optional<std::vector<Filter>> filters = ParseFilterList(member);
  if (!filters) return false;
  *out = std::move(*filters);
  return true;
}

void Validator::ParseAggregations(const Member& member, std::vector<Aggregation>* out) {
  const JsonNode& list = *member.value;
  if (list.type != JsonType::kArray) {
    FailAt(Kind::kSchema, list, member.path,
           "expected " + Quote(member.key) + " as an array of aggregations, got " + Describe(list));
    return;
  }
  std::unordered_map<std::string, size_t> names;
  for (size_t i = 0; i < list.items.size(); ++i) {
    const JsonNode& node = list.items[i];
    std::string path = JsonPointerAppend(member.path, i);
    std::optional<ObjectView> object = ReadObject(
        node, path, {"column", "type", "name", "otherColumn", "top", "baseline"}, "an aggregation");
    if (!object) continue;
    Aggregation aggregation;
    aggregation.source_index = static_cast<int>(i);
    bool ok = object->members.size() == node.keys.size();

    const Member* type = object->Get("type");
    bool type_valid = true;
    if (type != nullptr) {
      const std::string* text = ReadString(*type->value, type->path, "an aggregation type");
      std::optional<AggregationType> parsed;
      for (const AggregationTypeEntry& entry : kAggregationTypes) {
        if (text != nullptr && entry.text == *text) parsed = entry.type;
      }
      if (parsed) {
        aggregation.type = *parsed;
      } else {
        if (text != nullptr) {
          FailAt(Kind::kSchema, *type->value, type->path,
                 "unknown aggregation type (expected count, countPerValue, groupsPerValue, "
                 "sumPerValue, meanPerValue, sum, min, max, mean or countDistinct): " +
                     Quote(*text));
        }
        type_valid = false;
        ok = false;
      }
    } else {
      aggregation.type_given = false;
    }

    const Member* column = object->Get("column");
    if (column == nullptr) {
      FailMissing(node, path, "an aggregation needs 'column'");
      ok = false;
    } else {
      const DatasetColumn* resolved =
          ResolveColumn(*column->value, column->path, &aggregation.column_index);
      if (resolved == nullptr) {
        ok = false;
      } else if (type_valid && aggregation.type_given && NeedsNumericColumn(aggregation.type) &&
                 !IsNumeric(resolved->kind)) {
        FailAt(Kind::kTypeMismatch, *column->value, column->path,
               std::string("aggregation '") + AggregationTypeName(aggregation.type) +
                   "' needs an INT or FLOAT column, got " + ColumnKindName(resolved->kind) +
                   " column " + Quote(resolved->name));
        ok = false;
      } else {
        aggregation.column = resolved->name;
        aggregation.column_kind = resolved->kind;
      }
    }

    if (const Member* name = object->Get("name")) {
      if (!aggregation.type_given) {
        FailKey(Kind::kSchema, *name,
                "an aggregation without 'type' expands to count, countPerValue and "
                "groupsPerValue and cannot be named");
        ok = false;
      } else if (std::optional<std::string> value = ReadName(*name, false)) {
        auto [it, inserted] = names.emplace(Lower(*value), i);
        if (!inserted) {
          FailAt(Kind::kSchema, *name->value, name->path,
                 "aggregation names must be unique within " + Quote(member.key) +
                     " ignoring case; already used by aggregation " + std::to_string(it->second) +
                     ": " + Quote(*value));
          ok = false;
        }
        aggregation.name = *value;
      } else {
        ok = false;
      }
    }

    const Member* other = object->Get("otherColumn");
    if (type_valid) {
      const bool takes_other = aggregation.type_given && TakesOtherColumn(aggregation.type);
      const std::string type_text =
          aggregation.type_given ? AggregationTypeName(aggregation.type) : "(default)";
      if (other != nullptr && !takes_other) {
        FailKey(Kind::kSchema, *other,
                "'otherColumn' applies to sumPerValue and meanPerValue only, got type " +
                    Quote(type_text));
        ok = false;
      } else if (other == nullptr && takes_other) {
        FailMissing(node, path,
                    "aggregation " + Quote(type_text) + " needs 'otherColumn' (a numeric column)");
        ok = false;
      } else if (other != nullptr) {
        const DatasetColumn* resolved =
            ResolveColumn(*other->value, other->path, &aggregation.other_column_index);
        if (resolved == nullptr) {
          ok = false;
        } else if (!IsNumeric(resolved->kind)) {
          FailAt(Kind::kTypeMismatch, *other->value, other->path,
                 std::string("'otherColumn' needs an INT or FLOAT column, got ") +
                     ColumnKindName(resolved->kind) + " column " + Quote(resolved->name));
          ok = false;
        } else {
          aggregation.other_column = resolved->name;
          aggregation.other_column_kind = resolved->kind;
        }
      }
    }

    if (const Member* top = object->Get("top")) {
      if (type_valid && aggregation.type_given && !IsPerValue(aggregation.type)) {
        FailKey(Kind::kSchema, *top,
                std::string("'top' applies to per-value aggregations only, got type ") +
                    Quote(AggregationTypeName(aggregation.type)));
        ok = false;
      } else if (std::optional<int64_t> value =
                     ReadInteger(*top->value, top->path, "'top'", 1, kMaxTop)) {
        aggregation.top = static_cast<int>(*value);
      } else {
        ok = false;
      }
    }
    if (const Member* baseline = object->Get("baseline")) {
      std::optional<bool> value = ReadBool(*baseline);
      if (value) {
        aggregation.baseline = *value;
      } else {
        ok = false;
      }
    }

    if (!ok) continue;
    if (aggregation.type_given) {
      out->push_back(std::move(aggregation));
    } else {
      for (AggregationType expanded : {AggregationType::kCount, AggregationType::kCountPerValue,
                                       AggregationType::kGroupsPerValue}) {
        aggregation.type = expanded;
        out->push_back(aggregation);
      }
    }
  }
}

void Validator::ParseFunnel(const Member& member, Funnel* funnel) {
  std::optional<ObjectView> object =
      ReadObject(*member.value, member.path,
                 {"sequence", "maxDuration", "order", "stepAggregations", "endAggregations",
                  "timeToConvert", "breakdown"},
                 "'funnel'");
  if (!object) return;
  if (object->Get("sequence") == nullptr) {
    FailMissing(*member.value, member.path, "a funnel needs 'sequence'");
  }
  // Without "sequence" this still checks "maxDuration" and "order".
  ParseSequence(*object, &funnel->sequence);
  if (const Member* m = object->Get("stepAggregations")) {
    ParseAggregations(*m, &funnel->step_aggregations);
  }
  if (const Member* m = object->Get("endAggregations")) {
    ParseAggregations(*m, &funnel->end_aggregations);
  }
  if (const Member* m = object->Get("timeToConvert")) {
    funnel->time_to_convert = ReadBool(*m).value_or(false);
  }
  if (const Member* m = object->Get("breakdown")) {
    std::optional<ObjectView> breakdown_object =
        ReadObject(*m->value, m->path, {"column", "top"}, "'breakdown'");
    if (breakdown_object) {
      Breakdown breakdown;
      const Member* column = breakdown_object->Get("column");
      if (column == nullptr) {
        FailMissing(*m->value, m->path, "'breakdown' needs 'column'");
      } else if (const DatasetColumn* resolved =
                     ResolveColumn(*column->value, column->path, &breakdown.column_index)) {
        breakdown.column = resolved->name;
        breakdown.column_kind = resolved->kind;
      }
      if (const Member* top = breakdown_object->Get("top")) {
        breakdown.top =
            static_cast<int>(ReadInteger(*top->value, top->path, "'top'", 1, kMaxTop).value_or(10));
      }
      funnel->breakdown = std::move(breakdown);
    }
  }
}

void Validator::ParseOptions(const Member& member, QueryOptions* options) {
  std::optional<ObjectView> object =
      ReadObject(*member.value, member.path, {"sampleGroupIds"}, "'options'");
  if (!object) return;
  if (const Member* sample = object->Get("sampleGroupIds")) {
    options->sample_group_ids = static_cast<int>(
        ReadInteger(*sample->value, sample->path, "'sampleGroupIds'", 0, kMaxSampleGroupIds)
            .value_or(0));
  }
}

void CollectColumns(const std::vector<Filter>& filters, std::vector<int>* out) {
  for (const Filter& filter : filters) out->push_back(filter.column_index);
}

void CollectColumns(const std::vector<Aggregation>& aggregations, std::vector<int>* out) {
  for (const Aggregation& aggregation : aggregations) {
    out->push_back(aggregation.column_index);
    if (aggregation.other_column_index >= 0) out->push_back(aggregation.other_column_index);
  }
}

std::vector<int> UsedColumns(const Query& query) {
  std::vector<int> columns;
  for (const Condition& condition : query.query.conditions) {
    CollectColumns(condition.filters, &columns);
    if (condition.target.type == TargetType::kSum) columns.push_back(condition.target.column_index);
    for (const Step& step : condition.sequence.steps) CollectColumns(step.filters, &columns);
  }
  CollectColumns(query.query.aggregations, &columns);
  if (query.funnel) {
    for (const Step& step : query.funnel->sequence.steps) CollectColumns(step.filters, &columns);
    CollectColumns(query.funnel->step_aggregations, &columns);
    CollectColumns(query.funnel->end_aggregations, &columns);
    if (query.funnel->breakdown) columns.push_back(query.funnel->breakdown->column_index);
  }
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  return columns;
}

}  // namespace

const char* QueryErrorKindName(QueryErrorKind kind) {
  switch (kind) {
    case QueryErrorKind::kSchema:
      return "SCHEMA";
    case QueryErrorKind::kTypeMismatch:
      return "TYPE_MISMATCH";
    case QueryErrorKind::kDataset:
      return "DATASET";
    case QueryErrorKind::kRelation:
      return "RELATION";
    case QueryErrorKind::kLimit:
      return "LIMIT";
    case QueryErrorKind::kStorage:
      return "STORAGE";
    case QueryErrorKind::kTimeout:
      return "TIMEOUT";
    case QueryErrorKind::kInternal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

ParseResult ParseQuery(std::string_view json_text, const DatasetSchema& schema) {
  ParseResult result;
  JsonParseResult document = ParseJsonDocument(json_text, kMaxJsonDepth);
  if (document.error) {
    QueryError error;
    error.kind = QueryErrorKind::kSchema;
    error.message = std::move(document.error->message);
    error.path = std::move(document.error->path);
    if (error.path.empty()) error.position = document.error->byte_offset;
    result.error = std::move(error);
    return result;
  }
  Validator validator(schema);
  Query query;
  validator.ParseRoot(*document.root, &query);
  if (validator.failed()) {
    result.error = validator.TakeError();
    return result;
  }
  query.used_columns = UsedColumns(query);
  result.query = std::move(query);
  return result;
}

}  // namespace frocket
