#include "datagen/user_population.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/bucket.h"
#include "common/error.h"
#include "datagen/counter_rng.h"

namespace frocket::datagen {
namespace {

constexpr uint64_t kMask63 = (uint64_t{1} << 63) - 1;

// Shape of the rows-per-user distribution: Lomax weights (U^(-1/alpha) - 1), so most users get
// a few rows and a few users get thousands. The cap keeps one user from taking a large share
// of a small dataset.
constexpr double kTailAlpha = 1.3;
constexpr double kWeightCap = 2000.0;

// Stream numbers of the counter RNG (see counter_rng.h); each use of randomness has its own.
constexpr uint64_t kWeightStream = 2;

}  // namespace

int64_t UserId(uint64_t seed, uint64_t index) {
  // Every step is a bijection on [0, 2^63): adding a constant, xor with a right shift, and
  // multiplying by an odd number, all modulo 2^63. Distinct indexes thus get distinct ids.
  uint64_t x = (index + Mix64(seed ^ 0x5851F42D4C957F2DULL)) & kMask63;
  x ^= x >> 31;
  x = (x * 0xBF58476D1CE4E5B9ULL) & kMask63;
  x ^= x >> 29;
  x = (x * 0x94D049BB133111EBULL) & kMask63;
  x ^= x >> 32;
  return static_cast<int64_t>(x);
}

UserPopulation::UserPopulation(uint64_t seed, int64_t rows, int64_t users, uint32_t files,
                               int64_t max_rows_per_user) {
  if (rows < 1) ThrowInvalid("--rows must be at least 1, got " + std::to_string(rows));
  if (users < 1) ThrowInvalid("--users must be at least 1, got " + std::to_string(users));
  if (users > int64_t{UINT32_MAX}) {
    ThrowInvalid("--users may be at most " + std::to_string(UINT32_MAX) + ", got " +
                 std::to_string(users));
  }
  if (files < 1) ThrowInvalid("--files must be at least 1, got " + std::to_string(files));
  num_rows_ = rows;
  int64_t n_users = std::min(users, rows);
  row_counts_.assign(static_cast<size_t>(n_users), 1);

  // Every user has one row; the `extra` rows left are shared in proportion to the weights.
  // Cumulative rounding (user i gets floor(extra * C_i / W) - floor(extra * C_{i-1} / W) for
  // cumulative weights C) hands out exactly `extra` rows. It runs in index order on one
  // thread, so the floating-point sums are the same on every run.
  int64_t extra = rows - n_users;
  if (extra > 0) {
    std::vector<double> weights(static_cast<size_t>(n_users));
    double total = 0;
    for (int64_t i = 0; i < n_users; ++i) {
      CounterRng rng(StreamKey(seed, kWeightStream, static_cast<uint64_t>(i)));
      double w = std::min(kWeightCap, std::pow(rng.NextOpenDouble(), -1.0 / kTailAlpha)) - 1.0;
      weights[static_cast<size_t>(i)] = w;
      total += w;
    }
    const bool uniform = !(total > 0);  // only when every draw hit exactly 1
    double cumulative = 0;
    int64_t handed_out = 0;
    for (int64_t i = 0; i < n_users; ++i) {
      cumulative += uniform ? 1.0 : weights[static_cast<size_t>(i)];
      double share = cumulative / (uniform ? static_cast<double>(n_users) : total);
      auto boundary = static_cast<int64_t>(std::floor(share * static_cast<double>(extra)));
      if (i == n_users - 1 || boundary > extra) boundary = extra;
      boundary = std::max(boundary, handed_out);
      row_counts_[static_cast<size_t>(i)] += boundary - handed_out;
      handed_out = boundary;
    }
  }
  for (int64_t count : row_counts_) max_user_rows_ = std::max(max_user_rows_, count);
  if (max_user_rows_ > max_rows_per_user) {
    ThrowInvalid("a user would get " + std::to_string(max_user_rows_) +
                 " rows, more than the time window has milliseconds; use more --users or --days"
                 " (window milliseconds: " +
                 std::to_string(max_rows_per_user) + ")");
  }

  file_users_.resize(files);
  file_rows_.assign(files, 0);
  // Count first so each file's list is allocated once.
  std::vector<uint32_t> buckets(static_cast<size_t>(n_users));
  std::vector<size_t> sizes(files, 0);
  for (int64_t i = 0; i < n_users; ++i) {
    uint32_t b = BucketOf(UserId(seed, static_cast<uint64_t>(i)), files);
    buckets[static_cast<size_t>(i)] = b;
    ++sizes[b];
  }
  for (uint32_t f = 0; f < files; ++f) file_users_[f].reserve(sizes[f]);
  for (int64_t i = 0; i < n_users; ++i) {
    uint32_t b = buckets[static_cast<size_t>(i)];
    file_users_[b].push_back({UserId(seed, static_cast<uint64_t>(i)), static_cast<uint32_t>(i)});
    file_rows_[b] += row_counts_[static_cast<size_t>(i)];
  }
}

}  // namespace frocket::datagen
