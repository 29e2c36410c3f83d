// GenerateDataset: writes a synthetic, bucketed e-commerce activity dataset (the data behind
// `frocket datagen`, documented in docs/datagen.md).
//
// Output: `files` Parquet files DIR/part-00000.parquet ... (index zero-padded to 5 digits).
// File k holds exactly the users with BucketOf(user_id, files) == k (common/bucket.h), rows
// sorted by (user_id, ts) and declared so in sorting_columns. Columns: see EventSchema() in
// event_generator.h; users and row counts: user_population.h; events: event_generator.h.
//
// Determinism: the same options except `threads` give byte-identical files. Every user's rows
// derive from (seed, user index) alone, and each file is written by one task.
//
// Crash safety: files are written as DIR/.part-NNNNN.parquet.tmp and renamed to their final
// names only once all of them are complete; a failed run removes its temporary files, and an
// interrupted one leaves only temporary names behind.
//
// Thread safety: GenerateDataset may be called from any thread; it runs its own workers and
// calls `progress` on the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/format.h"

namespace frocket::datagen {

struct DatagenOptions {
  int64_t rows = 0;    // exactly this many rows in total
  int64_t users = 0;   // exactly this many users when rows >= users, otherwise `rows` users
  uint32_t files = 1;  // 1 to 100000
  std::string out_dir;
  uint64_t seed = 1;
  int64_t start_ms = 1704067200000;  // 2024-01-01T00:00:00Z
  int32_t days = 60;
  int64_t row_group_rows = 1'000'000;
  parquet::Codec codec = parquet::Codec::kZstd;
  int threads = 0;  // 0: one per hardware thread
  // Replace existing part-*.parquet files in out_dir (and remove those this run does not
  // write, so the directory holds one consistent dataset). Without it, their presence is an
  // error.
  bool overwrite = false;
};

struct DatagenProgress {
  int64_t rows_written = 0;
  int64_t rows_total = 0;
  uint32_t files_done = 0;
  uint32_t files_total = 0;
  double seconds = 0;
};
using ProgressCallback = std::function<void(const DatagenProgress&)>;

struct DatagenResult {
  int64_t rows = 0;
  int64_t users = 0;
  uint32_t files = 0;
  double seconds = 0;
  std::vector<std::string> paths;  // final paths, in file order
};

// Writes the dataset. Calls `progress` (if set) about every 200 ms while files are being
// written, and once at the end. Throws Error(kInvalidArgument) for bad options or existing
// part files without `overwrite`, Error(kIo) when writing fails.
DatagenResult GenerateDataset(const DatagenOptions& options, const ProgressCallback& progress = {});

// "YYYY-MM-DD" as milliseconds since the Unix epoch at 00:00 UTC. Throws
// Error(kInvalidArgument) for anything else.
int64_t ParseStartDate(std::string_view date);

// The file name of part `index`: "part-00042.parquet".
std::string PartFileName(uint32_t index);

}  // namespace frocket::datagen
