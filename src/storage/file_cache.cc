#include "storage/file_cache.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "storage/s3_client.h"
#include "storage/sigv4.h"

namespace frocket {
namespace {

constexpr const char* kDataSuffix = ".data";
constexpr const char* kTempMarker = ".tmp-";

// A cached copy that answers to the remote location's name, so errors and logs name the
// object rather than the cache file.
class CachedFile final : public RandomAccessFile {
 public:
  CachedFile(std::string name, std::unique_ptr<RandomAccessFile> local)
      : name_(std::move(name)), local_(std::move(local)) {}
  const std::string& name() const override { return name_; }
  uint64_t Size() const override { return local_->Size(); }
  void ReadAt(uint64_t offset, uint64_t length, Buffer* out) const override {
    local_->ReadAt(offset, length, out);
  }

 private:
  std::string name_;
  std::unique_ptr<RandomAccessFile> local_;
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Removes the files this cache names (.data files and temporaries) from `dir`.
void RemoveCacheFiles(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (EndsWith(name, kDataSuffix) || name.find(kTempMarker) != std::string::npos) {
      ::unlink((dir + "/" + name).c_str());
    }
  }
  ::closedir(d);
}

void DownloadFromS3(const std::string& location, const std::string& path) {
  if (!IsS3Url(location)) {
    ThrowInvalid("the file cache only holds s3:// objects; got '" + location + "'");
  }
  S3Location where = ParseS3Url(location);
  S3Client(S3Config::FromEnvironment()).Download(where.bucket, where.key, path);
}

}  // namespace

FileCache::FileCache(std::string dir, uint64_t max_bytes, Downloader downloader)
    : dir_(std::move(dir)), max_bytes_(max_bytes), downloader_(std::move(downloader)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  if (dir_.empty()) ThrowInvalid("the file cache directory must not be empty");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) ThrowIo("cannot create the file cache directory " + dir_ + ": " + ec.message());
  if (!downloader_) downloader_ = DownloadFromS3;
  RemoveCacheFiles(dir_);
}

FileCache::~FileCache() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [location, entry] : entries_) ::unlink(entry.path.c_str());
}

void FileCache::RemoveLocked(std::map<std::string, Entry>::iterator it) {
  ::unlink(it->second.path.c_str());
  total_bytes_ -= it->second.size;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

void FileCache::EvictLocked(const std::string& keep) {
  auto victim = lru_.end();
  while (total_bytes_ > max_bytes_ && victim != lru_.begin()) {
    --victim;
    if (*victim == keep) continue;
    auto it = entries_.find(*victim);
    auto before = victim;
    ++before;  // RemoveLocked erases `victim` from the list; continue from its successor
    RemoveLocked(it);
    victim = before;
  }
}

std::shared_ptr<RandomAccessFile> FileCache::Open(const std::string& location, bool* hit,
                                                  const std::string& version) {
  std::unique_lock<std::mutex> lock(mutex_);
  bool waited = false;
  for (;;) {
    auto it = entries_.find(location);
    if (it != entries_.end() && it->second.version == version) {
      try {
        // Opened under the lock, so eviction cannot unlink the file in between.
        std::unique_ptr<RandomAccessFile> local = OpenLocalFile(it->second.path);
        lru_.splice(lru_.begin(), lru_, it->second.lru);
        if (hit != nullptr) *hit = !waited;
        return std::make_shared<CachedFile>(location, std::move(local));
      } catch (const Error&) {
        // Someone removed the cached file: forget it and download again.
        RemoveLocked(it);
        continue;
      }
    }
    if (downloading_.count(location) != 0) {
      waited = true;
      downloaded_.wait(lock);
      continue;
    }
    if (it != entries_.end()) RemoveLocked(it);  // another version
    break;
  }
  if (hit != nullptr) *hit = false;
  downloading_.insert(location);
  const std::string final_path = dir_ + "/" + Sha256Hex(location) + kDataSuffix;
  const std::string temp_path =
      dir_ + "/" + Sha256Hex(location) + kTempMarker + std::to_string(++temp_counter_);
  lock.unlock();
  uint64_t size = 0;
  try {
    downloader_(location, temp_path);
    struct stat st;
    if (::stat(temp_path.c_str(), &st) != 0) {
      ThrowIo(location + ": the downloaded copy " + temp_path +
              " is missing: " + std::strerror(errno));
    }
    size = static_cast<uint64_t>(st.st_size);
    if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
      ThrowIo(location + ": cannot move the downloaded copy into the cache (" + final_path +
              "): " + std::strerror(errno));
    }
  } catch (...) {
    ::unlink(temp_path.c_str());
    lock.lock();
    downloading_.erase(location);
    downloaded_.notify_all();
    throw;
  }
  lock.lock();
  downloading_.erase(location);
  downloaded_.notify_all();
  lru_.push_front(location);
  Entry entry;
  entry.version = version;
  entry.path = final_path;
  entry.size = size;
  entry.lru = lru_.begin();
  entries_[location] = entry;
  total_bytes_ += size;
  std::unique_ptr<RandomAccessFile> local = OpenLocalFile(final_path);
  EvictLocked(location);
  return std::make_shared<CachedFile>(location, std::move(local));
}

bool FileCache::Contains(const std::string& location) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.count(location) != 0;
}

uint64_t FileCache::total_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return total_bytes_;
}

size_t FileCache::entry_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

std::unique_ptr<FileCache> MakeWorkerFileCache() {
  uint64_t megabytes = 1024;
  if (const char* text = std::getenv("FROCKET_WORKER_CACHE_MB"); text != nullptr && *text) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || text[0] == '-' || v > (uint64_t{1} << 40)) {
      ThrowInvalid(std::string("FROCKET_WORKER_CACHE_MB must be a number of megabytes; got '") +
                   text + "'");
    }
    megabytes = v;
  }
  if (megabytes == 0) return nullptr;
  std::string dir;
  if (const char* d = std::getenv("FROCKET_WORKER_CACHE_DIR"); d != nullptr && *d) {
    dir = d;
  } else {
    const char* tmp = std::getenv("TMPDIR");
    dir = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/frocket-worker-cache-" +
          std::to_string(::getpid());
  }
  return std::make_unique<FileCache>(dir, megabytes * 1024 * 1024);
}

}  // namespace frocket
