// The byte sizes `frocket prepare --memory-limit` accepts.
#include "cli/prepare_command.h"

#include <gtest/gtest.h>

namespace frocket::cli {
namespace {

TEST(ParseByteSizeTest, UnitsAndErrors) {
  EXPECT_EQ(ParseByteSize("1048576"), 1048576u);
  EXPECT_EQ(ParseByteSize("512MB"), 512'000'000u);
  EXPECT_EQ(ParseByteSize("512mib"), 512u << 20);
  EXPECT_EQ(ParseByteSize("1GiB"), uint64_t{1} << 30);
  EXPECT_EQ(ParseByteSize("1.5G"), uint64_t{3} << 29);
  EXPECT_EQ(ParseByteSize("64 K"), 64u << 10);
  EXPECT_EQ(ParseByteSize("2kb"), 2000u);
  EXPECT_EQ(ParseByteSize("10b"), 10u);
  for (const char* bad : {"", "MB", "1XB", "-1M", "1e3", "99999999999T"}) {
    EXPECT_FALSE(ParseByteSize(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace frocket::cli
