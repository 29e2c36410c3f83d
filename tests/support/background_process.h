// Child processes for tests that need real servers and real `frocket` processes: redis-server,
// s3rver, `frocket serve`, `frocket worker`. A BackgroundProcess is started with fork + execvp
// (no shell), writes its stdout and stderr to a log file, and is stopped when it goes out of
// scope (SIGTERM, then SIGKILL after a grace period), so a failing test leaves nothing running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace frocket::test_support {

// Variables to set in a child's environment on top of ours; a nullopt value removes the variable.
using EnvironmentList = std::vector<std::pair<std::string, std::optional<std::string>>>;

class BackgroundProcess {
 public:
  // Starts argv[0] (looked up in PATH) with the rest of argv as arguments and the current
  // environment plus `env` (which overrides). Output goes to `log_path` (appended), or to a
  // fresh temporary file when it is empty. Throws std::runtime_error when fork or exec fails
  // (an exec failure is noticed by the child writing to a pipe before it exits).
  BackgroundProcess(std::vector<std::string> argv, EnvironmentList env = {},
                    std::string log_path = "");
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

  // True while the child has not exited (reaps it when it has).
  bool Running();
  // Sends `signal` and waits for the child to exit. Returns its wait status.
  int Kill(int signal);
  // SIGTERM, then SIGKILL when it has not exited after `grace`. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  // Waits up to `timeout` for the child to exit; returns the exit code (128 + signal when a
  // signal ended it), or nothing on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Everything the child wrote so far.
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;  // wait status once reaped
  std::string log_path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int FreeLoopbackPort();

// Polls until something accepts TCP connections on 127.0.0.1:`port`, or `timeout` passes.
bool WaitForPort(int port, std::chrono::milliseconds timeout);

// True when `program` is found in PATH (or is an executable path).
bool ProgramAvailable(const std::string& program);

struct CommandResult {
  int exit_code = -1;  // 128 + signal when a signal ended it
  std::string out;
  std::string err;
};

// Runs a command to completion (no shell) with `input` on its stdin, capturing stdout and
// stderr. Fails the process (std::runtime_error) only when the command cannot be started.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "",
                         const EnvironmentList& env = {});

// Runs the `frocket` binary built with these tests (FROCKET_BINARY) with `args`.
CommandResult RunFrocket(const std::vector<std::string>& args, const EnvironmentList& env = {},
                         const std::string& input = "");

// Runs `argv` with stdout and stderr written to `log_path` (stdout first). Returns nothing on
// success, else a message with the command line, its exit code and the log.
std::optional<std::string> RunLogged(const std::vector<std::string>& argv,
                                     const std::string& log_path);

// Why the tests that need node and the npm packages of tests/interop cannot run here
// (FROCKET_TEST_NODE_MODULES unset, or no node), or nothing when they can.
std::optional<std::string> NodeSkipReason();

// The whole content of a file ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

}  // namespace frocket::test_support
