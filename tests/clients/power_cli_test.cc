// tierhubctl's electricity watch: a grid company's CSV (GB18030 as Excel writes it, UTF-8 with
// or without BOM) read with every bad row named, and power-import / power-alerts run against
// a real node.
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/csv_import.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/credit_code.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"

namespace tierhub::ctl {
namespace {

using ::testing::HasSubstr;

std::string Code(const std::string& region, const std::string& body) {
  return domain::MakeCreditCode('9', '1', region, body).value();
}

std::string Gb18030(const std::string& utf8) { return EncodeGb18030(utf8).value(); }

std::string ReadingsCsv(const std::string& code) {
  return absl::StrCat("统一社会信用代码,户号,企业名称,所属区域,月份,用电量（千瓦时）\r\n", code,
                      ",0301,合成示例顺德钢厂,顺德区,201907,\"12,345.5\"\r\n", code,
                      ",0302,合成示例顺德钢厂,,2019年8月,600\r\n", code,
                      ",0301,合成示例顺德钢厂,440606,2019-08,0\r\n");
}

TEST(PowerCsvTest, ReadsAGridCompanyFileInGb18030Utf8AndWithBom) {
  const std::string code = Code("440606", "TH000301");
  const std::string csv = ReadingsCsv(code);
  for (const std::string& bytes : {Gb18030(csv), csv, "\xEF\xBB\xBF" + csv}) {
    auto text = DecodeToUtf8(bytes, Encoding::kAuto);
    ASSERT_TRUE(text.ok()) << text.status();
    ParsedReadings parsed = ParseReadingsCsv(*text);
    ASSERT_TRUE(parsed.errors.empty()) << FormatRowErrors(parsed.errors);
    ASSERT_EQ(parsed.readings.size(), 3u);
    const v1::ElectricityReading& a = parsed.readings[0];
    EXPECT_EQ(a.credit_code(), code);
    EXPECT_EQ(a.account(), "0301");
    EXPECT_EQ(a.enterprise_name(), "合成示例顺德钢厂");
    EXPECT_EQ(a.region_code(), "440606");
    EXPECT_EQ(a.month(), "2019-07");
    EXPECT_EQ(a.kwh(), 12345.5);
    EXPECT_EQ(parsed.readings[1].month(), "2019-08");
    EXPECT_EQ(parsed.readings[1].region_code(), "");  // the node takes the record's
    EXPECT_EQ(parsed.readings[2].kwh(), 0);
    EXPECT_EQ(parsed.rows, (std::vector<int>{2, 3, 4}));  // the header is row 1
  }
}

TEST(PowerCsvTest, NamesEveryBadRowWithItsColumn) {
  const std::string code = Code("440606", "TH000302");
  const std::string csv =
      absl::StrCat("统一社会信用代码,户号,所属区域,月份,用电量\n", code,
                   ",0301,440606,2019-07,100\n",                    // 2: good
                   "91440606MA3EDFR843,0302,440606,2019-07,100\n",  // 3: check character
                   code, ",0303,440606,2019-13,100\n",              // 4: month
                   code, ",0304,440606,2019-07,-1\n",               // 5: kWh
                   code, ",,440606,2019-07,100\n",                  // 6: account
                   code, ",0306,火星区,2019-07,100\n",              // 7: region
                   code, ",0301,440606,201907,7\n",                 // 8: row 2 again
                   code, ",0308,440606,2019-07\n",                  // 9: a cell short
                   code, ",03/09,440606,2019-07,100\n");            // 10: account with '/'
  ParsedReadings parsed = ParseReadingsCsv(csv);
  const std::string text = FormatRowErrors(parsed.errors);
  ASSERT_EQ(parsed.errors.size(), 8u) << text;
  EXPECT_THAT(text, HasSubstr("row 3, column 统一社会信用代码: "));
  EXPECT_THAT(text, HasSubstr("row 4, column 月份: '2019-13' is not a month"));
  EXPECT_THAT(text, HasSubstr("row 5, column 用电量: '-1' is not a non-negative number"));
  EXPECT_THAT(text, HasSubstr("row 6, column 户号: is empty"));
  EXPECT_THAT(text, HasSubstr("row 7, column 所属区域: '火星区' is not a known region"));
  EXPECT_THAT(text, HasSubstr("row 8, column 户号: account 0301 of"));
  EXPECT_THAT(text, HasSubstr("is already on row 2"));
  EXPECT_THAT(text, HasSubstr("row 9: has 4 cells, the header has 5"));
  EXPECT_THAT(text, HasSubstr("row 10, column 户号: "));
  EXPECT_EQ(parsed.readings.size(), 1u);

  ParsedReadings headers = ParseReadingsCsv("信用代码,电表号,用电月,用电量\n");
  ASSERT_EQ(headers.errors.size(), 2u) << FormatRowErrors(headers.errors);
  EXPECT_EQ(headers.errors[0].column, "用电月");
  EXPECT_THAT(headers.errors[0].reason, HasSubstr("unknown column"));
  EXPECT_THAT(headers.errors[1].reason, HasSubstr("missing column month (月份)"));
}

const Command& Find(const std::vector<Command>& commands, const std::string& name) {
  for (const Command& c : commands) {
    if (name == c.name) return c;
  }
  ADD_FAILURE() << "no command " << name;
  return commands.front();
}

// Runs a command; returns its status and what it printed.
std::pair<absl::Status, std::string> RunCommand(const std::string& name,
                                                std::vector<std::string> argv) {
  std::vector<Command> commands;
  AddPowerCommands(&commands);
  auto args = Args::Parse(argv);
  EXPECT_TRUE(args.ok()) << args.status();
  ::testing::internal::CaptureStdout();
  absl::Status status = Find(commands, name).run(*args);
  std::fflush(stdout);
  return {status, ::testing::internal::GetCapturedStdout()};
}

TEST(PowerCliTest, ImportsAGb18030FileAndListsTheAlertsItRaised) {
  testutil::TempDir dir;
  FakeClock clock(absl::FromUnixSeconds(1562716800));  // 2019-07-10
  testutil::InProcessCluster cluster(dir.path(), &clock);
  absl::Status started = cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "");
  ASSERT_TRUE(started.ok()) << started;
  ASSERT_TRUE(cluster.Write("sd", {testutil::MakeEnterprise("440606", 311)}).ok());
  v1::Record closed = testutil::MakeEnterprise("440606", 312, v1::OPERATING_STATUS_CLOSED);
  ASSERT_TRUE(cluster.Write("sd", {closed}).ok());
  const std::string closed_code = closed.enterprise().credit_code();
  clock.Set(absl::FromUnixSeconds(1570233600));  // 2019-10-05

  const std::string path = absl::StrCat(dir.path(), "/供电局-201909.csv");
  {
    std::ofstream out(path, std::ios::binary);
    out << Gb18030(absl::StrCat("统一社会信用代码,户号,企业名称,月份,用电量(千瓦时)\r\n",
                                closed_code, ",0301,合成示例,2019-08,8800\r\n",  // alert
                                closed_code, ",0301,合成示例,2019-07,8800\r\n",  // closure month
                                closed_code, ",0302,合成示例,2019-09,1000\r\n",  // at threshold
                                testutil::MakeEnterprise("440606", 311).enterprise().credit_code(),
                                ",0401,在产企业,2019-09,990000\r\n"));
  }
  const std::vector<std::string> connect = {absl::StrCat("--node=", cluster.address("sd")),
                                            "--insecure", "--identity=dept:MIIT:440606:clerk"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), connect.begin(), connect.end());
    return args;
  };

  auto [dry, dry_out] = RunCommand("power-import", with({path, "--dry-run", "--import-id=cli-1"}));
  ASSERT_TRUE(dry.ok()) << dry;
  EXPECT_THAT(dry_out, HasSubstr("dry run (nothing stored)"));
  EXPECT_THAT(dry_out, HasSubstr("1 alert(s) would be raised"));
  EXPECT_TRUE(
      cluster.Records("sd", "440606").count(absl::StrCat("palert/", closed_code, "/2019-08")) == 0);

  auto [imported, out] = RunCommand("power-import", with({path, "--import-id=cli-1"}));
  ASSERT_TRUE(imported.ok()) << imported;
  EXPECT_THAT(out, HasSubstr("import cli-1: 4 reading(s), threshold 1000 kWh/month"));
  EXPECT_THAT(out, HasSubstr("1 alert(s) raised"));
  EXPECT_THAT(out, HasSubstr(closed_code));
  auto [again, again_out] = RunCommand("power-import", with({path, "--import-id=cli-1"}));
  ASSERT_TRUE(again.ok()) << again;
  EXPECT_THAT(again_out, HasSubstr("already imported (a retry; nothing written)"));

  auto [listed, listing] = RunCommand("power-alerts", with({"--from=2019-08", "--to=201912"}));
  ASSERT_TRUE(listed.ok()) << listed;
  EXPECT_THAT(listing, HasSubstr("2019-08"));
  EXPECT_THAT(listing, HasSubstr(closed_code));
  EXPECT_THAT(listing, HasSubstr("enterprise closed"));
  EXPECT_THAT(listing, HasSubstr("1 alert(s)"));
  auto [json, json_out] = RunCommand("power-alerts", with({"--json"}));
  ASSERT_TRUE(json.ok()) << json;
  EXPECT_THAT(json_out, HasSubstr("\"month\": \"2019-08\""));
  EXPECT_THAT(json_out, HasSubstr("\"reason\": \"SHUTDOWN_REASON_ENTERPRISE_STATUS\""));

  // Handled: acknowledged, then resolved with its reason; --open no longer lists it.
  const std::vector<std::string> alert = {absl::StrCat("--credit-code=", closed_code),
                                          "--month=2019-08"};
  auto handle = [&](const std::string& command, std::vector<std::string> args) {
    args.insert(args.end(), alert.begin(), alert.end());
    return RunCommand(command, with(args));
  };
  auto [acked, acked_out] = handle("power-ack", {"--note=已通知供电局现场核查"});
  ASSERT_TRUE(acked.ok()) << acked;
  EXPECT_THAT(acked_out, HasSubstr("acknowledged 2019-10-05 by dept:MIIT:440606:clerk"));
  auto [no_reason, no_reason_out] = handle("power-resolve", {});
  EXPECT_EQ(no_reason.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_reason.message(), HasSubstr("a resolution needs its reason"));
  auto [resolved, resolved_out] = handle("power-resolve", {"--reason=核实为生活照明用电"});
  ASSERT_TRUE(resolved.ok()) << resolved;
  EXPECT_THAT(resolved_out, HasSubstr("resolved 2019-10-05 by dept:MIIT:440606:clerk"));
  auto [open, open_out] = RunCommand("power-alerts", with({"--open"}));
  ASSERT_TRUE(open.ok()) << open;
  EXPECT_THAT(open_out, HasSubstr("0 alert(s)"));

  // A file with a bad row: refused by the client, naming row and column; nothing sent.
  const std::string bad = absl::StrCat(dir.path(), "/bad.csv");
  {
    std::ofstream out(bad, std::ios::binary);
    out << Gb18030(absl::StrCat("统一社会信用代码,户号,月份,用电量\n", closed_code,
                                ",0301,2019-10,12\n", closed_code, ",0302,十月,12\n"));
  }
  auto [refused, refused_out] = RunCommand("power-import", with({bad}));
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("1 problem(s) above; nothing was imported"));
  // Refused by the node (a month that has not begun): the row is named too.
  const std::string future = absl::StrCat(dir.path(), "/future.csv");
  {
    std::ofstream out(future, std::ios::binary);
    out << absl::StrCat("统一社会信用代码,户号,月份,用电量\n", closed_code, ",0301,2019-12,12\n");
  }
  auto [late, late_out] = RunCommand("power-import", with({future}));
  EXPECT_EQ(late.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(late.message(), HasSubstr("row 2 month: 2019-12 has not begun yet"));
}

}  // namespace
}  // namespace tierhub::ctl
