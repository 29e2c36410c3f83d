#include "prepare/input_buffer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.h"

namespace frocket::prepare {
namespace {

class FileInputStream final : public InputStream {
 public:
  FileInputStream(std::FILE* file, std::string path, uint64_t size)
      : file_(file), path_(std::move(path)), size_(size) {}
  ~FileInputStream() override { std::fclose(file_); }

  size_t Read(char* out, size_t n) override {
    size_t got = std::fread(out, 1, n, file_);
    if (got < n && std::ferror(file_)) {
      ThrowIo("cannot read " + path_ + ": " + std::strerror(errno));
    }
    return got;
  }
  uint64_t size() const override { return size_; }

 private:
  std::FILE* file_;
  std::string path_;
  uint64_t size_;
};

class StringInputStream final : public InputStream {
 public:
  explicit StringInputStream(std::string bytes) : bytes_(std::move(bytes)) {}
  size_t Read(char* out, size_t n) override {
    size_t got = std::min(n, bytes_.size() - pos_);
    std::memcpy(out, bytes_.data() + pos_, got);
    pos_ += got;
    return got;
  }
  uint64_t size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<InputStream> OpenInputFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) ThrowIo("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  uint64_t size = ::fstat(::fileno(file), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  return std::make_unique<FileInputStream>(file, path, size);
}

std::unique_ptr<InputStream> MakeStringInput(std::string bytes) {
  return std::make_unique<StringInputStream>(std::move(bytes));
}

InputBuffer::InputBuffer(std::unique_ptr<InputStream> in, std::string name, size_t chunk_bytes,
                         size_t max_window_bytes)
    : in_(std::move(in)),
      name_(std::move(name)),
      chunk_bytes_(std::max<size_t>(chunk_bytes, 1)),
      max_window_bytes_(max_window_bytes) {}

bool InputBuffer::Fill() {
  if (at_end_) return false;
  size_t window = size();
  if (window >= max_window_bytes_) {
    ThrowInvalid(name_ + ": a record starting at byte " + std::to_string(consumed_) +
                 " is longer than the limit of " + std::to_string(max_window_bytes_) +
                 " bytes (an unterminated quote?)");
  }
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, window);
    begin_ = 0;
    end_ = window;
  }
  size_t want = std::min(std::max(chunk_bytes_, window), max_window_bytes_ - window);
  if (buffer_.size() < window + want) buffer_.resize(window + want);
  size_t got = 0;
  while (got < want) {
    size_t n = in_->Read(buffer_.data() + end_ + got, want - got);
    if (n == 0) {
      at_end_ = true;
      break;
    }
    got += n;
  }
  end_ += got;
  return got > 0;
}

}  // namespace frocket::prepare
