// RegistryService: writes and reads of records by people and systems at this node
// (tierhub.v1.Registry). Every write is checked against the caller's jurisdiction and this
// node's, validated, and committed as one durable batch. Thread-safe.
#ifndef TIERHUB_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define TIERHUB_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <string>

#include "services/exchange/identity.h"
#include "services/store/store.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::registry {

struct RegistryOptions {
  std::string node_id;
  std::string region_code;
  bool is_root = false;   // only the top node writes global reference data (e.g. rounds)
  bool insecure = false;
};

class RegistryService final : public v1::Registry::Service {
 public:
  // `store` is borrowed and must outlive the service.
  RegistryService(RegistryOptions options, store::Store* store);

  grpc::Status WriteRecords(grpc::ServerContext* context, const v1::WriteRecordsRequest* request,
                            v1::WriteRecordsResponse* response) override;
  grpc::Status GetRecord(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                         v1::GetRecordResponse* response) override;

  // The write path without RPC: checks jurisdiction for `caller`, then writes. Every bad item
  // is named in the error ("records[3]: ..."). Used by the service and by tests.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Change>> Write(
      const exchange::Identity& caller, const v1::WriteRecordsRequest& request);

 private:
  // Why `caller` may not write a record about `region` here, or OK.
  absl::Status CheckWritable(const exchange::Identity& caller, const std::string& region) const;

  const RegistryOptions options_;
  store::Store* const store_;
};

}  // namespace tierhub::registry

#endif  // TIERHUB_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
