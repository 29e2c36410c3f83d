// End-to-end tests of PrepareDataset. Inputs are generated here from rows held in the test,
// and the expected dataset is computed here independently: each row goes to bucket
// BucketOf(id, N), and std::stable_sort by (id, ts) orders each bucket. The output is read back
// with frocket's Parquet reader and rendered with the small typed printer below.
#include "prepare/prepare.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/bucket.h"
#include "common/error.h"
#include "parquet/file_reader.h"
#include "storage/file.h"

namespace frocket::prepare {
namespace {

namespace fs = std::filesystem;
using Row = std::vector<std::optional<std::string>>;

struct Table {
  std::vector<std::string> names;
  std::vector<parquet::ValueType> types;
  std::vector<Row> rows;
};

std::string Render(const parquet::ColumnVector& v, int64_t row) {
  switch (v.physical) {
    case parquet::PhysicalType::kBoolean:
      return v.Get<uint8_t>(row) ? "true" : "false";
    case parquet::PhysicalType::kInt64:
      return std::to_string(v.Get<int64_t>(row));
    case parquet::PhysicalType::kDouble: {
      char text[64];
      std::snprintf(text, sizeof(text), "%.17g", v.Get<double>(row));
      return text;
    }
    case parquet::PhysicalType::kByteArray:
      return std::string(v.GetBytes(row));
    default:
      ADD_FAILURE() << "unexpected physical type";
      return "";
  }
}

Table ReadTable(const std::string& path) {
  auto file = parquet::ParquetFile::Open(OpenLocalFile(path));
  Table table;
  for (const auto& c : file->schema().columns()) {
    table.names.push_back(c.name);
    table.types.push_back(c.type);
  }
  for (int rg = 0; rg < file->num_row_groups(); ++rg) {
    std::vector<parquet::ColumnVector> columns;
    for (int c = 0; c < file->schema().num_columns(); ++c)
      columns.push_back(file->ReadColumn(rg, c));
    for (int64_t r = 0; r < file->row_group_num_rows(rg); ++r) {
      Row row;
      for (const auto& v : columns) {
        row.push_back(v.IsNull(r) ? std::nullopt : std::optional<std::string>(Render(v, r)));
      }
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

class PrepareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("prepare_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream((dir_ / name).string(), std::ios::binary) << text;
    return (dir_ / name).string();
  }
  PrepareOptions Options(std::vector<std::string> inputs, uint32_t files,
                         const std::string& out = "out") {
    PrepareOptions o;
    o.inputs = std::move(inputs);
    o.group_id_column = "user";
    o.timestamp_column = "ts";
    o.num_files = files;
    o.output_dir = (dir_ / out).string();
    return o;
  }
  // Every entry of the output directory, by name.
  std::vector<std::string> Entries(const std::string& out = "out") {
    std::vector<std::string> names;
    if (!fs::exists(dir_ / out)) return names;
    for (const auto& e : fs::directory_iterator(dir_ / out))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path dir_;
};

// Rows of the event tests: user id, ts, a payload string, a double, a bool; `seq` is the input
// order, written into the payload so ties can be told apart.
struct Event {
  int64_t user;
  int64_t ts;
  std::string payload;
  std::optional<double> amount;  // nullopt: empty field
  bool flag;
};

std::vector<Event> MakeEvents(size_t n, int64_t users, int64_t timestamps, size_t payload_bytes,
                              uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Event> events;
  for (size_t i = 0; i < n; ++i) {
    Event e;
    e.user =
        static_cast<int64_t>(rng() % static_cast<uint64_t>(users)) * 7919 - 1000;  // negatives too
    e.ts = 1'700'000'000'000 + static_cast<int64_t>(rng() % static_cast<uint64_t>(timestamps));
    e.payload =
        "row" + std::to_string(i) + std::string(payload_bytes, static_cast<char>('a' + i % 26));
    if (i % 5 == 0) e.payload += ",\"quoted\"";  // needs CSV quoting
    if (rng() % 4 != 0) e.amount = static_cast<double>(rng() % 1000) + 0.25;
    e.flag = rng() % 2 == 0;
    events.push_back(std::move(e));
  }
  return events;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ToCsv(const std::vector<Event>& events) {
  std::string text = "user,ts,payload,amount,flag\n";
  for (const Event& e : events) {
    char amount[64] = "";
    if (e.amount) std::snprintf(amount, sizeof(amount), "%.2f", *e.amount);
    text += std::to_string(e.user) + "," + std::to_string(e.ts) + "," + CsvField(e.payload) + "," +
            amount + "," + (e.flag ? "true" : "false") + "\n";
  }
  return text;
}

std::string ToJsonl(const std::vector<Event>& events) {
  std::string text;
  for (const Event& e : events) {
    std::string payload;
    for (char c : e.payload) {
      if (c == '"') payload += '\\';
      payload += c;
    }
    char amount[64] = "null";
    if (e.amount) std::snprintf(amount, sizeof(amount), "%.2f", *e.amount);
    text += "{\"ts\":" + std::to_string(e.ts) + ",\"user\":" + std::to_string(e.user) +
            ",\"payload\":\"" + payload + "\",\"amount\":" + amount +
            ",\"flag\":" + (e.flag ? "true" : "false") + "}\n";
  }
  return text;
}

// The expected content of each file: rows in bucket, stable-sorted by (user, ts).
std::vector<std::vector<Row>> Expected(const std::vector<Event>& events, uint32_t files) {
  std::vector<std::vector<const Event*>> buckets(files);
  for (const Event& e : events) buckets[BucketOf(e.user, files)].push_back(&e);
  std::vector<std::vector<Row>> expected(files);
  for (uint32_t b = 0; b < files; ++b) {
    std::stable_sort(buckets[b].begin(), buckets[b].end(), [](const Event* x, const Event* y) {
      return x->user != y->user ? x->user < y->user : x->ts < y->ts;
    });
    for (const Event* e : buckets[b]) {
      char amount[64];
      if (e->amount) std::snprintf(amount, sizeof(amount), "%.17g", *e->amount);
      expected[b].push_back(Row{std::to_string(e->user), std::to_string(e->ts), e->payload,
                                e->amount ? std::optional<std::string>(amount) : std::nullopt,
                                e->flag ? "true" : "false"});
    }
  }
  return expected;
}

void ExpectDataset(const std::string& out, const std::vector<Event>& events, uint32_t files) {
  std::vector<std::vector<Row>> expected = Expected(events, files);
  for (uint32_t b = 0; b < files; ++b) {
    Table table = ReadTable((fs::path(out) / PartFileName(b)).string());
    EXPECT_EQ(table.names, (std::vector<std::string>{"user", "ts", "payload", "amount", "flag"}));
    ASSERT_EQ(table.rows.size(), expected[b].size()) << "file " << b;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      ASSERT_EQ(table.rows[r], expected[b][r]) << "file " << b << " row " << r;
    }
  }
}

TEST_F(PrepareTest, CsvAndJsonlGiveBucketedStablySortedFiles) {
  std::vector<Event> events = MakeEvents(3000, 40, 6, 3, 7);
  PrepareOptions csv = Options({Write("e.csv", ToCsv(events))}, 5, "csv_out");
  PrepareResult result = PrepareDataset(csv);
  EXPECT_EQ(result.rows_in, 3000);
  EXPECT_EQ(result.rows_written, 3000);
  EXPECT_EQ(result.bad_rows, 0);
  EXPECT_EQ(result.files, 5u);
  EXPECT_EQ(result.spill_runs, 0);
  ASSERT_EQ(result.columns.size(), 5u);
  EXPECT_EQ(result.columns[0].second, ColumnType::kInt64);
  EXPECT_EQ(result.columns[1].second, ColumnType::kInt64);  // epoch ms stays an integer
  EXPECT_EQ(result.columns[2].second, ColumnType::kString);
  EXPECT_EQ(result.columns[3].second, ColumnType::kDouble);
  EXPECT_EQ(result.columns[4].second, ColumnType::kBool);
  ExpectDataset(csv.output_dir, events, 5);
  // Only the part files remain: no temporary or spill files.
  std::vector<std::string> names = Entries("csv_out");
  EXPECT_EQ(names, (std::vector<std::string>{"part-00000.parquet", "part-00001.parquet",
                                             "part-00002.parquet", "part-00003.parquet",
                                             "part-00004.parquet"}));

  PrepareOptions jsonl = Options({Write("e.jsonl", ToJsonl(events))}, 5, "jsonl_out");
  PrepareDataset(jsonl);
  ExpectDataset(jsonl.output_dir, events, 5);
}

TEST_F(PrepareTest, SeveralInputsKeepTheirOrderForTies) {
  // All rows tie on (user, ts); the order must be input file order, then line order.
  std::vector<Event> events = MakeEvents(200, 3, 1, 1, 3);
  std::vector<Event> first(events.begin(), events.begin() + 120);
  std::vector<Event> second(events.begin() + 120, events.end());
  PrepareOptions o = Options({Write("b.jsonl", ToJsonl(first)), Write("a.csv", ToCsv(second))}, 2);
  PrepareDataset(o);
  ExpectDataset(o.output_dir, events, 2);
}

TEST_F(PrepareTest, MemoryLimitFarBelowInputSpillsAndGivesTheSameDataset) {
  // About 20 MB of CSV against a 1 MiB limit; ties on (user, ts) span many runs.
  std::vector<Event> events = MakeEvents(200'000, 3000, 40, 60, 11);
  std::string csv = ToCsv(events);
  ASSERT_GT(csv.size(), 19u << 20);
  PrepareOptions o = Options({Write("big.csv", csv)}, 4);
  o.memory_limit = 1 << 20;
  PrepareResult result = PrepareDataset(o);
  EXPECT_GT(result.spill_runs, 8);
  EXPECT_GT(result.spilled_bytes, 15u << 20);
  EXPECT_EQ(result.rows_written, 200'000);
  ExpectDataset(o.output_dir, events, 4);
  EXPECT_EQ(Entries().size(), 4u);  // the spill directory is gone
}

TEST_F(PrepareTest, BadRowsAreReportedWithLinesAndFailTheRun) {
  const std::string text =
      "user,ts,v\n"
      "1,10,a\n"
      ",11,b\n"                         // line 3: missing group id
      "2,,c\n"                          // line 4: missing timestamp
      "x7,12,d\n"                       // line 5: not an int64 id (--schema says int64)
      "3,soon,e\n"                      // line 6: not an integer timestamp
      "4,13\n"                          // line 7: missing trailing field
      "\"5\",\"14\",\"multi\nline\"\n"  // lines 8-9: good
      "6,15,\"x\"y\n";                  // line 10: text after a closing quote
  std::string input = Write("bad.csv", text);
  PrepareOptions o = Options({input}, 2);
  // Without the declared type, "x7" in the sample would make the ids strings.
  o.schema = {{"user", ColumnType::kInt64}};
  try {
    PrepareDataset(o);
    FAIL() << "bad rows must fail the run";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    std::string message = e.what();
    EXPECT_NE(message.find("6 bad rows"), std::string::npos) << message;
    for (int line : {3, 4, 5, 6, 7, 10}) {
      EXPECT_NE(message.find(input + ":" + std::to_string(line) + ": "), std::string::npos)
          << "line " << line << " in " << message;
    }
    EXPECT_EQ(message.find(input + ":8:"), std::string::npos) << message;
  }
  EXPECT_TRUE(Entries().empty()) << "no output and no temporary files after a failed run";

  o.skip_bad_rows = true;
  o.max_bad_row_examples = 3;
  PrepareResult result = PrepareDataset(o);
  EXPECT_EQ(result.rows_in, 8);
  EXPECT_EQ(result.bad_rows, 6);
  EXPECT_EQ(result.rows_written, 2);
  ASSERT_EQ(result.bad_row_examples.size(), 3u);
  EXPECT_EQ(result.bad_row_examples[0].line, 3);
  EXPECT_EQ(result.bad_row_examples[1].line, 4);
  EXPECT_EQ(result.bad_row_examples[2].line, 5);
  EXPECT_NE(result.bad_row_examples[0].reason.find("missing group id"), std::string::npos);
  EXPECT_NE(result.bad_row_examples[1].reason.find("missing timestamp"), std::string::npos);
  Table b1 = ReadTable((dir_ / "out" / PartFileName(BucketOf(int64_t{1}, 2))).string());
  Table b5 = ReadTable((dir_ / "out" / PartFileName(BucketOf(int64_t{5}, 2))).string());
  EXPECT_NE(std::find(b1.rows.begin(), b1.rows.end(), Row{"1", "10", "a"}), b1.rows.end());
  EXPECT_NE(std::find(b5.rows.begin(), b5.rows.end(), Row{"5", "14", "multi\nline"}),
            b5.rows.end());
}

TEST_F(PrepareTest, FailureWhileWritingLeavesNoDataset) {
  std::vector<Event> events = MakeEvents(500, 30, 5, 2, 5);
  PrepareOptions o = Options({Write("e.csv", ToCsv(events))}, 4);
  o.memory_limit = 256 << 10;  // spill too, so the spill directory exists at the failure
  o.on_file_written = [](uint32_t bucket) {
    if (bucket == 2) throw Error(ErrorKind::kIo, "disk full (simulated)");
  };
  EXPECT_THROW(PrepareDataset(o), Error);
  EXPECT_TRUE(Entries().empty());

  std::atomic<bool> cancel{true};
  o.on_file_written = nullptr;
  o.cancel = &cancel;
  EXPECT_THROW(PrepareDataset(o), Error);
  EXPECT_TRUE(Entries().empty());
}

TEST_F(PrepareTest, InfersTypesAndHonoursSchema) {
  const std::string text =
      "user,ts,i,d,b,s,n,z\n"
      "u1,2024-03-01T00:00:00Z,7,1,true,1,,007\n"
      "u1,2024-03-01T01:00:00+01:00,-3,2.5,FALSE,x,,8\n"
      "u2,1709251200000,,,,true,,9\n";
  PrepareOptions o = Options({Write("t.csv", text)}, 1);
  PrepareResult result = PrepareDataset(o);
  std::vector<std::pair<std::string, ColumnType>> expected_types = {
      {"user", ColumnType::kString}, {"ts", ColumnType::kTimestampMs}, {"i", ColumnType::kInt64},
      {"d", ColumnType::kDouble},    {"b", ColumnType::kBool},         {"s", ColumnType::kString},
      {"n", ColumnType::kString},    {"z", ColumnType::kInt64}};
  EXPECT_EQ(result.columns, expected_types);
  Table t = ReadTable((dir_ / "out" / PartFileName(0)).string());
  EXPECT_EQ(t.types[1], parquet::ValueType::kTimestamp);
  // 2024-03-01 is day 19783; "01:00+01:00" is midnight UTC, a tie with the first row, so
  // input order decides; 1709251200000 is 2024-03-01T00:00:00Z as epoch ms.
  const std::string midnight = std::to_string(19783LL * 86'400'000);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (Row{"u1", midnight, "7", "1", "true", "1", std::nullopt, "7"}));
  EXPECT_EQ(t.rows[1], (Row{"u1", midnight, "-3", "2.5", "false", "x", std::nullopt, "8"}));
  EXPECT_EQ(t.rows[2], (Row{"u2", midnight, std::nullopt, std::nullopt, std::nullopt, "true",
                            std::nullopt, "9"}));

  PrepareOptions typed = Options({(dir_ / "t.csv").string()}, 1, "typed");
  typed.schema = {
      {"z", ColumnType::kString}, {"ts", ColumnType::kTimestampMs}, {"i", ColumnType::kDouble}};
  result = PrepareDataset(typed);
  Table t2 = ReadTable((dir_ / "typed" / PartFileName(0)).string());
  EXPECT_EQ(t2.rows[0][7], "007");  // text kept as written
  EXPECT_EQ(t2.rows[0][2], "7");    // %.17g of 7.0
  EXPECT_EQ(t2.types[2], parquet::ValueType::kDouble);

  PrepareOptions bad = Options({(dir_ / "t.csv").string()}, 1, "bad");
  bad.schema = {{"s", ColumnType::kInt64}};
  EXPECT_THROW(PrepareDataset(bad), Error);  // "x" and "true" are not int64: bad rows
  bad.schema = {{"nope", ColumnType::kInt64}};
  EXPECT_THROW(PrepareDataset(bad), Error);  // no such column
}

TEST_F(PrepareTest, StringIdsBucketByTheirBytes) {
  std::string text = "user,ts\n";
  std::vector<std::string> users = {"alice", "bob", "carol", "dave", "\xC3\xA9mile", "42x"};
  for (int i = 0; i < 60; ++i)
    text += users[static_cast<size_t>(i) % users.size()] + "," + std::to_string(100 - i) + "\n";
  PrepareOptions o = Options({Write("s.csv", text)}, 3);
  PrepareDataset(o);
  for (uint32_t b = 0; b < 3; ++b) {
    Table t = ReadTable((dir_ / "out" / PartFileName(b)).string());
    for (size_t r = 0; r < t.rows.size(); ++r) {
      EXPECT_EQ(BucketOf(std::string_view(*t.rows[r][0]), 3), b);
      if (r > 0) {
        EXPECT_LE(std::make_pair(*t.rows[r - 1][0], std::stoll(*t.rows[r - 1][1])),
                  std::make_pair(*t.rows[r][0], std::stoll(*t.rows[r][1])));
      }
    }
  }
}

TEST_F(PrepareTest, ParquetInputAndExistingDataset) {
  std::vector<Event> events = MakeEvents(1000, 25, 4, 2, 9);
  PrepareOptions first = Options({Write("e.csv", ToCsv(events))}, 3, "first");
  PrepareResult result = PrepareDataset(first);
  // The first dataset's files, as inputs in bucket order, hold every row; re-bucketing them
  // into 2 files gives the expected 2-file dataset only if ties keep the order they had.
  // Within a user, bucket files preserve the input order of ties, and a user lives in one file,
  // so this is the same as preparing the CSV.
  PrepareOptions second = Options(result.file_paths, 2, "second");
  PrepareDataset(second);
  ExpectDataset(second.output_dir, events, 2);

  EXPECT_THROW(PrepareDataset(second), Error);  // a dataset is already there
  second.overwrite = true;
  second.num_files = 1;
  PrepareDataset(second);
  EXPECT_EQ(Entries("second"), (std::vector<std::string>{"part-00000.parquet"}));
  ExpectDataset(second.output_dir, events, 1);
}

TEST_F(PrepareTest, JsonlColumnsSeenLateAndMissingKeys) {
  const std::string text =
      "{\"user\": 1, \"ts\": 5}\n"
      "{\"user\": 1, \"ts\": 4, \"late\": \"x\", \"nested\": {\"a\": [1, 2]}}\n"
      "{\"ts\": 4}\n";  // line 3: no group id
  PrepareOptions o = Options({Write("l.jsonl", text)}, 1);
  o.skip_bad_rows = true;
  PrepareResult result = PrepareDataset(o);
  EXPECT_EQ(result.bad_rows, 1);
  ASSERT_EQ(result.bad_row_examples.size(), 1u);
  EXPECT_EQ(result.bad_row_examples[0].line, 3);
  Table t = ReadTable((dir_ / "out" / PartFileName(0)).string());
  EXPECT_EQ(t.names, (std::vector<std::string>{"user", "ts", "late", "nested"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (Row{"1", "4", "x", "{\"a\": [1, 2]}"}));
  EXPECT_EQ(t.rows[1], (Row{"1", "5", std::nullopt, std::nullopt}));
}

TEST_F(PrepareTest, MissingKeyColumnAndBadOptions) {
  PrepareOptions o = Options({Write("m.csv", "user,time\n1,2\n")}, 2);
  EXPECT_THROW(PrepareDataset(o), Error);
  o.num_files = 0;
  EXPECT_THROW(PrepareDataset(o), Error);
  PrepareOptions same = Options({(dir_ / "m.csv").string()}, 1);
  same.timestamp_column = "user";
  EXPECT_THROW(PrepareDataset(same), Error);
  EXPECT_TRUE(Entries().empty());
}

}  // namespace
}  // namespace frocket::prepare
