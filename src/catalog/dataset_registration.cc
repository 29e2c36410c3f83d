#include "catalog/dataset_registration.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "catalog/schema_mapping.h"
#include "common/error.h"
#include "parquet/file_reader.h"
#include "parquet/value_text.h"

namespace frocket {
namespace {

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::ParquetFile;
using parquet::PhysicalType;
using parquet::ValueType;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// How footer statistics bounds of a column compare, decided once per column.
enum class BoundOrder : int8_t {
  kNone,
  kBool,
  kInt32,
  kUInt32,
  kInt64,
  kUInt64,
  kFloat,
  kDouble,
  kBytes
};

BoundOrder OrderOf(const ColumnDescriptor& c) {
  if (!c.supported) return BoundOrder::kNone;
  switch (c.type) {
    case ValueType::kBoolean:
      return BoundOrder::kBool;
    case ValueType::kInt:
    case ValueType::kDate:
    case ValueType::kTime:
    case ValueType::kTimestamp:
      if (c.physical == PhysicalType::kInt32) {
        return c.type == ValueType::kInt && !c.is_signed ? BoundOrder::kUInt32 : BoundOrder::kInt32;
      }
      if (c.physical == PhysicalType::kInt64) {
        return c.type == ValueType::kInt && !c.is_signed ? BoundOrder::kUInt64 : BoundOrder::kInt64;
      }
      return BoundOrder::kNone;  // INT96
    case ValueType::kFloat:
      return BoundOrder::kFloat;
    case ValueType::kDouble:
      return BoundOrder::kDouble;
    case ValueType::kString:
      return c.physical == PhysicalType::kByteArray ? BoundOrder::kBytes : BoundOrder::kNone;
    default:
      return BoundOrder::kNone;
  }
}

template <typename T>
T Load(const std::string& bytes) {
  T v;
  std::memcpy(&v, bytes.data(), sizeof(T));
  return v;
}

// a < b in the column's order. Both have the width Statistics() checked.
bool BoundLess(BoundOrder order, const std::string& a, const std::string& b) {
  switch (order) {
    case BoundOrder::kBool:
      return static_cast<uint8_t>(a[0]) < static_cast<uint8_t>(b[0]);
    case BoundOrder::kInt32:
      return Load<int32_t>(a) < Load<int32_t>(b);
    case BoundOrder::kUInt32:
      return Load<uint32_t>(a) < Load<uint32_t>(b);
    case BoundOrder::kInt64:
      return Load<int64_t>(a) < Load<int64_t>(b);
    case BoundOrder::kUInt64:
      return Load<uint64_t>(a) < Load<uint64_t>(b);
    case BoundOrder::kFloat:
      return Load<float>(a) < Load<float>(b);
    case BoundOrder::kDouble:
      return Load<double>(a) < Load<double>(b);
    case BoundOrder::kBytes:
      return a < b;  // char_traits<char>::compare is memcmp: unsigned bytes
    case BoundOrder::kNone:
      return false;
  }
  return false;
}

bool BoundWidthOk(BoundOrder order, const std::string& v) {
  switch (order) {
    case BoundOrder::kBool:
      return v.size() == 1;
    case BoundOrder::kInt32:
    case BoundOrder::kUInt32:
    case BoundOrder::kFloat:
      return v.size() == 4;
    case BoundOrder::kInt64:
    case BoundOrder::kUInt64:
    case BoundOrder::kDouble:
      return v.size() == 8;
    case BoundOrder::kBytes:
      return true;
    case BoundOrder::kNone:
      return false;
  }
  return false;
}

// Footer statistics of one column merged over every row group of every file.
struct FooterStats {
  BoundOrder order = BoundOrder::kNone;
  bool nulls_known = true;
  int64_t nulls = 0;
  bool bounds_known = true;
  std::optional<std::string> min;
  std::optional<std::string> max;

  void Add(const parquet::ChunkStatistics& s, int64_t rows) {
    if (s.null_count) {
      nulls += *s.null_count;
    } else {
      nulls_known = false;
    }
    // A chunk of nulls only has no bounds, and needs none.
    if (s.null_count && *s.null_count >= rows) return;
    if (order == BoundOrder::kNone || !s.min || !s.max || !s.min_exact || !s.max_exact ||
        !BoundWidthOk(order, *s.min) || !BoundWidthOk(order, *s.max)) {
      bounds_known = false;
      return;
    }
    if (!min || BoundLess(order, *s.min, *min)) min = s.min;
    if (!max || BoundLess(order, *max, *s.max)) max = s.max;
  }
};

// One file's footer, and what the checks learned from it.
struct OpenedFile {
  ListedFile listed;
  std::unique_ptr<ParquetFile> parquet;
  bool needs_timestamp_read = false;  // statistics do not give the timestamp range
  std::optional<int64_t> min_ts;
  std::optional<int64_t> max_ts;
};

// The integer value of an INT32/INT64 cell as the query language sees it (before any timestamp
// unit conversion). UINT64 values above int64's range are refused.
int64_t IntegerValue(const ColumnDescriptor& c, const uint8_t* p, const std::string& file) {
  if (c.physical == PhysicalType::kInt32) {
    if (c.type == ValueType::kInt && !c.is_signed) {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  int64_t v;
  std::memcpy(&v, p, 8);
  if (c.type == ValueType::kInt && !c.is_signed && v < 0) {
    ThrowInvalid("column " + Quote(c.name) + " in file " + Quote(file) +
                 " holds a UINT64 value above 2^63-1: " + std::to_string(static_cast<uint64_t>(v)));
  }
  return v;
}

class Registration {
 public:
  Registration(const RegistrationRequest& request, const FileLister& lister,
               const std::string& list_path)
      : request_(request), lister_(lister), list_path_(list_path) {}

  DatasetInfo Run(int64_t now_ms) {
    CheckDatasetName(request_.name);
    if (request_.group_id_column.empty()) ThrowInvalid("the group id column must be named");
    if (request_.timestamp_column.empty()) ThrowInvalid("the timestamp column must be named");
    if (request_.group_id_column == request_.timestamp_column) {
      ThrowInvalid("the group id and timestamp columns must differ; both are " +
                   Quote(request_.group_id_column));
    }
    std::vector<ListedFile> listed = DiscoverFiles(lister_, list_path_, request_.pattern);
    files_.reserve(listed.size());
    for (ListedFile& f : listed) {
      OpenedFile opened;
      opened.listed = std::move(f);
      files_.push_back(std::move(opened));
      ReadFooter(&files_.back());
    }
    BuildSchema();
    std::vector<size_t> validated = FilesToValidate(request_.validation_mode, files_.size());
    std::vector<bool> is_validated(files_.size(), false);
    for (size_t i : validated) is_validated[i] = true;
    for (size_t i = 0; i < files_.size(); ++i) {
      if (is_validated[i]) {
        ValidateData(i);
      } else if (files_[i].needs_timestamp_read) {
        ReadTimestampRange(&files_[i]);
      }
    }
    if (request_.validate_uniques) CheckUniqueGroupIds();

    DatasetInfo info;
    info.name = request_.name;
    info.base_path = request_.base_path;
    info.registered_at_ms = now_ms;
    info.pattern = request_.pattern;
    info.validation_mode = request_.validation_mode;
    info.validate_uniques = request_.validate_uniques;
    info.schema = schema_;
    info.stats = BuildStats();
    for (size_t i = 0; i < files_.size(); ++i) {
      const OpenedFile& f = files_[i];
      info.files.push_back({f.listed.name, f.listed.size, f.parquet->num_rows(), f.min_ts, f.max_ts,
                            is_validated[i]});
    }
    return info;
  }

 private:
  // Opens the footer and runs the checks that need nothing else.
  void ReadFooter(OpenedFile* f) {
    const std::string& name = f->listed.name;
    try {
      f->parquet = ParquetFile::Open(lister_.Open(list_path_, name));
    } catch (const Error& e) {
      std::string message = "file " + Quote(name) + " of dataset " + Quote(request_.name) +
                            " cannot be read as Parquet: " + e.what();
      throw Error(e.kind(), message);
    }
    const parquet::Schema& schema = f->parquet->schema();
    int gid = FindColumn(*f, request_.group_id_column, "group id");
    int ts = FindColumn(*f, request_.timestamp_column, "timestamp");
    const ColumnDescriptor& g = schema.column(gid);
    if (!g.supported || (g.type != ValueType::kInt && g.type != ValueType::kString)) {
      ThrowInvalid("group id column " + Quote(g.name) + " must be an integer or string column, " +
                   "but in file " + Quote(name) + " it is " + MapColumn(g).storage_type);
    }
    const ColumnDescriptor& t = schema.column(ts);
    if (!t.supported || (t.type != ValueType::kInt && t.type != ValueType::kTimestamp)) {
      ThrowInvalid("timestamp column " + Quote(t.name) +
                   " must be an integer or TIMESTAMP column, but in file " + Quote(name) +
                   " it is " + MapColumn(t).storage_type);
    }
    if (f != &files_.front()) CompareSchemas(files_.front(), *f);

    // Nulls the footer already reports, and the timestamp range from statistics.
    for (int rg = 0; rg < f->parquet->num_row_groups(); ++rg) {
      int64_t rows = f->parquet->row_group_num_rows(rg);
      for (int col : {gid, ts}) {
        parquet::ChunkStatistics s = f->parquet->Statistics(rg, col);
        if (s.null_count && *s.null_count > 0) ThrowNulls(*f, schema.column(col), *s.null_count);
      }
      if (rows == 0) continue;
      parquet::ChunkStatistics s = f->parquet->Statistics(rg, ts);
      bool usable =
          !t.int96 && s.min && s.max && s.min_exact && s.max_exact &&
          s.min->size() == static_cast<size_t>(t.physical == PhysicalType::kInt32 ? 4 : 8) &&
          s.max->size() == s.min->size();
      if (!usable) {
        f->needs_timestamp_read = true;
        continue;
      }
      NoteTimestamp(f, ToDatasetTicks(t, reinterpret_cast<const uint8_t*>(s.min->data()), name));
      NoteTimestamp(f, ToDatasetTicks(t, reinterpret_cast<const uint8_t*>(s.max->data()), name));
    }
    if (f->needs_timestamp_read) f->min_ts = f->max_ts = std::nullopt;
  }

  int FindColumn(const OpenedFile& f, const std::string& column, const char* role) const {
    int index = f.parquet->schema().FindColumn(column);
    if (index < 0) {
      ThrowInvalid(std::string(role) + " column " + Quote(column) + " not found in file " +
                   Quote(f.listed.name));
    }
    return index;
  }

  [[noreturn]] void ThrowNulls(const OpenedFile& f, const ColumnDescriptor& c, int64_t count) {
    const char* role = c.name == request_.group_id_column ? "group id" : "timestamp";
    ThrowInvalid(std::string(role) + " column " + Quote(c.name) +
                 " must not hold nulls, but file " + Quote(f.listed.name) + " has " +
                 std::to_string(count));
  }

  // Columns by name with their type text: order and nullability may differ between files.
  static std::map<std::string, std::string> Signature(const ParquetFile& file) {
    std::map<std::string, std::string> out;
    for (const ColumnDescriptor& c : file.schema().columns()) {
      DatasetColumn mapped = MapColumn(c);
      out.emplace(c.name, mapped.storage_type + (c.supported ? "" : " " + c.unsupported_reason));
    }
    return out;
  }

  static void CompareSchemas(const OpenedFile& first, const OpenedFile& other) {
    std::map<std::string, std::string> a = Signature(*first.parquet);
    std::map<std::string, std::string> b = Signature(*other.parquet);
    const std::string& an = first.listed.name;
    const std::string& bn = other.listed.name;
    for (const auto& [name, type] : a) {
      auto it = b.find(name);
      if (it == b.end()) {
        ThrowInvalid("schemas differ: file " + Quote(bn) + " has no column " + Quote(name) +
                     ", which file " + Quote(an) + " has");
      }
      if (it->second != type) {
        ThrowInvalid("schemas differ: column " + Quote(name) + " is " + type + " in file " +
                     Quote(an) + " but " + it->second + " in file " + Quote(bn));
      }
    }
    for (const auto& [name, type] : b) {
      if (!a.count(name)) {
        ThrowInvalid("schemas differ: file " + Quote(bn) + " has column " + Quote(name) +
                     ", which file " + Quote(an) + " does not have");
      }
    }
  }

  int64_t ToDatasetTicks(const ColumnDescriptor& t, const uint8_t* p,
                         const std::string& file) const {
    if (t.type == ValueType::kTimestamp) {
      if (t.int96) return Int96ToTicks(p, request_.timestamp_unit);
      int64_t raw;
      std::memcpy(&raw, p, 8);
      return ConvertTicks(raw, TicksPerSecond(t.unit), request_.timestamp_unit);
    }
    return IntegerValue(t, p, file);
  }

  static void NoteTimestamp(OpenedFile* f, int64_t v) {
    if (!f->min_ts || v < *f->min_ts) f->min_ts = v;
    if (!f->max_ts || v > *f->max_ts) f->max_ts = v;
  }

  void BuildSchema() {
    const ParquetFile& first = *files_.front().parquet;
    for (const ColumnDescriptor& c : first.schema().columns()) {
      schema_.columns.push_back(MapColumn(c));
    }
    schema_.group_id_column = request_.group_id_column;
    schema_.timestamp_column = request_.timestamp_column;
    schema_.timestamp_unit = request_.timestamp_unit;
    footer_stats_.resize(schema_.columns.size());
    for (size_t c = 0; c < schema_.columns.size(); ++c) {
      footer_stats_[c].order = OrderOf(first.schema().column(static_cast<int>(c)));
    }
    for (const OpenedFile& f : files_) {
      // Schemas agree by name, not by position: map this file's leaves onto the first's.
      for (size_t c = 0; c < schema_.columns.size(); ++c) {
        int leaf = f.parquet->schema().FindColumn(schema_.columns[c].name);
        for (int rg = 0; rg < f.parquet->num_row_groups(); ++rg) {
          footer_stats_[c].Add(f.parquet->Statistics(rg, leaf), f.parquet->row_group_num_rows(rg));
        }
      }
    }
    // UINT64 columns whose statistics show values past int64 cannot be exposed as INT.
    for (size_t c = 0; c < schema_.columns.size(); ++c) {
      const FooterStats& s = footer_stats_[c];
      if (s.order != BoundOrder::kUInt64 || !s.max) continue;
      uint64_t max = Load<uint64_t>(*s.max);
      if (max <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) continue;
      const std::string& name = schema_.columns[c].name;
      if (name == request_.group_id_column || name == request_.timestamp_column) {
        ThrowInvalid("column " + Quote(name) +
                     " holds UINT64 values above 2^63-1: " + std::to_string(max));
      }
      schema_.columns[c].kind = ColumnKind::kUnsupported;
      schema_.columns[c].unsupported_reason =
          "UINT64 values above 2^63-1 (max " + std::to_string(max) + ")";
    }
  }

  // Reads the validated file's group id, timestamp and string columns in full.
  void ValidateData(size_t index) {
    OpenedFile& f = files_[index];
    const ParquetFile& file = *f.parquet;
    int gid = file.schema().FindColumn(request_.group_id_column);
    int ts = file.schema().FindColumn(request_.timestamp_column);
    const ColumnDescriptor& g = file.schema().column(gid);
    const ColumnDescriptor& t = file.schema().column(ts);
    f.min_ts = f.max_ts = std::nullopt;
    std::vector<int64_t> int_ids;
    std::vector<std::string> string_ids;
    for (int rg = 0; rg < file.num_row_groups(); ++rg) {
      ColumnVector times = file.ReadColumn(rg, ts);
      if (times.null_count > 0) ThrowNulls(f, t, times.null_count);
      NoteTimestampRange(&f, t, times);

      ColumnVector ids = file.ReadColumn(rg, gid);
      if (ids.null_count > 0) ThrowNulls(f, g, ids.null_count);
      if (!request_.validate_uniques) continue;
      // A group's rows are usually adjacent, so skipping repeats of the previous id keeps the
      // lists near the number of groups rather than of rows.
      if (g.type == ValueType::kString) {
        for (int64_t r = 0; r < ids.size; ++r) {
          std::string_view id = ids.GetBytes(r);
          if (string_ids.empty() || string_ids.back() != id) string_ids.emplace_back(id);
        }
      } else {
        for (int64_t r = 0; r < ids.size; ++r) {
          int64_t id = IntegerValue(g, ids.FixedBytes(r), f.listed.name);
          if (int_ids.empty() || int_ids.back() != id) int_ids.push_back(id);
        }
      }
    }
    if (request_.validate_uniques) {
      // Within a file a group has many rows; only distinct ids take part in the cross-file check.
      std::sort(int_ids.begin(), int_ids.end());
      int_ids.erase(std::unique(int_ids.begin(), int_ids.end()), int_ids.end());
      std::sort(string_ids.begin(), string_ids.end());
      string_ids.erase(std::unique(string_ids.begin(), string_ids.end()), string_ids.end());
      int_ids_.emplace_back(index, std::move(int_ids));
      string_ids_.emplace_back(index, std::move(string_ids));
    }
    CountStringValues(file);
  }

  void ReadTimestampRange(OpenedFile* f) {
    const ParquetFile& file = *f->parquet;
    int ts = file.schema().FindColumn(request_.timestamp_column);
    const ColumnDescriptor& t = file.schema().column(ts);
    f->min_ts = f->max_ts = std::nullopt;
    for (int rg = 0; rg < file.num_row_groups(); ++rg) {
      ColumnVector times = file.ReadColumn(rg, ts);
      if (times.null_count > 0) ThrowNulls(*f, t, times.null_count);
      NoteTimestampRange(f, t, times);
    }
  }

  void NoteTimestampRange(OpenedFile* f, const ColumnDescriptor& t, const ColumnVector& times) {
    if (times.size == 0) return;
    // Find the raw extremes first, then convert two values rather than every row.
    if (t.int96) {
      for (int64_t r = 0; r < times.size; ++r) {
        NoteTimestamp(f, Int96ToTicks(times.FixedBytes(r), request_.timestamp_unit));
      }
      return;
    }
    if (times.physical == PhysicalType::kInt32) {
      const bool is_unsigned = t.type == ValueType::kInt && !t.is_signed;
      int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
      for (int64_t r = 0; r < times.size; ++r) {
        int64_t v =
            is_unsigned ? static_cast<int64_t>(times.Get<uint32_t>(r)) : times.Get<int32_t>(r);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      NoteTimestamp(f, lo);
      NoteTimestamp(f, hi);
      return;
    }
    const int64_t* values = times.values.as<int64_t>();
    int64_t lo = values[0], hi = values[0];
    if (t.type == ValueType::kInt && !t.is_signed) {
      // Unsigned: a negative bit pattern is a value above 2^63-1, which IntegerValue refuses.
      for (int64_t r = 0; r < times.size; ++r) {
        if (values[r] < 0) IntegerValue(t, times.FixedBytes(r), f->listed.name);
      }
    }
    for (int64_t r = 1; r < times.size; ++r) {
      lo = std::min(lo, values[r]);
      hi = std::max(hi, values[r]);
    }
    auto convert = [&](int64_t v) {
      return t.type == ValueType::kTimestamp
                 ? ConvertTicks(v, TicksPerSecond(t.unit), request_.timestamp_unit)
                 : v;
    };
    NoteTimestamp(f, convert(lo));
    NoteTimestamp(f, convert(hi));
  }

  // Value counts of the BYTE_ARRAY string columns, for top values. A column stops being counted
  // once it has more than kTopValuesMaxDistinct distinct values.
  void CountStringValues(const ParquetFile& file) {
    if (value_counts_.empty()) value_counts_.resize(schema_.columns.size());
    parquet::ReadOptions options;
    options.keep_dictionary = true;
    for (size_t c = 0; c < schema_.columns.size(); ++c) {
      ValueCounts& counts = value_counts_[c];
      const DatasetColumn& column = schema_.columns[c];
      if (counts.too_many || column.kind != ColumnKind::kString ||
          column.name == request_.group_id_column) {
        continue;
      }
      int leaf = file.schema().FindColumn(column.name);
      const ColumnDescriptor& d = file.schema().column(leaf);
      if (d.physical != PhysicalType::kByteArray) continue;  // UUID: no top values
      counts.counted = true;
      for (int rg = 0; rg < file.num_row_groups() && !counts.too_many; ++rg) {
        ColumnVector v = file.ReadColumn(rg, leaf, options);
        if (v.has_dictionary()) {
          const ColumnVector& dict = *v.dictionary;
          std::vector<int64_t> per_code(static_cast<size_t>(dict.size), 0);
          for (int64_t r = 0; r < v.size; ++r) {
            if (!v.IsValid(r)) continue;
            uint32_t code = v.Code(r);
            if (code >= per_code.size()) {
              ThrowCorrupt("file " + Quote(file.name()) + " column " + Quote(column.name) +
                           ": dictionary code past the dictionary's end: " + std::to_string(code));
            }
            ++per_code[code];
          }
          for (size_t k = 0; k < per_code.size() && !counts.too_many; ++k) {
            if (per_code[k] > 0) counts.Add(dict.GetBytes(static_cast<int64_t>(k)), per_code[k]);
          }
        } else {
          for (int64_t r = 0; r < v.size && !counts.too_many; ++r) {
            if (v.IsValid(r)) counts.Add(v.GetBytes(r), 1);
          }
        }
      }
    }
  }

  template <typename T>
  void FindDuplicate(const std::vector<std::pair<size_t, std::vector<T>>>& per_file,
                     const std::function<std::string(const T&)>& show) const {
    std::vector<std::pair<const T*, size_t>> all;
    size_t total = 0;
    for (const auto& [file, ids] : per_file) total += ids.size();
    all.reserve(total);
    for (const auto& [file, ids] : per_file) {
      for (const T& id : ids) all.emplace_back(&id, file);
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      if (*a.first != *b.first) return *a.first < *b.first;
      return a.second < b.second;
    });
    for (size_t i = 1; i < all.size(); ++i) {
      if (*all[i].first == *all[i - 1].first) {
        ThrowInvalid(
            "group ids must not repeat across files (every group's rows belong in one "
            "file; --no-validate-uniques skips this check), but files " +
            Quote(files_[all[i - 1].second].listed.name) + " and " +
            Quote(files_[all[i].second].listed.name) + " both hold group id " +
            show(*all[i].first));
      }
    }
  }

  void CheckUniqueGroupIds() const {
    FindDuplicate<int64_t>(int_ids_, [](const int64_t& v) { return std::to_string(v); });
    FindDuplicate<std::string>(string_ids_, [](const std::string& v) { return Quote(v); });
  }

  std::vector<ColumnStats> BuildStats() const {
    const ParquetFile& first = *files_.front().parquet;
    std::vector<ColumnStats> out(schema_.columns.size());
    for (size_t c = 0; c < schema_.columns.size(); ++c) {
      const FooterStats& s = footer_stats_[c];
      ColumnStats& stats = out[c];
      if (s.nulls_known) stats.null_count = s.nulls;
      if (s.bounds_known && s.min && s.max && schema_.columns[c].kind != ColumnKind::kUnsupported) {
        const ColumnDescriptor& d =
            first.schema().column(first.schema().FindColumn(schema_.columns[c].name));
        parquet::CellFormatter formatter(d, parquet::TextFormat::kJson);
        std::string min_text, max_text;
        if (formatter.AppendPlain(*s.min, &min_text) && formatter.AppendPlain(*s.max, &max_text)) {
          stats.min = nlohmann::json::parse(min_text);
          stats.max = nlohmann::json::parse(max_text);
        }
      }
      if (c < value_counts_.size() && value_counts_[c].counted && !value_counts_[c].too_many) {
        const auto& counts = value_counts_[c].counts;
        stats.distinct_count = static_cast<int64_t>(counts.size());
        std::vector<TopValue> top;
        top.reserve(counts.size());
        for (const auto& [value, count] : counts) top.push_back({value, count});
        std::sort(top.begin(), top.end(), [](const TopValue& a, const TopValue& b) {
          if (a.count != b.count) return a.count > b.count;
          return a.value < b.value;
        });
        if (top.size() > kTopValuesKept) top.resize(kTopValuesKept);
        stats.top_values = std::move(top);
      }
    }
    return out;
  }

  struct ValueCounts {
    bool counted = false;
    bool too_many = false;
    std::unordered_map<std::string, int64_t> counts;

    void Add(std::string_view value, int64_t n) {
      key.assign(value.data(), value.size());
      auto it = counts.find(key);
      if (it != counts.end()) {
        it->second += n;
        return;
      }
      if (counts.size() >= kTopValuesMaxDistinct) {
        too_many = true;
        counts.clear();
        return;
      }
      counts.emplace(key, n);
    }
    std::string key;  // reused, so a repeated value costs no allocation
  };

  const RegistrationRequest& request_;
  const FileLister& lister_;
  const std::string& list_path_;
  std::vector<OpenedFile> files_;
  DatasetSchema schema_;
  std::vector<FooterStats> footer_stats_;
  std::vector<ValueCounts> value_counts_;
  std::vector<std::pair<size_t, std::vector<int64_t>>> int_ids_;
  std::vector<std::pair<size_t, std::vector<std::string>>> string_ids_;
};

}  // namespace

std::vector<size_t> FilesToValidate(ValidationMode mode, size_t num_files) {
  std::vector<size_t> out;
  if (num_files == 0) return out;
  switch (mode) {
    case ValidationMode::kSingle:
      out.push_back(0);
      break;
    case ValidationMode::kFirstLast:
      out.push_back(0);
      if (num_files > 1) out.push_back(num_files - 1);
      break;
    case ValidationMode::kSample: {
      size_t k = std::min(num_files, kSampleMaxFiles);
      if (k == 1) {
        out.push_back(0);
        break;
      }
      // Steps of (n-1)/(k-1) >= 1 keep the floors strictly increasing, so no file repeats.
      for (size_t i = 0; i < k; ++i) out.push_back(i * (num_files - 1) / (k - 1));
      break;
    }
    case ValidationMode::kAll:
      for (size_t i = 0; i < num_files; ++i) out.push_back(i);
      break;
  }
  return out;
}

DatasetInfo RegisterDataset(const RegistrationRequest& request, const FileLister& lister,
                            const std::string& list_path, int64_t now_ms) {
  return Registration(request, lister, list_path).Run(now_ms);
}

DatasetInfo RegisterDataset(const RegistrationRequest& request) {
  std::string local_path;
  std::unique_ptr<FileLister> lister = FileListerFor(request.base_path, &local_path);
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (local_path.rfind("s3://", 0) == 0) {
    // Remote: the record keeps the URL (trailing slashes removed by FileListerFor).
    RegistrationRequest remote = request;
    remote.base_path = local_path;
    return RegisterDataset(remote, *lister, local_path, now_ms);
  }
  // The record must mean the same files whatever directory a later command runs in, so a local
  // base path is stored absolute and normalized (file:// dropped).
  RegistrationRequest resolved = request;
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(local_path, ec);
  if (ec) ThrowIo("cannot resolve the dataset base path: " + ec.message() + ": " + local_path);
  local_path = absolute.lexically_normal().string();
  while (local_path.size() > 1 && local_path.back() == '/') local_path.pop_back();
  resolved.base_path = local_path;
  return RegisterDataset(resolved, *lister, local_path, now_ms);
}

}  // namespace frocket
