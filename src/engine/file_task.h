// The task of one file: everything the engine does to one Parquet file of a dataset for one
// query, producing a PartialResult (partial_result.h).
//
// Steps:
//   1. Skip the file when its timestamp range (from the catalog) misses the timeframe; skip row
//      groups whose timestamp statistics miss it.
//   2. Read the timestamp and group id columns and the columns of the filters and sum targets;
//      evaluate every predicate (a condition's or a step's filters) into one bit per row, with
//      string predicates evaluated once per dictionary entry. Rows outside the timeframe are
//      dropped here.
//   3. Groups: when the rows are already ordered by (group id, ts) (checked, not trusted from
//      metadata), use them in place; otherwise sort a permutation by (group id, ts, row).
//   4. Per group, in one pass: conditions (counts and sums over bit ranges, sequences through
//      SequenceMatcher), the relation, the funnel, time to convert, breakdown attribution, the
//      id sample.
//   5. Late materialization: the aggregation and breakdown columns are read only for the row
//      groups that hold rows of a group in some aggregation's scope, then aggregated per value.
#pragma once

#include <cstddef>

#include "catalog/dataset_info.h"
#include "engine/partial_result.h"
#include "query/query.h"
#include "storage/file_cache.h"

namespace frocket {

struct FileTaskOptions {
  // Only read and decode the columns the query needs (ts, group id, used columns), for the
  // benchmark floor; the partial then holds only stats.
  bool scan_only = false;
  // A worker's disk cache for remote (s3://) files; local files are never cached.
  FileCache* cache = nullptr;
  // Set (when given) to whether the cache already held the file.
  bool* cache_hit = nullptr;
};

PartialResult ExecuteFileTask(const DatasetInfo& dataset, const Query& query, size_t file_index,
                              const FileTaskOptions& options = {});

}  // namespace frocket
