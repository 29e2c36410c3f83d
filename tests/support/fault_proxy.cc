#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace frocket::test_support {
namespace {

bool SendAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Reads one request (headers, and a body of Content-Length bytes). Nothing on EOF or error.
std::optional<std::string> ReadRequest(int fd, std::string* head_out) {
  std::string data;
  char buf[16384];
  size_t header_end = std::string::npos;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    data.append(buf, static_cast<size_t>(n));
  }
  std::string head = data.substr(0, header_end + 2);
  size_t length = 0;
  std::string lower = Lower(head);
  size_t cl = lower.find("\r\ncontent-length:");
  if (cl != std::string::npos) length = std::stoul(head.substr(cl + 17));
  while (data.size() < header_end + 4 + length) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    data.append(buf, static_cast<size_t>(n));
  }
  *head_out = head;
  return data;
}

std::string ErrorResponse(int status, const char* reason, const char* code) {
  std::string body = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>") +
                     code + "</Code><Message>injected by the test proxy</Message></Error>";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/xml\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

FaultProxy::FaultProxy(int upstream_port) : upstream_port_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("the fault proxy cannot listen on loopback");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  acceptor_.join();
  ::close(listen_fd_);
  for (std::thread& t : connections_) t.join();
}

void FaultProxy::InjectFaults(std::vector<ProxyFault> faults) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.assign(faults.begin(), faults.end());
}

std::vector<std::string> FaultProxy::Requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void FaultProxy::ClearLog() {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.clear();
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    // A client that never sends must not keep the proxy from stopping.
    timeval tv{5, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.emplace_back([this, client] { Serve(client); });
  }
}

void FaultProxy::Serve(int client) {
  std::string head;
  std::optional<std::string> request = ReadRequest(client, &head);
  if (!request) {
    ::close(client);
    return;
  }
  std::string line = head.substr(0, head.find("\r\n"));
  std::string entry = line.substr(0, line.rfind(' '));
  std::string lower = Lower(head);
  size_t range = lower.find("\r\nrange:");
  if (range != std::string::npos) {
    size_t end = head.find("\r\n", range + 2);
    std::string value = head.substr(range + 8, end - range - 8);
    value.erase(0, value.find_first_not_of(' '));
    entry += " range=" + value;
  }
  std::optional<ProxyFault> fault;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(entry);
    if (!faults_.empty()) {
      fault = faults_.front();
      faults_.pop_front();
    }
  }
  if (fault == ProxyFault::kSlowDown) {
    SendAll(client, ErrorResponse(503, "Slow Down", "SlowDown"));
  } else if (fault == ProxyFault::kInternalError) {
    SendAll(client, ErrorResponse(500, "Internal Server Error", "InternalError"));
  } else if (fault == ProxyFault::kAccessDenied) {
    SendAll(client, ErrorResponse(403, "Forbidden", "AccessDenied"));
  } else if (fault == ProxyFault::kDrop) {
    // Nothing: the connection closes without an answer.
  } else {
    if (fault == ProxyFault::kDelay) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    }
    // Forward with "Connection: close", so the answer ends when upstream closes.
    std::string forwarded = *request;
    size_t conn = lower.find("\r\nconnection:");
    if (conn != std::string::npos) {
      size_t end = forwarded.find("\r\n", conn + 2);
      forwarded.erase(conn, end - conn);
    }
    forwarded.insert(forwarded.find("\r\n") + 2, "Connection: close\r\n");
    int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
    if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        SendAll(upstream, forwarded)) {
      char buf[65536];
      ssize_t n;
      while ((n = ::recv(upstream, buf, sizeof buf, 0)) > 0) {
        if (!SendAll(client, std::string(buf, static_cast<size_t>(n)))) break;
      }
    }
    ::close(upstream);
  }
  ::shutdown(client, SHUT_RDWR);
  ::close(client);
}

}  // namespace frocket::test_support
