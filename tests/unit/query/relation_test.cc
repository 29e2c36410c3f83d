#include "query/relation.h"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace frocket {
namespace {

const std::vector<std::string> kThreeUnnamed = {"", "", ""};

Relation MustParse(std::string_view text, const std::vector<std::string>& names = kThreeUnnamed) {
  auto parsed = ParseRelation(text, names);
  if (auto* error = std::get_if<RelationError>(&parsed)) {
    ADD_FAILURE() << "'" << text << "' failed at " << error->position << ": " << error->message;
    return Relation();
  }
  return std::get<Relation>(parsed);
}

RelationError MustFail(std::string_view text,
                       const std::vector<std::string>& names = kThreeUnnamed) {
  auto parsed = ParseRelation(text, names);
  if (auto* error = std::get_if<RelationError>(&parsed)) return *error;
  ADD_FAILURE() << "'" << text << "' parsed as " << std::get<Relation>(parsed).ToString();
  return RelationError{};
}

// Compares a parsed relation with a reference written directly in C++ boolean logic, over every
// assignment of three conditions.
void ExpectTruthTable(std::string_view text,
                      const std::function<bool(bool, bool, bool)>& expected) {
  Relation relation = MustParse(text);
  for (int bits = 0; bits < 8; ++bits) {
    std::array<bool, 3> values = {(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
    EXPECT_EQ(relation.Evaluate(values), expected(values[0], values[1], values[2]))
        << text << " with $0=" << values[0] << " $1=" << values[1] << " $2=" << values[2];
  }
}

TEST(RelationTest, AndBindsTighterThanOr) {
  ExpectTruthTable("$0 or $1 and $2", [](bool a, bool b, bool c) { return a || (b && c); });
  ExpectTruthTable("$0 and $1 or $2", [](bool a, bool b, bool c) { return (a && b) || c; });
  ExpectTruthTable("$0 || $1 && $2", [](bool a, bool b, bool c) { return a || (b && c); });
}

TEST(RelationTest, NotBindsTighterThanAnd) {
  ExpectTruthTable("not $0 and $1", [](bool a, bool b, bool) { return !a && b; });
  ExpectTruthTable("!$0 || $1 && !$2", [](bool a, bool b, bool c) { return !a || (b && !c); });
  ExpectTruthTable("not ($0 and $1) or $2", [](bool a, bool b, bool c) { return !(a && b) || c; });
  ExpectTruthTable("not not $0", [](bool a, bool, bool) { return a; });
  ExpectTruthTable("!!!$1", [](bool, bool b, bool) { return !b; });
}

TEST(RelationTest, ParenthesesOverridePrecedence) {
  ExpectTruthTable("($0 or $1) and $2", [](bool a, bool b, bool c) { return (a || b) && c; });
  ExpectTruthTable("((($2)))", [](bool, bool, bool c) { return c; });
  ExpectTruthTable("$0 and ($1 or not ($2 and $0))",
                   [](bool a, bool b, bool c) { return a && (b || !(c && a)); });
}

TEST(RelationTest, HandWrittenTruthTable) {
  // "$0 or $1 and not $2", rows in the order ($0,$1,$2) = 000, 100, 010, 110, 001, 101, 011, 111.
  const bool expected[8] = {false, true, true, true, false, true, false, true};
  Relation relation = MustParse("$0 or $1 and not $2");
  for (int bits = 0; bits < 8; ++bits) {
    std::array<bool, 3> values = {(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
    EXPECT_EQ(relation.Evaluate(values), expected[bits]) << bits;
  }
}

TEST(RelationTest, RendersWithExplicitGrouping) {
  EXPECT_EQ(MustParse("$0 or $1 and $2").ToString(), "($0 or ($1 and $2))");
  EXPECT_EQ(MustParse("not $0 and $1").ToString(), "((not $0) and $1)");
  EXPECT_EQ(MustParse("$0 and $1 and $2").ToString(), "(($0 and $1) and $2)");
  EXPECT_EQ(MustParse("$0 or $1 or $2").ToString(), "(($0 or $1) or $2)");
}

TEST(RelationTest, KeywordsAndNamesAreCaseInsensitive) {
  const std::vector<std::string> names = {"viewed", "", "bought"};
  EXPECT_EQ(MustParse("$VIEWED AND $1 Or NOT $Bought", names).ToString(),
            "(($0 and $1) or (not $2))");
  EXPECT_EQ(MustParse("$viewed&&$bought||$1", names).ToString(), "(($0 and $2) or $1)");
}

TEST(RelationTest, BareOperatorsApplyBetweenAllConditions) {
  EXPECT_EQ(MustParse("and").ToString(), "(($0 and $1) and $2)");
  EXPECT_EQ(MustParse(" && ").ToString(), "(($0 and $1) and $2)");
  EXPECT_EQ(MustParse("OR").ToString(), "(($0 or $1) or $2)");
  EXPECT_EQ(MustParse("||").ToString(), "(($0 or $1) or $2)");
  EXPECT_EQ(Relation::AllOf(1).ToString(), "$0");
}

TEST(RelationTest, NoConditionsSelectsEveryGroup) {
  EXPECT_TRUE(Relation::AllOf(0).Evaluate({}));
  EXPECT_TRUE(Relation::AnyOf(0).Evaluate({}));
  EXPECT_TRUE(MustParse("or", {}).Evaluate({}));
}

TEST(RelationTest, IndexesMayHaveLeadingZeros) {
  EXPECT_EQ(MustParse("$01 and $002").ToString(), "($1 and $2)");
}

TEST(RelationTest, ErrorPositions) {
  const std::vector<std::string> names = {"viewed", "bought"};
  struct Case {
    std::string_view text;
    size_t position;
  };
  const Case cases[] = {
      {"", 0},                         // empty
      {"   ", 0},                      // blank
      {"$viewed and $sold", 12},       // unknown name
      {"$0 or $2", 6},                 // index out of range
      {"$99999999999999999999", 0},    // index far out of range
      {"$0 and ($1 or $0", 7},         // unclosed '('
      {"(", 0},                        // unclosed '('
      {"$0 and $1)", 9},               // ')' without '('
      {"()", 0},                       // empty parentheses
      {"$0 and ", 3},                  // dangling operator at the end
      {"($0 or)", 4},                  // dangling operator before ')'
      {"not", 0},                      // dangling not
      {"or $0", 0},                    // operator with nothing before it
      {"$0 and or $1", 7},             // two operators
      {"$0 / $1", 3},                  // garbage
      {"$0 $1", 3},                    // missing operator
      {"$0 & $1", 3},                  // single '&'
      {"$0 andalso $1", 3},            // unknown word
      {"$", 0},                        // '$' alone
      {"$0 and $_x", 7},               // a name starts with a letter
      {"$0 and $1 (", 10},             // '(' after a complete expression
      {"\xc3\xa9\xc3\xa9 $0", 0},      // non-ASCII garbage
      {"$0 and \xc3\xa9\xc3\xa9", 7},  // counted in characters, not bytes
  };
  for (const Case& c : cases) {
    RelationError error = MustFail(c.text, names);
    EXPECT_EQ(error.position, c.position) << "'" << c.text << "': " << error.message;
    EXPECT_FALSE(error.message.empty());
  }
}

TEST(RelationTest, NestingLimit) {
  std::string ok = std::string(kMaxRelationDepth, '(') + "$0" + std::string(kMaxRelationDepth, ')');
  EXPECT_EQ(MustParse(ok).ToString(), "$0");
  std::string deep =
      std::string(kMaxRelationDepth + 1, '(') + "$0" + std::string(kMaxRelationDepth + 1, ')');
  EXPECT_EQ(MustFail(deep).position, static_cast<size_t>(kMaxRelationDepth));
  // Far deeper input fails the same way without exhausting the stack.
  EXPECT_EQ(MustFail(std::string(200000, '(')).position, static_cast<size_t>(kMaxRelationDepth));
}

TEST(RelationTest, LongFlatExpressionsDoNotRecurse) {
  std::string chain = "$0";
  for (int i = 0; i < 20000; ++i) chain += (i % 2 ? " and $1" : " or not $2");
  Relation relation = MustParse(chain);
  EXPECT_LE(relation.max_stack(), 3);
  std::string nots(100000, '!');
  EXPECT_EQ(MustParse(nots + "$0").ToString(), "$0");  // an even number of negations cancels
}

TEST(RelationTest, WordEvaluationMatchesPerGroupEvaluation) {
  Relation relation = MustParse("not ($0 and $1) or $2 and not $0");
  std::mt19937_64 rng(7);
  constexpr size_t kWords = 4;
  std::vector<std::vector<uint64_t>> bits(3, std::vector<uint64_t>(kWords));
  for (auto& condition : bits) {
    for (uint64_t& word : condition) word = rng();
  }
  const uint64_t* pointers[3] = {bits[0].data(), bits[1].data(), bits[2].data()};
  std::vector<uint64_t> out(kWords);
  relation.EvaluateWords(pointers, kWords, out.data());
  for (size_t group = 0; group < kWords * 64; ++group) {
    std::array<bool, 3> values;
    for (int c = 0; c < 3; ++c) values[c] = (bits[c][group / 64] >> (group % 64)) & 1;
    EXPECT_EQ(((out[group / 64] >> (group % 64)) & 1) != 0, relation.Evaluate(values)) << group;
  }
}

}  // namespace
}  // namespace frocket
