// CsvReader against hand-written RFC 4180 inputs: every expected field is spelled out from the
// input text. Small chunk sizes force records across buffer refills.
#include "prepare/csv_reader.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace frocket::prepare {
namespace {

struct ReadRow {
  int64_t line;
  std::vector<std::optional<std::string>> fields;  // nullopt = null
  std::string error;
};

std::vector<ReadRow> ReadAll(const std::string& text, size_t chunk,
                             std::vector<std::string>* header = nullptr) {
  CsvReader reader(MakeStringInput(text), "t.csv", chunk);
  if (header != nullptr) *header = reader.columns();
  std::vector<ReadRow> rows;
  SourceRow row;
  while (reader.Next(&row)) {
    ReadRow r{row.line, {}, row.error};
    if (row.error.empty()) {
      for (const Cell& cell : row.cells) {
        if (cell.kind == CellKind::kNull) {
          r.fields.push_back(std::nullopt);
        } else {
          EXPECT_EQ(cell.kind, CellKind::kText);
          r.fields.emplace_back(cell.text);
        }
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

using F = std::vector<std::optional<std::string>>;

class CsvReaderTest : public ::testing::TestWithParam<size_t> {};

TEST_P(CsvReaderTest, QuotesDoubledQuotesNewlinesAndCrlf) {
  const std::string text =
      "a,b,c\r\n"
      "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
      "2,\"line1\nline2\r\nline3\",z\n"
      "3,,\"\"\n"
      "4,plain\"quote,\r\n";
  std::vector<std::string> header;
  std::vector<ReadRow> rows = ReadAll(text, GetParam(), &header);
  EXPECT_EQ(header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].fields, (F{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_EQ(rows[1].fields, (F{"2", "line1\nline2\r\nline3", "z"}));
  EXPECT_EQ(rows[1].line, 3);
  // Unquoted empty is null, quoted empty is the empty string.
  EXPECT_EQ(rows[2].fields, (F{"3", std::nullopt, ""}));
  EXPECT_EQ(rows[2].line, 6);  // the record before spans lines 3-5
  EXPECT_EQ(rows[3].fields, (F{"4", "plain\"quote", std::nullopt}));
  EXPECT_EQ(rows[3].line, 7);
}

TEST_P(CsvReaderTest, LastRecordWithoutNewlineAndBlankLines) {
  std::vector<ReadRow> rows = ReadAll("\xEF\xBB\xBFk,v\n\n1,a\n\r\n2,\"b\"", GetParam());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (F{"1", "a"}));
  EXPECT_EQ(rows[0].line, 3);
  EXPECT_EQ(rows[1].fields, (F{"2", "b"}));
  EXPECT_EQ(rows[1].line, 5);
}

TEST_P(CsvReaderTest, BadRowsKeepLineNumbersAndTheReaderRecovers) {
  const std::string text =
      "a,b,c\n"
      "1,2\n"          // line 2: missing trailing field
      "1,2,3,4\n"      // line 3: one field too many
      "\"x\"y,2,3\n"   // line 4: text after a closing quote
      "5,6,7\n"        // line 5: good
      "8,9,\"open\n";  // line 6: quote never closed
  std::vector<ReadRow> rows = ReadAll(text, GetParam());
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_NE(rows[0].error.find("missing trailing fields"), std::string::npos) << rows[0].error;
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_NE(rows[1].error.find("4 fields, expected 3"), std::string::npos) << rows[1].error;
  EXPECT_EQ(rows[2].line, 4);
  EXPECT_NE(rows[2].error.find("after the closing quote"), std::string::npos) << rows[2].error;
  EXPECT_EQ(rows[3].line, 5);
  EXPECT_TRUE(rows[3].error.empty());
  EXPECT_EQ(rows[3].fields, (F{"5", "6", "7"}));
  EXPECT_EQ(rows[4].line, 6);
  EXPECT_NE(rows[4].error.find("not closed"), std::string::npos) << rows[4].error;
}

INSTANTIATE_TEST_SUITE_P(ChunkSizes, CsvReaderTest, ::testing::Values(1, 2, 3, 7, 1 << 20));

TEST(CsvReaderHeaderTest, RejectsEmptyInputAndBadHeaders) {
  EXPECT_THROW(CsvReader(MakeStringInput(""), "t.csv"), Error);
  EXPECT_THROW(CsvReader(MakeStringInput("\n\n"), "t.csv"), Error);
  EXPECT_THROW(CsvReader(MakeStringInput("a,,b\n"), "t.csv"), Error);
  EXPECT_THROW(CsvReader(MakeStringInput("a,b,a\n"), "t.csv"), Error);
}

TEST(CsvReaderHeaderTest, RecordLongerThanTheLimitFails) {
  std::string text = "a,b\n1,\"" + std::string(5000, 'x');  // an unterminated quote
  CsvReader reader(MakeStringInput(text), "t.csv", 64, 1024);
  SourceRow row;
  EXPECT_THROW(reader.Next(&row), Error);
}

}  // namespace
}  // namespace frocket::prepare
