#include "cli/stop_signals.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "catalog/dataset_info.h"

namespace frocket::cli {
namespace {

sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

void BlockStopSignals() {
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

void RunUntilStopSignal(const std::function<void()>& run, const std::function<void()>& on_signal) {
  BlockStopSignals();
  std::thread signal_thread([&on_signal] {
    const sigset_t signals = StopSignals();
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    on_signal();
  });
  // After `run`, the signal thread may still be waiting: a SIGTERM to it ends the wait.
  auto wake_and_join = [&] {
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
  };
  try {
    run();
  } catch (...) {
    on_signal();
    wake_and_join();
    throw;
  }
  wake_and_join();
}

std::string LogTimeText() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return FormatUtcMillis(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace frocket::cli
