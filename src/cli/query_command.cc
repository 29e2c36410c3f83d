#include "cli/query_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "catalog/metadata_store.h"
#include "common/error.h"
#include "engine/query_engine.h"
#include "query/query_parser.h"
#include "server/api_client.h"

namespace frocket::cli {
namespace {

using json = nlohmann::ordered_json;

struct QueryOptions {
  std::string name;
  std::string file;
  std::string text;
  bool empty = false;
  std::string format = "table";
  int threads = 0;
  bool scan_only = false;
  std::string catalog;
  std::string server;  // run through the API server at this URL
};

std::string ReadQueryFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowInvalid("cannot read the query file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A one-line progress bar on stderr, redrawn in place.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled)
      : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void Update(const QueryProgress& p) {
    if (!enabled_) return;
    const int width = 30;
    const double fraction = p.files_total > 0 ? double(p.files_done) / double(p.files_total) : 1.0;
    const int filled = static_cast<int>(fraction * width);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string bar(filled, '#');
    bar.append(width - filled, '.');
    // A server's progress lines count tasks only (rows_total < 0): no rows then.
    if (p.rows_total >= 0) {
      std::fprintf(stderr, "\r[%s] %lld/%lld files, %.1fM rows, %.1fs", bar.c_str(),
                   static_cast<long long>(p.files_done), static_cast<long long>(p.files_total),
                   double(p.rows_done) / 1e6, seconds);
    } else {
      std::fprintf(stderr, "\r[%s] %lld/%lld files, %.1fs", bar.c_str(),
                   static_cast<long long>(p.files_done), static_cast<long long>(p.files_total),
                   seconds);
    }
    std::fflush(stderr);
    drawn_ = true;
  }
  void Finish() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
};

std::string Number(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_number_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
  }
  return v.dump();
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * double(part) / double(whole));
  return buf;
}

void RenderAggregations(const json& list, const std::string& indent, std::string* out) {
  if (!list.is_array()) return;
  for (const json& a : list) {
    std::string title = a.value("type", "") + "(" + a.value("column", "") + ")";
    if (a.contains("name")) title = a["name"].get<std::string>() + " = " + title;
    const json& value = a["value"];
    if (!value.is_object()) {
      *out += indent + title + ": " + Number(value);
      if (a.contains("baselineValue")) *out += "  (baseline " + Number(a["baselineValue"]) + ")";
      *out += "\n";
      continue;
    }
    *out += indent + title + (a.value("approximate", false) ? " (approximate)" : "") + ":\n";
    for (auto it = value.begin(); it != value.end(); ++it) {
      std::string line = indent + "  " + it.key() + ": " + Number(it.value());
      if (a.contains("baselineValue") && a["baselineValue"].contains(it.key())) {
        line += "  baseline " + Number(a["baselineValue"][it.key()]);
      }
      if (a.contains("lift") && a["lift"].contains(it.key()))
        line += "  lift " + Number(a["lift"][it.key()]);
      *out += line + "\n";
    }
    if (a.contains("otherCount")) *out += indent + "  (other): " + Number(a["otherCount"]) + "\n";
  }
}

std::string RenderTable(const json& r) {
  std::string out;
  const json& q = r["query"];
  const int64_t total = q.value("totalGroups", int64_t{0});
  out += "groups: " + Number(q["matchingGroups"]) + " of " + Number(q["totalGroups"]) + " (" +
         Percent(q.value("matchingGroups", int64_t{0}), total) + ")\n";
  out += "rows:   " + Number(q["matchingGroupRows"]) + " of " + Number(q["totalRows"]) + "\n";
  RenderAggregations(q["aggregations"], "  ", &out);
  if (r.contains("funnel")) {
    const json& steps = r["funnel"]["sequence"];
    out += "funnel:\n";
    int64_t first = 0, prev = 0;
    for (size_t k = 0; k < steps.size(); ++k) {
      const int64_t groups = steps[k].value("matchingGroups", int64_t{0});
      if (k == 0) first = groups;
      std::string line = "  step " + std::to_string(k) + ": " + std::to_string(groups) + " groups";
      if (k > 0)
        line += " (" + Percent(groups, prev) + " of previous, " + Percent(groups, first) +
                " of step 0)";
      if (steps[k].contains("timeToConvert") && !steps[k]["timeToConvert"]["median"].is_null()) {
        line += ", median time to convert " + Number(steps[k]["timeToConvert"]["median"]);
      }
      out += line + "\n";
      RenderAggregations(steps[k]["aggregations"], "    ", &out);
      prev = groups;
    }
    if (r["funnel"].contains("endAggregations")) {
      out += "  end:\n";
      RenderAggregations(r["funnel"]["endAggregations"], "    ", &out);
    }
    if (r["funnel"].contains("breakdown")) {
      const json& b = r["funnel"]["breakdown"];
      out += "  breakdown by " + b.value("column", "") + ":\n";
      for (auto it = b["values"].begin(); it != b["values"].end(); ++it) {
        out += "    " + it.key() + ": " + it.value().dump() + "\n";
      }
    }
  }
  if (r.contains("sampleGroupIds")) out += "sample group ids: " + r["sampleGroupIds"].dump() + "\n";
  const json& s = r["stats"];
  out += "time: " + Number(s["totalTime"]) + " s, files: " + Number(s["files"]) +
         ", scanned rows: " + Number(s["scannedRows"]) + "\n";
  return out;
}

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// Runs the query through the server's streamed query endpoint, drawing its progress lines on
// the bar. Returns the result or the error document as the local engine would (an unknown
// dataset, like locally, throws instead).
json RunOnServer(const QueryOptions& options, const std::string& text, ProgressBar& bar) {
  if (options.scan_only) ThrowInvalid("--scan-only runs locally only; drop --server");
  if (options.threads != 0) ThrowInvalid("--threads applies to local queries; drop --server");
  if (!options.catalog.empty()) ThrowInvalid("give --catalog or --server, not both");
  CheckDatasetName(options.name);
  server::ApiClient client(options.server);
  server::ApiClient::Reply reply = client.Send(
      "POST", "/datasets/" + options.name + "/query?stream=true", text, [&bar](const json& line) {
        if (!line.is_object() || !line.contains("tasks") || !line["tasks"].is_object()) return;
        QueryProgress p;
        for (const auto& [state, count] : line["tasks"].items()) {
          if (count.is_number_integer()) p.files_total += count.get<int64_t>();
        }
        p.files_done = line["tasks"].value("ENDED_SUCCESS", int64_t{0});
        p.rows_total = -1;
        bar.Update(p);
      });
  if (reply.status == 404 || reply.status == 413 || reply.status == 429 || reply.status == 503) {
    // Not a query's failure but the request's: said on stderr, as locally.
    server::ThrowApiReplyError(reply.status, reply.body, client.url());
  }
  json result = std::move(reply.body);
  // The error document as the local engine writes it; the server adds errorMessage for Funnel
  // Rocket clients.
  if (result.is_object() && !result.value("success", false)) result.erase("errorMessage");
  return result;
}

int PrintResult(const QueryOptions& options, const json& result);

int RunQueryCommand(const QueryOptions& options) {
  if (options.format != "table" && options.format != "json") {
    ThrowInvalid("--format must be table or json, not '" + options.format + "'");
  }
  const int sources = !options.file.empty() + !options.text.empty() + options.empty;
  if (sources != 1) ThrowInvalid("give exactly one of --file, --string and --empty");
  std::string text = options.empty           ? "{}"
                     : !options.file.empty() ? ReadQueryFile(options.file)
                                             : options.text;

  ProgressBar bar(::isatty(STDERR_FILENO) != 0);
  json result;
  if (!options.server.empty()) {
    result = RunOnServer(options, text, bar);
    bar.Finish();
    return PrintResult(options, result);
  }

  const std::string dir = ResolveCatalogDir(options.catalog);
  std::unique_ptr<MetadataStore> store = OpenLocalMetadataStore(dir);
  std::optional<DatasetInfo> dataset = store->Get(options.name);
  if (!dataset) ThrowInvalid("no dataset named '" + options.name + "' in the catalog " + dir);

  EngineOptions engine;
  engine.threads = options.threads;
  engine.on_progress = [&bar](const QueryProgress& p) { bar.Update(p); };

  if (options.scan_only) {
    ParseResult parsed = ParseQuery(text, dataset->schema);
    if (!parsed.ok()) ThrowInvalid("invalid query: " + parsed.error->message);
    const auto start = std::chrono::steady_clock::now();
    PartialResult p = ScanQueryColumns(*dataset, *parsed.query, engine);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bar.Finish();
    json doc = {{"scanOnly", true},
                {"totalTime", seconds},
                {"files", p.stats.files},
                {"scannedRows", p.stats.scanned_rows},
                {"scannedBytes", p.stats.scanned_bytes}};
    Print(doc.dump(2) + "\n");
    return 0;
  }
  result = RunQueryText(*dataset, text, engine);
  bar.Finish();
  return PrintResult(options, result);
}

// Prints a result or error document as --format asks; returns the exit code.
int PrintResult(const QueryOptions& options, const json& result) {
  const bool ok = result.value("success", false);
  if (options.format == "json") {
    Print(result.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  } else if (ok) {
    Print(RenderTable(result));
  }
  if (!ok) {
    const json& e = result["error"];
    std::string message = e.value("kind", "") + ": " + e.value("message", "");
    if (e.contains("path") && !e["path"].get<std::string>().empty())
      message += " (at " + e["path"].get<std::string>() + ")";
    std::fprintf(stderr, "frocket: %s\n", message.c_str());
    const std::string kind = e.value("kind", "");
    return kind == "STORAGE" || kind == "INTERNAL" || kind == "TIMEOUT" || kind == "UNAVAILABLE" ||
                   kind == "BUSY"
               ? 1
               : 2;
  }
  return 0;
}

}  // namespace

void AddQueryCommand(CLI::App& app) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* cmd = app.add_subcommand("query", "Run a query over a registered dataset");
  cmd->add_option("NAME", options->name, "Dataset name")->required();
  cmd->add_option("--file,-f", options->file, "Read the query from this JSON file");
  cmd->add_option("--string,-s", options->text, "The query as a JSON string");
  cmd->add_flag("--empty", options->empty, "Run the empty query {} (counts groups and rows)");
  cmd->add_option("--format", options->format, "table (default) or json");
  cmd->add_option("--threads,-t", options->threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--scan-only", options->scan_only,
                "Only read and decode the columns the query needs, and print the time (the "
                "benchmark floor)");
  cmd->add_option("--catalog", options->catalog,
                  "Catalog directory (default: $FROCKET_CATALOG_DIR, else ~/.frocket)");
  cmd->add_option("--server", options->server,
                  "Run the query through the frocket API server at this URL (http://host:port)");
  cmd->callback([options]() {
    int code = RunQueryCommand(*options);
    if (code != 0) {
      std::fflush(stdout);
      std::exit(code);
    }
  });
}

}  // namespace frocket::cli
