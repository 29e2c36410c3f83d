// Registration of small datasets written here with frocket's Parquet writer: what is recorded
// (files, rows, sizes, time ranges, schema, statistics, top values), every validation failure,
// timestamp units, and which files each validation mode reads.
#include "catalog/dataset_registration.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/file_discovery.h"
#include "common/error.h"
#include "unit/catalog/dataset_files.h"

namespace frocket {
namespace {

using catalog_testing::DoubleColumn;
using catalog_testing::Int32Column;
using catalog_testing::Int64Column;
using catalog_testing::StringColumn;
using catalog_testing::TempDir;
using catalog_testing::TimestampColumn;
using catalog_testing::WriteFile;
using parquet::WriterType;

RegistrationRequest Request(const std::string& base_path) {
  RegistrationRequest r;
  r.name = "events";
  r.base_path = base_path;
  r.group_id_column = "user_id";
  r.timestamp_column = "ts";
  return r;
}

DatasetInfo Register(const RegistrationRequest& request) {
  auto lister = MakeLocalFileLister();
  return RegisterDataset(request, *lister, request.base_path, 42);
}

// Registration must fail with `kind` and a message holding every fragment.
void ExpectFailure(const RegistrationRequest& request, ErrorKind kind,
                   const std::vector<std::string>& fragments) {
  try {
    Register(request);
    ADD_FAILURE() << "registration succeeded; expected an error with " << fragments[0];
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const std::string& f : fragments) {
      EXPECT_NE(std::string(e.what()).find(f), std::string::npos)
          << "'" << f << "' not in: " << e.what();
    }
  }
}

// Three files, users 1-3, 4-5 and 6, timestamps in ms.
void WriteEvents(const TempDir& dir) {
  WriteFile(dir / "part-0.parquet",
            {Int64Column("user_id", {1, 1, 2, 3}), Int64Column("ts", {1000, 2000, 1500, 3000}),
             StringColumn("country", {"US", "US", "DE", "FR"}),
             DoubleColumn("price", {1.5, 2.5, -3.5, 4.5})});
  WriteFile(dir / "part-1.parquet",
            {Int64Column("user_id", {4, 5, 5}), Int64Column("ts", {500, 4000, 4100}),
             StringColumn("country", {"US", "US", "DE"}), DoubleColumn("price", {9.25, 0, 1})});
  WriteFile(dir / "part-2.parquet", {Int64Column("user_id", {6}), Int64Column("ts", {7000}),
                                     StringColumn("country", {"US"}), DoubleColumn("price", {2})});
}

const DatasetColumn& ColumnOf(const DatasetInfo& info, const std::string& name) {
  const DatasetColumn* c = info.schema.Find(name);
  if (c == nullptr) ADD_FAILURE() << "no column " << name;
  return *c;
}

const ColumnStats& StatsOf(const DatasetInfo& info, const std::string& name) {
  for (size_t i = 0; i < info.schema.columns.size(); ++i) {
    if (info.schema.columns[i].name == name) return info.stats[i];
  }
  ADD_FAILURE() << "no column " << name;
  return info.stats[0];
}

TEST(DatasetRegistrationTest, RecordsFilesRowsRangesSchemaAndStats) {
  TempDir dir;
  WriteEvents(dir);
  DatasetInfo info = Register(Request(dir.path()));

  EXPECT_EQ(info.name, "events");
  EXPECT_EQ(info.base_path, dir.path());
  EXPECT_EQ(info.registered_at_ms, 42);
  EXPECT_EQ(info.validation_mode, ValidationMode::kSample);
  ASSERT_EQ(info.files.size(), 3u);
  const char* names[] = {"part-0.parquet", "part-1.parquet", "part-2.parquet"};
  const int64_t rows[] = {4, 3, 1};
  const int64_t lo[] = {1000, 500, 7000}, hi[] = {3000, 4100, 7000};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(info.files[i].name, names[i]);
    EXPECT_EQ(info.files[i].size, catalog_testing::FileSize(dir / names[i]));
    EXPECT_EQ(info.files[i].num_rows, rows[i]);
    EXPECT_EQ(info.files[i].min_timestamp, lo[i]);
    EXPECT_EQ(info.files[i].max_timestamp, hi[i]);
    EXPECT_TRUE(info.files[i].validated);  // sample mode: 3 files are at most 10
  }
  EXPECT_EQ(info.TotalRows(), 8);
  EXPECT_EQ(info.MinTimestamp(), 500);
  EXPECT_EQ(info.MaxTimestamp(), 7000);

  EXPECT_EQ(info.schema.group_id_column, "user_id");
  EXPECT_EQ(info.schema.timestamp_column, "ts");
  EXPECT_EQ(info.schema.timestamp_unit, TimestampUnit::kMillis);
  ASSERT_EQ(info.schema.columns.size(), 4u);
  EXPECT_EQ(info.schema.columns[0].name, "user_id");  // the file's order
  EXPECT_EQ(ColumnOf(info, "user_id").kind, ColumnKind::kInt);
  EXPECT_EQ(ColumnOf(info, "user_id").storage_type, "INT64");
  EXPECT_EQ(ColumnOf(info, "country").kind, ColumnKind::kString);
  EXPECT_EQ(ColumnOf(info, "country").storage_type, "BYTE_ARRAY STRING");
  EXPECT_EQ(ColumnOf(info, "price").kind, ColumnKind::kFloat);

  const ColumnStats& uid = StatsOf(info, "user_id");
  EXPECT_EQ(uid.null_count, 0);
  EXPECT_EQ(uid.min, 1);
  EXPECT_EQ(uid.max, 6);
  EXPECT_TRUE(uid.top_values.empty());
  const ColumnStats& price = StatsOf(info, "price");
  EXPECT_EQ(price.min, -3.5);
  EXPECT_EQ(price.max, 9.25);
  const ColumnStats& country = StatsOf(info, "country");
  EXPECT_EQ(country.min, "DE");
  EXPECT_EQ(country.max, "US");
  EXPECT_EQ(country.distinct_count, 3);
  ASSERT_EQ(country.top_values.size(), 3u);
  EXPECT_EQ(country.top_values[0].value, "US");
  EXPECT_EQ(country.top_values[0].count, 5);
  EXPECT_EQ(country.top_values[1].value, "DE");
  EXPECT_EQ(country.top_values[1].count, 2);
  EXPECT_EQ(country.top_values[2].value, "FR");
  EXPECT_EQ(country.top_values[2].count, 1);
}

TEST(DatasetRegistrationTest, TopValuesCountOnlyValidatedFilesAndSkipHighCardinality) {
  TempDir dir;
  std::vector<std::string> many;
  std::vector<int64_t> ids, ts;
  for (int i = 0; i < 1500; ++i) {
    many.push_back("v" + std::to_string(i));
    ids.push_back(i);
    ts.push_back(i);
  }
  WriteFile(dir / "a.parquet",
            {Int64Column("user_id", ids), Int64Column("ts", ts), StringColumn("page", many),
             StringColumn("kind", std::vector<std::string>(1500, "view"))});
  WriteFile(dir / "b.parquet", {Int64Column("user_id", {5000}), Int64Column("ts", {1}),
                                StringColumn("page", {"x"}), StringColumn("kind", {"buy"})});
  RegistrationRequest r = Request(dir.path());
  r.validation_mode = ValidationMode::kSingle;
  DatasetInfo info = Register(r);
  EXPECT_FALSE(StatsOf(info, "page").distinct_count.has_value());
  EXPECT_TRUE(StatsOf(info, "page").top_values.empty());
  const ColumnStats& kind = StatsOf(info, "kind");
  EXPECT_EQ(kind.distinct_count, 1);  // b.parquet's "buy" was not read
  ASSERT_EQ(kind.top_values.size(), 1u);
  EXPECT_EQ(kind.top_values[0].value, "view");
  EXPECT_EQ(kind.top_values[0].count, 1500);
  // Footer statistics cover every file.
  EXPECT_EQ(kind.min, "buy");
  EXPECT_EQ(kind.max, "view");
}

TEST(DatasetRegistrationTest, StringGroupIdsAndSeveralRowGroups) {
  TempDir dir;
  WriteFile(dir / "a.parquet",
            {StringColumn("user_id", {"ann", "ann", "bob", "cy", "cy", "dee"}),
             Int64Column("ts", {60, 50, 40, 30, 20, 10})},
            /*row_group_rows=*/2);
  WriteFile(dir / "b.parquet",
            {StringColumn("user_id", {"eve", "fay"}), Int64Column("ts", {-5, 5})});
  DatasetInfo info = Register(Request(dir.path()));
  EXPECT_EQ(ColumnOf(info, "user_id").kind, ColumnKind::kString);
  EXPECT_EQ(info.files[0].num_rows, 6);
  EXPECT_EQ(info.files[0].min_timestamp, 10);
  EXPECT_EQ(info.files[0].max_timestamp, 60);
  EXPECT_EQ(info.files[1].min_timestamp, -5);
  // Group ids are not top-valued even when they repeat.
  EXPECT_TRUE(StatsOf(info, "user_id").top_values.empty());
}

TEST(DatasetRegistrationTest, PatternSelectsFilesAndSortsThem) {
  TempDir dir;
  WriteFile(dir / "b.parquet", {Int64Column("user_id", {2}), Int64Column("ts", {1})});
  WriteFile(dir / "a.parquet", {Int64Column("user_id", {1}), Int64Column("ts", {1})});
  WriteFile(dir / "c.pq", {Int64Column("user_id", {3}), Int64Column("ts", {1})});
  catalog_testing::WriteText(dir / "_SUCCESS", "");
  catalog_testing::WriteText(dir / "notes.txt", "not parquet, not matched");
  dir.Subdir("sub.parquet");  // a directory is not a file even when its name matches
  DatasetInfo info = Register(Request(dir.path()));
  ASSERT_EQ(info.files.size(), 2u);
  EXPECT_EQ(info.files[0].name, "a.parquet");
  EXPECT_EQ(info.files[1].name, "b.parquet");

  RegistrationRequest r = Request(dir.path());
  r.pattern = "[abc].p*";
  info = Register(r);
  ASSERT_EQ(info.files.size(), 3u);
  EXPECT_EQ(info.files[2].name, "c.pq");
  EXPECT_EQ(info.pattern, "[abc].p*");
}

TEST(DatasetRegistrationTest, FileUrlBasePath) {
  TempDir dir;
  WriteEvents(dir);
  RegistrationRequest r = Request("file://" + dir.path() + "/./");
  DatasetInfo info = RegisterDataset(r);
  EXPECT_EQ(info.files.size(), 3u);
  EXPECT_EQ(info.base_path, dir.path());
}

TEST(DatasetRegistrationTest, RelativeBasePathIsStoredAbsolute) {
  TempDir dir;
  WriteEvents(dir);
  std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  DatasetInfo info;
  try {
    info = RegisterDataset(Request("."));
  } catch (...) {
    std::filesystem::current_path(cwd);
    throw;
  }
  std::filesystem::current_path(cwd);
  EXPECT_EQ(info.base_path, std::filesystem::canonical(dir.path()).string());
  EXPECT_EQ(info.files.size(), 3u);
}

// ---- timestamp units ----

TEST(DatasetRegistrationTest, TimestampColumnsAreExposedInTheDatasetUnit) {
  TempDir dir;
  // 2023-11-14T22:13:20.123456Z, and one microsecond before the epoch.
  WriteFile(dir / "a.parquet",
            {Int64Column("user_id", {1, 2}),
             TimestampColumn("ts", WriterType::kTimestampMicros, {1700000000123456, -1}),
             TimestampColumn("other", WriterType::kTimestampMillis, {5, 6})});
  RegistrationRequest r = Request(dir.path());
  struct Case {
    TimestampUnit unit;
    int64_t lo, hi;
  };
  // Coarser units round down (toward negative infinity), finer ones multiply.
  for (Case c : {Case{TimestampUnit::kMillis, -1, 1700000000123},
                 Case{TimestampUnit::kSeconds, -1, 1700000000},
                 Case{TimestampUnit::kMicros, -1, 1700000000123456},
                 Case{TimestampUnit::kNanos, -1000, 1700000000123456000}}) {
    r.timestamp_unit = c.unit;
    DatasetInfo info = Register(r);
    EXPECT_EQ(info.schema.timestamp_unit, c.unit);
    EXPECT_EQ(info.files[0].min_timestamp, c.lo) << TimestampUnitName(c.unit);
    EXPECT_EQ(info.files[0].max_timestamp, c.hi) << TimestampUnitName(c.unit);
    EXPECT_EQ(ColumnOf(info, "ts").kind, ColumnKind::kInt);
    EXPECT_EQ(ColumnOf(info, "ts").storage_type, "INT64 TIMESTAMP(MICROS,UTC)");
    EXPECT_EQ(ColumnOf(info, "other").kind, ColumnKind::kInt);
  }
  // Statistics render timestamps as text.
  r.timestamp_unit = TimestampUnit::kMillis;
  EXPECT_EQ(StatsOf(Register(r), "ts").max, "2023-11-14T22:13:20.123456Z");
}

TEST(DatasetRegistrationTest, IntegerTimestampsAreTakenInTheGivenUnit) {
  TempDir dir;
  WriteFile(dir / "a.parquet",
            {Int64Column("user_id", {1, 2}), Int32Column("ts", {-7, 1700000000})});
  RegistrationRequest r = Request(dir.path());
  r.timestamp_unit = TimestampUnit::kSeconds;
  DatasetInfo info = Register(r);
  EXPECT_EQ(info.schema.timestamp_unit, TimestampUnit::kSeconds);
  EXPECT_EQ(info.files[0].min_timestamp, -7);
  EXPECT_EQ(info.files[0].max_timestamp, 1700000000);
  EXPECT_EQ(ColumnOf(info, "ts").storage_type, "INT32");
}

TEST(DatasetRegistrationTest, NanosecondOverflowIsAnError) {
  TempDir dir;
  // Year 2500 in microseconds is past int64 in nanoseconds (which ends in 2262).
  WriteFile(dir / "a.parquet",
            {Int64Column("user_id", {1}), TimestampColumn("ts", WriterType::kTimestampMicros,
                                                          {int64_t{16725225600} * 1000000})});
  RegistrationRequest r = Request(dir.path());
  r.timestamp_unit = TimestampUnit::kNanos;
  ExpectFailure(r, ErrorKind::kInvalidArgument, {"does not fit", "ns"});
}

// ---- validation failures ----

TEST(DatasetRegistrationTest, MissingGroupIdColumn) {
  TempDir dir;
  WriteEvents(dir);
  WriteFile(dir / "part-3.parquet", {Int64Column("uid", {9}), Int64Column("ts", {1})});
  ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument,
                {"group id column 'user_id' not found in file 'part-3.parquet'"});
}

TEST(DatasetRegistrationTest, MissingTimestampColumn) {
  TempDir dir;
  WriteFile(dir / "a.parquet", {Int64Column("user_id", {1}), Int64Column("time", {1})});
  ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument,
                {"timestamp column 'ts' not found in file 'a.parquet'"});
}

TEST(DatasetRegistrationTest, NullsInGroupIdOrTimestamp) {
  {
    TempDir dir;
    WriteFile(dir / "a.parquet", {Int64Column("user_id", {1, 0, 3}, {false, true, false}),
                                  Int64Column("ts", {1, 2, 3})});
    ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument,
                  {"group id column 'user_id' must not hold nulls", "'a.parquet' has 1"});
  }
  {
    TempDir dir;
    WriteFile(dir / "a.parquet",
              {StringColumn("user_id", {"a", "b"}), Int64Column("ts", {1, 0}, {false, true})});
    ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument,
                  {"timestamp column 'ts' must not hold nulls", "'a.parquet'"});
  }
  {
    // A nullable column without nulls is fine.
    TempDir dir;
    WriteFile(dir / "a.parquet", {Int64Column("user_id", {1, 2}, {false, false}),
                                  Int64Column("ts", {1, 2}, {false, false})});
    EXPECT_EQ(Register(Request(dir.path())).TotalRows(), 2);
  }
}

TEST(DatasetRegistrationTest, WrongGroupIdOrTimestampType) {
  {
    TempDir dir;
    WriteFile(dir / "a.parquet", {DoubleColumn("user_id", {1}), Int64Column("ts", {1})});
    ExpectFailure(
        Request(dir.path()), ErrorKind::kInvalidArgument,
        {"group id column 'user_id' must be an integer or string column", "'a.parquet'", "DOUBLE"});
  }
  {
    TempDir dir;
    WriteFile(dir / "a.parquet", {Int64Column("user_id", {1}), StringColumn("ts", {"2024"})});
    ExpectFailure(
        Request(dir.path()), ErrorKind::kInvalidArgument,
        {"timestamp column 'ts' must be an integer or TIMESTAMP column", "BYTE_ARRAY STRING"});
  }
  {
    TempDir dir;
    WriteFile(dir / "a.parquet", {Int64Column("user_id", {1}), DoubleColumn("ts", {1.5})});
    ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument, {"timestamp column 'ts'"});
  }
}

TEST(DatasetRegistrationTest, StringGroupIdsInOneFileIntegerInAnother) {
  TempDir dir;
  WriteFile(dir / "a.parquet", {Int64Column("user_id", {1}), Int64Column("ts", {1})});
  WriteFile(dir / "b.parquet", {StringColumn("user_id", {"1"}), Int64Column("ts", {1})});
  ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument,
                {"schemas differ", "'user_id'", "INT64 in file 'a.parquet'",
                 "BYTE_ARRAY STRING in file 'b.parquet'"});
}

TEST(DatasetRegistrationTest, SchemaMismatchBetweenFiles) {
  {
    TempDir dir;
    WriteEvents(dir);
    WriteFile(dir / "part-3.parquet", {Int64Column("user_id", {9}), Int64Column("ts", {1}),
                                       StringColumn("country", {"x"})});
    ExpectFailure(
        Request(dir.path()), ErrorKind::kInvalidArgument,
        {"schemas differ", "file 'part-3.parquet' has no column 'price'", "'part-0.parquet'"});
  }
  {
    TempDir dir;
    WriteEvents(dir);
    WriteFile(dir / "part-3.parquet",
              {Int64Column("user_id", {9}), Int64Column("ts", {1}), StringColumn("country", {"x"}),
               DoubleColumn("price", {1}), Int64Column("extra", {1})});
    ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument,
                  {"file 'part-3.parquet' has column 'extra'"});
  }
  {
    TempDir dir;
    WriteEvents(dir);
    WriteFile(dir / "part-3.parquet", {Int64Column("user_id", {9}), Int64Column("ts", {1}),
                                       StringColumn("country", {"x"}), Int64Column("price", {1})});
    ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument,
                  {"column 'price' is DOUBLE in file 'part-0.parquet' but INT64 in file "
                   "'part-3.parquet'"});
  }
  {
    // Column order and optional vs required do not matter.
    TempDir dir;
    WriteFile(dir / "a.parquet", {Int64Column("user_id", {1}), Int64Column("ts", {1})});
    WriteFile(dir / "b.parquet", {Int64Column("ts", {2}, {false}), Int64Column("user_id", {2})});
    DatasetInfo info = Register(Request(dir.path()));
    EXPECT_EQ(info.files[1].min_timestamp, 2);
    EXPECT_EQ(StatsOf(info, "user_id").max, 2);
  }
}

// Files 0..3, one user each, except that `dup_a` and `dup_b` both hold user 42.
void WriteWithDuplicate(const TempDir& dir, int dup_a, int dup_b) {
  for (int i = 0; i < 4; ++i) {
    int64_t id = (i == dup_a || i == dup_b) ? 42 : 100 + i;
    WriteFile(dir / ("part-" + std::to_string(i) + ".parquet"),
              {Int64Column("user_id", {id, id}), Int64Column("ts", {1, 2})});
  }
}

TEST(DatasetRegistrationTest, DuplicateGroupIdsAreFoundOnlyInValidatedFiles) {
  TempDir dir;
  WriteWithDuplicate(dir, 0, 3);
  RegistrationRequest r = Request(dir.path());
  r.validation_mode = ValidationMode::kSingle;
  EXPECT_EQ(Register(r).ValidatedFiles(), 1);
  r.validation_mode = ValidationMode::kFirstLast;
  ExpectFailure(r, ErrorKind::kInvalidArgument,
                {"group ids must not repeat across files", "'part-0.parquet' and 'part-3.parquet'",
                 "group id 42"});
  r.validate_uniques = false;
  EXPECT_EQ(Register(r).ValidatedFiles(), 2);

  TempDir middle;
  WriteWithDuplicate(middle, 1, 2);
  r = Request(middle.path());
  r.validation_mode = ValidationMode::kFirstLast;
  EXPECT_NO_THROW(Register(r));
  r.validation_mode = ValidationMode::kAll;
  ExpectFailure(r, ErrorKind::kInvalidArgument, {"'part-1.parquet' and 'part-2.parquet'"});
}

TEST(DatasetRegistrationTest, DuplicateStringGroupIds) {
  TempDir dir;
  WriteFile(dir / "a.parquet", {StringColumn("user_id", {"x", "y"}), Int64Column("ts", {1, 2})});
  WriteFile(dir / "b.parquet", {StringColumn("user_id", {"z", "y"}), Int64Column("ts", {1, 2})});
  ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument, {"group id 'y'"});
}

TEST(DatasetRegistrationTest, UnreadableFilesAreNamed) {
  {
    TempDir dir;
    WriteEvents(dir);
    catalog_testing::WriteText(dir / "part-1b.parquet", "this is not a parquet file at all");
    ExpectFailure(Request(dir.path()), ErrorKind::kCorruptFile,
                  {"file 'part-1b.parquet' of dataset 'events' cannot be read as Parquet"});
  }
  {
    TempDir dir;
    WriteEvents(dir);
    catalog_testing::WriteText(dir / "part-9.parquet", "");
    ExpectFailure(Request(dir.path()), ErrorKind::kCorruptFile, {"'part-9.parquet'"});
  }
  {
    // Truncated: the footer is gone.
    TempDir dir;
    WriteEvents(dir);
    std::filesystem::resize_file(dir / "part-2.parquet",
                                 catalog_testing::FileSize(dir / "part-2.parquet") - 9);
    ExpectFailure(Request(dir.path()), ErrorKind::kCorruptFile, {"'part-2.parquet'"});
  }
}

TEST(DatasetRegistrationTest, NoFiles) {
  TempDir dir;
  ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument,
                {"no files matching '*.parquet' in " + dir.path()});
  catalog_testing::WriteText(dir / "data.csv", "a,b\n");
  ExpectFailure(Request(dir.path()), ErrorKind::kInvalidArgument, {"no files matching"});
  ExpectFailure(Request(dir / "missing"), ErrorKind::kInvalidArgument,
                {"does not exist", dir / "missing"});
  ExpectFailure(Request(dir / "data.csv"), ErrorKind::kInvalidArgument, {"not a directory"});
}

TEST(DatasetRegistrationTest, RequestChecks) {
  TempDir dir;
  WriteEvents(dir);
  RegistrationRequest r = Request(dir.path());
  r.name = "bad/name";
  ExpectFailure(r, ErrorKind::kInvalidArgument, {"dataset name"});
  r = Request(dir.path());
  r.timestamp_column = "user_id";
  ExpectFailure(r, ErrorKind::kInvalidArgument, {"must differ"});
  // An S3 base path without a bucket is refused before any request (tests/integration/s3_test.cc
  // registers real S3 datasets).
  r = Request("s3:///prefix");
  try {
    RegisterDataset(r);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
  }
  r = Request("http://example/x");
  EXPECT_THROW(RegisterDataset(r), Error);
}

// ---- validation modes ----

TEST(FilesToValidateTest, Modes) {
  using V = std::vector<size_t>;
  EXPECT_EQ(FilesToValidate(ValidationMode::kSingle, 1), V({0}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kSingle, 7), V({0}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kFirstLast, 1), V({0}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kFirstLast, 2), V({0, 1}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kFirstLast, 7), V({0, 6}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kAll, 3), V({0, 1, 2}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kSample, 1), V({0}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kSample, 2), V({0, 1}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kSample, 10), V({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  // floor(i * 10 / 9) and floor(i * 24 / 9), worked by hand.
  EXPECT_EQ(FilesToValidate(ValidationMode::kSample, 11), V({0, 1, 2, 3, 4, 5, 6, 7, 8, 10}));
  EXPECT_EQ(FilesToValidate(ValidationMode::kSample, 25), V({0, 2, 5, 8, 10, 13, 16, 18, 21, 24}));
  EXPECT_TRUE(FilesToValidate(ValidationMode::kAll, 0).empty());
  // Large counts: ten distinct indices, first and last included, no overflow.
  V big = FilesToValidate(ValidationMode::kSample, 1000003);
  ASSERT_EQ(big.size(), 10u);
  EXPECT_EQ(big.front(), 0u);
  EXPECT_EQ(big.back(), 1000002u);
  for (size_t i = 1; i < big.size(); ++i) EXPECT_LT(big[i - 1], big[i]);
}

TEST(DatasetRegistrationTest, EachModeValidatesTheDocumentedFiles) {
  TempDir dir;
  // 12 files: sample picks floor(i * 11 / 9) = 0 1 2 3 4 6 7 8 9 11.
  for (int i = 0; i < 12; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "f%02d.parquet", i);
    WriteFile(dir / name, {Int64Column("user_id", {i}), Int64Column("ts", {i})});
  }
  auto validated = [&](ValidationMode mode) {
    RegistrationRequest r = Request(dir.path());
    r.validation_mode = mode;
    std::vector<size_t> out;
    DatasetInfo info = Register(r);
    for (size_t i = 0; i < info.files.size(); ++i) {
      if (info.files[i].validated) out.push_back(i);
    }
    return out;
  };
  using V = std::vector<size_t>;
  EXPECT_EQ(validated(ValidationMode::kSingle), V({0}));
  EXPECT_EQ(validated(ValidationMode::kFirstLast), V({0, 11}));
  EXPECT_EQ(validated(ValidationMode::kSample), V({0, 1, 2, 3, 4, 6, 7, 8, 9, 11}));
  EXPECT_EQ(validated(ValidationMode::kAll).size(), 12u);
}

TEST(DatasetRegistrationTest, DataNullsInUnvalidatedFilesAreLeftToFooterStatistics) {
  // Our writer always stores null counts, so a null anywhere is found without reading data;
  // this pins that the footer check covers unvalidated files too.
  TempDir dir;
  WriteFile(dir / "a.parquet", {Int64Column("user_id", {1}), Int64Column("ts", {1})});
  WriteFile(dir / "b.parquet",
            {Int64Column("user_id", {2, 3}, {false, true}), Int64Column("ts", {1, 2})});
  WriteFile(dir / "c.parquet", {Int64Column("user_id", {4}), Int64Column("ts", {1})});
  RegistrationRequest r = Request(dir.path());
  r.validation_mode = ValidationMode::kFirstLast;
  ExpectFailure(r, ErrorKind::kInvalidArgument, {"'b.parquet' has 1"});
}

}  // namespace
}  // namespace frocket
