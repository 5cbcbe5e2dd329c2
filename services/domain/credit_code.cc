#include "services/domain/credit_code.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings.h"

namespace tierhub::domain {
namespace {

constexpr int kLength = 18;

// GB 32100 weights 3^(i-1) mod 31 for positions 1..17.
constexpr std::array<int, 17> kCodeWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};
// GB 11714 weights for body positions 1..8.
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};

// Value of a character in kCreditCodeCharset, or -1.
int CharsetValue(char c) {
  const size_t pos = kCreditCodeCharset.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

// GB 11714 value: digits 0-9, then the whole alphabet A=10 .. Z=35 (not the USCC values).
int OrgValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

// Check characters of inputs already known to be well formed.
char CodeCheckCharUnchecked(absl::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < kCodeWeights.size(); ++i) {
    sum += CharsetValue(first17[i]) * kCodeWeights[i];
  }
  return kCreditCodeCharset[(31 - sum % 31) % 31];
}

char OrgCheckCharUnchecked(absl::string_view body8) {
  int sum = 0;
  for (size_t i = 0; i < kOrgWeights.size(); ++i) sum += OrgValue(body8[i]) * kOrgWeights[i];
  const int c9 = 11 - sum % 11;
  if (c9 == 10) return 'X';
  if (c9 == 11) return '0';
  return static_cast<char>('0' + c9);
}

// Shows a character for a message (services/common/strings.h: ShownText).
std::string Printable(char c) { return ShownText(absl::string_view(&c, 1)); }

// Length of the UTF-8 character that starts at s[i] (1 for ASCII and for a stray byte).
size_t CharLength(absl::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  size_t k = 1;
  while (k < len && i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80) {
    ++k;
  }
  return k;
}

// Position 2 values that GB 32100 (and its amendment) list for each position 1 value.
absl::string_view EntityTypesOf(char authority) {
  switch (authority) {
    case '1':
      return "1239";
    case '2':
      return "19";
    case '3':
      return "123459";
    case '4':
      return "19";
    case '5':
      return "1239";
    case '6':
      return "129";
    case '7':
      return "129";
    case '8':
      return "19";
    case '9':
      return "123";
    case 'A':
      return "19";
    case 'N':
      return "1239";
    case 'Y':
      return "1";
    default:
      return "";
  }
}

// INVALID_ARGUMENT unless `s` is `n` characters of kCreditCodeCharset. Lengths and positions
// count characters, so a Chinese character typed into a code is named whole.
absl::Status CheckCharset(absl::string_view s, size_t n, absl::string_view field,
                          int first_position) {
  size_t length = 0;
  for (size_t i = 0; i < s.size(); i += CharLength(s, i)) ++length;
  if (length != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": length is ", length, ", expected ", n));
  }
  int position = first_position;
  for (size_t i = 0; i < s.size(); ++position) {
    const size_t len = CharLength(s, i);
    if (len > 1 || CharsetValue(s[i]) < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": character '", ShownText(s.substr(i, len)), "' at position ", position,
          " is not allowed (digits and capital letters except I, O, S, V, Z)"));
    }
    i += len;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CreditCode> ParseCreditCode(absl::string_view text, absl::string_view field) {
  std::string code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  if (absl::Status s = CheckCharset(code, kLength, field, 1); !s.ok()) return s;
  const char expected = CodeCheckCharUnchecked(absl::string_view(code).substr(0, 17));
  if (code[17] != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": check character is ", Printable(code[17]), ", expected ", Printable(expected)));
  }
  // The position-18 check passing does not vouch for position 17: a writer can recompute
  // position 18 over a wrong organisation code.
  const char org_expected = OrgCheckCharUnchecked(absl::string_view(code).substr(8, 8));
  if (code[16] != org_expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": organisation code check character (position 17) is ",
                     Printable(code[16]), ", expected ", Printable(org_expected)));
  }
  CreditCode parsed;
  parsed.authority = code[0];
  parsed.entity_type = code[1];
  parsed.region_code = code.substr(2, 6);
  parsed.org_code = code.substr(8, 9);
  parsed.known_type_pair = EntityTypesOf(code[0]).find(code[1]) != absl::string_view::npos;
  parsed.code = std::move(code);
  return parsed;
}

absl::StatusOr<char> CreditCodeCheckChar(absl::string_view first17) {
  if (absl::Status s = CheckCharset(first17, 17, "credit code prefix", 1); !s.ok()) return s;
  return CodeCheckCharUnchecked(first17);
}

absl::StatusOr<char> OrgCodeCheckChar(absl::string_view body8) {
  if (body8.size() != 8) {
    return absl::InvalidArgumentError(
        absl::StrCat("organisation code body: length is ", body8.size(), ", expected 8"));
  }
  for (size_t i = 0; i < body8.size(); ++i) {
    if (OrgValue(body8[i]) < 0) {
      return absl::InvalidArgumentError(absl::StrCat("organisation code body: character '",
                                                     Printable(body8[i]), "' at position ", i + 1,
                                                     " is not a digit or capital letter"));
    }
  }
  return OrgCheckCharUnchecked(body8);
}

absl::StatusOr<std::string> MakeCreditCode(char authority, char entity_type,
                                           absl::string_view region_code,
                                           absl::string_view org_body) {
  const std::string head = absl::AsciiStrToUpper(absl::string_view(&authority, 1)) +
                           absl::AsciiStrToUpper(absl::string_view(&entity_type, 1));
  if (absl::Status s = CheckCharset(head, 2, "authority and entity type", 1); !s.ok()) return s;
  if (region_code.size() != 6 ||
      !std::all_of(region_code.begin(), region_code.end(), absl::ascii_isdigit)) {
    return absl::InvalidArgumentError(
        absl::StrCat("region code: '", ShownText(region_code), "' is not 6 digits"));
  }
  const std::string body = absl::AsciiStrToUpper(org_body);
  if (absl::Status s = CheckCharset(body, 8, "organisation code body", 9); !s.ok()) return s;
  std::string code = absl::StrCat(head, region_code, body);
  code.push_back(OrgCheckCharUnchecked(body));
  code.push_back(CodeCheckCharUnchecked(code));
  return code;
}

absl::string_view CreditCodeAuthorityName(char authority) {
  switch (authority) {
    case '1':
      return "机构编制";
    case '2':
      return "外交";
    case '3':
      return "司法行政";
    case '4':
      return "文化";
    case '5':
      return "民政";
    case '6':
      return "旅游";
    case '7':
      return "宗教";
    case '8':
      return "工会";
    case '9':
      return "市场监管";
    case 'A':
      return "中央军委改革和编制办公室";
    case 'N':
      return "农业";
    case 'Y':
      return "其他";
    default:
      return "";
  }
}

}  // namespace tierhub::domain
