// The local catalog directory (see metadata_store.h for the layout and the guarantees).
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "catalog/metadata_store.h"
#include "common/error.h"

namespace frocket {
namespace {

constexpr const char* kRecordSuffix = ".json";
constexpr const char* kTempMarker = ".tmp.";

[[noreturn]] void ThrowErrno(const std::string& what, const std::string& path) {
  ThrowIo(what + " failed: " + std::strerror(errno) + ": " + path);
}

// A file descriptor closed on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error (close may report a failed delayed write).
  void Close(const std::string& path) {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) ThrowErrno("close", path);
  }

 private:
  int fd_;
};

void WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("write", path);
    }
    done += static_cast<size_t>(n);
  }
}

// Reads a whole record file. Returns false when it does not exist.
bool ReadRecordFile(const std::string& path, std::string* out) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return false;
    ThrowErrno("open", path);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) ThrowErrno("stat", path);
  // A record describes files, not data: even a dataset of a million files stays far below this.
  constexpr off_t kMaxRecordBytes = off_t{1} << 30;
  if (st.st_size > kMaxRecordBytes) {
    ThrowCorrupt("catalog record is larger than 1 GiB (" + std::to_string(st.st_size) +
                 " bytes): " + path);
  }
  out->clear();
  out->reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("read", path);
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
    if (out->size() > static_cast<size_t>(kMaxRecordBytes)) {
      ThrowCorrupt("catalog record grew past 1 GiB while being read: " + path);
    }
  }
  return true;
}

void FsyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) ThrowErrno("open directory", dir);
  if (::fsync(fd.get()) != 0) ThrowErrno("fsync", dir);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class LocalMetadataStore final : public MetadataStore {
 public:
  explicit LocalMetadataStore(std::string dir)
      : dir_(std::move(dir)),
        records_dir_(dir_ + "/datasets"),
        lock_path_(dir_ + "/catalog.lock") {}

  void Put(const DatasetInfo& info) override {
    CheckDatasetName(info.name);
    std::string text =
        DatasetInfoToJson(info).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    text += "\n";
    CreateDirectories();
    Fd lock = Lock();
    RemoveStaleTemporaries();
    std::string path = RecordPath(info.name);
    std::string temp = records_dir_ + "/." + info.name + kRecordSuffix + kTempMarker +
                       std::to_string(::getpid()) + "." + std::to_string(counter_++);
    {
      Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (fd.get() < 0) ThrowErrno("create", temp);
      try {
        WriteAll(fd.get(), text, temp);
        if (::fsync(fd.get()) != 0) ThrowErrno("fsync", temp);
        fd.Close(temp);
      } catch (...) {
        ::unlink(temp.c_str());
        throw;
      }
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      int saved = errno;
      ::unlink(temp.c_str());
      errno = saved;
      ThrowErrno("rename to " + path, temp);
    }
    FsyncDirectory(records_dir_);
  }

  std::optional<DatasetInfo> Get(const std::string& name) const override {
    CheckDatasetName(name);
    std::string path = RecordPath(name);
    std::string text;
    if (!ReadRecordFile(path, &text)) return std::nullopt;
    DatasetInfo info = DatasetInfoFromText(text, "'" + path + "'");
    if (info.name != name) {
      ThrowCorrupt("catalog record '" + path + "' holds dataset '" + info.name + "' instead of '" +
                   name + "'");
    }
    return info;
  }

  std::vector<DatasetInfo> List() const override {
    std::vector<std::string> names;
    {
      DIR* d = ::opendir(records_dir_.c_str());
      if (d == nullptr) {
        if (errno == ENOENT) return {};
        ThrowErrno("open directory", records_dir_);
      }
      while (dirent* e = ::readdir(d)) {
        std::string file = e->d_name;
        // Dot files are temporaries of writers (or editor leftovers), never records.
        if (file.empty() || file[0] == '.' || !EndsWith(file, kRecordSuffix)) continue;
        names.push_back(file.substr(0, file.size() - std::strlen(kRecordSuffix)));
      }
      ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    std::vector<DatasetInfo> out;
    for (const std::string& name : names) {
      // A file whose name is no valid dataset name was not written by a store: skip it rather
      // than make the whole catalog unreadable.
      try {
        CheckDatasetName(name);
      } catch (const Error&) {
        continue;
      }
      // A record deleted between readdir and now is simply gone.
      if (std::optional<DatasetInfo> info = Get(name)) out.push_back(std::move(*info));
    }
    return out;
  }

  bool Delete(const std::string& name) override {
    CheckDatasetName(name);
    std::string path = RecordPath(name);
    struct stat st;
    if (::stat(dir_.c_str(), &st) != 0 && errno == ENOENT) return false;
    Fd lock = Lock();
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) return false;
      ThrowErrno("unlink", path);
    }
    FsyncDirectory(records_dir_);
    return true;
  }

 private:
  std::string RecordPath(const std::string& name) const {
    return records_dir_ + "/" + name + kRecordSuffix;
  }

  void CreateDirectories() const {
    std::error_code ec;
    std::filesystem::create_directories(records_dir_, ec);
    if (ec) ThrowIo("cannot create the catalog directory: " + ec.message() + ": " + records_dir_);
  }

  // Takes the writers' lock; released when the returned descriptor closes.
  Fd Lock() const {
    CreateDirectories();
    Fd fd(::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd.get() < 0) ThrowErrno("open", lock_path_);
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) ThrowErrno("flock", lock_path_);
    }
    return fd;
  }

  // Writers create temporaries only while holding the lock, so any temporary found by the
  // holder was left by a writer that died; removing it keeps the directory from filling up.
  void RemoveStaleTemporaries() const {
    DIR* d = ::opendir(records_dir_.c_str());
    if (d == nullptr) return;
    std::vector<std::string> stale;
    while (dirent* e = ::readdir(d)) {
      std::string file = e->d_name;
      if (!file.empty() && file[0] == '.' && file.find(kTempMarker) != std::string::npos) {
        stale.push_back(records_dir_ + "/" + file);
      }
    }
    ::closedir(d);
    for (const std::string& path : stale) ::unlink(path.c_str());
  }

  std::string dir_;
  std::string records_dir_;
  std::string lock_path_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace

std::unique_ptr<MetadataStore> OpenLocalMetadataStore(const std::string& dir) {
  if (dir.empty()) ThrowInvalid("the catalog directory must not be empty");
  return std::make_unique<LocalMetadataStore>(dir);
}

std::string ResolveCatalogDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("FROCKET_CATALOG_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.frocket";
  }
  ThrowInvalid("no catalog directory: pass --catalog DIR, or set FROCKET_CATALOG_DIR or HOME");
}

}  // namespace frocket
