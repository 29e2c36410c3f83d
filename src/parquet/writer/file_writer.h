// ParquetWriter: writes flat Parquet files that any reader reads (parquet-format spec; checked
// against DuckDB and arrow-rs in tests/interop). Columns are REQUIRED or OPTIONAL, of the types
// in WriterType (writer_options.h); pages are v1 data pages with dictionary, PLAIN or
// DELTA_BINARY_PACKED values, compressed with the chosen codec; row groups and pages carry
// min / max / null count statistics, every column has TYPE_ORDER, and created_by is
// "frocket version 0.1.0".
//
// Memory: the writer buffers the encoded pages of the current row group only (plus the page
// each column is filling and its dictionary) and writes them out when the row group ends, so
// memory does not grow with the file. buffered_bytes() / peak_buffered_bytes() report it.
//
// Usage:
//   auto writer = ParquetWriter::Open(path, schema, options);
//   writer->Write(columns);   // any number of times, any batch size
//   writer->Close();          // writes the footer; without it the file is incomplete
//
// Writing to a temporary name and renaming is the caller's business. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "parquet/column_vector.h"
#include "parquet/format.h"
#include "parquet/writer/writer_options.h"

namespace frocket::parquet {

class ColumnWriter;
class SortOrderCheck;

inline constexpr const char* kFrocketCreatedBy = "frocket version 0.1.0";

class ParquetWriter {
 public:
  // Creates (or truncates) the file at `path` and writes the leading magic. Throws
  // Error(kInvalidArgument) for a bad schema or options (no columns, empty or duplicate
  // names, an unknown sorting column, DELTA_BINARY_PACKED on a non-integer column,
  // row_group_rows < 1) and Error(kIo) when the file cannot be created.
  static std::unique_ptr<ParquetWriter> Open(const std::string& path, WriterSchema schema,
                                             WriterOptions options = {});
  // Closes the file without a footer if Close() was not called (the file is then unreadable).
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  // Appends rows: one ColumnVector per schema column, in schema order, all of the same size,
  // each of the column's physical type (WriterPhysicalType), plain or dictionary form.
  // Row groups are cut every options.row_group_rows rows, across calls. Throws
  // Error(kInvalidArgument), before writing anything of the batch, when the batch does not fit
  // the schema (column count, type, sizes, buffers shorter than the sizes claim, a null in a
  // REQUIRED column, a dictionary code out of range) and when the first sorting column is
  // out of order within a row group.
  void Write(const std::vector<ColumnVector>& columns);
  // The same for rows [begin, begin + count) of the columns.
  void Write(const std::vector<ColumnVector>& columns, int64_t begin, int64_t count);

  // Writes `columns` as one row group of their own: ends the current row group first, and
  // does not split them even when they exceed row_group_rows.
  void WriteRowGroup(const std::vector<ColumnVector>& columns);

  // Ends the current row group now, if it has rows.
  void FlushRowGroup();

  // Ends the last row group, writes the footer and closes the file. Throws Error(kIo) when the
  // file cannot be written. Calling it again does nothing.
  void Close();

  int64_t num_rows() const { return metadata_.num_rows + row_group_rows_; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  // Bytes held for the row group being built, and the most ever held at once.
  int64_t buffered_bytes() const;
  int64_t peak_buffered_bytes() const { return peak_buffered_bytes_; }
  // The footer written so far (complete after Close).
  const FileMetaData& metadata() const { return metadata_; }

 private:
  ParquetWriter(std::string path, std::FILE* file, WriterSchema schema, WriterOptions options);
  void AppendRows(const std::vector<const ColumnVector*>& columns, int64_t begin, int64_t count);
  void WriteBytes(const void* data, size_t size);
  void NotePeak();
  void CheckUsable() const;

  std::string path_;
  std::FILE* file_;
  WriterSchema schema_;
  WriterOptions options_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::unique_ptr<SortOrderCheck> sort_check_;
  std::vector<SortingColumn> sorting_columns_;
  FileMetaData metadata_;
  int64_t offset_ = 0;  // bytes written to the file
  int64_t row_group_rows_ = 0;
  int64_t peak_buffered_bytes_ = 0;
  bool closed_ = false;
  bool failed_ = false;
};

}  // namespace frocket::parquet
