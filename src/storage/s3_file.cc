#include "storage/s3_file.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "common/error.h"

namespace frocket {
namespace {

constexpr size_t kPrefetchThreads = 4;
// Prefetched bytes kept per file; the oldest fetches go first beyond it.
constexpr uint64_t kMaxPrefetchedBytes = 256 * 1024 * 1024;

using Segments = std::map<uint64_t, std::shared_ptr<const std::string>>;

// Whether segments cover [offset, offset + length) without holes; when they do and `out` is
// not null, copies the bytes there.
bool CopyFromSegments(const Segments& segments, uint64_t offset, uint64_t length, uint8_t* out) {
  uint64_t pos = offset;
  const uint64_t end = offset + length;
  while (pos < end) {
    auto it = segments.upper_bound(pos);
    if (it == segments.begin()) return false;
    --it;
    const uint64_t seg_begin = it->first;
    const uint64_t seg_end = seg_begin + it->second->size();
    if (pos >= seg_end) return false;
    const uint64_t n = std::min(end, seg_end) - pos;
    if (out != nullptr)
      std::memcpy(out + (pos - offset), it->second->data() + (pos - seg_begin), n);
    pos += n;
  }
  return true;
}

bool Covered(const Segments& segments, uint64_t offset, uint64_t length) {
  return CopyFromSegments(segments, offset, length, nullptr);
}

class S3File final : public RandomAccessFile {
 public:
  S3File(std::shared_ptr<const S3Client> client, S3Location location, uint64_t size)
      : client_(std::move(client)),
        location_(std::move(location)),
        name_(location_.ToString()),
        size_(size) {}

  const std::string& name() const override { return name_; }
  uint64_t Size() const override { return size_; }

  void ReadAt(uint64_t offset, uint64_t length, Buffer* out) const override {
    if (offset > size_ || length > size_ - offset) {
      ThrowCorrupt(name_ + ": read of " + std::to_string(length) + " bytes at offset " +
                   std::to_string(offset) + " is past the end of the object (" +
                   std::to_string(size_) + " bytes)");
    }
    out->Resize(length);
    if (length == 0) return;
    const uint64_t tail_begin = size_ - std::min(size_, kS3TailBytes);
    if (offset >= tail_begin) {
      std::shared_ptr<const std::string> tail = Tail(tail_begin);
      std::memcpy(out->data(), tail->data() + (offset - tail_begin), length);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (CopyFromSegments(segments_, offset, length, out->data())) return;
    }
    std::string bytes =
        client_->GetRange(location_.bucket, location_.key, offset, offset + length - 1);
    std::memcpy(out->data(), bytes.data(), length);
  }

  void Prefetch(const std::vector<ByteRange>& ranges) const override {
    std::vector<ByteRange> wanted;
    const uint64_t tail_begin = size_ - std::min(size_, kS3TailBytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const ByteRange& r : ranges) {
        if (r.offset >= size_ || r.length == 0) continue;
        ByteRange c{r.offset, std::min(r.length, size_ - r.offset)};
        // Ranges inside the tail once it is fetched cost nothing.
        if (tail_ && c.offset >= tail_begin) continue;
        if (Covered(segments_, c.offset, c.length)) continue;
        wanted.push_back(c);
      }
    }
    std::vector<ByteRange> parts =
        CoalesceRanges(std::move(wanted), kS3CoalesceGapBytes, kS3MaxPartBytes);
    std::vector<std::shared_ptr<const std::string>> fetched(parts.size());
    std::vector<std::exception_ptr> errors(parts.size());
    auto fetch = [&](size_t i) {
      try {
        fetched[i] = std::make_shared<const std::string>(
            client_->GetRange(location_.bucket, location_.key, parts[i].offset,
                              parts[i].offset + parts[i].length - 1));
      } catch (...) {
        errors[i] = std::current_exception();
      }
    };
    if (parts.size() <= 1) {
      for (size_t i = 0; i < parts.size(); ++i) fetch(i);
    } else {
      std::atomic<size_t> next{0};
      std::vector<std::thread> threads;
      const size_t n = std::min(kPrefetchThreads, parts.size());
      for (size_t t = 0; t < n; ++t) {
        threads.emplace_back([&] {
          for (size_t i; (i = next.fetch_add(1)) < parts.size();) fetch(i);
        });
      }
      for (std::thread& t : threads) t.join();
    }
    for (const std::exception_ptr& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < parts.size(); ++i) {
      auto old = segments_.find(parts[i].offset);
      if (old != segments_.end()) {
        prefetched_bytes_ -= old->second->size();
        segments_.erase(old);
        std::erase(order_, parts[i].offset);
      }
      prefetched_bytes_ += fetched[i]->size();
      segments_.emplace(parts[i].offset, std::move(fetched[i]));
      order_.push_back(parts[i].offset);
    }
    // Bounded memory: the oldest fetches go first (the reader has usually moved past them).
    while (prefetched_bytes_ > kMaxPrefetchedBytes && !order_.empty()) {
      auto it = segments_.find(order_.front());
      order_.pop_front();
      if (it == segments_.end()) continue;
      prefetched_bytes_ -= it->second->size();
      segments_.erase(it);
    }
  }

 private:
  std::shared_ptr<const std::string> Tail(uint64_t tail_begin) const {
    std::lock_guard<std::mutex> lock(tail_mutex_);
    if (!tail_) {
      auto bytes = std::make_shared<const std::string>(
          client_->GetRange(location_.bucket, location_.key, tail_begin, size_ - 1));
      std::lock_guard<std::mutex> segments_lock(mutex_);
      tail_ = std::move(bytes);
    }
    return tail_;
  }

  std::shared_ptr<const S3Client> client_;
  S3Location location_;
  std::string name_;
  uint64_t size_;
  mutable std::mutex tail_mutex_;  // held while the tail is fetched, so it is fetched once
  mutable std::mutex mutex_;       // guards segments_ and tail_
  mutable std::shared_ptr<const std::string> tail_;
  mutable Segments segments_;
  mutable std::deque<uint64_t> order_;  // segment offsets, oldest fetch first
  mutable uint64_t prefetched_bytes_ = 0;
};

}  // namespace

std::vector<ByteRange> CoalesceRanges(std::vector<ByteRange> ranges, uint64_t max_gap,
                                      uint64_t max_part) {
  ranges.erase(std::remove_if(ranges.begin(), ranges.end(),
                              [](const ByteRange& r) { return r.length == 0; }),
               ranges.end());
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  std::vector<ByteRange> merged;
  for (const ByteRange& r : ranges) {
    if (!merged.empty()) {
      ByteRange& last = merged.back();
      const uint64_t last_end = last.offset + last.length;
      if (r.offset <= last_end || r.offset - last_end < max_gap) {
        last.length = std::max(last_end, r.offset + r.length) - last.offset;
        continue;
      }
    }
    merged.push_back(r);
  }
  if (max_part == 0) return merged;
  std::vector<ByteRange> out;
  for (const ByteRange& r : merged) {
    for (uint64_t done = 0; done < r.length; done += max_part) {
      out.push_back({r.offset + done, std::min(max_part, r.length - done)});
    }
  }
  return out;
}

std::shared_ptr<RandomAccessFile> OpenS3File(std::shared_ptr<const S3Client> client,
                                             const S3Location& location,
                                             std::optional<uint64_t> known_size) {
  if (location.key.empty() || location.key.back() == '/') {
    ThrowInvalid(location.ToString() + ": not an object key");
  }
  uint64_t size = known_size ? *known_size : client->HeadObject(location.bucket, location.key).size;
  return std::make_shared<S3File>(std::move(client), location, size);
}

}  // namespace frocket
