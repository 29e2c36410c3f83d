#include "parquet/schema.h"

#include "common/error.h"

namespace frocket::parquet {
namespace {

constexpr int kMaxSchemaDepth = 64;

const char* UnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return "MILLIS";
    case TimeUnit::kMicros: return "MICROS";
    case TimeUnit::kNanos: return "NANOS";
  }
  return "?";
}

void SetInt(ColumnDescriptor* c, int bits, bool is_signed) {
  c->type = ValueType::kInt;
  c->bit_width = static_cast<int8_t>(bits);
  c->is_signed = is_signed;
}

// Physical types alone: what a column means when nothing annotates it.
void MapPhysical(ColumnDescriptor* c) {
  switch (c->physical) {
    case PhysicalType::kBoolean: c->type = ValueType::kBoolean; break;
    case PhysicalType::kInt32: SetInt(c, 32, true); break;
    case PhysicalType::kInt64: SetInt(c, 64, true); break;
    case PhysicalType::kInt96:
      // INT96 is the legacy Impala/Spark timestamp: nanoseconds of day plus Julian day.
      c->type = ValueType::kTimestamp;
      c->unit = TimeUnit::kNanos;
      c->int96 = true;
      break;
    case PhysicalType::kFloat: c->type = ValueType::kFloat; break;
    case PhysicalType::kDouble: c->type = ValueType::kDouble; break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: c->type = ValueType::kBinary; break;
  }
}

bool IsIntPhysical(PhysicalType p) { return p == PhysicalType::kInt32 || p == PhysicalType::kInt64; }
bool IsBytesPhysical(PhysicalType p) {
  return p == PhysicalType::kByteArray || p == PhysicalType::kFixedLenByteArray;
}

bool MapDecimal(ColumnDescriptor* c, int32_t precision, int32_t scale) {
  bool storable = IsIntPhysical(c->physical) || IsBytesPhysical(c->physical);
  if (!storable || precision <= 0 || scale < 0 || scale > precision) return false;
  c->type = ValueType::kDecimal;
  c->precision = precision;
  c->scale = scale;
  return true;
}

// Maps the LogicalType annotation; returns false when it does not apply to the physical type
// (the caller then tries the converted type, then the physical type).
bool MapLogical(const LogicalType& lt, ColumnDescriptor* c) {
  using K = LogicalType::Kind;
  PhysicalType p = c->physical;
  switch (lt.kind) {
    case K::kString:
    case K::kEnum:
    case K::kJson:
      if (p != PhysicalType::kByteArray) return false;
      c->type = ValueType::kString;
      c->string_kind = lt.kind == K::kString ? StringKind::kString
                       : lt.kind == K::kEnum ? StringKind::kEnum
                                             : StringKind::kJson;
      return true;
    case K::kDecimal: return MapDecimal(c, lt.decimal_precision, lt.decimal_scale);
    case K::kDate:
      if (p != PhysicalType::kInt32) return false;
      c->type = ValueType::kDate;
      return true;
    case K::kTime:
      if (!((p == PhysicalType::kInt32 && lt.unit == TimeUnit::kMillis) ||
            (p == PhysicalType::kInt64 && lt.unit != TimeUnit::kMillis))) {
        return false;
      }
      c->type = ValueType::kTime;
      c->unit = lt.unit;
      c->utc = lt.is_adjusted_to_utc;
      return true;
    case K::kTimestamp:
      if (p != PhysicalType::kInt64) return false;
      c->type = ValueType::kTimestamp;
      c->unit = lt.unit;
      c->utc = lt.is_adjusted_to_utc;
      return true;
    case K::kInteger: {
      int bits = lt.bit_width;
      if (bits != 8 && bits != 16 && bits != 32 && bits != 64) return false;
      if (!IsIntPhysical(p) || (p == PhysicalType::kInt32 && bits == 64)) return false;
      SetInt(c, bits, lt.is_signed);
      return true;
    }
    case K::kUuid:
      if (p != PhysicalType::kFixedLenByteArray || c->type_length != 16) return false;
      c->type = ValueType::kUuid;
      return true;
    case K::kFloat16:
      if (p != PhysicalType::kFixedLenByteArray || c->type_length != 2) return false;
      c->type = ValueType::kFloat16;
      return true;
    case K::kBson:
    case K::kVariant:
    case K::kGeometry:
    case K::kGeography:
      if (!IsBytesPhysical(p)) return false;
      c->type = ValueType::kBinary;
      return true;
    case K::kNone:
    case K::kUnknown:
    case K::kUnknownNull:
    case K::kMap:
    case K::kList: return false;
  }
  return false;
}

bool MapConverted(const SchemaElement& e, ColumnDescriptor* c) {
  if (!e.converted_type) return false;
  PhysicalType p = c->physical;
  switch (*e.converted_type) {
    case ConvertedType::kUtf8:
    case ConvertedType::kEnum:
    case ConvertedType::kJson:
      if (p != PhysicalType::kByteArray) return false;
      c->type = ValueType::kString;
      c->string_kind = *e.converted_type == ConvertedType::kUtf8   ? StringKind::kString
                       : *e.converted_type == ConvertedType::kEnum ? StringKind::kEnum
                                                                   : StringKind::kJson;
      return true;
    case ConvertedType::kDecimal: return MapDecimal(c, e.precision.value_or(0), e.scale.value_or(0));
    case ConvertedType::kDate:
      if (p != PhysicalType::kInt32) return false;
      c->type = ValueType::kDate;
      return true;
    case ConvertedType::kTimeMillis:
    case ConvertedType::kTimeMicros: {
      bool millis = *e.converted_type == ConvertedType::kTimeMillis;
      if (p != (millis ? PhysicalType::kInt32 : PhysicalType::kInt64)) return false;
      c->type = ValueType::kTime;
      c->unit = millis ? TimeUnit::kMillis : TimeUnit::kMicros;
      c->utc = true;  // the legacy types are defined as UTC-adjusted
      return true;
    }
    case ConvertedType::kTimestampMillis:
    case ConvertedType::kTimestampMicros:
      if (p != PhysicalType::kInt64) return false;
      c->type = ValueType::kTimestamp;
      c->unit = *e.converted_type == ConvertedType::kTimestampMillis ? TimeUnit::kMillis
                                                                     : TimeUnit::kMicros;
      c->utc = true;
      return true;
    case ConvertedType::kUint8: case ConvertedType::kUint16: case ConvertedType::kUint32:
    case ConvertedType::kUint64: case ConvertedType::kInt8: case ConvertedType::kInt16:
    case ConvertedType::kInt32: case ConvertedType::kInt64: {
      static constexpr int kBits[] = {8, 16, 32, 64, 8, 16, 32, 64};
      int index = static_cast<int>(*e.converted_type) - static_cast<int>(ConvertedType::kUint8);
      int bits = kBits[index];
      if (!IsIntPhysical(p) || (p == PhysicalType::kInt32 && bits == 64)) return false;
      SetInt(c, bits, index >= 4);
      return true;
    }
    case ConvertedType::kBson:
    case ConvertedType::kInterval:
      if (!IsBytesPhysical(p)) return false;
      c->type = ValueType::kBinary;
      return true;
    case ConvertedType::kMap:
    case ConvertedType::kMapKeyValue:
    case ConvertedType::kList: return false;
  }
  return false;
}

std::string LogicalName(const SchemaElement& e, const ColumnDescriptor& c) {
  using K = LogicalType::Kind;
  const LogicalType& lt = e.logical_type;
  switch (lt.kind) {
    case K::kString: return "STRING";
    case K::kEnum: return "ENUM";
    case K::kJson: return "JSON";
    case K::kBson: return "BSON";
    case K::kUuid: return "UUID";
    case K::kFloat16: return "FLOAT16";
    case K::kDate: return "DATE";
    case K::kMap: return "MAP";
    case K::kList: return "LIST";
    case K::kVariant: return "VARIANT";
    case K::kGeometry: return "GEOMETRY";
    case K::kGeography: return "GEOGRAPHY";
    case K::kUnknownNull: return "UNKNOWN";
    case K::kUnknown: return "(unknown logical type)";
    case K::kDecimal:
      return "DECIMAL(" + std::to_string(lt.decimal_precision) + "," +
             std::to_string(lt.decimal_scale) + ")";
    case K::kTime:
    case K::kTimestamp:
      return std::string(lt.kind == K::kTime ? "TIME(" : "TIMESTAMP(") + UnitName(lt.unit) +
             (lt.is_adjusted_to_utc ? ",UTC)" : ")");
    case K::kInteger:
      return "INT(" + std::to_string(lt.bit_width) + (lt.is_signed ? ",signed)" : ",unsigned)");
    case K::kNone: break;
  }
  if (e.converted_type) {
    std::string name = ConvertedTypeName(*e.converted_type);
    if (*e.converted_type == ConvertedType::kDecimal) {
      // Appended piece by piece: GCC 12 warns (-Wrestrict) on the chained temporaries.
      name.append("(").append(std::to_string(c.precision)).append(",");
      name.append(std::to_string(c.scale)).append(")");
    }
    return name;
  }
  return "";
}

class SchemaBuilder {
 public:
  SchemaBuilder(const std::vector<SchemaElement>& elements, std::vector<ColumnDescriptor>* out)
      : elements_(elements), out_(out) {}

  void Build() {
    if (elements_.empty()) ThrowCorrupt("schema is empty (no root element)");
    const SchemaElement& root = elements_[0];
    int64_t children = root.num_children.value_or(0);
    next_ = 1;
    for (int64_t i = 0; i < children; ++i) {
      Visit(/*prefix=*/"", /*def=*/0, /*rep=*/0, /*nested_reason=*/"", /*depth=*/1);
    }
    if (next_ != elements_.size()) {
      ThrowCorrupt("schema has " + std::to_string(elements_.size() - next_) +
                   " elements that belong to no parent");
    }
  }

 private:
  void Visit(const std::string& prefix, int def, int rep, const std::string& nested_reason,
             int depth) {
    if (depth > kMaxSchemaDepth) ThrowCorrupt("schema is nested deeper than 64 levels");
    if (next_ >= elements_.size()) {
      ThrowCorrupt("schema element counts children that do not exist (" +
                   std::to_string(elements_.size()) + " elements)");
    }
    const SchemaElement& e = elements_[next_++];
    std::string name = prefix.empty() ? e.name : prefix + "." + e.name;
    Repetition repetition = e.repetition_type.value_or(Repetition::kRequired);
    if (repetition == Repetition::kOptional) ++def;
    if (repetition == Repetition::kRepeated) {
      ++def;
      ++rep;
    }
    bool is_group = e.num_children.has_value() && !e.type.has_value();
    if (e.num_children.has_value() && *e.num_children > 0) is_group = true;
    if (is_group) {
      int64_t children = *e.num_children;
      if (children < 0 || static_cast<uint64_t>(children) > elements_.size() - next_) {
        ThrowCorrupt("schema element '" + name + "' claims " + std::to_string(children) +
                     " children but only " + std::to_string(elements_.size() - next_) +
                     " elements follow");
      }
      std::string reason = nested_reason;
      if (reason.empty()) {
        bool is_list = e.logical_type.kind == LogicalType::Kind::kList ||
                       e.converted_type == ConvertedType::kList;
        bool is_map = e.logical_type.kind == LogicalType::Kind::kMap ||
                      e.converted_type == ConvertedType::kMap ||
                      e.converted_type == ConvertedType::kMapKeyValue;
        reason = is_list ? "nested column (LIST)"
                 : is_map ? "nested column (MAP)"
                 : repetition == Repetition::kRepeated ? "nested column (repeated group)"
                                                       : "nested column (struct)";
      }
      for (int64_t i = 0; i < children; ++i) Visit(name, def, rep, reason, depth + 1);
      return;
    }
    if (!e.type.has_value()) {
      if (e.raw_type.has_value()) {
        ThrowCorrupt("column '" + name + "' has unknown physical type " +
                     std::to_string(*e.raw_type));
      }
      ThrowCorrupt("column '" + name + "' has no physical type");
    }
    ColumnDescriptor c;
    c.leaf_index = static_cast<int>(out_->size());
    c.name = name;
    c.physical = *e.type;
    c.type_length = e.type_length.value_or(0);
    if (c.physical == PhysicalType::kFixedLenByteArray && (c.type_length <= 0 || c.type_length > (1 << 20))) {
      ThrowCorrupt("column '" + name + "' is FIXED_LEN_BYTE_ARRAY with invalid length " +
                   std::to_string(c.type_length));
    }
    c.max_definition_level = static_cast<int16_t>(def);
    c.max_repetition_level = static_cast<int16_t>(rep);
    c.nullable = repetition == Repetition::kOptional;
    MapPhysical(&c);
    if (!MapLogical(e.logical_type, &c) && !MapConverted(e, &c)) MapPhysical(&c);
    c.logical_name = LogicalName(e, c);
    if (!nested_reason.empty()) {
      c.supported = false;
      c.unsupported_reason = nested_reason;
    } else if (repetition == Repetition::kRepeated) {
      c.supported = false;
      c.unsupported_reason = "nested column (repeated)";
    }
    out_->push_back(std::move(c));
  }

  const std::vector<SchemaElement>& elements_;
  std::vector<ColumnDescriptor>* out_;
  size_t next_ = 0;
};

}  // namespace

Schema::Schema(const std::vector<SchemaElement>& elements) {
  SchemaBuilder(elements, &columns_).Build();
}

int Schema::FindColumn(const std::string& name) const {
  for (const auto& c : columns_) {
    if (c.name == name) return c.leaf_index;
  }
  return -1;
}

std::string PhysicalTypeText(const ColumnDescriptor& column) {
  std::string text = PhysicalTypeName(column.physical);
  if (column.physical == PhysicalType::kFixedLenByteArray) {
    text.append("(").append(std::to_string(column.type_length)).append(")");
  }
  return text;
}

std::string ValueTypeText(const ColumnDescriptor& column) { return column.logical_name; }

}  // namespace frocket::parquet
