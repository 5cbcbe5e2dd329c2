#include "clients/tierhubctl/csv_import.h"

#include <iconv.h>

#include "gtest/gtest.h"

namespace tierhub::ctl {
namespace {

std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = out.size();
  char* dst = out.data();
  EXPECT_NE(iconv(cd, &in, &in_left, &dst, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(dst - out.data());
  return out;
}

ListDefaults Defaults() {
  ListDefaults d;
  d.department = v1::DEPARTMENT_ECO;
  d.dimension = v1::DIMENSION_ENVIRONMENT;
  d.kind = v1::LIST_KIND_KEY_SUPERVISION;
  d.round_id = "2019-Q2";
  d.submission_id = "eco-2019-q2-a";
  return d;
}

constexpr char kChinese[] =
    "统一社会信用代码,企业名称,所在地区,行业,原因,整改期限,企业状态,产能,产能单位\r\n"
    "91440606MA3EDFR842,合成示例顺德陶瓷厂,顺德区,陶瓷,超标排放,2019-10-15,在产,\"1,200,000\","
    "平方米/年\r\n"
    "92441900BCHRWX610K,合成示例东莞印染厂,441900,印染,\"未持证排污，\"\"无证\"\"\",2019/9/"
    "30,停产,,\r\n";

TEST(CsvImportTest, ReadsChineseHeadersInUtf8Gb18030AndWithBom) {
  for (const std::string& bytes :
       {std::string(kChinese), ToGb18030(kChinese), "\xEF\xBB\xBF" + std::string(kChinese)}) {
    auto text = DecodeToUtf8(bytes, Encoding::kAuto);
    ASSERT_TRUE(text.ok()) << text.status();
    ParsedList list = ParseListCsv(*text, Defaults());
    ASSERT_TRUE(list.errors.empty()) << FormatRowErrors(list.errors);
    ASSERT_EQ(list.entries.size(), 2u);
    const v1::ListEntry& a = list.entries[0];
    EXPECT_EQ(a.credit_code(), "91440606MA3EDFR842");
    EXPECT_EQ(a.region_code(), "440606");
    EXPECT_EQ(a.industry(), v1::INDUSTRY_CERAMICS);
    EXPECT_EQ(a.capacity(), 1200000);
    EXPECT_EQ(a.capacity_unit(), v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
    EXPECT_EQ(a.reported_status(), v1::OPERATING_STATUS_OPERATING);
    EXPECT_EQ(a.deadline().seconds(), 1571068800);  // 2019-10-15 00:00 UTC+8
    EXPECT_EQ(a.department(), v1::DEPARTMENT_ECO);
    EXPECT_EQ(a.submission_id(), "eco-2019-q2-a");
    const v1::ListEntry& b = list.entries[1];
    EXPECT_EQ(b.reason(), "未持证排污，\"无证\"");
    EXPECT_EQ(b.reported_status(), v1::OPERATING_STATUS_SUSPENDED);
    EXPECT_EQ(list.rows, (std::vector<int>{1, 2}));
  }
}

TEST(CsvImportTest, ReadsEnglishHeaders) {
  ParsedList list = ParseListCsv(
      "credit_code,enterprise_name,region_code,industry\n91440606MA3EDFR842,X (synthetic),440606,"
      "CERAMICS\n",
      Defaults());
  ASSERT_TRUE(list.errors.empty()) << FormatRowErrors(list.errors);
  EXPECT_EQ(list.entries.size(), 1u);
}

TEST(CsvImportTest, RefusesBytesThatAreNeitherUtf8NorGb18030) {
  auto bad = DecodeToUtf8("credit_code\n\x81\x20\xFF", Encoding::kAuto);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("byte offset 12"), std::string::npos) << bad.status();
  auto forced = DecodeToUtf8(ToGb18030("企业"), Encoding::kUtf8);
  EXPECT_NE(forced.status().message().find("--encoding=gb18030"), std::string::npos);
  auto truncated = DecodeToUtf8(ToGb18030("企业").substr(0, 3), Encoding::kGb18030);
  EXPECT_NE(truncated.status().message().find("truncated"), std::string::npos)
      << truncated.status();
}

TEST(CsvImportTest, NamesEveryBadRowWithColumnAndReason) {
  const std::string csv =
      "统一社会信用代码,企业名称,所在地区,行业,整改期限,企业状态\n"
      "91440606MA3EDFR843,坏校验位 (synthetic),440606,陶瓷,,\n"          // 1: check character
      "91440606MA3EDFR842,未知地区 (synthetic),449999,陶瓷,,\n"          // 2: region
      "92441900BCHRWX610K,未知行业 (synthetic),441900,纺织,,\n"          // 3: industry
      "93441821MA3JHBPYXE,坏日期 (synthetic),441821,水泥,2019-13-01,\n"  // 4: date
      "93441821MA3JHBPYXE,重复 (synthetic),441821,水泥,,半停\n"          // 5: dup + status
      "12440000CH9JYLGWX0,少一列 (synthetic),440000,钢铁\n"              // 6: cell count
      "514401009W7BYE5A2A,引号\"错误 (synthetic),440100,钢铁,,\n"        // 7: stray quote
      "91440606HC0007779U,好的 (synthetic),440606,陶瓷,,\n";             // 8: fine
  ParsedList list = ParseListCsv(csv, Defaults());
  std::map<int, std::string> by_row;
  for (const RowError& e : list.errors) by_row[e.row] += e.column + ": " + e.reason + "; ";
  EXPECT_NE(by_row[1].find("统一社会信用代码: check character"), std::string::npos) << by_row[1];
  EXPECT_NE(by_row[2].find("所在地区: '449999'"), std::string::npos) << by_row[2];
  EXPECT_NE(by_row[3].find("行业:"), std::string::npos) << by_row[3];
  EXPECT_NE(by_row[4].find("整改期限: '2019-13-01'"), std::string::npos) << by_row[4];
  EXPECT_NE(by_row[5].find("already on row 4"), std::string::npos) << by_row[5];
  EXPECT_NE(by_row[5].find("企业状态: '半停'"), std::string::npos) << by_row[5];
  EXPECT_NE(by_row[6].find("has 4 cells, the header has 6"), std::string::npos) << by_row[6];
  EXPECT_NE(by_row[7].find("stray quote"), std::string::npos) << by_row[7];
  EXPECT_EQ(by_row.count(8), 0u);
  EXPECT_EQ(by_row.size(), 7u) << FormatRowErrors(list.errors);
}

TEST(CsvImportTest, UnterminatedQuoteAtTheEndIsATruncatedRow) {
  ParsedList list = ParseListCsv(
      "credit_code,enterprise_name,region_code,industry\n91440606MA3EDFR842,\"cut off", Defaults());
  ASSERT_EQ(list.errors.size(), 1u);
  EXPECT_EQ(list.errors[0].row, 1);
  EXPECT_NE(list.errors[0].reason.find("not closed"), std::string::npos);
}

TEST(CsvImportTest, HeaderProblemsAreReportedBeforeRows) {
  ParsedList unknown = ParseListCsv("credit_code,企业名,region_code,industry\n", Defaults());
  ASSERT_FALSE(unknown.errors.empty());
  EXPECT_EQ(unknown.errors[0].column, "企业名");
  ParsedList missing = ParseListCsv("credit_code,region_code,industry\n", Defaults());
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors[0].reason.find("enterprise_name"), std::string::npos);
  EXPECT_FALSE(ParseListCsv("", Defaults()).errors.empty());
}

}  // namespace
}  // namespace tierhub::ctl
