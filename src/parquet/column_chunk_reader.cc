#include "parquet/column_chunk_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "common/error.h"
#include "parquet/codec/codec.h"
#include "parquet/decoder/byte_array_builder.h"
#include "parquet/decoder/byte_stream_split_decoder.h"
#include "parquet/decoder/delta_binary_packed_decoder.h"
#include "parquet/decoder/delta_byte_array_decoder.h"
#include "parquet/decoder/delta_length_byte_array_decoder.h"
#include "parquet/decoder/plain_decoder.h"
#include "parquet/decoder/rle_bit_packed_decoder.h"
#include "parquet/thrift/metadata_codec.h"

namespace frocket::parquet {
namespace {

// A page may not inflate beyond this; real writers stay near 1 MiB. It keeps a bogus header
// from driving a huge allocation.
constexpr int64_t kMaxPageBytes = int64_t{1} << 30;
// Decoded fixed-width values of one chunk are capped likewise.
constexpr uint64_t kMaxChunkValueBytes = uint64_t{4} << 30;
// The most reserved up front from the row count in the footer, before pages prove the values.
constexpr uint64_t kMaxReservedChunkBytes = uint64_t{64} << 20;

bool IsDictionaryEncoding(Encoding e) {
  return e == Encoding::kPlainDictionary || e == Encoding::kRleDictionary;
}

// Where a page's values come from. One implementation per encoding; called once per run of
// non-null values (not per value), so the virtual call is cheap.
class ValueSource {
 public:
  virtual ~ValueSource() = default;
  // n fixed-width values (width bytes each; booleans one byte) to out.
  virtual void Fixed(uint8_t* out, size_t n) = 0;
  // n byte arrays appended to builder.
  virtual void Bytes(ByteArrayBuilder* builder, size_t n) = 0;
  // n dictionary codes (only dictionary sources).
  virtual void Codes(uint32_t* out, size_t n) { ThrowCorrupt("internal: codes from a non-dictionary page"); }
};

class ChunkReader {
 public:
  ChunkReader(const ChunkLocation& location, const ChunkContext& context,
              const ColumnDescriptor& column, const ColumnMetaData& meta, int64_t num_rows,
              const ReadOptions& options)
      : location_(location),
        context_(context),
        column_(column),
        meta_(meta),
        num_rows_(num_rows),
        options_(options),
        width_(PhysicalWidth(column.physical, column.type_length)) {}

  ColumnVector Read();

  [[noreturn]] void Fail(const std::string& what) const {
    ThrowCorrupt(Where() + what);
  }
  std::string Where() const {
    std::string where = context_.file_name + ": row group " + std::to_string(context_.row_group) +
                        ", column '" + context_.column_name + "'";
    if (page_index_ >= 0) where += ", page " + std::to_string(page_index_);
    return where + ": ";
  }

  const ColumnDescriptor& column() const { return column_; }
  int width() const { return width_; }
  const ColumnVector* dictionary() const { return dictionary_.get(); }

 private:
  // Makes chunk_ cover the file range [chunk_start_, end). end must be <= read_limit.
  void EnsureBytes(uint64_t end);
  PageHeader ReadPageHeader(uint64_t* header_size);
  const uint8_t* PagePayload(const PageHeader& header, uint64_t payload_offset);
  void CheckCrc(const PageHeader& header, const uint8_t* payload);
  const uint8_t* Decompress(const uint8_t* src, size_t src_size, size_t uncompressed_size,
                            Buffer* scratch);

  void ReadDictionaryPage(const PageHeader& header, const uint8_t* payload);
  void ReadDataPage(const PageHeader& header, const uint8_t* payload);
  void ReadDataPageV2(const PageHeader& header, const uint8_t* payload);
  // Decodes num_values values of the page whose definition levels are in `levels` (nullptr when
  // the column is required) and whose encoded values are [values, values + size).
  void DecodeValues(Encoding encoding, const uint8_t* levels, size_t num_values,
                    size_t num_non_null, const uint8_t* values, size_t size);
  std::unique_ptr<ValueSource> MakeSource(Encoding encoding, const uint8_t* data, size_t size,
                                          size_t num_non_null);
  // Decodes RLE / bit-packed definition levels into levels_ and sets validity bits.
  size_t DecodeLevels(const uint8_t* data, size_t size, size_t num_values, bool bit_packed_legacy);
  void GrowOutput(size_t num_values);
  void Materialize();  // leaves dictionary form after a non-dictionary page

  const ChunkLocation& location_;
  const ChunkContext& context_;
  const ColumnDescriptor& column_;
  const ColumnMetaData& meta_;
  int64_t num_rows_;
  const ReadOptions& options_;
  int width_;

  // Scratch space lives per thread and is reused across chunks: allocating it afresh for
  // every chunk costs a page fault per 4 KiB touched, which dominated plain scans.
  struct Scratch {
    Buffer chunk;
    Buffer page;
    Buffer levels;
  };
  static Scratch& ThreadScratch() {
    thread_local Scratch scratch;
    return scratch;
  }
  Buffer& chunk_ = ThreadScratch().chunk;
  uint64_t chunk_end_ = 0;  // file offset one past the last byte in chunk_
  uint64_t pos_ = 0;        // file offset of the next page
  int page_index_ = -1;
  Buffer& page_buffer_ = ThreadScratch().page;   // decompressed page
  Buffer& levels_ = ThreadScratch().levels;      // one byte per value
  bool uniform_levels_ = false;  // the last page's levels were one run

  std::shared_ptr<ColumnVector> dictionary_;
  bool dictionary_form_ = false;
  bool seen_data_page_ = false;
  ColumnVector out_;
  int64_t rows_done_ = 0;
};

// ---- value sources, one per encoding -------------------------------------------------------

class PlainSource final : public ValueSource {
 public:
  PlainSource(const ChunkReader& reader, const uint8_t* data, size_t size)
      : reader_(reader), decoder_(data, size) {}
  void Fixed(uint8_t* out, size_t n) override {
    if (reader_.column().physical == PhysicalType::kBoolean) {
      decoder_.DecodeBooleans(out, n);
    } else {
      decoder_.DecodeFixed(reader_.width(), out, n);
    }
  }
  void Bytes(ByteArrayBuilder* builder, size_t n) override { decoder_.DecodeByteArrays(builder, n); }

 private:
  const ChunkReader& reader_;
  PlainDecoder decoder_;
};

class DictionarySource final : public ValueSource {
 public:
  DictionarySource(const ChunkReader& reader, const uint8_t* data, size_t size)
      : reader_(reader), dict_(*reader.dictionary()) {
    if (size == 0) reader.Fail("dictionary-encoded page has no bit width byte");
    int bit_width = data[0];
    if (bit_width > 32) {
      reader.Fail("dictionary index bit width " + std::to_string(bit_width) + " exceeds 32");
    }
    decoder_ = RleBitPackedDecoder(data + 1, size - 1, bit_width);
    all_indices_valid_ = bit_width < 32 && (uint64_t{1} << bit_width) <= static_cast<uint64_t>(dict_.size);
  }
  void Fixed(uint8_t* out, size_t n) override {
    uint32_t dict_size = static_cast<uint32_t>(dict_.size);
    size_t got;
    switch (reader_.width()) {
      case 1: got = decoder_.GetBatchWithDictionary(dict_.values.as<uint8_t>(), dict_size, out, n); break;
      case 4:
        got = decoder_.GetBatchWithDictionary(dict_.values.as<uint32_t>(), dict_size,
                                              reinterpret_cast<uint32_t*>(out), n);
        break;
      case 8:
        got = decoder_.GetBatchWithDictionary(dict_.values.as<uint64_t>(), dict_size,
                                              reinterpret_cast<uint64_t*>(out), n);
        break;
      default: {
        Indices(n);
        int w = reader_.width();
        for (size_t i = 0; i < n; ++i) {
          std::memcpy(out + i * w, dict_.values.data() + static_cast<size_t>(indices_[i]) * w, w);
        }
        got = n;
      }
    }
    if (got != n) Short(got, n);
  }
  void Bytes(ByteArrayBuilder* builder, size_t n) override {
    Indices(n);
    const uint32_t* off = dict_.offsets.as<uint32_t>();
    size_t total = 0;
    for (size_t i = 0; i < n; ++i) total += off[indices_[i] + 1] - off[indices_[i]];
    builder->Reserve(n, total);
    for (size_t i = 0; i < n; ++i) {
      std::string_view v = dict_.GetBytes(indices_[i]);
      builder->Append(v.data(), v.size());
    }
  }
  void Codes(uint32_t* out, size_t n) override {
    size_t got = decoder_.GetBatch(out, n);
    if (got != n) Short(got, n);
    CheckIndices(out, n);
  }

 private:
  void Indices(size_t n) {
    indices_.resize(n);
    size_t got = decoder_.GetBatch(indices_.data(), n);
    if (got != n) Short(got, n);
    CheckIndices(indices_.data(), n);
  }
  // One branch-free pass for the maximum (it vectorizes), then one comparison; skipped when
  // the bit width cannot express an index past the dictionary.
  void CheckIndices(const uint32_t* indices, size_t n) const {
    if (all_indices_valid_) return;
    uint32_t max = 0;
    for (size_t i = 0; i < n; ++i) max = std::max(max, indices[i]);
    if (max >= static_cast<uint32_t>(dict_.size)) BadIndex(max);
  }
  [[noreturn]] void Short(size_t got, size_t n) const {
    reader_.Fail("page holds " + std::to_string(got) + " dictionary indices where " +
                 std::to_string(n) + " were expected");
  }
  [[noreturn]] void BadIndex(uint32_t index) const {
    reader_.Fail("dictionary index " + std::to_string(index) + " out of range (dictionary has " +
                 std::to_string(dict_.size) + " entries)");
  }

  const ChunkReader& reader_;
  const ColumnVector& dict_;
  RleBitPackedDecoder decoder_;
  std::vector<uint32_t> indices_;
  bool all_indices_valid_ = false;
};

class RleBooleanSource final : public ValueSource {
 public:
  RleBooleanSource(const ChunkReader& reader, const uint8_t* data, size_t size) : reader_(reader) {
    // RLE-encoded booleans carry a 4-byte length prefix, in v1 and v2 pages alike.
    if (size < 4) reader.Fail("RLE boolean page is shorter than its length prefix");
    uint32_t length;
    std::memcpy(&length, data, 4);
    if (length > size - 4) {
      reader.Fail("RLE boolean run length " + std::to_string(length) + " exceeds the " +
                  std::to_string(size - 4) + " bytes left");
    }
    decoder_ = RleBitPackedDecoder(data + 4, length, 1);
  }
  void Fixed(uint8_t* out, size_t n) override {
    size_t got = decoder_.GetBatch(out, n);
    if (got != n) {
      reader_.Fail("page holds " + std::to_string(got) + " booleans where " + std::to_string(n) +
                   " were expected");
    }
  }
  void Bytes(ByteArrayBuilder*, size_t) override { reader_.Fail("RLE encoding on a byte array column"); }

 private:
  const ChunkReader& reader_;
  RleBitPackedDecoder decoder_;
};

template <typename T>
class DeltaBinaryPackedSource final : public ValueSource {
 public:
  DeltaBinaryPackedSource(const ChunkReader& reader, const uint8_t* data, size_t size)
      : reader_(reader), decoder_(data, size) {}
  void Fixed(uint8_t* out, size_t n) override {
    size_t got = decoder_.Decode(reinterpret_cast<T*>(out), n);
    if (got != n) {
      reader_.Fail("DELTA_BINARY_PACKED page holds " + std::to_string(got) + " values where " +
                   std::to_string(n) + " were expected");
    }
  }
  void Bytes(ByteArrayBuilder*, size_t) override { reader_.Fail("DELTA_BINARY_PACKED on a byte array column"); }

 private:
  const ChunkReader& reader_;
  DeltaBinaryPackedDecoder<T> decoder_;
};

// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY; FIXED_LEN_BYTE_ARRAY columns may use the latter.
template <typename Decoder>
class ByteArraySource final : public ValueSource {
 public:
  ByteArraySource(const ChunkReader& reader, const uint8_t* data, size_t size)
      : reader_(reader), decoder_(data, size) {}
  void Fixed(uint8_t* out, size_t n) override {
    offsets_.Clear();
    bytes_.Clear();
    ByteArrayBuilder builder(&offsets_, &bytes_);
    decoder_.Decode(&builder, n);
    const uint32_t* off = offsets_.as<uint32_t>();
    int w = reader_.width();
    for (size_t i = 0; i < n; ++i) {
      if (off[i + 1] - off[i] != static_cast<uint32_t>(w)) {
        reader_.Fail("value of " + std::to_string(off[i + 1] - off[i]) +
                     " bytes in a FIXED_LEN_BYTE_ARRAY(" + std::to_string(w) + ") column");
      }
      std::memcpy(out + i * w, bytes_.data() + off[i], w);
    }
  }
  void Bytes(ByteArrayBuilder* builder, size_t n) override { decoder_.Decode(builder, n); }

 private:
  const ChunkReader& reader_;
  Decoder decoder_;
  Buffer offsets_;
  Buffer bytes_;
};

class ByteStreamSplitSource final : public ValueSource {
 public:
  ByteStreamSplitSource(const ChunkReader& reader, const uint8_t* data, size_t size, size_t count)
      : reader_(reader), decoder_(data, size, reader.width(), count) {}
  void Fixed(uint8_t* out, size_t n) override { decoder_.Decode(out, n); }
  void Bytes(ByteArrayBuilder*, size_t) override { reader_.Fail("BYTE_STREAM_SPLIT on a byte array column"); }

 private:
  const ChunkReader& reader_;
  ByteStreamSplitDecoder decoder_;
};

// ---- the chunk reader ----------------------------------------------------------------------

void ChunkReader::EnsureBytes(uint64_t end) {
  if (end <= chunk_end_) return;
  if (end > location_.read_limit) Fail("page runs past the end of the column data");
  // Read the missing part, and a little more, so that a chunk whose declared size is too small
  // (some writers got total_compressed_size wrong) costs few extra reads.
  uint64_t want = std::min<uint64_t>(location_.read_limit, std::max(end, chunk_end_ + 65536));
  Buffer more;
  location_.file->ReadAt(chunk_end_, want - chunk_end_, &more);
  chunk_.Append(more.data(), more.size());
  chunk_end_ = want;
}

PageHeader ChunkReader::ReadPageHeader(uint64_t* header_size) {
  PageHeader header;
  while (true) {
    if (pos_ >= chunk_end_) EnsureBytes(std::min<uint64_t>(pos_ + 256, location_.read_limit));
    size_t offset = pos_ - location_.start;
    size_t available = chunk_end_ - pos_;
    try {
      *header_size = DecodePageHeader(chunk_.data() + offset, available, &header);
      return header;
    } catch (const Error& e) {
      // The header may only look truncated because the declared chunk size is too small;
      // any other decoding error is real damage.
      bool truncated = std::string_view(e.what()).rfind("thrift: input ends early", 0) == 0;
      if (!truncated || chunk_end_ >= location_.read_limit || available >= (uint64_t{1} << 24)) {
        Fail(std::string("bad page header: ") + e.what());
      }
      EnsureBytes(std::min<uint64_t>(location_.read_limit, chunk_end_ + std::max<uint64_t>(available, 4096)));
    }
  }
}

const uint8_t* ChunkReader::PagePayload(const PageHeader& header, uint64_t payload_offset) {
  if (header.compressed_page_size < 0 || header.uncompressed_page_size < 0) {
    Fail("negative page size in page header");
  }
  uint64_t end = payload_offset + static_cast<uint64_t>(header.compressed_page_size);
  if (end > location_.read_limit) {
    Fail("page of " + std::to_string(header.compressed_page_size) +
         " bytes runs past the end of the column data");
  }
  EnsureBytes(end);
  return chunk_.data() + (payload_offset - location_.start);
}

void ChunkReader::CheckCrc(const PageHeader& header, const uint8_t* payload) {
  if (!header.crc.has_value() || !options_.verify_checksums) return;
  uint32_t actual = static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), payload, static_cast<uInt>(header.compressed_page_size)));
  if (actual != static_cast<uint32_t>(*header.crc)) {
    Fail("page CRC mismatch (stored " + std::to_string(static_cast<uint32_t>(*header.crc)) +
         ", computed " + std::to_string(actual) + ")");
  }
}

const uint8_t* ChunkReader::Decompress(const uint8_t* src, size_t src_size,
                                       size_t uncompressed_size, Buffer* scratch) {
  if (meta_.codec == Codec::kUncompressed) {
    if (src_size != uncompressed_size) {
      Fail("uncompressed page holds " + std::to_string(src_size) + " bytes but its header says " +
           std::to_string(uncompressed_size));
    }
    return src;
  }
  if (static_cast<int64_t>(uncompressed_size) > kMaxPageBytes) {
    Fail("page claims " + std::to_string(uncompressed_size) + " bytes uncompressed (limit 1 GiB)");
  }
  scratch->Resize(uncompressed_size);
  try {
    parquet::Decompress(meta_.codec, src, src_size, scratch->data(), uncompressed_size);
  } catch (const Error& e) {
    throw Error(e.kind(), Where() + e.what());
  }
  return scratch->data();
}

void ChunkReader::GrowOutput(size_t num_values) {
  uint64_t rows = static_cast<uint64_t>(rows_done_) + num_values;
  if (column_.physical == PhysicalType::kByteArray && !dictionary_form_) return;
  uint64_t width = dictionary_form_ ? 4 : static_cast<uint64_t>(width_);
  if (rows * width > kMaxChunkValueBytes) {
    throw Error(ErrorKind::kNotSupported, Where() + "column chunk decodes to more than 4 GiB");
  }
  out_.values.Resize(rows * width);
}

namespace {

// Packs eight 0/1 bytes into one byte, byte i becoming bit i: each byte's bit lands in the
// top byte of the product at its own position, with no carries between them.
inline uint64_t PackEightLevels(const uint8_t* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return (x * 0x0102040810204080ULL) >> 56;
}

// ORs the `n` low bits of `word` into the bitmap at bit `start`.
inline void OrBits(uint64_t* bits, uint64_t start, uint64_t word, size_t n) {
  if (n < 64) word &= (uint64_t{1} << n) - 1;
  unsigned shift = start & 63;
  bits[start >> 6] |= word << shift;
  if (shift != 0 && shift + n > 64) bits[(start >> 6) + 1] |= word >> (64 - shift);
}

}  // namespace

size_t ChunkReader::DecodeLevels(const uint8_t* data, size_t size, size_t num_values,
                                 bool bit_packed_legacy) {
  // Make room for the page's validity bits (one spare word for unaligned ORs).
  uint64_t first = static_cast<uint64_t>(rows_done_);
  size_t words = (first + num_values + 63) / 64 + 1;
  size_t old_words = out_.validity.size() / 8;
  if (words > old_words) {
    out_.validity.Resize(words * 8);
    std::memset(out_.validity.data() + old_words * 8, 0, (words - old_words) * 8);
  }
  uint64_t* bits = out_.validity.as<uint64_t>();
  if (num_values == 0) return 0;

  if (!bit_packed_legacy) {
    // Fast path: a page that is one run of the same level (no nulls, or all nulls) needs no
    // per-value work. Writers emit exactly that for columns without nulls.
    RleBitPackedDecoder peek(data, size, 1);
    uint32_t value = 0;
    if (peek.PeekRepeatedRun(&value) >= num_values) {
      if (value > 1) Fail("definition level above the column's maximum of 1");
      if (value == 1) {
        for (size_t done = 0; done < num_values; done += 64) {
          OrBits(bits, first + done, ~uint64_t{0}, std::min<size_t>(64, num_values - done));
        }
      }
      uniform_levels_ = true;
      return value == 1 ? num_values : 0;
    }
  }
  uniform_levels_ = false;
  levels_.Resize(num_values + 8);
  uint8_t* levels = levels_.data();
  if (bit_packed_legacy) {
    // The deprecated BIT_PACKED level encoding packs from the most significant bit.
    if (size * 8 < num_values) Fail("page has fewer definition levels than values");
    for (size_t i = 0; i < num_values; ++i) levels[i] = (data[i >> 3] >> (7 - (i & 7))) & 1;
  } else {
    RleBitPackedDecoder decoder(data, size, 1);
    size_t got = decoder.GetBatch(levels, num_values);
    if (got != num_values) {
      Fail("page has " + std::to_string(got) + " definition levels for " +
           std::to_string(num_values) + " values");
    }
  }
  uint8_t bad = 0;
  for (size_t i = 0; i < num_values; ++i) bad |= levels[i];
  if (bad > 1) Fail("definition level above the column's maximum of 1");
  std::memset(levels + num_values, 0, 8);  // so the last group of eight packs cleanly
  size_t non_null = 0;
  for (size_t done = 0; done < num_values; done += 64) {
    size_t n = std::min<size_t>(64, num_values - done);
    uint64_t word = 0;
    for (size_t k = 0; k < n; k += 8) word |= PackEightLevels(levels + done + k) << k;
    non_null += static_cast<size_t>(__builtin_popcountll(word));
    OrBits(bits, first + done, word, n);
  }
  return non_null;
}

std::unique_ptr<ValueSource> ChunkReader::MakeSource(Encoding encoding, const uint8_t* data,
                                                     size_t size, size_t num_non_null) {
  PhysicalType p = column_.physical;
  auto unsupported = [&]() -> std::unique_ptr<ValueSource> {
    throw Error(ErrorKind::kNotSupported, Where() + "encoding " + EncodingName(encoding) + " (" +
                                              std::to_string(static_cast<int>(encoding)) +
                                              ") is not supported for " + PhysicalTypeName(p) +
                                              " columns");
  };
  switch (encoding) {
    case Encoding::kPlain: return std::make_unique<PlainSource>(*this, data, size);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      if (dictionary_ == nullptr) Fail("dictionary-encoded page but the chunk has no dictionary page");
      return std::make_unique<DictionarySource>(*this, data, size);
    case Encoding::kRle:
      if (p != PhysicalType::kBoolean) return unsupported();
      return std::make_unique<RleBooleanSource>(*this, data, size);
    case Encoding::kDeltaBinaryPacked:
      if (p == PhysicalType::kInt32) return std::make_unique<DeltaBinaryPackedSource<int32_t>>(*this, data, size);
      if (p == PhysicalType::kInt64) return std::make_unique<DeltaBinaryPackedSource<int64_t>>(*this, data, size);
      return unsupported();
    case Encoding::kDeltaLengthByteArray:
      if (p != PhysicalType::kByteArray) return unsupported();
      return std::make_unique<ByteArraySource<DeltaLengthByteArrayDecoder>>(*this, data, size);
    case Encoding::kDeltaByteArray:
      if (p != PhysicalType::kByteArray && p != PhysicalType::kFixedLenByteArray) return unsupported();
      return std::make_unique<ByteArraySource<DeltaByteArrayDecoder>>(*this, data, size);
    case Encoding::kByteStreamSplit:
      if (p == PhysicalType::kBoolean || p == PhysicalType::kByteArray || p == PhysicalType::kInt96) {
        return unsupported();
      }
      return std::make_unique<ByteStreamSplitSource>(*this, data, size, num_non_null);
    case Encoding::kBitPacked: return unsupported();
  }
  return unsupported();
}

void ChunkReader::Materialize() {
  // Expand codes to values; called when a chunk falls back from dictionary to plain pages.
  ColumnVector codes;
  codes.values = std::move(out_.values);
  dictionary_form_ = false;
  const ColumnVector& dict = *dictionary_;
  const uint32_t* c = codes.values.as<uint32_t>();
  if (column_.physical == PhysicalType::kByteArray) {
    ByteArrayBuilder builder(&out_.offsets, &out_.bytes);
    for (int64_t i = 0; i < rows_done_; ++i) {
      if (out_.IsValid(i)) {
        std::string_view v = dict.GetBytes(c[i]);
        builder.Append(v.data(), v.size());
      } else {
        builder.AppendEmpty(1);
      }
    }
  } else {
    out_.values.Resize(static_cast<size_t>(rows_done_) * width_);
    for (int64_t i = 0; i < rows_done_; ++i) {
      if (out_.IsValid(i)) {
        std::memcpy(out_.values.data() + i * width_, dict.values.data() + size_t{c[i]} * width_, width_);
      } else {
        std::memset(out_.values.data() + i * width_, 0, width_);
      }
    }
  }
}

void ChunkReader::DecodeValues(Encoding encoding, const uint8_t* levels, size_t num_values,
                               size_t num_non_null, const uint8_t* values, size_t size) {
  bool dict_page = IsDictionaryEncoding(encoding);
  if (!seen_data_page_) {
    seen_data_page_ = true;
    dictionary_form_ = options_.keep_dictionary && dict_page && dictionary_ != nullptr &&
                       dictionary_->size > 0;
    if (dictionary_form_) out_.dictionary = dictionary_;
    // The row group says how many values the chunk holds: reserving them at once saves the
    // copies of growing page by page (6% of a funnel query's instructions). The footer is not
    // trusted beyond a modest size; past it the buffer grows as pages arrive.
    if (column_.physical != PhysicalType::kByteArray || dictionary_form_) {
      const uint64_t width = dictionary_form_ ? 4 : static_cast<uint64_t>(width_);
      const uint64_t expected = static_cast<uint64_t>(num_rows_) * width;
      if (expected <= kMaxReservedChunkBytes) out_.values.Reserve(expected);
    }
  } else if (dictionary_form_ && !dict_page) {
    out_.dictionary.reset();
    Materialize();
  }
  GrowOutput(num_values);
  if (num_values == 0) return;
  std::unique_ptr<ValueSource> source = MakeSource(encoding, values, size, num_non_null);

  bool bytes = column_.physical == PhysicalType::kByteArray && !dictionary_form_;
  size_t w = dictionary_form_ ? 4 : static_cast<size_t>(width_);
  ByteArrayBuilder* builder = nullptr;
  std::optional<ByteArrayBuilder> builder_storage;
  if (bytes) {
    builder_storage.emplace(&out_.offsets, &out_.bytes);
    builder = &*builder_storage;
  }
  auto take = [&](size_t first, size_t n) {
    if (bytes) {
      source->Bytes(builder, n);
    } else if (dictionary_form_) {
      source->Codes(reinterpret_cast<uint32_t*>(out_.values.data()) + rows_done_ + first, n);
    } else {
      source->Fixed(out_.values.data() + (rows_done_ + first) * w, n);
    }
  };
  auto nulls = [&](size_t first, size_t n) {
    if (bytes) {
      builder->AppendEmpty(n);
    } else {
      std::memset(out_.values.data() + (rows_done_ + first) * w, 0, n * w);
    }
  };
  if (num_non_null == num_values) {
    take(0, num_values);
  } else if (num_non_null == 0) {
    nulls(0, num_values);
  } else {
    size_t i = 0;
    while (i < num_values) {
      uint8_t v = levels[i];
      size_t j = i + 1;
      while (j < num_values && levels[j] == v) ++j;
      if (v) {
        take(i, j - i);
      } else {
        nulls(i, j - i);
      }
      i = j;
    }
  }
}

void ChunkReader::ReadDictionaryPage(const PageHeader& header, const uint8_t* payload) {
  if (dictionary_ != nullptr) Fail("second dictionary page in one column chunk");
  if (seen_data_page_) Fail("dictionary page after a data page");
  if (!header.dictionary_page_header) Fail("dictionary page without a dictionary page header");
  const DictionaryPageHeader& dph = *header.dictionary_page_header;
  if (dph.num_values < 0) Fail("dictionary page has a negative value count " + std::to_string(dph.num_values));
  if (dph.encoding != Encoding::kPlain && dph.encoding != Encoding::kPlainDictionary) {
    throw Error(ErrorKind::kNotSupported,
                Where() + "dictionary page encoding " + EncodingName(dph.encoding) + " is not supported");
  }
  const uint8_t* data = Decompress(payload, header.compressed_page_size,
                                   header.uncompressed_page_size, &page_buffer_);
  size_t size = static_cast<size_t>(header.uncompressed_page_size);
  size_t n = static_cast<size_t>(dph.num_values);
  // Bound the count by the bytes before allocating: every PLAIN value takes at least one bit
  // (booleans), four bytes (byte arrays) or its width.
  uint64_t min_bytes = column_.physical == PhysicalType::kBoolean     ? (n + 7) / 8
                       : column_.physical == PhysicalType::kByteArray ? uint64_t{n} * 4
                                                                      : uint64_t{n} * width_;
  if (min_bytes > size) {
    Fail("dictionary page claims " + std::to_string(n) + " values but holds only " +
         std::to_string(size) + " bytes");
  }
  auto dict = std::make_shared<ColumnVector>();
  dict->physical = column_.physical;
  dict->type_length = column_.type_length;
  dict->size = static_cast<int64_t>(n);
  PlainDecoder decoder(data, size);
  if (column_.physical == PhysicalType::kByteArray) {
    ByteArrayBuilder builder(&dict->offsets, &dict->bytes);
    builder.Reserve(n, size);
    decoder.DecodeByteArrays(&builder, n);
  } else {
    dict->values.Resize(n * width_);
    if (column_.physical == PhysicalType::kBoolean) {
      decoder.DecodeBooleans(dict->values.data(), n);
    } else {
      decoder.DecodeFixed(width_, dict->values.data(), n);
    }
  }
  dictionary_ = std::move(dict);
}

void ChunkReader::ReadDataPage(const PageHeader& header, const uint8_t* payload) {
  if (!header.data_page_header) Fail("data page without a data page header");
  const DataPageHeader& dph = *header.data_page_header;
  if (dph.num_values < 0) Fail("negative value count " + std::to_string(dph.num_values));
  size_t n = static_cast<size_t>(dph.num_values);
  if (static_cast<int64_t>(n) > num_rows_ - rows_done_) {
    Fail("page holds " + std::to_string(n) + " values but only " +
         std::to_string(num_rows_ - rows_done_) + " rows of the row group are left");
  }
  const uint8_t* data = Decompress(payload, header.compressed_page_size,
                                   header.uncompressed_page_size, &page_buffer_);
  size_t size = static_cast<size_t>(header.uncompressed_page_size);
  const uint8_t* levels = nullptr;
  size_t non_null = n;
  if (column_.max_definition_level > 0) {
    if (dph.definition_level_encoding == Encoding::kBitPacked) {
      size_t level_bytes = (n + 7) / 8;
      if (level_bytes > size) Fail("page is shorter than its definition levels");
      uniform_levels_ = false;
      non_null = DecodeLevels(data, level_bytes, n, /*bit_packed_legacy=*/true);
      data += level_bytes;
      size -= level_bytes;
    } else {
      if (size < 4) Fail("page is shorter than its definition level length prefix");
      uint32_t length;
      std::memcpy(&length, data, 4);
      if (length > size - 4) {
        Fail("definition levels of " + std::to_string(length) + " bytes exceed the " +
             std::to_string(size - 4) + " bytes of the page");
      }
      non_null = DecodeLevels(data + 4, length, n, /*bit_packed_legacy=*/false);
      data += 4 + length;
      size -= 4 + length;
    }
    levels = uniform_levels_ ? nullptr : levels_.data();
  }
  DecodeValues(dph.encoding, levels, n, non_null, data, size);
  rows_done_ += static_cast<int64_t>(n);
}

void ChunkReader::ReadDataPageV2(const PageHeader& header, const uint8_t* payload) {
  if (!header.data_page_header_v2) Fail("data page v2 without its header");
  const DataPageHeaderV2& dph = *header.data_page_header_v2;
  if (dph.num_values < 0 || dph.num_nulls < 0 || dph.num_rows < 0 ||
      dph.definition_levels_byte_length < 0 || dph.repetition_levels_byte_length < 0) {
    Fail("negative count or length in data page v2 header");
  }
  size_t n = static_cast<size_t>(dph.num_values);
  if (static_cast<int64_t>(n) > num_rows_ - rows_done_) {
    Fail("page holds " + std::to_string(n) + " values but only " +
         std::to_string(num_rows_ - rows_done_) + " rows of the row group are left");
  }
  uint64_t levels_size = uint64_t(dph.definition_levels_byte_length) + uint64_t(dph.repetition_levels_byte_length);
  if (levels_size > static_cast<uint64_t>(header.compressed_page_size) ||
      levels_size > static_cast<uint64_t>(header.uncompressed_page_size)) {
    Fail("level lengths exceed the page size");
  }
  // Levels are never compressed in v2 pages; only the values section is.
  const uint8_t* def = payload + dph.repetition_levels_byte_length;
  const uint8_t* levels = nullptr;
  size_t non_null = n;
  if (column_.max_definition_level > 0) {
    non_null = DecodeLevels(def, dph.definition_levels_byte_length, n, false);
    levels = uniform_levels_ ? nullptr : levels_.data();
  }
  const uint8_t* values = payload + levels_size;
  size_t compressed = header.compressed_page_size - levels_size;
  size_t uncompressed = header.uncompressed_page_size - levels_size;
  const uint8_t* data = values;
  if (compressed == 0) {
    // An empty values section (all nulls, or no values) is not fed to the decompressor.
    uncompressed = 0;
  } else if (dph.is_compressed && meta_.codec != Codec::kUncompressed) {
    data = Decompress(values, compressed, uncompressed, &page_buffer_);
  } else if (compressed != uncompressed) {
    Fail("uncompressed page values hold " + std::to_string(compressed) +
         " bytes but the header says " + std::to_string(uncompressed));
  }
  DecodeValues(dph.encoding, levels, n, non_null, data, uncompressed);
  rows_done_ += static_cast<int64_t>(n);
}

ColumnVector ChunkReader::Read() {
  out_.physical = column_.physical;
  out_.type_length = column_.type_length;
  if (column_.physical == PhysicalType::kByteArray) {
    ByteArrayBuilder init(&out_.offsets, &out_.bytes);
  }
  uint64_t declared = std::min(location_.declared_end, location_.read_limit);
  chunk_.Clear();
  if (declared > location_.start) {
    location_.file->ReadAt(location_.start, declared - location_.start, &chunk_);
  }
  chunk_end_ = std::max(declared, location_.start);
  pos_ = location_.start;
  while (rows_done_ < num_rows_) {
    if (pos_ >= location_.read_limit) {
      Fail("column data ends after " + std::to_string(rows_done_) + " of " +
           std::to_string(num_rows_) + " rows");
    }
    ++page_index_;
    uint64_t header_size = 0;
    PageHeader header = ReadPageHeader(&header_size);
    uint64_t payload_offset = pos_ + header_size;
    const uint8_t* payload = PagePayload(header, payload_offset);
    CheckCrc(header, payload);
    try {
      switch (header.type) {
        case PageType::kDictionaryPage: ReadDictionaryPage(header, payload); break;
        case PageType::kDataPage: ReadDataPage(header, payload); break;
        case PageType::kDataPageV2: ReadDataPageV2(header, payload); break;
        case PageType::kIndexPage: break;
        default: break;  // unknown page types are skipped, as the spec allows
      }
    } catch (const Error& e) {
      // Decoders know nothing of files and columns: say where their complaint arose.
      std::string_view message = e.what();
      if (message.rfind(context_.file_name, 0) == 0) throw;
      throw Error(e.kind(), Where() + std::string(message));
    }
    pos_ = payload_offset + static_cast<uint64_t>(header.compressed_page_size);
  }
  out_.size = num_rows_;
  if (column_.physical == PhysicalType::kByteArray && !dictionary_form_ && num_rows_ == 0) {
    ByteArrayBuilder init(&out_.offsets, &out_.bytes);
  }
  if (!out_.validity.empty()) {
    int64_t valid = 0;
    const uint64_t* bits = out_.validity.as<uint64_t>();
    for (size_t w = 0; w < out_.validity.size() / 8; ++w) valid += __builtin_popcountll(bits[w]);
    out_.null_count = num_rows_ - valid;
    if (out_.null_count == 0) out_.validity = Buffer();
  }
  return std::move(out_);
}

}  // namespace

ColumnVector ReadColumnChunk(const ChunkLocation& location, const ChunkContext& context,
                             const ColumnDescriptor& column, const ColumnMetaData& meta,
                             int64_t num_rows, const ReadOptions& options) {
  return ChunkReader(location, context, column, meta, num_rows, options).Read();
}

}  // namespace frocket::parquet
