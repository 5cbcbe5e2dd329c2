#include "clients/tierhubctl/cli.h"
#include "clients/tierhubctl/format.h"
#include "clients/tierhubctl/table.h"
#include "gtest/gtest.h"
#include "services/domain/case_machine.h"

namespace tierhub::ctl {
namespace {

TEST(ArgsTest, ParsesOptionsFlagsAndPositionals) {
  auto args = Args::Parse(
      {"--node=127.0.0.1:7440", "--limit", "5", "--json", "file.csv", "--", "--not-an-option"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->Get("node"), "127.0.0.1:7440");
  EXPECT_EQ(args->GetInt("limit", 0).value(), 5);
  EXPECT_TRUE(args->Has("json"));
  EXPECT_EQ(args->positional(), (std::vector<std::string>{"file.csv", "--not-an-option"}));
  EXPECT_EQ(args->GetInt("absent", 7).value(), 7);
}

TEST(ArgsTest, NamesABadNumberAndUnreadOptions) {
  auto args = Args::Parse({"--limit=ten", "--colour=blue"});
  ASSERT_TRUE(args.ok());
  auto limit = args->GetInt("limit", 0);
  EXPECT_EQ(limit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(limit.status().message().find("--limit"), std::string::npos);
  EXPECT_EQ(args->Unused(), (std::vector<std::string>{"--colour"}));
}

TEST(ConnectionTest, RequiresCertificatesOrAnExplicitInsecureIdentity) {
  auto none = ConnectionFrom(Args::Parse(std::vector<std::string>{"--node=h:1"}).value());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  auto insecure = ConnectionFrom(Args::Parse(std::vector<std::string>{"--insecure"}).value());
  EXPECT_NE(insecure.status().message().find("--identity"), std::string::npos);
  auto ok = ConnectionFrom(
      Args::Parse(std::vector<std::string>{"--insecure", "--identity=ops:440000:me"}).value());
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->insecure);
}

TEST(ExitCodeTest, MeansSomething) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), kExitOk);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("")), kExitUnavailable);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("")), kExitRefused);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("")), kExitRefused);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("")), kExitFailed);
}

TEST(TableTest, ChineseCharactersTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("顺德区"), 6u);
  EXPECT_EQ(DisplayWidth("佛山 A"), 6u);
}

TEST(TableTest, AlignsColumnsAndRightAlignsNumbers) {
  Table t({"REGION", "NAME", "COUNT"});
  t.AddRow({"440606", "顺德区", "7"});
  t.AddRow({"441900", "Dongguan", "120"});
  EXPECT_EQ(t.Render(),
            "REGION  NAME      COUNT\n"
            "440606  顺德区        7\n"
            "441900  Dongguan    120\n");
}

TEST(TableTest, JsonNeverWritesANumberWithLeadingZeros) {
  Table t({"region", "n"});
  t.AddRow({"000000", "0"});
  EXPECT_EQ(t.RenderJson(), "[{\"region\": \"000000\", \"n\": 0}]\n");
}

TEST(TableTest, JsonKeepsNumbersAndEscapesStrings) {
  Table t({"name", "n"});
  t.AddRow({"say \"hi\"\n", "3"});
  EXPECT_EQ(t.RenderJson(), "[{\"name\": \"say \\\"hi\\\"\\n\", \"n\": 3}]\n");
}

}  // namespace
}  // namespace tierhub::ctl

TEST(ParseDayOptionTest, ADayStartsAtMidnightAndEndsAtItsLastSecondInChinaTime) {
  const absl::Time midnight =
      absl::FromCivil(absl::CivilSecond(2019, 12, 31, 0, 0, 0), tierhub::domain::ChinaTimeZone());
  EXPECT_EQ(*tierhub::ctl::ParseDayOption("as-of", "2019-12-31"), midnight);
  EXPECT_EQ(*tierhub::ctl::ParseDayOption("as-of", "2019-12-31", /*end_of_day=*/true),
            midnight + absl::Hours(24) - absl::Seconds(1));
  auto bad = tierhub::ctl::ParseDayOption("as-of", "31.12.2019");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "--as-of: '31.12.2019' is not a date (YYYY-MM-DD)");
}
