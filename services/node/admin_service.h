// AdminService: operator actions on this node (tierhub.v1.Admin). Thread-safe. Who may call it
// is auth::CheckAdmin's: operators whose region holds the node's.
#ifndef TIERHUB_SERVICES_NODE_ADMIN_SERVICE_H_
#define TIERHUB_SERVICES_NODE_ADMIN_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/auth/identity.h"
#include "services/auth/node_context.h"
#include "services/store/store.h"
#include "tierhub/v1/admin.grpc.pb.h"

namespace tierhub::node {

// The absolute path of backup `name` under `backup_dir`: INVALID_ARGUMENT unless `name` is one
// plain path component, FAILED_PRECONDITION if the node has no backup_dir.
[[nodiscard]] absl::StatusOr<std::string> BackupPath(const std::string& backup_dir,
                                                     const std::string& name);

class AdminService final : public v1::Admin::Service {
 public:
  // `store` is borrowed and must outlive the service; `retention` runs the node's retention;
  // backups go under `backup_dir` (from the node's config; empty = none).
  AdminService(const auth::NodeContext& node, std::string backup_dir, store::Store* store,
               std::function<absl::Status()> retention);

  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;
  grpc::Status ApplyRetention(grpc::ServerContext* context,
                              const v1::ApplyRetentionRequest* request,
                              v1::ApplyRetentionResponse* response) override;

 private:
  // The caller, if auth::CheckAdmin lets it administer this node.
  absl::StatusOr<auth::Identity> Operator(const grpc::ServerContext& context) const;

  const auth::NodeContext node_;  // a copy: the node context is small
  const std::string backup_dir_;
  store::Store* const store_;
  const std::function<absl::Status()> retention_;
};

}  // namespace tierhub::node

#endif  // TIERHUB_SERVICES_NODE_ADMIN_SERVICE_H_
