// libFuzzer target: treats the input as a Parquet file and reads everything in it. Any
// frocket::Error is an accepted outcome; a crash, a sanitizer report, a hang or an allocation
// past libFuzzer's limit is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "parquet/file_reader.h"
#include "parquet/value_text.h"
#include "storage/file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace frocket;
  try {
    std::shared_ptr<RandomAccessFile> file =
        MakeMemoryFile("fuzz.parquet", std::string(reinterpret_cast<const char*>(data), size));
    auto reader = parquet::ParquetFile::Open(file);
    for (int g = 0; g < reader->num_row_groups(); ++g) {
      for (int c = 0; c < reader->schema().num_columns(); ++c) {
        const auto& column = reader->schema().column(c);
        if (!column.supported) continue;
        (void)reader->Statistics(g, c);
        for (bool keep_dictionary : {false, true}) {
          parquet::ReadOptions options;
          options.keep_dictionary = keep_dictionary;
          try {
            parquet::ColumnVector vector = reader->ReadColumn(g, c, options);
            // Render a few cells too: the formatter must cope with any decoded bytes.
            std::string text;
            for (int64_t row = 0; row < vector.size && row < 16; ++row) {
              parquet::AppendValueText(column, vector, row, parquet::TextFormat::kJson, &text);
            }
          } catch (const Error&) {
          }
        }
      }
    }
  } catch (const Error&) {
  }
  return 0;
}
