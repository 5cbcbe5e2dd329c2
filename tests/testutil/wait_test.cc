// The one bounded wait of the tests (wait.h): what it reports when the bound passes.
#include "tests/testutil/wait.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tierhub::testutil {
namespace {

using ::testing::Ge;
using ::testing::HasSubstr;

TEST(WaitUntilTest, SucceedsOnceThePredicateHolds) {
  int polls = 0;
  EXPECT_TRUE(WaitUntil([&] { return ++polls == 3; }, kWaitBound, "the third poll"));
  EXPECT_EQ(polls, 3);
}

TEST(WaitUntilTest, FailsNamingWhatWasAwaitedAndTheLastValueSeen) {
  int polls = 0;
  const ::testing::AssertionResult waited =
      WaitUntil([&] { return Holds(++polls, Ge(1 << 30)); }, absl::Milliseconds(20),
                "the counter reaches 2^30");
  ASSERT_FALSE(waited);
  EXPECT_THAT(waited.message(), HasSubstr("the counter reaches 2^30: not within 20ms"));
  EXPECT_THAT(waited.message(),
              HasSubstr("last seen: " + std::to_string(polls) + " (wanted: is >= 1073741824)"));
}

TEST(WaitUntilTest, ABoolPredicateThatNeverHoldsFailsToo) {
  const ::testing::AssertionResult waited =
      WaitUntil([] { return false; }, absl::Milliseconds(1), "nothing");
  ASSERT_FALSE(waited);
  EXPECT_THAT(waited.message(), HasSubstr("nothing: not within 1ms; last seen: not yet"));
}

TEST(WaitUntilTest, IsOkShowsTheStatus) {
  EXPECT_TRUE(IsOk(absl::OkStatus()));
  const ::testing::AssertionResult refused = IsOk(absl::UnavailableError("the parent is away"));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.message(), HasSubstr("UNAVAILABLE: the parent is away"));
}

}  // namespace
}  // namespace tierhub::testutil
