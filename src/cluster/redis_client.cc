#include "cluster/redis_client.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <cctype>
#include <charconv>

#include "common/error.h"

namespace frocket {
namespace {

constexpr const char* kUrlShape = "redis://[user:password@]host[:port][/db]";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a user or password. `what` names the part for the error, which never shows
// the text itself (it may be a password).
std::string PercentDecode(std::string_view text, const char* what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      ThrowInvalid(std::string("bad percent escape in the ") + what + " of the Redis URL");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool ParseInt(std::string_view text, int min, int max, int* out) {
  if (text.empty() || text.size() > 9) return false;
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply CopyReply(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(CopyReply(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
      break;
  }
  return out;
}

struct ReplyDeleter {
  void operator()(void* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<void, ReplyDeleter>;

// Replies that mean "not now" rather than "frocket sent something wrong".
bool IsUnavailableReply(const std::string& text) {
  for (const char* prefix :
       {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "NOAUTH", "WRONGPASS", "NOPERM", "READONLY"}) {
    if (text.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string CommandName(const RedisCommand& argv) {
  return argv.empty() ? std::string("(empty)") : argv[0];
}

}  // namespace

std::string RedisUrl::Display() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string out = h + ":" + std::to_string(port);
  if (db != 0) out += "/" + std::to_string(db);
  return out;
}

RedisUrl ParseRedisUrl(const std::string& url) {
  if (url.rfind("rediss://", 0) == 0) {
    ThrowInvalid(
        "rediss:// (Redis over TLS) is not supported by this build (hiredis 0.14 has no TLS); "
        "use a redis:// URL through a TLS tunnel such as stunnel or spiped");
  }
  if (url.rfind("redis://", 0) != 0) {
    ThrowInvalid(std::string("a Redis URL must look like ") + kUrlShape +
                 (url.find('@') == std::string::npos ? ", not '" + url + "'" : ""));
  }
  std::string_view rest(url);
  rest.remove_prefix(8);
  RedisUrl out;
  // Credentials end at the last '@' before the path, so a password may contain '@' unescaped.
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view credentials = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    size_t colon = credentials.find(':');
    if (colon == std::string_view::npos) {
      out.user = PercentDecode(credentials, "user");
    } else {
      out.user = PercentDecode(credentials.substr(0, colon), "user");
      out.password = PercentDecode(credentials.substr(colon + 1), "password");
    }
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) ThrowInvalid("unclosed '[' in the host of a Redis URL");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') ThrowInvalid("unexpected text after ']' in the host of a Redis URL");
      port_text = after.substr(1);
      if (port_text.empty()) ThrowInvalid("empty port in the Redis URL");
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) ThrowInvalid("empty port in the Redis URL");
    }
  }
  if (out.host.empty()) {
    ThrowInvalid(std::string("the Redis URL has no host; expected ") + kUrlShape);
  }
  if (!port_text.empty() && !ParseInt(port_text, 1, 65535, &out.port)) {
    ThrowInvalid("bad port '" + std::string(port_text) + "' in the Redis URL (expected 1..65535)");
  }
  if (!path.empty() && !ParseInt(path, 0, 1 << 20, &out.db)) {
    ThrowInvalid("bad database number '" + std::string(path) +
                 "' in the Redis URL (expected a number such as /0)");
  }
  return out;
}

const std::string& RedisReply::AsString(std::string_view what) const {
  if (type != Type::kString && type != Type::kStatus) {
    throw Error(ErrorKind::kInternal,
                "unexpected reply type from Redis to " + std::string(what) + ": " +
                    (type == Type::kError ? str : std::string("not a string")));
  }
  return str;
}

int64_t RedisReply::AsInteger(std::string_view what) const {
  if (type == Type::kInteger) return integer;
  if (type == Type::kString) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(str.data(), str.data() + str.size(), value);
    if (ec == std::errc() && ptr == str.data() + str.size() && !str.empty()) return value;
  }
  throw Error(ErrorKind::kInternal,
              "unexpected reply from Redis to " + std::string(what) + ": not an integer");
}

RedisConnection::RedisConnection(RedisUrl url, std::chrono::milliseconds command_timeout)
    : url_(std::move(url)), timeout_(command_timeout) {
  // hiredis writes with write(2), so a write to a connection Redis has closed would raise
  // SIGPIPE and end the process. Ignore it (when nobody installed a handler) so that the write
  // fails with EPIPE and becomes Error(kUnavailable) instead.
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current = {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
  });
}

RedisConnection::~RedisConnection() { Close(); }

void RedisConnection::Close() {
  if (context_) redisFree(context_);
  context_ = nullptr;
}

void RedisConnection::FailConnection(const std::string& doing) {
  std::string reason = context_ && context_->err ? context_->errstr : "connection failed";
  if (context_ && context_->err == REDIS_ERR_EOF) reason = "the server closed the connection";
  Close();
  throw Error(ErrorKind::kUnavailable,
              "Redis at " + url_.Display() + " is unavailable (" + doing + "): " + reason);
}

void RedisConnection::Connect() {
  Close();
  context_ = redisConnectWithTimeout(url_.host.c_str(), url_.port, ToTimeval(timeout_));
  if (context_ == nullptr) {
    throw Error(ErrorKind::kUnavailable,
                "Redis at " + url_.Display() + " is unavailable: cannot allocate a connection");
  }
  if (context_->err) FailConnection("connecting");
  if (redisSetTimeout(context_, ToTimeval(timeout_)) != REDIS_OK) FailConnection("connecting");
  // Authentication and database selection go in one round trip.
  std::vector<RedisCommand> setup;
  if (!url_.password.empty()) {
    if (url_.user.empty()) {
      setup.push_back({"AUTH", url_.password});
    } else {
      setup.push_back({"AUTH", url_.user, url_.password});
    }
  }
  if (url_.db != 0) setup.push_back({"SELECT", std::to_string(url_.db)});
  if (setup.empty()) return;
  std::vector<RedisReply> replies = Pipeline(setup);
  for (size_t i = 0; i < replies.size(); ++i) {
    if (!replies[i].is_error()) continue;
    // AUTH's error text says only WRONGPASS / ERR invalid password, never the password.
    std::string what = setup[i][0] == "AUTH" ? "authentication failed" : "SELECT failed";
    std::string text = replies[i].str;
    Close();
    throw Error(ErrorKind::kUnavailable, "Redis at " + url_.Display() + ": " + what + ": " + text);
  }
}

void RedisConnection::EnsureConnected() {
  if (context_ == nullptr) {
    Connect();
    return;
  }
  try {
    Command({"PING"});
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kUnavailable) throw;
    Connect();
  }
}

RedisReply RedisConnection::Command(const RedisCommand& argv) {
  std::vector<RedisReply> replies = Pipeline({argv});
  if (replies[0].is_error()) {
    const std::string& text = replies[0].str;
    throw Error(IsUnavailableReply(text) ? ErrorKind::kUnavailable : ErrorKind::kInternal,
                "Redis at " + url_.Display() + " answered " + CommandName(argv) + " with: " + text);
  }
  return std::move(replies[0]);
}

std::vector<RedisReply> RedisConnection::Pipeline(const std::vector<RedisCommand>& commands) {
  if (context_ == nullptr) Connect();
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const RedisCommand& command : commands) {
    args.clear();
    lengths.clear();
    for (const std::string& arg : command) {
      args.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), args.data(),
                               lengths.data()) != REDIS_OK) {
      FailConnection("sending " + CommandName(command));
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (const RedisCommand& command : commands) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      FailConnection("waiting for the reply to " + CommandName(command));
    }
    ReplyPtr reply(raw);
    replies.push_back(CopyReply(static_cast<redisReply*>(raw)));
  }
  last_reply_ = std::chrono::steady_clock::now();
  return replies;
}

std::chrono::steady_clock::duration RedisConnection::IdleTime() const {
  return std::chrono::steady_clock::now() - last_reply_;
}

RedisPool::RedisPool(RedisUrl url, std::chrono::milliseconds command_timeout, size_t max_idle)
    : url_(std::move(url)), timeout_(command_timeout), max_idle_(max_idle) {}

RedisPool::~RedisPool() = default;

RedisPool::Lease::~Lease() {
  if (connection_) pool_->Release(std::move(connection_));
}

RedisPool::Lease RedisPool::Acquire() {
  std::unique_ptr<RedisConnection> connection;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!connection) return Lease(this, std::make_unique<RedisConnection>(url_, timeout_));
  Lease lease(this, std::move(connection));
  if (lease->IdleTime() > std::chrono::seconds(1)) lease->EnsureConnected();
  return lease;
}

void RedisPool::Release(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
}

}  // namespace frocket
