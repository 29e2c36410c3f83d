#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "storage/file.h"

namespace frocket {
namespace {

void CheckRange(const std::string& name, uint64_t size, uint64_t offset, uint64_t length) {
  if (offset > size || length > size - offset) {
    ThrowCorrupt(name + ": read of " + std::to_string(length) + " bytes at offset " +
                 std::to_string(offset) + " is past the end of the file (" + std::to_string(size) +
                 " bytes)");
  }
}

class LocalFile final : public RandomAccessFile {
 public:
  LocalFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalFile() override { ::close(fd_); }

  const std::string& name() const override { return path_; }
  uint64_t Size() const override { return size_; }

  void ReadAt(uint64_t offset, uint64_t length, Buffer* out) const override {
    CheckRange(path_, size_, offset, length);
    out->Resize(length);
    uint64_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out->data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        ThrowIo(path_ + ": read failed: " + std::strerror(errno));
      }
      if (n == 0) ThrowIo(path_ + ": file shrank while reading");
      done += static_cast<uint64_t>(n);
    }
  }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class MemoryFile final : public RandomAccessFile {
 public:
  MemoryFile(std::string name, std::string bytes) : name_(std::move(name)), bytes_(std::move(bytes)) {}
  const std::string& name() const override { return name_; }
  uint64_t Size() const override { return bytes_.size(); }
  void ReadAt(uint64_t offset, uint64_t length, Buffer* out) const override {
    CheckRange(name_, bytes_.size(), offset, length);
    out->Resize(length);
    if (length != 0) std::memcpy(out->data(), bytes_.data() + offset, length);
  }

 private:
  std::string name_;
  std::string bytes_;
};

}  // namespace

std::unique_ptr<RandomAccessFile> OpenLocalFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowIo(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    ThrowIo(path + ": cannot stat: " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    ThrowIo(path + ": not a regular file");
  }
  return std::make_unique<LocalFile>(path, fd, static_cast<uint64_t>(st.st_size));
}

std::unique_ptr<RandomAccessFile> MakeMemoryFile(std::string name, std::string bytes) {
  return std::make_unique<MemoryFile>(std::move(name), std::move(bytes));
}

}  // namespace frocket
