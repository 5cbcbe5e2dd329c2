#include "services/node/admin_service.h"

#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/exchange/identity.h"
#include "services/exchange/jurisdiction.h"

namespace tierhub::node {

AdminService::AdminService(std::string region_code, bool insecure, store::Store* store,
                           std::function<absl::Status()> retention)
    : region_code_(std::move(region_code)),
      insecure_(insecure),
      store_(store),
      retention_(std::move(retention)) {}

absl::Status AdminService::CheckOperator(const grpc::ServerContext& context) const {
  auto caller = exchange::CallerIdentity(context, insecure_);
  if (!caller.ok()) return caller.status();
  if (caller->kind == exchange::Identity::Kind::kDepartment) {
    return absl::PermissionDeniedError("admin actions need an operator or node certificate");
  }
  if (!exchange::InJurisdiction(caller->region_code, region_code_)) {
    return absl::PermissionDeniedError(
        absl::StrCat(caller->CommonName(), " may not administer a node for region ", region_code_));
  }
  return absl::OkStatus();
}

grpc::Status AdminService::Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                                  v1::BackupResponse* response) {
  absl::Status allowed = CheckOperator(*context);
  if (!allowed.ok()) return ToGrpc(allowed);
  if (request->dir().empty() || request->dir()[0] != '/') {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "dir: must be an absolute path");
  }
  const uint64_t seq = store_->LastSeq();
  absl::Status done = store_->Checkpoint(request->dir());
  if (!done.ok()) return ToGrpc(done);
  LogInfo("backup written to ", request->dir(), " (log head ", seq, ")");
  response->set_dir(request->dir());
  response->set_last_seq(seq);
  return grpc::Status::OK;
}

grpc::Status AdminService::ApplyRetention(grpc::ServerContext* context,
                                          const v1::ApplyRetentionRequest* request,
                                          v1::ApplyRetentionResponse* response) {
  absl::Status allowed = CheckOperator(*context);
  if (!allowed.ok()) return ToGrpc(allowed);
  absl::Status done = retention_();
  if (!done.ok()) return ToGrpc(done);
  response->set_first_log_seq(store_->FirstLogSeq());
  response->set_last_seq(store_->LastSeq());
  return grpc::Status::OK;
}

}  // namespace tierhub::node
