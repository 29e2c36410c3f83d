// Page compression codecs. One function decompresses a page into a buffer of the size its
// header announces; one compresses (for the writer).
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"
#include "parquet/format.h"

namespace frocket::parquet {

// Decompresses src into exactly dst_size bytes at dst. Throws Error(kCorruptFile), with the codec
// name and what went wrong, when the data is damaged or does not inflate to exactly dst_size
// bytes, and Error(kNotSupported) for LZO and unknown codec numbers ("unsupported codec LZO",
// "unsupported codec 42"). Never writes past dst + dst_size, and never allocates from a length
// read out of the input: the libraries' working memory is bounded by a constant (at most the
// 16 MiB Brotli window or a 4 MiB LZ4 frame block), whatever the input claims. Zero input bytes
// are accepted as an empty page (dst_size 0) for every supported codec.
//   GZIP: accepts several concatenated gzip members (and zlib streams).
//   ZSTD: accepts several concatenated frames, and skippable frames.
//   LZ4 (deprecated id 5): Hadoop framing first (big-endian uncompressed and compressed
//   lengths before each block, possibly several blocks), else a raw LZ4 block, else LZ4 frames.
// Safe to call from several threads at once: decompression contexts are kept per thread, so
// the first call on a thread pays their allocation.
void Decompress(Codec codec, const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);

// Compresses src into out (replacing its contents). Supports UNCOMPRESSED, SNAPPY, GZIP (one gzip
// member), ZSTD (one frame), LZ4_RAW (one raw block) and BROTLI; throws Error(kNotSupported)
// otherwise. level 0 means a default suited to pages (GZIP 6, ZSTD 3, BROTLI 8); other levels
// must lie in the library's range (GZIP 1..9, ZSTD -131072..22, BROTLI 1..11) or
// Error(kInvalidArgument) is thrown. SNAPPY and LZ4_RAW have no levels and ignore it.
void Compress(Codec codec, int level, const uint8_t* src, size_t src_size, Buffer* out);

}  // namespace frocket::parquet
