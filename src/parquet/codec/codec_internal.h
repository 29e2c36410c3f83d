// Internal to the codec folder: one pair of functions per compression library, each defined in
// its own file (snappy_codec.cc, gzip_codec.cc, ...), and the few helpers they share. Callers
// outside src/parquet/codec use codec.h, whose Decompress() and Compress() dispatch here.
//
// Every *Decompress function has the contract of parquet::Decompress for its codec: it fills
// exactly dst_size bytes at dst or throws Error(kCorruptFile), never writes past dst + dst_size
// and never allocates from a length read out of the input. Every *Compress function replaces the
// contents of out; level is already resolved (never 0) where the codec has levels.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"

namespace frocket::parquet::internal {

void SnappyDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);
void SnappyCompress(const uint8_t* src, size_t src_size, Buffer* out);

// Accepts zlib streams and gzip members, several of them one after another.
void GzipDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);
// Writes one gzip member (RFC 1952 header and trailer). level is 1..9.
void GzipCompress(int level, const uint8_t* src, size_t src_size, Buffer* out);

// Accepts several concatenated frames, and skippable frames.
void ZstdDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);
void ZstdCompress(int level, const uint8_t* src, size_t src_size, Buffer* out);

// LZ4_RAW: one raw LZ4 block, no framing.
void Lz4RawDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);
void Lz4RawCompress(const uint8_t* src, size_t src_size, Buffer* out);
// The deprecated LZ4 codec: Hadoop framing, else a raw block, else the LZ4 frame format.
void Lz4HadoopDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);

void BrotliDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);
// quality is 1..11.
void BrotliCompress(int quality, const uint8_t* src, size_t src_size, Buffer* out);

// Throws Error(kCorruptFile): "<codec>: decompressed <actual> bytes, expected <expected>".
[[noreturn]] void ThrowSizeMismatch(const char* codec, size_t actual, size_t expected);

// Several compression libraries reject a null buffer even when its size is zero, and an empty
// std::vector or Buffer hands out a null data pointer. These substitute a valid address; with a
// size of zero nothing is ever read from or written to it.
inline const uint8_t* NonNullInput(const uint8_t* p) {
  static constexpr uint8_t kNothing = 0;
  return p != nullptr ? p : &kNothing;
}
inline uint8_t* NonNullOutput(uint8_t* p) {
  thread_local uint8_t nowhere = 0;
  return p != nullptr ? p : &nowhere;
}

}  // namespace frocket::parquet::internal
