#include "services/domain/csv.h"

#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tierhub::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CsvTest, ReadsQuotedFieldsWithCommasQuotesAndNewlines) {
  absl::StatusOr<CsvTable> t =
      ParseCsv("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\n", "t.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->header, ElementsAre("a", "b", "c"));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_THAT(t->rows[0].fields, ElementsAre("1", "x, y", "say \"hi\""));
  EXPECT_THAT(t->rows[1].fields, ElementsAre("2", "two\nlines", ""));
  EXPECT_EQ(t->rows[0].line, 2);
  EXPECT_EQ(t->rows[1].line, 3);
  EXPECT_EQ(t->Column("c"), 2);
  EXPECT_EQ(t->Column("d"), -1);
}

TEST(CsvTest, AcceptsCrLfByteOrderMarkBlankLinesAndNoFinalNewline) {
  absl::StatusOr<CsvTable> t = ParseCsv(
      "\xEF\xBB\xBF"
      "code,name\r\n\r\n440000,广东省\r\n\n441900,东莞市",
      "t.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->header, ElementsAre("code", "name"));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_THAT(t->rows[0].fields, ElementsAre("440000", "广东省"));
  EXPECT_THAT(t->rows[1].fields, ElementsAre("441900", "东莞市"));
  EXPECT_EQ(t->rows[1].line, 5);
}

TEST(CsvTest, RefusesRowsWithTheWrongNumberOfFieldsNamingTheLine) {
  absl::StatusOr<CsvTable> t = ParseCsv("a,b\n1,2\n1,2,3\n", "t.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "t.csv:3: 3 fields, header has 2");
}

TEST(CsvTest, RefusesAnUnterminatedQuote) {
  absl::StatusOr<CsvTable> t = ParseCsv("a,b\n1,\"open\n", "t.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("t.csv:2: unterminated quoted field"));
}

TEST(CsvTest, RefusesStrayQuotes) {
  EXPECT_THAT(ParseCsv("a,b\n1,x\"y\n", "t.csv").status().message(),
              HasSubstr("quote inside an unquoted field"));
  EXPECT_THAT(ParseCsv("a,b\n1,\"x\"y\n", "t.csv").status().message(),
              HasSubstr("text after a closing quote"));
}

TEST(CsvTest, RefusesEmptyInput) {
  EXPECT_FALSE(ParseCsv("", "t.csv").ok());
  EXPECT_FALSE(ParseCsv("\n\n", "t.csv").ok());
}

// A cheap stand-in for fuzzing (CSV is typed by users): random text over the characters that
// matter to the parser either parses into a rectangular table or is refused; run it under
// ASan/UBSan to catch out-of-bounds reads.
TEST(CsvTest, RandomInputIsEitherRectangularOrRefused) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab,\"\r\n \xEF\xBB\xBF";
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int n = length(rng); n > 0; --n) text.push_back(alphabet[pick(rng)]);
    absl::StatusOr<CsvTable> t = ParseCsv(text, "fuzz.csv");
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    ++parsed;
    for (const CsvRow& row : t->rows) ASSERT_EQ(row.fields.size(), t->header.size()) << text;
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace tierhub::domain
