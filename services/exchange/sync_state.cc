#include "services/exchange/sync_state.h"

namespace tierhub::exchange {

void SyncState::Fill(v1::SyncStatusResponse* out, bool has_parent) const {
  absl::MutexLock lock(&mu_);
  if (has_parent) {
    *out->mutable_upward() = upward_;
    *out->mutable_downward() = downward_;
  }
  for (const auto& [id, status] : children_) *out->add_children() = status;
  *out->mutable_counters() = counters_;
}

}  // namespace tierhub::exchange
