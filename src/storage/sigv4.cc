#include "storage/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/error.h"

namespace frocket {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims both ends and collapses inner runs of spaces, as the canonical header values require.
std::string CanonicalHeaderValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

struct CanonicalHeaders {
  std::string text;          // "name:value\n" lines
  std::string signed_names;  // "a;b;c"
};

CanonicalHeaders Canonicalize(const HttpHeaders& headers) {
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const auto& [name, value] : headers) {
    sorted.emplace_back(Lower(name), CanonicalHeaderValue(value));
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < sorted.size(); ++i) {
    // A header given twice signs as one line with its values joined by commas.
    if (i > 0 && sorted[i].first == sorted[i - 1].first) {
      out.text.pop_back();
      out.text += "," + sorted[i].second + "\n";
      continue;
    }
    out.text += sorted[i].first + ":" + sorted[i].second + "\n";
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += sorted[i].first;
  }
  return out;
}

std::string SigningKey(const AwsCredentials& credentials, const std::string& date,
                       const std::string& region, const std::string& service) {
  std::string k = HmacSha256("AWS4" + credentials.secret_access_key, date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

void CheckDate(const std::string& amz_date) {
  if (amz_date.size() != 16 || amz_date[8] != 'T' || amz_date[15] != 'Z') {
    ThrowInvalid("SigV4 request time must look like 20130524T000000Z; got '" + amz_date + "'");
  }
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorKind::kInternal, "SHA-256 failed in libcrypto");
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &length) == nullptr) {
    throw Error(ErrorKind::kInternal, "HMAC-SHA256 failed in libcrypto");
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SigV4Signature SignSigV4(const SigV4Request& request, const AwsCredentials& credentials,
                         const std::string& region, const std::string& service,
                         const std::string& amz_date) {
  CheckDate(amz_date);
  SigV4Signature out;
  out.headers = request.headers;
  out.headers.emplace_back("host", request.host);
  out.headers.emplace_back("x-amz-date", amz_date);
  if (request.add_content_sha256_header) {
    out.headers.emplace_back("x-amz-content-sha256", request.payload_hash);
  }
  if (!credentials.session_token.empty()) {
    out.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  CanonicalHeaders canonical = Canonicalize(out.headers);
  out.canonical_request = request.method + "\n" + (request.path.empty() ? "/" : request.path) +
                          "\n" + CanonicalQueryString(request.query) + "\n" + canonical.text +
                          "\n" + canonical.signed_names + "\n" + request.payload_hash;
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  out.string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" +
                       Sha256Hex(out.canonical_request);
  out.signature =
      HexEncode(HmacSha256(SigningKey(credentials, date, region, service), out.string_to_sign));
  out.headers.emplace_back("Authorization", std::string(kAlgorithm) +
                                                " Credential=" + credentials.access_key_id + "/" +
                                                scope + ",SignedHeaders=" + canonical.signed_names +
                                                ",Signature=" + out.signature);
  return out;
}

std::string PresignSigV4Url(const SigV4Request& request, const AwsCredentials& credentials,
                            const std::string& region, const std::string& service,
                            const std::string& amz_date, int64_t expires_seconds,
                            const std::string& scheme) {
  CheckDate(amz_date);
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  auto query = request.query;
  query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  query.emplace_back("X-Amz-Credential", credentials.access_key_id + "/" + scope);
  query.emplace_back("X-Amz-Date", amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  if (!credentials.session_token.empty()) {
    query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  HttpHeaders headers = request.headers;
  headers.emplace_back("host", request.host);
  CanonicalHeaders canonical = Canonicalize(headers);
  query.emplace_back("X-Amz-SignedHeaders", canonical.signed_names);
  const std::string canonical_query = CanonicalQueryString(query);
  const std::string canonical_request =
      request.method + "\n" + (request.path.empty() ? "/" : request.path) + "\n" + canonical_query +
      "\n" + canonical.text + "\n" + canonical.signed_names + "\n" + std::string(kUnsignedPayload);
  const std::string string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope +
                                     "\n" + Sha256Hex(canonical_request);
  const std::string signature =
      HexEncode(HmacSha256(SigningKey(credentials, date, region, service), string_to_sign));
  return scheme + "://" + request.host + (request.path.empty() ? "/" : request.path) + "?" +
         canonical_query + "&X-Amz-Signature=" + signature;
}

}  // namespace frocket
