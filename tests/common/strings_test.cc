#include "services/common/strings.h"

#include <string>

#include "gtest/gtest.h"

namespace tierhub {
namespace {

TEST(ShownTextTest, ValidUtf8IsShownAsItIs) {
  EXPECT_EQ(ShownText("玩具"), "玩具");
  EXPECT_EQ(ShownText("合成示例顺德陶瓷厂 (synthetic)"), "合成示例顺德陶瓷厂 (synthetic)");
  EXPECT_EQ(ShownText("𠀀é'\"\\"), "𠀀é'\"\\");  // four-byte, two-byte, quotes, backslash
  EXPECT_EQ(ShownText(""), "");
}

TEST(ShownTextTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(ShownText("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(ShownText(std::string("\x1b[31mred\x7f\0", 10)), "\\x1b[31mred\\x7f\\x00");
  EXPECT_EQ(ShownText("\xC2\x85"), "\\u0085");  // NEL, a C1 control
  EXPECT_EQ(ShownText("abc\xE2\x80\xAE"
                      "cba"),
            "abc\\u202ecba");                       // right-to-left override
  EXPECT_EQ(ShownText("\xE2\x80\xA8"), "\\u2028");  // line separator
}

TEST(ShownTextTest, BytesThatAreNotUtf8AreEscapedOneByOne) {
  // "玩具" in GB18030, read as if it were UTF-8.
  EXPECT_EQ(ShownText("\xCD\xE6\xBE\xDF"), "\\xcd\\xe6\\xbe\\xdf");
  EXPECT_EQ(ShownText("\xE7\x8E"), "\\xe7\\x8e");           // a character cut short
  EXPECT_EQ(ShownText("\xC0\xAF"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(ShownText("\xED\xA0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(ShownText("a\xFFz"), "a\\xffz");
}

TEST(ShownTextTest, LongValuesAreCutOnACharacterBoundary) {
  EXPECT_EQ(ShownText("玩具厂玩具厂", 4), "玩具厂玩…");
  EXPECT_EQ(ShownText("玩具厂玩", 4), "玩具厂玩");  // exactly the limit: nothing cut
  EXPECT_EQ(ShownText("ab\n\xFF"
                      "cd",
                      4),
            "ab\\n\\xff…");
  const std::string huge(5 << 20, 'x');
  EXPECT_EQ(ShownText(huge), std::string(kShownChars, 'x') + "…");
}

}  // namespace
}  // namespace tierhub
