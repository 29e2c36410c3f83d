// A loopback HTTP proxy for tests of retry behaviour: it sits in front of a real server (s3rver)
// and, for the next requests, answers with an injected fault instead of forwarding: 503
// SlowDown, 500 InternalError, 403 AccessDenied, a dropped connection, or a delay before
// forwarding (longer than the client's timeout). Afterwards requests pass through. It also
// records every request line (with its Range header), to count what a client asked.
//
// One request per connection: the proxy asks upstream to close after answering and closes
// the client connection after each answer, so every request is seen separately.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace frocket::test_support {

enum class ProxyFault { kSlowDown, kInternalError, kAccessDenied, kDrop, kDelay };

class FaultProxy {
 public:
  // Listens on a free loopback port and forwards to 127.0.0.1:`upstream_port`.
  explicit FaultProxy(int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The next requests get these faults, in order.
  void InjectFaults(std::vector<ProxyFault> faults);
  void SetDelay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }

  // "METHOD PATH?QUERY" (plus " range=bytes=a-b" when a Range header was sent) of every request
  // since the last ClearLog.
  std::vector<std::string> Requests() const;
  void ClearLog();

 private:
  void AcceptLoop();
  void Serve(int client);

  int upstream_port_;
  int port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> delay_ms_{1000};
  mutable std::mutex mutex_;
  std::deque<ProxyFault> faults_;
  std::vector<std::string> requests_;
  std::thread acceptor_;
  std::vector<std::thread> connections_;
};

}  // namespace frocket::test_support
