// The embedded query engine: runs a parsed query over a registered dataset, one task per file
// on a thread pool, and merges the tasks' partial results. This is the C++ API behind
// `frocket query`; the server calls the same functions, and cluster workers call RunFileTask.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "catalog/dataset_info.h"
#include "engine/partial_result.h"
#include "query/query.h"
#include "storage/file_cache.h"

namespace frocket {

struct QueryProgress {
  int64_t files_done = 0;
  int64_t files_total = 0;
  int64_t rows_done = 0;   // rows of the finished files (from the catalog)
  int64_t rows_total = 0;  // rows of all files to read
};

struct EngineOptions {
  int threads = 0;  // 0: all cores
  // Called from worker threads, serialized (never twice at once), after each file.
  std::function<void(const QueryProgress&)> on_progress;
  // Set to true from another thread to stop early: RunQuery then throws Error(kInternal)
  // "query cancelled".
  const std::atomic<bool>* cancel = nullptr;
  std::string request_id;  // echoed in the result; generated when empty
};

// Runs the task of one file of the dataset (index into dataset.files). Throws Error naming the
// file when it cannot be read. A worker passes its disk cache for remote files (`*cache_hit`,
// when given, tells whether the file was already cached).
PartialResult RunFileTask(const DatasetInfo& dataset, const Query& query, size_t file_index,
                          FileCache* cache = nullptr, bool* cache_hit = nullptr);

// Runs every task and merges. Storage errors propagate as Error.
PartialResult RunQueryPartial(const DatasetInfo& dataset, const Query& query,
                              const EngineOptions& options);

// Only reads and decodes the columns the query needs (timestamp, group id, used columns) in
// every file it would read, with the same thread pool: the practical floor of the query's
// time, for benchmarks (`frocket query --scan-only`). The partial holds only stats.
PartialResult ScanQueryColumns(const DatasetInfo& dataset, const Query& query,
                               const EngineOptions& options);

// Runs a parsed query and returns the result document (result_builder.h).
nlohmann::ordered_json RunQuery(const DatasetInfo& dataset, const Query& query,
                                const EngineOptions& options = {});

// Parses, validates and runs a query document. Returns the success document, or on any failure
// the error document {"success": false, "error": {"kind", "message", "path"?, "position"?}}:
// query errors from the parser, STORAGE for unreadable files, INTERNAL otherwise.
nlohmann::ordered_json RunQueryText(const DatasetInfo& dataset, std::string_view query_json,
                                    const EngineOptions& options = {});

}  // namespace frocket
