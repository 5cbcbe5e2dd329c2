// A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014) over the injected
// Clock. Versions it issues are strictly increasing, stay close to wall time, and order after
// every version this node has observed from others, so "newer" means the same thing on every
// node (principle 7).
#ifndef TIERHUB_SERVICES_STORE_HLC_H_
#define TIERHUB_SERVICES_STORE_HLC_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/common/clock.h"
#include "tierhub/v1/change.pb.h"

namespace tierhub::store {

// Total order on versions: (wall_micros, logical, origin_node). Returns <0, 0 or >0.
int CompareVersions(const v1::Version& a, const v1::Version& b);

// Thread-safe. Holds no durable state of its own: the owner persists High() alongside the
// changes it stamps and hands it back through Observe() after a restart, so a clock that went
// backwards across a restart still never re-issues a version.
class HybridLogicalClock {
 public:
  // `clock` is borrowed and must outlive this object.
  HybridLogicalClock(const Clock* clock, std::string node_id);

  HybridLogicalClock(const HybridLogicalClock&) = delete;
  HybridLogicalClock& operator=(const HybridLogicalClock&) = delete;

  // Issues a new version, strictly greater than every version issued or observed before, with
  // origin_node = this node.
  v1::Version Now() ABSL_LOCKS_EXCLUDED(mu_);

  // Receive rule: after this, Now() issues only versions greater than `remote` (on the
  // (wall_micros, logical) pair; origin_node is ignored).
  void Observe(const v1::Version& remote) ABSL_LOCKS_EXCLUDED(mu_);

  // The highest (wall_micros, logical) issued or observed so far, with origin_node = this node.
  v1::Version High() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const Clock* const clock_;
  const std::string node_id_;
  mutable absl::Mutex mu_;
  int64_t wall_micros_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t logical_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_HLC_H_
