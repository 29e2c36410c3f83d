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

  // The defaults above, overridden by the environment variables named beside them (and
  // FROCKET_REDIS_PREFIX). Throws Error(kInvalidArgument) naming a variable with a bad value.
  static QueueConfig FromEnvironment(const std::string& redis_url);
};

// Throws Error(kInvalidArgument) for a bad URL (rediss:// included: no TLS in this build). Does
// not connect until the first Run; Run throws Error(kUnavailable) when Redis cannot be reached.
std::unique_ptr<QueryInvoker> MakeQueueInvoker(const QueueConfig& config);

}  // namespace frocket
