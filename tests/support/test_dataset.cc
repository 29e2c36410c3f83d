#include "support/test_dataset.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "catalog/dataset_registration.h"
#include "common/bucket.h"
#include "common/error.h"
#include "parquet/writer/file_writer.h"

namespace frocket::testing {

using parquet::ColumnVector;
using parquet::WriterType;

TempDirectory::TempDirectory() {
  std::string tmpl = ::testing::TempDir() + "frocket_engine_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << tmpl;
  path_ = tmpl;
}

TempDirectory::~TempDirectory() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

WriterType ParseWriterType(const std::string& name) {
  if (name == "bool") return WriterType::kBoolean;
  if (name == "int32") return WriterType::kInt32;
  if (name == "int64") return WriterType::kInt64;
  if (name == "float") return WriterType::kFloat;
  if (name == "double") return WriterType::kDouble;
  if (name == "string") return WriterType::kString;
  if (name == "timestamp_ms") return WriterType::kTimestampMillis;
  if (name == "timestamp_us") return WriterType::kTimestampMicros;
  ThrowInvalid("unknown test column type: " + name);
}

namespace {

double AsDouble(const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  return v.get<double>();
}

// Builds one column of the rows `order` in the writer's physical form.
ColumnVector BuildColumn(const TestColumnSpec& column, size_t index, const nlohmann::json& rows,
                         const std::vector<size_t>& order) {
  ColumnVector v;
  v.physical = parquet::WriterPhysicalType(column.type);
  v.size = static_cast<int64_t>(order.size());
  const int64_t n = v.size;
  const int32_t width = v.width();
  v.validity.Resize(((n + 63) / 64) * 8);
  std::fill(v.validity.data(), v.validity.data() + v.validity.size(), 0);
  if (width > 0) {
    v.values.Resize(n * width);
    std::fill(v.values.data(), v.values.data() + v.values.size(), 0);
  } else {
    v.offsets.Resize((n + 1) * 4);
  }
  std::string bytes;
  uint32_t* offsets = width == 0 ? v.offsets.as<uint32_t>() : nullptr;
  if (offsets) offsets[0] = 0;
  for (int64_t i = 0; i < n; ++i) {
    const nlohmann::json& cell = rows[order[i]].at(index);
    const bool null = cell.is_null();
    if (null) {
      ++v.null_count;
    } else {
      v.validity.as<uint64_t>()[i >> 6] |= uint64_t{1} << (i & 63);
    }
    uint8_t* slot = width > 0 ? v.values.data() + i * width : nullptr;
    switch (column.type) {
      case WriterType::kBoolean:
        slot[0] = null ? 0 : (cell.get<bool>() ? 1 : 0);
        break;
      case WriterType::kInt32: {
        int32_t x = null ? 0 : cell.get<int32_t>();
        std::memcpy(slot, &x, 4);
        break;
      }
      case WriterType::kInt64:
      case WriterType::kTimestampMillis:
      case WriterType::kTimestampMicros: {
        int64_t x = null ? 0 : cell.get<int64_t>();
        std::memcpy(slot, &x, 8);
        break;
      }
      case WriterType::kFloat: {
        float x = null ? 0 : static_cast<float>(AsDouble(cell));
        std::memcpy(slot, &x, 4);
        break;
      }
      case WriterType::kDouble: {
        double x = null ? 0 : AsDouble(cell);
        std::memcpy(slot, &x, 8);
        break;
      }
      case WriterType::kString:
        if (!null) bytes += cell.get<std::string>();
        offsets[i + 1] = static_cast<uint32_t>(bytes.size());
        break;
    }
  }
  if (v.null_count == 0) v.validity = Buffer();
  if (width == 0) {
    v.bytes.Resize(bytes.size());
    if (!bytes.empty()) std::memcpy(v.bytes.data(), bytes.data(), bytes.size());
  }
  return v;
}

// Orders two group id cells: numbers numerically, strings byte-wise.
bool GroupLess(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_string()) return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
  return a.get<int64_t>() < b.get<int64_t>();
}

}  // namespace

DatasetInfo WriteTestDataset(const TestDatasetSpec& spec, const std::string& directory,
                             const std::string& name) {
  size_t group_index = spec.columns.size(), ts_index = spec.columns.size();
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    if (spec.columns[c].name == spec.group_id_column) group_index = c;
    if (spec.columns[c].name == spec.timestamp_column) ts_index = c;
  }
  if (group_index == spec.columns.size() || ts_index == spec.columns.size()) {
    ThrowInvalid("test dataset lacks the group id or timestamp column");
  }
  std::vector<std::vector<size_t>> files(spec.num_files);
  for (size_t r = 0; r < spec.rows.size(); ++r) {
    const nlohmann::json& gid = spec.rows[r].at(group_index);
    uint32_t bucket = gid.is_string() ? BucketOf(gid.get_ref<const std::string&>(), spec.num_files)
                                      : BucketOf(gid.get<int64_t>(), spec.num_files);
    files[bucket].push_back(r);
  }
  parquet::WriterSchema schema;
  for (const auto& c : spec.columns) schema.columns.push_back({c.name, c.type, c.nullable});
  for (int f = 0; f < spec.num_files; ++f) {
    std::vector<size_t>& order = files[f];
    if (spec.sort) {
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto& ga = spec.rows[a][group_index];
        const auto& gb = spec.rows[b][group_index];
        if (GroupLess(ga, gb)) return true;
        if (GroupLess(gb, ga)) return false;
        return spec.rows[a][ts_index].get<int64_t>() < spec.rows[b][ts_index].get<int64_t>();
      });
    }
    char file_name[64];
    std::snprintf(file_name, sizeof file_name, "part-%05d.parquet", f);
    parquet::WriterOptions options;
    options.row_group_rows = spec.row_group_rows;
    auto writer = parquet::ParquetWriter::Open(directory + "/" + file_name, schema, options);
    if (!order.empty()) {
      std::vector<ColumnVector> columns;
      for (size_t c = 0; c < spec.columns.size(); ++c) {
        columns.push_back(BuildColumn(spec.columns[c], c, spec.rows, order));
      }
      writer->Write(columns);
    }
    writer->Close();
  }
  RegistrationRequest request;
  request.name = name;
  request.base_path = directory;
  request.group_id_column = spec.group_id_column;
  request.timestamp_column = spec.timestamp_column;
  request.timestamp_unit = spec.timestamp_unit;
  request.validation_mode = ValidationMode::kAll;
  return RegisterDataset(request);
}

}  // namespace frocket::testing
