#include "services/store/hlc.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"

namespace tierhub::store {
namespace {

v1::Version V(int64_t wall, uint32_t logical, const char* node) {
  v1::Version v;
  v.set_wall_micros(wall);
  v.set_logical(logical);
  v.set_origin_node(node);
  return v;
}

TEST(CompareVersionsTest, OrdersByWallThenLogicalThenNode) {
  EXPECT_LT(CompareVersions(V(1, 9, "z"), V(2, 0, "a")), 0);
  EXPECT_LT(CompareVersions(V(2, 0, "z"), V(2, 1, "a")), 0);
  EXPECT_LT(CompareVersions(V(2, 1, "a"), V(2, 1, "b")), 0);
  EXPECT_GT(CompareVersions(V(2, 1, "b"), V(2, 1, "a")), 0);
  EXPECT_EQ(CompareVersions(V(2, 1, "a"), V(2, 1, "a")), 0);
}

TEST(HybridLogicalClockTest, FollowsTheWallClockWhenItMoves) {
  FakeClock clock;
  HybridLogicalClock hlc(&clock, "n1");
  v1::Version a = hlc.Now();
  clock.Advance(absl::Microseconds(5));
  v1::Version b = hlc.Now();
  EXPECT_EQ(a.wall_micros(), absl::ToUnixMicros(clock.Now()) - 5);
  EXPECT_EQ(b.wall_micros(), absl::ToUnixMicros(clock.Now()));
  EXPECT_EQ(b.logical(), 0u);
  EXPECT_EQ(b.origin_node(), "n1");
}

TEST(HybridLogicalClockTest, CountsLogicallyWhenTheClockStandsStillOrGoesBack) {
  FakeClock clock;
  HybridLogicalClock hlc(&clock, "n1");
  v1::Version a = hlc.Now();
  v1::Version b = hlc.Now();
  clock.Advance(-absl::Seconds(10));
  v1::Version c = hlc.Now();
  EXPECT_GT(CompareVersions(b, a), 0);
  EXPECT_GT(CompareVersions(c, b), 0);
  EXPECT_EQ(c.wall_micros(), a.wall_micros());
  EXPECT_EQ(c.logical(), 2u);
}

TEST(HybridLogicalClockTest, IssuesAfterEveryObservedVersion) {
  FakeClock clock;
  HybridLogicalClock hlc(&clock, "n1");
  const int64_t now = absl::ToUnixMicros(clock.Now());
  hlc.Observe(V(now + 1000, 7, "far"));
  v1::Version a = hlc.Now();
  EXPECT_EQ(a.wall_micros(), now + 1000);
  EXPECT_EQ(a.logical(), 8u);
  // An older observation changes nothing.
  hlc.Observe(V(now - 1000, 99, "old"));
  v1::Version b = hlc.Now();
  EXPECT_EQ(b.wall_micros(), now + 1000);
  EXPECT_EQ(b.logical(), 9u);
  EXPECT_EQ(CompareVersions(hlc.High(), b), 0);
}

TEST(HybridLogicalClockTest, RestoredHighWaterMarkSurvivesAClockSetBack) {
  FakeClock clock;
  v1::Version last;
  {
    HybridLogicalClock before(&clock, "n1");
    before.Now();
    last = before.Now();
  }
  clock.Advance(-absl::Hours(1));
  HybridLogicalClock after(&clock, "n1");
  after.Observe(last);
  EXPECT_GT(CompareVersions(after.Now(), last), 0);
}

}  // namespace
}  // namespace tierhub::store
