// Decoding of hand-built byte sequences (worked out from the compact protocol specification and
// the field ids of parquet.thrift, independently of our encoder), encoder/decoder round trips,
// and hostile inputs.
#include "parquet/thrift/metadata_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "parquet/format.h"
#include "parquet/thrift/compact_writer.h"

namespace frocket::parquet {
namespace {

const uint8_t* Data(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

FileMetaData Decode(const std::vector<uint8_t>& bytes) {
  return DecodeFileMetaData(bytes.data(), bytes.size());
}
FileMetaData Decode(const std::string& bytes) {
  return DecodeFileMetaData(Data(bytes), bytes.size());
}

template <typename Fn>
std::string CorruptMessage(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

std::string FooterError(const std::vector<uint8_t>& bytes) {
  return CorruptMessage([&] { Decode(bytes); });
}
std::string FooterError(const std::string& bytes) {
  return CorruptMessage([&] { Decode(bytes); });
}

// FileMetaData{version: 1, schema: [{name: "schema", num_children: 1},
// {type: INT32, repetition_type: REQUIRED, name: "a"}], num_rows: 3, row_groups: [{columns:
// [{file_offset: 4, meta_data: {type: INT32, encodings: [PLAIN], path_in_schema: ["a"], codec:
// UNCOMPRESSED, num_values: 3, total_uncompressed_size: 20, total_compressed_size: 20,
// data_page_offset: 4}}], total_byte_size: 20, num_rows: 3}]}
const std::vector<uint8_t> kMinimalFooter = {
    0x15, 0x02,                                 // 1: version = 1 (i32, zigzag 2)
    0x19, 0x2c,                                 // 2: schema, list of 2 structs
    0x48, 0x06, 's',  'c', 'h', 'e', 'm', 'a',  //   4: name (delta 4, binary)
    0x15, 0x02,                                 //   5: num_children = 1
    0x00,                                       //   stop
    0x15, 0x02,                                 //   1: type = INT32
    0x25, 0x00,                                 //   3: repetition_type = REQUIRED (delta 2)
    0x18, 0x01, 'a',                            //   4: name = "a"
    0x00,                                       //   stop
    0x16, 0x06,                                 // 3: num_rows = 3 (i64)
    0x19, 0x1c,                                 // 4: row_groups, list of 1 struct
    0x19, 0x1c,                                 //   1: columns, list of 1 struct
    0x26, 0x08,                                 //     2: file_offset = 4 (delta 2, i64)
    0x1c,                                       //     3: meta_data (struct)
    0x15, 0x02,                                 //       1: type = INT32
    0x19, 0x15, 0x00,                           //       2: encodings = [PLAIN] (list of 1 i32)
    0x19, 0x18, 0x01, 'a',                      //       3: path_in_schema = ["a"]
    0x15, 0x00,                                 //       4: codec = UNCOMPRESSED
    0x16, 0x06,                                 //       5: num_values = 3
    0x16, 0x28,                                 //       6: total_uncompressed_size = 20
    0x16, 0x28,                                 //       7: total_compressed_size = 20
    0x26, 0x08,                                 //       9: data_page_offset = 4 (delta 2)
    0x00,                                       //       stop (ColumnMetaData)
    0x00,                                       //     stop (ColumnChunk)
    0x16, 0x28,                                 //   2: total_byte_size = 20
    0x16, 0x06,                                 //   3: num_rows = 3
    0x00,                                       //   stop (RowGroup)
    0x00,                                       // stop (FileMetaData)
};

FileMetaData MinimalMetadata() {
  FileMetaData m;
  m.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement a;
  a.type = PhysicalType::kInt32;
  a.raw_type = 1;
  a.repetition_type = Repetition::kRequired;
  a.name = "a";
  m.schema = {root, a};
  m.num_rows = 3;
  ColumnMetaData cmd;
  cmd.type = PhysicalType::kInt32;
  cmd.encodings = {Encoding::kPlain};
  cmd.path_in_schema = {"a"};
  cmd.codec = Codec::kUncompressed;
  cmd.raw_codec = 0;
  cmd.num_values = 3;
  cmd.total_uncompressed_size = 20;
  cmd.total_compressed_size = 20;
  cmd.data_page_offset = 4;
  ColumnChunk chunk;
  chunk.file_offset = 4;
  chunk.meta_data = cmd;
  RowGroup group;
  group.columns = {chunk};
  group.total_byte_size = 20;
  group.num_rows = 3;
  m.row_groups = {group};
  return m;
}

TEST(MetadataCodecTest, DecodesHandBuiltMinimalFooter) {
  FileMetaData m = Decode(kMinimalFooter);
  EXPECT_EQ(m, MinimalMetadata());
  ASSERT_EQ(m.schema.size(), 2u);
  EXPECT_EQ(m.schema[1].name, "a");
  EXPECT_EQ(m.schema[1].type, PhysicalType::kInt32);
  ASSERT_EQ(m.row_groups.size(), 1u);
  ASSERT_TRUE(m.row_groups[0].columns[0].meta_data.has_value());
  EXPECT_EQ(m.row_groups[0].columns[0].meta_data->path_in_schema, std::vector<std::string>{"a"});
  EXPECT_FALSE(m.created_by.has_value());
  EXPECT_TRUE(m.column_orders.empty());
}

TEST(MetadataCodecTest, EncoderProducesTheHandBuiltBytes) {
  std::string encoded = EncodeFileMetaData(MinimalMetadata());
  EXPECT_EQ(std::vector<uint8_t>(encoded.begin(), encoded.end()), kMinimalFooter);
}

// The minimal footer with extra fields spliced in before the final stop byte.
std::vector<uint8_t> MinimalWithTail(const std::vector<uint8_t>& extra) {
  std::vector<uint8_t> bytes(kMinimalFooter.begin(), kMinimalFooter.end() - 1);
  bytes.insert(bytes.end(), extra.begin(), extra.end());
  bytes.push_back(0x00);
  return bytes;
}

TEST(MetadataCodecTest, SkipsUnknownFieldsOfEveryType) {
  // The last field read was 4 (row_groups); ids 20+ are unknown to FileMetaData.
  std::vector<uint8_t> extra = {
      0x08, 0x28, 0x02, 'x',  'y',                           // 20: binary (long form)
      0x17, 1,    2,    3,    4,    5,    6,    7,    8,     // 21: double
      0x11,                                                  // 22: bool true
      0x13, 0x05,                                            // 23: byte
      0x14, 0x05,                                            // 24: i16
      0x1b, 0x01, 0x8c, 0x01, 'k',  0x19, 0x15, 0x02, 0x00,  // 25: map<binary, struct{1: list}>
      0x1a, 0x21, 0x01, 0x02,                                // 26: set<bool>
      0x1c, 0x1c, 0x1c, 0x00, 0x00, 0x00,                    // 27: struct{1: struct{1: struct{}}}
      0x19, 0x39, 0x08, 0x07, 0x0c,  // 28: list of 3 empty lists (binary, double, struct)
      0x06, 0xd0, 0x0f, 0x80, 0x01,  // 1000: i64 (long form)
      0x66, 0x00,                    // 1006: i64 (delta 6 after a long form)
  };
  FileMetaData m = Decode(MinimalWithTail(extra));
  EXPECT_EQ(m, MinimalMetadata());
}

TEST(MetadataCodecTest, FieldsInAnyOrder) {
  // num_rows (3) first, then version (1) and the rest via the long form when going back.
  CompactWriter w;
  int16_t last_id = 0;
  w.WriteI64Field(&last_id, 3, 3);
  w.WriteI32Field(&last_id, 1, 1);
  // Reuse the schema and row group bytes of the minimal footer.
  std::vector<uint8_t> bytes(w.bytes().begin(), w.bytes().end());
  // schema: field 2 (delta 1 from 1) and its list, as in kMinimalFooter bytes [2, 23).
  bytes.insert(bytes.end(), kMinimalFooter.begin() + 2, kMinimalFooter.begin() + 23);
  // row_groups: field 4 is two ahead of 2 now; its list starts at 26 in kMinimalFooter.
  bytes.push_back(0x29);
  bytes.insert(bytes.end(), kMinimalFooter.begin() + 26, kMinimalFooter.end());
  EXPECT_EQ(Decode(bytes), MinimalMetadata());
}

TEST(MetadataCodecTest, TrailingBytesAfterTheStructAreIgnored) {
  std::vector<uint8_t> bytes = kMinimalFooter;
  bytes.push_back(0xff);
  EXPECT_EQ(Decode(bytes), MinimalMetadata());
}

TEST(MetadataCodecTest, UnknownPhysicalTypeKeepsRawValue) {
  std::vector<uint8_t> bytes = kMinimalFooter;
  bytes[16] = 0x0d;  // the leaf's type: zigzag(-7) = 13
  FileMetaData m = Decode(bytes);
  EXPECT_FALSE(m.schema[1].type.has_value());
  EXPECT_EQ(m.schema[1].raw_type, -7);
  bytes[16] = 0x10;  // 8, one past FIXED_LEN_BYTE_ARRAY
  m = Decode(bytes);
  EXPECT_FALSE(m.schema[1].type.has_value());
  EXPECT_EQ(m.schema[1].raw_type, 8);
}

TEST(MetadataCodecTest, UnknownEnumNumbersAreKeptAsCastValues) {
  std::vector<uint8_t> bytes = kMinimalFooter;
  bytes[36] = 0x54;  // encodings[0] = 42
  bytes[42] = 0xc6;  // codec = 99 (zigzag 198 = 0xc6 0x01)
  bytes.insert(bytes.begin() + 43, 0x01);
  FileMetaData m = Decode(bytes);
  const ColumnMetaData& cmd = *m.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(static_cast<int32_t>(cmd.encodings[0]), 42);
  EXPECT_STREQ(EncodingName(cmd.encodings[0]), "UNKNOWN");
  EXPECT_EQ(cmd.raw_codec, 99);
  EXPECT_EQ(static_cast<int32_t>(cmd.codec), 99);
  EXPECT_STREQ(CodecName(cmd.codec), "UNKNOWN");
}

// Builds a footer whose only leaf has the given LogicalType field (id 10) bytes.
std::vector<uint8_t> FooterWithLogicalType(const std::vector<uint8_t>& logical_type) {
  std::vector<uint8_t> bytes = kMinimalFooter;
  // The leaf's stop byte is at index 22; its last field was 4 (name), so 10 is delta 6.
  std::vector<uint8_t> field = {0x6c};
  field.insert(field.end(), logical_type.begin(), logical_type.end());
  bytes.insert(bytes.begin() + 22, field.begin(), field.end());
  return bytes;
}

LogicalType LeafLogicalType(const std::vector<uint8_t>& logical_type) {
  return Decode(FooterWithLogicalType(logical_type)).schema[1].logical_type;
}

TEST(MetadataCodecTest, LogicalTypes) {
  using Kind = LogicalType::Kind;
  EXPECT_EQ(LeafLogicalType({0x1c, 0x00, 0x00}).kind, Kind::kString);
  EXPECT_EQ(LeafLogicalType({0x6c, 0x00, 0x00}).kind, Kind::kDate);
  EXPECT_EQ(LeafLogicalType({0x0c, 0x16, 0x00, 0x00}).kind, Kind::kUnknownNull);  // id 11
  EXPECT_EQ(LeafLogicalType({0x0c, 0x1c, 0x00, 0x00}).kind, Kind::kUuid);         // id 14
  EXPECT_EQ(LeafLogicalType({0x0c, 0x1e, 0x00, 0x00}).kind, Kind::kFloat16);      // id 15
  EXPECT_EQ(LeafLogicalType({0x0c, 0x20, 0x00, 0x00}).kind, Kind::kVariant);      // id 16
  EXPECT_EQ(LeafLogicalType({0x0c, 0x22, 0x18, 0x01, 'x', 0x00, 0x00}).kind,
            Kind::kGeometry);  // id 17 with crs "x"
  EXPECT_EQ(LeafLogicalType({0x0c, 0x24, 0x00, 0x00}).kind, Kind::kGeography);  // id 18

  // DECIMAL(precision 9, scale 2): {5: {1: 2, 2: 9}}.
  LogicalType decimal = LeafLogicalType({0x5c, 0x15, 0x04, 0x15, 0x12, 0x00, 0x00});
  EXPECT_EQ(decimal.kind, Kind::kDecimal);
  EXPECT_EQ(decimal.decimal_scale, 2);
  EXPECT_EQ(decimal.decimal_precision, 9);

  // TIMESTAMP(isAdjustedToUTC = true, NANOS): {8: {1: true, 2: {3: {}}}}.
  LogicalType ts = LeafLogicalType({0x8c, 0x11, 0x1c, 0x3c, 0x00, 0x00, 0x00, 0x00});
  EXPECT_EQ(ts.kind, Kind::kTimestamp);
  EXPECT_TRUE(ts.is_adjusted_to_utc);
  EXPECT_EQ(ts.unit, TimeUnit::kNanos);

  // TIME(false, MICROS): {7: {1: false, 2: {2: {}}}}.
  LogicalType time = LeafLogicalType({0x7c, 0x12, 0x1c, 0x2c, 0x00, 0x00, 0x00, 0x00});
  EXPECT_EQ(time.kind, Kind::kTime);
  EXPECT_FALSE(time.is_adjusted_to_utc);
  EXPECT_EQ(time.unit, TimeUnit::kMicros);

  // INTEGER(16, unsigned): {10: {1: (i8) 16, 2: false}}.
  LogicalType integer = LeafLogicalType({0x0c, 0x14, 0x13, 0x10, 0x12, 0x00, 0x00});
  EXPECT_EQ(integer.kind, Kind::kInteger);
  EXPECT_EQ(integer.bit_width, 16);
  EXPECT_FALSE(integer.is_signed);
}

TEST(MetadataCodecTest, UnknownLogicalTypeMembers) {
  using Kind = LogicalType::Kind;
  // Member 2555 (zigzag 5110 = 0xf6 0x27) holding a struct with a field.
  EXPECT_EQ(LeafLogicalType({0x0c, 0xf6, 0x27, 0x15, 0x02, 0x00, 0x00}).kind, Kind::kUnknown);
  // Member 9 (reserved for INTERVAL) and 19 (not in every version) are unknown too.
  EXPECT_EQ(LeafLogicalType({0x9c, 0x00, 0x00}).kind, Kind::kUnknown);
  EXPECT_EQ(LeafLogicalType({0x0c, 0x26, 0x00, 0x00}).kind, Kind::kUnknown);
  // A TIMESTAMP with a time unit we do not know (member 4) cannot be interpreted.
  EXPECT_EQ(LeafLogicalType({0x8c, 0x11, 0x1c, 0x4c, 0x00, 0x00, 0x00, 0x00}).kind, Kind::kUnknown);
  // An unknown member next to a known one: the known one counts.
  EXPECT_EQ(LeafLogicalType({0x1c, 0x00, 0x0c, 0xf6, 0x27, 0x00, 0x00}).kind, Kind::kString);
}

TEST(MetadataCodecTest, LogicalTypeMissingRequiredParameters) {
  // DECIMAL without precision.
  EXPECT_EQ(FooterError(FooterWithLogicalType({0x5c, 0x15, 0x04, 0x00, 0x00})),
            "thrift: DecimalType is missing required field 'precision'");
  // TIMESTAMP without unit.
  EXPECT_EQ(FooterError(FooterWithLogicalType({0x8c, 0x11, 0x00, 0x00})),
            "thrift: TimestampType is missing required field 'unit'");
}

TEST(MetadataCodecTest, ColumnOrders) {
  // 7: list of 4 ColumnOrder: {1: {}}, {2: {}}, {5: {}}, {}.
  std::vector<uint8_t> extra = {0x39, 0x4c, 0x1c, 0x00, 0x00, 0x2c,
                                0x00, 0x00, 0x5c, 0x00, 0x00, 0x00};
  FileMetaData m = Decode(MinimalWithTail(extra));
  EXPECT_EQ(m.column_orders,
            (std::vector<ColumnOrder>{ColumnOrder::kTypeDefined, ColumnOrder::kIeee754TotalOrder,
                                      ColumnOrder::kUnknown, ColumnOrder::kUnknown}));
  EXPECT_EQ(m.column_orders_type_defined, (std::vector<bool>{true, false, false, false}));
}

TEST(MetadataCodecTest, EncryptionFieldsAreFlaggedAndSkipped) {
  // FileMetaData 8: encryption_algorithm {1: AES_GCM_V1 {1: aad_prefix "p", 3: true}}, and
  // 9: footer_signing_key_metadata.
  std::vector<uint8_t> extra = {0x4c, 0x1c, 0x18, 0x01, 'p', 0x21,
                                0x00, 0x00, 0x18, 0x02, 'k', 'm'};
  FileMetaData m = Decode(MinimalWithTail(extra));
  EXPECT_TRUE(m.has_encryption_algorithm);

  // ColumnChunk 8: crypto_metadata {2: {1: ["a"], 2: "key"}}, 9: encrypted_column_metadata,
  // and no meta_data, which an encrypted column may omit.
  std::vector<uint8_t> bytes = {
      0x15, 0x02, 0x19, 0x1c, 0x48, 0x01, 'r',  0x00,  // version, schema [{name "r"}]
      0x16, 0x00,                                      // num_rows 0
      0x19, 0x1c, 0x19, 0x1c,                          // row_groups [{columns [
      0x26, 0x00,                                      //   file_offset 0
      0x6c, 0x2c, 0x19, 0x18, 0x01, 'a',  0x18, 0x03, 'k', 'e', 'y', 0x00, 0x00,  // 8
      0x18, 0x02, 0xde, 0xad,                                                     //   9
      0x00,                                                                       // ]
      0x16, 0x00, 0x16, 0x00, 0x00,  // total_byte_size, num_rows }]
      0x00,
  };
  m = Decode(bytes);
  const ColumnChunk& chunk = m.row_groups[0].columns[0];
  EXPECT_TRUE(chunk.has_crypto_metadata);
  EXPECT_TRUE(chunk.has_encrypted_column_metadata);
  EXPECT_FALSE(chunk.meta_data.has_value());
  EXPECT_FALSE(m.has_encryption_algorithm);
}

// A footer written with CompactWriter where each required field can be left out.
std::string FooterWithout(int skip_file_field, int skip_column_field) {
  CompactWriter w;
  int16_t last = 0;
  if (skip_file_field != 1) w.WriteI32Field(&last, 1, 1);
  if (skip_file_field != 2) {
    w.WriteFieldHeader(&last, 2, CompactType::kList);
    w.WriteListHeader(CompactType::kStruct, 1);
    int16_t e_last = 0;
    w.WriteBinaryField(&e_last, 4, "root");
    w.WriteStop();
  }
  if (skip_file_field != 3) w.WriteI64Field(&last, 3, 0);
  if (skip_file_field != 4) {
    w.WriteFieldHeader(&last, 4, CompactType::kList);
    w.WriteListHeader(CompactType::kStruct, 1);
    int16_t g_last = 0;
    w.WriteFieldHeader(&g_last, 1, CompactType::kList);
    w.WriteListHeader(CompactType::kStruct, 1);
    int16_t c_last = 0;
    w.WriteI64Field(&c_last, 2, 0);
    w.WriteFieldHeader(&c_last, 3, CompactType::kStruct);
    int16_t m_last = 0;
    for (int16_t id : {1, 2, 3, 4, 5, 6, 7, 9}) {
      if (id == skip_column_field) continue;
      if (id == 2) {
        w.WriteFieldHeader(&m_last, 2, CompactType::kList);
        w.WriteListHeader(CompactType::kI32, 0);
      } else if (id == 3) {
        w.WriteFieldHeader(&m_last, 3, CompactType::kList);
        w.WriteListHeader(CompactType::kBinary, 0);
      } else if (id == 1 || id == 4) {
        w.WriteI32Field(&m_last, id, 0);
      } else {
        w.WriteI64Field(&m_last, id, 0);
      }
    }
    w.WriteStop();
    w.WriteStop();
    w.WriteI64Field(&g_last, 2, 0);
    w.WriteI64Field(&g_last, 3, 0);
    w.WriteStop();
  }
  w.WriteStop();
  return w.Release();
}

TEST(MetadataCodecTest, MissingRequiredFieldsAreCorrupt) {
  EXPECT_NO_THROW(Decode(FooterWithout(0, 0)));
  EXPECT_EQ(FooterError(FooterWithout(1, 0)),
            "thrift: FileMetaData is missing required field 'version'");
  EXPECT_EQ(FooterError(FooterWithout(2, 0)),
            "thrift: FileMetaData is missing required field 'schema'");
  EXPECT_EQ(FooterError(FooterWithout(3, 0)),
            "thrift: FileMetaData is missing required field 'num_rows'");
  EXPECT_EQ(FooterError(FooterWithout(4, 0)),
            "thrift: FileMetaData is missing required field 'row_groups'");
  const char* column_fields[] = {"",
                                 "type",
                                 "encodings",
                                 "path_in_schema",
                                 "codec",
                                 "num_values",
                                 "total_uncompressed_size",
                                 "total_compressed_size",
                                 "",
                                 "data_page_offset"};
  for (int id : {1, 2, 3, 4, 5, 6, 7, 9}) {
    EXPECT_EQ(FooterError(FooterWithout(0, id)),
              std::string("thrift: ColumnMetaData is missing required field '") +
                  column_fields[id] + "'");
  }
  // A schema element without a name.
  std::vector<uint8_t> bytes = kMinimalFooter;
  bytes.erase(bytes.begin() + 4, bytes.begin() + 12);  // the root's name
  bytes[4] = 0x55;                                     // num_children is now delta 5
  EXPECT_EQ(FooterError(bytes), "thrift: SchemaElement is missing required field 'name'");
}

TEST(MetadataCodecTest, ColumnChunkWithoutMetaDataIsCorruptUnlessEncrypted) {
  std::vector<uint8_t> bytes = {
      0x15, 0x02, 0x19, 0x1c, 0x48, 0x01, 'r',  0x00, 0x16,
      0x00, 0x19, 0x1c, 0x19, 0x1c, 0x26, 0x00, 0x00,  // a ColumnChunk with file_offset only
      0x16, 0x00, 0x16, 0x00, 0x00, 0x00,
  };
  std::string message = FooterError(bytes);
  EXPECT_NE(message.find("missing required field 'meta_data'"), std::string::npos) << message;
}

TEST(MetadataCodecTest, NegativeSizesAreCorrupt) {
  std::vector<uint8_t> bytes = kMinimalFooter;
  bytes[24] = 0x01;  // num_rows = -1
  EXPECT_EQ(FooterError(bytes), "thrift: FileMetaData.num_rows must not be negative, got -1");

  bytes = kMinimalFooter;
  bytes[56] = 0x03;  // RowGroup.num_rows = -2
  EXPECT_EQ(FooterError(bytes), "thrift: RowGroup.num_rows must not be negative, got -2");

  bytes = kMinimalFooter;
  bytes[44] = 0x05;  // ColumnMetaData.num_values = -3
  EXPECT_EQ(FooterError(bytes), "thrift: ColumnMetaData.num_values must not be negative, got -3");

  bytes = kMinimalFooter;
  bytes[13] = 0x01;  // root num_children = -1
  EXPECT_EQ(FooterError(bytes), "thrift: SchemaElement.num_children must not be negative, got -1");
}

TEST(MetadataCodecTest, RequiredFieldOfTheWrongTypeIsCorrupt) {
  // schema written as an i32 (value 5): skipped like any field we cannot read, then reported.
  std::string bytes = FooterWithout(2, 0);
  bytes.insert(2, "\x15\x0a");  // after version: field 2, i32, value 5
  bytes[4] = 0x16;              // num_rows (i64) follows field 2 now: delta 1
  EXPECT_EQ(FooterError(bytes), "thrift: field FileMetaData.schema (id 2) must be list, got i32");
}

TEST(MetadataCodecTest, OptionalFieldOfTheWrongTypeIsSkipped) {
  // created_by (6) as a list of i32 and key_value_metadata (5) as binary, as a writer built on
  // another draft of the format could write them; every generated reader skips them.
  std::vector<uint8_t> extra = {0x18, 0x01, 'x', 0x19, 0x25, 0x02, 0x04};
  FileMetaData m = Decode(MinimalWithTail(extra));
  EXPECT_EQ(m, MinimalMetadata());
}

TEST(MetadataCodecTest, IntegerTypesAreInterchangeable) {
  // version written as an i64 and as an i16: the same zigzag varint on the wire.
  std::vector<uint8_t> bytes = kMinimalFooter;
  bytes[0] = 0x16;
  EXPECT_EQ(Decode(bytes), MinimalMetadata());
  bytes[0] = 0x14;
  EXPECT_EQ(Decode(bytes), MinimalMetadata());
  // encodings as a list of i16 (as in bad_data/ARROW-GH-41317.parquet).
  bytes = kMinimalFooter;
  bytes[35] = 0x14;
  EXPECT_EQ(Decode(bytes), MinimalMetadata());
  // An i64 value that does not fit the declared i32 is still corrupt.
  bytes = {0x16, 0x80, 0x80, 0x80, 0x80, 0x10};
  bytes.insert(bytes.end(), kMinimalFooter.begin() + 2, kMinimalFooter.end());
  EXPECT_NE(FooterError(bytes).find("does not fit an i32"), std::string::npos);
}

TEST(MetadataCodecTest, BadListElementTypesAndTypeNibblesAreCorrupt) {
  std::vector<uint8_t> bytes = kMinimalFooter;
  bytes[3] = 0x25;  // schema announced as a list of i32
  EXPECT_EQ(FooterError(bytes),
            "thrift: elements of list FileMetaData.schema must be struct, got i32");

  bytes = kMinimalFooter;
  bytes[0] = 0x1d;  // invalid type nibble 13
  FooterError(bytes);
}

TEST(MetadataCodecTest, I32FieldThatOverflowsIsCorrupt) {
  std::vector<uint8_t> bytes = {0x15, 0x80, 0x80, 0x80, 0x80, 0x10};  // version = 2^32 (zigzag)
  bytes.insert(bytes.end(), kMinimalFooter.begin() + 2, kMinimalFooter.end());
  std::string message = FooterError(bytes);
  EXPECT_NE(message.find("does not fit an i32"), std::string::npos) << message;
}

TEST(MetadataCodecTest, HugeListSizesAreCorrupt) {
  // row_groups claiming 4,000,000,000 structs, and schema claiming 2^31 - 1.
  std::vector<uint8_t> bytes = {0x15, 0x02, 0x19, 0xfc, 0x80, 0xd0, 0xac, 0xf3, 0x0e, 0x00};
  std::string message = FooterError(bytes);
  EXPECT_NE(message.find("list of 4000000000 elements exceeds the 1 bytes left"), std::string::npos)
      << message;
  bytes = {0x15, 0x02, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x00, 0x00};
  message = FooterError(bytes);
  EXPECT_NE(message.find("list of 2147483647 elements"), std::string::npos) << message;
}

TEST(MetadataCodecTest, DeepNestingInUnknownFieldsIsCorrupt) {
  std::vector<uint8_t> extra;
  extra.push_back(0x0c);  // field 20 (long form): struct
  extra.push_back(0x28);
  for (int i = 0; i < 1000; ++i) extra.push_back(0x1c);  // 1000 nested structs
  for (int i = 0; i < 1001; ++i) extra.push_back(0x00);
  std::string message = FooterError(MinimalWithTail(extra));
  EXPECT_NE(message.find("deeper than 64"), std::string::npos) << message;
}

TEST(MetadataCodecTest, EmptyAndTinyInputsAreCorrupt) {
  FooterError(std::vector<uint8_t>{});
  FooterError(std::vector<uint8_t>{0x00});  // a FileMetaData with no fields
  FooterError(std::vector<uint8_t>{0x15});
}

TEST(MetadataCodecTest, TruncatedAtEveryLengthIsCorrupt) {
  for (size_t n = 0; n < kMinimalFooter.size(); ++n) {
    std::vector<uint8_t> prefix(kMinimalFooter.begin(), kMinimalFooter.begin() + n);
    FooterError(prefix);
  }
}

// ---------------------------------------------------------------------------------------------
// Page headers

TEST(MetadataCodecTest, DecodesHandBuiltDataPageV2Header) {
  std::vector<uint8_t> bytes = {
      0x15, 0x06,        // 1: type = DATA_PAGE_V2 (3)
      0x15, 0xc8, 0x01,  // 2: uncompressed_page_size = 100
      0x15, 0xa0, 0x01,  // 3: compressed_page_size = 80
      0x15, 0x01,        // 4: crc = -1
      0x4c,              // 8: data_page_header_v2 (delta 4)
      0x15, 0x14,        //   1: num_values = 10
      0x15, 0x04,        //   2: num_nulls = 2
      0x15, 0x14,        //   3: num_rows = 10
      0x15, 0x10,        //   4: encoding = RLE_DICTIONARY (8)
      0x15, 0x08,        //   5: definition_levels_byte_length = 4
      0x15, 0x00,        //   6: repetition_levels_byte_length = 0
      0x12,              //   7: is_compressed = false
      0x00,              //   stop
      0x00,              // stop
      0xaa, 0xbb,        // page data, not part of the header
  };
  PageHeader h;
  size_t consumed = DecodePageHeader(bytes.data(), bytes.size(), &h);
  EXPECT_EQ(consumed, bytes.size() - 2);
  EXPECT_EQ(h.type, PageType::kDataPageV2);
  EXPECT_EQ(h.raw_type, 3);
  EXPECT_EQ(h.uncompressed_page_size, 100);
  EXPECT_EQ(h.compressed_page_size, 80);
  EXPECT_EQ(h.crc, -1);
  EXPECT_FALSE(h.data_page_header.has_value());
  ASSERT_TRUE(h.data_page_header_v2.has_value());
  const DataPageHeaderV2& v2 = *h.data_page_header_v2;
  EXPECT_EQ(v2.num_values, 10);
  EXPECT_EQ(v2.num_nulls, 2);
  EXPECT_EQ(v2.num_rows, 10);
  EXPECT_EQ(v2.encoding, Encoding::kRleDictionary);
  EXPECT_EQ(v2.definition_levels_byte_length, 4);
  EXPECT_EQ(v2.repetition_levels_byte_length, 0);
  EXPECT_FALSE(v2.is_compressed);
  EXPECT_FALSE(v2.statistics.has_value());

  // The encoder writes the same bytes.
  std::string encoded = EncodePageHeader(h);
  EXPECT_EQ(std::vector<uint8_t>(encoded.begin(), encoded.end()),
            std::vector<uint8_t>(bytes.begin(), bytes.end() - 2));
}

TEST(MetadataCodecTest, DataPageV2IsCompressedDefaultsToTrue) {
  std::vector<uint8_t> bytes = {0x15, 0x06, 0x15, 0x00, 0x15, 0x00, 0x5c, 0x15, 0x00, 0x15, 0x00,
                                0x15, 0x00, 0x15, 0x00, 0x15, 0x00, 0x15, 0x00, 0x00, 0x00};
  PageHeader h;
  DecodePageHeader(bytes.data(), bytes.size(), &h);
  ASSERT_TRUE(h.data_page_header_v2.has_value());
  EXPECT_TRUE(h.data_page_header_v2->is_compressed);
}

TEST(MetadataCodecTest, DecodesHandBuiltDictionaryAndV1Headers) {
  std::vector<uint8_t> dict = {
      0x15, 0x04,                          // type = DICTIONARY_PAGE
      0x15, 0x10, 0x15, 0x10,              // sizes 8, 8
      0x4c,                                // 7: dictionary_page_header (delta 4)
      0x15, 0x04, 0x15, 0x00, 0x11, 0x00,  // num_values 2, PLAIN, is_sorted true
      0x00,
  };
  PageHeader h;
  EXPECT_EQ(DecodePageHeader(dict.data(), dict.size(), &h), dict.size());
  EXPECT_EQ(h.type, PageType::kDictionaryPage);
  ASSERT_TRUE(h.dictionary_page_header.has_value());
  EXPECT_EQ(h.dictionary_page_header->num_values, 2);
  EXPECT_EQ(h.dictionary_page_header->encoding, Encoding::kPlain);
  EXPECT_EQ(h.dictionary_page_header->is_sorted, true);
  EXPECT_FALSE(h.crc.has_value());

  std::vector<uint8_t> v1 = {
      0x15, 0x00, 0x15, 0x20, 0x15, 0x20,              // DATA_PAGE, sizes 16, 16
      0x2c,                                            // 5: data_page_header (delta 2)
      0x15, 0x08, 0x15, 0x10, 0x15, 0x06, 0x15, 0x08,  // 4 values, RLE_DICTIONARY, RLE, BIT_PACKED
      0x1c, 0x36, 0x04, 0x00,                          // 5: statistics {3: null_count 2 (delta 3)}
      0x00,                                            // end of DataPageHeader
      0x00,                                            // end of PageHeader
  };
  EXPECT_EQ(DecodePageHeader(v1.data(), v1.size(), &h), v1.size());
  EXPECT_EQ(h.type, PageType::kDataPage);
  EXPECT_FALSE(h.dictionary_page_header.has_value());  // cleared from the previous decode
  ASSERT_TRUE(h.data_page_header.has_value());
  EXPECT_EQ(h.data_page_header->num_values, 4);
  EXPECT_EQ(h.data_page_header->encoding, Encoding::kRleDictionary);
  EXPECT_EQ(h.data_page_header->definition_level_encoding, Encoding::kRle);
  EXPECT_EQ(h.data_page_header->repetition_level_encoding, Encoding::kBitPacked);
  ASSERT_TRUE(h.data_page_header->statistics.has_value());
  EXPECT_EQ(h.data_page_header->statistics->null_count, 2);
  EXPECT_FALSE(h.data_page_header->statistics->min_value.has_value());
}

TEST(MetadataCodecTest, PageHeaderErrors) {
  PageHeader h;
  std::vector<uint8_t> no_type = {0x25, 0x00, 0x15, 0x00, 0x00};
  EXPECT_EQ(CorruptMessage([&] { DecodePageHeader(no_type.data(), no_type.size(), &h); }),
            "thrift: PageHeader is missing required field 'type'");
  std::vector<uint8_t> no_size = {0x15, 0x00, 0x15, 0x00, 0x00};
  EXPECT_EQ(CorruptMessage([&] { DecodePageHeader(no_size.data(), no_size.size(), &h); }),
            "thrift: PageHeader is missing required field 'compressed_page_size'");
  std::vector<uint8_t> negative = {0x15, 0x00, 0x15, 0x00, 0x15, 0x09, 0x00};
  EXPECT_EQ(CorruptMessage([&] { DecodePageHeader(negative.data(), negative.size(), &h); }),
            "thrift: PageHeader.compressed_page_size must not be negative, got -5");
  // A dictionary page header with num_values -1 (as in ARROW-RS-GH-6229).
  std::vector<uint8_t> negative_dict = {0x15, 0x04, 0x15, 0x00, 0x15, 0x00, 0x4c,
                                        0x15, 0x01, 0x15, 0x00, 0x00, 0x00};
  EXPECT_EQ(
      CorruptMessage([&] { DecodePageHeader(negative_dict.data(), negative_dict.size(), &h); }),
      "thrift: DictionaryPageHeader.num_values must not be negative, got -1");
  std::vector<uint8_t> v1_missing = {0x15, 0x00, 0x15, 0x00, 0x15, 0x00, 0x2c, 0x15,
                                     0x00, 0x15, 0x00, 0x15, 0x00, 0x00, 0x00};
  EXPECT_EQ(CorruptMessage([&] { DecodePageHeader(v1_missing.data(), v1_missing.size(), &h); }),
            "thrift: DataPageHeader is missing required field 'repetition_level_encoding'");
  // The required type as a binary.
  std::vector<uint8_t> wrong = {0x18, 0x01, 'x', 0x15, 0x00, 0x15, 0x00, 0x00};
  EXPECT_EQ(CorruptMessage([&] { DecodePageHeader(wrong.data(), wrong.size(), &h); }),
            "thrift: field PageHeader.type (id 1) must be i32, got binary");
  // The optional data_page_header as an i32 is skipped; the page reader will find it missing.
  std::vector<uint8_t> skipped = {0x15, 0x00, 0x15, 0x00, 0x15, 0x00, 0x25, 0x00, 0x00};
  EXPECT_EQ(DecodePageHeader(skipped.data(), skipped.size(), &h), skipped.size());
  EXPECT_FALSE(h.data_page_header.has_value());
}

TEST(MetadataCodecTest, UnknownPageTypeKeepsRawValue) {
  std::vector<uint8_t> bytes = {0x15, 0x0e, 0x15, 0x00, 0x15, 0x00, 0x00};  // type 7
  PageHeader h;
  DecodePageHeader(bytes.data(), bytes.size(), &h);
  EXPECT_EQ(h.raw_type, 7);
  EXPECT_STREQ(PageTypeName(h.type), "UNKNOWN");
}

TEST(MetadataCodecTest, IndexPageHeaderIsSkipped) {
  std::vector<uint8_t> bytes = {0x15, 0x02, 0x15, 0x00, 0x15, 0x00, 0x3c, 0x00, 0x00};
  PageHeader h;
  EXPECT_EQ(DecodePageHeader(bytes.data(), bytes.size(), &h), bytes.size());
  EXPECT_EQ(h.type, PageType::kIndexPage);
}

// ---------------------------------------------------------------------------------------------
// Round trips of richly populated structs

Statistics RichStatistics(int seed) {
  Statistics s;
  s.max = std::string("\x00\xff max", 6) + std::to_string(seed);
  s.min = std::string("\x00min", 4);
  s.null_count = 0;
  s.distinct_count = 1234567890123LL + seed;
  s.max_value = std::string(300, 'z');  // long enough for a two-byte length
  s.min_value = "";
  s.is_max_value_exact = true;
  s.is_min_value_exact = false;
  s.nan_count = 7;
  return s;
}

SchemaElement Leaf(const std::string& name, PhysicalType type, LogicalType logical) {
  SchemaElement e;
  e.type = type;
  e.raw_type = static_cast<int32_t>(type);
  e.repetition_type = Repetition::kOptional;
  e.name = name;
  e.logical_type = logical;
  return e;
}

FileMetaData RichMetadata() {
  using Kind = LogicalType::Kind;
  FileMetaData m;
  m.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 0;  // set below
  m.schema.push_back(root);

  std::vector<LogicalType> logicals;
  for (Kind kind : {Kind::kNone, Kind::kString, Kind::kMap, Kind::kList, Kind::kEnum, Kind::kDate,
                    Kind::kUnknownNull, Kind::kJson, Kind::kBson, Kind::kUuid, Kind::kFloat16,
                    Kind::kVariant, Kind::kGeometry, Kind::kGeography}) {
    LogicalType t;
    t.kind = kind;
    logicals.push_back(t);
  }
  LogicalType decimal;
  decimal.kind = Kind::kDecimal;
  decimal.decimal_scale = 3;
  decimal.decimal_precision = 38;
  logicals.push_back(decimal);
  for (TimeUnit unit : {TimeUnit::kMillis, TimeUnit::kMicros, TimeUnit::kNanos}) {
    for (bool utc : {false, true}) {
      for (Kind kind : {Kind::kTime, Kind::kTimestamp}) {
        LogicalType t;
        t.kind = kind;
        t.unit = unit;
        t.is_adjusted_to_utc = utc;
        logicals.push_back(t);
      }
    }
  }
  for (int8_t width : {8, 16, 32, 64}) {
    for (bool is_signed : {false, true}) {
      LogicalType t;
      t.kind = Kind::kInteger;
      t.bit_width = width;
      t.is_signed = is_signed;
      logicals.push_back(t);
    }
  }
  for (size_t i = 0; i < logicals.size(); ++i) {
    SchemaElement e =
        Leaf("col" + std::to_string(i), static_cast<PhysicalType>(i % 8), logicals[i]);
    if (i % 3 == 0) e.type_length = static_cast<int32_t>(i);
    if (i % 4 == 0) e.converted_type = static_cast<ConvertedType>(i % 22);
    if (i % 5 == 0) {
      e.scale = 2;
      e.precision = 10;
    }
    if (i % 2 == 0) e.field_id = -static_cast<int32_t>(i);
    if (i == 1) e.repetition_type = Repetition::kRepeated;
    if (i == 2) e.repetition_type.reset();
    m.schema.push_back(e);
  }
  // An element whose type number is unknown survives as raw_type.
  SchemaElement odd;
  odd.raw_type = -7;
  odd.name = "odd";
  m.schema.push_back(odd);
  m.schema[0].num_children = static_cast<int32_t>(m.schema.size() - 1);

  m.num_rows = 5'000'000'000LL;
  for (int g = 0; g < 3; ++g) {
    RowGroup group;
    for (int c = 0; c < 10; ++c) {
      ColumnChunk chunk;
      chunk.file_offset = 4 + g * 1000 + c;
      if (c == 3) chunk.file_path = "other.parquet";
      ColumnMetaData md;
      md.type = static_cast<PhysicalType>(c % 8);
      md.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary,
                      static_cast<Encoding>(42)};
      md.path_in_schema = {"col" + std::to_string(c), "inner"};
      md.codec = static_cast<Codec>(c % 8);
      md.raw_codec = c % 8;
      md.num_values = 1'000'000 + c;
      md.total_uncompressed_size = 1LL << 40;
      md.total_compressed_size = 123;
      if (c % 2 == 0) md.key_value_metadata = {{"k", "v"}, {"only key", std::nullopt}};
      md.data_page_offset = 1LL << 33;
      if (c % 3 == 0) md.index_page_offset = 17;
      if (c % 3 == 1) md.dictionary_page_offset = 0;
      if (c % 2 == 1) md.statistics = RichStatistics(c);
      if (c % 4 == 0) {
        md.encoding_stats = {{PageType::kDictionaryPage, Encoding::kPlain, 1},
                             {PageType::kDataPageV2, Encoding::kRleDictionary, 100}};
      }
      if (c % 5 == 0) {
        md.bloom_filter_offset = 99;
        md.bloom_filter_length = 1024;
      }
      chunk.meta_data = md;
      if (c % 2 == 0) {
        chunk.offset_index_offset = 5000;
        chunk.offset_index_length = 50;
        chunk.column_index_offset = 6000;
        chunk.column_index_length = -60;  // any value survives; checking is not the codec's job
      }
      group.columns.push_back(chunk);
    }
    group.total_byte_size = 1 << 20;
    group.num_rows = 1'000'000;
    if (g == 1) group.sorting_columns = {{0, true, false}, {5, false, true}};
    if (g != 0) group.file_offset = 4;
    if (g != 0) group.total_compressed_size = 777;
    if (g == 2) group.ordinal = -2;
    m.row_groups.push_back(group);
  }
  m.key_value_metadata = {{"ARROW:schema", std::string("\x00\x01\x02", 3)}, {"empty", ""}};
  m.created_by = "frocket version 0.1.0";
  for (size_t i = 0; i + 1 < m.schema.size(); ++i) {
    ColumnOrder order = i % 3 == 0   ? ColumnOrder::kTypeDefined
                        : i % 3 == 1 ? ColumnOrder::kIeee754TotalOrder
                                     : ColumnOrder::kUnknown;
    m.column_orders.push_back(order);
    m.column_orders_type_defined.push_back(order == ColumnOrder::kTypeDefined);
  }
  return m;
}

TEST(MetadataCodecTest, FileMetaDataRoundTrip) {
  FileMetaData m = RichMetadata();
  std::string encoded = EncodeFileMetaData(m);
  FileMetaData decoded = Decode(encoded);
  EXPECT_EQ(decoded, m);
  // Spot checks, so that a failure of the aggregate comparison is easier to read.
  ASSERT_EQ(decoded.schema.size(), m.schema.size());
  for (size_t i = 0; i < m.schema.size(); ++i) {
    EXPECT_EQ(decoded.schema[i], m.schema[i]) << "schema element " << i;
  }
  ASSERT_EQ(decoded.row_groups.size(), 3u);
  for (size_t g = 0; g < 3; ++g) {
    EXPECT_EQ(decoded.row_groups[g], m.row_groups[g]) << "row group " << g;
  }
  // Encoding is deterministic.
  EXPECT_EQ(EncodeFileMetaData(decoded), encoded);
}

TEST(MetadataCodecTest, ColumnOrdersFromTheBoolVector) {
  FileMetaData m = MinimalMetadata();
  m.column_orders_type_defined = {true, false};
  FileMetaData decoded = Decode(EncodeFileMetaData(m));
  EXPECT_EQ(decoded.column_orders_type_defined, (std::vector<bool>{true, false}));
  EXPECT_EQ(decoded.column_orders,
            (std::vector<ColumnOrder>{ColumnOrder::kTypeDefined, ColumnOrder::kUnknown}));
}

TEST(MetadataCodecTest, PageHeaderRoundTrips) {
  PageHeader v1;
  v1.type = PageType::kDataPage;
  v1.uncompressed_page_size = 1 << 20;
  v1.compressed_page_size = 12345;
  v1.crc = INT32_MIN;
  v1.data_page_header = DataPageHeader{1000, Encoding::kDeltaBinaryPacked, Encoding::kRle,
                                       Encoding::kBitPacked, RichStatistics(1)};

  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.raw_type = 2;
  dict.uncompressed_page_size = 10;
  dict.compressed_page_size = 10;
  dict.dictionary_page_header = DictionaryPageHeader{5, Encoding::kPlainDictionary, false};

  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.raw_type = 3;
  v2.uncompressed_page_size = 0;
  v2.compressed_page_size = INT32_MAX;
  v2.data_page_header_v2 =
      DataPageHeaderV2{7, 3, 5, Encoding::kByteStreamSplit, 11, 12, true, Statistics{}};

  for (const PageHeader& h : {v1, dict, v2}) {
    std::string encoded = EncodePageHeader(h);
    encoded += "trailing page bytes";
    PageHeader decoded;
    size_t consumed = DecodePageHeader(Data(encoded), encoded.size(), &decoded);
    EXPECT_EQ(consumed, encoded.size() - 19);
    EXPECT_EQ(decoded, h) << PageTypeName(h.type);
  }
}

// Random corruption of a rich footer: every outcome must be a clean decode or a frocket::Error.
// Under ASan+UBSan this also checks that no mutation reads out of bounds.
TEST(MetadataCodecTest, RandomMutationsNeverCrash) {
  const std::string original = EncodeFileMetaData(RichMetadata());
  std::mt19937_64 rng(12345);
  int errors = 0;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string bytes = original;
    int mutations = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < mutations; ++i) {
      size_t at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0:
          bytes[at] = static_cast<char>(rng());
          break;
        case 1:
          bytes[at] ^= static_cast<char>(1 << (rng() % 8));
          break;
        case 2:
          bytes.erase(at, 1 + rng() % 8);
          break;
      }
      if (bytes.empty()) break;
    }
    try {
      Decode(bytes);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile) << e.what();
      ++errors;
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(MetadataCodecTest, RichFooterTruncatedAtEveryLengthIsCorrupt) {
  const std::string encoded = EncodeFileMetaData(RichMetadata());
  for (size_t n = 0; n < encoded.size(); ++n) {
    EXPECT_THROW(DecodeFileMetaData(Data(encoded), n), Error) << "length " << n;
  }
}

}  // namespace
}  // namespace frocket::parquet
