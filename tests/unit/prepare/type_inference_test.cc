// Text classification, strict parsing, ISO-8601 and the type rules of type_inference.h.
// Expected epoch values are computed by hand from the calendar (days * 86400000 + time).
#include "prepare/type_inference.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "prepare/cell.h"
#include "prepare/iso8601.h"

namespace frocket::prepare {
namespace {

TEST(ClassifyTextTest, Kinds) {
  EXPECT_EQ(ClassifyText("0"), CellKind::kInt);
  EXPECT_EQ(ClassifyText("-12"), CellKind::kInt);
  EXPECT_EQ(ClassifyText("007"), CellKind::kInt);
  EXPECT_EQ(ClassifyText("9223372036854775807"), CellKind::kInt);
  EXPECT_EQ(ClassifyText("9223372036854775808"), CellKind::kDouble);  // past int64
  EXPECT_EQ(ClassifyText("1.5"), CellKind::kDouble);
  EXPECT_EQ(ClassifyText(".5"), CellKind::kDouble);
  EXPECT_EQ(ClassifyText("-2e10"), CellKind::kDouble);
  EXPECT_EQ(ClassifyText("1e999"), CellKind::kDouble);
  EXPECT_EQ(ClassifyText("true"), CellKind::kBool);
  EXPECT_EQ(ClassifyText("FALSE"), CellKind::kBool);
  for (const char* text :
       {"", " 1", "1 ", "+1", "nan", "inf", "0x10", "1e", "-", "1.2.3", "truth", "abc"}) {
    EXPECT_EQ(ClassifyText(text), CellKind::kString) << text;
  }
}

TEST(ParseTextTest, StrictConversions) {
  int64_t i;
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &i));
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_FALSE(ParseInt64("1.0", &i));
  EXPECT_FALSE(ParseInt64("", &i));
  double d;
  EXPECT_TRUE(ParseDouble("2.5", &d));
  EXPECT_EQ(d, 2.5);
  EXPECT_TRUE(ParseDouble("NaN", &d));
  EXPECT_TRUE(std::isnan(d));
  EXPECT_TRUE(ParseDouble("-Infinity", &d));
  EXPECT_TRUE(std::isinf(d) && d < 0);
  EXPECT_TRUE(ParseDouble("1e999", &d));
  EXPECT_TRUE(std::isinf(d) && d > 0);
  EXPECT_FALSE(ParseDouble("1,5", &d));
  bool b;
  EXPECT_TRUE(ParseBool("True", &b));
  EXPECT_TRUE(b);
  EXPECT_FALSE(ParseBool("1", &b));
}

TEST(Iso8601Test, Forms) {
  // 2024-03-01 is day 19783 since 1970-01-01 (54 years: 13 leap days -> 19723 days to
  // 2024-01-01, plus 31 + 29 for January and the leap February).
  const int64_t kDay = 86'400'000;
  const int64_t march1 = 19783 * kDay;
  EXPECT_EQ(DaysFromCivil(2024, 3, 1), 19783);
  EXPECT_EQ(ParseIso8601Millis("2024-03-01"), march1);
  EXPECT_EQ(ParseIso8601Millis("2024-03-01T00:00:00Z"), march1);
  EXPECT_EQ(ParseIso8601Millis("2024-03-01 12:34"), march1 + (12 * 3600 + 34 * 60) * 1000);
  EXPECT_EQ(ParseIso8601Millis("2024-03-01T12:34:56.789Z"),
            march1 + (12 * 3600 + 34 * 60 + 56) * 1000 + 789);
  EXPECT_EQ(ParseIso8601Millis("2024-03-01T12:34:56.7Z"),
            march1 + (12 * 3600 + 34 * 60 + 56) * 1000 + 700);
  // Digits past milliseconds are cut.
  EXPECT_EQ(ParseIso8601Millis("2024-03-01T00:00:00.123999999Z"), march1 + 123);
  // +02:00 is two hours ahead of UTC, so the UTC instant is two hours earlier.
  EXPECT_EQ(ParseIso8601Millis("2024-03-01T02:00:00+02:00"), march1);
  EXPECT_EQ(ParseIso8601Millis("2024-03-01T02:00:00+0200"), march1);
  EXPECT_EQ(ParseIso8601Millis("2024-02-29T22:30:00-01:30"), march1);
  EXPECT_EQ(ParseIso8601Millis("2024-02-29T23:00:00-01"), march1);
  EXPECT_EQ(ParseIso8601Millis("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(ParseIso8601Millis("1970-01-01T00:00:00"), 0);
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "2024-1-01", "2024-01-01T24:00:00",
        "2024-01-01T10:60", "2024-01-01T10:00:60", "2024-01-01T10:00:00.", "2024-01-01T10:00:00ZZ",
        "2024-01-01X10:00", " 2024-01-01", "2024-01-01T10:00:00+25:00", "1700000000000", ""}) {
    EXPECT_FALSE(ParseIso8601Millis(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatIso8601Millis(march1 + 5), "2024-03-01T00:00:00.005Z");
  EXPECT_EQ(FormatIso8601Millis(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TypeRulesTest, ColumnTypeFromKinds) {
  auto mask = [](std::initializer_list<CellKind> kinds) {
    KindMask m = 0;
    for (CellKind k : kinds) m |= KindBit(k);
    return m;
  };
  EXPECT_EQ(ColumnTypeFromKinds(0), ColumnType::kString);
  EXPECT_EQ(ColumnTypeFromKinds(mask({CellKind::kInt})), ColumnType::kInt64);
  EXPECT_EQ(ColumnTypeFromKinds(mask({CellKind::kInt, CellKind::kDouble})), ColumnType::kDouble);
  EXPECT_EQ(ColumnTypeFromKinds(mask({CellKind::kDouble})), ColumnType::kDouble);
  EXPECT_EQ(ColumnTypeFromKinds(mask({CellKind::kBool})), ColumnType::kBool);
  EXPECT_EQ(ColumnTypeFromKinds(mask({CellKind::kTimestamp})), ColumnType::kTimestampMs);
  EXPECT_EQ(ColumnTypeFromKinds(mask({CellKind::kBool, CellKind::kInt})), ColumnType::kString);
  EXPECT_EQ(ColumnTypeFromKinds(mask({CellKind::kInt, CellKind::kString})), ColumnType::kString);
  EXPECT_EQ(ColumnTypeFromKinds(mask({CellKind::kTimestamp, CellKind::kInt})), ColumnType::kString);

  EXPECT_EQ(InferGroupIdType(0), ColumnType::kInt64);
  EXPECT_EQ(InferGroupIdType(mask({CellKind::kInt})), ColumnType::kInt64);
  EXPECT_EQ(InferGroupIdType(mask({CellKind::kInt, CellKind::kString})), ColumnType::kString);
  EXPECT_EQ(InferGroupIdType(mask({CellKind::kDouble})), ColumnType::kString);

  TimestampSample sample;
  EXPECT_EQ(InferTimestampType(sample, "ts"), ColumnType::kInt64);
  sample.integers = 5;
  EXPECT_EQ(InferTimestampType(sample, "ts"), ColumnType::kInt64);
  sample.timestamps = 1;
  EXPECT_EQ(InferTimestampType(sample, "ts"), ColumnType::kTimestampMs);
  TimestampSample junk;
  junk.others = 3;
  junk.first_other = "1.5";
  EXPECT_THROW(InferTimestampType(junk, "ts"), Error);
}

TEST(TypeRulesTest, FitsTypeAndTimestampValues) {
  EXPECT_TRUE(FitsType("TRUE", ColumnType::kBool));
  EXPECT_FALSE(FitsType("yes", ColumnType::kBool));
  EXPECT_TRUE(FitsType("-5", ColumnType::kInt64));
  EXPECT_FALSE(FitsType("5.0", ColumnType::kInt64));
  EXPECT_TRUE(FitsType("5", ColumnType::kDouble));
  EXPECT_TRUE(FitsType("anything", ColumnType::kString));
  EXPECT_TRUE(FitsType("1700000000000", ColumnType::kTimestampMs));
  EXPECT_TRUE(FitsType("2024-03-01", ColumnType::kTimestampMs));
  EXPECT_FALSE(FitsType("yesterday", ColumnType::kTimestampMs));
  EXPECT_EQ(ParseTimestampValue("1700000000000", ColumnType::kTimestampMs), 1700000000000);
  EXPECT_EQ(ParseTimestampValue("2024-03-01", ColumnType::kTimestampMs), 19783LL * 86'400'000);
  EXPECT_FALSE(ParseTimestampValue("2024-03-01", ColumnType::kInt64).has_value());
}

TEST(TypeRulesTest, SchemaSpec) {
  auto schema = ParseSchemaSpec("user:string,ts:timestamp_ms,a:b:double");
  ASSERT_EQ(schema.size(), 3u);
  EXPECT_EQ(schema[0], std::make_pair(std::string("user"), ColumnType::kString));
  EXPECT_EQ(schema[1], std::make_pair(std::string("ts"), ColumnType::kTimestampMs));
  EXPECT_EQ(schema[2], std::make_pair(std::string("a:b"), ColumnType::kDouble));
  EXPECT_THROW(ParseSchemaSpec("user"), Error);
  EXPECT_THROW(ParseSchemaSpec("user:int32"), Error);
  EXPECT_THROW(ParseSchemaSpec("a:bool,a:bool"), Error);
  EXPECT_THROW(ParseSchemaSpec("a:bool,"), Error);
}

}  // namespace
}  // namespace frocket::prepare
