// A growable byte buffer that does not zero its contents on resize, for decoders that overwrite
// every byte they allocate. std::vector<uint8_t> would memset first, which shows in profiles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace frocket {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t size) { Resize(size); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept { *this = std::move(other); }
  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = other.data_;
      size_ = other.size_;
      capacity_ = other.capacity_;
      other.data_ = nullptr;
      other.size_ = other.capacity_ = 0;
    }
    return *this;
  }
  ~Buffer() { std::free(data_); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  template <typename T>
  T* as() { return reinterpret_cast<T*>(data_); }
  template <typename T>
  const T* as() const { return reinterpret_cast<const T*>(data_); }

  // Keeps the first min(size, new_size) bytes; new bytes are uninitialized. Always keeps 16
  // bytes of slack past the end so that word-at-a-time decoders may read a little beyond.
  void Resize(size_t new_size) {
    Reserve(new_size);
    size_ = new_size;
  }
  void Reserve(size_t capacity) {
    if (capacity <= capacity_ && data_ != nullptr) return;
    size_t grown = capacity_ + capacity_ / 2;
    if (grown > capacity) capacity = grown;
    auto* fresh = static_cast<uint8_t*>(std::realloc(data_, capacity + kSlack));
    if (fresh == nullptr) throw std::bad_alloc();
    std::memset(fresh + capacity, 0, kSlack);
    data_ = fresh;
    capacity_ = capacity;
  }
  void Append(const void* bytes, size_t n) {
    size_t old = size_;
    Resize(size_ + n);
    if (n != 0) std::memcpy(data_ + old, bytes, n);
  }
  void Clear() { size_ = 0; }

 private:
  static constexpr size_t kSlack = 16;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace frocket
