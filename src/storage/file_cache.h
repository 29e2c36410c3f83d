// A worker-side disk cache of remote objects, for locality: a worker that is asked for the
// same file again reads it from local disk instead of S3. Whole objects are cached (a query
// that reads a few columns today may read others tomorrow), keyed by their location and a
// version string (the object's size, or ETag and size), so a replaced object is fetched
// again rather than served stale.
//
// Bounded: after each download, least recently used files are removed while the total size
// exceeds max_bytes, never the file just opened (which may alone exceed the bound). Files
// still open by readers stay readable after eviction (they are only unlinked).
//
// The directory belongs to one cache: files left there by an earlier process are removed when
// the cache is created (it keeps no index on disk), and the cache's files when it is
// destroyed. Downloads write a temporary file and rename it into place, so a reader never
// sees a partial object; concurrent opens of one object download it once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "storage/file.h"

namespace frocket {

class FileCache {
 public:
  // Writes the whole object at `location` into the local file `path` (creating or
  // truncating it). Throws Error on failure.
  using Downloader = std::function<void(const std::string& location, const std::string& path)>;

  // Creates `dir` when missing. Without a downloader, s3:// locations are downloaded with an
  // S3 client configured from the environment (S3Config::FromEnvironment).
  FileCache(std::string dir, uint64_t max_bytes, Downloader downloader = nullptr);
  ~FileCache();
  FileCache(const FileCache&) = delete;
  FileCache& operator=(const FileCache&) = delete;

  // The object at `location`, downloading it on a miss. `*hit` (when given) tells whether it
  // was already cached with this version; an open that waited for another thread's download
  // of the same object counts as a miss. The returned file's name() is `location`. Download
  // errors propagate (nothing is cached then).
  std::shared_ptr<RandomAccessFile> Open(const std::string& location, bool* hit = nullptr,
                                         const std::string& version = "");

  // Whether some version of `location` is cached.
  bool Contains(const std::string& location) const;
  uint64_t total_bytes() const;
  size_t entry_count() const;
  const std::string& directory() const { return dir_; }
  uint64_t max_bytes() const { return max_bytes_; }

 private:
  struct Entry {
    std::string version;
    std::string path;
    uint64_t size = 0;
    std::list<std::string>::iterator lru;  // position in lru_ (front: most recent)
  };

  void RemoveLocked(std::map<std::string, Entry>::iterator it);
  void EvictLocked(const std::string& keep);

  std::string dir_;
  uint64_t max_bytes_;
  Downloader downloader_;
  mutable std::mutex mutex_;
  std::condition_variable downloaded_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> lru_;
  std::set<std::string> downloading_;  // locations being downloaded
  uint64_t total_bytes_ = 0;
  uint64_t temp_counter_ = 0;
};

// The worker's cache, configured by FROCKET_WORKER_CACHE_DIR (default
// $TMPDIR/frocket-worker-cache-PID, else under /tmp) and FROCKET_WORKER_CACHE_MB (default
// 1024; 0 disables the cache: nullptr). Throws Error(kInvalidArgument) on a malformed value.
std::unique_ptr<FileCache> MakeWorkerFileCache();

}  // namespace frocket
