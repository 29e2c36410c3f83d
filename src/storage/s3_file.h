// A RandomAccessFile over one S3 object: ReadAt is a ranged GET, with two ways of asking fewer
// requests:
//   - the tail: the first read inside the object's last 64 KiB fetches those 64 KiB whole and
//     keeps them, so a Parquet footer (8 bytes, then the footer) costs one request, and a
//     small object is fetched once;
//   - Prefetch: the ranges a reader announces are merged when the gap between them is below
//     1 MiB (reading a gap costs less than another round trip), split into parts of at most
//     16 MiB, fetched by up to 4 threads, and kept in memory (up to 256 MiB per file, the
//     oldest fetches dropped first); a ReadAt inside them is served from memory, and ranges
//     already held are not fetched again. Anything else is a direct ranged GET.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/file.h"
#include "storage/s3_client.h"

namespace frocket {

inline constexpr uint64_t kS3TailBytes = 64 * 1024;
inline constexpr uint64_t kS3CoalesceGapBytes = 1024 * 1024;
inline constexpr uint64_t kS3MaxPartBytes = 16 * 1024 * 1024;

// Sorts the ranges, drops empty ones, merges those that overlap or whose gap is below
// `max_gap`, then splits merged ranges longer than `max_part` into consecutive parts.
std::vector<ByteRange> CoalesceRanges(std::vector<ByteRange> ranges, uint64_t max_gap,
                                      uint64_t max_part);

// Opens s3://bucket/key. Without `known_size` (from a listing or the catalog) the size comes
// from a HEAD request, which also fails early when the object is missing. The file's name is
// the s3:// URL.
std::shared_ptr<RandomAccessFile> OpenS3File(std::shared_ptr<const S3Client> client,
                                             const S3Location& location,
                                             std::optional<uint64_t> known_size = std::nullopt);

}  // namespace frocket
