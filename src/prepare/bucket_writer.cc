#include "prepare/bucket_writer.h"

#include <cstring>

#include "common/error.h"
#include "prepare/spill_record.h"

namespace frocket::prepare {
namespace {

parquet::WriterType WriterTypeOf(ColumnType type) {
  switch (type) {
    case ColumnType::kBool:
      return parquet::WriterType::kBoolean;
    case ColumnType::kInt64:
      return parquet::WriterType::kInt64;
    case ColumnType::kDouble:
      return parquet::WriterType::kDouble;
    case ColumnType::kString:
      return parquet::WriterType::kString;
    case ColumnType::kTimestampMs:
      return parquet::WriterType::kTimestampMillis;
  }
  return parquet::WriterType::kString;
}

parquet::PhysicalType PhysicalOf(ColumnType type) {
  return parquet::WriterPhysicalType(WriterTypeOf(type));
}

template <typename T>
void AppendFixed(parquet::ColumnVector& vector, T value) {
  vector.values.Append(&value, sizeof(T));
}

}  // namespace

parquet::WriterSchema MakeWriterSchema(
    const std::vector<std::pair<std::string, ColumnType>>& columns) {
  parquet::WriterSchema schema;
  for (size_t i = 0; i < columns.size(); ++i) {
    parquet::WriterColumn column;
    column.name = columns[i].first;
    column.type = WriterTypeOf(columns[i].second);
    column.nullable = i >= 2;
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

BucketWriter::BucketWriter(const std::string& path,
                           std::vector<std::pair<std::string, ColumnType>> columns, bool string_ids,
                           const parquet::WriterOptions& options, size_t batch_bytes)
    : names_(std::move(columns)), string_ids_(string_ids), batch_bytes_(batch_bytes) {
  writer_ = parquet::ParquetWriter::Open(path, MakeWriterSchema(names_), options);
  columns_.resize(names_.size());
  for (size_t i = 0; i < names_.size(); ++i) columns_[i].type = names_[i].second;
  StartBatch();
}

void BucketWriter::StartBatch() {
  for (Column& column : columns_) {
    parquet::ColumnVector& v = column.vector;
    v.physical = PhysicalOf(column.type);
    v.size = 0;
    v.null_count = 0;
    v.validity.Clear();
    v.values.Clear();
    v.offsets.Clear();
    v.bytes.Clear();
    if (v.physical == parquet::PhysicalType::kByteArray) {
      uint32_t zero = 0;
      v.offsets.Append(&zero, sizeof(zero));
    }
    column.has_nulls = false;
  }
  batch_rows_ = 0;
  batch_value_bytes_ = 0;
}

void BucketWriter::AppendNull(Column& column, int64_t row) {
  parquet::ColumnVector& v = column.vector;
  if (!column.has_nulls) {
    // The first null of the batch: every earlier row was valid.
    column.has_nulls = true;
    size_t words = static_cast<size_t>(row / 64 + 1);
    v.validity.Resize(words * 8);
    uint64_t* bits = v.validity.as<uint64_t>();
    std::memset(bits, 0, words * 8);
    for (int64_t r = 0; r < row; ++r) bits[r >> 6] |= uint64_t{1} << (r & 63);
  }
  ++v.null_count;
  switch (v.physical) {
    case parquet::PhysicalType::kBoolean:
      AppendFixed<uint8_t>(v, 0);
      break;
    case parquet::PhysicalType::kByteArray: {
      uint32_t end = static_cast<uint32_t>(v.bytes.size());
      v.offsets.Append(&end, sizeof(end));
      break;
    }
    default:
      AppendFixed<int64_t>(v, 0);
      break;
  }
}

void BucketWriter::AppendText(size_t index, std::string_view text) {
  Column& column = columns_[index];
  parquet::ColumnVector& v = column.vector;
  bool ok = true;
  switch (column.type) {
    case ColumnType::kBool: {
      bool b = false;
      ok = ParseBool(text, &b);
      AppendFixed<uint8_t>(v, b ? 1 : 0);
      break;
    }
    case ColumnType::kInt64: {
      int64_t i = 0;
      ok = ParseInt64(text, &i);
      AppendFixed<int64_t>(v, i);
      break;
    }
    case ColumnType::kDouble: {
      double d = 0;
      ok = ParseDouble(text, &d);
      AppendFixed<double>(v, d);
      break;
    }
    case ColumnType::kTimestampMs: {
      std::optional<int64_t> ms = ParseTimestampValue(text, ColumnType::kTimestampMs);
      ok = ms.has_value();
      AppendFixed<int64_t>(v, ms.value_or(0));
      break;
    }
    case ColumnType::kString: {
      v.bytes.Append(text.data(), text.size());
      uint32_t end = static_cast<uint32_t>(v.bytes.size());
      v.offsets.Append(&end, sizeof(end));
      batch_value_bytes_ += text.size();
      break;
    }
  }
  if (!ok) {
    throw Error(ErrorKind::kInternal, "column '" + names_[index].first + "': value '" +
                                          std::string(text) + "' does not convert to " +
                                          ColumnTypeName(column.type));
  }
}

void BucketWriter::Add(std::string_view body) {
  RecordKey key;
  const char* cells;
  uint64_t count;
  DecodeRecordBody(body, string_ids_, &key, &cells, &count);
  const char* end = body.data() + body.size();
  const int64_t row = batch_rows_;
  // The group id and timestamp come from the key.
  if (string_ids_) {
    parquet::ColumnVector& v = columns_[0].vector;
    v.bytes.Append(key.group_string.data(), key.group_string.size());
    uint32_t offset = static_cast<uint32_t>(v.bytes.size());
    v.offsets.Append(&offset, sizeof(offset));
    batch_value_bytes_ += key.group_string.size();
  } else {
    AppendFixed<int64_t>(columns_[0].vector, key.group_int);
  }
  AppendFixed<int64_t>(columns_[1].vector, key.ts);
  // Cells 0 and 1 are the key columns' null placeholders; walk past them.
  for (size_t c = 0; c < columns_.size(); ++c) {
    std::string_view text;
    bool present = c < count && NextRecordCell(&cells, end, &text);
    if (c < 2) continue;
    Column& column = columns_[c];
    if (present) {
      AppendText(c, text);
      if (column.has_nulls) {
        column.vector.validity.as<uint64_t>()[row >> 6] |= uint64_t{1} << (row & 63);
      }
    } else {
      AppendNull(column, row);
    }
  }
  ++batch_rows_;
  ++rows_;
  batch_value_bytes_ += columns_.size() * 8;
  for (Column& column : columns_) {
    // Keep the validity bitmap one word ahead of the rows.
    if (column.has_nulls && (batch_rows_ & 63) == 0) {
      uint64_t zero = 0;
      column.vector.validity.Append(&zero, sizeof(zero));
    }
    column.vector.size = batch_rows_;
  }
  if (batch_value_bytes_ >= batch_bytes_) FlushBatch();
}

void BucketWriter::FlushBatch() {
  if (batch_rows_ == 0) return;
  std::vector<parquet::ColumnVector> vectors(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) vectors[c] = std::move(columns_[c].vector);
  writer_->Write(vectors);
  for (size_t c = 0; c < columns_.size(); ++c) columns_[c].vector = std::move(vectors[c]);
  StartBatch();
}

void BucketWriter::Close() {
  FlushBatch();
  writer_->Close();
}

}  // namespace frocket::prepare
