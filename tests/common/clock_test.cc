#include "services/common/clock.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/mutex.h"
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

// A wait on a fake clock ends when the clock is moved past its end, not by real time: a test
// drives backoffs and watchdogs by moving the clock.
TEST(FakeClockTest, AWaitEndsWhenTheClockIsMovedPastItsEnd) {
  FakeClock clock;
  std::atomic<bool> woke{false};
  std::thread sleeper([&] {
    clock.SleepFor(absl::Hours(1));
    woke = true;
  });
  absl::SleepFor(absl::Milliseconds(50));  // real time passes; the fake hour does not
  EXPECT_FALSE(woke);
  clock.Advance(absl::Minutes(59));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(woke);
  clock.Advance(absl::Minutes(1));
  sleeper.join();
  EXPECT_TRUE(woke);
}

TEST(FakeClockTest, AWaitEndsAtOnceWhenItsConditionHolds) {
  FakeClock clock;
  absl::Mutex mu;
  bool done = false;
  std::thread setter([&] {
    absl::MutexLock lock(&mu);
    done = true;
  });
  absl::MutexLock lock(&mu);
  EXPECT_TRUE(clock.AwaitWithTimeout(mu, absl::Condition(&done), absl::Hours(24)));
  setter.join();
  // A condition that never holds: false once the clock has passed the end.
  bool never = false;
  clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(clock.AwaitWithTimeout(mu, absl::Condition(&never), absl::ZeroDuration()));
}

TEST(SystemClockTest, IsNearAbslNow) {
  EXPECT_LT(absl::AbsDuration(SystemClock::Get()->Now() - absl::Now()), absl::Seconds(5));
}

}  // namespace
}  // namespace tierhub
