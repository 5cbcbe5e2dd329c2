// Freshness: which children's data a node's figures include. Follows the node's log and keeps,
// per origin node below it, the region and the HLC wall time of the last change applied here,
// in durable cursors (asof-wall/<origin>, asof-region/<origin>); the origin sequence itself is
// the store's per-origin watermark. Runs on every node. Thread-safe; Start/Stop once each.
#ifndef TIERHUB_SERVICES_COORDINATOR_FRESHNESS_H_
#define TIERHUB_SERVICES_COORDINATOR_FRESHNESS_H_

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/store/store.h"
#include "tierhub/v1/coordinator.pb.h"

namespace tierhub::coordinator {

inline constexpr char kFreshnessCursor[] = "asof-follower";

class Freshness {
 public:
  // `store` is borrowed and must outlive this.
  explicit Freshness(store::Store* store);
  ~Freshness();  // Stop()

  void Start();
  void Stop();
  // Reads everything logged so far (also used by tests without the thread).
  [[nodiscard]] absl::Status CatchUp();

  // Every origin whose region lies under `region` (itself excluded), by region then node.
  // age_seconds is left 0 (the caller knows "now").
  [[nodiscard]] absl::StatusOr<std::vector<v1::ChildFreshness>> Children(
      const std::string& region, const std::string& self_node) const;

 private:
  [[nodiscard]] absl::StatusOr<bool> Step();
  void Loop();

  store::Store* const store_;
  absl::Mutex step_mu_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tierhub::coordinator

#endif  // TIERHUB_SERVICES_COORDINATOR_FRESHNESS_H_
