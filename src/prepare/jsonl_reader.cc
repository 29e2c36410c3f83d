#include "prepare/jsonl_reader.h"

#include <cstring>

namespace frocket::prepare {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// A cursor over one line with the JSON grammar's pieces. Errors are returned as text; the
// first one ends the parse.
class LineParser {
 public:
  explicit LineParser(std::string_view line) : s_(line) {}

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  size_t pos() const { return pos_; }

  // Parses a string at '"'. Returns a view of the line when it has no escapes (no copy), or
  // appends the decoded bytes to `scratch` and returns a view of them there. `scratch` must
  // have capacity for the whole line so that earlier views stay valid.
  bool String(std::string* scratch, std::string_view* out, std::string* error) {
    ++pos_;  // the opening quote
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\\' &&
           static_cast<unsigned char>(s_[pos_]) >= 0x20) {
      ++pos_;
    }
    if (pos_ < s_.size() && s_[pos_] == '"') {
      *out = s_.substr(start, pos_ - start);
      ++pos_;
      return true;
    }
    size_t from = scratch->size();
    scratch->append(s_.data() + start, pos_ - start);
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        *out = std::string_view(scratch->data() + from, scratch->size() - from);
        return true;
      }
      if (c < 0x20) {
        *error = "a control character (byte " + std::to_string(c) + ") inside a string";
        return false;
      }
      if (c != '\\') {
        scratch->push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= s_.size()) break;
      char e = s_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '"':
          scratch->push_back('"');
          break;
        case '\\':
          scratch->push_back('\\');
          break;
        case '/':
          scratch->push_back('/');
          break;
        case 'b':
          scratch->push_back('\b');
          break;
        case 'f':
          scratch->push_back('\f');
          break;
        case 'n':
          scratch->push_back('\n');
          break;
        case 'r':
          scratch->push_back('\r');
          break;
        case 't':
          scratch->push_back('\t');
          break;
        case 'u': {
          uint32_t unit;
          if (!Hex4(&unit)) {
            *error = "a \\u escape without 4 hex digits";
            return false;
          }
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            uint32_t low;
            if (pos_ + 1 < s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
              pos_ += 2;
              if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) {
                *error = "a \\u escape of a high surrogate not followed by a low surrogate";
                return false;
              }
              unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            } else {
              *error = "a \\u escape of a lone high surrogate";
              return false;
            }
          } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
            *error = "a \\u escape of a lone low surrogate";
            return false;
          }
          AppendUtf8(unit, scratch);
          break;
        }
        default:
          *error = std::string("an invalid escape '\\") + e + "'";
          return false;
      }
    }
    *error = "a string is not closed before the end of the line";
    return false;
  }

  // A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  bool Number(std::string_view* out) {
    size_t start = pos_;
    Eat('-');
    if (Eat('0')) {
    } else if (Digits() == 0) {
      return false;
    }
    if (Eat('.') && Digits() == 0) return false;
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (!Eat('+')) Eat('-');
      if (Digits() == 0) return false;
    }
    *out = s_.substr(start, pos_ - start);
    return true;
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // Skips a nested object or array at '{' / '[', returning its text as written.
  bool Nested(std::string_view* out, std::string* error) {
    size_t start = pos_;
    std::string brackets;  // the closers expected, innermost last
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '{' || c == '[') {
        brackets.push_back(c == '{' ? '}' : ']');
        ++pos_;
      } else if (c == '}' || c == ']') {
        if (brackets.empty() || brackets.back() != c) {
          *error = std::string("a mismatched '") + c + "' in a nested value";
          return false;
        }
        brackets.pop_back();
        ++pos_;
        if (brackets.empty()) {
          *out = s_.substr(start, pos_ - start);
          return true;
        }
      } else if (c == '"') {
        ++pos_;
        while (pos_ < s_.size() && s_[pos_] != '"') pos_ += s_[pos_] == '\\' ? 2 : 1;
        if (pos_ >= s_.size()) break;
        ++pos_;
      } else {
        ++pos_;
      }
    }
    *error = "a nested value is not closed before the end of the line";
    return false;
  }

 private:
  size_t Digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ - start;
  }
  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_ + static_cast<size_t>(i)];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

JsonlReader::JsonlReader(std::unique_ptr<InputStream> in, std::string name, size_t chunk_bytes,
                         size_t max_line_bytes)
    : name_(std::move(name)), input_(std::move(in), name_, chunk_bytes, max_line_bytes) {}

int JsonlReader::ColumnIndex(std::string_view key) {
  auto it = column_index_.find(key);
  if (it != column_index_.end()) return it->second;
  int index = static_cast<int>(columns_.size());
  columns_.emplace_back(key);
  column_index_.emplace(columns_.back(), index);
  seen_in_.push_back(0);
  return index;
}

std::string JsonlReader::ParseLine(std::string_view line, SourceRow* row) {
  decoded_.clear();
  decoded_.reserve(line.size());
  key_.reserve(line.size());
  row->cells.assign(columns_.size(), Cell{});
  LineParser p(line);
  std::string error;
  p.SkipSpace();
  if (!p.Eat('{')) return "the line is not a JSON object";
  p.SkipSpace();
  if (!p.Eat('}')) {
    for (;;) {
      p.SkipSpace();
      if (p.Peek() != '"') return "expected a key string at byte " + std::to_string(p.pos() + 1);
      std::string_view key;
      key_.clear();  // capacity for the whole line was reserved above
      if (!p.String(&key_, &key, &error)) return error;
      p.SkipSpace();
      if (!p.Eat(':')) return "expected ':' after key '" + std::string(key) + "'";
      p.SkipSpace();
      Cell cell;
      char c = p.Peek();
      if (c == '"') {
        cell.kind = CellKind::kString;
        if (!p.String(&decoded_, &cell.text, &error)) return error;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        cell.kind = CellKind::kText;
        if (!p.Number(&cell.text)) return "a malformed number for key '" + std::string(key) + "'";
      } else if (c == 't' && p.Literal("true")) {
        cell = Cell{CellKind::kBool, "true"};
      } else if (c == 'f' && p.Literal("false")) {
        cell = Cell{CellKind::kBool, "false"};
      } else if (c == 'n' && p.Literal("null")) {
        cell = Cell{};
      } else if (c == '{' || c == '[') {
        cell.kind = CellKind::kString;
        if (!p.Nested(&cell.text, &error)) return error;
      } else {
        return "an invalid value for key '" + std::string(key) + "'";
      }
      int index = ColumnIndex(key);
      if (static_cast<size_t>(index) >= row->cells.size()) row->cells.resize(columns_.size());
      if (seen_in_[static_cast<size_t>(index)] == line_)
        return "the key '" + std::string(key) + "' is repeated";
      seen_in_[static_cast<size_t>(index)] = line_;
      row->cells[static_cast<size_t>(index)] = cell;
      p.SkipSpace();
      if (p.Eat(',')) continue;
      if (p.Eat('}')) break;
      return "expected ',' or '}' at byte " + std::to_string(p.pos() + 1);
    }
  }
  p.SkipSpace();
  if (!p.AtEnd()) return "text after the JSON object at byte " + std::to_string(p.pos() + 1);
  return "";
}

bool JsonlReader::Next(SourceRow* row) {
  for (;;) {
    const char* newline =
        input_.size() == 0
            ? nullptr
            : static_cast<const char*>(std::memchr(input_.data(), '\n', input_.size()));
    if (newline == nullptr && !input_.at_end()) {
      input_.Fill();
      continue;
    }
    if (newline == nullptr && input_.size() == 0) return false;
    size_t length =
        newline != nullptr ? static_cast<size_t>(newline - input_.data()) : input_.size();
    std::string_view line(input_.data(), length);
    ++line_;
    // The view stays valid until the next Fill, which happens only in the next call.
    input_.Consume(newline != nullptr ? length + 1 : length);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = 0;
    while (first < line.size() && IsSpace(line[first])) ++first;
    if (first == line.size()) continue;
    row->line = line_;
    row->error = ParseLine(line, row);
    return true;
  }
}

}  // namespace frocket::prepare
