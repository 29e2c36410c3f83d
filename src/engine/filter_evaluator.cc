#include "engine/filter_evaluator.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/error.h"

namespace frocket {

using parquet::ColumnVector;
using parquet::PhysicalType;

namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr double kTwoPow63 = 9223372036854775808.0;
constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Sets up to this size are tested by comparing with every element (a loop that vectorizes);
// larger ones by binary search (numbers) or hashing (strings).
constexpr size_t kSmallSet = 8;

// Packs 64 bytes, each 0 or 1, into a word (byte j -> bit j). Multiplying eight 0/1 bytes by
// 0x0102040810204080 moves byte j's bit to bit 56 + j; no two partial products overlap, so no
// carry disturbs the top byte.
inline uint64_t PackBytes(const uint8_t* bytes) {
  uint64_t word = 0;
  for (int k = 0; k < 8; ++k) {
    uint64_t chunk;
    std::memcpy(&chunk, bytes + 8 * k, 8);
    word |= ((chunk * 0x0102040810204080ull) >> 56) << (8 * k);
  }
  return word;
}

inline uint64_t TailMask(int64_t bits) {
  return (bits & 63) == 0 ? ~uint64_t{0} : (uint64_t{1} << (bits & 63)) - 1;
}

// The INT range [lo, hi] (as lo and an unsigned span) that `v op literal` selects, or nothing.
struct IntRange {
  bool empty = false;
  int64_t lo = kInt64Min;
  int64_t hi = kInt64Max;
};

// v op n for an integer literal n (op one of ==, <, <=, >, >=; != is the complement of ==).
IntRange IntRangeFor(FilterOp op, int64_t n) {
  IntRange r;
  switch (op) {
    case FilterOp::kEq:
      r.lo = r.hi = n;
      break;
    case FilterOp::kLt:
      if (n == kInt64Min) r.empty = true;
      r.hi = n - (n == kInt64Min ? 0 : 1);
      break;
    case FilterOp::kLe:
      r.hi = n;
      break;
    case FilterOp::kGt:
      if (n == kInt64Max) r.empty = true;
      r.lo = n + (n == kInt64Max ? 0 : 1);
      break;
    case FilterOp::kGe:
      r.lo = n;
      break;
    default:
      break;
  }
  return r;
}

// v op x for a decimal literal x and integer v: x < 0.5 is v < 1 (v <= 0), x > 0.5 is v >= 1,
// and so on, with the literal's floor or ceiling clamped to int64.
IntRange IntRangeFor(FilterOp op, double x) {
  IntRange r;
  if (std::isnan(x)) {
    r.empty = true;
    return r;
  }
  const double f = std::floor(x);
  const double c = std::ceil(x);
  switch (op) {
    case FilterOp::kEq:
      if (f != x || x < -kTwoPow63 || x >= kTwoPow63) {
        r.empty = true;
      } else {
        r.lo = r.hi = static_cast<int64_t>(x);
      }
      break;
    case FilterOp::kLt:           // v < x  <=>  v < ceil(x)
      if (c >= kTwoPow63) break;  // every int64 is below
      if (c <= -kTwoPow63) {
        r.empty = true;
        break;
      }
      r.hi = static_cast<int64_t>(c) - 1;
      break;
    case FilterOp::kLe:  // v <= floor(x)
      if (f >= kTwoPow63) break;
      if (f < -kTwoPow63) {
        r.empty = true;
        break;
      }
      r.hi = static_cast<int64_t>(f);
      break;
    case FilterOp::kGt:  // v > floor(x)
      if (f >= kTwoPow63) {
        r.empty = true;
        break;
      }
      if (f < -kTwoPow63) break;
      if (static_cast<int64_t>(f) == kInt64Max) {
        r.empty = true;
        break;
      }
      r.lo = static_cast<int64_t>(f) + 1;
      break;
    case FilterOp::kGe:  // v >= ceil(x)
      if (c >= kTwoPow63) {
        r.empty = true;
        break;
      }
      if (c <= -kTwoPow63) break;
      r.lo = static_cast<int64_t>(c);
      break;
    default:
      break;
  }
  return r;
}

// The closed double interval [lo, hi] that `v op literal` selects. An empty interval has
// lo > hi; NaN falls outside every interval.
struct FloatRange {
  double lo = -kInfinity;
  double hi = kInfinity;
};

FloatRange FloatRangeFor(FilterOp op, const Number& literal) {
  FloatRange r;
  double below;  // the largest double <= the literal
  double above;  // the smallest double >= the literal
  bool exact = true;
  if (literal.is_integer) {
    const double d = static_cast<double>(literal.integer);
    const int cmp = CompareInt64ToDouble(literal.integer, d);
    exact = cmp == 0;
    below = cmp < 0 ? std::nextafter(d, -kInfinity) : d;
    above = cmp > 0 ? std::nextafter(d, kInfinity) : d;
  } else {
    below = above = literal.real;
  }
  switch (op) {
    case FilterOp::kEq:
      if (exact) {
        r.lo = r.hi = below;
      } else {
        r.lo = kInfinity;  // no double equals an integer it cannot represent
        r.hi = -kInfinity;
      }
      break;
    case FilterOp::kLt:
      // v < literal: v <= below when the literal is not a double, else v <= the next lower one.
      r.hi = exact ? (below == -kInfinity ? -kInfinity : std::nextafter(below, -kInfinity)) : below;
      if (exact && below == -kInfinity) r.lo = kInfinity;  // nothing is below -inf
      break;
    case FilterOp::kLe:
      r.hi = below;
      break;
    case FilterOp::kGt:
      r.lo = exact ? (above == kInfinity ? kInfinity : std::nextafter(above, kInfinity)) : above;
      if (exact && above == kInfinity) r.hi = -kInfinity;  // nothing is above +inf
      break;
    case FilterOp::kGe:
      r.lo = above;
      break;
    default:
      break;
  }
  return r;
}

bool IsComparison(FilterOp op) {
  return op == FilterOp::kEq || op == FilterOp::kNe || op == FilterOp::kGt || op == FilterOp::kGe ||
         op == FilterOp::kLt || op == FilterOp::kLe;
}

[[noreturn]] void ThrowUnsupported(const Filter& filter) {
  ThrowInvalid(std::string("filter operator '") + FilterOpName(filter.op) +
               "' with this value does not apply to column '" + filter.column + "' of type " +
               ColumnKindName(filter.column_kind));
}

const Literal& NumberLiteral(const Filter& filter, const Literal& literal) {
  if (literal.type != LiteralType::kNumber) ThrowUnsupported(filter);
  return literal;
}

// Where evaluated words go: value bits are inverted when the filter negates, cut to the rows
// that exist, cleared for null rows, then stored or ANDed into `out`.
struct WordSink {
  uint64_t* out;
  const uint64_t* validity;  // nullptr: no row is null (or nulls are not masked)
  int64_t size;
  bool negate;
  bool and_mode;

  void Put(int64_t w, uint64_t bits) const {
    if (negate) bits = ~bits;
    if (w == (size - 1) >> 6) bits &= TailMask(size);
    if (validity != nullptr) bits &= validity[w];
    out[w] = and_mode ? (out[w] & bits) : bits;
  }

  // Evaluates pred(row) for every row, 64 rows at a time: the predicate fills 64 bytes in a
  // branch-free loop the compiler can vectorize, and PackBytes turns them into one word.
  // Always inlined, so that a kernel compiled for AVX2 gets an AVX2 copy of the loop.
  template <typename Pred>
  __attribute__((always_inline)) void Rows(Pred pred) const {
    alignas(64) uint8_t block[64];
    const int64_t full = size >> 6;
    for (int64_t w = 0; w < full; ++w) {
      const int64_t base = w << 6;
      for (int j = 0; j < 64; ++j) block[j] = pred(base + j) ? 1 : 0;
      Put(w, PackBytes(block));
    }
    const int rest = static_cast<int>(size & 63);
    if (rest != 0) {
      std::memset(block, 0, sizeof(block));
      const int64_t base = full << 6;
      for (int j = 0; j < rest; ++j) block[j] = pred(base + j) ? 1 : 0;
      Put(full, PackBytes(block));
    }
  }

  // Like Rows, but fill(base, rows, block) sets block[j] (0 or 1) for rows base + j, j < rows,
  // itself; rows is 64 except in the last block. For kernels that loop over something else
  // (a set's elements) outside the loop over rows.
  template <typename Fill>
  __attribute__((always_inline)) void Blocks(Fill fill) const {
    alignas(64) uint8_t block[64];
    const int64_t full = size >> 6;
    for (int64_t w = 0; w < full; ++w) {
      fill(w << 6, 64, block);
      Put(w, PackBytes(block));
    }
    const int rest = static_cast<int>(size & 63);
    if (rest != 0) {
      std::memset(block, 0, sizeof(block));
      fill(full << 6, rest, block);
      Put(full, PackBytes(block));
    }
  }

  // Puts word_of(w) for every word.
  template <typename WordOf>
  void Words(WordOf word_of) const {
    const int64_t words = (size + 63) >> 6;
    for (int64_t w = 0; w < words; ++w) Put(w, word_of(w));
  }
};

// The numeric kernels. 64-bit compares vectorize only from SSE4.2 / AVX2 on, which the
// baseline x86-64 target lacks, so they are compiled twice and picked at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define FROCKET_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define FROCKET_VECTOR_CLONES
#endif

FROCKET_VECTOR_CLONES void IntRangeRows(const int64_t* v, uint64_t lo, uint64_t span,
                                        const WordSink& sink) {
  sink.Rows([=](int64_t i) { return static_cast<uint64_t>(v[i]) - lo <= span; });
}

FROCKET_VECTOR_CLONES void FloatRangeRows(const double* v, double lo, double hi,
                                          const WordSink& sink) {
  sink.Rows([=](int64_t i) { return (v[i] >= lo) & (v[i] <= hi); });
}

// v in set[0..count), count >= 1: one pass over the block per element, each a compare loop
// that vectorizes, instead of a search per row.
template <typename T>
inline __attribute__((always_inline)) void SmallSetBlocks(const T* v, const T* set, size_t count,
                                                          const WordSink& sink) {
  sink.Blocks([=](int64_t base, int rows, uint8_t* block) {
    const T* p = v + base;
    if (rows == 64) {
      for (int j = 0; j < 64; ++j) block[j] = p[j] == set[0] ? 1 : 0;
      for (size_t k = 1; k < count; ++k) {
        const T s = set[k];
        for (int j = 0; j < 64; ++j) block[j] |= p[j] == s ? 1 : 0;
      }
      return;
    }
    for (int j = 0; j < rows; ++j) {
      bool hit = false;
      for (size_t k = 0; k < count; ++k) hit |= p[j] == set[k];
      block[j] = hit ? 1 : 0;
    }
  });
}

FROCKET_VECTOR_CLONES void IntSmallSetRows(const int64_t* v, const int64_t* set, size_t count,
                                           const WordSink& sink) {
  SmallSetBlocks(v, set, count, sink);
}

FROCKET_VECTOR_CLONES void FloatSmallSetRows(const double* v, const double* set, size_t count,
                                             const WordSink& sink) {
  SmallSetBlocks(v, set, count, sink);
}

// Dictionary codes against the few codes whose entries match (string predicates usually match
// one or two entries): compare loops that vectorize, instead of a table lookup per row.
FROCKET_VECTOR_CLONES void CodeSmallSetRows(const uint32_t* v, const uint32_t* set, size_t count,
                                            const WordSink& sink) {
  SmallSetBlocks(v, set, count, sink);
}

FROCKET_VECTOR_CLONES void BoolRows(const uint8_t* v, bool want, const WordSink& sink) {
  sink.Rows([=](int64_t i) { return (v[i] != 0) == want; });
}

}  // namespace

struct FilterEvaluator::Sink : WordSink {};

FilterEvaluator::FilterEvaluator(const Filter& filter) : filter_(filter) {
  const FilterOp op = filter.op;
  if (op == FilterOp::kIsNull || op == FilterOp::kIsNotNull) {
    mode_ = Mode::kNullTest;
    return;
  }
  const bool list = op == FilterOp::kIn || op == FilterOp::kNotIn;
  if (list && filter.values.empty()) ThrowUnsupported(filter);
  negate_ = op == FilterOp::kNe || op == FilterOp::kNotIn || op == FilterOp::kNotContains;

  switch (filter.column_kind) {
    case ColumnKind::kInt: {
      if (list) {
        for (const Literal& literal : filter.values) {
          const Number& n = NumberLiteral(filter, literal).number;
          if (n.is_integer) {
            int_set_.push_back(n.integer);
          } else if (std::floor(n.real) == n.real && n.real >= -kTwoPow63 && n.real < kTwoPow63) {
            int_set_.push_back(static_cast<int64_t>(n.real));
          }  // a decimal with a fraction (or past int64) equals no INT value
        }
        std::sort(int_set_.begin(), int_set_.end());
        int_set_.erase(std::unique(int_set_.begin(), int_set_.end()), int_set_.end());
        mode_ = int_set_.empty() ? Mode::kConstant : Mode::kIntSet;
        return;
      }
      if (!IsComparison(op)) ThrowUnsupported(filter);
      const Number& n = NumberLiteral(filter, filter.value).number;
      const FilterOp positive = op == FilterOp::kNe ? FilterOp::kEq : op;
      IntRange r = n.is_integer ? IntRangeFor(positive, n.integer) : IntRangeFor(positive, n.real);
      if (r.empty) {
        mode_ = Mode::kConstant;
      } else {
        mode_ = Mode::kIntRange;
        int_lo_ = r.lo;
        int_span_ = static_cast<uint64_t>(r.hi) - static_cast<uint64_t>(r.lo);
      }
      return;
    }
    case ColumnKind::kFloat: {
      if (list) {
        for (const Literal& literal : filter.values) {
          const Number& n = NumberLiteral(filter, literal).number;
          if (n.is_integer) {
            const double d = static_cast<double>(n.integer);
            // An integer no double represents equals no FLOAT value.
            if (CompareInt64ToDouble(n.integer, d) == 0) float_set_.push_back(d);
          } else if (!std::isnan(n.real)) {
            float_set_.push_back(n.real == 0 ? 0.0 : n.real);  // one zero: -0.0 == 0.0
          }
        }
        std::sort(float_set_.begin(), float_set_.end());
        float_set_.erase(std::unique(float_set_.begin(), float_set_.end()), float_set_.end());
        mode_ = float_set_.empty() ? Mode::kConstant : Mode::kFloatSet;
        return;
      }
      if (!IsComparison(op)) ThrowUnsupported(filter);
      const Number& n = NumberLiteral(filter, filter.value).number;
      if (!n.is_integer && std::isnan(n.real)) {
        mode_ = Mode::kConstant;  // nothing compares equal (or ordered) with NaN
        return;
      }
      FloatRange r = FloatRangeFor(op == FilterOp::kNe ? FilterOp::kEq : op, n);
      mode_ = Mode::kFloatRange;
      float_lo_ = r.lo;
      float_hi_ = r.hi;
      return;
    }
    case ColumnKind::kBool:
      if ((op != FilterOp::kEq && op != FilterOp::kNe) || filter.value.type != LiteralType::kBool) {
        ThrowUnsupported(filter);
      }
      mode_ = Mode::kBool;
      bool_value_ = filter.value.boolean;
      return;
    case ColumnKind::kString: {
      mode_ = Mode::kString;
      if (list) {
        for (const Literal& literal : filter.values) {
          if (literal.type != LiteralType::kString) ThrowUnsupported(filter);
          string_set_.push_back(literal.string);
        }
        std::sort(string_set_.begin(), string_set_.end());
        string_set_.erase(std::unique(string_set_.begin(), string_set_.end()), string_set_.end());
        if (string_set_.size() > kSmallSet) {
          string_hash_.insert(string_set_.begin(), string_set_.end());
          string_set_.clear();
        }
        string_op_ = FilterOp::kIn;
        return;
      }
      if (filter.value.type != LiteralType::kString) ThrowUnsupported(filter);
      switch (op) {
        case FilterOp::kNe:
          string_op_ = FilterOp::kEq;
          break;
        case FilterOp::kNotContains:
          string_op_ = FilterOp::kContains;
          break;
        case FilterOp::kEq:
        case FilterOp::kGt:
        case FilterOp::kGe:
        case FilterOp::kLt:
        case FilterOp::kLe:
        case FilterOp::kContains:
        case FilterOp::kStartsWith:
        case FilterOp::kEndsWith:
          string_op_ = op;
          break;
        case FilterOp::kRegex:
          string_op_ = op;
          if (filter_.regex == nullptr) {
            // The parser always compiles it; a hand-built filter may not have.
            RE2::Options options;
            options.set_log_errors(false);
            auto regex = std::make_shared<RE2>(filter.value.string, options);
            if (!regex->ok()) {
              ThrowInvalid("regex of column '" + filter.column +
                           "' does not compile: " + regex->error());
            }
            filter_.regex = std::move(regex);
          }
          break;
        default:
          ThrowUnsupported(filter);
      }
      return;
    }
    case ColumnKind::kUnsupported:
      break;
  }
  ThrowUnsupported(filter);
}

void FilterEvaluator::Evaluate(const ColumnVector& column, uint64_t* out) const {
  Run(column, out, false);
}

void FilterEvaluator::EvaluateAnd(const ColumnVector& column, uint64_t* inout) const {
  Run(column, inout, true);
}

template <FilterOp Op>
bool FilterEvaluator::MatchString(std::string_view value) const {
  const std::string& literal = filter_.value.string;
  // std::string_view compares through char_traits<char>, which orders bytes as unsigned char.
  if constexpr (Op == FilterOp::kEq) {
    return value == literal;
  } else if constexpr (Op == FilterOp::kGt) {
    return value.compare(literal) > 0;
  } else if constexpr (Op == FilterOp::kGe) {
    return value.compare(literal) >= 0;
  } else if constexpr (Op == FilterOp::kLt) {
    return value.compare(literal) < 0;
  } else if constexpr (Op == FilterOp::kLe) {
    return value.compare(literal) <= 0;
  } else if constexpr (Op == FilterOp::kIn) {
    if (!string_hash_.empty()) return string_hash_.find(value) != string_hash_.end();
    for (const std::string& s : string_set_) {
      if (value == s) return true;
    }
    return false;
  } else if constexpr (Op == FilterOp::kContains) {
    return value.find(literal) != std::string_view::npos;
  } else if constexpr (Op == FilterOp::kStartsWith) {
    return value.starts_with(literal);
  } else if constexpr (Op == FilterOp::kEndsWith) {
    return value.ends_with(literal);
  } else {
    static_assert(Op == FilterOp::kRegex);
    return RE2::PartialMatch(value, *filter_.regex);
  }
}

template <FilterOp Op>
void FilterEvaluator::RunString(const ColumnVector& column, const Sink& sink) const {
  if (!column.has_dictionary()) {
    sink.Rows([&](int64_t row) { return MatchString<Op>(column.GetBytes(row)); });
    return;
  }
  // Once per distinct value, then a table lookup per row. The extra last entry answers codes
  // past the dictionary (only null rows of an all-null run, whose code 0 has no entry).
  const ColumnVector& dict = *column.dictionary;
  const auto entries = static_cast<uint64_t>(dict.size);
  std::vector<uint8_t> table(entries + 1, 0);
  for (uint64_t j = 0; j < entries; ++j) {
    table[j] = MatchString<Op>(dict.GetBytes(static_cast<int64_t>(j))) ? 1 : 0;
  }
  const uint32_t* codes = column.values.as<uint32_t>();
  // Null rows may hold any code; the sink clears them afterwards.
  uint32_t matching[8];
  size_t num_matching = 0;
  for (uint64_t j = 0; j < entries && num_matching <= 8; ++j) {
    if (table[j]) {
      if (num_matching < 8) matching[num_matching] = static_cast<uint32_t>(j);
      ++num_matching;
    }
  }
  if (num_matching == 0) {
    sink.Words([](int64_t) { return uint64_t{0}; });
    return;
  }
  if (num_matching <= 8) {
    CodeSmallSetRows(codes, matching, num_matching, sink);
    return;
  }
  const uint8_t* lookup = table.data();
  sink.Rows([=](int64_t row) {
    const uint64_t code = codes[row];
    return lookup[code < entries ? code : entries] != 0;
  });
}

void FilterEvaluator::Run(const ColumnVector& column, uint64_t* out, bool and_mode) const {
  const int64_t n = column.size;
  if (n <= 0) return;
  const auto rows = static_cast<size_t>(n);
  if (!column.validity.empty() && column.validity.size() < static_cast<size_t>((n + 63) >> 6) * 8) {
    throw Error(ErrorKind::kInternal,
                "filter on column '" + filter_.column +
                    "': validity shorter than the rows: " + std::to_string(n));
  }
  const uint64_t* validity = column.validity.empty() ? nullptr : column.validity.as<uint64_t>();

  if (mode_ == Mode::kNullTest) {
    Sink sink{{out, nullptr, n, false, and_mode}};
    const bool want_null = filter_.op == FilterOp::kIsNull;
    if (validity == nullptr) {
      sink.Words([&](int64_t) { return want_null ? uint64_t{0} : ~uint64_t{0}; });
    } else {
      sink.Words([&](int64_t w) { return want_null ? ~validity[w] : validity[w]; });
    }
    return;
  }
  const Sink sink{{out, validity, n, negate_, and_mode}};
  if (mode_ == Mode::kConstant) {
    sink.Words([&](int64_t) { return constant_ ? ~uint64_t{0} : uint64_t{0}; });
    return;
  }

  // The column must be in the normalized form of its kind (column_normalizer.h).
  auto check = [&](PhysicalType physical, size_t bytes_per_row) {
    if (column.physical != physical || column.has_dictionary() ||
        column.values.size() < rows * bytes_per_row) {
      throw Error(ErrorKind::kInternal, "filter on column '" + filter_.column +
                                            "' was given a column that is not normalized for " +
                                            ColumnKindName(filter_.column_kind));
    }
  };

  switch (mode_) {
    case Mode::kIntRange: {
      check(PhysicalType::kInt64, 8);
      const int64_t* v = column.values.as<int64_t>();
      IntRangeRows(v, static_cast<uint64_t>(int_lo_), int_span_, sink);
      return;
    }
    case Mode::kIntSet: {
      check(PhysicalType::kInt64, 8);
      const int64_t* v = column.values.as<int64_t>();
      if (int_set_.size() <= kSmallSet) {
        IntSmallSetRows(v, int_set_.data(), int_set_.size(), sink);
      } else {
        const int64_t* begin = int_set_.data();
        const int64_t* end = begin + int_set_.size();
        sink.Rows([=](int64_t i) { return std::binary_search(begin, end, v[i]); });
      }
      return;
    }
    case Mode::kFloatRange: {
      check(PhysicalType::kDouble, 8);
      const double* v = column.values.as<double>();
      FloatRangeRows(v, float_lo_, float_hi_, sink);
      return;
    }
    case Mode::kFloatSet: {
      check(PhysicalType::kDouble, 8);
      const double* v = column.values.as<double>();
      if (float_set_.size() <= kSmallSet) {
        FloatSmallSetRows(v, float_set_.data(), float_set_.size(), sink);
      } else {
        const double* begin = float_set_.data();
        const double* end = begin + float_set_.size();
        sink.Rows([=](int64_t i) {
          // NaN orders after nothing, so lower_bound lands on the first element, which it
          // does not equal.
          const double* it = std::lower_bound(begin, end, v[i]);
          return it != end && *it == v[i];
        });
      }
      return;
    }
    case Mode::kBool: {
      check(PhysicalType::kBoolean, 1);
      const uint8_t* v = column.values.data();
      BoolRows(v, bool_value_, sink);
      return;
    }
    case Mode::kString: {
      const ColumnVector& values = column.has_dictionary() ? *column.dictionary : column;
      bool ok = values.physical == PhysicalType::kByteArray &&
                values.offsets.size() >= (static_cast<size_t>(values.size) + 1) * 4 &&
                values.offsets.as<uint32_t>()[values.size] <= values.bytes.size();
      if (column.has_dictionary()) ok = ok && column.values.size() >= rows * 4;
      if (!ok) {
        throw Error(ErrorKind::kInternal, "filter on column '" + filter_.column +
                                              "' was given a column that is not normalized for "
                                              "STRING");
      }
      switch (string_op_) {
        case FilterOp::kEq:
          return RunString<FilterOp::kEq>(column, sink);
        case FilterOp::kGt:
          return RunString<FilterOp::kGt>(column, sink);
        case FilterOp::kGe:
          return RunString<FilterOp::kGe>(column, sink);
        case FilterOp::kLt:
          return RunString<FilterOp::kLt>(column, sink);
        case FilterOp::kLe:
          return RunString<FilterOp::kLe>(column, sink);
        case FilterOp::kIn:
          return RunString<FilterOp::kIn>(column, sink);
        case FilterOp::kContains:
          return RunString<FilterOp::kContains>(column, sink);
        case FilterOp::kStartsWith:
          return RunString<FilterOp::kStartsWith>(column, sink);
        case FilterOp::kEndsWith:
          return RunString<FilterOp::kEndsWith>(column, sink);
        case FilterOp::kRegex:
          return RunString<FilterOp::kRegex>(column, sink);
        default:
          break;
      }
      break;
    }
    case Mode::kNullTest:
    case Mode::kConstant:
      break;
  }
  throw Error(ErrorKind::kInternal, "filter on column '" + filter_.column + "': bad mode");
}

}  // namespace frocket
