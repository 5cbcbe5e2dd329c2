// SyncState: the in-memory picture of every exchange link of a node (toward the parent, per
// child) and its counters, as reported by GetSyncStatus. Thread-safe. Durable positions live
// in the store; this only mirrors them for reporting.
#ifndef TIERHUB_SERVICES_EXCHANGE_SYNC_STATE_H_
#define TIERHUB_SERVICES_EXCHANGE_SYNC_STATE_H_

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/time_proto.h"
#include "tierhub/v1/exchange.pb.h"

namespace tierhub::exchange {

class SyncState {
 public:
  enum class Link { kUpward, kDownward };

  // Applies `fn` to the status of the link toward the parent / a child, under the lock.
  template <typename Fn>
  void UpdateParentLink(Link link, Fn fn) {
    absl::MutexLock lock(&mu_);
    fn(link == Link::kUpward ? upward_ : downward_);
  }
  template <typename Fn>
  void UpdateChild(const std::string& child_id, Fn fn) {
    absl::MutexLock lock(&mu_);
    v1::LinkStatus& s = children_[child_id];
    s.set_peer_node_id(child_id);
    fn(s);
  }
  template <typename Fn>
  void UpdateCounters(Fn fn) {
    absl::MutexLock lock(&mu_);
    fn(counters_);
  }

  // Fills the link and counter parts of a SyncStatusResponse.
  void Fill(v1::SyncStatusResponse* out, bool has_parent) const;

 private:
  mutable absl::Mutex mu_;
  v1::LinkStatus upward_ ABSL_GUARDED_BY(mu_);
  v1::LinkStatus downward_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::LinkStatus> children_ ABSL_GUARDED_BY(mu_);
  v1::Counters counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tierhub::exchange

#endif  // TIERHUB_SERVICES_EXCHANGE_SYNC_STATE_H_
