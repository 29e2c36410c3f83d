#include "common/bucket.h"

#include <xxhash.h>

#include <cstring>

namespace frocket {

uint64_t GroupIdHash(int64_t id) {
  // Explicit little-endian bytes, so the bucket does not depend on the host's byte order.
  uint8_t bytes[8];
  uint64_t u = static_cast<uint64_t>(id);
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(u >> (8 * i));
  return XXH64(bytes, sizeof(bytes), 0);
}

uint64_t GroupIdHash(std::string_view id) { return XXH64(id.data(), id.size(), 0); }

}  // namespace frocket
