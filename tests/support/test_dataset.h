// Small datasets for engine tests: rows given as JSON, written as Parquet files with frocket's
// writer (bucketed by group id like `frocket datagen`), and registered with the real catalog
// code, so a test gets the same DatasetInfo a user would after `frocket register`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/dataset_info.h"
#include "parquet/writer/writer_options.h"

namespace frocket::testing {

// A fresh directory under the test temp dir, removed with everything in it at the end.
class TempDirectory {
 public:
  TempDirectory();
  ~TempDirectory();
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct TestColumnSpec {
  std::string name;
  parquet::WriterType type = parquet::WriterType::kInt64;
  bool nullable = true;
};

// Parses a writer type name: "bool", "int32", "int64", "float", "double", "string",
// "timestamp_ms", "timestamp_us". Throws Error(kInvalidArgument) otherwise.
parquet::WriterType ParseWriterType(const std::string& name);

struct TestDatasetSpec {
  std::vector<TestColumnSpec> columns;
  // One JSON array per row, values in column order; null for a null; numbers for numeric and
  // timestamp columns (timestamps in the column's own unit), strings, true/false.
  nlohmann::json rows = nlohmann::json::array();
  std::string group_id_column = "user_id";
  std::string timestamp_column = "ts";
  TimestampUnit timestamp_unit = TimestampUnit::kMillis;
  // Rows go to file BucketOf(group id, num_files) (part-00000.parquet, ...), keeping their
  // order, so a test controls whether files are sorted by (group, ts).
  int num_files = 1;
  // Sort each file's rows by (group id, ts) stably before writing (as datagen and prepare do).
  bool sort = false;
  int64_t row_group_rows = 1'000'000;
};

// Writes the files into `directory` and registers them (validation "all"). Empty files (a
// bucket without rows) are written too, with zero rows.
DatasetInfo WriteTestDataset(const TestDatasetSpec& spec, const std::string& directory,
                             const std::string& name = "test");

}  // namespace frocket::testing
