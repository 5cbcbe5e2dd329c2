// Electricity watch, the rule: when does a month of an enterprise's electricity readings raise a
// PowerAlert (electricity.proto)? Pure functions over records; no RPC, no storage. Thread-safe.
//
// An enterprise is expected to draw (almost) no power once one of these facts holds
// (ShutdownFacts):
//   * its Enterprise record's status is SEALED, CLOSED or DISMANTLED. The record has no date of
//     its own, so the fact dates from when the record was stored (its version's wall time): a
//     status is never taken to hold before the node knew of it;
//   * one of its EnforcementCases reached a state that closes the plant (ClosesPlant): the
//     first such step of the case's history dates it;
//   * a technology case recorded the sealing step 断电 (power cut) or 封存主体设备 (main
//     equipment sealed): the step's time dates it.
// A month counts only if it begins after the month of the fact (China Standard Time): the
// month in which a plant closes still holds legitimate consumption. Of the facts that count,
// the earliest is cited. The alert is raised when the month's consumption over all the
// enterprise's accounts is strictly above the threshold.
#ifndef TIERHUB_SERVICES_DOMAIN_ELECTRICITY_H_
#define TIERHUB_SERVICES_DOMAIN_ELECTRICITY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "tierhub/v1/domain.pb.h"
#include "tierhub/v1/electricity.pb.h"

namespace tierhub::domain {

// The threshold when neither the node's config nor the import gives one, in kWh per month:
// about what a guard house and an office draw, far below any production line.
inline constexpr double kDefaultPowerAlertThresholdKwh = 1000;

// A month as grid companies and clerks write it: "2019-07", "2019-7", "201907", "2019/07",
// "2019.07", "2019年7月" -> "2019-07". INVALID_ARGUMENT (naming the accepted forms) otherwise,
// including months outside 2000..2100.
[[nodiscard]] absl::StatusOr<std::string> CanonicalMonth(absl::string_view text);

// The first instant of a "YYYY-MM" month in China Standard Time. REQUIRES:
// domain::ValidateMonth(month) is OK.
absl::Time MonthStart(absl::string_view month);

// The "YYYY-MM" month (China Standard Time) that `t` falls in.
std::string MonthOf(absl::Time t);

// True for the case states after which the plant must not produce: CLOSED_EXITED, DISMANTLED,
// SEALED, ACCEPTED (of a dismantling or sealing), LICENCES_REVOKED and LICENCE_CANCELLED. A
// decision still to be carried out (ORDERED_CLOSED, CLOSURE_APPROVED, CLOSURE_REQUESTED) and a
// temporary stop (SUSPENDED) do not count.
bool ClosesPlant(v1::CaseState state);

// One reason to expect no consumption, since when.
struct ShutdownFact {
  v1::ShutdownReason reason = v1::SHUTDOWN_REASON_UNSPECIFIED;
  absl::Time since;
  std::string case_id;                                                       // case facts
  v1::CaseState case_state = v1::CASE_STATE_UNSPECIFIED;                     // CASE_CLOSED
  v1::OperatingStatus enterprise_status = v1::OPERATING_STATUS_UNSPECIFIED;  // ENTERPRISE_STATUS
  std::string detail;                                                        // for people
};

// The facts about one enterprise: its record (nullptr if unknown here) stored at
// `enterprise_recorded_at`, and its cases (any dimension). Ordered by `since`.
std::vector<ShutdownFact> ShutdownFacts(const v1::Enterprise* enterprise,
                                        absl::Time enterprise_recorded_at,
                                        absl::Span<const v1::EnforcementCase> cases);

// The earliest fact whose month is before `month`, or nullptr if none counts.
const ShutdownFact* FactForMonth(const std::vector<ShutdownFact>& facts, absl::string_view month);

// One enterprise's consumption in one month, summed over its accounts.
struct MonthUsage {
  std::string credit_code;
  std::string enterprise_name;
  std::string region_code;
  std::string month;  // "YYYY-MM"
  double kwh = 0;
  std::vector<std::string> accounts;  // any order; the alert lists them sorted and unique
};

// The alert `usage` raises under `facts` and `threshold_kwh`, or nullopt: no fact counts for
// the month, or kwh <= threshold_kwh.
std::optional<v1::PowerAlert> AlertFor(const MonthUsage& usage,
                                       const std::vector<ShutdownFact>& facts, double threshold_kwh,
                                       absl::Time now, const std::string& raised_by,
                                       const std::string& import_id);

// True if two alerts say the same thing (ignoring when and by whom they were raised, and how
// they were handled: acknowledged, resolved).
bool SameAlert(const v1::PowerAlert& a, const v1::PowerAlert& b);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_ELECTRICITY_H_
