#include "cli/datagen_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <string>

#include "datagen/datagen.h"

namespace frocket::cli {
namespace {

struct DatagenFlags {
  datagen::DatagenOptions options;
  std::string start = "2024-01-01";
  std::string codec = "zstd";
};

// "12.3M" style counts for the progress line and summary.
std::string Short(double value) {
  char text[32];
  if (value >= 1e9) {
    std::snprintf(text, sizeof(text), "%.2fG", value / 1e9);
  } else if (value >= 1e6) {
    std::snprintf(text, sizeof(text), "%.2fM", value / 1e6);
  } else if (value >= 1e3) {
    std::snprintf(text, sizeof(text), "%.1fk", value / 1e3);
  } else {
    std::snprintf(text, sizeof(text), "%.0f", value);
  }
  return text;
}

void RunDatagen(DatagenFlags& flags) {
  datagen::DatagenOptions options = flags.options;
  options.start_ms = datagen::ParseStartDate(flags.start);
  static const std::map<std::string, parquet::Codec> kCodecs = {
      {"zstd", parquet::Codec::kZstd},
      {"snappy", parquet::Codec::kSnappy},
      {"none", parquet::Codec::kUncompressed},
  };
  options.codec = kCodecs.at(flags.codec);  // CLI11 has checked the name

  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  datagen::ProgressCallback progress;
  if (terminal) {
    progress = [](const datagen::DatagenProgress& p) {
      double percent = p.rows_total > 0 ? 100.0 * static_cast<double>(p.rows_written) /
                                              static_cast<double>(p.rows_total)
                                        : 0;
      double rate = p.seconds > 0 ? static_cast<double>(p.rows_written) / p.seconds : 0;
      // \r redraws the line; \033[K clears what a longer previous line left behind.
      std::fprintf(stderr, "\rdatagen: %s / %s rows (%.0f%%), %u / %u files, %s rows/s\033[K",
                   Short(static_cast<double>(p.rows_written)).c_str(),
                   Short(static_cast<double>(p.rows_total)).c_str(), percent, p.files_done,
                   p.files_total, Short(rate).c_str());
      std::fflush(stderr);
    };
  }
  datagen::DatagenResult result;
  try {
    result = datagen::GenerateDataset(options, progress);
  } catch (...) {
    if (terminal) std::fputs("\n", stderr);
    throw;
  }
  if (terminal) std::fputs("\r\033[K", stderr);
  double rate = result.seconds > 0 ? static_cast<double>(result.rows) / result.seconds : 0;
  std::fprintf(stderr, "datagen: %lld rows, %lld users, %u files in %s, %.2f s, %s rows/s\n",
               static_cast<long long>(result.rows), static_cast<long long>(result.users),
               result.files, options.out_dir.c_str(), result.seconds, Short(rate).c_str());
}

}  // namespace

void AddDatagenCommand(CLI::App& app) {
  auto flags = std::make_shared<DatagenFlags>();
  datagen::DatagenOptions& o = flags->options;
  CLI::App* cmd = app.add_subcommand(
      "datagen", "Write a synthetic, bucketed e-commerce activity dataset (see docs/datagen.md)");
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  cmd->add_option("--rows", o.rows, "Total number of rows")
      ->required()
      ->check(CLI::Range(int64_t{1}, kMax));
  cmd->add_option("--users", o.users,
                  "Number of distinct users (exactly, when --rows >= --users; else one row each)")
      ->required()
      ->check(CLI::Range(int64_t{1}, int64_t{UINT32_MAX}));
  cmd->add_option("--files", o.files, "Number of files (buckets of user_id)")
      ->required()
      ->check(CLI::Range(1u, 100000u));
  cmd->add_option("--out", o.out_dir, "Output directory (created if missing)")->required();
  cmd->add_option("--seed", o.seed, "Random seed: the same seed and flags give the same files")
      ->capture_default_str();
  cmd->add_option("--start", flags->start, "First day of the time window, YYYY-MM-DD (UTC)")
      ->capture_default_str();
  cmd->add_option("--days", o.days, "Length of the time window in days")
      ->check(CLI::Range(1, 100 * 366))
      ->capture_default_str();
  cmd->add_option("--row-group-rows", o.row_group_rows, "Rows per row group")
      ->check(CLI::Range(int64_t{1}, kMax))
      ->capture_default_str();
  cmd->add_option("--codec", flags->codec, "Compression codec: zstd, snappy or none")
      ->check(CLI::IsMember({"zstd", "snappy", "none"}))
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--overwrite", o.overwrite,
                "Replace a dataset already in the output directory (part-*.parquet files)");
  cmd->callback([flags]() { RunDatagen(*flags); });
}

}  // namespace frocket::cli
