// The queue invoker with workers on threads of this process, against a real redis-server:
// results equal the embedded engine's, and retries, lost attempts, hostile queue content,
// locality, timeouts, cancellation and concurrency behave as docs/cluster.md says.
#include "cluster/queue_invoker.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/cluster_test_data.h"
#include "cluster/redis_client.h"
#include "cluster/task_protocol.h"
#include "common/error.h"
#include "support/redis_server.h"

namespace frocket {
namespace {

using cluster_testing::Comparable;
using cluster_testing::EmbeddedAnswer;
using cluster_testing::MustParse;
using cluster_testing::WorkerThread;
using std::chrono::milliseconds;

class QueueInvokerTest : public cluster_testing::RedisDatasetTest {
 protected:
  QueueConfig Config() const {
    QueueConfig config;
    config.redis_url = redis_server_->url();
    config.prefix = "t:";
    config.lost_task_interval = milliseconds(1000);
    config.query_timeout = milliseconds(30000);
    return config;
  }

  WorkerOptions Worker(int threads = 1) {
    WorkerOptions options;
    options.redis_url = redis_server_->url();
    options.prefix = "t:";
    options.threads = threads;
    options.dead_after = milliseconds(5000);
    options.registry_heartbeat = milliseconds(200);
    options.on_log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_.push_back(line);
    };
    return options;
  }

  std::string Logs() {
    std::lock_guard<std::mutex> lock(log_mutex_);
    std::string all;
    for (const std::string& line : log_) all += line + "\n";
    return all;
  }

  // Request keys left in Redis.
  std::vector<std::string> RequestKeysLeft() {
    RedisReply keys = redis_->Command({"KEYS", "t:req:*"});
    std::vector<std::string> out;
    for (const RedisReply& key : keys.elements) out.push_back(key.str);
    return out;
  }

  int64_t QueueLength() { return redis_->Command({"LLEN", "t:queue"}).integer; }

  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(QueueInvokerTest, ResultsEqualTheEmbeddedEngineAndKeysAreCleanedUp) {
  WorkerThread worker(Worker(2));
  WorkerThread another(Worker(1));
  auto invoker = MakeQueueInvoker(Config());
  EXPECT_STREQ(invoker->name(), "queue");
  int n = 0;
  for (const std::string& text : cluster_testing::TestQueries()) {
    InvokeStats stats;
    nlohmann::ordered_json got = RunQuery(*invoker, text, "q" + std::to_string(n++), &stats);
    EXPECT_EQ(got, EmbeddedAnswer(dataset_, MustParse(text, dataset_))) << text;
    EXPECT_EQ(stats.tasks, 6);
    EXPECT_EQ(stats.attempts, 6);
    EXPECT_EQ(stats.retries, 0);
    EXPECT_EQ(stats.lost_attempts, 0);
    EXPECT_EQ(stats.failed_attempts, 0);
  }
  EXPECT_TRUE(RequestKeysLeft().empty());
  EXPECT_EQ(QueueLength(), 0);
  // The funnel query's result really has funnel steps (the comparison is not vacuous).
  nlohmann::ordered_json funnel = RunQuery(*invoker, cluster_testing::TestQueries()[3], "f");
  ASSERT_TRUE(funnel.contains("funnel")) << funnel.dump();
}

TEST_F(QueueInvokerTest, ProgressIsReportedWhenCountsChange) {
  WorkerOptions options = Worker(1);
  options.test_task_delay = milliseconds(30);
  WorkerThread worker(options);
  auto invoker = MakeQueueInvoker(Config());
  std::vector<InvokerProgress> seen;
  InvokeOptions run;
  run.on_progress = [&](const InvokerProgress& p) { seen.push_back(p); };
  RunQuery(*invoker, "{}", "progress", nullptr, run);
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.front().tasks.queued, 6);
  EXPECT_EQ(seen.back().tasks.ended_success, 6);
  EXPECT_DOUBLE_EQ(seen.back().progress, 1.0);
  for (size_t i = 0; i < seen.size(); ++i) {
    const TaskCounts& c = seen[i].tasks;
    EXPECT_EQ(c.queued + c.loading_data + c.running_query + c.ended_success + c.ended_failed, 6);
    EXPECT_EQ(seen[i].tasks_total, 6);
    if (i > 0) {
      const TaskCounts& p = seen[i - 1].tasks;
      EXPECT_FALSE(c.queued == p.queued && c.loading_data == p.loading_data &&
                   c.running_query == p.running_query && c.ended_success == p.ended_success)
          << "a report without a change at " << i;
    }
  }
}

TEST_F(QueueInvokerTest, FailedAttemptsAreRetried) {
  std::mutex mutex;
  std::map<size_t, int> runs;
  WorkerOptions options = Worker(2);
  options.run_task = [&](const DatasetInfo& ds, const Query& q, size_t i, bool* hit) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (i == 3 && runs[i]++ == 0) throw Error(ErrorKind::kIo, "a transient read error");
    }
    *hit = false;
    return RunFileTask(ds, q, i);
  };
  WorkerThread worker(options);
  auto invoker = MakeQueueInvoker(Config());
  InvokeStats stats;
  const std::string text = cluster_testing::TestQueries()[1];
  EXPECT_EQ(RunQuery(*invoker, text, "retry", &stats),
            EmbeddedAnswer(dataset_, MustParse(text, dataset_)));
  EXPECT_EQ(stats.failed_attempts, 1);
  EXPECT_EQ(stats.retries, 1);
  EXPECT_EQ(stats.attempts, 7);
  EXPECT_EQ(runs[3], 2);
}

TEST_F(QueueInvokerTest, ATaskFailingOnEveryAttemptFailsTheQueryNamingTheFile) {
  WorkerOptions options = Worker(2);
  options.run_task = [&](const DatasetInfo& ds, const Query& q, size_t i, bool* hit) {
    if (i == 2) ThrowCorrupt("file '" + ds.files[i].name + "': bad magic bytes");
    *hit = false;
    return RunFileTask(ds, q, i);
  };
  WorkerThread worker(options);
  QueueConfig config = Config();
  config.max_attempts = 2;
  auto invoker = MakeQueueInvoker(config);
  try {
    RunQuery(*invoker, "{}", "doomed");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile) << e.what();
    EXPECT_NE(std::string(e.what()).find(dataset_.files[2].name), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad magic bytes"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2 attempts"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(RequestKeysLeft().empty());
}

// A fake worker speaking the protocol directly: claims one task and then goes silent, as a
// worker that froze or lost its network would.
struct Claimed {
  int64_t task = -1;
  int64_t attempt = 0;
};

Claimed ClaimAndVanish(RedisConnection& redis, const std::string& request_id) {
  RequestKeys keys("t:", request_id);
  for (int i = 0; i < 200; ++i) {
    RedisReply message = redis.Command({"RPOP", "t:queue"});
    if (message.is_nil()) {
      std::this_thread::sleep_for(milliseconds(5));
      continue;
    }
    TaskMessage decoded = DecodeTaskMessage(message.str);
    AttemptStatus status;
    status.state = TaskState::kLoadingData;
    status.worker = "fake";
    RedisReply claimed =
        redis.Command({"EVAL", kClaimScript, "4", keys.attempts, keys.status, keys.heartbeat,
                       keys.files, std::to_string(decoded.task), std::to_string(decoded.attempt),
                       EncodeStatus(status), "60"});
    if (claimed.elements[0].integer == 1) {
      return {claimed.elements[1].integer, claimed.elements[2].integer};
    }
  }
  ADD_FAILURE() << "no message to claim";
  return {};
}

TEST_F(QueueInvokerTest, ASilentAttemptIsLostAndRetriedAndItsLateResultIsIgnored) {
  auto invoker = MakeQueueInvoker(Config());
  const std::string text = cluster_testing::TestQueries()[2];
  InvokeStats stats;
  nlohmann::ordered_json got;
  std::string error;
  std::thread query([&] {
    try {
      got = RunQuery(*invoker, text, "lost", &stats);
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  RedisConnection fake(ParseRedisUrl(redis_server_->url()), std::chrono::seconds(2));
  Claimed claimed = ClaimAndVanish(fake, "lost");
  ASSERT_GE(claimed.task, 0);
  // Only now do real workers start; they run everything else and, after the lost-task
  // interval, the retry of the silent attempt.
  {
    WorkerThread worker(Worker(2));
    query.join();
  }
  EXPECT_EQ(error, "");
  EXPECT_EQ(got, EmbeddedAnswer(dataset_, MustParse(text, dataset_)));
  EXPECT_EQ(stats.lost_attempts, 1);
  EXPECT_EQ(stats.retries, 1);
  // The silent worker wakes up and reports success with garbage: Redis refuses (the request
  // is gone) and no key is recreated.
  RequestKeys keys("t:", "lost");
  const std::string field = AttemptField(claimed.task, claimed.attempt);
  AttemptStatus late;
  late.state = TaskState::kEndedSuccess;
  RedisReply stored =
      fake.Command({"EVAL", kUpdateScript, "4", keys.attempts, keys.status, keys.heartbeat,
                    keys.result, field, std::to_string(claimed.task),
                    std::to_string(claimed.attempt), EncodeStatus(late), "garbage", "60", "1"});
  EXPECT_EQ(stored.integer, 0);
  EXPECT_TRUE(RequestKeysLeft().empty());
}

TEST_F(QueueInvokerTest, AResultThatDoesNotDeserializeFailsOnlyThatAttempt) {
  auto invoker = MakeQueueInvoker(Config());
  const std::string text = cluster_testing::TestQueries()[1];
  InvokeStats stats;
  nlohmann::ordered_json got;
  std::string error;
  std::thread query([&] {
    try {
      got = RunQuery(*invoker, text, "hostile", &stats);
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  RedisConnection fake(ParseRedisUrl(redis_server_->url()), std::chrono::seconds(2));
  Claimed claimed = ClaimAndVanish(fake, "hostile");
  ASSERT_GE(claimed.task, 0);
  RequestKeys keys("t:", "hostile");
  AttemptStatus success;
  success.state = TaskState::kEndedSuccess;
  RedisReply stored =
      fake.Command({"EVAL", kUpdateScript, "4", keys.attempts, keys.status, keys.heartbeat,
                    keys.result, AttemptField(claimed.task, claimed.attempt),
                    std::to_string(claimed.task), std::to_string(claimed.attempt),
                    EncodeStatus(success), "\x01not a partial result", "60", "1"});
  EXPECT_EQ(stored.integer, 1);
  {
    WorkerThread worker(Worker(2));
    query.join();
  }
  EXPECT_EQ(error, "");
  EXPECT_EQ(got, EmbeddedAnswer(dataset_, MustParse(text, dataset_)));
  EXPECT_EQ(stats.failed_attempts, 1);
  EXPECT_EQ(stats.retries, 1);
}

TEST_F(QueueInvokerTest, TasksWaitingInABackedUpQueueAreNotLost) {
  // One slot, 6 tasks of 150 ms each: the last waits about 0.9 s in the queue, longer than the
  // 300 ms lost-task interval. Waiting is not being lost.
  WorkerOptions options = Worker(1);
  options.test_task_delay = milliseconds(150);
  WorkerThread worker(options);
  QueueConfig config = Config();
  config.lost_task_interval = milliseconds(300);
  auto invoker = MakeQueueInvoker(config);
  InvokeStats stats;
  RunQuery(*invoker, "{}", "backlog", &stats);
  EXPECT_EQ(stats.lost_attempts, 0);
  EXPECT_EQ(stats.retries, 0);
}

TEST_F(QueueInvokerTest, MalformedAndForeignMessagesAreDroppedAndTheWorkerGoesOn) {
  // Before the query's own messages, so the worker meets them first.
  redis_->Command({"LPUSH", "t:queue", "not json", "{}", "[1]", std::string(5000, 'x'),
                   R"({"frocket":"task","v":99,"requestId":"r","run":"n","task":1,"attempt":1})",
                   EncodeTaskMessage({"no-such-request", "n", -1, 0}), std::string("\x00\xff", 2)});
  WorkerThread worker(Worker(1));
  auto invoker = MakeQueueInvoker(Config());
  const std::string text = cluster_testing::TestQueries()[3];
  EXPECT_EQ(RunQuery(*invoker, text, "after-junk"),
            EmbeddedAnswer(dataset_, MustParse(text, dataset_)));
  const std::string logs = Logs();
  EXPECT_NE(logs.find("malformed"), std::string::npos) << logs;
  EXPECT_NE(logs.find("version 99"), std::string::npos) << logs;
  EXPECT_EQ(QueueLength(), 0);
}

TEST_F(QueueInvokerTest, WorkersTakeFilesTheyHaveCachedFirst) {
  const std::set<std::string> cached = {dataset_.files[1].name, dataset_.files[4].name};
  std::mutex mutex;
  std::vector<size_t> order;
  WorkerOptions options = Worker(1);
  options.is_cached = [&](const std::string& location) {
    for (const std::string& name : cached) {
      if (location.ends_with("/" + name)) return true;
    }
    return false;
  };
  options.run_task = [&](const DatasetInfo& ds, const Query& q, size_t i, bool* hit) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      order.push_back(i);
    }
    *hit = cached.count(ds.files[i].name) > 0;
    return RunFileTask(ds, q, i);
  };
  WorkerThread worker(options);
  auto invoker = MakeQueueInvoker(Config());
  InvokeStats stats;
  RunQuery(*invoker, "{}", "locality", &stats);
  ASSERT_EQ(order.size(), 6u);
  EXPECT_EQ(std::set<size_t>(order.begin(), order.begin() + 2), (std::set<size_t>{1, 4}));
  EXPECT_EQ(stats.cache_hits, 2);
}

TEST_F(QueueInvokerTest, TimeoutWithoutWorkersSaysSoAndCleansUp) {
  QueueConfig config = Config();
  config.query_timeout = milliseconds(300);
  auto invoker = MakeQueueInvoker(config);
  const auto start = std::chrono::steady_clock::now();
  try {
    RunQuery(*invoker, "{}", "nobody");
    FAIL() << "expected a timeout";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
    EXPECT_NE(std::string(e.what()).find("0 of 6 tasks done"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no worker"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(RequestKeysLeft().empty());
  EXPECT_EQ(QueueLength(), 0);
  // InvokeOptions::timeout overrides the configured one.
  InvokeOptions options;
  options.timeout = milliseconds(100);
  EXPECT_THROW(RunQuery(*invoker, "{}", "nobody2", nullptr, options), Error);
}

TEST_F(QueueInvokerTest, CancelStopsAndCleansUp) {
  auto invoker = MakeQueueInvoker(Config());
  std::atomic<bool> cancel{false};
  InvokeOptions options;
  options.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(100));
    cancel = true;
  });
  try {
    RunQuery(*invoker, "{}", "cancelled", nullptr, options);
    FAIL() << "expected cancellation";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cancelled"), std::string::npos) << e.what();
  }
  canceller.join();
  EXPECT_TRUE(RequestKeysLeft().empty());
  EXPECT_EQ(QueueLength(), 0);
}

TEST_F(QueueInvokerTest, RequestIdsMustBeUniqueWhileRunning) {
  auto invoker = MakeQueueInvoker(Config());
  redis_->Command({"SET", "t:req:dup:job", "{}"});
  try {
    RunQuery(*invoker, "{}", "dup");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument) << e.what();
  }
  InvokeOptions options;
  EXPECT_THROW(invoker->Run(dataset_, MustParse("{}", dataset_), "{}", options, nullptr), Error);
}

TEST_F(QueueInvokerTest, TwentyConcurrentQueriesThroughTwoInvokers) {
  WorkerThread a(Worker(2));
  WorkerThread b(Worker(2));
  auto first = MakeQueueInvoker(Config());
  auto second = MakeQueueInvoker(Config());
  const std::vector<std::string> queries = cluster_testing::TestQueries();
  std::vector<nlohmann::ordered_json> expected;
  for (const std::string& text : queries) {
    expected.push_back(EmbeddedAnswer(dataset_, MustParse(text, dataset_)));
  }
  std::vector<nlohmann::ordered_json> got(20);
  std::vector<std::string> errors(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      try {
        got[i] = RunQuery(i % 2 ? *first : *second, queries[i % queries.size()],
                          "c" + std::to_string(i));
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(errors[i], "") << i;
    EXPECT_EQ(got[i], expected[i % queries.size()]) << i;
  }
  EXPECT_TRUE(RequestKeysLeft().empty());
}

TEST_F(QueueInvokerTest, ConfigFromEnvironment) {
  ::setenv("FROCKET_TASK_MAX_ATTEMPTS", "5", 1);
  ::setenv("FROCKET_LOST_TASK_SECONDS", "0.5", 1);
  ::setenv("FROCKET_QUERY_TIMEOUT_SECONDS", "7", 1);
  ::setenv("FROCKET_REDIS_PREFIX", "pfx:", 1);
  QueueConfig config = QueueConfig::FromEnvironment("redis://h:1");
  EXPECT_EQ(config.max_attempts, 5);
  EXPECT_EQ(config.lost_task_interval.count(), 500);
  EXPECT_EQ(config.query_timeout.count(), 7000);
  EXPECT_EQ(config.prefix, "pfx:");
  EXPECT_EQ(config.HeartbeatInterval().count(), 62);
  ::setenv("FROCKET_TASK_MAX_ATTEMPTS", "zero", 1);
  EXPECT_THROW(QueueConfig::FromEnvironment("redis://h:1"), Error);
  ::unsetenv("FROCKET_TASK_MAX_ATTEMPTS");
  ::unsetenv("FROCKET_LOST_TASK_SECONDS");
  ::unsetenv("FROCKET_QUERY_TIMEOUT_SECONDS");
  ::unsetenv("FROCKET_REDIS_PREFIX");
  config = QueueConfig::FromEnvironment("redis://h:1");
  EXPECT_EQ(config.max_attempts, 3);
  EXPECT_EQ(config.lost_task_interval.count(), 20000);
  EXPECT_EQ(config.query_timeout.count(), 120000);
  EXPECT_THROW(MakeQueueInvoker(QueueConfig::FromEnvironment("rediss://h:1")), Error);
}

}  // namespace
}  // namespace frocket
