// The layout of what the store keeps beside enforcement cases, shared by the part that keeps it
// (enforcement's record hooks) and the parts that read it (coordinator, plans). Keys only; the
// store maintains them (docs/STORE_FORMAT.md).
#ifndef TIERHUB_SERVICES_DOMAIN_CASE_KEYS_H_
#define TIERHUB_SERVICES_DOMAIN_CASE_KEYS_H_

#include <string>

#include "google/protobuf/timestamp.pb.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::domain {

// odue/<region>/<YYYYMMDD> -> open cases whose deadline (China time) falls on that day: what
// ListOverdue reads, so that it costs the cases with a running deadline, not every record.
inline constexpr char kOpenDeadlineIndex[] = "odue/";
// case/<region>/<INDUSTRY>/<DIM>/<STATE>: cases (a count).
inline constexpr char kCaseCounter[] = "case/";
// due/<region>/<INDUSTRY>/<DIMENSION_X>/<YYYYMMDD>: open cases by deadline day (UTC+8).
inline constexpr char kCaseDueCounter[] = "due/";

// Capacity counters hold thousandths of a unit (counters are integers).
inline constexpr double kCapacityScale = 1000.0;

// True for a case that still needs action: its state is not terminal in its dimension's state
// machine (case_machine.h), e.g. LICENCES_REVOKED closes a quality case.
bool CaseIsOpen(const v1::EnforcementCase& c);

// The day (China Standard Time) of a deadline, YYYYMMDD.
std::string DeadlineDay(const google::protobuf::Timestamp& t);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_CASE_KEYS_H_
