// Parquet input for `frocket prepare`, read with frocket's own reader one row group at a time
// (so a row group must fit in memory). Every supported column becomes a column of the input;
// nested and other unsupported columns are skipped with a note. Values keep their meaning:
//   boolean -> kBool; integers -> kText (their exact decimal text; UINT64 values past int64
//   classify as double); float, double, float16 -> kDouble (shortest round-trip text, NaN,
//   Infinity); strings -> kString (bytes as stored); timestamps (any unit, INT96 too) ->
//   kTimestamp (ISO-8601 text, typed timestamp_ms when every value is one); everything else
//   (dates, decimals, times, UUIDs, binary) -> kString with the text of parquet/value_text.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parquet/column_vector.h"
#include "parquet/file_reader.h"
#include "prepare/row_source.h"

namespace frocket::prepare {

class ParquetRowSource final : public RowSource {
 public:
  // Opens the file and reads its footer. Throws what ParquetFile::Open throws.
  explicit ParquetRowSource(const std::string& path);

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& columns() const override { return columns_; }
  bool Next(SourceRow* row) override;
  uint64_t bytes_read() const override;
  uint64_t total_bytes() const override { return total_bytes_; }
  std::vector<std::string> notes() const override { return notes_; }

 private:
  // One column of the current row group, ready to hand out cell by cell.
  struct ColumnCells {
    int leaf = 0;
    CellKind kind = CellKind::kString;
    bool raw_strings = false;  // take the bytes straight from `vector`
    parquet::ColumnVector vector;
    std::string text;
    std::vector<size_t> ends;
    std::vector<uint8_t> kinds;  // per row, when the kind varies (timestamps outside 0000-9999)
  };
  void LoadRowGroup(int row_group);

  std::string name_;
  std::unique_ptr<parquet::ParquetFile> file_;
  std::vector<std::string> columns_;
  std::vector<ColumnCells> cells_;
  std::vector<std::string> notes_;
  uint64_t total_bytes_ = 0;
  int row_group_ = -1;
  int64_t row_in_group_ = 0;
  int64_t rows_in_group_ = 0;
  int64_t rows_before_group_ = 0;
};

}  // namespace frocket::prepare
