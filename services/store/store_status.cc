#include "services/store/store_status.h"

#include "services/common/time_proto.h"

namespace tierhub::store {

void FillStoreStatus(const Store& store, v1::StoreStatus* out) {
  out->set_path(store.path());
  const absl::Status health = store.WriteHealth();
  const std::string reopen = store.ReopenReason();
  if (store.read_only()) {
    out->set_state(v1::STORE_STATE_READ_ONLY);
  } else if (!reopen.empty()) {
    out->set_state(v1::STORE_STATE_NEEDS_RESTART);
  } else if (!health.ok()) {
    out->set_state(v1::STORE_STATE_REFUSING_WRITES);
  } else {
    out->set_state(v1::STORE_STATE_WRITABLE);
  }
  if (!health.ok()) out->set_reason(health.ToString());
  out->set_restart_reason(reopen);
  if (const std::optional<uint64_t> free = store.FreeBytes(); free.has_value()) {
    out->set_free_bytes(*free);
  }
  out->set_refused_writes(store.WriteRefusals());
  if (const std::optional<absl::Time> since = store.RefusedSince(); since.has_value()) {
    *out->mutable_refused_since() = ToProto(*since);
  }
}

}  // namespace tierhub::store
