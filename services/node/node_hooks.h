// NodeHooks: the record hooks of every part of a node, composed as the node runs them: the
// registry's (which also validate every change), enforcement's, the coordinator's and the
// plans'. Tests and benchmarks that open a store the way a node does use it too. Thread-safe.
#ifndef TIERHUB_SERVICES_NODE_NODE_HOOKS_H_
#define TIERHUB_SERVICES_NODE_NODE_HOOKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/coordinator/coordinator_hooks.h"
#include "services/enforcement/enforcement_hooks.h"
#include "services/plans/plans_hooks.h"
#include "services/registry/registry_hooks.h"
#include "services/store/record_hooks.h"

namespace tierhub::node {

class NodeHooks final : public store::RecordHooks {
 public:
  [[nodiscard]] absl::Status Validate(const v1::Change& change) const override {
    return all_.Validate(change);
  }
  void IndexKeys(std::string_view key, const v1::Record& record,
                 std::vector<std::string>* out) const override {
    all_.IndexKeys(key, record, out);
  }
  void Counters(std::string_view key, const v1::Record& record,
                std::vector<store::CounterDelta>* out) const override {
    all_.Counters(key, record, out);
  }

 private:
  registry::RegistryHooks registry_;
  enforcement::EnforcementHooks enforcement_;
  coordinator::CoordinatorHooks coordinator_;
  plans::PlansHooks plans_;
  store::CompositeHooks all_{{&registry_, &enforcement_, &coordinator_, &plans_}};
};

}  // namespace tierhub::node

#endif  // TIERHUB_SERVICES_NODE_NODE_HOOKS_H_
