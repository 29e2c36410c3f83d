#include "support/background_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace frocket::test_support {
namespace {

extern "C" char** environ;

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The environment of the child: ours with `env` applied.
std::vector<std::string> ChildEnvironment(const EnvironmentList& env) {
  std::vector<std::string> result;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    const std::string key = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& [k, v] : env) overridden = overridden || k == key;
    if (!overridden) result.push_back(entry);
  }
  for (const auto& [k, v] : env) {
    if (v) result.push_back(k + "=" + *v);
  }
  return result;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// Forks and execs; in the child, stdin/stdout/stderr become the given descriptors (-1: keep).
// An exec failure is reported through a close-on-exec pipe so the parent can throw.
pid_t Spawn(std::vector<std::string> argv, const EnvironmentList& env, int in_fd, int out_fd,
            int err_fd) {
  if (argv.empty()) throw std::runtime_error("Spawn: empty argv");
  std::vector<std::string> environment = ChildEnvironment(env);
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(environment);
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    close(report[0]);
    if (in_fd >= 0) dup2(in_fd, 0);
    if (out_fd >= 0) dup2(out_fd, 1);
    if (err_fd >= 0) dup2(err_fd, 2);
    // Its own process group, so that a test's SIGINT does not reach it and Stop can signal
    // whatever it starts (node starts no children, but a shell wrapper might).
    setpgid(0, 0);
    // A test binary that aborts must not leave servers behind: the child dies with the thread
    // that started it (tests start their processes from the test's own thread).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    environ = c_env.data();
    execvp(c_argv[0], c_argv.data());
    const int error = errno;
    (void)!write(report[1], &error, sizeof(error));
    _exit(127);
  }
  close(report[1]);
  int child_errno = 0;
  const ssize_t n = read(report[0], &child_errno, sizeof(child_errno));
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(child_errno));
  }
  return pid;
}

}  // namespace

BackgroundProcess::BackgroundProcess(std::vector<std::string> argv, EnvironmentList env,
                                     std::string log_path)
    : log_path_(std::move(log_path)) {
  if (log_path_.empty()) {
    char pattern[] = "/tmp/frocket-test-process-XXXXXX";
    const int fd = mkstemp(pattern);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    close(fd);
    log_path_ = pattern;
  }
  const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open log " + log_path_);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  try {
    pid_ = Spawn(std::move(argv), env, null_fd, log_fd, log_fd);
  } catch (...) {
    close(log_fd);
    close(null_fd);
    throw;
  }
  close(log_fd);
  close(null_fd);
}

BackgroundProcess::~BackgroundProcess() { Stop(); }

bool BackgroundProcess::Running() {
  if (status_ || pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = status;
    return false;
  }
  return r == 0;
}

int BackgroundProcess::Kill(int signal) {
  if (!Running()) return status_.value_or(0);
  kill(pid_, signal);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = status;
  return status;
}

void BackgroundProcess::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return;
  kill(pid_, SIGTERM);
  if (!Wait(grace)) Kill(SIGKILL);
}

std::optional<int> BackgroundProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_ ? std::optional<int>(ExitCodeOf(*status_)) : std::nullopt;
}

std::string BackgroundProcess::Log() const { return ReadWholeFile(log_path_); }

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool WaitForPort(int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool ProgramAvailable(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input,
                         const EnvironmentList& env) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  // A child that exits before reading all its input must not kill the test with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  const pid_t pid = Spawn(argv, env, in_pipe[0], out_pipe[1], err_pipe[1]);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Feed stdin and drain both outputs together, so a child that writes a lot before reading
  // everything does not deadlock against us.
  CommandResult result;
  size_t written = 0;
  int in_fd = in_pipe[1];
  // Non-blocking, so that a write never waits for the child while its output fills up.
  fcntl(in_fd, F_SETFL, fcntl(in_fd, F_GETFL) | O_NONBLOCK);
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  bool out_open = true, err_open = true;
  char buffer[65536];
  while (out_open || err_open || in_fd >= 0) {
    pollfd fds[3];
    int n = 0;
    if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
    if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    if (poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_fd) {
        const ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      const ssize_t r = read(fds[i].fd, buffer, sizeof(buffer));
      std::string& target = fds[i].fd == out_pipe[0] ? result.out : result.err;
      if (r > 0) {
        target.append(buffer, static_cast<size_t>(r));
      } else {
        if (fds[i].fd == out_pipe[0])
          out_open = false;
        else
          err_open = false;
      }
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = ExitCodeOf(status);
  return result;
}

CommandResult RunFrocket(const std::vector<std::string>& args, const EnvironmentList& env,
                         const std::string& input) {
  std::vector<std::string> argv{FROCKET_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, input, env);
}

std::optional<std::string> RunLogged(const std::vector<std::string>& argv,
                                     const std::string& log_path) {
  CommandResult r = RunCommand(argv);
  {
    std::ofstream log(log_path, std::ios::binary);
    log << r.out << r.err;
  }
  if (r.exit_code == 0) return std::nullopt;
  std::string command;
  for (const std::string& arg : argv) command += (command.empty() ? "" : " ") + arg;
  return "`" + command + "` exited with status " + std::to_string(r.exit_code) + ":\n" + r.out +
         r.err;
}

std::optional<std::string> NodeSkipReason() {
  const char* modules = std::getenv("FROCKET_TEST_NODE_MODULES");
  if (modules == nullptr || *modules == '\0') {
    return "FROCKET_TEST_NODE_MODULES is not set (run `npm ci` in tests/interop and point it at "
           "tests/interop/node_modules, as scripts/test.sh does)";
  }
  if (!ProgramAvailable("node"))
    return "node is not installed (scripts/install-deps.sh installs it)";
  return std::nullopt;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace frocket::test_support
