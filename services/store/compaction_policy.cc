#include "services/store/compaction_policy.h"

namespace tierhub::store {

absl::StatusOr<uint64_t> IdleCompactionPolicy::Step(Store& store, absl::Time now) const {
  if (!Idle(store.LastCommitTime(), now)) return 0;
  return store.CompactLevel0(min_files);
}

}  // namespace tierhub::store
