#include "services/console/sessions.h"

#include "gtest/gtest.h"

namespace tierhub::console {
namespace {

TEST(SessionsTest, ExpireAfterTheirLifetime) {
  FakeClock clock;
  Sessions sessions(&clock, absl::Hours(8));
  const std::string token = sessions.Create("wang", "ops:440000:wang");
  EXPECT_EQ(token.size(), 64u);
  ASSERT_TRUE(sessions.Find(token).has_value());
  EXPECT_EQ(sessions.Find(token)->identity, "ops:440000:wang");
  clock.Advance(absl::Hours(8) - absl::Seconds(1));
  EXPECT_TRUE(sessions.Find(token).has_value());
  clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(sessions.Find(token).has_value());
  EXPECT_EQ(sessions.size(), 0u);  // removed when found expired
}

TEST(SessionsTest, ForgedAndRemovedTokensFindNothing) {
  FakeClock clock;
  Sessions sessions(&clock, absl::Hours(1));
  const std::string token = sessions.Create("wang", "ops:440000:wang");
  std::string forged = token;
  forged[0] = forged[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(sessions.Find(forged).has_value());
  EXPECT_FALSE(sessions.Find("").has_value());
  EXPECT_FALSE(sessions.Find(token + "0").has_value());
  sessions.Remove(token);
  EXPECT_FALSE(sessions.Find(token).has_value());
}

TEST(SessionsTest, RepeatedFailuresSlowANameDown) {
  FakeClock clock;
  Sessions sessions(&clock, absl::Hours(1));
  for (int i = 0; i < Sessions::kFreeFailures; ++i) {
    EXPECT_EQ(sessions.WaitBeforeLogin("wang"), absl::ZeroDuration());
    sessions.LoginFailed("wang");
  }
  EXPECT_EQ(sessions.WaitBeforeLogin("wang"), absl::ZeroDuration());
  sessions.LoginFailed("wang");
  EXPECT_EQ(sessions.WaitBeforeLogin("wang"), absl::Seconds(1));
  EXPECT_EQ(sessions.WaitBeforeLogin("li"), absl::ZeroDuration());  // per name
  clock.Advance(absl::Seconds(1));
  sessions.LoginFailed("wang");
  EXPECT_EQ(sessions.WaitBeforeLogin("wang"), absl::Seconds(2));
  for (int i = 0; i < 20; ++i) sessions.LoginFailed("wang");
  EXPECT_EQ(sessions.WaitBeforeLogin("wang"), absl::Minutes(5));  // capped
  sessions.LoginSucceeded("wang");
  EXPECT_EQ(sessions.WaitBeforeLogin("wang"), absl::ZeroDuration());
}

}  // namespace
}  // namespace tierhub::console
