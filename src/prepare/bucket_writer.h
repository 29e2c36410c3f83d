// Writes one bucket of a prepared dataset: takes spill record bodies (spill_record.h) in their
// final order, converts each value's text to the column's type, and hands batches of
// ColumnVectors to the Parquet writer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parquet/column_vector.h"
#include "parquet/writer/file_writer.h"
#include "prepare/type_inference.h"

namespace frocket::prepare {

// The writer schema of a prepared dataset: `columns` in order, the first two (group id,
// timestamp) REQUIRED, the rest OPTIONAL.
parquet::WriterSchema MakeWriterSchema(
    const std::vector<std::pair<std::string, ColumnType>>& columns);

class BucketWriter {
 public:
  // Opens `path` for writing. `batch_bytes`: rows are handed to the writer once the batch
  // holds about this many bytes of values.
  BucketWriter(const std::string& path, std::vector<std::pair<std::string, ColumnType>> columns,
               bool string_ids, const parquet::WriterOptions& options, size_t batch_bytes);

  // Appends one record. Throws Error(kInternal) when a value does not convert to its column's
  // type, which the reading pass rules out.
  void Add(std::string_view body);
  // Writes the last batch and the footer.
  void Close();
  int64_t rows() const { return rows_; }

 private:
  struct Column {
    ColumnType type;
    parquet::ColumnVector vector;
    bool has_nulls = false;
  };
  void AppendNull(Column& column, int64_t row);
  void AppendText(size_t index, std::string_view text);
  void StartBatch();
  void FlushBatch();

  std::vector<std::pair<std::string, ColumnType>> names_;
  bool string_ids_;
  size_t batch_bytes_;
  std::unique_ptr<parquet::ParquetWriter> writer_;
  std::vector<Column> columns_;
  int64_t batch_rows_ = 0;
  size_t batch_value_bytes_ = 0;
  int64_t rows_ = 0;
};

}  // namespace frocket::prepare
