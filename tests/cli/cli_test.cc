// End-to-end tests of the `frocket` binary: they run it as a user would and check its stdout,
// stderr and exit code. Expected values come from the corpus, never from frocket itself:
// DuckDB's dumps (expected/duckdb/*.jsonl), the generated files' ground truth
// (data/generated/gen_expected.*), upstream docs (int96_from_spark.md, data/README.md) and
// manifest.json. Tests that need the corpus skip unless FROCKET_TEST_CORPUS points at it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/background_process.h"

namespace frocket {
namespace {

using nlohmann::json;

using Result = test_support::CommandResult;

// Runs the frocket binary with `args`, capturing stdout and stderr.
Result Frocket(const std::vector<std::string>& args) { return test_support::RunFrocket(args); }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// RFC 4180 records (for the ground-truth CSV, whose fields may be quoted).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
    } else if (c == '\n') {
      record.push_back(field);
      field.clear();
      records.push_back(record);
      record.clear();
    } else {
      field += c;
    }
  }
  return records;
}

std::string Base64Decode(const std::string& text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    size_t v = alphabet.find(c);
    if (v == std::string::npos) return "<invalid base64>";
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

// DuckDB renders BLOBs with printable ASCII as is and other bytes as \xNN.
std::string DuckBlobText(const std::string& bytes) {
  std::string out;
  char buf[8];
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof(buf), "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

// Timestamps and times without the parts on which DuckDB's text and ours legitimately differ:
// the 'T' separator, trailing zeros of the fraction, and the UTC marker ("Z" / "+00").
std::string NormalizeTime(std::string s) {
  for (char& c : s) {
    if (c == 'T') c = ' ';
  }
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  if (s.size() > 3 && s.compare(s.size() - 3, 3, "+00") == 0) s.resize(s.size() - 3);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

double ParseDuckDouble(const std::string& s) {
  if (s == "nan" || s == "-nan") return NAN;
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  return std::stod(s);
}

double OurDouble(const json& v) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s == "NaN") return NAN;
    if (s == "Infinity") return INFINITY;
    if (s == "-Infinity") return -INFINITY;
    ADD_FAILURE() << "unexpected float string " << s;
    return 0;
  }
  return v.get<double>();
}

// Checks one of our JSON cells against DuckDB's VARCHAR rendering of a value of `type`.
void ExpectSameValue(const json& duck, const json& ours, const std::string& type,
                     const std::string& where) {
  if (duck.is_null() || ours.is_null()) {
    EXPECT_TRUE(duck.is_null() && ours.is_null()) << where << ": " << duck << " vs " << ours;
    return;
  }
  std::string d = duck.get<std::string>();
  if (type == "FLOAT" || type == "DOUBLE") {
    double expected = ParseDuckDouble(d), actual = OurDouble(ours);
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(actual)) << where;
    } else if (type == "FLOAT") {
      EXPECT_EQ(static_cast<float>(expected), static_cast<float>(actual)) << where;
    } else {
      EXPECT_EQ(expected, actual) << where;
    }
  } else if (type == "BOOLEAN") {
    ASSERT_TRUE(ours.is_boolean()) << where;
    EXPECT_EQ(d, ours.get<bool>() ? "true" : "false") << where;
  } else if (type == "BLOB") {
    EXPECT_EQ(d, DuckBlobText(Base64Decode(ours.get<std::string>()))) << where;
  } else if (type.rfind("TIMESTAMP", 0) == 0 || type == "TIME") {
    EXPECT_EQ(NormalizeTime(d), NormalizeTime(ours.get<std::string>())) << where;
  } else if (ours.is_number_unsigned()) {
    EXPECT_EQ(d, std::to_string(ours.get<uint64_t>())) << where;
  } else if (ours.is_number_integer()) {
    EXPECT_EQ(d, std::to_string(ours.get<int64_t>())) << where;
  } else {
    // VARCHAR, DECIMAL, DATE, UUID: the same text.
    ASSERT_TRUE(ours.is_string()) << where << ": " << ours;
    EXPECT_EQ(d, ours.get<std::string>()) << where;
  }
}

class CliCorpusTest : public testing::Test {
 protected:
  void SetUp() override {
    const char* corpus = std::getenv("FROCKET_TEST_CORPUS");
    if (corpus == nullptr || *corpus == '\0') {
      GTEST_SKIP() << "set FROCKET_TEST_CORPUS to the parquet corpus (e.g. "
                      "/work/shared/parquet-corpus) to run the CLI corpus tests";
    }
    corpus_ = corpus;
  }
  std::string Data(const std::string& name) const { return corpus_ + "/data/" + name; }

  // `frocket cat --format jsonl` of data/<file> equals DuckDB's reading, column by column.
  void ExpectMatchesDuckDb(const std::string& file) {
    SCOPED_TRACE(file);
    std::vector<std::string> expected =
        Lines(test_support::ReadWholeFile(corpus_ + "/expected/duckdb/" + file + ".jsonl"));
    ASSERT_FALSE(expected.empty());
    json header = json::parse(expected[0]);
    Result r = Frocket({"cat", Data(file), "--format", "jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> rows = Lines(r.out);
    ASSERT_EQ(rows.size() + 1, expected.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      json ours = json::parse(rows[i]);
      json duck = json::parse(expected[i + 1]);
      size_t checked = 0;
      for (size_t c = 0; c < header["columns"].size(); ++c) {
        std::string name = header["columns"][c][0];
        std::string type = header["columns"][c][1];
        if (!ours.contains(name)) continue;  // nested columns are skipped by cat
        ++checked;
        ExpectSameValue(duck[c], ours[name], type, "row " + std::to_string(i) + " " + name);
      }
      EXPECT_EQ(checked, ours.size());
    }
  }

  std::string corpus_;
};

TEST(CliTest, HelpOnEveryCommand) {
  Result top = Frocket({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("inspect"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("cat"), std::string::npos) << top.out;

  Result cat = Frocket({"cat", "--help"});
  EXPECT_EQ(cat.exit_code, 0);
  for (const char* flag : {"--columns", "--limit", "--format", "FILE"}) {
    EXPECT_NE(cat.out.find(flag), std::string::npos) << flag;
  }
  Result inspect = Frocket({"inspect", "--help"});
  EXPECT_EQ(inspect.exit_code, 0);
  EXPECT_NE(inspect.out.find("--json"), std::string::npos);

  Result version = Frocket({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("frocket ", 0), 0u) << version.out;
}

TEST(CliTest, UsageErrorsFollowCli11) {
  Result none = Frocket({});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_TRUE(none.out.empty());
  Result unknown = Frocket({"frobnicate"});
  EXPECT_NE(unknown.exit_code, 0);
  Result no_file = Frocket({"cat"});
  EXPECT_NE(no_file.exit_code, 0);
  EXPECT_NE(no_file.err.find("FILE"), std::string::npos) << no_file.err;
  Result bad_format = Frocket({"cat", "x.parquet", "--format", "xml"});
  EXPECT_NE(bad_format.exit_code, 0);
  EXPECT_TRUE(bad_format.out.empty());
  Result bad_limit = Frocket({"cat", "x.parquet", "--limit", "-3"});
  EXPECT_NE(bad_limit.exit_code, 0);
}

TEST(CliTest, MissingFileIsAnIoError) {
  std::string path = testing::TempDir() + "no_such_file.parquet";
  for (const char* command : {"cat", "inspect"}) {
    Result r = Frocket({command, path});
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_EQ(r.err.rfind("frocket: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST_F(CliCorpusTest, CatMatchesDuckDb) {
  for (const char* file :
       {"alltypes_plain.parquet", "alltypes_dictionary.parquet", "alltypes_plain.snappy.parquet",
        "binary.parquet", "byte_array_decimal.parquet", "fixed_length_decimal.parquet",
        "int32_decimal.parquet", "int64_decimal.parquet", "concatenated_gzip_members.parquet",
        "delta_byte_array.parquet", "delta_encoding_optional_column.parquet",
        "datapage_v2.snappy.parquet", "float16_nonzeros_and_nans.parquet",
        "byte_stream_split.zstd.parquet", "hyparquet/uuid.parquet", "hyparquet/duckdb4442.parquet",
        "lz4_raw_compressed.parquet"}) {
    ExpectMatchesDuckDb(file);
  }
}

TEST_F(CliCorpusTest, CatCsvMatchesGeneratedGroundTruth) {
  // Columns whose ground-truth text (DuckDB's CSV of the source table) is exactly our text;
  // floats, times and blobs are spelled differently and are checked in the JSON test below.
  const std::string columns =
      "id,b,i8,i16,i32,i64,u8,u16,u32,u64,dec_4_2,dec_18_3,dec_38_10,d,s,cat,uid";
  std::vector<std::vector<std::string>> truth =
      ParseCsv(test_support::ReadWholeFile(Data("generated/gen_expected.csv")));
  ASSERT_EQ(truth.size(), 5001u);
  std::vector<size_t> picked;
  std::vector<std::string> wanted = ParseCsv(columns + "\n")[0];
  for (const std::string& name : wanted) {
    for (size_t i = 0; i < truth[0].size(); ++i) {
      if (truth[0][i] == name) picked.push_back(i);
    }
  }
  ASSERT_EQ(picked.size(), wanted.size());
  for (const char* file : {"generated/gen_uncompressed_v1.parquet", "generated/gen_zstd_v1.parquet",
                           "generated/gen_duckdb_defaults.parquet"}) {
    SCOPED_TRACE(file);
    Result r = Frocket({"cat", Data(file), "--columns", columns});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Compare record by record, re-reading our output as CSV so that quoting is checked too.
    std::vector<std::vector<std::string>> ours = ParseCsv(r.out);
    ASSERT_EQ(ours.size(), truth.size());
    for (size_t row = 0; row < truth.size(); ++row) {
      for (size_t i = 0; i < picked.size(); ++i) {
        ASSERT_EQ(ours[row][i], truth[row][picked[i]]) << "row " << row << " column " << wanted[i];
      }
    }
    // Empty strings must be quoted ("") and nulls empty, as the ground truth writes them.
    std::vector<std::string> lines = Lines(r.out);
    EXPECT_NE(lines[2].find(",\"\","), std::string::npos) << lines[2];  // id 1: s is ''
    EXPECT_NE(lines[1].find(",,red,"), std::string::npos) << lines[1];  // id 0: s is null
  }
}

TEST_F(CliCorpusTest, CatJsonlMatchesGeneratedGroundTruth) {
  std::vector<std::string> truth =
      Lines(test_support::ReadWholeFile(Data("generated/gen_expected.jsonl")));
  std::map<std::string, std::string> types;
  for (const std::string& line :
       Lines(test_support::ReadWholeFile(Data("generated/gen_schema.txt")))) {
    size_t tab = line.find('\t');
    size_t tab2 = line.find('\t', tab + 1);
    types[line.substr(0, tab)] = line.substr(tab + 1, tab2 - tab - 1);
  }
  Result r = Frocket({"cat", Data("generated/gen_snappy_v1.parquet"), "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> rows = Lines(r.out);
  ASSERT_EQ(rows.size(), truth.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    json ours = json::parse(rows[i]);
    json expected = json::parse(truth[i]);
    ASSERT_EQ(ours.size(), expected.size());
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (it.key() == "iv") continue;  // INTERVAL: ours is base64 of the raw 12 bytes
      std::string type = types[it.key()];
      ExpectSameValue(it.value(), ours[it.key()], type,
                      "row " + std::to_string(i) + " " + it.key());
    }
    if (HasFailure()) break;
  }
  // Exact spellings for the types whose text the contract fixes.
  json row1 = json::parse(rows[1]);
  EXPECT_EQ(row1["u64"], json(uint64_t{11400714819323198485ULL}));
  EXPECT_EQ(row1["ts_us"], "1960-01-02T00:00:00.123456");
  EXPECT_EQ(row1["ts_ms"], "1960-01-02T00:00:00.123");
  EXPECT_EQ(row1["ts_ns"], "1970-01-02T00:00:00.124691356");
  EXPECT_EQ(row1["ts_tz"], "2000-01-01T01:00:00.000001Z");
  EXPECT_EQ(row1["tm"], "12:00:00.123457");
  EXPECT_EQ(row1["dec_38_10"], "-9987654321098.7654321098");
  json row3 = json::parse(rows[3]);
  EXPECT_EQ(row3["f64"], "NaN");
}

TEST_F(CliCorpusTest, CatInt96FromSpark) {
  // int96_from_spark.md gives the values as microseconds since the epoch:
  // 1704141296123456, 1704070800000000, 253402225200000000, 1735599600000000, null,
  // 9089380393200000000; these are their UTC date-times (computed with Python's datetime).
  Result r = Frocket({"cat", Data("int96_from_spark.parquet")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "a\n"
            "2024-01-01T20:34:56.123456000\n"
            "2024-01-01T01:00:00.000000000\n"
            "9999-12-31T03:00:00.000000000\n"
            "2024-12-30T23:00:00.000000000\n"
            "\n"
            "290000-12-30T23:00:00.000000000\n");
}

TEST_F(CliCorpusTest, CatLimit) {
  // alltypes_plain's rows start with ids 4, 5, 6 (DuckDB dump).
  Result r = Frocket({"cat", Data("alltypes_plain.parquet"), "--limit", "3", "--columns", "id"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "id\n4\n5\n6\n");
  Result zero = Frocket({"cat", Data("alltypes_plain.parquet"), "-n", "0", "-c", "id,bool_col"});
  ASSERT_EQ(zero.exit_code, 0) << zero.err;
  EXPECT_EQ(zero.out, "id,bool_col\n");
  Result jsonl =
      Frocket({"cat", Data("alltypes_plain.parquet"), "-n", "2", "-f", "jsonl", "-c", "id"});
  EXPECT_EQ(jsonl.out, "{\"id\":4}\n{\"id\":5}\n");
  // Across row groups: the generated files have 2048-row groups and ids 0, 1, 2, ...
  Result across = Frocket({"cat", Data("generated/gen_gzip_v1.parquet"), "-n", "3000", "-c", "id"});
  ASSERT_EQ(across.exit_code, 0) << across.err;
  std::vector<std::string> lines = Lines(across.out);
  ASSERT_EQ(lines.size(), 3001u);
  EXPECT_EQ(lines[2049], "2048");
  EXPECT_EQ(lines[3000], "2999");
  Result beyond = Frocket({"cat", Data("alltypes_plain.parquet"), "-n", "100", "-c", "id"});
  EXPECT_EQ(Lines(beyond.out).size(), 9u);
}

TEST_F(CliCorpusTest, CatColumnsInTheGivenOrder) {
  Result r =
      Frocket({"cat", Data("alltypes_plain.parquet"), "--columns", "bool_col,id", "-n", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "bool_col,id\ntrue,4\nfalse,5\n");
  Result j = Frocket(
      {"cat", Data("alltypes_plain.parquet"), "-c", "double_col,id", "-n", "2", "-f", "jsonl"});
  EXPECT_EQ(j.out, "{\"double_col\":0,\"id\":4}\n{\"double_col\":10.1,\"id\":5}\n");
}

TEST_F(CliCorpusTest, CatUnknownColumnIsAnError) {
  Result r = Frocket({"cat", Data("alltypes_plain.parquet"), "--columns", "id,prise"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("frocket: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("'prise'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("available columns: id, bool_col,"), std::string::npos) << r.err;

  Result twice = Frocket({"cat", Data("alltypes_plain.parquet"), "--columns", "id,id"});
  EXPECT_EQ(twice.exit_code, 2);
}

TEST_F(CliCorpusTest, CatSkipsNestedColumns) {
  // datapage_v2.snappy has columns a, b, c, d and a LIST column e (5 rows).
  Result r = Frocket({"cat", Data("datapage_v2.snappy.parquet")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_EQ(lines[0], "a,b,c,d");
  EXPECT_EQ(lines[1], "abc,1,2,true");  // DuckDB: ["abc","1","2.0","true",...]
  EXPECT_NE(r.err.find("e.list.element"), std::string::npos) << r.err;

  Result named = Frocket({"cat", Data("datapage_v2.snappy.parquet"), "-c", "a,e.list.element"});
  EXPECT_EQ(named.exit_code, 2);
  EXPECT_TRUE(named.out.empty());
  EXPECT_NE(named.err.find("e.list.element"), std::string::npos) << named.err;
}

TEST_F(CliCorpusTest, BadFilesExitWithTwo) {
  for (const char* file :
       {"uniform_encryption.parquet.encrypted",
        "encrypt_columns_plaintext_footer.parquet.encrypted", "bad_data/PARQUET-1481.parquet"}) {
    for (const char* command : {"cat", "inspect"}) {
      Result r = Frocket({command, Data(file)});
      EXPECT_EQ(r.exit_code, 2) << command << " " << file << ": " << r.err;
      EXPECT_EQ(r.err.rfind("frocket: ", 0), 0u) << r.err;
      EXPECT_TRUE(r.out.empty());
    }
  }
}

TEST_F(CliCorpusTest, InspectMatchesManifest) {
  json manifest = json::parse(test_support::ReadWholeFile(corpus_ + "/manifest.json"));
  for (const char* file : {"alltypes_plain.parquet", "floating_orders_nan_count.parquet",
                           "byte_stream_split.zstd.parquet", "datapage_v2.snappy.parquet",
                           "generated/gen_snappy_v1.parquet", "lz4_raw_compressed.parquet"}) {
    SCOPED_TRACE(file);
    json entry;
    for (const json& e : manifest) {
      if (e["file"] == file) entry = e;
    }
    ASSERT_FALSE(entry.is_null());
    Result r = Frocket({"inspect", "--json", Data(file)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json doc = json::parse(r.out);
    EXPECT_EQ(doc["size"], entry["size"]);
    EXPECT_EQ(doc["num_rows"], entry["rows"]);
    EXPECT_EQ(doc["num_row_groups"], entry["row_groups"]);
    std::vector<int64_t> rg_rows;
    std::set<std::string> codecs;
    for (const json& rg : doc["row_groups"]) {
      rg_rows.push_back(rg["num_rows"]);
      for (const json& chunk : rg["columns"]) codecs.insert(chunk["codec"].get<std::string>());
    }
    EXPECT_EQ(json(rg_rows), entry["rg_rows"]);
    EXPECT_EQ(json(codecs), entry["codecs"]);
    ASSERT_EQ(doc["columns"].size(), entry["leaves"].size());
    for (size_t i = 0; i < entry["leaves"].size(); ++i) {
      EXPECT_EQ(doc["columns"][i]["name"], entry["leaves"][i]["path"]);
      EXPECT_EQ(doc["columns"][i]["physical_type_text"], entry["leaves"][i]["phys"]);
      EXPECT_EQ(doc["columns"][i]["repetition"], entry["leaves"][i]["rep"]);
    }

    Result human = Frocket({"inspect", Data(file)});
    ASSERT_EQ(human.exit_code, 0) << human.err;
    std::string rows_line = "rows:        " + std::to_string(entry["rows"].get<int64_t>()) + "\n";
    EXPECT_NE(human.out.find(rows_line), std::string::npos) << human.out;
    std::string codec = "codec " + entry["codecs"][0].get<std::string>() + ",";
    EXPECT_NE(human.out.find(codec), std::string::npos) << human.out;
  }
}

TEST_F(CliCorpusTest, InspectShowsUnsupportedColumns) {
  Result r = Frocket({"inspect", Data("datapage_v2.snappy.parquet")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("unsupported: nested column (LIST)"), std::string::npos) << r.out;
  Result j = Frocket({"inspect", "--json", Data("datapage_v2.snappy.parquet")});
  json doc = json::parse(j.out);
  EXPECT_EQ(doc["columns"][4]["supported"], false);
  EXPECT_EQ(doc["columns"][4]["unsupported_reason"], "nested column (LIST)");
}

TEST_F(CliCorpusTest, InspectStatistics) {
  // data/README.md, "Binary truncated min and max statistics": min/max per column and their
  // exactness. Binary bounds are base64 of the bytes listed there (0x416C = "QWw=").
  Result r = Frocket({"inspect", "--json", Data("binary_truncated_min_max.parquet")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json doc = json::parse(r.out);
  const json& chunks = doc["row_groups"][0]["columns"];
  struct Expected {
    const char* min;
    bool min_exact;
    const char* max;
    bool max_exact;
  };
  const Expected expected[] = {
      {"Al", false, "Kf", false},
      {"QWw=", false, "S2Y=", false},
      {"Al", false, "\xf0\x9f\x9a\x80Kevin Bacon", true},
      {"QWw=", false, "//8BAg==", true},
      {"Al", true, "Ke", true},
      {"QWw=", true, "S2U=", true},
  };
  ASSERT_EQ(chunks.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    const json& s = chunks[i]["statistics"];
    EXPECT_EQ(s["min"], expected[i].min) << i;
    EXPECT_EQ(s["min_exact"], expected[i].min_exact) << i;
    EXPECT_EQ(s["max"], expected[i].max) << i;
    EXPECT_EQ(s["max_exact"], expected[i].max_exact) << i;
    EXPECT_EQ(s["null_count"], 0) << i;
  }
  Result human = Frocket({"inspect", Data("binary_truncated_min_max.parquet")});
  EXPECT_NE(human.out.find("min \"Al\" (inexact), max \"Kf\" (inexact), nulls 0"),
            std::string::npos)
      << human.out;
}

}  // namespace
}  // namespace frocket
