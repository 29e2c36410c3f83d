// Dataset registration: discovers a dataset's files, validates them and builds the DatasetInfo
// the catalog stores. The caller stores it (MetadataStore::Put); registering a name that exists
// replaces the old record.
//
// What is checked, and on which files:
//   Every file (footer only: one or two ranged reads each):
//     - it opens as Parquet (otherwise the error names the file);
//     - the group id and timestamp columns exist, with a supported type: group id an integer
//       (any width, signed or not) or a string; timestamp an integer or a TIMESTAMP (INT64 or
//       INT96). Floating-point timestamps are refused: durations and funnel windows are exact
//       integer arithmetic in the dataset's unit;
//     - its schema agrees with the first file's: the same column names with the same physical
//       and logical types (column order and required/optional may differ);
//     - footer statistics that already show nulls in the group id or timestamp column fail it.
//     Row counts, sizes, the per-file timestamp range (from statistics; the column is read when
//     statistics are missing) and column min / max / null counts come from here.
//   Validated files (chosen by the validation mode, see FilesToValidate), read in full:
//     - no null in the group id or timestamp column;
//     - unless validate_uniques is off, no group id appears in two of the validated files
//       (every group's rows must be in one file);
//     - distinct counts and top values of STRING columns.
//
// Errors: a validation failure throws Error(kInvalidArgument) whose message names the file and
// the column; a file that is not Parquet throws Error(kCorruptFile) or Error(kNotSupported)
// naming it; storage failures throw Error(kIo).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/dataset_info.h"
#include "catalog/file_discovery.h"

namespace frocket {

struct RegistrationRequest {
  std::string name;
  std::string base_path;
  std::string group_id_column;
  std::string timestamp_column;
  TimestampUnit timestamp_unit = TimestampUnit::kMillis;
  std::string pattern = "*.parquet";
  ValidationMode validation_mode = ValidationMode::kSample;
  bool validate_uniques = true;
};

// The sample mode validates at most this many files.
inline constexpr size_t kSampleMaxFiles = 10;

// A string column keeps top values only while its validated files hold at most this many
// distinct values; this many are kept.
inline constexpr size_t kTopValuesMaxDistinct = 1000;
inline constexpr size_t kTopValuesKept = 20;

// Indices (ascending) of the files a mode validates among `num_files` files sorted by name:
//   single      the first file;
//   first_last  the first and the last;
//   sample      min(num_files, 10) files evenly spaced from the first to the last: index
//               floor(i * (num_files - 1) / (k - 1)) for i in [0, k). Deterministic, so
//               registering the same files twice validates the same ones; with 10 files or
//               fewer it validates them all;
//   all         every file.
std::vector<size_t> FilesToValidate(ValidationMode mode, size_t num_files);

// Discovers, validates and describes the dataset. `lister` must suit request.base_path (see
// FileListerFor); `now_ms` becomes registered_at_ms.
DatasetInfo RegisterDataset(const RegistrationRequest& request, const FileLister& lister,
                            const std::string& list_path, int64_t now_ms);

// Convenience for the CLI and the server: picks the lister from the base path (FileListerFor),
// stores a local base path as an absolute, normalized path without file:// (so the record does
// not depend on the working directory), and uses the current time.
DatasetInfo RegisterDataset(const RegistrationRequest& request);

}  // namespace frocket
