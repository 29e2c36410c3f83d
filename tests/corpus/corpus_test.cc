// Conformance of the Parquet reader against the shared Parquet corpus
// (/work/shared/parquet-corpus, found through the FROCKET_TEST_CORPUS environment variable; see
// its MANIFEST.md). Every corpus file is one test case of each parameterized suite:
//
//   CorpusValues     valid flat files read cell by cell equal to the most trusted expectation;
//                    files with nested columns open, mark nested leaves unsupported and read
//                    their flat columns; corrupt-CRC files fail with CRC checks on and read
//                    correctly with them off. Also checks row-group statistics are sound
//                    (bounds contain every value, null counts match, no NaN bounds).
//   CorpusErrors     malformed and encrypted files end in the documented frocket::Error.
//   CorpusTruncated  truncated and hollowed-out copies end in a frocket::Error (or read fine
//                    when the removed bytes are never needed) and never crash.
//   CorpusBitFlip    single-bit corruptions at seeded pseudo-random positions end in a
//                    frocket::Error or a successful read, never a crash (ASan/UBSan in CI).
//
// Which expectation is trusted follows MANIFEST.md "Which expectation to trust": upstream
// *_expect.csv and *.md first, then the generated ground truth, then the DuckDB dumps (exact
// text) and hyparquet's JSON (lossy; compared with its documented losses in mind).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "parquet/file_reader.h"
#include "storage/file.h"
#include "support/duckdb_text.h"

// Under AddressSanitizer, make a huge allocation (a sign of a length taken from the file without
// checking it against the bytes available) fail with std::bad_alloc instead of exhausting the
// machine, so the corruption tests below report it as a failure. No frocket test legitimately
// allocates a gigabyte.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __asan_default_options() {
  return "allocator_may_return_null=1:max_allocation_size_mb=1024";
}
#endif

namespace frocket::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using parquet::ChunkStatistics;
using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::ParquetFile;
using parquet::PhysicalType;
using parquet::ReadOptions;
using parquet::ValueType;

// ------------------------------------------------------------------------------------------
// Where the corpus is, and what each file is.

std::optional<fs::path> CorpusRoot() {
  const char* env = std::getenv("FROCKET_TEST_CORPUS");
  if (env == nullptr || *env == '\0') return std::nullopt;
  return fs::path(env);
}

#define FROCKET_REQUIRE_CORPUS(root)                                                        \
  std::optional<fs::path> root##_opt = CorpusRoot();                                        \
  if (!root##_opt) GTEST_SKIP() << "FROCKET_TEST_CORPUS is not set; skipping corpus tests"; \
  const fs::path root = *root##_opt

enum class Category {
  kValid,            // flat, readable: values must equal the expectation
  kNested,           // has nested leaves: those are unsupported, the flat ones read
  kCorruptChecksum,  // data fine, page CRCs wrong: error with verification, values without
  kMalformed,        // must end in an Error
  kEncrypted,        // must be refused as not supported
};

enum class Stage { kOpen, kOpenOrRead };

struct FileCase {
  const char* path;  // relative to data/
  Category category = Category::kValid;
  // kMalformed and kEncrypted: the error every failure must have, and words of which at least
  // one must appear (case-insensitively) in at least one error message; empty = no check.
  ErrorKind error_kind = ErrorKind::kCorruptFile;
  Stage stage = Stage::kOpenOrRead;
  std::vector<std::string> keywords = {};
  // kMalformed whose damage may lie only in nested columns we skip: reading may also succeed,
  // but every flat column that reads must have the row group's row count.
  bool damage_may_be_nested = false;
};

std::vector<FileCase> AllFiles() {
  using C = Category;
  std::vector<FileCase> files = {
      {"alltypes_dictionary.parquet"},
      {"alltypes_plain.parquet"},
      {"alltypes_plain.snappy.parquet"},
      {"alltypes_tiny_pages.parquet"},
      {"alltypes_tiny_pages_plain.parquet"},
      // Fuzzed files with nested columns (arrow issues 41317 / 41321). 41317's documented
      // damage (columns decoding to different row counts) is reported by arrow's struct
      // reader, so it may lie in nested columns only. 41321 has a garbage page header at byte
      // 4561 (manifest.json inspector_errors), inside the flat column 'large_binary' of row
      // group 0, so reading its flat columns must fail.
      {"bad_data/ARROW-GH-41317.parquet",
       C::kMalformed,
       ErrorKind::kCorruptFile,
       Stage::kOpenOrRead,
       {},
       true},
      {"bad_data/ARROW-GH-41321.parquet", C::kMalformed, ErrorKind::kCorruptFile},
      // Dictionary indices with bit width 0: every index is 0 (readable, MANIFEST "EDGE").
      {"bad_data/ARROW-GH-43605.parquet"},
      // Only a nested column (repetition levels start with 1): nothing flat to read.
      {"bad_data/ARROW-GH-45185.parquet", C::kNested},
      // REQUIRED FLBA column whose pages carry definition levels and nulls.
      {"bad_data/ARROW-GH-47662.parquet", C::kMalformed, ErrorKind::kCorruptFile},
      // Negative num_values in the dictionary page header of column 'name'.
      {"bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet", C::kMalformed, ErrorKind::kCorruptFile},
      // Only a nested column (too few repetition levels): nothing flat to read.
      {"bad_data/ARROW-RS-GH-6229-LEVELS.parquet", C::kNested},
      // Schema physical type -7.
      {"bad_data/PARQUET-1481.parquet",
       C::kMalformed,
       ErrorKind::kCorruptFile,
       Stage::kOpen,
       {"-7"}},
      {"binary.parquet"},
      {"binary_truncated_min_max.parquet"},
      {"byte_array_decimal.parquet"},
      {"byte_stream_split.zstd.parquet"},
      {"byte_stream_split_extended.gzip.parquet"},
      {"column_chunk_key_value_metadata.parquet"},
      {"concatenated_gzip_members.parquet"},
      {"data_index_bloom_encoding_stats.parquet"},
      {"data_index_bloom_encoding_with_length.parquet"},
      {"datapage_v1-corrupt-checksum.parquet", C::kCorruptChecksum},
      {"datapage_v1-snappy-compressed-checksum.parquet"},
      {"datapage_v1-uncompressed-checksum.parquet"},
      {"datapage_v2.snappy.parquet", C::kNested},
      {"datapage_v2_empty_datapage.snappy.parquet"},
      {"delta_binary_packed.parquet"},
      {"delta_byte_array.parquet"},
      {"delta_encoding_optional_column.parquet"},
      {"delta_encoding_required_column.parquet"},
      {"delta_length_byte_array.parquet"},
      {"dict-page-offset-zero.parquet"},
      {"encrypt_columns_plaintext_footer.parquet.encrypted",
       C::kEncrypted,
       ErrorKind::kNotSupported,
       Stage::kOpen,
       {"encrypt"}},
      {"fixed_length_byte_array.parquet"},
      {"fixed_length_decimal.parquet"},
      {"fixed_length_decimal_legacy.parquet"},
      {"float16_nonzeros_and_nans.parquet"},
      {"float16_zeros_and_nans.parquet"},
      {"floating_orders_nan_count.parquet"},
      {"generated/gen_brotli_v1.parquet"},
      {"generated/gen_brotli_v2.parquet"},
      {"generated/gen_duckdb_defaults.parquet"},
      {"generated/gen_gzip_v1.parquet"},
      {"generated/gen_gzip_v2.parquet"},
      {"generated/gen_lz4_raw_v1.parquet"},
      {"generated/gen_lz4_raw_v2.parquet"},
      {"generated/gen_snappy_v1.parquet"},
      {"generated/gen_snappy_v2.parquet"},
      {"generated/gen_uncompressed_v1.parquet"},
      {"generated/gen_uncompressed_v2.parquet"},
      {"generated/gen_zstd_v1.parquet"},
      {"generated/gen_zstd_v2.parquet"},
      {"geospatial/geospatial-with-nan.parquet"},
      {"hadoop_lz4_compressed.parquet"},
      {"hadoop_lz4_compressed_larger.parquet"},
      {"hyparquet/bloom_filter.parquet"},
      {"hyparquet/boolean_rle.parquet"},
      {"hyparquet/brotli_compressed.parquet"},
      {"hyparquet/byte_stream_split_v2.parquet"},
      {"hyparquet/decimal-column.parquet"},
      {"hyparquet/duckdb4442.parquet"},
      {"hyparquet/duckdb5533.parquet"},
      {"hyparquet/duckdb_delta_binary_packed.parquet"},
      {"hyparquet/duckdb_delta_length_byte_array.parquet"},
      {"hyparquet/issue72.parquet"},
      {"hyparquet/mostlyempty.parquet"},
      {"hyparquet/offset_index_no_dict_offset.parquet"},
      {"hyparquet/rowgroups.parquet"},
      {"hyparquet/signs.parquet"},
      {"hyparquet/uuid.parquet"},
      {"int32_decimal.parquet"},
      {"int32_with_null_pages.parquet"},
      {"int64_decimal.parquet"},
      {"int96_from_spark.parquet"},
      {"list_columns.parquet", C::kNested},
      {"lz4_raw_compressed.parquet"},
      {"lz4_raw_compressed_larger.parquet"},
      {"nan_in_stats.parquet"},
      // total_compressed_size 15 bytes short for two columns (PARQUET-816); MANIFEST lists it
      // among the reader quirks to tolerate, as arrow and DuckDB do.
      {"nation.dict-malformed.parquet"},
      {"nested_lists.snappy.parquet", C::kNested},
      {"non_hadoop_lz4_compressed.parquet"},
      {"null_list.parquet", C::kNested},
      {"overflow_i16_page_cnt.parquet"},
      {"page_v2_empty_compressed.parquet"},
      {"plain-dict-uncompressed-checksum.parquet"},
      {"rle-dict-snappy-checksum.parquet"},
      {"rle-dict-uncompressed-corrupt-checksum.parquet", C::kCorruptChecksum},
      {"rle_boolean_encoding.parquet"},
      {"single_nan.parquet"},
      {"sort_columns.parquet"},
      {"uniform_encryption.parquet.encrypted",
       C::kEncrypted,
       ErrorKind::kNotSupported,
       Stage::kOpen,
       {"encrypt"}},
      {"unknown-logical-type.parquet"},
  };
  return files;
}

std::vector<FileCase> FilesWhere(bool (*keep)(const FileCase&)) {
  std::vector<FileCase> out;
  for (FileCase& f : AllFiles()) {
    if (keep(f)) out.push_back(std::move(f));
  }
  return out;
}

std::string CaseName(const ::testing::TestParamInfo<FileCase>& info) {
  std::string name;
  for (const char* p = info.param.path; *p != '\0'; ++p) {
    name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  }
  return name;
}

void PrintTo(const FileCase& f, std::ostream* os) { *os << f.path; }

std::string ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> ReadLines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* KindName(ErrorKind kind) { return ErrorKindName(kind); }

// ------------------------------------------------------------------------------------------
// Expectations.

using Cell = std::optional<std::string>;

// Rows of DuckDB-style text, one column per top-level field of the file.
struct ExpectedTable {
  std::string source;
  std::vector<std::string> names;
  std::vector<std::string> types;  // DuckDB type names; empty when the source has none
  std::vector<std::vector<Cell>> rows;
};

// expected/duckdb/<file>.jsonl: a header object, then one JSON array of strings/nulls per row.
std::optional<ExpectedTable> LoadDuckDbDump(const fs::path& path) {
  if (!fs::exists(path)) return std::nullopt;
  std::vector<std::string> lines = ReadLines(path);
  ExpectedTable t;
  t.source = path.string();
  json header = json::parse(lines.at(0));
  for (const auto& col : header.at("columns")) {
    t.names.push_back(col.at(0).get<std::string>());
    t.types.push_back(col.at(1).get<std::string>());
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::vector<Cell> row;
    for (const auto& v : json::parse(lines[i])) {
      row.push_back(v.is_null() ? Cell() : Cell(v.get<std::string>()));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// data/generated/gen_expected.jsonl: one object per row, keys in column order.
ExpectedTable LoadGeneratedTruth(const fs::path& path) {
  ExpectedTable t;
  t.source = path.string();
  for (const std::string& line : ReadLines(path)) {
    if (line.empty()) continue;
    ordered_json obj = ordered_json::parse(line);
    if (t.names.empty()) {
      for (auto it = obj.begin(); it != obj.end(); ++it) t.names.push_back(it.key());
    }
    std::vector<Cell> row;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      row.push_back(it.value().is_null() ? Cell() : Cell(it.value().get<std::string>()));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// Upstream *_expect.csv: RFC 4180 quoting; an unquoted empty field is NULL.
ExpectedTable LoadUpstreamCsv(const fs::path& path) {
  ExpectedTable t;
  t.source = path.string();
  std::string text = ReadWholeFile(path);
  std::vector<std::vector<Cell>> records;
  std::vector<Cell> record;
  std::string field;
  bool quoted = false, in_quotes = false, any = false;
  auto end_field = [&] {
    record.push_back(field.empty() && !quoted ? Cell() : Cell(field));
    field.clear();
    quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
      continue;
    }
    any = true;
    if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_field();
      records.push_back(std::move(record));
      record.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) {
    end_field();
    records.push_back(std::move(record));
  }
  for (const Cell& name : records.at(0)) t.names.push_back(name.value_or(""));
  t.rows.assign(records.begin() + 1, records.end());
  return t;
}

// int96_from_spark.md documents the exact values as microseconds since the epoch, on the line
// after "As microseconds since the epoch". DuckDB's own dump overflows on the last one.
ExpectedTable LoadInt96FromSparkMd(const fs::path& path) {
  ExpectedTable t;
  t.source = path.string() + " (microseconds since the epoch)";
  t.names = {"a"};
  std::vector<std::string> lines = ReadLines(path);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("As microseconds since the epoch") == std::string::npos) continue;
    size_t j = i + 1;
    while (j < lines.size() && lines[j].find_first_of("0123456789") == std::string::npos) ++j;
    std::stringstream list(lines.at(j));
    std::string item;
    while (std::getline(list, item, ',')) {
      item.erase(0, item.find_first_not_of(' '));
      if (item == "null") {
        t.rows.push_back({Cell()});
      } else {
        t.rows.push_back({Cell(DuckDbTimestampText(std::stoll(item)))});
      }
    }
    break;
  }
  return t;
}

struct Expectations {
  std::shared_ptr<const ExpectedTable> values;  // the most trusted text expectation
  std::vector<std::string> duckdb_types;        // per top-level field, from a DuckDB dump
  std::vector<std::string> duckdb_names;
  std::optional<json> hyparquet;  // hyparquet rows (lossy), when available
  std::string hyparquet_source;
  bool bss_twins = false;  // byte_stream_split_extended: *_plain == *_bss
};

Expectations ExpectationsFor(const fs::path& root, const std::string& file) {
  Expectations e;
  const fs::path data = root / "data";
  const fs::path duckdb = root / "expected" / "duckdb";
  std::string stem = fs::path(file).filename().string();
  stem = stem.substr(0, stem.find(".parquet"));

  // The DuckDB dump of the file itself, or of the twin MANIFEST names for the LZ4 files
  // DuckDB cannot read (reader_test.cc: same values as lz4_raw_compressed).
  std::string dump_of = file;
  if (file == "hadoop_lz4_compressed.parquet" || file == "non_hadoop_lz4_compressed.parquet") {
    dump_of = "lz4_raw_compressed.parquet";
  } else if (file == "hadoop_lz4_compressed_larger.parquet") {
    dump_of = "lz4_raw_compressed_larger.parquet";
  }
  std::optional<ExpectedTable> dump = LoadDuckDbDump(duckdb / (dump_of + ".jsonl"));
  if (dump) {
    e.duckdb_types = dump->types;
    e.duckdb_names = dump->names;
  }

  if (fs::exists(data / (stem + "_expect.csv"))) {
    e.values = std::make_shared<ExpectedTable>(LoadUpstreamCsv(data / (stem + "_expect.csv")));
  } else if (file == "int96_from_spark.parquet") {
    e.values = std::make_shared<ExpectedTable>(LoadInt96FromSparkMd(data / "int96_from_spark.md"));
  } else if (file.rfind("generated/gen_", 0) == 0) {
    // Shared by the 13 generated files; parsing it once keeps the suite fast.
    static const auto truth = std::make_shared<const ExpectedTable>(
        LoadGeneratedTruth(data / "generated" / "gen_expected.jsonl"));
    e.values = truth;
  } else if (dump) {
    e.values = std::make_shared<ExpectedTable>(std::move(*dump));
  }

  // hyparquet's rows: next to its own files, or under expected/hyparquet for upstream ones.
  const fs::path hyp = file.rfind("hyparquet/", 0) == 0
                           ? data / "hyparquet" / (stem + ".json")
                           : root / "expected" / "hyparquet" / (stem + ".json");
  if (fs::exists(hyp)) {
    std::ifstream in(hyp);
    e.hyparquet = json::parse(in);
    e.hyparquet_source = hyp.string();
  }
  e.bss_twins = file == "byte_stream_split_extended.gzip.parquet";
  return e;
}

// ------------------------------------------------------------------------------------------
// Comparing what we read with the expectations.

// Collects problems of one file, printing the first few in full.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void Add(const std::string& what) {
    ++count_;
    if (shown_.size() < kMaxShown) shown_.push_back(what);
  }
  void Mismatch(const std::string& source, const ColumnDescriptor& c, int64_t row, const Cell& e,
                const Cell& a) {
    ++per_column_[c.name];
    Add("column '" + c.name + "' (" + std::to_string(c.leaf_index) + ", " + c.logical_name +
        ") row " + std::to_string(row) + ": expected " + (e ? "\"" + *e + "\"" : "NULL") +
        ", actual " + (a ? "\"" + *a + "\"" : "NULL") + "  [" + source + "]");
  }
  int64_t count() const { return count_; }
  std::string Report() const {
    std::string out = file_ + ": " + std::to_string(count_) + " problem(s)";
    if (!per_column_.empty()) {
      out += "; mismatching cells per column:";
      for (const auto& [name, n] : per_column_) out += " '" + name + "'=" + std::to_string(n);
    }
    for (const std::string& s : shown_) out += "\n  " + s;
    if (count_ > static_cast<int64_t>(shown_.size())) out += "\n  ...";
    return out;
  }

 private:
  static constexpr size_t kMaxShown = 15;
  std::string file_;
  int64_t count_ = 0;
  std::vector<std::string> shown_;
  std::map<std::string, int64_t> per_column_;
};

// The top-level field each leaf belongs to: the expectation files have one column per field.
std::vector<int> TopLevelFieldOfLeaf(const parquet::FileMetaData& md) {
  std::vector<int> result;
  const auto& schema = md.schema;
  size_t next = 1;
  int field = 0;
  // Walk the flattened tree: each top-level element and all its descendants.
  std::function<void(int)> walk = [&](int f) {
    if (next >= schema.size()) return;
    const parquet::SchemaElement& e = schema[next++];
    int children = e.num_children.value_or(0);
    bool group = children > 0 || (e.num_children.has_value() && !e.type.has_value());
    if (!group) {
      result.push_back(f);
      return;
    }
    for (int i = 0; i < children && next < schema.size(); ++i) walk(f);
  };
  int roots = schema.empty() ? 0 : schema[0].num_children.value_or(0);
  for (; field < roots && next < schema.size(); ++field) walk(field);
  return result;
}

// The column of `table` holding leaf `c`: by name, else by top-level position.
int TableColumnFor(const ExpectedTable& table, const ColumnDescriptor& c, int top_level_field,
                   int num_top_level) {
  for (size_t i = 0; i < table.names.size(); ++i) {
    if (table.names[i] == c.name) return static_cast<int>(i);
  }
  if (static_cast<int>(table.names.size()) == num_top_level) return top_level_field;
  return -1;
}

std::string ErrorText(const Error& e) { return std::string(KindName(e.kind())) + ": " + e.what(); }

// Reads leaf `c` of every row group; problems are recorded, not thrown.
std::vector<std::shared_ptr<ColumnVector>> ReadAllRowGroups(const ParquetFile& file,
                                                            const ColumnDescriptor& c,
                                                            const ReadOptions& options,
                                                            Problems* problems) {
  std::vector<std::shared_ptr<ColumnVector>> out;
  for (int rg = 0; rg < file.num_row_groups(); ++rg) {
    try {
      auto v = std::make_shared<ColumnVector>(file.ReadColumn(rg, c.leaf_index, options));
      if (v->size != file.row_group_num_rows(rg)) {
        problems->Add("column '" + c.name + "' row group " + std::to_string(rg) + ": " +
                      std::to_string(v->size) + " values, row group has " +
                      std::to_string(file.row_group_num_rows(rg)) + " rows");
        out.push_back(nullptr);
        continue;
      }
      out.push_back(std::move(v));
    } catch (const Error& e) {
      problems->Add("column '" + c.name + "' row group " + std::to_string(rg) +
                    ": ReadColumn threw " + ErrorText(e));
      out.push_back(nullptr);
    }
  }
  return out;
}

// Reads every row group of a leaf once and keeps the vectors, so that all checks of a file
// share one read (the corpus suite must stay fast under ASan). Failed reads are recorded once
// and yield null vectors.
class ColumnReads {
 public:
  ColumnReads(const ParquetFile& file, ReadOptions options, Problems* problems)
      : file_(file), options_(options), problems_(problems) {}
  const std::vector<std::shared_ptr<ColumnVector>>& Get(const ColumnDescriptor& c) {
    auto it = cache_.find(c.leaf_index);
    if (it == cache_.end()) {
      it = cache_.emplace(c.leaf_index, ReadAllRowGroups(file_, c, options_, problems_)).first;
    }
    return it->second;
  }

 private:
  const ParquetFile& file_;
  ReadOptions options_;
  Problems* problems_;
  std::map<int, std::vector<std::shared_ptr<ColumnVector>>> cache_;
};

void CompareWithTable(const ParquetFile& file, const ExpectedTable& table, ColumnReads& reads,
                      bool only_dictionary_form, Problems* problems) {
  if (static_cast<int64_t>(table.rows.size()) != file.num_rows()) {
    problems->Add("file has " + std::to_string(file.num_rows()) + " rows, " + table.source +
                  " has " + std::to_string(table.rows.size()));
    return;
  }
  std::vector<int> top = TopLevelFieldOfLeaf(file.metadata());
  int num_top = top.empty() ? 0 : *std::max_element(top.begin(), top.end()) + 1;
  for (const ColumnDescriptor& c : file.schema().columns()) {
    if (!c.supported) continue;
    int field = c.leaf_index < static_cast<int>(top.size()) ? top[c.leaf_index] : -1;
    int col = TableColumnFor(table, c, field, num_top);
    if (col < 0) {
      problems->Add("column '" + c.name + "' has no counterpart in " + table.source);
      continue;
    }
    const auto& vectors = reads.Get(c);
    int64_t base = 0;
    for (int rg = 0; rg < file.num_row_groups(); ++rg) {
      const int64_t rows = file.row_group_num_rows(rg);
      const std::shared_ptr<ColumnVector>& v = vectors[rg];
      if (v && (!only_dictionary_form || v->has_dictionary())) {
        for (int64_t r = 0; r < rows; ++r) {
          const Cell& expected = table.rows[base + r].at(col);
          Cell actual = DuckDbText(c, *v, r);
          bool same = expected.has_value() == actual.has_value() &&
                      (!expected || DuckDbTextMatches(c, *expected, *actual));
          if (!same) problems->Mismatch(table.source, c, base + r, expected, actual);
        }
      }
      base += rows;
    }
  }
}

// hyparquet renders NaN as null, timestamps as ISO strings at millisecond precision, decimals as
// JS numbers, unannotated bytes as strings and FLBA as arrays of byte values.
bool HyparquetMatches(const ColumnDescriptor& c, const json& e, const Cell& actual,
                      const ColumnVector& v, int64_t row) {
  const bool floating =
      c.type == ValueType::kFloat || c.type == ValueType::kDouble || c.type == ValueType::kFloat16;
  if (e.is_null()) {
    return !actual || (floating && (*actual == "nan" || *actual == "-nan"));
  }
  if (!actual) return false;
  if (e.is_boolean()) return *actual == (e.get<bool>() ? "true" : "false");
  if (e.is_number_integer() && !floating && c.type != ValueType::kDecimal) {
    return *actual == e.dump();
  }
  if (e.is_number()) {
    double expected = e.get<double>();
    if (c.type == ValueType::kFloat || c.type == ValueType::kFloat16) {
      return static_cast<double>(std::strtof(actual->c_str(), nullptr)) == expected;
    }
    const double value = std::strtod(actual->c_str(), nullptr);
    if (c.type == ValueType::kDecimal) {
      // hyparquet scales decimals in binary floating point (1003.858 arrives as
      // 1003.8580000000001), so allow a few units in the last place.
      return std::fabs(value - expected) <= 1e-15 * std::max(1.0, std::fabs(expected)) * 4;
    }
    return value == expected;
  }
  if (e.is_string()) {
    const std::string s = e.get<std::string>();
    if (c.type == ValueType::kTimestamp) {
      // "2022-11-27 17:42:44.28[+00]" -> "2022-11-27T17:42:44.280Z"
      std::string iso = *actual;
      if (iso.size() > 3 && iso.compare(iso.size() - 3, 3, "+00") == 0) iso.resize(iso.size() - 3);
      std::replace(iso.begin(), iso.end(), ' ', 'T');
      size_t dot = iso.find('.');
      std::string fraction = dot == std::string::npos ? "" : iso.substr(dot + 1);
      if (dot != std::string::npos) iso.resize(dot);
      fraction.resize(3, '0');
      return s == iso + "." + fraction + "Z";
    }
    if (c.type == ValueType::kBinary) return DuckDbBlobText(s) == *actual;
    return s == *actual;
  }
  if (e.is_array()) {
    std::string bytes;
    for (const auto& b : e) bytes += static_cast<char>(b.get<int>());
    return DuckDbBlobText(bytes) == *actual;
  }
  (void)v;
  (void)row;
  return false;
}

void CompareWithHyparquet(const ParquetFile& file, const json& rows, const std::string& source,
                          ColumnReads& reads, Problems* problems) {
  if (static_cast<int64_t>(rows.size()) != file.num_rows()) {
    problems->Add("file has " + std::to_string(file.num_rows()) + " rows, " + source + " has " +
                  std::to_string(rows.size()));
    return;
  }
  std::vector<int> top = TopLevelFieldOfLeaf(file.metadata());
  for (const ColumnDescriptor& c : file.schema().columns()) {
    if (!c.supported || c.leaf_index >= static_cast<int>(top.size())) continue;
    const auto& vectors = reads.Get(c);
    int64_t base = 0;
    for (int rg = 0; rg < file.num_row_groups(); ++rg) {
      const int64_t n = file.row_group_num_rows(rg);
      if (vectors[rg]) {
        for (int64_t r = 0; r < n; ++r) {
          const json& e = rows[base + r].at(top[c.leaf_index]);
          Cell actual = DuckDbText(c, *vectors[rg], r);
          if (!HyparquetMatches(c, e, actual, *vectors[rg], r)) {
            problems->Mismatch(source, c, base + r, Cell(e.dump()), actual);
          }
        }
      }
      base += n;
    }
  }
}

// byte_stream_split_extended: column 2k+1 (BYTE_STREAM_SPLIT) must equal column 2k (PLAIN).
void CompareTwins(const ParquetFile& file, ColumnReads& reads, Problems* problems) {
  const auto& cols = file.schema().columns();
  for (size_t k = 0; k + 1 < cols.size(); k += 2) {
    const ColumnDescriptor& plain = cols[k];
    const ColumnDescriptor& bss = cols[k + 1];
    const auto& a = reads.Get(plain);
    const auto& b = reads.Get(bss);
    int64_t base = 0;
    for (int rg = 0; rg < file.num_row_groups(); ++rg) {
      const int64_t n = file.row_group_num_rows(rg);
      if (a[rg] && b[rg]) {
        for (int64_t r = 0; r < n; ++r) {
          Cell expected = DuckDbText(plain, *a[rg], r);
          Cell actual = DuckDbText(bss, *b[rg], r);
          bool same = expected == actual;
          if (same && expected && a[rg]->width() > 0) {
            same = std::memcmp(a[rg]->FixedBytes(r), b[rg]->FixedBytes(r), a[rg]->width()) == 0;
          }
          if (!same) {
            problems->Mismatch("twin column '" + plain.name + "'", bss, base + r, expected, actual);
          }
        }
      }
      base += n;
    }
  }
}

// --- Statistics soundness -----------------------------------------------------------------

// The PLAIN bytes of a slot (what ChunkStatistics holds for min and max).
std::string_view PlainBytes(const ColumnVector& v, int64_t row) {
  const ColumnVector& src = v.has_dictionary() ? *v.dictionary : v;
  const int64_t slot = v.has_dictionary() ? v.Code(row) : row;
  if (src.physical == PhysicalType::kByteArray) return src.GetBytes(slot);
  return {reinterpret_cast<const char*>(src.FixedBytes(slot)), static_cast<size_t>(src.width())};
}

bool IsIntervalColumn(const ColumnDescriptor& c) {
  return c.type == ValueType::kBinary && c.logical_name.rfind("INTERVAL", 0) == 0;
}

// Whether Parquet defines a sort order for the column's values (it does not for INT96 and
// INTERVAL, so statistics of those must not be trusted).
bool HasSortOrder(const ColumnDescriptor& c) {
  return c.physical != PhysicalType::kInt96 && !IsIntervalColumn(c);
}

template <typename T>
T LoadLe(std::string_view bytes) {
  T v{};
  std::memcpy(&v, bytes.data(), std::min(sizeof(T), bytes.size()));
  return v;
}

double FloatingValue(const ColumnDescriptor& c, std::string_view b) {
  if (c.type == ValueType::kDouble) return LoadLe<double>(b);
  if (c.type == ValueType::kFloat) return LoadLe<float>(b);
  uint16_t h = LoadLe<uint16_t>(b);
  int exp = (h >> 10) & 31, mant = h & 1023;
  double m = exp == 0    ? std::ldexp(mant, -24)
             : exp == 31 ? (mant ? NAN : INFINITY)
                         : std::ldexp(mant | 1024, exp - 25);
  return (h & 0x8000) ? -m : m;
}

bool IsFloating(const ColumnDescriptor& c) {
  return c.type == ValueType::kFloat || c.type == ValueType::kDouble ||
         c.type == ValueType::kFloat16;
}

// Orders two PLAIN values in the column's sort order: <0, 0, >0.
int CompareInOrder(const ColumnDescriptor& c, std::string_view a, std::string_view b) {
  auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (IsFloating(c)) return three_way(FloatingValue(c, a), FloatingValue(c, b));
  switch (c.physical) {
    case PhysicalType::kBoolean:
      return three_way(LoadLe<uint8_t>(a) != 0, LoadLe<uint8_t>(b) != 0);
    case PhysicalType::kInt32:
      if (c.type == ValueType::kInt && !c.is_signed) {
        return three_way(LoadLe<uint32_t>(a), LoadLe<uint32_t>(b));
      }
      return three_way(LoadLe<int32_t>(a), LoadLe<int32_t>(b));
    case PhysicalType::kInt64:
      if (c.type == ValueType::kInt && !c.is_signed) {
        return three_way(LoadLe<uint64_t>(a), LoadLe<uint64_t>(b));
      }
      return three_way(LoadLe<int64_t>(a), LoadLe<int64_t>(b));
    default:
      break;
  }
  if (c.type == ValueType::kDecimal) {
    // Big-endian two's complement of possibly different lengths: sign-extend, then compare.
    size_t n = std::max(a.size(), b.size());
    auto extend = [n](std::string_view s) {
      char fill = (!s.empty() && (static_cast<uint8_t>(s[0]) & 0x80)) ? '\xff' : '\0';
      return std::string(n - s.size(), fill) + std::string(s);
    };
    std::string x = extend(a), y = extend(b);
    if (n == 0) return 0;
    bool xneg = static_cast<uint8_t>(x[0]) & 0x80, yneg = static_cast<uint8_t>(y[0]) & 0x80;
    if (xneg != yneg) return xneg ? -1 : 1;
    return three_way(std::memcmp(x.data(), y.data(), n), 0);
  }
  // Strings, binary, UUID, FLBA: unsigned lexicographic.
  int r = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (r != 0) return r < 0 ? -1 : 1;
  return three_way(a.size(), b.size());
}

std::string Hex(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "0x";
  for (char ch : s) {
    out += kHex[static_cast<uint8_t>(ch) >> 4];
    out += kHex[static_cast<uint8_t>(ch) & 15];
  }
  return out;
}

// Columns whose writer stored wrong statistics, so no reader can give sound bounds for them.
// hyparquet/uuid.parquet: min/max hold the first 16 characters of the UUID *text*
// ("550e8400-e29b-41"), not the 16 bytes of the values.
bool StatisticsKnownWrong(const std::string& file, const std::string& column) {
  return file == "hyparquet/uuid.parquet" && column == "uuid";
}

void CheckStatisticsSound(const std::string& path, const ParquetFile& file, ColumnReads& reads,
                          Problems* problems) {
  for (const ColumnDescriptor& c : file.schema().columns()) {
    if (!c.supported || StatisticsKnownWrong(path, c.name)) continue;
    for (int rg = 0; rg < file.num_row_groups(); ++rg) {
      const std::string where =
          "statistics of column '" + c.name + "' row group " + std::to_string(rg) + ": ";
      const std::shared_ptr<ColumnVector>& v = reads.Get(c)[rg];
      if (!v) continue;  // the failed read is reported already
      ChunkStatistics s;
      try {
        s = file.Statistics(rg, c.leaf_index);
      } catch (const Error& e) {
        problems->Add(where + "threw " + ErrorText(e));
        continue;
      }
      if (s.null_count && *s.null_count != v->null_count) {
        problems->Add(where + "null_count " + std::to_string(*s.null_count) + " but " +
                      std::to_string(v->null_count) + " nulls were read");
      }
      if (!HasSortOrder(c)) {
        if (s.min || s.max) problems->Add(where + "min/max exposed for a type without order");
        continue;
      }
      const int width = c.physical == PhysicalType::kBoolean ? 1 : v->width();
      for (const auto* bound : {&s.min, &s.max}) {
        if (!*bound) continue;
        if (width > 0 && static_cast<int>((*bound)->size()) != width) {
          problems->Add(where + "bound " + Hex(**bound) + " is not " + std::to_string(width) +
                        " bytes");
          continue;
        }
        if (IsFloating(c) && std::isnan(FloatingValue(c, **bound))) {
          problems->Add(where + "NaN bound " + Hex(**bound) + " exposed");
        }
      }
      // Bounds of the wrong width were reported above; do not compare with them.
      const bool min_usable = s.min && (width == 0 || static_cast<int>(s.min->size()) == width);
      const bool max_usable = s.max && (width == 0 || static_cast<int>(s.max->size()) == width);
      bool min_seen = false, max_seen = false;
      for (int64_t r = 0; r < v->size; ++r) {
        if (v->IsNull(r)) continue;
        std::string_view value = PlainBytes(*v, r);
        if (IsFloating(c) && std::isnan(FloatingValue(c, value))) continue;
        if (min_usable) {
          int cmp = CompareInOrder(c, *s.min, value);
          if (cmp > 0) {
            problems->Add(where + "min " + Hex(*s.min) + " is above value " + Hex(value) +
                          " of row " + std::to_string(r));
            break;
          }
          if (cmp == 0) min_seen = true;
        }
        if (max_usable) {
          int cmp = CompareInOrder(c, value, *s.max);
          if (cmp > 0) {
            problems->Add(where + "max " + Hex(*s.max) + " is below value " + Hex(value) +
                          " of row " + std::to_string(r));
            break;
          }
          if (cmp == 0) max_seen = true;
        }
      }
      // An exact bound is one of the values (floats: -0 and +0 count as equal).
      if (min_usable && s.min_exact && !min_seen && v->null_count < v->size) {
        problems->Add(where + "min " + Hex(*s.min) + " is marked exact but is no value");
      }
      if (max_usable && s.max_exact && !max_seen && v->null_count < v->size) {
        problems->Add(where + "max " + Hex(*s.max) + " is marked exact but is no value");
      }
    }
  }
}

std::shared_ptr<RandomAccessFile> OpenCorpusFile(const fs::path& root, const std::string& file) {
  return std::shared_ptr<RandomAccessFile>(OpenLocalFile((root / "data" / file).string()));
}

// ------------------------------------------------------------------------------------------
// CorpusValues

class CorpusValues : public ::testing::TestWithParam<FileCase> {};

void CheckDuckDbTypes(const ParquetFile& file, const Expectations& e, Problems* problems) {
  if (e.duckdb_types.empty()) return;
  std::vector<int> top = TopLevelFieldOfLeaf(file.metadata());
  int num_top = top.empty() ? 0 : *std::max_element(top.begin(), top.end()) + 1;
  if (num_top != static_cast<int>(e.duckdb_names.size())) {
    problems->Add("file has " + std::to_string(num_top) + " top-level fields, DuckDB shows " +
                  std::to_string(e.duckdb_names.size()));
    return;
  }
  for (const ColumnDescriptor& c : file.schema().columns()) {
    if (!c.supported) continue;
    const int field = top.at(c.leaf_index);
    if (e.duckdb_names[field] != c.name) {
      problems->Add("leaf " + std::to_string(c.leaf_index) + " is named '" + c.name +
                    "', DuckDB calls the field '" + e.duckdb_names[field] + "'");
    }
    if (DuckDbTypeName(c) != e.duckdb_types[field]) {
      problems->Add("column '" + c.name + "' (" + c.logical_name + ") maps to DuckDB type " +
                    DuckDbTypeName(c) + ", DuckDB reads it as " + e.duckdb_types[field]);
    }
  }
}

TEST_P(CorpusValues, MatchesExpectation) {
  FROCKET_REQUIRE_CORPUS(root);
  const FileCase& fc = GetParam();
  const Expectations e = ExpectationsFor(root, fc.path);

  std::unique_ptr<ParquetFile> file;
  try {
    file = ParquetFile::Open(OpenCorpusFile(root, fc.path));
  } catch (const Error& err) {
    FAIL() << fc.path << ": Open threw " << ErrorText(err);
  }
  const auto& leaves = file->schema().columns();
  const bool any_flat = std::any_of(leaves.begin(), leaves.end(),
                                    [](const ColumnDescriptor& c) { return c.supported; });
  // Files whose only columns are nested have nothing for us to compare.
  ASSERT_TRUE(e.values || e.hyparquet || e.bss_twins || !any_flat)
      << fc.path << ": no expectation found";
  Problems problems(fc.path);

  if (fc.category == Category::kNested) {
    bool any_unsupported = false;
    for (const ColumnDescriptor& c : file->schema().columns()) {
      if (c.supported) continue;
      any_unsupported = true;
      if (c.unsupported_reason.empty()) {
        problems.Add("column '" + c.name + "' is unsupported without a reason");
      }
      for (int rg = 0; rg < file->num_row_groups(); ++rg) {
        try {
          file->ReadColumn(rg, c.leaf_index);
          problems.Add("ReadColumn of nested column '" + c.name + "' did not throw");
        } catch (const Error& err) {
          if (err.kind() != ErrorKind::kNotSupported) {
            problems.Add("ReadColumn of nested column '" + c.name + "' threw " + ErrorText(err) +
                         ", expected not-supported");
          }
        }
      }
    }
    if (!any_unsupported) problems.Add("no leaf is marked unsupported in a nested file");
  } else {
    for (const ColumnDescriptor& c : file->schema().columns()) {
      if (!c.supported)
        problems.Add("flat column '" + c.name + "' is unsupported: " + c.unsupported_reason);
    }
  }

  CheckDuckDbTypes(*file, e, &problems);

  ReadOptions plain;
  ReadOptions dictionary;
  dictionary.keep_dictionary = true;
  if (fc.category == Category::kCorruptChecksum) {
    // With verification (the default) every column hits a page with a bad CRC.
    for (const ColumnDescriptor& c : file->schema().columns()) {
      try {
        file->ReadColumn(0, c.leaf_index);
        problems.Add("column '" + c.name + "' read although a page CRC is wrong");
      } catch (const Error& err) {
        std::string msg = Lower(err.what());
        if (err.kind() != ErrorKind::kCorruptFile ||
            (msg.find("crc") == std::string::npos && msg.find("checksum") == std::string::npos)) {
          problems.Add("column '" + c.name + "' threw " + ErrorText(err) +
                       ", expected a corrupt-file error about the CRC");
        }
      }
    }
    plain.verify_checksums = false;
    dictionary.verify_checksums = false;
  }

  ColumnReads plain_reads(*file, plain, &problems);
  if (e.values) {
    CompareWithTable(*file, *e.values, plain_reads, false, &problems);
    ColumnReads dictionary_reads(*file, dictionary, &problems);
    CompareWithTable(*file, *e.values, dictionary_reads, true, &problems);
  }
  if (e.hyparquet) {
    CompareWithHyparquet(*file, *e.hyparquet, e.hyparquet_source, plain_reads, &problems);
  }
  if (e.bss_twins) CompareTwins(*file, plain_reads, &problems);
  if (fc.category != Category::kCorruptChecksum) {
    CheckStatisticsSound(fc.path, *file, plain_reads, &problems);
  }

  EXPECT_EQ(problems.count(), 0) << problems.Report();
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusValues,
                         ::testing::ValuesIn(FilesWhere([](const FileCase& f) {
                           return f.category == Category::kValid ||
                                  f.category == Category::kNested ||
                                  f.category == Category::kCorruptChecksum;
                         })),
                         CaseName);

// ------------------------------------------------------------------------------------------
// CorpusErrors

class CorpusErrors : public ::testing::TestWithParam<FileCase> {};

TEST_P(CorpusErrors, EndsInDocumentedError) {
  FROCKET_REQUIRE_CORPUS(root);
  const FileCase& fc = GetParam();
  const std::string path = (root / "data" / fc.path).string();
  std::vector<Error> errors;
  std::vector<std::string> problems;
  std::unique_ptr<ParquetFile> file;
  try {
    file = ParquetFile::Open(OpenCorpusFile(root, fc.path));
  } catch (const Error& err) {
    errors.push_back(err);
  }
  if (file && fc.stage == Stage::kOpen) {
    problems.push_back("Open succeeded; the file must be refused when opened");
  }
  if (file) {
    for (const ColumnDescriptor& c : file->schema().columns()) {
      if (!c.supported) continue;
      for (int rg = 0; rg < file->num_row_groups(); ++rg) {
        try {
          ColumnVector v = file->ReadColumn(rg, c.leaf_index);
          if (v.size != file->row_group_num_rows(rg)) {
            problems.push_back("column '" + c.name + "' row group " + std::to_string(rg) +
                               " read " + std::to_string(v.size) + " values for " +
                               std::to_string(file->row_group_num_rows(rg)) + " rows");
          }
        } catch (const Error& err) {
          errors.push_back(err);
        }
      }
    }
  }
  if (errors.empty() && !fc.damage_may_be_nested) {
    problems.push_back("no error at all; expected " + std::string(KindName(fc.error_kind)));
  }
  bool keyword_seen = fc.keywords.empty();
  for (const Error& err : errors) {
    const std::string msg = err.what();
    if (err.kind() != fc.error_kind) {
      problems.push_back("error of kind " + ErrorText(err) + ", expected " +
                         KindName(fc.error_kind));
    }
    // file_reader.h: every message starts with the file name.
    if (msg.rfind(path, 0) != 0) {
      problems.push_back("message does not start with the file name: " + msg);
    }
    for (const std::string& k : fc.keywords) {
      if (Lower(msg).find(Lower(k)) != std::string::npos) keyword_seen = true;
    }
  }
  if (!keyword_seen && !errors.empty()) {
    std::string words;
    for (const auto& k : fc.keywords) words += " '" + k + "'";
    problems.push_back("no message mentions any of" + words);
  }
  std::string report;
  for (const auto& p : problems) report += "\n  " + p;
  for (const auto& err : errors) report += "\n  (error) " + ErrorText(err);
  EXPECT_TRUE(problems.empty()) << fc.path << ":" << report;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusErrors,
                         ::testing::ValuesIn(FilesWhere([](const FileCase& f) {
                           return f.category == Category::kMalformed ||
                                  f.category == Category::kEncrypted;
                         })),
                         CaseName);

// ------------------------------------------------------------------------------------------
// Damaged copies: truncation and bit flips.

// The byte range of each column chunk, from the undamaged file's metadata.
struct ChunkRange {
  int row_group;
  int column;
  uint64_t begin;
  uint64_t end;
};

std::vector<ChunkRange> ChunkRanges(const ParquetFile& file) {
  std::vector<ChunkRange> out;
  for (int rg = 0; rg < file.num_row_groups(); ++rg) {
    const auto& columns = file.metadata().row_groups[rg].columns;
    for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
      if (!columns[c].meta_data) continue;
      const auto& md = *columns[c].meta_data;
      int64_t begin = md.data_page_offset;
      if (md.dictionary_page_offset && *md.dictionary_page_offset > 0) {
        begin = std::min(begin, *md.dictionary_page_offset);
      }
      out.push_back({rg, c, static_cast<uint64_t>(std::max<int64_t>(begin, 0)),
                     static_cast<uint64_t>(std::max<int64_t>(begin, 0) +
                                           std::max<int64_t>(md.total_compressed_size, 0))});
    }
  }
  return out;
}

uint32_t FooterLength(const std::string& bytes) {
  if (bytes.size() < 12) return 0;
  uint32_t len;
  std::memcpy(&len, bytes.data() + bytes.size() - 8, 4);
  return len <= bytes.size() - 12 ? len : 0;
}

struct DamageOutcome {
  int errors = 0;
  std::vector<std::string> problems;  // anything but a clean Error
};

// Opens `bytes` and reads the selected chunks (all when `only` is empty). Every failure must be
// a frocket::Error of a file kind; anything else (another exception type, a wrong row count)
// is a problem.
DamageOutcome ReadDamaged(const std::string& name, std::string bytes,
                          const std::vector<std::pair<int, int>>& only, bool keep_dictionary) {
  DamageOutcome out;
  auto describe = [&](const std::string& what) { out.problems.push_back(name + ": " + what); };
  auto check_kind = [&](const Error& err) {
    ++out.errors;
    if (err.kind() != ErrorKind::kCorruptFile && err.kind() != ErrorKind::kNotSupported) {
      describe("error of kind " + ErrorText(err));
    }
  };
  try {
    std::unique_ptr<ParquetFile> file = ParquetFile::Open(
        std::shared_ptr<RandomAccessFile>(MakeMemoryFile(name, std::move(bytes))));
    ReadOptions options;
    options.keep_dictionary = keep_dictionary;
    auto read = [&](int rg, int column) {
      try {
        if (rg >= file->num_row_groups() || column >= file->schema().num_columns()) return;
        if (!file->schema().column(column).supported) return;
        ColumnVector v = file->ReadColumn(rg, column, options);
        if (v.size != file->row_group_num_rows(rg)) {
          describe("row group " + std::to_string(rg) + " column " + std::to_string(column) +
                   " returned " + std::to_string(v.size) + " values for " +
                   std::to_string(file->row_group_num_rows(rg)) + " rows without an error");
        }
        // Touch every value so that a vector pointing outside its buffers shows under ASan.
        const ColumnDescriptor& c = file->schema().column(column);
        for (int64_t r = 0; r < v.size; ++r) (void)DuckDbText(c, v, r);
        (void)file->Statistics(rg, column);
      } catch (const Error& err) {
        check_kind(err);
      }
    };
    if (only.empty()) {
      for (int rg = 0; rg < file->num_row_groups(); ++rg) {
        for (int c = 0; c < file->schema().num_columns(); ++c) read(rg, c);
      }
    } else {
      for (const auto& [rg, c] : only) read(rg, c);
    }
  } catch (const Error& err) {
    check_kind(err);
  } catch (const std::bad_alloc&) {
    describe("std::bad_alloc: a length from the file drove a huge allocation");
  } catch (const std::exception& ex) {
    describe(std::string("non-frocket exception: ") + ex.what());
  }
  return out;
}

bool Damageable(const FileCase& f) { return true; }

class CorpusTruncated : public ::testing::TestWithParam<FileCase> {};

TEST_P(CorpusTruncated, FailsCleanly) {
  FROCKET_REQUIRE_CORPUS(root);
  const FileCase& fc = GetParam();
  const std::string bytes = ReadWholeFile(root / "data" / fc.path);
  const uint64_t size = bytes.size();
  const uint32_t footer = FooterLength(bytes);
  const uint64_t footer_start = size >= 8ull + footer ? size - 8 - footer : 0;
  const std::string tail = bytes.substr(footer_start);  // footer, its length, the magic

  std::vector<std::string> problems;
  // Prefix cuts: the footer (or at least its magic) is gone, so Open must refuse the file.
  std::set<uint64_t> cuts = {0,
                             1,
                             4,
                             7,
                             8,
                             11,
                             size / 2,
                             footer_start,
                             footer_start + footer / 2,
                             size - 9,
                             size - 8,
                             size - 4,
                             size - 1};
  for (uint64_t cut : cuts) {
    if (cut >= size) continue;
    std::string copy = bytes.substr(0, cut);
    DamageOutcome o =
        ReadDamaged(std::string(fc.path) + "[0:" + std::to_string(cut) + "]", copy, {}, false);
    problems.insert(problems.end(), o.problems.begin(), o.problems.end());
    const bool ends_with_magic = cut >= 4 && (copy.compare(cut - 4, 4, "PAR1") == 0 ||
                                              copy.compare(cut - 4, 4, "PARE") == 0);
    if (o.errors == 0 && !ends_with_magic) {
      problems.push_back(std::string(fc.path) + " cut to " + std::to_string(cut) +
                         " bytes opened and read without any error");
    }
  }
  // The footer kept but data removed before it: the magic, a part of the data, the footer.
  // Chunks now point past the data or at the wrong bytes.
  if (footer > 0 && footer_start > 4) {
    for (uint64_t keep : {uint64_t{4}, footer_start / 2, footer_start - 1}) {
      std::string copy = bytes.substr(0, keep) + tail;
      DamageOutcome o =
          ReadDamaged(std::string(fc.path) + "[0:" + std::to_string(keep) + "]+footer", copy, {},
                      keep % 2 == 1);
      problems.insert(problems.end(), o.problems.begin(), o.problems.end());
    }
    // Footer only: for files whose chunks hold data, something must fail.
    std::string copy = bytes.substr(0, 4) + tail;
    DamageOutcome o = ReadDamaged(std::string(fc.path) + " footer only", copy, {}, false);
    if (o.errors == 0 && fc.category != Category::kMalformed) {
      try {
        auto original = ParquetFile::Open(OpenCorpusFile(root, fc.path));
        bool has_data = false;
        for (const ChunkRange& r : ChunkRanges(*original)) has_data |= r.end > r.begin;
        if (has_data && original->num_rows() > 0) {
          problems.push_back(std::string(fc.path) +
                             ": a copy without any data pages opened and read without error");
        }
      } catch (const Error&) {
      }
    }
  }
  std::string report;
  for (const auto& p : problems) report += "\n  " + p;
  EXPECT_TRUE(problems.empty()) << fc.path << ":" << report;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusTruncated, ::testing::ValuesIn(FilesWhere(Damageable)),
                         CaseName);

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

class CorpusBitFlip : public ::testing::TestWithParam<FileCase> {};

TEST_P(CorpusBitFlip, FailsCleanlyOrReads) {
  FROCKET_REQUIRE_CORPUS(root);
  const FileCase& fc = GetParam();
  const std::string bytes = ReadWholeFile(root / "data" / fc.path);
  const uint64_t size = bytes.size();
  if (size < 16) GTEST_SKIP() << "file too small";
  const uint32_t footer = FooterLength(bytes);
  const uint64_t footer_start = size - 8 - footer;

  // Chunks of the undamaged file, so a flip inside a chunk reads just that chunk: that keeps
  // the cost per flip small for the large files.
  std::vector<ChunkRange> chunks;
  try {
    chunks = ChunkRanges(*ParquetFile::Open(OpenCorpusFile(root, fc.path)));
  } catch (const Error&) {
  }

  // Small files get many flips; large ones fewer (each costs a chunk read). Half of the flips
  // land in the footer, where one bit changes how everything else is interpreted.
  const int flips = size <= 64 * 1024 ? 96 : 24;
  std::mt19937_64 rng(Fnv1a(fc.path));
  std::vector<std::string> problems;
  for (int i = 0; i < flips; ++i) {
    uint64_t pos;
    if (i % 2 == 0 && footer > 0) {
      pos = footer_start + rng() % (footer + 8);
    } else {
      pos = rng() % size;
    }
    const int bit = static_cast<int>(rng() % 8);
    std::string copy = bytes;
    copy[pos] = static_cast<char>(copy[pos] ^ (1 << bit));

    std::vector<std::pair<int, int>> only;
    for (const ChunkRange& r : chunks) {
      if (pos >= r.begin && pos < r.end) only.push_back({r.row_group, r.column});
    }
    if (only.empty() && size > 64 * 1024 && !chunks.empty()) {
      // Footer or gap: read a few chunks rather than all of a large file.
      for (int k = 0; k < 3; ++k) {
        const ChunkRange& r = chunks[rng() % chunks.size()];
        only.push_back({r.row_group, r.column});
      }
    }
    DamageOutcome o = ReadDamaged(std::string(fc.path) + " bit " + std::to_string(bit) +
                                      " of byte " + std::to_string(pos) + " flipped",
                                  std::move(copy), only, i % 3 == 0);
    problems.insert(problems.end(), o.problems.begin(), o.problems.end());
  }
  std::string report;
  for (const auto& p : problems) report += "\n  " + p;
  EXPECT_TRUE(problems.empty()) << fc.path << ":" << report;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusBitFlip, ::testing::ValuesIn(FilesWhere(Damageable)),
                         CaseName);

// ------------------------------------------------------------------------------------------
// The table above covers the whole corpus.

TEST(CorpusManifest, EveryFileIsClassified) {
  FROCKET_REQUIRE_CORPUS(root);
  std::ifstream in(root / "manifest.json");
  json manifest = json::parse(in);
  std::set<std::string> listed, ours;
  for (const auto& entry : manifest) listed.insert(entry.at("file").get<std::string>());
  for (const FileCase& f : AllFiles()) ours.insert(f.path);
  for (const auto& f : listed) EXPECT_TRUE(ours.count(f)) << f << " is not in corpus_test.cc";
  for (const auto& f : ours) EXPECT_TRUE(listed.count(f)) << f << " is not in manifest.json";
  // MANIFEST's nested flag agrees with our categories.
  for (const auto& entry : manifest) {
    const std::string f = entry.at("file").get<std::string>();
    for (const FileCase& c : AllFiles()) {
      if (c.path != f) continue;
      if (entry.value("nested", json()).is_boolean() && entry.at("nested").get<bool>()) {
        EXPECT_TRUE(c.category == Category::kNested || c.category == Category::kMalformed ||
                    c.category == Category::kEncrypted)
            << f;
      }
    }
  }
}

// ------------------------------------------------------------------------------------------
// Statistics documented next to the files.

std::unique_ptr<ParquetFile> OpenOrFail(const fs::path& root, const std::string& file) {
  return ParquetFile::Open(OpenCorpusFile(root, file));
}

std::string Le32(int32_t v) {
  std::string s(4, '\0');
  std::memcpy(s.data(), &v, 4);
  return s;
}

TEST(CorpusStatistics, BinaryTruncatedMinMax) {
  FROCKET_REQUIRE_CORPUS(root);
  // data/README.md "Binary truncated min and max statistics".
  struct Row {
    const char* column;
    std::string min;
    bool min_exact;
    std::string max;
    bool max_exact;
  };
  const std::vector<Row> rows = {
      {"utf8_full_truncation", "Al", false, "Kf", false},
      {"binary_full_truncation", "\x41\x6C", false, "\x4B\x66", false},
      {"utf8_partial_truncation", "Al", false, "\xF0\x9F\x9A\x80Kevin Bacon", true},
      {"binary_partial_truncation", "\x41\x6C", false, std::string("\xFF\xFF\x01\x02", 4), true},
      {"utf8_no_truncation", "Al", true, "Ke", true},
      {"binary_no_truncation", "\x41\x6C", true, "\x4B\x65", true},
  };
  auto file = OpenOrFail(root, "binary_truncated_min_max.parquet");
  for (const Row& row : rows) {
    SCOPED_TRACE(row.column);
    int column = file->schema().FindColumn(row.column);
    ASSERT_GE(column, 0);
    ChunkStatistics s = file->Statistics(0, column);
    ASSERT_TRUE(s.min.has_value());
    ASSERT_TRUE(s.max.has_value());
    EXPECT_EQ(*s.min, row.min);
    EXPECT_EQ(s.min_exact, row.min_exact);
    EXPECT_EQ(*s.max, row.max);
    EXPECT_EQ(s.max_exact, row.max_exact);
    EXPECT_EQ(s.null_count, std::optional<int64_t>(0));
  }
}

TEST(CorpusStatistics, NanInStatsIsDropped) {
  FROCKET_REQUIRE_CORPUS(root);
  // data/README.md "NaN in stats": min 1, max NaN (pyarrow 0.8). A NaN max must be ignored;
  // the min, if kept, is 1.0.
  auto file = OpenOrFail(root, "nan_in_stats.parquet");
  ChunkStatistics s = file->Statistics(0, 0);
  EXPECT_FALSE(s.max.has_value()) << "NaN max exposed";
  if (s.min) {
    double one = 1.0;
    EXPECT_EQ(*s.min, std::string(reinterpret_cast<const char*>(&one), 8));
  }
}

TEST(CorpusStatistics, Float16MinMax) {
  FROCKET_REQUIRE_CORPUS(root);
  // data/README.md "Float16 Files": NaNs excluded from min/max; zeros normalized to -0 / +0.
  {
    auto file = OpenOrFail(root, "float16_nonzeros_and_nans.parquet");
    ChunkStatistics s = file->Statistics(0, 0);
    ASSERT_TRUE(s.min && s.max);
    EXPECT_EQ(*s.min, std::string("\x00\xc0", 2));  // -2.0
    EXPECT_EQ(*s.max, std::string("\x00\x40", 2));  // 2.0
    EXPECT_EQ(s.null_count, std::optional<int64_t>(1));
  }
  {
    auto file = OpenOrFail(root, "float16_zeros_and_nans.parquet");
    ChunkStatistics s = file->Statistics(0, 0);
    ASSERT_TRUE(s.min && s.max);
    EXPECT_EQ(*s.min, std::string("\x00\x80", 2));  // -0.0
    EXPECT_EQ(*s.max, std::string("\x00\x00", 2));  // +0.0
    EXPECT_EQ(s.null_count, std::optional<int64_t>(1));
  }
}

TEST(CorpusStatistics, ChunkStatisticsFromParquetCli) {
  FROCKET_REQUIRE_CORPUS(root);
  // int32_with_null_pages.md and fixed_length_byte_array.md (parquet-cli meta).
  {
    auto file = OpenOrFail(root, "int32_with_null_pages.parquet");
    ChunkStatistics s = file->Statistics(0, 0);
    ASSERT_TRUE(s.min && s.max);
    EXPECT_EQ(*s.min, Le32(-2136906554));
    EXPECT_EQ(*s.max, Le32(2145722375));
    EXPECT_EQ(s.null_count, std::optional<int64_t>(275));
  }
  {
    auto file = OpenOrFail(root, "fixed_length_byte_array.parquet");
    ChunkStatistics s = file->Statistics(0, 0);
    ASSERT_TRUE(s.min && s.max);
    EXPECT_EQ(*s.min, std::string("\x00\x00\x00\x01", 4));
    EXPECT_EQ(*s.max, std::string("\x00\x00\x03\xE8", 4));
    EXPECT_EQ(s.null_count, std::optional<int64_t>(105));
  }
}

TEST(CorpusStatistics, FloatingOrdersNeverExposeNaN) {
  FROCKET_REQUIRE_CORPUS(root);
  // data/README.md: five row groups (no-NaN, mixed-NaN, all-NaN, zero-min, zero-max). Row
  // group 2 holds only NaNs, so it can have no usable bounds.
  auto file = OpenOrFail(root, "floating_orders_nan_count.parquet");
  ASSERT_EQ(file->num_row_groups(), 5);
  for (int c = 0; c < file->schema().num_columns(); ++c) {
    ChunkStatistics s = file->Statistics(2, c);
    EXPECT_FALSE(s.min.has_value()) << file->schema().column(c).name;
    EXPECT_FALSE(s.max.has_value()) << file->schema().column(c).name;
  }
}

}  // namespace
}  // namespace frocket::testing
