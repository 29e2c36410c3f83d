// The stored dataset record: JSON round trip, versioning, damaged records, names, time text.
#include "catalog/dataset_info.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"

namespace frocket {
namespace {

using nlohmann::json;

DatasetInfo SampleInfo() {
  DatasetInfo info;
  info.name = "events.v2";
  info.base_path = "/data/events";
  info.registered_at_ms = 1700000000123;
  info.pattern = "part-*.parquet";
  info.validation_mode = ValidationMode::kFirstLast;
  info.validate_uniques = false;
  info.schema.group_id_column = "user_id";
  info.schema.timestamp_column = "ts";
  info.schema.timestamp_unit = TimestampUnit::kMicros;
  info.schema.columns = {
      {"user_id", ColumnKind::kInt, "INT64", ""},
      {"ts", ColumnKind::kInt, "INT64 TIMESTAMP(MICROS,UTC)", ""},
      {"country", ColumnKind::kString, "BYTE_ARRAY STRING", ""},
      {"blob", ColumnKind::kUnsupported, "BYTE_ARRAY", "binary column"},
  };
  info.stats.resize(4);
  info.stats[0].null_count = 0;
  info.stats[0].min = 1;
  info.stats[0].max = int64_t{9007199254740993};  // above 2^53: must survive exactly
  info.stats[2].null_count = 3;
  info.stats[2].min = "DE";
  info.stats[2].max = "US";
  info.stats[2].distinct_count = 2;
  info.stats[2].top_values = {{"US", 7}, {"DE", 2}};
  info.files = {{"a.parquet", 100, 10, -5, 7, true},
                {"b.parquet", 200, 0, std::nullopt, std::nullopt, false}};
  return info;
}

TEST(DatasetInfoTest, JsonRoundTripKeepsEveryField) {
  DatasetInfo info = SampleInfo();
  json doc = DatasetInfoToJson(info);
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["registered_at"], "2023-11-14T22:13:20.123Z");
  DatasetInfo back = DatasetInfoFromText(doc.dump(), "test");

  EXPECT_EQ(back.version, kDatasetInfoVersion);
  EXPECT_EQ(back.name, "events.v2");
  EXPECT_EQ(back.base_path, "/data/events");
  EXPECT_EQ(back.registered_at_ms, 1700000000123);
  EXPECT_EQ(back.pattern, "part-*.parquet");
  EXPECT_EQ(back.validation_mode, ValidationMode::kFirstLast);
  EXPECT_FALSE(back.validate_uniques);
  EXPECT_EQ(back.schema.group_id_column, "user_id");
  EXPECT_EQ(back.schema.timestamp_column, "ts");
  EXPECT_EQ(back.schema.timestamp_unit, TimestampUnit::kMicros);
  ASSERT_EQ(back.schema.columns.size(), 4u);
  EXPECT_EQ(back.schema.columns[1].storage_type, "INT64 TIMESTAMP(MICROS,UTC)");
  EXPECT_EQ(back.schema.columns[2].kind, ColumnKind::kString);
  EXPECT_EQ(back.schema.columns[3].kind, ColumnKind::kUnsupported);
  EXPECT_EQ(back.schema.columns[3].unsupported_reason, "binary column");
  ASSERT_EQ(back.stats.size(), 4u);
  EXPECT_EQ(back.stats[0].max.get<int64_t>(), 9007199254740993);
  EXPECT_EQ(back.stats[2].null_count, 3);
  EXPECT_EQ(back.stats[2].min, "DE");
  EXPECT_EQ(back.stats[2].distinct_count, 2);
  ASSERT_EQ(back.stats[2].top_values.size(), 2u);
  EXPECT_EQ(back.stats[2].top_values[0].value, "US");
  EXPECT_EQ(back.stats[2].top_values[0].count, 7);
  EXPECT_FALSE(back.stats[1].null_count.has_value());
  EXPECT_TRUE(back.stats[1].min.is_null());
  ASSERT_EQ(back.files.size(), 2u);
  EXPECT_EQ(back.files[0].min_timestamp, -5);
  EXPECT_EQ(back.files[0].max_timestamp, 7);
  EXPECT_TRUE(back.files[0].validated);
  EXPECT_FALSE(back.files[1].min_timestamp.has_value());
  EXPECT_EQ(back.files[1].size, 200u);
  // And the second trip writes the same document.
  EXPECT_EQ(DatasetInfoToJson(back), doc);
}

TEST(DatasetInfoTest, Totals) {
  DatasetInfo info = SampleInfo();
  EXPECT_EQ(info.TotalRows(), 10);
  EXPECT_EQ(info.TotalBytes(), 300u);
  EXPECT_EQ(info.ValidatedFiles(), 1);
  EXPECT_EQ(info.MinTimestamp(), -5);
  EXPECT_EQ(info.MaxTimestamp(), 7);
}

TEST(DatasetInfoTest, NewerVersionIsRefusedClearly) {
  json doc = DatasetInfoToJson(SampleInfo());
  doc["version"] = 2;
  doc["something_new"] = {1, 2, 3};
  try {
    DatasetInfoFromJson(doc, "'x.json'");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotSupported);
    std::string message = e.what();
    EXPECT_NE(message.find("newer frocket"), std::string::npos) << message;
    EXPECT_NE(message.find("version 2"), std::string::npos) << message;
    EXPECT_NE(message.find("'x.json'"), std::string::npos) << message;
  }
}

TEST(DatasetInfoTest, UnknownFieldsOfTheCurrentVersionAreIgnored) {
  json doc = DatasetInfoToJson(SampleInfo());
  doc["future_hint"] = "ignored";
  doc["files"][0]["etag"] = "abc";
  EXPECT_EQ(DatasetInfoFromJson(doc, "test").files[0].name, "a.parquet");
}

void ExpectCorrupt(const json& doc, const std::string& fragment) {
  try {
    DatasetInfoFromJson(doc, "'rec.json'");
    FAIL() << "expected an error mentioning " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'rec.json'"), std::string::npos) << e.what();
  }
}

TEST(DatasetInfoTest, DamagedRecordsNameTheField) {
  json good = DatasetInfoToJson(SampleInfo());
  json doc = good;
  doc.erase("version");
  ExpectCorrupt(doc, "'version'");
  doc = good;
  doc["version"] = 0;
  ExpectCorrupt(doc, "version");
  doc = good;
  doc["files"][1].erase("num_rows");
  ExpectCorrupt(doc, "files[1]");
  doc = good;
  doc["files"][0]["size"] = -1;
  ExpectCorrupt(doc, "files[0].size");
  doc = good;
  doc["files"][0]["size"] = "big";
  ExpectCorrupt(doc, "files[0].size");
  doc = good;
  doc["columns"][2]["kind"] = "DECIMAL";
  ExpectCorrupt(doc, "DECIMAL");
  doc = good;
  doc["timestamp_unit"] = "minutes";
  ExpectCorrupt(doc, "minutes");
  doc = good;
  doc["validation_mode"] = "some";
  ExpectCorrupt(doc, "some");
  doc = good;
  doc["columns"] = "nope";
  ExpectCorrupt(doc, "columns");
  doc = good;
  doc["columns"][3].erase("unsupported_reason");
  ExpectCorrupt(doc, "columns[3]");
  ExpectCorrupt(json::array(), "not a JSON object");
  ExpectCorrupt(json(5), "not a JSON object");
}

TEST(DatasetInfoTest, TextThatIsNotJsonIsCorrupt) {
  try {
    DatasetInfoFromText("{\"version\": 1,", "'r.json'");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruptFile);
    EXPECT_NE(std::string(e.what()).find("'r.json' is not valid JSON"), std::string::npos);
  }
  // Deep nesting is refused as a value, not by blowing the stack.
  std::string deep(100000, '[');
  EXPECT_THROW(DatasetInfoFromText(deep, "deep"), Error);
}

TEST(DatasetInfoTest, DatasetNames) {
  for (const char* ok : {"a", "events", "Events_2024-05.v1", "9lives"}) {
    EXPECT_NO_THROW(CheckDatasetName(ok)) << ok;
  }
  for (const std::string& bad : std::vector<std::string>{
           "", ".hidden", "-x", "_x", "a/b", "..", "a b", "ä", "x\n", std::string(129, 'a')}) {
    try {
      CheckDatasetName(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    }
  }
  EXPECT_NO_THROW(CheckDatasetName(std::string(128, 'a')));
}

TEST(DatasetInfoTest, ValidationModeNames) {
  EXPECT_EQ(ParseValidationMode("single"), ValidationMode::kSingle);
  EXPECT_EQ(ParseValidationMode("FIRST_LAST"), ValidationMode::kFirstLast);
  EXPECT_EQ(ParseValidationMode("Sample"), ValidationMode::kSample);
  EXPECT_EQ(ParseValidationMode("all"), ValidationMode::kAll);
  EXPECT_THROW(ParseValidationMode("firstlast"), Error);
}

TEST(DatasetInfoTest, FormatUtc) {
  EXPECT_EQ(FormatUtc(0, TimestampUnit::kMillis), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatUtc(-1, TimestampUnit::kMillis), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatUtc(951782400, TimestampUnit::kSeconds), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatUtc(-2208988800, TimestampUnit::kSeconds), "1900-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(1700000000123456, TimestampUnit::kMicros), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(FormatUtc(1700000000000000001, TimestampUnit::kNanos),
            "2023-11-14T22:13:20.000000001Z");
  // The extremes of int64 must format without overflow.
  EXPECT_FALSE(FormatUtc(INT64_MIN, TimestampUnit::kSeconds).empty());
  EXPECT_FALSE(FormatUtc(INT64_MAX, TimestampUnit::kSeconds).empty());
}

}  // namespace
}  // namespace frocket
