// Sequential byte input for the text readers of `frocket prepare` (CSV, JSON lines): a stream
// (a local file, or a string in tests) and a window over it that grows until a whole record
// fits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace frocket::prepare {

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to `n` bytes into `out`; returns how many, 0 only at the end. Throws Error(kIo).
  virtual size_t Read(char* out, size_t n) = 0;
  // The total size in bytes when known (for progress), else 0.
  virtual uint64_t size() const = 0;
};

// Opens a local file. Throws Error(kIo) naming the path when it cannot.
std::unique_ptr<InputStream> OpenInputFile(const std::string& path);
// A stream over a copy of `bytes`.
std::unique_ptr<InputStream> MakeStringInput(std::string bytes);

// The unconsumed bytes of a stream, [data(), data() + size()). A reader scans the window for
// a whole record; when the record runs past the window's end it calls Fill() and scans again
// from the record's start. Fill() reads at least as many bytes as the window already holds,
// so a long record is rescanned a logarithmic number of times, not once per chunk.
class InputBuffer {
 public:
  // `chunk_bytes`: the usual read size. `max_window_bytes`: the longest record accepted.
  InputBuffer(std::unique_ptr<InputStream> in, std::string name, size_t chunk_bytes,
              size_t max_window_bytes);

  const char* data() const { return buffer_.data() + begin_; }
  size_t size() const { return end_ - begin_; }
  // True once the stream has ended: the window holds everything that is left.
  bool at_end() const { return at_end_; }

  // Reads more bytes into the window. Returns false, adding nothing, at the end of the
  // stream. Throws Error(kInvalidArgument) when the window would exceed max_window_bytes
  // (a record that long is taken for a broken file, e.g. an unterminated quote).
  bool Fill();
  void Consume(size_t n) {
    begin_ += n;
    consumed_ += n;
  }

  uint64_t consumed() const { return consumed_; }
  uint64_t stream_size() const { return in_->size(); }

 private:
  std::unique_ptr<InputStream> in_;
  std::string name_;
  size_t chunk_bytes_;
  size_t max_window_bytes_;
  std::vector<char> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool at_end_ = false;
  uint64_t consumed_ = 0;
};

}  // namespace frocket::prepare
