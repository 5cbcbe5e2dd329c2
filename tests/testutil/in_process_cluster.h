// InProcessCluster: the in-process back end of Cluster (cluster.h). Every node is a real
// node::Node with its own RocksDB store in a temp directory and a real gRPC server on a loopback
// port chosen by the OS, in the insecure development mode so that tests need no certificates,
// and on the clock the test gives (a FakeClock drives retention, rounds and deadlines).
#ifndef TIERHUB_TESTS_TESTUTIL_IN_PROCESS_CLUSTER_H_
#define TIERHUB_TESTS_TESTUTIL_IN_PROCESS_CLUSTER_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/node/node.h"
#include "tests/testutil/cluster.h"
#include "tierhub/v1/change.pb.h"

namespace tierhub::testutil {

class InProcessCluster final : public Cluster {
 public:
  // Stores go under `root_dir`; every node dates what it records by `clock` (borrowed, must
  // outlive the cluster; nullptr = the system clock).
  explicit InProcessCluster(std::string root_dir, const Clock* clock = nullptr);
  ~InProcessCluster() override;

  using Cluster::Restart;
  // Restart(id), with `parent_address` instead of the parent's (an unreachable one, say).
  [[nodiscard]] absl::Status Restart(const std::string& id, const std::string& parent_address);
  // Shuts a node down (its store stays on disk).
  void Stop(const std::string& id);

  // Node `id`'s store goes through `env` whenever it starts from now on (borrowed; must outlive
  // the node): a testutil::FaultyEnv fills its disk or fails its syncs and reads.
  void SetStoreEnv(const std::string& id, rocksdb::Env* env) { envs_[id] = env; }
  // Whether node `id` asked to be restarted (node::Node::Options::restart) since it started.
  bool RestartRequested(const std::string& id) const;

  // The parent links' backoff of nodes started from now on (20 ms doubling to 200 ms, and to
  // 200 ms while the parent is unreachable, unless set).
  void SetLinkBackoff(absl::Duration initial, absl::Duration max, absl::Duration unreachable_max);

  // A WaitUntil predicate: node `id` holds a live record at `key` for which `check` (if set)
  // is true; if not, what it holds there.
  ::testing::AssertionResult LiveAt(const std::string& id, const std::string& key,
                                    const std::function<bool(const v1::Record&)>& check = nullptr);

  // The running node `id` (null while stopped).
  node::Node* node(const std::string& id) { return nodes_.at(id).node.get(); }
  std::string address(const std::string& id) const { return nodes_.at(id).address; }

 private:
  struct Entry {
    v1::NodeConfig config;
    std::unique_ptr<node::Node> node;
    std::string address;  // fixed after the first start so children can find it again
  };
  absl::Status StartEntry(Entry& entry);

  absl::Status StartNode(const NodeSpec& spec) override;
  absl::Status RestartNode(const std::string& id) override;
  client::ChannelOptions NodeChannel(const std::string& id,
                                     const std::string& as_node) const override;
  absl::StatusOr<client::ChannelOptions> OperatorChannel(const std::string& id,
                                                         const std::string& region,
                                                         const std::string& user) override;
  absl::StatusOr<client::ChannelOptions> DepartmentChannel(const std::string& id,
                                                           const std::string& department,
                                                           const std::string& region,
                                                           const std::string& user) override;
  // Straight into the node's registry and store, without an RPC.
  absl::StatusOr<std::vector<v1::Change>> WriteAsNode(
      const std::string& id, const std::vector<v1::Record>& records) override;
  std::map<std::string, v1::StoredRecord> ReadRecords(const std::string& id,
                                                      const std::string& region) override;
  // A client of node `id` calling as `common_name` (the insecure identity header).
  client::ChannelOptions Insecure(const std::string& id, const std::string& common_name) const;

  std::string root_dir_;
  const Clock* clock_;
  absl::Duration link_initial_backoff_ = absl::Milliseconds(20);
  absl::Duration link_max_backoff_ = absl::Milliseconds(200);
  absl::Duration link_unreachable_max_backoff_ = absl::Milliseconds(200);
  std::map<std::string, Entry> nodes_;
  std::map<std::string, rocksdb::Env*> envs_;
  mutable absl::Mutex restart_mu_;
  std::set<std::string> restart_requested_ ABSL_GUARDED_BY(restart_mu_);
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_IN_PROCESS_CLUSTER_H_
