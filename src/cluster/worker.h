// The work-queue worker behind `frocket worker`: takes task messages from Redis, runs each
// task (one file of a query) with the engine, and writes its status and partial result back,
// following cluster/task_protocol.h. Workers know nothing of each other or of the servers;
// start as many as wanted, anywhere that reaches Redis and the data.
//
// Per task: take a message (BLMOVE from the queue into this slot's processing list), claim an
// attempt (a file the worker has cached when it may choose, else any), stamp heartbeats from a
// separate thread while the task runs, run it, and write the result and the final status in one
// step that Redis applies only while the attempt is still the task's current one. Malformed or
// foreign messages are logged and dropped. Redis outages are logged and waited out.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "catalog/dataset_info.h"
#include "engine/partial_result.h"
#include "query/query.h"

namespace frocket {

class FileCache;  // storage/file_cache.h: the worker's disk cache of remote files

// One line per task, for the log.
struct WorkerTaskLog {
  std::string request_id;
  std::string file;
  int64_t task = -1;
  int64_t attempt = 0;
  double seconds = 0;
  // "success", "failed: <message>", or "superseded" (the attempt was retried elsewhere
  // meanwhile, so its result was not stored).
  std::string outcome;
  bool cache_hit = false;
};

struct WorkerOptions {
  std::string redis_url;
  std::string prefix = "frocket:";
  // Tasks this process runs at once (one slot each, each with its own Redis connections).
  int threads = 1;
  // Slots of other workers whose registry heartbeat is older than this are dead: the message
  // they held goes back to the queue. QueueConfig::WorkerDeadAfter of the same settings.
  std::chrono::milliseconds dead_after{20000};
  // How often each slot stamps its registry heartbeat (task heartbeats follow the interval
  // each job asks for).
  std::chrono::milliseconds registry_heartbeat{1000};
  // How long one BLMOVE waits for a message; `stop` is checked between waits.
  std::chrono::milliseconds block_timeout{1000};
  // Set from anywhere (a signal handler too) to stop: each slot finishes its current task,
  // its message is removed and the slot is unregistered.
  const std::atomic<bool>* stop = nullptr;
  // A worker may choose which task of a request to run: files for which this returns true
  // are taken first. `location` is the file's path or URL (base path + "/" + name).
  std::function<bool(const std::string& location)> is_cached;
  // The disk cache for remote files, for the lead to hand to RunFileTask once it takes one.
  FileCache* cache = nullptr;
  // Runs one task; sets *cache_hit when the file came from the disk cache. Empty: RunFileTask.
  std::function<PartialResult(const DatasetInfo&, const Query&, size_t file_index, bool* cache_hit)>
      run_task;
  // Called after every task (serialized across slots).
  std::function<void(const WorkerTaskLog&)> on_task;
  // Called with operational messages (dropped messages, Redis outages); serialized.
  std::function<void(const std::string&)> on_log;
  // Identifies this process in statuses and logs; "<host>:<pid>:<random>" when empty.
  std::string worker_id;

  // Test hooks (docs/cluster.md): abort() when asked to run the file of this name
  // (FROCKET_TEST_WORKER_CRASH_ON), and sleep this long in each task while heartbeats go on
  // (FROCKET_TEST_WORKER_TASK_DELAY_MS).
  std::string test_crash_on_file;
  std::chrono::milliseconds test_task_delay{0};

  // Defaults from the environment: FROCKET_REDIS_PREFIX, FROCKET_LOST_TASK_SECONDS (through
  // QueueConfig::FromEnvironment) and the two test hooks. Throws Error(kInvalidArgument).
  static WorkerOptions FromEnvironment(const std::string& redis_url);
};

// Runs until *options.stop becomes true; returns then. Throws Error(kInvalidArgument) for a bad
// URL; Redis being unavailable is logged and retried, never thrown.
void RunWorker(const WorkerOptions& options);

}  // namespace frocket
