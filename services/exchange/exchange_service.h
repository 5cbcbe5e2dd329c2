// ExchangeService: the parent side of the node-to-node protocol (tierhub.v1.Exchange).
// Applies children's pushed batches durably before acknowledging them, serves filtered pulls
// and snapshots, and reports sync status. Thread-safe; one instance per node.
#ifndef TIERHUB_SERVICES_EXCHANGE_EXCHANGE_SERVICE_H_
#define TIERHUB_SERVICES_EXCHANGE_EXCHANGE_SERVICE_H_

#include <atomic>
#include <functional>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "services/auth/identity.h"
#include "services/auth/node_context.h"
#include "services/common/clock.h"
#include "services/exchange/sync_state.h"
#include "services/store/store.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::exchange {

struct ExchangeOptions {
  v1::RegionLevel tier = v1::REGION_LEVEL_UNSPECIFIED;
  bool has_parent = false;
  uint32_t pull_batch = 512;  // changes per Pull response
  // Called before answering GetSyncStatus; its error is the answer.
  std::function<absl::Status()> refresh_status;
};

class ExchangeService final : public v1::Exchange::Service {
 public:
  // `store` and `state` are borrowed and must outlive the service.
  ExchangeService(const auth::NodeContext& node, ExchangeOptions options, store::Store* store,
                  SyncState* state);

  // Makes every open stream return, so that the server can shut down at once. A batch being
  // applied is finished first; its acknowledgement may be lost, and the child resends it.
  void Shutdown();

  grpc::Status Push(grpc::ServerContext* context,
                    grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream) override;
  grpc::Status Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                    grpc::ServerWriter<v1::PullResponse>* writer) override;
  grpc::Status Snapshot(grpc::ServerContext* context, const v1::SnapshotRequest* request,
                        grpc::ServerWriter<v1::SnapshotResponse>* writer) override;
  grpc::Status GetSyncStatus(grpc::ServerContext* context, const v1::SyncStatusRequest* request,
                             v1::SyncStatusResponse* response) override;
  grpc::Status GetDigest(grpc::ServerContext* context, const v1::DigestRequest* request,
                         v1::DigestResponse* response) override;
  grpc::Status ListConflicts(grpc::ServerContext* context, const v1::ListConflictsRequest* request,
                             v1::ListConflictsResponse* response) override;
  grpc::Status ListRecords(grpc::ServerContext* context, const v1::ListRecordsRequest* request,
                           grpc::ServerWriter<v1::ListRecordsResponse>* writer) override;

  // GetSyncStatus without RPC, for a known caller (the console): PERMISSION_DENIED unless
  // auth::CheckExchangeView lets `viewer` see the exchange's state.
  [[nodiscard]] absl::StatusOr<v1::SyncStatusResponse> SyncStatus(
      const auth::Identity& viewer) const;

 private:
  // The caller, which must be a node certificate of a direct child (auth::IsDirectChild) that
  // matches the claimed id and region.
  absl::StatusOr<auth::Identity> ChildIdentity(const grpc::ServerContext& context,
                                               const std::string& claimed_id,
                                               const std::string& claimed_region) const;
  // The caller, if auth::CheckExchangeView lets it see the exchange's state.
  absl::StatusOr<auth::Identity> ExchangeViewer(const grpc::ServerContext& context) const;
  // A refused authenticated child: logged, counted and shown in its status entry.
  void Refuse(const std::string& child_id, const absl::Status& status);
  // A peer refused before it was authenticated as a child: logged and counted only, so no
  // caller can create or change a child's status entry by claiming its id.
  void RefusePeer(const grpc::ServerContext& context, const std::string& claimed_id,
                  const absl::Status& status);

  const auth::NodeContext node_;  // a copy: the node context is small
  const ExchangeOptions options_;
  store::Store* const store_;
  const Clock* const clock_;
  SyncState* const state_;
  std::atomic<bool> shutting_down_{false};
  absl::Mutex mu_;
  std::set<grpc::ServerContext*> push_contexts_ ABSL_GUARDED_BY(mu_);
};

// Cursor under which a parent keeps the last log sequence of `child_id` it has applied.
std::string ChildAckCursor(const std::string& child_id);

}  // namespace tierhub::exchange

#endif  // TIERHUB_SERVICES_EXCHANGE_EXCHANGE_SERVICE_H_
