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

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t micros = absl::ToUnixMicros(t);
  ts->set_seconds(micros / 1000000);
  ts->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
}

}  // namespace tierhub::exchange
