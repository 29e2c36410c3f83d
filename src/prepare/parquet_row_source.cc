#include "prepare/parquet_row_source.h"

#include "common/error.h"
#include "parquet/value_text.h"
#include "prepare/iso8601.h"
#include "storage/file.h"

namespace frocket::prepare {

using parquet::ColumnDescriptor;
using parquet::ValueType;

ParquetRowSource::ParquetRowSource(const std::string& path) : name_(path) {
  std::shared_ptr<RandomAccessFile> file = OpenLocalFile(path);
  total_bytes_ = file->Size();
  file_ = parquet::ParquetFile::Open(std::move(file));
  std::string skipped;
  for (const ColumnDescriptor& column : file_->schema().columns()) {
    if (!column.supported) {
      if (!skipped.empty()) skipped += ", ";
      skipped += column.name + " (" + column.unsupported_reason + ")";
      continue;
    }
    ColumnCells cells;
    cells.leaf = column.leaf_index;
    switch (column.type) {
      case ValueType::kBoolean:
        cells.kind = CellKind::kBool;
        break;
      case ValueType::kInt:
        cells.kind = CellKind::kText;
        break;
      case ValueType::kFloat16:
      case ValueType::kFloat:
      case ValueType::kDouble:
        cells.kind = CellKind::kDouble;
        break;
      case ValueType::kTimestamp:
        cells.kind = CellKind::kTimestamp;
        break;
      case ValueType::kString:
        cells.kind = CellKind::kString;
        cells.raw_strings = column.physical == parquet::PhysicalType::kByteArray;
        break;
      default:
        cells.kind = CellKind::kString;
        break;
    }
    columns_.push_back(column.name);
    cells_.push_back(std::move(cells));
  }
  if (!skipped.empty()) notes_.push_back(name_ + ": skipping unsupported columns: " + skipped);
}

uint64_t ParquetRowSource::bytes_read() const {
  // Progress by rows, scaled to the file size.
  int64_t total = file_->num_rows();
  if (total <= 0) return 0;
  double done =
      static_cast<double>(rows_before_group_ + row_in_group_) / static_cast<double>(total);
  return static_cast<uint64_t>(done * static_cast<double>(total_bytes_));
}

void ParquetRowSource::LoadRowGroup(int row_group) {
  rows_in_group_ = file_->row_group_num_rows(row_group);
  parquet::ReadOptions options;
  options.keep_dictionary = false;
  for (ColumnCells& cells : cells_) {
    const ColumnDescriptor& column = file_->schema().column(cells.leaf);
    cells.vector = file_->ReadColumn(row_group, cells.leaf, options);
    if (cells.vector.size < rows_in_group_) {
      ThrowCorrupt(name_ + ": row group " + std::to_string(row_group) + ", column '" + column.name +
                   "' has " + std::to_string(cells.vector.size) + " values for " +
                   std::to_string(rows_in_group_) + " rows");
    }
    cells.text.clear();
    cells.ends.clear();
    cells.kinds.clear();
    if (cells.raw_strings || cells.kind == CellKind::kBool) continue;
    // CSV text is the value text without JSON quoting; none of the types formatted here
    // renders a comma, quote or line break, so no field is CSV-quoted.
    parquet::CellFormatter formatter(column, parquet::TextFormat::kCsv);
    formatter.AppendRange(cells.vector, 0, rows_in_group_, &cells.text, &cells.ends);
    if (cells.kind == CellKind::kTimestamp) {
      // Timestamps the ISO-8601 parser cannot read back (years past 9999) stay strings.
      cells.kinds.assign(static_cast<size_t>(rows_in_group_),
                         static_cast<uint8_t>(CellKind::kTimestamp));
      for (int64_t row = 0; row < rows_in_group_; ++row) {
        if (cells.vector.IsNull(row)) continue;
        size_t from = row == 0 ? 0 : cells.ends[static_cast<size_t>(row - 1)];
        std::string_view text(cells.text.data() + from,
                              cells.ends[static_cast<size_t>(row)] - from);
        if (!ParseIso8601Millis(text))
          cells.kinds[static_cast<size_t>(row)] = static_cast<uint8_t>(CellKind::kString);
      }
    }
  }
}

bool ParquetRowSource::Next(SourceRow* row) {
  while (row_in_group_ >= rows_in_group_) {
    if (row_group_ + 1 >= file_->num_row_groups()) return false;
    if (row_group_ >= 0) rows_before_group_ += rows_in_group_;
    ++row_group_;
    row_in_group_ = 0;
    LoadRowGroup(row_group_);
  }
  const int64_t r = row_in_group_++;
  row->line = rows_before_group_ + r + 1;
  row->error.clear();
  row->cells.resize(cells_.size());
  for (size_t c = 0; c < cells_.size(); ++c) {
    const ColumnCells& cells = cells_[c];
    Cell& cell = row->cells[c];
    if (cells.vector.IsNull(r)) {
      cell = Cell{};
    } else if (cells.raw_strings) {
      cell = Cell{CellKind::kString, cells.vector.GetBytes(r)};
    } else if (cells.kind == CellKind::kBool) {
      cell = Cell{CellKind::kBool, cells.vector.Get<uint8_t>(r) != 0 ? "true" : "false"};
    } else {
      size_t from = r == 0 ? 0 : cells.ends[static_cast<size_t>(r - 1)];
      cell.kind = cells.kinds.empty() ? cells.kind
                                      : static_cast<CellKind>(cells.kinds[static_cast<size_t>(r)]);
      cell.text =
          std::string_view(cells.text.data() + from, cells.ends[static_cast<size_t>(r)] - from);
    }
  }
  return true;
}

}  // namespace frocket::prepare
