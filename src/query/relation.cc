#include "query/relation.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace frocket {
namespace {

// Stacks this deep live on the machine stack during evaluation; the parser's nesting limit keeps
// every parsed relation far below it.
constexpr int kFixedStack = 256;

int ComputeMaxStack(const std::vector<RelationInstruction>& program) {
  int depth = 0;
  int max_depth = 1;
  for (const RelationInstruction& instruction : program) {
    switch (instruction.opcode) {
      case RelationOpcode::kCondition:
      case RelationOpcode::kTrue:
        ++depth;
        break;
      case RelationOpcode::kNot:
        break;
      case RelationOpcode::kAnd:
      case RelationOpcode::kOr:
        --depth;
        break;
    }
    max_depth = std::max(max_depth, depth);
  }
  return max_depth;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

enum class TokenKind { kRef, kAnd, kOr, kNot, kOpen, kClose, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t begin = 0;  // byte offset
  std::string_view text;
  int condition = 0;  // kRef
};

struct ParseFailure {
  std::string message;
  size_t byte_offset;
};

// A recursive-descent parser. Only parentheses recurse, and only kMaxRelationDepth deep.
class RelationParser {
 public:
  RelationParser(std::string_view text, const std::vector<std::string>& names)
      : text_(text), names_(names) {}

  std::vector<RelationInstruction> Parse() {
    Advance();
    if (current_.kind == TokenKind::kEnd) throw ParseFailure{"the relation is empty", 0};
    ParseOr(0);
    if (current_.kind == TokenKind::kClose) {
      throw ParseFailure{"')' closes no '('", current_.begin};
    }
    if (current_.kind != TokenKind::kEnd) {
      throw ParseFailure{"expected 'and', 'or' or the end of the relation before '" +
                             std::string(current_.text) + "'",
                         current_.begin};
    }
    return std::move(program_);
  }

 private:
  void ParseOr(int depth) {
    ParseAnd(depth);
    while (current_.kind == TokenKind::kOr) {
      Advance();
      ParseAnd(depth);
      program_.push_back({RelationOpcode::kOr, 0});
    }
  }

  void ParseAnd(int depth) {
    ParseUnary(depth);
    while (current_.kind == TokenKind::kAnd) {
      Advance();
      ParseUnary(depth);
      program_.push_back({RelationOpcode::kAnd, 0});
    }
  }

  void ParseUnary(int depth) {
    size_t nots = 0;
    while (current_.kind == TokenKind::kNot) {
      ++nots;
      Advance();
    }
    ParsePrimary(depth);
    // Pairs of negations cancel; only the parity matters.
    if (nots % 2 == 1) program_.push_back({RelationOpcode::kNot, 0});
  }

  void ParsePrimary(int depth) {
    switch (current_.kind) {
      case TokenKind::kRef:
        program_.push_back({RelationOpcode::kCondition, current_.condition});
        Advance();
        return;
      case TokenKind::kOpen: {
        size_t open = current_.begin;
        if (depth >= kMaxRelationDepth) {
          throw ParseFailure{"parentheses nest deeper than the limit of " +
                                 std::to_string(kMaxRelationDepth) + " levels",
                             open};
        }
        Advance();
        if (current_.kind == TokenKind::kClose) throw ParseFailure{"'()' is empty", open};
        if (current_.kind == TokenKind::kEnd) throw ParseFailure{"'(' is never closed", open};
        ParseOr(depth + 1);
        if (current_.kind == TokenKind::kEnd) throw ParseFailure{"'(' is never closed", open};
        if (current_.kind != TokenKind::kClose) {
          throw ParseFailure{
              "expected 'and', 'or' or ')' before '" + std::string(current_.text) + "'",
              current_.begin};
        }
        Advance();
        return;
      }
      case TokenKind::kAnd:
      case TokenKind::kOr:
        throw ParseFailure{
            "operator '" + std::string(current_.text) + "' has no condition before it",
            current_.begin};
      case TokenKind::kNot:  // ParseUnary consumed every 'not'; unreachable
      case TokenKind::kClose:
      case TokenKind::kEnd:
        break;
    }
    // A condition was expected but the relation ends or a ')' follows: the operator just read
    // dangles.
    throw ParseFailure{"operator '" + std::string(previous_.text) + "' has no condition after it",
                       previous_.begin};
  }

  void Advance() {
    previous_ = current_;
    current_ = NextToken();
  }

  Token NextToken() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
    Token token;
    token.begin = pos_;
    if (pos_ >= text_.size()) {
      token.kind = TokenKind::kEnd;
      return token;
    }
    char c = text_[pos_];
    auto take = [&](TokenKind kind, size_t length) {
      token.kind = kind;
      token.text = text_.substr(pos_, length);
      pos_ += length;
      return token;
    };
    if (c == '(') return take(TokenKind::kOpen, 1);
    if (c == ')') return take(TokenKind::kClose, 1);
    if (c == '!') return take(TokenKind::kNot, 1);
    if (c == '&' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '&') {
      return take(TokenKind::kAnd, 2);
    }
    if (c == '|' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '|') {
      return take(TokenKind::kOr, 2);
    }
    if (c == '$') return ReadReference();
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t end = pos_;
      while (end < text_.size() && IsWordChar(text_[end])) ++end;
      std::string word = Lower(text_.substr(pos_, end - pos_));
      if (word == "and") return take(TokenKind::kAnd, end - pos_);
      if (word == "or") return take(TokenKind::kOr, end - pos_);
      if (word == "not") return take(TokenKind::kNot, end - pos_);
      throw ParseFailure{"unexpected word '" + std::string(text_.substr(pos_, end - pos_)) +
                             "' (a condition is written $index or $name)",
                         pos_};
    }
    std::string shown = (c == '&' || c == '|')
                            ? std::string(1, c) + " (did you mean '" + std::string(2, c) + "'?)"
                            : DescribeCharAt(pos_);
    throw ParseFailure{"unexpected character " + shown, pos_};
  }

  Token ReadReference() {
    size_t begin = pos_;
    size_t end = pos_ + 1;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    std::string_view body = text_.substr(begin + 1, end - begin - 1);
    std::string_view whole = text_.substr(begin, end - begin);
    if (body.empty()) {
      throw ParseFailure{"'$' must be followed by a condition index or name", begin};
    }
    Token token;
    token.kind = TokenKind::kRef;
    token.begin = begin;
    token.text = whole;
    const int count = static_cast<int>(names_.size());
    if (std::all_of(body.begin(), body.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      // Saturate: any index past the count is out of range, however long.
      int64_t index = 0;
      for (char c : body) index = std::min<int64_t>(index * 10 + (c - '0'), int64_t{1} << 40);
      if (index >= count) {
        throw ParseFailure{"condition index out of range: the query has " + std::to_string(count) +
                               " condition" + (count == 1 ? "" : "s") + ", got '" +
                               std::string(whole) + "'",
                           begin};
      }
      token.condition = static_cast<int>(index);
    } else {
      std::string name = Lower(body);
      auto it = std::find(names_.begin(), names_.end(), name);
      if (!std::isalpha(static_cast<unsigned char>(body[0])) || it == names_.end()) {
        throw ParseFailure{"unknown condition '" + std::string(whole) + "'", begin};
      }
      token.condition = static_cast<int>(it - names_.begin());
    }
    pos_ = end;
    return token;
  }

  std::string DescribeCharAt(size_t at) const {
    unsigned char c = static_cast<unsigned char>(text_[at]);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    // Show a whole UTF-8 sequence when it is one; otherwise the byte in hex.
    size_t length = 1;
    while (at + length < text_.size() && length < 4 &&
           (static_cast<unsigned char>(text_[at + length]) & 0xC0) == 0x80) {
      ++length;
    }
    if (c >= 0xC0) return "'" + std::string(text_.substr(at, length)) + "'";
    static const char kHex[] = "0123456789abcdef";
    return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
  }

  std::string_view text_;
  const std::vector<std::string>& names_;
  size_t pos_ = 0;
  Token current_;
  Token previous_;
  std::vector<RelationInstruction> program_;
};

// Byte offset -> code point offset (the string came out of a JSON text, so it is UTF-8).
size_t CharacterOffset(std::string_view text, size_t byte_offset) {
  size_t chars = 0;
  for (size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++chars;
  }
  return chars;
}

Relation Combine(int count, RelationOpcode opcode) {
  if (count <= 0) return Relation();
  std::vector<RelationInstruction> program;
  program.reserve(2 * static_cast<size_t>(count));
  program.push_back({RelationOpcode::kCondition, 0});
  for (int i = 1; i < count; ++i) {
    program.push_back({RelationOpcode::kCondition, i});
    program.push_back({opcode, 0});
  }
  return Relation::FromProgram(std::move(program));
}

}  // namespace

Relation::Relation() : program_{{RelationOpcode::kTrue, 0}}, max_stack_(1) {}

Relation Relation::AllOf(int count) { return Combine(count, RelationOpcode::kAnd); }
Relation Relation::AnyOf(int count) { return Combine(count, RelationOpcode::kOr); }

Relation Relation::FromProgram(std::vector<RelationInstruction> program) {
  Relation relation;
  relation.max_stack_ = ComputeMaxStack(program);
  relation.program_ = std::move(program);
  return relation;
}

bool Relation::Evaluate(std::span<const bool> conditions) const {
  bool fixed[kFixedStack];
  std::vector<bool> heap;
  const bool use_heap = max_stack_ > kFixedStack;
  if (use_heap) heap.resize(static_cast<size_t>(max_stack_));
  int top = 0;
  auto at = [&](int i) -> bool { return use_heap ? heap[i] : fixed[i]; };
  auto set = [&](int i, bool v) {
    if (use_heap) {
      heap[i] = v;
    } else {
      fixed[i] = v;
    }
  };
  for (const RelationInstruction& instruction : program_) {
    switch (instruction.opcode) {
      case RelationOpcode::kCondition:
        set(top++, conditions[instruction.condition]);
        break;
      case RelationOpcode::kTrue:
        set(top++, true);
        break;
      case RelationOpcode::kNot:
        set(top - 1, !at(top - 1));
        break;
      case RelationOpcode::kAnd:
        --top;
        set(top - 1, at(top - 1) && at(top));
        break;
      case RelationOpcode::kOr:
        --top;
        set(top - 1, at(top - 1) || at(top));
        break;
    }
  }
  return at(0);
}

void Relation::EvaluateWords(std::span<const uint64_t* const> conditions, size_t num_words,
                             uint64_t* out) const {
  std::vector<uint64_t> stack(static_cast<size_t>(max_stack_));
  for (size_t w = 0; w < num_words; ++w) {
    int top = 0;
    for (const RelationInstruction& instruction : program_) {
      switch (instruction.opcode) {
        case RelationOpcode::kCondition:
          stack[top++] = conditions[instruction.condition][w];
          break;
        case RelationOpcode::kTrue:
          stack[top++] = ~uint64_t{0};
          break;
        case RelationOpcode::kNot:
          stack[top - 1] = ~stack[top - 1];
          break;
        case RelationOpcode::kAnd:
          --top;
          stack[top - 1] &= stack[top];
          break;
        case RelationOpcode::kOr:
          --top;
          stack[top - 1] |= stack[top];
          break;
      }
    }
    out[w] = stack[0];
  }
}

std::string Relation::ToString() const {
  std::vector<std::string> stack;
  for (const RelationInstruction& instruction : program_) {
    switch (instruction.opcode) {
      case RelationOpcode::kCondition:
        stack.push_back("$" + std::to_string(instruction.condition));
        break;
      case RelationOpcode::kTrue:
        stack.push_back("true");
        break;
      case RelationOpcode::kNot:
        stack.back() = "(not " + stack.back() + ")";
        break;
      case RelationOpcode::kAnd:
      case RelationOpcode::kOr: {
        std::string right = std::move(stack.back());
        stack.pop_back();
        const char* word = instruction.opcode == RelationOpcode::kAnd ? " and " : " or ";
        stack.back() = "(" + stack.back() + word + right + ")";
        break;
      }
    }
  }
  return stack.empty() ? "" : stack.back();
}

std::variant<Relation, RelationError> ParseRelation(
    std::string_view text, const std::vector<std::string>& condition_names) {
  // A bare operator applies between all conditions.
  size_t first = text.find_first_not_of(" \t\r\n");
  size_t last = text.find_last_not_of(" \t\r\n");
  if (first != std::string_view::npos) {
    std::string bare = Lower(text.substr(first, last - first + 1));
    const int count = static_cast<int>(condition_names.size());
    if (bare == "and" || bare == "&&") return Relation::AllOf(count);
    if (bare == "or" || bare == "||") return Relation::AnyOf(count);
  }
  try {
    RelationParser parser(text, condition_names);
    return Relation::FromProgram(parser.Parse());
  } catch (const ParseFailure& failure) {
    return RelationError{failure.message, CharacterOffset(text, failure.byte_offset)};
  }
}

}  // namespace frocket
