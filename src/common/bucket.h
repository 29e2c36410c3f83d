// Which file of a bucketed dataset holds a group (user): bucket = xxh64(id) % num_files, with
// seed 0, over the id's 8 little-endian bytes for integer ids and over its UTF-8 bytes for
// string ids. `frocket datagen` and `frocket prepare` both bucket with it, and docs/prepare.md
// documents it so that other tools can produce compatible datasets.
#pragma once

#include <cstdint>
#include <string_view>

namespace frocket {

uint64_t GroupIdHash(int64_t id);
uint64_t GroupIdHash(std::string_view id);

inline uint32_t BucketOf(int64_t id, uint32_t num_files) {
  return static_cast<uint32_t>(GroupIdHash(id) % num_files);
}
inline uint32_t BucketOf(std::string_view id, uint32_t num_files) {
  return static_cast<uint32_t>(GroupIdHash(id) % num_files);
}

}  // namespace frocket
