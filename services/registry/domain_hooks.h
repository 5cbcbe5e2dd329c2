// DomainHooks: the campaign's RecordHooks. Validates records with the domain rules and names
// the secondary indexes and progress counters each record contributes (docs/STORE_FORMAT.md
// and docs/COORDINATOR.md list the keys). Stateless and thread-safe.
#ifndef TIERHUB_SERVICES_REGISTRY_DOMAIN_HOOKS_H_
#define TIERHUB_SERVICES_REGISTRY_DOMAIN_HOOKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/store/record_hooks.h"

namespace tierhub::registry {

// Index key prefixes.
inline constexpr char kRegionIndex[] = "region/";  // region/<region code> (every record)
// ent/<credit code> -> the records about an enterprise, except the enterprise record itself:
// its record key is that same "ent/<credit code>", so readers look it up directly instead.
inline constexpr char kEnterpriseIndex[] = "ent/";
// sub/<DEPT>/<submission_id>/ -> the submission's list entries.
inline constexpr char kSubmissionIndex[] = "sub/";
// rsub/<round_id>/<region>/<DEPT>/ -> submissions of a round.
inline constexpr char kRoundSubmissionIndex[] = "rsub/";
// ctr/<region>/ -> merged views with at least one contradiction.
inline constexpr char kContradictionIndex[] = "ctr/";
// palert/<region>/<YYYY-MM> -> power alerts (electricity watch), by region then month.
inline constexpr char kPowerAlertIndex[] = "palert/";
// odue/<region>/<YYYYMMDD> -> open cases whose deadline (China time) falls on that day: what
// ListOverdue reads, so that it costs the cases with a running deadline, not every record.
inline constexpr char kOpenDeadlineIndex[] = "odue/";

// Counter key prefixes (values are counts unless said otherwise). Every key starts with
// <prefix><region>/ so that one range scan sums a whole jurisdiction.
inline constexpr char kEnterpriseCounter[] = "ent/";  // ent/<region>/<INDUSTRY>/<STATUS>
// list/<region>/<INDUSTRY>/<DIMENSION_X>/<LIST_KIND_X>/<OPERATING_STATUS_X>: live list entries.
inline constexpr char kListCounter[] = "list/";
inline constexpr char kCaseCounter[] = "case/";  // case/<region>/<INDUSTRY>/<DIM>/<STATE>
// due/<region>/<INDUSTRY>/<DIMENSION_X>/<YYYYMMDD>: open cases by deadline day (UTC+8).
inline constexpr char kCaseDueCounter[] = "due/";
// mrg/<region>/<INDUSTRY>/<DIMENSION_X>/<OPERATING_STATUS_X>: merged views, one per enterprise
// and dimension it is listed under.
inline constexpr char kMergedCounter[] = "mrg/";
// mrgn/<region>/<INDUSTRY>/<LISTED|EXITED>: enterprises with a merged view / that exited.
inline constexpr char kMergedEnterpriseCounter[] = "mrgn/";
// cap/<region>/<INDUSTRY>/<CAPACITY_UNIT_X>/<LISTED|EXITED>: capacity in thousandths of the unit.
inline constexpr char kCapacityCounter[] = "cap/";
// ctr/<region>/<KIND_X>: contradictions of merged views.
inline constexpr char kContradictionCounter[] = "ctr/";
// palert/<region>/<YYYY-MM>: power alerts (electricity watch).
inline constexpr char kPowerAlertCounter[] = "palert/";

// Capacity counters hold thousandths of a unit (counters are integers).
inline constexpr double kCapacityScale = 1000.0;

// Action plans (行动计划, services/plans): progress against the cities' targets. These keys
// start with <prefix><YYYY>/<region>/ instead: a plan is annual, so one range scan of
// <prefix><year>/<jurisdiction prefix> sums a year of a whole jurisdiction. <MMDD> is the
// day (China Standard Time) of the event, so a query as of a past day sums the days up to it.
// pfound/<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/<MMDD>: cases found (found_at).
inline constexpr char kPlanFoundCounter[] = "pfound/";
// pexit/<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/<MMDD>: cases closed as an exit of the plant
// (domain::IsExitState; one per enterprise exited), by the day of the closing step.
inline constexpr char kPlanExitCounter[] = "pexit/";
// pcap/<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/<CAPACITY_UNIT_X>/<MMDD>: capacity of those
// exits, thousandths of the unit.
inline constexpr char kPlanCapacityCounter[] = "pcap/";
// pres/<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/<MMDD>: cases closed without an exit
// (COMPLIANT; a QUALITY LICENCE_CANCELLED after a closure under another dimension).
inline constexpr char kPlanResolvedCounter[] = "pres/";
// tgt/<YYYY>/<city>/<INDUSTRY>/<DIMENSION_X>/FILED (1 per target filed), /ENTERPRISES
// (enterprises to exit), /CAPACITY/<CAPACITY_UNIT_X> (thousandths) and /CHECKPOINT/<YYYYMMDD>
// (1 per time point, CST day): the cities' CityTarget records summed.
inline constexpr char kPlanTargetCounter[] = "tgt/";
// exit/<YYYY>/<region>/ -> exit cases closed in that year (the closed-enterprise list).
inline constexpr char kPlanExitIndex[] = "exit/";

// True for a case that still needs action: its state is not terminal in its dimension's state
// machine (services/domain/case_machine.h), e.g. LICENCES_REVOKED closes a quality case.
bool CaseIsOpen(const v1::EnforcementCase& c);

class DomainHooks final : public store::RecordHooks {
 public:
  [[nodiscard]] absl::Status Validate(const v1::Change& change) const override;
  void IndexKeys(std::string_view key, const v1::Record& record,
                 std::vector<std::string>* out) const override;
  void Counters(std::string_view key, const v1::Record& record,
                std::vector<store::CounterDelta>* out) const override;
};

}  // namespace tierhub::registry

#endif  // TIERHUB_SERVICES_REGISTRY_DOMAIN_HOOKS_H_
