// `frocket worker` processes against a real redis-server, driven by the queue invoker: the
// embedded result from several workers, and the faults of docs/cluster.md: a worker killed
// mid-task, a worker crashing on every attempt of one file, Redis going away mid-query.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "cluster/cluster_test_data.h"
#include "cluster/queue_invoker.h"
#include "cluster/redis_client.h"
#include "cluster/task_protocol.h"
#include "common/error.h"
#include "support/background_process.h"
#include "support/redis_server.h"

namespace frocket {
namespace {

using cluster_testing::Comparable;
using cluster_testing::EmbeddedAnswer;
using cluster_testing::MustParse;
using std::chrono::milliseconds;
using test_support::BackgroundProcess;
using test_support::EnvironmentList;

class WorkerProcessTest : public cluster_testing::RedisDatasetTest {
 protected:
  // Workers finish their current task and exit within a second of SIGTERM; signal them all at
  // once instead of one after another.
  void TearDown() override {
    for (auto& worker : workers_) {
      if (worker->Running()) ::kill(worker->pid(), SIGTERM);
    }
    workers_.clear();
  }

  // Starts `count` workers and waits until all have registered.
  void StartWorkers(int count, EnvironmentList env = {}) {
    env.emplace_back("FROCKET_REDIS_PREFIX", "wp:");
    env.emplace_back("FROCKET_LOST_TASK_SECONDS", "1");
    for (int i = 0; i < count; ++i) {
      workers_.push_back(std::make_unique<BackgroundProcess>(
          std::vector<std::string>{FROCKET_BINARY, "worker", "--redis", redis_server_->url()},
          env));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (redis_->Command({"HLEN", "wp:workers"}).integer < count) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << AllLogs();
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  QueueConfig Config() const {
    QueueConfig config;
    config.redis_url = redis_server_->url();
    config.prefix = "wp:";
    config.lost_task_interval = milliseconds(1000);
    config.query_timeout = milliseconds(60000);
    return config;
  }

  // The pid of a worker running some task of `request_id`, once one is.
  int64_t PidRunningATask(const std::string& request_id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      RedisReply all = redis_->Command({"HGETALL", RequestKeys("wp:", request_id).status});
      for (size_t i = 1; i < all.elements.size(); i += 2) {
        AttemptStatus status = DecodeStatus(all.elements[i].str);
        if (status.state == TaskState::kRunningQuery) return status.pid;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    ADD_FAILURE() << "no task ever ran\n" << AllLogs();
    return -1;
  }

  BackgroundProcess* WorkerWithPid(int64_t pid) {
    for (auto& worker : workers_) {
      if (worker->pid() == pid) return worker.get();
    }
    return nullptr;
  }

  std::string AllLogs() const {
    std::string all;
    for (const auto& worker : workers_) all += "--- worker log:\n" + worker->Log();
    return all;
  }

  std::vector<std::unique_ptr<BackgroundProcess>> workers_;
};

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(WorkerProcessTest, ThreeWorkersGiveTheEmbeddedResultAndStopOnSigterm) {
  StartWorkers(3);
  auto invoker = MakeQueueInvoker(Config());
  const std::vector<std::string> queries = cluster_testing::TestQueries();
  for (size_t i = 0; i < queries.size(); ++i) {
    InvokeStats stats;
    EXPECT_EQ(RunQuery(*invoker, queries[i], "p" + std::to_string(i), &stats),
              EmbeddedAnswer(dataset_, MustParse(queries[i], dataset_)))
        << queries[i] << AllLogs();
    EXPECT_EQ(stats.retries, 0);
  }
  std::string logs;
  for (auto& worker : workers_) ::kill(worker->pid(), SIGTERM);
  for (auto& worker : workers_) {
    EXPECT_EQ(worker->Wait(milliseconds(5000)), 0) << worker->Log();
    logs += worker->Log();
  }
  // One line per task: 4 queries of 6 files.
  EXPECT_EQ(CountOf(logs, " success"), 24u) << logs;
  EXPECT_NE(logs.find("request=p3 task="), std::string::npos) << logs;
  EXPECT_NE(logs.find("file=part-0000"), std::string::npos) << logs;
  EXPECT_NE(logs.find("attempt=1"), std::string::npos) << logs;
  EXPECT_EQ(CountOf(logs, "frocket worker: stopped"), 3u) << logs;
  // Stopped workers unregister.
  EXPECT_EQ(redis_->Command({"HLEN", "wp:workers"}).integer, 0);
}

TEST_F(WorkerProcessTest, AWorkerKilledMidTaskIsRetriedAndNothingCountsTwice) {
  StartWorkers(3, {{"FROCKET_TEST_WORKER_TASK_DELAY_MS", "500"}});
  auto invoker = MakeQueueInvoker(Config());
  const std::string text = cluster_testing::TestQueries()[3];
  InvokeStats stats;
  nlohmann::ordered_json got;
  std::string error;
  std::thread query([&] {
    try {
      got = RunQuery(*invoker, text, "kill", &stats);
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  const int64_t pid = PidRunningATask("kill");
  BackgroundProcess* victim = WorkerWithPid(pid);
  ASSERT_NE(victim, nullptr) << pid;
  victim->Kill(SIGKILL);
  query.join();
  ASSERT_EQ(error, "") << AllLogs();
  EXPECT_EQ(got, EmbeddedAnswer(dataset_, MustParse(text, dataset_)));
  EXPECT_GE(stats.lost_attempts, 1);
  EXPECT_GE(stats.retries, 1);
}

TEST_F(WorkerProcessTest, AWorkerCrashingOnEveryAttemptOfAFileFailsTheQueryNamingIt) {
  const std::string file = dataset_.files[2].name;
  StartWorkers(3, {{"FROCKET_TEST_WORKER_CRASH_ON", file}});
  auto invoker = MakeQueueInvoker(Config());
  InvokeStats stats;
  try {
    RunQuery(*invoker, "{}", "crash", &stats);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("3 attempts"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("heartbeats"), std::string::npos) << e.what();
  }
  EXPECT_EQ(stats.lost_attempts, 3);
  EXPECT_TRUE(redis_->Command({"KEYS", "wp:req:*"}).elements.empty());
}

TEST_F(WorkerProcessTest, RedisGoingAwayFailsTheQueryQuicklyAndEverythingRecovers) {
  StartWorkers(2, {{"FROCKET_TEST_WORKER_TASK_DELAY_MS", "300"}});
  auto invoker = MakeQueueInvoker(Config());
  std::chrono::steady_clock::time_point failed_at;
  std::optional<ErrorKind> kind;
  std::string message;
  std::thread query([&] {
    try {
      RunQuery(*invoker, "{}", "outage");
    } catch (const Error& e) {
      failed_at = std::chrono::steady_clock::now();
      kind = e.kind();
      message = e.what();
    }
  });
  PidRunningATask("outage");
  const auto stopped_at = std::chrono::steady_clock::now();
  redis_server_->Stop();
  query.join();
  ASSERT_TRUE(kind.has_value());
  EXPECT_EQ(*kind, ErrorKind::kUnavailable) << message;
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(redis_server_->port())), std::string::npos)
      << message;
  EXPECT_LT(failed_at - stopped_at, std::chrono::seconds(3));

  redis_server_->Restart();
  for (auto& worker : workers_) EXPECT_TRUE(worker->Running()) << worker->Log();
  const std::string text = cluster_testing::TestQueries()[1];
  EXPECT_EQ(RunQuery(*invoker, text, "after-outage"),
            EmbeddedAnswer(dataset_, MustParse(text, dataset_)))
      << AllLogs();
  EXPECT_NE(AllLogs().find("reachable again"), std::string::npos) << AllLogs();
}

}  // namespace
}  // namespace frocket
