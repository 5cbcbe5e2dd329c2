#include "services/console/html.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tierhub::console {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(HtmlTest, EscapeLeavesNoMarkup) {
  EXPECT_EQ(Escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(Escape("佛山市"), "佛山市");
}

TEST(HtmlTest, PageEscapesTitleAndAnnouncesInsecureMode) {
  PageFrame frame;
  frame.insecure_http = true;
  frame.node_id = "gd";
  frame.user = "<img src=x>";
  const std::string page = Page(frame, "<b>title</b>", "<p>body</p>");
  EXPECT_THAT(page, HasSubstr("&lt;b&gt;title&lt;/b&gt;"));
  EXPECT_THAT(page, HasSubstr("&lt;img src=x&gt;"));
  EXPECT_THAT(page, Not(HasSubstr("<img src=x>")));
  EXPECT_THAT(page, HasSubstr("id=\"insecure\""));
  frame.insecure_http = false;
  EXPECT_THAT(Page(frame, "t", ""), Not(HasSubstr("id=\"insecure\"")));
}

TEST(HtmlTest, StatusCodesMapToHttp) {
  EXPECT_EQ(HttpStatus(absl::InvalidArgumentError("x")), 400);
  EXPECT_EQ(HttpStatus(absl::PermissionDeniedError("x")), 403);
  EXPECT_EQ(HttpStatus(absl::NotFoundError("x")), 404);
  EXPECT_EQ(HttpStatus(absl::ResourceExhaustedError("disk full: /x")), 507);
  EXPECT_EQ(HttpStatus(absl::InternalError("x")), 500);
}

TEST(HtmlTest, UrlEncodeKeepsOnlyUnreserved) { EXPECT_EQ(UrlEncode("a b&c=<"), "a%20b%26c%3D%3C"); }

}  // namespace
}  // namespace tierhub::console
