#include "parquet/writer/file_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

#include "common/error.h"
#include "parquet/thrift/metadata_codec.h"
#include "parquet/writer/column_writer.h"

namespace frocket::parquet {

PhysicalType WriterPhysicalType(WriterType type) {
  switch (type) {
    case WriterType::kBoolean:
      return PhysicalType::kBoolean;
    case WriterType::kInt32:
      return PhysicalType::kInt32;
    case WriterType::kInt64:
      return PhysicalType::kInt64;
    case WriterType::kFloat:
      return PhysicalType::kFloat;
    case WriterType::kDouble:
      return PhysicalType::kDouble;
    case WriterType::kString:
      return PhysicalType::kByteArray;
    case WriterType::kTimestampMillis:
      return PhysicalType::kInt64;
    case WriterType::kTimestampMicros:
      return PhysicalType::kInt64;
  }
  return PhysicalType::kInt64;
}

const char* WriterTypeName(WriterType type) {
  switch (type) {
    case WriterType::kBoolean:
      return "boolean";
    case WriterType::kInt32:
      return "int32";
    case WriterType::kInt64:
      return "int64";
    case WriterType::kFloat:
      return "float";
    case WriterType::kDouble:
      return "double";
    case WriterType::kString:
      return "string";
    case WriterType::kTimestampMillis:
      return "timestamp_ms";
    case WriterType::kTimestampMicros:
      return "timestamp_us";
  }
  return "unknown";
}

namespace {

SchemaElement LeafElement(const WriterColumn& column) {
  SchemaElement e;
  e.type = WriterPhysicalType(column.type);
  e.raw_type = static_cast<int32_t>(*e.type);
  e.repetition_type = column.nullable ? Repetition::kOptional : Repetition::kRequired;
  e.name = column.name;
  switch (column.type) {
    case WriterType::kString:
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type.kind = LogicalType::Kind::kString;
      break;
    case WriterType::kTimestampMillis:
    case WriterType::kTimestampMicros: {
      bool millis = column.type == WriterType::kTimestampMillis;
      e.converted_type = millis ? ConvertedType::kTimestampMillis : ConvertedType::kTimestampMicros;
      e.logical_type.kind = LogicalType::Kind::kTimestamp;
      e.logical_type.is_adjusted_to_utc = true;
      e.logical_type.unit = millis ? TimeUnit::kMillis : TimeUnit::kMicros;
      break;
    }
    default:
      break;
  }
  return e;
}

// True when rows [begin, begin + count) are all set in the validity bitmap, a word at a time.
bool AllValid(const uint64_t* bits, int64_t begin, int64_t count) {
  int64_t i = begin;
  int64_t end = begin + count;
  while (i < end && (i & 63) != 0) {
    if (!((bits[i >> 6] >> (i & 63)) & 1)) return false;
    ++i;
  }
  for (; i + 64 <= end; i += 64) {
    if (bits[i >> 6] != ~uint64_t{0}) return false;
  }
  for (; i < end; ++i) {
    if (!((bits[i >> 6] >> (i & 63)) & 1)) return false;
  }
  return true;
}

void CheckVector(const ColumnVector& v, const WriterColumn& column, int64_t begin, int64_t count);

// Dictionary-form input turned into plain form, checking every code.
ColumnVector Materialize(const ColumnVector& v, const WriterColumn& column) {
  const ColumnVector& dict = *v.dictionary;
  if (dict.physical != v.physical || dict.has_dictionary()) {
    ThrowInvalid("column '" + column.name +
                 "': the dictionary must be a plain vector of the same physical type");
  }
  WriterColumn as_dictionary = column;
  as_dictionary.nullable = true;
  CheckVector(dict, as_dictionary, 0, dict.size);
  const std::string& name = column.name;
  if (v.values.size() < static_cast<size_t>(v.size) * 4) {
    ThrowInvalid("column '" + name + "': dictionary codes buffer shorter than the row count " +
                 std::to_string(v.size));
  }
  ColumnVector out;
  out.physical = v.physical;
  out.type_length = v.type_length;
  out.size = v.size;
  out.null_count = v.null_count;
  out.validity.Append(v.validity.data(), v.validity.size());
  const uint32_t* codes = v.values.as<uint32_t>();
  auto check = [&](int64_t row, uint64_t limit) {
    if (codes[row] >= limit) {
      ThrowInvalid("column '" + name + "': dictionary code out of range, dictionary size " +
                   std::to_string(limit) + ", code " + std::to_string(codes[row]));
    }
  };
  if (v.physical == PhysicalType::kByteArray) {
    uint64_t dict_size = static_cast<uint64_t>(dict.size);
    out.offsets.Resize((v.size + 1) * 4);
    uint32_t* offsets = out.offsets.as<uint32_t>();
    offsets[0] = 0;
    for (int64_t i = 0; i < v.size; ++i) {
      if (v.IsValid(i)) {
        check(i, dict_size);
        std::string_view s = dict.GetBytes(codes[i]);
        if (out.bytes.size() + s.size() > UINT32_MAX) {
          ThrowInvalid("column '" + name + "': more than 4 GiB of strings in one vector");
        }
        out.bytes.Append(s.data(), s.size());
      }
      offsets[i + 1] = static_cast<uint32_t>(out.bytes.size());
    }
  } else {
    size_t width = static_cast<size_t>(v.width());
    uint64_t dict_size = static_cast<uint64_t>(dict.size);
    out.values.Resize(v.size * width);
    for (int64_t i = 0; i < v.size; ++i) {
      uint8_t* dst = out.values.data() + i * width;
      if (v.IsValid(i)) {
        check(i, dict_size);
        std::memcpy(dst, dict.values.data() + codes[i] * width, width);
      } else {
        std::memset(dst, 0, width);
      }
    }
  }
  return out;
}

// Checks that the buffers of `v` hold what rows [begin, begin + count) need, so the column
// writers can read them without further checks.
void CheckVector(const ColumnVector& v, const WriterColumn& column, int64_t begin, int64_t count) {
  std::string where = "column '" + column.name + "'";
  if (v.physical != WriterPhysicalType(column.type)) {
    ThrowInvalid(where + " of type " + WriterTypeName(column.type) + " expects physical type " +
                 PhysicalTypeName(WriterPhysicalType(column.type)) + ", got " +
                 PhysicalTypeName(v.physical));
  }
  if (!v.validity.empty()) {
    if (v.validity.size() < static_cast<size_t>((v.size + 63) / 64) * 8) {
      ThrowInvalid(where + ": validity bitmap shorter than the row count " +
                   std::to_string(v.size));
    }
    if (!column.nullable && !AllValid(v.validity.as<uint64_t>(), begin, count)) {
      ThrowInvalid(where + " is REQUIRED but the batch has nulls");
    }
  }
  if (v.physical == PhysicalType::kByteArray) {
    if (v.offsets.size() < static_cast<size_t>(v.size + 1) * 4) {
      ThrowInvalid(where + ": offsets buffer shorter than the row count " + std::to_string(v.size));
    }
    const uint32_t* off = v.offsets.as<uint32_t>();
    for (int64_t i = begin; i < begin + count; ++i) {
      if (off[i + 1] < off[i]) {
        ThrowInvalid(where + ": offsets decrease at row " + std::to_string(i));
      }
    }
    if (count > 0 && off[begin + count] > v.bytes.size()) {
      ThrowInvalid(where + ": offsets point past the bytes buffer, offset " +
                   std::to_string(off[begin + count]));
    }
  } else if (v.values.size() < static_cast<size_t>(v.size) * static_cast<size_t>(v.width())) {
    ThrowInvalid(where + ": values buffer shorter than the row count " + std::to_string(v.size));
  }
}

}  // namespace

// Verifies the caller's promise that rows are sorted by the first sorting column, within each
// row group: values never go backwards and nulls stay on their side. One comparison per row.
class SortOrderCheck {
 public:
  SortOrderCheck(int column, const WriterColumn& desc, const SortingColumnSpec& spec)
      : column_(column), desc_(desc), spec_(spec) {}

  int column() const { return column_; }
  void Reset() { seen_ = seen_null_ = seen_value_ = false; }

  void Check(const ColumnVector& v, int64_t begin, int64_t count) {
    switch (v.physical) {
      case PhysicalType::kBoolean:
        Run<uint8_t>(v, begin, count, last_int_);
        break;
      case PhysicalType::kInt32:
        Run<int32_t>(v, begin, count, last_int_);
        break;
      case PhysicalType::kInt64:
        Run<int64_t>(v, begin, count, last_int_);
        break;
      case PhysicalType::kFloat:
        Run<float>(v, begin, count, last_double_);
        break;
      case PhysicalType::kDouble:
        Run<double>(v, begin, count, last_double_);
        break;
      case PhysicalType::kByteArray:
        RunBytes(v, begin, count);
        break;
      default:
        break;
    }
  }

 private:
  bool NullInPlace(bool is_null) {
    // Nulls first: no null after a value. Nulls last: no value after a null.
    if (is_null) {
      seen_null_ = true;
      return !(spec_.nulls_first && seen_value_);
    }
    seen_value_ = true;
    return !(!spec_.nulls_first && seen_null_);
  }
  template <typename T, typename Last>
  void Run(const ColumnVector& v, int64_t begin, int64_t count, Last& last) {
    for (int64_t i = begin; i < begin + count; ++i) {
      bool is_null = v.IsNull(i);
      if (!NullInPlace(is_null)) Fail(i);
      if (is_null) continue;
      T x = v.Get<T>(i);
      Last cur = static_cast<Last>(x);
      if (seen_ && (spec_.descending ? last < cur : cur < last)) Fail(i);
      last = cur;
      seen_ = true;
    }
  }
  void RunBytes(const ColumnVector& v, int64_t begin, int64_t count) {
    for (int64_t i = begin; i < begin + count; ++i) {
      bool is_null = v.IsNull(i);
      if (!NullInPlace(is_null)) Fail(i);
      if (is_null) continue;
      std::string_view cur = v.GetBytes(i);
      if (seen_ && (spec_.descending ? std::string_view(last_bytes_) < cur
                                     : cur < std::string_view(last_bytes_))) {
        Fail(i);
      }
      last_bytes_.assign(cur);
      seen_ = true;
    }
  }
  [[noreturn]] void Fail(int64_t row) {
    ThrowInvalid("rows were declared sorted by column '" + desc_.name + "' (" +
                 (spec_.descending ? "descending" : "ascending") + ", nulls " +
                 (spec_.nulls_first ? "first" : "last") + ") but are not, at batch row " +
                 std::to_string(row));
  }

  int column_;
  WriterColumn desc_;
  SortingColumnSpec spec_;
  bool seen_ = false;
  bool seen_null_ = false;
  bool seen_value_ = false;
  int64_t last_int_ = 0;
  double last_double_ = 0;
  std::string last_bytes_;
};

std::unique_ptr<ParquetWriter> ParquetWriter::Open(const std::string& path, WriterSchema schema,
                                                   WriterOptions options) {
  if (schema.columns.empty()) ThrowInvalid("a Parquet file needs at least one column");
  std::set<std::string> names;
  for (const WriterColumn& c : schema.columns) {
    if (c.name.empty()) ThrowInvalid("column names may not be empty");
    if (!names.insert(c.name).second) ThrowInvalid("duplicate column name '" + c.name + "'");
  }
  if (options.row_group_rows < 1) {
    ThrowInvalid("row_group_rows must be at least 1, got " +
                 std::to_string(options.row_group_rows));
  }
  for (const SortingColumnSpec& s : options.sorting_columns) {
    if (names.count(s.name) == 0) ThrowInvalid("unknown sorting column '" + s.name + "'");
  }
  // Check the encodings before creating the file.
  for (const WriterColumn& c : schema.columns) ColumnWriter::Make(c, options);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) ThrowIo("cannot create '" + path + "': " + std::strerror(errno));
  std::unique_ptr<ParquetWriter> writer(
      new ParquetWriter(path, file, std::move(schema), std::move(options)));
  writer->WriteBytes("PAR1", 4);
  return writer;
}

ParquetWriter::ParquetWriter(std::string path, std::FILE* file, WriterSchema schema,
                             WriterOptions options)
    : path_(std::move(path)),
      file_(file),
      schema_(std::move(schema)),
      options_(std::move(options)) {
  // Big writes go straight through; small page headers are gathered.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);
  for (const WriterColumn& c : schema_.columns) columns_.push_back(ColumnWriter::Make(c, options_));
  for (size_t k = 0; k < options_.sorting_columns.size(); ++k) {
    const SortingColumnSpec& s = options_.sorting_columns[k];
    int index = 0;
    while (schema_.columns[index].name != s.name) ++index;
    sorting_columns_.push_back({index, s.descending, s.nulls_first});
    if (k == 0) sort_check_ = std::make_unique<SortOrderCheck>(index, schema_.columns[index], s);
  }
  metadata_.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema_.columns.size());
  metadata_.schema.push_back(root);
  for (const WriterColumn& c : schema_.columns) metadata_.schema.push_back(LeafElement(c));
  metadata_.created_by = kFrocketCreatedBy;
  metadata_.column_orders_type_defined.assign(schema_.columns.size(), true);
  for (const auto& [key, value] : options_.key_value_metadata) {
    metadata_.key_value_metadata.push_back({key, value});
  }
}

ParquetWriter::~ParquetWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void ParquetWriter::CheckUsable() const {
  if (closed_) ThrowInvalid("the Parquet writer for '" + path_ + "' is already closed");
  if (failed_) ThrowInvalid("the Parquet writer for '" + path_ + "' failed earlier");
}

void ParquetWriter::Write(const std::vector<ColumnVector>& columns) {
  int64_t rows = columns.empty() ? 0 : columns[0].size;
  Write(columns, 0, rows);
}

void ParquetWriter::Write(const std::vector<ColumnVector>& columns, int64_t begin, int64_t count) {
  CheckUsable();
  if (columns.size() != schema_.columns.size()) {
    ThrowInvalid("the schema has " + std::to_string(schema_.columns.size()) +
                 " columns, the batch " + std::to_string(columns.size()));
  }
  if (begin < 0 || count < 0) {
    ThrowInvalid("bad row range [" + std::to_string(begin) + ", +" + std::to_string(count) + ")");
  }
  std::vector<ColumnVector> materialized;
  materialized.reserve(columns.size());
  std::vector<const ColumnVector*> plain(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    const ColumnVector& v = columns[c];
    if (begin + count > v.size) {
      ThrowInvalid("column '" + schema_.columns[c].name + "' has " + std::to_string(v.size) +
                   " rows, the batch needs " + std::to_string(begin + count));
    }
    if (v.has_dictionary()) {
      materialized.push_back(Materialize(v, schema_.columns[c]));
      plain[c] = &materialized.back();
    } else {
      plain[c] = &v;
    }
    CheckVector(*plain[c], schema_.columns[c], begin, count);
  }
  AppendRows(plain, begin, count);
}

void ParquetWriter::WriteRowGroup(const std::vector<ColumnVector>& columns) {
  CheckUsable();
  FlushRowGroup();
  // Write splits at row_group_rows; lift the limit for this one batch.
  int64_t limit = options_.row_group_rows;
  options_.row_group_rows = INT64_MAX;
  try {
    Write(columns);
  } catch (...) {
    options_.row_group_rows = limit;
    throw;
  }
  options_.row_group_rows = limit;
  FlushRowGroup();
}

void ParquetWriter::AppendRows(const std::vector<const ColumnVector*>& columns, int64_t begin,
                               int64_t count) {
  // A broken sort promise or a failed append leaves the row group half built; the writer then
  // refuses to go on rather than write a file that breaks its own metadata.
  while (count > 0) {
    int64_t n = std::min(count, options_.row_group_rows - row_group_rows_);
    if (sort_check_ != nullptr) {
      try {
        sort_check_->Check(*columns[sort_check_->column()], begin, n);
      } catch (...) {
        failed_ = true;
        throw;
      }
    }
    try {
      for (size_t c = 0; c < columns.size(); ++c) columns_[c]->Append(*columns[c], begin, n);
    } catch (...) {
      failed_ = true;
      throw;
    }
    row_group_rows_ += n;
    begin += n;
    count -= n;
    NotePeak();
    if (row_group_rows_ >= options_.row_group_rows) FlushRowGroup();
  }
}

int64_t ParquetWriter::buffered_bytes() const {
  int64_t total = 0;
  for (const auto& c : columns_) total += c->buffered_bytes();
  return total;
}

void ParquetWriter::NotePeak() {
  peak_buffered_bytes_ = std::max(peak_buffered_bytes_, buffered_bytes());
}

void ParquetWriter::WriteBytes(const void* data, size_t size) {
  if (size != 0 && std::fwrite(data, 1, size, file_) != size) {
    failed_ = true;
    ThrowIo("cannot write to '" + path_ + "': " + std::strerror(errno));
  }
  offset_ += static_cast<int64_t>(size);
}

void ParquetWriter::FlushRowGroup() {
  CheckUsable();
  if (row_group_rows_ == 0) return;
  RowGroup group;
  group.num_rows = row_group_rows_;
  group.file_offset = offset_;
  int64_t compressed = 0;
  for (auto& column : columns_) {
    ColumnChunk chunk = column->Finish(offset_);
    NotePeak();
    WriteBytes(column->dictionary_page().data(), column->dictionary_page().size());
    WriteBytes(column->data_pages().data(), column->data_pages().size());
    group.total_byte_size += chunk.meta_data->total_uncompressed_size;
    compressed += chunk.meta_data->total_compressed_size;
    group.columns.push_back(std::move(chunk));
    column->Reset();
  }
  group.total_compressed_size = compressed;
  if (metadata_.row_groups.size() <= INT16_MAX) {
    group.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  }
  group.sorting_columns = sorting_columns_;
  metadata_.row_groups.push_back(std::move(group));
  metadata_.num_rows += row_group_rows_;
  row_group_rows_ = 0;
  if (sort_check_ != nullptr) sort_check_->Reset();
}

void ParquetWriter::Close() {
  if (closed_) return;
  CheckUsable();
  FlushRowGroup();
  std::string footer = EncodeFileMetaData(metadata_);
  WriteBytes(footer.data(), footer.size());
  uint32_t length = static_cast<uint32_t>(footer.size());
  uint8_t tail[8];
  std::memcpy(tail, &length, 4);
  std::memcpy(tail + 4, "PAR1", 4);
  WriteBytes(tail, 8);
  std::FILE* file = file_;
  file_ = nullptr;
  closed_ = true;
  if (std::fclose(file) != 0) ThrowIo("cannot write to '" + path_ + "': " + std::strerror(errno));
}

}  // namespace frocket::parquet
