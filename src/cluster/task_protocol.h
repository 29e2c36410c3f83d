// The Redis protocol between the queue invoker (cluster/queue_invoker.h) and `frocket worker`
// (cluster/worker.h). docs/cluster.md describes the same for operators.
//
// Keys. Everything lives under a prefix P (default "frocket:"):
//   P queue                 list    task messages; invokers LPUSH, workers BLMOVE from the right
//   P workers               hash    worker slot id -> last registry heartbeat (Redis ms)
//   P processing:<slot>     list    the message a worker slot holds (reliable hand-over)
//   P req:<id>:job          string  the job descriptor (dataset record, query text), once per
//                                   request so that messages stay small
//   P req:<id>:attempts     hash    task index -> its current attempt number (1, 2, ...);
//                                   "changes" -> a counter bumped by every worker status change
//   P req:<id>:status       hash    "<task>:<attempt>" -> status document (JSON)
//   P req:<id>:heartbeat    hash    "<task>:<attempt>" -> the attempt's last heartbeat (Redis ms)
//   P req:<id>:result       hash    "<task>:<attempt>" -> SerializePartialResult bytes
//   P req:<id>:files        set     task indexes no worker has taken yet (locality)
// Every request key gets an EXPIRE when it is created (kRequestKeyTtl; the invoker refreshes it
// while it runs) and the invoker deletes them all when the query ends. Workers write request
// keys only through the scripts below, which do nothing once the "attempts" hash is gone, so a
// late attempt cannot recreate a finished request's keys.
//
// Attempts. The invoker starts every task with attempt 1 (status QUEUED) and pushes one
// worker-selects message per task; a worker that takes such a message picks a task from the
// "files" set, first a file it has cached, else any (kClaimScript does the pick and the claim
// in one step, so a task is never taken by two workers and never dropped between them). A
// retry increments the task's attempt number atomically (kRetryScript) and pushes a message
// naming task and attempt. Only the current attempt of a task may change its status or write a
// result (kUpdateScript), so a superseded attempt's late result is ignored by Redis itself,
// and the invoker merges exactly one successful attempt per task.
//
// Liveness. A worker stamps its attempt's heartbeat (with Redis's clock, so machines' clocks do
// not matter) every heartbeat interval while it holds the task. The invoker declares an
// attempt lost when its heartbeat is older than the lost-task interval; an attempt that no
// worker has claimed yet (still QUEUED in a backed-up queue) has no heartbeat and is never
// lost. Messages are moved (BLMOVE) from the queue into the taking slot's processing list and
// removed when the task ends; kRecoverScript moves the processing lists of slots whose registry
// heartbeat stopped back to the queue, so a message taken by a worker that died before it
// claimed the task is not lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/dataset_info.h"
#include "common/error.h"

namespace frocket {

inline constexpr int kTaskProtocolVersion = 1;
// Longer messages are malformed (a message holds a few ids and numbers).
inline constexpr size_t kMaxTaskMessageBytes = 4096;
// Request keys expire this long after they were created or last refreshed.
inline constexpr std::chrono::seconds kRequestKeyTtl{300};
// How often the invoker refreshes the request keys' expiry.
inline constexpr std::chrono::seconds kRequestKeyRefresh{60};
// Self-selecting workers offer at most this many cached candidates per claim.
inline constexpr size_t kMaxClaimCandidates = 256;

// Global keys.
struct QueueKeys {
  explicit QueueKeys(const std::string& prefix);
  std::string prefix;
  std::string queue;
  std::string workers;
  std::string Processing(const std::string& slot_id) const {
    return prefix + "processing:" + slot_id;
  }
};

// Keys of one request.
struct RequestKeys {
  RequestKeys(const std::string& prefix, const std::string& request_id);
  std::string job;
  std::string attempts;
  std::string status;
  std::string heartbeat;
  std::string result;
  std::string files;
};

// The hash field of one attempt: "<task>:<attempt>".
std::string AttemptField(int64_t task, int64_t attempt);

// A queue message. task < 0: the worker selects the task from the request's "files" set.
struct TaskMessage {
  std::string request_id;
  std::string run;  // a nonce of the invoker's run, also in the job (guards reused ids)
  int64_t task = -1;
  int64_t attempt = 0;  // the attempt named by a retry message; 0 when the worker selects
};

// {"frocket": "task", "v": 1, "requestId", "run", "task", "attempt"}.
std::string EncodeTaskMessage(const TaskMessage& message);
// Throws Error(kCorruptFile) saying what is wrong for anything that is not such a message (a
// foreign or damaged queue entry), and Error(kNotSupported) for a newer protocol version.
TaskMessage DecodeTaskMessage(std::string_view text);

// What a worker needs to run any task of a request.
struct JobDescriptor {
  std::string request_id;
  std::string run;
  std::string query_text;
  std::chrono::milliseconds heartbeat_interval{1000};
  nlohmann::json dataset;  // DatasetInfoToJson; workers parse it with DatasetInfoFromJson
};

std::string EncodeJob(const JobDescriptor& job);
// Throws Error(kCorruptFile) when the text is not a job descriptor (kNotSupported: newer).
JobDescriptor DecodeJob(std::string_view text);

enum class TaskState { kQueued, kLoadingData, kRunningQuery, kEndedSuccess, kEndedFailed };

// "QUEUED", "LOADING_DATA", "RUNNING_QUERY", "ENDED_SUCCESS", "ENDED_FAILED".
const char* TaskStateName(TaskState state);

// The status document of one attempt.
struct AttemptStatus {
  TaskState state = TaskState::kQueued;
  std::string worker;  // the worker slot that holds or held the attempt
  int64_t pid = 0;     // that worker's process id (for operators and fault tests)
  std::string error;   // ENDED_FAILED: the message
  std::optional<ErrorKind> error_kind;
  bool cache_hit = false;  // ENDED_SUCCESS: the file came from the worker's disk cache
  double seconds = 0;      // ENDED_*: how long the attempt ran
};

std::string EncodeStatus(const AttemptStatus& status);
// Throws Error(kCorruptFile) for a document that is not a status.
AttemptStatus DecodeStatus(std::string_view text);

// The inverse of ErrorKindName; nothing for an unknown name.
std::optional<ErrorKind> ErrorKindFromName(std::string_view name);

// Lua scripts (run with EVAL; each reads the Redis clock itself where it stamps a time).
//
// kClaimScript: KEYS attempts, status, heartbeat, files; ARGV task ("-1": select), attempt,
// status document, TTL seconds, candidate task indexes... Returns {1, task, attempt} when the
// attempt is now this worker's, {0} when the request is gone, {-1} when the attempt is not
// current, {-2} when another worker holds it, {-3} when no task is left to select.
extern const char* const kClaimScript;
// kUpdateScript: KEYS attempts, status, heartbeat, result; ARGV field, task, attempt, status
// document ("" for a heartbeat only), result bytes, TTL seconds, "1" to store the result.
// Stamps the heartbeat and applies the change when the attempt is current; returns 1, else 0.
extern const char* const kUpdateScript;
// kRetryScript: KEYS attempts, status; ARGV task, expected attempt, QUEUED document, "1" to
// retry even an attempt that ended in success (its result was unusable). Returns the new
// attempt number; 0 when the expected attempt ended in success meanwhile (and "1" was not
// given); -1 when the current attempt is not the expected one.
extern const char* const kRetryScript;
// kRecoverScript: KEYS workers, queue; ARGV prefix, dead-after ms. Moves the processing lists of
// slots whose registry heartbeat is older than dead-after back to the queue and forgets those
// slots; returns how many messages moved.
extern const char* const kRecoverScript;
// kRegisterScript: KEYS workers; ARGV slot id. Stamps the slot's registry heartbeat.
extern const char* const kRegisterScript;

}  // namespace frocket
