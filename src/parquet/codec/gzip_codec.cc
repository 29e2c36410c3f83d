// GZIP: DEFLATE data in gzip members (RFC 1952). Readers also meet zlib-wrapped streams
// (RFC 1950) and files whose pages hold several gzip members back to back, as produced by
// writers that flush a compressor stream per chunk; zlib's header auto-detection and a reset
// after each member cover both.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <string>

#include "common/error.h"
#include "parquet/codec/codec_internal.h"

namespace frocket::parquet::internal {
namespace {

// zlib counts bytes in 32-bit uInt, so larger buffers are handed over in slices.
constexpr size_t kMaxSlice = UINT32_MAX;

// Window bits 15 (32 KiB, the maximum) plus 32: detect a gzip or zlib header automatically.
constexpr int kInflateAutoHeader = 15 + 32;
// Window bits 15 plus 16: write a gzip header and trailer instead of a zlib one.
constexpr int kDeflateGzip = 15 + 16;

// One inflate state per thread, reset for each page: inflateInit2 allocates about 7 KiB of state
// and the first inflate a 32 KiB window, which would otherwise be paid per page.
class ThreadInflater {
 public:
  ThreadInflater() {
    if (inflateInit2(&stream_, kInflateAutoHeader) != Z_OK) throw std::bad_alloc();
  }
  ~ThreadInflater() { inflateEnd(&stream_); }
  ThreadInflater(const ThreadInflater&) = delete;
  ThreadInflater& operator=(const ThreadInflater&) = delete;
  z_stream* stream() { return &stream_; }

 private:
  z_stream stream_{};
};

// Deflate state is larger (about 256 KiB at the default memory level) and depends on the level,
// so it is kept per thread and rebuilt only when the level changes.
class ThreadDeflater {
 public:
  ThreadDeflater() = default;
  ~ThreadDeflater() {
    if (level_ != 0) deflateEnd(&stream_);
  }
  ThreadDeflater(const ThreadDeflater&) = delete;
  ThreadDeflater& operator=(const ThreadDeflater&) = delete;

  z_stream* Get(int level) {
    if (level_ == level) {
      if (deflateReset(&stream_) != Z_OK) throw std::bad_alloc();
      return &stream_;
    }
    if (level_ != 0) deflateEnd(&stream_);
    level_ = 0;
    stream_ = z_stream{};
    if (deflateInit2(&stream_, level, Z_DEFLATED, kDeflateGzip, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::bad_alloc();
    }
    level_ = level;
    return &stream_;
  }

 private:
  z_stream stream_{};
  int level_ = 0;  // 0: not initialized
};

// Tops up avail_in / avail_out from the bytes not yet handed to zlib. The buffers are contiguous,
// so zlib's next_in / next_out already point at the next slice.
void Refill(uInt* avail, size_t* rest) {
  if (*avail == 0 && *rest != 0) {
    size_t slice = std::min(*rest, kMaxSlice);
    *avail = static_cast<uInt>(slice);
    *rest -= slice;
  }
}

}  // namespace

void GzipDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  thread_local ThreadInflater inflater;
  z_stream* s = inflater.stream();
  inflateReset(s);
  s->next_in = const_cast<Bytef*>(NonNullInput(src));
  s->avail_in = 0;
  s->next_out = NonNullOutput(dst);
  s->avail_out = 0;
  size_t in_rest = src_size;
  size_t out_rest = dst_size;
  auto produced = [&] { return dst_size - out_rest - s->avail_out; };

  for (;;) {
    Refill(&s->avail_in, &in_rest);
    Refill(&s->avail_out, &out_rest);
    int rc = inflate(s, Z_NO_FLUSH);
    if (rc == Z_OK) continue;  // progress was made; zlib says Z_BUF_ERROR when none is possible
    if (rc == Z_STREAM_END) {
      if (s->avail_in == 0 && in_rest == 0) break;
      // Another member follows (or trailing garbage, which then fails its header check).
      inflateReset(s);
      continue;
    }
    switch (rc) {
      case Z_BUF_ERROR:
        if (s->avail_out == 0 && out_rest == 0) {
          ThrowCorrupt("GZIP: data inflates to more than the expected " + std::to_string(dst_size) +
                       " bytes");
        }
        ThrowCorrupt("GZIP: input ends inside a stream after " + std::to_string(produced()) +
                     " of the expected " + std::to_string(dst_size) + " bytes");
      case Z_NEED_DICT:
        ThrowCorrupt("GZIP: stream needs a preset dictionary, which Parquet does not provide");
      case Z_MEM_ERROR:
        throw std::bad_alloc();
      default: {
        std::string what = s->msg != nullptr ? s->msg : "zlib error " + std::to_string(rc);
        ThrowCorrupt("GZIP: invalid data: " + what);
      }
    }
  }
  if (produced() != dst_size) ThrowSizeMismatch("GZIP", produced(), dst_size);
}

void GzipCompress(int level, const uint8_t* src, size_t src_size, Buffer* out) {
  thread_local ThreadDeflater deflater;
  z_stream* s = deflater.Get(level);
  // deflateBound covers the gzip header and trailer, so one Z_FINISH pass always completes.
  out->Resize(deflateBound(s, src_size));
  s->next_in = const_cast<Bytef*>(NonNullInput(src));
  s->avail_in = 0;
  s->next_out = out->data();
  s->avail_out = 0;
  size_t in_rest = src_size;
  size_t out_rest = out->size();
  for (;;) {
    Refill(&s->avail_in, &in_rest);
    Refill(&s->avail_out, &out_rest);
    int rc = deflate(s, in_rest == 0 ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK) {
      // deflate cannot fail on valid arguments and enough output space.
      throw Error(ErrorKind::kInternal,
                  "GZIP: deflate failed with zlib error " + std::to_string(rc));
    }
  }
  out->Resize(out->size() - out_rest - s->avail_out);
}

}  // namespace frocket::parquet::internal
