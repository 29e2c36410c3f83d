// Page compression codecs. One function decompresses a page into a buffer of the size its
// header announces; one compresses (for the writer).
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"
#include "parquet/format.h"

namespace frocket::parquet {

// Decompresses src into exactly dst_size bytes at dst. Throws Error(kCorruptFile) when the data
// is damaged or does not inflate to exactly dst_size bytes, and Error(kNotSupported) for LZO and
// unknown codec numbers ("unsupported codec LZO"). Never writes past dst + dst_size and never
// allocates more than a small constant beyond dst_size, whatever the input claims.
//   GZIP: accepts several concatenated gzip members (and zlib streams).
//   LZ4 (deprecated id 5): Hadoop framing first (big-endian uncompressed and compressed
//   lengths before each block, possibly several blocks), else a raw LZ4 block.
void Decompress(Codec codec, const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);

// Compresses src into out (replacing its contents). Supports UNCOMPRESSED, SNAPPY, GZIP, ZSTD,
// LZ4_RAW and BROTLI; level 0 means the codec's default. Throws Error(kNotSupported) otherwise.
void Compress(Codec codec, int level, const uint8_t* src, size_t src_size, Buffer* out);

}  // namespace frocket::parquet
