// Status messages within what gRPC delivers: encoded size, cutting at character boundaries,
// and joins that count what they leave out.
#include "services/common/status_text.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tierhub {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Le;

TEST(StatusTextTest, NonAsciiAndPercentCountThreeTimes) {
  EXPECT_EQ(EncodedStatusBytes("row 2"), 5u);
  EXPECT_EQ(EncodedStatusBytes("100%"), 6u);
  EXPECT_EQ(EncodedStatusBytes("环境"), 18u);  // 6 UTF-8 bytes
  EXPECT_EQ(EncodedStatusBytes("a\nb"), 5u);
}

TEST(StatusTextTest, CutsAtACharacterBoundaryAndSaysHowMuchIsLeftOut) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "环";
  const std::string cut = CutToBudget(text, 1000);
  EXPECT_THAT(EncodedStatusBytes(cut), Le(1000u));
  EXPECT_THAT(cut, EndsWith(" more bytes not shown]"));
  // What is shown is whole characters.
  const std::string head = cut.substr(0, cut.find(" [... "));
  EXPECT_EQ(head.size() % 3, 0u);
  EXPECT_EQ(CutToBudget("short", 1000), "short");
}

TEST(StatusTextTest, BoundedJoinCountsTheRest) {
  BoundedJoin join(300);
  size_t added = 0;
  for (int i = 0; i < 100000; ++i) added += join.Add("row " + std::to_string(i) + " bad") ? 1 : 0;
  const std::string text = join.Finish("errors");
  EXPECT_EQ(join.shown(), added);
  EXPECT_EQ(join.shown() + join.left_out(), 100000u);
  EXPECT_THAT(text, HasSubstr("row 0 bad; row 1 bad"));
  EXPECT_THAT(text, EndsWith(" more errors"));
  EXPECT_THAT(text, HasSubstr("and " + WithThousands(join.left_out()) + " more"));
  EXPECT_THAT(EncodedStatusBytes(text), Le(300u));
  // One item longer than the budget is still shown, cut.
  BoundedJoin one(200);
  one.Add(std::string(5000, 'x'));
  EXPECT_THAT(EncodedStatusBytes(one.Finish("errors")), Le(200u));
}

TEST(StatusTextTest, ThousandsSeparators) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(12345), "12,345");
  EXPECT_EQ(WithThousands(1000000), "1,000,000");
}

}  // namespace
}  // namespace tierhub
