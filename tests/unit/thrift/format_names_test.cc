// The names must be those of parquet.thrift: users compare them with other tools' output.
#include <gtest/gtest.h>

#include "parquet/format.h"

namespace frocket::parquet {
namespace {

TEST(FormatNamesTest, PhysicalTypes) {
  EXPECT_STREQ(PhysicalTypeName(PhysicalType::kBoolean), "BOOLEAN");
  EXPECT_STREQ(PhysicalTypeName(PhysicalType::kInt96), "INT96");
  EXPECT_STREQ(PhysicalTypeName(PhysicalType::kByteArray), "BYTE_ARRAY");
  EXPECT_STREQ(PhysicalTypeName(PhysicalType::kFixedLenByteArray), "FIXED_LEN_BYTE_ARRAY");
  EXPECT_STREQ(PhysicalTypeName(static_cast<PhysicalType>(-7)), "UNKNOWN");
  EXPECT_STREQ(PhysicalTypeName(static_cast<PhysicalType>(8)), "UNKNOWN");
}

TEST(FormatNamesTest, Encodings) {
  const char* expected[] = {"PLAIN",
                            "UNKNOWN",  // 1 was GROUP_VAR_INT, never used and not in the enum
                            "PLAIN_DICTIONARY",
                            "RLE",
                            "BIT_PACKED",
                            "DELTA_BINARY_PACKED",
                            "DELTA_LENGTH_BYTE_ARRAY",
                            "DELTA_BYTE_ARRAY",
                            "RLE_DICTIONARY",
                            "BYTE_STREAM_SPLIT",
                            "UNKNOWN"};
  for (int i = 0; i < 11; ++i) {
    EXPECT_STREQ(EncodingName(static_cast<Encoding>(i)), expected[i]) << i;
  }
  EXPECT_STREQ(EncodingName(static_cast<Encoding>(-1)), "UNKNOWN");
}

TEST(FormatNamesTest, Codecs) {
  const char* expected[] = {"UNCOMPRESSED", "SNAPPY", "GZIP",    "LZO",    "BROTLI",
                            "LZ4",          "ZSTD",   "LZ4_RAW", "UNKNOWN"};
  for (int i = 0; i < 9; ++i) EXPECT_STREQ(CodecName(static_cast<Codec>(i)), expected[i]) << i;
}

TEST(FormatNamesTest, ConvertedTypes) {
  const char* expected[] = {"UTF8",
                            "MAP",
                            "MAP_KEY_VALUE",
                            "LIST",
                            "ENUM",
                            "DECIMAL",
                            "DATE",
                            "TIME_MILLIS",
                            "TIME_MICROS",
                            "TIMESTAMP_MILLIS",
                            "TIMESTAMP_MICROS",
                            "UINT_8",
                            "UINT_16",
                            "UINT_32",
                            "UINT_64",
                            "INT_8",
                            "INT_16",
                            "INT_32",
                            "INT_64",
                            "JSON",
                            "BSON",
                            "INTERVAL",
                            "UNKNOWN"};
  for (int i = 0; i < 23; ++i) {
    EXPECT_STREQ(ConvertedTypeName(static_cast<ConvertedType>(i)), expected[i]) << i;
  }
}

TEST(FormatNamesTest, PageTypes) {
  EXPECT_STREQ(PageTypeName(PageType::kDataPage), "DATA_PAGE");
  EXPECT_STREQ(PageTypeName(PageType::kIndexPage), "INDEX_PAGE");
  EXPECT_STREQ(PageTypeName(PageType::kDictionaryPage), "DICTIONARY_PAGE");
  EXPECT_STREQ(PageTypeName(PageType::kDataPageV2), "DATA_PAGE_V2");
  EXPECT_STREQ(PageTypeName(static_cast<PageType>(4)), "UNKNOWN");
}

}  // namespace
}  // namespace frocket::parquet
