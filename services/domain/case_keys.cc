#include "services/domain/case_keys.h"

#include "absl/time/time.h"
#include "services/domain/case_machine.h"

namespace tierhub::domain {

bool CaseIsOpen(const v1::EnforcementCase& c) {
  return c.state() != v1::CASE_STATE_UNSPECIFIED && !IsTerminal(c.dimension(), c.state());
}

std::string DeadlineDay(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y%m%d", absl::FromUnixSeconds(t.seconds()), ChinaTimeZone());
}

}  // namespace tierhub::domain
