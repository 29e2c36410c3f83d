// Small Parquet datasets written by the catalog tests with frocket's writer: a temporary
// directory and a way to write one file from named columns.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "parquet/writer/file_writer.h"
#include "unit/writer/writer_test_data.h"

namespace frocket::catalog_testing {

using parquet::ColumnVector;
using parquet::PhysicalType;
using parquet::WriterColumn;
using parquet::WriterType;

// A fresh directory under the test temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "frocket_catalog_XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  std::string Subdir(const std::string& name) const {
    std::filesystem::create_directories(path_ + "/" + name);
    return path_ + "/" + name;
  }

 private:
  std::string path_;
};

// Copyable (through the shared vector), so that files can be written from braced lists of
// columns; WriteFile moves the values out.
struct Column {
  std::string name;
  WriterType type;
  std::shared_ptr<ColumnVector> values;
  bool nullable = false;
};

inline std::shared_ptr<ColumnVector> Shared(ColumnVector v) {
  return std::make_shared<ColumnVector>(std::move(v));
}

inline Column Int64Column(const std::string& name, const std::vector<int64_t>& values,
                          const std::vector<bool>& is_null = {}) {
  return {name, WriterType::kInt64,
          Shared(parquet::testing::MakeFixed<int64_t>(PhysicalType::kInt64, values, is_null)),
          !is_null.empty()};
}

inline Column Int32Column(const std::string& name, const std::vector<int32_t>& values) {
  return {name, WriterType::kInt32,
          Shared(parquet::testing::MakeFixed<int32_t>(PhysicalType::kInt32, values)), false};
}

inline Column DoubleColumn(const std::string& name, const std::vector<double>& values) {
  return {name, WriterType::kDouble,
          Shared(parquet::testing::MakeFixed<double>(PhysicalType::kDouble, values)), false};
}

inline Column TimestampColumn(const std::string& name, WriterType type,
                              const std::vector<int64_t>& values) {
  return {name, type, Shared(parquet::testing::MakeFixed<int64_t>(PhysicalType::kInt64, values)),
          false};
}

inline Column StringColumn(const std::string& name, const std::vector<std::string>& values,
                           const std::vector<bool>& is_null = {}) {
  return {name, WriterType::kString, Shared(parquet::testing::MakeStrings(values, is_null)),
          !is_null.empty()};
}

// Writes `columns` as one Parquet file at `path`. row_group_rows splits it into row groups.
inline void WriteFile(const std::string& path, const std::vector<Column>& columns,
                      int64_t row_group_rows = 1'000'000) {
  parquet::WriterSchema schema;
  std::vector<ColumnVector> vectors;
  for (const Column& c : columns) {
    schema.columns.push_back(WriterColumn{c.name, c.type, c.nullable});
    vectors.push_back(std::move(*c.values));
  }
  parquet::WriterOptions options;
  options.row_group_rows = row_group_rows;
  auto writer = parquet::ParquetWriter::Open(path, schema, options);
  writer->Write(vectors);
  writer->Close();
}

inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline uint64_t FileSize(const std::string& path) { return std::filesystem::file_size(path); }

}  // namespace frocket::catalog_testing
