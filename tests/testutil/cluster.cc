#include "tests/testutil/cluster.h"

#include <chrono>

#include "grpcpp/client_context.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::testutil {

absl::Status Cluster::Add(const std::string& id, v1::RegionLevel tier, const std::string& region,
                          const std::string& parent, const NodeOptions& options) {
  if (places_.count(id) > 0) return absl::AlreadyExistsError(id + " was added before");
  if (!parent.empty() && places_.count(parent) == 0) {
    return absl::FailedPreconditionError(id + "'s parent " + parent + " was not added");
  }
  absl::Status started = StartNode(NodeSpec{id, tier, region, parent, options});
  if (!started.ok()) return started;
  places_[id] = Place{region, parent};
  order_.push_back(id);
  return absl::OkStatus();
}

absl::StatusOr<v1::SyncStatusResponse> Cluster::SyncStatus(const std::string& id) const {
  const client::ChannelOptions options = AsNode(id, id);
  auto channel = client::MakeChannel(options);
  if (!channel.ok()) return channel.status();
  auto stub = v1::Exchange::NewStub(*channel);
  grpc::ClientContext context;
  client::PrepareContext(options, &context);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::SyncStatusResponse response;
  grpc::Status s = stub->GetSyncStatus(&context, v1::SyncStatusRequest(), &response);
  if (!s.ok()) return absl::UnavailableError(id + ": " + s.error_message());
  return response;
}

::testing::AssertionResult Cluster::WaitForRecordCounts(const std::map<std::string, size_t>& counts,
                                                        absl::Duration bound) {
  return WaitUntil(
      [&] {
        std::map<std::string, size_t> held;
        for (const auto& [id, count] : counts) held[id] = Records(id).size();
        return Holds(held, ::testing::ContainerEq(counts));
      },
      bound, "every node holds its count of records");
}

::testing::AssertionResult Cluster::WaitForConvergence(absl::Duration bound) {
  return WaitUntil([&] { return Converged(); }, bound, "the cluster converges");
}

::testing::AssertionResult Cluster::Converged() const {
  std::map<std::string, v1::SyncStatusResponse> status;
  for (const std::string& id : order_) {
    auto s = SyncStatus(id);
    if (!s.ok()) return ::testing::AssertionFailure() << s.status();
    status[id] = *std::move(s);
  }
  for (const std::string& id : order_) {
    const uint64_t own = status[id].own_origin_seq();
    for (std::string a = parent(id); !a.empty(); a = parent(a)) {
      const auto& watermarks = status[a].watermarks();
      const auto it = watermarks.find(id);
      const uint64_t applied = it != watermarks.end() ? it->second : 0;
      if (applied != own) {
        return ::testing::AssertionFailure()
               << a << " applied " << id << "'s changes up to " << applied << " of " << own;
      }
    }
    if (parent(id).empty()) continue;
    const uint64_t pulled = status[id].downward().last_acked_seq();
    const uint64_t head = status[parent(id)].last_seq();
    if (pulled < head) {
      return ::testing::AssertionFailure()
             << id << " pulled " << parent(id) << "'s log up to " << pulled << " of " << head;
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace tierhub::testutil
