#include "prepare/spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <queue>

#include "common/error.h"

namespace frocket::prepare {
namespace {

uint64_t GroupPrefix(const RecordKey& key, bool string_ids) {
  if (!string_ids) return static_cast<uint64_t>(key.group_int) ^ (uint64_t{1} << 63);
  // The first 8 bytes, big-endian and zero-padded: comparing prefixes as integers is comparing
  // the strings' first bytes, and equal prefixes fall back to the whole strings.
  uint64_t prefix = 0;
  size_t n = std::min<size_t>(8, key.group_string.size());
  for (size_t i = 0; i < n; ++i) {
    prefix |= static_cast<uint64_t>(static_cast<uint8_t>(key.group_string[i])) << (56 - 8 * i);
  }
  return prefix;
}

std::string_view GroupStringOfBody(std::string_view body) {
  const char* p = body.data();
  uint64_t length = 0;
  ReadVarint(&p, body.data() + body.size(), &length);
  return std::string_view(p, length);
}

// Reads one segment of a run file record by record through a buffer.
class RunCursor {
 public:
  RunCursor(const SegmentRef& ref, size_t buffer_bytes, bool string_ids)
      : path_(ref.path),
        file_pos_(ref.segment.offset),
        file_end_(ref.segment.offset + ref.segment.bytes),
        string_ids_(string_ids) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) ThrowIo("cannot open spill file " + path_ + ": " + std::strerror(errno));
    buffer_.resize(std::max<size_t>(buffer_bytes, 64));
  }
  ~RunCursor() { ::close(fd_); }
  RunCursor(const RunCursor&) = delete;
  RunCursor& operator=(const RunCursor&) = delete;

  // Loads the next record; false at the end of the segment.
  bool Advance() {
    size_t available = (len_ - pos_) + static_cast<size_t>(file_end_ - file_pos_);
    if (available == 0) return false;
    Ensure(std::min(kMaxVarintBytes, available));
    const char* p = buffer_.data() + pos_;
    uint64_t length;
    if (!ReadVarint(&p, buffer_.data() + len_, &length) || length > available) {
      throw Error(ErrorKind::kInternal, "damaged spill file " + path_);
    }
    size_t header = static_cast<size_t>(p - (buffer_.data() + pos_));
    Ensure(header + length);
    body_ = std::string_view(buffer_.data() + pos_ + header, length);
    pos_ += header + length;
    const char* cells;
    uint64_t count;
    DecodeRecordBody(body_, string_ids_, &key_, &cells, &count);
    return true;
  }
  const RecordKey& key() const { return key_; }
  std::string_view body() const { return body_; }

 private:
  // Makes at least `n` bytes available at pos_.
  void Ensure(size_t n) {
    if (len_ - pos_ >= n) return;
    size_t left = len_ - pos_;
    std::memmove(buffer_.data(), buffer_.data() + pos_, left);
    pos_ = 0;
    len_ = left;
    if (buffer_.size() < n) buffer_.resize(n);
    size_t want = std::min<uint64_t>(buffer_.size() - len_, file_end_ - file_pos_);
    while (want > 0) {
      ssize_t got = ::pread(fd_, buffer_.data() + len_, want, static_cast<off_t>(file_pos_));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) ThrowIo("cannot read spill file " + path_ + ": " + std::strerror(errno));
      len_ += static_cast<size_t>(got);
      file_pos_ += static_cast<uint64_t>(got);
      want -= static_cast<size_t>(got);
    }
    if (len_ < n) throw Error(ErrorKind::kInternal, "truncated spill file " + path_);
  }

  std::string path_;
  int fd_ = -1;
  uint64_t file_pos_;
  uint64_t file_end_;
  bool string_ids_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t len_ = 0;
  std::string_view body_;
  RecordKey key_;
};

// Appends length-prefixed records to a file through stdio's buffer.
class RecordFileWriter {
 public:
  explicit RecordFileWriter(std::string path) : path_(std::move(path)) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr)
      ThrowIo("cannot create spill file " + path_ + ": " + std::strerror(errno));
  }
  ~RecordFileWriter() {
    if (file_ != nullptr) std::fclose(file_);
  }
  void WriteRaw(const char* data, size_t n) {
    if (n != 0 && std::fwrite(data, 1, n, file_) != n) {
      ThrowIo("cannot write spill file " + path_ + ": " + std::strerror(errno));
    }
    offset_ += n;
  }
  void WriteRecord(std::string_view body) {
    std::string header;
    AppendVarint(body.size(), &header);
    WriteRaw(header.data(), header.size());
    WriteRaw(body.data(), body.size());
  }
  uint64_t offset() const { return offset_; }
  void Close() {
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) ThrowIo("cannot write spill file " + path_ + ": " + std::strerror(errno));
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t offset_ = 0;
};

void MergeDirect(const std::vector<SegmentRef>& segments, bool string_ids, size_t buffer_bytes,
                 const std::function<void(std::string_view)>& emit) {
  std::vector<std::unique_ptr<RunCursor>> cursors;
  cursors.reserve(segments.size());
  for (const SegmentRef& ref : segments) {
    if (ref.segment.rows == 0) continue;
    cursors.push_back(std::make_unique<RunCursor>(ref, buffer_bytes, string_ids));
  }
  // A min-heap of cursor indexes; on equal keys the lower index (earlier segment) wins.
  auto later = [&](size_t a, size_t b) {
    int c = CompareKeys(cursors[a]->key(), cursors[b]->key(), string_ids);
    return c != 0 ? c > 0 : a > b;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < cursors.size(); ++i) {
    if (cursors[i]->Advance()) heap.push(i);
  }
  while (!heap.empty()) {
    size_t top = heap.top();
    heap.pop();
    emit(cursors[top]->body());
    if (cursors[top]->Advance()) heap.push(top);
  }
}

}  // namespace

int CompareKeys(const RecordKey& a, const RecordKey& b, bool string_ids) {
  if (string_ids) {
    int c = a.group_string.compare(b.group_string);
    if (c != 0) return c < 0 ? -1 : 1;
  } else if (a.group_int != b.group_int) {
    return a.group_int < b.group_int ? -1 : 1;
  }
  if (a.ts != b.ts) return a.ts < b.ts ? -1 : 1;
  return 0;
}

RunBuffer::RunBuffer(uint32_t num_buckets, bool string_ids, size_t block_bytes)
    : num_buckets_(num_buckets),
      string_ids_(string_ids),
      block_bytes_(std::max<size_t>(block_bytes, 4096)) {}

size_t RunBuffer::memory_bytes() const {
  return block_memory_ + entries_.capacity() * sizeof(Entry);
}

size_t RunBuffer::MemoryAfterAdding(size_t body_bytes) const {
  size_t record = VarintSize(body_bytes) + body_bytes;
  size_t blocks = block_memory_;
  if (blocks_.empty() || block_used_ + record > block_size_)
    blocks += std::max(block_bytes_, record);
  size_t capacity = entries_.capacity();
  if (entries_.size() == capacity) capacity = std::max<size_t>(16, capacity * 2);
  return blocks + capacity * sizeof(Entry);
}

void RunBuffer::Add(uint32_t bucket, const RecordKey& key, std::string_view body) {
  std::string header;
  AppendVarint(body.size(), &header);
  size_t record = header.size() + body.size();
  if (blocks_.empty() || block_used_ + record > block_size_) {
    block_size_ = std::max(block_bytes_, record);
    blocks_.push_back(std::make_unique<char[]>(block_size_));
    block_memory_ += block_size_;
    block_used_ = 0;
  }
  char* at = blocks_.back().get() + block_used_;
  std::memcpy(at, header.data(), header.size());
  std::memcpy(at + header.size(), body.data(), body.size());
  block_used_ += record;
  if (entries_.size() >= UINT32_MAX) {
    throw Error(ErrorKind::kInternal, "too many rows in one spill run");
  }
  entries_.push_back(Entry{GroupPrefix(key, string_ids_), key.ts, at, bucket,
                           static_cast<uint32_t>(entries_.size())});
}

std::string_view RunBuffer::BodyOf(const char* record) const {
  const char* p = record;
  uint64_t length = 0;
  ReadVarint(&p, p + kMaxVarintBytes, &length);
  return std::string_view(p, length);
}

void RunBuffer::Sort() {
  const bool string_ids = string_ids_;
  std::sort(entries_.begin(), entries_.end(), [&](const Entry& a, const Entry& b) {
    if (a.bucket != b.bucket) return a.bucket < b.bucket;
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    if (string_ids) {
      int c = GroupStringOfBody(BodyOf(a.record)).compare(GroupStringOfBody(BodyOf(b.record)));
      if (c != 0) return c < 0;
    }
    if (a.ts != b.ts) return a.ts < b.ts;
    return a.seq < b.seq;
  });
  bucket_begin_.assign(num_buckets_ + 1, entries_.size());
  for (size_t i = entries_.size(); i-- > 0;) bucket_begin_[entries_[i].bucket] = i;
  // Empty buckets start where the next non-empty one does.
  for (size_t b = num_buckets_; b-- > 0;) {
    bucket_begin_[b] = std::min(bucket_begin_[b], bucket_begin_[b + 1]);
  }
}

void RunBuffer::ForEachInBucket(uint32_t bucket,
                                const std::function<void(std::string_view)>& f) const {
  if (bucket_begin_.empty()) return;
  for (size_t i = bucket_begin_[bucket]; i < bucket_begin_[bucket + 1]; ++i) {
    f(BodyOf(entries_[i].record));
  }
}

RunFile RunBuffer::WriteRun(const std::string& path) const {
  RunFile run;
  run.path = path;
  run.segments.resize(num_buckets_);
  RecordFileWriter out(path);
  for (uint32_t b = 0; b < num_buckets_; ++b) {
    Segment& segment = run.segments[b];
    segment.offset = out.offset();
    if (!bucket_begin_.empty()) {
      for (size_t i = bucket_begin_[b]; i < bucket_begin_[b + 1]; ++i) {
        std::string_view body = BodyOf(entries_[i].record);
        size_t header = static_cast<size_t>(body.data() - entries_[i].record);
        out.WriteRaw(entries_[i].record, header + body.size());
        ++segment.rows;
      }
    }
    segment.bytes = out.offset() - segment.offset;
  }
  out.Close();
  return run;
}

void RunBuffer::Clear() {
  blocks_.clear();
  blocks_.shrink_to_fit();
  block_memory_ = block_used_ = block_size_ = 0;
  entries_.clear();
  entries_.shrink_to_fit();
  bucket_begin_.clear();
}

void MergeBucket(std::vector<SegmentRef> segments, bool string_ids, size_t buffer_bytes,
                 size_t max_fan_in, const std::string& temp_dir,
                 const std::function<void(std::string_view)>& emit) {
  max_fan_in = std::max<size_t>(max_fan_in, 2);
  static std::atomic<int> merge_counter{0};
  std::vector<std::string> intermediates;
  // Removes the intermediate files however the merge ends.
  struct Cleanup {
    std::vector<std::string>* paths;
    ~Cleanup() {
      for (const std::string& path : *paths) std::remove(path.c_str());
    }
  } cleanup{&intermediates};
  while (segments.size() > max_fan_in) {
    std::vector<SegmentRef> next;
    for (size_t begin = 0; begin < segments.size(); begin += max_fan_in) {
      size_t end = std::min(segments.size(), begin + max_fan_in);
      std::vector<SegmentRef> group(segments.begin() + static_cast<std::ptrdiff_t>(begin),
                                    segments.begin() + static_cast<std::ptrdiff_t>(end));
      std::string path = temp_dir + "/merge-" + std::to_string(::getpid()) + "-" +
                         std::to_string(merge_counter++) + ".bin";
      intermediates.push_back(path);
      RecordFileWriter out(path);
      SegmentRef merged{path, {}};
      MergeDirect(group, string_ids, buffer_bytes, [&](std::string_view body) {
        out.WriteRecord(body);
        ++merged.segment.rows;
      });
      merged.segment.bytes = out.offset();
      out.Close();
      next.push_back(std::move(merged));
    }
    segments = std::move(next);
  }
  MergeDirect(segments, string_ids, buffer_bytes, emit);
}

}  // namespace frocket::prepare
