// ColumnWriter: encodes the values of one column into the pages of a column chunk, buffering
// them in memory until the row group ends. The file writer (file_writer.h) owns one per column
// and writes the chunk's bytes out at each row group end, so a writer holds at most one row
// group's encoded pages plus the page being filled.
//
// Pages are v1 data pages: for OPTIONAL columns the definition levels come first, RLE / bit
// packed with a 4-byte length prefix; REQUIRED columns have no levels. Values are
// RLE_DICTIONARY while the chunk's dictionary pays off and fits its limits, then PLAIN or
// DELTA_BINARY_PACKED (see ColumnEncoding in writer_options.h). The dictionary page, when any
// page used it, precedes the data pages.
//
// Not thread-safe; different ColumnWriters may run on different threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "common/buffer.h"
#include "parquet/column_vector.h"
#include "parquet/format.h"
#include "parquet/writer/writer_options.h"

namespace frocket::parquet {

class ColumnWriter {
 public:
  // Throws Error(kInvalidArgument) for an encoding the column's type cannot use
  // (DELTA_BINARY_PACKED on a non-integer column).
  static std::unique_ptr<ColumnWriter> Make(const WriterColumn& column,
                                            const WriterOptions& options);
  virtual ~ColumnWriter() = default;

  // Appends rows [begin, begin + count) of `values`, which the caller has checked: plain form
  // (not dictionary form), the column's physical type, buffers as large as `size` demands, and
  // no nulls when the column is REQUIRED (its validity is then ignored).
  virtual void Append(const ColumnVector& values, int64_t begin, int64_t count) = 0;

  // Ends the column chunk: flushes the last page and builds the dictionary page. The chunk's
  // bytes are dictionary_page() followed by data_pages(), to be written at `chunk_offset`; the
  // returned metadata carries absolute offsets.
  ColumnChunk Finish(int64_t chunk_offset);
  const Buffer& dictionary_page() const { return dictionary_page_; }
  const Buffer& data_pages() const { return data_pages_; }

  // Forgets the finished chunk and starts the next one.
  void Reset();

  // Rows appended to the current chunk.
  int64_t chunk_rows() const { return chunk_rows_; }
  // Memory held for the current chunk: encoded pages, the page being filled, the dictionary.
  int64_t buffered_bytes() const {
    return static_cast<int64_t>(data_pages_.size() + dictionary_page_.size()) + PendingBytes();
  }

 protected:
  ColumnWriter(const WriterColumn& column, const WriterOptions& options);

  // Typed parts.
  virtual void FlushPage() = 0;
  virtual void BuildDictionaryPage(Buffer* body, int32_t* num_values) = 0;  // when used
  virtual bool dictionary_used() const = 0;
  virtual std::optional<Statistics> ChunkStatistics() const = 0;
  virtual void ResetTyped() = 0;
  virtual int64_t PendingBytes() const = 0;

  // Compresses `body` and appends header and page to data_pages_.
  void EmitDataPage(const Buffer& body, int32_t num_values, Encoding encoding,
                    std::optional<Statistics> statistics);

  WriterColumn column_;
  WriterOptions options_;
  PhysicalType physical_;
  int64_t chunk_rows_ = 0;

 private:
  void EmitPage(PageHeader header, const Buffer& body, Buffer* out);

  Buffer data_pages_;
  Buffer dictionary_page_;
  Buffer compressed_;
  int64_t total_uncompressed_ = 0;
  int64_t total_compressed_ = 0;
  int32_t page_counts_[10] = {};  // data pages per Encoding value
};

}  // namespace frocket::parquet
