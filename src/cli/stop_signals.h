// Clean shutdown of the long-running commands (`frocket serve`, `frocket worker`): SIGINT and
// SIGTERM are taken by one thread with sigwait, never by a handler, so they interrupt no work
// and the code that stops things runs as ordinary code.
#pragma once

#include <functional>
#include <string>

namespace frocket::cli {

// Blocks SIGINT and SIGTERM in the calling thread (threads started afterwards inherit the mask)
// and ignores SIGPIPE, so that a peer leaving mid-write does not end the process. Call it
// before starting any thread.
void BlockStopSignals();

// Runs `run` while a signal thread waits for SIGINT or SIGTERM and then calls `on_signal`,
// which must make `run` return. When `run` returns or throws, the signal thread is woken
// (calling `on_signal` once more, harmlessly) and joined; an exception from `run` propagates.
// Blocks the signals first (BlockStopSignals).
void RunUntilStopSignal(const std::function<void()>& run, const std::function<void()>& on_signal);

// The current UTC time with milliseconds, for log lines: 2026-11-22T10:11:02.123Z.
std::string LogTimeText();

}  // namespace frocket::cli
