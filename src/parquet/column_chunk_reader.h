// Reads one column chunk (one leaf column of one row group) page by page into a ColumnVector:
// decompression, CRC checks, definition levels, and dispatch to one decoder per encoding.
// Internal to the reader; ParquetFile::ReadColumn is the public entry point.
#pragma once

#include "parquet/column_vector.h"
#include "parquet/file_reader.h"

namespace frocket::parquet {

struct ChunkLocation {
  const RandomAccessFile* file = nullptr;
  uint64_t start = 0;         // first page (dictionary or data)
  uint64_t declared_end = 0;  // start + total_compressed_size, clamped to read_limit
  uint64_t read_limit = 0;    // where the footer starts: pages may never run past it
};

// Context for error messages: "<file>: row group 2, column 'ts', page 3: ...".
struct ChunkContext {
  std::string file_name;
  int row_group = 0;
  std::string column_name;
};

ColumnVector ReadColumnChunk(const ChunkLocation& location, const ChunkContext& context,
                             const ColumnDescriptor& column, const ColumnMetaData& meta,
                             int64_t num_rows, const ReadOptions& options);

}  // namespace frocket::parquet
