#include "cluster/queue_invoker.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <thread>

#include "cluster/redis_client.h"
#include "cluster/task_protocol.h"
#include "common/error.h"

namespace frocket {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Commands to Redis are small and Redis answers in microseconds; a reply that takes longer
// than this means Redis is stuck or gone.
constexpr milliseconds kCommandTimeout{5000};
// How often Run moves dead workers' messages back to the queue (kRecoverScript).
constexpr milliseconds kRecoverEvery{2000};

// A number from the environment variable `name`, or `fallback` when it is unset or empty.
double EnvNumber(const char* name, double fallback, double min, const char* what) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(value) || value < min || value > 1e7) {
    ThrowInvalid(std::string(name) + " must be " + what + ", not '" + text + "'");
  }
  return value;
}

milliseconds SecondsToMs(double seconds) {
  return milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

std::string RandomHex(int bytes) {
  static thread_local std::mt19937_64 rng(
      std::random_device{}() ^ static_cast<uint64_t>(Clock::now().time_since_epoch().count()));
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    uint64_t v = rng();
    out.push_back(digits[v & 15]);
    out.push_back(digits[(v >> 4) & 15]);
  }
  return out;
}

std::string FormatSeconds(milliseconds ms) {
  char buffer[32];
  if (ms.count() % 1000 == 0) {
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(ms.count() / 1000));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", ms.count() / 1000.0);
  }
  return buffer;
}

int64_t RedisNowMs(const RedisReply& time) {
  if (time.type != RedisReply::Type::kArray || time.elements.size() != 2) {
    throw Error(ErrorKind::kInternal, "unexpected reply from Redis to TIME");
  }
  return time.elements[0].AsInteger("TIME") * 1000 + time.elements[1].AsInteger("TIME") / 1000;
}

// The errors a task's kind is kept for, so that the API reports an unreadable file as such.
bool KeepsKind(ErrorKind kind) {
  return kind == ErrorKind::kIo || kind == ErrorKind::kCorruptFile ||
         kind == ErrorKind::kNotSupported || kind == ErrorKind::kInvalidArgument;
}

struct TaskTrack {
  int64_t attempt = 1;
  TaskState state = TaskState::kQueued;
  bool done = false;
};

// One Run: the request's keys, its tasks and what they cost.
class QueueRun {
 public:
  QueueRun(const QueueConfig& config, RedisConnection* redis, const DatasetInfo& dataset,
           const Query& query, std::string_view query_text, const InvokeOptions& options,
           InvokeStats* stats)
      : config_(config),
        redis_(redis),
        dataset_(dataset),
        query_(query),
        query_text_(query_text),
        options_(options),
        stats_(stats),
        queue_keys_(config.prefix),
        keys_(config.prefix, options.request_id),
        tasks_(dataset.files.size()),
        merged_(query, dataset.files.size()) {}

  PartialResult Run() {
    const milliseconds timeout =
        options_.timeout.count() > 0 ? options_.timeout : config_.query_timeout;
    const Clock::time_point start = Clock::now();
    redis_->EnsureConnected();
    Enqueue();
    try {
      Report(true);
      while (done_ < static_cast<int64_t>(tasks_.size())) {
        if (options_.cancel && options_.cancel->load()) {
          throw Error(ErrorKind::kInternal, "query cancelled");
        }
        if (timeout.count() > 0 && Clock::now() - start > timeout) ThrowTimeout(timeout);
        Poll();
        if (done_ == static_cast<int64_t>(tasks_.size())) break;
        std::this_thread::sleep_for(config_.poll_interval);
      }
    } catch (...) {
      Cleanup(/*abnormal=*/true);
      throw;
    }
    Cleanup(/*abnormal=*/false);
    return merged_.Finish();
  }

 private:
  void Enqueue() {
    run_ = RandomHex(8);
    JobDescriptor job;
    job.request_id = options_.request_id;
    job.run = run_;
    job.query_text = std::string(query_text_);
    job.heartbeat_interval = config_.HeartbeatInterval();
    job.dataset = DatasetInfoToJson(dataset_);
    const std::string ttl = std::to_string(kRequestKeyTtl.count());
    // The job key doubles as the request's lock: two runs must not share keys.
    RedisReply set = redis_->Command({"SET", keys_.job, EncodeJob(job), "NX", "EX", ttl});
    if (set.is_nil()) {
      ThrowInvalid("request id '" + options_.request_id +
                   "' is already running on the work queue (request ids must be unique)");
    }
    const size_t n = tasks_.size();
    RedisCommand attempts = {"HSET", keys_.attempts, "changes", "0"};
    RedisCommand status = {"HSET", keys_.status};
    RedisCommand files = {"SADD", keys_.files};
    const std::string queued = EncodeStatus(AttemptStatus{});
    for (size_t i = 0; i < n; ++i) {
      attempts.push_back(std::to_string(i));
      attempts.push_back("1");
      status.push_back(AttemptField(static_cast<int64_t>(i), 1));
      status.push_back(queued);
      files.push_back(std::to_string(i));
    }
    TaskMessage message;
    message.request_id = options_.request_id;
    message.run = run_;
    select_message_ = EncodeTaskMessage(message);
    RedisCommand push = {"LPUSH", queue_keys_.queue};
    push.insert(push.end(), n, select_message_);
    std::vector<RedisReply> replies = redis_->Pipeline({attempts,
                                                        {"EXPIRE", keys_.attempts, ttl},
                                                        status,
                                                        {"EXPIRE", keys_.status, ttl},
                                                        files,
                                                        {"EXPIRE", keys_.files, ttl},
                                                        push});
    for (const RedisReply& reply : replies) {
      if (reply.is_error()) {
        throw Error(ErrorKind::kInternal,
                    "Redis at " + redis_->url().Display() + " refused to enqueue: " + reply.str);
      }
    }
    stats_->attempts = static_cast<int64_t>(n);
    last_refresh_ = last_recover_ = Clock::now();
  }

  // One look at Redis: a cheap check of the change counter, and the statuses of the open
  // tasks when a worker changed something or heartbeats are due to be checked.
  void Poll() {
    const Clock::time_point now = Clock::now();
    std::vector<RedisCommand> commands = {{"HGET", keys_.attempts, "changes"}};
    if (now - last_refresh_ >= kRequestKeyRefresh) {
      const std::string ttl = std::to_string(kRequestKeyTtl.count());
      for (const std::string* key : {&keys_.job, &keys_.attempts, &keys_.status, &keys_.heartbeat,
                                     &keys_.result, &keys_.files}) {
        commands.push_back({"EXPIRE", *key, ttl});
      }
      last_refresh_ = now;
    }
    if (now - last_recover_ >= kRecoverEvery) {
      commands.push_back({"EVAL", kRecoverScript, "2", queue_keys_.workers, queue_keys_.queue,
                          config_.prefix, std::to_string(config_.WorkerDeadAfter().count())});
      last_recover_ = now;
    }
    std::vector<RedisReply> replies = redis_->Pipeline(commands);
    for (const RedisReply& reply : replies) {
      if (reply.is_error()) {
        throw Error(ErrorKind::kInternal,
                    "Redis at " + redis_->url().Display() + " answered a poll with: " + reply.str);
      }
    }
    if (replies[0].is_nil()) {
      throw Error(ErrorKind::kUnavailable,
                  "the keys of request '" + options_.request_id + "' vanished from Redis at " +
                      redis_->url().Display() + " (was it restarted or flushed?)");
    }
    const int64_t changes = replies[0].AsInteger("HGET changes");
    const milliseconds check_every = std::max(config_.poll_interval, config_.HeartbeatInterval());
    if (changes == last_changes_ && now - last_full_read_ < check_every) return;
    last_changes_ = changes;
    last_full_read_ = now;
    ReadStatuses();
  }

  void ReadStatuses() {
    std::vector<int64_t> open;
    RedisCommand status = {"HMGET", keys_.status};
    RedisCommand heartbeat = {"HMGET", keys_.heartbeat};
    for (size_t i = 0; i < tasks_.size(); ++i) {
      if (tasks_[i].done) continue;
      open.push_back(static_cast<int64_t>(i));
      std::string field = AttemptField(static_cast<int64_t>(i), tasks_[i].attempt);
      status.push_back(field);
      heartbeat.push_back(std::move(field));
    }
    std::vector<RedisReply> replies = redis_->Pipeline({{"TIME"}, status, heartbeat});
    for (const RedisReply& reply : replies) {
      if (reply.is_error()) {
        throw Error(ErrorKind::kInternal, "Redis at " + redis_->url().Display() +
                                              " answered a status read with: " + reply.str);
      }
    }
    const int64_t now_ms = RedisNowMs(replies[0]);
    if (replies[1].elements.size() != open.size() || replies[2].elements.size() != open.size()) {
      throw Error(ErrorKind::kInternal, "unexpected reply from Redis to HMGET");
    }
    std::vector<std::pair<int64_t, AttemptStatus>> succeeded;
    for (size_t k = 0; k < open.size(); ++k) {
      const int64_t task = open[k];
      TaskTrack& track = tasks_[task];
      const RedisReply& text = replies[1].elements[k];
      if (text.is_nil()) continue;  // written with the retry; absent only for a moment
      AttemptStatus status;
      try {
        status = DecodeStatus(text.AsString("HMGET status"));
      } catch (const Error& e) {
        Retry(task, e.what(), ErrorKind::kInternal, /*lost=*/false);
        continue;
      }
      track.state = status.state;
      if (status.state != TaskState::kQueued) any_claimed_ = true;
      switch (status.state) {
        case TaskState::kQueued:
          break;
        case TaskState::kEndedSuccess:
          succeeded.emplace_back(task, std::move(status));
          break;
        case TaskState::kEndedFailed:
          ++stats_->failed_attempts;
          Retry(task, status.error.empty() ? "failed without a message" : status.error,
                status.error_kind.value_or(ErrorKind::kInternal), /*lost=*/false);
          break;
        case TaskState::kLoadingData:
        case TaskState::kRunningQuery: {
          const RedisReply& beat = replies[2].elements[k];
          int64_t last = now_ms;
          if (!beat.is_nil()) {
            try {
              last = beat.AsInteger("HMGET heartbeat");
            } catch (const Error&) {
              last = 0;  // a damaged heartbeat counts as none
            }
          }
          if (now_ms - last > config_.lost_task_interval.count()) {
            ++stats_->lost_attempts;
            Retry(task,
                  "the worker " + (status.worker.empty() ? std::string("?") : status.worker) +
                      " stopped sending heartbeats for more than " +
                      FormatSeconds(config_.lost_task_interval) + " s",
                  ErrorKind::kInternal, /*lost=*/true);
          }
          break;
        }
      }
    }
    if (!succeeded.empty()) Collect(succeeded);
    Report(false);
  }

  // Reads, checks and merges the results of attempts that ended in success.
  void Collect(const std::vector<std::pair<int64_t, AttemptStatus>>& succeeded) {
    std::vector<RedisCommand> commands;
    for (const auto& [task, status] : succeeded) {
      const std::string field = AttemptField(task, tasks_[task].attempt);
      commands.push_back({"HGET", keys_.result, field});
      commands.push_back({"HDEL", keys_.result, field});
    }
    std::vector<RedisReply> replies = redis_->Pipeline(commands);
    for (size_t k = 0; k < succeeded.size(); ++k) {
      const auto& [task, status] = succeeded[k];
      const RedisReply& bytes = replies[2 * k];
      if (bytes.is_error()) {
        throw Error(ErrorKind::kInternal, "Redis at " + redis_->url().Display() +
                                              " answered a result read with: " + bytes.str);
      }
      if (bytes.type != RedisReply::Type::kString) {
        ++stats_->failed_attempts;
        Retry(task, "the attempt ended in success but its result is missing", ErrorKind::kInternal,
              false, /*over_success=*/true);
        continue;
      }
      // A result that does not deserialize or does not fit the query fails the attempt, and
      // `merged_` is only touched once the partial merged cleanly into an empty one.
      PartialResult checked = MakeEmptyPartialResult(query_);
      try {
        PartialResult part = DeserializePartialResult(bytes.str);
        MergePartialResult(query_, part, &checked);
      } catch (const Error& e) {
        ++stats_->failed_attempts;
        Retry(task, std::string("its result is unusable: ") + e.what(), ErrorKind::kInternal, false,
              /*over_success=*/true);
        continue;
      }
      merged_.Add(task, std::move(checked));
      tasks_[task].done = true;
      tasks_[task].state = TaskState::kEndedSuccess;
      ++done_;
      if (status.cache_hit) ++stats_->cache_hits;
    }
  }

  // Starts the next attempt of `task`, or throws when it has none left.
  // `over_success`: the attempt ended in success but its result was unusable.
  void Retry(int64_t task, const std::string& error, ErrorKind kind, bool lost,
             bool over_success = false) {
    TaskTrack& track = tasks_[task];
    const std::string& file = dataset_.files[task].name;
    if (track.attempt >= config_.max_attempts) {
      throw Error(lost || !KeepsKind(kind) ? ErrorKind::kInternal : kind,
                  "the task of file '" + file + "' failed on all " + std::to_string(track.attempt) +
                      " attempts; the last one: " + error);
    }
    RedisReply reply = redis_->Command({"EVAL", kRetryScript, "2", keys_.attempts, keys_.status,
                                        std::to_string(task), std::to_string(track.attempt),
                                        EncodeStatus(AttemptStatus{}), over_success ? "1" : "0"});
    const int64_t next = reply.AsInteger("the retry script");
    if (next == 0) {
      // The attempt succeeded after all; the next read picks the result up.
      last_changes_ = -1;
      return;
    }
    if (next < 0) {
      throw Error(ErrorKind::kInternal, "the attempt number of task " + std::to_string(task) +
                                            " of request '" + options_.request_id +
                                            "' changed behind this server's back");
    }
    track.attempt = next;
    track.state = TaskState::kQueued;
    ++stats_->retries;
    ++stats_->attempts;
    TaskMessage message;
    message.request_id = options_.request_id;
    message.run = run_;
    message.task = task;
    message.attempt = next;
    retry_messages_.push_back(EncodeTaskMessage(message));
    redis_->Command({"LPUSH", queue_keys_.queue, retry_messages_.back()});
  }

  [[noreturn]] void ThrowTimeout(milliseconds timeout) {
    std::string message = "query timed out after " + FormatSeconds(timeout) +
                          " s: " + std::to_string(done_) + " of " + std::to_string(tasks_.size()) +
                          " tasks done";
    if (!any_claimed_) {
      message += "; no worker took any task (is a `frocket worker` running against Redis at " +
                 redis_->url().Display() + "?)";
    }
    throw Error(ErrorKind::kTimeout, message);
  }

  void Report(bool force) {
    if (!options_.on_progress) return;
    TaskCounts counts;
    for (const TaskTrack& t : tasks_) {
      switch (t.done ? TaskState::kEndedSuccess : t.state) {
        case TaskState::kQueued:
          ++counts.queued;
          break;
        case TaskState::kLoadingData:
          ++counts.loading_data;
          break;
        case TaskState::kRunningQuery:
          ++counts.running_query;
          break;
        case TaskState::kEndedSuccess:
          ++counts.ended_success;
          break;
        case TaskState::kEndedFailed:
          ++counts.ended_failed;
          break;
      }
    }
    if (!force && counts.queued == last_counts_.queued &&
        counts.loading_data == last_counts_.loading_data &&
        counts.running_query == last_counts_.running_query &&
        counts.ended_success == last_counts_.ended_success &&
        counts.ended_failed == last_counts_.ended_failed) {
      return;
    }
    last_counts_ = counts;
    InvokerProgress progress;
    progress.stage = "RUNNING";
    progress.tasks = counts;
    progress.tasks_total = static_cast<int64_t>(tasks_.size());
    progress.progress = static_cast<double>(done_) / static_cast<double>(tasks_.size());
    progress.message = "Waiting for " + std::to_string(tasks_.size() - done_) + " of " +
                       std::to_string(tasks_.size()) + " tasks";
    options_.on_progress(progress);
  }

  // Deletes the request's keys; after a failure also takes its messages off the queue. Errors
  // here are not reported: the caller's outcome (or error) matters more, and every key expires
  // on its own within kRequestKeyTtl.
  void Cleanup(bool abnormal) {
    std::vector<RedisCommand> commands = {{"DEL", keys_.attempts, keys_.job, keys_.status,
                                           keys_.heartbeat, keys_.result, keys_.files}};
    if (abnormal) {
      commands.push_back({"LREM", queue_keys_.queue, "0", select_message_});
      for (const std::string& message : retry_messages_) {
        commands.push_back({"LREM", queue_keys_.queue, "0", message});
      }
    }
    try {
      redis_->Pipeline(commands);
    } catch (const Error&) {
      // Expiry cleans up (see above).
    }
  }

  const QueueConfig& config_;
  RedisConnection* redis_;
  const DatasetInfo& dataset_;
  const Query& query_;
  std::string_view query_text_;
  const InvokeOptions& options_;
  InvokeStats* stats_;
  QueueKeys queue_keys_;
  RequestKeys keys_;
  std::vector<TaskTrack> tasks_;
  // In task order, so that floating-point sums do not depend on which task finished first.
  OrderedMerge merged_;
  std::string run_;
  std::string select_message_;
  std::vector<std::string> retry_messages_;
  int64_t done_ = 0;
  int64_t last_changes_ = -1;
  bool any_claimed_ = false;
  TaskCounts last_counts_;
  Clock::time_point last_full_read_{};
  Clock::time_point last_refresh_{};
  Clock::time_point last_recover_{};
};

class QueueInvoker : public QueryInvoker {
 public:
  explicit QueueInvoker(QueueConfig config)
      : config_(std::move(config)), pool_(ParseRedisUrl(config_.redis_url), kCommandTimeout) {}

  const char* name() const override { return "queue"; }

  PartialResult Run(const DatasetInfo& dataset, const Query& query, std::string_view query_text,
                    const InvokeOptions& options, InvokeStats* stats) override {
    if (options.request_id.empty()) ThrowInvalid("the queue invoker needs a request id");
    InvokeStats local;
    InvokeStats* out = stats ? stats : &local;
    *out = InvokeStats{};
    out->tasks = static_cast<int64_t>(dataset.files.size());
    if (dataset.files.empty()) return MakeEmptyPartialResult(query);
    RedisPool::Lease redis = pool_.Acquire();
    QueueRun run(config_, &*redis, dataset, query, query_text, options, out);
    return run.Run();
  }

 private:
  QueueConfig config_;
  RedisPool pool_;
};

}  // namespace

milliseconds QueueConfig::HeartbeatInterval() const {
  return std::clamp(lost_task_interval / 8, milliseconds(25), milliseconds(1000));
}

milliseconds QueueConfig::WorkerDeadAfter() const {
  return std::max(lost_task_interval, milliseconds(5000));
}

QueueConfig QueueConfig::FromEnvironment(const std::string& redis_url) {
  QueueConfig config;
  config.redis_url = redis_url;
  if (!redis_url.empty()) ParseRedisUrl(redis_url);
  if (const char* prefix = std::getenv("FROCKET_REDIS_PREFIX"); prefix && *prefix) {
    config.prefix = prefix;
  }
  double attempts = EnvNumber("FROCKET_TASK_MAX_ATTEMPTS", config.max_attempts, 1,
                              "a whole number from 1 to 100");
  if (attempts != std::floor(attempts) || attempts > 100) {
    ThrowInvalid("FROCKET_TASK_MAX_ATTEMPTS must be a whole number from 1 to 100");
  }
  config.max_attempts = static_cast<int>(attempts);
  config.lost_task_interval = SecondsToMs(
      EnvNumber("FROCKET_LOST_TASK_SECONDS", 20, 0.05, "a number of seconds of at least 0.05"));
  config.query_timeout = SecondsToMs(
      EnvNumber("FROCKET_QUERY_TIMEOUT_SECONDS", 120, 0, "a number of seconds (0: no limit)"));
  return config;
}

std::unique_ptr<QueryInvoker> MakeQueueInvoker(const QueueConfig& config) {
  if (config.max_attempts < 1) ThrowInvalid("the queue invoker needs at least one attempt");
  return std::make_unique<QueueInvoker>(config);
}

}  // namespace frocket
