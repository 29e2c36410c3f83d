// SNAPPY: the raw Snappy format (a varint uncompressed length, then tagged literals and copies),
// without the framing of the Snappy stream format.
#include <snappy.h>

#include <cstdint>
#include <string>

#include "common/error.h"
#include "parquet/codec/codec_internal.h"

namespace frocket::parquet::internal {

void SnappyDecompress(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  const char* in = reinterpret_cast<const char*>(NonNullInput(src));
  // The length prefix is checked before anything is written, so a page that announces another
  // size is rejected without touching dst; RawUncompress then fails if the tags do not produce
  // exactly that many bytes.
  size_t announced = 0;
  if (!snappy::GetUncompressedLength(in, src_size, &announced)) {
    ThrowCorrupt("SNAPPY: invalid uncompressed length prefix in " + std::to_string(src_size) +
                 " bytes of input");
  }
  if (announced != dst_size) {
    ThrowCorrupt("SNAPPY: data announces " + std::to_string(announced) +
                 " uncompressed bytes, expected " + std::to_string(dst_size));
  }
  if (!snappy::RawUncompress(in, src_size, reinterpret_cast<char*>(NonNullOutput(dst)))) {
    ThrowCorrupt("SNAPPY: malformed compressed data (" + std::to_string(src_size) +
                 " bytes, expected to inflate to " + std::to_string(dst_size) + ")");
  }
}

void SnappyCompress(const uint8_t* src, size_t src_size, Buffer* out) {
  // The format stores the uncompressed length as a 32-bit varint.
  if (src_size > UINT32_MAX) {
    ThrowInvalid("SNAPPY: cannot compress more than 4 GiB at once, got " +
                 std::to_string(src_size) + " bytes");
  }
  out->Resize(snappy::MaxCompressedLength(src_size));
  size_t written = 0;
  snappy::RawCompress(reinterpret_cast<const char*>(NonNullInput(src)), src_size,
                      reinterpret_cast<char*>(out->data()), &written);
  out->Resize(written);
}

}  // namespace frocket::parquet::internal
