// External partitioning for `frocket prepare`: rows are collected in memory per bucket
// (RunBuffer) and, whenever the memory budget is reached, sorted by (bucket, group id,
// timestamp) and written to disk as one run file holding one sorted segment per bucket. A
// bucket is then produced by merging its segments of all runs (MergeBucket).
//
// Order: ties on (group id, timestamp) keep their input order. Within a run, rows are sorted
// with their arrival number as the last key; across runs, the merge takes ties from earlier
// runs first, and runs are written in input order. Group ids compare as signed integers or,
// for strings, by unsigned bytes (the order Parquet statistics use for UTF-8).
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "prepare/spill_record.h"

namespace frocket::prepare {

// -1, 0, 1 as `a` sorts before, with, or after `b`.
int CompareKeys(const RecordKey& a, const RecordKey& b, bool string_ids);

// One bucket's records in a run file: [offset, offset + bytes), `rows` records.
struct Segment {
  uint64_t offset = 0;
  uint64_t bytes = 0;
  int64_t rows = 0;
};

struct RunFile {
  std::string path;
  std::vector<Segment> segments;  // one per bucket
};

class RunBuffer {
 public:
  // Records are kept in blocks of `block_bytes` (a longer record gets a block of its own), so
  // memory grows in steps of that size and records never move.
  RunBuffer(uint32_t num_buckets, bool string_ids, size_t block_bytes);

  // The memory held: blocks plus the sort entries.
  size_t memory_bytes() const;
  // What memory_bytes() would be after adding a record with a body of `body_bytes`.
  size_t MemoryAfterAdding(size_t body_bytes) const;
  int64_t rows() const { return static_cast<int64_t>(entries_.size()); }
  bool empty() const { return entries_.empty(); }

  // Appends a record (`body` as EncodeRecordBody made it, `key` its decoded key).
  void Add(uint32_t bucket, const RecordKey& key, std::string_view body);
  // Sorts the records by (bucket, group id, timestamp, arrival).
  void Sort();
  // After Sort: calls f(body) for each record of `bucket`, in order.
  void ForEachInBucket(uint32_t bucket, const std::function<void(std::string_view)>& f) const;
  // After Sort: writes every record to a new file at `path`, bucket by bucket. Throws
  // Error(kIo).
  RunFile WriteRun(const std::string& path) const;
  // Drops every record and frees the memory.
  void Clear();

 private:
  struct Entry {
    uint64_t prefix;  // the group id, order-preserving as unsigned: biased int or 8 bytes
    int64_t ts;
    const char* record;  // varint length + body, in a block
    uint32_t bucket;
    uint32_t seq;  // arrival number
  };
  std::string_view BodyOf(const char* record) const;

  uint32_t num_buckets_;
  bool string_ids_;
  size_t block_bytes_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_memory_ = 0;
  size_t block_used_ = 0;  // bytes used in blocks_.back()
  size_t block_size_ = 0;  // size of blocks_.back()
  std::vector<Entry> entries_;
  std::vector<size_t> bucket_begin_;  // after Sort: entries of bucket b are [begin[b], begin[b+1])
};

// One segment to merge: a run file and the bucket's segment in it.
struct SegmentRef {
  std::string path;
  Segment segment;
};

// Merges `segments` (each sorted) and calls emit(body) for every record, in (group id,
// timestamp) order with ties in segment order. At most `max_fan_in` segments are read at once;
// with more, groups of them are first merged into intermediate files in `temp_dir` (deleted
// again). Each segment is read through a buffer of `buffer_bytes` (grown for a longer
// record). Throws Error(kIo) when a file cannot be read or written.
void MergeBucket(std::vector<SegmentRef> segments, bool string_ids, size_t buffer_bytes,
                 size_t max_fan_in, const std::string& temp_dir,
                 const std::function<void(std::string_view)>& emit);

}  // namespace frocket::prepare
