// ParquetFile: opens a Parquet file through the storage interface, decodes and checks its
// footer, and reads column chunks into ColumnVectors.
//
// Thread safety: after Open, all const methods may be called from many threads at once.
// Every problem with the file throws Error(kCorruptFile) or Error(kNotSupported) with a
// message that starts with the file name and names the row group, column and page where it
// applies.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parquet/column_vector.h"
#include "parquet/format.h"
#include "parquet/schema.h"
#include "storage/file.h"

namespace frocket::parquet {

struct ReadOptions {
  // Return dictionary-encoded chunks in dictionary form (codes + dictionary) when every data
  // page of the chunk is dictionary encoded. Otherwise values are materialized.
  bool keep_dictionary = false;
  // Check page CRCs when the writer stored them.
  bool verify_checksums = true;
};

// Row-group statistics of one column chunk, for pruning. Values are the raw PLAIN bytes of
// min and max (for BYTE_ARRAY the bytes themselves), present only when the reader trusts them
// for the column's sort order (e.g. min_value/max_value, or the legacy min/max only for types
// whose order is signed); NaN bounds are dropped.
struct ChunkStatistics {
  std::optional<std::string> min;
  std::optional<std::string> max;
  bool min_exact = true;
  bool max_exact = true;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
};

class ParquetFile {
 public:
  // Reads the footer (two ranged reads at most) and checks it: magic, lengths, the schema,
  // every row group's column chunks against the file size. Encrypted files throw
  // Error(kNotSupported) "encrypted files are not supported".
  static std::unique_ptr<ParquetFile> Open(std::shared_ptr<RandomAccessFile> file);

  const std::string& name() const { return file_->name(); }
  const FileMetaData& metadata() const { return metadata_; }
  const Schema& schema() const { return schema_; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  int64_t num_rows() const;  // sum of row group rows
  int64_t row_group_num_rows(int row_group) const { return metadata_.row_groups[row_group].num_rows; }

  // Reads one column chunk. `column` is a leaf index; unsupported (nested) columns throw
  // Error(kNotSupported).
  ColumnVector ReadColumn(int row_group, int column, const ReadOptions& options = {}) const;

  ChunkStatistics Statistics(int row_group, int column) const;

 private:
  ParquetFile(std::shared_ptr<RandomAccessFile> file, FileMetaData metadata);

  std::shared_ptr<RandomAccessFile> file_;
  FileMetaData metadata_;
  Schema schema_;
  uint64_t data_end_ = 0;  // where the footer starts: no page may extend past it
};

}  // namespace frocket::parquet
