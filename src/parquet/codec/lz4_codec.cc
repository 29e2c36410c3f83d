// LZ4_RAW is one raw LZ4 block. The deprecated LZ4 codec was written three ways by different
// writers: Hadoop's block framing (parquet-mr), a bare raw block (older Arrow), and occasionally
// the LZ4 frame format. The framing is not recorded anywhere, so the reader tries them in that
// order and accepts the first that accounts for every input byte and exactly the expected output.
#include <lz4.h>
#include <lz4frame.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

#include "common/error.h"
#include "parquet/codec/codec_internal.h"

namespace frocket::parquet::internal {
namespace {

constexpr size_t kHadoopPrefixSize = 8;       // big-endian uncompressed length, compressed length
constexpr uint32_t kFrameMagic = 0x184D2204;  // little-endian, first bytes of an LZ4 frame

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint32_t LoadLittleEndian32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// LZ4's block API counts bytes in int.
bool FitsInt(size_t n) { return n <= static_cast<size_t>(INT_MAX); }

// True when src is exactly one raw block that inflates to exactly dst_size bytes.
bool TryRawBlock(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  if (!FitsInt(src_size) || !FitsInt(dst_size)) return false;
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(NonNullInput(src)),
                              reinterpret_cast<char*>(NonNullOutput(dst)),
                              static_cast<int>(src_size), static_cast<int>(dst_size));
  return n >= 0 && static_cast<size_t>(n) == dst_size;
}

// Hadoop's BlockCompressorStream framing: blocks of [uncompressed length][compressed length]
// [raw LZ4 block], lengths big-endian uint32. Every length is checked against the bytes that
// remain before use, so a bogus prefix can only make this return false.
bool TryHadoopFraming(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  if (src_size < kHadoopPrefixSize) return false;
  dst = NonNullOutput(dst);
  size_t in = 0;
  size_t out = 0;
  while (src_size - in >= kHadoopPrefixSize) {
    size_t block_out = LoadBigEndian32(src + in);
    size_t block_in = LoadBigEndian32(src + in + 4);
    in += kHadoopPrefixSize;
    if (block_in > src_size - in || block_out > dst_size - out) return false;
    if (!TryRawBlock(src + in, block_in, dst + out, block_out)) return false;
    in += block_in;
    out += block_out;
  }
  return in == src_size && out == dst_size;
}

// One LZ4F context per thread, reset per page. The context allocates a block buffer of at most
// the format's largest block size (4 MiB, from the frame header's block-size code), a fixed cap
// however large the page claims to be.
class ThreadFrameDecoder {
 public:
  ThreadFrameDecoder() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION))) ctx_ = nullptr;
  }
  ~ThreadFrameDecoder() { LZ4F_freeDecompressionContext(ctx_); }
  ThreadFrameDecoder(const ThreadFrameDecoder&) = delete;
  ThreadFrameDecoder& operator=(const ThreadFrameDecoder&) = delete;
  LZ4F_dctx* get() { return ctx_; }

 private:
  LZ4F_dctx* ctx_ = nullptr;
};

// Decodes one or more LZ4 frames. Returns an empty string on success, else what went wrong.
std::string DecodeFrames(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  thread_local ThreadFrameDecoder decoder;
  LZ4F_dctx* ctx = decoder.get();
  if (ctx == nullptr) throw std::bad_alloc();
  LZ4F_resetDecompressionContext(ctx);
  dst = NonNullOutput(dst);
  LZ4F_decompressOptions_t options;
  std::memset(&options, 0, sizeof(options));
  options.stableDst = 1;  // dst is one flat buffer: LZ4F may keep referring to earlier output
  size_t in = 0;
  size_t out = 0;
  size_t hint = 1;
  while (in < src_size || hint != 0) {
    size_t in_n = src_size - in;
    size_t out_n = dst_size - out;
    hint = LZ4F_decompress(ctx, dst + out, &out_n, src + in, &in_n, &options);
    if (LZ4F_isError(hint)) return LZ4F_getErrorName(hint);
    in += in_n;
    out += out_n;
    // A finished frame (hint 0) followed by more input starts the next frame. A call that
    // neither consumes nor produces anything means the input or the output ran out.
    if (in_n == 0 && out_n == 0 && (hint != 0 || in < src_size)) {
      if (out == dst_size) {
        return "frame inflates to more than the expected " + std::to_string(dst_size) + " bytes";
      }
      return "input ends inside a frame after " + std::to_string(out) + " of the expected " +
             std::to_string(dst_size) + " bytes";
    }
  }
  if (out != dst_size) {
    return "frame inflates to " + std::to_string(out) + " bytes, expected " +
           std::to_string(dst_size);
  }
  return {};
}

}  // namespace

void Lz4RawDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  if (!FitsInt(src_size) || !FitsInt(dst_size)) {
    ThrowNotSupported("LZ4_RAW: blocks over 2 GiB are not supported, got " +
                      std::to_string(std::max(src_size, dst_size)) + " bytes");
  }
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(NonNullInput(src)),
                              reinterpret_cast<char*>(NonNullOutput(dst)),
                              static_cast<int>(src_size), static_cast<int>(dst_size));
  if (n < 0) {
    // The safe decoder does not say why; a block that needs more room than dst_size and one that
    // is malformed look the same.
    ThrowCorrupt("LZ4_RAW: malformed block or more than the expected " + std::to_string(dst_size) +
                 " bytes of output, at input offset " +
                 std::to_string(-static_cast<int64_t>(n) - 1));
  }
  if (static_cast<size_t>(n) != dst_size) {
    ThrowSizeMismatch("LZ4_RAW", static_cast<size_t>(n), dst_size);
  }
}

void Lz4HadoopDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  if (TryHadoopFraming(src, src_size, dst, dst_size)) return;
  if (TryRawBlock(src, src_size, dst, dst_size)) return;
  if (src_size >= 4 && LoadLittleEndian32(src) == kFrameMagic) {
    std::string problem = DecodeFrames(src, src_size, dst, dst_size);
    if (problem.empty()) return;
    ThrowCorrupt("LZ4: invalid LZ4 frame: " + problem);
  }
  ThrowCorrupt(
      "LZ4: data is neither Hadoop-framed LZ4, a raw LZ4 block nor an LZ4 frame that "
      "inflates to the expected " +
      std::to_string(dst_size) + " bytes; input size " + std::to_string(src_size));
}

void Lz4RawCompress(const uint8_t* src, size_t src_size, Buffer* out) {
  if (src_size > LZ4_MAX_INPUT_SIZE) {
    ThrowInvalid("LZ4_RAW: cannot compress more than " + std::to_string(LZ4_MAX_INPUT_SIZE) +
                 " bytes at once, got " + std::to_string(src_size));
  }
  int bound = LZ4_compressBound(static_cast<int>(src_size));
  out->Resize(static_cast<size_t>(bound));
  int written =
      LZ4_compress_default(reinterpret_cast<const char*>(NonNullInput(src)),
                           reinterpret_cast<char*>(out->data()), static_cast<int>(src_size), bound);
  if (written <= 0) {
    throw Error(ErrorKind::kInternal,
                "LZ4_RAW: compression failed on " + std::to_string(src_size) + " bytes");
  }
  out->Resize(static_cast<size_t>(written));
}

}  // namespace frocket::parquet::internal
