// CSV input for `frocket prepare` (RFC 4180, read leniently where the RFC is silent):
//   - The first non-blank record is the header: the column names, which must be non-empty and
//     distinct.
//   - Fields are separated by ',' and records end with LF or CRLF (a lone CR is data). A field
//     that starts with '"' is quoted: it may hold commas, CR, LF and '""' for one '"', and ends
//     at the next lone '"', which must be followed by ',', the end of the record, or the end of
//     the input. A '"' inside an unquoted field is an ordinary character.
//   - An unquoted empty field is null; a quoted empty field ("") is the empty string.
//   - Blank lines are skipped. A UTF-8 byte order mark at the start is skipped.
//   - Bad rows (SourceRow::error): a record with fewer fields than the header ("missing
//     trailing fields") or more, text after a closing quote, a quote left open at the end of
//     the input. The row's line is the physical line its record starts on.
//   - A record longer than max_record_bytes (64 MiB by default) fails the input.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "prepare/input_buffer.h"
#include "prepare/row_source.h"

namespace frocket::prepare {

inline constexpr size_t kMaxRecordBytes = size_t{64} << 20;

class CsvReader final : public RowSource {
 public:
  // Reads the header. Throws Error(kInvalidArgument) when the input has none, or when a name
  // is empty or repeated.
  CsvReader(std::unique_ptr<InputStream> in, std::string name, size_t chunk_bytes = 1 << 20,
            size_t max_record_bytes = kMaxRecordBytes);

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& columns() const override { return columns_; }
  bool Next(SourceRow* row) override;
  uint64_t bytes_read() const override { return input_.consumed(); }
  uint64_t total_bytes() const override { return input_.stream_size(); }

 private:
  enum class Scan { kRecord, kNeedMore, kEnd };
  // Scans one record at the start of the window into fields_ / field_ends_ / field_null_.
  Scan ScanRecord();
  // Scans records until one that is not blank; false at the end of the input.
  bool NextRecord();

  std::string name_;
  InputBuffer input_;
  std::vector<std::string> columns_;
  int64_t line_ = 1;  // the line the next record starts on

  // The current record: field i is fields_[field_ends_[i-1], field_ends_[i]).
  std::string fields_;
  std::vector<size_t> field_ends_;
  std::vector<bool> field_null_;
  std::string record_error_;
  int64_t record_line_ = 0;
  size_t record_bytes_ = 0;
  int64_t record_newlines_ = 0;
};

}  // namespace frocket::prepare
