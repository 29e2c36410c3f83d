// A parsed JSON document as the query validator needs it: object members keep their document
// order (errors are reported in document order), integer literals stay exact (an int64, or a
// marker that the literal does not fit one), and every node and object key carries its rank in
// document order so errors found out of order can still be sorted by where they occur.
//
// Parsing never throws and never recurses on the input: nlohmann's SAX parser is iterative and
// the tree is built with an explicit stack, bounded by `max_depth`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace frocket {

enum class JsonType : uint8_t {
  kNull,
  kBool,
  kInteger,     // an integer literal that fits int64: `integer` holds it exactly
  kBigInteger,  // an integer literal outside the int64 range: `real` holds an approximation
  kReal,        // a literal with a fraction or an exponent: `real`
  kString,
  kArray,
  kObject,
};

// "null", "boolean", "integer", "number", "string", "array", "object".
const char* JsonTypeName(JsonType type);

struct JsonNode {
  JsonType type = JsonType::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;  // kString
  // Array items, or object member values (then `keys` and `key_order` run parallel to it).
  std::vector<JsonNode> items;
  std::vector<std::string> keys;
  std::vector<uint64_t> key_order;
  // Rank of this value in document order; a member's key ranks just before its value. A
  // container also ranks its end (after all its contents): a missing member is found there.
  uint64_t order = 0;
  uint64_t end_order = 0;

  bool is_number() const {
    return type == JsonType::kInteger || type == JsonType::kBigInteger || type == JsonType::kReal;
  }
  // The member named `key`, or null. With duplicate keys, the first.
  const JsonNode* Find(std::string_view key) const;
};

struct JsonParseError {
  std::string message;
  size_t byte_offset = 0;  // where the text stops being valid JSON (syntax errors)
  std::string path;        // JSON pointer of the node that nested too deep (depth errors)
};

struct JsonParseResult {
  std::optional<JsonNode> root;
  std::optional<JsonParseError> error;
};

// Parses one JSON text (RFC 8259, strict: no comments, no trailing data). Containers nested
// deeper than `max_depth` levels are an error.
JsonParseResult ParseJsonDocument(std::string_view text, int max_depth);

// Appends `/token` to a JSON pointer, escaping `~` as `~0` and `/` as `~1` (RFC 6901).
std::string JsonPointerAppend(const std::string& pointer, std::string_view token);
std::string JsonPointerAppend(const std::string& pointer, size_t index);

}  // namespace frocket
