// The API's JSON documents about datasets, and their way back into catalog types for clients
// (the CLI's --server mode renders a server's answers with the same code as local answers).
//
// Shapes (keys camelCase; the first keys are Funnel Rocket's, the rest are new):
//   list item   {"id": {"name", "registeredAt"}, "basepath", "groupIdColumn", "timestampColumn",
//                "totalParts", "name", "registeredAtMs", "timestampUnit", "pattern",
//                "validationMode" (SINGLE|FIRST_LAST|SAMPLE|ALL), "validateUniques",
//                "validatedParts", "totalRows", "totalSize", "minTimestamp", "maxTimestamp"}
//   schema      the list item plus "columns": {name: KIND} of the supported columns and
//                "unsupportedColumns": {name: reason};
//               full: "columns": {name: {"name", "kind", "storageType", "unsupportedReason"?,
//                "stats": {"nullCount", "min", "max", "distinctCount", "topValues": [{"value",
//                "count"}]}}} over every column in file order.
//   parts       {"filenames", "namingMethod": "LIST", "totalParts", "totalSize", "files":
//                [{"name", "size", "rows", "minTimestamp", "maxTimestamp", "validated"}]}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "catalog/dataset_info.h"

namespace frocket::server {

nlohmann::ordered_json DatasetListItem(const DatasetInfo& info);
nlohmann::ordered_json DatasetSchemaDocument(const DatasetInfo& info, bool full);
nlohmann::ordered_json DatasetPartsDocument(const DatasetInfo& info);

// The dataset-level facts a listing shows, from a record or from a list item.
struct DatasetSummary {
  std::string name;
  std::string base_path;
  int64_t registered_at_ms = 0;
  std::string group_id_column;
  std::string timestamp_column;
  TimestampUnit timestamp_unit = TimestampUnit::kMillis;
  std::string pattern;
  ValidationMode validation_mode = ValidationMode::kSample;
  bool validate_uniques = true;
  int64_t total_files = 0;
  int64_t validated_files = 0;
  int64_t total_rows = 0;
  uint64_t total_bytes = 0;
  std::optional<int64_t> min_timestamp;
  std::optional<int64_t> max_timestamp;
};

DatasetSummary SummarizeDataset(const DatasetInfo& info);

// From a list item (or a schema document, which holds one). Throws Error(kCorruptFile) naming
// `source` when a field is missing or has the wrong type.
DatasetSummary DatasetSummaryFromApi(const nlohmann::ordered_json& item, const std::string& source);

// The whole record from a full schema document and a parts document. Throws like
// DatasetSummaryFromApi.
DatasetInfo DatasetInfoFromApi(const nlohmann::ordered_json& full_schema,
                               const nlohmann::ordered_json& parts, const std::string& source);

}  // namespace frocket::server
