// A throwaway S3 for tests: s3rver (npm, from FROCKET_TEST_NODE_MODULES) on a free loopback
// port with a temporary data directory, stopped and removed at scope exit. Requests go through
// frocket's own S3 client (path style, credentials S3RVER / S3RVER, which s3rver accepts
// without checking signatures).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "storage/s3_client.h"
#include "support/background_process.h"

namespace frocket::test_support {

class S3TestServer {
 public:
  // Why s3rver cannot run here (no node, no FROCKET_TEST_NODE_MODULES, s3rver not installed),
  // or nothing.
  static std::optional<std::string> SkipReason();

  // Starts s3rver and waits until it accepts connections. Throws std::runtime_error when it
  // does not come up.
  S3TestServer();
  ~S3TestServer();
  S3TestServer(const S3TestServer&) = delete;
  S3TestServer& operator=(const S3TestServer&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // A client configuration for `endpoint` (default: this server) with small timeouts and
  // backoff, so failing tests stay fast.
  S3Config Config(const std::string& endpoint = "") const;
  // Environment for a `frocket` child process that talks to `endpoint` (default: this server).
  EnvironmentList Env(const std::string& endpoint = "") const;
  const S3Client& client() const { return *client_; }

  // Uploads every regular file directly in `directory` to s3://bucket/prefix/NAME.
  void UploadDirectory(const std::string& directory, const std::string& bucket,
                       const std::string& prefix) const;
  std::string Log() const { return process_->Log(); }

 private:
  int port_ = 0;
  std::string data_dir_;
  std::unique_ptr<BackgroundProcess> process_;
  std::unique_ptr<S3Client> client_;
};

}  // namespace frocket::test_support
