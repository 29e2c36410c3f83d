// The storage interface every reader goes through: a file is a size and ranged reads. Local
// files, in-memory files and (later) S3 objects implement it, so a remote backend fetches only
// the footer and the column chunks a query needs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/buffer.h"

namespace frocket {

// A span of bytes in a file.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;

  // A name for error messages: a path or URL.
  virtual const std::string& name() const = 0;
  virtual uint64_t Size() const = 0;

  // Reads exactly `length` bytes at `offset` into `out` (resized to `length`). Throws
  // Error(kIo) on failure and Error(kCorruptFile) when the range lies past the end.
  // Thread-safe: many readers may read one file at once.
  virtual void ReadAt(uint64_t offset, uint64_t length, Buffer* out) const = 0;

  // A hint that these ranges will be read soon. A remote file fetches them now (merging near
  // ranges into fewer requests) and serves later ReadAt calls inside them from memory; a local
  // file ignores it. May throw what ReadAt throws. Thread-safe.
  virtual void Prefetch(const std::vector<ByteRange>& ranges) const {}
};

// Opens a local file for reading. Throws Error(kIo) naming the path when it cannot.
std::unique_ptr<RandomAccessFile> OpenLocalFile(const std::string& path);

// A file held in memory (tests, fuzzing, small remote objects). Copies `bytes`.
std::unique_ptr<RandomAccessFile> MakeMemoryFile(std::string name, std::string bytes);

}  // namespace frocket
