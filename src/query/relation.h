// The relation of a query (QUERY_LANGUAGE section 4.3): a boolean expression over the results of
// the query's conditions, compiled to a postfix program. The engine evaluates it either for one
// group (Evaluate) or 64 groups at a time over bitsets of condition results (EvaluateWords), so
// no per-group tree walk or allocation is needed.
//
// Grammar (keywords and $name references case-insensitive):
//   relation := "and" | "or" | "&&" | "||"          (applied between all conditions)
//             | or_expr
//   or_expr  := and_expr (("or" | "||") and_expr)*
//   and_expr := unary (("and" | "&&") unary)*
//   unary    := ("not" | "!")* primary
//   primary  := "$" index | "$" name | "(" or_expr ")"
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace frocket {

enum class RelationOpcode : uint8_t {
  kCondition,  // push the result of condition `condition`
  kTrue,       // push true (the relation of a query without conditions)
  kNot,        // pop a, push !a
  kAnd,        // pop b, pop a, push a && b
  kOr,         // pop b, pop a, push a || b
};

struct RelationInstruction {
  RelationOpcode opcode = RelationOpcode::kTrue;
  int32_t condition = 0;  // kCondition only
};

class Relation {
 public:
  // The constant true relation (no conditions).
  Relation();
  // All `count` conditions ANDed (ORed); true when count is 0 either way, because a query
  // without conditions selects every group.
  static Relation AllOf(int count);
  static Relation AnyOf(int count);
  // Takes a program that is known to be well formed (the parser's output).
  static Relation FromProgram(std::vector<RelationInstruction> program);

  const std::vector<RelationInstruction>& program() const { return program_; }
  int max_stack() const { return max_stack_; }

  // `conditions[i]` is the result of condition i; it must cover every referenced condition.
  bool Evaluate(std::span<const bool> conditions) const;
  // Evaluates 64 groups per word: bit b of word w of `conditions[i]` is condition i for group
  // 64*w+b. Writes `num_words` words to `out`.
  void EvaluateWords(std::span<const uint64_t* const> conditions, size_t num_words,
                     uint64_t* out) const;

  // A fully parenthesized rendering for messages and tests, e.g. "($0 or (not $1 and $2))".
  std::string ToString() const;

 private:
  std::vector<RelationInstruction> program_;
  int max_stack_ = 1;
};

struct RelationError {
  std::string message;
  size_t position = 0;  // character (code point) offset in the relation string
};

// Deepest nesting of parentheses a relation may use.
inline constexpr int kMaxRelationDepth = 64;

// Parses `text` for a query whose conditions have the given names (lower-case, empty for an
// unnamed condition); `condition_names.size()` is the number of conditions.
std::variant<Relation, RelationError> ParseRelation(
    std::string_view text, const std::vector<std::string>& condition_names);

}  // namespace frocket
