// Decoding and encoding of the Parquet metadata structs with the Thrift compact protocol.
//
// Every struct decoder has the same shape: a StructReader walks the field headers, skips
// unknown fields whatever their type, and hands back the known ones; the decoder dispatches on
// the field id; at the end the StructReader checks that the required fields were present.
// Field ids come from parquet.thrift.
//
// A known field whose compact type is not the declared one is skipped, as every
// thrift-generated reader does: real files carry such fields (dict-page-offset-zero.parquet
// has a list in ColumnMetaData field 15, from a writer built on another draft of the format).
// If the field was required, the error then names the type mismatch. The three varint integer
// types are interchangeable on the wire, so an i16 where an i32 is declared is read (with a
// range check), as generated readers do for list elements.
#include "parquet/thrift/metadata_codec.h"

#include <algorithm>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"
#include "parquet/thrift/compact_reader.h"
#include "parquet/thrift/compact_writer.h"

namespace frocket::parquet {
namespace {

// ---------------------------------------------------------------------------------------------
// Decoding helpers

bool IsInteger(CompactType type) {
  return type == CompactType::kI16 || type == CompactType::kI32 || type == CompactType::kI64;
}

// Whether a value written as `actual` can be read as the declared `expected` type. kBoolTrue
// stands for bool, kList for list or set.
bool TypeMatches(CompactType expected, CompactType actual) {
  switch (expected) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      return actual == CompactType::kBoolTrue || actual == CompactType::kBoolFalse;
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      return IsInteger(actual);
    case CompactType::kList:
    case CompactType::kSet:
      return actual == CompactType::kList || actual == CompactType::kSet;
    default:
      return actual == expected;
  }
}

// The declared type and name of one field of a struct; kStop marks ids we do not read.
struct FieldSpec {
  CompactType type = CompactType::kStop;
  bool required = false;
  const char* name = nullptr;
};

constexpr CompactType kBool = CompactType::kBoolTrue;
constexpr CompactType kI16 = CompactType::kI16;
constexpr CompactType kI32 = CompactType::kI32;
constexpr CompactType kI64 = CompactType::kI64;
constexpr CompactType kBinary = CompactType::kBinary;
constexpr CompactType kList = CompactType::kList;
constexpr CompactType kStruct = CompactType::kStruct;
constexpr FieldSpec kUnused{};

// Walks the fields of one struct. Next() returns only fields whose id is in `specs` (indexed
// by id) and whose type matches; it skips the rest. Finish() checks the required fields.
class StructReader {
 public:
  StructReader(CompactReader& reader, const char* struct_name, std::span<const FieldSpec> specs)
      : reader_(reader), guard_(reader), struct_name_(struct_name), specs_(specs) {}

  bool Next(CompactField* field) {
    while (reader_.ReadFieldHeader(&last_id_, field)) {
      int id = field->id;
      if (id <= 0 || static_cast<size_t>(id) >= specs_.size() ||
          specs_[id].type == CompactType::kStop) {
        reader_.Skip(field->type);
        continue;
      }
      if (!TypeMatches(specs_[id].type, field->type)) {
        reader_.Skip(field->type);
        wrong_ |= 1u << id;
        wrong_types_[id] = field->type;
        continue;
      }
      seen_ |= 1u << id;
      return true;
    }
    return false;
  }

  void Finish() const {
    for (size_t id = 1; id < specs_.size(); ++id) {
      if (!specs_[id].required || (seen_ & (1u << id)) != 0) continue;
      if ((wrong_ & (1u << id)) != 0) {
        ThrowCorrupt(std::string("thrift: field ") + struct_name_ + "." + specs_[id].name +
                     " (id " + std::to_string(id) + ") must be " +
                     CompactTypeName(specs_[id].type) + ", got " +
                     CompactTypeName(wrong_types_[id]));
      }
      ThrowCorrupt(std::string("thrift: ") + struct_name_ + " is missing required field '" +
                   specs_[id].name + "'");
    }
  }

 private:
  CompactReader& reader_;
  DepthGuard guard_;
  const char* struct_name_;
  std::span<const FieldSpec> specs_;
  int16_t last_id_ = 0;
  uint32_t seen_ = 0;            // bit i: field i was read
  uint32_t wrong_ = 0;           // bit i: field i came with a type we could not read
  CompactType wrong_types_[32];  // valid where `wrong_` has the bit
};

int64_t NonNegative(int64_t value, const char* name) {
  if (value < 0) {
    ThrowCorrupt(std::string("thrift: ") + name + " must not be negative, got " +
                 std::to_string(value));
  }
  return value;
}

int32_t NonNegative32(int32_t value, const char* name) {
  return static_cast<int32_t>(NonNegative(value, name));
}

// Reads a list header and checks its element type (integer types are interchangeable).
CompactListHeader ReadListHeader(CompactReader& r, CompactType element, const char* name) {
  CompactListHeader header = r.ReadListHeader();
  if (header.size != 0 && !TypeMatches(element, header.element_type)) {
    ThrowCorrupt(std::string("thrift: elements of list ") + name + " must be " +
                 CompactTypeName(element) + ", got " + CompactTypeName(header.element_type));
  }
  return header;
}

// How many elements to reserve for a list of `size` structs, each at least `min_bytes` long
// when encoded. Reserving the full size would let a few bytes of input claiming many large
// structs allocate far more than the input could describe; growing as elements really decode
// keeps every allocation backed by input.
size_t ReserveCount(const CompactReader& r, uint32_t size, size_t min_bytes) {
  return std::min<size_t>(size, r.remaining() / min_bytes);
}

// Reads a list<i32> of enum values into `out`, keeping unknown numbers as cast values.
template <typename Enum>
void ReadEnumList(CompactReader& r, const char* name, std::vector<Enum>* out) {
  DepthGuard guard(r);
  CompactListHeader header = ReadListHeader(r, kI32, name);
  out->clear();
  out->reserve(header.size);
  for (uint32_t i = 0; i < header.size; ++i) out->push_back(static_cast<Enum>(r.ReadI32()));
}

void ReadStringList(CompactReader& r, const char* name, std::vector<std::string>* out) {
  DepthGuard guard(r);
  CompactListHeader header = ReadListHeader(r, kBinary, name);
  out->clear();
  out->reserve(header.size);
  for (uint32_t i = 0; i < header.size; ++i) out->emplace_back(r.ReadBinary());
}

// Reads a list<struct> with `decode(reader, element*)` per element.
template <typename T, typename Decode>
void ReadStructList(CompactReader& r, const char* name, size_t min_bytes, std::vector<T>* out,
                    Decode decode) {
  DepthGuard guard(r);
  CompactListHeader header = ReadListHeader(r, kStruct, name);
  out->clear();
  out->reserve(ReserveCount(r, header.size, min_bytes));
  for (uint32_t i = 0; i < header.size; ++i) decode(r, &out->emplace_back());
}

// ---------------------------------------------------------------------------------------------
// Struct decoders

constexpr FieldSpec kStatisticsFields[] = {
    kUnused,
    {kBinary, false, "max"},
    {kBinary, false, "min"},
    {kI64, false, "null_count"},
    {kI64, false, "distinct_count"},
    {kBinary, false, "max_value"},
    {kBinary, false, "min_value"},
    {kBool, false, "is_max_value_exact"},
    {kBool, false, "is_min_value_exact"},
    {kI64, false, "nan_count"},
};

void DecodeStatistics(CompactReader& r, Statistics* out) {
  StructReader s(r, "Statistics", kStatisticsFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->max = r.ReadBinary();
        break;
      case 2:
        out->min = r.ReadBinary();
        break;
      case 3:
        out->null_count = r.ReadI64();
        break;
      case 4:
        out->distinct_count = r.ReadI64();
        break;
      case 5:
        out->max_value = r.ReadBinary();
        break;
      case 6:
        out->min_value = r.ReadBinary();
        break;
      case 7:
        out->is_max_value_exact = f.bool_value();
        break;
      case 8:
        out->is_min_value_exact = f.bool_value();
        break;
      case 9:
        out->nan_count = r.ReadI64();
        break;
    }
  }
  s.Finish();
}

// Decodes a union whose members are all empty marker structs: returns the id of the member
// that was set, or 0 when none we can read was (an unknown member, or none at all). The
// members' content is skipped so that fields added to them later do not break us.
int DecodeMarkerUnion(CompactReader& r, int max_known_id) {
  DepthGuard guard(r);
  int16_t last_id = 0;
  CompactField f;
  int member = 0;
  while (r.ReadFieldHeader(&last_id, &f)) {
    if (f.id >= 1 && f.id <= max_known_id && f.type == CompactType::kStruct && member == 0) {
      member = f.id;
    }
    r.Skip(f.type);
  }
  return member;
}

constexpr FieldSpec kTimeFields[] = {
    kUnused,
    {kBool, true, "isAdjustedToUTC"},
    {kStruct, true, "unit"},
};

// TimeType and TimestampType share their layout. Returns false when the unit is unknown.
bool DecodeTimeOrTimestamp(CompactReader& r, const char* struct_name, LogicalType* out) {
  StructReader s(r, struct_name, kTimeFields);
  CompactField f;
  bool unit_known = true;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->is_adjusted_to_utc = f.bool_value();
        break;
      case 2:
        // TimeUnit: 1 MILLIS, 2 MICROS, 3 NANOS.
        switch (DecodeMarkerUnion(r, 3)) {
          case 1:
            out->unit = TimeUnit::kMillis;
            break;
          case 2:
            out->unit = TimeUnit::kMicros;
            break;
          case 3:
            out->unit = TimeUnit::kNanos;
            break;
          default:
            unit_known = false;
            break;
        }
        break;
    }
  }
  s.Finish();
  return unit_known;
}

constexpr FieldSpec kDecimalFields[] = {
    kUnused,
    {kI32, true, "scale"},
    {kI32, true, "precision"},
};

void DecodeDecimalType(CompactReader& r, LogicalType* out) {
  StructReader s(r, "DecimalType", kDecimalFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->decimal_scale = r.ReadI32();
        break;
      case 2:
        out->decimal_precision = r.ReadI32();
        break;
    }
  }
  s.Finish();
}

constexpr FieldSpec kIntFields[] = {
    kUnused,
    {CompactType::kByte, true, "bitWidth"},
    {kBool, true, "isSigned"},
};

void DecodeIntType(CompactReader& r, LogicalType* out) {
  StructReader s(r, "IntType", kIntFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->bit_width = r.ReadByte();
        break;
      case 2:
        out->is_signed = f.bool_value();
        break;
    }
  }
  s.Finish();
}

void DecodeLogicalType(CompactReader& r, LogicalType* out) {
  DepthGuard guard(r);
  *out = LogicalType{};
  int16_t last_id = 0;
  CompactField f;
  using Kind = LogicalType::Kind;
  while (r.ReadFieldHeader(&last_id, &f)) {
    if (f.type != CompactType::kStruct) {
      // Every member is a struct; anything else is a member we cannot read.
      r.Skip(f.type);
      if (out->kind == Kind::kNone) out->kind = Kind::kUnknown;
      continue;
    }
    // The members without parameters are empty structs; their content is skipped so that
    // fields added to them later do not break us.
    Kind marker = Kind::kNone;
    switch (f.id) {
      case 1:
        marker = Kind::kString;
        break;
      case 2:
        marker = Kind::kMap;
        break;
      case 3:
        marker = Kind::kList;
        break;
      case 4:
        marker = Kind::kEnum;
        break;
      case 5:
        DecodeDecimalType(r, out);
        out->kind = Kind::kDecimal;
        continue;
      case 6:
        marker = Kind::kDate;
        break;
      case 7:
        out->kind = DecodeTimeOrTimestamp(r, "TimeType", out) ? Kind::kTime : Kind::kUnknown;
        continue;
      case 8:
        out->kind =
            DecodeTimeOrTimestamp(r, "TimestampType", out) ? Kind::kTimestamp : Kind::kUnknown;
        continue;
      case 10:
        DecodeIntType(r, out);
        out->kind = Kind::kInteger;
        continue;
      case 11:
        marker = Kind::kUnknownNull;
        break;
      case 12:
        marker = Kind::kJson;
        break;
      case 13:
        marker = Kind::kBson;
        break;
      case 14:
        marker = Kind::kUuid;
        break;
      case 15:
        marker = Kind::kFloat16;
        break;
      case 16:
        marker = Kind::kVariant;
        break;  // specification_version is not kept
      case 17:
        marker = Kind::kGeometry;
        break;  // crs is not kept
      case 18:
        marker = Kind::kGeography;
        break;  // crs and algorithm are not kept
      default:
        // A member from a newer format version. A union has one member, but should a writer
        // set a known one as well, the known one wins.
        r.Skip(f.type);
        if (out->kind == Kind::kNone) out->kind = Kind::kUnknown;
        continue;
    }
    r.Skip(CompactType::kStruct);
    out->kind = marker;
  }
}

constexpr FieldSpec kSchemaElementFields[] = {
    kUnused,
    {kI32, false, "type"},
    {kI32, false, "type_length"},
    {kI32, false, "repetition_type"},
    {kBinary, true, "name"},
    {kI32, false, "num_children"},
    {kI32, false, "converted_type"},
    {kI32, false, "scale"},
    {kI32, false, "precision"},
    {kI32, false, "field_id"},
    {kStruct, false, "logicalType"},
};

void DecodeSchemaElement(CompactReader& r, SchemaElement* out) {
  StructReader s(r, "SchemaElement", kSchemaElementFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1: {
        int32_t raw = r.ReadI32();
        out->raw_type = raw;
        if (raw >= 0 && raw <= static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
          out->type = static_cast<PhysicalType>(raw);
        } else {
          out->type.reset();  // the schema layer reports "unknown physical type <raw_type>"
        }
        break;
      }
      case 2:
        out->type_length = r.ReadI32();
        break;
      case 3:
        out->repetition_type = static_cast<Repetition>(r.ReadI32());
        break;
      case 4:
        out->name = r.ReadBinary();
        break;
      case 5:
        out->num_children = NonNegative32(r.ReadI32(), "SchemaElement.num_children");
        break;
      case 6:
        out->converted_type = static_cast<ConvertedType>(r.ReadI32());
        break;
      case 7:
        out->scale = r.ReadI32();
        break;
      case 8:
        out->precision = r.ReadI32();
        break;
      case 9:
        out->field_id = r.ReadI32();
        break;
      case 10:
        DecodeLogicalType(r, &out->logical_type);
        break;
    }
  }
  s.Finish();
}

constexpr FieldSpec kKeyValueFields[] = {
    kUnused,
    {kBinary, true, "key"},
    {kBinary, false, "value"},
};

void DecodeKeyValue(CompactReader& r, KeyValue* out) {
  StructReader s(r, "KeyValue", kKeyValueFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->key = r.ReadBinary();
        break;
      case 2:
        out->value = r.ReadBinary();
        break;
    }
  }
  s.Finish();
}

constexpr FieldSpec kPageEncodingStatsFields[] = {
    kUnused,
    {kI32, true, "page_type"},
    {kI32, true, "encoding"},
    {kI32, true, "count"},
};

void DecodePageEncodingStats(CompactReader& r, PageEncodingStats* out) {
  StructReader s(r, "PageEncodingStats", kPageEncodingStatsFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->page_type = static_cast<PageType>(r.ReadI32());
        break;
      case 2:
        out->encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 3:
        out->count = r.ReadI32();
        break;
    }
  }
  s.Finish();
}

// Fields 16 (size_statistics) and 17 (geospatial_statistics) are skipped.
constexpr FieldSpec kColumnMetaDataFields[] = {
    kUnused,
    {kI32, true, "type"},
    {kList, true, "encodings"},
    {kList, true, "path_in_schema"},
    {kI32, true, "codec"},
    {kI64, true, "num_values"},
    {kI64, true, "total_uncompressed_size"},
    {kI64, true, "total_compressed_size"},
    {kList, false, "key_value_metadata"},
    {kI64, true, "data_page_offset"},
    {kI64, false, "index_page_offset"},
    {kI64, false, "dictionary_page_offset"},
    {kStruct, false, "statistics"},
    {kList, false, "encoding_stats"},
    {kI64, false, "bloom_filter_offset"},
    {kI32, false, "bloom_filter_length"},
};

void DecodeColumnMetaData(CompactReader& r, ColumnMetaData* out) {
  StructReader s(r, "ColumnMetaData", kColumnMetaDataFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->type = static_cast<PhysicalType>(r.ReadI32());
        break;
      case 2:
        ReadEnumList(r, "ColumnMetaData.encodings", &out->encodings);
        break;
      case 3:
        ReadStringList(r, "ColumnMetaData.path_in_schema", &out->path_in_schema);
        break;
      case 4:
        out->raw_codec = r.ReadI32();
        out->codec = static_cast<Codec>(out->raw_codec);
        break;
      case 5:
        out->num_values = NonNegative(r.ReadI64(), "ColumnMetaData.num_values");
        break;
      case 6:
        out->total_uncompressed_size =
            NonNegative(r.ReadI64(), "ColumnMetaData.total_uncompressed_size");
        break;
      case 7:
        out->total_compressed_size =
            NonNegative(r.ReadI64(), "ColumnMetaData.total_compressed_size");
        break;
      case 8:
        ReadStructList(r, "ColumnMetaData.key_value_metadata", 3, &out->key_value_metadata,
                       DecodeKeyValue);
        break;
      case 9:
        out->data_page_offset = r.ReadI64();
        break;
      case 10:
        out->index_page_offset = r.ReadI64();
        break;
      case 11:
        out->dictionary_page_offset = r.ReadI64();
        break;
      case 12:
        DecodeStatistics(r, &out->statistics.emplace());
        break;
      case 13:
        ReadStructList(r, "ColumnMetaData.encoding_stats", 7, &out->encoding_stats,
                       DecodePageEncodingStats);
        break;
      case 14:
        out->bloom_filter_offset = r.ReadI64();
        break;
      case 15:
        out->bloom_filter_length = r.ReadI32();
        break;
    }
  }
  s.Finish();
}

constexpr FieldSpec kColumnChunkFields[] = {
    kUnused,
    {kBinary, false, "file_path"},
    {kI64, true, "file_offset"},
    {kStruct, false, "meta_data"},
    {kI64, false, "offset_index_offset"},
    {kI32, false, "offset_index_length"},
    {kI64, false, "column_index_offset"},
    {kI32, false, "column_index_length"},
    {kStruct, false, "crypto_metadata"},
    {kBinary, false, "encrypted_column_metadata"},
};

void DecodeColumnChunk(CompactReader& r, ColumnChunk* out) {
  StructReader s(r, "ColumnChunk", kColumnChunkFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->file_path = r.ReadBinary();
        break;
      case 2:
        out->file_offset = r.ReadI64();
        break;
      case 3:
        DecodeColumnMetaData(r, &out->meta_data.emplace());
        break;
      case 4:
        out->offset_index_offset = r.ReadI64();
        break;
      case 5:
        out->offset_index_length = r.ReadI32();
        break;
      case 6:
        out->column_index_offset = r.ReadI64();
        break;
      case 7:
        out->column_index_length = r.ReadI32();
        break;
      case 8:
        // Only the fact matters: we do not decrypt, and the reader refuses such columns.
        r.Skip(CompactType::kStruct);
        out->has_crypto_metadata = true;
        break;
      case 9:
        r.ReadBinary();
        out->has_encrypted_column_metadata = true;
        break;
    }
  }
  s.Finish();
  // meta_data is optional in parquet.thrift only so that encrypted columns can hide it; the
  // spec says writers must set it. Requiring it here (unless the column is encrypted) also
  // bounds the memory a hostile footer can claim: a bare ColumnChunk is 3 bytes on the wire
  // but over 500 in memory.
  if (!out->meta_data && !out->has_crypto_metadata) {
    ThrowCorrupt(
        "thrift: ColumnChunk is missing required field 'meta_data' (the column is not "
        "encrypted)");
  }
}

constexpr FieldSpec kSortingColumnFields[] = {
    kUnused,
    {kI32, true, "column_idx"},
    {kBool, true, "descending"},
    {kBool, true, "nulls_first"},
};

void DecodeSortingColumn(CompactReader& r, SortingColumn* out) {
  StructReader s(r, "SortingColumn", kSortingColumnFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->column_idx = r.ReadI32();
        break;
      case 2:
        out->descending = f.bool_value();
        break;
      case 3:
        out->nulls_first = f.bool_value();
        break;
    }
  }
  s.Finish();
}

constexpr FieldSpec kRowGroupFields[] = {
    kUnused,
    {kList, true, "columns"},
    {kI64, true, "total_byte_size"},
    {kI64, true, "num_rows"},
    {kList, false, "sorting_columns"},
    {kI64, false, "file_offset"},
    {kI64, false, "total_compressed_size"},
    {kI16, false, "ordinal"},
};

void DecodeRowGroup(CompactReader& r, RowGroup* out) {
  StructReader s(r, "RowGroup", kRowGroupFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        ReadStructList(r, "RowGroup.columns", 20, &out->columns, DecodeColumnChunk);
        break;
      case 2:
        out->total_byte_size = r.ReadI64();
        break;
      case 3:
        out->num_rows = NonNegative(r.ReadI64(), "RowGroup.num_rows");
        break;
      case 4:
        ReadStructList(r, "RowGroup.sorting_columns", 4, &out->sorting_columns,
                       DecodeSortingColumn);
        break;
      case 5:
        out->file_offset = r.ReadI64();
        break;
      case 6:
        out->total_compressed_size = r.ReadI64();
        break;
      case 7:
        out->ordinal = r.ReadI16();
        break;
    }
  }
  s.Finish();
}

// Fields 8 (encryption_algorithm) is only noted; 9 (footer_signing_key_metadata) is skipped.
constexpr FieldSpec kFileMetaDataFields[] = {
    kUnused,
    {kI32, true, "version"},
    {kList, true, "schema"},
    {kI64, true, "num_rows"},
    {kList, true, "row_groups"},
    {kList, false, "key_value_metadata"},
    {kBinary, false, "created_by"},
    {kList, false, "column_orders"},
    {kStruct, false, "encryption_algorithm"},
};

void DecodeFileMetaData(CompactReader& r, FileMetaData* out) {
  StructReader s(r, "FileMetaData", kFileMetaDataFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->version = r.ReadI32();
        break;
      case 2:
        ReadStructList(r, "FileMetaData.schema", 3, &out->schema, DecodeSchemaElement);
        break;
      case 3:
        out->num_rows = NonNegative(r.ReadI64(), "FileMetaData.num_rows");
        break;
      case 4:
        ReadStructList(r, "FileMetaData.row_groups", 7, &out->row_groups, DecodeRowGroup);
        break;
      case 5:
        ReadStructList(r, "FileMetaData.key_value_metadata", 3, &out->key_value_metadata,
                       DecodeKeyValue);
        break;
      case 6:
        out->created_by = r.ReadBinary();
        break;
      case 7: {
        DepthGuard list_guard(r);
        CompactListHeader header = ReadListHeader(r, kStruct, "FileMetaData.column_orders");
        out->column_orders.clear();
        out->column_orders.reserve(header.size);
        out->column_orders_type_defined.clear();
        out->column_orders_type_defined.reserve(header.size);
        for (uint32_t i = 0; i < header.size; ++i) {
          // ColumnOrder: 1 TYPE_ORDER, 2 IEEE_754_TOTAL_ORDER. Statistics under an order we
          // do not know must be ignored, which kUnknown tells the reader.
          ColumnOrder order = ColumnOrder::kUnknown;
          switch (DecodeMarkerUnion(r, 2)) {
            case 1:
              order = ColumnOrder::kTypeDefined;
              break;
            case 2:
              order = ColumnOrder::kIeee754TotalOrder;
              break;
          }
          out->column_orders.push_back(order);
          out->column_orders_type_defined.push_back(order == ColumnOrder::kTypeDefined);
        }
        break;
      }
      case 8:
        r.Skip(CompactType::kStruct);
        out->has_encryption_algorithm = true;
        break;
    }
  }
  s.Finish();
}

constexpr FieldSpec kDataPageHeaderFields[] = {
    kUnused,
    {kI32, true, "num_values"},
    {kI32, true, "encoding"},
    {kI32, true, "definition_level_encoding"},
    {kI32, true, "repetition_level_encoding"},
    {kStruct, false, "statistics"},
};

void DecodeDataPageHeader(CompactReader& r, DataPageHeader* out) {
  StructReader s(r, "DataPageHeader", kDataPageHeaderFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->num_values = NonNegative32(r.ReadI32(), "DataPageHeader.num_values");
        break;
      case 2:
        out->encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 3:
        out->definition_level_encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 4:
        out->repetition_level_encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 5:
        DecodeStatistics(r, &out->statistics.emplace());
        break;
    }
  }
  s.Finish();
}

constexpr FieldSpec kDictionaryPageHeaderFields[] = {
    kUnused,
    {kI32, true, "num_values"},
    {kI32, true, "encoding"},
    {kBool, false, "is_sorted"},
};

void DecodeDictionaryPageHeader(CompactReader& r, DictionaryPageHeader* out) {
  StructReader s(r, "DictionaryPageHeader", kDictionaryPageHeaderFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->num_values = NonNegative32(r.ReadI32(), "DictionaryPageHeader.num_values");
        break;
      case 2:
        out->encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 3:
        out->is_sorted = f.bool_value();
        break;
    }
  }
  s.Finish();
}

constexpr FieldSpec kDataPageHeaderV2Fields[] = {
    kUnused,
    {kI32, true, "num_values"},
    {kI32, true, "num_nulls"},
    {kI32, true, "num_rows"},
    {kI32, true, "encoding"},
    {kI32, true, "definition_levels_byte_length"},
    {kI32, true, "repetition_levels_byte_length"},
    {kBool, false, "is_compressed"},
    {kStruct, false, "statistics"},
};

void DecodeDataPageHeaderV2(CompactReader& r, DataPageHeaderV2* out) {
  StructReader s(r, "DataPageHeaderV2", kDataPageHeaderV2Fields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->num_values = NonNegative32(r.ReadI32(), "DataPageHeaderV2.num_values");
        break;
      case 2:
        out->num_nulls = NonNegative32(r.ReadI32(), "DataPageHeaderV2.num_nulls");
        break;
      case 3:
        out->num_rows = NonNegative32(r.ReadI32(), "DataPageHeaderV2.num_rows");
        break;
      case 4:
        out->encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 5:
        out->definition_levels_byte_length =
            NonNegative32(r.ReadI32(), "DataPageHeaderV2.definition_levels_byte_length");
        break;
      case 6:
        out->repetition_levels_byte_length =
            NonNegative32(r.ReadI32(), "DataPageHeaderV2.repetition_levels_byte_length");
        break;
      case 7:
        out->is_compressed = f.bool_value();
        break;
      case 8:
        DecodeStatistics(r, &out->statistics.emplace());
        break;
    }
  }
  s.Finish();
}

// Field 6 (index_page_header, an empty struct) is skipped.
constexpr FieldSpec kPageHeaderFields[] = {
    kUnused,
    {kI32, true, "type"},
    {kI32, true, "uncompressed_page_size"},
    {kI32, true, "compressed_page_size"},
    {kI32, false, "crc"},
    {kStruct, false, "data_page_header"},
    kUnused,
    {kStruct, false, "dictionary_page_header"},
    {kStruct, false, "data_page_header_v2"},
};

void DecodePageHeader(CompactReader& r, PageHeader* out) {
  StructReader s(r, "PageHeader", kPageHeaderFields);
  CompactField f;
  while (s.Next(&f)) {
    switch (f.id) {
      case 1:
        out->raw_type = r.ReadI32();
        out->type = static_cast<PageType>(out->raw_type);
        break;
      case 2:
        out->uncompressed_page_size =
            NonNegative32(r.ReadI32(), "PageHeader.uncompressed_page_size");
        break;
      case 3:
        out->compressed_page_size = NonNegative32(r.ReadI32(), "PageHeader.compressed_page_size");
        break;
      case 4:
        out->crc = r.ReadI32();
        break;
      case 5:
        DecodeDataPageHeader(r, &out->data_page_header.emplace());
        break;
      case 7:
        DecodeDictionaryPageHeader(r, &out->dictionary_page_header.emplace());
        break;
      case 8:
        DecodeDataPageHeaderV2(r, &out->data_page_header_v2.emplace());
        break;
    }
  }
  s.Finish();
}

// ---------------------------------------------------------------------------------------------
// Encoders. Each writes the fields that are set, in field-id order.

void EncodeStatistics(CompactWriter& w, const Statistics& s) {
  int16_t last_id = 0;
  if (s.max) w.WriteBinaryField(&last_id, 1, *s.max);
  if (s.min) w.WriteBinaryField(&last_id, 2, *s.min);
  if (s.null_count) w.WriteI64Field(&last_id, 3, *s.null_count);
  if (s.distinct_count) w.WriteI64Field(&last_id, 4, *s.distinct_count);
  if (s.max_value) w.WriteBinaryField(&last_id, 5, *s.max_value);
  if (s.min_value) w.WriteBinaryField(&last_id, 6, *s.min_value);
  if (s.is_max_value_exact) w.WriteBoolField(&last_id, 7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.WriteBoolField(&last_id, 8, *s.is_min_value_exact);
  if (s.nan_count) w.WriteI64Field(&last_id, 9, *s.nan_count);
  w.WriteStop();
}

// Writes `id: {}`, the form of the parameterless members of LogicalType, TimeUnit, ColumnOrder.
void EncodeEmptyStructField(CompactWriter& w, int16_t* last_id, int16_t id) {
  w.WriteFieldHeader(last_id, id, CompactType::kStruct);
  w.WriteStop();
}

void EncodeTimeOrTimestamp(CompactWriter& w, const LogicalType& t) {
  int16_t last_id = 0;
  w.WriteBoolField(&last_id, 1, t.is_adjusted_to_utc);
  w.WriteFieldHeader(&last_id, 2, CompactType::kStruct);
  int16_t unit_last_id = 0;
  switch (t.unit) {
    case TimeUnit::kMillis:
      EncodeEmptyStructField(w, &unit_last_id, 1);
      break;
    case TimeUnit::kMicros:
      EncodeEmptyStructField(w, &unit_last_id, 2);
      break;
    case TimeUnit::kNanos:
      EncodeEmptyStructField(w, &unit_last_id, 3);
      break;
  }
  w.WriteStop();  // TimeUnit
  w.WriteStop();  // TimeType / TimestampType
}

// Writes the LogicalType field (id 10 of SchemaElement) if the element has one we can express.
void EncodeLogicalTypeField(CompactWriter& w, int16_t* last_id, const LogicalType& t) {
  using Kind = LogicalType::Kind;
  int16_t member = 0;
  switch (t.kind) {
    case Kind::kNone:
    case Kind::kUnknown:
      return;  // nothing, or nothing we could write back
    case Kind::kString:
      member = 1;
      break;
    case Kind::kMap:
      member = 2;
      break;
    case Kind::kList:
      member = 3;
      break;
    case Kind::kEnum:
      member = 4;
      break;
    case Kind::kDecimal:
      member = 5;
      break;
    case Kind::kDate:
      member = 6;
      break;
    case Kind::kTime:
      member = 7;
      break;
    case Kind::kTimestamp:
      member = 8;
      break;
    case Kind::kInteger:
      member = 10;
      break;
    case Kind::kUnknownNull:
      member = 11;
      break;
    case Kind::kJson:
      member = 12;
      break;
    case Kind::kBson:
      member = 13;
      break;
    case Kind::kUuid:
      member = 14;
      break;
    case Kind::kFloat16:
      member = 15;
      break;
    case Kind::kVariant:
      member = 16;
      break;
    case Kind::kGeometry:
      member = 17;
      break;
    case Kind::kGeography:
      member = 18;
      break;
  }
  if (member == 0) return;
  w.WriteFieldHeader(last_id, 10, CompactType::kStruct);
  int16_t union_last_id = 0;
  w.WriteFieldHeader(&union_last_id, member, CompactType::kStruct);
  switch (t.kind) {
    case Kind::kDecimal: {
      int16_t decimal_last_id = 0;
      w.WriteI32Field(&decimal_last_id, 1, t.decimal_scale);
      w.WriteI32Field(&decimal_last_id, 2, t.decimal_precision);
      w.WriteStop();
      break;
    }
    case Kind::kTime:
    case Kind::kTimestamp:
      EncodeTimeOrTimestamp(w, t);
      break;
    case Kind::kInteger: {
      int16_t int_last_id = 0;
      w.WriteFieldHeader(&int_last_id, 1, CompactType::kByte);
      w.WriteByte(t.bit_width);
      w.WriteBoolField(&int_last_id, 2, t.is_signed);
      w.WriteStop();
      break;
    }
    default:
      w.WriteStop();
      break;  // an empty marker struct
  }
  w.WriteStop();  // the union
}

void EncodeSchemaElement(CompactWriter& w, const SchemaElement& e) {
  int16_t last_id = 0;
  if (e.type) {
    w.WriteI32Field(&last_id, 1, static_cast<int32_t>(*e.type));
  } else if (e.raw_type) {
    w.WriteI32Field(&last_id, 1, *e.raw_type);
  }
  if (e.type_length) w.WriteI32Field(&last_id, 2, *e.type_length);
  if (e.repetition_type) w.WriteI32Field(&last_id, 3, static_cast<int32_t>(*e.repetition_type));
  w.WriteBinaryField(&last_id, 4, e.name);
  if (e.num_children) w.WriteI32Field(&last_id, 5, *e.num_children);
  if (e.converted_type) w.WriteI32Field(&last_id, 6, static_cast<int32_t>(*e.converted_type));
  if (e.scale) w.WriteI32Field(&last_id, 7, *e.scale);
  if (e.precision) w.WriteI32Field(&last_id, 8, *e.precision);
  if (e.field_id) w.WriteI32Field(&last_id, 9, *e.field_id);
  EncodeLogicalTypeField(w, &last_id, e.logical_type);
  w.WriteStop();
}

void EncodeKeyValueList(CompactWriter& w, int16_t* last_id, int16_t id,
                        const std::vector<KeyValue>& list) {
  w.WriteFieldHeader(last_id, id, CompactType::kList);
  w.WriteListHeader(CompactType::kStruct, list.size());
  for (const KeyValue& kv : list) {
    int16_t kv_last_id = 0;
    w.WriteBinaryField(&kv_last_id, 1, kv.key);
    if (kv.value) w.WriteBinaryField(&kv_last_id, 2, *kv.value);
    w.WriteStop();
  }
}

void EncodeColumnMetaData(CompactWriter& w, const ColumnMetaData& m) {
  int16_t last_id = 0;
  w.WriteI32Field(&last_id, 1, static_cast<int32_t>(m.type));
  w.WriteFieldHeader(&last_id, 2, CompactType::kList);
  w.WriteListHeader(CompactType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.WriteI32(static_cast<int32_t>(e));
  w.WriteFieldHeader(&last_id, 3, CompactType::kList);
  w.WriteListHeader(CompactType::kBinary, m.path_in_schema.size());
  for (const std::string& part : m.path_in_schema) w.WriteBinary(part);
  w.WriteI32Field(&last_id, 4, static_cast<int32_t>(m.codec));
  w.WriteI64Field(&last_id, 5, m.num_values);
  w.WriteI64Field(&last_id, 6, m.total_uncompressed_size);
  w.WriteI64Field(&last_id, 7, m.total_compressed_size);
  if (!m.key_value_metadata.empty()) EncodeKeyValueList(w, &last_id, 8, m.key_value_metadata);
  w.WriteI64Field(&last_id, 9, m.data_page_offset);
  if (m.index_page_offset) w.WriteI64Field(&last_id, 10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.WriteI64Field(&last_id, 11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.WriteFieldHeader(&last_id, 12, CompactType::kStruct);
    EncodeStatistics(w, *m.statistics);
  }
  if (!m.encoding_stats.empty()) {
    w.WriteFieldHeader(&last_id, 13, CompactType::kList);
    w.WriteListHeader(CompactType::kStruct, m.encoding_stats.size());
    for (const PageEncodingStats& s : m.encoding_stats) {
      int16_t s_last_id = 0;
      w.WriteI32Field(&s_last_id, 1, static_cast<int32_t>(s.page_type));
      w.WriteI32Field(&s_last_id, 2, static_cast<int32_t>(s.encoding));
      w.WriteI32Field(&s_last_id, 3, s.count);
      w.WriteStop();
    }
  }
  if (m.bloom_filter_offset) w.WriteI64Field(&last_id, 14, *m.bloom_filter_offset);
  if (m.bloom_filter_length) w.WriteI32Field(&last_id, 15, *m.bloom_filter_length);
  w.WriteStop();
}

void EncodeColumnChunk(CompactWriter& w, const ColumnChunk& c) {
  int16_t last_id = 0;
  if (c.file_path) w.WriteBinaryField(&last_id, 1, *c.file_path);
  w.WriteI64Field(&last_id, 2, c.file_offset);
  if (c.meta_data) {
    w.WriteFieldHeader(&last_id, 3, CompactType::kStruct);
    EncodeColumnMetaData(w, *c.meta_data);
  }
  if (c.offset_index_offset) w.WriteI64Field(&last_id, 4, *c.offset_index_offset);
  if (c.offset_index_length) w.WriteI32Field(&last_id, 5, *c.offset_index_length);
  if (c.column_index_offset) w.WriteI64Field(&last_id, 6, *c.column_index_offset);
  if (c.column_index_length) w.WriteI32Field(&last_id, 7, *c.column_index_length);
  // has_crypto_metadata / has_encrypted_column_metadata: we never write encrypted files.
  w.WriteStop();
}

void EncodeRowGroup(CompactWriter& w, const RowGroup& g) {
  int16_t last_id = 0;
  w.WriteFieldHeader(&last_id, 1, CompactType::kList);
  w.WriteListHeader(CompactType::kStruct, g.columns.size());
  for (const ColumnChunk& c : g.columns) EncodeColumnChunk(w, c);
  w.WriteI64Field(&last_id, 2, g.total_byte_size);
  w.WriteI64Field(&last_id, 3, g.num_rows);
  if (!g.sorting_columns.empty()) {
    w.WriteFieldHeader(&last_id, 4, CompactType::kList);
    w.WriteListHeader(CompactType::kStruct, g.sorting_columns.size());
    for (const SortingColumn& s : g.sorting_columns) {
      int16_t s_last_id = 0;
      w.WriteI32Field(&s_last_id, 1, s.column_idx);
      w.WriteBoolField(&s_last_id, 2, s.descending);
      w.WriteBoolField(&s_last_id, 3, s.nulls_first);
      w.WriteStop();
    }
  }
  if (g.file_offset) w.WriteI64Field(&last_id, 5, *g.file_offset);
  if (g.total_compressed_size) w.WriteI64Field(&last_id, 6, *g.total_compressed_size);
  if (g.ordinal) {
    w.WriteFieldHeader(&last_id, 7, CompactType::kI16);
    w.WriteI16(*g.ordinal);
  }
  w.WriteStop();
}

void EncodeColumnOrders(CompactWriter& w, int16_t* last_id, const FileMetaData& m) {
  size_t count =
      m.column_orders.empty() ? m.column_orders_type_defined.size() : m.column_orders.size();
  if (count == 0) return;
  w.WriteFieldHeader(last_id, 7, CompactType::kList);
  w.WriteListHeader(CompactType::kStruct, count);
  for (size_t i = 0; i < count; ++i) {
    ColumnOrder order = !m.column_orders.empty()          ? m.column_orders[i]
                        : m.column_orders_type_defined[i] ? ColumnOrder::kTypeDefined
                                                          : ColumnOrder::kUnknown;
    int16_t order_last_id = 0;
    switch (order) {
      case ColumnOrder::kTypeDefined:
        EncodeEmptyStructField(w, &order_last_id, 1);
        break;
      case ColumnOrder::kIeee754TotalOrder:
        EncodeEmptyStructField(w, &order_last_id, 2);
        break;
      case ColumnOrder::kUnknown:
        break;  // an empty union: no order readers would know
    }
    w.WriteStop();
  }
}

void EncodeDataPageHeader(CompactWriter& w, const DataPageHeader& h) {
  int16_t last_id = 0;
  w.WriteI32Field(&last_id, 1, h.num_values);
  w.WriteI32Field(&last_id, 2, static_cast<int32_t>(h.encoding));
  w.WriteI32Field(&last_id, 3, static_cast<int32_t>(h.definition_level_encoding));
  w.WriteI32Field(&last_id, 4, static_cast<int32_t>(h.repetition_level_encoding));
  if (h.statistics) {
    w.WriteFieldHeader(&last_id, 5, CompactType::kStruct);
    EncodeStatistics(w, *h.statistics);
  }
  w.WriteStop();
}

void EncodeDictionaryPageHeader(CompactWriter& w, const DictionaryPageHeader& h) {
  int16_t last_id = 0;
  w.WriteI32Field(&last_id, 1, h.num_values);
  w.WriteI32Field(&last_id, 2, static_cast<int32_t>(h.encoding));
  if (h.is_sorted) w.WriteBoolField(&last_id, 3, *h.is_sorted);
  w.WriteStop();
}

void EncodeDataPageHeaderV2(CompactWriter& w, const DataPageHeaderV2& h) {
  int16_t last_id = 0;
  w.WriteI32Field(&last_id, 1, h.num_values);
  w.WriteI32Field(&last_id, 2, h.num_nulls);
  w.WriteI32Field(&last_id, 3, h.num_rows);
  w.WriteI32Field(&last_id, 4, static_cast<int32_t>(h.encoding));
  w.WriteI32Field(&last_id, 5, h.definition_levels_byte_length);
  w.WriteI32Field(&last_id, 6, h.repetition_levels_byte_length);
  // Written even when true (the default) so that no reader has to know the default.
  w.WriteBoolField(&last_id, 7, h.is_compressed);
  if (h.statistics) {
    w.WriteFieldHeader(&last_id, 8, CompactType::kStruct);
    EncodeStatistics(w, *h.statistics);
  }
  w.WriteStop();
}

}  // namespace

FileMetaData DecodeFileMetaData(const uint8_t* data, size_t size) {
  CompactReader reader(data, size);
  FileMetaData metadata;
  DecodeFileMetaData(reader, &metadata);
  return metadata;
}

size_t DecodePageHeader(const uint8_t* data, size_t size, PageHeader* out) {
  CompactReader reader(data, size);
  *out = PageHeader{};
  DecodePageHeader(reader, out);
  return reader.position();
}

std::string EncodeFileMetaData(const FileMetaData& m) {
  CompactWriter w;
  int16_t last_id = 0;
  w.WriteI32Field(&last_id, 1, m.version);
  w.WriteFieldHeader(&last_id, 2, CompactType::kList);
  w.WriteListHeader(CompactType::kStruct, m.schema.size());
  for (const SchemaElement& e : m.schema) EncodeSchemaElement(w, e);
  w.WriteI64Field(&last_id, 3, m.num_rows);
  w.WriteFieldHeader(&last_id, 4, CompactType::kList);
  w.WriteListHeader(CompactType::kStruct, m.row_groups.size());
  for (const RowGroup& g : m.row_groups) EncodeRowGroup(w, g);
  if (!m.key_value_metadata.empty()) EncodeKeyValueList(w, &last_id, 5, m.key_value_metadata);
  if (m.created_by) w.WriteBinaryField(&last_id, 6, *m.created_by);
  EncodeColumnOrders(w, &last_id, m);
  // has_encryption_algorithm: we never write encrypted files.
  w.WriteStop();
  return w.Release();
}

std::string EncodePageHeader(const PageHeader& h) {
  CompactWriter w;
  int16_t last_id = 0;
  w.WriteI32Field(&last_id, 1, static_cast<int32_t>(h.type));
  w.WriteI32Field(&last_id, 2, h.uncompressed_page_size);
  w.WriteI32Field(&last_id, 3, h.compressed_page_size);
  if (h.crc) w.WriteI32Field(&last_id, 4, *h.crc);
  if (h.data_page_header) {
    w.WriteFieldHeader(&last_id, 5, CompactType::kStruct);
    EncodeDataPageHeader(w, *h.data_page_header);
  }
  if (h.dictionary_page_header) {
    w.WriteFieldHeader(&last_id, 7, CompactType::kStruct);
    EncodeDictionaryPageHeader(w, *h.dictionary_page_header);
  }
  if (h.data_page_header_v2) {
    w.WriteFieldHeader(&last_id, 8, CompactType::kStruct);
    EncodeDataPageHeaderV2(w, *h.data_page_header_v2);
  }
  w.WriteStop();
  return w.Release();
}

}  // namespace frocket::parquet
