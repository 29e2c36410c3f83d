#include "parquet/decimal_value.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "common/error.h"

namespace frocket::parquet {

float HalfToFloat(uint16_t half) {
  uint32_t sign = static_cast<uint32_t>(half >> 15) << 31;
  uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -magnitude : magnitude;
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent - 15 + 127) << 23) | (mantissa << 13);
  }
  float result;
  std::memcpy(&result, &bits, sizeof(result));
  return result;
}

char* FormatUInt128(unsigned __int128 v, char* end) {
  constexpr uint64_t kTenPow19 = 10000000000000000000ULL;
  char* p = end;
  while (v >= kTenPow19) {
    uint64_t chunk = static_cast<uint64_t>(v % kTenPow19);
    v /= kTenPow19;
    for (int i = 0; i < 19; ++i) {
      *--p = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  }
  uint64_t rest = static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + rest % 10);
    rest /= 10;
  } while (rest != 0);
  return p;
}

DecimalMagnitude DecodeDecimalBytes(const uint8_t* p, size_t n) {
  DecimalMagnitude result;
  if (n == 0) return result;
  result.negative = (p[0] & 0x80) != 0;
  // Sign-extension bytes carry no digits; dropping them keeps short values on the fast path.
  const uint8_t extension = result.negative ? 0xff : 0x00;
  while (n > 1 && p[0] == extension && ((p[1] & 0x80) != 0) == result.negative) {
    ++p;
    --n;
  }
  if (n <= 16) {
    unsigned __int128 bits = result.negative ? ~static_cast<unsigned __int128>(0) : 0;
    for (size_t i = 0; i < n; ++i) bits = (bits << 8) | p[i];
    result.value = result.negative ? ~bits + 1 : bits;
    return result;
  }
  if (n > kMaxDecimalBytes) {
    ThrowNotSupported("decimal values longer than " + std::to_string(kMaxDecimalBytes) +
                      " significant bytes are not supported; got " + std::to_string(n));
  }
  result.fits_128 = false;
  // Negate into a magnitude, then peel off nine digits at a time by long division of the
  // big-endian byte string by 10^9.
  std::vector<uint8_t> magnitude(p, p + n);
  if (result.negative) {
    unsigned carry = 1;
    for (size_t i = n; i-- > 0;) {
      unsigned v = static_cast<uint8_t>(~magnitude[i]) + carry;
      magnitude[i] = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
  }
  std::string reversed;  // digits, least significant first
  size_t first = 0;
  while (first < magnitude.size()) {
    uint64_t remainder = 0;
    for (size_t i = first; i < magnitude.size(); ++i) {
      uint64_t v = (remainder << 8) | magnitude[i];
      magnitude[i] = static_cast<uint8_t>(v / 1000000000);
      remainder = v % 1000000000;
    }
    while (first < magnitude.size() && magnitude[first] == 0) ++first;
    for (int d = 0; d < 9; ++d) {
      reversed.push_back(static_cast<char>('0' + remainder % 10));
      remainder /= 10;
    }
  }
  while (reversed.size() > 1 && reversed.back() == '0') reversed.pop_back();
  result.digits.assign(reversed.rbegin(), reversed.rend());
  return result;
}

}  // namespace frocket::parquet
