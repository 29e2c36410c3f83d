// Opens a dataset file wherever it lives: a local path or file://PATH opens locally (never
// cached: it is already local); s3://BUCKET/KEY opens an S3 object (s3_file.h), through the
// worker's disk cache when one is given (file_cache.h). S3 settings come from the environment
// (S3Config::FromEnvironment).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "storage/file.h"
#include "storage/file_cache.h"

namespace frocket {

// `known_size` (the size the catalog recorded) spares the HEAD request an S3 object needs
// otherwise, and versions the cached copy. `*cache_hit` (when given) is set to whether the
// cache already held the object (false when no cache is used). Throws Error(kIo) naming the
// location when it cannot be opened, Error(kInvalidArgument) for an unknown scheme.
std::shared_ptr<RandomAccessFile> OpenDataFile(const std::string& location,
                                               FileCache* cache = nullptr,
                                               bool* cache_hit = nullptr,
                                               std::optional<uint64_t> known_size = std::nullopt);

}  // namespace frocket
