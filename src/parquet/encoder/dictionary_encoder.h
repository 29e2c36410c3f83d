// Dictionaries for RLE_DICTIONARY encoding: map each distinct value of a column chunk to a
// dense index (in order of first appearance) with an open-addressing hash table, and lay the
// distinct values out as a PLAIN dictionary page.
//
// Both dictionaries refuse (GetOrInsert returns false) a new value that would take them past
// their entry or byte limit; the column writer then falls back to another encoding. The byte
// limit counts the PLAIN size of the dictionary page (4 + length per BYTE_ARRAY entry).
//
// Not thread-safe; one per column writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/buffer.h"

namespace frocket::parquet {

// Keys are bit patterns: uint32_t for INT32 and FLOAT, uint64_t for INT64 and DOUBLE. Hashing
// bits rather than values keeps -0.0 and 0.0, and NaNs with different payloads, apart, so every
// value comes back exactly as it was written.
template <typename K>
class FixedDictionary {
 public:
  FixedDictionary(size_t max_entries, size_t max_bytes);

  // Finds or adds key; returns false (and adds nothing) when key is new and the dictionary is
  // full.
  bool GetOrInsert(K key, uint32_t* index) {
    uint64_t slot = Hash(key) & mask_;
    while (true) {
      Slot& s = slots_[slot];
      if (s.index_plus_one == 0) break;
      if (s.key == key) {
        *index = s.index_plus_one - 1;
        return true;
      }
      slot = (slot + 1) & mask_;
    }
    if (values_.size() + 1 > max_entries_ || (values_.size() + 1) * sizeof(K) > max_bytes_) {
      return false;
    }
    *index = static_cast<uint32_t>(values_.size());
    values_.push_back(key);
    slots_[slot] = Slot{key, *index + 1};
    if (values_.size() * 2 > slots_.size()) Grow();
    return true;
  }

  size_t size() const { return values_.size(); }
  size_t plain_bytes() const { return values_.size() * sizeof(K); }
  const K* values() const { return values_.data(); }
  K value(uint32_t index) const { return values_[index]; }
  void AppendPlain(Buffer* out) const { out->Append(values_.data(), plain_bytes()); }
  // Empties the dictionary, keeping its memory for the next column chunk.
  void Clear();

 private:
  struct Slot {
    K key;
    uint32_t index_plus_one;  // 0: empty
  };
  static uint64_t Hash(K key) {
    // Fibonacci hashing; the high bits are the well-mixed ones, so fold them down.
    uint64_t h = static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
  }
  void Grow();

  size_t max_entries_;
  size_t max_bytes_;
  std::vector<K> values_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

extern template class FixedDictionary<uint32_t>;
extern template class FixedDictionary<uint64_t>;

class ByteArrayDictionary {
 public:
  ByteArrayDictionary(size_t max_entries, size_t max_bytes);

  bool GetOrInsert(std::string_view value, uint32_t* index);

  size_t size() const { return offsets_.size() - 1; }
  size_t plain_bytes() const { return bytes_.size() + 4 * size(); }
  // Valid until the next GetOrInsert.
  std::string_view value(uint32_t index) const {
    return {reinterpret_cast<const char*>(bytes_.data()) + offsets_[index],
            offsets_[index + 1] - offsets_[index]};
  }
  void AppendPlain(Buffer* out) const;
  void Clear();

  static uint64_t Hash(std::string_view value);

 private:
  struct Slot {
    uint64_t hash;
    uint32_t index_plus_one;  // 0: empty
  };
  void Grow();

  size_t max_entries_;
  size_t max_bytes_;
  Buffer bytes_;
  std::vector<uint32_t> offsets_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

}  // namespace frocket::parquet
