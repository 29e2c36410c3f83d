// `frocket serve` as a user runs it, and the CLI's --server mode against it: every command's
// output through the server equals its output on a local catalog holding the same dataset
// (but for the lines that name where the catalog is and when it was registered).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/background_process.h"
#include "support/test_dataset.h"

namespace frocket {
namespace {

using Json = nlohmann::ordered_json;
using test_support::BackgroundProcess;
using test_support::CommandResult;
using test_support::RunFrocket;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The text without the lines starting with any of `prefixes` (after leading spaces).
std::string WithoutLines(const std::string& text, const std::vector<std::string>& prefixes) {
  std::stringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const std::string trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    bool drop = false;
    for (const std::string& p : prefixes) drop = drop || trimmed.rfind(p, 0) == 0;
    if (!drop) out += line + "\n";
  }
  return out;
}

// Removes "registered_at" wherever it is.
Json WithoutRegisteredAt(Json doc) {
  if (doc.is_object()) {
    doc.erase("registered_at");
    for (auto& [key, value] : doc.items()) value = WithoutRegisteredAt(value);
  } else if (doc.is_array()) {
    for (auto& value : doc) value = WithoutRegisteredAt(value);
  }
  return doc;
}

class CliServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.path() + "/data";
    local_ = tmp_.path() + "/local";
    CommandResult gen = RunFrocket({"datagen", "--rows", "3000", "--users", "150", "--files", "4",
                                    "--out", data_, "--threads", "1"});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    port_ = test_support::FreeLoopbackPort();
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{FROCKET_BINARY, "serve", "--port", std::to_string(port_),
                                 "--catalog", tmp_.path() + "/served", "--threads", "2"});
    ASSERT_TRUE(test_support::WaitForPort(port_, std::chrono::seconds(10))) << server_->Log();
  }

  // Runs a command twice, on the local catalog and through the server.
  std::pair<CommandResult, CommandResult> Both(std::vector<std::string> args) {
    std::vector<std::string> local = args, remote = args;
    local.insert(local.end(), {"--catalog", local_});
    remote.insert(remote.end(), {"--server", url_});
    return {RunFrocket(local), RunFrocket(remote)};
  }

  std::vector<std::string> RegisterArgs() {
    return {"register", "ev", data_, "--group-id-column", "user_id", "--timestamp-column", "ts"};
  }

  testing::TempDirectory tmp_;
  std::string data_, local_, url_;
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> server_;
};

TEST_F(CliServerTest, EveryCommandPrintsThroughTheServerWhatItPrintsLocally) {
  EXPECT_TRUE(
      Contains(server_->Log(), "frocket serve: listening on " + url_ + " (embedded, catalog"))
      << server_->Log();

  auto [reg_local, reg_remote] = Both(RegisterArgs());
  ASSERT_EQ(reg_local.exit_code, 0) << reg_local.err;
  ASSERT_EQ(reg_remote.exit_code, 0) << reg_remote.err;
  EXPECT_EQ(WithoutLines(reg_local.out, {"catalog:"}), WithoutLines(reg_remote.out, {"server:"}));
  EXPECT_TRUE(Contains(reg_remote.out, "server: " + url_)) << reg_remote.out;

  std::vector<std::string> json_register = RegisterArgs();
  json_register.push_back("--json");
  auto [rj_local, rj_remote] = Both(json_register);
  ASSERT_EQ(rj_remote.exit_code, 0) << rj_remote.err;
  EXPECT_EQ(WithoutRegisteredAt(Json::parse(rj_local.out)),
            WithoutRegisteredAt(Json::parse(rj_remote.out)));
  EXPECT_EQ(Json::parse(rj_remote.out)["replaced"], true);

  auto [list_local, list_remote] = Both({"list", "--json"});
  ASSERT_EQ(list_remote.exit_code, 0) << list_remote.err;
  EXPECT_EQ(WithoutRegisteredAt(Json::parse(list_local.out)["datasets"]),
            WithoutRegisteredAt(Json::parse(list_remote.out)["datasets"]));
  EXPECT_EQ(Json::parse(list_remote.out)["datasets"][0]["total_rows"], 3000);
  auto [table_local, table_remote] = Both({"list"});
  ASSERT_EQ(table_remote.exit_code, 0) << table_remote.err;
  EXPECT_EQ(table_local.out.substr(0, table_local.out.find('\n')),
            table_remote.out.substr(0, table_remote.out.find('\n')));

  auto [info_local, info_remote] = Both({"info", "ev", "--full"});
  ASSERT_EQ(info_remote.exit_code, 0) << info_remote.err;
  EXPECT_EQ(WithoutLines(info_local.out, {"registered:"}),
            WithoutLines(info_remote.out, {"registered:"}));
  auto [ij_local, ij_remote] = Both({"info", "ev", "--full", "--json"});
  ASSERT_EQ(ij_remote.exit_code, 0) << ij_remote.err;
  EXPECT_EQ(WithoutRegisteredAt(Json::parse(ij_local.out)),
            WithoutRegisteredAt(Json::parse(ij_remote.out)));

  const std::string query =
      R"({"query": {"aggregations": [{"column": "event_type"}]},
          "funnel": {"sequence": [{"filter": ["event_type", "==", "view"]},
                                  {"filter": ["event_type", "==", "purchase"]}]}})";
  auto [q_local, q_remote] = Both({"query", "ev", "--string", query, "--format", "json"});
  ASSERT_EQ(q_local.exit_code, 0) << q_local.err << q_local.out;
  ASSERT_EQ(q_remote.exit_code, 0) << q_remote.err;
  Json local_result = Json::parse(q_local.out), remote_result = Json::parse(q_remote.out);
  for (Json* doc : {&local_result, &remote_result}) {
    doc->erase("requestId");
    doc->erase("stats");
  }
  EXPECT_EQ(local_result, remote_result);
  auto [t_local, t_remote] = Both({"query", "ev", "--string", query});
  ASSERT_EQ(t_remote.exit_code, 0) << t_remote.err;
  EXPECT_EQ(WithoutLines(t_local.out, {"time:"}), WithoutLines(t_remote.out, {"time:"}));

  // A bad query: the same error document and exit code 2.
  auto [bad_local, bad_remote] =
      Both({"query", "ev", "--string", R"({"query": {"bogus": 1}})", "--format", "json"});
  EXPECT_EQ(bad_local.exit_code, 2);
  EXPECT_EQ(bad_remote.exit_code, 2) << bad_remote.err;
  EXPECT_EQ(Json::parse(bad_local.out), Json::parse(bad_remote.out));
  auto [nf_local, nf_remote] = Both({"query", "nope", "--empty"});
  EXPECT_EQ(nf_local.exit_code, 2);
  EXPECT_EQ(nf_remote.exit_code, 2);
  EXPECT_TRUE(Contains(nf_remote.err, "no dataset named 'nope'")) << nf_remote.err;

  // The server refuses to unregister a dataset it just queried, unless forced.
  CommandResult refused = RunFrocket({"unregister", "ev", "--server", url_});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(Contains(refused.err, "force")) << refused.err;
  auto [un_local, un_remote] = Both({"unregister", "ev", "--force"});
  ASSERT_EQ(un_remote.exit_code, 0) << un_remote.err;
  EXPECT_EQ(un_local.out, un_remote.out);
  auto [again_local, again_remote] = Both({"unregister", "ev"});
  EXPECT_EQ(again_local.exit_code, 2);
  EXPECT_EQ(again_remote.exit_code, 2);

  // SIGTERM stops the server cleanly.
  EXPECT_EQ(server_->Kill(SIGTERM) >> 8 & 0xff, 0);
  EXPECT_TRUE(Contains(server_->Log(), "frocket serve: stopped")) << server_->Log();
  EXPECT_TRUE(Contains(server_->Log(), "\"POST /datasets/ev/query?stream=true\" 200"))
      << server_->Log();
}

TEST_F(CliServerTest, ClearMessagesForUnreachableServersAndUnsupportedOptions) {
  const int closed_port = test_support::FreeLoopbackPort();
  const std::string closed = "http://127.0.0.1:" + std::to_string(closed_port);
  CommandResult r = RunFrocket({"list", "--server", closed});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, closed)) << r.err;

  r = RunFrocket({"list", "--server", "https://example.com"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "http://")) << r.err;

  r = RunFrocket({"serve", "--redis", "rediss://localhost:6380", "--port", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "rediss://")) << r.err;
  EXPECT_TRUE(Contains(r.err, "TLS")) << r.err;

  r = RunFrocket({"serve", "--invoker", "lambda", "--port", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "not available yet")) << r.err;
  r = RunFrocket({"serve", "--port", "0"}, {{"FROCKET_INVOKER", "queue"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "--redis")) << r.err;

  // The port is taken by the server of this fixture.
  r = RunFrocket({"serve", "--port", std::to_string(port_), "--catalog", tmp_.path() + "/x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "127.0.0.1:" + std::to_string(port_))) << r.err;
}

}  // namespace
}  // namespace frocket
