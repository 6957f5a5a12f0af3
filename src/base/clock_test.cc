#include "base/clock.h"

#include <gtest/gtest.h>

namespace hetong::base {
namespace {

TEST(ClockTest, FormatAndParse) {
  TimePoint t = FromUnixSeconds(1795708450);  // 2026-11-26T15:54:10Z
  EXPECT_EQ(FormatRfc3339(t), "2026-11-26T15:54:10Z");
  EXPECT_EQ(*ParseRfc3339("2026-11-26T15:54:10Z"), t);
  EXPECT_EQ(*ParseRfc3339("2026-11-26T23:54:10+08:00"), t);
  EXPECT_EQ(FormatRfc3339Millis(*ParseRfc3339("2026-11-26T15:54:10.250Z")),
            "2026-11-26T15:54:10.250Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-26")), "2026-11-26T00:00:00Z");
}

TEST(ClockTest, RejectsBadTimes) {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2026-11-26T25:00:00Z",
                          "2026-11-26T15:54:10", "2026-11-26T15:54:10Zjunk", "2026-11-26T15:54"}) {
    EXPECT_FALSE(ParseRfc3339(bad).ok()) << bad;
  }
}

TEST(ClockTest, RejectsYearsOutsideTimePoint) {
  // A TimePoint counts nanoseconds: years past 2261 or before 1678 would overflow it.
  for (const char* far : {"4052-11-26T16:00:20.000Z", "9999-12-31T23:59:59Z", "0001-01-01",
                          "1677-01-01T00:00:00Z", "2262-01-01"}) {
    auto t = ParseRfc3339(far);
    ASSERT_FALSE(t.ok()) << far;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2261-12-31T23:59:59Z")), "2261-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("1678-01-01T00:00:00Z")), "1678-01-01T00:00:00Z");
}

TEST(ClockTest, FakeClockAdvances) {
  FakeClock clock(FromUnixSeconds(1000));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 1000);
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 1005);
  clock.Set(FromUnixSeconds(7));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 7);
}

}  // namespace
}  // namespace hetong::base
