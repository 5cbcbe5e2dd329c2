#include "tests/testutil/process_cluster.h"

#include <chrono>

#include "grpcpp/client_context.h"
#include "services/auth/jurisdiction.h"
#include "services/common/grpc_status.h"
#include "services/domain/validation.h"
#include "tierhub/v1/exchange.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::testutil {

absl::Status ProcessCluster::StartNode(const NodeSpec& spec) {
  local_cluster::LocalCluster::NodeOptions options;
  options.coordinator = spec.options.coordinator;
  options.log_retention_seconds = spec.options.log_retention_seconds;
  return local_.Add(spec.id, spec.tier, spec.region, spec.parent, options);
}

absl::StatusOr<std::vector<v1::Change>> ProcessCluster::WriteAsNode(
    const std::string& id, const std::vector<v1::Record>& records) {
  auto channel = client::MakeChannel(local_.AsNode(id, id));
  if (!channel.ok()) return channel.status();
  auto stub = v1::Registry::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::WriteRecordsRequest request;
  for (const v1::Record& r : records) *request.add_records() = r;
  v1::WriteRecordsResponse response;
  grpc::Status s = stub->WriteRecords(&context, request, &response);
  if (!s.ok()) return FromGrpc(s);
  return std::vector<v1::Change>(response.changes().begin(), response.changes().end());
}

std::map<std::string, v1::StoredRecord> ProcessCluster::ReadRecords(const std::string& id,
                                                                    const std::string& region) {
  std::map<std::string, v1::StoredRecord> out;
  auto channel = client::MakeChannel(local_.AsNode(id, id));
  if (!channel.ok()) return out;
  auto stub = v1::Exchange::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = stub->ListRecords(&context, v1::ListRecordsRequest());
  v1::ListRecordsResponse chunk;
  while (reader->Read(&chunk)) {
    for (const auto& entry : chunk.records()) {
      if (!entry.stored().has_record()) continue;
      if (region.empty() ||
          auth::InJurisdiction(region, domain::RecordRegion(entry.stored().record()))) {
        out[entry.key()] = entry.stored();
      }
    }
  }
  if (!reader->Finish().ok()) out.clear();
  return out;
}

}  // namespace tierhub::testutil
