#include "services/store/hlc.h"

#include <limits>
#include <utility>

namespace tierhub::store {

int CompareVersions(const v1::Version& a, const v1::Version& b) {
  if (a.wall_micros() != b.wall_micros()) return a.wall_micros() < b.wall_micros() ? -1 : 1;
  if (a.logical() != b.logical()) return a.logical() < b.logical() ? -1 : 1;
  return a.origin_node().compare(b.origin_node());
}

HybridLogicalClock::HybridLogicalClock(const Clock* clock, std::string node_id)
    : clock_(clock), node_id_(std::move(node_id)) {}

v1::Version HybridLogicalClock::Now() {
  const int64_t physical = absl::ToUnixMicros(clock_->Now());
  absl::MutexLock lock(&mu_);
  if (physical > wall_micros_) {
    wall_micros_ = physical;
    logical_ = 0;
  } else if (logical_ == std::numeric_limits<uint32_t>::max()) {
    // Four billion versions within one microsecond cannot come from real traffic, but the order
    // must hold regardless: borrow the next microsecond.
    ++wall_micros_;
    logical_ = 0;
  } else {
    ++logical_;
  }
  v1::Version v;
  v.set_wall_micros(wall_micros_);
  v.set_logical(logical_);
  v.set_origin_node(node_id_);
  return v;
}

void HybridLogicalClock::Observe(const v1::Version& remote) {
  absl::MutexLock lock(&mu_);
  if (remote.wall_micros() > wall_micros_ ||
      (remote.wall_micros() == wall_micros_ && remote.logical() > logical_)) {
    wall_micros_ = remote.wall_micros();
    logical_ = remote.logical();
  }
}

v1::Version HybridLogicalClock::High() const {
  absl::MutexLock lock(&mu_);
  v1::Version v;
  v.set_wall_micros(wall_micros_);
  v.set_logical(logical_);
  v.set_origin_node(node_id_);
  return v;
}

}  // namespace tierhub::store
