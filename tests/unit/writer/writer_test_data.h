// Test data for the Parquet writer's tests (unit round trips and tests/interop): builders of
// ColumnVectors, generators of every writer type under several null patterns and value
// distributions, and a cell-by-cell comparison.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "parquet/column_vector.h"
#include "parquet/writer/writer_options.h"

namespace frocket::parquet::testing {

enum class NullPattern { kNone, kSome, kAll };
// kLow: a handful of distinct values (dictionary friendly); kHigh: random values; kSorted:
// increasing values with small steps (delta friendly).
enum class Distribution { kLow, kHigh, kSorted };

inline const char* NullPatternName(NullPattern p) {
  switch (p) {
    case NullPattern::kNone:
      return "nonull";
    case NullPattern::kSome:
      return "somenull";
    case NullPattern::kAll:
      return "allnull";
  }
  return "?";
}
inline const char* DistributionName(Distribution d) {
  switch (d) {
    case Distribution::kLow:
      return "low";
    case Distribution::kHigh:
      return "high";
    case Distribution::kSorted:
      return "sorted";
  }
  return "?";
}

inline void SetNulls(ColumnVector* v, const std::vector<bool>& is_null) {
  int64_t nulls = 0;
  for (bool b : is_null) nulls += b;
  v->null_count = nulls;
  if (nulls == 0) return;
  size_t words = (is_null.size() + 63) / 64;
  v->validity.Resize(words * 8);
  std::memset(v->validity.data(), 0, words * 8);
  uint64_t* bits = v->validity.as<uint64_t>();
  for (size_t i = 0; i < is_null.size(); ++i) {
    if (!is_null[i]) bits[i / 64] |= uint64_t{1} << (i % 64);
  }
}

template <typename T>
ColumnVector MakeFixed(PhysicalType physical, const std::vector<T>& values,
                       const std::vector<bool>& is_null = {}) {
  ColumnVector v;
  v.physical = physical;
  v.size = static_cast<int64_t>(values.size());
  v.values.Resize(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    T x = (!is_null.empty() && is_null[i]) ? T{} : values[i];
    std::memcpy(v.values.data() + i * sizeof(T), &x, sizeof(T));
  }
  if (!is_null.empty()) SetNulls(&v, is_null);
  return v;
}

inline ColumnVector MakeStrings(const std::vector<std::string>& values,
                                const std::vector<bool>& is_null = {}) {
  ColumnVector v;
  v.physical = PhysicalType::kByteArray;
  v.size = static_cast<int64_t>(values.size());
  v.offsets.Resize((values.size() + 1) * 4);
  uint32_t* off = v.offsets.as<uint32_t>();
  off[0] = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (is_null.empty() || !is_null[i]) v.bytes.Append(values[i].data(), values[i].size());
    off[i + 1] = static_cast<uint32_t>(v.bytes.size());
  }
  if (!is_null.empty()) SetNulls(&v, is_null);
  return v;
}

inline bool IsIntegerType(WriterType t) {
  return t == WriterType::kInt32 || t == WriterType::kInt64 || t == WriterType::kTimestampMillis ||
         t == WriterType::kTimestampMicros;
}

inline const std::vector<WriterType>& AllWriterTypes() {
  static const std::vector<WriterType> types = {
      WriterType::kBoolean,         WriterType::kInt32,          WriterType::kInt64,
      WriterType::kFloat,           WriterType::kDouble,         WriterType::kString,
      WriterType::kTimestampMillis, WriterType::kTimestampMicros};
  return types;
}

// `rows` values of `type`; deterministic in `seed`.
inline ColumnVector Generate(WriterType type, NullPattern nulls, Distribution dist, int64_t rows,
                             uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<bool> is_null(static_cast<size_t>(rows), nulls == NullPattern::kAll);
  if (nulls == NullPattern::kSome) {
    for (auto&& b : is_null) b = rng() % 4 == 0;
  }
  if (nulls == NullPattern::kNone) is_null.clear();
  auto n = static_cast<size_t>(rows);
  switch (type) {
    case WriterType::kBoolean: {
      std::vector<uint8_t> v(n);
      for (size_t i = 0; i < n; ++i)
        v[i] = dist == Distribution::kSorted ? (i >= n / 2) : (rng() & 1);
      return MakeFixed(PhysicalType::kBoolean, v, is_null);
    }
    case WriterType::kInt32: {
      std::vector<int32_t> v(n);
      for (size_t i = 0; i < n; ++i) {
        switch (dist) {
          case Distribution::kLow:
            v[i] = static_cast<int32_t>(rng() % 13) - 6;
            break;
          case Distribution::kHigh:
            v[i] = static_cast<int32_t>(rng());
            break;
          case Distribution::kSorted:
            v[i] = -100000 + static_cast<int32_t>(i) * 7 + static_cast<int32_t>(rng() % 3);
            break;
        }
      }
      if (dist == Distribution::kHigh && n > 2) {
        v[0] = std::numeric_limits<int32_t>::min();
        v[1] = std::numeric_limits<int32_t>::max();
      }
      return MakeFixed(PhysicalType::kInt32, v, is_null);
    }
    case WriterType::kInt64:
    case WriterType::kTimestampMillis:
    case WriterType::kTimestampMicros: {
      int64_t scale = type == WriterType::kTimestampMicros ? 1000 : 1;
      int64_t base = type == WriterType::kInt64 ? 0 : int64_t{1'700'000'000'000} * scale;
      std::vector<int64_t> v(n);
      for (size_t i = 0; i < n; ++i) {
        switch (dist) {
          case Distribution::kLow:
            v[i] = base + static_cast<int64_t>(rng() % 17) * 1'000'000'007 * scale;
            break;
          case Distribution::kHigh:
            v[i] = type == WriterType::kInt64
                       ? static_cast<int64_t>(rng())
                       : base + static_cast<int64_t>(rng() % 100'000'000'000) * scale -
                             50'000'000'000 * scale;
            break;
          case Distribution::kSorted:
            v[i] = base + static_cast<int64_t>(i) * 37 * scale + static_cast<int64_t>(rng() % 5);
            break;
        }
      }
      if (type == WriterType::kInt64 && dist == Distribution::kHigh && n > 2) {
        v[0] = std::numeric_limits<int64_t>::min();
        v[1] = std::numeric_limits<int64_t>::max();
      }
      return MakeFixed(PhysicalType::kInt64, v, is_null);
    }
    case WriterType::kFloat: {
      std::vector<float> v(n);
      for (size_t i = 0; i < n; ++i) {
        switch (dist) {
          case Distribution::kLow:
            v[i] = static_cast<float>(rng() % 11) * 0.25f - 1.0f;
            break;
          case Distribution::kHigh:
            v[i] = static_cast<float>(static_cast<int64_t>(rng() % 2'000'001) - 1'000'000) / 64.0f;
            break;
          case Distribution::kSorted:
            v[i] = static_cast<float>(i) * 0.5f;
            break;
        }
      }
      if (dist == Distribution::kHigh && n > 4) {
        v[0] = -0.0f;
        v[1] = std::numeric_limits<float>::infinity();
        v[2] = -std::numeric_limits<float>::infinity();
        v[3] = std::numeric_limits<float>::max();
      }
      return MakeFixed(PhysicalType::kFloat, v, is_null);
    }
    case WriterType::kDouble: {
      std::vector<double> v(n);
      for (size_t i = 0; i < n; ++i) {
        switch (dist) {
          case Distribution::kLow:
            v[i] = static_cast<double>(rng() % 9) / 8.0;
            break;
          case Distribution::kHigh:
            v[i] = (static_cast<double>(rng() >> 11) / 9007199254740992.0 - 0.5) * 1e9;
            break;
          case Distribution::kSorted:
            v[i] = static_cast<double>(i) * 1.5 - 1000;
            break;
        }
      }
      if (dist == Distribution::kHigh && n > 4) {
        v[0] = -0.0;
        v[1] = std::numeric_limits<double>::lowest();
        v[2] = 5e-324;
        v[3] = 1e300;
      }
      return MakeFixed(PhysicalType::kDouble, v, is_null);
    }
    case WriterType::kString: {
      static const char* kWords[] = {"",       "apple", "banana",          "ünïcødé",
                                     "日本語", "x",     "with \"quotes\"", "tab\tnew\nline"};
      std::vector<std::string> v(n);
      for (size_t i = 0; i < n; ++i) {
        switch (dist) {
          case Distribution::kLow:
            v[i] = kWords[rng() % 8];
            break;
          case Distribution::kHigh: {
            size_t len = rng() % 24;
            for (size_t k = 0; k < len; ++k) v[i].push_back(static_cast<char>('a' + rng() % 26));
            if (rng() % 16 == 0) v[i] += "é";
            break;
          }
          case Distribution::kSorted: {
            char buf[32];
            std::snprintf(buf, sizeof(buf), "key-%010zu", i * 3);
            v[i] = buf;
            break;
          }
        }
      }
      return MakeStrings(v, is_null);
    }
  }
  return {};
}

// Expects actual (rows [0, count)) to equal expected rows [begin, begin + count): the same
// nulls and bit-identical values.
inline void ExpectSameRows(const ColumnVector& expected, int64_t begin, const ColumnVector& actual,
                           int64_t count, const std::string& what) {
  ASSERT_EQ(actual.size, count) << what;
  ASSERT_EQ(actual.physical, expected.physical) << what;
  int mismatches = 0;
  for (int64_t i = 0; i < count && mismatches < 5; ++i) {
    int64_t e = begin + i;
    if (expected.IsNull(e) != actual.IsNull(i)) {
      ADD_FAILURE() << what << " row " << e << ": null " << expected.IsNull(e) << " vs "
                    << actual.IsNull(i);
      ++mismatches;
      continue;
    }
    if (expected.IsNull(e)) continue;
    bool same;
    if (expected.physical == PhysicalType::kByteArray) {
      same = expected.GetBytes(e) == actual.GetBytes(i);
    } else {
      int w = expected.width();
      same = std::memcmp(expected.FixedBytes(e), actual.FixedBytes(i), static_cast<size_t>(w)) == 0;
    }
    if (!same) {
      ADD_FAILURE() << what << " row " << e << " differs";
      ++mismatches;
    }
  }
}

}  // namespace frocket::parquet::testing
