// Unified social credit codes (统一社会信用代码, GB 32100-2015) and the organisation code they
// embed (组织机构代码, GB 11714-1997). The layout, restated so the header stands alone:
//
//   pos 1     registration authority (登记管理部门)      pos 9-16  organisation-code body
//   pos 2     entity type (机构类别)                     pos 17    GB 11714 check character
//   pos 3-8   GB/T 2260 region of the registering body   pos 18    GB 32100 check character
//
// Every position uses the 31-character set 0-9 A-H J-N P-R T U W-Y (no I, O, S, V, Z).
// All functions are stateless and thread-safe.
#ifndef TIERHUB_SERVICES_DOMAIN_CREDIT_CODE_H_
#define TIERHUB_SERVICES_DOMAIN_CREDIT_CODE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tierhub::domain {

// The 31 characters a credit code may use, in value order (the index is the GB 32100 value).
inline constexpr absl::string_view kCreditCodeCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// A credit code that passed both check characters.
struct CreditCode {
  std::string code;         // canonical form: 18 characters, upper case
  char authority = 0;       // position 1, e.g. '9' (market regulation)
  char entity_type = 0;     // position 2, e.g. '1' (enterprise) under authority '9'
  std::string region_code;  // positions 3-8: region of the registering body when issued; it
                            // never changes, so it may be a code that has since been retired
  std::string org_code;     // positions 9-17, the 9-character organisation code (no hyphen)

  // True if positions 1-2 are a pair listed in GB 32100 and its amendment. An unknown pair is
  // not an error: the pair table outside 1/5/9/Y is unconfirmed, so callers flag, not refuse.
  bool known_type_pair = false;
};

// Validates a credit code and splits it into its parts. Surrounding ASCII whitespace is
// ignored and lower case is accepted (upper-cased); any other character outside
// kCreditCodeCharset is refused. Checks, in order: length, character set, GB 32100 check
// character (position 18), GB 11714 check character (position 17). The region segment is not
// checked against a region table here (see ValidateCreditCodeField in validation.h).
// Errors: INVALID_ARGUMENT "<field>: <reason>", e.g. "credit_code: check character is 7,
// expected 6".
[[nodiscard]] absl::StatusOr<CreditCode> ParseCreditCode(absl::string_view text,
                                                         absl::string_view field = "credit_code");

// GB 32100 check character for the first 17 characters.
// Errors: INVALID_ARGUMENT if `first17` is not 17 characters of kCreditCodeCharset.
[[nodiscard]] absl::StatusOr<char> CreditCodeCheckChar(absl::string_view first17);

// GB 11714 check character ('0'-'9' or 'X') for an 8-character organisation-code body.
// Errors: INVALID_ARGUMENT if `body8` is not 8 digits or capital letters.
[[nodiscard]] absl::StatusOr<char> OrgCodeCheckChar(absl::string_view body8);

// Builds a valid credit code from its parts, computing both check characters. For synthetic
// data and tests. `region_code` is 6 digits; `org_body` is 8 characters of kCreditCodeCharset
// (lower case accepted). The result passes ParseCreditCode.
// Errors: INVALID_ARGUMENT naming the bad part.
[[nodiscard]] absl::StatusOr<std::string> MakeCreditCode(char authority, char entity_type,
                                                         absl::string_view region_code,
                                                         absl::string_view org_body);

// Chinese name of a registration authority (position 1), or "" if unknown.
absl::string_view CreditCodeAuthorityName(char authority);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_CREDIT_CODE_H_
