// AdminService: operator actions on this node (tierhub.v1.Admin). Thread-safe.
#ifndef TIERHUB_SERVICES_NODE_ADMIN_SERVICE_H_
#define TIERHUB_SERVICES_NODE_ADMIN_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "services/store/store.h"
#include "tierhub/v1/admin.grpc.pb.h"

namespace tierhub::node {

class AdminService final : public v1::Admin::Service {
 public:
  // `store` is borrowed and must outlive the service; `retention` runs the node's retention.
  AdminService(std::string region_code, bool insecure, store::Store* store,
               std::function<absl::Status()> retention);

  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;
  grpc::Status ApplyRetention(grpc::ServerContext* context,
                              const v1::ApplyRetentionRequest* request,
                              v1::ApplyRetentionResponse* response) override;

 private:
  // Operators and nodes whose region contains this node's; PERMISSION_DENIED otherwise.
  absl::Status CheckOperator(const grpc::ServerContext& context) const;

  const std::string region_code_;
  const bool insecure_;
  store::Store* const store_;
  const std::function<absl::Status()> retention_;
};

}  // namespace tierhub::node

#endif  // TIERHUB_SERVICES_NODE_ADMIN_SERVICE_H_
