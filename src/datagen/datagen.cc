#include "datagen/datagen.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "common/error.h"
#include "datagen/catalog.h"
#include "datagen/event_generator.h"
#include "datagen/user_population.h"
#include "parquet/writer/file_writer.h"

namespace frocket::datagen {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kMaxFiles = 100'000;  // file names have 5 digits
constexpr int64_t kMsPerDay = 86'400'000;
constexpr int32_t kMaxDays = 100 * 366;
// Rows are handed to the writer in batches of about this many (whole users, so a batch may be
// larger by one user's rows).
constexpr int64_t kBatchRows = 64 * 1024;
// One user's rows are built in memory at once (about 60 bytes each); more than this per user
// is refused rather than risk exhausting memory or the 4 GiB string offsets of a batch.
constexpr int64_t kMaxRowsPerUser = 10'000'000;

std::string TempFileName(uint32_t index) {
  std::string name = ".";
  name += PartFileName(index);
  name += ".tmp";
  return name;
}

// True for "part-" + 5 digits + ".parquet", the names a run writes.
bool IsPartFileName(const std::string& name) {
  if (name.size() != 18 || name.compare(0, 5, "part-") != 0 ||
      name.compare(10, 8, ".parquet") != 0) {
    return false;
  }
  return std::all_of(name.begin() + 5, name.begin() + 10,
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::string ProvenanceJson(const DatagenOptions& o, uint32_t file) {
  // Everything that determines the file's contents, so a dataset can be regenerated. The
  // thread count is left out on purpose: it does not change the output.
  return std::string("{\"generator\":\"frocket datagen\",\"format\":1") +
         ",\"seed\":" + std::to_string(o.seed) + ",\"rows\":" + std::to_string(o.rows) +
         ",\"users\":" + std::to_string(o.users) + ",\"files\":" + std::to_string(o.files) +
         ",\"file\":" + std::to_string(file) + ",\"start_ms\":" + std::to_string(o.start_ms) +
         ",\"days\":" + std::to_string(o.days) + "}";
}

void Validate(const DatagenOptions& o) {
  if (o.rows < 1) ThrowInvalid("--rows must be at least 1, got " + std::to_string(o.rows));
  if (o.users < 1) ThrowInvalid("--users must be at least 1, got " + std::to_string(o.users));
  if (o.files < 1 || o.files > kMaxFiles) {
    ThrowInvalid("--files must be between 1 and " + std::to_string(kMaxFiles) + ", got " +
                 std::to_string(o.files));
  }
  if (o.out_dir.empty()) ThrowInvalid("an output directory is required (--out)");
  if (o.days < 1 || o.days > kMaxDays) {
    ThrowInvalid("--days must be between 1 and " + std::to_string(kMaxDays) + ", got " +
                 std::to_string(o.days));
  }
  if (o.row_group_rows < 1) {
    ThrowInvalid("--row-group-rows must be at least 1, got " + std::to_string(o.row_group_rows));
  }
  if (o.threads < 0 || o.threads > 1024) {
    ThrowInvalid("--threads must be between 0 (one per core) and 1024, got " +
                 std::to_string(o.threads));
  }
  // Timestamps must stay representable: the window's end fits an int64 easily for any year
  // ParseStartDate accepts, but the C++ API takes any start.
  if (o.start_ms < -(int64_t{1} << 52) || o.start_ms > (int64_t{1} << 52)) {
    ThrowInvalid("the start time must be within about 140000 years of 1970, got ms " +
                 std::to_string(o.start_ms));
  }
}

// Shared state of one run's workers.
struct Run {
  Run(const DatagenOptions& o, const Catalog& c, const UserPopulation& p, fs::path d)
      : options(o), catalog(c), population(p), dir(std::move(d)) {}

  const DatagenOptions& options;
  const Catalog& catalog;
  const UserPopulation& population;
  fs::path dir;
  std::atomic<uint32_t> next_file{0};
  std::atomic<int64_t> rows_written{0};
  std::atomic<uint32_t> files_done{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::exception_ptr error;  // the first failure, under mutex
  int workers_running = 0;   // under mutex
};

void WriteFile(Run& run, uint32_t file) {
  const DatagenOptions& o = run.options;
  std::vector<UserRef> users = run.population.file_users(file);
  std::sort(users.begin(), users.end(),
            [](const UserRef& a, const UserRef& b) { return a.id < b.id; });

  parquet::WriterOptions wo;
  wo.codec = o.codec;
  wo.row_group_rows = o.row_group_rows;
  wo.sorting_columns = {{"user_id"}, {"ts"}};
  wo.key_value_metadata = {{"frocket.datagen", ProvenanceJson(o, file)}};
  std::string temp = (run.dir / TempFileName(file)).string();
  auto writer = parquet::ParquetWriter::Open(temp, EventSchema(), std::move(wo));

  EventGenerator generator(run.catalog, o.seed,
                           TimeWindow{o.start_ms, int64_t{o.days} * kMsPerDay});
  EventBatch batch;
  for (const UserRef& user : users) {
    generator.AppendUser(user, run.population.rows_of(user.index), &batch);
    if (batch.size() >= kBatchRows) {
      if (run.stop.load(std::memory_order_relaxed)) return;
      writer->Write(batch.columns());
      run.rows_written.fetch_add(batch.size(), std::memory_order_relaxed);
      batch.Clear();
    }
  }
  if (batch.size() > 0) {
    writer->Write(batch.columns());
    run.rows_written.fetch_add(batch.size(), std::memory_order_relaxed);
  }
  writer->Close();
  run.files_done.fetch_add(1, std::memory_order_relaxed);
}

void Worker(Run& run) {
  try {
    for (;;) {
      if (run.stop.load(std::memory_order_relaxed)) break;
      uint32_t file = run.next_file.fetch_add(1);
      if (file >= run.options.files) break;
      WriteFile(run, file);
      run.changed.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(run.mutex);
    if (!run.error) run.error = std::current_exception();
    run.stop = true;
  }
  std::lock_guard<std::mutex> lock(run.mutex);
  --run.workers_running;
  run.changed.notify_all();
}

void RemoveQuietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

}  // namespace

std::string PartFileName(uint32_t index) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05u.parquet", index);
  return name;
}

int64_t ParseStartDate(std::string_view date) {
  auto fail = [&]() -> int64_t {
    ThrowInvalid("expected a date as YYYY-MM-DD, got '" + std::string(date) + "'");
  };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return fail();
  int y = 0;
  unsigned m = 0, d = 0;
  auto digits = [&](size_t pos, size_t len, auto* out) {
    for (size_t i = pos; i < pos + len; ++i) {
      if (date[i] < '0' || date[i] > '9') return false;
    }
    return std::from_chars(date.data() + pos, date.data() + pos + len, *out).ec == std::errc();
  };
  if (!digits(0, 4, &y) || !digits(5, 2, &m) || !digits(8, 2, &d)) return fail();
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return fail();
  return int64_t{std::chrono::sys_days(ymd).time_since_epoch().count()} * kMsPerDay;
}

DatagenResult GenerateDataset(const DatagenOptions& options, const ProgressCallback& progress) {
  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  Validate(options);
  const int64_t window_ms = int64_t{options.days} * kMsPerDay;
  UserPopulation population(options.seed, options.rows, options.users, options.files,
                            std::min(window_ms, kMaxRowsPerUser));
  Catalog catalog(options.seed);

  fs::path dir(options.out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    ThrowIo("cannot create the output directory: " + (ec ? ec.message() + ": " : "") +
            options.out_dir);
  }
  std::vector<fs::path> existing;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (IsPartFileName(entry.path().filename().string())) existing.push_back(entry.path());
  }
  if (ec) ThrowIo("cannot list the output directory: " + ec.message() + ": " + options.out_dir);
  if (!existing.empty() && !options.overwrite) {
    ThrowInvalid("the output directory already holds a dataset (use --overwrite to replace it): " +
                 existing.front().string());
  }

  unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  int threads = options.threads > 0 ? options.threads : static_cast<int>(hardware);
  threads = static_cast<int>(std::min<int64_t>(threads, options.files));

  Run run(options, catalog, population, dir);
  run.workers_running = threads;
  std::vector<std::thread> workers;
  try {
    for (int t = 0; t < threads; ++t) workers.emplace_back([&run] { Worker(run); });
  } catch (...) {
    // Could not start a thread: stop the ones running, then report.
    run.stop = true;
    {
      std::lock_guard<std::mutex> lock(run.mutex);
      run.workers_running -= threads - static_cast<int>(workers.size());
    }
    for (std::thread& w : workers) w.join();
    for (uint32_t f = 0; f < options.files; ++f) RemoveQuietly(dir / TempFileName(f));
    throw;
  }
  auto report = [&] {
    if (!progress) return;
    DatagenProgress p;
    p.rows_written = run.rows_written.load(std::memory_order_relaxed);
    p.rows_total = options.rows;
    p.files_done = run.files_done.load(std::memory_order_relaxed);
    p.files_total = options.files;
    p.seconds = elapsed();
    progress(p);
  };
  {
    std::unique_lock<std::mutex> lock(run.mutex);
    while (run.workers_running > 0) {
      run.changed.wait_for(lock, std::chrono::milliseconds(200));
      if (run.workers_running > 0 && !run.error) {
        lock.unlock();
        report();
        lock.lock();
      }
    }
  }
  for (std::thread& w : workers) w.join();
  if (run.error) {
    for (uint32_t f = 0; f < options.files; ++f) RemoveQuietly(dir / TempFileName(f));
    std::rethrow_exception(run.error);
  }

  DatagenResult result;
  for (uint32_t f = 0; f < options.files; ++f) {
    fs::path final_path = dir / PartFileName(f);
    fs::rename(dir / TempFileName(f), final_path, ec);
    if (ec) {
      for (uint32_t g = f; g < options.files; ++g) RemoveQuietly(dir / TempFileName(g));
      ThrowIo("cannot rename the finished file into place: " + ec.message() + ": " +
              final_path.string());
    }
    result.paths.push_back(final_path.string());
  }
  // With --overwrite, parts of an earlier, larger dataset would be read as part of this one.
  for (const fs::path& old : existing) {
    int index = std::stoi(old.filename().string().substr(5, 5));
    if (static_cast<uint32_t>(index) >= options.files && !fs::remove(old, ec) && ec) {
      ThrowIo("cannot remove a part file of the dataset replaced: " + ec.message() + ": " +
              old.string());
    }
  }
  result.rows = options.rows;
  result.users = population.num_users();
  result.files = options.files;
  result.seconds = elapsed();
  report();
  return result;
}

}  // namespace frocket::datagen
