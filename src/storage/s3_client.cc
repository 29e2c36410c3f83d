#include "storage/s3_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "common/error.h"

namespace frocket {
namespace {

std::string GetEnv(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

int64_t EnvInteger(const char* name, int64_t fallback, int64_t min, int64_t max) {
  std::string text = GetEnv(name);
  if (text.empty()) return fallback;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '\0' || v < min || v > max) {
    ThrowInvalid(std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                 std::to_string(max) + "; got '" + text + "'");
  }
  return v;
}

double EnvSeconds(const char* name, double fallback) {
  std::string text = GetEnv(name);
  if (text.empty()) return fallback;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v > 0) || v > 86400) {
    ThrowInvalid(std::string(name) + " must be a positive number of seconds; got '" + text + "'");
  }
  return v;
}

// The inner text of the first <tag>...</tag> in `xml` at or after `from`, or npos.
struct Element {
  size_t begin = std::string_view::npos;  // of the inner text
  size_t end = 0;                         // of the inner text
  size_t after = 0;                       // past the closing tag
};

Element FindElement(std::string_view xml, std::string_view tag, size_t from = 0) {
  Element e;
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  size_t pos = from;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    size_t name_end = pos + open.size();
    if (name_end >= xml.size()) return e;
    char next = xml[name_end];
    if (next != '>' && next != ' ' && next != '/' && next != '\t' && next != '\n' && next != '\r') {
      pos = name_end;  // a longer tag name (<KeyCount> when looking for <Key>)
      continue;
    }
    size_t gt = xml.find('>', name_end);
    if (gt == std::string_view::npos) return e;
    if (xml[gt - 1] == '/') {  // <Tag/>: empty
      e.begin = e.end = gt + 1;
      e.after = gt + 1;
      return e;
    }
    size_t closing = xml.find(close, gt + 1);
    if (closing == std::string_view::npos) return e;
    e.begin = gt + 1;
    e.end = closing;
    e.after = closing + close.size();
    return e;
  }
  return e;
}

std::string_view Inner(std::string_view xml, const Element& e) {
  return xml.substr(e.begin, e.end - e.begin);
}

std::string ElementText(std::string_view xml, std::string_view tag) {
  Element e = FindElement(xml, tag);
  if (e.begin == std::string_view::npos) return "";
  return DecodeXmlText(Inner(xml, e));
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string StripQuotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

bool IsRetryableStatus(long status, const std::string& code) {
  return status >= 500 || status == 429 || (status == 400 && code == "RequestTimeout");
}

// Uniform in [0, 1).
double Jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

bool IsTransportError(ErrorKind kind) {
  return kind == ErrorKind::kTimeout || kind == ErrorKind::kUnavailable || kind == ErrorKind::kIo;
}

}  // namespace

std::string DecodeXmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += '&';
      continue;
    }
    std::string_view entity = text.substr(i + 1, semi - i - 1);
    bool ok = true;
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (entity.size() >= 2 && entity[0] == '#') {
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::string digits(entity.substr(hex ? 2 : 1));
      char* end = nullptr;
      unsigned long cp = digits.empty() ? 0 : std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end != '\0' || cp == 0 || cp > 0x10FFFF) {
        ok = false;
      } else {
        AppendUtf8(static_cast<uint32_t>(cp), &out);
      }
    } else {
      ok = false;
    }
    if (!ok) {
      out.append(text.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

S3ListPage ParseListObjectsV2(std::string_view xml, const std::string& what) {
  if (FindElement(xml, "ListBucketResult").begin == std::string_view::npos) {
    ThrowIo(what + ": the listing answer is not a ListBucketResult document: " +
            std::string(xml.substr(0, 200)));
  }
  S3ListPage page;
  size_t pos = 0;
  for (;;) {
    Element e = FindElement(xml, "Contents", pos);
    if (e.begin == std::string_view::npos) break;
    std::string_view contents = Inner(xml, e);
    Element key = FindElement(contents, "Key");
    Element size = FindElement(contents, "Size");
    if (key.begin == std::string_view::npos || size.begin == std::string_view::npos) {
      ThrowIo(what +
              ": a listing entry lacks Key or Size: " + std::string(contents.substr(0, 200)));
    }
    S3Object object;
    object.key = DecodeXmlText(Inner(contents, key));
    std::string size_text(Inner(contents, size));
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(size_text.c_str(), &end, 10);
    if (size_text.empty() || *end != '\0' || errno != 0 || size_text[0] == '-') {
      ThrowIo(what + ": a listing entry has a malformed Size '" + size_text + "' for key '" +
              object.key + "'");
    }
    object.size = n;
    object.etag = StripQuotes(ElementText(contents, "ETag"));
    page.objects.push_back(std::move(object));
    pos = e.after;
  }
  pos = 0;
  for (;;) {
    Element e = FindElement(xml, "CommonPrefixes", pos);
    if (e.begin == std::string_view::npos) break;
    std::string_view inner = Inner(xml, e);
    Element prefix = FindElement(inner, "Prefix");
    if (prefix.begin != std::string_view::npos) {
      page.common_prefixes.push_back(DecodeXmlText(Inner(inner, prefix)));
    }
    pos = e.after;
  }
  page.truncated = ElementText(xml, "IsTruncated") == "true";
  page.next_continuation_token = ElementText(xml, "NextContinuationToken");
  return page;
}

std::string S3Location::ToString() const {
  return "s3://" + bucket + (key.empty() ? "" : "/" + key);
}

bool IsS3Url(std::string_view location) { return location.rfind("s3://", 0) == 0; }

S3Location ParseS3Url(std::string_view url) {
  if (!IsS3Url(url)) ThrowInvalid("not an s3:// URL: '" + std::string(url) + "'");
  std::string_view rest = url.substr(5);
  size_t slash = rest.find('/');
  S3Location out;
  out.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) out.key = std::string(rest.substr(slash + 1));
  if (out.bucket.empty()) ThrowInvalid("the S3 URL names no bucket: '" + std::string(url) + "'");
  // S3 bucket names: 3 to 63 lowercase letters, digits, dots and hyphens (older buckets may
  // hold uppercase letters and underscores, which are accepted too).
  for (char c : out.bucket) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      ThrowInvalid("the S3 URL has an invalid bucket name '" + out.bucket + "': '" +
                   std::string(url) + "'");
    }
  }
  return out;
}

S3Config S3Config::FromEnvironment() {
  S3Config c;
  c.credentials.access_key_id = GetEnv("AWS_ACCESS_KEY_ID");
  c.credentials.secret_access_key = GetEnv("AWS_SECRET_ACCESS_KEY");
  c.credentials.session_token = GetEnv("AWS_SESSION_TOKEN");
  std::string region = GetEnv("AWS_REGION");
  if (region.empty()) region = GetEnv("AWS_DEFAULT_REGION");
  if (!region.empty()) c.region = region;
  c.endpoint = GetEnv("FROCKET_S3_ENDPOINT");
  c.max_attempts = static_cast<int>(EnvInteger("FROCKET_S3_MAX_ATTEMPTS", 5, 1, 100));
  double timeout = EnvSeconds("FROCKET_S3_TIMEOUT_SECONDS", 30);
  c.timeout_ms = std::max<int64_t>(1, static_cast<int64_t>(timeout * 1000));
  c.connect_timeout_ms = std::min<int64_t>(5000, c.timeout_ms);
  c.backoff_base_ms = EnvInteger("FROCKET_S3_RETRY_BASE_MS", 100, 0, 60000);
  return c;
}

struct S3Client::Call {
  std::string method = "GET";
  std::string bucket;
  std::string key;
  std::vector<std::pair<std::string, std::string>> query;
  HttpHeaders headers;
  std::string body;
  std::string what;  // s3://bucket/key for messages
  // Called before every attempt (Download truncates its file there).
  std::function<void()> before_attempt;
  std::function<bool(const char*, size_t)> body_sink;
};

S3Client::S3Client(S3Config config) : config_(std::move(config)) {
  if (!config_.endpoint.empty()) {
    const std::string& e = config_.endpoint;
    size_t scheme = e.find("://");
    if (scheme == std::string::npos ||
        (e.substr(0, scheme) != "http" && e.substr(0, scheme) != "https")) {
      ThrowInvalid("FROCKET_S3_ENDPOINT must be an http:// or https:// URL; got '" + e + "'");
    }
    endpoint_scheme_ = e.substr(0, scheme);
    std::string rest = e.substr(scheme + 3);
    size_t slash = rest.find('/');
    endpoint_host_ = rest.substr(0, slash);
    if (slash != std::string::npos) endpoint_path_ = rest.substr(slash);
    while (!endpoint_path_.empty() && endpoint_path_.back() == '/') endpoint_path_.pop_back();
    if (endpoint_host_.empty()) ThrowInvalid("FROCKET_S3_ENDPOINT names no host: '" + e + "'");
    // curl leaves a default port out of the Host header; the signed host must match it.
    const std::string default_port = endpoint_scheme_ == "http" ? ":80" : ":443";
    if (endpoint_host_.size() > default_port.size() &&
        endpoint_host_.compare(endpoint_host_.size() - default_port.size(), default_port.size(),
                               default_port) == 0) {
      endpoint_host_.resize(endpoint_host_.size() - default_port.size());
    }
  }
  if (config_.max_attempts < 1) config_.max_attempts = 1;
}

HttpResponse S3Client::Send(const Call& call) const {
  // Where the request goes.
  std::string scheme, host, path;
  const std::string encoded_key = UriEncode(call.key, true);
  if (!endpoint_host_.empty()) {
    scheme = endpoint_scheme_;
    host = endpoint_host_;
    path = endpoint_path_ + "/" + call.bucket + (call.key.empty() ? "" : "/" + encoded_key);
  } else if (call.bucket.find('.') != std::string::npos) {
    scheme = "https";
    host = "s3." + config_.region + ".amazonaws.com";
    path = "/" + call.bucket + (call.key.empty() ? "" : "/" + encoded_key);
  } else {
    scheme = "https";
    host = call.bucket + ".s3." + config_.region + ".amazonaws.com";
    path = "/" + encoded_key;
  }
  const std::string query = CanonicalQueryString(call.query);
  HttpRequest request;
  request.method = call.method;
  request.url = scheme + "://" + host + path + (query.empty() ? "" : "?" + query);
  request.body = call.body;
  request.connect_timeout_ms = config_.connect_timeout_ms;
  request.timeout_ms = config_.timeout_ms;
  request.body_sink = call.body_sink;

  std::string last_failure;
  for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
    if (attempt > 1) {
      double cap =
          std::min<double>(static_cast<double>(config_.backoff_max_ms),
                           static_cast<double>(config_.backoff_base_ms) *
                               static_cast<double>(int64_t{1} << std::min(attempt - 2, 30)));
      std::this_thread::sleep_for(
          std::chrono::microseconds(static_cast<int64_t>(cap * 1000 * Jitter())));
    }
    // Signed per attempt: the signature carries the time, and S3 refuses stale ones.
    SigV4Request to_sign;
    to_sign.method = call.method;
    to_sign.host = host;
    to_sign.path = path;
    to_sign.query = call.query;
    to_sign.headers = call.headers;
    to_sign.payload_hash =
        call.body.empty() ? std::string(kEmptyPayloadSha256) : Sha256Hex(call.body);
    if (config_.credentials.empty()) {
      // Public buckets: no signature, but S3-compatible stores still want the payload hash.
      request.headers = call.headers;
      request.headers.emplace_back("x-amz-content-sha256", to_sign.payload_hash);
    } else {
      request.headers = SignSigV4(to_sign, config_.credentials, config_.region, "s3",
                                  AmzDate(std::chrono::system_clock::now()))
                            .headers;
    }
    if (call.before_attempt) call.before_attempt();
    requests_sent_.fetch_add(1);
    HttpResponse response;
    try {
      response = PerformHttpRequest(request);
    } catch (const Error& e) {
      if (!IsTransportError(e.kind())) throw;
      last_failure = e.what();
      continue;
    }
    if (response.status >= 200 && response.status < 300) return response;
    const std::string code = ElementText(response.body, "Code");
    const std::string message = ElementText(response.body, "Message");
    std::string detail = "HTTP " + std::to_string(response.status) +
                         (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
    if (IsRetryableStatus(response.status, code)) {
      last_failure = detail;
      continue;
    }
    if (response.status == 404) {
      if (code == "NoSuchBucket")
        ThrowIo(call.what + ": bucket '" + call.bucket + "' not found (404)");
      ThrowIo(call.what + ": object not found (404)");
    }
    if (response.status == 403) {
      ThrowIo(call.what + ": access denied (403" + (code.empty() ? "" : " " + code) + ")" +
              (message.empty() ? "" : ": " + message) +
              (config_.credentials.empty()
                   ? "; no credentials are set (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"
                   : "; check the credentials, AWS_REGION and the bucket's policy"));
    }
    ThrowIo(call.what + ": " + call.method + " failed: " + detail);
  }
  ThrowIo(call.what + ": " + call.method + " failed after " + std::to_string(config_.max_attempts) +
          " attempt" + (config_.max_attempts == 1 ? "" : "s") + "; last error: " + last_failure);
}

std::vector<S3Object> S3Client::ListObjects(const std::string& bucket, const std::string& prefix,
                                            const std::string& delimiter, int max_keys) const {
  std::vector<S3Object> out;
  std::string token;
  std::set<std::string> seen_tokens;
  const std::string what = S3Location{bucket, prefix}.ToString();
  for (;;) {
    Call call;
    call.bucket = bucket;
    call.what = what;
    call.query = {{"list-type", "2"}, {"prefix", prefix}};
    if (!delimiter.empty()) call.query.emplace_back("delimiter", delimiter);
    if (max_keys > 0) call.query.emplace_back("max-keys", std::to_string(max_keys));
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    HttpResponse response = Send(call);
    S3ListPage page = ParseListObjectsV2(response.body, what);
    for (S3Object& o : page.objects) out.push_back(std::move(o));
    if (!page.truncated) break;
    if (page.next_continuation_token.empty()) {
      ThrowIo(what + ": the listing is truncated but gives no NextContinuationToken");
    }
    if (!seen_tokens.insert(page.next_continuation_token).second) {
      ThrowIo(what + ": the listing repeats a continuation token; stopping");
    }
    token = page.next_continuation_token;
  }
  return out;
}

S3Object S3Client::HeadObject(const std::string& bucket, const std::string& key) const {
  Call call;
  call.method = "HEAD";
  call.bucket = bucket;
  call.key = key;
  call.what = S3Location{bucket, key}.ToString();
  HttpResponse response = Send(call);
  std::optional<std::string> length = response.Header("Content-Length");
  if (!length) ThrowIo(call.what + ": the HEAD answer has no Content-Length");
  S3Object out;
  out.key = key;
  char* end = nullptr;
  out.size = std::strtoull(length->c_str(), &end, 10);
  if (length->empty() || *end != '\0') {
    ThrowIo(call.what + ": the HEAD answer has a malformed Content-Length '" + *length + "'");
  }
  out.etag = StripQuotes(response.Header("ETag").value_or(""));
  return out;
}

std::string S3Client::GetRange(const std::string& bucket, const std::string& key, uint64_t first,
                               uint64_t last) const {
  Call call;
  call.bucket = bucket;
  call.key = key;
  call.what = S3Location{bucket, key}.ToString();
  call.headers.emplace_back("Range", "bytes=" + std::to_string(first) + "-" + std::to_string(last));
  const uint64_t expected = last - first + 1;
  HttpResponse response = Send(call);
  if (response.body.size() == expected && (response.status == 206 || first == 0)) {
    return std::move(response.body);
  }
  // A store that ignores the range sends the whole object (s3rver does so for bytes=0-0, even
  // with status 206).
  if (response.body.size() > last) return response.body.substr(first, expected);
  ThrowIo(call.what + ": asked bytes " + std::to_string(first) + "-" + std::to_string(last) +
          " but the object has " + std::to_string(response.body.size()) +
          " bytes (did it change since it was listed?)");
}

S3Object S3Client::Download(const std::string& bucket, const std::string& key,
                            const std::string& path) const {
  Call call;
  call.bucket = bucket;
  call.key = key;
  call.what = S3Location{bucket, key}.ToString();
  int fd = -1;
  uint64_t written = 0;
  std::string write_error;
  call.before_attempt = [&] {
    if (fd >= 0) ::close(fd);
    written = 0;
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) ThrowIo(call.what + ": cannot create " + path + ": " + std::strerror(errno));
  };
  call.body_sink = [&](const char* data, size_t size) {
    while (size > 0) {
      ssize_t n = ::write(fd, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        write_error = std::strerror(errno);
        return false;
      }
      data += n;
      size -= static_cast<size_t>(n);
      written += static_cast<uint64_t>(n);
    }
    return true;
  };
  HttpResponse response;
  try {
    response = Send(call);
  } catch (const Error& e) {
    if (fd >= 0) ::close(fd);
    if (!write_error.empty()) ThrowIo(call.what + ": cannot write " + path + ": " + write_error);
    throw;
  }
  int rc = ::close(fd);
  if (rc != 0) ThrowIo(call.what + ": cannot write " + path + ": " + std::strerror(errno));
  S3Object out;
  out.key = key;
  out.size = written;
  out.etag = StripQuotes(response.Header("ETag").value_or(""));
  return out;
}

void S3Client::PutObject(const std::string& bucket, const std::string& key,
                         const std::string& body) const {
  Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.body = body;
  call.what = S3Location{bucket, key}.ToString();
  Send(call);
}

void S3Client::DeleteObject(const std::string& bucket, const std::string& key) const {
  Call call;
  call.method = "DELETE";
  call.bucket = bucket;
  call.key = key;
  call.what = S3Location{bucket, key}.ToString();
  Send(call);
}

void S3Client::CreateBucket(const std::string& bucket) const {
  Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.what = "s3://" + bucket;
  Send(call);
}

}  // namespace frocket
