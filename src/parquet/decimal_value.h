// The arithmetic shared by everything that turns Parquet's less common number encodings into
// values: IEEE half floats (FLOAT16) and DECIMAL unscaled values. `frocket cat` prints them
// (value_text.cc) and the engine converts them to doubles (engine/column_normalizer.cc); both
// must agree digit for digit, so they share this code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace frocket::parquet {

// No valid schema has a larger decimal scale; readers refuse one (kCorruptFile).
constexpr int32_t kMaxDecimalScale = 1024;
// Decimals whose unscaled value has more significant bytes than this (about 1,200 digits) are
// refused (kNotSupported): no sensible writer produces them, and the exact base-10 conversion
// is quadratic in their length, so one cell could take seconds.
constexpr size_t kMaxDecimalBytes = 512;

// IEEE 754 binary16 to binary32; every half value is exactly representable as a float.
float HalfToFloat(uint16_t half);

// Writes the decimal digits of `v` right-aligned ending at `end`; returns the first digit.
// `end` must have 40 bytes before it.
char* FormatUInt128(unsigned __int128 v, char* end);

// The sign and magnitude of a big-endian two's complement unscaled value of any length (an
// empty one is 0). Sign-extension bytes are dropped first; a magnitude that then fits 128 bits
// is returned as `value` (fits_128 true, `digits` empty), a longer one as its decimal digits
// (most significant first, no leading zeros). Throws Error(kNotSupported) beyond
// kMaxDecimalBytes significant bytes.
struct DecimalMagnitude {
  bool negative = false;
  bool fits_128 = true;
  unsigned __int128 value = 0;
  std::string digits;
};
DecimalMagnitude DecodeDecimalBytes(const uint8_t* p, size_t n);

}  // namespace frocket::parquet
