#include "services/node/admin_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/auth/policy.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace tierhub::node {

absl::StatusOr<std::string> BackupPath(const std::string& backup_dir, const std::string& name) {
  if (backup_dir.empty()) {
    return absl::FailedPreconditionError(
        "this node has no backup_dir in its config, so it takes no backups");
  }
  bool plain = !name.empty() && name.size() <= 128 && name[0] != '.';
  for (char c : name) {
    plain = plain && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                      c == '.');
  }
  if (!plain) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dir: '", name,
        "' is not a backup name (letters, digits, '-', '_', '.'; at most 128; no path): backups "
        "go under the node's backup_dir"));
  }
  return absl::StrCat(backup_dir, backup_dir.back() == '/' ? "" : "/", name);
}

AdminService::AdminService(const auth::NodeContext& node, std::string backup_dir,
                           store::Store* store, std::function<absl::Status()> retention)
    : node_(node),
      backup_dir_(std::move(backup_dir)),
      store_(store),
      retention_(std::move(retention)) {}

absl::StatusOr<auth::Identity> AdminService::Operator(const grpc::ServerContext& context) const {
  TH_ASSIGN_OR_RETURN(auth::Identity caller, auth::CallerIdentity(context, node_.insecure));
  if (absl::Status s = auth::CheckAdmin(node_, caller); !s.ok()) {
    LogWarning("admin refused: ", s.message());
    return s;
  }
  return caller;
}

grpc::Status AdminService::Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                                  v1::BackupResponse* response) {
  auto caller = Operator(*context);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto path = BackupPath(backup_dir_, request->dir());
  if (!path.ok()) return ToGrpc(path.status());
  const uint64_t seq = store_->LastSeq();
  absl::Status done = store_->Checkpoint(*path);
  if (!done.ok()) return ToGrpc(done);
  LogInfo("backup written to ", *path, " (log head ", seq, ") for ", caller->CommonName());
  response->set_dir(*path);
  response->set_last_seq(seq);
  return grpc::Status::OK;
}

grpc::Status AdminService::ApplyRetention(grpc::ServerContext* context,
                                          const v1::ApplyRetentionRequest* request,
                                          v1::ApplyRetentionResponse* response) {
  auto caller = Operator(*context);
  if (!caller.ok()) return ToGrpc(caller.status());
  absl::Status done = retention_();
  if (!done.ok()) return ToGrpc(done);
  LogInfo("retention applied for ", caller->CommonName());
  response->set_first_log_seq(store_->FirstLogSeq());
  response->set_last_seq(store_->LastSeq());
  return grpc::Status::OK;
}

}  // namespace tierhub::node
