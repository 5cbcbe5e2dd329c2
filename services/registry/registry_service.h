// RegistryService: writes and reads of records by people and systems at this node
// (tierhub.v1.Registry): generic records, department list submissions, rounds, and queries.
// Every write is checked against the caller's jurisdiction and this node's, validated, and
// committed as one durable batch. Thread-safe.
#ifndef TIERHUB_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define TIERHUB_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "services/auth/identity.h"
#include "services/common/rpc_streams.h"
#include "services/common/stream_guard.h"
#include "services/domain/screening_cases.h"
#include "services/registry/lists.h"
#include "services/store/store.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::registry {

class RegistryService final : public v1::Registry::Service {
 public:
  // `store` is borrowed and must outlive the service. `upload` bounds SubmitList streams
  // (docs/LIMITS.md).
  RegistryService(const auth::NodeContext& node, store::Store* store, UploadOptions upload = {});

  grpc::Status WriteRecords(grpc::ServerContext* context, const v1::WriteRecordsRequest* request,
                            v1::WriteRecordsResponse* response) override;
  grpc::Status GetRecord(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                         v1::GetRecordResponse* response) override;
  grpc::Status RescreenEquipment(grpc::ServerContext* context,
                                 const v1::RescreenEquipmentRequest* request,
                                 v1::RescreenEquipmentResponse* response) override;

  // RescreenEquipment without RPC.
  [[nodiscard]] absl::StatusOr<v1::RescreenEquipmentResponse> Rescreen(
      const auth::Identity& caller, const std::string& region_code);
  grpc::Status SubmitList(grpc::ServerContext* context,
                          grpc::ServerReader<v1::SubmitListChunk>* reader,
                          v1::SubmitListResponse* response) override;
  grpc::Status WithdrawSubmission(grpc::ServerContext* context,
                                  const v1::WithdrawSubmissionRequest* request,
                                  v1::SubmitListResponse* response) override;
  grpc::Status GetSubmission(grpc::ServerContext* context, const v1::GetSubmissionRequest* request,
                             v1::GetSubmissionResponse* response) override;
  grpc::Status ListEntries(grpc::ServerContext* context, const v1::ListEntriesRequest* request,
                           v1::ListEntriesResponse* response) override;
  grpc::Status PutRounds(grpc::ServerContext* context, const v1::PutRoundsRequest* request,
                         v1::PutRoundsResponse* response) override;
  grpc::Status CloseRound(grpc::ServerContext* context, const v1::CloseRoundRequest* request,
                          v1::PutRoundsResponse* response) override;
  grpc::Status GrantLateWaiver(grpc::ServerContext* context,
                               const v1::GrantLateWaiverRequest* request,
                               v1::GrantLateWaiverResponse* response) override;
  grpc::Status ListRounds(grpc::ServerContext* context, const v1::ListRoundsRequest* request,
                          v1::PutRoundsResponse* response) override;
  grpc::Status ListEnterprises(grpc::ServerContext* context,
                               const v1::ListEnterprisesRequest* request,
                               v1::ListEnterprisesResponse* response) override;
  grpc::Status ListEquipment(grpc::ServerContext* context, const v1::ListEquipmentRequest* request,
                             v1::ListEquipmentResponse* response) override;

  // The write path without RPC: checks jurisdiction for `caller`, then writes. Every bad item
  // is named in the error ("records[3]: ..."). Used by the service and by tests.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Change>> Write(
      const auth::Identity& caller, const v1::WriteRecordsRequest& request);

  // Lists, rounds and queries without RPC.
  Lists& lists() { return lists_; }

  // Rows SubmitList streams have read into memory since start (refused streams included).
  uint64_t SubmitRowsReadForTest() const { return submit_rows_read_.load(); }
  const StreamGuard& submit_guard() const { return submit_guard_; }

 private:
  // The case mutation that screening `equipment` calls for (none if nothing is to be written),
  // found and written by `caller`: "found one, eliminate one" without typing.
  absl::StatusOr<std::optional<store::Mutation>> ScreeningMutation(
      const auth::Identity& caller, const v1::Equipment& equipment,
      domain::ScreeningOutcome* outcome);

  const auth::NodeContext node_;
  store::Store* const store_;
  Lists lists_;
  const UploadLimits upload_limits_;
  StreamGuard submit_guard_;
  std::atomic<uint64_t> submit_rows_read_{0};
};

}  // namespace tierhub::registry

#endif  // TIERHUB_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
