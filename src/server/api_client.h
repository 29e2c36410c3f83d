// A client of the frocket HTTP API, for the CLI's --server mode. http:// only.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace frocket::server {

class ApiClient {
 public:
  // `url`: http://host[:port]. Throws Error(kInvalidArgument) for anything else (https
  // included: this build speaks plain HTTP).
  explicit ApiClient(const std::string& url);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  const std::string& url() const { return url_; }

  struct Reply {
    int status = 0;
    nlohmann::ordered_json body;  // the JSON answer (the final line of a stream)
  };

  // Sends a request and returns the status and the parsed answer, whatever the status. With
  // `on_line`, asks for a stream (the caller puts ?stream=true in `path`) and passes each line
  // but the last to it; the last one is the reply's body. Throws Error(kUnavailable) naming
  // the URL when the server cannot be reached, Error(kIo) when the answer is not JSON.
  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             const std::function<void(const nlohmann::ordered_json&)>& on_line = nullptr);

  // Send, then: a 2xx answer's body is returned; otherwise throws Error carrying the server's
  // message: kInvalidArgument for 4xx but 429 (exit code 2), kTimeout for 504, kUnavailable for
  // 503 and 429, kIo for 502, kInternal otherwise (exit code 1).
  nlohmann::ordered_json Call(const std::string& method, const std::string& path,
                              const std::string& body = "");

 private:
  std::string url_;
  std::string host_;
  int port_ = 80;
};

// The text of an error document: "message (at /path)" ("" when `doc` is not one).
std::string ApiErrorText(const nlohmann::ordered_json& doc);

// Throws the Error Call throws for this status and error document.
[[noreturn]] void ThrowApiReplyError(int status, const nlohmann::ordered_json& doc,
                                     const std::string& url);

}  // namespace frocket::server
