#include "cli/inspect_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/output_buffer.h"
#include "common/error.h"
#include "parquet/file_reader.h"
#include "parquet/value_text.h"
#include "storage/file.h"

namespace frocket::cli {
namespace {

using nlohmann::json;
using parquet::ChunkStatistics;
using parquet::ColumnDescriptor;
using parquet::ColumnMetaData;
using parquet::ParquetFile;
using parquet::SchemaElement;

struct InspectOptions {
  std::string path;
  bool json = false;
};

// Display names for what the metadata holds; unknown enum values (kept as cast numbers by the
// decoder) show their number.
std::string CodecText(const ColumnMetaData& meta) {
  std::string name = parquet::CodecName(meta.codec);
  if (name == "UNKNOWN") name += "(" + std::to_string(meta.raw_codec) + ")";
  return name;
}

std::string EncodingText(parquet::Encoding encoding) {
  std::string name = parquet::EncodingName(encoding);
  if (name == "UNKNOWN") name += "(" + std::to_string(static_cast<int>(encoding)) + ")";
  return name;
}

// The schema element of each leaf, in leaf order (the schema is stored depth first, so leaves
// are the elements without children, in order). Empty when the counts disagree, which a
// schema that parsed cannot do.
std::vector<const SchemaElement*> LeafElements(const ParquetFile& file) {
  std::vector<const SchemaElement*> leaves;
  const auto& elements = file.metadata().schema;
  for (size_t i = 1; i < elements.size(); ++i) {
    if (elements[i].num_children.value_or(0) == 0 && elements[i].type.has_value()) {
      leaves.push_back(&elements[i]);
    }
  }
  if (leaves.size() != static_cast<size_t>(file.schema().num_columns())) leaves.clear();
  return leaves;
}

std::string RepetitionText(const ColumnDescriptor& column, const SchemaElement* element) {
  if (element != nullptr && element->repetition_type) {
    switch (*element->repetition_type) {
      case parquet::Repetition::kRequired:
        return "required";
      case parquet::Repetition::kOptional:
        return "optional";
      case parquet::Repetition::kRepeated:
        return "repeated";
    }
  }
  return column.nullable ? "optional" : "required";
}

// A statistics bound as the column's value text (JSON form, so strings are quoted and an
// empty string is visible), or a note when the bytes do not fit the type.
std::string BoundText(const std::optional<parquet::CellFormatter>& formatter,
                      const std::string& plain) {
  std::string text;
  if (!formatter || !formatter->AppendPlain(plain, &text)) {
    text = "(" + std::to_string(plain.size()) + " bytes, not a valid value of the column's type)";
  }
  return text;
}

struct ColumnView {
  const ColumnDescriptor* column;
  const SchemaElement* element;  // may be null
  std::string physical;
  std::string type;
  std::string repetition;
};

std::vector<ColumnView> Columns(const ParquetFile& file) {
  std::vector<const SchemaElement*> elements = LeafElements(file);
  std::vector<ColumnView> views;
  for (const ColumnDescriptor& c : file.schema().columns()) {
    const SchemaElement* element =
        elements.empty() ? nullptr : elements[static_cast<size_t>(c.leaf_index)];
    views.push_back({&c, element, parquet::PhysicalTypeText(c), parquet::ValueTypeText(c),
                     RepetitionText(c, element)});
  }
  return views;
}

// One JSON-form formatter per column for the statistics bounds. A column whose values cannot
// be rendered (a decimal scale no writer produces) gets none, and its bounds print as
// invalid, so that inspect still describes the rest of the file.
std::vector<std::optional<parquet::CellFormatter>> Formatters(
    const std::vector<ColumnView>& columns) {
  std::vector<std::optional<parquet::CellFormatter>> formatters(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    try {
      formatters[i].emplace(*columns[i].column, parquet::TextFormat::kJson);
    } catch (const Error& e) {
      std::fprintf(stderr, "frocket: note: statistics of column '%s' are not shown: %s\n",
                   columns[i].column->name.c_str(), e.what());
    }
  }
  return formatters;
}

void AppendPadded(std::string* out, const std::string& text, size_t width) {
  out->append(text);
  if (text.size() < width) out->append(width - text.size(), ' ');
}

std::string HumanReport(const ParquetFile& file, uint64_t file_size) {
  const parquet::FileMetaData& md = file.metadata();
  std::vector<ColumnView> columns = Columns(file);
  std::string out;
  out += "file:        " + file.name() + "\n";
  out += "size:        " + std::to_string(file_size) + " bytes\n";
  out += "created_by:  " + md.created_by.value_or("(not set)") + "\n";
  out += "version:     " + std::to_string(md.version) + "\n";
  out += "rows:        " + std::to_string(file.num_rows());
  if (md.num_rows != file.num_rows()) {
    out += " (footer says " + std::to_string(md.num_rows) + ")";
  }
  out += "\nrow groups:  " + std::to_string(file.num_row_groups()) + "\n";
  out += "columns:     " + std::to_string(columns.size()) + "\n";
  if (!md.key_value_metadata.empty()) {
    out += "key/value metadata:\n";
    for (const parquet::KeyValue& kv : md.key_value_metadata) {
      std::string value = kv.value.value_or("(no value)");
      // Writers store whole schemas here; the start is enough to recognize one.
      constexpr size_t kMaxValue = 200;
      if (value.size() > kMaxValue) {
        value = value.substr(0, kMaxValue) + "... (" + std::to_string(value.size()) + " bytes)";
      }
      std::replace(value.begin(), value.end(), '\n', ' ');
      out += "  " + kv.key + " = " + value + "\n";
    }
  }

  out += "\nschema:\n";
  size_t name_width = 4, physical_width = 8, type_width = 4;
  for (const ColumnView& v : columns) {
    name_width = std::max(name_width, v.column->name.size());
    physical_width = std::max(physical_width, v.physical.size());
    type_width = std::max(type_width, v.type.size());
  }
  size_t index_width = std::to_string(columns.size()).size() + 1;
  out += "  ";
  AppendPadded(&out, "#", index_width);
  AppendPadded(&out, "name", name_width + 2);
  AppendPadded(&out, "physical", physical_width + 2);
  AppendPadded(&out, "type", type_width + 2);
  out += "repetition\n";
  for (const ColumnView& v : columns) {
    out += "  ";
    AppendPadded(&out, std::to_string(v.column->leaf_index), index_width);
    AppendPadded(&out, v.column->name, name_width + 2);
    AppendPadded(&out, v.physical, physical_width + 2);
    AppendPadded(&out, v.type.empty() ? "-" : v.type, type_width + 2);
    out += v.repetition;
    if (!v.column->supported) out += "  unsupported: " + v.column->unsupported_reason;
    out += "\n";
  }

  std::vector<std::optional<parquet::CellFormatter>> formatters = Formatters(columns);
  for (int rg = 0; rg < file.num_row_groups(); ++rg) {
    const parquet::RowGroup& group = md.row_groups[static_cast<size_t>(rg)];
    out += "\nrow group " + std::to_string(rg) + ": " + std::to_string(group.num_rows) + " rows, " +
           std::to_string(group.total_byte_size) + " bytes\n";
    for (size_t c = 0; c < group.columns.size() && c < columns.size(); ++c) {
      const parquet::ColumnChunk& chunk = group.columns[c];
      out += "  " + columns[c].column->name + ":";
      if (!chunk.meta_data) {
        out += " no column metadata\n";
        continue;
      }
      const ColumnMetaData& meta = *chunk.meta_data;
      out += " codec " + CodecText(meta) + ", encodings ";
      if (meta.encodings.empty()) out += "(none listed)";
      for (size_t e = 0; e < meta.encodings.size(); ++e) {
        if (e != 0) out += ",";
        out += EncodingText(meta.encodings[e]);
      }
      out += ", compressed " + std::to_string(meta.total_compressed_size) +
             " bytes, uncompressed " + std::to_string(meta.total_uncompressed_size) + " bytes, " +
             std::to_string(meta.num_values) + " values\n";
      ChunkStatistics stats = file.Statistics(rg, static_cast<int>(c));
      out += "    statistics: min ";
      out += stats.min ? BoundText(formatters[c], *stats.min) : "-";
      if (stats.min && !stats.min_exact) out += " (inexact)";
      out += ", max ";
      out += stats.max ? BoundText(formatters[c], *stats.max) : "-";
      if (stats.max && !stats.max_exact) out += " (inexact)";
      out += ", nulls " + (stats.null_count ? std::to_string(*stats.null_count) : "-");
      out += ", distinct " + (stats.distinct_count ? std::to_string(*stats.distinct_count) : "-");
      out += "\n";
    }
  }
  return out;
}

// A value text in JSON form, parsed back so that it nests in the document as a value.
json BoundJson(const std::optional<parquet::CellFormatter>& formatter, const std::string& plain) {
  std::string text;
  if (!formatter || !formatter->AppendPlain(plain, &text)) return nullptr;
  return json::parse(text);
}

std::string JsonReport(const ParquetFile& file, uint64_t file_size) {
  const parquet::FileMetaData& md = file.metadata();
  std::vector<ColumnView> columns = Columns(file);
  json doc;
  doc["file"] = file.name();
  doc["size"] = file_size;
  doc["created_by"] = md.created_by ? json(*md.created_by) : json(nullptr);
  doc["version"] = md.version;
  doc["num_rows"] = file.num_rows();
  doc["footer_num_rows"] = md.num_rows;
  doc["num_row_groups"] = file.num_row_groups();
  json kvs = json::array();
  for (const parquet::KeyValue& kv : md.key_value_metadata) {
    kvs.push_back({{"key", kv.key}, {"value", kv.value ? json(*kv.value) : json(nullptr)}});
  }
  doc["key_value_metadata"] = kvs;

  json schema = json::array();
  for (const ColumnView& v : columns) {
    const ColumnDescriptor& c = *v.column;
    json column = {{"index", c.leaf_index},
                   {"name", c.name},
                   {"physical_type", parquet::PhysicalTypeName(c.physical)},
                   {"physical_type_text", v.physical},
                   {"logical_type", v.type.empty() ? json(nullptr) : json(v.type)},
                   {"repetition", v.repetition},
                   {"max_definition_level", c.max_definition_level},
                   {"max_repetition_level", c.max_repetition_level},
                   {"supported", c.supported}};
    if (c.physical == parquet::PhysicalType::kFixedLenByteArray)
      column["type_length"] = c.type_length;
    if (v.element != nullptr && v.element->converted_type) {
      column["converted_type"] = parquet::ConvertedTypeName(*v.element->converted_type);
    }
    if (!c.supported) column["unsupported_reason"] = c.unsupported_reason;
    schema.push_back(std::move(column));
  }
  doc["columns"] = schema;

  std::vector<std::optional<parquet::CellFormatter>> formatters = Formatters(columns);
  json groups = json::array();
  for (int rg = 0; rg < file.num_row_groups(); ++rg) {
    const parquet::RowGroup& group = md.row_groups[static_cast<size_t>(rg)];
    json chunks = json::array();
    for (size_t c = 0; c < group.columns.size() && c < columns.size(); ++c) {
      const parquet::ColumnChunk& chunk = group.columns[c];
      json entry = {{"column", columns[c].column->name}};
      if (chunk.meta_data) {
        const ColumnMetaData& meta = *chunk.meta_data;
        json encodings = json::array();
        for (parquet::Encoding e : meta.encodings) encodings.push_back(EncodingText(e));
        entry["codec"] = CodecText(meta);
        entry["encodings"] = encodings;
        entry["compressed_size"] = meta.total_compressed_size;
        entry["uncompressed_size"] = meta.total_uncompressed_size;
        entry["num_values"] = meta.num_values;
        ChunkStatistics stats = file.Statistics(rg, static_cast<int>(c));
        json s = json::object();
        s["min"] = stats.min ? BoundJson(formatters[c], *stats.min) : json(nullptr);
        s["max"] = stats.max ? BoundJson(formatters[c], *stats.max) : json(nullptr);
        s["min_exact"] = stats.min_exact;
        s["max_exact"] = stats.max_exact;
        s["null_count"] = stats.null_count ? json(*stats.null_count) : json(nullptr);
        s["distinct_count"] = stats.distinct_count ? json(*stats.distinct_count) : json(nullptr);
        entry["statistics"] = s;
      }
      chunks.push_back(std::move(entry));
    }
    groups.push_back({{"index", rg},
                      {"num_rows", group.num_rows},
                      {"total_byte_size", group.total_byte_size},
                      {"columns", chunks}});
  }
  doc["row_groups"] = groups;
  // Names and metadata are not guaranteed to be UTF-8; replace bad bytes rather than fail.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

void RunInspect(const InspectOptions& options) {
  std::shared_ptr<RandomAccessFile> input = OpenLocalFile(options.path);
  uint64_t size = input->Size();
  std::unique_ptr<ParquetFile> file = ParquetFile::Open(input);
  OutputBuffer out(stdout);
  out.Append(options.json ? JsonReport(*file, size) : HumanReport(*file, size));
  out.Flush();
}

}  // namespace

void AddInspectCommand(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Describe a Parquet file: size, schema, row groups, column chunks, statistics");
  inspect->add_option("FILE", options->path, "Parquet file to inspect")->required();
  inspect->add_flag("--json", options->json, "Print the description as one JSON document");
  inspect->callback([options]() { RunInspect(*options); });
}

}  // namespace frocket::cli
