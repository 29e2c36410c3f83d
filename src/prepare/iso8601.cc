#include "prepare/iso8601.h"

#include <cstdio>

namespace frocket::prepare {
namespace {

// Reads exactly `n` decimal digits at text[*pos]; false when there are fewer.
bool ReadDigits(std::string_view text, size_t* pos, int n, int* out) {
  if (*pos + static_cast<size_t>(n) > text.size()) return false;
  int value = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*pos + static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += static_cast<size_t>(n);
  *out = value;
  return true;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

// The usual era-based conversion: an era is 400 years (146097 days), and counting years from
// March puts the leap day last, so the day of the year follows from the month by a linear
// formula.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(year, 400);
  const int64_t year_of_era = year - era * 400;
  const int64_t shifted_month = month > 2 ? month - 3 : month + 9;
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

std::optional<int64_t> ParseIso8601Millis(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!ReadDigits(text, &pos, 4, &year)) return std::nullopt;
  if (pos >= text.size() || text[pos++] != '-') return std::nullopt;
  if (!ReadDigits(text, &pos, 2, &month)) return std::nullopt;
  if (pos >= text.size() || text[pos++] != '-') return std::nullopt;
  if (!ReadDigits(text, &pos, 2, &day)) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  int64_t millis = DaysFromCivil(year, month, day) * 86'400'000;
  if (pos == text.size()) return millis;

  char separator = text[pos++];
  if (separator != 'T' && separator != 't' && separator != ' ') return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, &pos, 2, &hour)) return std::nullopt;
  if (pos >= text.size() || text[pos++] != ':') return std::nullopt;
  if (!ReadDigits(text, &pos, 2, &minute)) return std::nullopt;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!ReadDigits(text, &pos, 2, &second)) return std::nullopt;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      int fraction_millis = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) fraction_millis = fraction_millis * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0 || digits > 9) return std::nullopt;
      for (int d = digits; d < 3; ++d) fraction_millis *= 10;
      millis += fraction_millis;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  millis += (static_cast<int64_t>(hour) * 3600 + minute * 60 + second) * 1000;
  if (pos == text.size()) return millis;

  char zone = text[pos++];
  if (zone == 'Z' || zone == 'z') {
    return pos == text.size() ? std::optional<int64_t>(millis) : std::nullopt;
  }
  if (zone != '+' && zone != '-') return std::nullopt;
  int offset_hours = 0, offset_minutes = 0;
  if (!ReadDigits(text, &pos, 2, &offset_hours)) return std::nullopt;
  if (pos < text.size()) {
    if (text[pos] == ':') ++pos;
    if (!ReadDigits(text, &pos, 2, &offset_minutes)) return std::nullopt;
  }
  if (pos != text.size() || offset_hours > 23 || offset_minutes > 59) return std::nullopt;
  // Local time = UTC + offset, so UTC = local time - offset.
  int64_t offset_millis = (static_cast<int64_t>(offset_hours) * 60 + offset_minutes) * 60'000;
  return zone == '+' ? millis - offset_millis : millis + offset_millis;
}

std::string FormatIso8601Millis(int64_t millis) {
  int64_t days = FloorDiv(millis, 86'400'000);
  int64_t in_day = millis - days * 86'400'000;
  // The inverse of DaysFromCivil.
  int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;
  const int64_t day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const int64_t month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char text[64];
  const char* year_format = year >= 0 && year <= 9999 ? "%04lld" : (year < 0 ? "%05lld" : "+%lld");
  int n = std::snprintf(text, sizeof(text), year_format, static_cast<long long>(year));
  std::snprintf(text + n, sizeof(text) - static_cast<size_t>(n),
                "-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(in_day / 3'600'000),
                static_cast<long long>(in_day / 60'000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
  return text;
}

}  // namespace frocket::prepare
