#include "cli/cat_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/output_buffer.h"
#include "common/error.h"
#include "parquet/file_reader.h"
#include "parquet/value_text.h"
#include "storage/file.h"

namespace frocket::cli {
namespace {

using parquet::CellFormatter;
using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::ParquetFile;
using parquet::Schema;
using parquet::TextFormat;

// Rows are formatted column by column in batches of this many, then stitched into lines; a
// batch keeps the per-column text small enough to stay in cache.
constexpr int64_t kBatchRows = 4096;

struct CatOptions {
  std::string path;
  std::vector<std::string> columns;
  int64_t limit = -1;  // -1: all rows
  std::string format = "csv";
};

std::string ColumnList(const Schema& schema) {
  std::string list;
  for (const ColumnDescriptor& c : schema.columns()) {
    if (!list.empty()) list += ", ";
    list += c.name;
  }
  return list;
}

// The leaf indexes to print, in output order. Without --columns, every supported column in
// schema order (a note on stderr names the skipped ones); with it, the named columns in the
// order given.
std::vector<int> ResolveColumns(const ParquetFile& file, const std::vector<std::string>& names) {
  const Schema& schema = file.schema();
  std::vector<int> projection;
  if (names.empty()) {
    std::string skipped;
    for (const ColumnDescriptor& c : schema.columns()) {
      if (c.supported) {
        projection.push_back(c.leaf_index);
      } else {
        if (!skipped.empty()) skipped += ", ";
        skipped += c.name + " (" + c.unsupported_reason + ")";
      }
    }
    if (projection.empty() && schema.num_columns() > 0) {
      ThrowNotSupported(file.name() +
                        ": no column can be printed; all are unsupported: " + skipped);
    }
    if (!skipped.empty()) {
      std::fprintf(stderr, "frocket: note: skipping unsupported columns: %s\n", skipped.c_str());
    }
    return projection;
  }
  for (const std::string& name : names) {
    int index = schema.FindColumn(name);
    if (index < 0) {
      ThrowInvalid("column '" + name + "' not found in " + file.name() +
                   " (available columns: " + ColumnList(schema) + ")");
    }
    const ColumnDescriptor& c = schema.column(index);
    if (!c.supported) {
      ThrowNotSupported("column '" + name + "' cannot be printed: " + c.unsupported_reason +
                        " is not supported");
    }
    if (std::find(projection.begin(), projection.end(), index) != projection.end()) {
      ThrowInvalid("column '" + name + "' is listed twice in --columns");
    }
    projection.push_back(index);
  }
  return projection;
}

// The formatted cells of one column for one batch of rows. Dictionary-form chunks format
// each distinct value once per row group and copy its text per row.
class ColumnCells {
 public:
  ColumnCells(const ColumnDescriptor& column, TextFormat format)
      : formatter_(column, format), null_text_(format == TextFormat::kJson ? "null" : "") {}

  // Formats rows [begin, end) of `vector`; `rows_to_print` is how many rows of the vector will
  // be printed in all, to decide whether formatting its whole dictionary pays off.
  void Format(const ColumnVector& vector, int64_t begin, int64_t end, int64_t rows_to_print) {
    text_.clear();
    ends_.clear();
    if (!vector.has_dictionary() || vector.dictionary->size > 2 * rows_to_print) {
      formatter_.AppendRange(vector, begin, end, &text_, &ends_);
      return;
    }
    if (vector.dictionary != dictionary_) {
      dictionary_ = vector.dictionary;
      dictionary_text_.clear();
      dictionary_ends_.clear();
      formatter_.AppendRange(*dictionary_, 0, dictionary_->size, &dictionary_text_,
                             &dictionary_ends_);
    }
    ends_.reserve(static_cast<size_t>(end - begin));
    for (int64_t row = begin; row < end; ++row) {
      if (vector.IsNull(row)) {
        text_.append(null_text_);
      } else {
        uint32_t code = vector.Code(row);
        if (code >= dictionary_ends_.size()) {
          ThrowCorrupt("dictionary code " + std::to_string(code) +
                       " is past the end of a dictionary of " +
                       std::to_string(dictionary_ends_.size()) + " values");
        }
        size_t from = code == 0 ? 0 : dictionary_ends_[code - 1];
        text_.append(dictionary_text_, from, dictionary_ends_[code] - from);
      }
      ends_.push_back(text_.size());
    }
  }

  std::string_view Cell(int64_t i) const {
    size_t from = i == 0 ? 0 : ends_[static_cast<size_t>(i - 1)];
    return std::string_view(text_).substr(from, ends_[static_cast<size_t>(i)] - from);
  }

 private:
  CellFormatter formatter_;
  std::string_view null_text_;
  std::string text_;
  std::vector<size_t> ends_;
  std::shared_ptr<const ColumnVector> dictionary_;
  std::string dictionary_text_;
  std::vector<size_t> dictionary_ends_;
};

void RunCat(const CatOptions& options) {
  std::unique_ptr<ParquetFile> file = ParquetFile::Open(OpenLocalFile(options.path));
  const Schema& schema = file->schema();
  std::vector<int> projection = ResolveColumns(*file, options.columns);
  TextFormat format = options.format == "jsonl" ? TextFormat::kJson : TextFormat::kCsv;

  // What goes before each cell of a line, and after the last: `{"a":` / `,"b":` / `}` for
  // JSON lines, nothing / `,` for CSV.
  std::vector<std::string> prefixes;
  std::vector<ColumnCells> cells;
  cells.reserve(projection.size());
  for (size_t i = 0; i < projection.size(); ++i) {
    const ColumnDescriptor& column = schema.column(projection[i]);
    std::string prefix;
    if (format == TextFormat::kJson) {
      prefix = i == 0 ? "{" : ",";
      parquet::AppendJsonString(column.name, &prefix);
      prefix += ":";
    } else if (i != 0) {
      prefix = ",";
    }
    prefixes.push_back(std::move(prefix));
    cells.emplace_back(column, format);
  }
  std::string line_end = format == TextFormat::kJson ? (projection.empty() ? "{}\n" : "}\n") : "\n";

  OutputBuffer out(stdout);
  if (format == TextFormat::kCsv) {
    for (size_t i = 0; i < projection.size(); ++i) {
      if (i != 0) out.text().push_back(',');
      parquet::AppendCsvField(schema.column(projection[i]).name, &out.text());
    }
    out.text().push_back('\n');
  }

  int64_t remaining = options.limit < 0 ? std::numeric_limits<int64_t>::max() : options.limit;
  parquet::ReadOptions read_options;
  read_options.keep_dictionary = true;
  std::vector<ColumnVector> vectors(projection.size());
  for (int rg = 0; rg < file->num_row_groups() && remaining > 0; ++rg) {
    int64_t rows = std::min(file->row_group_num_rows(rg), remaining);
    if (rows <= 0) continue;
    for (size_t i = 0; i < projection.size(); ++i) {
      vectors[i] = file->ReadColumn(rg, projection[i], read_options);
      if (vectors[i].size < rows) {
        ThrowCorrupt(file->name() + ": row group " + std::to_string(rg) + ", column '" +
                     schema.column(projection[i]).name + "' has " +
                     std::to_string(vectors[i].size) + " values for " + std::to_string(rows) +
                     " rows");
      }
    }
    for (int64_t begin = 0; begin < rows; begin += kBatchRows) {
      int64_t end = std::min(rows, begin + kBatchRows);
      for (size_t i = 0; i < projection.size(); ++i) cells[i].Format(vectors[i], begin, end, rows);
      std::string& text = out.text();
      for (int64_t r = 0; r < end - begin; ++r) {
        for (size_t i = 0; i < projection.size(); ++i) {
          text.append(prefixes[i]);
          text.append(cells[i].Cell(r));
        }
        text.append(line_end);
        out.MaybeFlush();
      }
    }
    remaining -= rows;
  }
  out.Flush();
}

}  // namespace

void AddCatCommand(CLI::App& app) {
  auto options = std::make_shared<CatOptions>();
  CLI::App* cat = app.add_subcommand(
      "cat", "Print the rows of a Parquet file on stdout as CSV (default) or JSON lines");
  cat->add_option("FILE", options->path, "Parquet file to read")->required();
  cat->add_option("--columns,-c", options->columns,
                  "Comma-separated columns to print, in this order (default: all supported)")
      ->delimiter(',');
  cat->add_option("--limit,-n", options->limit, "Print at most N rows")
      ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
  cat->add_option("--format,-f", options->format, "Output format: csv or jsonl")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  cat->callback([options]() { RunCat(*options); });
}

}  // namespace frocket::cli
