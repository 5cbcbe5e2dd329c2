// Freshness: which children's data a node's figures include. Per origin node below this one,
// the store keeps the region and the HLC wall time of the last change applied here
// (Store::OriginsLast, written with the change) and the origin sequence (the watermark); this
// reads them for a region. Runs on every node; thread-safe (it holds no state).
#ifndef TIERHUB_SERVICES_COORDINATOR_FRESHNESS_H_
#define TIERHUB_SERVICES_COORDINATOR_FRESHNESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/store/store.h"
#include "tierhub/v1/coordinator.pb.h"

namespace tierhub::coordinator {

class Freshness {
 public:
  // `store` is borrowed and must outlive this.
  explicit Freshness(const store::Store* store) : store_(store) {}

  // Every origin whose region lies under `region` (itself excluded), by region then node.
  // age_seconds is left 0 (the caller knows "now").
  [[nodiscard]] absl::StatusOr<std::vector<v1::ChildFreshness>> Children(
      const std::string& region, const std::string& self_node) const;

 private:
  const store::Store* const store_;
};

}  // namespace tierhub::coordinator

#endif  // TIERHUB_SERVICES_COORDINATOR_FRESHNESS_H_
