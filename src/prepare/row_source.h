// The rows of one input of `frocket prepare`, whatever its format: CSV (csv_reader.h), JSON
// lines (jsonl_reader.h) or Parquet (parquet_row_source.h). One virtual call per row, none per
// value.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "prepare/cell.h"

namespace frocket::prepare {

enum class InputFormat : uint8_t { kAuto, kCsv, kJsonl, kParquet };

// "csv", "jsonl" (also "ndjson"), "parquet"; nullopt-like kAuto for anything else.
InputFormat ParseInputFormat(const std::string& name);
// By extension: .csv, .jsonl / .ndjson, .parquet (any case). Throws Error(kInvalidArgument)
// for another extension, suggesting --format.
InputFormat FormatOfPath(const std::string& path);

struct SourceRow {
  // Where the row is, for bad-row reports: the 1-based line its record starts on (CSV, JSON
  // lines; the header is line 1 of a CSV file), or its 1-based row number (Parquet).
  int64_t line = 0;
  // One cell per column of columns(), in that order. Texts stay valid until the next Next().
  std::vector<Cell> cells;
  // Non-empty when the row could not be parsed: why. `cells` is then meaningless.
  std::string error;
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // The input's name for messages (its path).
  virtual const std::string& name() const = 0;
  // The column names. JSON lines inputs discover columns as they read, so this may grow
  // between calls to Next(); rows read earlier have nulls in the later columns.
  virtual const std::vector<std::string>& columns() const = 0;
  // Reads the next row into `row`; false at the end of the input. A row that cannot be parsed
  // is returned with `row->error` set. Throws Error for what makes the whole input unreadable.
  virtual bool Next(SourceRow* row) = 0;
  // Progress: bytes consumed so far and the input's size (0 when unknown).
  virtual uint64_t bytes_read() const = 0;
  virtual uint64_t total_bytes() const = 0;
  // Whether columns() is complete from the start (CSV header, Parquet schema); false when
  // columns are discovered while reading (JSON lines).
  virtual bool fixed_columns() const { return true; }
  // Messages about the input worth showing the user (e.g. skipped columns).
  virtual std::vector<std::string> notes() const { return {}; }
};

// Opens `path` as `format` (kAuto: FormatOfPath). `chunk_bytes` is the read size of the text
// readers.
std::unique_ptr<RowSource> OpenRowSource(const std::string& path, InputFormat format,
                                         size_t chunk_bytes);

}  // namespace frocket::prepare
