// `frocket prepare` as a C++ API: turns raw event data (CSV, JSON lines, Parquet) into a
// dataset of `num_files` Parquet files bucketed by group id and sorted by (group id,
// timestamp). docs/prepare.md is the user's guide; this header is the contract.
//
// What PrepareDataset does:
//   1. Samples the first kSampleRows rows of each input to type the group id and timestamp
//      columns (type_inference.h), unless --schema gives them.
//   2. Reads every input in the order given, line by line. Each good row goes to bucket
//      BucketOf(group id, num_files) (common/bucket.h). Rows are held in memory up to about
//      half the memory limit, then sorted and spilled to a run file in the temporary
//      directory (spill.h). Bad rows (unparsable, missing group id or timestamp, not fitting a
//      type) are counted; the first max_bad_row_examples are kept with file:line and reason.
//   3. If there were bad rows and skip_bad_rows is false, throws Error(kInvalidArgument)
//      listing them: no output file is written.
//   4. Types the other columns from all their values, then writes bucket k, sorted by (group
//      id, timestamp) with ties in input order, to `.part-0000k.parquet.tmp` in output_dir
//      (from memory if nothing was spilled, else merging the bucket's runs). Every file is
//      written, empty buckets too.
//   5. Only when all files are complete, renames them to `part-0000k.parquet` (removing the
//      part files of a previous dataset first when overwrite is set).
// On any failure (an exception, cancellation) the temporary files and the spill directory are
// removed and no part file of the new dataset is left. The spill directory is removed on
// success too.
//
// Output columns: the group id (REQUIRED), the timestamp (REQUIRED), then every other column in
// the order first seen across the inputs, all OPTIONAL. Row groups declare sorting_columns
// (group id, timestamp).
//
// Memory: memory_limit bounds the spill buffer (half of it), the merge read buffers and the
// write batches and row groups (fractions of it); a Parquet input's row group is read whole,
// and a single very long record is held whole, whatever the limit.
//
// Not thread-safe per call; separate calls with separate directories may run concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "parquet/format.h"
#include "prepare/row_source.h"
#include "prepare/type_inference.h"

namespace frocket::prepare {

inline constexpr uint64_t kDefaultMemoryLimit = uint64_t{1} << 30;
inline constexpr uint64_t kMinMemoryLimit = uint64_t{256} << 10;
inline constexpr uint32_t kMaxFiles = 100'000;

struct PrepareProgress {
  enum class Phase { kReading, kWriting };
  Phase phase = Phase::kReading;
  int64_t rows_read = 0;
  uint64_t bytes_read = 0;   // of all inputs so far
  uint64_t total_bytes = 0;  // of all inputs (0 when unknown)
  uint32_t files_written = 0;
  uint32_t num_files = 0;
};

struct PrepareOptions {
  std::vector<std::string> inputs;
  InputFormat format = InputFormat::kAuto;  // kAuto: by each input's extension
  std::string group_id_column;
  std::string timestamp_column;
  uint32_t num_files = 0;                                  // 1 .. kMaxFiles
  std::string output_dir;                                  // created when missing
  std::vector<std::pair<std::string, ColumnType>> schema;  // --schema
  uint64_t memory_limit = kDefaultMemoryLimit;             // >= kMinMemoryLimit
  std::string temp_dir;  // where the spill directory goes; "" = inside output_dir
  bool skip_bad_rows = false;
  bool overwrite = false;  // replace the part files of an existing dataset in output_dir
  parquet::Codec codec = parquet::Codec::kZstd;
  size_t max_bad_row_examples = 10;
  // Called from time to time (about 4 times a second at most) while reading and writing.
  std::function<void(const PrepareProgress&)> progress;
  // Checked regularly; when it becomes true the run stops with Error(kIo) "interrupted".
  const std::atomic<bool>* cancel = nullptr;
  // Called after the temporary file of bucket k is complete (before any rename).
  std::function<void(uint32_t)> on_file_written;
};

struct BadRow {
  std::string input;
  int64_t line = 0;  // line of a text input, row number of a Parquet input (1-based)
  std::string reason;
};
// "input:line: reason".
std::string FormatBadRow(const BadRow& row);

struct PrepareResult {
  int64_t rows_in = 0;  // rows read, bad ones included
  int64_t rows_written = 0;
  int64_t bad_rows = 0;
  std::vector<BadRow> bad_row_examples;  // the first max_bad_row_examples
  uint32_t files = 0;
  std::vector<std::string> file_paths;
  std::vector<std::pair<std::string, ColumnType>> columns;  // the output schema
  int64_t spill_runs = 0;  // run files written (0: everything was sorted in memory)
  uint64_t spilled_bytes = 0;
  std::vector<std::string> notes;  // e.g. skipped unsupported Parquet columns
  double seconds = 0;
};

// "part-00007.parquet" for bucket 7 (at least 5 digits).
std::string PartFileName(uint32_t bucket);

// Runs the preparation described above. Throws Error(kInvalidArgument) for bad options, a
// missing group id or timestamp column, bad rows without skip_bad_rows, or an existing dataset
// in output_dir without overwrite; Error(kIo) for file system failures and cancellation;
// whatever the readers throw for unreadable inputs.
PrepareResult PrepareDataset(const PrepareOptions& options);

}  // namespace frocket::prepare
