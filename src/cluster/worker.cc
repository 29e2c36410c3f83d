#include "cluster/worker.h"

#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "cluster/queue_invoker.h"
#include "cluster/redis_client.h"
#include "cluster/task_protocol.h"
#include "common/error.h"
#include "engine/query_engine.h"
#include "query/query_parser.h"

namespace frocket {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kCommandTimeout{10000};
constexpr milliseconds kOutageRetry{1000};
// How often slot 0 moves dead workers' messages back to the queue.
constexpr milliseconds kRecoverEvery{5000};
// Parsed jobs kept per process, most recent first.
constexpr size_t kJobCacheSize = 8;

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string RandomSuffix() {
  std::random_device device;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04x", static_cast<unsigned>(device() & 0xffff));
  return buffer;
}

std::string FileLocation(const DatasetInfo& dataset, size_t index) {
  std::string path = dataset.base_path;
  if (!path.empty() && path.back() != '/') path += '/';
  return path + dataset.files[index].name;
}

// A job as a worker uses it: parsed once per request, or the reason it cannot be.
struct ParsedJob {
  std::string run;
  milliseconds heartbeat{1000};
  std::optional<DatasetInfo> dataset;
  std::optional<Query> query;
  std::string error;  // set when the job cannot be used; its tasks then fail with it
  ErrorKind error_kind = ErrorKind::kCorruptFile;

  // The tasks whose files this worker had cached when it first saw the job, in file order,
  // minus those already offered in vain or taken. Computed once per job, so that offering
  // candidates costs nothing per message even for datasets of many files.
  mutable std::mutex candidates_mutex;
  mutable std::optional<std::deque<int64_t>> candidates;
};

std::shared_ptr<const ParsedJob> ParseJob(const std::string& request_id, const std::string& text) {
  auto job = std::make_shared<ParsedJob>();
  try {
    JobDescriptor descriptor = DecodeJob(text);
    job->run = descriptor.run;
    job->heartbeat = std::max(descriptor.heartbeat_interval, milliseconds(25));
    job->dataset =
        DatasetInfoFromJson(descriptor.dataset, "the job of request '" + request_id + "'");
    ParseResult parsed = ParseQuery(descriptor.query_text, job->dataset->schema);
    if (!parsed.ok()) {
      job->error = "the query does not parse on this worker: " + parsed.error->message +
                   (parsed.error->path.empty() ? "" : " (at " + parsed.error->path + ")");
      job->error_kind = ErrorKind::kInvalidArgument;
    } else {
      job->query = std::move(parsed.query);
    }
  } catch (const Error& e) {
    job->error = std::string("unusable job descriptor: ") + e.what();
    job->error_kind = e.kind();
  }
  return job;
}

// The task a slot holds, for the heartbeat thread.
struct ActiveTask {
  std::string request_id;
  std::string field;
  int64_t task = 0;
  int64_t attempt = 0;
  milliseconds heartbeat{1000};
  Clock::time_point next_beat;
  bool superseded = false;
};

struct SlotState {
  std::string id;
  bool registered = false;
  std::optional<ActiveTask> active;
};

class Worker {
 public:
  explicit Worker(const WorkerOptions& options)
      : options_(options),
        url_(ParseRedisUrl(options.redis_url)),
        keys_(options.prefix),
        worker_id_(options.worker_id.empty()
                       ? HostName() + ":" + std::to_string(getpid()) + ":" + RandomSuffix()
                       : options.worker_id) {
    const int threads = std::max(1, options.threads);
    for (int i = 0; i < threads; ++i) {
      SlotState slot;
      slot.id = worker_id_ + "#" + std::to_string(i);
      slots_.push_back(std::move(slot));
    }
    run_task_ = options.run_task;
    if (!run_task_) {
      run_task_ = [](const DatasetInfo& dataset, const Query& query, size_t index, bool* hit) {
        *hit = false;
        return RunFileTask(dataset, query, index);
      };
    }
  }

  void Run() {
    std::thread heartbeat([this] { HeartbeatLoop(); });
    std::vector<std::thread> slots;
    for (size_t i = 0; i < slots_.size(); ++i) slots.emplace_back([this, i] { SlotLoop(i); });
    for (std::thread& t : slots) t.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slots_done_ = true;
    }
    wake_.notify_all();
    heartbeat.join();
  }

 private:
  bool Stopping() const { return options_.stop && options_.stop->load(); }

  void SleepUnlessStopping(milliseconds total) {
    const Clock::time_point end = Clock::now() + total;
    while (!Stopping() && Clock::now() < end) {
      std::this_thread::sleep_for(std::min(milliseconds(50), total));
    }
  }

  void Log(const std::string& message) {
    std::lock_guard<std::mutex> lock(log_mutex_);
    if (options_.on_log) options_.on_log(message);
  }

  void SlotLoop(size_t index) {
    const std::string slot_id = slots_[index].id;
    const std::string processing = keys_.Processing(slot_id);
    RedisConnection blocking(url_, options_.block_timeout + kCommandTimeout);
    RedisConnection redis(url_, kCommandTimeout);
    bool outage = false;
    Clock::time_point last_recover{};
    char block_seconds[32];
    std::snprintf(block_seconds, sizeof block_seconds, "%.3f",
                  std::max<int64_t>(options_.block_timeout.count(), 10) / 1000.0);
    while (!Stopping()) {
      try {
        // Registered before the first take, so that a recovery step can see this slot's
        // processing list (the heartbeat thread keeps the registration fresh).
        redis.Command({"EVAL", kRegisterScript, "1", keys_.workers, slot_id});
        {
          std::lock_guard<std::mutex> lock(mutex_);
          slots_[index].registered = true;
        }
        if (index == 0 && Clock::now() - last_recover >= kRecoverEvery) {
          RedisReply moved =
              redis.Command({"EVAL", kRecoverScript, "2", keys_.workers, keys_.queue,
                             options_.prefix, std::to_string(options_.dead_after.count())});
          if (moved.type == RedisReply::Type::kInteger && moved.integer > 0) {
            Log("moved " + std::to_string(moved.integer) +
                " message(s) of stopped workers back to the queue");
          }
          last_recover = Clock::now();
        }
        RedisReply taken =
            blocking.Command({"BLMOVE", keys_.queue, processing, "RIGHT", "LEFT", block_seconds});
        if (outage) {
          Log("Redis at " + url_.Display() + " is reachable again");
          outage = false;
        }
        if (taken.is_nil()) continue;
        if (taken.type != RedisReply::Type::kString) {
          Log("dropping a queue entry that is not a string");
        } else {
          HandleMessage(index, redis, taken.str);
        }
        redis.Command({"LREM", processing, "1", taken.str});
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::kUnavailable) {
          if (!outage) Log(std::string(e.what()) + "; retrying every second");
          outage = true;
          SleepUnlessStopping(kOutageRetry);
        } else {
          Log(e.what());
          SleepUnlessStopping(milliseconds(100));
        }
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slots_[index].registered = false;
    }
    try {
      redis.Pipeline({{"DEL", processing}, {"HDEL", keys_.workers, slot_id}});
    } catch (const Error&) {
      // Redis is gone; its registry entry ages out and other workers recover the (empty) list.
    }
  }

  std::shared_ptr<const ParsedJob> FindJob(RedisConnection& redis, const TaskMessage& message) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [id, job] : jobs_) {
        if (id == message.request_id && job->run == message.run) return job;
      }
    }
    RequestKeys keys(options_.prefix, message.request_id);
    RedisReply text = redis.Command({"GET", keys.job});
    if (text.is_nil()) return nullptr;  // the request ended; its leftover message is dropped
    std::shared_ptr<const ParsedJob> job =
        ParseJob(message.request_id, text.AsString("GET " + keys.job));
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(jobs_, [&](const auto& entry) { return entry.first == message.request_id; });
    jobs_.emplace_front(message.request_id, job);
    if (jobs_.size() > kJobCacheSize) jobs_.pop_back();
    return job;
  }

  // Runs the task a message asks for, if it is still wanted. Throws Error(kUnavailable) when
  // Redis fails; everything about the message itself is handled here.
  void HandleMessage(size_t index, RedisConnection& redis, const std::string& text) {
    TaskMessage message;
    try {
      message = DecodeTaskMessage(text);
    } catch (const Error& e) {
      Log(std::string("dropping a malformed queue message: ") + e.what());
      return;
    }
    std::shared_ptr<const ParsedJob> job = FindJob(redis, message);
    if (!job) return;
    // A job descriptor that does not parse has no run id to compare; its tasks still fail
    // (below) so that the query reports why instead of timing out.
    if (job->error.empty() && job->run != message.run) return;
    const RequestKeys keys(options_.prefix, message.request_id);
    const std::string ttl = std::to_string(kRequestKeyTtl.count());

    AttemptStatus loading;
    loading.state = TaskState::kLoadingData;
    loading.worker = slots_[index].id;
    loading.pid = getpid();
    RedisCommand claim = {"EVAL",
                          kClaimScript,
                          "4",
                          keys.attempts,
                          keys.status,
                          keys.heartbeat,
                          keys.files,
                          std::to_string(message.task),
                          std::to_string(message.attempt),
                          EncodeStatus(loading),
                          ttl};
    size_t offered = 0;
    if (message.task < 0 && options_.is_cached && job->dataset) {
      std::lock_guard<std::mutex> lock(job->candidates_mutex);
      if (!job->candidates) {
        job->candidates.emplace();
        for (size_t i = 0; i < job->dataset->files.size(); ++i) {
          if (options_.is_cached(FileLocation(*job->dataset, i))) {
            job->candidates->push_back(static_cast<int64_t>(i));
          }
        }
      }
      for (int64_t task : *job->candidates) {
        if (offered == kMaxClaimCandidates) break;
        claim.push_back(std::to_string(task));
        ++offered;
      }
    }
    RedisReply claimed = redis.Command(claim);
    if (claimed.type != RedisReply::Type::kArray || claimed.elements.empty() ||
        claimed.elements[0].type != RedisReply::Type::kInteger) {
      throw Error(ErrorKind::kInternal, "unexpected reply from Redis to the claim script");
    }
    if (claimed.elements[0].integer != 1) return;  // gone, superseded, or taken by another
    const int64_t task = claimed.elements[1].AsInteger("the claim script");
    const int64_t attempt = claimed.elements[2].AsInteger("the claim script");
    const std::string field = AttemptField(task, attempt);
    if (offered > 0) {
      // The script tried the offered candidates in order: those before the one it took (or all,
      // when it took another task) are gone.
      std::lock_guard<std::mutex> lock(job->candidates_mutex);
      std::deque<int64_t>& candidates = *job->candidates;
      size_t used = offered;
      for (size_t i = 0; i < offered; ++i) {
        if (candidates[i] == task) {
          used = i + 1;
          break;
        }
      }
      candidates.erase(candidates.begin(), candidates.begin() + static_cast<ptrdiff_t>(used));
    }

    ActiveTask active;
    active.request_id = message.request_id;
    active.field = field;
    active.task = task;
    active.attempt = attempt;
    active.heartbeat = job->heartbeat;
    active.next_beat = Clock::now() + job->heartbeat;
    SetActive(index, std::move(active));
    struct ClearActive {
      Worker* worker;
      size_t index;
      ~ClearActive() { worker->SetActive(index, std::nullopt); }
    } clear_active{this, index};

    auto update = [&](const AttemptStatus& status, const std::string* result) {
      RedisReply reply = redis.Command({"EVAL", kUpdateScript, "4", keys.attempts, keys.status,
                                        keys.heartbeat, keys.result, field, std::to_string(task),
                                        std::to_string(attempt), EncodeStatus(status),
                                        result ? *result : std::string(), ttl, result ? "1" : "0"});
      return reply.type == RedisReply::Type::kInteger && reply.integer == 1;
    };

    const Clock::time_point start = Clock::now();
    WorkerTaskLog log;
    log.request_id = message.request_id;
    log.task = task;
    log.attempt = attempt;
    AttemptStatus final_status;
    final_status.worker = loading.worker;
    final_status.pid = loading.pid;
    std::string bytes;
    auto fail = [&](ErrorKind kind, const std::string& message) {
      final_status.state = TaskState::kEndedFailed;
      final_status.error = message;
      final_status.error_kind = kind;
    };
    if (!job->error.empty()) {
      fail(job->error_kind, job->error);
    } else if (task < 0 || static_cast<size_t>(task) >= job->dataset->files.size()) {
      fail(ErrorKind::kCorruptFile, "task " + std::to_string(task) +
                                        " is out of range: the dataset has " +
                                        std::to_string(job->dataset->files.size()) + " files");
    } else {
      log.file = job->dataset->files[task].name;
      if (!options_.test_crash_on_file.empty() && log.file == options_.test_crash_on_file) {
        Log("test hook FROCKET_TEST_WORKER_CRASH_ON: aborting on file " + log.file);
        std::abort();
      }
      AttemptStatus running = final_status;
      running.state = TaskState::kRunningQuery;
      update(running, nullptr);  // a superseded attempt runs on; its result will be refused
      if (options_.test_task_delay.count() > 0) {
        std::this_thread::sleep_for(options_.test_task_delay);
      }
      try {
        bool cache_hit = false;
        PartialResult partial = run_task_(*job->dataset, *job->query, task, &cache_hit);
        bytes = SerializePartialResult(partial);
        final_status.state = TaskState::kEndedSuccess;
        final_status.cache_hit = cache_hit;
        log.cache_hit = cache_hit;
      } catch (const Error& e) {
        fail(e.kind(), e.what());
      } catch (const std::bad_alloc&) {
        fail(ErrorKind::kInternal, "out of memory");
      } catch (const std::exception& e) {
        fail(ErrorKind::kInternal, std::string("internal error: ") + e.what());
      }
    }
    const milliseconds took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    final_status.seconds = took.count() / 1000.0;
    log.seconds = final_status.seconds;
    const bool stored =
        update(final_status, final_status.state == TaskState::kEndedSuccess ? &bytes : nullptr);
    if (!stored) {
      log.outcome = "superseded";
    } else if (final_status.state == TaskState::kEndedSuccess) {
      log.outcome = "success";
    } else {
      log.outcome = "failed: " + final_status.error;
    }
    std::lock_guard<std::mutex> lock(log_mutex_);
    if (options_.on_task) options_.on_task(log);
  }

  void SetActive(size_t index, std::optional<ActiveTask> active) {
    std::lock_guard<std::mutex> lock(mutex_);
    slots_[index].active = std::move(active);
  }

  // Stamps every slot's registry entry and every held attempt's heartbeat on time, in one
  // pipeline per round, from its own connection so that a long task never delays them.
  void HeartbeatLoop() {
    RedisConnection redis(url_, kCommandTimeout);
    const std::string ttl = std::to_string(kRequestKeyTtl.count());
    Clock::time_point next_registry = Clock::now() + options_.registry_heartbeat;
    bool outage = false;
    while (true) {
      std::vector<RedisCommand> commands;
      std::vector<std::pair<size_t, std::string>> beats;  // slot, field
      Clock::time_point wake = next_registry;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (slots_done_) return;
        const Clock::time_point now = Clock::now();
        if (now >= next_registry) {
          for (const SlotState& slot : slots_) {
            if (slot.registered)
              commands.push_back({"EVAL", kRegisterScript, "1", keys_.workers, slot.id});
          }
          next_registry = now + options_.registry_heartbeat;
          wake = next_registry;
        }
        for (size_t i = 0; i < slots_.size(); ++i) {
          if (!slots_[i].active) continue;
          ActiveTask& active = *slots_[i].active;
          if (now >= active.next_beat) {
            const RequestKeys keys(options_.prefix, active.request_id);
            commands.push_back({"EVAL", kUpdateScript, "4", keys.attempts, keys.status,
                                keys.heartbeat, keys.result, active.field,
                                std::to_string(active.task), std::to_string(active.attempt), "", "",
                                ttl, "0"});
            beats.emplace_back(i, active.field);
            active.next_beat = now + active.heartbeat;
          }
          wake = std::min(wake, active.next_beat);
        }
        if (commands.empty()) {
          wake_.wait_until(lock, std::min(wake, Clock::now() + milliseconds(100)));
          continue;
        }
      }
      try {
        std::vector<RedisReply> replies = redis.Pipeline(commands);
        outage = false;
        const size_t first_beat = commands.size() - beats.size();
        for (size_t k = 0; k < beats.size(); ++k) {
          const RedisReply& reply = replies[first_beat + k];
          if (reply.type == RedisReply::Type::kInteger && reply.integer == 0) {
            std::lock_guard<std::mutex> lock(mutex_);
            auto& active = slots_[beats[k].first].active;
            if (active && active->field == beats[k].second && !active->superseded) {
              active->superseded = true;
              // The invoker retried it elsewhere (or the query ended): the result will not
              // be stored. Running on is simpler than interrupting the engine mid-file.
            }
          }
        }
      } catch (const Error& e) {
        if (!outage) Log(std::string("heartbeats: ") + e.what());
        outage = true;
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, milliseconds(200), [this] { return slots_done_; });
      }
    }
  }

  const WorkerOptions& options_;
  RedisUrl url_;
  QueueKeys keys_;
  std::string worker_id_;
  std::function<PartialResult(const DatasetInfo&, const Query&, size_t, bool*)> run_task_;

  std::mutex mutex_;  // guards slots_, jobs_ and slots_done_
  std::condition_variable wake_;
  std::vector<SlotState> slots_;
  std::deque<std::pair<std::string, std::shared_ptr<const ParsedJob>>> jobs_;
  bool slots_done_ = false;

  std::mutex log_mutex_;
};

}  // namespace

WorkerOptions WorkerOptions::FromEnvironment(const std::string& redis_url) {
  QueueConfig config = QueueConfig::FromEnvironment(redis_url);
  WorkerOptions options;
  options.redis_url = redis_url;
  options.prefix = config.prefix;
  options.dead_after = config.WorkerDeadAfter();
  options.registry_heartbeat = std::min(milliseconds(1000), config.WorkerDeadAfter() / 5);
  if (const char* file = std::getenv("FROCKET_TEST_WORKER_CRASH_ON"); file && *file) {
    options.test_crash_on_file = file;
  }
  if (const char* delay = std::getenv("FROCKET_TEST_WORKER_TASK_DELAY_MS"); delay && *delay) {
    char* end = nullptr;
    long long ms = std::strtoll(delay, &end, 10);
    if (end == delay || *end != '\0' || ms < 0 || ms > 3'600'000) {
      ThrowInvalid(std::string("FROCKET_TEST_WORKER_TASK_DELAY_MS must be milliseconds, not '") +
                   delay + "'");
    }
    options.test_task_delay = milliseconds(ms);
  }
  return options;
}

void RunWorker(const WorkerOptions& options) {
  Worker worker(options);
  worker.Run();
}

}  // namespace frocket
