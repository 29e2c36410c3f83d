// A minimal S3 client: the calls frocket needs (ListObjectsV2, HeadObject, ranged GetObject,
// whole-object download, PutObject, CreateBucket, DeleteObject), signed with our own SigV4
// (sigv4.h) and sent with the libcurl client (http_client.h).
//
// Addressing: against AWS, virtual-host style (https://BUCKET.s3.REGION.amazonaws.com/KEY; a
// bucket name with dots uses path style on https://s3.REGION.amazonaws.com, since the wildcard
// certificate cannot cover it). FROCKET_S3_ENDPOINT (http://127.0.0.1:4568, an S3-compatible
// store) switches to path style: ENDPOINT/BUCKET/KEY.
//
// Retries: 5xx answers, 429 and 503 SlowDown (throttling), 400 RequestTimeout, timeouts and
// connection failures are retried with exponential backoff and full jitter, up to
// max_attempts in all. 403, 404 and other 4xx answers are not. Every failure throws
// Error(kIo) whose message starts with s3://BUCKET/KEY (or s3://BUCKET/PREFIX for listings).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sigv4.h"

namespace frocket {

struct S3Config {
  std::string region = "us-east-1";
  // Empty: requests go unsigned (public buckets).
  AwsCredentials credentials;
  // Empty: AWS itself (virtual-host style). Else "http(s)://host[:port]" of an S3-compatible
  // store, addressed path style.
  std::string endpoint;
  int max_attempts = 5;
  int64_t connect_timeout_ms = 5000;
  int64_t timeout_ms = 30000;  // per attempt
  // Backoff before retry n (1-based) is uniform in [0, min(backoff_max_ms, base * 2^(n-1))].
  int64_t backoff_base_ms = 100;
  int64_t backoff_max_ms = 5000;

  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (else
  // AWS_DEFAULT_REGION, else us-east-1), FROCKET_S3_ENDPOINT, FROCKET_S3_MAX_ATTEMPTS (default
  // 5), FROCKET_S3_TIMEOUT_SECONDS (per attempt, default 30; the connect timeout is the smaller
  // of 5 s and this), FROCKET_S3_RETRY_BASE_MS (default 100). A malformed value throws
  // Error(kInvalidArgument) naming the variable.
  static S3Config FromEnvironment();
};

struct S3Location {
  std::string bucket;
  std::string key;               // may be empty (the bucket itself) or a prefix
  std::string ToString() const;  // s3://bucket/key
};

// Parses "s3://bucket[/key]". Throws Error(kInvalidArgument) when the scheme is not s3:// or the
// bucket name is empty or malformed.
S3Location ParseS3Url(std::string_view url);
bool IsS3Url(std::string_view location);

struct S3Object {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // without quotes
};

struct S3ListPage {
  std::vector<S3Object> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;
};

// Parses one ListObjectsV2 response body (Contents/Key/Size/ETag, CommonPrefixes/Prefix,
// IsTruncated, NextContinuationToken), decoding XML entities. Throws Error(kIo) naming
// `what` when the document is not a listing.
S3ListPage ParseListObjectsV2(std::string_view xml, const std::string& what);

// The text of XML character data with the predefined entities and numeric character
// references decoded (UTF-8). Unknown entities are kept as written.
std::string DecodeXmlText(std::string_view text);

class S3Client {
 public:
  explicit S3Client(S3Config config);

  const S3Config& config() const { return config_; }

  // Every object whose key starts with `prefix`, following continuation tokens (no limit on
  // the count). With a delimiter, only keys without it after the prefix are returned (the
  // rest roll up into common prefixes, which are dropped). max_keys > 0 sets the page size.
  std::vector<S3Object> ListObjects(const std::string& bucket, const std::string& prefix,
                                    const std::string& delimiter = "", int max_keys = 0) const;
  S3Object HeadObject(const std::string& bucket, const std::string& key) const;
  // Bytes [first, last] (inclusive) of the object; the answer must hold exactly that many.
  std::string GetRange(const std::string& bucket, const std::string& key, uint64_t first,
                       uint64_t last) const;
  // Downloads the whole object into `path` (created or truncated, once per attempt). Returns
  // its size and ETag.
  S3Object Download(const std::string& bucket, const std::string& key,
                    const std::string& path) const;
  void PutObject(const std::string& bucket, const std::string& key, const std::string& body) const;
  void DeleteObject(const std::string& bucket, const std::string& key) const;
  void CreateBucket(const std::string& bucket) const;

  // HTTP requests sent so far, retries included (for tests and diagnostics).
  int64_t requests_sent() const { return requests_sent_.load(); }

 private:
  struct Call;
  HttpResponse Send(const Call& call) const;

  S3Config config_;
  std::string endpoint_scheme_;  // with an endpoint: its scheme, host[:port] and path prefix
  std::string endpoint_host_;
  std::string endpoint_path_;
  mutable std::atomic<int64_t> requests_sent_{0};
};

}  // namespace frocket
