// ISO-8601 timestamps as `frocket prepare` reads them from text input, and as it prints them.
//
// Accepted forms (proleptic Gregorian calendar, years 0000-9999):
//   YYYY-MM-DD                                   midnight UTC
//   YYYY-MM-DD[T| ]HH:MM[:SS[.f...]][offset]     'T' or 't' or one space between date and time
// where the fraction has 1 to 9 digits (truncated to milliseconds, i.e. rounded towards the
// past) and the offset is 'Z' / 'z', or +HH:MM, -HH:MM, +HHMM, -HHMM, +HH, -HH. Without an
// offset the time is taken as UTC. Fields are range-checked (month 1-12, the day against the
// month's length including leap years, hour 0-23, minute 0-59, second 0-59, offset hours 0-23
// and minutes 0-59); anything else (leap seconds, 24:00, week or ordinal dates, surrounding
// whitespace) is not a timestamp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace frocket::prepare {

// Milliseconds since 1970-01-01T00:00:00Z of `text`, or nullopt when it is not one of the
// accepted forms.
std::optional<int64_t> ParseIso8601Millis(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.fffZ" for milliseconds since the epoch; years outside 0000-9999 print
// with a sign and as many digits as they need.
std::string FormatIso8601Millis(int64_t millis);

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31; not checked).
int64_t DaysFromCivil(int64_t year, int month, int day);

}  // namespace frocket::prepare
