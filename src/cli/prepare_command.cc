#include "cli/prepare_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.h"
#include "prepare/prepare.h"

namespace frocket::cli {
namespace {

using prepare::PrepareOptions;
using prepare::PrepareProgress;
using prepare::PrepareResult;

struct PrepareFlags {
  std::vector<std::string> inputs;
  std::string group_id_column;
  std::string timestamp_column;
  uint32_t files = 0;
  std::string out;
  std::string format;
  std::string schema;
  std::string memory_limit = "1GiB";
  std::string temp_dir;
  std::string codec = "zstd";
  bool skip_bad_rows = false;
  bool overwrite = false;
};

// Set by SIGINT / SIGTERM while a prepare runs; the run stops at its next check and cleans up.
std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

// Installs the interrupt handlers for its lifetime.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted.store(false);
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

parquet::Codec ParseCodec(const std::string& name) {
  if (name == "zstd") return parquet::Codec::kZstd;
  if (name == "snappy") return parquet::Codec::kSnappy;
  if (name == "gzip") return parquet::Codec::kGzip;
  if (name == "brotli") return parquet::Codec::kBrotli;
  if (name == "lz4_raw" || name == "lz4") return parquet::Codec::kLz4Raw;
  if (name == "none" || name == "uncompressed") return parquet::Codec::kUncompressed;
  ThrowInvalid("--codec must be zstd, snappy, gzip, brotli, lz4_raw or none, got '" + name + "'");
}

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) value /= 1024, ++unit;
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

void ShowProgress(const PrepareProgress& p) {
  char line[160];
  if (p.phase == PrepareProgress::Phase::kReading) {
    int percent = p.total_bytes > 0 ? static_cast<int>(100.0 * static_cast<double>(p.bytes_read) /
                                                       static_cast<double>(p.total_bytes))
                                    : 0;
    std::snprintf(line, sizeof(line), "prepare: reading: %lld rows, %s of %s (%d%%)",
                  static_cast<long long>(p.rows_read), HumanBytes(p.bytes_read).c_str(),
                  HumanBytes(p.total_bytes).c_str(), percent);
  } else {
    std::snprintf(line, sizeof(line), "prepare: writing: %u of %u files", p.files_written,
                  p.num_files);
  }
  // Carriage return and erase-line keep the progress on one terminal line.
  std::fprintf(stderr, "\r\033[K%s", line);
  std::fflush(stderr);
}

void RunPrepare(const PrepareFlags& flags) {
  PrepareOptions options;
  options.inputs = flags.inputs;
  if (!flags.format.empty()) {
    options.format = prepare::ParseInputFormat(flags.format);
    if (options.format == prepare::InputFormat::kAuto) {
      ThrowInvalid("--format must be csv, jsonl or parquet, got '" + flags.format + "'");
    }
  }
  options.group_id_column = flags.group_id_column;
  options.timestamp_column = flags.timestamp_column;
  options.num_files = flags.files;
  options.output_dir = flags.out;
  if (!flags.schema.empty()) options.schema = prepare::ParseSchemaSpec(flags.schema);
  std::optional<uint64_t> limit = ParseByteSize(flags.memory_limit);
  if (!limit) {
    ThrowInvalid("--memory-limit must be a size like 512MB or 2GiB, got '" + flags.memory_limit +
                 "'");
  }
  options.memory_limit = *limit;
  options.temp_dir = flags.temp_dir;
  options.skip_bad_rows = flags.skip_bad_rows;
  options.overwrite = flags.overwrite;
  options.codec = ParseCodec(flags.codec);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  bool progress_shown = false;
  if (tty) {
    options.progress = [&](const PrepareProgress& p) {
      ShowProgress(p);
      progress_shown = true;
    };
  }
  InterruptGuard guard;
  options.cancel = &g_interrupted;
  PrepareResult result;
  try {
    result = prepare::PrepareDataset(options);
  } catch (...) {
    if (progress_shown) std::fputc('\n', stderr);
    throw;
  }
  if (progress_shown) std::fputs("\r\033[K", stderr);
  for (const std::string& note : result.notes) {
    std::fprintf(stderr, "frocket: note: %s\n", note.c_str());
  }
  if (result.bad_rows > 0) {
    std::fprintf(stderr, "frocket: warning: skipped %lld bad row%s; %s\n",
                 static_cast<long long>(result.bad_rows), result.bad_rows == 1 ? "" : "s",
                 result.bad_row_examples.size() < static_cast<size_t>(result.bad_rows)
                     ? ("the first " + std::to_string(result.bad_row_examples.size()) + ":").c_str()
                     : "they are:");
    for (const prepare::BadRow& bad : result.bad_row_examples) {
      std::fprintf(stderr, "  %s\n", prepare::FormatBadRow(bad).c_str());
    }
  }
  std::fprintf(stderr,
               "prepare: %lld rows in, %lld rows written, %lld bad rows, %u files, %.2f s\n",
               static_cast<long long>(result.rows_in), static_cast<long long>(result.rows_written),
               static_cast<long long>(result.bad_rows), result.files, result.seconds);
}

}  // namespace

std::optional<uint64_t> ParseByteSize(const std::string& text) {
  size_t i = 0;
  double number = 0;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    number = number * 10 + (text[i] - '0');
    ++i, ++digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number += (text[i] - '0') * scale;
      scale /= 10;
      ++i, ++digits;
    }
  }
  if (digits == 0) return std::nullopt;
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit;
  for (; i < text.size(); ++i)
    unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  double multiplier = 0;
  if (unit.empty() || unit == "b")
    multiplier = 1;
  else if (unit == "k" || unit == "kib")
    multiplier = 1024.0;
  else if (unit == "m" || unit == "mib")
    multiplier = 1024.0 * 1024;
  else if (unit == "g" || unit == "gib")
    multiplier = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tib")
    multiplier = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "kb")
    multiplier = 1e3;
  else if (unit == "mb")
    multiplier = 1e6;
  else if (unit == "gb")
    multiplier = 1e9;
  else if (unit == "tb")
    multiplier = 1e12;
  else
    return std::nullopt;
  double bytes = number * multiplier;
  if (bytes >= 9.2e18) return std::nullopt;
  return static_cast<uint64_t>(bytes);
}

void AddPrepareCommand(CLI::App& app) {
  auto flags = std::make_shared<PrepareFlags>();
  CLI::App* cmd = app.add_subcommand(
      "prepare",
      "Turn raw events (CSV, JSON lines, Parquet) into a dataset of Parquet files bucketed by "
      "group id and sorted by (group id, timestamp)");
  cmd->add_option("inputs", flags->inputs, "Input files, read in this order")->required();
  cmd->add_option("--group-id-column", flags->group_id_column, "The group (user) id column")
      ->required();
  cmd->add_option("--timestamp-column", flags->timestamp_column, "The event time column")
      ->required();
  cmd->add_option("--files", flags->files, "Number of output files (buckets)")->required();
  cmd->add_option("--out", flags->out, "Output directory (created when missing)")->required();
  cmd->add_option("--format", flags->format,
                  "Input format for every input: csv, jsonl or parquet (default: by extension)");
  cmd->add_option("--schema", flags->schema,
                  "Column types: name:type,... with types bool, int64, double, string, "
                  "timestamp_ms");
  cmd->add_option("--memory-limit", flags->memory_limit,
                  "Memory to use before spilling to disk, e.g. 512MB, 2GiB")
      ->capture_default_str();
  cmd->add_option("--temp-dir", flags->temp_dir,
                  "Where to spill (default: inside the output directory)");
  cmd->add_option("--codec", flags->codec, "zstd, snappy, gzip, brotli, lz4_raw or none")
      ->capture_default_str();
  cmd->add_flag("--skip-bad-rows", flags->skip_bad_rows,
                "Leave out bad rows instead of failing (they are still reported)");
  cmd->add_flag("--overwrite", flags->overwrite,
                "Replace the dataset already in the output directory");
  cmd->callback([flags] { RunPrepare(*flags); });
}

}  // namespace frocket::cli
