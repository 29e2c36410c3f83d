#include "server/dataset_documents.h"

#include <algorithm>
#include <cctype>

#include "catalog/schema_mapping.h"
#include "common/error.h"

namespace frocket::server {
namespace {

using Json = nlohmann::ordered_json;

Json OptionalJson(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Field access that names the document and the field when the server sent something else.
class Fields {
 public:
  Fields(const Json& doc, std::string source) : doc_(doc), source_(std::move(source)) {
    if (!doc_.is_object()) Fail("", "is not a JSON object");
  }
  const Json& Get(const char* key, bool (Json::*check)() const, const char* what) const {
    auto it = doc_.find(key);
    if (it == doc_.end() || !((*it).*check)()) Fail(key, std::string("is missing or not ") + what);
    return *it;
  }
  std::string String(const char* key) const {
    return Get(key, &Json::is_string, "a string").get<std::string>();
  }
  int64_t Int(const char* key) const {
    return Get(key, &Json::is_number_integer, "an integer").get<int64_t>();
  }
  bool Bool(const char* key) const { return Get(key, &Json::is_boolean, "a boolean").get<bool>(); }
  std::optional<int64_t> OptionalInt(const char* key) const {
    auto it = doc_.find(key);
    if (it != doc_.end() && it->is_null()) return std::nullopt;
    return Int(key);
  }
  [[noreturn]] void Fail(const std::string& key, const std::string& problem) const {
    ThrowCorrupt(source_ + (key.empty() ? "" : ": field '" + key + "'") + " " + problem);
  }

 private:
  const Json& doc_;
  std::string source_;
};

}  // namespace

Json DatasetListItem(const DatasetInfo& info) {
  DatasetSummary s = SummarizeDataset(info);
  return {{"id", {{"name", s.name}, {"registeredAt", FormatUtcMillis(s.registered_at_ms)}}},
          {"basepath", s.base_path},
          {"groupIdColumn", s.group_id_column},
          {"timestampColumn", s.timestamp_column},
          {"totalParts", s.total_files},
          {"name", s.name},
          {"registeredAtMs", s.registered_at_ms},
          {"timestampUnit", TimestampUnitName(s.timestamp_unit)},
          {"pattern", s.pattern},
          {"validationMode", Upper(ValidationModeName(s.validation_mode))},
          {"validateUniques", s.validate_uniques},
          {"validatedParts", s.validated_files},
          {"totalRows", s.total_rows},
          {"totalSize", s.total_bytes},
          {"minTimestamp", OptionalJson(s.min_timestamp)},
          {"maxTimestamp", OptionalJson(s.max_timestamp)}};
}

Json DatasetSchemaDocument(const DatasetInfo& info, bool full) {
  Json doc = DatasetListItem(info);
  Json columns = Json::object();
  if (!full) {
    Json unsupported = Json::object();
    for (const DatasetColumn& c : info.schema.columns) {
      if (c.kind == ColumnKind::kUnsupported) {
        unsupported[c.name] = c.unsupported_reason;
      } else {
        columns[c.name] = ColumnKindName(c.kind);
      }
    }
    doc["columns"] = std::move(columns);
    doc["unsupportedColumns"] = std::move(unsupported);
    return doc;
  }
  for (size_t i = 0; i < info.schema.columns.size(); ++i) {
    const DatasetColumn& c = info.schema.columns[i];
    const ColumnStats empty;
    const ColumnStats& s = i < info.stats.size() ? info.stats[i] : empty;
    Json column = {
        {"name", c.name}, {"kind", ColumnKindName(c.kind)}, {"storageType", c.storage_type}};
    if (c.kind == ColumnKind::kUnsupported) column["unsupportedReason"] = c.unsupported_reason;
    Json top = Json::array();
    for (const TopValue& t : s.top_values) top.push_back({{"value", t.value}, {"count", t.count}});
    column["stats"] = {{"nullCount", OptionalJson(s.null_count)},
                       {"min", Json(s.min)},
                       {"max", Json(s.max)},
                       {"distinctCount", OptionalJson(s.distinct_count)},
                       {"topValues", std::move(top)}};
    columns[c.name] = std::move(column);
  }
  doc["columns"] = std::move(columns);
  return doc;
}

Json DatasetPartsDocument(const DatasetInfo& info) {
  Json names = Json::array();
  Json files = Json::array();
  for (const DatasetFile& f : info.files) {
    names.push_back(f.name);
    files.push_back({{"name", f.name},
                     {"size", f.size},
                     {"rows", f.num_rows},
                     {"minTimestamp", OptionalJson(f.min_timestamp)},
                     {"maxTimestamp", OptionalJson(f.max_timestamp)},
                     {"validated", f.validated}});
  }
  return {{"filenames", std::move(names)},
          {"namingMethod", "LIST"},
          {"totalParts", info.files.size()},
          {"totalSize", info.TotalBytes()},
          {"files", std::move(files)}};
}

DatasetSummary SummarizeDataset(const DatasetInfo& info) {
  DatasetSummary s;
  s.name = info.name;
  s.base_path = info.base_path;
  s.registered_at_ms = info.registered_at_ms;
  s.group_id_column = info.schema.group_id_column;
  s.timestamp_column = info.schema.timestamp_column;
  s.timestamp_unit = info.schema.timestamp_unit;
  s.pattern = info.pattern;
  s.validation_mode = info.validation_mode;
  s.validate_uniques = info.validate_uniques;
  s.total_files = static_cast<int64_t>(info.files.size());
  s.validated_files = info.ValidatedFiles();
  s.total_rows = info.TotalRows();
  s.total_bytes = info.TotalBytes();
  s.min_timestamp = info.MinTimestamp();
  s.max_timestamp = info.MaxTimestamp();
  return s;
}

DatasetSummary DatasetSummaryFromApi(const Json& item, const std::string& source) {
  Fields f(item, source);
  DatasetSummary s;
  s.name = f.String("name");
  s.base_path = f.String("basepath");
  s.registered_at_ms = f.Int("registeredAtMs");
  s.group_id_column = f.String("groupIdColumn");
  s.timestamp_column = f.String("timestampColumn");
  try {
    s.timestamp_unit = ParseTimestampUnit(f.String("timestampUnit"));
    s.validation_mode = ParseValidationMode(f.String("validationMode"));
  } catch (const Error& e) {
    f.Fail("", e.what());
  }
  s.pattern = f.String("pattern");
  s.validate_uniques = f.Bool("validateUniques");
  s.total_files = f.Int("totalParts");
  s.validated_files = f.Int("validatedParts");
  s.total_rows = f.Int("totalRows");
  s.total_bytes = static_cast<uint64_t>(f.Int("totalSize"));
  s.min_timestamp = f.OptionalInt("minTimestamp");
  s.max_timestamp = f.OptionalInt("maxTimestamp");
  return s;
}

DatasetInfo DatasetInfoFromApi(const Json& full_schema, const Json& parts,
                               const std::string& source) {
  // Rebuilt as the catalog's record document, so DatasetInfoFromJson does the checking.
  DatasetSummary s = DatasetSummaryFromApi(full_schema, source);
  nlohmann::json record = {{"version", kDatasetInfoVersion},
                           {"name", s.name},
                           {"base_path", s.base_path},
                           {"registered_at", FormatUtcMillis(s.registered_at_ms)},
                           {"registered_at_ms", s.registered_at_ms},
                           {"group_id_column", s.group_id_column},
                           {"timestamp_column", s.timestamp_column},
                           {"timestamp_unit", TimestampUnitName(s.timestamp_unit)},
                           {"pattern", s.pattern},
                           {"validation_mode", ValidationModeName(s.validation_mode)},
                           {"validate_uniques", s.validate_uniques}};
  Fields p(parts, source);
  nlohmann::json files = nlohmann::json::array();
  for (const Json& file : p.Get("files", &Json::is_array, "an array")) {
    Fields ff(file, source);
    files.push_back({{"name", ff.String("name")},
                     {"size", ff.Int("size")},
                     {"num_rows", ff.Int("rows")},
                     {"min_timestamp", OptionalJson(ff.OptionalInt("minTimestamp"))},
                     {"max_timestamp", OptionalJson(ff.OptionalInt("maxTimestamp"))},
                     {"validated", ff.Bool("validated")}});
  }
  record["files"] = std::move(files);
  Fields sf(full_schema, source);
  nlohmann::json columns = nlohmann::json::array();
  for (const Json& column : sf.Get("columns", &Json::is_object, "an object")) {
    Fields cf(column, source);
    nlohmann::json c = {{"name", cf.String("name")},
                        {"kind", cf.String("kind")},
                        {"storage_type", cf.String("storageType")}};
    if (column.contains("unsupportedReason"))
      c["unsupported_reason"] = cf.String("unsupportedReason");
    const Json& stats = cf.Get("stats", &Json::is_object, "an object");
    Fields st(stats, source);
    nlohmann::json top = nlohmann::json::array();
    for (const Json& t : st.Get("topValues", &Json::is_array, "an array")) {
      Fields tf(t, source);
      top.push_back({{"value", tf.String("value")}, {"count", tf.Int("count")}});
    }
    c["stats"] = {{"null_count", OptionalJson(st.OptionalInt("nullCount"))},
                  {"min", nlohmann::json::parse(stats.value("min", Json()).dump())},
                  {"max", nlohmann::json::parse(stats.value("max", Json()).dump())},
                  {"distinct_count", OptionalJson(st.OptionalInt("distinctCount"))},
                  {"top_values", std::move(top)}};
    columns.push_back(std::move(c));
  }
  record["columns"] = std::move(columns);
  return DatasetInfoFromJson(record, source);
}

}  // namespace frocket::server
