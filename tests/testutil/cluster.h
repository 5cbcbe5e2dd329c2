// Cluster: a tree of tier nodes on loopback that a test builds, writes to, restarts and reads,
// with one interface over two back ends (as Kudu's mini-cluster):
//   - InProcessCluster (in_process_cluster.h): node::Node objects in the test's process, in the
//     insecure development mode, on a clock the test may fake; fast, and the test can reach into
//     a node's store and services.
//   - ProcessCluster (process_cluster.h): real tierhubd processes with mutual TLS, which the test
//     SIGKILLs, SIGSTOPs or terminates.
// A test body written against Cluster runs on either (tests/system/cluster_backends_test.cc).
// Not thread-safe: one thread drives a cluster.
#ifndef TIERHUB_TESTS_TESTUTIL_CLUSTER_H_
#define TIERHUB_TESTS_TESTUTIL_CLUSTER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/client/channel.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/change.pb.h"
#include "tierhub/v1/domain.pb.h"
#include "tierhub/v1/exchange.pb.h"

namespace tierhub::testutil {

class Cluster {
 public:
  // How one node runs, beyond its place in the tree.
  struct NodeOptions {
    bool coordinator = false;            // NodeConfig.coordinator: runs the merger
    uint32_t log_retention_seconds = 0;  // NodeConfig.log_retention_seconds; 0 = the default
  };

  virtual ~Cluster() = default;

  // Starts node `id` of `tier` for `region` under `parent` ("" for the root), which must have
  // been added before; the node's store lives as long as the cluster.
  [[nodiscard]] absl::Status Add(const std::string& id, v1::RegionLevel tier,
                                 const std::string& region, const std::string& parent,
                                 const NodeOptions& options);
  [[nodiscard]] absl::Status Add(const std::string& id, v1::RegionLevel tier,
                                 const std::string& region, const std::string& parent) {
    return Add(id, tier, region, parent, NodeOptions());
  }
  // Stops node `id` if it runs (in process: shut down; processes: SIGKILL) and starts it again
  // on the same store and port.
  [[nodiscard]] absl::Status Restart(const std::string& id) { return RestartNode(id); }

  // Channel options of a client of node `id`: as node `as_node` (its own identity), as the
  // operator `ops:<region>:<user>`, or as the department clerk `dept:<department>:<region>:<user>`
  // (`department` as in deploy/dev-ca.sh, e.g. "ECO").
  client::ChannelOptions AsNode(const std::string& id, const std::string& as_node) const {
    return NodeChannel(id, as_node);
  }
  [[nodiscard]] absl::StatusOr<client::ChannelOptions> OperatorClient(
      const std::string& id, const std::string& region, const std::string& user = "ops") {
    return OperatorChannel(id, region, user);
  }
  [[nodiscard]] absl::StatusOr<client::ChannelOptions> DepartmentClient(
      const std::string& id, const std::string& department, const std::string& region,
      const std::string& user = "clerk") {
    return DepartmentChannel(id, department, region, user);
  }

  // Writes `records` at node `id` as the node itself: the changes as written.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Change>> Write(
      const std::string& id, const std::vector<v1::Record>& records) {
    return WriteAsNode(id, records);
  }
  // Live records of node `id` (key -> stored), optionally only those about regions under
  // `region`; empty if the node cannot be read (the test's expectations then fail).
  std::map<std::string, v1::StoredRecord> Records(const std::string& id,
                                                  const std::string& region = "") {
    return ReadRecords(id, region);
  }
  // Waits, for at most `bound`, until each node named holds exactly its count of live records;
  // the failure shows every node's count at the last look.
  [[nodiscard]] ::testing::AssertionResult WaitForRecordCounts(
      const std::map<std::string, size_t>& counts, absl::Duration bound = kWaitBound);
  // Node `id`'s GetSyncStatus, called as the node itself; UNAVAILABLE if it does not answer.
  [[nodiscard]] absl::StatusOr<v1::SyncStatusResponse> SyncStatus(const std::string& id) const;

  // Waits, for at most `bound`, until the tree is at rest: every node's own changes are applied
  // at each of its ancestors, and every child has pulled its parent's log up to its head.
  // REQUIRES: every node runs. The failure names the first node not there yet.
  [[nodiscard]] ::testing::AssertionResult WaitForConvergence(absl::Duration bound = kWaitBound);

  // The nodes in the order added (parents before children), and each one's place.
  const std::vector<std::string>& ids() const { return order_; }
  const std::string& region(const std::string& id) const { return places_.at(id).region; }
  const std::string& parent(const std::string& id) const { return places_.at(id).parent; }

 protected:
  struct NodeSpec {
    std::string id;
    v1::RegionLevel tier = v1::REGION_LEVEL_UNSPECIFIED;
    std::string region;
    std::string parent;
    NodeOptions options;
  };

 private:
  // The back end: how a node starts and restarts, how a client reaches it, how the node
  // itself writes and reads.
  virtual absl::Status StartNode(const NodeSpec& spec) = 0;
  virtual absl::Status RestartNode(const std::string& id) = 0;
  virtual client::ChannelOptions NodeChannel(const std::string& id,
                                             const std::string& as_node) const = 0;
  virtual absl::StatusOr<client::ChannelOptions> OperatorChannel(const std::string& id,
                                                                 const std::string& region,
                                                                 const std::string& user) = 0;
  virtual absl::StatusOr<client::ChannelOptions> DepartmentChannel(const std::string& id,
                                                                   const std::string& department,
                                                                   const std::string& region,
                                                                   const std::string& user) = 0;
  virtual absl::StatusOr<std::vector<v1::Change>> WriteAsNode(
      const std::string& id, const std::vector<v1::Record>& records) = 0;
  virtual std::map<std::string, v1::StoredRecord> ReadRecords(const std::string& id,
                                                              const std::string& region) = 0;

  // Whether the tree is at rest now; if not, which node is behind and by how much.
  ::testing::AssertionResult Converged() const;

  struct Place {
    std::string region, parent;
  };
  std::map<std::string, Place> places_;
  std::vector<std::string> order_;
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_CLUSTER_H_
