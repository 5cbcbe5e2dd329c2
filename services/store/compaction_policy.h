// When a store's level-0 files are compacted down: the policy, apart from the step
// (Store::CompactLevel0) and from whoever keeps the time (the node's maintenance loop).
#ifndef TIERHUB_SERVICES_STORE_COMPACTION_POLICY_H_
#define TIERHUB_SERVICES_STORE_COMPACTION_POLICY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/store/store.h"

namespace tierhub::store {

// Compacts the level-0 files of the random-key column families (Store::RandomKeyLevel0Files)
// into level 1 once nothing has been committed for `idle` and there are at least `min_files`,
// so that the next burst of writes (a child catching up after an outage, a large submission)
// does not meet a compaction of the whole store on its way. A plain value; thread-safe.
struct IdleCompactionPolicy {
  absl::Duration idle = absl::Seconds(1);
  uint64_t min_files = 4;

  // Whether a store whose last commit was at `last_commit` is idle at `now`.
  bool Idle(absl::Time last_commit, absl::Time now) const { return now - last_commit >= idle; }

  // One step at `now` (the time of the store's clock, Store::Options::clock): compacts if the
  // store is idle, else does nothing. Returns how many files were compacted (0: none); errors
  // are CompactLevel0's.
  [[nodiscard]] absl::StatusOr<uint64_t> Step(Store& store, absl::Time now) const;
};

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_COMPACTION_POLICY_H_
