#include "parquet/encoder/rle_bit_packed_encoder.h"

#include <cstring>

#include "parquet/encoder/bit_packing.h"

namespace frocket::parquet {
namespace {

// The shortest run of equal values worth an RLE run. An RLE run costs a header and the value,
// and splits the surrounding bit-packed run in two (one more header): about 3 bytes plus the
// value. Narrow values are cheap to bit-pack, so for them only long runs pay (32 for the 1-bit
// definition levels); a bit-packed run must hold whole groups of 8 anyway.
size_t MinRleRun(int bit_width) {
  return bit_width >= 4 ? 8 : bit_width == 0 ? 8 : 32 / static_cast<size_t>(bit_width);
}

void EmitRleRun(uint64_t value, size_t count, int bit_width, Buffer* out) {
  size_t old = out->size();
  out->Resize(old + 10 + 4);
  uint8_t* p = out->data() + old;
  p += PutVarint(static_cast<uint64_t>(count) << 1, p);
  int value_bytes = (bit_width + 7) / 8;
  for (int b = 0; b < value_bytes; ++b) *p++ = static_cast<uint8_t>(value >> (8 * b));
  out->Resize(static_cast<size_t>(p - out->data()));
}

// count values, padded with zeros to a whole number of groups of 8. Padding only happens for
// the last run of a stream.
template <typename T>
void EmitBitPackedRun(const T* values, size_t count, int bit_width, Buffer* out) {
  size_t groups = (count + 7) / 8;
  size_t body = groups * static_cast<size_t>(bit_width);
  size_t old = out->size();
  out->Resize(old + 10 + body);
  uint8_t* p = out->data() + old;
  p += PutVarint((static_cast<uint64_t>(groups) << 1) | 1, p);
  size_t packed = PackedBytes(count, bit_width);
  PackBits(values, count, bit_width, p);
  std::memset(p + packed, 0, body - packed);
  out->Resize(static_cast<size_t>(p + body - out->data()));
}

// Bit width 1 (definition levels) a byte at a time: the levels are first packed 8 to a byte,
// which is exactly their bit-packed form, and then runs of 0x00 or 0xFF bytes long enough to pay
// become RLE runs while everything else is copied as bit-packed groups. This costs a multiply
// per 8 levels instead of a comparison per level.
void EncodeLevels(const uint8_t* levels, size_t n, Buffer* out, Buffer* scratch) {
  size_t full = n / 8;
  size_t bytes = (n + 7) / 8;
  scratch->Resize(bytes);
  uint8_t* packed = scratch->data();
  for (size_t g = 0; g < full; ++g) {
    uint64_t word;
    std::memcpy(&word, levels + g * 8, 8);
    // Moves byte k's low bit to bit 56 + k; no two partial products overlap.
    packed[g] = static_cast<uint8_t>((word * 0x0102040810204080ULL) >> 56);
  }
  if (full < bytes) {
    uint8_t last = 0;
    for (size_t i = full * 8; i < n; ++i)
      last |= static_cast<uint8_t>((levels[i] & 1) << (i - full * 8));
    packed[full] = last;
  }
  const size_t min_run_bytes = MinRleRun(1) / 8;
  auto emit_literals = [&](size_t begin, size_t end) {
    if (begin == end) return;
    size_t old = out->size();
    out->Resize(old + 10 + (end - begin));
    uint8_t* p = out->data() + old;
    p += PutVarint((static_cast<uint64_t>(end - begin) << 1) | 1, p);
    std::memcpy(p, packed + begin, end - begin);
    out->Resize(static_cast<size_t>(p + (end - begin) - out->data()));
  };
  size_t literal_start = 0;
  size_t i = 0;
  while (i < full) {
    uint8_t b = packed[i];
    if (b != 0x00 && b != 0xFF) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j + 8 <= full) {  // long runs: 8 bytes (64 levels) per step
      uint64_t w;
      std::memcpy(&w, packed + j, 8);
      if (w != (b == 0 ? uint64_t{0} : ~uint64_t{0})) break;
      j += 8;
    }
    while (j < full && packed[j] == b) ++j;
    if (j - i >= min_run_bytes) {
      emit_literals(literal_start, i);
      EmitRleRun(b & 1, (j - i) * 8, 1, out);
      literal_start = j;
    }
    i = j;
  }
  emit_literals(literal_start, bytes);
}

}  // namespace

template <typename T>
void RleBitPackedEncoder::Encode(const T* values, size_t n, int bit_width, Buffer* out) {
  if constexpr (sizeof(T) == 1) {
    if (bit_width == 1) {
      thread_local Buffer scratch;
      EncodeLevels(values, n, out, &scratch);
      return;
    }
  }
  const size_t min_run = MinRleRun(bit_width);
  size_t literal_start = 0;  // first value not yet emitted
  size_t i = 0;
  while (i < n) {
    T v = values[i];
    size_t j = i + 1;
    while (j < n && values[j] == v) ++j;
    size_t run = j - i;
    if (run >= min_run) {
      // The literals before the run must fill whole groups, so the run lends them its first
      // few values; it stays an RLE run only if enough remain.
      size_t literals = i - literal_start;
      size_t lend = (8 - literals % 8) % 8;
      if (run - lend >= min_run) {
        if (literals + lend > 0) {
          EmitBitPackedRun(values + literal_start, literals + lend, bit_width, out);
        }
        EmitRleRun(v, run - lend, bit_width, out);
        literal_start = j;
      }
    }
    i = j;
  }
  if (literal_start < n)
    EmitBitPackedRun(values + literal_start, n - literal_start, bit_width, out);
}

template void RleBitPackedEncoder::Encode<uint8_t>(const uint8_t*, size_t, int, Buffer*);
template void RleBitPackedEncoder::Encode<uint32_t>(const uint32_t*, size_t, int, Buffer*);

}  // namespace frocket::parquet
