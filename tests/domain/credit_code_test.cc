#include "services/domain/credit_code.h"

#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tierhub::domain {
namespace {

using ::testing::HasSubstr;

struct ValidCase {
  const char* code;
  char authority;
  char entity_type;
  const char* region;
  const char* org_code;
};

// credit-code.md section 7a (real) and 7b (made up for the edge cases).
const ValidCase kValid[] = {
    {"914403001922038216", '9', '1', "440300", "192203821"},  // Huawei
    {"9144030071526726XG", '9', '1', "440300", "71526726X"},  // Tencent: org check X
    {"91440606722473344C", '9', '1', "440606", "722473344"},  // Midea
    {"91440400192548256N", '9', '1', "440400", "192548256"},  // Gree
    {"91440300192317458F", '9', '1', "440300", "192317458"},  // BYD
    {"9144030010001686XA", '9', '1', "440300", "10001686X"},  // China Merchants Bank
    {"91440300100012316L", '9', '1', "440300", "100012316"},  // Ping An
    {"91440606MA3EDFR842", '9', '1', "440606", "MA3EDFR84"},  // common case
    {"92441900BCHRWX610K", '9', '2', "441900", "BCHRWX610"},  // org check '0'
    {"93441821MA3JHBPYXE", '9', '3', "441821", "MA3JHBPYX"},  // org check 'X'
    {"12440000CH9JYLGWX0", '1', '2', "440000", "CH9JYLGWX"},  // USCC check '0'
    {"514401009W7BYE5A2A", '5', '1', "440100", "9W7BYE5A2"},  // USCC check a letter
};

TEST(CreditCodeTest, AcceptsEveryValidReferenceExampleAndSplitsIt) {
  for (const ValidCase& c : kValid) {
    SCOPED_TRACE(c.code);
    absl::StatusOr<CreditCode> parsed = ParseCreditCode(c.code);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->code, c.code);
    EXPECT_EQ(parsed->authority, c.authority);
    EXPECT_EQ(parsed->entity_type, c.entity_type);
    EXPECT_EQ(parsed->region_code, c.region);
    EXPECT_EQ(parsed->org_code, c.org_code);
    EXPECT_TRUE(parsed->known_type_pair);
  }
}

struct InvalidCase {
  const char* code;
  const char* message;
};

// credit-code.md section 7c, with our wording of the reason.
const InvalidCase kInvalid[] = {
    {"914403001922038217", "credit_code: check character is 7, expected 6"},
    {"9144030071526726XH", "credit_code: check character is H, expected G"},
    {"91440300192203821", "credit_code: length is 17, expected 18"},
    {"91440300I922038216",
     "credit_code: character 'I' at position 9 is not allowed (digits and capital letters "
     "except I, O, S, V, Z)"},
    {"91440300192203823C",
     "credit_code: organisation code check character (position 17) is 3, expected 1"},
};

TEST(CreditCodeTest, RejectsEveryInvalidReferenceExampleWithItsReason) {
  for (const InvalidCase& c : kInvalid) {
    SCOPED_TRACE(c.code);
    absl::StatusOr<CreditCode> parsed = ParseCreditCode(c.code);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.message);
  }
}

TEST(CreditCodeTest, AcceptsLowerCaseAndSurroundingSpacesAndReturnsCanonicalForm) {
  absl::StatusOr<CreditCode> parsed = ParseCreditCode("  9144030071526726xg\t");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->code, "9144030071526726XG");
}

TEST(CreditCodeTest, RejectsLettersOutsideTheSetEvenWhenLowerCase) {
  for (char bad : {'I', 'O', 'S', 'V', 'Z', 'i', 'o', 's', 'v', 'z', '-', ' '}) {
    std::string code = "914403001922038216";
    code[10] = bad;
    SCOPED_TRACE(code);
    absl::StatusOr<CreditCode> parsed = ParseCreditCode(code);
    ASSERT_FALSE(parsed.ok());
    EXPECT_THAT(parsed.status().message(), HasSubstr("at position 11 is not allowed"));
  }
}

TEST(CreditCodeTest, RejectsNonAsciiBytesShowingThemEscaped) {
  std::string code = "914403001922038216";
  code[3] = '\xE4';
  absl::StatusOr<CreditCode> parsed = ParseCreditCode(code);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("'\\xe4' at position 4"));
}

TEST(CreditCodeTest, NamesAChineseCharacterWholeAtItsCharacterPosition) {
  // 17 ASCII characters and a Chinese one: 18 characters (20 bytes).
  absl::StatusOr<CreditCode> parsed = ParseCreditCode("91440606MA3EDFR84二");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("character '二' at position 18 is not allowed"));
  EXPECT_THAT(ParseCreditCode("玩具").status().message(), HasSubstr("length is 2, expected 18"));
}

TEST(CreditCodeTest, NamesTheGivenFieldInErrors) {
  absl::StatusOr<CreditCode> parsed =
      ParseCreditCode("914403001922038217", "enterprise.credit_code");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "enterprise.credit_code: check character is 7, expected 6");
}

TEST(CreditCodeTest, EverySingleCharacterSubstitutionIsDetected) {
  // GB 32100's weights are all coprime to 31, so one changed character always changes the
  // check sum: no single-character typo can pass.
  const std::string valid = "914403001922038216";
  int rejected = 0;
  for (size_t pos = 0; pos < valid.size(); ++pos) {
    for (char c : kCreditCodeCharset) {
      if (c == valid[pos]) continue;
      std::string typo = valid;
      typo[pos] = c;
      EXPECT_FALSE(ParseCreditCode(typo).ok()) << typo;
      ++rejected;
    }
  }
  EXPECT_EQ(rejected, 18 * 30);
}

TEST(CreditCodeTest, FlagsUnknownAuthorityAndTypePairsWithoutRejecting) {
  absl::StatusOr<std::string> code = MakeCreditCode('9', '4', "440300", "19220382");
  ASSERT_TRUE(code.ok()) << code.status();
  absl::StatusOr<CreditCode> parsed = ParseCreditCode(*code);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->known_type_pair);
}

TEST(CreditCodeTest, CheckCharactersMatchTheWorkedExamples) {
  EXPECT_EQ(OrgCodeCheckChar("19220382").value(), '1');  // section 4
  EXPECT_EQ(OrgCodeCheckChar("71526726").value(), 'X');
  EXPECT_EQ(OrgCodeCheckChar("BCHRWX61").value(), '0');
  EXPECT_EQ(CreditCodeCheckChar("91440300192203821").value(), '6');  // section 5
  EXPECT_EQ(CreditCodeCheckChar("9144030071526726X").value(), 'G');
  EXPECT_EQ(CreditCodeCheckChar("12440000CH9JYLGWX").value(), '0');
}

TEST(CreditCodeTest, CheckCharacterFunctionsRefuseMalformedInput) {
  EXPECT_FALSE(OrgCodeCheckChar("1922038").ok());
  EXPECT_FALSE(OrgCodeCheckChar("1922038a").ok());
  EXPECT_FALSE(CreditCodeCheckChar("9144030019220382").ok());
  EXPECT_FALSE(CreditCodeCheckChar("9144030019220382I").ok());
}

TEST(MakeCreditCodeTest, RebuildsEveryValidReferenceExampleFromItsParts) {
  for (const ValidCase& c : kValid) {
    SCOPED_TRACE(c.code);
    absl::StatusOr<std::string> made =
        MakeCreditCode(c.authority, c.entity_type, c.region, std::string(c.org_code, 8));
    ASSERT_TRUE(made.ok()) << made.status();
    EXPECT_EQ(*made, c.code);
  }
}

TEST(MakeCreditCodeTest, RandomPartsRoundTripThroughParse) {
  std::mt19937 rng(20190401);
  std::uniform_int_distribution<int> pick(0, static_cast<int>(kCreditCodeCharset.size()) - 1);
  std::uniform_int_distribution<int> county(1, 99);
  for (int i = 0; i < 2000; ++i) {
    std::string body;
    for (int j = 0; j < 8; ++j) body.push_back(kCreditCodeCharset[pick(rng)]);
    const std::string region = absl::StrFormat("4406%02d", county(rng));
    absl::StatusOr<std::string> made = MakeCreditCode('9', '1', region, body);
    ASSERT_TRUE(made.ok()) << made.status();
    absl::StatusOr<CreditCode> parsed = ParseCreditCode(*made);
    ASSERT_TRUE(parsed.ok()) << *made << ": " << parsed.status();
    EXPECT_EQ(parsed->org_code.substr(0, 8), body);
    EXPECT_EQ(parsed->region_code, region);
  }
}

TEST(MakeCreditCodeTest, AcceptsLowerCaseParts) {
  EXPECT_EQ(MakeCreditCode('9', '1', "440606", "ma3edfr8").value(), "91440606MA3EDFR842");
}

TEST(MakeCreditCodeTest, RefusesBadPartsNamingThem) {
  EXPECT_THAT(MakeCreditCode('O', '1', "440606", "MA3EDFR8").status().message(),
              HasSubstr("authority and entity type"));
  EXPECT_THAT(MakeCreditCode('9', '1', "44060", "MA3EDFR8").status().message(),
              HasSubstr("region code"));
  EXPECT_THAT(MakeCreditCode('9', '1', "44060A", "MA3EDFR8").status().message(),
              HasSubstr("region code"));
  EXPECT_THAT(MakeCreditCode('9', '1', "440606", "MA3EDFR").status().message(),
              HasSubstr("organisation code body: length is 7"));
  EXPECT_THAT(MakeCreditCode('9', '1', "440606", "MA3EDFRS").status().message(),
              HasSubstr("organisation code body: character 'S' at position 16"));
}

TEST(CreditCodeTest, NamesAuthorities) {
  EXPECT_EQ(CreditCodeAuthorityName('9'), "市场监管");
  EXPECT_EQ(CreditCodeAuthorityName('5'), "民政");
  EXPECT_EQ(CreditCodeAuthorityName('Z'), "");
}

}  // namespace
}  // namespace tierhub::domain
