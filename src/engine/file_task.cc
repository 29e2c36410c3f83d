#include "engine/file_task.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <unordered_map>

#include "catalog/schema_mapping.h"
#include "common/bucket.h"
#include "common/error.h"
#include "engine/bitmap.h"
#include "engine/column_normalizer.h"
#include "engine/filter_evaluator.h"
#include "engine/sequence_matcher.h"
#include "engine/value_dictionary.h"
#include "parquet/file_reader.h"
#include "query/query_parser.h"
#include "storage/data_file.h"
#include "storage/file.h"

namespace frocket {
namespace {

using parquet::ColumnVector;

// The timeframe as integer bounds: lo <= ts < hi (ts is an integer, so a decimal bound is
// rounded up on both sides).
struct TimeBounds {
  bool has_lo = false, has_hi = false;
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();

  bool Contains(int64_t ts) const { return (!has_lo || ts >= lo) && (!has_hi || ts < hi); }
  // Whether [min, max] intersects the timeframe.
  bool Overlaps(int64_t min, int64_t max) const {
    return (!has_lo || max >= lo) && (!has_hi || min < hi);
  }
  bool any() const { return has_lo || has_hi; }
};

// ceil(n), saturated to int64; `*exceeds` when it is above every int64.
int64_t CeilToInt64(const Number& n, bool* above, bool* below) {
  *above = *below = false;
  if (n.is_integer) return n.integer;
  double c = std::ceil(n.real);
  if (c >= 9223372036854775808.0) {
    *above = true;
    return std::numeric_limits<int64_t>::max();
  }
  if (c < -9223372036854775808.0) {
    *below = true;
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(c);
}

TimeBounds MakeTimeBounds(const std::optional<Timeframe>& timeframe, bool* empty) {
  TimeBounds b;
  *empty = false;
  if (!timeframe) return b;
  bool above, below;
  if (timeframe->from) {
    b.lo = CeilToInt64(*timeframe->from, &above, &below);
    if (above) *empty = true;  // from > every int64
    b.has_lo = !below;
  }
  if (timeframe->to) {
    b.hi = CeilToInt64(*timeframe->to, &above, &below);
    if (below) *empty = true;
    b.has_hi = !above;
  }
  return b;
}

bool Compare(int c, CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return c == 0;
    case CompareOp::kNe:
      return c != 0;
    case CompareOp::kGt:
      return c > 0;
    case CompareOp::kGe:
      return c >= 0;
    case CompareOp::kLt:
      return c < 0;
    case CompareOp::kLe:
      return c <= 0;
  }
  return false;
}

// Values of a numeric column over the task's rows (engine order).
struct NumericColumn {
  bool is_int = true;
  std::vector<int64_t> ints;
  std::vector<double> reals;
  std::vector<uint8_t> valid;  // not null

  // Appends the values of `col` (a whole row group when `rows` is null, else the listed rows).
  // Values are appended in place, without zero-filling first what is then overwritten.
  void Append(const ColumnVector& col, const uint32_t* rows, int64_t count) {
    const size_t n = static_cast<size_t>(count);
    const bool nulls = !col.validity.empty();
    if (rows == nullptr) {
      // Whole row group: copy the values, and expand validity only when there are nulls.
      if (is_int) {
        const int64_t* values = col.values.as<int64_t>();
        ints.insert(ints.end(), values, values + n);
      } else {
        const double* values = col.values.as<double>();
        reals.insert(reals.end(), values, values + n);
      }
      if (!nulls) {
        valid.insert(valid.end(), n, 1);
      } else {
        for (size_t i = 0; i < n; ++i) valid.push_back(col.IsValid(static_cast<int64_t>(i)));
      }
      return;
    }
    // No reserve(size + n) here: exact reservations per row group would defeat the vectors'
    // geometric growth and copy everything again on every call.
    for (size_t i = 0; i < n; ++i) {
      const int64_t r = rows[i];
      valid.push_back(nulls ? col.IsValid(r) : 1);
      if (is_int)
        ints.push_back(col.Get<int64_t>(r));
      else
        reals.push_back(col.Get<double>(r));
    }
  }
  void AppendNulls(int64_t count) {
    const size_t n = valid.size() + static_cast<size_t>(count);
    if (is_int) {
      ints.resize(n, 0);
    } else {
      reals.resize(n, 0);
    }
    valid.resize(n, 0);
  }
  template <typename T>
  static void Permute(std::vector<T>* v, const std::vector<uint32_t>& perm) {
    if (v->empty()) return;
    std::vector<T> out(perm.size());
    for (size_t p = 0; p < perm.size(); ++p) out[p] = (*v)[perm[p]];
    v->swap(out);
  }
  void Permute(const std::vector<uint32_t>& perm) {
    Permute(&ints, perm);
    Permute(&reals, perm);
    Permute(&valid, perm);
  }
};

// A conjunction of filters: a condition's or a step's.
struct Predicate {
  std::vector<FilterEvaluator> evaluators;
  std::vector<int> columns;    // dataset column of each evaluator
  std::vector<uint64_t> bits;  // one bit per task row (grouped order after sorting)
};

struct CompiledSequence {
  std::unique_ptr<SequenceMatcher> matcher;
  std::vector<int> step_predicates;        // one per step
  std::vector<const uint64_t*> step_bits;  // set before groups are evaluated
};

// Per-aggregation column data (engine order), built in the late materialization phase.
struct AggregationColumn {
  int column = -1;
  ColumnKind kind = ColumnKind::kUnsupported;
  bool need_ids = false;      // per-value key or countDistinct or breakdown
  bool need_numeric = false;  // sum, min, max, mean, or an otherColumn
  bool need_valid = false;    // count on a non-numeric column
  std::unique_ptr<ValueDictionary> dictionary;
  std::vector<uint32_t> ids;
  NumericColumn numeric;
  std::vector<uint8_t> valid;
};

// Scope of a list of aggregations: which groups' rows they run over.
enum class ScopeKind { kQuery, kStep, kEnd };

struct RowGroupSlice {
  int row_group = 0;
  int64_t begin = 0;  // first task row (engine order)
  int64_t count = 0;
  std::vector<uint32_t> rows;  // rows of the row group kept (empty: all, in order)
};

class FileTask {
 public:
  FileTask(const DatasetInfo& dataset, const Query& query, size_t file_index,
           const FileTaskOptions& options)
      : dataset_(dataset), query_(query), file_index_(file_index), options_(options) {}

  PartialResult Run();

 private:
  int ColumnIndex(const std::string& name) const;
  const ColumnVector& Load(int row_group, int column);
  int AddPredicate(const std::vector<Filter>& filters);
  void Compile();
  void ReadRows();
  void PrefetchRowGroup(int row_group);
  void GroupRows();
  void EvaluateGroups();
  void Aggregate();
  void AggregateList(const std::vector<Aggregation>& list, ScopeKind scope, int step,
                     std::vector<AggregationPartial>* out);
  void AggregateOne(const Aggregation& a, const std::vector<uint8_t>& in_scope,
                    AggregationValue* out);
  AggregationColumn& ColumnData(int column);
  void MaterializeAggregationColumns();
  std::string GroupIdText(int64_t g) const;

  const DatasetInfo& dataset_;
  const Query& query_;
  size_t file_index_;
  FileTaskOptions options_;
  PartialResult partial_;

  std::shared_ptr<RandomAccessFile> input_;  // the file under file_ (for Prefetch)
  std::unique_ptr<parquet::ParquetFile> file_;
  TimeBounds bounds_;
  int ts_column_ = -1, group_column_ = -1;
  ColumnKind group_kind_ = ColumnKind::kInt;
  std::vector<int> leaf_of_;  // dataset column -> leaf index in this file (-1 unknown yet)

  // Current row group's loaded, normalized columns.
  int cached_row_group_ = -1;
  std::unordered_map<int, ColumnVector> cache_;

  std::vector<Predicate> predicates_;
  std::vector<int> condition_predicate_;               // kRows conditions
  std::vector<CompiledSequence> condition_sequences_;  // indexed by condition (kSequence)
  std::vector<int> sum_columns_;                       // dataset columns of sum targets
  std::unordered_map<int, NumericColumn> target_values_;
  std::optional<CompiledSequence> funnel_;

  // Task rows (in the timeframe), engine order until GroupRows, then grouped order.
  int64_t num_rows_ = 0;
  std::vector<int64_t> ts_;
  std::vector<int64_t> gid_;
  std::vector<std::string> group_names_;  // STRING group ids: name of each id (sorted)
  std::unordered_map<std::string, uint32_t> group_name_ids_;
  std::vector<RowGroupSlice> slices_;
  std::vector<uint32_t> perm_;  // grouped position -> engine row; empty when identity

  // Groups, in grouped order.
  std::vector<int64_t> group_begin_;  // size groups + 1
  std::vector<uint8_t> matched_;
  std::vector<int8_t> level_;            // furthest funnel step, -1 none
  std::vector<int64_t> attributed_row_;  // breakdown: grouped position of the step-0 row

  std::unordered_map<int, AggregationColumn> agg_columns_;
};

int FileTask::ColumnIndex(const std::string& name) const {
  const auto& cols = dataset_.schema.columns;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].name == name) return static_cast<int>(i);
  }
  ThrowCorrupt("dataset '" + dataset_.name + "' has no column '" + name + "' in its schema");
}

const ColumnVector& FileTask::Load(int row_group, int column) {
  if (cached_row_group_ != row_group) {
    cache_.clear();
    cached_row_group_ = row_group;
  }
  auto it = cache_.find(column);
  if (it != cache_.end()) return it->second;
  const frocket::DatasetColumn& dc = dataset_.schema.columns[column];
  int leaf = leaf_of_[column];
  if (leaf < 0) {
    leaf = file_->schema().FindColumn(dc.name);
    if (leaf < 0) ThrowCorrupt(file_->name() + ": column '" + dc.name + "' is missing");
    leaf_of_[column] = leaf;
  }
  const parquet::ColumnDescriptor& desc = file_->schema().column(leaf);
  parquet::ReadOptions read_options;
  read_options.keep_dictionary = dc.kind == ColumnKind::kString;
  ColumnVector raw = file_->ReadColumn(row_group, leaf, read_options);
  const auto& chunk = file_->metadata().row_groups[row_group].columns[leaf];
  if (chunk.meta_data) partial_.stats.scanned_bytes += chunk.meta_data->total_compressed_size;
  ColumnVector normalized =
      NormalizeColumn(std::move(raw), desc, dc.kind, dataset_.schema.timestamp_unit, file_->name());
  return cache_.emplace(column, std::move(normalized)).first->second;
}

int FileTask::AddPredicate(const std::vector<Filter>& filters) {
  Predicate p;
  for (const Filter& f : filters) {
    p.evaluators.emplace_back(f);
    p.columns.push_back(f.column_index);
  }
  predicates_.push_back(std::move(p));
  return static_cast<int>(predicates_.size()) - 1;
}

void FileTask::Compile() {
  const auto& conditions = query_.query.conditions;
  condition_predicate_.assign(conditions.size(), -1);
  condition_sequences_.resize(conditions.size());
  for (size_t c = 0; c < conditions.size(); ++c) {
    const Condition& cond = conditions[c];
    if (cond.kind == ConditionKind::kRows) {
      condition_predicate_[c] = AddPredicate(cond.filters);
      if (cond.target.type == TargetType::kSum) {
        int col = cond.target.column_index;
        if (!target_values_.count(col)) {
          NumericColumn nc;
          nc.is_int = cond.target.column_kind == ColumnKind::kInt;
          target_values_.emplace(col, std::move(nc));
          sum_columns_.push_back(col);
        }
      }
    } else {
      CompiledSequence& s = condition_sequences_[c];
      s.matcher = std::make_unique<SequenceMatcher>(cond.sequence);
      for (const Step& step : cond.sequence.steps)
        s.step_predicates.push_back(AddPredicate(step.filters));
    }
  }
  if (query_.funnel) {
    funnel_.emplace();
    funnel_->matcher = std::make_unique<SequenceMatcher>(query_.funnel->sequence);
    for (const Step& step : query_.funnel->sequence.steps) {
      funnel_->step_predicates.push_back(AddPredicate(step.filters));
    }
  }
}

// Announces the column chunks ReadRows reads from a row group that survived pruning, so a
// remote file fetches them in one coalesced request instead of one per chunk.
void FileTask::PrefetchRowGroup(int row_group) {
  std::vector<int> columns = {ts_column_, group_column_};
  if (options_.scan_only) {
    columns.insert(columns.end(), query_.used_columns.begin(), query_.used_columns.end());
  } else {
    for (const Predicate& p : predicates_) {
      columns.insert(columns.end(), p.columns.begin(), p.columns.end());
    }
    columns.insert(columns.end(), sum_columns_.begin(), sum_columns_.end());
  }
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  std::vector<ByteRange> ranges;
  const auto& chunks = file_->metadata().row_groups[row_group].columns;
  for (int column : columns) {
    int leaf = file_->schema().FindColumn(dataset_.schema.columns[column].name);
    if (leaf < 0 || static_cast<size_t>(leaf) >= chunks.size() || !chunks[leaf].meta_data) continue;
    const parquet::ColumnMetaData& meta = *chunks[leaf].meta_data;
    int64_t start = meta.data_page_offset;
    if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
        *meta.dictionary_page_offset < start) {
      start = *meta.dictionary_page_offset;
    }
    if (start < 0 || meta.total_compressed_size <= 0) continue;
    ranges.push_back(
        {static_cast<uint64_t>(start), static_cast<uint64_t>(meta.total_compressed_size)});
  }
  input_->Prefetch(ranges);
}

void FileTask::ReadRows() {
  const int num_row_groups = file_->num_row_groups();
  const ColumnKind ts_kind = dataset_.schema.columns[ts_column_].kind;
  if (ts_kind != ColumnKind::kInt) {
    ThrowCorrupt(file_->name() + ": the timestamp column is not an integer or timestamp");
  }
  const int ts_leaf = file_->schema().FindColumn(dataset_.schema.timestamp_column);
  if (ts_leaf < 0) {
    ThrowCorrupt(file_->name() + ": column '" + dataset_.schema.timestamp_column + "' is missing");
  }
  const parquet::ColumnDescriptor& ts_desc = file_->schema().column(ts_leaf);
  std::vector<uint64_t> bits;
  if (!options_.scan_only) {
    ts_.reserve(file_->num_rows());
    gid_.reserve(file_->num_rows());
    for (Predicate& p : predicates_) p.bits.reserve(WordsFor(file_->num_rows()) + 1);
  }
  for (int rg = 0; rg < num_row_groups; ++rg) {
    const int64_t rg_rows = file_->row_group_num_rows(rg);
    partial_.stats.row_groups += 1;
    if (rg_rows == 0) continue;
    // Row-group pruning on the timestamp statistics (only for plain integer encodings whose
    // conversion to the dataset unit is monotonic).
    if (bounds_.any() && !ts_desc.int96 &&
        (ts_desc.physical == parquet::PhysicalType::kInt64 ||
         ts_desc.physical == parquet::PhysicalType::kInt32)) {
      parquet::ChunkStatistics st = file_->Statistics(rg, ts_leaf);
      if (st.min && st.max && st.min_exact && st.max_exact) {
        auto decode = [&](const std::string& raw) -> std::optional<int64_t> {
          int64_t v;
          if (ts_desc.physical == parquet::PhysicalType::kInt64) {
            if (raw.size() != 8) return std::nullopt;
            std::memcpy(&v, raw.data(), 8);
          } else {
            if (raw.size() != 4) return std::nullopt;
            int32_t v32;
            std::memcpy(&v32, raw.data(), 4);
            v = ts_desc.is_signed ? v32 : static_cast<int64_t>(static_cast<uint32_t>(v32));
          }
          if (ts_desc.type == parquet::ValueType::kTimestamp) {
            try {
              v = ConvertTicks(v, TicksPerSecond(ts_desc.unit), dataset_.schema.timestamp_unit);
            } catch (const Error&) {
              return std::nullopt;
            }
          } else if (ts_desc.type != parquet::ValueType::kInt ||
                     (ts_desc.physical == parquet::PhysicalType::kInt64 && !ts_desc.is_signed)) {
            return std::nullopt;
          }
          return v;
        };
        auto lo = decode(*st.min), hi = decode(*st.max);
        if (lo && hi && !bounds_.Overlaps(*lo, *hi)) {
          partial_.stats.row_groups_skipped += 1;
          continue;
        }
      }
    }
    partial_.stats.scanned_rows += rg_rows;
    PrefetchRowGroup(rg);
    const ColumnVector& ts = Load(rg, ts_column_);
    if (ts.null_count > 0) {
      ThrowCorrupt(file_->name() + ": the timestamp column '" + dataset_.schema.timestamp_column +
                   "' has nulls in row group " + std::to_string(rg));
    }
    RowGroupSlice slice;
    slice.row_group = rg;
    slice.begin = num_rows_;
    const int64_t* tsv = ts.values.as<int64_t>();
    if (bounds_.any()) {
      bool all = true;
      for (int64_t i = 0; i < rg_rows; ++i) {
        if (!bounds_.Contains(tsv[i])) {
          all = false;
          break;
        }
      }
      if (!all) {
        for (int64_t i = 0; i < rg_rows; ++i) {
          if (bounds_.Contains(tsv[i])) slice.rows.push_back(static_cast<uint32_t>(i));
        }
        if (slice.rows.empty()) continue;
      }
    }
    const bool selected = !slice.rows.empty();
    const uint32_t* rows = selected ? slice.rows.data() : nullptr;
    slice.count = selected ? static_cast<int64_t>(slice.rows.size()) : rg_rows;
    if (options_.scan_only) {
      Load(rg, group_column_);
      for (int c : query_.used_columns) Load(rg, c);
      num_rows_ += slice.count;
      continue;
    }
    // Timestamps.
    const size_t base = ts_.size();
    if (rows) {
      ts_.resize(base + slice.count);
      for (int64_t i = 0; i < slice.count; ++i) ts_[base + i] = tsv[rows[i]];
    } else {
      ts_.insert(ts_.end(), tsv, tsv + slice.count);
    }
    // Group ids.
    const ColumnVector& gid = Load(rg, group_column_);
    if (gid.null_count > 0) {
      ThrowCorrupt(file_->name() + ": the group id column '" + dataset_.schema.group_id_column +
                   "' has nulls in row group " + std::to_string(rg));
    }
    if (group_kind_ == ColumnKind::kInt) {
      const int64_t* g = gid.values.as<int64_t>();
      if (rows) {
        gid_.resize(base + slice.count);
        for (int64_t i = 0; i < slice.count; ++i) gid_[base + i] = g[rows[i]];
      } else {
        gid_.insert(gid_.end(), g, g + slice.count);
      }
    } else {
      gid_.resize(base + slice.count);
      auto intern = [&](std::string_view name) -> int64_t {
        auto [it, inserted] = group_name_ids_.try_emplace(
            std::string(name), static_cast<uint32_t>(group_names_.size()));
        if (inserted) group_names_.emplace_back(name);
        return it->second;
      };
      if (gid.has_dictionary()) {
        const ColumnVector& dict = *gid.dictionary;
        std::vector<int64_t> code_ids(dict.size, -1);
        const uint32_t* codes = gid.values.as<uint32_t>();
        for (int64_t i = 0; i < slice.count; ++i) {
          uint32_t code = codes[rows ? rows[i] : i];
          if (code >= code_ids.size()) {
            ThrowCorrupt(file_->name() + ": dictionary code out of range in the group id column");
          }
          if (code_ids[code] < 0) code_ids[code] = intern(dict.GetBytes(code));
          gid_[base + i] = code_ids[code];
        }
      } else {
        for (int64_t i = 0; i < slice.count; ++i)
          gid_[base + i] = intern(gid.GetBytes(rows ? rows[i] : i));
      }
    }
    // Predicates.
    for (Predicate& p : predicates_) {
      bits.resize(WordsFor(rg_rows));
      if (p.evaluators.empty()) {
        std::fill(bits.begin(), bits.end(), ~uint64_t{0});
        if (rg_rows & 63) bits.back() &= (uint64_t{1} << (rg_rows & 63)) - 1;
      }
      for (size_t f = 0; f < p.evaluators.size(); ++f) {
        if (f == 0) {
          p.evaluators[f].Evaluate(Load(rg, p.columns[f]), bits.data());
        } else {
          p.evaluators[f].EvaluateAnd(Load(rg, p.columns[f]), bits.data());
        }
      }
      if (selected) {
        AppendSelectedBits(&p.bits, num_rows_, bits.data(), rows, slice.count);
      } else {
        AppendBits(&p.bits, num_rows_, bits.data(), slice.count);
      }
    }
    // Sum targets.
    for (int col : sum_columns_) target_values_[col].Append(Load(rg, col), rows, slice.count);
    num_rows_ += slice.count;
    slices_.push_back(std::move(slice));
  }
  cache_.clear();
  cached_row_group_ = -1;
  for (Predicate& p : predicates_) p.bits.resize(WordsFor(num_rows_), 0);
}

void FileTask::GroupRows() {
  // STRING ids: renumber by name so that id order is name order.
  if (group_kind_ == ColumnKind::kString && !group_names_.empty()) {
    std::vector<uint32_t> order(group_names_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return group_names_[a] < group_names_[b]; });
    std::vector<int64_t> rank(order.size());
    std::vector<std::string> sorted(order.size());
    for (size_t r = 0; r < order.size(); ++r) {
      rank[order[r]] = static_cast<int64_t>(r);
      sorted[r] = std::move(group_names_[order[r]]);
    }
    group_names_.swap(sorted);
    for (int64_t& g : gid_) g = rank[g];
    group_name_ids_.clear();
  }
  // The fast path: rows already ordered by (group id, ts). Group starts are found in the same
  // pass.
  bool ordered = true;
  group_begin_.clear();
  if (num_rows_ > 0) group_begin_.push_back(0);
  for (int64_t i = 1; i < num_rows_; ++i) {
    if (gid_[i] != gid_[i - 1]) {
      if (gid_[i] < gid_[i - 1]) {
        ordered = false;
        break;
      }
      group_begin_.push_back(i);
    } else if (ts_[i] < ts_[i - 1]) {
      ordered = false;
      break;
    }
  }
  if (ordered) {
    group_begin_.push_back(num_rows_);
    return;
  }
  {
    perm_.resize(num_rows_);
    std::iota(perm_.begin(), perm_.end(), 0);
    std::stable_sort(perm_.begin(), perm_.end(), [&](uint32_t a, uint32_t b) {
      if (gid_[a] != gid_[b]) return gid_[a] < gid_[b];
      return ts_[a] < ts_[b];
    });
    NumericColumn::Permute(&ts_, perm_);
    NumericColumn::Permute(&gid_, perm_);
    for (auto& [col, values] : target_values_) values.Permute(perm_);
    std::vector<uint64_t> permuted;
    for (Predicate& p : predicates_) {
      permuted.assign(WordsFor(num_rows_), 0);
      for (int64_t i = 0; i < num_rows_; ++i) {
        if (TestBit(p.bits.data(), perm_[i])) SetBit(permuted.data(), i);
      }
      p.bits.swap(permuted);
    }
  }
  group_begin_.clear();
  for (int64_t i = 0; i < num_rows_; ++i) {
    if (i == 0 || gid_[i] != gid_[i - 1]) group_begin_.push_back(i);
  }
  group_begin_.push_back(num_rows_);
}

std::string FileTask::GroupIdText(int64_t g) const {
  if (group_kind_ == ColumnKind::kString) return group_names_[g];
  return std::to_string(g);
}

void FileTask::EvaluateGroups() {
  const int64_t num_groups = static_cast<int64_t>(group_begin_.size()) - 1;
  const auto& conditions = query_.query.conditions;
  partial_.total_groups = num_groups;
  partial_.total_rows = num_rows_;
  matched_.assign(num_groups, 0);
  level_.assign(num_groups, -1);
  const bool want_ttc = query_.funnel && query_.funnel->time_to_convert;
  const bool want_breakdown = query_.funnel && query_.funnel->breakdown.has_value();
  if (want_breakdown) attributed_row_.assign(num_groups, -1);
  const int num_positive = query_.funnel ? funnel_->matcher->num_positive_steps() : 0;

  std::unique_ptr<bool[]> results(new bool[std::max<size_t>(1, conditions.size())]);
  SequenceMatch match;
  const size_t sample_limit = static_cast<size_t>(query_.options.sample_group_ids);
  // Max-heap of the smallest (hash, id) pairs seen.
  auto sample_less = [](const SampledGroup& a, const SampledGroup& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.id < b.id;
  };
  std::vector<SampledGroup>& sample = partial_.sample;
  auto set_step_bits = [&](CompiledSequence& seq) {
    seq.step_bits.clear();
    for (int p : seq.step_predicates) seq.step_bits.push_back(predicates_[p].bits.data());
  };
  for (CompiledSequence& seq : condition_sequences_) set_step_bits(seq);
  if (funnel_) set_step_bits(*funnel_);
  const bool no_conditions = conditions.empty();

  for (int64_t g = 0; g < num_groups; ++g) {
    const int64_t a = group_begin_[g], b = group_begin_[g + 1], n = b - a;
    for (size_t c = 0; c < conditions.size(); ++c) {
      const Condition& cond = conditions[c];
      if (cond.kind == ConditionKind::kSequence) {
        CompiledSequence& seq = condition_sequences_[c];
        seq.matcher->MatchRows(ts_.data(), seq.step_bits, a, b, false, false, &match);
        results[c] = match.reached == seq.matcher->num_positive_steps() - 1;
        continue;
      }
      const uint64_t* w = predicates_[condition_predicate_[c]].bits.data();
      const int64_t count = CountBits(w, a, b);
      if (cond.target.type == TargetType::kCount) {
        if (count == 0 && !cond.include_zero) {
          results[c] = false;
        } else {
          results[c] =
              Compare(CompareNumbers(Number::Integer(count), cond.target.value), cond.target.op);
        }
        continue;
      }
      if (count == 0) {
        results[c] = false;
        continue;
      }
      const NumericColumn& values = target_values_.at(cond.target.column_index);
      NumericSum sum;
      for (int64_t r = NextSetBit(w, a, b); r < b; r = NextSetBit(w, r + 1, b)) {
        if (!values.valid[r]) continue;
        if (values.is_int) {
          sum.AddInt(values.ints[r]);
        } else if (!std::isnan(values.reals[r])) {
          sum.AddReal(values.reals[r]);
        }
      }
      Number total = sum.is_integer ? Number::Integer(sum.integer) : Number::Real(sum.AsDouble());
      results[c] = Compare(CompareNumbers(total, cond.target.value), cond.target.op);
    }
    const bool matched = no_conditions || query_.query.relation.Evaluate(std::span<const bool>(
                                              results.get(), conditions.size()));
    if (!matched) continue;
    matched_[g] = 1;
    partial_.matching_groups += 1;
    partial_.matching_group_rows += n;
    bool sampled = true;
    if (query_.funnel) {
      funnel_->matcher->MatchRows(ts_.data(), funnel_->step_bits, a, b, want_ttc, want_breakdown,
                                  &match);
    }
    if (query_.funnel) {
      level_[g] = static_cast<int8_t>(match.reached);
      for (int k = 0; k <= match.reached; ++k) {
        StepPartial& step = partial_.funnel_steps[k];
        step.matching_groups += 1;
        step.matching_group_rows += n;
        if (want_ttc && k > 0) step.time_to_convert.push_back(match.time_to_convert[k]);
      }
      if (want_breakdown && match.reached >= 0) attributed_row_[g] = a + match.attributed_start_row;
      sampled = match.reached == num_positive - 1;
    }
    if (sampled && sample_limit > 0) {
      SampledGroup s;
      s.hash = group_kind_ == ColumnKind::kString
                   ? GroupIdHash(std::string_view(group_names_[gid_[a]]))
                   : GroupIdHash(gid_[a]);
      if (sample.size() < sample_limit || s.hash <= sample.front().hash) {
        s.id = GroupIdText(gid_[a]);
        if (sample.size() < sample_limit) {
          sample.push_back(std::move(s));
          std::push_heap(sample.begin(), sample.end(), sample_less);
        } else if (sample_less(s, sample.front())) {
          std::pop_heap(sample.begin(), sample.end(), sample_less);
          sample.back() = std::move(s);
          std::push_heap(sample.begin(), sample.end(), sample_less);
        }
      }
    }
  }
  std::sort_heap(sample.begin(), sample.end(), sample_less);
}

AggregationColumn& FileTask::ColumnData(int column) {
  AggregationColumn& c = agg_columns_[column];
  c.column = column;
  c.kind = dataset_.schema.columns[column].kind;
  return c;
}

void FileTask::MaterializeAggregationColumns() {
  auto note = [&](const Aggregation& a) {
    AggregationColumn& c = ColumnData(a.column_index);
    switch (a.type) {
      case AggregationType::kCount:
        if (c.kind == ColumnKind::kInt || c.kind == ColumnKind::kFloat)
          c.need_numeric = true;
        else
          c.need_valid = true;
        break;
      case AggregationType::kSum:
      case AggregationType::kMin:
      case AggregationType::kMax:
      case AggregationType::kMean:
        c.need_numeric = true;
        break;
      case AggregationType::kCountDistinct:
      case AggregationType::kCountPerValue:
      case AggregationType::kGroupsPerValue:
        c.need_ids = true;
        break;
      case AggregationType::kSumPerValue:
      case AggregationType::kMeanPerValue:
        c.need_ids = true;
        ColumnData(a.other_column_index).need_numeric = true;
        break;
    }
  };
  for (const auto& a : query_.query.aggregations) note(a);
  if (query_.funnel) {
    for (const auto& a : query_.funnel->step_aggregations) note(a);
    for (const auto& a : query_.funnel->end_aggregations) note(a);
    if (query_.funnel->breakdown)
      ColumnData(query_.funnel->breakdown->column_index).need_ids = true;
  }
  if (agg_columns_.empty()) return;
  // Which task rows (engine order) belong to a group some aggregation looks at.
  const int64_t num_groups = static_cast<int64_t>(matched_.size());
  bool any_baseline = false;
  auto has_baseline = [&](const std::vector<Aggregation>& list) {
    for (const auto& a : list) any_baseline = any_baseline || a.baseline;
  };
  has_baseline(query_.query.aggregations);
  if (query_.funnel) {
    has_baseline(query_.funnel->step_aggregations);
    has_baseline(query_.funnel->end_aggregations);
  }
  // Every scope but the baseline lies within the groups that matched the query.
  std::vector<uint8_t> row_needed;
  if (!any_baseline) {
    row_needed.assign(num_rows_, 0);
    for (int64_t g = 0; g < num_groups; ++g) {
      if (!matched_[g]) continue;
      for (int64_t p = group_begin_[g]; p < group_begin_[g + 1]; ++p) {
        row_needed[perm_.empty() ? p : perm_[p]] = 1;
      }
    }
  }
  for (auto& [col, data] : agg_columns_) {
    if (data.need_ids) data.dictionary = std::make_unique<ValueDictionary>(data.kind);
    if (data.need_numeric) data.numeric.is_int = data.kind == ColumnKind::kInt;
  }
  for (const RowGroupSlice& slice : slices_) {
    bool needed = row_needed.empty();
    for (int64_t i = slice.begin; !needed && i < slice.begin + slice.count; ++i)
      needed = row_needed[i];
    const uint32_t* rows = slice.rows.empty() ? nullptr : slice.rows.data();
    for (auto& [col, data] : agg_columns_) {
      if (!needed) {
        if (data.need_ids) data.ids.resize(data.ids.size() + slice.count, ValueDictionary::kNull);
        if (data.need_numeric) data.numeric.AppendNulls(slice.count);
        if (data.need_valid) data.valid.resize(data.valid.size() + slice.count, 0);
        continue;
      }
      const ColumnVector& v = Load(slice.row_group, col);
      if (data.need_ids) data.dictionary->AddRows(v, rows, slice.count, &data.ids);
      if (data.need_numeric) data.numeric.Append(v, rows, slice.count);
      if (data.need_valid) {
        const size_t base = data.valid.size();
        data.valid.resize(base + slice.count);
        for (int64_t i = 0; i < slice.count; ++i)
          data.valid[base + i] = v.IsValid(rows ? rows[i] : i);
      }
    }
  }
  cache_.clear();
  cached_row_group_ = -1;
}

void FileTask::AggregateOne(const Aggregation& a, const std::vector<uint8_t>& in_scope,
                            AggregationValue* out) {
  const AggregationColumn& col = agg_columns_.at(a.column_index);
  const int64_t num_groups = static_cast<int64_t>(in_scope.size());
  auto for_each_row = [&](auto&& fn) {
    for (int64_t g = 0; g < num_groups; ++g) {
      if (!in_scope[g]) continue;
      for (int64_t p = group_begin_[g]; p < group_begin_[g + 1]; ++p) {
        fn(g, perm_.empty() ? p : static_cast<int64_t>(perm_[p]));
      }
    }
  };
  const bool is_float = col.kind == ColumnKind::kFloat;
  switch (a.type) {
    case AggregationType::kCount: {
      int64_t n = 0;
      if (col.need_numeric && (col.kind == ColumnKind::kInt || is_float)) {
        for_each_row([&](int64_t, int64_t i) { n += col.numeric.valid[i]; });
      } else {
        for_each_row([&](int64_t, int64_t i) { n += col.valid[i]; });
      }
      out->scalar.count = n;
      return;
    }
    case AggregationType::kSum:
    case AggregationType::kMin:
    case AggregationType::kMax:
    case AggregationType::kMean: {
      ScalarPartial& s = out->scalar;
      const NumericColumn& nc = col.numeric;
      for_each_row([&](int64_t, int64_t i) {
        if (!nc.valid[i]) return;
        if (nc.is_int) {
          int64_t v = nc.ints[i];
          s.sum.AddInt(v);
          if (!s.has_min_max) {
            s.int_min = s.int_max = v;
            s.has_min_max = true;
          } else {
            s.int_min = std::min(s.int_min, v);
            s.int_max = std::max(s.int_max, v);
          }
        } else {
          double v = nc.reals[i];
          if (std::isnan(v)) return;
          s.sum.AddReal(v);
          if (!s.has_min_max) {
            s.real_min = s.real_max = v;
            s.has_min_max = true;
          } else {
            s.real_min = std::min(s.real_min, v);
            s.real_max = std::max(s.real_max, v);
          }
        }
        s.count += 1;
      });
      return;
    }
    case AggregationType::kCountDistinct: {
      std::vector<uint8_t> seen(col.dictionary->size(), 0);
      for_each_row([&](int64_t, int64_t i) {
        uint32_t id = col.ids[i];
        if (id != ValueDictionary::kNull) seen[id] = 1;
      });
      std::vector<uint64_t>& h = out->distinct.hashes;
      for (size_t id = 0; id < seen.size(); ++id) {
        if (seen[id]) h.push_back(col.dictionary->hash(static_cast<uint32_t>(id)));
      }
      std::sort(h.begin(), h.end());
      h.erase(std::unique(h.begin(), h.end()), h.end());
      if (static_cast<int64_t>(h.size()) > kDistinctSketchSize) {
        h.resize(kDistinctSketchSize);
        out->distinct.saturated = true;
      }
      return;
    }
    default:
      break;
  }
  // Per-value maps.
  const size_t num_values = col.dictionary->size();
  std::vector<int64_t> counts(num_values, 0);
  std::vector<NumericSum> sums;
  std::vector<int64_t> last_group;
  const NumericColumn* other = nullptr;
  if (a.type == AggregationType::kSumPerValue || a.type == AggregationType::kMeanPerValue) {
    other = &agg_columns_.at(a.other_column_index).numeric;
    sums.resize(num_values);
  }
  if (a.type == AggregationType::kGroupsPerValue) last_group.assign(num_values, -1);
  for_each_row([&](int64_t g, int64_t i) {
    uint32_t id = col.ids[i];
    if (id == ValueDictionary::kNull) return;
    switch (a.type) {
      case AggregationType::kCountPerValue:
        counts[id] += 1;
        break;
      case AggregationType::kGroupsPerValue:
        if (last_group[id] != g) {
          last_group[id] = g;
          counts[id] += 1;
        }
        break;
      default:
        if (!other->valid[i]) return;
        if (other->is_int) {
          sums[id].AddInt(other->ints[i]);
        } else {
          if (std::isnan(other->reals[i])) return;
          sums[id].AddReal(other->reals[i]);
        }
        counts[id] += 1;
        break;
    }
  });
  PerValuePartial& map = out->per_value;
  for (size_t id = 0; id < num_values; ++id) {
    if (counts[id] == 0) continue;
    PerValueEntry e;
    e.key = col.dictionary->key(static_cast<uint32_t>(id));
    e.count = counts[id];
    if (!sums.empty()) {
      e.sum = sums[id];
      map.total_sum.Merge(sums[id]);
    }
    map.total_count += counts[id];
    map.entries.push_back(std::move(e));
  }
  const ColumnKind kind = col.kind;
  std::sort(map.entries.begin(), map.entries.end(),
            [kind](const PerValueEntry& x, const PerValueEntry& y) {
              return ValueKeyLess(kind, x.key, y.key);
            });
  TruncatePerValue(a.type, kind, &map);
}

void FileTask::AggregateList(const std::vector<Aggregation>& list, ScopeKind scope, int step,
                             std::vector<AggregationPartial>* out) {
  if (list.empty()) return;
  const int64_t num_groups = static_cast<int64_t>(matched_.size());
  const int last = query_.funnel ? funnel_->matcher->num_positive_steps() - 1 : 0;
  std::vector<uint8_t> in_scope(num_groups, 0);
  for (int64_t g = 0; g < num_groups; ++g) {
    switch (scope) {
      case ScopeKind::kQuery:
        in_scope[g] = matched_[g];
        break;
      case ScopeKind::kStep:
        in_scope[g] = matched_[g] && level_[g] >= step;
        break;
      case ScopeKind::kEnd:
        in_scope[g] = matched_[g] && level_[g] == last;
        break;
    }
  }
  std::vector<uint8_t> all;
  for (size_t i = 0; i < list.size(); ++i) {
    AggregateOne(list[i], in_scope, &(*out)[i].audience);
    if (list[i].baseline && (*out)[i].baseline) {
      if (all.empty()) all.assign(num_groups, 1);
      AggregateOne(list[i], all, &*(*out)[i].baseline);
    }
  }
}

void FileTask::Aggregate() {
  MaterializeAggregationColumns();
  AggregateList(query_.query.aggregations, ScopeKind::kQuery, 0, &partial_.query_aggregations);
  if (!query_.funnel) return;
  for (size_t k = 0; k < partial_.funnel_steps.size(); ++k) {
    AggregateList(query_.funnel->step_aggregations, ScopeKind::kStep, static_cast<int>(k),
                  &partial_.funnel_steps[k].aggregations);
  }
  AggregateList(query_.funnel->end_aggregations, ScopeKind::kEnd, 0, &partial_.end_aggregations);
  if (query_.funnel->breakdown) {
    const AggregationColumn& col = agg_columns_.at(query_.funnel->breakdown->column_index);
    const int num_steps = static_cast<int>(partial_.funnel_steps.size());
    std::vector<std::vector<int64_t>> per_value(col.dictionary->size());
    std::vector<int64_t> nulls;
    for (size_t g = 0; g < matched_.size(); ++g) {
      if (level_[g] < 0) continue;
      int64_t p = attributed_row_[g];
      uint32_t id = col.ids[perm_.empty() ? p : perm_[p]];
      std::vector<int64_t>& counts = id == ValueDictionary::kNull ? nulls : per_value[id];
      if (counts.empty()) counts.assign(num_steps, 0);
      for (int k = 0; k <= level_[g]; ++k) counts[k] += 1;
    }
    for (size_t id = 0; id < per_value.size(); ++id) {
      if (per_value[id].empty()) continue;
      BreakdownEntry e;
      e.key = col.dictionary->key(static_cast<uint32_t>(id));
      e.step_groups = std::move(per_value[id]);
      partial_.breakdown.push_back(std::move(e));
    }
    const ColumnKind kind = col.kind;
    std::sort(partial_.breakdown.begin(), partial_.breakdown.end(),
              [kind](const BreakdownEntry& x, const BreakdownEntry& y) {
                return ValueKeyLess(kind, x.key, y.key);
              });
    if (!nulls.empty()) {
      BreakdownEntry e;
      e.is_null = true;
      e.step_groups = std::move(nulls);
      partial_.breakdown.push_back(std::move(e));
    }
  }
}

PartialResult FileTask::Run() {
  const auto start = std::chrono::steady_clock::now();
  partial_ = MakeEmptyPartialResult(query_);
  partial_.stats.files = 1;
  const DatasetFile& df = dataset_.files.at(file_index_);
  bool empty_timeframe = false;
  bounds_ = MakeTimeBounds(query_.timeframe, &empty_timeframe);
  if (empty_timeframe || df.num_rows == 0 ||
      (bounds_.any() && df.min_timestamp && df.max_timestamp &&
       !bounds_.Overlaps(*df.min_timestamp, *df.max_timestamp))) {
    partial_.stats.files_skipped = 1;
    return std::move(partial_);
  }
  ts_column_ = ColumnIndex(dataset_.schema.timestamp_column);
  group_column_ = ColumnIndex(dataset_.schema.group_id_column);
  group_kind_ = dataset_.schema.columns[group_column_].kind;
  if (group_kind_ != ColumnKind::kInt && group_kind_ != ColumnKind::kString) {
    ThrowCorrupt("dataset '" + dataset_.name +
                 "': the group id column is neither integer nor string");
  }
  leaf_of_.assign(dataset_.schema.columns.size(), -1);
  std::string path = dataset_.base_path;
  if (!path.empty() && path.back() != '/') path += '/';
  path += df.name;
  input_ = OpenDataFile(path, options_.cache, options_.cache_hit, df.size);
  file_ = parquet::ParquetFile::Open(input_);
  if (!options_.scan_only) Compile();
  ReadRows();
  if (!options_.scan_only) {
    GroupRows();
    EvaluateGroups();
    Aggregate();
  }
  partial_.stats.task_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::move(partial_);
}

}  // namespace

PartialResult ExecuteFileTask(const DatasetInfo& dataset, const Query& query, size_t file_index,
                              const FileTaskOptions& options) {
  FileTask task(dataset, query, file_index, options);
  return task.Run();
}

}  // namespace frocket
