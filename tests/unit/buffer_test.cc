#include "common/buffer.h"

#include <gtest/gtest.h>

namespace frocket {
namespace {

TEST(BufferTest, ResizeKeepsContentsAndAppends) {
  Buffer b;
  b.Append("abc", 3);
  b.Resize(2);
  b.Append("xyz", 3);
  ASSERT_EQ(b.size(), 5u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(b.data()), b.size()), "abxyz");
}

TEST(BufferTest, MoveLeavesSourceEmpty) {
  Buffer a;
  a.Append("hello", 5);
  Buffer b = std::move(a);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
}

}  // namespace
}  // namespace frocket
