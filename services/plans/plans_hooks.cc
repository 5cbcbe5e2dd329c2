#include "services/plans/plans_hooks.h"

#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/time_proto.h"
#include "services/domain/case_keys.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"

namespace tierhub::plans {
namespace {

// The action plans' view of time: the year and day (China Standard Time) of an instant.
std::string PlanYear(absl::Time t) { return absl::FormatTime("%Y", t, domain::ChinaTimeZone()); }
std::string PlanDay(absl::Time t) {  // MMDD
  return absl::FormatTime("%m%d", t, domain::ChinaTimeZone());
}

// "<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/" of a case's event at `t`.
std::string PlanBase(const v1::EnforcementCase& c, absl::Time t) {
  return absl::StrCat(PlanYear(t), "/", c.region_code(), "/", domain::IndustryCode(c.industry()),
                      "/", v1::Dimension_Name(c.dimension()), "/");
}

void CaseCounters(const v1::EnforcementCase& c, std::vector<store::CounterDelta>* out) {
  if (c.has_found_at()) {
    const absl::Time found = FromProto(c.found_at());
    out->push_back({absl::StrCat(kPlanFoundCounter, PlanBase(c, found), PlanDay(found)), 1});
  }
  const std::optional<domain::CaseClosure> closure = domain::ClosureOf(c);
  if (!closure.has_value()) return;
  const std::string base = PlanBase(c, closure->at);
  const std::string day = PlanDay(closure->at);
  if (!closure->exited) {
    out->push_back({absl::StrCat(kPlanResolvedCounter, base, day), 1});
    return;
  }
  out->push_back({absl::StrCat(kPlanExitCounter, base, day), 1});
  if (c.capacity_unit() != v1::CAPACITY_UNIT_UNSPECIFIED && c.capacity() > 0) {
    out->push_back({absl::StrCat(kPlanCapacityCounter, base,
                                 v1::CapacityUnit_Name(c.capacity_unit()), "/", day),
                    std::llround(c.capacity() * domain::kCapacityScale)});
  }
}

void TargetCounters(const v1::CityTarget& t, std::vector<store::CounterDelta>* out) {
  const std::string base =
      absl::StrCat(kPlanTargetCounter, t.year(), "/", t.region_code(), "/",
                   domain::IndustryCode(t.industry()), "/", v1::Dimension_Name(t.dimension()), "/");
  out->push_back({absl::StrCat(base, "FILED"), 1});
  if (t.enterprises_to_exit() > 0) {
    out->push_back({absl::StrCat(base, "ENTERPRISES"), t.enterprises_to_exit()});
  }
  if (t.capacity_unit() != v1::CAPACITY_UNIT_UNSPECIFIED && t.capacity_to_exit() > 0) {
    out->push_back({absl::StrCat(base, "CAPACITY/", v1::CapacityUnit_Name(t.capacity_unit())),
                    std::llround(t.capacity_to_exit() * domain::kCapacityScale)});
  }
  for (const auto& checkpoint : t.checkpoints()) {
    out->push_back(
        {absl::StrCat(base, "CHECKPOINT/",
                      absl::FormatTime("%Y%m%d", FromProto(checkpoint), domain::ChinaTimeZone())),
         1});
  }
}

}  // namespace

void PlansHooks::IndexKeys(std::string_view key, const v1::Record& record,
                           std::vector<std::string>* out) const {
  if (!record.has_enforcement_case()) return;
  const v1::EnforcementCase& c = record.enforcement_case();
  const std::optional<domain::CaseClosure> closure = domain::ClosureOf(c);
  if (closure.has_value() && closure->exited) {
    out->push_back(absl::StrCat(kPlanExitIndex, PlanYear(closure->at), "/", c.region_code(), "/"));
  }
}

void PlansHooks::Counters(std::string_view key, const v1::Record& record,
                          std::vector<store::CounterDelta>* out) const {
  if (record.has_enforcement_case()) CaseCounters(record.enforcement_case(), out);
  if (record.has_city_target()) TargetCounters(record.city_target(), out);
}

}  // namespace tierhub::plans
