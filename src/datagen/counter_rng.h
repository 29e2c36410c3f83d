// CounterRng: the random numbers of `frocket datagen`. Every stream is a pure function of a
// key (the seed and, say, a user's index), so a user's rows do not depend on which thread
// generates them or in what order: determinism comes from the keys, not from scheduling.
//
// The generator is splitmix64 (a Weyl sequence passed through a 64-bit finalizer): cheap,
// statistically good enough for synthetic data, and seekable. It is not cryptographic.
// Not thread-safe; make one per stream.
#pragma once

#include <cmath>
#include <cstdint>

namespace frocket::datagen {

// The splitmix64 finalizer: a bijection on 64-bit values that mixes every input bit into every
// output bit.
inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

// A key for the stream of (seed, stream, index): different triples give unrelated streams.
inline uint64_t StreamKey(uint64_t seed, uint64_t stream, uint64_t index) {
  return Mix64(Mix64(seed ^ 0x6A09E667F3BCC909ULL) ^ (stream * 0x9E3779B97F4A7C15ULL) ^
               Mix64(index + 0xBB67AE8584CAA73BULL));
}

class CounterRng {
 public:
  explicit CounterRng(uint64_t key) : state_(key) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return Mix64(state_);
  }
  // Uniform in [0, 1) with 53 random bits.
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double NextOpenDouble() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }
  // Uniform in [0, n) for n >= 1 (Lemire's multiply-shift; the bias is below 2^-32 for the
  // small n used here).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  bool Chance(double p) { return NextDouble() < p; }
  // Exponentially distributed with the given mean.
  double Exponential(double mean) { return -mean * std::log(NextOpenDouble()); }
  // A standard normal deviate (Box-Muller; the second deviate of the pair is dropped).
  double Normal() {
    double radius = std::sqrt(-2.0 * std::log(NextOpenDouble()));
    return radius * std::cos(6.283185307179586 * NextDouble());
  }

 private:
  uint64_t state_;
};

}  // namespace frocket::datagen
