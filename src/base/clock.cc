#include "base/clock.h"

#include <cstdio>
#include <ctime>

namespace hetong::base {

const SystemClock& SystemClock::Get() {
  static const SystemClock clock;
  return clock;
}

int64_t ToUnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixSeconds(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

namespace {

std::string FormatWith(TimePoint t, bool millis) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  std::time_t tt = static_cast<std::time_t>(ToUnixSeconds(secs));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];
  if (millis) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buf;
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string FormatRfc3339(TimePoint t) { return FormatWith(t, false); }
std::string FormatRfc3339Millis(TimePoint t) { return FormatWith(t, true); }

StatusOr<TimePoint> ParseRfc3339(std::string_view s) {
  const Status bad =
      InvalidArgumentError("time must look like 2026-11-26T15:54:10Z (RFC 3339) or 2026-11-26");
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!ParseDigits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !ParseDigits(s, 5, 2, month) ||
      s[7] != '-' || !ParseDigits(s, 8, 2, day)) {
    return bad;
  }
  size_t pos = 10;
  int64_t micros = 0;
  int offset_minutes = 0;
  if (pos < s.size()) {
    if ((s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') || !ParseDigits(s, pos + 1, 2, hour) ||
        pos + 3 >= s.size() || s[pos + 3] != ':' || !ParseDigits(s, pos + 4, 2, minute) ||
        pos + 6 >= s.size() || s[pos + 6] != ':' || !ParseDigits(s, pos + 7, 2, second)) {
      return bad;
    }
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int64_t scale = 100000;
      size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (scale > 0) micros += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return bad;
    }
    if (pos >= s.size()) return bad;
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om;
      if (!ParseDigits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
          !ParseDigits(s, pos + 4, 2, om)) {
        return bad;
      }
      offset_minutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
      pos += 6;
    } else {
      return bad;
    }
    if (pos != s.size()) return bad;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return bad;
  }
  // TimePoint counts nanoseconds from 1970, so it holds 1677-09-21 .. 2262-04-11 only.
  if (year < 1678 || year > 2261) {
    return InvalidArgumentError("time must be between the years 1678 and 2261");
  }
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return bad;
  auto t = std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second) + std::chrono::microseconds(micros) -
           std::chrono::minutes(offset_minutes);
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(t.time_since_epoch()));
}

}  // namespace hetong::base
