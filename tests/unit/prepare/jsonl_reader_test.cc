// JsonlReader against hand-written lines; expected cells are read off the JSON text.
#include "prepare/jsonl_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace frocket::prepare {
namespace {

struct Got {
  int64_t line;
  std::vector<std::pair<CellKind, std::string>> cells;
  std::string error;
};

std::vector<Got> ReadAll(const std::string& text, size_t chunk, std::vector<std::string>* columns) {
  JsonlReader reader(MakeStringInput(text), "t.jsonl", chunk);
  std::vector<Got> rows;
  SourceRow row;
  while (reader.Next(&row)) {
    Got g{row.line, {}, row.error};
    if (row.error.empty()) {
      for (const Cell& c : row.cells) g.cells.emplace_back(c.kind, std::string(c.text));
    }
    rows.push_back(std::move(g));
  }
  *columns = reader.columns();
  return rows;
}

class JsonlReaderTest : public ::testing::TestWithParam<size_t> {};

TEST_P(JsonlReaderTest, ValuesKeysAndNesting) {
  const std::string text =
      "{\"id\": 1, \"name\": \"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\", \"ok\": true}\r\n"
      "\n"
      "  {\"name\":null,\"id\":-2.5e3,\"extra\":{\"x\":[1,\"]\"]},\"ok\":false}  \n"
      "{}\n";
  std::vector<std::string> columns;
  std::vector<Got> rows = ReadAll(text, GetParam(), &columns);
  EXPECT_EQ(columns, (std::vector<std::string>{"id", "name", "ok", "extra"}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 1);
  ASSERT_EQ(rows[0].cells.size(), 3u);
  EXPECT_EQ(rows[0].cells[0], std::make_pair(CellKind::kText, std::string("1")));
  // é is U+00E9 (C3 A9); the surrogate pair D83D DE00 is U+1F600 (F0 9F 98 80).
  EXPECT_EQ(rows[0].cells[1],
            std::make_pair(CellKind::kString, std::string("a\"b\\c\xC3\xA9\xF0\x9F\x98\x80")));
  EXPECT_EQ(rows[0].cells[2], std::make_pair(CellKind::kBool, std::string("true")));
  EXPECT_EQ(rows[1].line, 3);
  ASSERT_EQ(rows[1].cells.size(), 4u);
  EXPECT_EQ(rows[1].cells[0], std::make_pair(CellKind::kText, std::string("-2.5e3")));
  EXPECT_EQ(rows[1].cells[1].first, CellKind::kNull);
  EXPECT_EQ(rows[1].cells[2], std::make_pair(CellKind::kBool, std::string("false")));
  EXPECT_EQ(rows[1].cells[3], std::make_pair(CellKind::kString, std::string("{\"x\":[1,\"]\"]}")));
  EXPECT_EQ(rows[2].line, 4);
  for (const auto& cell : rows[2].cells) EXPECT_EQ(cell.first, CellKind::kNull);
}

TEST_P(JsonlReaderTest, BadLines) {
  const std::string text =
      "[1,2]\n"                  // 1: not an object
      "{\"a\":1,\"a\":2}\n"      // 2: repeated key
      "{\"a\":01}\n"             // 3: leading zero
      "{\"a\":\"x\\q\"}\n"       // 4: bad escape
      "{\"a\":\"\\ud800\"}\n"    // 5: lone surrogate
      "{\"a\":1} x\n"            // 6: trailing text
      "{\"a\":tru}\n"            // 7: bad literal
      "{\"a\":\"tab\there\"}\n"  // 8: raw control character
      "{\"a\":[1,2}\n"           // 9: mismatched bracket
      "{\"a\":\"fine\"}";        // 10: good, no final newline
  std::vector<std::string> columns;
  std::vector<Got> rows = ReadAll(text, GetParam(), &columns);
  ASSERT_EQ(rows.size(), 10u);
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(rows[static_cast<size_t>(i)].line, i + 1);
    EXPECT_FALSE(rows[static_cast<size_t>(i)].error.empty()) << "line " << i + 1;
  }
  EXPECT_TRUE(rows[9].error.empty()) << rows[9].error;
  EXPECT_EQ(rows[9].line, 10);
  EXPECT_EQ(rows[9].cells[0], std::make_pair(CellKind::kString, std::string("fine")));
}

INSTANTIATE_TEST_SUITE_P(ChunkSizes, JsonlReaderTest, ::testing::Values(1, 5, 1 << 20));

}  // namespace
}  // namespace frocket::prepare
