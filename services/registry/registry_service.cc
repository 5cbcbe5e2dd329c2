#include "services/registry/registry_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/grpc_status.h"
#include "services/domain/validation.h"
#include "services/exchange/jurisdiction.h"

namespace tierhub::registry {

RegistryService::RegistryService(RegistryOptions options, store::Store* store)
    : options_(std::move(options)), store_(store) {}

absl::Status RegistryService::CheckWritable(const exchange::Identity& caller,
                                            const std::string& region) const {
  if (caller.kind == exchange::Identity::Kind::kOperator) {
    return absl::PermissionDeniedError("operators may read and back up, not write records");
  }
  if (exchange::IsGlobalRegion(region)) {
    if (!options_.is_root) {
      return absl::PermissionDeniedError(
          "global reference data (e.g. rounds) is written at the top node only");
    }
    return absl::OkStatus();
  }
  if (!exchange::InJurisdiction(options_.region_code, region)) {
    return absl::PermissionDeniedError(
        absl::StrCat("region ", region, " is outside this node's region ", options_.region_code));
  }
  if (!exchange::InJurisdiction(caller.region_code, region)) {
    return absl::PermissionDeniedError(absl::StrCat("region ", region, " is outside the caller's region ",
                                                    caller.region_code));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Change>> RegistryService::Write(
    const exchange::Identity& caller, const v1::WriteRecordsRequest& request) {
  std::vector<std::string> errors;
  absl::StatusCode code = absl::StatusCode::kOk;
  auto note = [&](const std::string& where, const absl::Status& s) {
    errors.push_back(absl::StrCat(where, ": ", s.message()));
    if (code == absl::StatusCode::kOk) code = s.code();
  };
  std::vector<store::Mutation> mutations;
  const v1::Author author = caller.ToAuthor(options_.node_id);
  for (int i = 0; i < request.records_size(); ++i) {
    const v1::Record& record = request.records(i);
    const std::string where = absl::StrCat("records[", i, "]");
    absl::Status valid = domain::ValidateRecord(record);
    if (!valid.ok()) {
      note(where, valid);
      continue;
    }
    absl::Status writable = CheckWritable(caller, domain::RecordRegion(record));
    if (!writable.ok()) {
      note(where, writable);
      continue;
    }
    mutations.push_back({domain::RecordKey(record), author, record});
  }
  for (int i = 0; i < request.delete_keys_size(); ++i) {
    const std::string& key = request.delete_keys(i);
    const std::string where = absl::StrCat("delete_keys[", i, "]");
    auto stored = store_->GetLive(key);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      note(where, absl::NotFoundError(absl::StrCat("no live record under '", key, "'")));
      continue;
    }
    const std::string region = domain::RecordRegion(**stored);
    absl::Status writable = CheckWritable(caller, region);
    if (!writable.ok()) {
      note(where, writable);
      continue;
    }
    v1::Tombstone tombstone;
    tombstone.set_region_code(region);
    mutations.push_back({key, author, tombstone});
  }
  if (!errors.empty()) {
    return absl::Status(code, absl::StrCat(errors.size(), " bad item(s), nothing stored: ",
                                           absl::StrJoin(errors, "; ")));
  }
  if (mutations.empty()) return std::vector<v1::Change>{};
  return store_->Write(std::move(mutations));
}

grpc::Status RegistryService::WriteRecords(grpc::ServerContext* context,
                                           const v1::WriteRecordsRequest* request,
                                           v1::WriteRecordsResponse* response) {
  auto caller = exchange::CallerIdentity(*context, options_.insecure);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto changes = Write(*caller, *request);
  if (!changes.ok()) return ToGrpc(changes.status());
  for (auto& change : *changes) *response->add_changes() = std::move(change);
  return grpc::Status::OK;
}

grpc::Status RegistryService::GetRecord(grpc::ServerContext* context,
                                        const v1::GetRecordRequest* request,
                                        v1::GetRecordResponse* response) {
  auto caller = exchange::CallerIdentity(*context, options_.insecure);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto stored = store_->Get(request->key());
  if (!stored.ok()) return ToGrpc(stored.status());
  if (!stored->has_value()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("no record under '", request->key(), "'"));
  }
  *response->mutable_stored() = std::move(**stored);
  return grpc::Status::OK;
}

}  // namespace tierhub::registry
