// Reading primitives of the Thrift compact protocol, the encoding of every Parquet metadata
// structure (footer, page headers, page index).
//
// Contract: a CompactReader reads from a caller-owned byte range that must outlive it (binary
// values are returned as views into that range, so nothing is copied until the caller decides
// to). Every read is bounds-checked: running past the end, a varint longer than 10 bytes, an
// integer that does not fit its declared width, a container whose size exceeds the bytes left,
// an invalid type nibble, or nesting deeper than kMaxDepth throws Error(kCorruptFile) with a
// message starting "thrift: ". Nothing here allocates from a length read from the input.
//
// The reader is not thread-safe; use one per decode.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace frocket::parquet {

// Doubles are copied as-is; the compact protocol writes them little-endian.
static_assert(std::endian::native == std::endian::little, "frocket assumes a little-endian host");

// The type nibble of the compact protocol. In a field header, kBoolTrue/kBoolFalse carry the
// value of a bool field; as a container element type either one means "bool, one byte each".
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// "i32", "struct", ... for error messages; "invalid" for nibbles 13-15.
const char* CompactTypeName(CompactType type);

struct CompactField {
  int16_t id = 0;
  CompactType type = CompactType::kStop;
  // For bool fields the value lives in the header; this is it.
  bool bool_value() const { return type == CompactType::kBoolTrue; }
  bool is_bool() const { return type == CompactType::kBoolTrue || type == CompactType::kBoolFalse; }
};

struct CompactListHeader {
  CompactType element_type = CompactType::kStop;  // never kStop once read; bool is kBoolTrue
  uint32_t size = 0;
};

struct CompactMapHeader {
  CompactType key_type = CompactType::kStop;  // both kStop when size == 0
  CompactType value_type = CompactType::kStop;
  uint32_t size = 0;
};

class CompactReader {
 public:
  // Structs, lists and maps may nest this deep (the Parquet metadata needs about 8).
  static constexpr int kMaxDepth = 64;

  CompactReader(const uint8_t* data, size_t size) : begin_(data), pos_(data), end_(data + size) {}

  size_t position() const { return static_cast<size_t>(pos_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }

  // Call on entering a struct or container and leave on exit; throws past kMaxDepth. Decoders
  // use DepthGuard rather than calling these directly.
  void Enter() {
    if (++depth_ > kMaxDepth) ThrowTooDeep();
  }
  void Leave() { --depth_; }

  // Reads the next field header of a struct whose previous field id is *last_id (0 at the start
  // of a struct) and updates it. Returns false at the stop byte that ends the struct.
  bool ReadFieldHeader(int16_t* last_id, CompactField* field) {
    uint8_t byte = ReadRawByte();
    auto type = static_cast<CompactType>(byte & 0x0f);
    if (type == CompactType::kStop) {
      // A stop byte is a whole zero byte; a delta with type 0 is not a valid header.
      if (byte != 0) ThrowBadFieldHeader(byte);
      return false;
    }
    if (static_cast<uint8_t>(type) > static_cast<uint8_t>(CompactType::kStruct)) {
      ThrowBadType("field type", byte & 0x0f);
    }
    int delta = byte >> 4;
    if (delta != 0) {
      int id = *last_id + delta;
      if (id > INT16_MAX) ThrowFieldIdOverflow(id);
      field->id = static_cast<int16_t>(id);
    } else {
      field->id = ReadI16();
    }
    field->type = type;
    *last_id = field->id;
    return true;
  }

  int8_t ReadByte() { return static_cast<int8_t>(ReadRawByte()); }

  int16_t ReadI16() {
    uint64_t u = ReadVarint();
    if (u > 0xffff) ThrowIntOverflow("i16", u);
    return static_cast<int16_t>(ZigZag32(static_cast<uint32_t>(u)));
  }

  int32_t ReadI32() {
    uint64_t u = ReadVarint();
    if (u > 0xffffffffu) ThrowIntOverflow("i32", u);
    return ZigZag32(static_cast<uint32_t>(u));
  }

  int64_t ReadI64() {
    uint64_t u = ReadVarint();
    return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  }

  double ReadDouble() {
    Need(8);
    // The compact protocol writes doubles little-endian, which is also our byte order.
    double value;
    std::memcpy(&value, pos_, 8);
    pos_ += 8;
    return value;
  }

  // A binary or string value: a view into the input.
  std::string_view ReadBinary() {
    uint64_t length = ReadVarint();
    if (length > remaining()) ThrowLengthTooLarge("binary of", length, "bytes");
    std::string_view value(reinterpret_cast<const char*>(pos_), static_cast<size_t>(length));
    pos_ += length;
    return value;
  }

  // A list or set header. The size is checked against the bytes left (every element takes at
  // least one byte, bools included), so a caller may reserve `size` small elements safely.
  CompactListHeader ReadListHeader() {
    uint8_t byte = ReadRawByte();
    CompactListHeader header;
    header.element_type = ElementType(byte & 0x0f);
    uint64_t size = byte >> 4;
    if (size == 15) size = ReadVarint();
    if (size > remaining()) ThrowLengthTooLarge("list of", size, "elements");
    header.size = static_cast<uint32_t>(size);
    return header;
  }

  // A map header; every entry takes at least two bytes (key and value).
  CompactMapHeader ReadMapHeader() {
    CompactMapHeader header;
    uint64_t size = ReadVarint();
    if (size == 0) return header;
    if (size > remaining() / 2) ThrowLengthTooLarge("map of", size, "entries");
    uint8_t types = ReadRawByte();
    header.key_type = ElementType(types >> 4);
    header.value_type = ElementType(types & 0x0f);
    header.size = static_cast<uint32_t>(size);
    return header;
  }

  // A bool that is a list or map element (one byte; 1 is true). Bool fields are read from the
  // field header instead (CompactField::bool_value).
  bool ReadBoolElement() {
    // Writers use 1 for true and 2 (current) or 0 (old Java) for false. Like every other
    // reader, anything but 1 is false: rejecting odd bytes would buy nothing.
    return ReadRawByte() == 1;
  }

  // Skips one value of the given type, including any nested structs and containers.
  void Skip(CompactType type);

  // Skips a whole list whose header is already read.
  void SkipListElements(const CompactListHeader& header);

 private:
  uint8_t ReadRawByte() {
    if (pos_ == end_) ThrowTruncated(1);
    return *pos_++;
  }

  void Need(size_t n) {
    if (remaining() < n) ThrowTruncated(n);
  }

  uint64_t ReadVarint() {
    // Most varints in Parquet metadata are a single byte: field ids, small sizes, enum values.
    if (pos_ != end_ && *pos_ < 0x80) return *pos_++;
    return ReadVarintSlow();
  }
  uint64_t ReadVarintSlow();

  CompactType ElementType(uint8_t nibble) {
    if (nibble == 0 || nibble > static_cast<uint8_t>(CompactType::kStruct)) {
      ThrowBadType("element type", nibble);
    }
    auto type = static_cast<CompactType>(nibble);
    return type == CompactType::kBoolFalse ? CompactType::kBoolTrue : type;
  }

  static int32_t ZigZag32(uint32_t u) {
    return static_cast<int32_t>(u >> 1) ^ -static_cast<int32_t>(u & 1);
  }

  [[noreturn]] void ThrowTruncated(size_t wanted) const;
  [[noreturn]] void ThrowTooDeep() const;
  [[noreturn]] void ThrowBadFieldHeader(uint8_t byte) const;
  [[noreturn]] void ThrowBadType(const char* what, unsigned nibble) const;
  [[noreturn]] void ThrowFieldIdOverflow(int id) const;
  [[noreturn]] void ThrowIntOverflow(const char* width, uint64_t value) const;
  [[noreturn]] void ThrowLengthTooLarge(const char* what, uint64_t size, const char* unit) const;

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  int depth_ = 0;
};

// Counts one level of nesting for as long as it lives.
class DepthGuard {
 public:
  explicit DepthGuard(CompactReader& reader) : reader_(reader) { reader_.Enter(); }
  ~DepthGuard() { reader_.Leave(); }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  CompactReader& reader_;
};

}  // namespace frocket::parquet
