#include "query/json_document.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace frocket {
namespace {

// Receives nlohmann's SAX events and builds the tree. Only the innermost open container is ever
// appended to, so the pointers on `stack_` (its ancestors) stay valid while vectors grow.
class DocumentBuilder {
 public:
  using json = nlohmann::json;

  explicit DocumentBuilder(int max_depth) : max_depth_(max_depth) {}

  bool null() { return Add(JsonNode{}) != nullptr; }
  bool boolean(bool value) {
    JsonNode node;
    node.type = JsonType::kBool;
    node.boolean = value;
    return Add(std::move(node)) != nullptr;
  }
  bool number_integer(json::number_integer_t value) {
    JsonNode node;
    node.type = JsonType::kInteger;
    node.integer = value;
    node.real = static_cast<double>(value);
    return Add(std::move(node)) != nullptr;
  }
  bool number_unsigned(json::number_unsigned_t value) {
    JsonNode node;
    node.real = static_cast<double>(value);
    if (value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      node.type = JsonType::kInteger;
      node.integer = static_cast<int64_t>(value);
    } else {
      node.type = JsonType::kBigInteger;
    }
    return Add(std::move(node)) != nullptr;
  }
  bool number_float(json::number_float_t value, const json::string_t& literal) {
    JsonNode node;
    node.real = value;
    // nlohmann hands integer literals too large for 64 bits over as doubles; the literal text
    // tells them apart from decimals, which carry a '.', 'e' or 'E'.
    bool integral = !literal.empty();
    for (char c : literal) {
      if (c == '.' || c == 'e' || c == 'E') integral = false;
    }
    node.type = integral ? JsonType::kBigInteger : JsonType::kReal;
    return Add(std::move(node)) != nullptr;
  }
  bool string(json::string_t& value) {
    JsonNode node;
    node.type = JsonType::kString;
    node.text = std::move(value);
    return Add(std::move(node)) != nullptr;
  }
  bool binary(json::binary_t&) { return false; }  // never produced by the JSON text format

  bool start_object(std::size_t) { return Open(JsonType::kObject); }
  bool start_array(std::size_t) { return Open(JsonType::kArray); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(json::string_t& key) {
    JsonNode* object = stack_.back();
    object->keys.push_back(std::move(key));
    object->key_order.push_back(next_order_++);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    JsonParseError error;
    // nlohmann reports how many bytes it read, including the first one that no JSON text could
    // continue with ("tru}" fails at the '}').
    error.byte_offset = position > 0 ? position - 1 : 0;
    std::string what = e.what();
    // Drop the "[json.exception.parse_error.101] " prefix: it means nothing to a user.
    size_t bracket = what.find("] ");
    if (what.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    error.message =
        "invalid JSON at byte " + std::to_string(error.byte_offset) + ": " + std::move(what);
    error_ = std::move(error);
    return false;
  }

  JsonParseResult Finish(bool parsed) {
    JsonParseResult result;
    if (error_) {
      result.error = std::move(error_);
    } else if (!parsed || !root_ || !stack_.empty()) {
      result.error = JsonParseError{"invalid JSON: the document is incomplete", 0, ""};
    } else {
      result.root = std::move(root_);
    }
    return result;
  }

 private:
  // Attaches a finished value to the open container (or makes it the root).
  JsonNode* Add(JsonNode&& node) {
    node.order = next_order_++;
    node.end_order = node.order;
    if (stack_.empty()) {
      if (root_) return nullptr;  // a second top-level value; the parser rejects it anyway
      root_ = std::move(node);
      return &*root_;
    }
    JsonNode* parent = stack_.back();
    parent->items.push_back(std::move(node));
    return &parent->items.back();
  }

  bool Open(JsonType type) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      JsonParseError error;
      error.path = CurrentPath();
      error.message = "the document nests containers deeper than " + std::to_string(max_depth_) +
                      " levels; the limit is " + std::to_string(max_depth_);
      error_ = std::move(error);
      return false;
    }
    JsonNode node;
    node.type = type;
    JsonNode* added = Add(std::move(node));
    if (added == nullptr) return false;
    stack_.push_back(added);
    return true;
  }

  bool Close() {
    if (stack_.empty()) return false;
    stack_.back()->end_order = next_order_++;
    stack_.pop_back();
    return true;
  }

  // The JSON pointer of the value about to be added to the innermost open container.
  std::string CurrentPath() const {
    std::string path;
    for (const JsonNode* container : stack_) {
      // Each container's child on the path is its last item (or, for the innermost, the next).
      bool innermost = container == stack_.back();
      if (container->type == JsonType::kArray) {
        size_t index = container->items.size() - (innermost ? 0 : 1);
        path = JsonPointerAppend(path, index);
      } else if (!container->keys.empty()) {
        path = JsonPointerAppend(path, container->keys.back());
      }
    }
    return path;
  }

  int max_depth_;
  uint64_t next_order_ = 0;
  std::optional<JsonNode> root_;
  std::vector<JsonNode*> stack_;
  std::optional<JsonParseError> error_;
};

}  // namespace

const char* JsonTypeName(JsonType type) {
  switch (type) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return "boolean";
    case JsonType::kInteger:
    case JsonType::kBigInteger:
      return "integer";
    case JsonType::kReal:
      return "number";
    case JsonType::kString:
      return "string";
    case JsonType::kArray:
      return "array";
    case JsonType::kObject:
      return "object";
  }
  return "value";
}

const JsonNode* JsonNode::Find(std::string_view key) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

JsonParseResult ParseJsonDocument(std::string_view text, int max_depth) {
  DocumentBuilder builder(max_depth);
  bool parsed = false;
  try {
    parsed = nlohmann::json::sax_parse(text.data(), text.data() + text.size(), &builder);
  } catch (const nlohmann::json::exception& e) {
    JsonParseResult result;
    result.error = JsonParseError{std::string("invalid JSON: ") + e.what(), 0, ""};
    return result;
  }
  return builder.Finish(parsed);
}

std::string JsonPointerAppend(const std::string& pointer, std::string_view token) {
  std::string out = pointer;
  out.reserve(pointer.size() + token.size() + 1);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string JsonPointerAppend(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

}  // namespace frocket
