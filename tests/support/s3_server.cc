#include "support/s3_server.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace frocket::test_support {
namespace {

std::string S3rverScript() {
  const char* modules = std::getenv("FROCKET_TEST_NODE_MODULES");
  return std::string(modules == nullptr ? "" : modules) + "/s3rver/bin/s3rver.js";
}

}  // namespace

std::optional<std::string> S3TestServer::SkipReason() {
  if (auto reason = NodeSkipReason()) return reason;
  if (!std::filesystem::exists(S3rverScript())) {
    return "s3rver is not installed in FROCKET_TEST_NODE_MODULES (npm ci in tests/interop)";
  }
  return std::nullopt;
}

S3TestServer::S3TestServer() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/frocket_s3rver_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
  data_dir_ = tmpl;
  port_ = FreeLoopbackPort();
  // Without the legacy provider, s3rver answers 500 to any truncated listing on Node 20.
  process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"node", "--openssl-legacy-provider", S3rverScript(), "-d", data_dir_,
                               "-a", "127.0.0.1", "-p", std::to_string(port_), "--silent"});
  if (!WaitForPort(port_, std::chrono::milliseconds(15000))) {
    throw std::runtime_error("s3rver did not start on port " + std::to_string(port_) + ": " +
                             process_->Log());
  }
  client_ = std::make_unique<S3Client>(Config());
}

S3TestServer::~S3TestServer() {
  process_.reset();
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
}

S3Config S3TestServer::Config(const std::string& endpoint) const {
  S3Config c;
  c.endpoint = endpoint.empty() ? this->endpoint() : endpoint;
  c.credentials.access_key_id = "S3RVER";
  c.credentials.secret_access_key = "S3RVER";
  c.max_attempts = 4;
  c.connect_timeout_ms = 2000;
  c.timeout_ms = 5000;
  c.backoff_base_ms = 5;
  c.backoff_max_ms = 50;
  return c;
}

EnvironmentList S3TestServer::Env(const std::string& endpoint) const {
  return {{"FROCKET_S3_ENDPOINT", endpoint.empty() ? this->endpoint() : endpoint},
          {"AWS_ACCESS_KEY_ID", "S3RVER"},
          {"AWS_SECRET_ACCESS_KEY", "S3RVER"},
          {"AWS_SESSION_TOKEN", std::nullopt},
          {"AWS_REGION", "us-east-1"},
          {"FROCKET_S3_MAX_ATTEMPTS", "3"},
          {"FROCKET_S3_TIMEOUT_SECONDS", "5"},
          {"FROCKET_S3_RETRY_BASE_MS", "5"}};
}

void S3TestServer::UploadDirectory(const std::string& directory, const std::string& bucket,
                                   const std::string& prefix) const {
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    client_->PutObject(bucket, prefix.empty() ? name : prefix + "/" + name,
                       ReadWholeFile(entry.path().string()));
  }
}

}  // namespace frocket::test_support
