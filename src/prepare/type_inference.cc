#include "prepare/type_inference.h"

#include <algorithm>

#include "common/error.h"
#include "prepare/iso8601.h"

namespace frocket::prepare {

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kBool:
      return "bool";
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kString:
      return "string";
    case ColumnType::kTimestampMs:
      return "timestamp_ms";
  }
  return "unknown";
}

std::optional<ColumnType> ParseColumnType(std::string_view name) {
  for (ColumnType type : {ColumnType::kBool, ColumnType::kInt64, ColumnType::kDouble,
                          ColumnType::kString, ColumnType::kTimestampMs}) {
    if (name == ColumnTypeName(type)) return type;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, ColumnType>> ParseSchemaSpec(std::string_view spec) {
  std::vector<std::pair<std::string, ColumnType>> columns;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view entry = spec.substr(start, comma - start);
    // The last colon separates the type, so column names may contain colons.
    size_t colon = entry.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      ThrowInvalid("--schema entries must be name:type, got '" + std::string(entry) + "'");
    }
    std::string name(entry.substr(0, colon));
    std::string_view type_name = entry.substr(colon + 1);
    std::optional<ColumnType> type = ParseColumnType(type_name);
    if (!type) {
      ThrowInvalid("--schema type of column '" + name +
                   "' must be bool, int64, double, string or timestamp_ms, got '" +
                   std::string(type_name) + "'");
    }
    if (std::any_of(columns.begin(), columns.end(),
                    [&](const auto& column) { return column.first == name; })) {
      ThrowInvalid("--schema names a column twice: '" + name + "'");
    }
    columns.emplace_back(std::move(name), *type);
    start = comma + 1;
  }
  return columns;
}

ColumnType ColumnTypeFromKinds(KindMask mask) {
  const KindMask kInt = KindBit(CellKind::kInt);
  const KindMask kDouble = KindBit(CellKind::kDouble);
  if (mask == 0) return ColumnType::kString;
  if (mask == kInt) return ColumnType::kInt64;
  if ((mask & ~(kInt | kDouble)) == 0) return ColumnType::kDouble;
  if (mask == KindBit(CellKind::kBool)) return ColumnType::kBool;
  if (mask == KindBit(CellKind::kTimestamp)) return ColumnType::kTimestampMs;
  return ColumnType::kString;
}

ColumnType InferGroupIdType(KindMask sampled_kinds) {
  return (sampled_kinds & ~KindBit(CellKind::kInt)) == 0 ? ColumnType::kInt64 : ColumnType::kString;
}

ColumnType InferTimestampType(const TimestampSample& sample, const std::string& column) {
  if (sample.timestamps > 0) return ColumnType::kTimestampMs;
  if (sample.integers > 0 || sample.others == 0) return ColumnType::kInt64;
  ThrowInvalid("timestamp column '" + column +
               "' holds neither integers nor ISO-8601 timestamps in the first " +
               std::to_string(kSampleRows) +
               " rows of each input (give its type with --schema); first value: '" +
               sample.first_other + "'");
}

std::optional<int64_t> ParseTimestampValue(std::string_view text, ColumnType type) {
  int64_t value;
  if (ParseInt64(text, &value)) return value;
  if (type == ColumnType::kTimestampMs) return ParseIso8601Millis(text);
  return std::nullopt;
}

bool FitsType(std::string_view text, ColumnType type) {
  switch (type) {
    case ColumnType::kBool: {
      bool b;
      return ParseBool(text, &b);
    }
    case ColumnType::kInt64: {
      int64_t i;
      return ParseInt64(text, &i);
    }
    case ColumnType::kDouble: {
      double d;
      return ParseDouble(text, &d);
    }
    case ColumnType::kString:
      return true;
    case ColumnType::kTimestampMs:
      return ParseTimestampValue(text, type).has_value();
  }
  return false;
}

}  // namespace frocket::prepare
