// Runs the declarative validation cases of tests/queries/validation: one JSON file per case with
// a query (or raw "queryText" when the literal text matters) and the expected error {kind, path,
// position?, messageContains?}, or "error": null for a query that must be accepted. Every case
// runs against the dataset in _dataset.json unless it carries its own "dataset".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "query/query_parser.h"

namespace frocket {
namespace {

namespace fs = std::filesystem;
// ordered_json keeps the keys in file order, which the "first error in document order" cases
// depend on.
using ordered_json = nlohmann::ordered_json;

fs::path CaseDirectory() { return fs::path(FROCKET_SOURCE_DIR) / "tests/queries/validation"; }

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

ColumnKind KindFromName(const std::string& name) {
  if (name == "INT") return ColumnKind::kInt;
  if (name == "FLOAT") return ColumnKind::kFloat;
  if (name == "STRING") return ColumnKind::kString;
  if (name == "BOOL") return ColumnKind::kBool;
  return ColumnKind::kUnsupported;
}

DatasetSchema SchemaFromJson(const ordered_json& json) {
  DatasetSchema schema;
  schema.group_id_column = json.at("groupIdColumn").get<std::string>();
  schema.timestamp_column = json.at("timestampColumn").get<std::string>();
  for (const auto& column : json.at("columns")) {
    DatasetColumn c;
    c.name = column.at("name").get<std::string>();
    c.kind = KindFromName(column.at("kind").get<std::string>());
    if (column.contains("reason")) c.unsupported_reason = column.at("reason").get<std::string>();
    schema.columns.push_back(std::move(c));
  }
  return schema;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(CaseDirectory())) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name[0] != '_') {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ValidationCaseTest : public testing::TestWithParam<std::string> {};

TEST_P(ValidationCaseTest, MatchesExpectation) {
  const ordered_json spec = ordered_json::parse(ReadText(CaseDirectory() / (GetParam() + ".json")));
  const DatasetSchema schema = SchemaFromJson(
      spec.contains("dataset") ? spec.at("dataset")
                               : ordered_json::parse(ReadText(CaseDirectory() / "_dataset.json")));
  const std::string text = spec.contains("queryText") ? spec.at("queryText").get<std::string>()
                                                      : spec.at("query").dump();
  SCOPED_TRACE(spec.at("description").get<std::string>());
  SCOPED_TRACE(text.size() < 2000 ? text : text.substr(0, 2000) + "...");

  ParseResult result = ParseQuery(text, schema);
  const ordered_json& expected = spec.at("error");
  if (expected.is_null()) {
    ASSERT_TRUE(result.ok()) << QueryErrorKindName(result.error->kind) << " at '"
                             << result.error->path << "': " << result.error->message;
    return;
  }
  ASSERT_FALSE(result.ok()) << "the query was accepted";
  const QueryError& error = *result.error;
  EXPECT_EQ(QueryErrorKindName(error.kind), expected.at("kind").get<std::string>())
      << error.message;
  EXPECT_EQ(error.path, expected.at("path").get<std::string>()) << error.message;
  if (expected.contains("position")) {
    ASSERT_TRUE(error.position.has_value()) << error.message;
    EXPECT_EQ(*error.position, expected.at("position").get<size_t>()) << error.message;
  }
  if (expected.contains("messageContains")) {
    EXPECT_NE(error.message.find(expected.at("messageContains").get<std::string>()),
              std::string::npos)
        << error.message;
  }
}

INSTANTIATE_TEST_SUITE_P(QueryValidation, ValidationCaseTest, testing::ValuesIn(CaseNames()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace frocket
