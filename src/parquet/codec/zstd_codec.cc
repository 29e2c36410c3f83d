// ZSTD: Zstandard frames (RFC 8878). A page may hold several frames back to back, and skippable
// frames; ZSTD_decompressDCtx walks them all into one flat output.
#include <zstd.h>
#include <zstd_errors.h>

#include <new>
#include <string>

#include "common/error.h"
#include "parquet/codec/codec_internal.h"

namespace frocket::parquet::internal {
namespace {

// Contexts hold sizeable workspaces (the decompression one about 100 KiB), so each thread keeps
// one instead of paying an allocation per page.
struct ThreadDCtx {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  ~ThreadDCtx() { ZSTD_freeDCtx(ctx); }
};
struct ThreadCCtx {
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ~ThreadCCtx() { ZSTD_freeCCtx(ctx); }
};

}  // namespace

void ZstdDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  thread_local ThreadDCtx dctx;
  if (dctx.ctx == nullptr) throw std::bad_alloc();
  // Decoding straight into the caller's buffer (one pass, not streaming) needs no window buffer,
  // so a frame header announcing a huge window cannot drive an allocation.
  size_t result =
      ZSTD_decompressDCtx(dctx.ctx, NonNullOutput(dst), dst_size, NonNullInput(src), src_size);
  if (ZSTD_isError(result)) {
    if (ZSTD_getErrorCode(result) == ZSTD_error_dstSize_tooSmall) {
      ThrowCorrupt("ZSTD: data inflates to more than the expected " + std::to_string(dst_size) +
                   " bytes");
    }
    if (ZSTD_getErrorCode(result) == ZSTD_error_srcSize_wrong) {
      ThrowCorrupt(
          "ZSTD: input ends inside a frame, or is followed by trailing bytes; input size " +
          std::to_string(src_size));
    }
    ThrowCorrupt(std::string("ZSTD: invalid data: ") + ZSTD_getErrorName(result));
  }
  if (result != dst_size) ThrowSizeMismatch("ZSTD", result, dst_size);
}

void ZstdCompress(int level, const uint8_t* src, size_t src_size, Buffer* out) {
  thread_local ThreadCCtx cctx;
  if (cctx.ctx == nullptr) throw std::bad_alloc();
  size_t bound = ZSTD_compressBound(src_size);
  if (ZSTD_isError(bound)) {
    ThrowInvalid("ZSTD: input too large to compress at once, got " + std::to_string(src_size) +
                 " bytes");
  }
  out->Resize(bound);
  size_t written =
      ZSTD_compressCCtx(cctx.ctx, out->data(), out->size(), NonNullInput(src), src_size, level);
  if (ZSTD_isError(written)) {
    throw Error(ErrorKind::kInternal,
                std::string("ZSTD: compression failed: ") + ZSTD_getErrorName(written));
  }
  out->Resize(written);
}

}  // namespace frocket::parquet::internal
