#include "support/redis_server.h"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace frocket::test_support {

std::optional<std::string> TestRedisServer::SkipReason() {
  if (!ProgramAvailable("redis-server")) return std::string("redis-server is not installed");
  return std::nullopt;
}

TestRedisServer::TestRedisServer(std::vector<std::string> extra_args)
    : port_(FreeLoopbackPort()), extra_args_(std::move(extra_args)) {
  log_path_ =
      (std::filesystem::temp_directory_path() / ("frocket-redis-" + std::to_string(port_) + ".log"))
          .string();
  std::filesystem::remove(log_path_);
  Start();
}

TestRedisServer::~TestRedisServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove(log_path_, ignored);
}

std::string TestRedisServer::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

void TestRedisServer::Start() {
  std::vector<std::string> argv = {"redis-server",
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--daemonize",
                                   "no",
                                   "--dir",
                                   std::filesystem::temp_directory_path().string()};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<BackgroundProcess>(argv, EnvironmentList{}, log_path_);
  if (!WaitForPort(port_, std::chrono::seconds(10))) {
    std::string log = process_->Log();
    process_.reset();
    throw std::runtime_error("redis-server did not start on port " + std::to_string(port_) + ": " +
                             log);
  }
}

void TestRedisServer::Stop() {
  if (!process_) return;
  process_->Stop(std::chrono::milliseconds(2000));
  process_.reset();
}

void TestRedisServer::Restart() {
  Stop();
  // The port may linger for a moment after the old server exits; retry the start briefly.
  for (int i = 0;; ++i) {
    try {
      Start();
      return;
    } catch (const std::runtime_error&) {
      if (i >= 20) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

std::string TestRedisServer::Log() const { return ReadWholeFile(log_path_); }

}  // namespace frocket::test_support
