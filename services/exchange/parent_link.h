// ParentLink: the child side of the exchange. Two threads per node with a parent:
//  - up: streams this node's log (changes from its own subtree) to the parent in batches,
//    keeps a bounded window of unacknowledged batches, and stores each acknowledged position
//    durably;
//  - down: follows the parent's log from a durable cursor and applies what it receives,
//    resynchronising from a snapshot when the cursor has fallen out of the parent's log.
// Both reconnect with exponential backoff and jitter, forever, until Stop(). Thread-safe.
#ifndef TIERHUB_SERVICES_EXCHANGE_PARENT_LINK_H_
#define TIERHUB_SERVICES_EXCHANGE_PARENT_LINK_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/client/channel.h"
#include "services/common/clock.h"
#include "services/common/limits.h"
#include "services/exchange/sync_state.h"
#include "services/store/store.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::exchange {

struct ParentLinkOptions {
  std::string node_id;
  std::string region_code;
  std::string parent_node_id;  // expected identity of the parent (checked on welcome)
  client::ChannelOptions channel;
  uint32_t batch_changes = limits::kPushBatchChanges;  // changes per pushed batch at most
  size_t batch_bytes = limits::kPushBatchBytes;        // bytes per pushed batch at most
  uint32_t window = 4;                                 // unacknowledged batches in flight at most
  absl::Duration initial_backoff = absl::Milliseconds(100);
  // The wait between attempts doubles up to max_backoff after the parent refused the link or
  // failed it, but only up to unreachable_max_backoff while nothing answers at all
  // (UNAVAILABLE): a connection refused costs the parent nothing, and a parent back from a
  // restart then has its children again within about that long instead of up to max_backoff.
  absl::Duration max_backoff = absl::Seconds(10);
  absl::Duration unreachable_max_backoff = absl::Seconds(2);
  // Paces the backoffs (common/clock.h); borrowed. The link's other clock dates its status.
  const Clock* timer = SystemClock::Get();
};

// The longest wait before the next attempt after a session that ended with `ended` (not OK).
absl::Duration BackoffCap(const absl::Status& ended, const ParentLinkOptions& options);

// Durable cursor names in the child's store.
inline constexpr char kParentAckedCursor[] = "parent-acked";    // last own seq the parent acked
inline constexpr char kParentPulledCursor[] = "parent-pulled";  // last parent seq applied here

class ParentLink {
 public:
  // `store`, `clock` and `state` are borrowed and must outlive the link.
  ParentLink(ParentLinkOptions options, store::Store* store, const Clock* clock, SyncState* state);
  ~ParentLink();  // calls Stop()

  void Start();
  // Cancels open streams and joins both threads. Idempotent.
  void Stop();

  // Refreshes pending changes and lag of the upward link in the SyncState. On an error of the
  // store (reading the acknowledged cursor or the oldest pending change) the SyncState keeps
  // what it had and the error is returned.
  [[nodiscard]] absl::Status RefreshStatus();

 private:
  void UpLoop();
  void DownLoop();
  // Runs `session` against the parent until Stop(): reconnects after every end, with backoff
  // after a failure, and reports the link's state, retries and last error in the SyncState.
  void RunLink(SyncState::Link link, const char* what,
               const std::function<absl::Status(v1::Exchange::Stub*)>& session);
  // One push session; returns why it ended.
  absl::Status PushSession(v1::Exchange::Stub* stub);
  absl::Status PullSession(v1::Exchange::Stub* stub);
  absl::Status Resync(v1::Exchange::Stub* stub);
  // The parent must be the node the config names (by its certificate under mTLS).
  absl::Status CheckParent(const grpc::ClientContext& context,
                           const v1::PushWelcome& welcome) const;
  // Sleeps for a random 50-100% of the backoff, at most `cap` (or until Stop), then doubles
  // the backoff, up to `cap`.
  void Backoff(absl::Duration* backoff, absl::Duration cap);
  void TrackContext(grpc::ClientContext* context);
  void UntrackContext(grpc::ClientContext* context);
  absl::StatusOr<std::unique_ptr<v1::Exchange::Stub>> Connect();

  const ParentLinkOptions options_;
  store::Store* const store_;
  const Clock* const clock_;
  SyncState* const state_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<grpc::ClientContext*> live_contexts_ ABSL_GUARDED_BY(mu_);
  std::thread up_;
  std::thread down_;
};

}  // namespace tierhub::exchange

#endif  // TIERHUB_SERVICES_EXCHANGE_PARENT_LINK_H_
