// Min, max and null count of the values of a page or column chunk, turned into the Parquet
// Statistics struct: min_value / max_value as PLAIN bytes in the type's order (signed
// integers, floats by value with NaN ignored, strings byte-wise unsigned), plus the legacy
// min / max fields for the types whose legacy order is the same (all but BYTE_ARRAY).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "parquet/format.h"

namespace frocket::parquet {

template <typename T>  // uint8_t (BOOLEAN, 0 or 1), int32_t, int64_t, float, double
class FixedStatistics {
 public:
  void Update(T v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) return;
    }
    if (!has_) {
      min_ = max_ = v;
      has_ = true;
      return;
    }
    if (v < min_) min_ = v;
    if (max_ < v) max_ = v;
  }
  void UpdateMany(const T* values, size_t n) {
    for (size_t i = 0; i < n; ++i) Update(values[i]);
  }
  void AddNulls(int64_t n) { null_count_ += n; }
  void Merge(const FixedStatistics& other) {
    null_count_ += other.null_count_;
    if (other.has_) {
      Update(other.min_);
      Update(other.max_);
    }
  }
  void Reset() { *this = FixedStatistics(); }

  bool has_min_max() const { return has_; }
  T min() const { return min_; }
  T max() const { return max_; }
  int64_t null_count() const { return null_count_; }

  Statistics ToThrift() const {
    Statistics s;
    s.null_count = null_count_;
    if (has_) {
      T lo = min_, hi = max_;
      if constexpr (std::is_floating_point_v<T>) {
        // The spec asks for -0.0 as a zero minimum and +0.0 as a zero maximum, so that readers
        // comparing with either zero prune correctly.
        if (lo == 0) lo = -static_cast<T>(0);
        if (hi == 0) hi = static_cast<T>(0);
      }
      s.min_value = Bytes(lo);
      s.max_value = Bytes(hi);
      s.min = s.min_value;
      s.max = s.max_value;
    }
    return s;
  }

 private:
  static std::string Bytes(T v) {
    return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
  }

  bool has_ = false;
  T min_{};
  T max_{};
  int64_t null_count_ = 0;
};

class ByteArrayStatistics {
 public:
  void Update(std::string_view v) {
    if (!has_) {
      min_.assign(v);
      max_.assign(v);
      has_ = true;
      return;
    }
    // std::string_view compares with char_traits<char>, which compares as unsigned char.
    if (v < std::string_view(min_)) min_.assign(v);
    if (std::string_view(max_) < v) max_.assign(v);
  }
  void AddNulls(int64_t n) { null_count_ += n; }
  void Merge(const ByteArrayStatistics& other) {
    null_count_ += other.null_count_;
    if (other.has_) {
      Update(other.min_);
      Update(other.max_);
    }
  }
  void Reset() {
    has_ = false;
    min_.clear();
    max_.clear();
    null_count_ = 0;
  }

  bool has_min_max() const { return has_; }
  const std::string& min() const { return min_; }
  const std::string& max() const { return max_; }
  int64_t null_count() const { return null_count_; }

  // No legacy min / max: old readers compared them as signed bytes.
  Statistics ToThrift() const {
    Statistics s;
    s.null_count = null_count_;
    if (has_) {
      s.min_value = min_;
      s.max_value = max_;
    }
    return s;
  }

 private:
  bool has_ = false;
  std::string min_;
  std::string max_;
  int64_t null_count_ = 0;
};

}  // namespace frocket::parquet
