#include "server/api_client.h"

#include <httplib.h>

#include <chrono>

#include "common/error.h"

namespace frocket::server {
namespace {

using Json = nlohmann::ordered_json;

Json ParseAnswer(const std::string& text, const std::string& where) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    std::string start = text.substr(0, 200);
    ThrowIo("the answer of " + where + " is not JSON: " + start);
  }
  return doc;
}

}  // namespace

ApiClient::ApiClient(const std::string& url) : url_(url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    ThrowInvalid("--server must be an http:// URL (http://host:port), not '" + url + "'");
  }
  std::string rest = url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos || rest.find('@') != std::string::npos) {
    ThrowInvalid("--server must be http://host[:port] without a path, not '" + url + "'");
  }
  const size_t colon = rest.rfind(':');
  host_ = rest;
  if (colon != std::string::npos && (rest[0] != '[' || rest.find(']') < colon)) {
    host_ = rest.substr(0, colon);
    const std::string port = rest.substr(colon + 1);
    char* end = nullptr;
    long value = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || value < 1 || value > 65535) {
      ThrowInvalid("bad port in --server '" + url + "'");
    }
    port_ = static_cast<int>(value);
  }
  if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']') {
    host_ = host_.substr(1, host_.size() - 2);
  }
  url_ = scheme + rest;
}

ApiClient::~ApiClient() = default;

ApiClient::Reply ApiClient::Send(const std::string& method, const std::string& path,
                                 const std::string& body,
                                 const std::function<void(const Json&)>& on_line) {
  httplib::Client client(host_, port_);
  client.set_connection_timeout(std::chrono::seconds(10));
  // The server enforces the query timeout; the client only guards against a dead peer.
  client.set_read_timeout(std::chrono::hours(24));
  client.set_write_timeout(std::chrono::seconds(60));

  httplib::Request req;
  req.method = method;
  req.path = path;
  if (method == "POST") {
    req.body = body;
    req.set_header("Content-Type", "application/json");
  }
  int status = 0;
  req.response_handler = [&status](const httplib::Response& res) {
    status = res.status;
    return true;
  };
  std::string received;
  std::string last_line;
  req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    received.append(data, size);
    if (!on_line || status != 200) return true;
    // Every complete line but the newest is progress: the newest may be the final document.
    size_t newline;
    while ((newline = received.find('\n')) != std::string::npos) {
      std::string line = received.substr(0, newline);
      received.erase(0, newline + 1);
      if (line.empty()) continue;
      if (!last_line.empty()) on_line(ParseAnswer(last_line, url_ + path));
      last_line = std::move(line);
    }
    return true;
  };
  httplib::Result result = client.send(req);
  if (!result) {
    throw Error(ErrorKind::kUnavailable, "cannot reach the frocket server at " + url_ + " (" +
                                             httplib::to_string(result.error()) + ")");
  }
  Reply reply;
  reply.status = result->status;
  if (on_line && reply.status == 200) {
    while (!received.empty() && (received.back() == '\n' || received.back() == '\r')) {
      received.pop_back();
    }
    if (!received.empty()) {
      if (!last_line.empty()) on_line(ParseAnswer(last_line, url_ + path));
      last_line = received;
    }
    if (last_line.empty()) ThrowIo("the stream from " + url_ + path + " ended without a result");
    reply.body = ParseAnswer(last_line, url_ + path);
    return reply;
  }
  reply.body = ParseAnswer(received, url_ + path);
  return reply;
}

Json ApiClient::Call(const std::string& method, const std::string& path, const std::string& body) {
  Reply reply = Send(method, path, body);
  if (reply.status < 200 || reply.status > 299) ThrowApiReplyError(reply.status, reply.body, url_);
  return reply.body;
}

std::string ApiErrorText(const Json& doc) {
  if (!doc.is_object()) return "";
  std::string message;
  const Json* error = doc.contains("error") && doc["error"].is_object() ? &doc["error"] : nullptr;
  if (error && (*error).contains("message") && (*error)["message"].is_string()) {
    message = (*error)["message"].get<std::string>();
  } else if (doc.contains("errorMessage") && doc["errorMessage"].is_string()) {
    message = doc["errorMessage"].get<std::string>();
  }
  if (error && (*error).contains("path") && (*error)["path"].is_string() &&
      !(*error)["path"].get<std::string>().empty()) {
    message += " (at " + (*error)["path"].get<std::string>() + ")";
  }
  return message;
}

void ThrowApiReplyError(int status, const Json& doc, const std::string& url) {
  std::string message = ApiErrorText(doc);
  if (message.empty())
    message = "the server at " + url + " answered HTTP " + std::to_string(status);
  if (status == 504) throw Error(ErrorKind::kTimeout, message);
  if (status == 503 || status == 429) throw Error(ErrorKind::kUnavailable, message);
  if (status == 502) throw Error(ErrorKind::kIo, message);
  if (status >= 400 && status < 500) throw Error(ErrorKind::kInvalidArgument, message);
  throw Error(ErrorKind::kInternal, message);
}

}  // namespace frocket::server
