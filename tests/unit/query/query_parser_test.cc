#include "query/query_parser.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <array>
#include <string>

namespace frocket {
namespace {

// The dataset every test here queries, built by hand.
DatasetSchema TestSchema() {
  DatasetSchema schema;
  schema.group_id_column = "user_id";
  schema.timestamp_column = "ts";
  schema.timestamp_unit = TimestampUnit::kMillis;
  auto add = [&](const char* name, ColumnKind kind) {
    DatasetColumn column;
    column.name = name;
    column.kind = kind;
    schema.columns.push_back(column);
  };
  add("user_id", ColumnKind::kInt);       // 0
  add("ts", ColumnKind::kInt);            // 1
  add("event", ColumnKind::kString);      // 2
  add("price", ColumnKind::kFloat);       // 3
  add("quantity", ColumnKind::kInt);      // 4
  add("is_member", ColumnKind::kBool);    // 5
  add("country", ColumnKind::kString);    // 6
  add("blob", ColumnKind::kUnsupported);  // 7
  return schema;
}

Query MustParse(std::string_view text) {
  ParseResult result = ParseQuery(text, TestSchema());
  if (!result.ok()) {
    ADD_FAILURE() << QueryErrorKindName(result.error->kind) << " at '" << result.error->path
                  << "': " << result.error->message << "\nin " << text;
    return Query{};
  }
  return std::move(*result.query);
}

QueryError MustFail(std::string_view text) {
  ParseResult result = ParseQuery(text, TestSchema());
  if (result.ok()) {
    ADD_FAILURE() << "accepted: " << text;
    return QueryError{};
  }
  return *result.error;
}

void ExpectSameFilter(const Filter& a, const Filter& b) {
  EXPECT_EQ(a.column, b.column);
  EXPECT_EQ(a.column_index, b.column_index);
  EXPECT_EQ(a.column_kind, b.column_kind);
  EXPECT_EQ(a.op, b.op);
  EXPECT_EQ(a.value.type, b.value.type);
  EXPECT_EQ(a.value.string, b.value.string);
  EXPECT_EQ(a.value.number.is_integer, b.value.number.is_integer);
  EXPECT_EQ(a.value.number.integer, b.value.number.integer);
  EXPECT_EQ(a.values.size(), b.values.size());
}

TEST(QueryParserTest, EmptyQuerySelectsEverything) {
  Query query = MustParse("{}");
  EXPECT_FALSE(query.timeframe);
  EXPECT_TRUE(query.query.conditions.empty());
  EXPECT_TRUE(query.query.aggregations.empty());
  EXPECT_TRUE(query.query.relation.Evaluate({}));
  EXPECT_FALSE(query.funnel);
  EXPECT_EQ(query.options.sample_group_ids, 0);
  EXPECT_TRUE(query.used_columns.empty());
}

TEST(QueryParserTest, ShortAndLongFiltersAreEquivalent) {
  Query query = MustParse(R"({"query": {"conditions": [
      {"filter": ["event", "==", "purchase"]},
      {"filter": {"column": "event", "op": "==", "value": "purchase"}},
      {"filters": [{"column": "event", "op": "==", "value": "purchase"}]}]}})");
  ASSERT_EQ(query.query.conditions.size(), 3u);
  const Filter& short_form = query.query.conditions[0].filters.at(0);
  EXPECT_EQ(short_form.column, "event");
  EXPECT_EQ(short_form.column_index, 2);
  EXPECT_EQ(short_form.column_kind, ColumnKind::kString);
  EXPECT_EQ(short_form.op, FilterOp::kEq);
  EXPECT_EQ(short_form.value.type, LiteralType::kString);
  EXPECT_EQ(short_form.value.string, "purchase");
  ExpectSameFilter(short_form, query.query.conditions[1].filters.at(0));
  ExpectSameFilter(short_form, query.query.conditions[2].filters.at(0));
}

TEST(QueryParserTest, DefaultTargetIsCountAtLeastOne) {
  Query query = MustParse(R"({"query": {"conditions": [{"filter": ["event", "==", "x"]}]}})");
  const Condition& condition = query.query.conditions.at(0);
  EXPECT_EQ(condition.kind, ConditionKind::kRows);
  EXPECT_EQ(condition.target.type, TargetType::kCount);
  EXPECT_EQ(condition.target.op, CompareOp::kGe);
  EXPECT_TRUE(condition.target.value.is_integer);
  EXPECT_EQ(condition.target.value.integer, 1);
  EXPECT_FALSE(condition.include_zero);
}

TEST(QueryParserTest, IncludeZeroDefaults) {
  Query query = MustParse(R"({"query": {"conditions": [
      {"filter": ["event", "==", "x"], "target": ["count", "==", 0]},
      {"filter": ["event", "==", "x"], "target": ["count", "<", 3], "includeZero": true},
      {"filter": ["event", "==", "x"], "target": ["count", "<", 3]},
      {"filter": ["event", "==", "x"], "target": ["sum", "price", ">", 1], "includeZero": false}]}})");
  ASSERT_EQ(query.query.conditions.size(), 4u);
  EXPECT_TRUE(query.query.conditions[0].include_zero);  // count == 0 implies it
  EXPECT_TRUE(query.query.conditions[1].include_zero);
  EXPECT_FALSE(query.query.conditions[2].include_zero);
  EXPECT_FALSE(query.query.conditions[3].include_zero);
}

TEST(QueryParserTest, ShortAndLongTargetsAreEquivalent) {
  Query query = MustParse(R"({"query": {"conditions": [
      {"filter": ["event", "==", "x"], "target": ["sum", "price", ">=", 99.5]},
      {"filter": ["event", "==", "x"],
       "target": {"type": "sum", "column": "price", "op": ">=", "value": 99.5}},
      {"filter": ["event", "==", "x"], "target": {"type": "count", "op": "!=", "value": 4}}]}})");
  for (int i = 0; i < 2; ++i) {
    const Target& target = query.query.conditions.at(i).target;
    EXPECT_EQ(target.type, TargetType::kSum);
    EXPECT_EQ(target.column, "price");
    EXPECT_EQ(target.column_index, 3);
    EXPECT_EQ(target.op, CompareOp::kGe);
    EXPECT_FALSE(target.value.is_integer);
    EXPECT_EQ(target.value.real, 99.5);
  }
  const Target& count = query.query.conditions.at(2).target;
  EXPECT_EQ(count.type, TargetType::kCount);
  EXPECT_EQ(count.op, CompareOp::kNe);
  EXPECT_EQ(count.value.integer, 4);
}

TEST(QueryParserTest, IntegerLiteralsAreExact) {
  Query query = MustParse(R"({"query": {"conditions": [
      {"filter": ["quantity", "==", 9007199254740993]},
      {"filter": ["price", "in", [9223372036854775807, -9223372036854775808, 0.5]]},
      {"filter": ["quantity", ">", 2.5]}]}})");
  const Literal& big = query.query.conditions.at(0).filters.at(0).value;
  EXPECT_EQ(big.type, LiteralType::kNumber);
  EXPECT_TRUE(big.number.is_integer);
  EXPECT_EQ(big.number.integer, 9007199254740993);  // 2^53 + 1, which no double holds
  const std::vector<Literal>& list = query.query.conditions.at(1).filters.at(0).values;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].number.integer, INT64_MAX);
  EXPECT_EQ(list[1].number.integer, INT64_MIN);
  EXPECT_FALSE(list[2].number.is_integer);
  EXPECT_EQ(list[2].number.real, 0.5);
  const Literal& decimal = query.query.conditions.at(2).filters.at(0).value;
  EXPECT_FALSE(decimal.number.is_integer);  // a decimal on an INT column stays a decimal
  EXPECT_EQ(decimal.number.real, 2.5);
}

TEST(QueryParserTest, OperatorsAndValuesPerColumnKind) {
  Query query = MustParse(R"({"query": {"conditions": [
      {"filter": ["is_member", "!=", true]},
      {"filter": ["country", "not in", ["DE", "FR"]]},
      {"filter": ["event", "startswith", "add"]},
      {"filter": ["event", "endswith", "Cart"]},
      {"filter": ["event", "not contains", "view"]},
      {"filter": ["event", "<=", "m"]},
      {"filter": ["price", "is not null"]},
      {"filter": {"column": "quantity", "op": "is null"}}]}})");
  const auto& c = query.query.conditions;
  ASSERT_EQ(c.size(), 8u);
  EXPECT_EQ(c[0].filters[0].op, FilterOp::kNe);
  EXPECT_EQ(c[0].filters[0].value.type, LiteralType::kBool);
  EXPECT_TRUE(c[0].filters[0].value.boolean);
  EXPECT_EQ(c[1].filters[0].op, FilterOp::kNotIn);
  ASSERT_EQ(c[1].filters[0].values.size(), 2u);
  EXPECT_EQ(c[1].filters[0].values[1].string, "FR");
  EXPECT_EQ(c[2].filters[0].op, FilterOp::kStartsWith);
  EXPECT_EQ(c[3].filters[0].op, FilterOp::kEndsWith);
  EXPECT_EQ(c[4].filters[0].op, FilterOp::kNotContains);
  EXPECT_EQ(c[5].filters[0].op, FilterOp::kLe);
  EXPECT_EQ(c[6].filters[0].op, FilterOp::kIsNotNull);
  EXPECT_EQ(c[7].filters[0].op, FilterOp::kIsNull);
  EXPECT_EQ(c[7].filters[0].column_kind, ColumnKind::kInt);
}

TEST(QueryParserTest, RegexIsCompiledUnanchored) {
  Query query = MustParse(
      R"json({"query": {"conditions": [{"filter": ["event", "regex", "To(Cart|Wishlist)"]}]}})json");
  const Filter& filter = query.query.conditions.at(0).filters.at(0);
  ASSERT_NE(filter.regex, nullptr);
  EXPECT_TRUE(RE2::PartialMatch("addToCart", *filter.regex));
  EXPECT_FALSE(RE2::PartialMatch("addToBasket", *filter.regex));
}

TEST(QueryParserTest, DefaultRelationIsAnd) {
  Query query = MustParse(R"({"query": {"conditions": [
      {"filter": ["event", "==", "a"]}, {"filter": ["event", "==", "b"]},
      {"filter": ["event", "==", "c"]}]}})");
  const Relation& relation = query.query.relation;
  for (int bits = 0; bits < 8; ++bits) {
    std::array<bool, 3> values = {(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
    EXPECT_EQ(relation.Evaluate(values), bits == 7) << bits;
  }
}

TEST(QueryParserTest, BareOrAndNamedReferences) {
  Query any = MustParse(R"({"query": {"relation": "||", "conditions": [
      {"filter": ["event", "==", "a"]}, {"filter": ["event", "==", "b"]}]}})");
  EXPECT_EQ(any.query.relation.ToString(), "($0 or $1)");

  // Names resolve ignoring case, whichever comes first in the document.
  Query named = MustParse(R"({"query": {"relation": "$Buyer and not $0",
      "conditions": [{"name": "viewer", "filter": ["event", "==", "view"]},
                     {"name": "buyer", "filter": ["event", "==", "buy"]}]}})");
  EXPECT_EQ(named.query.relation.ToString(), "($1 and (not $0))");
  EXPECT_EQ(named.query.conditions.at(1).name, "buyer");
}

TEST(QueryParserTest, DefaultAggregationExpandsToThree) {
  Query query = MustParse(R"({"query": {"aggregations": [
      {"column": "price", "type": "sum", "name": "revenue"},
      {"column": "country", "top": 5, "baseline": true}]}})");
  const auto& aggregations = query.query.aggregations;
  ASSERT_EQ(aggregations.size(), 4u);
  EXPECT_EQ(aggregations[0].type, AggregationType::kSum);
  EXPECT_EQ(aggregations[0].name, "revenue");
  EXPECT_TRUE(aggregations[0].type_given);
  const AggregationType expected[] = {AggregationType::kCount, AggregationType::kCountPerValue,
                                      AggregationType::kGroupsPerValue};
  for (int i = 0; i < 3; ++i) {
    const Aggregation& a = aggregations[1 + i];
    EXPECT_EQ(a.type, expected[i]);
    EXPECT_FALSE(a.type_given);
    EXPECT_EQ(a.source_index, 1);
    EXPECT_EQ(a.column, "country");
    EXPECT_EQ(a.column_index, 6);
    EXPECT_EQ(a.top, 5);
    EXPECT_TRUE(a.baseline);
    EXPECT_TRUE(a.name.empty());
  }
}

TEST(QueryParserTest, AggregationDefaultsAndOtherColumn) {
  Query query = MustParse(R"({"query": {"aggregations": [
      {"column": "event", "type": "meanPerValue", "otherColumn": "quantity"}]}})");
  const Aggregation& a = query.query.aggregations.at(0);
  EXPECT_EQ(a.top, 10);
  EXPECT_FALSE(a.baseline);
  EXPECT_EQ(a.other_column, "quantity");
  EXPECT_EQ(a.other_column_index, 4);
  EXPECT_EQ(a.other_column_kind, ColumnKind::kInt);
}

TEST(QueryParserTest, TimeframeKeepsIntegersExactAndDecimals) {
  Query query = MustParse(R"({"timeframe": {"from": 1704067200000, "to": 1704067200000.5}})");
  ASSERT_TRUE(query.timeframe);
  ASSERT_TRUE(query.timeframe->from);
  EXPECT_TRUE(query.timeframe->from->is_integer);
  EXPECT_EQ(query.timeframe->from->integer, 1704067200000);
  ASSERT_TRUE(query.timeframe->to);
  EXPECT_FALSE(query.timeframe->to->is_integer);
  EXPECT_EQ(query.timeframe->to->real, 1704067200000.5);
}

TEST(QueryParserTest, SequenceConditionModel) {
  Query query = MustParse(R"({"query": {"conditions": [{"name": "cart_then_buy",
      "sequence": [{"filter": ["event", "==", "cart"]},
                   {"filters": [{"column": "event", "op": "==", "value": "logout"}],
                    "rowFound": false},
                   {"filter": ["event", "==", "buy"], "maxGap": 3600000}],
      "maxDuration": 86400000, "order": "strict"}]}})");
  const Condition& condition = query.query.conditions.at(0);
  EXPECT_EQ(condition.kind, ConditionKind::kSequence);
  const Sequence& sequence = condition.sequence;
  ASSERT_EQ(sequence.steps.size(), 3u);
  EXPECT_TRUE(sequence.steps[0].row_found);
  EXPECT_FALSE(sequence.steps[1].row_found);
  EXPECT_TRUE(sequence.steps[2].row_found);
  EXPECT_EQ(sequence.PositiveStepCount(), 2);
  ASSERT_TRUE(sequence.steps[2].max_gap);
  EXPECT_EQ(sequence.steps[2].max_gap->integer, 3600000);
  ASSERT_TRUE(sequence.max_duration);
  EXPECT_EQ(sequence.max_duration->integer, 86400000);
  EXPECT_EQ(sequence.order, SequenceOrder::kStrict);
}

TEST(QueryParserTest, FunnelModel) {
  Query query = MustParse(R"({"funnel": {
      "sequence": [{"filter": ["event", "==", "view"]}, {"filter": ["event", "==", "buy"]}],
      "order": "any", "maxDuration": 1000, "timeToConvert": true,
      "breakdown": {"column": "country"},
      "stepAggregations": [{"column": "price", "type": "max"}],
      "endAggregations": [{"column": "is_member", "type": "countDistinct"}]},
      "options": {"sampleGroupIds": 25}})");
  ASSERT_TRUE(query.funnel);
  const Funnel& funnel = *query.funnel;
  EXPECT_EQ(funnel.sequence.steps.size(), 2u);
  EXPECT_EQ(funnel.sequence.order, SequenceOrder::kAny);
  EXPECT_TRUE(funnel.time_to_convert);
  ASSERT_TRUE(funnel.breakdown);
  EXPECT_EQ(funnel.breakdown->column, "country");
  EXPECT_EQ(funnel.breakdown->top, 10);
  EXPECT_EQ(funnel.step_aggregations.at(0).type, AggregationType::kMax);
  EXPECT_EQ(funnel.end_aggregations.at(0).type, AggregationType::kCountDistinct);
  EXPECT_EQ(query.options.sample_group_ids, 25);
  // Default order when not given.
  Query ordered = MustParse(R"({"funnel": {"sequence": [{"filter": ["event", "==", "v"]}]}})");
  EXPECT_EQ(ordered.funnel->sequence.order, SequenceOrder::kOrdered);
  EXPECT_FALSE(ordered.funnel->sequence.max_duration);
}

TEST(QueryParserTest, UsedColumnsAreCollected) {
  Query query = MustParse(R"({"query": {"conditions": [
      {"filter": ["event", "==", "x"], "target": ["sum", "price", ">", 1]}],
      "aggregations": [{"column": "event", "type": "sumPerValue", "otherColumn": "quantity"}]},
      "funnel": {"sequence": [{"filter": ["is_member", "==", true]}],
                 "breakdown": {"column": "country"}}})");
  EXPECT_EQ(query.used_columns, (std::vector<int>{2, 3, 4, 5, 6}));
}

TEST(QueryParserTest, ErrorCarriesKindPathAndMessage) {
  QueryError error = MustFail(R"({"query": {"conditions": [{"filter": ["prise", ">", 1]}]}})");
  EXPECT_EQ(error.kind, QueryErrorKind::kDataset);
  EXPECT_EQ(error.path, "/query/conditions/0/filter/0");
  EXPECT_NE(error.message.find("did you mean \"price\""), std::string::npos) << error.message;
  EXPECT_FALSE(error.position);
}

TEST(QueryParserTest, InvalidJsonReportsTheByteOffset) {
  QueryError error = MustFail("{\"query\": {\"conditions\": [}");
  EXPECT_EQ(error.kind, QueryErrorKind::kSchema);
  EXPECT_EQ(error.path, "");
  ASSERT_TRUE(error.position);
  EXPECT_EQ(*error.position, 26u);  // the '}' where a value should start
  EXPECT_NE(error.message.find("byte 26"), std::string::npos) << error.message;
}

TEST(QueryParserTest, RelationErrorsCarryThePosition) {
  QueryError error = MustFail(R"({"query": {"relation": "$0 and ($1 or", "conditions": [
      {"filter": ["event", "==", "a"]}, {"filter": ["event", "==", "b"]}]}})");
  EXPECT_EQ(error.kind, QueryErrorKind::kRelation);
  EXPECT_EQ(error.path, "/query/relation");
  ASSERT_TRUE(error.position);
  EXPECT_EQ(*error.position, 11u);  // the dangling 'or'
}

TEST(QueryParserTest, ErrorKindNames) {
  EXPECT_STREQ(QueryErrorKindName(QueryErrorKind::kSchema), "SCHEMA");
  EXPECT_STREQ(QueryErrorKindName(QueryErrorKind::kTypeMismatch), "TYPE_MISMATCH");
  EXPECT_STREQ(QueryErrorKindName(QueryErrorKind::kDataset), "DATASET");
  EXPECT_STREQ(QueryErrorKindName(QueryErrorKind::kRelation), "RELATION");
  EXPECT_STREQ(QueryErrorKindName(QueryErrorKind::kLimit), "LIMIT");
}

TEST(QueryParserTest, HostileInputsFailCleanly) {
  const std::string inputs[] = {
      std::string(1 << 20, '['),
      std::string(1 << 20, '{'),
      "{\"query\": {\"relation\": \"" + std::string(100000, '(') + "\"}}",
      std::string("\xff\xfe"),
      std::string("{\"query\"\0: 1}", 13),
      "{\"funnel\": {\"sequence\": [" + std::string(1000, '{') + "}",
  };
  for (const std::string& input : inputs) {
    ParseResult result = ParseQuery(input, TestSchema());
    EXPECT_FALSE(result.ok());
    ASSERT_TRUE(result.error);
    EXPECT_FALSE(result.error->message.empty());
  }
}

TEST(QueryParserTest, NumberComparisonsAreExact) {
  EXPECT_EQ(CompareInt64ToDouble(9007199254740993, 9007199254740992.0), 1);
  EXPECT_EQ(CompareInt64ToDouble(9007199254740992, 9007199254740992.0), 0);
  EXPECT_EQ(CompareInt64ToDouble(2, 2.5), -1);
  EXPECT_EQ(CompareInt64ToDouble(-2, -2.5), 1);
  EXPECT_EQ(CompareInt64ToDouble(INT64_MAX, 9223372036854775808.0), -1);
  EXPECT_EQ(CompareInt64ToDouble(INT64_MIN, -9223372036854775808.0), 0);
  EXPECT_EQ(CompareInt64ToDouble(INT64_MIN, -1e300), 1);
  EXPECT_EQ(CompareNumbers(Number::Real(1.5), Number::Integer(1)), 1);
  EXPECT_EQ(CompareNumbers(Number::Integer(3), Number::Integer(3)), 0);
}

}  // namespace
}  // namespace frocket
