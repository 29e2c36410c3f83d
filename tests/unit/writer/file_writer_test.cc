#include "parquet/writer/file_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "common/error.h"
#include "parquet/file_reader.h"
#include "parquet/thrift/metadata_codec.h"
#include "storage/file.h"
#include "unit/writer/writer_test_data.h"

namespace frocket::parquet {
namespace {

namespace fs = std::filesystem;
using testing::Distribution;
using testing::Generate;
using testing::NullPattern;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("frocket_writer_test_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<ParquetFile> OpenFile(const std::string& path) {
  return ParquetFile::Open(std::shared_ptr<RandomAccessFile>(OpenLocalFile(path)));
}

bool HasEncoding(const ColumnMetaData& meta, Encoding e) {
  return std::find(meta.encodings.begin(), meta.encodings.end(), e) != meta.encodings.end();
}

int DataPagesWith(const ColumnMetaData& meta, Encoding e) {
  int n = 0;
  for (const auto& s : meta.encoding_stats) {
    if (s.page_type == PageType::kDataPage && s.encoding == e) n += s.count;
  }
  return n;
}

// Expected chunk statistics computed from the data, with the comparisons the spec asks for.
struct ExpectedStats {
  int64_t nulls = 0;
  std::optional<std::string> min, max;
};

ExpectedStats ComputeStats(const ColumnVector& v, int64_t begin, int64_t count) {
  ExpectedStats s;
  auto fixed = [&](auto tag) {
    using T = decltype(tag);
    std::optional<T> lo, hi;
    for (int64_t i = begin; i < begin + count; ++i) {
      if (v.IsNull(i)) continue;
      T x = v.Get<T>(i);
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(x)) continue;
      }
      if (!lo || x < *lo) lo = x;
      if (!hi || *hi < x) hi = x;
    }
    if (lo) {
      if constexpr (std::is_floating_point_v<T>) {
        if (*lo == 0) lo = -T{0};
        if (*hi == 0) hi = T{0};
      }
      s.min = std::string(reinterpret_cast<const char*>(&*lo), sizeof(T));
      s.max = std::string(reinterpret_cast<const char*>(&*hi), sizeof(T));
    }
  };
  for (int64_t i = begin; i < begin + count; ++i) s.nulls += v.IsNull(i);
  switch (v.physical) {
    case PhysicalType::kBoolean:
      fixed(uint8_t{});
      break;
    case PhysicalType::kInt32:
      fixed(int32_t{});
      break;
    case PhysicalType::kInt64:
      fixed(int64_t{});
      break;
    case PhysicalType::kFloat:
      fixed(float{});
      break;
    case PhysicalType::kDouble:
      fixed(double{});
      break;
    case PhysicalType::kByteArray:
      for (int64_t i = begin; i < begin + count; ++i) {
        if (v.IsNull(i)) continue;
        std::string x(v.GetBytes(i));
        // Unsigned byte order, spelled out independently of std::string's comparison.
        auto less = [](const std::string& a, const std::string& b) {
          for (size_t k = 0; k < std::min(a.size(), b.size()); ++k) {
            auto ca = static_cast<unsigned char>(a[k]), cb = static_cast<unsigned char>(b[k]);
            if (ca != cb) return ca < cb;
          }
          return a.size() < b.size();
        };
        if (!s.min || less(x, *s.min)) s.min = x;
        if (!s.max || less(*s.max, x)) s.max = x;
      }
      break;
    default:
      break;
  }
  return s;
}

struct GeneratedColumn {
  WriterColumn column;
  ColumnVector data;
};

// Writes `columns` in batches of `batch` rows and checks every cell, the row-group split, the
// chunk statistics and the page statistics against the data.
void WriteAndVerify(const std::string& path, std::vector<GeneratedColumn>& columns,
                    const WriterOptions& options, int64_t batch) {
  WriterSchema schema;
  std::vector<ColumnVector> data;
  for (auto& c : columns) schema.columns.push_back(c.column);
  int64_t rows = columns[0].data.size;
  {
    auto writer = ParquetWriter::Open(path, schema, options);
    std::vector<ColumnVector> all;
    for (auto& c : columns) all.push_back(std::move(c.data));
    for (int64_t begin = 0; begin < rows; begin += batch) {
      writer->Write(all, begin, std::min(batch, rows - begin));
    }
    writer->Close();
    for (size_t k = 0; k < columns.size(); ++k) columns[k].data = std::move(all[k]);
  }
  auto file = OpenFile(path);
  const FileMetaData& meta = file->metadata();
  ASSERT_EQ(file->num_rows(), rows);
  int64_t expected_groups = (rows + options.row_group_rows - 1) / options.row_group_rows;
  ASSERT_EQ(file->num_row_groups(), expected_groups);
  EXPECT_EQ(meta.created_by, "frocket version 0.1.0");
  ASSERT_EQ(meta.column_orders_type_defined.size(), columns.size());
  std::string bytes = ReadAll(path);

  int64_t begin = 0;
  for (int g = 0; g < file->num_row_groups(); ++g) {
    int64_t n = file->row_group_num_rows(g);
    EXPECT_EQ(n, std::min(options.row_group_rows, rows - begin));
    for (size_t c = 0; c < columns.size(); ++c) {
      const GeneratedColumn& col = columns[c];
      std::string what = col.column.name + " group " + std::to_string(g);
      ColumnVector got = file->ReadColumn(g, static_cast<int>(c));
      testing::ExpectSameRows(col.data, begin, got, n, what);

      const ColumnMetaData& cm = *meta.row_groups[g].columns[c].meta_data;
      EXPECT_EQ(cm.num_values, n) << what;
      ASSERT_TRUE(cm.statistics.has_value()) << what;
      ExpectedStats expected = ComputeStats(col.data, begin, n);
      EXPECT_EQ(cm.statistics->null_count, expected.nulls) << what;
      EXPECT_EQ(cm.statistics->min_value, expected.min) << what;
      EXPECT_EQ(cm.statistics->max_value, expected.max) << what;
      if (col.column.type == WriterType::kString) {
        EXPECT_FALSE(cm.statistics->min.has_value()) << what;
      } else {
        EXPECT_EQ(cm.statistics->min, expected.min) << what;
      }

      // Walk the chunk's pages: page statistics must add up to the chunk's.
      int64_t pos = cm.dictionary_page_offset.value_or(cm.data_page_offset);
      int64_t end = pos + cm.total_compressed_size;
      int64_t page_values = 0, page_nulls = 0;
      while (pos < end) {
        PageHeader header;
        size_t used = DecodePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()) + pos,
                                       static_cast<size_t>(end - pos), &header);
        if (header.type == PageType::kDataPage) {
          ASSERT_TRUE(header.data_page_header.has_value());
          page_values += header.data_page_header->num_values;
          ASSERT_TRUE(header.data_page_header->statistics.has_value());
          page_nulls += header.data_page_header->statistics->null_count.value_or(-1);
        } else {
          EXPECT_EQ(header.type, PageType::kDictionaryPage) << what;
          EXPECT_EQ(pos, cm.dictionary_page_offset) << what;
        }
        pos += static_cast<int64_t>(used) + header.compressed_page_size;
      }
      EXPECT_EQ(pos, end) << what;
      EXPECT_EQ(page_values, n) << what;
      EXPECT_EQ(page_nulls, expected.nulls) << what;
    }
    begin += n;
  }
}

// Every type x required / optional x null pattern x value distribution, in one file per codec
// and encoding choice, with several row groups and pages per chunk.
class WriterRoundTripTest : public ::testing::TestWithParam<std::tuple<Codec, ColumnEncoding>> {};

TEST_P(WriterRoundTripTest, EveryTypeAndNullPattern) {
  auto [codec, encoding] = GetParam();
  std::vector<GeneratedColumn> columns;
  const int64_t rows = 2500;
  uint64_t seed = 1;
  for (WriterType type : testing::AllWriterTypes()) {
    for (auto [nullable, nulls] : {std::pair{false, NullPattern::kNone},
                                   {true, NullPattern::kNone},
                                   {true, NullPattern::kSome},
                                   {true, NullPattern::kAll}}) {
      for (Distribution dist : {Distribution::kLow, Distribution::kHigh, Distribution::kSorted}) {
        GeneratedColumn g;
        g.column.name = std::string(WriterTypeName(type)) + "_" + (nullable ? "opt" : "req") + "_" +
                        testing::NullPatternName(nulls) + "_" + testing::DistributionName(dist);
        g.column.type = type;
        g.column.nullable = nullable;
        g.column.encoding =
            encoding == ColumnEncoding::kDeltaBinaryPacked && !testing::IsIntegerType(type)
                ? ColumnEncoding::kAuto
                : encoding;
        g.data = Generate(type, nulls, dist, rows, seed++);
        columns.push_back(std::move(g));
      }
    }
  }
  TempDir dir;
  std::string path = dir.File("matrix.parquet");
  WriterOptions options;
  options.codec = codec;
  options.row_group_rows = 1000;
  options.page_bytes = 700;
  // Low enough that random values overflow the dictionary mid-chunk under kDictionary.
  options.dictionary_max_entries = 300;
  WriteAndVerify(path, columns, options, /*batch=*/700);

  // The encoding choice shows in the metadata.
  auto file = OpenFile(path);
  for (int g = 0; g < file->num_row_groups(); ++g) {
    for (size_t c = 0; c < columns.size(); ++c) {
      const ColumnMetaData& cm = *file->metadata().row_groups[g].columns[c].meta_data;
      const WriterColumn& col = columns[c].column;
      std::string what = col.name + " group " + std::to_string(g);
      EXPECT_EQ(cm.codec, codec) << what;
      bool all_null = col.name.find("allnull") != std::string::npos;
      if (all_null) {
        EXPECT_FALSE(cm.dictionary_page_offset.has_value()) << what;
        continue;
      }
      switch (col.encoding) {
        case ColumnEncoding::kPlain:
          EXPECT_FALSE(HasEncoding(cm, Encoding::kRleDictionary)) << what;
          EXPECT_FALSE(HasEncoding(cm, Encoding::kDeltaBinaryPacked)) << what;
          break;
        case ColumnEncoding::kDictionary:
          if (col.type != WriterType::kBoolean) {
            EXPECT_TRUE(HasEncoding(cm, Encoding::kRleDictionary)) << what;
            EXPECT_TRUE(cm.dictionary_page_offset.has_value()) << what;
          }
          break;
        case ColumnEncoding::kDeltaBinaryPacked:
          EXPECT_TRUE(HasEncoding(cm, Encoding::kDeltaBinaryPacked)) << what;
          EXPECT_FALSE(HasEncoding(cm, Encoding::kRleDictionary)) << what;
          break;
        case ColumnEncoding::kAuto:
          break;
      }
    }
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::tuple<Codec, ColumnEncoding>>& info) {
  const char* encodings[] = {"auto", "plain", "dictionary", "delta"};
  return std::string(CodecName(std::get<0>(info.param))) + "_" +
         encodings[static_cast<int>(std::get<1>(info.param))];
}

INSTANTIATE_TEST_SUITE_P(
    CodecsAndEncodings, WriterRoundTripTest,
    ::testing::Combine(::testing::Values(Codec::kZstd, Codec::kSnappy, Codec::kUncompressed,
                                         Codec::kGzip, Codec::kBrotli, Codec::kLz4Raw),
                       ::testing::Values(ColumnEncoding::kAuto, ColumnEncoding::kPlain,
                                         ColumnEncoding::kDictionary,
                                         ColumnEncoding::kDeltaBinaryPacked)),
    CaseName);

TEST(ParquetWriterTest, AutoPicksTheSmallestEncodingPerColumn) {
  std::vector<GeneratedColumn> columns;
  auto add = [&](const char* name, WriterType type, Distribution dist) {
    GeneratedColumn g;
    g.column = {name, type, true, ColumnEncoding::kAuto};
    g.data = Generate(type, NullPattern::kNone, dist, 20000, columns.size() + 100);
    columns.push_back(std::move(g));
  };
  add("sorted_ids", WriterType::kInt64, Distribution::kSorted);
  add("sorted_ts", WriterType::kTimestampMicros, Distribution::kSorted);
  add("random_ids", WriterType::kInt64, Distribution::kHigh);
  add("category", WriterType::kString, Distribution::kLow);
  add("small_ints", WriterType::kInt32, Distribution::kLow);
  add("random_doubles", WriterType::kDouble, Distribution::kHigh);
  add("random_strings", WriterType::kString, Distribution::kHigh);
  TempDir dir;
  WriterOptions options;
  options.row_group_rows = 10000;
  options.page_bytes = 16 * 1024;
  WriteAndVerify(dir.File("auto.parquet"), columns, options, 3000);
  auto file = OpenFile(dir.File("auto.parquet"));
  for (int g = 0; g < 2; ++g) {
    auto meta = [&](int c) { return *file->metadata().row_groups[g].columns[c].meta_data; };
    EXPECT_TRUE(HasEncoding(meta(0), Encoding::kDeltaBinaryPacked));
    EXPECT_FALSE(HasEncoding(meta(0), Encoding::kRleDictionary));
    EXPECT_TRUE(HasEncoding(meta(1), Encoding::kDeltaBinaryPacked));
    EXPECT_EQ(meta(2).encodings, (std::vector<Encoding>{Encoding::kRle, Encoding::kPlain}));
    EXPECT_GT(DataPagesWith(meta(3), Encoding::kRleDictionary), 0);
    EXPECT_EQ(DataPagesWith(meta(3), Encoding::kPlain), 0);
    EXPECT_TRUE(meta(3).dictionary_page_offset.has_value());
    EXPECT_TRUE(HasEncoding(meta(4), Encoding::kRleDictionary));
    EXPECT_FALSE(HasEncoding(meta(5), Encoding::kRleDictionary));
    EXPECT_FALSE(HasEncoding(meta(6), Encoding::kRleDictionary));
  }
}

TEST(ParquetWriterTest, DictionaryFallsBackMidChunkWhenFull) {
  // The first 3000 rows cycle through 40 values, the rest are all distinct: the dictionary
  // (limited to 100 entries) serves the first pages, later pages are PLAIN.
  const int64_t rows = 8000;
  std::vector<int64_t> ints(rows);
  std::vector<std::string> strings(rows);
  for (int64_t i = 0; i < rows; ++i) {
    ints[i] = i < 3000 ? (i * 7919) % 40 : 1'000'000 + i * i;
    strings[i] = i < 3000 ? "cat" + std::to_string(i % 40) : "unique-" + std::to_string(i * 31);
  }
  std::vector<bool> nulls(rows);
  for (int64_t i = 0; i < rows; ++i) nulls[i] = i % 5 == 0;
  std::vector<GeneratedColumn> columns(3);
  columns[0] = {{"ints", WriterType::kInt64, false, ColumnEncoding::kAuto},
                testing::MakeFixed(PhysicalType::kInt64, ints)};
  columns[1] = {{"strings", WriterType::kString, true, ColumnEncoding::kDictionary},
                testing::MakeStrings(strings, nulls)};
  // A byte limit rather than an entry limit for this one.
  columns[2] = {{"strings_by_bytes", WriterType::kString, false, ColumnEncoding::kAuto},
                testing::MakeStrings(strings)};
  TempDir dir;
  WriterOptions options;
  options.row_group_rows = rows;
  options.page_bytes = 2000;
  options.dictionary_max_entries = 100;
  WriteAndVerify(dir.File("fallback.parquet"), columns, options, 1234);
  // Same data, byte limit only.
  options.dictionary_max_entries = 1 << 16;
  options.dictionary_max_bytes = 600;
  WriteAndVerify(dir.File("fallback_bytes.parquet"), columns, options, 1234);

  for (const char* name : {"fallback.parquet", "fallback_bytes.parquet"}) {
    auto file = OpenFile(dir.File(name));
    for (int c = 0; c < 3; ++c) {
      const ColumnMetaData& cm = *file->metadata().row_groups[0].columns[c].meta_data;
      std::string what = std::string(name) + " column " + std::to_string(c);
      EXPECT_TRUE(cm.dictionary_page_offset.has_value()) << what;
      EXPECT_GT(DataPagesWith(cm, Encoding::kRleDictionary), 0) << what;
      int later =
          DataPagesWith(cm, Encoding::kPlain) + DataPagesWith(cm, Encoding::kDeltaBinaryPacked);
      EXPECT_GT(later, 0) << what;
    }
  }
}

TEST(ParquetWriterTest, SchemaCarriesLogicalAndConvertedTypes) {
  TempDir dir;
  WriterSchema schema;
  for (WriterType t : testing::AllWriterTypes())
    schema.columns.push_back({WriterTypeName(t), t, true});
  schema.columns[0].nullable = false;
  WriterOptions options;
  options.key_value_metadata = {{"origin", "unit test"}};
  auto writer = ParquetWriter::Open(dir.File("schema.parquet"), schema, options);
  writer->Close();
  auto file = OpenFile(dir.File("schema.parquet"));
  const auto& elements = file->metadata().schema;
  ASSERT_EQ(elements.size(), 9u);
  EXPECT_EQ(elements[0].num_children, 8);
  EXPECT_EQ(elements[1].repetition_type, Repetition::kRequired);
  EXPECT_EQ(elements[2].repetition_type, Repetition::kOptional);
  EXPECT_EQ(elements[6].type, PhysicalType::kByteArray);
  EXPECT_EQ(elements[6].converted_type, ConvertedType::kUtf8);
  EXPECT_EQ(elements[6].logical_type.kind, LogicalType::Kind::kString);
  for (int k : {7, 8}) {
    EXPECT_EQ(elements[k].type, PhysicalType::kInt64);
    EXPECT_EQ(elements[k].logical_type.kind, LogicalType::Kind::kTimestamp);
    EXPECT_TRUE(elements[k].logical_type.is_adjusted_to_utc);
  }
  EXPECT_EQ(elements[7].logical_type.unit, TimeUnit::kMillis);
  EXPECT_EQ(elements[7].converted_type, ConvertedType::kTimestampMillis);
  EXPECT_EQ(elements[8].logical_type.unit, TimeUnit::kMicros);
  EXPECT_EQ(elements[8].converted_type, ConvertedType::kTimestampMicros);
  EXPECT_EQ(file->schema().column(6).type, ValueType::kTimestamp);
  EXPECT_EQ(file->schema().column(5).type, ValueType::kString);
  EXPECT_EQ(file->num_rows(), 0);
  EXPECT_EQ(file->num_row_groups(), 0);
  ASSERT_EQ(file->metadata().key_value_metadata.size(), 1u);
  EXPECT_EQ(file->metadata().key_value_metadata[0].value, "unit test");
  EXPECT_EQ(file->metadata().column_orders_type_defined, std::vector<bool>(8, true));
}

TEST(ParquetWriterTest, FloatStatisticsIgnoreNanAndSignZeros) {
  TempDir dir;
  float nan = std::numeric_limits<float>::quiet_NaN();
  WriterSchema schema{{{"f", WriterType::kFloat, true},
                       {"g", WriterType::kFloat, true},
                       {"s", WriterType::kString, true}}};
  auto writer = ParquetWriter::Open(dir.File("f.parquet"), schema);
  std::vector<ColumnVector> batch;
  batch.push_back(testing::MakeFixed<float>(PhysicalType::kFloat, {nan, 0.0f, 2.5f, nan}));
  batch.push_back(testing::MakeFixed<float>(PhysicalType::kFloat, {nan, nan, nan, nan},
                                            {false, true, false, false}));
  batch.push_back(testing::MakeStrings({"a", "\xff", "Z", "ab"}));
  writer->Write(batch);
  writer->Close();
  auto file = OpenFile(dir.File("f.parquet"));
  const Statistics& f = *file->metadata().row_groups[0].columns[0].meta_data->statistics;
  float lo, hi;
  ASSERT_TRUE(f.min_value && f.max_value);
  std::memcpy(&lo, f.min_value->data(), 4);
  std::memcpy(&hi, f.max_value->data(), 4);
  EXPECT_EQ(std::bit_cast<uint32_t>(lo), std::bit_cast<uint32_t>(-0.0f));
  EXPECT_EQ(hi, 2.5f);
  const Statistics& g = *file->metadata().row_groups[0].columns[1].meta_data->statistics;
  EXPECT_FALSE(g.min_value.has_value());
  EXPECT_EQ(g.null_count, 1);
  const Statistics& s = *file->metadata().row_groups[0].columns[2].meta_data->statistics;
  EXPECT_EQ(s.min_value, "Z");
  EXPECT_EQ(s.max_value, "\xff");
  ColumnVector back = file->ReadColumn(0, 0);
  EXPECT_TRUE(std::isnan(back.Get<float>(0)));
  EXPECT_EQ(std::bit_cast<uint32_t>(back.Get<float>(1)), 0u);  // +0.0 stays +0.0
}

TEST(ParquetWriterTest, SortingColumnsAreRecordedAndChecked) {
  TempDir dir;
  WriterSchema schema{
      {{"user", WriterType::kInt64, false}, {"ts", WriterType::kTimestampMillis, true}}};
  WriterOptions options;
  options.row_group_rows = 4;
  options.sorting_columns = {{"user"}, {"ts", false, true}};
  {
    auto writer = ParquetWriter::Open(dir.File("sorted.parquet"), schema, options);
    // Row groups restart the order: 1 2 2 3 | 0 0 5.
    std::vector<ColumnVector> batch;
    batch.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {1, 2, 2, 3, 0, 0, 5}));
    batch.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {9, 1, 2, 0, 0, 1, 1}));
    writer->Write(batch);
    writer->Close();
  }
  auto file = OpenFile(dir.File("sorted.parquet"));
  ASSERT_EQ(file->num_row_groups(), 2);
  for (const RowGroup& g : file->metadata().row_groups) {
    ASSERT_EQ(g.sorting_columns.size(), 2u);
    EXPECT_EQ(g.sorting_columns[0].column_idx, 0);
    EXPECT_FALSE(g.sorting_columns[0].descending);
    EXPECT_EQ(g.sorting_columns[1].column_idx, 1);
    EXPECT_TRUE(g.sorting_columns[1].nulls_first);
  }

  auto writer = ParquetWriter::Open(dir.File("unsorted.parquet"), schema, options);
  std::vector<ColumnVector> bad;
  bad.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {1, 3, 2}));
  bad.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {0, 0, 0}));
  try {
    writer->Write(bad);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("'user'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(writer->Close(), Error);  // the writer refuses to finish a broken promise

  // Nulls last by default: a value after a null breaks the order.
  options.sorting_columns = {{"ts"}};
  auto nulls = ParquetWriter::Open(dir.File("nulls.parquet"), schema, options);
  std::vector<ColumnVector> batch;
  batch.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {1, 2, 3}));
  batch.push_back(
      testing::MakeFixed<int64_t>(PhysicalType::kInt64, {5, 0, 7}, {false, true, false}));
  EXPECT_THROW(nulls->Write(batch), Error);
}

TEST(ParquetWriterTest, RejectsBatchesThatDoNotFitTheSchema) {
  TempDir dir;
  WriterSchema schema{{{"id", WriterType::kInt64, false}, {"name", WriterType::kString, true}}};
  auto writer = ParquetWriter::Open(dir.File("bad.parquet"), schema);
  auto expect_invalid = [&](std::vector<ColumnVector> batch, const std::string& needle) {
    try {
      writer->Write(batch);
      ADD_FAILURE() << "no error for " << needle;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  std::vector<ColumnVector> batch;
  batch.push_back(testing::MakeFixed<int32_t>(PhysicalType::kInt32, {1, 2}));
  batch.push_back(testing::MakeStrings({"a", "b"}));
  expect_invalid(std::move(batch), "expects physical type INT64");

  batch.clear();
  batch.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {1, 2}, {false, true}));
  batch.push_back(testing::MakeStrings({"a", "b"}));
  expect_invalid(std::move(batch), "REQUIRED");

  batch.clear();
  batch.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {1, 2, 3}));
  batch.push_back(testing::MakeStrings({"a", "b"}));
  expect_invalid(std::move(batch), "has 2 rows");

  batch.clear();
  batch.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {1, 2}));
  batch.push_back(testing::MakeStrings({"a", "b"}));
  batch[1].offsets.as<uint32_t>()[2] = 1000;  // past the bytes
  expect_invalid(std::move(batch), "past the bytes");

  batch.clear();
  batch.push_back(testing::MakeFixed<int64_t>(PhysicalType::kInt64, {1}));
  expect_invalid(std::move(batch), "the batch 1");

  // None of that reached the file.
  writer->Close();
  EXPECT_EQ(OpenFile(dir.File("bad.parquet"))->num_rows(), 0);

  EXPECT_THROW(ParquetWriter::Open(dir.File("x.parquet"), WriterSchema{}), Error);
  EXPECT_THROW(
      ParquetWriter::Open(dir.File("x.parquet"),
                          WriterSchema{{{"a", WriterType::kInt32}, {"a", WriterType::kInt64}}}),
      Error);
  EXPECT_THROW(
      ParquetWriter::Open(
          dir.File("x.parquet"),
          WriterSchema{{{"d", WriterType::kDouble, true, ColumnEncoding::kDeltaBinaryPacked}}}),
      Error);
  try {
    ParquetWriter::Open("/nonexistent-dir/x.parquet", schema);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
}

TEST(ParquetWriterTest, AcceptsDictionaryFormInput) {
  TempDir dir;
  WriterSchema schema{{{"s", WriterType::kString, true}, {"i", WriterType::kInt32, false}}};
  auto sdict = std::make_shared<ColumnVector>(testing::MakeStrings({"red", "green", "blue"}));
  auto idict =
      std::make_shared<ColumnVector>(testing::MakeFixed<int32_t>(PhysicalType::kInt32, {10, -20}));
  std::vector<uint32_t> codes = {2, 0, 0, 1, 2};
  std::vector<ColumnVector> batch(2);
  batch[0] = testing::MakeFixed<uint32_t>(PhysicalType::kByteArray, codes,
                                          {false, true, false, false, false});
  batch[0].dictionary = sdict;
  std::vector<uint32_t> icodes = {1, 1, 0, 1, 0};
  batch[1] = testing::MakeFixed<uint32_t>(PhysicalType::kInt32, icodes);
  batch[1].dictionary = idict;
  {
    auto writer = ParquetWriter::Open(dir.File("dict.parquet"), schema);
    writer->Write(batch);
    writer->Close();
  }
  auto file = OpenFile(dir.File("dict.parquet"));
  ColumnVector s = file->ReadColumn(0, 0);
  ColumnVector i = file->ReadColumn(0, 1);
  testing::ExpectSameRows(testing::MakeStrings({"blue", "", "red", "green", "blue"},
                                               {false, true, false, false, false}),
                          0, s, 5, "s");
  testing::ExpectSameRows(
      testing::MakeFixed<int32_t>(PhysicalType::kInt32, {-20, -20, 10, -20, 10}), 0, i, 5, "i");

  // An out-of-range code is refused.
  batch[1].values.as<uint32_t>()[3] = 2;
  auto writer = ParquetWriter::Open(dir.File("dict2.parquet"), schema);
  EXPECT_THROW(writer->Write(batch), Error);
}

TEST(ParquetWriterTest, WriteRowGroupKeepsTheCallersBoundaries) {
  TempDir dir;
  WriterSchema schema{{{"v", WriterType::kInt32, false}}};
  WriterOptions options;
  options.row_group_rows = 3;
  auto writer = ParquetWriter::Open(dir.File("rg.parquet"), schema, options);
  std::vector<ColumnVector> two, five;
  two.push_back(testing::MakeFixed<int32_t>(PhysicalType::kInt32, {1, 2}));
  five.push_back(testing::MakeFixed<int32_t>(PhysicalType::kInt32, {3, 4, 5, 6, 7}));
  writer->Write(two);           // pending: 2 rows
  writer->WriteRowGroup(five);  // closes the 2-row group, then one of 5 (above the limit)
  writer->Write(two);
  writer->Close();
  writer->Close();  // a second Close does nothing
  auto file = OpenFile(dir.File("rg.parquet"));
  ASSERT_EQ(file->num_row_groups(), 3);
  EXPECT_EQ(file->row_group_num_rows(0), 2);
  EXPECT_EQ(file->row_group_num_rows(1), 5);
  EXPECT_EQ(file->row_group_num_rows(2), 2);
  EXPECT_EQ(file->metadata().row_groups[1].ordinal, 1);
  EXPECT_THROW(writer->Write(two), Error);
}

// Memory stays bounded by one row group: 2 million rows in row groups of 100k must never
// buffer more than the largest row group's encoded pages plus the pages being filled and the
// dictionaries, far less than the file.
TEST(ParquetWriterTest, MemoryIsBoundedByOneRowGroup) {
  TempDir dir;
  WriterSchema schema{{{"id", WriterType::kInt64, false},
                       {"event", WriterType::kString, false},
                       {"value", WriterType::kDouble, true},
                       {"count", WriterType::kInt32, true}}};
  WriterOptions options;
  options.row_group_rows = 100'000;
  options.page_bytes = 64 * 1024;
  options.dictionary_max_bytes = 64 * 1024;
  const int64_t total = 2'000'000, batch_rows = 65'536;
  auto writer = ParquetWriter::Open(dir.File("big.parquet"), schema, options);
  std::vector<ColumnVector> batch;
  batch.push_back(
      Generate(WriterType::kInt64, NullPattern::kNone, Distribution::kSorted, batch_rows, 1));
  batch.push_back(
      Generate(WriterType::kString, NullPattern::kNone, Distribution::kLow, batch_rows, 2));
  batch.push_back(
      Generate(WriterType::kDouble, NullPattern::kSome, Distribution::kHigh, batch_rows, 3));
  batch.push_back(
      Generate(WriterType::kInt32, NullPattern::kSome, Distribution::kLow, batch_rows, 4));
  int64_t peak_seen = 0;
  for (int64_t written = 0; written < total; written += batch_rows) {
    writer->Write(batch, 0, std::min(batch_rows, total - written));
    peak_seen = std::max(peak_seen, writer->buffered_bytes());
  }
  writer->Close();
  EXPECT_EQ(writer->num_rows(), total);
  int64_t largest_group = 0;
  for (const RowGroup& g : writer->metadata().row_groups) {
    largest_group = std::max(largest_group, *g.total_compressed_size);
  }
  int64_t file_size = static_cast<int64_t>(fs::file_size(dir.File("big.parquet")));
  // Per column: a page being filled (its values and levels) and a dictionary.
  int64_t slack = 4 * (options.page_bytes + options.dictionary_max_bytes + options.page_bytes / 4);
  EXPECT_GE(writer->peak_buffered_bytes(), peak_seen);
  EXPECT_GE(writer->peak_buffered_bytes(), largest_group / 2);
  EXPECT_LE(writer->peak_buffered_bytes(), largest_group + slack);
  EXPECT_LT(writer->peak_buffered_bytes() * 5, file_size);
  EXPECT_EQ(writer->metadata().row_groups.size(), 20u);
  EXPECT_EQ(OpenFile(dir.File("big.parquet"))->num_rows(), total);
}

}  // namespace
}  // namespace frocket::parquet
