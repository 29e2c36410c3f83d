#include "prepare/cell.h"

#include <charconv>
#include <limits>
#include <system_error>

namespace frocket::prepare {
namespace {

bool EqualsIgnoringCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// Whether `text` is a decimal number: -?digits[.digits][e[+-]digits], where either side of
// the point may be empty but not both.
bool IsDecimalNumber(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  size_t digits = 0;
  while (i < n && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == n;
}

}  // namespace

bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

bool ParseDouble(std::string_view text, double* out) {
  if (text.empty()) return false;
  // from_chars takes no '+', and treats "1e999" as out of range; both are handled here.
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  if (ptr != end) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow or underflow of a well-formed number: give the limit it tends to.
    bool negative = text[0] == '-';
    size_t e = text.find_first_of("eE");
    bool tiny = e != std::string_view::npos && e + 1 < text.size() && text[e + 1] == '-';
    *out = tiny ? (negative ? -0.0 : 0.0)
                : (negative ? -std::numeric_limits<double>::infinity()
                            : std::numeric_limits<double>::infinity());
    return true;
  }
  return ec == std::errc();
}

bool ParseBool(std::string_view text, bool* out) {
  if (EqualsIgnoringCase(text, "true")) {
    *out = true;
    return true;
  }
  if (EqualsIgnoringCase(text, "false")) {
    *out = false;
    return true;
  }
  return false;
}

CellKind ClassifyText(std::string_view text) {
  if (text.empty()) return CellKind::kString;
  char first = text[0];
  if ((first >= '0' && first <= '9') || first == '-' || first == '.') {
    int64_t integer;
    if (ParseInt64(text, &integer)) return CellKind::kInt;
    if (IsDecimalNumber(text)) return CellKind::kDouble;
    return CellKind::kString;
  }
  bool boolean;
  if ((first == 't' || first == 'T' || first == 'f' || first == 'F') && ParseBool(text, &boolean)) {
    return CellKind::kBool;
  }
  return CellKind::kString;
}

}  // namespace frocket::prepare
