// ElectricityWatchService: tierhub.v1.ElectricityWatch. Imports the grid company's monthly
// readings and raises PowerAlerts by the rule of electricity.h, in the readings' own
// Store::Write (one WriteBatch), so a reading is never stored without the alert it raises.
// Readings and alerts are ordinary records and flow up like everything else; listing alerts
// per region uses the index palert/<region>/<month> (enforcement_hooks.h).
//
// Jurisdiction as in the Registry (registry::CheckWritable / ReadRegion): the import's region
// must lie under this node's and the caller's; operators do not write.
//
// Idempotency: the receipt of each import is kept in the store's node-local data under
// "elecimport/<import_id>" (with a SHA-256 of the call) in the import's own WriteBatch, so a
// retry of the same call finds it and writes nothing, and a different call under a used id is
// refused.
//
// Thread-safe. Imports and rechecks of this node are serialised on one mutex (the idempotency
// check, the month totals and the write must not interleave).
#ifndef TIERHUB_SERVICES_ENFORCEMENT_ELECTRICITY_SERVICE_H_
#define TIERHUB_SERVICES_ENFORCEMENT_ELECTRICITY_SERVICE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/auth/identity.h"
#include "services/auth/node_context.h"
#include "services/common/clock.h"
#include "services/common/rpc_streams.h"
#include "services/common/stream_guard.h"
#include "services/store/store.h"
#include "tierhub/v1/electricity.grpc.pb.h"

namespace tierhub::enforcement {

// Node-local key prefix of import receipts.
inline constexpr char kElectricityImportLocalPrefix[] = "elecimport/";

struct ElectricityOptions {
  // The node's threshold in kWh per month (config power_alert_threshold_kwh when > 0);
  // nullopt = kDefaultPowerAlertThresholdKwh.
  std::optional<double> threshold_kwh;
  // What an ImportReadings stream may bring, how many run at once, for how long
  // (docs/LIMITS.md).
  UploadOptions upload;
};

// A whole ImportReadings call, assembled from its chunks.
struct ImportReadingsCall {
  v1::ImportReadingsHeader header;
  std::vector<v1::ReadingRow> rows;
};

class ElectricityWatchService final : public v1::ElectricityWatch::Service {
 public:
  // `store` is borrowed and must outlive the service.
  ElectricityWatchService(const auth::NodeContext& node, ElectricityOptions options,
                          store::Store* store);

  grpc::Status ImportReadings(grpc::ServerContext* context,
                              grpc::ServerReader<v1::ImportReadingsChunk>* reader,
                              v1::ImportReadingsResponse* response) override;
  grpc::Status ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                          v1::ListAlertsResponse* response) override;
  grpc::Status RecheckReadings(grpc::ServerContext* context,
                               const v1::RecheckReadingsRequest* request,
                               v1::RecheckReadingsResponse* response) override;
  grpc::Status UpdateAlert(grpc::ServerContext* context, const v1::UpdateAlertRequest* request,
                           v1::UpdateAlertResponse* response) override;

  // The same without RPC, for a known caller (used by the RPCs and by tests). Error codes as
  // in electricity.proto; nothing is stored when an error is returned.
  [[nodiscard]] absl::StatusOr<v1::ImportReadingsResponse> Import(const auth::Identity& caller,
                                                                  const ImportReadingsCall& call);
  [[nodiscard]] absl::StatusOr<v1::ListAlertsResponse> Alerts(
      const auth::Identity& caller, const v1::ListAlertsRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::RecheckReadingsResponse> Recheck(
      const auth::Identity& caller, const v1::RecheckReadingsRequest& request);
  [[nodiscard]] absl::StatusOr<v1::UpdateAlertResponse> Update(
      const auth::Identity& caller, const v1::UpdateAlertRequest& request);

  // The threshold this node applies when a call gives none.
  double default_threshold_kwh() const;

  // The alerts that the stored readings of `next`'s enterprise raise once `next` (a new
  // version of a case, not yet stored) is known, under this node's threshold: what closing or
  // sealing a case writes in its own batch (EnforcementService), so that no recheck is needed.
  // Months with an alert already stored (open or withdrawn) are left alone.
  [[nodiscard]] absl::StatusOr<std::vector<v1::PowerAlert>> AlertsAfterCase(
      const v1::EnforcementCase& next, const std::string& raised_by) const;

 private:
  struct Facts;  // what is known about one enterprise: its record and shutdown facts

  [[nodiscard]] absl::StatusOr<double> Threshold(bool has, double requested,
                                                 const std::string& field) const;
  [[nodiscard]] absl::StatusOr<const Facts*> FactsFor(const std::string& credit_code,
                                                      std::map<std::string, Facts>* cache) const;
  [[nodiscard]] absl::StatusOr<v1::ImportReadingsResponse> ImportLocked(
      const auth::Identity& caller, const ImportReadingsCall& call, const std::string& digest)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const auth::NodeContext node_;  // a copy: the node context is small
  const ElectricityOptions options_;
  const Clock* const clock_;
  store::Store* const store_;
  StreamGuard import_guard_;
  absl::Mutex mu_;
};

}  // namespace tierhub::enforcement

#endif  // TIERHUB_SERVICES_ENFORCEMENT_ELECTRICITY_SERVICE_H_
