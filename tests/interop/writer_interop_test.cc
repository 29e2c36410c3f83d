// Interoperability of frocket's Parquet writer: files written by ParquetWriter are read by
// DuckDB (read_with_duckdb.mjs) and by arrow-rs through parquet-wasm
// (read_with_parquet_wasm.cjs), and, for the codecs it decompresses by itself, by hyparquet
// (read_with_hyparquet.mjs); every cell must come back exactly as written.
//
// One file per codec; each holds every writer type x REQUIRED / OPTIONAL x null pattern (none,
// some, all) x value distribution (few distinct, random, sorted) x encoding choice (auto,
// PLAIN, dictionary, DELTA_BINARY_PACKED for integers), over several row groups and pages,
// with the dictionary limits low enough that some chunks fall back mid-chunk.
//
// Needs node and the npm packages of tests/interop; skips when FROCKET_TEST_NODE_MODULES is
// unset. Set FROCKET_KEEP_INTEROP_FILES=1 to keep the files and the readers' output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "parquet/writer/file_writer.h"
#include "support/background_process.h"
#include "unit/writer/writer_test_data.h"

namespace frocket::parquet {
namespace {

namespace fs = std::filesystem;
using testing::Distribution;
using testing::NullPattern;

// The cell text the reader scripts print for row `row` of `v` (see read_with_duckdb.mjs).
std::optional<std::string> CellText(const ColumnVector& v, WriterType type, int64_t row) {
  if (v.IsNull(row)) return std::nullopt;
  char buf[40];
  switch (type) {
    case WriterType::kBoolean:
      return v.Get<uint8_t>(row) ? "true" : "false";
    case WriterType::kInt32:
      return std::to_string(v.Get<int32_t>(row));
    case WriterType::kInt64:
      return std::to_string(v.Get<int64_t>(row));
    case WriterType::kFloat:
      std::snprintf(buf, sizeof(buf), "bits:%x", v.Get<uint32_t>(row));
      return std::string(buf);
    case WriterType::kDouble:
      std::snprintf(buf, sizeof(buf), "bits:%llx",
                    static_cast<unsigned long long>(v.Get<uint64_t>(row)));
      return std::string(buf);
    case WriterType::kString:
      return std::string(v.GetBytes(row));
    case WriterType::kTimestampMillis:
      return std::to_string(v.Get<int64_t>(row) * 1000);
    case WriterType::kTimestampMicros:
      return std::to_string(v.Get<int64_t>(row));
  }
  return std::nullopt;
}

// The type names each reader reports for a writer type.
std::string DuckDbType(WriterType type) {
  switch (type) {
    case WriterType::kBoolean:
      return "BOOLEAN";
    case WriterType::kInt32:
      return "INTEGER";
    case WriterType::kInt64:
      return "BIGINT";
    case WriterType::kFloat:
      return "FLOAT";
    case WriterType::kDouble:
      return "DOUBLE";
    case WriterType::kString:
      return "VARCHAR";
    case WriterType::kTimestampMillis:
    case WriterType::kTimestampMicros:
      return "TIMESTAMP WITH TIME ZONE";
  }
  return "?";
}
std::string ArrowFormatPrefix(WriterType type) {
  switch (type) {
    case WriterType::kBoolean:
      return "b";
    case WriterType::kInt32:
      return "i";
    case WriterType::kInt64:
      return "l";
    case WriterType::kFloat:
      return "f";
    case WriterType::kDouble:
      return "g";
    case WriterType::kString:
      return "u";
    case WriterType::kTimestampMillis:
      return "tsm:";  // then a UTC time zone
    case WriterType::kTimestampMicros:
      return "tsu:";
  }
  return "?";
}

class WriterInteropTest : public ::testing::TestWithParam<Codec> {
 protected:
  void SetUp() override {
    if (std::optional<std::string> reason = test_support::NodeSkipReason()) {
      GTEST_SKIP() << *reason;
    }
    dir_ = fs::temp_directory_path() /
           ("frocket_writer_interop_" + std::to_string(::getpid()) + "_" + CodecName(GetParam()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (dir_.empty()) return;
    const char* keep = std::getenv("FROCKET_KEEP_INTEROP_FILES");
    if ((keep != nullptr && std::string(keep) == "1") || HasFailure()) {
      std::printf("interop files kept in %s\n", dir_.c_str());
    } else {
      fs::remove_all(dir_);
    }
  }

  // Runs a reader script on `file`; returns its JSON lines.
  std::vector<nlohmann::json> RunReader(const std::string& script, const std::string& file) {
    std::string out =
        (dir_ / (fs::path(file).filename().string() + "." + script + ".jsonl")).string();
    const test_support::CommandResult r = test_support::RunCommand(
        {"node", std::string(FROCKET_SOURCE_DIR) + "/tests/interop/" + script, file});
    std::ofstream(out) << r.out;
    EXPECT_EQ(r.exit_code, 0) << script << " failed on " << file << ":\n" << r.err;
    std::vector<nlohmann::json> lines;
    std::ifstream in(out);
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  fs::path dir_;
};

TEST_P(WriterInteropTest, DuckDbAndArrowReadEveryCell) {
  const int64_t rows = 1000;
  WriterSchema schema;
  std::vector<ColumnVector> data;
  uint64_t seed = 11;
  for (ColumnEncoding encoding :
       {ColumnEncoding::kAuto, ColumnEncoding::kPlain, ColumnEncoding::kDictionary,
        ColumnEncoding::kDeltaBinaryPacked}) {
    const char* encoding_name[] = {"auto", "plain", "dict", "delta"};
    for (WriterType type : testing::AllWriterTypes()) {
      if (encoding == ColumnEncoding::kDeltaBinaryPacked && !testing::IsIntegerType(type)) continue;
      for (auto [nullable, nulls] : {std::pair{false, NullPattern::kNone},
                                     {true, NullPattern::kNone},
                                     {true, NullPattern::kSome},
                                     {true, NullPattern::kAll}}) {
        for (Distribution dist : {Distribution::kLow, Distribution::kHigh, Distribution::kSorted}) {
          WriterColumn c;
          c.name = std::string(encoding_name[static_cast<int>(encoding)]) + "_" +
                   WriterTypeName(type) + "_" + (nullable ? "opt" : "req") + "_" +
                   testing::NullPatternName(nulls) + "_" + testing::DistributionName(dist);
          c.type = type;
          c.nullable = nullable;
          c.encoding = encoding;
          schema.columns.push_back(c);
          data.push_back(testing::Generate(type, nulls, dist, rows, seed++));
        }
      }
    }
  }
  WriterOptions options;
  options.codec = GetParam();
  options.row_group_rows = 400;
  options.page_bytes = 700;
  // Low enough that random columns under the dictionary choice fill it mid-chunk.
  options.dictionary_max_entries = 200;
  std::string file = (dir_ / "all_types.parquet").string();
  {
    auto writer = ParquetWriter::Open(file, schema, options);
    for (int64_t begin = 0; begin < rows; begin += 300)
      writer->Write(data, begin, std::min<int64_t>(300, rows - begin));
    writer->Close();
  }

  std::vector<std::string> scripts = {"read_with_duckdb.mjs", "read_with_parquet_wasm.cjs"};
  // hyparquet decompresses only SNAPPY and UNCOMPRESSED pages without extra packages.
  if (GetParam() == Codec::kSnappy || GetParam() == Codec::kUncompressed) {
    scripts.push_back("read_with_hyparquet.mjs");
  }
  for (const std::string& script : scripts) {
    std::vector<nlohmann::json> lines = RunReader(script, file);
    ASSERT_FALSE(lines.empty()) << script;
    const nlohmann::json& header = lines[0];
    ASSERT_EQ(header["num_rows"], rows) << script;
    ASSERT_EQ(lines.size(), static_cast<size_t>(rows) + 1) << script;
    ASSERT_EQ(header["columns"].size(), schema.columns.size()) << script;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      const WriterColumn& col = schema.columns[c];
      std::string type = header["columns"][c][1];
      EXPECT_EQ(header["columns"][c][0], col.name) << script;
      if (script == "read_with_duckdb.mjs") {
        EXPECT_EQ(type, DuckDbType(col.type)) << col.name;
      } else if (script == "read_with_hyparquet.mjs") {
        EXPECT_EQ(type, PhysicalTypeName(WriterPhysicalType(col.type))) << col.name;
      } else {
        std::string prefix = ArrowFormatPrefix(col.type);
        EXPECT_EQ(type.substr(0, prefix.size()), prefix) << col.name;
        if (prefix.size() > 1) {
          EXPECT_GT(type.size(), prefix.size()) << col.name << ": no time zone";
        }
      }
      int mismatches = 0;
      for (int64_t r = 0; r < rows && mismatches < 5; ++r) {
        const nlohmann::json& cell = lines[r + 1][c];
        std::optional<std::string> expected = CellText(data[c], col.type, r);
        bool same =
            expected ? (cell.is_string() && cell.get<std::string>() == *expected) : cell.is_null();
        if (!same) {
          ++mismatches;
          ADD_FAILURE() << script << " column " << col.name << " row " << r << ": expected "
                        << (expected ? *expected : "null") << ", got " << cell.dump();
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, WriterInteropTest,
                         ::testing::Values(Codec::kZstd, Codec::kSnappy, Codec::kUncompressed,
                                           Codec::kGzip, Codec::kBrotli, Codec::kLz4Raw),
                         [](const ::testing::TestParamInfo<Codec>& info) {
                           return std::string(CodecName(info.param));
                         });

}  // namespace
}  // namespace frocket::parquet
