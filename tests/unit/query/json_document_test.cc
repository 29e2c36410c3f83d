#include "query/json_document.h"

#include <gtest/gtest.h>

#include <string>

namespace frocket {
namespace {

JsonNode MustParse(std::string_view text) {
  JsonParseResult result = ParseJsonDocument(text, 64);
  if (!result.root) {
    ADD_FAILURE() << result.error->message;
    return JsonNode{};
  }
  return std::move(*result.root);
}

TEST(JsonDocumentTest, PointerEscaping) {
  EXPECT_EQ(JsonPointerAppend("", "a/b~c"), "/a~1b~0c");
  EXPECT_EQ(JsonPointerAppend("/x", "~1"), "/x/~01");
  EXPECT_EQ(JsonPointerAppend("/x", size_t{12}), "/x/12");
  EXPECT_EQ(JsonPointerAppend("", ""), "/");
}

TEST(JsonDocumentTest, IntegersStayExact) {
  JsonNode root = MustParse(
      "[9007199254740993, 9223372036854775807, -9223372036854775808, 9223372036854775808, "
      "18446744073709551616, -9223372036854775809, 1e2, 2.0, -0]");
  ASSERT_EQ(root.items.size(), 9u);
  EXPECT_EQ(root.items[0].type, JsonType::kInteger);
  EXPECT_EQ(root.items[0].integer, 9007199254740993);  // 2^53 + 1: not a double
  EXPECT_EQ(root.items[1].integer, INT64_MAX);
  EXPECT_EQ(root.items[2].integer, INT64_MIN);
  EXPECT_EQ(root.items[3].type, JsonType::kBigInteger);  // 2^63: only fits uint64
  EXPECT_EQ(root.items[4].type, JsonType::kBigInteger);  // 2^64: fits nothing
  EXPECT_EQ(root.items[5].type, JsonType::kBigInteger);
  EXPECT_EQ(root.items[6].type, JsonType::kReal);
  EXPECT_EQ(root.items[6].real, 100.0);
  EXPECT_EQ(root.items[7].type, JsonType::kReal);
  EXPECT_EQ(root.items[8].type, JsonType::kInteger);
  EXPECT_EQ(root.items[8].integer, 0);
}

TEST(JsonDocumentTest, MembersKeepDocumentOrderAndRanks) {
  JsonNode root = MustParse(R"({"z": 1, "a": {"k": [true]}, "z": null})");
  ASSERT_EQ(root.keys.size(), 3u);
  EXPECT_EQ(root.keys[0], "z");
  EXPECT_EQ(root.keys[1], "a");
  EXPECT_EQ(root.keys[2], "z");  // duplicates are kept; the validator rejects them
  EXPECT_EQ(root.Find("z")->integer, 1);
  // Ranks increase in document order: a key, then its value, then the next key.
  EXPECT_LT(root.order, root.key_order[0]);
  EXPECT_LT(root.key_order[0], root.items[0].order);
  EXPECT_LT(root.items[0].order, root.key_order[1]);
  const JsonNode& inner = root.items[1];
  EXPECT_LT(inner.key_order[0], inner.items[0].items[0].order);
  EXPECT_LT(inner.items[0].items[0].order, inner.end_order);
  EXPECT_LT(inner.end_order, root.key_order[2]);
  EXPECT_LT(root.items[2].order, root.end_order);
}

TEST(JsonDocumentTest, SyntaxErrorsGiveTheByteOffset) {
  JsonParseResult result = ParseJsonDocument(R"({"a": tru})", 64);
  ASSERT_TRUE(result.error);
  EXPECT_FALSE(result.root);
  // "tru" could still become "true"; the '}' at byte 9 is the first byte no JSON text allows.
  EXPECT_EQ(result.error->byte_offset, 9u);
  EXPECT_NE(result.error->message.find("byte 9"), std::string::npos) << result.error->message;

  result = ParseJsonDocument("{} x", 64);
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->byte_offset, 3u);

  EXPECT_TRUE(ParseJsonDocument("", 64).error);
  EXPECT_TRUE(ParseJsonDocument("[1,]", 64).error);
  EXPECT_TRUE(ParseJsonDocument("\"\xff\"", 64).error);  // not UTF-8
  EXPECT_TRUE(ParseJsonDocument("{\"a\":1 // comment\n}", 64).error);
}

TEST(JsonDocumentTest, DepthLimitNamesTheFirstNodeTooDeep) {
  JsonParseResult ok = ParseJsonDocument("[[[1]]]", 3);
  EXPECT_TRUE(ok.root);
  JsonParseResult deep = ParseJsonDocument(R"({"a": [[{"b": [1]}]]})", 4);
  ASSERT_TRUE(deep.error);
  EXPECT_EQ(deep.error->path, "/a/0/0/b");
  // A hostile depth fails fast instead of exhausting the stack.
  JsonParseResult hostile = ParseJsonDocument(std::string(1 << 20, '['), 64);
  ASSERT_TRUE(hostile.error);
  EXPECT_EQ(hostile.error->path.size(), 2u * 64);
}

}  // namespace
}  // namespace frocket
