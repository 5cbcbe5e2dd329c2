// CoordinatorHooks: what the store keeps beside merged views: the enterprise index, the
// contradiction index, and the merged, enterprise, capacity and contradiction counters that
// progress reads (docs/COORDINATOR.md). Stateless and thread-safe.
#ifndef TIERHUB_SERVICES_COORDINATOR_COORDINATOR_HOOKS_H_
#define TIERHUB_SERVICES_COORDINATOR_COORDINATOR_HOOKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/store/record_hooks.h"

namespace tierhub::coordinator {

// ctr/<region>/ -> merged views with at least one contradiction.
inline constexpr char kContradictionIndex[] = "ctr/";
// Counter key prefixes; every key starts with <prefix><region>/.
// mrg/<region>/<INDUSTRY>/<DIMENSION_X>/<OPERATING_STATUS_X>: merged views, one per enterprise
// and dimension it is listed under.
inline constexpr char kMergedCounter[] = "mrg/";
// mrgn/<region>/<INDUSTRY>/<LISTED|EXITED>: enterprises with a merged view / that exited.
inline constexpr char kMergedEnterpriseCounter[] = "mrgn/";
// cap/<region>/<INDUSTRY>/<CAPACITY_UNIT_X>/<LISTED|EXITED>: capacity in thousandths of the unit.
inline constexpr char kCapacityCounter[] = "cap/";
// ctr/<region>/<KIND_X>: contradictions of merged views.
inline constexpr char kContradictionCounter[] = "ctr/";

class CoordinatorHooks final : public store::RecordHooks {
 public:
  void IndexKeys(std::string_view key, const v1::Record& record,
                 std::vector<std::string>* out) const override;
  void Counters(std::string_view key, const v1::Record& record,
                std::vector<store::CounterDelta>* out) const override;
};

}  // namespace tierhub::coordinator

#endif  // TIERHUB_SERVICES_COORDINATOR_COORDINATOR_HOOKS_H_
