// Streamed responses (`?stream=true`): NDJSON, one JSON object per line: progress lines while
// the work runs, then the final document (the result, or an error document with
// "success": false, since the status line has been sent by then).
//
// The work runs on its own thread; the HTTP thread writes the lines as they come and watches
// the client. When the client goes away (a write fails, or the peer closed the connection) the
// cancel flag is set, the work is waited for (it stops at its next check), and the stream ends
// without a final line: nothing keeps running for a client that left.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "cluster/invoker.h"

namespace httplib {
class DataSink;
}

namespace frocket::server {

// A progress line {"stage", "message", "tasks": {...}, "progress"} of API.md.
nlohmann::ordered_json ProgressLine(const InvokerProgress& progress);

class ProgressStream {
 public:
  using Emit = std::function<void(const nlohmann::ordered_json&)>;
  // Returns the final document; must not throw (turn errors into error documents). Calls
  // `emit` for progress lines, from any one thread at a time.
  using Work =
      std::function<nlohmann::ordered_json(const std::atomic<bool>& cancel, const Emit& emit)>;

  // `peer_closed` says whether the client left (may be null: only failed writes tell).
  ProgressStream(Work work, std::function<bool()> peer_closed);

  // The chunked content provider's body: runs the work and writes every line. Returns true
  // after the final line (and sink.done()), false when the client went away.
  bool Pump(httplib::DataSink& sink);

  // Set from outside (the server stopping) to end the work early.
  std::atomic<bool>& cancel() { return cancel_; }

 private:
  Work work_;
  std::function<bool()> peer_closed_;
  std::atomic<bool> cancel_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  std::string last_emitted_;
  bool finished_ = false;
};

}  // namespace frocket::server
