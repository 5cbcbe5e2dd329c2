// DomainHooks: the campaign's RecordHooks. Validates records with the domain rules and names
// the secondary indexes and progress counters each record contributes (docs/STORE_FORMAT.md
// lists the keys). Stateless and thread-safe.
#ifndef TIERHUB_SERVICES_REGISTRY_DOMAIN_HOOKS_H_
#define TIERHUB_SERVICES_REGISTRY_DOMAIN_HOOKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/store/record_hooks.h"

namespace tierhub::registry {

// Index key prefixes.
inline constexpr char kRegionIndex[] = "region/";      // region/<region code>/<record key>
inline constexpr char kEnterpriseIndex[] = "ent/";     // ent/<credit code>/<record key>

// Counter key prefixes (values are counts).
inline constexpr char kEnterpriseCounter[] = "ent/";   // ent/<region>/<INDUSTRY>/<STATUS>
inline constexpr char kListCounter[] = "list/";        // list/<region>/<INDUSTRY>/<DIM>/<KIND>
inline constexpr char kCaseCounter[] = "case/";        // case/<region>/<INDUSTRY>/<DIM>/<STATE>

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
