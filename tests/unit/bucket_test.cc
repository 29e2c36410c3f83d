#include "common/bucket.h"

#include <gtest/gtest.h>

namespace frocket {
namespace {

// Reference values from the xxHash specification's test vectors (XXH64, seed 0): the empty
// input hashes to 0xEF46DB3751D8E999.
TEST(BucketTest, EmptyStringMatchesXxh64Vector) {
  EXPECT_EQ(GroupIdHash(std::string_view()), 0xEF46DB3751D8E999ULL);
}

TEST(BucketTest, IntegerIdsHashTheirLittleEndianBytes) {
  const char bytes[8] = {0x2A, 0, 0, 0, 0, 0, 0, 0};  // 42
  EXPECT_EQ(GroupIdHash(int64_t{42}), GroupIdHash(std::string_view(bytes, 8)));
}

TEST(BucketTest, BucketsSpreadEvenly) {
  int counts[7] = {};
  for (int64_t id = 0; id < 70000; ++id) counts[BucketOf(id, 7)]++;
  for (int c : counts) {
    EXPECT_GT(c, 9500);
    EXPECT_LT(c, 10500);
  }
}

}  // namespace
}  // namespace frocket
