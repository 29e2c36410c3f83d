#include "storage/sigv4.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/error.h"

namespace frocket {
namespace {

// Every expected value below is from AWS's published SigV4 examples for S3 ("Signature
// Calculations for the Authorization Header: Transferring Payload in a Single Chunk" and
// "Authenticating Requests: Using Query Parameters"): access key AKIAIOSFODNN7EXAMPLE, secret
// wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, bucket examplebucket, us-east-1, 20130524T000000Z.
const AwsCredentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              ""};
const char* const kHost = "examplebucket.s3.amazonaws.com";
const char* const kDate = "20130524T000000Z";

std::string HeaderValue(const HttpHeaders& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(SigV4Test, GetObjectWithRangeMatchesAwsExample) {
  SigV4Request r;
  r.host = kHost;
  r.path = "/test.txt";
  r.headers = {{"Range", "bytes=0-9"}};
  SigV4Signature s = SignSigV4(r, kExample, "us-east-1", "s3", kDate);
  EXPECT_EQ(
      s.canonical_request,
      "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderValue(s.headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderValue(s.headers, "x-amz-content-sha256"), kEmptyPayloadSha256);
  EXPECT_EQ(HeaderValue(s.headers, "x-amz-date"), kDate);
}

TEST(SigV4Test, PutObjectMatchesAwsExample) {
  const std::string body = "Welcome to Amazon S3.";
  SigV4Request r;
  r.method = "PUT";
  r.host = kHost;
  r.path = "/" + UriEncode("test$file.text", true);
  r.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  r.payload_hash = Sha256Hex(body);
  EXPECT_EQ(r.path, "/test%24file.text");
  EXPECT_EQ(r.payload_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigV4Signature s = SignSigV4(r, kExample, "us-east-1", "s3", kDate);
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4Test, GetBucketLifecycleMatchesAwsExample) {
  SigV4Request r;
  r.host = kHost;
  r.query = {{"lifecycle", ""}};
  SigV4Signature s = SignSigV4(r, kExample, "us-east-1", "s3", kDate);
  EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4Test, ListObjectsMatchesAwsExampleWhateverTheQueryOrder) {
  SigV4Request r;
  r.host = kHost;
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};  // sorted by the signer
  SigV4Signature s = SignSigV4(r, kExample, "us-east-1", "s3", kDate);
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, PresignedUrlMatchesAwsExample) {
  SigV4Request r;
  r.host = kHost;
  r.path = "/test.txt";
  std::string url = PresignSigV4Url(r, kExample, "us-east-1", "s3", kDate, 86400);
  EXPECT_EQ(url,
            "https://examplebucket.s3.amazonaws.com/test.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4Test, SessionTokenIsSentAndSigned) {
  AwsCredentials temporary = kExample;
  temporary.session_token = "token/with+chars";
  SigV4Request r;
  r.host = kHost;
  r.path = "/test.txt";
  SigV4Signature s = SignSigV4(r, temporary, "us-east-1", "s3", kDate);
  EXPECT_EQ(HeaderValue(s.headers, "x-amz-security-token"), "token/with+chars");
  EXPECT_NE(s.canonical_request.find("x-amz-security-token:token/with+chars\n"), std::string::npos);
  EXPECT_NE(HeaderValue(s.headers, "Authorization")
                .find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
            std::string::npos);
  // The token changes what is signed.
  SigV4Signature plain = SignSigV4(r, kExample, "us-east-1", "s3", kDate);
  EXPECT_NE(s.signature, plain.signature);
}

TEST(SigV4Test, UriEncodeFollowsRfc3986WithUppercaseHex) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b+c=d&e/f", false), "a%20b%2Bc%3Dd%26e%2Ff");
  EXPECT_EQ(UriEncode("dir/a b", true), "dir/a%20b");
  EXPECT_EQ(UriEncode("\xc3\xa9*", false), "%C3%A9%2A");
}

TEST(SigV4Test, CanonicalQueryStringSortsEncodedNames) {
  EXPECT_EQ(CanonicalQueryString({{"prefix", "a b/"}, {"list-type", "2"}, {"delimiter", "/"}}),
            "delimiter=%2F&list-type=2&prefix=a%20b%2F");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQueryString({}), "");
}

TEST(SigV4Test, AmzDateIsUtc) {
  // 1369353600 is 2013-05-24T00:00:00Z.
  EXPECT_EQ(AmzDate(std::chrono::system_clock::from_time_t(1369353600)), "20130524T000000Z");
}

TEST(SigV4Test, RefusesMalformedDate) {
  SigV4Request r;
  r.host = kHost;
  EXPECT_THROW(SignSigV4(r, kExample, "us-east-1", "s3", "2013-05-24"), Error);
}

}  // namespace
}  // namespace frocket
