#include "parquet/codec/codec.h"

#include <cstring>
#include <string_view>
#include <string>

#include "common/error.h"
#include "parquet/codec/codec_internal.h"

namespace frocket::parquet {
namespace {

using DecompressFn = void (*)(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size);

void CopyUncompressed(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  if (src_size != dst_size) {
    ThrowCorrupt("UNCOMPRESSED: page holds " + std::to_string(src_size) + " bytes, expected " +
                 std::to_string(dst_size));
  }
  if (dst_size != 0) std::memcpy(dst, src, dst_size);
}

// The codec's name as the Parquet specification spells it, or nullptr for numbers outside
// the enum (the caller then prints the number).
const char* SpecName(Codec codec) {
  const char* name = CodecName(codec);
  return std::string_view(name) == "UNKNOWN" ? nullptr : name;
}

[[noreturn]] void ThrowUnsupported(Codec codec) {
  const char* name = SpecName(codec);
  ThrowNotSupported(std::string("unsupported codec ") +
                    (name != nullptr ? name : std::to_string(static_cast<int32_t>(codec))));
}

DecompressFn DecompressorFor(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return CopyUncompressed;
    case Codec::kSnappy:
      return internal::SnappyDecompress;
    case Codec::kGzip:
      return internal::GzipDecompress;
    case Codec::kBrotli:
      return internal::BrotliDecompress;
    case Codec::kLz4:
      return internal::Lz4HadoopDecompress;
    case Codec::kZstd:
      return internal::ZstdDecompress;
    case Codec::kLz4Raw:
      return internal::Lz4RawDecompress;
    case Codec::kLzo:
      break;
  }
  ThrowUnsupported(codec);
}

// Maps the caller's level to the library's, 0 meaning a default chosen for page-sized inputs
// written once and read many times.
int ResolveLevel(const char* codec, int level, int default_level, int min_level, int max_level) {
  if (level == 0) return default_level;
  if (level < min_level || level > max_level) {
    ThrowInvalid(std::string(codec) + ": compression level must be between " +
                 std::to_string(min_level) + " and " + std::to_string(max_level) + ", got " +
                 std::to_string(level));
  }
  return level;
}

}  // namespace

void Decompress(Codec codec, const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  DecompressFn decompress = DecompressorFor(codec);
  // An empty page may be stored as zero bytes whatever the codec (a compressor would emit a few
  // bytes of header). Accepting that also spares the libraries null pointers.
  if (src_size == 0 && dst_size == 0) return;
  decompress(src, src_size, dst, dst_size);
}

void Compress(Codec codec, int level, const uint8_t* src, size_t src_size, Buffer* out) {
  switch (codec) {
    case Codec::kUncompressed:
      out->Clear();
      out->Append(src, src_size);
      return;
    case Codec::kSnappy:
      internal::SnappyCompress(src, src_size, out);
      return;
    case Codec::kGzip:
      // zlib's own default level; 9 costs several times the time for a few percent.
      internal::GzipCompress(ResolveLevel("GZIP", level, 6, 1, 9), src, src_size, out);
      return;
    case Codec::kZstd:
      // zstd allows negative ("fast") levels down to -131072; 3 is its default.
      internal::ZstdCompress(ResolveLevel("ZSTD", level, 3, -(1 << 17), 22), src, src_size, out);
      return;
    case Codec::kLz4Raw:
      internal::Lz4RawCompress(src, src_size, out);
      return;
    case Codec::kBrotli:
      // Brotli's own default (11) compresses at about 1 MB/s, too slow for a writer; 8 keeps
      // most of the ratio at many times the speed.
      internal::BrotliCompress(ResolveLevel("BROTLI", level, 8, 1, 11), src, src_size, out);
      return;
    case Codec::kLz4:
    case Codec::kLzo:
      break;
  }
  if (SpecName(codec) != nullptr) {
    ThrowNotSupported(std::string("compression is not supported for codec ") + SpecName(codec));
  }
  ThrowUnsupported(codec);
}

namespace internal {

void ThrowSizeMismatch(const char* codec, size_t actual, size_t expected) {
  ThrowCorrupt(std::string(codec) + ": decompressed " + std::to_string(actual) +
               " bytes, expected " + std::to_string(expected));
}

}  // namespace internal
}  // namespace frocket::parquet
