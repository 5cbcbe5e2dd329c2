// The published lists of section 三(四) (信息公开), built from enforcement cases as they stood at a
// given instant (their history replayed up to it), and written as CSV or .xlsx for the public
// and for Excel users. Pure apart from ToXlsx's temporary file; thread-safe.
//
// Which cases a list holds (state as of the instant):
//   RECTIFICATION_DEADLINE  ENERGY, QUALITY, SAFETY cases in RECTIFYING, EXTENDED or SUSPENDED
//                           (published by MIIT, SAMR, MEM)
//   CLOSED_BY_LAW           ENERGY CLOSED_EXITED; QUALITY LICENCES_REVOKED; SAFETY CLOSED_EXITED
//                           or LICENCES_REVOKED
//   OVER_STANDARD_EMITTER   ENVIRONMENT cases in RESTRICTED or SUSPENDED (published by ECO)
//   SERIOUS_EMITTER         ENVIRONMENT cases in CLOSURE_APPROVED or CLOSED_EXITED
//   TECHNOLOGY_CLOSURE      TECHNOLOGY cases in DISMANTLED, SEALED, ACCEPTED or CLOSED_EXITED
//   COAL_BOILER_EXIT        no case type exists for boilers: ECO's list entries of kind
//                           COAL_BOILER_EXIT
#ifndef TIERHUB_SERVICES_DOMAIN_DISCLOSURE_H_
#define TIERHUB_SERVICES_DOMAIN_DISCLOSURE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tierhub/v1/change.pb.h"
#include "tierhub/v1/domain.pb.h"
#include "tierhub/v1/enforcement.pb.h"

namespace tierhub::domain {

// What a list is built from (already restricted to the region wanted).
struct DisclosureInput {
  std::vector<v1::EnforcementCase> cases;
  std::vector<v1::ListEntry> list_entries;
  std::map<std::string, std::string> enterprise_names;  // credit code -> registered name
};

// One row of a published list. Text is UTF-8; dates are CST days (YYYY-MM-DD).
struct DisclosureRow {
  std::string credit_code;
  std::string enterprise_name;  // the enterprise record's, else the list entry's, else ""
  std::string region_code;
  std::string region_name;  // Chinese name from the region table
  std::string industry;     // Chinese name
  std::string dimension;    // Chinese name
  std::string reason;       // the finding (or the list entry's reason)
  std::string state;        // Chinese name of the state at as_of
  std::string deadline;     // rectification deadline at as_of, if one ran
  std::string since;        // day the case reached that state
  std::string case_id;      // empty for list entries
};

// Whether `record` can be on `list` at any date: a cheap filter, so that an export reads only
// candidates. Coal-boiler exits are list entries of that kind; every other list is made of
// cases of the dimensions its rules name.
bool MayBeListed(v1::DisclosureList list, const v1::Record& record);

// The rows of `list` as of `as_of`, ordered by region code, credit code, case id.
// INVALID_ARGUMENT for an UNSPECIFIED or unknown list.
[[nodiscard]] absl::StatusOr<std::vector<DisclosureRow>> DisclosureRows(
    v1::DisclosureList list, const DisclosureInput& input, absl::Time as_of);

// The list's Chinese title, e.g. "已依法关闭的企业名单".
std::string DisclosureTitle(v1::DisclosureList list);
// "<list>_<region>_<YYYYMMDD>" for file names, e.g. "closed_by_law_440600_20191231".
std::string DisclosureFileBase(v1::DisclosureList list, const std::string& region,
                               absl::Time as_of);

// The Chinese name of a case state as the lists print it, e.g. "关停退出"; "" if unknown.
std::string CaseStateNameZh(v1::CaseState state);

// The column headers, in Chinese.
const std::vector<std::string>& DisclosureHeaders();

// CSV: UTF-8 with a byte-order mark (so Excel reads Chinese correctly), CRLF line ends, fields
// quoted where RFC 4180 needs it; a header row, then one numbered row per entry.
std::string ToCsv(const std::vector<DisclosureRow>& rows);

// When a workbook of figures as of `as_of` says it was made: the start (00:00 China time) of
// that day, so that every export of one day's figures is the same file, whoever asks and when.
absl::Time WorkbookTime(absl::Time as_of);

// A one-sheet .xlsx workbook (spreadsheet.h, libxlsxwriter) with the same content, titled
// `sheet_title` (cut to Excel's 31 characters) and dated WorkbookTime(as_of). Written through a
// temporary file in $TMPDIR (or /tmp). INTERNAL or UNAVAILABLE if the library or the file
// system fails.
[[nodiscard]] absl::StatusOr<std::string> ToXlsx(const std::vector<DisclosureRow>& rows,
                                                 const std::string& sheet_title, absl::Time as_of);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_DISCLOSURE_H_
