#include "support/background_process.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace frocket::test_support {
namespace {

TEST(RunCommandTest, CapturesOutputsInputAndExitCode) {
  std::string big(300000, 'x');  // more than a pipe holds: input and output must interleave
  CommandResult r = RunCommand({"sh", "-c", "cat; echo oops >&2; exit 3"}, big);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, big);
  EXPECT_EQ(r.err, "oops\n");
}

TEST(RunCommandTest, PassesEnvironmentWithoutAShell) {
  CommandResult r =
      RunCommand({"printenv", "FROCKET_TEST_VALUE"}, "", {{"FROCKET_TEST_VALUE", "a b;c"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "a b;c\n");
}

TEST(RunCommandTest, MissingProgramThrows) {
  EXPECT_THROW(RunCommand({"no-such-program-frocket"}), std::runtime_error);
  EXPECT_FALSE(ProgramAvailable("no-such-program-frocket"));
  EXPECT_TRUE(ProgramAvailable("sh"));
}

TEST(BackgroundProcessTest, LogsKillsAndReportsSignal) {
  BackgroundProcess p({"sh", "-c", "echo started; exec sleep 30"});
  for (int i = 0; i < 200 && p.Log().empty(); ++i) usleep(10000);
  EXPECT_EQ(p.Log(), "started\n");
  EXPECT_TRUE(p.Running());
  p.Kill(SIGKILL);
  EXPECT_FALSE(p.Running());
  EXPECT_EQ(p.Wait(std::chrono::milliseconds(0)), 128 + SIGKILL);
}

TEST(BackgroundProcessTest, PortHelpers) {
  const int port = FreeLoopbackPort();
  EXPECT_GT(port, 0);
  EXPECT_FALSE(WaitForPort(port, std::chrono::milliseconds(50)));
}

}  // namespace
}  // namespace frocket::test_support
