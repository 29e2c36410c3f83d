// The work-queue invoker: hands a query's tasks to `frocket worker` processes through Redis and
// collects their partial results (the protocol is in cluster/task_protocol.h). Any number of
// servers and workers may share one Redis.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "cluster/invoker.h"

namespace frocket {

struct QueueConfig {
  std::string redis_url;  // redis://[user:password@]host:port[/db]
  std::string prefix = "frocket:";
  int max_attempts = 3;                                 // FROCKET_TASK_MAX_ATTEMPTS
  std::chrono::milliseconds lost_task_interval{20000};  // FROCKET_LOST_TASK_SECONDS
  // The limit of a query when InvokeOptions::timeout is zero; zero here too: no limit.
  std::chrono::milliseconds query_timeout{120000};  // FROCKET_QUERY_TIMEOUT_SECONDS
  // How often Run looks at Redis (one small pipelined round trip; the statuses are read only
  // when a worker changed one, or when heartbeats are due to be checked).
  std::chrono::milliseconds poll_interval{25};

  // How often a worker stamps the heartbeat of a task it holds: an eighth of the lost-task
  // interval, between 25 ms and 1 s. Sent to workers in each job descriptor.
  std::chrono::milliseconds HeartbeatInterval() const;
  // A worker slot whose registry heartbeat is older than this is dead, and the message it held
  // goes back to the queue: the lost-task interval, at least 5 s.
  std::chrono::milliseconds WorkerDeadAfter() const;

  // The defaults above, overridden by the environment variables named beside them (and
  // FROCKET_REDIS_PREFIX). Seconds may have a fraction ("0.5"). Throws Error(kInvalidArgument)
  // naming a variable with a bad value, or for a bad URL.
  static QueueConfig FromEnvironment(const std::string& redis_url);
};

// Throws Error(kInvalidArgument) for a bad URL (rediss:// included: no TLS in this build). Does
// not connect until the first Run; Run throws Error(kUnavailable) when Redis cannot be reached.
std::unique_ptr<QueryInvoker> MakeQueueInvoker(const QueueConfig& config);

}  // namespace frocket
