// frocket_decode_bench: times a full scan of one Parquet column with frocket's reader and
// computes a cheap aggregate over it, so that it can be compared with DuckDB running the same
// aggregate over the same file (bench/decode_bench.mjs drives both; see bench/README.md).
//
//   frocket_decode_bench --file F --column C --aggregate sum|sum_strlen [--keep-dictionary]
//                        [--runs N] [--expect VALUE] [--retain-memory]
//
// One run opens the file (footer included, as DuckDB's query does), reads the column chunk of
// every row group with ParquetFile::ReadColumn and folds it into the aggregate. The best of N
// runs is reported, by wall time and by process CPU time, as one JSON line on stdout:
//   {"rows":..., "best_wall_seconds":..., "best_cpu_seconds":..., "rows_per_cpu_second":...,
//    "result":"...", "dictionary_chunks":..., ...}
// The aggregate is what keeps the compiler from dropping the work and what proves it was done:
// with --expect, a different result prints MISMATCH on stderr and exits with status 1.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "parquet/column_vector.h"
#include "parquet/file_reader.h"
#include "storage/file.h"

namespace frocket::bench {
namespace {

using parquet::ColumnVector;
using parquet::PhysicalType;

enum class Aggregate { kSum, kSumStrlen };

// Which representations the scan produced, for the report: a chunk the reader returned in
// dictionary form counts as "dictionary".
struct ScanForms {
  int64_t dictionary_chunks = 0;
  int64_t materialized_chunks = 0;
};

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  // Work on the magnitude as unsigned so that the most negative value does not overflow.
  unsigned __int128 u = negative ? -static_cast<unsigned __int128>(v) : v;
  std::string digits;
  while (u != 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// Calls `row_fn(i)` for every non-null row. The all-valid case is a plain counted loop the
// compiler can vectorize; otherwise whole 64-row words of the validity bitmap are tested first.
template <typename RowFn>
inline void ForEachValidRow(const ColumnVector& v, RowFn row_fn) {
  if (v.null_count == 0 || v.validity.empty()) {
    for (int64_t i = 0; i < v.size; ++i) row_fn(i);
    return;
  }
  const uint64_t* words = v.validity.as<uint64_t>();
  for (int64_t base = 0; base < v.size; base += 64) {
    uint64_t word = words[base >> 6];
    while (word != 0) {
      int64_t i = base + __builtin_ctzll(word);
      if (i >= v.size) break;
      row_fn(i);
      word &= word - 1;
    }
  }
}

// sum(column) over an INT64 column (timestamps are INT64 too), exact in 128 bits like DuckDB's
// HUGEINT sum.
__int128 SumInt64(const ColumnVector& v) {
  __int128 sum = 0;
  if (v.has_dictionary()) {
    const int64_t* dict = v.dictionary->values.as<int64_t>();
    const uint32_t* codes = v.values.as<uint32_t>();
    ForEachValidRow(v, [&](int64_t i) { sum += dict[codes[i]]; });
  } else {
    const int64_t* values = v.values.as<int64_t>();
    ForEachValidRow(v, [&](int64_t i) { sum += values[i]; });
  }
  return sum;
}

// sum(strlen(column)) over a BYTE_ARRAY column: the byte length of every non-null value. In
// dictionary form the length is looked up per code, as the engine would evaluate any
// per-value function once per dictionary entry.
__int128 SumStrlen(const ColumnVector& v, std::vector<uint32_t>* scratch) {
  int64_t sum = 0;
  if (v.has_dictionary()) {
    const ColumnVector& dict = *v.dictionary;
    const uint32_t* offsets = dict.offsets.as<uint32_t>();
    scratch->resize(static_cast<size_t>(dict.size));
    for (int64_t d = 0; d < dict.size; ++d) (*scratch)[d] = offsets[d + 1] - offsets[d];
    const uint32_t* lengths = scratch->data();
    const uint32_t* codes = v.values.as<uint32_t>();
    ForEachValidRow(v, [&](int64_t i) { sum += lengths[codes[i]]; });
  } else {
    const uint32_t* offsets = v.offsets.as<uint32_t>();
    ForEachValidRow(v, [&](int64_t i) { sum += offsets[i + 1] - offsets[i]; });
  }
  return sum;
}

// CPU time of the whole process (user + system), which unlike wall time does not count the time
// other processes held the core: the benchmark machines are shared.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// By default glibc serves each allocation above 128 KiB (and up to a threshold that grows to
// 32 MiB) with its own mmap and gives the pages back on free, and trims the heap top above
// 128 KiB; a scan that allocates and frees megabyte buffers per column chunk then pays a page
// fault per 4 KiB touched. This switches both off, to measure what buffer reuse would gain.
void RetainFreedMemory() {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
}

struct RunResult {
  int64_t rows = 0;
  __int128 result = 0;
  ScanForms forms;
};

RunResult ScanOnce(const std::string& path, const std::string& column_name, Aggregate aggregate,
                   const parquet::ReadOptions& options) {
  auto file = parquet::ParquetFile::Open(OpenLocalFile(path));
  int column = file->schema().FindColumn(column_name);
  if (column < 0) ThrowInvalid(path + ": no column named " + column_name);
  PhysicalType physical = file->schema().column(column).physical;
  PhysicalType wanted =
      aggregate == Aggregate::kSum ? PhysicalType::kInt64 : PhysicalType::kByteArray;
  if (physical != wanted) {
    ThrowInvalid(path + ": column " + column_name + ": the aggregate needs physical type " +
                 parquet::PhysicalTypeName(wanted) + ", got " +
                 parquet::PhysicalTypeName(physical));
  }
  RunResult run;
  std::vector<uint32_t> scratch;
  for (int rg = 0; rg < file->num_row_groups(); ++rg) {
    ColumnVector v = file->ReadColumn(rg, column, options);
    run.rows += v.size;
    (v.has_dictionary() ? run.forms.dictionary_chunks : run.forms.materialized_chunks)++;
    run.result += aggregate == Aggregate::kSum ? SumInt64(v) : SumStrlen(v, &scratch);
  }
  return run;
}

int Main(int argc, char** argv) {
  CLI::App app{"Times a full scan of one Parquet column with frocket's reader."};
  std::string path;
  std::string column;
  std::string aggregate_name;
  std::string expect;
  int runs = 5;
  bool keep_dictionary = false;
  bool retain_memory = false;
  app.add_option("--file", path, "Parquet file")->required();
  app.add_option("--column", column, "column name")->required();
  app.add_option("--aggregate", aggregate_name, "sum (INT64) or sum_strlen (BYTE_ARRAY)")
      ->required()
      ->check(CLI::IsMember({"sum", "sum_strlen"}));
  app.add_option("--runs", runs, "timed runs; the best is reported")->check(CLI::Range(1, 1000));
  app.add_flag("--keep-dictionary", keep_dictionary,
               "read dictionary chunks as codes + dictionary");
  app.add_flag("--retain-memory", retain_memory,
               "tell glibc malloc to keep freed memory instead of returning it to the kernel");
  app.add_option("--expect", expect, "expected aggregate (decimal); exit 1 when it differs");
  CLI11_PARSE(app, argc, argv);

  if (retain_memory) RetainFreedMemory();
  Aggregate aggregate = aggregate_name == "sum" ? Aggregate::kSum : Aggregate::kSumStrlen;
  parquet::ReadOptions options;
  options.keep_dictionary = keep_dictionary;

  double best_wall = std::numeric_limits<double>::infinity();
  double best_cpu = std::numeric_limits<double>::infinity();
  RunResult last;
  for (int r = 0; r < runs; ++r) {
    double cpu_start = ProcessCpuSeconds();
    auto start = std::chrono::steady_clock::now();
    RunResult run = ScanOnce(path, column, aggregate, options);
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best_wall = std::min(best_wall, elapsed.count());
    best_cpu = std::min(best_cpu, ProcessCpuSeconds() - cpu_start);
    last = run;
  }

  std::string result = Int128ToString(last.result);
  nlohmann::json report = {
      {"file", path},
      {"column", column},
      {"aggregate", aggregate_name},
      {"keep_dictionary", keep_dictionary},
      {"retain_memory", retain_memory},
      {"rows", last.rows},
      {"best_wall_seconds", best_wall},
      {"best_cpu_seconds", best_cpu},
      {"rows_per_wall_second", static_cast<double>(last.rows) / best_wall},
      {"rows_per_cpu_second", static_cast<double>(last.rows) / best_cpu},
      {"result", result},
      {"dictionary_chunks", last.forms.dictionary_chunks},
      {"materialized_chunks", last.forms.materialized_chunks},
  };
  std::cout << report.dump() << std::endl;
  if (!expect.empty() && expect != result) {
    std::cerr << "MISMATCH: " << path << " column " << column << " " << aggregate_name
              << ": DuckDB says " << expect << ", frocket computed " << result << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace frocket::bench

int main(int argc, char** argv) {
  try {
    return frocket::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "frocket_decode_bench: " << e.what() << "\n";
    return 2;
  }
}
