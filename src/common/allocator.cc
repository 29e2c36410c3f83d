#include "common/allocator.h"

#include <malloc.h>

namespace frocket {

void TuneAllocator() {
  // 32 MiB is glibc's largest allowed mmap threshold on 64-bit; the trim threshold keeps up to
  // 256 MiB of freed memory for reuse before giving it back.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
}

}  // namespace frocket
