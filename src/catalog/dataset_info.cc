#include "catalog/dataset_info.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>

#include "common/error.h"

namespace frocket {
namespace {

using nlohmann::json;

// Checked access to a parsed record: every missing field or wrong type names the field and the
// document, so a damaged catalog file says where it is damaged.
class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  const json& Field(const json& obj, const char* key, const std::string& where) const {
    if (!obj.is_object()) Fail(where + " is not a JSON object");
    auto it = obj.find(key);
    if (it == obj.end()) Fail(where + " has no field '" + key + "'");
    return *it;
  }
  std::string String(const json& obj, const char* key, const std::string& where) const {
    const json& v = Field(obj, key, where);
    if (!v.is_string()) Fail(where + "." + key + " must be a string");
    return v.get<std::string>();
  }
  int64_t Int(const json& obj, const char* key, const std::string& where) const {
    const json& v = Field(obj, key, where);
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        Fail(where + "." + key + " is out of range");
      }
      return static_cast<int64_t>(v.get<uint64_t>());
    }
    if (!v.is_number_integer()) Fail(where + "." + key + " must be an integer");
    return v.get<int64_t>();
  }
  int64_t NonNegative(const json& obj, const char* key, const std::string& where) const {
    int64_t v = Int(obj, key, where);
    if (v < 0) Fail(where + "." + key + " must not be negative: " + std::to_string(v));
    return v;
  }
  std::optional<int64_t> OptionalInt(const json& obj, const char* key,
                                     const std::string& where) const {
    if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return std::nullopt;
    return Int(obj, key, where);
  }
  bool Bool(const json& obj, const char* key, const std::string& where) const {
    const json& v = Field(obj, key, where);
    if (!v.is_boolean()) Fail(where + "." + key + " must be true or false");
    return v.get<bool>();
  }
  const json& Array(const json& obj, const char* key, const std::string& where) const {
    const json& v = Field(obj, key, where);
    if (!v.is_array()) Fail(where + "." + key + " must be an array");
    return v;
  }
  [[noreturn]] void Fail(const std::string& what) const {
    ThrowCorrupt("catalog record " + source_ + " is invalid: " + what);
  }

 private:
  const std::string& source_;
};

ColumnKind ParseKind(const Reader& r, const std::string& text) {
  for (ColumnKind k : {ColumnKind::kInt, ColumnKind::kFloat, ColumnKind::kString, ColumnKind::kBool,
                       ColumnKind::kUnsupported}) {
    if (text == ColumnKindName(k)) return k;
  }
  r.Fail("unknown column kind '" + text + "'");
}

json OptionalJson(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

// Days since 1970-01-01 to a proleptic Gregorian date (the era-based algorithm: 400-year eras
// of 146097 days, years starting in March so the leap day is last).
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

}  // namespace

const char* ValidationModeName(ValidationMode mode) {
  switch (mode) {
    case ValidationMode::kSingle:
      return "single";
    case ValidationMode::kFirstLast:
      return "first_last";
    case ValidationMode::kSample:
      return "sample";
    case ValidationMode::kAll:
      return "all";
  }
  return "sample";
}

ValidationMode ParseValidationMode(const std::string& text) {
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (ValidationMode m : {ValidationMode::kSingle, ValidationMode::kFirstLast,
                           ValidationMode::kSample, ValidationMode::kAll}) {
    if (lower == ValidationModeName(m)) return m;
  }
  ThrowInvalid("validation mode must be one of single, first_last, sample, all; got '" + text +
               "'");
}

int64_t DatasetInfo::TotalRows() const {
  int64_t total = 0;
  for (const DatasetFile& f : files) total += f.num_rows;
  return total;
}

uint64_t DatasetInfo::TotalBytes() const {
  uint64_t total = 0;
  for (const DatasetFile& f : files) total += f.size;
  return total;
}

int DatasetInfo::ValidatedFiles() const {
  return static_cast<int>(
      std::count_if(files.begin(), files.end(), [](const DatasetFile& f) { return f.validated; }));
}

std::optional<int64_t> DatasetInfo::MinTimestamp() const {
  std::optional<int64_t> out;
  for (const DatasetFile& f : files) {
    if (f.min_timestamp && (!out || *f.min_timestamp < *out)) out = f.min_timestamp;
  }
  return out;
}

std::optional<int64_t> DatasetInfo::MaxTimestamp() const {
  std::optional<int64_t> out;
  for (const DatasetFile& f : files) {
    if (f.max_timestamp && (!out || *f.max_timestamp > *out)) out = f.max_timestamp;
  }
  return out;
}

void CheckDatasetName(const std::string& name) {
  bool ok =
      !name.empty() && name.size() <= 128 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
      ok = false;
  }
  if (!ok) {
    ThrowInvalid(
        "dataset name must be 1 to 128 characters of letters, digits, '_', '.' and '-', "
        "starting with a letter or digit; got '" +
        name + "'");
  }
}

std::string FormatUtc(int64_t ticks, TimestampUnit unit) {
  int digits = 0;
  int64_t per_second = 1;
  switch (unit) {
    case TimestampUnit::kSeconds:
      digits = 0, per_second = 1;
      break;
    case TimestampUnit::kMillis:
      digits = 3, per_second = 1000;
      break;
    case TimestampUnit::kMicros:
      digits = 6, per_second = 1000000;
      break;
    case TimestampUnit::kNanos:
      digits = 9, per_second = 1000000000;
      break;
  }
  // Floor division keeps the fraction non-negative for instants before 1970.
  int64_t seconds = ticks / per_second;
  int64_t fraction = ticks % per_second;
  if (fraction < 0) {
    fraction += per_second;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  char buf[96];
  int n = std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d",
                        static_cast<long long>(year), month, day, static_cast<int>(rest / 3600),
                        static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (digits > 0) {
    std::snprintf(buf, sizeof(buf), ".%0*lld", digits, static_cast<long long>(fraction));
    out += buf;
  }
  return out + "Z";
}

json DatasetInfoToJson(const DatasetInfo& info) {
  json files = json::array();
  for (const DatasetFile& f : info.files) {
    files.push_back({{"name", f.name},
                     {"size", f.size},
                     {"num_rows", f.num_rows},
                     {"min_timestamp", OptionalJson(f.min_timestamp)},
                     {"max_timestamp", OptionalJson(f.max_timestamp)},
                     {"validated", f.validated}});
  }
  json columns = json::array();
  for (size_t i = 0; i < info.schema.columns.size(); ++i) {
    const DatasetColumn& c = info.schema.columns[i];
    json column = {
        {"name", c.name}, {"kind", ColumnKindName(c.kind)}, {"storage_type", c.storage_type}};
    if (c.kind == ColumnKind::kUnsupported) column["unsupported_reason"] = c.unsupported_reason;
    ColumnStats empty;
    const ColumnStats& s = i < info.stats.size() ? info.stats[i] : empty;
    json top = json::array();
    for (const TopValue& t : s.top_values) top.push_back({{"value", t.value}, {"count", t.count}});
    column["stats"] = {{"null_count", OptionalJson(s.null_count)},
                       {"min", s.min},
                       {"max", s.max},
                       {"distinct_count", OptionalJson(s.distinct_count)},
                       {"top_values", top}};
    columns.push_back(std::move(column));
  }
  return {{"version", kDatasetInfoVersion},
          {"name", info.name},
          {"base_path", info.base_path},
          {"registered_at", FormatUtcMillis(info.registered_at_ms)},
          {"registered_at_ms", info.registered_at_ms},
          {"group_id_column", info.schema.group_id_column},
          {"timestamp_column", info.schema.timestamp_column},
          {"timestamp_unit", TimestampUnitName(info.schema.timestamp_unit)},
          {"pattern", info.pattern},
          {"validation_mode", ValidationModeName(info.validation_mode)},
          {"validate_uniques", info.validate_uniques},
          {"files", files},
          {"columns", columns}};
}

DatasetInfo DatasetInfoFromJson(const json& doc, const std::string& source) {
  Reader r(source);
  if (!doc.is_object()) r.Fail("the document is not a JSON object");
  int64_t version = r.Int(doc, "version", "record");
  if (version > kDatasetInfoVersion) {
    ThrowNotSupported("catalog record " + source + " was written by a newer frocket: version " +
                      std::to_string(version) + " is newer than the newest this one reads (" +
                      std::to_string(kDatasetInfoVersion) +
                      "); upgrade frocket, or unregister the dataset with --force");
  }
  if (version < 1) r.Fail("version must be at least 1: " + std::to_string(version));

  DatasetInfo info;
  info.version = static_cast<int>(version);
  info.name = r.String(doc, "name", "record");
  info.base_path = r.String(doc, "base_path", "record");
  info.registered_at_ms = r.Int(doc, "registered_at_ms", "record");
  info.pattern = r.String(doc, "pattern", "record");
  info.validate_uniques = r.Bool(doc, "validate_uniques", "record");
  try {
    info.validation_mode = ParseValidationMode(r.String(doc, "validation_mode", "record"));
    info.schema.timestamp_unit = [&] {
      std::string unit = r.String(doc, "timestamp_unit", "record");
      for (TimestampUnit u : {TimestampUnit::kSeconds, TimestampUnit::kMillis,
                              TimestampUnit::kMicros, TimestampUnit::kNanos}) {
        if (unit == TimestampUnitName(u)) return u;
      }
      r.Fail("unknown timestamp_unit '" + unit + "'");
    }();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kCorruptFile) throw;
    r.Fail(e.what());
  }
  info.schema.group_id_column = r.String(doc, "group_id_column", "record");
  info.schema.timestamp_column = r.String(doc, "timestamp_column", "record");

  const json& files = r.Array(doc, "files", "record");
  info.files.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    std::string where = "files[" + std::to_string(i) + "]";
    const json& f = files[i];
    DatasetFile file;
    file.name = r.String(f, "name", where);
    file.size = static_cast<uint64_t>(r.NonNegative(f, "size", where));
    file.num_rows = r.NonNegative(f, "num_rows", where);
    file.min_timestamp = r.OptionalInt(f, "min_timestamp", where);
    file.max_timestamp = r.OptionalInt(f, "max_timestamp", where);
    file.validated = r.Bool(f, "validated", where);
    info.files.push_back(std::move(file));
  }

  const json& columns = r.Array(doc, "columns", "record");
  info.schema.columns.reserve(columns.size());
  info.stats.reserve(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string where = "columns[" + std::to_string(i) + "]";
    const json& c = columns[i];
    DatasetColumn column;
    column.name = r.String(c, "name", where);
    column.kind = ParseKind(r, r.String(c, "kind", where));
    column.storage_type = r.String(c, "storage_type", where);
    if (column.kind == ColumnKind::kUnsupported) {
      column.unsupported_reason = r.String(c, "unsupported_reason", where);
    }
    ColumnStats stats;
    if (c.contains("stats") && !c["stats"].is_null()) {
      const json& s = c["stats"];
      std::string swhere = where + ".stats";
      if (!s.is_object()) r.Fail(swhere + " is not a JSON object");
      stats.null_count = r.OptionalInt(s, "null_count", swhere);
      stats.min = s.value("min", json(nullptr));
      stats.max = s.value("max", json(nullptr));
      stats.distinct_count = r.OptionalInt(s, "distinct_count", swhere);
      if (s.contains("top_values")) {
        const json& top = r.Array(s, "top_values", swhere);
        for (size_t t = 0; t < top.size(); ++t) {
          std::string twhere = swhere + ".top_values[" + std::to_string(t) + "]";
          stats.top_values.push_back(
              {r.String(top[t], "value", twhere), r.NonNegative(top[t], "count", twhere)});
        }
      }
    }
    info.schema.columns.push_back(std::move(column));
    info.stats.push_back(std::move(stats));
  }
  return info;
}

DatasetInfo DatasetInfoFromText(const std::string& text, const std::string& source) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) ThrowCorrupt("catalog record " + source + " is not valid JSON");
  return DatasetInfoFromJson(doc, source);
}

}  // namespace frocket
