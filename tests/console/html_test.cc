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

TEST(HtmlTest, OnlyTheConsolesOwnPagesMayPostForms) {
  const std::string host = "127.0.0.1:8440";
  EXPECT_TRUE(CheckSameOrigin("https://127.0.0.1:8440", "same-origin", host).ok());
  EXPECT_TRUE(CheckSameOrigin("", "", host).ok());      // not a browser: a city's system
  EXPECT_TRUE(CheckSameOrigin("", "none", host).ok());  // typed into the address bar
  const absl::Status other = CheckSameOrigin("https://evil.example", "", host);
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(other.message(), HasSubstr("Origin: https://evil.example is not this console"));
  // Another port of the same host is another origin; so are a bare host and "null".
  EXPECT_FALSE(CheckSameOrigin("https://127.0.0.1:8441", "", host).ok());
  EXPECT_FALSE(CheckSameOrigin("127.0.0.1:8440", "", host).ok());
  EXPECT_FALSE(CheckSameOrigin("null", "", host).ok());
  EXPECT_FALSE(CheckSameOrigin("https://127.0.0.1:8440", "", "").ok());
  const absl::Status cross = CheckSameOrigin("", "cross-site", host);
  EXPECT_THAT(cross.message(), HasSubstr("Sec-Fetch-Site: cross-site"));
  EXPECT_FALSE(CheckSameOrigin("https://127.0.0.1:8440", "same-site", host).ok());
  // Where the browser says same-origin, an Origin of "null" (sent under some referrer policies)
  // does not matter.
  EXPECT_TRUE(CheckSameOrigin("null", "same-origin", host).ok());
}

TEST(HtmlTest, UrlEncodeKeepsOnlyUnreserved) { EXPECT_EQ(UrlEncode("a b&c=<"), "a%20b%26c%3D%3C"); }

}  // namespace
}  // namespace tierhub::console
