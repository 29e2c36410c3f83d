#include "server/progress_stream.h"

#include <httplib.h>

#include <chrono>
#include <thread>

namespace frocket::server {
namespace {

using Json = nlohmann::ordered_json;

std::string Line(const Json& doc) {
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

Json ProgressLine(const InvokerProgress& p) {
  return {{"stage", p.stage},
          {"message", p.message},
          {"tasks",
           {{"QUEUED", p.tasks.queued},
            {"LOADING_DATA", p.tasks.loading_data},
            {"RUNNING_QUERY", p.tasks.running_query},
            {"ENDED_SUCCESS", p.tasks.ended_success},
            {"ENDED_FAILED", p.tasks.ended_failed}}},
          {"progress", p.progress}};
}

ProgressStream::ProgressStream(Work work, std::function<bool()> peer_closed)
    : work_(std::move(work)), peer_closed_(std::move(peer_closed)) {}

bool ProgressStream::Pump(httplib::DataSink& sink) {
  Emit emit = [this](const Json& doc) {
    std::string line = Line(doc);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // Only changes are worth a line.
      if (line == last_emitted_) return;
      last_emitted_ = line;
      lines_.push_back(std::move(line));
    }
    cv_.notify_all();
  };
  std::string final_line;
  std::thread worker([&] {
    std::string line = Line(work_(cancel_, emit));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      final_line = std::move(line);
      finished_ = true;
    }
    cv_.notify_all();
  });

  bool client_gone = false;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(50),
                 [this] { return finished_ || !lines_.empty(); });
    while (!lines_.empty() && !client_gone) {
      std::string line = std::move(lines_.front());
      lines_.pop_front();
      lock.unlock();
      if (!sink.write(line.data(), line.size())) client_gone = true;
      lock.lock();
    }
    lines_.clear();
    if (finished_) break;
    if (!client_gone && peer_closed_) {
      lock.unlock();
      client_gone = peer_closed_();
      lock.lock();
    }
    if (client_gone) cancel_ = true;
  }
  lock.unlock();
  worker.join();
  if (client_gone) return false;
  if (!sink.write(final_line.data(), final_line.size())) return false;
  sink.done();
  return true;
}

}  // namespace frocket::server
