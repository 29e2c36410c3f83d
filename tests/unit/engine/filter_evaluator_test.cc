#include "engine/filter_evaluator.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "support/engine_fixtures.h"

namespace frocket {
namespace {

using test_support::SetValidity;

using parquet::ColumnVector;
using parquet::PhysicalType;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kTwo53 = int64_t{1} << 53;

const std::vector<int64_t> kSizes = {1, 63, 64, 65, 127, 1000};

// ---------------------------------------------------------------------------------------------
// Building normalized columns.

ColumnVector MakeInts(const std::vector<std::optional<int64_t>>& cells) {
  return test_support::FixedVector<int64_t>(PhysicalType::kInt64, cells);
}
ColumnVector MakeDoubles(const std::vector<std::optional<double>>& cells) {
  return test_support::FixedVector<double>(PhysicalType::kDouble, cells);
}
ColumnVector MakeBools(const std::vector<std::optional<bool>>& cells) {
  std::vector<std::optional<uint8_t>> bytes;
  for (const auto& c : cells)
    bytes.push_back(c ? std::optional<uint8_t>(*c ? 1 : 0) : std::nullopt);
  return test_support::FixedVector<uint8_t>(PhysicalType::kBoolean, bytes);
}

ColumnVector MakeByteArrays(const std::vector<std::optional<std::string>>& cells) {
  ColumnVector v;
  v.physical = PhysicalType::kByteArray;
  v.size = static_cast<int64_t>(cells.size());
  std::vector<uint32_t> offsets = {0};
  std::vector<bool> valid;
  for (const auto& c : cells) {
    if (c) v.bytes.Append(c->data(), c->size());
    offsets.push_back(static_cast<uint32_t>(v.bytes.size()));
    valid.push_back(c.has_value());
  }
  v.offsets.Append(offsets.data(), offsets.size() * 4);
  SetValidity(&v, valid);
  return v;
}

// Dictionary form: the dictionary holds the distinct values in a shuffled order plus one entry
// no row uses; null rows get code 0.
ColumnVector MakeDictionaryStrings(const std::vector<std::optional<std::string>>& cells,
                                   uint64_t seed) {
  std::vector<std::string> distinct;
  for (const auto& c : cells) {
    if (c && std::find(distinct.begin(), distinct.end(), *c) == distinct.end()) {
      distinct.push_back(*c);
    }
  }
  distinct.push_back("unused entry");
  std::mt19937_64 rng(seed);
  std::shuffle(distinct.begin(), distinct.end(), rng);
  std::vector<std::optional<std::string>> dict_cells(distinct.begin(), distinct.end());
  ColumnVector v;
  v.physical = PhysicalType::kByteArray;
  v.size = static_cast<int64_t>(cells.size());
  std::vector<bool> valid;
  for (const auto& c : cells) {
    uint32_t code = 0;
    if (c) {
      code =
          static_cast<uint32_t>(std::find(distinct.begin(), distinct.end(), *c) - distinct.begin());
    }
    v.values.Append(&code, 4);
    valid.push_back(c.has_value());
  }
  SetValidity(&v, valid);
  v.dictionary = std::make_shared<const ColumnVector>(MakeByteArrays(dict_cells));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Filters and running them.

Literal Num(int64_t v) {
  Literal l;
  l.number = Number::Integer(v);
  return l;
}
Literal Real(double v) {
  Literal l;
  l.number = Number::Real(v);
  return l;
}
Literal Str(std::string s) {
  Literal l;
  l.type = LiteralType::kString;
  l.string = std::move(s);
  return l;
}
Literal Bool(bool b) {
  Literal l;
  l.type = LiteralType::kBool;
  l.boolean = b;
  return l;
}

Filter MakeFilter(ColumnKind kind, FilterOp op, Literal value = {},
                  std::vector<Literal> values = {}) {
  Filter f;
  f.column = "c";
  f.column_index = 0;
  f.column_kind = kind;
  f.op = op;
  f.value = std::move(value);
  f.values = std::move(values);
  if (op == FilterOp::kRegex) f.regex = std::make_shared<RE2>(f.value.string);
  return f;
}

// Runs Evaluate (and EvaluateAnd over random bits) and returns one bool per row, checking that
// bits past the size are zero and that nothing is written past ceil(size / 64) words.
std::vector<bool> EvalBits(const FilterEvaluator& evaluator, const ColumnVector& column) {
  const int64_t n = column.size;
  const size_t words = static_cast<size_t>((n + 63) / 64);
  constexpr uint64_t kCanary = 0xdeadbeefcafef00dull;
  std::vector<uint64_t> out(words + 1, 0x5555555555555555ull);
  out[words] = kCanary;
  evaluator.Evaluate(column, out.data());
  EXPECT_EQ(out[words], kCanary) << "wrote past the last word";
  if (n % 64 != 0) {
    EXPECT_EQ(out[words - 1] >> (n % 64), 0u) << "bits past the size are set";
  }
  std::vector<bool> bits(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) bits[i] = (out[i / 64] >> (i % 64)) & 1;

  // EvaluateAnd must equal the AND of random existing bits with Evaluate's.
  std::mt19937_64 rng(static_cast<uint64_t>(n) * 31 + 7);
  std::vector<uint64_t> inout(words + 1);
  for (auto& w : inout) w = rng();
  std::vector<uint64_t> before = inout;
  inout[words] = kCanary;
  evaluator.EvaluateAnd(column, inout.data());
  EXPECT_EQ(inout[words], kCanary);
  for (size_t w = 0; w < words; ++w) {
    EXPECT_EQ(inout[w], before[w] & out[w]) << "EvaluateAnd differs from AND at word " << w;
  }
  return bits;
}

std::string Describe(const Filter& f) {
  std::string text = std::string(FilterOpName(f.op)) + " ";
  auto lit = [](const Literal& l) {
    switch (l.type) {
      case LiteralType::kNumber:
        return l.number.is_integer ? std::to_string(l.number.integer) + "i"
                                   : std::to_string(l.number.real) + "r";
      case LiteralType::kString:
        return "'" + l.string + "'";
      case LiteralType::kBool:
        return std::string(l.boolean ? "true" : "false");
    }
    return std::string();
  };
  if (f.op == FilterOp::kIn || f.op == FilterOp::kNotIn) {
    text += "[";
    for (const auto& l : f.values) text += lit(l) + ",";
    text += "]";
  } else {
    text += lit(f.value);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Independent per-row reference. Numbers compare as long double, whose 64-bit significand holds
// every int64 and every double exactly, so each comparison is exact.

long double Exact(const Number& n) {
  return n.is_integer ? static_cast<long double>(n.integer) : static_cast<long double>(n.real);
}

bool RefCompare(FilterOp op, long double x, long double lit) {
  switch (op) {
    case FilterOp::kEq:
      return x == lit;
    case FilterOp::kNe:
      return x != lit;
    case FilterOp::kGt:
      return x > lit;
    case FilterOp::kGe:
      return x >= lit;
    case FilterOp::kLt:
      return x < lit;
    case FilterOp::kLe:
      return x <= lit;
    default:
      ADD_FAILURE() << "not a comparison";
      return false;
  }
}

template <typename T>
bool RefNumber(const Filter& f, const std::optional<T>& cell) {
  if (f.op == FilterOp::kIsNull) return !cell.has_value();
  if (!cell) return false;
  if (f.op == FilterOp::kIsNotNull) return true;
  const auto x = static_cast<long double>(*cell);
  if (f.op == FilterOp::kIn || f.op == FilterOp::kNotIn) {
    bool found = false;
    for (const auto& l : f.values) found = found || x == Exact(l.number);
    return f.op == FilterOp::kIn ? found : !found;
  }
  return RefCompare(f.op, x, Exact(f.value.number));
}

bool RefString(const Filter& f, const std::optional<std::string>& cell) {
  if (f.op == FilterOp::kIsNull) return !cell.has_value();
  if (!cell) return false;
  const std::string& s = *cell;
  const std::string& lit = f.value.string;
  // Byte-wise order, as unsigned bytes.
  auto cmp = [&]() {
    size_t n = std::min(s.size(), lit.size());
    for (size_t i = 0; i < n; ++i) {
      auto a = static_cast<unsigned char>(s[i]);
      auto b = static_cast<unsigned char>(lit[i]);
      if (a != b) return a < b ? -1 : 1;
    }
    return s.size() < lit.size() ? -1 : (s.size() > lit.size() ? 1 : 0);
  };
  switch (f.op) {
    case FilterOp::kIsNotNull:
      return true;
    case FilterOp::kEq:
      return cmp() == 0;
    case FilterOp::kNe:
      return cmp() != 0;
    case FilterOp::kGt:
      return cmp() > 0;
    case FilterOp::kGe:
      return cmp() >= 0;
    case FilterOp::kLt:
      return cmp() < 0;
    case FilterOp::kLe:
      return cmp() <= 0;
    case FilterOp::kIn:
    case FilterOp::kNotIn: {
      bool found = false;
      for (const auto& l : f.values) found = found || l.string == s;
      return f.op == FilterOp::kIn ? found : !found;
    }
    case FilterOp::kContains:
      return s.find(lit) != std::string::npos;
    case FilterOp::kNotContains:
      return s.find(lit) == std::string::npos;
    case FilterOp::kStartsWith:
      return s.size() >= lit.size() && s.compare(0, lit.size(), lit) == 0;
    case FilterOp::kEndsWith:
      return s.size() >= lit.size() && s.compare(s.size() - lit.size(), lit.size(), lit) == 0;
    case FilterOp::kRegex:
      return RE2::PartialMatch(s, RE2(lit));
    default:
      ADD_FAILURE();
      return false;
  }
}

template <typename T>
std::vector<std::optional<T>> RandomCells(std::mt19937_64& rng, int64_t n,
                                          const std::vector<T>& pool, bool with_nulls) {
  std::vector<std::optional<T>> cells;
  for (int64_t i = 0; i < n; ++i) {
    if (with_nulls && rng() % 5 == 0) {
      cells.push_back(std::nullopt);
    } else {
      cells.push_back(pool[rng() % pool.size()]);
    }
  }
  return cells;
}

const std::vector<FilterOp> kComparisons = {FilterOp::kEq, FilterOp::kNe, FilterOp::kGt,
                                            FilterOp::kGe, FilterOp::kLt, FilterOp::kLe};

// ---------------------------------------------------------------------------------------------
// INT columns.

const std::vector<int64_t> kIntPool = {
    0, 1, -1, 5, 42, kMin, kMin + 1, kMax, kMax - 1, kTwo53, kTwo53 + 1, -kTwo53 - 1, 100, -100};

std::vector<Literal> IntLiterals() {
  std::vector<Literal> out;
  for (int64_t v : kIntPool) out.push_back(Num(v));
  for (double d :
       {0.5, -0.5, 1.0, 4.9, 5.0, -100.5, 9007199254740992.0, 9223372036854775808.0,
        -9223372036854775808.0, 1e300, -1e300, kInf, -kInf, -0.0, 9.2233720368547748e18}) {
    out.push_back(Real(d));
  }
  return out;
}

TEST(FilterEvaluatorTest, IntMatchesReferenceForEveryComparison) {
  std::mt19937_64 rng(1);
  for (int64_t n : kSizes) {
    for (bool nulls : {false, true}) {
      auto cells = RandomCells(rng, n, kIntPool, nulls);
      ColumnVector column = MakeInts(cells);
      for (FilterOp op : kComparisons) {
        for (const Literal& lit : IntLiterals()) {
          Filter f = MakeFilter(ColumnKind::kInt, op, lit);
          std::vector<bool> bits = EvalBits(FilterEvaluator(f), column);
          for (int64_t i = 0; i < n; ++i) {
            ASSERT_EQ(bits[i], RefNumber(f, cells[i]))
                << Describe(f) << " row " << i << " n " << n << " value "
                << (cells[i] ? std::to_string(*cells[i]) : "null");
          }
        }
      }
    }
  }
}

TEST(FilterEvaluatorTest, IntSetsMatchReference) {
  std::mt19937_64 rng(2);
  std::vector<std::vector<Literal>> sets = {
      {Num(5)},
      {Num(5), Num(5), Num(-1)},
      {Num(kMin), Num(kMax), Real(5.0), Real(1.5)},  // 5.0 is 5; 1.5 equals no integer
      {Real(1.5), Real(2.25)},                       // no integer at all
      {Num(kTwo53 + 1), Num(0)},
  };
  std::vector<Literal> large;
  for (int64_t v : kIntPool) {
    if (v != 42) large.push_back(Num(v));
  }
  large.push_back(Real(42.5));
  sets.push_back(large);
  for (int64_t n : kSizes) {
    auto cells = RandomCells(rng, n, kIntPool, true);
    ColumnVector column = MakeInts(cells);
    for (const auto& set : sets) {
      for (FilterOp op : {FilterOp::kIn, FilterOp::kNotIn}) {
        Filter f = MakeFilter(ColumnKind::kInt, op, {}, set);
        std::vector<bool> bits = EvalBits(FilterEvaluator(f), column);
        for (int64_t i = 0; i < n; ++i) {
          ASSERT_EQ(bits[i], RefNumber(f, cells[i])) << Describe(f) << " row " << i;
        }
      }
    }
  }
}

TEST(FilterEvaluatorTest, IntLiteralExpectations) {
  ColumnVector column = MakeInts({1, std::nullopt, 3, kTwo53 + 1, kTwo53, kMax, kMin, 0});
  auto run = [&](FilterOp op, Literal lit) {
    return EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kInt, op, lit)), column);
  };
  using B = std::vector<bool>;
  // 2^53 + 1 is not a double: an exact comparison tells it from 2^53.
  EXPECT_EQ(run(FilterOp::kEq, Num(kTwo53 + 1)), B({0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kGt, Num(kTwo53)), B({0, 0, 0, 1, 0, 1, 0, 0}));
  // Nulls match neither != nor ==.
  EXPECT_EQ(run(FilterOp::kNe, Num(1)), B({0, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kLt, Real(2.5)), B({1, 0, 0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(run(FilterOp::kGe, Real(2.5)), B({0, 0, 1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(run(FilterOp::kEq, Real(3.0)), B({0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kEq, Real(2.5)), B({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kNe, Real(2.5)), B({1, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kLt, Num(kMin)), B({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kGt, Num(kMax)), B({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kLe, Num(kMax)), B({1, 0, 1, 1, 1, 1, 1, 1}));
  // 2^63 as a decimal is above every int64.
  EXPECT_EQ(run(FilterOp::kLt, Real(9223372036854775808.0)), B({1, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kGe, Real(9223372036854775808.0)), B({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kLe, Real(-9223372036854775808.0)), B({0, 0, 0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kInt, FilterOp::kIsNull)), column),
            B({0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kInt, FilterOp::kIsNotNull)), column),
            B({1, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kInt, FilterOp::kNotIn, {},
                                                {Num(1), Num(kMax), Real(0.5)})),
                     column),
            B({0, 0, 1, 1, 1, 0, 1, 1}));
}

// ---------------------------------------------------------------------------------------------
// FLOAT columns.

const std::vector<double> kFloatPool = {0.0,
                                        -0.0,
                                        1.5,
                                        -1.5,
                                        kNaN,
                                        kInf,
                                        -kInf,
                                        9007199254740992.0,
                                        9007199254740994.0,
                                        1e300,
                                        std::numeric_limits<double>::denorm_min(),
                                        -std::numeric_limits<double>::denorm_min(),
                                        5.0,
                                        9223372036854775808.0,
                                        -9223372036854775808.0};

std::vector<Literal> FloatLiterals() {
  std::vector<Literal> out = {Num(0),      Num(5),          Num(-1),
                              Num(kTwo53), Num(kTwo53 + 1), Num(kTwo53 + 2),
                              Num(kMax),   Num(kMin),       Num(kMax - 1024)};
  for (double d : kFloatPool) {
    if (!std::isnan(d)) out.push_back(Real(d));
  }
  out.push_back(Real(1.25));
  return out;
}

TEST(FilterEvaluatorTest, FloatMatchesReferenceForEveryComparison) {
  std::mt19937_64 rng(3);
  for (int64_t n : kSizes) {
    for (bool nulls : {false, true}) {
      auto cells = RandomCells(rng, n, kFloatPool, nulls);
      ColumnVector column = MakeDoubles(cells);
      for (FilterOp op : kComparisons) {
        for (const Literal& lit : FloatLiterals()) {
          Filter f = MakeFilter(ColumnKind::kFloat, op, lit);
          std::vector<bool> bits = EvalBits(FilterEvaluator(f), column);
          for (int64_t i = 0; i < n; ++i) {
            ASSERT_EQ(bits[i], RefNumber(f, cells[i]))
                << Describe(f) << " row " << i << " value "
                << (cells[i] ? std::to_string(*cells[i]) : "null");
          }
        }
      }
    }
  }
}

TEST(FilterEvaluatorTest, FloatSetsMatchReference) {
  std::mt19937_64 rng(4);
  std::vector<std::vector<Literal>> sets = {
      {Real(0.0)},
      {Real(-0.0), Real(1.5)},
      {Num(kTwo53 + 1)},  // no double equals it
      {Num(kTwo53), Num(5), Real(5.0), Real(kInf)},
      {Num(0), Num(1), Num(2), Num(3), Num(4), Num(5), Num(6), Num(7), Num(8), Real(-1.5),
       Real(-kInf), Real(1e300)},
  };
  for (int64_t n : kSizes) {
    auto cells = RandomCells(rng, n, kFloatPool, true);
    ColumnVector column = MakeDoubles(cells);
    for (const auto& set : sets) {
      for (FilterOp op : {FilterOp::kIn, FilterOp::kNotIn}) {
        Filter f = MakeFilter(ColumnKind::kFloat, op, {}, set);
        std::vector<bool> bits = EvalBits(FilterEvaluator(f), column);
        for (int64_t i = 0; i < n; ++i) {
          ASSERT_EQ(bits[i], RefNumber(f, cells[i])) << Describe(f) << " row " << i;
        }
      }
    }
  }
}

TEST(FilterEvaluatorTest, FloatLiteralExpectations) {
  // NaN, -0.0, null, 1.5, 2^53, +inf
  ColumnVector column = MakeDoubles({kNaN, -0.0, std::nullopt, 1.5, 9007199254740992.0, kInf});
  auto run = [&](FilterOp op, Literal lit) {
    return EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kFloat, op, lit)), column);
  };
  using B = std::vector<bool>;
  // Only != matches NaN; -0.0 == 0.
  EXPECT_EQ(run(FilterOp::kNe, Num(1)), B({1, 1, 0, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kEq, Num(0)), B({0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kEq, Real(0.0)), B({0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kLt, Real(0.0)), B({0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kGe, Real(-0.0)), B({0, 1, 0, 1, 1, 1}));
  // 2^53 + 1 lies between 2^53 and 2^53 + 2: equal to nothing, above 2^53.
  EXPECT_EQ(run(FilterOp::kEq, Num(kTwo53 + 1)), B({0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kLt, Num(kTwo53 + 1)), B({0, 1, 0, 1, 1, 0}));
  EXPECT_EQ(run(FilterOp::kGt, Num(kTwo53 + 1)), B({0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(run(FilterOp::kNe, Num(kTwo53 + 1)), B({1, 1, 0, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kLe, Real(kInf)), B({0, 1, 0, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kGt, Real(kInf)), B({0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(EvalBits(FilterEvaluator(
                         MakeFilter(ColumnKind::kFloat, FilterOp::kNotIn, {}, {Real(1.5), Num(0)})),
                     column),
            B({1, 0, 0, 0, 1, 1}));
  EXPECT_EQ(EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kFloat, FilterOp::kIsNull)), column),
            B({0, 0, 1, 0, 0, 0}));
}

// ---------------------------------------------------------------------------------------------
// BOOL columns.

TEST(FilterEvaluatorTest, BoolMatchesReference) {
  std::mt19937_64 rng(5);
  for (int64_t n : kSizes) {
    std::vector<std::optional<bool>> cells;
    for (int64_t i = 0; i < n; ++i) {
      int r = static_cast<int>(rng() % 3);
      cells.push_back(r == 0 ? std::nullopt : std::optional<bool>(r == 1));
    }
    ColumnVector column = MakeBools(cells);
    for (FilterOp op : {FilterOp::kEq, FilterOp::kNe, FilterOp::kIsNull, FilterOp::kIsNotNull}) {
      for (bool b : {false, true}) {
        Filter f = MakeFilter(ColumnKind::kBool, op, Bool(b));
        std::vector<bool> bits = EvalBits(FilterEvaluator(f), column);
        for (int64_t i = 0; i < n; ++i) {
          bool expected;
          if (op == FilterOp::kIsNull) {
            expected = !cells[i];
          } else if (!cells[i]) {
            expected = false;
          } else if (op == FilterOp::kIsNotNull) {
            expected = true;
          } else {
            expected = (op == FilterOp::kEq) == (*cells[i] == b);
          }
          ASSERT_EQ(bits[i], expected) << Describe(f) << " row " << i;
        }
      }
    }
  }
  using B = std::vector<bool>;
  ColumnVector small = MakeBools({true, false, std::nullopt});
  EXPECT_EQ(
      EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kBool, FilterOp::kNe, Bool(true))), small),
      B({0, 1, 0}));
}

// ---------------------------------------------------------------------------------------------
// STRING columns, plain and in dictionary form.

const std::vector<std::string> kStringPool = {"",
                                              "a",
                                              "ab",
                                              "abc",
                                              "b",
                                              "\xff",
                                              "\x80x",
                                              "hello world",
                                              "Hello",
                                              "xabcx",
                                              std::string("ab\0c", 4),
                                              "c"};

std::vector<Literal> StringLiterals() {
  std::vector<Literal> out;
  for (const char* s : {"", "a", "ab", "b", "\xff", "abc", "c", "o w", "\x7f"})
    out.push_back(Str(s));
  out.push_back(Str(std::string("ab\0", 3)));
  return out;
}

void CheckStringFilter(const Filter& f, const std::vector<std::optional<std::string>>& cells,
                       const ColumnVector& plain, const ColumnVector& dict) {
  FilterEvaluator evaluator(f);
  std::vector<bool> plain_bits = EvalBits(evaluator, plain);
  std::vector<bool> dict_bits = EvalBits(evaluator, dict);
  for (size_t i = 0; i < cells.size(); ++i) {
    ASSERT_EQ(plain_bits[i], RefString(f, cells[i]))
        << Describe(f) << " row " << i << " value " << (cells[i] ? "'" + *cells[i] + "'" : "null");
  }
  ASSERT_EQ(plain_bits, dict_bits) << Describe(f);
}

TEST(FilterEvaluatorTest, StringMatchesReferenceInBothForms) {
  std::mt19937_64 rng(6);
  const std::vector<FilterOp> ops = {
      FilterOp::kEq,         FilterOp::kNe,       FilterOp::kGt,       FilterOp::kGe,
      FilterOp::kLt,         FilterOp::kLe,       FilterOp::kContains, FilterOp::kNotContains,
      FilterOp::kStartsWith, FilterOp::kEndsWith, FilterOp::kIsNull,   FilterOp::kIsNotNull};
  for (int64_t n : kSizes) {
    for (bool nulls : {false, true}) {
      auto cells = RandomCells(rng, n, kStringPool, nulls);
      ColumnVector plain = MakeByteArrays(cells);
      ColumnVector dict = MakeDictionaryStrings(cells, static_cast<uint64_t>(n));
      for (FilterOp op : ops) {
        for (const Literal& lit : StringLiterals()) {
          CheckStringFilter(MakeFilter(ColumnKind::kString, op, lit), cells, plain, dict);
        }
      }
      for (const char* pattern :
           {"ab", "^ab", "c$", "^$", "(?i)hello", "a.c", "^a|b$", "\\x{ff}"}) {
        CheckStringFilter(MakeFilter(ColumnKind::kString, FilterOp::kRegex, Str(pattern)), cells,
                          plain, dict);
      }
      std::vector<std::vector<Literal>> sets = {
          {Str("")},
          {Str("a"), Str("a"), Str("\xff")},
          {Str("nothing")},
      };
      std::vector<Literal> large;
      for (size_t k = 0; k + 1 < kStringPool.size(); k += 1) {
        if (k % 3 != 1) large.push_back(Str(kStringPool[k]));
      }
      for (int k = 0; k < 10; ++k) large.push_back(Str("filler" + std::to_string(k)));
      sets.push_back(large);
      for (const auto& set : sets) {
        for (FilterOp op : {FilterOp::kIn, FilterOp::kNotIn}) {
          CheckStringFilter(MakeFilter(ColumnKind::kString, op, {}, set), cells, plain, dict);
        }
      }
    }
  }
}

TEST(FilterEvaluatorTest, StringLiteralExpectations) {
  std::vector<std::optional<std::string>> cells = {"apple",  std::nullopt,        "",
                                                   "Banana", "\xc3\xa9t\xc3\xa9", "pineapple"};
  ColumnVector plain = MakeByteArrays(cells);
  ColumnVector dict = MakeDictionaryStrings(cells, 9);
  using B = std::vector<bool>;
  auto run = [&](FilterOp op, Literal lit) {
    FilterEvaluator e(MakeFilter(ColumnKind::kString, op, lit));
    B a = EvalBits(e, plain);
    EXPECT_EQ(a, EvalBits(e, dict));
    return a;
  };
  EXPECT_EQ(run(FilterOp::kContains, Str("apple")), B({1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(run(FilterOp::kNotContains, Str("apple")), B({0, 0, 1, 1, 1, 0}));
  EXPECT_EQ(run(FilterOp::kContains, Str("")), B({1, 0, 1, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kRegex, Str("^apple$")), B({1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(run(FilterOp::kRegex, Str("apple")), B({1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(run(FilterOp::kRegex, Str("^$")), B({0, 0, 1, 0, 0, 0}));
  // Byte-wise: 'B' (0x42) < 'a' (0x61) < 0xc3.
  EXPECT_EQ(run(FilterOp::kLt, Str("a")), B({0, 0, 1, 1, 0, 0}));
  EXPECT_EQ(run(FilterOp::kGt, Str("z")), B({0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(run(FilterOp::kNe, Str("")), B({1, 0, 0, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kStartsWith, Str("")), B({1, 0, 1, 1, 1, 1}));
  EXPECT_EQ(run(FilterOp::kEndsWith, Str("apple")), B({1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(run(FilterOp::kIsNull, Str("")), B({0, 1, 0, 0, 0, 0}));
}

TEST(FilterEvaluatorTest, AllNullDictionaryWithNoEntries) {
  ColumnVector column;
  column.physical = PhysicalType::kByteArray;
  column.size = 70;
  column.null_count = 70;
  std::vector<uint32_t> codes(70, 0);
  column.values.Append(codes.data(), codes.size() * 4);
  std::vector<uint64_t> validity(2, 0);
  column.validity.Append(validity.data(), 16);
  column.dictionary = std::make_shared<const ColumnVector>(MakeByteArrays({}));
  std::vector<bool> none(70, false);
  std::vector<bool> all(70, true);
  EXPECT_EQ(
      EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kString, FilterOp::kNe, Str("x"))), column),
      none);
  EXPECT_EQ(
      EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kString, FilterOp::kNotIn, {}, {Str("x")})),
               column),
      none);
  EXPECT_EQ(EvalBits(FilterEvaluator(MakeFilter(ColumnKind::kString, FilterOp::kIsNull)), column),
            all);
}

TEST(FilterEvaluatorTest, RegexCompiledWhenTheFilterHasNone) {
  Filter f = MakeFilter(ColumnKind::kString, FilterOp::kRegex, Str("b+$"));
  f.regex = nullptr;
  ColumnVector column = MakeByteArrays({"abb", "ba", std::nullopt});
  EXPECT_EQ(EvalBits(FilterEvaluator(f), column), std::vector<bool>({1, 0, 0}));
  f.value = Str("(");
  EXPECT_THROW(FilterEvaluator{f}, Error);
}

TEST(FilterEvaluatorTest, RejectsColumnsNotInNormalizedForm) {
  FilterEvaluator e(MakeFilter(ColumnKind::kInt, FilterOp::kEq, Num(1)));
  ColumnVector doubles = MakeDoubles({1.0});
  uint64_t word = 0;
  EXPECT_THROW(e.Evaluate(doubles, &word), Error);
  EXPECT_THROW(FilterEvaluator(MakeFilter(ColumnKind::kBool, FilterOp::kGt, Bool(true))), Error);
  EXPECT_THROW(FilterEvaluator(MakeFilter(ColumnKind::kInt, FilterOp::kContains, Str("x"))), Error);
}

TEST(FilterEvaluatorTest, EmptyColumnWritesNothing) {
  FilterEvaluator e(MakeFilter(ColumnKind::kInt, FilterOp::kEq, Num(1)));
  ColumnVector empty = MakeInts({});
  uint64_t word = 12345;
  e.Evaluate(empty, &word);
  EXPECT_EQ(word, 12345u);
}

}  // namespace
}  // namespace frocket
