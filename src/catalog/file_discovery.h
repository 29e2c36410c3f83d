// File discovery: which files make up a dataset. A FileLister lists the files under a base path
// with their sizes and opens one for reading; the local lister reads a directory, and an S3
// lister (paginated ListObjectsV2) implements the same interface. DiscoverFiles applies the
// dataset's name pattern and the rules every dataset follows, whatever the storage.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/file.h"

namespace frocket {

struct ListedFile {
  std::string name;  // relative to the base path
  uint64_t size = 0;
};

class FileLister {
 public:
  virtual ~FileLister() = default;

  // Every file directly under `base_path` (no recursion), in any order. Throws Error(kIo) when
  // the base path cannot be listed, naming it.
  virtual std::vector<ListedFile> List(const std::string& base_path) const = 0;
  // Opens one listed file. Throws Error(kIo) naming it when it cannot.
  virtual std::shared_ptr<RandomAccessFile> Open(const std::string& base_path,
                                                 const std::string& name) const = 0;
};

// Lists a local directory: regular files (and symbolic links to them) directly inside it;
// subdirectories are skipped. A base path that is missing or not a directory throws
// Error(kInvalidArgument) naming it.
std::unique_ptr<FileLister> MakeLocalFileLister();

// The lister for a base path: a plain path or file://PATH is local; s3://BUCKET[/PREFIX] lists
// the objects directly under the prefix with paginated ListObjectsV2 (S3 settings from the
// environment, see storage/s3_client.h); any other scheme is Error(kInvalidArgument).
// `*local_path` receives the path the lister expects (file:// removed; for S3 the URL without
// trailing slashes).
std::unique_ptr<FileLister> FileListerFor(const std::string& base_path, std::string* local_path);

// Shell-style matching of a whole file name: '*' any run of characters, '?' one character,
// '[...]' a set (with ranges and a leading '!' or '^' to negate), '\' escapes. Matching is byte
// by byte and '*' also matches '.' and '/', as Funnel Rocket's fnmatch did.
bool MatchesPattern(const std::string& pattern, const std::string& name);

// Lists `base_path`, keeps the files whose name matches `pattern`, and returns them sorted by
// name (byte order). Throws Error(kInvalidArgument) when no file matches ("no files matching
// '*.parquet' in /data/x") and when two files share a file name (the part after the last '/'),
// because files are identified by name in the catalog, in task plans and in caches.
std::vector<ListedFile> DiscoverFiles(const FileLister& lister, const std::string& base_path,
                                      const std::string& pattern);

}  // namespace frocket
