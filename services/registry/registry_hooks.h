// RegistryHooks: the registry's RecordHooks. Validates every record with the domain rules and
// keeps what the registry's own queries read: the region index of every record, the enterprise
// index, the submission indexes and the enterprise and list counters (docs/STORE_FORMAT.md).
// The parts above it register their own hooks (enforcement, coordinator, plans); the node
// composes them (store::CompositeHooks). Stateless and thread-safe.
#ifndef TIERHUB_SERVICES_REGISTRY_REGISTRY_HOOKS_H_
#define TIERHUB_SERVICES_REGISTRY_REGISTRY_HOOKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/store/record_hooks.h"

namespace tierhub::registry {

// Index key prefixes.
inline constexpr char kRegionIndex[] = "region/";  // region/<region code> (every record)
// ent/<credit code> -> the records about an enterprise, except the enterprise record itself:
// its record key is that same "ent/<credit code>", so readers look it up directly instead.
inline constexpr char kEnterpriseIndex[] = "ent/";
// sub/<DEPT>/<submission_id>/ -> the submission's list entries.
inline constexpr char kSubmissionIndex[] = "sub/";
// rsub/<round_id>/<region>/<DEPT>/ -> submissions of a round.
inline constexpr char kRoundSubmissionIndex[] = "rsub/";

// Counter key prefixes (values are counts). Every key starts with <prefix><region>/ so that
// one range scan sums a whole jurisdiction.
inline constexpr char kEnterpriseCounter[] = "ent/";  // ent/<region>/<INDUSTRY>/<STATUS>
// list/<region>/<INDUSTRY>/<DIMENSION_X>/<LIST_KIND_X>/<OPERATING_STATUS_X>: live list entries.
inline constexpr char kListCounter[] = "list/";

// Appends the enterprise index entry of a record about `credit_code` stored under `key` (none
// for the enterprise record itself, whose key is the index key). For the parts' hooks.
void AddEnterpriseIndex(std::string_view key, const std::string& credit_code,
                        std::vector<std::string>* out);

class RegistryHooks final : public store::RecordHooks {
 public:
  [[nodiscard]] absl::Status Validate(const v1::Change& change) const override;
  void IndexKeys(std::string_view key, const v1::Record& record,
                 std::vector<std::string>* out) const override;
  void Counters(std::string_view key, const v1::Record& record,
                std::vector<store::CounterDelta>* out) const override;
};

}  // namespace tierhub::registry

#endif  // TIERHUB_SERVICES_REGISTRY_REGISTRY_HOOKS_H_
