#include "prepare/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "common/error.h"

namespace frocket::prepare {

CsvReader::CsvReader(std::unique_ptr<InputStream> in, std::string name, size_t chunk_bytes,
                     size_t max_record_bytes)
    : name_(std::move(name)), input_(std::move(in), name_, chunk_bytes, max_record_bytes) {
  input_.Fill();
  if (input_.size() >= 3 && std::memcmp(input_.data(), "\xEF\xBB\xBF", 3) == 0) {
    input_.Consume(3);
  }
  if (!NextRecord()) ThrowInvalid(name_ + ": the CSV input is empty; expected a header line");
  if (!record_error_.empty()) {
    ThrowInvalid(name_ + ":" + std::to_string(record_line_) +
                 ": cannot read the header: " + record_error_);
  }
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < field_ends_.size(); ++i) {
    size_t from = i == 0 ? 0 : field_ends_[i - 1];
    std::string column = fields_.substr(from, field_ends_[i] - from);
    if (column.empty()) {
      ThrowInvalid(name_ + ": the header names no column " + std::to_string(i + 1) +
                   " (empty name)");
    }
    if (!seen.insert(column).second) {
      ThrowInvalid(name_ + ": the header names a column twice: '" + column + "'");
    }
    columns_.push_back(std::move(column));
  }
}

CsvReader::Scan CsvReader::ScanRecord() {
  fields_.clear();
  field_ends_.clear();
  field_null_.clear();
  record_error_.clear();
  record_newlines_ = 0;
  const char* const start = input_.data();
  const char* const end = start + input_.size();
  const bool at_end = input_.at_end();
  const char* p = start;
  if (p == end) return at_end ? Scan::kEnd : Scan::kNeedMore;

  for (;;) {
    bool quoted = false;
    if (p < end && *p == '"') {
      quoted = true;
      ++p;
      for (;;) {
        const char* quote = static_cast<const char*>(std::memchr(p, '"', end - p));
        if (quote == nullptr) {
          if (!at_end) return Scan::kNeedMore;
          record_newlines_ += std::count(p, end, '\n');
          fields_.append(p, end);
          if (record_error_.empty())
            record_error_ = "a quoted field is not closed before the end of the input";
          p = end;
          break;
        }
        record_newlines_ += std::count(p, quote, '\n');
        fields_.append(p, quote);
        p = quote + 1;
        if (p == end && !at_end) return Scan::kNeedMore;
        if (p < end && *p == '"') {
          fields_.push_back('"');
          ++p;
          continue;
        }
        break;
      }
      // After the closing quote: a separator, the end of the record, or the end of the input.
      if (p < end && *p != ',' && *p != '\n') {
        if (*p == '\r' && p + 1 == end && !at_end) return Scan::kNeedMore;
        if (!(*p == '\r' && p + 1 < end && p[1] == '\n')) {
          if (record_error_.empty()) {
            record_error_ = std::string("unexpected character '") + *p +
                            "' after the closing quote of field " +
                            std::to_string(field_ends_.size() + 1);
          }
          // Keep the rest of the field as junk so that the next field starts where expected.
          while (p < end && *p != ',' && *p != '\n' &&
                 !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
            ++p;
          }
          if (p == end && !at_end) return Scan::kNeedMore;
          if (p + 1 == end && *p == '\r' && !at_end) return Scan::kNeedMore;
        }
      }
    } else {
      const char* field_start = p;
      for (;;) {
        while (p < end && *p != ',' && *p != '\n' && *p != '\r') ++p;
        if (p == end) {
          if (!at_end) return Scan::kNeedMore;
          break;
        }
        if (*p == '\r') {
          if (p + 1 == end) {
            if (!at_end) return Scan::kNeedMore;
            ++p;  // a lone CR at the very end is data
            continue;
          }
          if (p[1] != '\n') {
            ++p;  // a lone CR is data
            continue;
          }
        }
        break;
      }
      fields_.append(field_start, p);
    }
    field_ends_.push_back(fields_.size());
    field_null_.push_back(!quoted &&
                          (field_ends_.size() == 1
                               ? field_ends_.back() == 0
                               : field_ends_.back() == field_ends_[field_ends_.size() - 2]));
    if (p == end) break;  // only reached at the end of the input
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p == '\r') ++p;  // the CR of a CRLF (checked above)
    ++p;                  // the LF
    ++record_newlines_;
    break;
  }
  record_bytes_ = static_cast<size_t>(p - start);
  return Scan::kRecord;
}

bool CsvReader::NextRecord() {
  for (;;) {
    Scan scan = ScanRecord();
    if (scan == Scan::kNeedMore) {
      input_.Fill();  // at the end, the rescan sees at_end() and finishes the record
      continue;
    }
    if (scan == Scan::kEnd) return false;
    record_line_ = line_;
    line_ += record_newlines_;
    input_.Consume(record_bytes_);
    bool blank = field_ends_.size() == 1 && field_null_[0] && record_error_.empty();
    if (!blank) return true;
  }
}

bool CsvReader::Next(SourceRow* row) {
  if (!NextRecord()) return false;
  row->line = record_line_;
  row->error.clear();
  if (!record_error_.empty()) {
    row->error = record_error_;
    return true;
  }
  if (field_ends_.size() != columns_.size()) {
    row->error = "the record has " + std::to_string(field_ends_.size()) + " fields, expected " +
                 std::to_string(columns_.size()) +
                 (field_ends_.size() < columns_.size() ? " (missing trailing fields)" : "");
    return true;
  }
  row->cells.resize(columns_.size());
  const char* base = fields_.data();
  for (size_t i = 0; i < field_ends_.size(); ++i) {
    size_t from = i == 0 ? 0 : field_ends_[i - 1];
    Cell& cell = row->cells[i];
    if (field_null_[i]) {
      cell = Cell{CellKind::kNull, {}};
    } else {
      cell = Cell{CellKind::kText, std::string_view(base + from, field_ends_[i] - from)};
    }
  }
  return true;
}

}  // namespace frocket::prepare
