// EnforcementHooks: what the store keeps beside enforcement cases and power alerts: the
// enterprise index of cases, the open-deadline index and the case counters (layout in
// services/domain/case_keys.h, read by the coordinator and plans too), and the power-alert index
// and counter. Stateless and thread-safe.
#ifndef TIERHUB_SERVICES_ENFORCEMENT_ENFORCEMENT_HOOKS_H_
#define TIERHUB_SERVICES_ENFORCEMENT_ENFORCEMENT_HOOKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/store/record_hooks.h"

namespace tierhub::enforcement {

// palert/<region>/<YYYY-MM> -> power alerts (electricity watch), by region then month.
inline constexpr char kPowerAlertIndex[] = "palert/";
// palert/<region>/<YYYY-MM>: power alerts (a count).
inline constexpr char kPowerAlertCounter[] = "palert/";

class EnforcementHooks final : public store::RecordHooks {
 public:
  void IndexKeys(std::string_view key, const v1::Record& record,
                 std::vector<std::string>* out) const override;
  void Counters(std::string_view key, const v1::Record& record,
                std::vector<store::CounterDelta>* out) const override;
};

}  // namespace tierhub::enforcement

#endif  // TIERHUB_SERVICES_ENFORCEMENT_ENFORCEMENT_HOOKS_H_
