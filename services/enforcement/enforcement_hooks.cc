#include "services/enforcement/enforcement_hooks.h"

#include "absl/strings/str_cat.h"
#include "services/domain/case_keys.h"
#include "services/domain/catalog.h"
#include "services/registry/registry_hooks.h"

namespace tierhub::enforcement {

void EnforcementHooks::IndexKeys(std::string_view key, const v1::Record& record,
                                 std::vector<std::string>* out) const {
  if (record.has_enforcement_case()) {
    const v1::EnforcementCase& c = record.enforcement_case();
    if (domain::CaseIsOpen(c) && c.has_deadline()) {
      out->push_back(absl::StrCat(domain::kOpenDeadlineIndex, c.region_code(), "/",
                                  domain::DeadlineDay(c.deadline())));
    }
    registry::AddEnterpriseIndex(key, c.credit_code(), out);
  } else if (record.has_power_alert()) {
    const v1::PowerAlert& a = record.power_alert();
    out->push_back(absl::StrCat(kPowerAlertIndex, a.region_code(), "/", a.month()));
  }
}

void EnforcementHooks::Counters(std::string_view key, const v1::Record& record,
                                std::vector<store::CounterDelta>* out) const {
  if (record.has_enforcement_case()) {
    const v1::EnforcementCase& c = record.enforcement_case();
    const std::string base = absl::StrCat(c.region_code(), "/", domain::IndustryCode(c.industry()),
                                          "/", v1::Dimension_Name(c.dimension()), "/");
    out->push_back({absl::StrCat(domain::kCaseCounter, base, v1::CaseState_Name(c.state())), 1});
    if (domain::CaseIsOpen(c) && c.has_deadline()) {
      out->push_back(
          {absl::StrCat(domain::kCaseDueCounter, base, domain::DeadlineDay(c.deadline())), 1});
    }
  } else if (record.has_power_alert()) {
    const v1::PowerAlert& a = record.power_alert();
    // A withdrawn or resolved alert stays listed (marked) but no longer counts: the counter is
    // of the alerts still open.
    if (!a.withdrawn() && !a.has_resolved_at()) {
      out->push_back({absl::StrCat(kPowerAlertCounter, a.region_code(), "/", a.month()), 1});
    }
  }
}

}  // namespace tierhub::enforcement
