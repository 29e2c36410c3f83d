#include "server/api_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "common/error.h"
#include "server/api_errors.h"
#include "server/connection_watch.h"
#include "server/dataset_documents.h"
#include "server/dataset_service.h"
#include "server/metrics.h"
#include "server/progress_stream.h"
#include "server/query_service.h"

namespace frocket::server {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kJson = "application/json";
constexpr const char* kNdjson = "application/x-ndjson";

void SetJson(httplib::Response& res, int status, const Json& doc) {
  res.status = status;
  res.set_content(doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n", kJson);
}

void SetError(httplib::Response& res, const ApiError& error) {
  SetJson(res, error.status, error.ToJson());
}

bool Flag(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return false;
  std::string v = req.get_param_value(name);
  return v.empty() || v == "true" || v == "1" || v == "True";
}

ApiError RegistrationError(const Error& e) {
  switch (e.kind()) {
    case ErrorKind::kInvalidArgument:
    case ErrorKind::kCorruptFile:
    case ErrorKind::kNotSupported:
      return MakeApiError("DATASET_INVALID", e.what());
    default:
      return ApiErrorFromError(e);
  }
}

std::string HealthText(const Error& e) { return std::string("unavailable: ") + e.what(); }

}  // namespace

struct ApiServer::Impl {
  ApiServerOptions options;
  std::shared_ptr<MetadataStore> store;
  std::shared_ptr<QueryInvoker> invoker;
  ServerMetrics metrics;
  QueryService queries;
  httplib::Server http;
  std::thread thread;
  int port = 0;

  std::atomic<int> running_queries{0};
  std::mutex cancel_mutex;
  std::set<std::atomic<bool>*> cancel_flags;
  std::atomic<bool> stopping{false};
  std::atomic<bool> serve_ended{false};

  Impl(ApiServerOptions o, std::shared_ptr<MetadataStore> s, std::shared_ptr<QueryInvoker> i)
      : options(std::move(o)),
        store(std::move(s)),
        invoker(std::move(i)),
        queries(*store, *invoker, metrics, options.query_timeout) {}

  // A query slot, held from admission to the query's end (a streamed query's end too).
  class Slot {
   public:
    explicit Slot(Impl* impl) : impl_(impl) {}
    ~Slot() {
      impl_->running_queries.fetch_sub(1);
      impl_->metrics.queries_in_flight->Add({}, -1);
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    Impl* impl_;
  };

  std::shared_ptr<Slot> AcquireSlot() {
    if (running_queries.fetch_add(1) >= options.max_concurrent_queries) {
      running_queries.fetch_sub(1);
      metrics.queries->Add({"busy"});
      throw ApiException(MakeApiError("BUSY", "too many queries running (the limit is " +
                                                  std::to_string(options.max_concurrent_queries) +
                                                  "); retry later"));
    }
    metrics.queries_in_flight->Add({}, 1);
    return std::make_shared<Slot>(this);
  }

  // Registers a cancel flag so Stop() can reach it; unregisters on destruction.
  class CancelRegistration {
   public:
    CancelRegistration(Impl* impl, std::atomic<bool>* flag) : impl_(impl), flag_(flag) {
      std::lock_guard<std::mutex> lock(impl_->cancel_mutex);
      if (impl_->stopping) *flag_ = true;
      impl_->cancel_flags.insert(flag_);
    }
    ~CancelRegistration() {
      std::lock_guard<std::mutex> lock(impl_->cancel_mutex);
      impl_->cancel_flags.erase(flag_);
    }
    CancelRegistration(const CancelRegistration&) = delete;
    CancelRegistration& operator=(const CancelRegistration&) = delete;

   private:
    Impl* impl_;
    std::atomic<bool>* flag_;
  };

  // Runs `handler`, answering any error it throws with its JSON document.
  template <typename F>
  void Guarded(const httplib::Request& req, httplib::Response& res, F&& handler) {
    try {
      handler(req, res);
    } catch (const ApiException& e) {
      SetError(res, e.error());
    } catch (const Error& e) {
      SetError(res, ApiErrorFromError(e));
    } catch (const std::bad_alloc&) {
      SetError(res, MakeApiError("INTERNAL", "out of memory"));
    } catch (const std::exception& e) {
      SetError(res, MakeApiError("INTERNAL", e.what()));
    }
  }

  void Route() {
    http.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          "<!doctype html><title>frocket</title><p>frocket API server. The web UI comes in a "
          "later version; see docs/api.md for the HTTP API.</p>\n",
          "text/html; charset=utf-8");
    });
    http.Get("/health", [this](const httplib::Request& req, httplib::Response& res) {
      Guarded(req, res, [this](const httplib::Request&, httplib::Response& res) { Health(res); });
    });
    http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics.registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    http.Get("/datasets", [this](const httplib::Request& req, httplib::Response& res) {
      Guarded(req, res, [this](const httplib::Request&, httplib::Response& res) {
        Json list = Json::array();
        for (const DatasetInfo& info : store->List()) list.push_back(DatasetListItem(info));
        SetJson(res, 200, list);
      });
    });
    http.Post("/datasets/register", [this](const httplib::Request& req, httplib::Response& res) {
      Guarded(req, res,
              [this](const httplib::Request& req, httplib::Response& res) { Register(req, res); });
    });
    http.Post(R"(/datasets/([^/]+)/unregister)",
              [this](const httplib::Request& req, httplib::Response& res) {
                Guarded(req, res, [this](const httplib::Request& req, httplib::Response& res) {
                  Unregister(req.matches[1], Flag(req, "force"), res);
                });
              });
    http.Get(
        R"(/datasets/([^/]+)/schema)", [this](const httplib::Request& req, httplib::Response& res) {
          Guarded(req, res, [this](const httplib::Request& req, httplib::Response& res) {
            SetJson(res, 200, DatasetSchemaDocument(GetDataset(req.matches[1]), Flag(req, "full")));
          });
        });
    http.Get(R"(/datasets/([^/]+)/parts)",
             [this](const httplib::Request& req, httplib::Response& res) {
               Guarded(req, res, [this](const httplib::Request& req, httplib::Response& res) {
                 SetJson(res, 200, DatasetPartsDocument(GetDataset(req.matches[1])));
               });
             });
    http.Post(R"(/datasets/([^/]+)/query)",
              [this](const httplib::Request& req, httplib::Response& res) {
                Guarded(req, res, [this](const httplib::Request& req, httplib::Response& res) {
                  Query(req, res, req.body);
                });
              });
    http.Get(R"(/datasets/([^/]+)/empty-query)",
             [this](const httplib::Request& req, httplib::Response& res) {
               Guarded(req, res, [this](const httplib::Request& req, httplib::Response& res) {
                 Query(req, res, "{}");
               });
             });

    // httplib waits for the body of a POST without Content-Length until its read timeout and
    // then answers 400; clients do send an unregister with no body and no length (curl -X POST),
    // so such requests are answered here, before httplib tries to read a body.
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (req.method != "POST" || req.has_header("Content-Length") ||
          req.has_header("Transfer-Encoding")) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      static const std::regex kUnregister(R"(/datasets/([^/]+)/unregister)");
      std::smatch match;
      Guarded(req, res, [&](const httplib::Request& req, httplib::Response& res) {
        if (std::regex_match(req.path, match, kUnregister)) {
          Unregister(match[1], Flag(req, "force"), res);
        } else {
          throw ApiException(
              MakeApiError("SCHEMA", "the request has no body (no Content-Length header)", ""));
        }
      });
      return httplib::Server::HandlerResponse::Handled;
    });

    // Answers httplib produced itself (no route, body too large, unreadable request) get our
    // JSON document too; answers that already have a body are ours and stay as they are.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                       httplib::Response& res) {
      if (!res.body.empty() || res.is_chunked_content_provider_) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      ApiError error;
      if (res.status == 404) {
        error = MakeApiError("NOT_FOUND", "no endpoint " + req.method + " " + req.path);
      } else if (res.status == 413) {
        error = MakeApiError("TOO_LARGE", "the request body is over the limit of " +
                                              std::to_string(options.max_body_bytes) + " bytes");
      } else if (res.status == 400) {
        error = MakeApiError("SCHEMA", "malformed HTTP request");
      } else {
        error = MakeApiError("INTERNAL", "HTTP error " + std::to_string(res.status));
        error.status = res.status;
      }
      const int status = res.status;
      SetError(res, error);
      res.status = status;
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          std::string message = "unexpected exception";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            message = e.what();
          } catch (...) {
          }
          SetError(res, MakeApiError("INTERNAL", message));
        });
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      metrics.http_requests->Add({req.method, std::to_string(res.status)});
      if (!options.request_log) return;
      std::string size = res.is_chunked_content_provider_
                             ? std::string("stream")
                             : std::to_string(res.body.size()) + " bytes";
      options.request_log(req.remote_addr + " \"" + req.method + " " + req.target + "\" " +
                          std::to_string(res.status) + " " + size);
    });
  }

  void Health(httplib::Response& res) {
    Json doc = {{"status", "ok"}, {"metadataStore", "ok"}};
    if (options.uses_redis) doc["redis"] = "ok";
    bool ok = true;
    try {
      // A lookup of a name nobody registers: one round trip to the store, whatever its size.
      store->Get("frocket-health-probe");
    } catch (const Error& e) {
      ok = false;
      doc["metadataStore"] = HealthText(e);
      if (options.uses_redis) doc["redis"] = HealthText(e);
    }
    if (!ok) doc["status"] = "unavailable";
    SetJson(res, ok ? 200 : 503, doc);
  }

  DatasetInfo GetDataset(const std::string& name) {
    std::optional<DatasetInfo> info;
    try {
      CheckDatasetName(name);
      info = store->Get(name);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kInvalidArgument) throw;
    }
    if (!info) throw ApiException(MakeApiError("NOT_FOUND", "no dataset named '" + name + "'"));
    return std::move(*info);
  }

  Json RunRegistration(const RegistrationRequest& request) {
    const std::string request_id = NewApiRequestId();
    RegisterOutcome outcome;
    try {
      outcome = RegisterAndStore(*store, request);
    } catch (const Error& e) {
      metrics.registrations->Add({"failed"});
      throw ApiException(RegistrationError(e));
    }
    metrics.registrations->Add({"success"});
    metrics.registration_duration->Observe({}, outcome.seconds);
    const DatasetInfo& info = outcome.info;
    return {{"success", true},
            {"requestId", request_id},
            {"replaced", outcome.replaced},
            {"dataset", DatasetListItem(info)},
            {"stats",
             {{"totalTime", outcome.seconds},
              {"totalParts", info.files.size()},
              {"validatedParts", info.ValidatedFiles()},
              {"totalRows", info.TotalRows()},
              {"totalSize", info.TotalBytes()}}}};
  }

  void Register(const httplib::Request& req, httplib::Response& res) {
    RegistrationRequest request = RegistrationRequestFromBody(req.body);
    if (!Flag(req, "stream")) {
      SetJson(res, 200, RunRegistration(request));
      return;
    }
    // Registration reads files and cannot stop halfway, so a client that leaves only stops
    // the stream: the dataset is still registered.
    auto stream = std::make_shared<ProgressStream>(
        [this, request](const std::atomic<bool>&, const ProgressStream::Emit& emit) -> Json {
          InvokerProgress starting;
          starting.stage = "STARTING";
          starting.message = "Discovering and validating files in " + request.base_path;
          emit(ProgressLine(starting));
          try {
            return RunRegistration(request);
          } catch (const ApiException& e) {
            return e.error().ToJson();
          } catch (const std::exception& e) {
            return MakeApiError("INTERNAL", e.what()).ToJson();
          }
        },
        nullptr);
    res.set_chunked_content_provider(
        kNdjson, [stream](size_t, httplib::DataSink& sink) { return stream->Pump(sink); });
  }

  void Unregister(const std::string& name, bool force, httplib::Response& res) {
    UnregisterOutcome outcome;
    try {
      CheckDatasetName(name);
      outcome = UnregisterDataset(*store, name, force, options.unregister_guard_seconds,
                                  std::time(nullptr));
    } catch (const Error& e) {
      // A name the catalog cannot hold was never registered.
      if (e.kind() != ErrorKind::kInvalidArgument) throw;
    }
    if (outcome.refused) {
      const int64_t ago = std::time(nullptr) - *outcome.last_used;
      throw ApiException(
          MakeApiError("CONFLICT", "dataset '" + name + "' was queried " + std::to_string(ago) +
                                       " s ago, less than the " +
                                       std::to_string(options.unregister_guard_seconds) +
                                       " s guard; wait, or unregister with force=true"));
    }
    SetJson(res, 200,
            {{"success", true},
             {"datasetFound", outcome.found},
             {"datasetLastUsed", outcome.last_used ? Json(*outcome.last_used) : Json(nullptr)}});
  }

  void Query(const httplib::Request& req, httplib::Response& res, std::string text) {
    {
      std::lock_guard<std::mutex> lock(cancel_mutex);
      if (stopping) throw ApiException(MakeApiError("UNAVAILABLE", "the server is stopping"));
    }
    std::shared_ptr<Slot> slot = AcquireSlot();
    auto prepared =
        std::make_shared<PreparedQuery>(queries.Prepare(req.matches[1], std::move(text)));
    auto watch = std::make_shared<ConnectionWatch>(req.local_addr, req.local_port, req.remote_addr,
                                                   req.remote_port);
    if (Flag(req, "stream")) {
      auto stream = std::make_shared<ProgressStream>(
          [this, prepared, slot](const std::atomic<bool>& cancel,
                                 const ProgressStream::Emit& emit) -> Json {
            InvokerProgress starting;
            starting.stage = "STARTING";
            starting.message = "Running " + std::to_string(prepared->dataset.files.size()) +
                               " tasks (" + invoker->name() + ")";
            starting.tasks_total = static_cast<int64_t>(prepared->dataset.files.size());
            starting.tasks.queued = starting.tasks_total;
            emit(ProgressLine(starting));
            try {
              Json result = queries.Run(
                  *prepared, &cancel, [&emit](const InvokerProgress& p) { emit(ProgressLine(p)); });
              InvokerProgress done;
              done.stage = "DONE";
              done.message = "Done";
              done.tasks_total = starting.tasks_total;
              done.tasks.ended_success = starting.tasks_total;
              done.progress = 1;
              emit(ProgressLine(done));
              return result;
            } catch (const ApiException& e) {
              return e.error().ToJson();
            } catch (const std::exception& e) {
              return MakeApiError("INTERNAL", e.what()).ToJson();
            }
          },
          [watch] { return watch->PeerClosed(); });
      // The stream's cancel flag is reachable by Stop() while the stream lives.
      auto registration = std::make_shared<CancelRegistration>(this, &stream->cancel());
      res.set_chunked_content_provider(
          kNdjson,
          [stream, registration](size_t, httplib::DataSink& sink) { return stream->Pump(sink); });
      return;
    }

    std::atomic<bool> cancel{false};
    CancelRegistration registration(this, &cancel);
    // Without a stream nothing is written until the end, so a watcher thread looks at the
    // connection while the query runs.
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::thread watcher;
    if (watch->found()) {
      watcher = std::thread([&] {
        std::unique_lock<std::mutex> lock(mutex);
        while (!done) {
          cv.wait_for(lock, std::chrono::milliseconds(50));
          if (!done && watch->PeerClosed()) cancel = true;
        }
      });
    }
    auto stop_watcher = [&] {
      {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
      }
      cv.notify_all();
      if (watcher.joinable()) watcher.join();
    };
    Json result;
    try {
      result = queries.Run(*prepared, &cancel, nullptr);
    } catch (...) {
      stop_watcher();
      throw;
    }
    stop_watcher();
    SetJson(res, 200, result);
  }
};

ApiServer::ApiServer(ApiServerOptions options, std::shared_ptr<MetadataStore> store,
                     std::shared_ptr<QueryInvoker> invoker)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(store), std::move(invoker))) {
  Impl& impl = *impl_;
  impl.http.set_payload_max_length(impl.options.max_body_bytes);
  // Enough threads for every allowed query plus the requests that must still be answered
  // meanwhile (429s, /health, /metrics, listings); beyond them, connections wait.
  const size_t threads = static_cast<size_t>(std::max(1, impl.options.max_concurrent_queries)) + 16;
  impl.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  impl.Route();
}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Bind() {
  Impl& impl = *impl_;
  const std::string where = impl.options.bind + ":" + std::to_string(impl.options.port);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second server on a
  // port already in use would bind too and silently share the traffic.
  impl.http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<void*>(&yes), sizeof(yes));
  });
  if (impl.options.port == 0) {
    impl.port = impl.http.bind_to_any_port(impl.options.bind);
    if (impl.port < 0) impl.port = 0;
  } else if (impl.http.bind_to_port(impl.options.bind, impl.options.port)) {
    impl.port = impl.options.port;
  }
  if (impl.port <= 0) {
    throw Error(ErrorKind::kUnavailable,
                "cannot listen on " + where +
                    " (is the port in use, or the address not one of this machine's?)");
  }
}

void ApiServer::Serve() {
  if (!impl_->http.listen_after_bind() && !impl_->stopping) {
    throw Error(ErrorKind::kUnavailable,
                "the server stopped listening on port " + std::to_string(impl_->port));
  }
}

void ApiServer::Start() {
  Bind();
  impl_->thread = std::thread([this] {
    try {
      Serve();
    } catch (const std::exception&) {
      // Stop() follows; tests see the failure as refused connections.
    }
    impl_->serve_ended = true;
  });
  // listen_after_bind sets is_running only once its loop starts; Stop before that would be
  // lost, so wait for it.
  while (!impl_->http.is_running() && !impl_->serve_ended) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void ApiServer::Stop() {
  Impl& impl = *impl_;
  {
    std::lock_guard<std::mutex> lock(impl.cancel_mutex);
    impl.stopping = true;
    for (std::atomic<bool>* flag : impl.cancel_flags) *flag = true;
  }
  impl.http.stop();
  if (impl.thread.joinable()) impl.thread.join();
}

int ApiServer::port() const { return impl_->port; }

}  // namespace frocket::server
