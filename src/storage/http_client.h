// A small synchronous HTTP client over libcurl, shared by the S3 client, the Lambda invoker and
// the CLI. One request at a time per calling thread; every thread keeps its own curl handle, so
// connections (and TLS sessions) are reused between a thread's requests and threads never share
// a handle.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace frocket {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE, ...
  std::string url;
  HttpHeaders headers;
  std::string body;  // sent for any method when non-empty, and always for PUT and POST
  int64_t connect_timeout_ms = 5000;
  int64_t timeout_ms = 30000;  // the whole exchange; 0: none
  // When set, the body of a 2xx response is handed here in pieces instead of being kept in
  // HttpResponse::body (large downloads); returning false aborts the transfer (Error(kIo)).
  // Error responses are always kept in body, so their message can be reported.
  std::function<bool(const char* data, size_t size)> body_sink;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // names as the server sent them; the last response's only
  std::string body;

  // The value of the first header named `name`, compared case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
};

// Performs one request. Any HTTP status is a response (the caller decides what 4xx/5xx mean);
// a failure to get a response throws Error(kTimeout) when a timeout ran out, Error(kUnavailable)
// when the host could not be resolved or connected to, and Error(kIo) otherwise (connection
// reset, malformed response), each naming the method and URL and curl's explanation.
// Thread-safe.
HttpResponse PerformHttpRequest(const HttpRequest& request);

// Initializes libcurl once per process (thread-safe; PerformHttpRequest calls it).
void EnsureCurlInitialized();

}  // namespace frocket
