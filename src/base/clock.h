// Clock: the source of "now" for everything that stamps, expires or validates by time.
// Production code takes a `const Clock&`; tests pass a FakeClock and never sleep.
// Also RFC 3339 / GeneralizedTime formatting of time points.
//
// Thread-safety: SystemClock is stateless; FakeClock is safe for concurrent use.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hetong::base {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& Get();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_us_(ToMicros(start)) {}
  TimePoint Now() const override { return TimePoint(std::chrono::microseconds(now_us_.load())); }
  void Set(TimePoint t) { now_us_ = ToMicros(t); }
  void Advance(std::chrono::microseconds d) { now_us_ += d.count(); }

 private:
  static int64_t ToMicros(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }
  std::atomic<int64_t> now_us_;
};

int64_t ToUnixSeconds(TimePoint t);
TimePoint FromUnixSeconds(int64_t seconds);

// "2026-11-26T15:54:10Z" (UTC, seconds precision).
std::string FormatRfc3339(TimePoint t);
// "2026-11-26T15:54:10.123Z" (milliseconds).
std::string FormatRfc3339Millis(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z" and numeric offsets "+08:00"; also a plain date
// "YYYY-MM-DD" (midnight UTC).
StatusOr<TimePoint> ParseRfc3339(std::string_view text);

}  // namespace hetong::base
