#include "clients/tierhubctl/csv_import.h"

#include <iconv.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/spreadsheet/spreadsheet.h"

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
    EXPECT_EQ(list.rows, (std::vector<int>{2, 3}));  // the header is row 1
  }
}

TEST(CsvImportTest, AFileThisProjectExportedImportsWithItsTextAsItWas) {
  // CsvText quoted the formula-like cells on export; the import drops that quote again, and
  // only that one: a name that really begins with a quote keeps it.
  const std::string csv =
      absl::StrCat("credit_code,enterprise_name,region_code,industry,reason\n",
                   "91440606MA3EDFR842,", spreadsheet::CsvText("=1+1 陶瓷厂 (synthetic)"),
                   ",440606,CERAMICS,", spreadsheet::CsvText("-超限额, \"整改\""), "\n",
                   "91440606HC0007779U,'引号厂 (synthetic),440606,"
                   "CERAMICS,'x\n");
  ParsedList list = ParseListCsv(csv, Defaults());
  ASSERT_TRUE(list.errors.empty()) << FormatRowErrors(list.errors);
  ASSERT_EQ(list.entries.size(), 2u);
  EXPECT_EQ(list.entries[0].enterprise_name(), "=1+1 陶瓷厂 (synthetic)");
  EXPECT_EQ(list.entries[0].reason(), "-超限额, \"整改\"");
  EXPECT_EQ(list.entries[1].enterprise_name(), "'引号厂 (synthetic)");
  EXPECT_EQ(list.entries[1].reason(), "'x");
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
      "91440606MA3EDFR843,坏校验位 (synthetic),440606,陶瓷,,\n"          // 2: check character
      "91440606MA3EDFR842,未知地区 (synthetic),449999,陶瓷,,\n"          // 3: region
      "92441900BCHRWX610K,未知行业 (synthetic),441900,纺织,,\n"          // 4: industry
      "93441821MA3JHBPYXE,坏日期 (synthetic),441821,水泥,2019-13-01,\n"  // 5: date
      "93441821MA3JHBPYXE,重复 (synthetic),441821,水泥,,半停\n"          // 6: dup + status
      "12440000CH9JYLGWX0,少一列 (synthetic),440000,钢铁\n"              // 7: cell count
      "514401009W7BYE5A2A,引号\"错误 (synthetic),440100,钢铁,,\n"        // 8: stray quote
      "91440606HC0007779U,好的 (synthetic),440606,陶瓷,,\n";             // 9: fine
  ParsedList list = ParseListCsv(csv, Defaults());
  std::map<int, std::string> by_row;
  for (const RowError& e : list.errors) by_row[e.row] += e.column + ": " + e.reason + "; ";
  EXPECT_NE(by_row[2].find("统一社会信用代码: check character"), std::string::npos) << by_row[2];
  EXPECT_NE(by_row[3].find("所在地区: '449999'"), std::string::npos) << by_row[3];
  EXPECT_NE(by_row[4].find("行业:"), std::string::npos) << by_row[4];
  EXPECT_NE(by_row[5].find("整改期限: '2019-13-01'"), std::string::npos) << by_row[5];
  EXPECT_NE(by_row[6].find("already on row 5"), std::string::npos) << by_row[6];
  EXPECT_NE(by_row[6].find("企业状态: '半停'"), std::string::npos) << by_row[6];
  EXPECT_NE(by_row[7].find("has 4 cells, the header has 6"), std::string::npos) << by_row[7];
  EXPECT_NE(by_row[8].find("stray quote"), std::string::npos) << by_row[8];
  EXPECT_EQ(by_row.count(9), 0u);
  EXPECT_EQ(by_row.size(), 7u) << FormatRowErrors(list.errors);
  EXPECT_EQ(list.rows, (std::vector<int>{9}));  // the line after a stray quote keeps its number
}

// Row numbers are the ones Excel shows: the header is row 1, a blank line is an empty row,
// and a quoted cell over two lines is one row.
TEST(CsvImportTest, RowNumbersAreTheRowsExcelShows) {
  const std::string csv =
      "credit_code,enterprise_name,region_code,industry,reason\r\n"               // 1
      "91440606MA3EDFR842,好的 (synthetic),440606,陶瓷,\"第一行\r\n第二行\"\r\n"  // 2
      "\r\n"                                                                      // 3: blank
      "91440606MA3EDFR843,坏校验位 (synthetic),440606,陶瓷,\r\n"                  // 4
      "92441900BCHRWX610K,少一列 (synthetic),441900\r\n";                         // 5
  ParsedList list = ParseListCsv(csv, Defaults());
  EXPECT_EQ(list.rows, (std::vector<int>{2}));
  const std::string text = FormatRowErrors(list.errors);
  ASSERT_EQ(list.errors.size(), 2u) << text;
  EXPECT_EQ(list.errors[0].row, 4) << text;
  EXPECT_EQ(list.errors[1].row, 5) << text;
  EXPECT_NE(text.find("row 4, column credit_code: check character"), std::string::npos) << text;
  EXPECT_NE(text.find("row 5: has 3 cells, the header has 5"), std::string::npos) << text;

  // The header is row 1; an empty file has no row at all.
  const std::string header =
      FormatRowErrors(ParseListCsv("credit_code,企业名,region_code,industry\n", Defaults()).errors);
  EXPECT_NE(header.find("row 1, column 企业名: unknown column"), std::string::npos) << header;
  EXPECT_EQ(FormatRowErrors(ParseListCsv("", Defaults()).errors), "file: the file is empty\n");
  // A duplicate names the Excel row of the first occurrence.
  ParsedList twice = ParseListCsv(
      "credit_code,enterprise_name,region_code,industry\n"
      "91440606MA3EDFR842,A (synthetic),440606,陶瓷\n"
      "91440606MA3EDFR842,B (synthetic),440606,陶瓷\n",
      Defaults());
  ASSERT_EQ(twice.errors.size(), 1u);
  EXPECT_EQ(twice.errors[0].row, 3);
  EXPECT_NE(twice.errors[0].reason.find("is already on row 2"), std::string::npos);
}

// A bad cell is echoed in the file's own characters, whether the file was UTF-8 or GB18030:
// Chinese as Chinese, control characters escaped, a long cell cut on a character boundary.
TEST(CsvImportTest, EchoesBadCellsAsTextInUtf8AndGb18030Files) {
  std::string long_name;
  for (int i = 0; i < 30; ++i) long_name += "很长的地区";
  const std::string csv = absl::StrCat(
      "统一社会信用代码,企业名称,所在地区,行业,企业状态\n",
      "91440606MA3EDFR842,合成示例 (synthetic),440606,玩具,在产\n",       // 2: industry
      "91440606HC0007779U,合成示例 (synthetic),", long_name, ",陶瓷,\n",  // 3: region, long
      "92441900BCHRWX610K,合成示例 (synthetic),441900,陶瓷,半\x1b停\n",   // 4: control
      "9144060６MA3EDFR842,合成示例 (synthetic),440606,陶瓷,在产\n");     // 5: full-width 6
  for (const std::string& bytes : {csv, ToGb18030(csv)}) {
    auto text = DecodeToUtf8(bytes, Encoding::kAuto);
    ASSERT_TRUE(text.ok()) << text.status();
    const std::string shown = FormatRowErrors(ParseListCsv(*text, Defaults()).errors);
    EXPECT_NE(shown.find("row 2, column 行业: '玩具' is not known"), std::string::npos) << shown;
    EXPECT_NE(shown.find(absl::StrCat("row 3, column 所在地区: '",
                                      long_name.substr(0, 8 * 15),  // 40 characters
                                      "…' is not a known region")),
              std::string::npos)
        << shown;
    EXPECT_NE(shown.find("row 4, column 企业状态: '半\\x1b停' is not a status"), std::string::npos)
        << shown;
    EXPECT_NE(shown.find("row 5, column 统一社会信用代码: character '６' at position 8"),
              std::string::npos)
        << shown;
    EXPECT_EQ(shown.find("\\xe"), std::string::npos) << shown;  // no byte of a character escaped
  }
}

TEST(CsvImportTest, UnterminatedQuoteAtTheEndIsATruncatedRow) {
  ParsedList list = ParseListCsv(
      "credit_code,enterprise_name,region_code,industry\n91440606MA3EDFR842,\"cut off", Defaults());
  ASSERT_EQ(list.errors.size(), 1u);
  EXPECT_EQ(list.errors[0].row, 2);
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
