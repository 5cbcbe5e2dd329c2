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

TEST(SessionsTest, EachSessionHasARequestBudget) {
  FakeClock clock;
  Sessions sessions(&clock, absl::Hours(2));
  ASSERT_EQ(sessions.burst_requests(), 30);
  const std::string a = sessions.Create("wang", "ops:440000:wang");
  const std::string b = sessions.Create("li", "ops:440600:li");
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(sessions.Admit(a), absl::ZeroDuration()) << i;
  }
  EXPECT_EQ(sessions.Admit(a), absl::Milliseconds(200));  // one more in 1 / 5 s
  EXPECT_EQ(sessions.Admit(b), absl::ZeroDuration());     // another user is not slowed
  clock.Advance(absl::Seconds(1));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sessions.Admit(a), absl::ZeroDuration()) << i;
  EXPECT_GT(sessions.Admit(a), absl::ZeroDuration());
  clock.Advance(absl::Hours(1) - absl::Seconds(1));  // refilled, never beyond the burst
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(sessions.Admit(b), absl::ZeroDuration()) << i;
  }
  EXPECT_GT(sessions.Admit(b), absl::ZeroDuration());
  Sessions faster(&clock, absl::Hours(1), 100);  // web.session_requests_per_second: 100
  const std::string c = faster.Create("bench", "ops:440000:bench");
  for (int i = 0; i < 600; ++i) ASSERT_EQ(faster.Admit(c), absl::ZeroDuration()) << i;
  EXPECT_EQ(faster.Admit(c), absl::Milliseconds(10));
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
