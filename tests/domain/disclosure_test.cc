#include "services/domain/disclosure.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/case_machine.h"
#include "services/domain/credit_code.h"
#include "services/spreadsheet/spreadsheet.h"
#include "tests/testutil/xlsx_reader.h"

namespace tierhub::domain {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

absl::Time Cst(int y, int m, int d) {
  return absl::FromCivil(absl::CivilDay(y, m, d), ChinaTimeZone());
}

std::string Code(int n) {
  return domain::MakeCreditCode('9', '1', "440606", absl::StrCat("TH00", 1000 + n)).value();
}

v1::EnforcementCase Open(const std::string& id, v1::Dimension dimension, int enterprise,
                         const std::string& finding, FakeClock& clock) {
  CaseOpening o;
  o.case_id = id;
  o.credit_code = Code(enterprise);
  o.region_code = enterprise % 2 == 0 ? "440606" : "440604";
  o.industry = v1::INDUSTRY_CERAMICS;
  o.dimension = dimension;
  o.finding = finding;
  o.actor = "inspector";
  o.evidence_ref = "RPT";
  return OpenCase(o, clock).value();
}

v1::EnforcementCase Go(v1::EnforcementCase c, v1::CaseState to, FakeClock& clock) {
  clock.Advance(absl::Hours(24 * 10));
  Transition t;
  t.to = to;
  t.actor = "inspector";
  t.evidence_ref = "DOC";
  if (to == v1::CASE_STATE_SUSPENDED || to == v1::CASE_STATE_RESTRICTED) {
    t.deadline = ChinaCivilDay(clock.Now()) + 60;
  }
  if (to == v1::CASE_STATE_CLOSURE_APPROVED) t.approving_authority = "市政府";
  auto next = Advance(c, t, clock);
  EXPECT_TRUE(next.ok()) << next.status();
  return *next;
}

// Cases of every list, opened from 2019-04-01 on, ten days between steps.
DisclosureInput Input() {
  FakeClock clock(Cst(2019, 4, 1));
  DisclosureInput in;
  v1::EnforcementCase energy =
      Open("E-1", v1::DIMENSION_ENERGY, 2, "能耗超限额, 含\"引号\"", clock);
  energy = Go(energy, v1::CASE_STATE_RECTIFYING, clock);      // 04-11
  energy = Go(energy, v1::CASE_STATE_ORDERED_CLOSED, clock);  // 04-21
  energy = Go(energy, v1::CASE_STATE_CLOSED_EXITED, clock);   // 05-01
  in.cases.push_back(energy);
  v1::EnforcementCase quality = Open("Q-1", v1::DIMENSION_QUALITY, 4, "抽查不合格", clock);
  quality = Go(quality, v1::CASE_STATE_SUSPENDED, clock);
  in.cases.push_back(quality);
  v1::EnforcementCase env = Open("V-1", v1::DIMENSION_ENVIRONMENT, 3, "超标排放", clock);
  env = Go(env, v1::CASE_STATE_RESTRICTED, clock);
  in.cases.push_back(env);
  v1::EnforcementCase serious = Open("V-2", v1::DIMENSION_ENVIRONMENT, 6, "严重超标", clock);
  serious = Go(serious, v1::CASE_STATE_CLOSURE_APPROVED, clock);
  in.cases.push_back(serious);
  v1::EnforcementCase tech = Open("T-1", v1::DIMENSION_TECHNOLOGY, 8, "倒焰窑", clock);
  tech = Go(tech, v1::CASE_STATE_DISMANTLED, clock);
  in.cases.push_back(tech);
  v1::ListEntry boiler;
  boiler.set_credit_code(Code(10));
  boiler.set_enterprise_name("锅炉厂 (synthetic)");
  boiler.set_region_code("440606");
  boiler.set_industry(v1::INDUSTRY_PAPER);
  boiler.set_dimension(v1::DIMENSION_ENVIRONMENT);
  boiler.set_kind(v1::LIST_KIND_COAL_BOILER_EXIT);
  boiler.set_reason("燃煤锅炉清洁能源改造");
  in.list_entries.push_back(boiler);
  in.enterprise_names[Code(2)] = "测试陶瓷厂2号 (synthetic)";
  return in;
}

std::vector<std::string> CaseIds(const std::vector<DisclosureRow>& rows) {
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.case_id);
  return ids;
}

TEST(DisclosureTest, ListsHoldTheCasesInTheirStatesAsOfTheDate) {
  const DisclosureInput in = Input();
  const absl::Time end = Cst(2019, 12, 31);
  auto ids = [&](v1::DisclosureList list, absl::Time as_of) {
    return CaseIds(DisclosureRows(list, in, as_of).value());
  };
  using ::testing::ElementsAre;
  EXPECT_THAT(ids(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE, end), ElementsAre("Q-1"));
  EXPECT_THAT(ids(v1::DISCLOSURE_LIST_CLOSED_BY_LAW, end), ElementsAre("E-1"));
  EXPECT_THAT(ids(v1::DISCLOSURE_LIST_OVER_STANDARD_EMITTER, end), ElementsAre("V-1"));
  EXPECT_THAT(ids(v1::DISCLOSURE_LIST_SERIOUS_EMITTER, end), ElementsAre("V-2"));
  EXPECT_THAT(ids(v1::DISCLOSURE_LIST_TECHNOLOGY_CLOSURE, end), ElementsAre("T-1"));
  EXPECT_THAT(ids(v1::DISCLOSURE_LIST_COAL_BOILER_EXIT, end), ElementsAre(""));
  // On 2019-04-15 the energy case was rectifying, not yet closed; later cases did not exist.
  EXPECT_THAT(ids(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE, Cst(2019, 4, 15)),
              ElementsAre("E-1"));
  EXPECT_TRUE(ids(v1::DISCLOSURE_LIST_CLOSED_BY_LAW, Cst(2019, 4, 15)).empty());
  EXPECT_TRUE(ids(v1::DISCLOSURE_LIST_TECHNOLOGY_CLOSURE, Cst(2019, 4, 15)).empty());
  auto rows = DisclosureRows(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE, in, Cst(2019, 4, 15));
  EXPECT_EQ(rows->at(0).deadline, "2019-10-01");
  EXPECT_EQ(rows->at(0).since, "2019-04-11");
  EXPECT_EQ(rows->at(0).state, "限期整改");
  EXPECT_EQ(rows->at(0).region_name, "顺德区");
  EXPECT_EQ(rows->at(0).enterprise_name, "测试陶瓷厂2号 (synthetic)");
  EXPECT_EQ(DisclosureRows(v1::DISCLOSURE_LIST_UNSPECIFIED, in, end).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DisclosureTest, CsvIsUtf8WithBomCrlfAndQuoted) {
  const DisclosureInput in = Input();
  auto rows = DisclosureRows(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE, in, Cst(2019, 4, 15));
  const std::string csv = ToCsv(*rows);
  ASSERT_TRUE(absl::StartsWith(csv, "\xEF\xBB\xBF"));
  std::vector<std::string> lines = absl::StrSplit(csv.substr(3), "\r\n");
  ASSERT_EQ(lines.size(), 3u);  // header, one row, and the empty rest after the last CRLF
  EXPECT_EQ(lines[0],
            "序号,统一社会信用代码,企业名称,地区代码,所在地区,行业,方面,原因,状态,整改期限,日期,"
            "案件编号");
  EXPECT_EQ(lines[1],
            absl::StrCat("1,", Code(2),
                         ",测试陶瓷厂2号 (synthetic),440606,顺德区,陶瓷,能耗,"
                         "\"能耗超限额, 含\"\"引号\"\"\",限期整改,2019-10-01,2019-04-11,E-1"));
  EXPECT_EQ(lines[2], "");
}

// OWASP's CSV injection rule: a text cell that Excel would run as a formula gets a leading
// quote; numbers (which we write) and ordinary text are left as they are.
TEST(DisclosureTest, CsvNeutralisesCellsThatExcelWouldRunAsFormulas) {
  spreadsheet::Sheet sheet;
  sheet.headers = {"=H", "名称"};
  for (const char* text : {"=1+1", "+1", "-1", "@SUM(A1:A9)", "\tx", "\rx",
                           "=HYPERLINK(\"http://x\",\"y\")", "a=1", " =1", "顺德"}) {
    sheet.rows.push_back({spreadsheet::Cell::Number(-5), spreadsheet::Cell::Text(text)});
  }
  const std::string csv = spreadsheet::CsvOf(sheet);
  std::vector<std::string> lines = absl::StrSplit(csv.substr(3), "\r\n");
  ASSERT_EQ(lines.size(), 12u) << csv;
  EXPECT_EQ(lines[0], "'=H,名称");
  EXPECT_EQ(lines[1], "-5,'=1+1");
  EXPECT_EQ(lines[2], "-5,'+1");
  EXPECT_EQ(lines[3], "-5,'-1");
  EXPECT_EQ(lines[4], "-5,'@SUM(A1:A9)");
  EXPECT_EQ(lines[5], "-5,'\tx");
  EXPECT_EQ(lines[6], "-5,\"'\rx\"");
  EXPECT_EQ(lines[7], "-5,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(lines[8], "-5,a=1");
  EXPECT_EQ(lines[9], "-5, =1");
  EXPECT_EQ(lines[10], "-5,顺德");
}

// Reads an .xlsx back with Python's zipfile and XML parser (testutil::ReadXlsx): "SHEET <name>"
// of the first sheet, then one line per row of "<cell ref>=<value>" separated by tabs.
std::vector<std::string> ReadXlsx(const std::string& bytes) {
  std::vector<std::string> lines;
  auto sheets = testutil::ReadXlsx(bytes);
  EXPECT_TRUE(sheets.ok()) << sheets.status();
  if (!sheets.ok() || sheets->empty()) return lines;
  const testutil::XlsxSheet& sheet = sheets->front();
  lines.push_back(absl::StrCat("SHEET ", sheet.name));
  for (size_t row = 0; row < sheet.rows.size(); ++row) {
    std::vector<std::string> cells;
    for (size_t col = 0; col < sheet.rows[row].size(); ++col) {
      if (sheet.rows[row][col].empty()) continue;
      cells.push_back(absl::StrCat(std::string(1, static_cast<char>('A' + col)), row + 1, "=",
                                   sheet.rows[row][col]));
    }
    lines.push_back(absl::StrJoin(cells, "\t"));
  }
  return lines;
}

TEST(DisclosureTest, XlsxReadsBackWithTheSameContent) {
  const DisclosureInput in = Input();
  auto rows = DisclosureRows(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE, in, Cst(2019, 4, 15));
  auto xlsx =
      ToXlsx(*rows, DisclosureTitle(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE), Cst(2019, 4, 15));
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::vector<std::string> lines = ReadXlsx(*xlsx);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "SHEET 不达标应限期整改的企业名单");
  EXPECT_THAT(lines[1], HasSubstr("A1=序号\tB1=统一社会信用代码\tC1=企业名称"));
  EXPECT_THAT(lines[1], HasSubstr("L1=案件编号"));
  const std::vector<std::string> cells = absl::StrSplit(lines[2], '\t');
  EXPECT_THAT(cells, Contains("A2=1"));
  EXPECT_THAT(cells, Contains(absl::StrCat("B2=", Code(2))));
  EXPECT_THAT(cells, Contains("C2=测试陶瓷厂2号 (synthetic)"));
  EXPECT_THAT(cells, Contains("D2=440606"));  // a string, not the number 440606
  EXPECT_THAT(cells, Contains("E2=顺德区"));
  EXPECT_THAT(cells, Contains("H2=能耗超限额, 含\"引号\""));
  EXPECT_THAT(cells, Contains("J2=2019-10-01"));
  EXPECT_THAT(cells, Contains("L2=E-1"));
}

TEST(DisclosureTest, OneDaysWorkbookIsTheSameFileWhenEverItIsWritten) {
  const DisclosureInput in = Input();
  auto rows = DisclosureRows(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE, in, Cst(2019, 4, 15));
  ASSERT_TRUE(rows.ok());
  const std::string title = DisclosureTitle(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE);
  // Morning and evening of 2019-04-15 (China time): the same bytes, dated that day.
  auto morning = ToXlsx(*rows, title, Cst(2019, 4, 15) + absl::Hours(8));
  auto evening = ToXlsx(*rows, title, Cst(2019, 4, 15) + absl::Hours(23) + absl::Minutes(59));
  ASSERT_TRUE(morning.ok() && evening.ok());
  EXPECT_EQ(*morning, *evening);
  EXPECT_EQ(WorkbookTime(Cst(2019, 4, 15) + absl::Hours(23)), Cst(2019, 4, 15));
  // The next day's file is another file.
  auto next_day = ToXlsx(*rows, title, Cst(2019, 4, 16) + absl::Hours(8));
  ASSERT_TRUE(next_day.ok());
  EXPECT_NE(*morning, *next_day);
}

TEST(DisclosureTest, EmptyListIsAHeaderOnly) {
  auto xlsx = ToXlsx({}, "已依法关闭的企业名单", Cst(2019, 12, 31));
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::vector<std::string> lines = ReadXlsx(*xlsx);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(ToCsv({}),
            "\xEF\xBB\xBF序号,统一社会信用代码,企业名称,地区代码,所在地区,行业,方面,原因,"
            "状态,整改期限,日期,案件编号\r\n");
  EXPECT_EQ(DisclosureFileBase(v1::DISCLOSURE_LIST_CLOSED_BY_LAW, "440600", Cst(2019, 12, 31)),
            "closed_by_law_440600_20191231");
}

}  // namespace
}  // namespace tierhub::domain
