#include "services/coordinator/coordinator_hooks.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/domain/case_keys.h"
#include "services/domain/catalog.h"
#include "services/registry/registry_hooks.h"

namespace tierhub::coordinator {

void CoordinatorHooks::IndexKeys(std::string_view key, const v1::Record& record,
                                 std::vector<std::string>* out) const {
  if (!record.has_merged_enterprise()) return;
  const v1::MergedEnterprise& m = record.merged_enterprise();
  if (m.contradictions_size() > 0) {
    out->push_back(absl::StrCat(kContradictionIndex, m.region_code(), "/"));
  }
  registry::AddEnterpriseIndex(key, m.credit_code(), out);
}

void CoordinatorHooks::Counters(std::string_view key, const v1::Record& record,
                                std::vector<store::CounterDelta>* out) const {
  if (!record.has_merged_enterprise()) return;
  const v1::MergedEnterprise& m = record.merged_enterprise();
  const std::string base =
      absl::StrCat(m.region_code(), "/", domain::IndustryCode(m.industry()), "/");
  for (const auto& d : m.dimension_statuses()) {
    out->push_back({absl::StrCat(kMergedCounter, base, v1::Dimension_Name(d.dimension()), "/",
                                 v1::OperatingStatus_Name(d.status())),
                    1});
  }
  // An enterprise is listed when a department's list names it; one known only from an
  // enforcement case (e.g. opened by equipment screening) has a merged view but no listing.
  if (m.listings_size() > 0) {
    out->push_back({absl::StrCat(kMergedEnterpriseCounter, base, "LISTED"), 1});
  }
  if (m.exited()) out->push_back({absl::StrCat(kMergedEnterpriseCounter, base, "EXITED"), 1});
  if (m.capacity_unit() != v1::CAPACITY_UNIT_UNSPECIFIED && m.capacity_listed() > 0) {
    const int64_t milli = std::llround(m.capacity_listed() * domain::kCapacityScale);
    const std::string unit = v1::CapacityUnit_Name(m.capacity_unit());
    out->push_back({absl::StrCat(kCapacityCounter, base, unit, "/LISTED"), milli});
    if (m.exited()) out->push_back({absl::StrCat(kCapacityCounter, base, unit, "/EXITED"), milli});
  }
  for (const auto& c : m.contradictions()) {
    out->push_back({absl::StrCat(kContradictionCounter, m.region_code(), "/",
                                 v1::Contradiction::Kind_Name(c.kind())),
                    1});
  }
}

}  // namespace tierhub::coordinator
