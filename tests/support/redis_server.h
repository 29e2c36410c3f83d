// A throwaway redis-server for tests: started on a free loopback port without persistence,
// stopped at scope exit. Stop() and Restart() (same port, empty data) let a test take Redis
// away in the middle of something and bring it back.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/background_process.h"

namespace frocket::test_support {

class TestRedisServer {
 public:
  // Why tests that need Redis cannot run here (no redis-server in PATH), or nothing.
  static std::optional<std::string> SkipReason();

  // Starts `redis-server --port P --bind 127.0.0.1 --save '' --appendonly no` plus
  // `extra_args` (such as {"--requirepass", "secret"}) and waits until it accepts
  // connections. Throws std::runtime_error when it does not start.
  explicit TestRedisServer(std::vector<std::string> extra_args = {});
  ~TestRedisServer();

  int port() const { return port_; }
  // redis://127.0.0.1:P
  std::string url() const;

  // Stops the server (SIGTERM, then SIGKILL) and waits until the port is closed.
  void Stop();
  // Starts it again on the same port (the data is gone).
  void Restart();
  bool running() const { return process_ != nullptr; }
  std::string Log() const;

 private:
  void Start();

  int port_ = 0;
  std::vector<std::string> extra_args_;
  std::string log_path_;
  std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace frocket::test_support

// Skips the current test when redis-server is not installed.
#define FROCKET_SKIP_WITHOUT_REDIS()                                            \
  do {                                                                          \
    if (auto reason = ::frocket::test_support::TestRedisServer::SkipReason()) { \
      GTEST_SKIP() << *reason;                                                  \
    }                                                                           \
  } while (0)
