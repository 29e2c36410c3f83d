// A small client for Redis over hiredis 0.14: URL parsing, one connection with timeouts,
// commands given as argument vectors (binary-safe), pipelines, and a pool of connections. This
// is the only place in frocket that includes hiredis.
//
// Errors: anything that keeps a command from being answered (refused connection, timeout, a
// connection reset, bad credentials, Redis still loading) throws Error(kUnavailable) naming
// host:port (never the password). An error reply to a command (a script error, a wrong type)
// throws Error(kInternal) with Redis's text, since it means frocket sent something wrong. After
// a connection error the connection is closed and the next command opens a new one; a command
// is never resent on its own, because it may already have run.
//
// The first connection sets SIGPIPE to be ignored when it has the default action, because
// hiredis writes with write(2) and a write to a connection Redis closed would end the process.
//
// Thread safety: a RedisConnection is used by one thread at a time. RedisPool hands out
// connections to many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

namespace frocket {

// redis://[user:password@]host[:port][/db]. Port 6379 and db 0 when absent; user and password
// may be percent-encoded; an IPv6 host is written in brackets ([::1]:6379).
struct RedisUrl {
  std::string host;
  int port = 6379;
  std::string user;
  std::string password;
  int db = 0;

  // "host:port" or "host:port/db": what error messages and logs show. Never the password.
  std::string Display() const;
};

// Throws Error(kInvalidArgument) for anything else, rediss:// included (this build's hiredis has
// no TLS). The message never repeats the password.
RedisUrl ParseRedisUrl(const std::string& url);

// A reply, copied out of hiredis.
struct RedisReply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  int64_t integer = 0;
  std::vector<RedisReply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
  // kString/kStatus text; throws Error(kInternal) for other types (`what` names the command).
  const std::string& AsString(std::string_view what) const;
  // kInteger, or a kString holding a decimal integer; throws Error(kInternal) otherwise.
  int64_t AsInteger(std::string_view what) const;
};

using RedisCommand = std::vector<std::string>;

class RedisConnection {
 public:
  // Does not connect yet. `command_timeout` bounds connecting and each reply; a connection that
  // sends blocking commands (BLMOVE with a wait of w) needs a timeout above w.
  RedisConnection(RedisUrl url, std::chrono::milliseconds command_timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  const RedisUrl& url() const { return url_; }

  // Sends one command and returns its reply. Error replies throw Error(kInternal).
  RedisReply Command(const RedisCommand& argv);
  // Sends every command in one write and reads every reply: one round trip. Error replies are
  // returned as kError replies (so MULTI/EXEC and partial failures can be inspected), not thrown.
  std::vector<RedisReply> Pipeline(const std::vector<RedisCommand>& commands);
  // Checks that a connection is open and answers (PING), opening a new one once when an old
  // one has gone stale (Redis restarted while it was idle). Throws Error(kUnavailable).
  void EnsureConnected();
  // Closes the connection; the next command reconnects.
  void Close();
  // How long since the last reply (or since the connection was created).
  std::chrono::steady_clock::duration IdleTime() const;

 private:
  void Connect();
  [[noreturn]] void FailConnection(const std::string& doing);

  RedisUrl url_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
  std::chrono::steady_clock::time_point last_reply_ = std::chrono::steady_clock::now();
};

// Up to `max_idle` idle connections shared by threads; Acquire opens a new one when none is
// idle, so concurrency is never limited by the pool. A connection idle for more than a second
// is checked (EnsureConnected) before it is handed out, so that the first request after a
// Redis restart does not fail on a stale connection.
class RedisPool {
 public:
  RedisPool(RedisUrl url, std::chrono::milliseconds command_timeout, size_t max_idle = 8);
  ~RedisPool();

  class Lease {
   public:
    Lease(RedisPool* pool, std::unique_ptr<RedisConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    RedisConnection* operator->() { return connection_.get(); }
    RedisConnection& operator*() { return *connection_; }

   private:
    RedisPool* pool_;
    std::unique_ptr<RedisConnection> connection_;
  };

  Lease Acquire();
  const RedisUrl& url() const { return url_; }

 private:
  void Release(std::unique_ptr<RedisConnection> connection);

  RedisUrl url_;
  std::chrono::milliseconds timeout_;
  size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
};

}  // namespace frocket
