#include "cli/dataset_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/dataset_info.h"
#include "catalog/dataset_registration.h"
#include "catalog/metadata_store.h"
#include "catalog/schema_mapping.h"
#include "cli/output_buffer.h"
#include "common/error.h"
#include "server/api_client.h"
#include "server/dataset_documents.h"
#include "server/dataset_service.h"

namespace frocket::cli {
namespace {

using nlohmann::json;
using server::DatasetSummary;

// Left-aligned columns separated by two spaces; the last column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string Render(const std::string& indent) const {
    std::vector<size_t> widths;
    for (const auto& row : rows_) {
      if (widths.size() < row.size()) widths.resize(row.size(), 0);
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

json OptionalJson(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::string TimeRangeText(const DatasetSummary& s) {
  std::optional<int64_t> lo = s.min_timestamp, hi = s.max_timestamp;
  if (!lo || !hi) return "(no rows)";
  TimestampUnit unit = s.timestamp_unit;
  return std::to_string(*lo) + " .. " + std::to_string(*hi) + " " + TimestampUnitName(unit) + " (" +
         FormatUtc(*lo, unit) + " .. " + FormatUtc(*hi, unit) + ")";
}

// The fields every command shows about a dataset, in JSON.
json SummaryJson(const DatasetSummary& s) {
  return {{"name", s.name},
          {"base_path", s.base_path},
          {"registered_at", FormatUtcMillis(s.registered_at_ms)},
          {"group_id_column", s.group_id_column},
          {"timestamp_column", s.timestamp_column},
          {"timestamp_unit", TimestampUnitName(s.timestamp_unit)},
          {"pattern", s.pattern},
          {"validation_mode", ValidationModeName(s.validation_mode)},
          {"validate_uniques", s.validate_uniques},
          {"total_files", s.total_files},
          {"validated_files", s.validated_files},
          {"total_rows", s.total_rows},
          {"total_bytes", s.total_bytes},
          {"min_timestamp", OptionalJson(s.min_timestamp)},
          {"max_timestamp", OptionalJson(s.max_timestamp)}};
}

void Print(const std::string& text) {
  OutputBuffer out(stdout);
  out.Append(text);
  out.Flush();
}

void PrintJson(const json& doc) {
  // Names and values come from files and need not be UTF-8: replace bad bytes rather than fail.
  Print(doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

struct CatalogOptions {
  std::string catalog;
  std::string server;  // act through the API server at this URL instead of a catalog
  bool json = false;
};

void AddCatalogOptions(CLI::App* command, CatalogOptions* options) {
  command->add_option("--catalog", options->catalog,
                      "Catalog directory (default: $FROCKET_CATALOG_DIR, else ~/.frocket)");
  command->add_option("--server", options->server,
                      "Act through the frocket API server at this URL (http://host:port) "
                      "instead of the local catalog");
  command->add_flag("--json", options->json, "Print one JSON document instead of tables");
}

void CheckOneTarget(const CatalogOptions& options) {
  if (!options.server.empty() && !options.catalog.empty()) {
    ThrowInvalid("give --catalog or --server, not both");
  }
}

// The dataset's path on the server: names are checked first, so they need no escaping.
std::string DatasetPath(const std::string& name, const std::string& action) {
  CheckDatasetName(name);
  return "/datasets/" + name + "/" + action;
}

std::unique_ptr<MetadataStore> OpenStore(const CatalogOptions& options, std::string* dir) {
  *dir = ResolveCatalogDir(options.catalog);
  return OpenLocalMetadataStore(*dir);
}

DatasetInfo GetOrThrow(const MetadataStore& store, const std::string& name,
                       const std::string& dir) {
  std::optional<DatasetInfo> info = store.Get(name);
  if (!info) ThrowInvalid("no dataset named " + Quote(name) + " in the catalog " + dir);
  return std::move(*info);
}

// ---- register ----

struct RegisterOptions {
  CatalogOptions catalog;
  RegistrationRequest request;
  std::string unit = "ms";
  std::string validation = "sample";
  bool no_validate_uniques = false;
};

// The register body of the API for a request (absolute local paths: the CLI's working
// directory is not the server's).
std::string RegisterBody(const RegistrationRequest& request) {
  std::string base_path = request.base_path;
  if (!base_path.empty() && base_path[0] != '/' && base_path.find("://") == std::string::npos) {
    base_path = std::filesystem::absolute(base_path).lexically_normal().string();
  }
  std::string mode = ValidationModeName(request.validation_mode);
  for (char& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  json body = {{"name", request.name},
               {"basepath", base_path},
               {"groupIdColumn", request.group_id_column},
               {"timestampColumn", request.timestamp_column},
               {"timestampUnit", TimestampUnitName(request.timestamp_unit)},
               {"pattern", request.pattern},
               {"validationMode", mode},
               {"validateUniques", request.validate_uniques}};
  return body.dump();
}

void RunRegister(RegisterOptions& options) {
  CheckOneTarget(options.catalog);
  RegistrationRequest& request = options.request;
  request.timestamp_unit = ParseTimestampUnit(options.unit);
  request.validation_mode = ParseValidationMode(options.validation);
  request.validate_uniques = !options.no_validate_uniques;
  CheckDatasetName(request.name);
  DatasetSummary summary;
  bool replaced = false;
  std::string where;
  if (!options.catalog.server.empty()) {
    server::ApiClient client(options.catalog.server);
    nlohmann::ordered_json reply = client.Call("POST", "/datasets/register", RegisterBody(request));
    summary = server::DatasetSummaryFromApi(reply.value("dataset", nlohmann::ordered_json()),
                                            "the server's answer");
    replaced = reply.value("replaced", false);
    where = "  server: " + client.url() + "\n";
  } else {
    std::string dir;
    std::unique_ptr<MetadataStore> store = OpenStore(options.catalog, &dir);
    server::RegisterOutcome outcome = server::RegisterAndStore(*store, request);
    summary = server::SummarizeDataset(outcome.info);
    replaced = outcome.replaced;
    where = "  catalog: " + dir + "\n";
  }

  if (options.catalog.json) {
    PrintJson({{"success", true}, {"replaced", replaced}, {"dataset", SummaryJson(summary)}});
    return;
  }
  std::string out = std::string(replaced ? "replaced" : "registered") + " dataset " +
                    Quote(summary.name) + ": " + std::to_string(summary.total_files) + " files, " +
                    std::to_string(summary.total_rows) + " rows, " +
                    HumanBytes(summary.total_bytes) + "\n";
  out += "  validated " + std::to_string(summary.validated_files) + " of " +
         std::to_string(summary.total_files) + " files (mode " +
         ValidationModeName(summary.validation_mode) + ")" +
         (summary.validate_uniques ? ", group ids unique across them" : ", group ids not checked") +
         "\n";
  out += "  time range: " + TimeRangeText(summary) + "\n";
  out += where;
  Print(out);
}

// ---- list ----

void RunList(const CatalogOptions& options) {
  CheckOneTarget(options);
  std::vector<DatasetSummary> datasets;
  std::string where_key, where;
  if (!options.server.empty()) {
    server::ApiClient client(options.server);
    nlohmann::ordered_json reply = client.Call("GET", "/datasets");
    if (!reply.is_array()) ThrowIo("the server's dataset list is not a JSON array");
    for (const auto& item : reply) {
      datasets.push_back(server::DatasetSummaryFromApi(item, "the server's dataset list"));
    }
    where_key = "server";
    where = client.url();
  } else {
    std::unique_ptr<MetadataStore> store = OpenStore(options, &where);
    for (const DatasetInfo& info : store->List())
      datasets.push_back(server::SummarizeDataset(info));
    where_key = "catalog";
  }
  if (options.json) {
    json list = json::array();
    for (const DatasetSummary& s : datasets) list.push_back(SummaryJson(s));
    PrintJson({{where_key, where}, {"datasets", list}});
    return;
  }
  if (datasets.empty()) {
    Print("no datasets " +
          std::string(options.server.empty() ? "in the catalog " : "on the server ") + where +
          "\n");
    return;
  }
  Table table({"NAME", "FILES", "ROWS", "SIZE", "GROUP ID", "TIMESTAMP", "REGISTERED"});
  for (const DatasetSummary& s : datasets) {
    table.Add({s.name, std::to_string(s.total_files), std::to_string(s.total_rows),
               HumanBytes(s.total_bytes), s.group_id_column,
               s.timestamp_column + " (" + TimestampUnitName(s.timestamp_unit) + ")",
               FormatUtcMillis(s.registered_at_ms)});
  }
  Print(table.Render(""));
}

// ---- info ----

struct InfoOptions {
  CatalogOptions catalog;
  std::string name;
  bool full = false;
};

std::string ColumnNote(const DatasetInfo& info, const DatasetColumn& c) {
  std::string note;
  if (c.name == info.schema.group_id_column) note = "group id";
  if (c.name == info.schema.timestamp_column) {
    note = std::string("timestamp, ") + TimestampUnitName(info.schema.timestamp_unit);
  } else if (c.kind == ColumnKind::kInt && (c.storage_type.find("TIMESTAMP") != std::string::npos ||
                                            c.storage_type.find("TIME(") != std::string::npos)) {
    note = std::string("in ") + TimestampUnitName(info.schema.timestamp_unit);
  }
  if (c.kind == ColumnKind::kUnsupported) note = "unsupported: " + c.unsupported_reason;
  return note;
}

std::string ValueText(const json& v) {
  if (v.is_null()) return "-";
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string InfoText(const DatasetInfo& info, bool full) {
  std::string out;
  TimestampUnit unit = info.schema.timestamp_unit;
  out += "dataset:     " + info.name + "\n";
  out += "base path:   " + info.base_path + "\n";
  out += "pattern:     " + info.pattern + "\n";
  out += "registered:  " + FormatUtcMillis(info.registered_at_ms) + "\n";
  out += "group id:    " + info.schema.group_id_column + "\n";
  out +=
      "timestamp:   " + info.schema.timestamp_column + " (unit " + TimestampUnitName(unit) + ")\n";
  out += "files:       " + std::to_string(info.files.size()) + " (" +
         std::to_string(info.ValidatedFiles()) + " validated, mode " +
         ValidationModeName(info.validation_mode) + ", group ids " +
         (info.validate_uniques ? "checked unique" : "not checked") + ")\n";
  out += "rows:        " + std::to_string(info.TotalRows()) + "\n";
  out += "size:        " + std::to_string(info.TotalBytes()) + " bytes (" +
         HumanBytes(info.TotalBytes()) + ")\n";
  out += "time range:  " + TimeRangeText(server::SummarizeDataset(info)) + "\n";

  out += "\nschema:\n";
  Table schema({"COLUMN", "KIND", "STORAGE TYPE", "NOTE"});
  for (const DatasetColumn& c : info.schema.columns) {
    schema.Add({c.name, ColumnKindName(c.kind), c.storage_type, ColumnNote(info, c)});
  }
  out += schema.Render("  ");
  if (!full) return out;

  out += "\nfiles:\n";
  Table files({"FILE", "SIZE", "ROWS", "MIN TIMESTAMP", "MAX TIMESTAMP", "VALIDATED"});
  for (const DatasetFile& f : info.files) {
    files.Add({f.name, std::to_string(f.size), std::to_string(f.num_rows),
               f.min_timestamp ? std::to_string(*f.min_timestamp) : "-",
               f.max_timestamp ? std::to_string(*f.max_timestamp) : "-",
               f.validated ? "yes" : "no"});
  }
  out += files.Render("  ");

  out += "\ncolumn statistics:\n";
  Table stats(
      {"COLUMN", "NULLS", "MIN", "MAX", "DISTINCT", "TOP VALUES (rows in validated files)"});
  for (size_t i = 0; i < info.schema.columns.size(); ++i) {
    const ColumnStats empty;
    const ColumnStats& s = i < info.stats.size() ? info.stats[i] : empty;
    std::string top;
    for (const TopValue& t : s.top_values) {
      if (!top.empty()) top += ", ";
      top += ValueText(json(t.value)) + " " + std::to_string(t.count);
    }
    stats.Add({info.schema.columns[i].name, s.null_count ? std::to_string(*s.null_count) : "-",
               ValueText(s.min), ValueText(s.max),
               s.distinct_count ? std::to_string(*s.distinct_count) : "-",
               top.empty() ? "-" : top});
  }
  out += stats.Render("  ");
  return out;
}

void RunInfo(const InfoOptions& options) {
  CheckOneTarget(options.catalog);
  DatasetInfo info;
  if (!options.catalog.server.empty()) {
    server::ApiClient client(options.catalog.server);
    nlohmann::ordered_json schema =
        client.Call("GET", DatasetPath(options.name, "schema?full=true"));
    nlohmann::ordered_json parts = client.Call("GET", DatasetPath(options.name, "parts"));
    info = server::DatasetInfoFromApi(schema, parts,
                                      "the server's description of " + Quote(options.name));
  } else {
    std::string dir;
    std::unique_ptr<MetadataStore> store = OpenStore(options.catalog, &dir);
    info = GetOrThrow(*store, options.name, dir);
  }
  if (!options.catalog.json) {
    Print(InfoText(info, options.full));
    return;
  }
  json doc = SummaryJson(server::SummarizeDataset(info));
  json record = DatasetInfoToJson(info);
  doc["version"] = record["version"];
  doc["columns"] = record["columns"];
  if (options.full) {
    doc["files"] = record["files"];
  } else {
    for (json& c : doc["columns"]) c.erase("stats");
  }
  PrintJson(doc);
}

// ---- unregister ----

struct UnregisterOptions {
  CatalogOptions catalog;
  std::string name;
  bool force = false;
};

void RunUnregister(const UnregisterOptions& options) {
  CheckOneTarget(options.catalog);
  bool found = false;
  if (!options.catalog.server.empty()) {
    server::ApiClient client(options.catalog.server);
    nlohmann::ordered_json reply = client.Call(
        "POST", DatasetPath(options.name, options.force ? "unregister?force=true" : "unregister"));
    found = reply.value("datasetFound", false);
    if (!found && !options.force) {
      ThrowInvalid("no dataset named " + Quote(options.name) + " on the server " + client.url());
    }
  } else {
    std::string dir;
    std::unique_ptr<MetadataStore> store = OpenStore(options.catalog, &dir);
    if (!options.force) {
      // Reading first refuses a record this frocket cannot read (damaged, or written by a
      // newer version), which --force removes anyway, and an unknown name, which --force
      // accepts.
      GetOrThrow(*store, options.name, dir);
    }
    // No guard here: a local catalog does not know about queries in other processes.
    found = server::UnregisterDataset(*store, options.name, options.force, 0, 0).found;
  }
  if (options.catalog.json) {
    PrintJson({{"success", true}, {"dataset_found", found}});
    return;
  }
  if (found) {
    Print("unregistered dataset " + Quote(options.name) + " (its files were not touched)\n");
  } else {
    Print("dataset " + Quote(options.name) + " was not registered; nothing to do\n");
  }
}

}  // namespace

void AddRegisterCommand(CLI::App& app) {
  auto options = std::make_shared<RegisterOptions>();
  CLI::App* cmd = app.add_subcommand(
      "register",
      "Register a dataset: discover and validate its Parquet files, store it in the catalog");
  cmd->add_option("NAME", options->request.name, "Dataset name ([A-Za-z0-9_.-], up to 128)")
      ->required();
  cmd->add_option("BASEPATH", options->request.base_path,
                  "Directory holding the files (or file://DIR)")
      ->required();
  cmd->add_option("--group-id-column", options->request.group_id_column,
                  "Column identifying the group (user); integer or string")
      ->required();
  cmd->add_option("--timestamp-column", options->request.timestamp_column,
                  "Column ordering a group's events; integer or TIMESTAMP")
      ->required();
  cmd->add_option("--timestamp-unit", options->unit,
                  "Unit of integer timestamps, and the unit TIMESTAMP columns are exposed in")
      ->check(CLI::IsMember({"s", "ms", "us", "ns"}))
      ->capture_default_str();
  cmd->add_option("--pattern", options->request.pattern, "File name pattern (shell glob)")
      ->capture_default_str();
  cmd->add_option("--validation", options->validation,
                  "Which files to read in full: single, first_last, sample (up to 10 evenly "
                  "spaced, first and last included) or all")
      ->check(CLI::IsMember({"single", "first_last", "sample", "all"}, CLI::ignore_case))
      ->capture_default_str();
  cmd->add_flag("--no-validate-uniques", options->no_validate_uniques,
                "Do not check that group ids are unique across the validated files");
  AddCatalogOptions(cmd, &options->catalog);
  cmd->callback([options]() { RunRegister(*options); });
}

void AddListCommand(CLI::App& app) {
  auto options = std::make_shared<CatalogOptions>();
  CLI::App* cmd = app.add_subcommand("list", "List the registered datasets");
  AddCatalogOptions(cmd, options.get());
  cmd->callback([options]() { RunList(*options); });
}

void AddInfoCommand(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* cmd =
      app.add_subcommand("info", "Describe a registered dataset: files, rows, time range, schema");
  cmd->add_option("NAME", options->name, "Dataset name")->required();
  cmd->add_flag("--full", options->full, "Also list every file and the per-column statistics");
  AddCatalogOptions(cmd, &options->catalog);
  cmd->callback([options]() { RunInfo(*options); });
}

void AddUnregisterCommand(CLI::App& app) {
  auto options = std::make_shared<UnregisterOptions>();
  CLI::App* cmd = app.add_subcommand(
      "unregister", "Remove a dataset from the catalog (its files are never touched)");
  cmd->add_option("NAME", options->name, "Dataset name")->required();
  cmd->add_flag("--force", options->force,
                "Succeed when the dataset is not registered, and remove a record this frocket "
                "cannot read (damaged, or written by a newer version)");
  AddCatalogOptions(cmd, &options->catalog);
  cmd->callback([options]() { RunUnregister(*options); });
}

}  // namespace frocket::cli
