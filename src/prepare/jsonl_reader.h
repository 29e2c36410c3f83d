// JSON lines input for `frocket prepare`: one JSON object per line (LF or CRLF), blank lines
// skipped, columns named by the keys in the order they are first seen in the input.
//   - Values: strings (CellKind::kString, escapes decoded, \u surrogate pairs joined into
//     UTF-8), numbers (kText, classified as int or double like CSV text), true / false
//     (kBool), null (kNull). A key absent from a line is null in that row.
//   - Nested objects and arrays are kept as strings holding their JSON text exactly as written
//     in the line (kString); they are not bad rows.
//   - Bad rows (SourceRow::error): a line that is not one well-formed JSON object (a syntax
//     error, invalid escapes, raw control characters in strings, text after the object), or an
//     object with a repeated key. Bytes are otherwise passed through as they are (invalid UTF-8
//     is not checked).
//   - A line longer than max_line_bytes (64 MiB by default) fails the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "prepare/csv_reader.h"
#include "prepare/input_buffer.h"
#include "prepare/row_source.h"

namespace frocket::prepare {

class JsonlReader final : public RowSource {
 public:
  JsonlReader(std::unique_ptr<InputStream> in, std::string name, size_t chunk_bytes = 1 << 20,
              size_t max_line_bytes = kMaxRecordBytes);

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& columns() const override { return columns_; }
  bool Next(SourceRow* row) override;
  uint64_t bytes_read() const override { return input_.consumed(); }
  uint64_t total_bytes() const override { return input_.stream_size(); }
  bool fixed_columns() const override { return false; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Parses one line into row->cells; returns the error, or "" for a good line.
  std::string ParseLine(std::string_view line, SourceRow* row);
  int ColumnIndex(std::string_view key);

  std::string name_;
  InputBuffer input_;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, int, StringHash, std::equal_to<>> column_index_;
  int64_t line_ = 0;
  std::string decoded_;           // decoded string values of the current line
  std::string key_;               // the key being decoded
  std::vector<int64_t> seen_in_;  // per column: the line that last set it (repeated keys)
};

}  // namespace frocket::prepare
