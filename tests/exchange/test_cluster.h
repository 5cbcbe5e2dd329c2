// In-process clusters of tier nodes for exchange tests: every node is a real Node with its own
// RocksDB store in a temp directory and a real gRPC server on a loopback port chosen by the OS,
// running in the insecure development mode so tests need no certificates.
#ifndef TIERHUB_TESTS_EXCHANGE_TEST_CLUSTER_H_
#define TIERHUB_TESTS_EXCHANGE_TEST_CLUSTER_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"
#include "services/auth/identity.h"
#include "services/common/clock.h"
#include "services/node/node.h"
#include "tierhub/v1/change.pb.h"
#include "tierhub/v1/exchange.pb.h"

namespace tierhub::testutil {

// Waits until `done` is true, checking every few milliseconds, for at most `timeout`.
bool WaitUntil(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(30));

// A synthetic enterprise (valid credit code registered in `region`, clearly fictitious name).
v1::Record MakeEnterprise(const std::string& region, int serial,
                          v1::OperatingStatus status = v1::OPERATING_STATUS_OPERATING);

// A Push stream's opening hello from child `node` of `region`.
v1::PushRequest HelloRequest(const std::string& node, const std::string& region);
// Opens a Push to `address` as `identity` (the insecure test header), says hello as (`node`,
// `region`) and, if welcomed, sends `batch`: the stream's final status (OK if the batch was
// acknowledged).
grpc::Status PushAs(const std::string& address, const std::string& identity,
                    const std::string& node, const std::string& region,
                    const v1::PushRequest& batch);
// A Push batch (covering child log seq 1) of one change as child `origin` (of `origin_region`)
// would send it: the first change of that origin, about MakeEnterprise(record_region, serial).
v1::PushRequest PushOneEnterprise(const std::string& origin, const std::string& origin_region,
                                  const std::string& record_region, int serial);

class TestCluster {
 public:
  explicit TestCluster(std::string root_dir, const Clock* clock = nullptr);
  ~TestCluster();

  // Starts a node. `parent` must have been added before ("" for the root).
  absl::Status Add(const std::string& id, v1::RegionLevel tier, const std::string& region,
                   const std::string& parent, uint32_t retention_seconds = 0);
  // Shuts a node down (its store stays on disk).
  void Stop(const std::string& id);
  // Starts a stopped node again on the same store; `parent_address` overrides the parent's.
  absl::Status Restart(const std::string& id, const std::string& parent_address = "");

  // Node `id`'s store goes through `env` whenever it starts from now on (borrowed; must outlive
  // the node): a testutil::FaultyEnv fills its disk or fails its syncs and reads.
  void SetStoreEnv(const std::string& id, rocksdb::Env* env) { envs_[id] = env; }
  // Whether node `id` asked to be restarted (node::Node::Options::restart) since it started.
  bool RestartRequested(const std::string& id) const;

  // The parent links' backoff of nodes started from now on (20 ms doubling to 200 ms, and to
  // 200 ms while the parent is unreachable, unless set).
  void SetLinkBackoff(absl::Duration initial, absl::Duration max, absl::Duration unreachable_max);

  node::Node* node(const std::string& id) { return nodes_.at(id).node.get(); }
  std::string address(const std::string& id) const { return nodes_.at(id).address; }

  // Writes as the node itself (identity node:<region>:<id>).
  absl::StatusOr<std::vector<v1::Change>> Write(const std::string& id,
                                                const std::vector<v1::Record>& records);
  // Live records of a node (key -> stored), optionally only those about regions under `region`.
  std::map<std::string, v1::StoredRecord> Records(const std::string& id,
                                                  const std::string& region = "");

 private:
  struct Entry {
    v1::NodeConfig config;
    std::unique_ptr<node::Node> node;
    std::string address;  // fixed after the first start so children can find it again
  };
  absl::Status StartEntry(Entry& entry);

  std::string root_dir_;
  const Clock* clock_;
  absl::Duration link_initial_backoff_ = absl::Milliseconds(20);
  absl::Duration link_max_backoff_ = absl::Milliseconds(200);
  absl::Duration link_unreachable_max_backoff_ = absl::Milliseconds(200);
  std::map<std::string, Entry> nodes_;
  std::map<std::string, rocksdb::Env*> envs_;
  mutable absl::Mutex restart_mu_;
  std::set<std::string> restart_requested_ ABSL_GUARDED_BY(restart_mu_);
  std::vector<std::string> order_;  // in the order added: parents before children
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_EXCHANGE_TEST_CLUSTER_H_
