// EnforcementService: tierhub.v1.Enforcement. Opens and advances enforcement cases through the
// state machines of case_machine.h, takes in and routes tip-offs, and exports the disclosure
// lists. Cases and tip-offs are stored as ordinary records (one Store::Write, so one WriteBatch,
// each), so they flow up like everything else; a tip-off's informant goes into the store's
// node-local data in the tip-off's own Store::Write (informant_vault.h), never into the log.
//
// Jurisdiction as in the Registry (registry::CheckWritable): the record's region must lie under
// this node's and the caller's; operators do not write. A department acts only on the
// dimensions it may (domain::DepartmentMayActOn: it leads the dimension, or it is MIIT).
//
// Thread-safe. Read-modify-writes of this node are serialised on one mutex, so two inspectors
// advancing the same case here cannot both win; across nodes the store's version order and
// conflict journal apply, and AdvanceCaseRequest.expected_steps lets a client detect staleness.
#ifndef TIERHUB_SERVICES_ENFORCEMENT_ENFORCEMENT_SERVICE_H_
#define TIERHUB_SERVICES_ENFORCEMENT_ENFORCEMENT_SERVICE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/auth/identity.h"
#include "services/auth/node_context.h"
#include "services/common/clock.h"
#include "services/enforcement/informant_vault.h"
#include "services/store/store.h"
#include "tierhub/v1/electricity.pb.h"
#include "tierhub/v1/enforcement.grpc.pb.h"

namespace tierhub::enforcement {

class EnforcementService final : public v1::Enforcement::Service {
 public:
  // `store` is borrowed and must outlive the service.
  EnforcementService(const auth::NodeContext& node, store::Store* store);

  // What a step that closes or seals a plant writes beside the case, in the same batch: the
  // power alerts its enterprise's stored readings raise now (the node wires
  // ElectricityWatchService::AlertsAfterCase). Unset = none. Call before serving.
  using PowerAlertsAfter = std::function<absl::StatusOr<std::vector<v1::PowerAlert>>(
      const v1::EnforcementCase& next, const std::string& raised_by)>;
  void set_power_alerts_after(PowerAlertsAfter fn) { power_alerts_after_ = std::move(fn); }

  grpc::Status OpenCase(grpc::ServerContext* context, const v1::OpenCaseRequest* request,
                        v1::CaseResponse* response) override;
  grpc::Status AdvanceCase(grpc::ServerContext* context, const v1::AdvanceCaseRequest* request,
                           v1::CaseResponse* response) override;
  grpc::Status GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                       v1::CaseResponse* response) override;
  grpc::Status ListOverdue(grpc::ServerContext* context, const v1::ListOverdueRequest* request,
                           v1::ListOverdueResponse* response) override;
  grpc::Status SubmitTipOff(grpc::ServerContext* context, const v1::SubmitTipOffRequest* request,
                            v1::TipOffResponse* response) override;
  grpc::Status VerifyTipOff(grpc::ServerContext* context, const v1::VerifyTipOffRequest* request,
                            v1::TipOffResponse* response) override;
  grpc::Status GetTipOff(grpc::ServerContext* context, const v1::GetTipOffRequest* request,
                         v1::TipOffResponse* response) override;
  grpc::Status ExportDisclosure(grpc::ServerContext* context,
                                const v1::ExportDisclosureRequest* request,
                                v1::ExportDisclosureResponse* response) override;
  grpc::Status ExportDisclosureStream(
      grpc::ServerContext* context, const v1::ExportDisclosureRequest* request,
      grpc::ServerWriter<v1::ExportDisclosureChunk>* writer) override;

  // The same without RPC, for a known caller (used by the RPCs and by tests). Error codes as
  // in enforcement.proto; nothing is stored when an error is returned.
  [[nodiscard]] absl::StatusOr<v1::CaseResponse> Open(const auth::Identity& caller,
                                                      const v1::OpenCaseRequest& request);
  [[nodiscard]] absl::StatusOr<v1::CaseResponse> Advance(const auth::Identity& caller,
                                                         const v1::AdvanceCaseRequest& request);
  [[nodiscard]] absl::StatusOr<v1::CaseResponse> Get(const auth::Identity& caller,
                                                     const v1::GetCaseRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::ListOverdueResponse> Overdue(
      const auth::Identity& caller, const v1::ListOverdueRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::TipOffResponse> SubmitTip(
      const auth::Identity& caller, const v1::SubmitTipOffRequest& request);
  [[nodiscard]] absl::StatusOr<v1::TipOffResponse> VerifyTip(
      const auth::Identity& caller, const v1::VerifyTipOffRequest& request);
  [[nodiscard]] absl::StatusOr<v1::TipOffResponse> GetTip(
      const auth::Identity& caller, const v1::GetTipOffRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::ExportDisclosureResponse> Export(
      const auth::Identity& caller, const v1::ExportDisclosureRequest& request) const;

 private:
  [[nodiscard]] absl::Status CheckWrite(const auth::Identity& caller, const std::string& region,
                                        v1::Dimension dimension) const;
  [[nodiscard]] absl::StatusOr<v1::EnforcementCase> LoadCase(const std::string& case_id) const;
  // Writes `record` and the node-local puts `local` in one Store::Write (one WriteBatch).
  [[nodiscard]] absl::Status Commit(const auth::Identity& caller, v1::Record record,
                                    std::vector<store::LocalPut> local = {},
                                    std::vector<v1::PowerAlert> alerts = {})
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  v1::CaseResponse Respond(v1::EnforcementCase c) const;

  const auth::NodeContext node_;  // a copy: the node context is small
  const Clock* const clock_;
  store::Store* const store_;
  PowerAlertsAfter power_alerts_after_;
  absl::Mutex mu_;
};

}  // namespace tierhub::enforcement

#endif  // TIERHUB_SERVICES_ENFORCEMENT_ENFORCEMENT_SERVICE_H_
