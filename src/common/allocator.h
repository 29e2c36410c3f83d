// Process-wide allocator settings, applied once at start-up by the executables.
#pragma once

namespace frocket {

// Keeps freed memory of the size of column chunks in the heap instead of returning it to the
// kernel at once. Scans allocate and free buffers of a few MiB per column chunk; with glibc's
// defaults each of them is a fresh mmap, and every 4 KiB page of it faults on first touch.
void TuneAllocator();

}  // namespace frocket
