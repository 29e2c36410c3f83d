#include "parquet/file_reader.h"

#include <cmath>
#include <cstring>

#include "common/error.h"
#include "parquet/column_chunk_reader.h"
#include "parquet/thrift/metadata_codec.h"

namespace frocket::parquet {
namespace {

constexpr uint64_t kFooterTailSize = 8;  // 4-byte footer length + magic
// Most footers are small; read this much at once so that opening a file is usually one read.
constexpr uint64_t kFooterGuess = 64 * 1024;

[[noreturn]] void FailFile(const std::string& name, const std::string& what) {
  ThrowCorrupt(name + ": " + what);
}

void CheckChunks(const std::string& name, const FileMetaData& md, const Schema& schema,
                 uint64_t footer_start) {
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const RowGroup& rg = md.row_groups[g];
    std::string where = "row group " + std::to_string(g) + ": ";
    if (rg.num_rows < 0) FailFile(name, where + "negative row count " + std::to_string(rg.num_rows));
    if (rg.columns.size() != static_cast<size_t>(schema.num_columns())) {
      FailFile(name, where + "has " + std::to_string(rg.columns.size()) +
                         " column chunks but the schema has " +
                         std::to_string(schema.num_columns()) + " leaf columns");
    }
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& chunk = rg.columns[c];
      if (chunk.has_crypto_metadata || chunk.has_encrypted_column_metadata) {
        ThrowNotSupported(name + ": encrypted files are not supported (column '" +
                          schema.column(static_cast<int>(c)).name + "' is encrypted)");
      }
      if (!chunk.meta_data) {
        FailFile(name, where + "column '" + schema.column(static_cast<int>(c)).name +
                           "' has no column metadata");
      }
      const ColumnMetaData& meta = *chunk.meta_data;
      if (chunk.file_path && !chunk.file_path->empty()) {
        ThrowNotSupported(name + ": column chunks in other files (file_path '" + *chunk.file_path +
                          "') are not supported");
      }
      if (meta.data_page_offset < 0 || meta.total_compressed_size < 0 ||
          (meta.dictionary_page_offset && *meta.dictionary_page_offset < 0)) {
        FailFile(name, where + "column '" + schema.column(static_cast<int>(c)).name +
                           "' has a negative offset or size");
      }
      if (rg.num_rows > 0 && static_cast<uint64_t>(meta.data_page_offset) >= footer_start) {
        FailFile(name, where + "column '" + schema.column(static_cast<int>(c)).name +
                           "' starts at offset " + std::to_string(meta.data_page_offset) +
                           ", past the data section (" + std::to_string(footer_start) + " bytes)");
      }
    }
  }
}

}  // namespace

ParquetFile::ParquetFile(std::shared_ptr<RandomAccessFile> file, FileMetaData metadata)
    : file_(std::move(file)), metadata_(std::move(metadata)) {}

std::unique_ptr<ParquetFile> ParquetFile::Open(std::shared_ptr<RandomAccessFile> file) {
  const std::string& name = file->name();
  uint64_t size = file->Size();
  if (size < 12) {
    FailFile(name, "not a Parquet file: " + std::to_string(size) + " bytes is too small");
  }
  Buffer head;
  file->ReadAt(0, 4, &head);
  uint64_t tail_size = std::min(size, kFooterGuess);
  Buffer tail;
  file->ReadAt(size - tail_size, tail_size, &tail);
  const uint8_t* magic = tail.data() + tail_size - 4;
  if (std::memcmp(magic, "PARE", 4) == 0) {
    ThrowNotSupported(name + ": encrypted files are not supported (encrypted footer)");
  }
  if (std::memcmp(magic, "PAR1", 4) != 0 || std::memcmp(head.data(), "PAR1", 4) != 0) {
    FailFile(name, "not a Parquet file: magic bytes 'PAR1' missing");
  }
  uint32_t footer_length;
  std::memcpy(&footer_length, tail.data() + tail_size - kFooterTailSize, 4);
  if (footer_length == 0 || footer_length > size - kFooterTailSize - 4) {
    FailFile(name, "footer length " + std::to_string(footer_length) + " does not fit in a file of " +
                       std::to_string(size) + " bytes");
  }
  uint64_t footer_start = size - kFooterTailSize - footer_length;
  const uint8_t* footer;
  Buffer whole_footer;
  if (footer_length + kFooterTailSize <= tail_size) {
    footer = tail.data() + tail_size - kFooterTailSize - footer_length;
  } else {
    file->ReadAt(footer_start, footer_length, &whole_footer);
    footer = whole_footer.data();
  }
  FileMetaData metadata;
  try {
    metadata = DecodeFileMetaData(footer, footer_length);
  } catch (const Error& e) {
    throw Error(e.kind(), name + ": bad footer: " + e.what());
  }
  if (metadata.has_encryption_algorithm) {
    ThrowNotSupported(name + ": encrypted files are not supported (plaintext footer with encrypted columns)");
  }
  std::unique_ptr<ParquetFile> result(new ParquetFile(std::move(file), std::move(metadata)));
  try {
    result->schema_ = Schema(result->metadata_.schema);
  } catch (const Error& e) {
    throw Error(e.kind(), name + ": bad schema: " + e.what());
  }
  CheckChunks(name, result->metadata_, result->schema_, footer_start);
  result->data_end_ = footer_start;
  return result;
}

int64_t ParquetFile::num_rows() const {
  int64_t rows = 0;
  for (const auto& rg : metadata_.row_groups) rows += rg.num_rows;
  return rows;
}

ColumnVector ParquetFile::ReadColumn(int row_group, int column, const ReadOptions& options) const {
  if (row_group < 0 || row_group >= num_row_groups()) {
    ThrowInvalid(name() + ": row group " + std::to_string(row_group) + " does not exist (file has " +
                 std::to_string(num_row_groups()) + ")");
  }
  if (column < 0 || column >= schema_.num_columns()) {
    ThrowInvalid(name() + ": column " + std::to_string(column) + " does not exist (file has " +
                 std::to_string(schema_.num_columns()) + ")");
  }
  const ColumnDescriptor& descriptor = schema_.column(column);
  if (!descriptor.supported) {
    ThrowNotSupported(name() + ": column '" + descriptor.name + "' is a " +
                      descriptor.unsupported_reason + ", which is not supported");
  }
  const RowGroup& rg = metadata_.row_groups[row_group];
  const ColumnMetaData& meta = *rg.columns[column].meta_data;
  ChunkContext context{name(), row_group, descriptor.name};
  if (meta.type != descriptor.physical) {
    ThrowCorrupt(name() + ": row group " + std::to_string(row_group) + ", column '" +
                 descriptor.name + "': chunk type " + PhysicalTypeName(meta.type) +
                 " differs from the schema's " + PhysicalTypeName(descriptor.physical));
  }
  if (meta.codec == Codec::kLzo || static_cast<int>(meta.codec) < 0 ||
      static_cast<int>(meta.codec) > static_cast<int>(Codec::kLz4Raw)) {
    std::string codec = meta.codec == Codec::kLzo ? "LZO" : std::to_string(meta.raw_codec);
    ThrowNotSupported(name() + ": column '" + descriptor.name + "': unsupported codec " + codec);
  }
  // The first page is the dictionary page when there is one. Some writers store 0 or leave
  // the offset out; the page headers are what counts.
  uint64_t start = static_cast<uint64_t>(meta.data_page_offset);
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      static_cast<uint64_t>(*meta.dictionary_page_offset) < start) {
    start = static_cast<uint64_t>(*meta.dictionary_page_offset);
  }
  ChunkLocation location;
  location.file = file_.get();
  location.start = start;
  location.read_limit = data_end_;
  location.declared_end = std::min(data_end_, start + static_cast<uint64_t>(meta.total_compressed_size));
  if (rg.num_rows > 0 && start < 4) {
    ThrowCorrupt(name() + ": row group " + std::to_string(row_group) + ", column '" +
                 descriptor.name + "': column data starts inside the file header");
  }
  return ReadColumnChunk(location, context, descriptor, meta, rg.num_rows, options);
}

ChunkStatistics ParquetFile::Statistics(int row_group, int column) const {
  ChunkStatistics out;
  if (row_group < 0 || row_group >= num_row_groups() || column < 0 ||
      column >= schema_.num_columns()) {
    return out;
  }
  const ColumnMetaData& meta = *metadata_.row_groups[row_group].columns[column].meta_data;
  if (!meta.statistics) return out;
  const parquet::Statistics& s = *meta.statistics;
  const ColumnDescriptor& c = schema_.column(column);
  out.null_count = s.null_count;
  out.distinct_count = s.distinct_count;
  if (s.min_value || s.max_value) {
    out.min = s.min_value;
    out.max = s.max_value;
    out.min_exact = s.is_min_value_exact.value_or(true);
    out.max_exact = s.is_max_value_exact.value_or(true);
  } else {
    // The deprecated min/max were written with signed comparison: trust them only where that
    // is the column's order.
    bool signed_order =
        c.physical == PhysicalType::kBoolean || c.physical == PhysicalType::kFloat ||
        c.physical == PhysicalType::kDouble ||
        ((c.physical == PhysicalType::kInt32 || c.physical == PhysicalType::kInt64) &&
         !(c.type == ValueType::kInt && !c.is_signed));
    if (signed_order) {
      out.min = s.min;
      out.max = s.max;
    }
  }
  // Bounds of the wrong width are useless (and NaN bounds would prune wrongly): drop them.
  int width = PhysicalWidth(c.physical, c.type_length);
  auto bad = [&](const std::optional<std::string>& v) {
    if (!v) return false;
    if (width != 0 && c.physical != PhysicalType::kBoolean && v->size() != static_cast<size_t>(width)) return true;
    if (c.physical == PhysicalType::kFloat && v->size() == 4) {
      float f;
      std::memcpy(&f, v->data(), 4);
      return std::isnan(f);
    }
    if (c.type == ValueType::kFloat16 && v->size() == 2) {
      // IEEE half, little endian: NaN has an all-ones exponent and a non-zero mantissa.
      uint16_t h = static_cast<uint16_t>(static_cast<uint8_t>((*v)[0]) |
                                         (static_cast<uint8_t>((*v)[1]) << 8));
      return (h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0;
    }
    if (c.physical == PhysicalType::kDouble && v->size() == 8) {
      double d;
      std::memcpy(&d, v->data(), 8);
      return std::isnan(d);
    }
    return false;
  };
  if (bad(out.min) || bad(out.max)) {
    out.min.reset();
    out.max.reset();
  }
  if (c.physical == PhysicalType::kInt96) {
    out.min.reset();  // INT96 order is undefined
    out.max.reset();
  }
  return out;
}

}  // namespace frocket::parquet
