// The enforcement case state machines of the five dimensions (section 二 of the plan), as pure
// functions over v1::EnforcementCase: no RPC, no storage. Stateless; thread-safe.
//
// Every case opens in FOUND. The graphs (terminal states in brackets):
//   ENERGY       FOUND -> RECTIFYING (deadline: found_at + 6 months)
//                RECTIFYING -> EXTENDED (once, on request, before the deadline; <= 3 months)
//                RECTIFYING | EXTENDED -> [COMPLIANT] | ORDERED_CLOSED
//                ORDERED_CLOSED -> [CLOSED_EXITED]
//   QUALITY      FOUND -> SUSPENDED (stop production, rectify by a deadline: required)
//                SUSPENDED -> [COMPLIANT] | [LICENCES_REVOKED]
//                FOUND | SUSPENDED -> [LICENCE_CANCELLED] (plant closed under another dimension)
//   SAFETY       FOUND -> SUSPENDED (停产停业整顿)
//                SUSPENDED -> [COMPLIANT] | CLOSURE_REQUESTED
//                CLOSURE_REQUESTED -> CLOSED_EXITED -> [LICENCES_REVOKED]
//   ENVIRONMENT  FOUND -> RESTRICTED | SUSPENDED | CLOSURE_APPROVED
//                RESTRICTED -> SUSPENDED
//                RESTRICTED | SUSPENDED -> [COMPLIANT] | CLOSURE_APPROVED
//                CLOSURE_APPROVED (by the government with authority) -> [CLOSED_EXITED]
//   TECHNOLOGY   FOUND -> DISMANTLED
//                FOUND -> SEALED (all four sealing steps and the public commitment recorded)
//                SEALED -> DISMANTLED (once dismantling becomes possible)
//                DISMANTLED | SEALED -> ACCEPTED (验收: who inspected, when)
//                ACCEPTED -> [CLOSED_EXITED]
//
// Time. A deadline (整改期限) is a calendar day in China Standard Time (UTC+8), inclusive: the
// case is overdue from the day after it. It is written as that day's first instant
// (00:00:00+08:00) and shown as the day (deadline_day, YYYY-MM-DD); any instant a client sends
// or an older store holds reads as the China day it falls in (stores before issue 18 hold the
// day's last instant, 23:59:59.999999999+08:00, which reads as the same day). Periods in
// months follow the PRC Civil Code (arts. 201-203): counting starts the day after the event,
// the period ends on the corresponding day of the final month, or on that month's last day if
// it has no corresponding day. So a finding on 2019-08-31 (any hour) has its 6-month deadline
// day 2020-02-29, one on 2019-04-01 the day 2019-10-01. An energy extension adds at most 3
// months counted the same way from the current deadline day (2020-02-29 -> 2020-05-29): the
// shown deadline plus 3 months, as a client computes it, is the longest extension.
#ifndef TIERHUB_SERVICES_DOMAIN_CASE_MACHINE_H_
#define TIERHUB_SERVICES_DOMAIN_CASE_MACHINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/common/clock.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::domain {

// The plan's energy periods: rectify within 6 months; one extension of at most 3 months.
inline constexpr int kEnergyRectifyMonths = 6;
inline constexpr int kEnergyMaxExtensionMonths = 3;
inline constexpr int kEnergyMaxExtensions = 1;

// China Standard Time, in which days and months are counted.
absl::TimeZone ChinaTimeZone();
// The CST day of `t`, YYYY-MM-DD.
std::string ChinaDay(absl::Time t);
// The CST day of `t`.
absl::CivilDay ChinaCivilDay(absl::Time t);
// YYYY-MM-DD.
std::string DayText(absl::CivilDay day);

// The day `months` months after `from`, by the Civil Code rule above. REQUIRES: months >= 0.
absl::CivilDay DayAfterMonths(absl::CivilDay from, int months);

// A deadline as stored and sent: the day's first instant in CST. DeadlineDayOf reads any
// instant (the old last-instant form included) as its CST day.
google::protobuf::Timestamp DeadlineToProto(absl::CivilDay day);
absl::CivilDay DeadlineDayOf(const google::protobuf::Timestamp& t);

// The deadline a client asked for: `day` (YYYY-MM-DD) if not empty, else the CST day of
// `t` if set; nullopt if neither. INVALID_ARGUMENT naming `field` (and `field`_day) for a bad
// day or two that disagree.
[[nodiscard]] absl::StatusOr<std::optional<absl::CivilDay>> RequestedDeadline(
    absl::string_view field, const google::protobuf::Timestamp* t, absl::string_view day);

// Sets deadline_day beside every deadline of `c` and its history, and writes each deadline in
// its current form (the day's first instant), so that a case stored before issue 18 is shown
// like a new one.
void ShowDeadlines(v1::EnforcementCase* c);

// What opens a case. Fields as in v1::EnforcementCase.
struct CaseOpening {
  std::string case_id;
  std::string credit_code;
  std::string region_code;
  v1::Industry industry = v1::INDUSTRY_UNSPECIFIED;
  v1::Dimension dimension = v1::DIMENSION_UNSPECIFIED;
  std::string finding;
  std::string rule_ref;
  std::optional<absl::Time> found_at;  // nullopt = now
  double capacity = 0;                 // in capacity_unit
  v1::CapacityUnit capacity_unit = v1::CAPACITY_UNIT_UNSPECIFIED;
  std::string equipment_id;
  std::string actor;         // identity recording it (required)
  std::string evidence_ref;  // required
  std::string note;
};

// One requested step of a case: a change of state, or (to == UNSPECIFIED) a sealing step.
struct Transition {
  v1::CaseState to = v1::CASE_STATE_UNSPECIFIED;
  v1::SealingStep sealing_step = v1::SEALING_STEP_UNSPECIFIED;
  std::string actor;         // identity recording it (required)
  std::string evidence_ref;  // required
  std::string note;
  std::optional<absl::CivilDay> deadline;  // see enforcement.proto AdvanceCaseRequest.deadline
  std::string approving_authority;         // CLOSURE_APPROVED (required)
  std::string inspected_by;                // ACCEPTED (empty = actor)
  std::optional<absl::Time> inspected_at;  // ACCEPTED (nullopt = now; not in the future)
  std::string closing_case_id;             // LICENCE_CANCELLED (required)
  // The day the step took effect (China time), as its evidence shows; nullopt = today. Not
  // after today, not before the previous step's effective day.
  std::optional<absl::CivilDay> effective_day;
};

// The day a step took effect: its effective_day, or for a step recorded before issue 18 (or
// the opening step of such a case) the China day of its `at`.
absl::CivilDay EffectiveDayOf(const v1::CaseTransition& t);
// When a step took effect, as an instant: `at` if it took effect on the day it was recorded
// (or has no effective_day), else the first instant of its effective day (CST).
absl::Time EffectiveTimeOf(const v1::CaseTransition& t);

// A day as a client writes it, YYYY-MM-DD; INVALID_ARGUMENT naming `field` otherwise.
[[nodiscard]] absl::StatusOr<absl::CivilDay> ParseDayField(absl::string_view field,
                                                           absl::string_view text);

// A new case in state FOUND with one history step (UNSPECIFIED -> FOUND), whose
// effective day is found_at's. INVALID_ARGUMENT naming the field: missing actor, evidence, finding;
// a found_at in the future; anything domain::ValidateCase refuses (e.g. a QUALITY case for copper,
// lead smelting or power).
[[nodiscard]] absl::StatusOr<v1::EnforcementCase> OpenCase(const CaseOpening& opening,
                                                           const Clock& clock);

// The case after `request`, with one step appended to its history (never rewritten).
// FAILED_PRECONDITION if the step is not allowed from the current state (the message names the
// allowed next states), or its condition fails (a second extension, an extension after the
// deadline, sealing before every sealing step is recorded, a repeated sealing step);
// INVALID_ARGUMENT for missing or bad request fields (actor, evidence_ref, a deadline in the
// past or beyond the extension limit, an effective_day in the future or before the previous
// step's, ...). Sealing steps dated by an earlier effective day keep that day's first instant
// in SealingSteps.
[[nodiscard]] absl::StatusOr<v1::EnforcementCase> Advance(const v1::EnforcementCase& c,
                                                          const Transition& request,
                                                          const Clock& clock);

// States the case's dimension allows next from its state, in enum order (structural: a
// condition such as "one extension only" or "before the deadline" is applied when `now` is
// given). Empty for a terminal state.
std::vector<v1::CaseState> AllowedNext(const v1::EnforcementCase& c);
std::vector<v1::CaseState> AllowedNext(const v1::EnforcementCase& c, absl::Time now);

// True if the state has no way out (the case is finished).
bool IsTerminal(v1::Dimension dimension, v1::CaseState state);

// True if a deadline is running in the case's state (RECTIFYING, EXTENDED, SUSPENDED,
// RESTRICTED) and the CST day of `now` is after the deadline day.
bool IsOverdue(const v1::EnforcementCase& c, absl::Time now);

// The QUALITY case that records the cancellation of the production licence (注销生产许可证)
// of a plant that `closing` (a case of another dimension, in CLOSED_EXITED, or a SAFETY case
// closed and then in LICENCES_REVOKED) closed. Its id is
// "qlc-<closing case id>". INVALID_ARGUMENT if the industry has no quality dimension (copper,
// lead smelting, power: outside the Product Quality Law) or `closing` is a QUALITY case;
// FAILED_PRECONDITION if `closing` has not reached CLOSED_EXITED.
[[nodiscard]] absl::StatusOr<v1::EnforcementCase> LicenceCancellationFor(
    const v1::EnforcementCase& closing, const std::string& actor, const std::string& evidence_ref,
    const Clock& clock);

// Exits (关停退出), as the action plans count them (services/plans, docs/COORDINATOR.md). A
// case is an exit of its plant when it is in a state that ends production under its
// dimension's law: CLOSED_EXITED (ENERGY, ENVIRONMENT, TECHNOLOGY after acceptance, SAFETY),
// the SAFETY revocation that follows it (LICENCES_REVOKED), and the QUALITY revocation
// (LICENCES_REVOKED, 吊销证照). A case closed COMPLIANT is no exit, nor is a QUALITY
// LICENCE_CANCELLED: it records a closure that the closing case of another dimension already
// counts. The exits of ENERGY, QUALITY and SAFETY are the states of the published
// CLOSED_BY_LAW list (disclosure.h).
bool IsExitState(v1::Dimension dimension, v1::CaseState state);

// How and when a case was closed.
struct CaseClosure {
  absl::Time at;                                     // the step that closed it (see ClosureOf)
  v1::CaseState state = v1::CASE_STATE_UNSPECIFIED;  // the state that step entered
  bool exited = false;                               // IsExitState of the case's current state
};

// The closure of a case whose current state is terminal or an exit, nullopt for an open case.
// `at` is when the first history step into a state that is terminal or an exit took effect
// (EffectiveTimeOf; for SAFETY, the step into CLOSED_EXITED, not the revocation that
// follows), else the last step's, else found_at. Deterministic: counters are keyed by it.
std::optional<CaseClosure> ClosureOf(const v1::EnforcementCase& c);

// "RECTIFYING, EXTENDED" style list of state names without the CASE_STATE_ prefix.
std::string StateNames(const std::vector<v1::CaseState>& states);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_CASE_MACHINE_H_
