// Calls a test makes against one node of a ProcessCluster, as that node's own certificate:
// writes, sync status, live records and digests. Each call opens its own channel and has a
// 5 s deadline (the listing 30 s), so a dead or hung node answers with an error, not a wait.
#ifndef TIERHUB_TESTS_SYSTEM_CLUSTER_CALLS_H_
#define TIERHUB_TESTS_SYSTEM_CLUSTER_CALLS_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/client_context.h"
#include "services/client/channel.h"
#include "services/common/grpc_status.h"
#include "tests/testutil/process_cluster.h"
#include "tierhub/v1/exchange.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::testutil {

// One node of a test's tree, listed parents first; `writes` is the region of the enterprises a
// test writes there (null: the node's own).
struct NodeSpec {
  const char* id;
  v1::RegionLevel tier;
  const char* region;
  const char* parent;
  const char* writes = nullptr;
};

inline void SetDeadline(grpc::ClientContext* context, int seconds) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

// A stub of `Service` (v1::Exchange, v1::Registry) on node `id`, as the node itself.
template <typename Service>
absl::StatusOr<std::unique_ptr<typename Service::Stub>> StubAt(const ProcessCluster& cluster,
                                                               const std::string& id) {
  auto channel = client::MakeChannel(cluster.AsNode(id, id));
  if (!channel.ok()) return channel.status();
  return Service::NewStub(*channel);
}

// WriteRecords at node `id`: OK once the records are durable there.
inline absl::Status WriteAt(const ProcessCluster& cluster, const std::string& id,
                            const std::vector<v1::Record>& records) {
  auto stub = StubAt<v1::Registry>(cluster, id);
  if (!stub.ok()) return stub.status();
  grpc::ClientContext context;
  SetDeadline(&context, 5);
  v1::WriteRecordsRequest request;
  for (const auto& r : records) *request.add_records() = r;
  v1::WriteRecordsResponse response;
  return FromGrpc((*stub)->WriteRecords(&context, request, &response));
}

inline absl::StatusOr<v1::SyncStatusResponse> SyncStatusOf(const ProcessCluster& cluster,
                                                           const std::string& id) {
  auto stub = StubAt<v1::Exchange>(cluster, id);
  if (!stub.ok()) return stub.status();
  grpc::ClientContext context;
  SetDeadline(&context, 5);
  v1::SyncStatusResponse response;
  absl::Status s = FromGrpc((*stub)->GetSyncStatus(&context, v1::SyncStatusRequest(), &response));
  if (!s.ok()) return s;
  return response;
}

// The records and their digest (GetDigest) of node `id` under `key_prefix`.
inline absl::StatusOr<v1::DigestResponse> DigestOf(const ProcessCluster& cluster,
                                                   const std::string& id,
                                                   const std::string& key_prefix = "") {
  auto stub = StubAt<v1::Exchange>(cluster, id);
  if (!stub.ok()) return stub.status();
  grpc::ClientContext context;
  SetDeadline(&context, 30);
  v1::DigestRequest request;
  request.set_key_prefix(key_prefix);
  v1::DigestResponse response;
  absl::Status s = FromGrpc((*stub)->GetDigest(&context, request, &response));
  if (!s.ok()) return s;
  return response;
}

// The conflict journal of node `id` (ListConflicts, up to 1000).
inline absl::StatusOr<v1::ListConflictsResponse> ConflictsOf(const ProcessCluster& cluster,
                                                             const std::string& id) {
  auto stub = StubAt<v1::Exchange>(cluster, id);
  if (!stub.ok()) return stub.status();
  grpc::ClientContext context;
  SetDeadline(&context, 30);
  v1::ListConflictsResponse response;
  absl::Status s =
      FromGrpc((*stub)->ListConflicts(&context, v1::ListConflictsRequest(), &response));
  if (!s.ok()) return s;
  return response;
}

// Live records of node `id` (key -> stored), through its ListRecords.
inline absl::StatusOr<std::map<std::string, v1::StoredRecord>> LiveRecordsOf(
    const ProcessCluster& cluster, const std::string& id) {
  auto stub = StubAt<v1::Exchange>(cluster, id);
  if (!stub.ok()) return stub.status();
  grpc::ClientContext context;
  SetDeadline(&context, 30);
  auto reader = (*stub)->ListRecords(&context, v1::ListRecordsRequest());
  std::map<std::string, v1::StoredRecord> out;
  v1::ListRecordsResponse chunk;
  while (reader->Read(&chunk)) {
    for (const auto& entry : chunk.records()) {
      if (entry.stored().has_record()) out[entry.key()] = entry.stored();
    }
  }
  absl::Status s = FromGrpc(reader->Finish());
  if (!s.ok()) return s;
  return out;
}

// Whether `root` has applied every other node's own changes, up to that node's own sequence
// (false while any node does not answer).
inline bool RootHasEveryOrigin(const ProcessCluster& cluster, const std::vector<NodeSpec>& nodes,
                               const std::string& root) {
  auto province = SyncStatusOf(cluster, root);
  if (!province.ok()) return false;
  for (const NodeSpec& s : nodes) {
    if (s.id == root) continue;
    auto node = SyncStatusOf(cluster, s.id);
    if (!node.ok()) return false;
    auto it = province->watermarks().find(s.id);
    if (it == province->watermarks().end() || it->second != node->own_origin_seq()) return false;
  }
  return true;
}

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_SYSTEM_CLUSTER_CALLS_H_
