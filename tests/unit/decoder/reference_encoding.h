// Deliberately naive encoders for the decoder tests, written from parquet-format Encodings.md
// bit by bit and independent of src/parquet/encoder: the decoders are checked against these,
// so a shared misreading of the spec would not cancel out.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace frocket::parquet::testing {

using Bytes = std::vector<uint8_t>;

inline void PutUleb128(Bytes* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<uint8_t>(v & 0x7F) | 0x80);
    v >>= 7;
  }
  out->push_back(static_cast<uint8_t>(v));
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// Appends values LSB first, one bit at a time.
class BitWriter {
 public:
  explicit BitWriter(Bytes* out) : out_(out), start_(out->size()) {}
  void Put(uint64_t value, int width) {
    for (int b = 0; b < width; ++b) {
      size_t byte = start_ + bit_ / 8;
      if (byte >= out_->size()) out_->push_back(0);
      if ((value >> b) & 1) (*out_)[byte] |= static_cast<uint8_t>(1u << (bit_ % 8));
      ++bit_;
    }
  }

 private:
  Bytes* out_;
  size_t start_;
  uint64_t bit_ = 0;
};

// Number of bits needed for v (0 for 0).
inline int BitsNeeded(uint64_t v) {
  int bits = 0;
  while (v != 0) {
    ++bits;
    v >>= 1;
  }
  return bits;
}

// RLE / bit-packed hybrid runs, written one at a time by the test.
inline void PutRleRun(Bytes* out, uint32_t count, uint32_t value, int bit_width) {
  PutUleb128(out, uint64_t{count} << 1);
  for (int i = 0; i < (bit_width + 7) / 8; ++i) out->push_back((value >> (8 * i)) & 0xFF);
}
// `values.size()` must be a multiple of 8.
inline void PutBitPackedRun(Bytes* out, const std::vector<uint32_t>& values, int bit_width) {
  PutUleb128(out, ((values.size() / 8) << 1) | 1);
  BitWriter writer(out);
  for (uint32_t v : values) writer.Put(v, bit_width);
}

struct DeltaOptions {
  uint64_t block_size = 128;
  uint64_t miniblocks = 4;
  // Per the spec, miniblocks after the last value have no data; writers that emit them
  // anyway are still readable, but their bytes then follow the stream.
  bool emit_unneeded_miniblocks = false;
  // Bit width byte written for miniblocks after the last value (readers must ignore it).
  uint8_t unneeded_width = 0;
  // Per the spec the last miniblock is padded to full size.
  bool pad_last_miniblock = true;
};

// DELTA_BINARY_PACKED over `bits`-bit integers (32 or 64), all arithmetic modulo 2^bits.
// Values are given as their two's complement bit patterns.
inline Bytes EncodeDelta(const std::vector<uint64_t>& values, int bits,
                         const DeltaOptions& opt = {}) {
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  auto to_signed = [&](uint64_t v) -> int64_t {
    v &= mask;
    if (bits < 64 && (v >> (bits - 1)) & 1) return static_cast<int64_t>(v | ~mask);
    return static_cast<int64_t>(v);
  };
  Bytes out;
  PutUleb128(&out, opt.block_size);
  PutUleb128(&out, opt.miniblocks);
  PutUleb128(&out, values.size());
  PutUleb128(&out, ZigZag(values.empty() ? 0 : to_signed(values[0])));
  const uint64_t per_miniblock = opt.block_size / opt.miniblocks;
  for (size_t block_start = 1; block_start < values.size(); block_start += opt.block_size) {
    size_t block_end = std::min<size_t>(values.size(), block_start + opt.block_size);
    std::vector<int64_t> deltas;
    for (size_t i = block_start; i < block_end; ++i) {
      deltas.push_back(to_signed(values[i] - values[i - 1]));
    }
    int64_t min_delta = deltas[0];
    for (int64_t d : deltas) min_delta = std::min(min_delta, d);
    PutUleb128(&out, ZigZag(min_delta));
    std::vector<int> widths;
    for (uint64_t m = 0; m < opt.miniblocks; ++m) {
      size_t first = m * per_miniblock;
      if (first >= deltas.size()) {
        widths.push_back(-1);
        continue;
      }
      uint64_t max_rel = 0;
      for (size_t i = first; i < std::min<size_t>(deltas.size(), first + per_miniblock); ++i) {
        max_rel = std::max(
            max_rel, (static_cast<uint64_t>(deltas[i]) - static_cast<uint64_t>(min_delta)) & mask);
      }
      widths.push_back(BitsNeeded(max_rel));
    }
    for (int w : widths) out.push_back(w < 0 ? opt.unneeded_width : static_cast<uint8_t>(w));
    for (uint64_t m = 0; m < opt.miniblocks; ++m) {
      size_t first = m * per_miniblock;
      if (widths[m] < 0) {
        if (opt.emit_unneeded_miniblocks)
          out.insert(out.end(), per_miniblock * opt.unneeded_width / 8, 0);
        continue;
      }
      size_t last = std::min<size_t>(deltas.size(), first + per_miniblock);
      bool is_last = last == deltas.size();
      BitWriter writer(&out);
      for (size_t i = first; i < first + per_miniblock; ++i) {
        if (i >= last && !(is_last && opt.pad_last_miniblock)) break;
        uint64_t rel =
            i < last ? (static_cast<uint64_t>(deltas[i]) - static_cast<uint64_t>(min_delta)) & mask
                     : 0;
        writer.Put(rel, widths[m]);
      }
    }
  }
  return out;
}

// DELTA_LENGTH_BYTE_ARRAY: lengths as DELTA_BINARY_PACKED INT32, then the bytes.
inline Bytes EncodeDeltaLength(const std::vector<std::string>& values,
                               const DeltaOptions& opt = {}) {
  std::vector<uint64_t> lengths;
  for (const auto& v : values) lengths.push_back(static_cast<uint32_t>(v.size()));
  Bytes out = EncodeDelta(lengths, 32, opt);
  for (const auto& v : values) out.insert(out.end(), v.begin(), v.end());
  return out;
}

// DELTA_BYTE_ARRAY: prefix lengths shared with the previous value, then the suffixes.
inline Bytes EncodeDeltaByteArray(const std::vector<std::string>& values) {
  std::vector<uint64_t> prefixes;
  std::vector<std::string> suffixes;
  std::string previous;
  for (const auto& v : values) {
    size_t p = 0;
    while (p < previous.size() && p < v.size() && previous[p] == v[p]) ++p;
    prefixes.push_back(p);
    suffixes.push_back(v.substr(p));
    previous = v;
  }
  Bytes out = EncodeDelta(prefixes, 32);
  Bytes rest = EncodeDeltaLength(suffixes);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// A heap copy of exactly `size` bytes, so that ASan flags any read past the end.
inline std::unique_ptr<uint8_t[]> ExactCopy(const uint8_t* data, size_t size) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);
  if (size != 0) std::memcpy(copy.get(), data, size);
  return copy;
}

}  // namespace frocket::parquet::testing
