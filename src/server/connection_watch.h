// Noticing that an HTTP client went away while its request is still being worked on, so a long
// query can be cancelled instead of running for nobody.
//
// cpp-httplib 0.11 does not hand request handlers their connection, so the watch finds the
// connection's socket among this process's descriptors by its two endpoints (the request's
// local and remote address and port, unique while the connection is open) and then polls it
// for the peer's hang-up. When the socket cannot be found the watch never reports a hang-up:
// the query then runs to its end or its timeout, as it would without the watch.
#pragma once

#include <string>

namespace frocket::server {

class ConnectionWatch {
 public:
  ConnectionWatch(const std::string& local_addr, int local_port, const std::string& remote_addr,
                  int remote_port);

  // True once the peer closed the connection (or it failed). Cheap: one poll(2) with no wait.
  bool PeerClosed() const;

  bool found() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace frocket::server
