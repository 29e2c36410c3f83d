// The parts of the S3 client that need no server: listing XML, s3:// URLs, configuration from
// the environment, and range coalescing.
#include "storage/s3_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>

#include "common/error.h"
#include "storage/s3_file.h"
#include "support/scoped_env.h"

namespace frocket {
namespace {

TEST(S3ListingTest, ParsesKeysSizesAndContinuation) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>data/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>
  <Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
  <Contents><Key>data/a&amp;b &lt;1&gt;.parquet</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>data/caf&#233;&#x2603;.parquet</Key><Size>18446744073709551615</Size></Contents>
  <CommonPrefixes><Prefix>data/sub/</Prefix></CommonPrefixes>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";
  S3ListPage page = ParseListObjectsV2(xml, "s3://bucket/data");
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "data/a&b <1>.parquet");
  EXPECT_EQ(page.objects[0].size, 1234u);
  EXPECT_EQ(page.objects[0].etag, "9b2cf535f27731c974343645a3985328");
  EXPECT_EQ(page.objects[1].key, "data/caf\xc3\xa9\xe2\x98\x83.parquet");
  EXPECT_EQ(page.objects[1].size, 18446744073709551615ull);
  ASSERT_EQ(page.common_prefixes.size(), 1u);
  EXPECT_EQ(page.common_prefixes[0], "data/sub/");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3ListingTest, EmptyAndLastPages) {
  S3ListPage empty = ParseListObjectsV2(
      "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"
      "</ListBucketResult>",
      "s3://b");
  EXPECT_TRUE(empty.objects.empty());
  EXPECT_FALSE(empty.truncated);
  EXPECT_EQ(empty.next_continuation_token, "");
  // <Key/> (an empty element) and attributes on elements.
  S3ListPage odd = ParseListObjectsV2(
      "<ListBucketResult a=\"1\"><Contents><Key>k</Key><Size>0</Size><ETag/></Contents>"
      "</ListBucketResult>",
      "s3://b");
  ASSERT_EQ(odd.objects.size(), 1u);
  EXPECT_EQ(odd.objects[0].size, 0u);
  EXPECT_EQ(odd.objects[0].etag, "");
}

TEST(S3ListingTest, RejectsWhatIsNotAListing) {
  try {
    ParseListObjectsV2("<Error><Code>InternalError</Code></Error>", "s3://bucket/prefix");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("s3://bucket/prefix"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size>"
                                  "</Contents></ListBucketResult>",
                                  "s3://b"),
               Error);
  EXPECT_THROW(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key></Contents>"
                                  "</ListBucketResult>",
                                  "s3://b"),
               Error);
}

TEST(S3ListingTest, DecodesXmlText) {
  EXPECT_EQ(DecodeXmlText("a&amp;b&lt;&gt;&quot;&apos;"), "a&b<>\"'");
  EXPECT_EQ(DecodeXmlText("&#65;&#x42;&#x1F600;"), "AB\xf0\x9f\x98\x80");
  // Unknown or broken entities stay as written.
  EXPECT_EQ(DecodeXmlText("&nbsp; & &#xZZ; &"), "&nbsp; & &#xZZ; &");
}

TEST(S3UrlTest, ParsesBucketAndKey) {
  S3Location a = ParseS3Url("s3://my-bucket/some/prefix");
  EXPECT_EQ(a.bucket, "my-bucket");
  EXPECT_EQ(a.key, "some/prefix");
  EXPECT_EQ(a.ToString(), "s3://my-bucket/some/prefix");
  S3Location b = ParseS3Url("s3://bucket.with.dots");
  EXPECT_EQ(b.bucket, "bucket.with.dots");
  EXPECT_EQ(b.key, "");
  EXPECT_EQ(b.ToString(), "s3://bucket.with.dots");
  EXPECT_EQ(ParseS3Url("s3://b/a b/é").key, "a b/é");
  EXPECT_THROW(ParseS3Url("s3://"), Error);
  EXPECT_THROW(ParseS3Url("s3:///key"), Error);
  EXPECT_THROW(ParseS3Url("http://bucket/key"), Error);
  EXPECT_THROW(ParseS3Url("s3://bad bucket/key"), Error);
  EXPECT_TRUE(IsS3Url("s3://b/k"));
  EXPECT_FALSE(IsS3Url("/data/s3://x"));
}

using test_support::ScopedEnv;

TEST(S3ConfigTest, ReadsTheEnvironment) {
  ScopedEnv a("AWS_ACCESS_KEY_ID", "AKID");
  ScopedEnv b("AWS_SECRET_ACCESS_KEY", "SECRET");
  ScopedEnv c("AWS_SESSION_TOKEN", "TOKEN");
  ScopedEnv d("AWS_REGION", "eu-west-3");
  ScopedEnv e("FROCKET_S3_ENDPOINT", "http://127.0.0.1:4568");
  ScopedEnv f("FROCKET_S3_MAX_ATTEMPTS", "7");
  ScopedEnv g("FROCKET_S3_TIMEOUT_SECONDS", "2.5");
  S3Config config = S3Config::FromEnvironment();
  EXPECT_EQ(config.credentials.access_key_id, "AKID");
  EXPECT_EQ(config.credentials.secret_access_key, "SECRET");
  EXPECT_EQ(config.credentials.session_token, "TOKEN");
  EXPECT_EQ(config.region, "eu-west-3");
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:4568");
  EXPECT_EQ(config.max_attempts, 7);
  EXPECT_EQ(config.timeout_ms, 2500);
  EXPECT_EQ(config.connect_timeout_ms, 2500);
}

TEST(S3ConfigTest, DefaultsAndMalformedValues) {
  ScopedEnv a("AWS_ACCESS_KEY_ID", nullptr);
  ScopedEnv b("AWS_SECRET_ACCESS_KEY", nullptr);
  ScopedEnv c("AWS_REGION", nullptr);
  ScopedEnv d("AWS_DEFAULT_REGION", nullptr);
  ScopedEnv e("FROCKET_S3_ENDPOINT", nullptr);
  ScopedEnv f("FROCKET_S3_MAX_ATTEMPTS", nullptr);
  ScopedEnv g("FROCKET_S3_TIMEOUT_SECONDS", nullptr);
  S3Config config = S3Config::FromEnvironment();
  EXPECT_TRUE(config.credentials.empty());
  EXPECT_EQ(config.region, "us-east-1");
  EXPECT_EQ(config.endpoint, "");
  EXPECT_EQ(config.max_attempts, 5);
  {
    ScopedEnv bad("FROCKET_S3_MAX_ATTEMPTS", "many");
    try {
      S3Config::FromEnvironment();
      FAIL() << "no error";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
      EXPECT_NE(std::string(error.what()).find("FROCKET_S3_MAX_ATTEMPTS"), std::string::npos);
    }
  }
  S3Config bad_endpoint;
  bad_endpoint.endpoint = "127.0.0.1:4568";
  EXPECT_THROW(S3Client{bad_endpoint}, Error);
}

TEST(S3CoalesceTest, MergesNearRangesAndSplitsLongOnes) {
  const uint64_t MiB = 1024 * 1024;
  // Unsorted input; [100, 200) and [150, 300) overlap; [300 + MiB - 1, ...) is just under the
  // gap; [10 MiB, ...) is far.
  std::vector<ByteRange> out =
      CoalesceRanges({{10 * MiB, 10}, {150, 150}, {100, 100}, {300 + MiB - 1, 1}, {5, 0}}, MiB, 0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].offset, 100u);
  EXPECT_EQ(out[0].length, MiB + 200);  // up to 300 + MiB
  EXPECT_EQ(out[1].offset, 10 * MiB);
  EXPECT_EQ(out[1].length, 10u);
  // A gap of exactly max_gap is not merged.
  out = CoalesceRanges({{0, 10}, {10 + MiB, 10}}, MiB, 0);
  EXPECT_EQ(out.size(), 2u);
  // Splitting: 40 MiB in parts of 16.
  out = CoalesceRanges({{7, 40 * MiB}}, MiB, 16 * MiB);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].offset, 7u);
  EXPECT_EQ(out[1].offset, 7 + 16 * MiB);
  EXPECT_EQ(out[2].offset, 7 + 32 * MiB);
  EXPECT_EQ(out[2].length, 8 * MiB);
  EXPECT_TRUE(CoalesceRanges({}, MiB, 0).empty());
}

}  // namespace
}  // namespace frocket
