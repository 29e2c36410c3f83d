// The HTTP API server (`frocket serve`): the endpoints of docs/api.md over a metadata store
// (where datasets are registered) and a query invoker (who runs the tasks).
//
// Limits: request bodies over max_body_bytes answer 413; beyond max_concurrent_queries queries
// running at once a query answers 429 at once (streamed or not); a query running past
// query_timeout answers 504. A client that disconnects while its query runs has the query
// cancelled. Every error is the JSON document of api_errors.h with its status.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "catalog/metadata_store.h"
#include "cluster/invoker.h"

namespace frocket::server {

struct ApiServerOptions {
  std::string bind = "127.0.0.1";
  int port = 5000;  // 0: any free port (see ApiServer::port)
  size_t max_body_bytes = 1 << 20;
  int max_concurrent_queries = 32;
  std::chrono::milliseconds query_timeout{120000};  // zero: no limit
  int64_t unregister_guard_seconds = 30;            // zero: no guard
  bool uses_redis = false;                          // /health then reports "redis"
  // Receives one line per request answered (for stderr); empty: no request log.
  std::function<void(const std::string&)> request_log;
};

class ApiServer {
 public:
  ApiServer(ApiServerOptions options, std::shared_ptr<MetadataStore> store,
            std::shared_ptr<QueryInvoker> invoker);
  ~ApiServer();  // Stop()
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and listens. Throws Error(kUnavailable) naming bind:port when that fails.
  void Bind();
  // Serves until Stop(). Bind() first.
  void Serve();
  // Bind() and Serve() on a background thread (tests).
  void Start();
  // Cancels the running queries (their clients get 503 UNAVAILABLE), stops accepting and
  // waits for the requests in progress. Any thread; idempotent.
  void Stop();

  int port() const;  // the bound port, once bound

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace frocket::server
