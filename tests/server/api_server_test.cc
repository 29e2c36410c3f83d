// The HTTP API server in this process: an ApiServer on a free port over an in-memory metadata
// store and the embedded invoker, talked to with cpp-httplib's client (and raw sockets where a
// client must vanish mid-request). Expected values come from the data written here and from
// RunQuery on the same dataset.
#include "server/api_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "catalog/metadata_store.h"
#include "cluster/invoker.h"
#include "common/error.h"
#include "engine/query_engine.h"
#include "query/query_parser.h"
#include "support/test_dataset.h"

namespace frocket {
namespace {

using Json = nlohmann::ordered_json;
using server::ApiServer;
using server::ApiServerOptions;
using testing::TempDirectory;
using testing::TestDatasetSpec;

// Users 0..39 with 5 events each, in 8 files.
TestDatasetSpec EventsSpec(int num_files) {
  TestDatasetSpec spec;
  spec.columns = {{"user_id", parquet::WriterType::kInt64, false},
                  {"ts", parquet::WriterType::kInt64, false},
                  {"ev", parquet::WriterType::kString, true},
                  {"price", parquet::WriterType::kDouble, true}};
  const char* events[] = {"view", "view", "cart", "buy", "view"};
  for (int user = 0; user < 40; ++user) {
    for (int k = 0; k < 5; ++k) {
      // Every third user never buys: their 4th event is another view.
      std::string ev = (k == 3 && user % 3 == 0) ? "view" : events[k];
      spec.rows.push_back({user, 1000 * user + k, ev, 1.5 * k + user});
    }
  }
  spec.num_files = num_files;
  spec.sort = true;
  return spec;
}
constexpr int64_t kRows = 200;

const char* kFunnelQuery = R"({"query": {"aggregations": [{"column": "ev"}]},
  "funnel": {"sequence": [{"filter": ["ev", "==", "view"]}, {"filter": ["ev", "==", "cart"]},
                          {"filter": ["ev", "==", "buy"]}],
             "endAggregations": [{"column": "price", "type": "sum"}]}})";

// Wraps the embedded invoker: each Run waits at a gate (reporting one progress line first)
// until the test opens it, the caller cancels, or the run's timeout passes, as the invoker
// contract says a real invoker does; then runs the real tasks.
class GatedInvoker : public QueryInvoker {
 public:
  const char* name() const override { return "embedded"; }

  PartialResult Run(const DatasetInfo& dataset, const Query& query, std::string_view text,
                    const InvokeOptions& options, InvokeStats* stats) override {
    if (options.on_progress) {
      InvokerProgress p;
      p.stage = "RUNNING";
      p.message = "waiting at the gate";
      p.tasks_total = static_cast<int64_t>(dataset.files.size());
      p.tasks.queued = p.tasks_total;
      options.on_progress(p);
    }
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ++entered_;
      cv_.notify_all();
      while (!open_) {
        cv_.wait_for(lock, std::chrono::milliseconds(5));
        if (options.cancel && options.cancel->load()) {
          ++cancelled_;
          cv_.notify_all();
          throw Error(ErrorKind::kInternal, "query cancelled");
        }
        if (options.timeout.count() > 0 && std::chrono::steady_clock::now() > deadline) {
          throw Error(ErrorKind::kTimeout, "query timed out");
        }
      }
    }
    return inner_->Run(dataset, query, text, options, stats);
  }

  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitEntered(int count) {
    return WaitFor([&] { return entered_ >= count; });
  }
  bool WaitCancelled(int count) {
    return WaitFor([&] { return cancelled_ >= count; });
  }

 private:
  template <typename F>
  bool WaitFor(F done) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), done);
  }
  std::unique_ptr<QueryInvoker> inner_ = MakeEmbeddedInvoker(2);
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
  int entered_ = 0;
  int cancelled_ = 0;
};

// One sample's value from a Prometheus text page ("name{labels}" exactly), or -1.
double MetricValue(const std::string& page, const std::string& series) {
  size_t pos = 0;
  while ((pos = page.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || page[pos - 1] == '\n') {
      return std::stod(page.substr(pos + series.size() + 1));
    }
    pos += series.size();
  }
  return -1;
}

Json WithoutRunFields(Json doc) {
  doc.erase("requestId");
  doc.erase("stats");
  return doc;
}

// A raw connection: sends `request` and hands back the socket (for clients that leave).
int SendRaw(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  EXPECT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  return fd;
}

std::string PostRequest(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

class ApiServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  void SetUp() override {
    const std::string data = dir_.path() + "/ev";
    std::filesystem::create_directories(data);
    info_ = testing::WriteTestDataset(EventsSpec(8), data, "events");
    store_ = MakeMemoryMetadataStore();
    store_->Put(info_);
  }

  void Start(ApiServerOptions options = {}, std::shared_ptr<QueryInvoker> invoker = nullptr) {
    options.bind = "127.0.0.1";
    options.port = 0;
    if (!invoker) invoker = MakeEmbeddedInvoker(2);
    server_ = std::make_unique<ApiServer>(options, store_, invoker);
    server_->Start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(std::chrono::seconds(20));
  }

  std::unique_ptr<httplib::Client> NewClient() {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    c->set_read_timeout(std::chrono::seconds(20));
    return c;
  }

  static Json Body(const httplib::Result& r) { return Json::parse(r->body); }

  // The status and error kind of an error answer, checking the document's shape.
  static void ExpectError(const httplib::Result& r, int status, const std::string& kind) {
    ASSERT_TRUE(r) << "no answer";
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    Json doc = Json::parse(r->body, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << r->body;
    EXPECT_EQ(doc["success"], false);
    EXPECT_EQ(doc["error"]["kind"], kind) << r->body;
    EXPECT_EQ(doc["errorMessage"], doc["error"]["message"]);
  }

  std::string Metrics() {
    auto r = client_->Get("/metrics");
    EXPECT_TRUE(r && r->status == 200);
    return r ? r->body : "";
  }

  Json Expected(const std::string& text) {
    ParseResult parsed = ParseQuery(text, info_.schema);
    EXPECT_TRUE(parsed.ok());
    return RunQuery(info_, *parsed.query);
  }

  TempDirectory dir_;
  DatasetInfo info_;
  std::shared_ptr<MetadataStore> store_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ApiServerTest, DatasetListSchemaAndPartsHaveFunnelRocketShapes) {
  Start();
  auto r = client_->Get("/datasets");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  Json list = Body(r);
  ASSERT_EQ(list.size(), 1u);
  const Json& item = list[0];
  EXPECT_EQ(item["id"]["name"], "events");
  EXPECT_TRUE(item["id"]["registeredAt"].is_string());
  EXPECT_EQ(item["basepath"], info_.base_path);
  EXPECT_EQ(item["groupIdColumn"], "user_id");
  EXPECT_EQ(item["timestampColumn"], "ts");
  EXPECT_EQ(item["totalParts"], 8);
  EXPECT_EQ(item["totalRows"], kRows);
  EXPECT_EQ(item["minTimestamp"], 0);
  EXPECT_EQ(item["maxTimestamp"], 39004);

  Json schema = Body(client_->Get("/datasets/events/schema"));
  EXPECT_EQ(schema["columns"], Json::parse(R"({"user_id": "INT", "ts": "INT", "ev": "STRING",
                                                "price": "FLOAT"})"));
  Json full = Body(client_->Get("/datasets/events/schema?full=true"));
  EXPECT_EQ(full["columns"]["ev"]["kind"], "STRING");
  // 40 users: 120 views, plus the 4th event of the 14 users that never buy; 26 buys.
  EXPECT_EQ(full["columns"]["ev"]["stats"]["topValues"][0],
            Json::parse(R"({"value": "view", "count": 134})"));
  EXPECT_EQ(full["columns"]["user_id"]["stats"]["max"], 39);

  Json parts = Body(client_->Get("/datasets/events/parts"));
  EXPECT_EQ(parts["namingMethod"], "LIST");
  EXPECT_EQ(parts["totalParts"], 8);
  ASSERT_EQ(parts["filenames"].size(), 8u);
  uint64_t size = 0;
  int64_t rows = 0;
  for (const Json& f : parts["files"]) {
    size += f["size"].get<uint64_t>();
    rows += f["rows"].get<int64_t>();
  }
  EXPECT_EQ(parts["totalSize"], size);
  EXPECT_EQ(size, info_.TotalBytes());
  EXPECT_EQ(rows, kRows);

  ExpectError(client_->Get("/datasets/nope/schema"), 404, "NOT_FOUND");
  ExpectError(client_->Get("/datasets/nope/parts"), 404, "NOT_FOUND");
  ExpectError(client_->Get("/no/such/path"), 404, "NOT_FOUND");
  auto home = client_->Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
}

TEST_F(ApiServerTest, QueryResultsEqualRunQueryStreamedOrNot) {
  Start();
  auto r = client_->Post("/datasets/events/query", kFunnelQuery, "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json result = Body(r);
  EXPECT_EQ(WithoutRunFields(result), WithoutRunFields(Expected(kFunnelQuery)));
  // Funnel: 40 viewers, 40 carted after a view, 26 bought after.
  EXPECT_EQ(result["funnel"]["sequence"][2]["matchingGroups"], 26);
  EXPECT_EQ(result["stats"]["invoker"]["totalTasks"], 8);
  EXPECT_EQ(result["stats"]["dataset"]["parts"], 8);
  EXPECT_EQ(result["stats"]["scannedRows"], kRows);

  auto s = client_->Post("/datasets/events/query?stream=true", kFunnelQuery, "application/json");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->get_header_value("Content-Type"), "application/x-ndjson");
  std::vector<Json> lines;
  std::stringstream in(s->body);
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines.front()["stage"], "STARTING");
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_TRUE(lines[i].contains("tasks")) << lines[i].dump();
    int64_t total = 0;
    for (const auto& [state, n] : lines[i]["tasks"].items()) total += n.get<int64_t>();
    EXPECT_EQ(total, 8) << lines[i].dump();
  }
  EXPECT_EQ(WithoutRunFields(lines.back()), WithoutRunFields(result));

  auto empty = client_->Get("/datasets/events/empty-query");
  ASSERT_TRUE(empty);
  Json e = Body(empty);
  EXPECT_EQ(WithoutRunFields(e), WithoutRunFields(Expected("{}")));
  EXPECT_EQ(e["query"]["matchingGroups"], 40);
  EXPECT_EQ(e["query"]["matchingGroupRows"], kRows);
}

TEST_F(ApiServerTest, QueryErrorsAnswerTheirStatusBeforeAnyTask) {
  ApiServerOptions options;
  options.max_body_bytes = 4096;
  Start(options);
  auto bad_json = client_->Post("/datasets/events/query", "{\"query\": ", "application/json");
  ExpectError(bad_json, 400, "SCHEMA");
  EXPECT_TRUE(Body(bad_json)["error"].contains("position"));

  auto unknown_column = client_->Post(
      "/datasets/events/query", R"({"query": {"conditions": [{"filter": ["nope", "==", 1]}]}})",
      "application/json");
  ExpectError(unknown_column, 400, "DATASET");
  EXPECT_EQ(Body(unknown_column)["error"]["path"], "/query/conditions/0/filter/0");

  // Streamed or not, a bad query is a 400 with the JSON path, not a stream.
  auto streamed = client_->Post(
      "/datasets/events/query?stream=true",
      R"({"query": {"aggregations": [{"column": "ev", "type": "bogus"}]}})", "application/json");
  ExpectError(streamed, 400, "SCHEMA");
  EXPECT_EQ(Body(streamed)["error"]["path"], "/query/aggregations/0/type");

  ExpectError(client_->Post("/datasets/nope/query", "{}", "application/json"), 404, "NOT_FOUND");
  ExpectError(client_->Get("/datasets/nope/empty-query"), 404, "NOT_FOUND");
  ExpectError(client_->Post("/datasets/events/query", std::string(5000, ' '), "application/json"),
              413, "TOO_LARGE");

  std::string page = Metrics();
  EXPECT_EQ(MetricValue(page, "frocket_queries_total{status=\"invalid\"}"), 3);
  EXPECT_EQ(MetricValue(page, "frocket_queries_total{status=\"not_found\"}"), 2);
  EXPECT_EQ(MetricValue(page, "frocket_tasks_total{invoker=\"embedded\"}"), -1);
}

TEST_F(ApiServerTest, RegisterAcceptsBothSpellingsAndNamesBadFields) {
  Start();
  const std::string path = (std::filesystem::path(dir_.path()) / "ev").string();
  Json body = {{"name", "copy"},
               {"basepath", path},
               {"groupIdColumn", "user_id"},
               {"timestampColumn", "ts"},
               {"validationMode", "FIRST_LAST"}};
  auto r = client_->Post("/datasets/register", body.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json doc = Body(r);
  EXPECT_EQ(doc["success"], true);
  EXPECT_TRUE(doc["requestId"].is_string());
  EXPECT_EQ(doc["replaced"], false);
  EXPECT_EQ(doc["dataset"]["id"]["name"], "copy");
  EXPECT_EQ(doc["dataset"]["totalParts"], 8);
  EXPECT_EQ(doc["dataset"]["validatedParts"], 2);
  EXPECT_EQ(doc["dataset"]["validationMode"], "FIRST_LAST");
  ASSERT_TRUE(store_->Get("copy").has_value());

  Json snake = {
      {"name", "copy"},           {"base_path", path},        {"group_id_column", "user_id"},
      {"timestamp_column", "ts"}, {"validation_mode", "all"}, {"validate_uniques", false}};
  auto s = client_->Post("/datasets/register?stream=true", snake.dump(), "application/json");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->get_header_value("Content-Type"), "application/x-ndjson");
  std::vector<Json> lines;
  std::stringstream in(s->body);
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0]["stage"], "STARTING");
  EXPECT_EQ(lines.back()["success"], true);
  EXPECT_EQ(lines.back()["replaced"], true);
  EXPECT_EQ(lines.back()["dataset"]["validatedParts"], 8);
  EXPECT_EQ(lines.back()["dataset"]["validateUniques"], false);

  struct Bad {
    Json body;
    std::string path;
  };
  std::vector<Bad> bad = {
      {{{"name", "x"}, {"basepath", path}, {"timestampColumn", "ts"}}, "/groupIdColumn"},
      {{{"name", "x"},
        {"basepath", path},
        {"groupIdColumn", "user_id"},
        {"timestampColumn", "ts"},
        {"validationMode", "SINGLEX"}},
       "/validationMode"},
      {{{"name", "x"},
        {"basepath", path},
        {"groupIdColumn", "user_id"},
        {"timestampColumn", "ts"},
        {"validate_uniques", "123"}},
       "/validate_uniques"},
      {{{"name", "bad/name"},
        {"basepath", path},
        {"groupIdColumn", "user_id"},
        {"timestampColumn", "ts"}},
       "/name"},
      {{{"name", "x"},
        {"basepath", path},
        {"groupIdColumn", "user_id"},
        {"timestampColumn", "ts"},
        {"colour", "red"}},
       "/colour"},
  };
  for (const Bad& b : bad) {
    auto e = client_->Post("/datasets/register", b.body.dump(), "application/json");
    ExpectError(e, 400, "SCHEMA");
    EXPECT_EQ(Body(e)["error"]["path"], b.path) << b.body.dump();
  }
  ExpectError(client_->Post("/datasets/register", "[1, 2", "application/json"), 400, "SCHEMA");

  // The files exist but have no such column: the dataset is invalid, and nothing is stored.
  Json invalid = {
      {"name", "broken"}, {"basepath", path}, {"groupIdColumn", "nope"}, {"timestampColumn", "ts"}};
  auto e = client_->Post("/datasets/register", invalid.dump(), "application/json");
  ExpectError(e, 422, "DATASET_INVALID");
  EXPECT_NE(Body(e)["errorMessage"].get<std::string>().find("nope"), std::string::npos);
  EXPECT_FALSE(store_->Get("broken").has_value());
  Json missing = {{"name", "broken"},
                  {"basepath", path + "/missing"},
                  {"groupIdColumn", "user_id"},
                  {"timestampColumn", "ts"}};
  ExpectError(client_->Post("/datasets/register", missing.dump(), "application/json"), 422,
              "DATASET_INVALID");
}

TEST_F(ApiServerTest, UnregisterIsRefusedRightAfterAQueryUnlessForced) {
  Start();
  auto unknown = client_->Post("/datasets/nope/unregister", "", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 200);
  EXPECT_EQ(Body(unknown)["success"], true);
  EXPECT_EQ(Body(unknown)["datasetFound"], false);

  ASSERT_EQ(client_->Get("/datasets/events/empty-query")->status, 200);
  ExpectError(client_->Post("/datasets/events/unregister", "", "application/json"), 409,
              "CONFLICT");
  EXPECT_TRUE(store_->Get("events").has_value());

  // A POST without any body or Content-Length (curl -X POST) is answered at once too.
  const auto start = std::chrono::steady_clock::now();
  int fd = SendRaw(server_->port(),
                   "POST /datasets/events/unregister?force=true HTTP/1.1\r\nHost: x\r\n"
                   "Connection: close\r\n\r\n");
  ASSERT_GE(fd, 0);
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, n);
  close(fd);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_NE(answer.find("200 OK"), std::string::npos) << answer;
  Json doc = Json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
  EXPECT_EQ(doc["datasetFound"], true);
  EXPECT_TRUE(doc["datasetLastUsed"].is_number_integer());
  EXPECT_FALSE(store_->Get("events").has_value());
}

TEST_F(ApiServerTest, QueriesBeyondTheLimitAreBusy) {
  ApiServerOptions options;
  options.max_concurrent_queries = 1;
  auto gate = std::make_shared<GatedInvoker>();
  Start(options, gate);
  // The first query holds the only slot at the gate.
  int first_status = 0;
  std::string first_body;
  std::thread holder([&] {
    auto r = NewClient()->Post("/datasets/events/query", kFunnelQuery, "application/json");
    if (r) {
      first_status = r->status;
      first_body = r->body;
    }
  });
  ASSERT_TRUE(gate->WaitEntered(1));
  ExpectError(client_->Post("/datasets/events/query", "{}", "application/json"), 429, "BUSY");
  ExpectError(client_->Get("/datasets/events/empty-query?stream=true"), 429, "BUSY");
  // Other endpoints still answer.
  EXPECT_EQ(client_->Get("/health")->status, 200);
  EXPECT_EQ(MetricValue(Metrics(), "frocket_queries_in_flight"), 1);
  gate->Open();
  holder.join();
  ASSERT_EQ(first_status, 200);
  EXPECT_EQ(WithoutRunFields(Json::parse(first_body)), WithoutRunFields(Expected(kFunnelQuery)));
  EXPECT_EQ(client_->Post("/datasets/events/query", "{}", "application/json")->status, 200);
  std::string page = Metrics();
  EXPECT_EQ(MetricValue(page, "frocket_queries_total{status=\"busy\"}"), 2);
  EXPECT_EQ(MetricValue(page, "frocket_queries_total{status=\"success\"}"), 2);
  EXPECT_EQ(MetricValue(page, "frocket_queries_in_flight"), 0);
}

TEST_F(ApiServerTest, AQueryPastItsTimeoutAnswers504) {
  // The real embedded invoker on 48 files, one thread, and a 1 ms limit.
  TempDirectory many;
  TestDatasetSpec spec = EventsSpec(48);
  DatasetInfo info = testing::WriteTestDataset(spec, many.path(), "many");
  store_->Put(info);
  ApiServerOptions options;
  options.query_timeout = std::chrono::milliseconds(1);
  Start(options, MakeEmbeddedInvoker(1));
  ExpectError(client_->Post("/datasets/many/query", kFunnelQuery, "application/json"), 504,
              "TIMEOUT");
  auto streamed = client_->Get("/datasets/many/empty-query?stream=true");
  ASSERT_TRUE(streamed);
  EXPECT_EQ(streamed->status, 200);
  std::string last =
      streamed->body.substr(streamed->body.rfind('\n', streamed->body.size() - 2) + 1);
  Json doc = Json::parse(last);
  EXPECT_EQ(doc["success"], false);
  EXPECT_EQ(doc["error"]["kind"], "TIMEOUT");
  EXPECT_EQ(MetricValue(Metrics(), "frocket_queries_total{status=\"timeout\"}"), 2);
}

TEST_F(ApiServerTest, AClientThatLeavesCancelsItsQuery) {
  auto gate = std::make_shared<GatedInvoker>();
  Start({}, gate);
  // Streamed: read the first progress line, then hang up.
  int fd = SendRaw(server_->port(), PostRequest("/datasets/events/query?stream=true", "{}"));
  ASSERT_GE(fd, 0);
  std::string received;
  char buf[4096];
  while (received.find("STARTING") == std::string::npos) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    received.append(buf, n);
  }
  ASSERT_TRUE(gate->WaitEntered(1));
  close(fd);
  EXPECT_TRUE(gate->WaitCancelled(1));

  // Not streamed: hang up while the query waits.
  fd = SendRaw(server_->port(), PostRequest("/datasets/events/query", "{}"));
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(gate->WaitEntered(2));
  close(fd);
  EXPECT_TRUE(gate->WaitCancelled(2));

  // Nothing is left running: the slots come back.
  double in_flight = -1;
  for (int i = 0; i < 200 && in_flight != 0; ++i) {
    in_flight = MetricValue(Metrics(), "frocket_queries_in_flight");
    if (in_flight != 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(in_flight, 0);
  EXPECT_EQ(MetricValue(Metrics(), "frocket_queries_total{status=\"cancelled\"}"), 2);
}

TEST_F(ApiServerTest, MetricsCountQueriesTasksAndRows) {
  Start();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(client_->Post("/datasets/events/query", kFunnelQuery, "application/json")->status,
              200);
  }
  auto r = client_->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& page = r->body;
  EXPECT_EQ(MetricValue(page, "frocket_queries_total{status=\"success\"}"), 3);
  EXPECT_EQ(MetricValue(page, "frocket_query_duration_seconds_count{status=\"success\"}"), 3);
  EXPECT_EQ(MetricValue(page, "frocket_tasks_total{invoker=\"embedded\"}"), 24);
  EXPECT_EQ(MetricValue(page, "frocket_task_retries_total{invoker=\"embedded\"}"), 0);
  EXPECT_EQ(MetricValue(page, "frocket_scanned_rows_total"), 3 * kRows);
  EXPECT_GT(MetricValue(page, "frocket_scanned_bytes_total"), 0);
  EXPECT_EQ(MetricValue(page, "frocket_cache_hits_total"), 0);
  EXPECT_EQ(MetricValue(page, "frocket_cost_dollars_total"), 0);
  EXPECT_EQ(MetricValue(page, "frocket_queries_in_flight"), 0);
  // Requests are counted once answered, so the last one may not be counted yet.
  EXPECT_GE(MetricValue(page, "frocket_http_requests_total{method=\"POST\",code=\"200\"}"), 2);
  EXPECT_NE(page.find("# TYPE frocket_query_duration_seconds histogram"), std::string::npos);
}

TEST_F(ApiServerTest, HealthSaysWhenTheStoreIsUnreachable) {
  Start();
  auto ok = client_->Get("/health");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(Body(ok), Json::parse(R"({"status": "ok", "metadataStore": "ok"})"));

  // A catalog "directory" that is a file: every read fails.
  const std::string file = dir_.path() + "/not-a-directory";
  std::ofstream(file) << "x";
  store_ = OpenLocalMetadataStore(file);
  server_.reset();
  Start();
  auto bad = client_->Get("/health");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 503);
  EXPECT_EQ(Body(bad)["status"], "unavailable");
  auto list = client_->Get("/datasets");
  ASSERT_TRUE(list);
  EXPECT_GE(list->status, 500);
}

}  // namespace
}  // namespace frocket
