#include "cluster/task_protocol.h"

#include <cmath>

namespace frocket {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxIdBytes = 256;

json ParseObject(std::string_view text, const char* what) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) ThrowCorrupt(std::string(what) + " is not JSON");
  if (!doc.is_object()) ThrowCorrupt(std::string(what) + " is not a JSON object");
  return doc;
}

// An id that goes into key names and log lines: printable ASCII, bounded.
std::string IdField(const json& doc, const char* field, const char* what) {
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_string()) {
    ThrowCorrupt(std::string(what) + " has no string \"" + field + "\"");
  }
  const std::string& value = it->get_ref<const std::string&>();
  if (value.empty() || value.size() > kMaxIdBytes) {
    ThrowCorrupt(std::string(what) + ": \"" + field + "\" is empty or too long");
  }
  for (char c : value) {
    if (c < 0x21 || c > 0x7e) {
      ThrowCorrupt(std::string(what) + ": \"" + field + "\" holds a character other than " +
                   "printable ASCII");
    }
  }
  return value;
}

int64_t IntField(const json& doc, const char* field, const char* what, int64_t min, int64_t max) {
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_number_integer()) {
    ThrowCorrupt(std::string(what) + " has no integer \"" + field + "\"");
  }
  int64_t value = it->is_number_unsigned()
                      ? static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), INT64_MAX))
                      : it->get<int64_t>();
  if (value < min || value > max) {
    ThrowCorrupt(std::string(what) + ": \"" + field + "\" is out of range (" +
                 std::to_string(value) + ")");
  }
  return value;
}

void CheckVersion(const json& doc, const char* what) {
  int64_t version = IntField(doc, "v", what, 1, INT32_MAX);
  if (version > kTaskProtocolVersion) {
    ThrowNotSupported(std::string(what) + " has protocol version " + std::to_string(version) +
                      "; this frocket speaks version " + std::to_string(kTaskProtocolVersion) +
                      " (upgrade the workers)");
  }
}

}  // namespace

QueueKeys::QueueKeys(const std::string& p)
    : prefix(p), queue(p + "queue"), workers(p + "workers") {}

RequestKeys::RequestKeys(const std::string& prefix, const std::string& request_id) {
  const std::string base = prefix + "req:" + request_id + ":";
  job = base + "job";
  attempts = base + "attempts";
  status = base + "status";
  heartbeat = base + "heartbeat";
  result = base + "result";
  files = base + "files";
}

std::string AttemptField(int64_t task, int64_t attempt) {
  return std::to_string(task) + ":" + std::to_string(attempt);
}

std::string EncodeTaskMessage(const TaskMessage& message) {
  json doc = {{"frocket", "task"},  {"v", kTaskProtocolVersion}, {"requestId", message.request_id},
              {"run", message.run}, {"task", message.task},      {"attempt", message.attempt}};
  return doc.dump();
}

TaskMessage DecodeTaskMessage(std::string_view text) {
  constexpr const char* kWhat = "queue message";
  if (text.size() > kMaxTaskMessageBytes) {
    ThrowCorrupt("queue message is too long (" + std::to_string(text.size()) + " bytes)");
  }
  json doc = ParseObject(text, kWhat);
  auto kind = doc.find("frocket");
  if (kind == doc.end() || !kind->is_string() || kind->get<std::string>() != "task") {
    ThrowCorrupt("queue message is not a frocket task (no \"frocket\": \"task\")");
  }
  CheckVersion(doc, kWhat);
  TaskMessage out;
  out.request_id = IdField(doc, "requestId", kWhat);
  out.run = IdField(doc, "run", kWhat);
  out.task = IntField(doc, "task", kWhat, -1, INT32_MAX);
  out.attempt = IntField(doc, "attempt", kWhat, 0, INT32_MAX);
  if (out.task >= 0 && out.attempt < 1) {
    ThrowCorrupt("queue message names task " + std::to_string(out.task) + " but no attempt");
  }
  return out;
}

std::string EncodeJob(const JobDescriptor& job) {
  json doc = {{"frocket", "job"},
              {"v", kTaskProtocolVersion},
              {"requestId", job.request_id},
              {"run", job.run},
              {"heartbeatMs", job.heartbeat_interval.count()},
              {"query", job.query_text},
              {"dataset", job.dataset}};
  return doc.dump();
}

JobDescriptor DecodeJob(std::string_view text) {
  constexpr const char* kWhat = "job descriptor";
  json doc = ParseObject(text, kWhat);
  auto kind = doc.find("frocket");
  if (kind == doc.end() || !kind->is_string() || kind->get<std::string>() != "job") {
    ThrowCorrupt("job descriptor is not a frocket job (no \"frocket\": \"job\")");
  }
  CheckVersion(doc, kWhat);
  JobDescriptor out;
  out.request_id = IdField(doc, "requestId", kWhat);
  out.run = IdField(doc, "run", kWhat);
  out.heartbeat_interval =
      std::chrono::milliseconds(IntField(doc, "heartbeatMs", kWhat, 1, 3'600'000));
  auto query = doc.find("query");
  if (query == doc.end() || !query->is_string()) ThrowCorrupt("job descriptor has no \"query\"");
  out.query_text = query->get<std::string>();
  auto dataset = doc.find("dataset");
  if (dataset == doc.end() || !dataset->is_object()) {
    ThrowCorrupt("job descriptor has no \"dataset\" object");
  }
  out.dataset = std::move(*dataset);
  return out;
}

const char* TaskStateName(TaskState state) {
  switch (state) {
    case TaskState::kQueued:
      return "QUEUED";
    case TaskState::kLoadingData:
      return "LOADING_DATA";
    case TaskState::kRunningQuery:
      return "RUNNING_QUERY";
    case TaskState::kEndedSuccess:
      return "ENDED_SUCCESS";
    case TaskState::kEndedFailed:
      return "ENDED_FAILED";
  }
  return "QUEUED";
}

std::string EncodeStatus(const AttemptStatus& status) {
  json doc = {{"status", TaskStateName(status.state)}};
  if (!status.worker.empty()) doc["worker"] = status.worker;
  if (status.pid != 0) doc["pid"] = status.pid;
  if (status.state == TaskState::kEndedFailed) {
    doc["error"] = status.error;
    if (status.error_kind) doc["errorKind"] = ErrorKindName(*status.error_kind);
  }
  if (status.state == TaskState::kEndedSuccess) doc["cacheHit"] = status.cache_hit;
  if (status.state == TaskState::kEndedSuccess || status.state == TaskState::kEndedFailed) {
    doc["seconds"] = status.seconds;
  }
  // Error messages may hold any bytes a file name or a library put there.
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

AttemptStatus DecodeStatus(std::string_view text) {
  json doc = ParseObject(text, "attempt status");
  AttemptStatus out;
  auto state = doc.find("status");
  if (state == doc.end() || !state->is_string()) ThrowCorrupt("attempt status has no \"status\"");
  const std::string& name = state->get_ref<const std::string&>();
  bool known = false;
  for (TaskState s : {TaskState::kQueued, TaskState::kLoadingData, TaskState::kRunningQuery,
                      TaskState::kEndedSuccess, TaskState::kEndedFailed}) {
    if (name == TaskStateName(s)) {
      out.state = s;
      known = true;
    }
  }
  if (!known) ThrowCorrupt("attempt status has an unknown state '" + name + "'");
  if (auto it = doc.find("worker"); it != doc.end() && it->is_string()) out.worker = *it;
  if (auto it = doc.find("pid"); it != doc.end() && it->is_number_integer()) out.pid = *it;
  if (auto it = doc.find("error"); it != doc.end() && it->is_string()) out.error = *it;
  if (auto it = doc.find("errorKind"); it != doc.end() && it->is_string()) {
    out.error_kind = ErrorKindFromName(it->get<std::string>());
  }
  if (auto it = doc.find("cacheHit"); it != doc.end() && it->is_boolean()) out.cache_hit = *it;
  if (auto it = doc.find("seconds"); it != doc.end() && it->is_number()) {
    double seconds = it->get<double>();
    if (std::isfinite(seconds) && seconds >= 0) out.seconds = seconds;
  }
  return out;
}

std::optional<ErrorKind> ErrorKindFromName(std::string_view name) {
  for (ErrorKind kind :
       {ErrorKind::kInvalidArgument, ErrorKind::kCorruptFile, ErrorKind::kNotSupported,
        ErrorKind::kIo, ErrorKind::kUnavailable, ErrorKind::kTimeout, ErrorKind::kInternal}) {
    if (name == ErrorKindName(kind)) return kind;
  }
  return std::nullopt;
}

// Times are Redis's own clock in milliseconds, so that workers' and servers' clocks need not
// agree. They are built as text (seconds, then three digits of milliseconds) because Lua's
// number-to-text conversion may switch to exponent notation.
const char* const kClaimScript = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local task = ARGV[1]
local attempt
if task == '-1' then
  task = nil
  for i = 5, #ARGV do
    if redis.call('SREM', KEYS[4], ARGV[i]) == 1 then
      task = ARGV[i]
      break
    end
  end
  if not task then task = redis.call('SPOP', KEYS[4]) end
  if not task then return {-3} end
  attempt = redis.call('HGET', KEYS[1], task)
  if not attempt then return {-1} end
else
  attempt = ARGV[2]
  if redis.call('HGET', KEYS[1], task) ~= attempt then return {-1} end
end
local field = task .. ':' .. attempt
if redis.call('HEXISTS', KEYS[3], field) == 1 then return {-2} end
local t = redis.call('TIME')
redis.call('HSET', KEYS[2], field, ARGV[3])
redis.call('HSET', KEYS[3], field, t[1] .. string.format('%03d', math.floor(t[2] / 1000)))
if redis.call('TTL', KEYS[3]) < 0 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
redis.call('HINCRBY', KEYS[1], 'changes', 1)
return {1, tonumber(task), tonumber(attempt)}
)lua";

const char* const kUpdateScript = R"lua(
if redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[3] then return 0 end
local t = redis.call('TIME')
redis.call('HSET', KEYS[3], ARGV[1], t[1] .. string.format('%03d', math.floor(t[2] / 1000)))
if ARGV[4] ~= '' then
  if ARGV[7] == '1' then
    redis.call('HSET', KEYS[4], ARGV[1], ARGV[5])
    if redis.call('TTL', KEYS[4]) < 0 then redis.call('EXPIRE', KEYS[4], ARGV[6]) end
  end
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
  redis.call('HINCRBY', KEYS[1], 'changes', 1)
end
return 1
)lua";

const char* const kRetryScript = R"lua(
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
local st = redis.call('HGET', KEYS[2], ARGV[1] .. ':' .. ARGV[2])
if st and ARGV[4] ~= '1' then
  local ok, doc = pcall(cjson.decode, st)
  if ok and type(doc) == 'table' and doc.status == 'ENDED_SUCCESS' then return 0 end
end
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HSET', KEYS[2], ARGV[1] .. ':' .. n, ARGV[3])
return n
)lua";

const char* const kRecoverScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1] .. string.format('%03d', math.floor(t[2] / 1000)))
local entries = redis.call('HGETALL', KEYS[1])
local moved = 0
for i = 1, #entries, 2 do
  local seen = tonumber(entries[i + 1])
  if seen == nil or now - seen > tonumber(ARGV[2]) then
    local list = ARGV[1] .. 'processing:' .. entries[i]
    while redis.call('LMOVE', list, KEYS[2], 'RIGHT', 'RIGHT') do moved = moved + 1 end
    redis.call('HDEL', KEYS[1], entries[i])
  end
end
return moved
)lua";

const char* const kRegisterScript = R"lua(
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], t[1] .. string.format('%03d', math.floor(t[2] / 1000)))
return 1
)lua";

}  // namespace frocket
