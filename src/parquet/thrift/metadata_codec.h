// Thrift compact protocol encoding and decoding of the Parquet metadata structs (format.h).
// The decoder skips unknown fields and unknown union members, and checks every length, count
// and nesting depth against the input, throwing Error(kCorruptFile) with what was wrong
// ("thrift: list of 4000000000 elements exceeds the 37 bytes left"). It never allocates more
// than the input could describe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "parquet/format.h"

namespace frocket::parquet {

FileMetaData DecodeFileMetaData(const uint8_t* data, size_t size);

// Decodes the page header at data; returns the number of bytes it took.
size_t DecodePageHeader(const uint8_t* data, size_t size, PageHeader* out);

// Encoders for the writer: the exact bytes to put in the file.
std::string EncodeFileMetaData(const FileMetaData& metadata);
std::string EncodePageHeader(const PageHeader& header);

}  // namespace frocket::parquet
