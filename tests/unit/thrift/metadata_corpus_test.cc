// Decodes the footer (and walks the page headers) of every Parquet file of the compatibility
// corpus and compares what it finds with the corpus manifest, which was produced by an
// independent footer walker. Set FROCKET_TEST_CORPUS to the corpus folder (the one holding
// manifest.json); the tests skip when it is unset.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "parquet/format.h"
#include "parquet/thrift/metadata_codec.h"

namespace frocket::parquet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Corpus {
  fs::path data_dir;
  json manifest;
};

// Returns false (and the reason) when the corpus is not configured.
bool LoadCorpus(Corpus* corpus, std::string* why) {
  const char* root = std::getenv("FROCKET_TEST_CORPUS");
  if (root == nullptr || *root == '\0') {
    *why = "FROCKET_TEST_CORPUS is not set (point it at the parquet corpus folder)";
    return false;
  }
  fs::path manifest_path = fs::path(root) / "manifest.json";
  std::ifstream in(manifest_path);
  if (!in) {
    *why = "no manifest.json in FROCKET_TEST_CORPUS=" + std::string(root);
    return false;
  }
  corpus->manifest = json::parse(in);
  // The manifest names files relative to data/ in the corpus layout.
  corpus->data_dir = fs::exists(fs::path(root) / "data") ? fs::path(root) / "data" : root;
  return true;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const uint8_t* Bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// The footer: the last 8 bytes are its little-endian length and "PAR1".
bool FooterOf(const std::string& file, std::string_view* footer) {
  if (file.size() < 12 || file.compare(file.size() - 4, 4, "PAR1") != 0) return false;
  const auto* tail = Bytes(file) + file.size() - 8;
  uint32_t length = tail[0] | (tail[1] << 8) | (tail[2] << 16) | (uint32_t{tail[3]} << 24);
  if (length > file.size() - 12) return false;
  *footer = std::string_view(file).substr(file.size() - 8 - length, length);
  return true;
}

// The manifest's rendering of a leaf's physical type: "INT32", "FIXED_LEN_BYTE_ARRAY(16)",
// "UNKNOWN(-7)".
std::string PhysicalTypeText(const SchemaElement& e) {
  if (!e.type) return "UNKNOWN(" + std::to_string(e.raw_type.value_or(-1)) + ")";
  std::string text = PhysicalTypeName(*e.type);
  if (*e.type == PhysicalType::kFixedLenByteArray) {
    text += "(" + std::to_string(e.type_length.value_or(-1)) + ")";
  }
  return text;
}

// The manifest's rendering of a leaf's annotations: the converted type, then "LT:" + the
// logical type.
std::vector<std::string> AnnotationTexts(const SchemaElement& e) {
  std::vector<std::string> out;
  if (e.converted_type) {
    std::string text = ConvertedTypeName(*e.converted_type);
    if (*e.converted_type == ConvertedType::kDecimal) {
      text += "(" + std::to_string(e.precision.value_or(-1)) + "," +
              std::to_string(e.scale.value_or(-1)) + ")";
    }
    out.push_back(text);
  }
  using Kind = LogicalType::Kind;
  const LogicalType& t = e.logical_type;
  auto unit = [&] {
    return std::string(t.unit == TimeUnit::kMillis   ? "MILLIS"
                       : t.unit == TimeUnit::kMicros ? "MICROS"
                                                     : "NANOS") +
           ",utc=" + (t.is_adjusted_to_utc ? "True" : "False");
  };
  std::string lt;
  switch (t.kind) {
    case Kind::kNone:
      break;
    case Kind::kString:
      lt = "STRING";
      break;
    case Kind::kMap:
      lt = "MAP";
      break;
    case Kind::kList:
      lt = "LIST";
      break;
    case Kind::kEnum:
      lt = "ENUM";
      break;
    case Kind::kDecimal:
      lt = "DECIMAL(" + std::to_string(t.decimal_precision) + "," +
           std::to_string(t.decimal_scale) + ")";
      break;
    case Kind::kDate:
      lt = "DATE";
      break;
    case Kind::kTime:
      lt = "TIME(" + unit() + ")";
      break;
    case Kind::kTimestamp:
      lt = "TIMESTAMP(" + unit() + ")";
      break;
    case Kind::kInteger:
      lt = "INT(" + std::to_string(t.bit_width) + "," + (t.is_signed ? "signed" : "unsigned") + ")";
      break;
    case Kind::kUnknownNull:
      lt = "NULL/UNKNOWN";
      break;
    case Kind::kJson:
      lt = "JSON";
      break;
    case Kind::kBson:
      lt = "BSON";
      break;
    case Kind::kUuid:
      lt = "UUID";
      break;
    case Kind::kFloat16:
      lt = "FLOAT16";
      break;
    case Kind::kVariant:
      lt = "VARIANT";
      break;
    case Kind::kGeometry:
      lt = "GEOMETRY";
      break;
    case Kind::kGeography:
      lt = "GEOGRAPHY";
      break;
    case Kind::kUnknown:
      lt = "LOGICAL_TYPE_ID_?";
      break;
  }
  if (!lt.empty()) out.push_back("LT:" + lt);
  return out;
}

struct Leaf {
  std::string path;
  const SchemaElement* element;
  int max_def;
  int max_rep;
};

// Walks the depth-first schema list with num_children, as the schema layer will.
void CollectLeaves(const std::vector<SchemaElement>& schema, size_t* index,
                   const std::string& prefix, int def, int rep, std::vector<Leaf>* leaves) {
  ASSERT_LT(*index, schema.size()) << "schema ends inside a group";
  const SchemaElement& e = schema[(*index)++];
  if (e.repetition_type == Repetition::kOptional) ++def;
  if (e.repetition_type == Repetition::kRepeated) ++def, ++rep;
  std::string path = prefix.empty() ? e.name : prefix + "." + e.name;
  if (!e.num_children) {
    leaves->push_back({path, &e, def, rep});
    return;
  }
  for (int32_t i = 0; i < *e.num_children; ++i) {
    CollectLeaves(schema, index, path, def, rep, leaves);
  }
}

std::vector<Leaf> LeavesOf(const FileMetaData& m) {
  std::vector<Leaf> leaves;
  if (m.schema.empty()) return leaves;
  size_t index = 1;
  for (int32_t i = 0; i < m.schema[0].num_children.value_or(0); ++i) {
    CollectLeaves(m.schema, &index, "", 0, 0, &leaves);
  }
  EXPECT_EQ(index, m.schema.size()) << "schema elements left over";
  return leaves;
}

std::set<std::string> StringSet(const json& array) {
  std::set<std::string> out;
  for (const json& v : array) out.insert(v.get<std::string>());
  return out;
}

std::set<std::string> StatsFields(const Statistics& s) {
  std::set<std::string> out;
  if (s.max) out.insert("max");
  if (s.min) out.insert("min");
  if (s.null_count) out.insert("null_count");
  if (s.distinct_count) out.insert("distinct");
  if (s.max_value) out.insert("max_value");
  if (s.min_value) out.insert("min_value");
  if (s.is_max_value_exact) out.insert("is_max_exact");
  if (s.is_min_value_exact) out.insert("is_min_exact");
  if (s.nan_count) out.insert("nan_count");
  return out;
}

struct PageFacts {
  std::set<std::string> versions;
  std::set<std::string> data_encodings;
  std::set<std::string> dict_encodings;
  bool crc = false;
};

// Walks the pages of one column chunk from its first page until the data pages have covered
// num_values values.
void WalkPages(const std::string& file, const ColumnMetaData& md, PageFacts* facts) {
  int64_t offset = md.data_page_offset;
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 &&
      *md.dictionary_page_offset < offset) {
    offset = *md.dictionary_page_offset;
  }
  int64_t values = 0;
  while (values < md.num_values) {
    ASSERT_GE(offset, 0);
    ASSERT_LT(static_cast<size_t>(offset), file.size());
    PageHeader h;
    size_t header_size = DecodePageHeader(Bytes(file) + offset, file.size() - offset, &h);
    if (h.crc) facts->crc = true;
    switch (h.type) {
      case PageType::kDataPage:
        ASSERT_TRUE(h.data_page_header.has_value());
        facts->versions.insert("v1");
        facts->data_encodings.insert(EncodingName(h.data_page_header->encoding));
        values += h.data_page_header->num_values;
        break;
      case PageType::kDataPageV2:
        ASSERT_TRUE(h.data_page_header_v2.has_value());
        facts->versions.insert("v2");
        facts->data_encodings.insert(EncodingName(h.data_page_header_v2->encoding));
        values += h.data_page_header_v2->num_values;
        break;
      case PageType::kDictionaryPage:
        ASSERT_TRUE(h.dictionary_page_header.has_value());
        facts->dict_encodings.insert(EncodingName(h.dictionary_page_header->encoding));
        break;
      default:
        break;
    }
    offset += static_cast<int64_t>(header_size) + h.compressed_page_size;
  }
  EXPECT_EQ(values, md.num_values);
}

void CheckFile(const Corpus& corpus, const json& entry) {
  const std::string name = entry["file"].get<std::string>();
  SCOPED_TRACE(name);
  // Files damaged on purpose (fuzzed bytes in path_in_schema or page headers): their footers
  // must decode, but only the facts the manifest's walker could establish are compared.
  const bool damaged = entry.contains("malformed") && entry["malformed"].is_string() &&
                       entry["malformed"].get<std::string>().rfind("BAD", 0) == 0;
  const std::string file = ReadFile(corpus.data_dir / name);
  ASSERT_EQ(file.size(), entry["size"].get<size_t>());
  std::string_view footer;
  if (entry["rows"].is_null()) {
    // The encrypted-footer file: its magic is "PARE", there is nothing for us to decode.
    EXPECT_FALSE(FooterOf(file, &footer));
    return;
  }
  ASSERT_TRUE(FooterOf(file, &footer));
  FileMetaData m =
      DecodeFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());

  EXPECT_EQ(m.num_rows, entry["rows"].get<int64_t>());
  ASSERT_EQ(m.row_groups.size(), entry["row_groups"].get<size_t>());
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    EXPECT_EQ(m.row_groups[g].num_rows, entry["rg_rows"][g].get<int64_t>()) << "row group " << g;
  }
  if (!entry["created_by"].is_null()) {
    // The manifest renders an absent created_by as "".
    EXPECT_EQ(m.created_by.value_or(""), entry["created_by"].get<std::string>());
  }

  // Leaves: path, physical type, repetition, levels and annotations.
  std::vector<Leaf> leaves = LeavesOf(m);
  const json& expected_leaves = entry["leaves"];
  ASSERT_EQ(leaves.size(), expected_leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) {
    const json& want = expected_leaves[i];
    SCOPED_TRACE(leaves[i].path);
    EXPECT_EQ(leaves[i].path, want["path"].get<std::string>());
    EXPECT_EQ(PhysicalTypeText(*leaves[i].element), want["phys"].get<std::string>());
    EXPECT_EQ(leaves[i].max_def, want["max_def"].get<int>());
    EXPECT_EQ(leaves[i].max_rep, want["max_rep"].get<int>());
    std::vector<std::string> ann = AnnotationTexts(*leaves[i].element);
    std::vector<std::string> want_ann = want["ann"].get<std::vector<std::string>>();
    if (leaves[i].element->logical_type.kind == LogicalType::Kind::kUnknown) {
      // The manifest names the unknown member's id, which we deliberately do not keep.
      ASSERT_EQ(ann.size(), want_ann.size());
      EXPECT_EQ(want_ann.back().rfind("LT:LOGICAL_TYPE_ID_", 0), 0u) << want_ann.back();
    } else {
      EXPECT_EQ(ann, want_ann);
    }
  }

  // Column chunks: codecs, paths, stats fields, page index and bloom filter flags.
  std::set<std::string> codecs;
  std::set<std::string> stats_fields;
  bool page_index = false;
  bool bloom = false;
  bool encrypted_columns = false;
  for (const RowGroup& group : m.row_groups) {
    ASSERT_EQ(group.columns.size(), leaves.size());
    for (size_t c = 0; c < group.columns.size(); ++c) {
      const ColumnChunk& chunk = group.columns[c];
      if (chunk.has_crypto_metadata) encrypted_columns = true;
      if (chunk.offset_index_offset || chunk.column_index_offset) page_index = true;
      if (!chunk.meta_data) continue;
      const ColumnMetaData& md = *chunk.meta_data;
      codecs.insert(CodecName(md.codec));
      EXPECT_EQ(md.raw_codec, static_cast<int32_t>(md.codec));
      std::string path;
      for (const std::string& part : md.path_in_schema) path += (path.empty() ? "" : ".") + part;
      if (!damaged) {
        EXPECT_EQ(path, leaves[c].path);
      }
      if (leaves[c].element->type) {
        EXPECT_EQ(md.type, *leaves[c].element->type);
      }
      if (md.statistics) {
        std::set<std::string> fields = StatsFields(*md.statistics);
        stats_fields.insert(fields.begin(), fields.end());
      }
      if (md.bloom_filter_offset) bloom = true;
    }
  }
  EXPECT_EQ(codecs, StringSet(entry["codecs"]));
  EXPECT_EQ(stats_fields, StringSet(entry["stats_fields"]));
  EXPECT_EQ(page_index, entry["page_index"].get<bool>());
  EXPECT_EQ(bloom, entry["bloom"].get<bool>());
  EXPECT_EQ(m.has_encryption_algorithm, name.find("encrypt") != std::string::npos);
  EXPECT_EQ(encrypted_columns, name.find("encrypt") != std::string::npos);
  if (!m.column_orders.empty()) {
    EXPECT_EQ(m.column_orders.size(), leaves.size());
  }

  // Page headers, where the manifest's walker found no problem.
  if (!entry["inspector_errors"].empty() || encrypted_columns || damaged) return;
  PageFacts facts;
  for (const RowGroup& group : m.row_groups) {
    for (const ColumnChunk& chunk : group.columns) {
      ASSERT_TRUE(chunk.meta_data.has_value());
      WalkPages(file, *chunk.meta_data, &facts);
    }
  }
  EXPECT_EQ(facts.versions, StringSet(entry["page_versions"]));
  EXPECT_EQ(facts.data_encodings, StringSet(entry["data_encodings"]));
  EXPECT_EQ(facts.dict_encodings, StringSet(entry["dict_encodings"]));
  EXPECT_EQ(facts.crc, entry["crc"].get<bool>());
}

TEST(MetadataCorpusTest, FootersAndPageHeadersMatchManifest) {
  Corpus corpus;
  std::string why;
  if (!LoadCorpus(&corpus, &why)) GTEST_SKIP() << why;
  ASSERT_GT(corpus.manifest.size(), 50u);
  for (const json& entry : corpus.manifest) CheckFile(corpus, entry);
}

TEST(MetadataCorpusTest, SpecificFiles) {
  Corpus corpus;
  std::string why;
  if (!LoadCorpus(&corpus, &why)) GTEST_SKIP() << why;
  auto decode = [&](const std::string& name) {
    std::string file = ReadFile(corpus.data_dir / name);
    std::string_view footer;
    EXPECT_TRUE(FooterOf(file, &footer)) << name;
    return DecodeFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  };
  // PARQUET-1481: the leaf's physical type is -7.
  FileMetaData m = decode("bad_data/PARQUET-1481.parquet");
  ASSERT_EQ(m.schema.size(), 2u);
  EXPECT_FALSE(m.schema[1].type.has_value());
  EXPECT_EQ(m.schema[1].raw_type, -7);

  // A LogicalType member from the future.
  m = decode("unknown-logical-type.parquet");
  ASSERT_EQ(m.schema.size(), 3u);
  EXPECT_EQ(m.schema[1].logical_type.kind, LogicalType::Kind::kString);
  EXPECT_EQ(m.schema[2].logical_type.kind, LogicalType::Kind::kUnknown);

  // Sorting columns are decoded.
  m = decode("sort_columns.parquet");
  ASSERT_FALSE(m.row_groups.empty());
  EXPECT_FALSE(m.row_groups[0].sorting_columns.empty());

  // The dictionary page header with num_values < 0 (ARROW-RS-GH-6229) is refused.
  std::string file = ReadFile(corpus.data_dir / "bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet");
  std::string_view footer;
  ASSERT_TRUE(FooterOf(file, &footer));
  m = DecodeFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  bool refused = false;
  for (const ColumnChunk& chunk : m.row_groups[0].columns) {
    const ColumnMetaData& md = *chunk.meta_data;
    int64_t offset = md.dictionary_page_offset.value_or(md.data_page_offset);
    try {
      // Walk at most the chunk's pages.
      int64_t end = offset + md.total_compressed_size;
      while (offset < end && offset >= 0 && static_cast<size_t>(offset) < file.size()) {
        PageHeader h;
        offset += DecodePageHeader(Bytes(file) + offset, file.size() - offset, &h);
        offset += h.compressed_page_size;
      }
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
}

// Every strict prefix of a real footer is corrupt, and never crashes (run this under ASan).
TEST(MetadataCorpusTest, TruncatedRealFootersAreCorrupt) {
  Corpus corpus;
  std::string why;
  if (!LoadCorpus(&corpus, &why)) GTEST_SKIP() << why;
  size_t checked = 0;
  for (const json& entry : corpus.manifest) {
    if (entry["rows"].is_null()) continue;
    const std::string name = entry["file"].get<std::string>();
    std::string file = ReadFile(corpus.data_dir / name);
    std::string_view footer_view;
    ASSERT_TRUE(FooterOf(file, &footer_view)) << name;
    // A private copy of exactly `n` bytes per prefix lets ASan flag any read past the end.
    const std::string footer(footer_view);
    // Every length for small footers (most of them), about 500 evenly spread lengths
    // for the larger ones: the test is quadratic in the footer size.
    size_t step = footer.size() <= 2048 ? 1 : footer.size() / 500;
    // A plaintext footer of an encrypted file ends with a 28-byte signature (nonce and GCM
    // tag) after the FileMetaData struct; prefixes holding the whole struct decode fine.
    size_t struct_end = footer.size();
    if (name.find("encrypt") != std::string::npos) struct_end -= 28;
    for (size_t n = 0; n < struct_end; n += step) {
      std::vector<uint8_t> prefix(footer.begin(), footer.begin() + n);
      EXPECT_THROW(DecodeFileMetaData(prefix.data(), prefix.size()), Error)
          << name << " cut at " << n;
    }
    ++checked;
  }
  EXPECT_GT(checked, 50u);
}

}  // namespace
}  // namespace frocket::parquet
