// Interoperability test: other Parquet writers produce files, and frocket's reader must read
// every cell the way DuckDB does.
//
// The node scripts next to this file write the files into a temporary directory, each with a
// `<file>.expected.jsonl` (format in duckdb_session.mjs: a header line with the column names and
// DuckDB types, then one JSON array of DuckDB VARCHAR texts per row, null for null):
//   - write_duckdb_files.mjs: DuckDB writes every type it can, every codec, v1/v2 encodings,
//     several row-group sizes, sorted event data, dictionary overflow, an empty file; the
//     expected values are DuckDB's reading of each file.
//   - write_other_files.mjs: arrow-rs (parquet-wasm) and hyparquet-writer write what DuckDB
//     cannot (DataPageV2, legacy LZ4, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT on integers, dictionary
//     fallback); the expected values are the ground truth the files were written from, in
//     DuckDB's text form.
// Each test reads every row group and column twice (materialized, and in dictionary form where
// the reader keeps it) and compares each cell with DuckDbTextMatches; it also checks column
// names, DuckDB type names and row counts.
//
// Needs node and the npm packages of tests/interop (`npm ci` there). The tests skip when
// FROCKET_TEST_NODE_MODULES is unset or node is missing; scripts/test.sh sets it. Set
// FROCKET_KEEP_INTEROP_FILES=1 to keep the generated files (they are kept anyway when a test
// fails, and the directory is printed).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "parquet/file_reader.h"
#include "storage/file.h"
#include "support/background_process.h"
#include "support/duckdb_text.h"

namespace frocket {
namespace {

namespace fs = std::filesystem;

// How many mismatching cells are shown per file and column; the rest are only counted.
constexpr int kShownMismatchesPerColumn = 5;
// Long strings are cut in messages.
constexpr size_t kShownTextLength = 160;

using test_support::NodeSkipReason;
using test_support::ReadWholeFile;

std::string Shown(std::string_view text) {
  std::string out = nlohmann::json(std::string(text.substr(0, kShownTextLength)))
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kShownTextLength) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::string Shown(const std::optional<std::string>& text) {
  return text ? Shown(std::string_view(*text)) : std::string("NULL");
}

// Appends the UTF-8 encoding of `code_point` to `out`.
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

// Parses one row line of an expected file: a JSON array whose elements are strings or null.
// A dedicated parser because the expected files hold millions of cells and a general JSON
// library spends most of this test's time (in debug and sanitizer builds) building DOM nodes.
// Returns false with `error` set on anything else.
bool ParseRowLine(std::string_view line, std::vector<std::optional<std::string>>* cells,
                  std::string* error) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
  };
  auto fail = [&](const std::string& what) {
    *error = what + " at offset " + std::to_string(i);
    return false;
  };
  auto hex4 = [&](uint32_t* value) {
    if (i + 4 > line.size()) return false;
    *value = 0;
    for (int k = 0; k < 4; ++k) {
      char c = line[i++];
      *value <<= 4;
      if (c >= '0' && c <= '9') {
        *value |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        *value |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        *value |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  };
  cells->clear();
  skip_space();
  if (i >= line.size() || line[i] != '[') return fail("expected '['");
  ++i;
  skip_space();
  if (i < line.size() && line[i] == ']') {
    ++i;
    skip_space();
    if (i != line.size()) return fail("trailing characters");
    return true;
  }
  while (true) {
    skip_space();
    if (line.substr(i, 4) == "null") {
      cells->emplace_back(std::nullopt);
      i += 4;
    } else if (i < line.size() && line[i] == '"') {
      ++i;
      std::string text;
      while (true) {
        if (i >= line.size()) return fail("unterminated string");
        char c = line[i++];
        if (c == '"') break;
        if (c != '\\') {
          text.push_back(c);
          continue;
        }
        if (i >= line.size()) return fail("unterminated escape");
        char e = line[i++];
        switch (e) {
          case '"':
            text.push_back('"');
            break;
          case '\\':
            text.push_back('\\');
            break;
          case '/':
            text.push_back('/');
            break;
          case 'b':
            text.push_back('\b');
            break;
          case 'f':
            text.push_back('\f');
            break;
          case 'n':
            text.push_back('\n');
            break;
          case 'r':
            text.push_back('\r');
            break;
          case 't':
            text.push_back('\t');
            break;
          case 'u': {
            uint32_t unit;
            if (!hex4(&unit)) return fail("bad \\u escape");
            if (unit >= 0xD800 && unit < 0xDC00) {
              uint32_t low;
              if (line.substr(i, 2) != "\\u") return fail("lone high surrogate");
              i += 2;
              if (!hex4(&low) || low < 0xDC00 || low >= 0xE000) return fail("bad low surrogate");
              unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            } else if (unit >= 0xDC00 && unit < 0xE000) {
              return fail("lone low surrogate");
            }
            AppendUtf8(unit, &text);
            break;
          }
          default:
            return fail("unknown escape");
        }
      }
      cells->emplace_back(std::move(text));
    } else {
      return fail("expected a string or null");
    }
    skip_space();
    if (i < line.size() && line[i] == ',') {
      ++i;
      continue;
    }
    if (i < line.size() && line[i] == ']') {
      ++i;
      skip_space();
      if (i != line.size()) return fail("trailing characters");
      return true;
    }
    return fail("expected ',' or ']'");
  }
}

// One `.expected.jsonl` file.
struct Expected {
  std::vector<std::string> names;
  std::vector<std::string> types;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Parses an expected file; on a malformed one, returns nullopt and sets `error`.
std::optional<Expected> ParseExpected(const fs::path& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot open " + path.string();
    return std::nullopt;
  }
  Expected expected;
  std::string line;
  int64_t line_number = 0;
  try {
    if (!std::getline(in, line)) {
      *error = path.string() + " is empty";
      return std::nullopt;
    }
    ++line_number;
    nlohmann::json header = nlohmann::json::parse(line);
    for (const auto& column : header.at("columns")) {
      expected.names.push_back(column.at(0).get<std::string>());
      expected.types.push_back(column.at(1).get<std::string>());
    }
    while (std::getline(in, line)) {
      ++line_number;
      if (line.empty()) continue;
      std::vector<std::optional<std::string>> cells;
      std::string row_error;
      if (!ParseRowLine(line, &cells, &row_error)) {
        *error = path.string() + ":" + std::to_string(line_number) + ": " + row_error;
        return std::nullopt;
      }
      if (cells.size() != expected.names.size()) {
        *error = path.string() + ":" + std::to_string(line_number) + ": expected " +
                 std::to_string(expected.names.size()) + " cells, found " +
                 std::to_string(cells.size());
        return std::nullopt;
      }
      expected.rows.push_back(std::move(cells));
    }
    if (header.contains("num_rows") &&
        header.at("num_rows").get<int64_t>() != static_cast<int64_t>(expected.rows.size())) {
      *error = path.string() + ": header says " + header.at("num_rows").dump() + " rows, found " +
               std::to_string(expected.rows.size());
      return std::nullopt;
    }
  } catch (const nlohmann::json::exception& e) {
    *error = path.string() + ":" + std::to_string(line_number) + ": " + e.what();
    return std::nullopt;
  }
  return expected;
}

// The files one node script generated, in a temporary directory that outlives the test (it is
// removed by the fixture's TearDownTestSuite when every test passed).
struct Generated {
  fs::path dir;
  std::string error;            // why generation failed; empty on success
  std::vector<fs::path> files;  // the .parquet files, sorted
};

std::vector<fs::path>& DirectoriesToRemove() {
  static std::vector<fs::path> dirs;
  return dirs;
}

Generated Generate(const std::string& script) {
  Generated result;
  std::string pattern = (fs::temp_directory_path() / "frocket-interop-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    result.error = "mkdtemp failed for " + pattern;
    return result;
  }
  result.dir = pattern;
  DirectoriesToRemove().push_back(result.dir);
  fs::path script_path = fs::path(FROCKET_SOURCE_DIR) / "tests" / "interop" / script;
  fs::path log = result.dir / (script + ".log");
  if (std::optional<std::string> error =
          test_support::RunLogged({"node", script_path.string(), result.dir.string()}, log)) {
    result.error = *error;
    return result;
  }
  for (const auto& entry : fs::directory_iterator(result.dir)) {
    if (entry.path().extension() == ".parquet") result.files.push_back(entry.path());
  }
  std::sort(result.files.begin(), result.files.end());
  return result;
}

// Mismatches of one column of one file.
struct ColumnMismatches {
  int64_t count = 0;
  std::vector<std::string> shown;
};

// Compares one column chunk read by frocket with the expected rows [first_row, first_row +
// vector.size). `form` names the read mode in messages.
void CompareChunk(const parquet::ColumnDescriptor& column, const parquet::ColumnVector& vector,
                  const Expected& expected, int column_index, int row_group, int64_t first_row,
                  const char* form, ColumnMismatches* mismatches) {
  for (int64_t r = 0; r < vector.size; ++r) {
    const std::optional<std::string>& want = expected.rows[first_row + r][column_index];
    std::optional<std::string> got = testing::DuckDbText(column, vector, r);
    bool same = want.has_value() == got.has_value() &&
                (!want || testing::DuckDbTextMatches(column, *want, *got));
    if (same) continue;
    if (++mismatches->count <= kShownMismatchesPerColumn) {
      mismatches->shown.push_back("row " + std::to_string(first_row + r) + " (row group " +
                                  std::to_string(row_group) + ", row " + std::to_string(r) +
                                  " in it, " + form + "): expected " + Shown(want) + ", got " +
                                  Shown(got));
    }
  }
}

// Reads `file` with frocket and compares it with its `.expected.jsonl`; every difference is a
// non-fatal failure naming the file, column, row, expected and actual text.
void CheckFile(const fs::path& file) {
  const std::string name = file.filename().string();
  SCOPED_TRACE("file " + file.string());
  std::string error;
  std::optional<Expected> expected = ParseExpected(file.string() + ".expected.jsonl", &error);
  if (!expected) {
    ADD_FAILURE() << name << ": bad expected file: " << error;
    return;
  }

  std::unique_ptr<parquet::ParquetFile> reader;
  try {
    reader = parquet::ParquetFile::Open(OpenLocalFile(file.string()));
  } catch (const Error& e) {
    ADD_FAILURE() << name << ": Open failed (" << ErrorKindName(e.kind()) << "): " << e.what();
    return;
  }
  const parquet::Schema& schema = reader->schema();

  if (schema.num_columns() != static_cast<int>(expected->names.size())) {
    ADD_FAILURE() << name << ": frocket sees " << schema.num_columns() << " columns, DuckDB "
                  << expected->names.size();
    return;
  }
  for (int c = 0; c < schema.num_columns(); ++c) {
    const parquet::ColumnDescriptor& column = schema.column(c);
    if (column.name != expected->names[c]) {
      ADD_FAILURE() << name << ": column " << c << " is named '" << column.name
                    << "', DuckDB says '" << expected->names[c] << "'";
    }
    const std::string type = testing::DuckDbTypeName(column);
    if (type != expected->types[c]) {
      ADD_FAILURE() << name << ": column '" << column.name << "' (physical "
                    << parquet::PhysicalTypeText(column) << ", logical '" << column.logical_name
                    << "') maps to DuckDB type " << type << ", DuckDB says " << expected->types[c];
    }
  }
  if (reader->num_rows() != static_cast<int64_t>(expected->rows.size())) {
    ADD_FAILURE() << name << ": frocket counts " << reader->num_rows() << " rows, expected "
                  << expected->rows.size();
    return;
  }

  std::vector<ColumnMismatches> mismatches(schema.num_columns());
  int64_t first_row = 0;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    const int64_t rows = reader->row_group_num_rows(rg);
    for (int c = 0; c < schema.num_columns(); ++c) {
      const parquet::ColumnDescriptor& column = schema.column(c);
      for (bool keep_dictionary : {false, true}) {
        parquet::ReadOptions options;
        options.keep_dictionary = keep_dictionary;
        const char* form = keep_dictionary ? "dictionary form" : "materialized";
        parquet::ColumnVector vector;
        try {
          vector = reader->ReadColumn(rg, c, options);
        } catch (const Error& e) {
          ADD_FAILURE() << name << ": ReadColumn(row group " << rg << ", column '" << column.name
                        << "', " << form << ") failed (" << ErrorKindName(e.kind())
                        << "): " << e.what();
          break;
        }
        if (vector.size != rows) {
          ADD_FAILURE() << name << ": column '" << column.name << "' row group " << rg << " ("
                        << form << ") has " << vector.size << " values, expected " << rows;
          break;
        }
        // The dictionary-form read only adds something when the reader kept a dictionary.
        if (keep_dictionary && !vector.has_dictionary()) break;
        CompareChunk(column, vector, *expected, c, rg, first_row, form, &mismatches[c]);
      }
    }
    first_row += rows;
  }

  for (int c = 0; c < schema.num_columns(); ++c) {
    if (mismatches[c].count == 0) continue;
    const parquet::ColumnDescriptor& column = schema.column(c);
    std::string shown;
    for (const std::string& line : mismatches[c].shown) shown += "\n    " + line;
    ADD_FAILURE() << name << ": column '" << column.name << "' (" << expected->types[c]
                  << ", physical " << parquet::PhysicalTypeText(column)
                  << "): " << mismatches[c].count
                  << " cell readings differ from the expected text (the materialized and the "
                     "dictionary-form reading count apart)"
                  << shown;
  }
}

class InteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::optional<std::string> reason = NodeSkipReason()) GTEST_SKIP() << *reason;
  }

  static void TearDownTestSuite() {
    const ::testing::TestSuite* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    const bool keep = std::getenv("FROCKET_KEEP_INTEROP_FILES") != nullptr ||
                      (suite != nullptr && suite->failed_test_count() > 0);
    for (const fs::path& dir : DirectoriesToRemove()) {
      if (keep) {
        std::printf("interop test: generated files kept in %s\n", dir.c_str());
      } else {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
      }
    }
    DirectoriesToRemove().clear();
  }

  // Generates with `script` and checks every file; at least `min_files` must come out, so a
  // generator that silently wrote nothing fails.
  static void CheckAllFiles(const std::string& script, size_t min_files) {
    Generated generated = Generate(script);
    ASSERT_TRUE(generated.error.empty()) << generated.error;
    ASSERT_GE(generated.files.size(), min_files)
        << script << " wrote too few files into " << generated.dir;
    for (const fs::path& file : generated.files) CheckFile(file);
  }
};

// The row parser against nlohmann::json on the escapes JSON.stringify produces (and a few it
// does not), so a parser bug cannot turn into silently wrong expectations.
TEST(InteropExpectedFileTest, RowParserAgreesWithJsonLibrary) {
  const std::vector<std::string> lines = {
      R"([])",
      R"([null])",
      R"(["a", null , "b"])",
      R"(["","\"","\\x00\\xFF","tab\tnl\nret\rff\fbs\b/\/"])",
      R"(["\u0000\u001f","h\u00e9llo","\u2713","\ud83d\ude80","héllo ✓ 🚀"])",
  };
  for (const std::string& line : lines) {
    SCOPED_TRACE(line);
    std::vector<std::optional<std::string>> cells;
    std::string error;
    ASSERT_TRUE(ParseRowLine(line, &cells, &error)) << error;
    nlohmann::json reference = nlohmann::json::parse(line);
    ASSERT_EQ(cells.size(), reference.size());
    for (size_t k = 0; k < cells.size(); ++k) {
      if (reference[k].is_null()) {
        EXPECT_FALSE(cells[k].has_value()) << "cell " << k;
      } else {
        ASSERT_TRUE(cells[k].has_value()) << "cell " << k;
        EXPECT_EQ(*cells[k], reference[k].get<std::string>()) << "cell " << k;
      }
    }
  }
  for (const char* bad : {"", "[", R"(["a")", R"(["a",])", R"([1])", R"(["\x"])", R"(["\ud83d"])",
                          R"(["\ude80"])", R"([null] x)"}) {
    std::vector<std::optional<std::string>> cells;
    std::string error;
    EXPECT_FALSE(ParseRowLine(bad, &cells, &error)) << bad;
  }
}

TEST_F(InteropTest, DuckDbWrittenFilesReadLikeDuckDb) {
  CheckAllFiles("write_duckdb_files.mjs", 21);
}

TEST_F(InteropTest, ArrowRsAndHyparquetFilesMatchGroundTruth) {
  CheckAllFiles("write_other_files.mjs", 15);
}

}  // namespace
}  // namespace frocket
