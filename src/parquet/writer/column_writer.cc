#include "parquet/writer/column_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "common/error.h"
#include "parquet/codec/codec.h"
#include "parquet/encoder/bit_packing.h"
#include "parquet/encoder/delta_binary_packed_encoder.h"
#include "parquet/encoder/dictionary_encoder.h"
#include "parquet/encoder/plain_encoder.h"
#include "parquet/encoder/rle_bit_packed_encoder.h"
#include "parquet/thrift/metadata_codec.h"
#include "parquet/writer/statistics.h"

namespace frocket::parquet {

ColumnWriter::ColumnWriter(const WriterColumn& column, const WriterOptions& options)
    : column_(column), options_(options), physical_(WriterPhysicalType(column.type)) {}

void ColumnWriter::EmitPage(PageHeader header, const Buffer& body, Buffer* out) {
  if (body.size() > INT32_MAX)
    ThrowInvalid("a Parquet page may not exceed 2 GiB; page bytes: " + std::to_string(body.size()));
  const Buffer* stored = &body;
  if (options_.codec != Codec::kUncompressed) {
    Compress(options_.codec, options_.compression_level, body.data(), body.size(), &compressed_);
    stored = &compressed_;
  }
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(stored->size());
  std::string head = EncodePageHeader(header);
  out->Append(head.data(), head.size());
  out->Append(stored->data(), stored->size());
  total_uncompressed_ += static_cast<int64_t>(head.size() + body.size());
  total_compressed_ += static_cast<int64_t>(head.size() + stored->size());
}

void ColumnWriter::EmitDataPage(const Buffer& body, int32_t num_values, Encoding encoding,
                                std::optional<Statistics> statistics) {
  PageHeader header;
  header.type = PageType::kDataPage;
  header.raw_type = static_cast<int32_t>(PageType::kDataPage);
  DataPageHeader data;
  data.num_values = num_values;
  data.encoding = encoding;
  data.definition_level_encoding = Encoding::kRle;
  data.repetition_level_encoding = Encoding::kRle;
  data.statistics = std::move(statistics);
  header.data_page_header = std::move(data);
  EmitPage(std::move(header), body, &data_pages_);
  ++page_counts_[static_cast<int>(encoding)];
}

ColumnChunk ColumnWriter::Finish(int64_t chunk_offset) {
  FlushPage();
  ColumnMetaData meta;
  meta.type = physical_;
  meta.path_in_schema = {column_.name};
  meta.codec = options_.codec;
  meta.raw_codec = static_cast<int32_t>(options_.codec);
  meta.num_values = chunk_rows_;
  if (column_.nullable) meta.encodings.push_back(Encoding::kRle);  // definition levels
  if (dictionary_used()) {
    Buffer body;
    int32_t num_values = 0;
    BuildDictionaryPage(&body, &num_values);
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.raw_type = static_cast<int32_t>(PageType::kDictionaryPage);
    DictionaryPageHeader dict;
    dict.num_values = num_values;
    dict.encoding = Encoding::kPlain;
    header.dictionary_page_header = dict;
    EmitPage(std::move(header), body, &dictionary_page_);
    meta.dictionary_page_offset = chunk_offset;
    meta.encodings.push_back(Encoding::kPlain);
    meta.encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  }
  for (int e = 0; e < 10; ++e) {
    if (page_counts_[e] == 0) continue;
    auto encoding = static_cast<Encoding>(e);
    if (std::find(meta.encodings.begin(), meta.encodings.end(), encoding) == meta.encodings.end()) {
      meta.encodings.push_back(encoding);
    }
    meta.encoding_stats.push_back({PageType::kDataPage, encoding, page_counts_[e]});
  }
  meta.total_uncompressed_size = total_uncompressed_;
  meta.total_compressed_size = total_compressed_;
  meta.data_page_offset = chunk_offset + static_cast<int64_t>(dictionary_page_.size());
  meta.statistics = ChunkStatistics();

  ColumnChunk chunk;
  chunk.file_offset = chunk_offset;
  chunk.meta_data = std::move(meta);
  return chunk;
}

void ColumnWriter::Reset() {
  ResetTyped();
  data_pages_.Clear();
  dictionary_page_.Clear();
  total_uncompressed_ = total_compressed_ = 0;
  std::fill(std::begin(page_counts_), std::end(page_counts_), 0);
  chunk_rows_ = 0;
}

namespace {

// Type parameters of one physical type: T is the value as the column vector stores it, Key the
// dictionary key (its bit pattern), Stats the statistics accumulator.
struct BooleanTraits {
  using T = uint8_t;
  using Key = uint32_t;  // unused: booleans are never dictionary encoded
  using Stats = FixedStatistics<uint8_t>;
  [[maybe_unused]] static constexpr bool kByteArray = false, kDictionary = false, kDelta = false;
};
template <typename V, typename K>
struct FixedTraits {
  using T = V;
  using Key = K;
  using Stats = FixedStatistics<V>;
  static constexpr bool kByteArray = false, kDictionary = true;
  static constexpr bool kDelta = std::is_integral_v<V>;
};
struct ByteArrayTraits {
  using T = std::string_view;
  using Key = std::string_view;
  using Stats = ByteArrayStatistics;
  [[maybe_unused]] static constexpr bool kByteArray = true, kDictionary = true, kDelta = false;
};

template <typename Traits>
class TypedColumnWriter final : public ColumnWriter {
  using T = typename Traits::T;
  using Key = typename Traits::Key;
  using Dictionary =
      std::conditional_t<Traits::kByteArray, ByteArrayDictionary, FixedDictionary<Key>>;
  static constexpr int64_t kWidth = Traits::kByteArray ? 0 : sizeof(T);

 public:
  TypedColumnWriter(const WriterColumn& column, const WriterOptions& options)
      : ColumnWriter(column, options),
        dictionary_(static_cast<size_t>(std::max<int64_t>(options.dictionary_max_entries, 0)),
                    static_cast<size_t>(std::max<int64_t>(options.dictionary_max_bytes, 0))) {
    if (options_.page_bytes < 1) options_.page_bytes = 1;
    if (options_.page_rows < 1) options_.page_rows = 1;
    // num_values of a page is an int32.
    if (options_.page_rows > INT32_MAX) options_.page_rows = INT32_MAX;
    ResetTyped();
  }

  void Append(const ColumnVector& v, int64_t begin, int64_t count) override {
    const uint64_t* validity =
        column_.nullable && !v.validity.empty() ? v.validity.as<uint64_t>() : nullptr;
    int64_t i = begin;
    int64_t end = begin + count;
    while (i < end) {
      int64_t n = std::min(end - i, options_.page_rows - page_rows_);
      if constexpr (!Traits::kByteArray) {
        // Nulls add no value bytes, so this many rows cannot overfill the page.
        int64_t room = (options_.page_bytes - page_bytes_ + kWidth - 1) / kWidth;
        n = std::min(n, std::max<int64_t>(room, 1));
      }
      int64_t done;
      if constexpr (Traits::kDictionary) {
        done =
            dictionary_mode_ ? AppendIndices(v, validity, i, n) : AppendValues(v, validity, i, n);
      } else {
        done = AppendValues(v, validity, i, n);
      }
      i += done;
      chunk_rows_ += done;
      if (page_rows_ >= options_.page_rows || page_bytes_ >= options_.page_bytes) FlushPage();
    }
  }

 protected:
  void FlushPage() override {
    if (page_rows_ == 0) return;
    body_.Clear();
    if (column_.nullable) {
      body_.Resize(4);
      RleBitPackedEncoder::Encode(levels_.data(), static_cast<size_t>(page_rows_), 1, &body_);
      uint32_t length = static_cast<uint32_t>(body_.size() - 4);
      std::memcpy(body_.data(), &length, 4);
    }
    size_t levels_size = body_.size();
    int64_t num_present = page_rows_ - page_nulls_;
    Encoding encoding = Encoding::kPlain;
    if (num_present == 0) {
      // Nothing to encode; PLAIN with no bytes is valid whatever the chunk's encoding.
    } else if constexpr (Traits::kDictionary) {
      if (dictionary_mode_) {
        EncodeIndices();
        if (!dictionary_committed_ && column_.encoding == ColumnEncoding::kAuto &&
            static_cast<int64_t>(body_.size() - levels_size + dictionary_.plain_bytes()) >=
                page_bytes_) {
          // Judged on the chunk's first page: the dictionary does not pay off.
          body_.Resize(levels_size);
          LeaveDictionaryMode();
          encoding = EncodeValues();
        } else {
          dictionary_committed_ = true;
          encoding = Encoding::kRleDictionary;
        }
      } else {
        encoding = EncodeValues();
      }
    } else {
      encoding = EncodeValues();
    }
    page_stats_.AddNulls(page_nulls_);
    std::optional<Statistics> stats;
    if (options_.page_statistics) stats = page_stats_.ToThrift();
    EmitDataPage(body_, static_cast<int32_t>(page_rows_), encoding, std::move(stats));
    chunk_stats_.Merge(page_stats_);
    page_stats_.Reset();
    page_rows_ = page_nulls_ = page_bytes_ = 0;
    levels_.Clear();
    indices_.Clear();
    values_.Clear();
  }

  void BuildDictionaryPage(Buffer* body, int32_t* num_values) override {
    if constexpr (Traits::kDictionary) {
      dictionary_.AppendPlain(body);
      *num_values = static_cast<int32_t>(dictionary_.size());
    }
  }
  bool dictionary_used() const override { return dictionary_committed_; }
  std::optional<Statistics> ChunkStatistics() const override { return chunk_stats_.ToThrift(); }

  void ResetTyped() override {
    if constexpr (Traits::kDictionary) dictionary_.Clear();
    dictionary_mode_ = Traits::kDictionary && column_.encoding != ColumnEncoding::kPlain &&
                       column_.encoding != ColumnEncoding::kDeltaBinaryPacked &&
                       options_.dictionary_max_entries > 0;
    dictionary_committed_ = false;
    value_encoding_.reset();
    page_rows_ = page_nulls_ = page_bytes_ = 0;
    levels_.Clear();
    indices_.Clear();
    values_.Clear();
    page_stats_.Reset();
    chunk_stats_.Reset();
  }

  int64_t PendingBytes() const override {
    int64_t dict = 0;
    if constexpr (Traits::kDictionary) dict = static_cast<int64_t>(dictionary_.plain_bytes());
    return static_cast<int64_t>(levels_.size() + indices_.size() + values_.size() + body_.size()) +
           dict;
  }

 private:
  static T Get(const ColumnVector& v, int64_t row) {
    if constexpr (Traits::kByteArray) {
      return v.GetBytes(row);
    } else if constexpr (std::is_same_v<Traits, BooleanTraits>) {
      return v.values.data()[row] != 0 ? 1 : 0;
    } else {
      T x;
      std::memcpy(&x, v.values.data() + row * kWidth, sizeof(T));
      return x;
    }
  }
  static Key ToKey(T x) {
    if constexpr (Traits::kByteArray) {
      return x;
    } else {
      return std::bit_cast<Key>(x);
    }
  }
  static int64_t PlainSize(T x) {
    if constexpr (Traits::kByteArray) {
      return 4 + static_cast<int64_t>(x.size());
    } else {
      return kWidth;
    }
  }
  static bool IsValid(const uint64_t* validity, int64_t row) {
    return validity == nullptr || ((validity[row >> 6] >> (row & 63)) & 1);
  }

  uint8_t* GrowLevels(int64_t n) {
    size_t old = levels_.size();
    levels_.Resize(old + static_cast<size_t>(n));
    return levels_.data() + old;
  }

  // Dictionary mode: appends up to n rows starting at `begin`; stops early when the
  // dictionary refuses a value (after leaving dictionary mode) or a BYTE_ARRAY page is full.
  int64_t AppendIndices(const ColumnVector& v, const uint64_t* validity, int64_t begin, int64_t n) {
    uint8_t* levels = column_.nullable ? GrowLevels(n) : nullptr;
    size_t old = indices_.size();
    indices_.Resize(old + static_cast<size_t>(n) * 4);
    uint32_t* out = reinterpret_cast<uint32_t*>(indices_.data() + old);
    int64_t present = 0;
    int64_t r = 0;
    bool full = false;
    for (; r < n && !full; ++r) {
      int64_t row = begin + r;
      if (!IsValid(validity, row)) {
        levels[r] = 0;
        ++page_nulls_;
        continue;
      }
      T x = Get(v, row);
      uint32_t index;
      if (!dictionary_.GetOrInsert(ToKey(x), &index)) break;
      if (levels != nullptr) levels[r] = 1;
      out[present++] = index;
      page_stats_.Update(x);
      page_bytes_ += PlainSize(x);
      if constexpr (Traits::kByteArray) full = page_bytes_ >= options_.page_bytes;
    }
    indices_.Resize(old + static_cast<size_t>(present) * 4);
    if (levels != nullptr) levels_.Resize(levels_.size() - static_cast<size_t>(n - r));
    page_rows_ += r;
    if (r < n && !full) {
      // The dictionary is full. Pages already written with it keep it; the rest of the chunk
      // goes without.
      if (dictionary_committed_) {
        FlushPage();
        dictionary_mode_ = false;
      } else {
        LeaveDictionaryMode();
      }
    }
    return r;
  }

  // Rewrites the dictionary-encoded values of the page being filled as plain values and drops
  // the dictionary. Only while no page has used it.
  void LeaveDictionaryMode() {
    if constexpr (Traits::kDictionary) {
      size_t count = indices_.size() / 4;
      const uint32_t* idx = indices_.as<uint32_t>();
      values_.Clear();
      if constexpr (Traits::kByteArray) {
        for (size_t k = 0; k < count; ++k)
          PlainEncoder::AppendByteArray(dictionary_.value(idx[k]), &values_);
      } else {
        values_.Resize(count * sizeof(T));
        T* out = values_.as<T>();
        for (size_t k = 0; k < count; ++k) out[k] = std::bit_cast<T>(dictionary_.value(idx[k]));
      }
      indices_.Clear();
      dictionary_.Clear();
      dictionary_mode_ = false;
    }
  }

  // Plain mode: appends up to n rows (stopping early when a BYTE_ARRAY page is full).
  int64_t AppendValues(const ColumnVector& v, const uint64_t* validity, int64_t begin, int64_t n) {
    uint8_t* levels = column_.nullable ? GrowLevels(n) : nullptr;
    if constexpr (Traits::kByteArray) {
      int64_t r = 0;
      while (r < n) {
        int64_t row = begin + r;
        ++r;
        if (!IsValid(validity, row)) {
          levels[r - 1] = 0;
          ++page_nulls_;
          continue;
        }
        if (levels != nullptr) levels[r - 1] = 1;
        std::string_view x = v.GetBytes(row);
        PlainEncoder::AppendByteArray(x, &values_);
        page_stats_.Update(x);
        page_bytes_ += PlainSize(x);
        if (page_bytes_ >= options_.page_bytes) break;
      }
      if (levels != nullptr) levels_.Resize(levels_.size() - static_cast<size_t>(n - r));
      page_rows_ += r;
      return r;
    } else {
      size_t old = values_.size();
      values_.Resize(old + static_cast<size_t>(n) * sizeof(T));
      T* out = reinterpret_cast<T*>(values_.data() + old);
      int64_t present = 0;
      if (validity == nullptr && !std::is_same_v<Traits, BooleanTraits>) {
        // The common case: a run without nulls is one copy.
        std::memcpy(out, v.values.data() + begin * kWidth, static_cast<size_t>(n) * sizeof(T));
        page_stats_.UpdateMany(out, static_cast<size_t>(n));
        if (levels != nullptr) std::memset(levels, 1, static_cast<size_t>(n));
        present = n;
      } else {
        for (int64_t r = 0; r < n; ++r) {
          int64_t row = begin + r;
          if (!IsValid(validity, row)) {
            levels[r] = 0;
            continue;
          }
          if (levels != nullptr) levels[r] = 1;
          T x = Get(v, row);
          out[present++] = x;
          page_stats_.Update(x);
        }
      }
      values_.Resize(old + static_cast<size_t>(present) * sizeof(T));
      page_nulls_ += n - present;
      page_bytes_ += present * kWidth;
      page_rows_ += n;
      return n;
    }
  }

  void EncodeIndices() {
    if constexpr (Traits::kDictionary) {
      int bit_width = std::max(1, BitWidthOf(dictionary_.size() - 1));
      uint8_t width_byte = static_cast<uint8_t>(bit_width);
      body_.Append(&width_byte, 1);
      RleBitPackedEncoder::Encode(indices_.as<uint32_t>(), indices_.size() / 4, bit_width, &body_);
    }
  }

  // Encodes values_ into body_ PLAIN or DELTA_BINARY_PACKED; returns the encoding.
  Encoding EncodeValues() {
    if constexpr (std::is_same_v<Traits, BooleanTraits>) {
      PlainEncoder::AppendBooleans(values_.data(), values_.size(), &body_);
      return Encoding::kPlain;
    } else if constexpr (Traits::kDelta) {
      size_t count = values_.size() / sizeof(T);
      if (!value_encoding_) {
        if (column_.encoding == ColumnEncoding::kDeltaBinaryPacked) {
          value_encoding_ = Encoding::kDeltaBinaryPacked;
        } else if (column_.encoding == ColumnEncoding::kPlain) {
          value_encoding_ = Encoding::kPlain;
        } else {
          // Decided once per chunk, on its first page without dictionary: sorted ids and
          // timestamps shrink under DELTA_BINARY_PACKED, random values grow a little.
          size_t before = body_.size();
          DeltaBinaryPackedEncoder<T>::Encode(values_.as<T>(), count, &body_);
          if (body_.size() - before < values_.size()) {
            value_encoding_ = Encoding::kDeltaBinaryPacked;
            return *value_encoding_;
          }
          body_.Resize(before);
          value_encoding_ = Encoding::kPlain;
        }
      }
      if (*value_encoding_ == Encoding::kDeltaBinaryPacked) {
        DeltaBinaryPackedEncoder<T>::Encode(values_.as<T>(), count, &body_);
      } else {
        body_.Append(values_.data(), values_.size());
      }
      return *value_encoding_;
    } else {
      body_.Append(values_.data(), values_.size());
      return Encoding::kPlain;
    }
  }

  Dictionary dictionary_;
  bool dictionary_mode_ = false;
  bool dictionary_committed_ = false;       // a page of this chunk used the dictionary
  std::optional<Encoding> value_encoding_;  // for pages without dictionary, once decided

  // The page being filled.
  int64_t page_rows_ = 0;
  int64_t page_nulls_ = 0;
  int64_t page_bytes_ = 0;  // PLAIN size of its values
  Buffer levels_;           // one definition level per row (OPTIONAL columns)
  Buffer indices_;          // dictionary mode: uint32 index per value
  Buffer values_;           // otherwise: values (fixed width) or PLAIN bytes (BYTE_ARRAY)
  typename Traits::Stats page_stats_;
  typename Traits::Stats chunk_stats_;

  Buffer body_;  // scratch for the page being encoded
};

}  // namespace

std::unique_ptr<ColumnWriter> ColumnWriter::Make(const WriterColumn& column,
                                                 const WriterOptions& options) {
  bool integer = column.type == WriterType::kInt32 || column.type == WriterType::kInt64 ||
                 column.type == WriterType::kTimestampMillis ||
                 column.type == WriterType::kTimestampMicros;
  if (column.encoding == ColumnEncoding::kDeltaBinaryPacked && !integer) {
    ThrowInvalid("DELTA_BINARY_PACKED needs an integer or timestamp column; column '" +
                 column.name + "' has type " + WriterTypeName(column.type));
  }
  switch (column.type) {
    case WriterType::kBoolean:
      return std::make_unique<TypedColumnWriter<BooleanTraits>>(column, options);
    case WriterType::kInt32:
      return std::make_unique<TypedColumnWriter<FixedTraits<int32_t, uint32_t>>>(column, options);
    case WriterType::kInt64:
    case WriterType::kTimestampMillis:
    case WriterType::kTimestampMicros:
      return std::make_unique<TypedColumnWriter<FixedTraits<int64_t, uint64_t>>>(column, options);
    case WriterType::kFloat:
      return std::make_unique<TypedColumnWriter<FixedTraits<float, uint32_t>>>(column, options);
    case WriterType::kDouble:
      return std::make_unique<TypedColumnWriter<FixedTraits<double, uint64_t>>>(column, options);
    case WriterType::kString:
      return std::make_unique<TypedColumnWriter<ByteArrayTraits>>(column, options);
  }
  ThrowInvalid("unknown writer type " + std::to_string(static_cast<int>(column.type)));
}

}  // namespace frocket::parquet
