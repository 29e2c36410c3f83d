// DatasetInfo: everything the catalog keeps about one registered dataset, and its JSON form.
//
// The JSON form is what metadata stores hold (one document per dataset), so it is versioned:
// "version" is kDatasetInfoVersion when written. Reading accepts every version up to the
// current one and refuses a newer one with Error(kNotSupported) that says so, because a record
// written by a newer frocket may mean things this one would silently get wrong. Fields this
// version does not know are ignored; every field it needs is checked for presence and type, and
// a bad one throws Error(kCorruptFile) naming it, since a record is a file on disk that may have
// been edited or damaged.
//
// Document (version 1):
//   {"version": 1, "name", "base_path", "registered_at" (ISO 8601 UTC, ms),
//    "registered_at_ms", "group_id_column", "timestamp_column", "timestamp_unit" ("s".."ns"),
//    "pattern", "validation_mode" ("single", "first_last", "sample", "all"),
//    "validate_uniques",
//    "files": [{"name", "size", "num_rows", "min_timestamp", "max_timestamp" (null when the
//               file has no rows), "validated"}],
//    "columns": [{"name", "kind" ("INT".."UNSUPPORTED"), "storage_type",
//                 "unsupported_reason" (only when unsupported), "stats": {"null_count",
//                 "min", "max", "distinct_count", "top_values": [{"value", "count"}]}}]}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "query/dataset_schema.h"

namespace frocket {

inline constexpr int kDatasetInfoVersion = 1;

// Which files registration reads in full to validate (see dataset_registration.h).
enum class ValidationMode : int8_t { kSingle, kFirstLast, kSample, kAll };

const char* ValidationModeName(ValidationMode mode);  // "single", "first_last", "sample", "all"
// Parses a mode name, case-insensitively. Throws Error(kInvalidArgument) naming the text.
ValidationMode ParseValidationMode(const std::string& text);

struct DatasetFile {
  std::string name;  // relative to the base path
  uint64_t size = 0;
  int64_t num_rows = 0;
  // The range of the timestamp column in the dataset's unit; empty for a file without rows.
  std::optional<int64_t> min_timestamp;
  std::optional<int64_t> max_timestamp;
  bool validated = false;  // read in full by registration
};

struct TopValue {
  std::string value;
  int64_t count = 0;  // rows holding it, in the validated files
};

// Statistics of one column over the dataset. min / max / null_count come from the footer
// statistics of every file (null when any file lacks them); distinct_count and top_values from
// the validated files' data, for low-cardinality STRING columns only.
struct ColumnStats {
  std::optional<int64_t> null_count;
  nlohmann::json min;  // the value in JSON value-text form (parquet/value_text.h), or null
  nlohmann::json max;
  std::optional<int64_t> distinct_count;
  std::vector<TopValue> top_values;  // most frequent first, then by value
};

struct DatasetInfo {
  int version = kDatasetInfoVersion;
  std::string name;
  std::string base_path;
  int64_t registered_at_ms = 0;  // Unix epoch milliseconds
  std::string pattern = "*.parquet";
  ValidationMode validation_mode = ValidationMode::kSample;
  bool validate_uniques = true;
  DatasetSchema schema;            // group id / timestamp columns and unit live here
  std::vector<ColumnStats> stats;  // one per schema.columns entry, same order
  std::vector<DatasetFile> files;  // sorted by name

  int64_t TotalRows() const;
  uint64_t TotalBytes() const;
  int ValidatedFiles() const;
  // Over all files that have rows; empty when none has.
  std::optional<int64_t> MinTimestamp() const;
  std::optional<int64_t> MaxTimestamp() const;
};

// Dataset names are also file names in the local catalog, so they are restricted to 1 to 128
// characters of [A-Za-z0-9_.-], starting with a letter or digit. Throws Error(kInvalidArgument)
// naming the name otherwise.
void CheckDatasetName(const std::string& name);

// An instant since the Unix epoch in ISO 8601 UTC with the unit's fraction digits:
// "2024-05-01T12:00:00Z" (s), "...00.000Z" (ms), "...00.000000Z" (us), "...00.000000000Z" (ns).
// Proleptic Gregorian; instants before 1970 count backwards (-1 ms is 1969-12-31T23:59:59.999Z).
std::string FormatUtc(int64_t ticks, TimestampUnit unit);
inline std::string FormatUtcMillis(int64_t ms) { return FormatUtc(ms, TimestampUnit::kMillis); }

nlohmann::json DatasetInfoToJson(const DatasetInfo& info);
// `source` names the document in error messages (a path, or "dataset 'x'").
DatasetInfo DatasetInfoFromJson(const nlohmann::json& doc, const std::string& source);
// Parses text first; text that is not JSON throws Error(kCorruptFile) naming `source`.
DatasetInfo DatasetInfoFromText(const std::string& text, const std::string& source);

}  // namespace frocket
