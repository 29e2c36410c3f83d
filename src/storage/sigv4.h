// AWS Signature Version 4: signs requests for any AWS service (S3 now, Lambda later) with an
// access key, following AWS's "Signature Calculations for the Authorization Header" and
// "Query String Authentication" documents. The canonical request is built here: the query
// string sorted by name with RFC 3986 escapes (uppercase hex), headers lowercased, trimmed and
// sorted, and the payload hash (hex SHA-256 of the body, or UNSIGNED-PAYLOAD). HMAC-SHA256 and
// SHA-256 come from OpenSSL's libcrypto.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/http_client.h"

namespace frocket {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only; sent as x-amz-security-token

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string, the payload hash of every bodiless request.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigV4Request {
  std::string method = "GET";
  // The Host header value as sent (with ":port" when the port is not the scheme's default).
  std::string host;
  // The canonical URI: the path as it appears in the URL, already percent-encoded (S3 keys go
  // through UriEncode(key, false) once; S3 does not encode twice). "/" for the root.
  std::string path = "/";
  // Query parameters, raw (not yet encoded); a parameter without value has an empty value.
  std::vector<std::pair<std::string, std::string>> query;
  // Headers to send and sign besides host and the x-amz-* headers the signer adds (Range,
  // Content-Type, ...).
  HttpHeaders headers;
  // Hex SHA-256 of the body, or kUnsignedPayload.
  std::string payload_hash = std::string(kEmptyPayloadSha256);
  // S3 requires the x-amz-content-sha256 header; other services accept it.
  bool add_content_sha256_header = true;
};

struct SigV4Signature {
  // Every header to send: the request's, host, x-amz-date, x-amz-content-sha256,
  // x-amz-security-token (temporary credentials) and Authorization.
  HttpHeaders headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // 64 lowercase hex digits
};

// Signs with the Authorization header. `amz_date` is the request time as YYYYMMDDTHHMMSSZ.
SigV4Signature SignSigV4(const SigV4Request& request, const AwsCredentials& credentials,
                         const std::string& region, const std::string& service,
                         const std::string& amz_date);

// A presigned URL ("scheme://host/path?...&X-Amz-Signature=...") valid for `expires_seconds`
// (AWS allows at most 7 days). Signs only the host header and an unsigned payload.
std::string PresignSigV4Url(const SigV4Request& request, const AwsCredentials& credentials,
                            const std::string& region, const std::string& service,
                            const std::string& amz_date, int64_t expires_seconds,
                            const std::string& scheme = "https");

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - . _ ~)
// stay, every other byte becomes %XX with uppercase hex; '/' stays when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

// name=value pairs, each encoded, sorted by encoded name then value, joined with '&'.
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query);

std::string Sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);

// YYYYMMDDTHHMMSSZ in UTC.
std::string AmzDate(std::chrono::system_clock::time_point time);

}  // namespace frocket
