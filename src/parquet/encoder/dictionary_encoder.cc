#include "parquet/encoder/dictionary_encoder.h"

#include <algorithm>

#include "parquet/encoder/plain_encoder.h"

namespace frocket::parquet {
namespace {

constexpr size_t kInitialSlots = 1024;

uint64_t Mix(uint64_t w) {
  w ^= w >> 31;
  w *= 0xBF58476D1CE4E5B9ULL;
  w ^= w >> 29;
  return w;
}

}  // namespace

template <typename K>
FixedDictionary<K>::FixedDictionary(size_t max_entries, size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes) {
  slots_.assign(kInitialSlots, Slot{0, 0});
  mask_ = kInitialSlots - 1;
}

template <typename K>
void FixedDictionary<K>::Clear() {
  values_.clear();
  if (slots_.size() > kInitialSlots * 64) {
    // A huge table from one chunk should not tax the memset of every later chunk.
    slots_.assign(kInitialSlots, Slot{0, 0});
    slots_.shrink_to_fit();
    mask_ = kInitialSlots - 1;
  } else {
    std::fill(slots_.begin(), slots_.end(), Slot{0, 0});
  }
}

template <typename K>
void FixedDictionary<K>::Grow() {
  size_t capacity = slots_.size() * 2;
  slots_.assign(capacity, Slot{0, 0});
  mask_ = capacity - 1;
  for (uint32_t i = 0; i < values_.size(); ++i) {
    uint64_t slot = Hash(values_[i]) & mask_;
    while (slots_[slot].index_plus_one != 0) slot = (slot + 1) & mask_;
    slots_[slot] = Slot{values_[i], i + 1};
  }
}

template class FixedDictionary<uint32_t>;
template class FixedDictionary<uint64_t>;

ByteArrayDictionary::ByteArrayDictionary(size_t max_entries, size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes) {
  offsets_.push_back(0);
  slots_.assign(kInitialSlots, Slot{0, 0});
  mask_ = kInitialSlots - 1;
}

uint64_t ByteArrayDictionary::Hash(std::string_view value) {
  // One multiply per 8 bytes and a final mix: dictionary strings are short, and the table only
  // needs the low bits well spread.
  const char* p = value.data();
  size_t n = value.size();
  uint64_t h = 0x243F6A8885A308D3ULL ^ n;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
  }
  return Mix(h);
}

bool ByteArrayDictionary::GetOrInsert(std::string_view value, uint32_t* index) {
  uint64_t h = Hash(value);
  uint64_t slot = h & mask_;
  while (true) {
    const Slot& s = slots_[slot];
    if (s.index_plus_one == 0) break;
    if (s.hash == h && this->value(s.index_plus_one - 1) == value) {
      *index = s.index_plus_one - 1;
      return true;
    }
    slot = (slot + 1) & mask_;
  }
  if (size() + 1 > max_entries_ || plain_bytes() + 4 + value.size() > max_bytes_ ||
      bytes_.size() + value.size() > UINT32_MAX) {
    return false;
  }
  *index = static_cast<uint32_t>(size());
  bytes_.Append(value.data(), value.size());
  offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  slots_[slot] = Slot{h, *index + 1};
  if (size() * 2 > slots_.size()) Grow();
  return true;
}

void ByteArrayDictionary::Grow() {
  // The slots keep each entry's hash, so growing never rehashes the bytes.
  std::vector<Slot> old(slots_.size() * 2, Slot{0, 0});
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.index_plus_one == 0) continue;
    uint64_t slot = s.hash & mask_;
    while (slots_[slot].index_plus_one != 0) slot = (slot + 1) & mask_;
    slots_[slot] = s;
  }
}

void ByteArrayDictionary::AppendPlain(Buffer* out) const {
  out->Reserve(out->size() + plain_bytes());
  for (uint32_t i = 0; i < size(); ++i) PlainEncoder::AppendByteArray(value(i), out);
}

void ByteArrayDictionary::Clear() {
  bytes_.Clear();
  offsets_.assign(1, 0);
  if (slots_.size() > kInitialSlots * 64) {
    slots_.assign(kInitialSlots, Slot{0, 0});
    slots_.shrink_to_fit();
    mask_ = kInitialSlots - 1;
  } else {
    std::fill(slots_.begin(), slots_.end(), Slot{0, 0});
  }
}

}  // namespace frocket::parquet
