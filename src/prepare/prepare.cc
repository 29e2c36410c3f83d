#include "prepare/prepare.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <unordered_map>

#include "common/bucket.h"
#include "common/error.h"
#include "prepare/bucket_writer.h"
#include "prepare/iso8601.h"
#include "prepare/spill.h"
#include "prepare/spill_record.h"

namespace frocket::prepare {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Rows between checks of the clock (progress) and of the cancel flag.
constexpr int64_t kCheckEveryRows = 1024;
constexpr auto kProgressInterval = std::chrono::milliseconds(250);
// Values quoted in bad-row reasons are cut to this many bytes.
constexpr size_t kShownValueBytes = 40;

std::string Shown(std::string_view text) {
  if (text.size() <= kShownValueBytes) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kShownValueBytes)) + "...'";
}

// The buffer sizes derived from the memory limit (see prepare.h, Memory).
struct Budget {
  explicit Budget(uint64_t limit) {
    auto clamp = [](uint64_t v, uint64_t lo, uint64_t hi) { return std::min(std::max(v, lo), hi); };
    read_chunk = clamp(limit / 32, 16 << 10, 4 << 20);
    spill = limit / 2;
    block = clamp(limit / 64, 16 << 10, 4 << 20);
    uint64_t merge = limit / 4;
    merge_buffer = 16 << 10;
    max_fan_in = clamp(merge / merge_buffer, 2, 256);
    merge_buffer = std::max<uint64_t>(merge_buffer, merge / max_fan_in);
    batch = clamp(limit / 16, 16 << 10, 64 << 20);
    row_group_bytes = limit / 4;
  }
  uint64_t read_chunk, spill, block, merge_buffer, max_fan_in, batch, row_group_bytes;
};

// Removes the spill directory and the temporary output files when the run ends, unless the
// output was committed (then only the spill directory goes).
class Cleanup {
 public:
  ~Cleanup() {
    std::error_code ec;
    if (!spill_dir.empty()) fs::remove_all(spill_dir, ec);
    if (!committed) {
      for (const std::string& path : temp_files) fs::remove(path, ec);
    }
  }
  std::string spill_dir;
  std::vector<std::string> temp_files;
  bool committed = false;
};

std::string MakeSpillDir(const std::string& base) {
  std::error_code ec;
  fs::create_directories(base, ec);
  if (ec) ThrowIo("cannot create the temporary directory " + base + ": " + ec.message());
  std::string pattern = (fs::path(base) / ".frocket-prepare-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    ThrowIo("cannot create a spill directory in " + base + ": " + std::strerror(errno));
  }
  return std::string(buffer.data());
}

bool IsPartFileName(const std::string& name) {
  return name.size() > 13 && name.compare(0, 5, "part-") == 0 &&
         name.compare(name.size() - 8, 8, ".parquet") == 0;
}

std::vector<fs::path> ExistingPartFiles(const std::string& dir) {
  std::vector<fs::path> parts;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (IsPartFileName(entry.path().filename().string())) parts.push_back(entry.path());
  }
  std::sort(parts.begin(), parts.end());
  return parts;
}

void CheckOptions(const PrepareOptions& o) {
  if (o.inputs.empty()) ThrowInvalid("prepare needs at least one input file");
  if (o.group_id_column.empty()) ThrowInvalid("prepare needs the group id column name");
  if (o.timestamp_column.empty()) ThrowInvalid("prepare needs the timestamp column name");
  if (o.group_id_column == o.timestamp_column) {
    ThrowInvalid("the group id and timestamp columns must differ, both are '" + o.group_id_column +
                 "'");
  }
  if (o.num_files < 1 || o.num_files > kMaxFiles) {
    ThrowInvalid("the number of files must be between 1 and " + std::to_string(kMaxFiles) +
                 ", got " + std::to_string(o.num_files));
  }
  if (o.output_dir.empty()) ThrowInvalid("prepare needs an output directory");
  if (o.memory_limit < kMinMemoryLimit) {
    ThrowInvalid("the memory limit must be at least " + std::to_string(kMinMemoryLimit) +
                 " bytes, got " + std::to_string(o.memory_limit));
  }
}

// The run's state while reading: the dataset's columns, what was seen in them, bad rows.
class Preparer {
 public:
  explicit Preparer(const PrepareOptions& options)
      : o_(options), budget_(options.memory_limit), start_(Clock::now()) {}

  PrepareResult Run();

 private:
  struct Column {
    std::string name;
    std::optional<ColumnType> declared;  // from --schema
    KindMask kinds = 0;
  };

  std::optional<ColumnType> Declared(const std::string& name) const {
    for (const auto& [column, type] : o_.schema) {
      if (column == name) return type;
    }
    return std::nullopt;
  }
  int ColumnIndex(const std::string& name) {
    auto it = column_index_.find(name);
    if (it != column_index_.end()) return it->second;
    int index = static_cast<int>(columns_.size());
    columns_.push_back(Column{name, Declared(name), 0});
    column_index_.emplace(name, index);
    return index;
  }
  std::unique_ptr<RowSource> Open(const std::string& path) {
    return OpenRowSource(path, o_.format, budget_.read_chunk);
  }
  // Throws when a CSV or Parquet input lacks a key column (a JSON lines input may name it in
  // later lines; rows without it are bad rows).
  void CheckKeyColumns(const RowSource& source) const;
  void SampleKeyTypes();
  void ReadInputs();
  void AddBadRow(const std::string& input, int64_t line, std::string reason);
  void Flush();
  void CheckPoint(bool force);
  void WriteBuckets();
  void Commit();

  const PrepareOptions& o_;
  Budget budget_;
  Clock::time_point start_;
  Clock::time_point last_progress_{};
  PrepareResult result_;
  Cleanup cleanup_;

  ColumnType group_type_ = ColumnType::kInt64;
  ColumnType ts_type_ = ColumnType::kInt64;
  std::vector<Column> columns_;
  std::unordered_map<std::string, int> column_index_;

  std::unique_ptr<RunBuffer> buffer_;
  std::vector<RunFile> runs_;
  uint64_t body_bytes_ = 0;
  uint64_t bytes_before_input_ = 0;  // progress: bytes of the inputs already read
  uint64_t total_bytes_ = 0;
  const RowSource* current_ = nullptr;
  uint32_t files_written_ = 0;
  PrepareProgress::Phase phase_ = PrepareProgress::Phase::kReading;
};

void Preparer::CheckKeyColumns(const RowSource& source) const {
  if (!source.fixed_columns()) return;
  const std::vector<std::string>& names = source.columns();
  for (const std::string* key : {&o_.group_id_column, &o_.timestamp_column}) {
    if (std::find(names.begin(), names.end(), *key) == names.end()) {
      std::string list;
      for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
      ThrowInvalid(source.name() + " has no column '" + *key + "' (its columns: " + list + ")");
    }
  }
}

void Preparer::SampleKeyTypes() {
  std::optional<ColumnType> declared_group = Declared(o_.group_id_column);
  std::optional<ColumnType> declared_ts = Declared(o_.timestamp_column);
  if (declared_group && *declared_group != ColumnType::kInt64 &&
      *declared_group != ColumnType::kString) {
    ThrowInvalid("the group id column must be int64 or string, --schema gives " +
                 std::string(ColumnTypeName(*declared_group)));
  }
  if (declared_ts && *declared_ts != ColumnType::kInt64 &&
      *declared_ts != ColumnType::kTimestampMs) {
    ThrowInvalid("the timestamp column must be int64 or timestamp_ms, --schema gives " +
                 std::string(ColumnTypeName(*declared_ts)));
  }
  KindMask group_kinds = 0;
  TimestampSample ts_sample;
  SourceRow row;
  for (const std::string& path : o_.inputs) {
    std::unique_ptr<RowSource> source = Open(path);
    CheckKeyColumns(*source);
    total_bytes_ += source->total_bytes();
    if (declared_group && declared_ts) continue;
    for (int64_t n = 0; n < kSampleRows && source->Next(&row); ++n) {
      if (!row.error.empty()) continue;
      const std::vector<std::string>& names = source->columns();
      for (size_t i = 0; i < row.cells.size() && i < names.size(); ++i) {
        const Cell& cell = row.cells[i];
        if (cell.kind == CellKind::kNull) continue;
        CellKind kind = cell.kind == CellKind::kText ? ClassifyText(cell.text) : cell.kind;
        if (names[i] == o_.group_id_column) {
          group_kinds |= KindBit(kind);
        } else if (names[i] == o_.timestamp_column) {
          int64_t integer;
          if (kind == CellKind::kInt ||
              (kind == CellKind::kString && ParseInt64(cell.text, &integer))) {
            ++ts_sample.integers;
          } else if (kind == CellKind::kTimestamp ||
                     (kind == CellKind::kString && ParseIso8601Millis(cell.text))) {
            ++ts_sample.timestamps;
          } else {
            if (ts_sample.others++ == 0) ts_sample.first_other = std::string(cell.text);
          }
        }
      }
    }
  }
  group_type_ = declared_group ? *declared_group : InferGroupIdType(group_kinds);
  ts_type_ = declared_ts ? *declared_ts : InferTimestampType(ts_sample, o_.timestamp_column);
}

void Preparer::AddBadRow(const std::string& input, int64_t line, std::string reason) {
  ++result_.bad_rows;
  if (result_.bad_row_examples.size() < o_.max_bad_row_examples) {
    result_.bad_row_examples.push_back(BadRow{input, line, std::move(reason)});
  }
}

void Preparer::CheckPoint(bool force) {
  if (o_.cancel != nullptr && o_.cancel->load(std::memory_order_relaxed)) {
    ThrowIo("interrupted");
  }
  if (!o_.progress) return;
  Clock::time_point now = Clock::now();
  if (!force && now - last_progress_ < kProgressInterval) return;
  last_progress_ = now;
  PrepareProgress progress;
  progress.phase = phase_;
  progress.rows_read = result_.rows_in;
  progress.bytes_read = bytes_before_input_ + (current_ != nullptr ? current_->bytes_read() : 0);
  progress.total_bytes = total_bytes_;
  progress.files_written = files_written_;
  progress.num_files = o_.num_files;
  o_.progress(progress);
}

void Preparer::Flush() {
  buffer_->Sort();
  std::string path = cleanup_.spill_dir + "/run-" + std::to_string(runs_.size()) + ".bin";
  runs_.push_back(buffer_->WriteRun(path));
  for (const Segment& segment : runs_.back().segments) result_.spilled_bytes += segment.bytes;
  ++result_.spill_runs;
  buffer_->Clear();
}

void Preparer::ReadInputs() {
  const bool string_ids = group_type_ == ColumnType::kString;
  buffer_ = std::make_unique<RunBuffer>(o_.num_files, string_ids, budget_.block);
  ColumnIndex(o_.group_id_column);
  ColumnIndex(o_.timestamp_column);
  SourceRow row;
  std::vector<Cell> cells;     // by dataset column
  std::vector<int> to_column;  // source column -> dataset column
  std::string body;
  std::string integer_note = string_ids ? ""
                                        : " (group ids are int64: give --schema " +
                                              o_.group_id_column + ":string for text ids)";
  for (const std::string& path : o_.inputs) {
    std::unique_ptr<RowSource> source = Open(path);
    current_ = source.get();
    to_column.clear();
    int group_source = -1, ts_source = -1;
    while (source->Next(&row)) {
      ++result_.rows_in;
      if ((result_.rows_in & (kCheckEveryRows - 1)) == 0) CheckPoint(false);
      const std::vector<std::string>& names = source->columns();
      while (to_column.size() < names.size()) {
        int column = ColumnIndex(names[to_column.size()]);
        if (column == 0) group_source = static_cast<int>(to_column.size());
        if (column == 1) ts_source = static_cast<int>(to_column.size());
        to_column.push_back(column);
      }
      if (!row.error.empty()) {
        AddBadRow(path, row.line, row.error);
        continue;
      }
      auto cell_at = [&](int index) {
        return index >= 0 && static_cast<size_t>(index) < row.cells.size()
                   ? row.cells[static_cast<size_t>(index)]
                   : Cell{};
      };
      RecordKey key;
      Cell group = cell_at(group_source);
      if (group.kind == CellKind::kNull) {
        AddBadRow(path, row.line, "missing group id (column '" + o_.group_id_column + "')");
        continue;
      }
      if (string_ids) {
        if (group.text.empty()) {
          AddBadRow(path, row.line, "empty group id (column '" + o_.group_id_column + "')");
          continue;
        }
        key.group_string = group.text;
      } else if (!ParseInt64(group.text, &key.group_int)) {
        AddBadRow(path, row.line,
                  "group id " + Shown(group.text) + " is not an int64" + integer_note);
        continue;
      }
      Cell ts = cell_at(ts_source);
      if (ts.kind == CellKind::kNull) {
        AddBadRow(path, row.line, "missing timestamp (column '" + o_.timestamp_column + "')");
        continue;
      }
      std::optional<int64_t> ts_value = ParseTimestampValue(ts.text, ts_type_);
      if (!ts_value) {
        AddBadRow(path, row.line,
                  "timestamp " + Shown(ts.text) +
                      (ts_type_ == ColumnType::kInt64
                           ? " is not an integer (the timestamp column is int64)"
                           : " is neither epoch milliseconds nor ISO-8601"));
        continue;
      }
      key.ts = *ts_value;

      cells.assign(columns_.size(), Cell{});
      bool bad = false;
      for (size_t i = 0; i < row.cells.size() && i < to_column.size(); ++i) {
        int column = to_column[i];
        Cell cell = row.cells[i];
        if (column < 2 || cell.kind == CellKind::kNull) continue;
        if (cell.kind == CellKind::kText) cell.kind = ClassifyText(cell.text);
        const Column& info = columns_[static_cast<size_t>(column)];
        if (info.declared && !FitsType(cell.text, *info.declared)) {
          AddBadRow(path, row.line,
                    "column '" + info.name + "': " + Shown(cell.text) + " is not a " +
                        ColumnTypeName(*info.declared));
          bad = true;
          break;
        }
        cells[static_cast<size_t>(column)] = cell;
      }
      if (bad) continue;
      for (size_t c = 2; c < cells.size(); ++c) {
        if (cells[c].kind != CellKind::kNull) columns_[c].kinds |= KindBit(cells[c].kind);
      }
      EncodeRecordBody(string_ids, key, cells.data(), cells.size(), &body);
      uint32_t bucket = string_ids ? BucketOf(key.group_string, o_.num_files)
                                   : BucketOf(key.group_int, o_.num_files);
      if (!buffer_->empty() && buffer_->MemoryAfterAdding(body.size()) > budget_.spill) Flush();
      buffer_->Add(bucket, key, body);
      body_bytes_ += body.size();
    }
    for (std::string& note : source->notes()) result_.notes.push_back(std::move(note));
    bytes_before_input_ += source->total_bytes();
    current_ = nullptr;
  }
  CheckPoint(true);
}

void Preparer::WriteBuckets() {
  phase_ = PrepareProgress::Phase::kWriting;
  const bool string_ids = group_type_ == ColumnType::kString;
  for (size_t i = 0; i < columns_.size(); ++i) {
    ColumnType type = i == 0 ? group_type_
                      : i == 1
                          ? ts_type_
                          : columns_[i].declared.value_or(ColumnTypeFromKinds(columns_[i].kinds));
    result_.columns.emplace_back(columns_[i].name, type);
  }

  parquet::WriterOptions writer_options;
  writer_options.codec = o_.codec;
  writer_options.sorting_columns = {{o_.group_id_column}, {o_.timestamp_column}};
  int64_t good_rows = result_.rows_in - result_.bad_rows;
  uint64_t average_row =
      good_rows > 0 ? std::max<uint64_t>(1, body_bytes_ / static_cast<uint64_t>(good_rows)) : 64;
  writer_options.row_group_rows = static_cast<int64_t>(
      std::clamp<uint64_t>(budget_.row_group_bytes / average_row, 1024, 1'000'000));
  uint64_t per_column = budget_.row_group_bytes / (2 * columns_.size());
  writer_options.page_bytes =
      static_cast<int64_t>(std::clamp<uint64_t>(per_column, 8 << 10, 1 << 20));
  writer_options.dictionary_max_bytes = writer_options.page_bytes;

  const bool in_memory = runs_.empty();
  if (in_memory) {
    buffer_->Sort();
  } else if (!buffer_->empty()) {
    Flush();
  }
  for (uint32_t bucket = 0; bucket < o_.num_files; ++bucket) {
    std::string temp = (fs::path(o_.output_dir) / ("." + PartFileName(bucket) + ".tmp")).string();
    cleanup_.temp_files.push_back(temp);
    BucketWriter writer(temp, result_.columns, string_ids, writer_options, budget_.batch);
    int64_t emitted = 0;
    auto emit = [&](std::string_view body) {
      writer.Add(body);
      if ((++emitted & (kCheckEveryRows - 1)) == 0) CheckPoint(false);
    };
    if (in_memory) {
      buffer_->ForEachInBucket(bucket, emit);
    } else {
      std::vector<SegmentRef> segments;
      for (const RunFile& run : runs_) {
        if (run.segments[bucket].rows > 0) segments.push_back({run.path, run.segments[bucket]});
      }
      MergeBucket(std::move(segments), string_ids, budget_.merge_buffer, budget_.max_fan_in,
                  cleanup_.spill_dir, emit);
    }
    writer.Close();
    result_.rows_written += writer.rows();
    ++files_written_;
    if (o_.on_file_written) o_.on_file_written(bucket);
    CheckPoint(false);
  }
  buffer_->Clear();
  if (result_.rows_written != good_rows) {
    throw Error(ErrorKind::kInternal, "wrote " + std::to_string(result_.rows_written) +
                                          " rows of " + std::to_string(good_rows));
  }
}

void Preparer::Commit() {
  std::error_code ec;
  if (o_.overwrite) {
    for (const fs::path& old : ExistingPartFiles(o_.output_dir)) {
      fs::remove(old, ec);
      if (ec)
        ThrowIo("cannot remove " + old.string() + " of the previous dataset: " + ec.message());
    }
  }
  for (uint32_t bucket = 0; bucket < o_.num_files; ++bucket) {
    std::string final_path = (fs::path(o_.output_dir) / PartFileName(bucket)).string();
    fs::rename(cleanup_.temp_files[bucket], final_path, ec);
    if (ec) {
      // Take back what was renamed so that no partial dataset is left.
      for (const std::string& path : result_.file_paths) fs::remove(path, ec);
      ThrowIo("cannot rename " + cleanup_.temp_files[bucket] + " to " + final_path + ": " +
              ec.message());
    }
    result_.file_paths.push_back(final_path);
  }
  cleanup_.committed = true;
}

PrepareResult Preparer::Run() {
  CheckOptions(o_);
  for (const auto& [name, type] : o_.schema) {
    (void)type;
    if (name.empty()) ThrowInvalid("--schema names a column with an empty name");
  }
  if (!o_.overwrite) {
    std::vector<fs::path> existing = ExistingPartFiles(o_.output_dir);
    if (!existing.empty()) {
      ThrowInvalid("the output directory already holds a dataset (" +
                   existing.front().filename().string() +
                   "); pass --overwrite to replace it: " + o_.output_dir);
    }
  }
  // Every input is opened (and checked for the key columns) before anything is created.
  SampleKeyTypes();
  std::error_code ec;
  fs::create_directories(o_.output_dir, ec);
  if (ec) ThrowIo("cannot create the output directory " + o_.output_dir + ": " + ec.message());
  cleanup_.spill_dir = MakeSpillDir(o_.temp_dir.empty() ? o_.output_dir : o_.temp_dir);
  ReadInputs();
  for (const auto& [name, type] : o_.schema) {
    (void)type;
    if (column_index_.count(name) == 0) {
      ThrowInvalid("--schema names a column that no input has: '" + name + "'");
    }
  }
  if (result_.bad_rows > 0 && !o_.skip_bad_rows) {
    std::string message = std::to_string(result_.bad_rows) + " bad row" +
                          (result_.bad_rows == 1 ? "" : "s") +
                          " (pass --skip-bad-rows to leave them out); ";
    message += result_.bad_row_examples.size() < static_cast<size_t>(result_.bad_rows)
                   ? "the first " + std::to_string(result_.bad_row_examples.size()) + ":"
                   : "they are:";
    for (const BadRow& bad : result_.bad_row_examples) message += "\n  " + FormatBadRow(bad);
    ThrowInvalid(message);
  }
  WriteBuckets();
  Commit();
  result_.files = o_.num_files;
  result_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  return std::move(result_);
}

}  // namespace

std::string FormatBadRow(const BadRow& row) {
  return row.input + ":" + std::to_string(row.line) + ": " + row.reason;
}

std::string PartFileName(uint32_t bucket) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05u.parquet", bucket);
  return name;
}

PrepareResult PrepareDataset(const PrepareOptions& options) {
  Preparer preparer(options);
  return preparer.Run();
}

}  // namespace frocket::prepare
