// Equipment screening into enforcement cases: runs domain::Screen on an Equipment record and
// says which case to create or update, so that "found one, eliminate one" (发现一起、淘汰一起)
// needs no typing. Pure functions; thread-safe.
//
// A Table 5 rule opens a TECHNOLOGY case, a Table 2 equipment rule (gas producers, coal-fired
// hot-air furnaces) an ENVIRONMENT case. The case id is deterministic, so screening the same
// equipment again (e.g. after a rule change) finds its case:
//   tech-<credit code>-<equipment id>    env-<credit code>-<equipment id>
#ifndef TIERHUB_SERVICES_DOMAIN_SCREENING_CASES_H_
#define TIERHUB_SERVICES_DOMAIN_SCREENING_CASES_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/common/clock.h"
#include "tierhub/v1/domain.pb.h"
#include "tierhub/v1/equipment.pb.h"

namespace tierhub::domain {

// The dimension screening judges this equipment under: that of the rules applying to its type
// (ENVIRONMENT for gas producers and hot-air furnaces), TECHNOLOGY otherwise.
v1::Dimension ScreeningDimension(const v1::Equipment& equipment);

// The id of the case screening opens for this equipment (under ScreeningDimension).
std::string ScreeningCaseId(const v1::Equipment& equipment);

struct ScreeningOutcome {
  enum class Action {
    kNone,       // not eliminated and no case exists: nothing to do
    kCreate,     // eliminated, no case yet: write `enforcement_case` (state FOUND)
    kUpdate,     // eliminated under another rule than the open FOUND case cites: write it
    kUnchanged,  // eliminated and the case already says so (or is past FOUND): nothing to do
    kReview,     // a case exists but the equipment no longer screens as eliminated (rule or
                 // data changed): a person decides; nothing is written
  };
  Action action = Action::kNone;
  std::string equipment_key;  // "<credit code>/<equipment id>", to name the item
  std::string case_id;        // the case concerned (empty for kNone)
  std::string rule_id;        // eliminating rule, e.g. "T5-STEEL-1" (empty if none)
  std::optional<v1::EnforcementCase> enforcement_case;  // kCreate and kUpdate: what to write
  std::vector<std::string> unchecked_rule_ids;          // rules that lacked data (see Screen)
};

// Screens `equipment` and compares with `existing` (the case under ScreeningCaseId, or
// nullptr). A new case is opened by `actor` with the rule as evidence, found now. An update
// appends no history step (the state does not change): it replaces rule_ref and finding of a
// case still in FOUND. INVALID_ARGUMENT if the equipment is invalid (domain::ValidateEquipment)
// or the case id would be too long.
[[nodiscard]] absl::StatusOr<ScreeningOutcome> ScreenToCase(const v1::Equipment& equipment,
                                                            const v1::EnforcementCase* existing,
                                                            const std::string& actor,
                                                            const Clock& clock);

// Result of screening one item of a batch.
struct RescreenItem {
  absl::Status status;       // the item's error (INVALID_ARGUMENT ...), or OK
  ScreeningOutcome outcome;  // valid when status is OK
};

// Screens every piece of equipment (e.g. after a rule change), in order; `find_case` returns
// the stored case with a given id or nullopt. One answer per item: a bad item does not stop
// the others.
std::vector<RescreenItem> RescreenAll(
    absl::Span<const v1::Equipment> equipment,
    const std::function<std::optional<v1::EnforcementCase>(const std::string& case_id)>& find_case,
    const std::string& actor, const Clock& clock);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_SCREENING_CASES_H_
