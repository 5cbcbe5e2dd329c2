// CoordinatorService (tierhub.v1.Coordinator): progress from maintained counters with an as-of
// view, merged views, contradictions and round status, for the caller's jurisdiction. Served on
// every node over what that node holds. Thread-safe.
#ifndef TIERHUB_SERVICES_COORDINATOR_COORDINATOR_SERVICE_H_
#define TIERHUB_SERVICES_COORDINATOR_COORDINATOR_SERVICE_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/auth/identity.h"
#include "services/auth/node_context.h"
#include "services/common/clock.h"
#include "services/coordinator/freshness.h"
#include "services/store/store.h"
#include "tierhub/v1/coordinator.grpc.pb.h"

namespace tierhub::coordinator {

class CoordinatorService final : public v1::Coordinator::Service {
 public:
  // `store` and `freshness` are borrowed and must outlive the service.
  CoordinatorService(const auth::NodeContext& node, store::Store* store,
                     const Freshness* freshness);

  grpc::Status GetProgress(grpc::ServerContext* context, const v1::GetProgressRequest* request,
                           v1::GetProgressResponse* response) override;
  grpc::Status GetMergedView(grpc::ServerContext* context, const v1::GetMergedViewRequest* request,
                             v1::GetMergedViewResponse* response) override;
  grpc::Status ListContradictions(grpc::ServerContext* context,
                                  const v1::ListContradictionsRequest* request,
                                  v1::ListContradictionsResponse* response) override;
  grpc::Status GetRoundStatus(grpc::ServerContext* context,
                              const v1::GetRoundStatusRequest* request,
                              v1::GetRoundStatusResponse* response) override;

  // The same without RPC. PERMISSION_DENIED for a region outside the caller's.
  [[nodiscard]] absl::StatusOr<v1::GetProgressResponse> Progress(
      const auth::Identity& caller, const v1::GetProgressRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::GetMergedViewResponse> MergedView(
      const auth::Identity& caller, const v1::GetMergedViewRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::ListContradictionsResponse> Contradictions(
      const auth::Identity& caller, const v1::ListContradictionsRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::GetRoundStatusResponse> RoundStatus(
      const auth::Identity& caller, const v1::GetRoundStatusRequest& request) const;

 private:
  const auth::NodeContext node_;  // a copy: the node context is small
  const Clock* const clock_;
  store::Store* const store_;
  const Freshness* const freshness_;
};

}  // namespace tierhub::coordinator

#endif  // TIERHUB_SERVICES_COORDINATOR_COORDINATOR_SERVICE_H_
