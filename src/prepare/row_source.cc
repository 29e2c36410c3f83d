#include "prepare/row_source.h"

#include <algorithm>

#include "common/error.h"
#include "prepare/csv_reader.h"
#include "prepare/jsonl_reader.h"
#include "prepare/parquet_row_source.h"

namespace frocket::prepare {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

InputFormat ParseInputFormat(const std::string& name) {
  std::string lower = Lower(name);
  if (lower == "csv") return InputFormat::kCsv;
  if (lower == "jsonl" || lower == "ndjson") return InputFormat::kJsonl;
  if (lower == "parquet") return InputFormat::kParquet;
  return InputFormat::kAuto;
}

InputFormat FormatOfPath(const std::string& path) {
  std::string lower = Lower(path);
  if (EndsWith(lower, ".csv")) return InputFormat::kCsv;
  if (EndsWith(lower, ".jsonl") || EndsWith(lower, ".ndjson")) return InputFormat::kJsonl;
  if (EndsWith(lower, ".parquet")) return InputFormat::kParquet;
  ThrowInvalid("cannot tell the format of input '" + path +
               "' from its extension (.csv, .jsonl, .ndjson, .parquet); give --format "
               "csv|jsonl|parquet");
}

std::unique_ptr<RowSource> OpenRowSource(const std::string& path, InputFormat format,
                                         size_t chunk_bytes) {
  if (format == InputFormat::kAuto) format = FormatOfPath(path);
  switch (format) {
    case InputFormat::kCsv:
      return std::make_unique<CsvReader>(OpenInputFile(path), path, chunk_bytes);
    case InputFormat::kJsonl:
      return std::make_unique<JsonlReader>(OpenInputFile(path), path, chunk_bytes);
    case InputFormat::kParquet:
      return std::make_unique<ParquetRowSource>(path);
    case InputFormat::kAuto:
      break;
  }
  ThrowInvalid("unknown input format for '" + path + "'");
}

}  // namespace frocket::prepare
