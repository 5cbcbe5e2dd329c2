#include "services/common/clock.h"

#include "gtest/gtest.h"

namespace tierhub {
namespace {

TEST(FakeClockTest, MovesOnlyWhenAdvanced) {
  FakeClock clock(absl::FromUnixSeconds(100));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(100));
  clock.Advance(absl::Hours(24 * 183));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(100) + absl::Hours(24 * 183));
  clock.Set(absl::FromUnixSeconds(5));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(5));
}

TEST(SystemClockTest, IsNearAbslNow) {
  EXPECT_LT(absl::AbsDuration(SystemClock::Get()->Now() - absl::Now()), absl::Seconds(5));
}

}  // namespace
}  // namespace tierhub
