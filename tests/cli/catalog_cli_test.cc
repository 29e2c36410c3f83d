// End-to-end tests of `frocket register`, `list`, `info` and `unregister`: the binary runs as a
// user would run it, on datasets written here and catalogs in temporary directories. Expected
// values come from the data the tests write.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/background_process.h"
#include "unit/catalog/dataset_files.h"

namespace frocket {
namespace {

using catalog_testing::Int64Column;
using catalog_testing::StringColumn;
using catalog_testing::TempDir;
using catalog_testing::TimestampColumn;
using catalog_testing::WriteFile;
using nlohmann::json;

using Result = test_support::CommandResult;
using test_support::EnvironmentList;

// Runs frocket with `args` and `env` on top of this process's environment, capturing output.
Result Frocket(const std::vector<std::string>& args, const EnvironmentList& env = {}) {
  return test_support::RunFrocket(args, env);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Users 1-2 in a.parquet, 3 in b.parquet; ts in microseconds.
void WriteEvents(const std::string& dir) {
  std::filesystem::create_directories(dir);
  WriteFile(dir + "/a.parquet",
            {Int64Column("uid", {1, 1, 2}),
             TimestampColumn("ts", parquet::WriterType::kTimestampMicros,
                             {1700000000000000, 1700000001500000, 1700000002000000}),
             StringColumn("country", {"US", "US", "DE"})});
  WriteFile(dir + "/b.parquet",
            {Int64Column("uid", {3}),
             TimestampColumn("ts", parquet::WriterType::kTimestampMicros, {1700000003999999}),
             StringColumn("country", {"FR"})});
}

std::vector<std::string> RegisterArgs(const std::string& catalog, const std::string& name,
                                      const std::string& dir) {
  return {"register", name,        dir,    "--group-id-column", "uid", "--timestamp-column",
          "ts",       "--catalog", catalog};
}

TEST(CatalogCliTest, RegisterListInfoUnregister) {
  TempDir tmp;
  std::string data = tmp / "events";
  std::string catalog = tmp / "catalog";
  WriteEvents(data);

  Result r = Frocket(RegisterArgs(catalog, "events", data));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "registered dataset 'events': 2 files, 4 rows")) << r.out;
  EXPECT_TRUE(Contains(r.out, "validated 2 of 2 files (mode sample)")) << r.out;
  // Microsecond timestamps in a dataset of unit ms: floor(1700000003999999 / 1000).
  EXPECT_TRUE(Contains(r.out, "1700000000000 .. 1700000003999 ms")) << r.out;
  EXPECT_TRUE(std::filesystem::exists(catalog + "/datasets/events.json"));

  r = Frocket({"list", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string header, row, extra;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_TRUE(Contains(header, "NAME")) << header;
  EXPECT_TRUE(Contains(header, "ROWS")) << header;
  std::istringstream cells(row);
  std::string name, files, rows;
  cells >> name >> files >> rows;
  EXPECT_EQ(name, "events");
  EXPECT_EQ(files, "2");
  EXPECT_EQ(rows, "4");
  EXPECT_TRUE(Contains(row, "ts (ms)")) << row;

  r = Frocket({"info", "events", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "dataset:     events")) << r.out;
  EXPECT_TRUE(Contains(r.out, "rows:        4")) << r.out;
  EXPECT_TRUE(Contains(r.out, "timestamp:   ts (unit ms)")) << r.out;
  EXPECT_TRUE(Contains(r.out, "2023-11-14T22:13:20.000Z .. 2023-11-14T22:13:23.999Z")) << r.out;
  // Schema rows: column, kind, storage type, note.
  EXPECT_TRUE(Contains(r.out, "uid      INT     INT64")) << r.out;
  EXPECT_TRUE(Contains(r.out, "INT64 TIMESTAMP(MICROS,UTC)  timestamp, ms")) << r.out;
  EXPECT_TRUE(Contains(r.out, "country  STRING  BYTE_ARRAY STRING")) << r.out;
  EXPECT_FALSE(Contains(r.out, "column statistics")) << r.out;

  r = Frocket({"info", "events", "--full", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "column statistics")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"US\" 2, \"DE\" 1, \"FR\" 1")) << r.out;
  // The files table row of a.parquet: name, size, rows, min and max timestamp, validated.
  std::istringstream full(r.out);
  std::string line;
  std::vector<std::string> tokens;
  while (std::getline(full, line)) {
    if (line.rfind("  a.parquet ", 0) != 0) continue;
    std::istringstream words(line);
    for (std::string w; words >> w;) tokens.push_back(w);
  }
  EXPECT_EQ(tokens, (std::vector<std::string>{
                        "a.parquet", std::to_string(catalog_testing::FileSize(data + "/a.parquet")),
                        "3", "1700000000000", "1700000002000", "yes"}))
      << r.out;

  r = Frocket({"unregister", "events", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "unregistered dataset 'events'")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(catalog + "/datasets/events.json"));
  // The data is untouched.
  EXPECT_TRUE(std::filesystem::exists(data + "/a.parquet"));

  r = Frocket({"list", "--catalog", catalog});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.out, "no datasets")) << r.out;
}

TEST(CatalogCliTest, JsonOutput) {
  TempDir tmp;
  std::string data = tmp / "events";
  std::string catalog = tmp / "catalog";
  WriteEvents(data);
  std::vector<std::string> args = RegisterArgs(catalog, "ev", data);
  for (const char* a : {"--timestamp-unit", "us", "--validation", "first_last", "--json"}) {
    args.push_back(a);
  }
  Result r = Frocket(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json reg = json::parse(r.out);
  EXPECT_EQ(reg["success"], true);
  EXPECT_EQ(reg["replaced"], false);
  EXPECT_EQ(reg["dataset"]["total_rows"], 4);
  EXPECT_EQ(reg["dataset"]["timestamp_unit"], "us");
  EXPECT_EQ(reg["dataset"]["min_timestamp"], 1700000000000000);
  EXPECT_EQ(reg["dataset"]["max_timestamp"], 1700000003999999);
  EXPECT_EQ(reg["dataset"]["validation_mode"], "first_last");

  r = Frocket(args);  // again: replaces
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["replaced"], true);

  r = Frocket({"list", "--json", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json list = json::parse(r.out);
  ASSERT_EQ(list["datasets"].size(), 1u);
  EXPECT_EQ(list["datasets"][0]["name"], "ev");
  EXPECT_EQ(list["datasets"][0]["total_files"], 2);
  EXPECT_EQ(list["datasets"][0]["total_bytes"], catalog_testing::FileSize(data + "/a.parquet") +
                                                    catalog_testing::FileSize(data + "/b.parquet"));

  r = Frocket({"info", "ev", "--json", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json info = json::parse(r.out);
  EXPECT_FALSE(info.contains("files"));
  ASSERT_EQ(info["columns"].size(), 3u);
  EXPECT_EQ(info["columns"][1]["name"], "ts");
  EXPECT_EQ(info["columns"][1]["kind"], "INT");
  EXPECT_FALSE(info["columns"][1].contains("stats"));

  r = Frocket({"info", "ev", "--json", "--full", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  info = json::parse(r.out);
  ASSERT_EQ(info["files"].size(), 2u);
  EXPECT_EQ(info["files"][1]["name"], "b.parquet");
  EXPECT_EQ(info["files"][1]["num_rows"], 1);
  EXPECT_EQ(info["files"][1]["min_timestamp"], 1700000003999999);
  EXPECT_EQ(info["columns"][0]["stats"]["max"], 3);
  EXPECT_EQ(info["columns"][2]["stats"]["top_values"][0]["value"], "US");
  EXPECT_EQ(info["columns"][2]["stats"]["top_values"][0]["count"], 2);

  r = Frocket({"unregister", "ev", "--json", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["dataset_found"], true);
}

TEST(CatalogCliTest, CatalogFromTheEnvironment) {
  TempDir tmp;
  std::string data = tmp / "events";
  WriteEvents(data);
  const EnvironmentList env = {{"FROCKET_CATALOG_DIR", tmp / "envcat"}};
  Result r =
      Frocket({"register", "e", data, "--group-id-column", "uid", "--timestamp-column", "ts"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(tmp / "envcat/datasets/e.json"));
  // The flag wins over the environment.
  r = Frocket({"list", "--catalog", tmp / "other"}, env);
  EXPECT_TRUE(Contains(r.out, "no datasets")) << r.out;
  // HOME is the last resort.
  r = Frocket({"list"}, {{"FROCKET_CATALOG_DIR", std::nullopt}, {"HOME", tmp / "home"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, tmp / "home/.frocket")) << r.out;
}

TEST(CatalogCliTest, ErrorsAndExitCodes) {
  TempDir tmp;
  std::string data = tmp / "events";
  std::string catalog = tmp / "catalog";
  WriteEvents(data);

  Result r = Frocket(RegisterArgs(catalog, "x", tmp / "empty-does-not-exist"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "does not exist")) << r.err;

  std::filesystem::create_directories(tmp / "empty");
  r = Frocket(RegisterArgs(catalog, "x", tmp / "empty"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "no files matching '*.parquet'")) << r.err;

  catalog_testing::WriteText(data + "/c.parquet", "garbage");
  r = Frocket(RegisterArgs(catalog, "x", data));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "'c.parquet'")) << r.err;
  std::filesystem::remove(data + "/c.parquet");

  std::vector<std::string> args = RegisterArgs(catalog, "x", data);
  args[4] = "nope";  // --group-id-column
  r = Frocket(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "group id column 'nope' not found in file 'a.parquet'")) << r.err;

  args = RegisterArgs(catalog, "x", data);
  args.push_back("--timestamp-unit");
  args.push_back("minutes");
  EXPECT_NE(Frocket(args).exit_code, 0);

  args = RegisterArgs(catalog, "bad/name", data);
  r = Frocket(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "dataset name")) << r.err;

  // Nothing failed registration left a record behind.
  EXPECT_FALSE(std::filesystem::exists(catalog + "/datasets"));

  r = Frocket({"info", "missing", "--catalog", catalog});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "no dataset named 'missing'")) << r.err;
}

TEST(CatalogCliTest, UnregisterForce) {
  TempDir tmp;
  std::string data = tmp / "events";
  std::string catalog = tmp / "catalog";
  WriteEvents(data);

  // Unknown name: an error without --force, a no-op with it.
  Result r = Frocket({"unregister", "ghost", "--catalog", catalog});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "no dataset named 'ghost'")) << r.err;
  r = Frocket({"unregister", "ghost", "--force", "--json", "--catalog", catalog});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["dataset_found"], false);

  // A record written by a newer frocket is refused without --force, removed with it.
  ASSERT_EQ(Frocket(RegisterArgs(catalog, "future", data)).exit_code, 0);
  std::string path = catalog + "/datasets/future.json";
  json doc = json::parse(test_support::ReadWholeFile(path));
  doc["version"] = 99;
  catalog_testing::WriteText(path, doc.dump());
  r = Frocket({"info", "future", "--catalog", catalog});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "newer frocket")) << r.err;
  r = Frocket({"unregister", "future", "--catalog", catalog});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(std::filesystem::exists(path));
  r = Frocket({"unregister", "future", "--force", "--catalog", catalog});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(CatalogCliTest, ConcurrentRegistrationsBothLand) {
  TempDir tmp;
  std::string data = tmp / "events";
  std::string catalog = tmp / "catalog";
  WriteEvents(data);
  // Several rounds: two processes register different names and a shared one at the same time.
  for (int round = 0; round < 3; ++round) {
    std::string a = "a" + std::to_string(round), b = "b" + std::to_string(round);
    std::vector<std::unique_ptr<test_support::BackgroundProcess>> processes;
    for (const std::string& name : {a, b, std::string("shared"), std::string("shared")}) {
      std::vector<std::string> argv{FROCKET_BINARY};
      for (const std::string& arg : RegisterArgs(catalog, name, data)) argv.push_back(arg);
      processes.push_back(std::make_unique<test_support::BackgroundProcess>(argv));
    }
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(processes[i]->Wait(std::chrono::seconds(60)), 0) << processes[i]->Log();
    }
  }
  Result r = Frocket({"list", "--json", "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> names;
  json list = json::parse(r.out);
  for (const json& d : list["datasets"]) names.push_back(d["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"a0", "a1", "a2", "b0", "b1", "b2", "shared"}));
  // Every file in the catalog is one complete JSON record, and no temporary is left.
  for (const auto& e : std::filesystem::directory_iterator(catalog + "/datasets")) {
    std::string file = e.path().filename().string();
    EXPECT_NE(file[0], '.') << file;
    json doc = json::parse(test_support::ReadWholeFile(e.path().string()));
    EXPECT_EQ(doc["version"], 1);
    EXPECT_EQ(doc["files"].size(), 2u);
  }
}

}  // namespace
}  // namespace frocket
