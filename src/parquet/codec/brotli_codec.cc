// BROTLI: a Brotli stream (RFC 7932).
#include <brotli/decode.h>
#include <brotli/encode.h>

#include <memory>
#include <new>
#include <string>

#include "common/error.h"
#include "parquet/codec/codec_internal.h"

namespace frocket::parquet::internal {
namespace {

struct DecoderDeleter {
  void operator()(BrotliDecoderState* state) const { BrotliDecoderDestroyInstance(state); }
};

}  // namespace

void BrotliDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  // A decoder state cannot be reused: the library (1.0.9) has no reset, and a finished state
  // refuses further input. Creating one costs a small fixed allocation; the ring buffer the
  // decoder adds is capped by the stream's window (at most 16 MiB, large windows stay off) and
  // shrunk to the output size when the stream is a single meta-block.
  std::unique_ptr<BrotliDecoderState, DecoderDeleter> state(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr));
  if (state == nullptr) throw std::bad_alloc();
  size_t avail_in = src_size;
  const uint8_t* next_in = NonNullInput(src);
  size_t avail_out = dst_size;
  uint8_t* next_out = NonNullOutput(dst);
  // One call runs until the stream ends or a buffer runs out, since both buffers are whole.
  BrotliDecoderResult result = BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in,
                                                             &avail_out, &next_out, nullptr);
  size_t produced = dst_size - avail_out;
  switch (result) {
    case BROTLI_DECODER_RESULT_SUCCESS:
      if (avail_in != 0) {
        ThrowCorrupt("BROTLI: stream ends before the input does, trailing bytes: " +
                     std::to_string(avail_in));
      }
      if (produced != dst_size) ThrowSizeMismatch("BROTLI", produced, dst_size);
      return;
    case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
      ThrowCorrupt("BROTLI: data inflates to more than the expected " + std::to_string(dst_size) +
                   " bytes");
    case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
      ThrowCorrupt("BROTLI: input ends inside the stream after " + std::to_string(produced) +
                   " of the expected " + std::to_string(dst_size) + " bytes");
    case BROTLI_DECODER_RESULT_ERROR:
      break;
  }
  ThrowCorrupt(std::string("BROTLI: invalid data: ") +
               BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state.get())));
}

void BrotliCompress(int quality, const uint8_t* src, size_t src_size, Buffer* out) {
  size_t bound = BrotliEncoderMaxCompressedSize(src_size);
  if (bound == 0) {
    ThrowInvalid("BROTLI: input too large to compress at once, got " + std::to_string(src_size) +
                 " bytes");
  }
  out->Resize(bound);
  size_t written = bound;
  if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, src_size,
                             NonNullInput(src), &written, out->data())) {
    throw Error(ErrorKind::kInternal,
                "BROTLI: compression failed on " + std::to_string(src_size) + " bytes");
  }
  out->Resize(written);
}

}  // namespace frocket::parquet::internal
