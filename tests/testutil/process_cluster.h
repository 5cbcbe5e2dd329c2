// ProcessCluster: the real-process back end of Cluster (cluster.h). Every node is a tierhubd
// process with mutual TLS on loopback, started by local_cluster::LocalCluster (clients/
// local_cluster), which a test SIGKILLs (Kill, Restart), terminates or SIGSTOPs (pid).
#ifndef TIERHUB_TESTS_TESTUTIL_PROCESS_CLUSTER_H_
#define TIERHUB_TESTS_TESTUTIL_PROCESS_CLUSTER_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "clients/local_cluster/local_cluster.h"
#include "tests/testutil/cluster.h"

namespace tierhub::testutil {

class ProcessCluster final : public Cluster {
 public:
  // `dir` holds configs, stores, certificates and logs.
  using Options = local_cluster::LocalCluster::Options;  // the binary to run, cache size
  explicit ProcessCluster(std::string dir) : local_(std::move(dir)) {}
  ProcessCluster(std::string dir, Options options) : local_(std::move(dir), std::move(options)) {}
  ~ProcessCluster() override = default;  // SIGKILLs every node still running

  void Kill(const std::string& id) { local_.Kill(id); }  // SIGKILL
  // SIGTERM, returns the exit code.
  int Terminate(const std::string& id) { return local_.Terminate(id); }
  bool running(const std::string& id) const { return local_.running(id); }
  // Process id of a running node (-1 if stopped).
  pid_t pid(const std::string& id) const { return local_.pid(id); }
  std::string log_path(const std::string& id) const { return local_.log_path(id); }
  std::string store_path(const std::string& id) const { return local_.store_path(id); }

 private:
  absl::Status StartNode(const NodeSpec& spec) override;
  absl::Status RestartNode(const std::string& id) override { return local_.Restart(id); }
  client::ChannelOptions NodeChannel(const std::string& id,
                                     const std::string& as_node) const override {
    return local_.AsNode(id, as_node);
  }
  absl::StatusOr<client::ChannelOptions> OperatorChannel(const std::string& id,
                                                         const std::string& region,
                                                         const std::string& user) override {
    return local_.OperatorClient(id, region, user);
  }
  absl::StatusOr<client::ChannelOptions> DepartmentChannel(const std::string& id,
                                                           const std::string& department,
                                                           const std::string& region,
                                                           const std::string& user) override {
    return local_.DepartmentClient(id, department, region, user);
  }
  // Through the node's WriteRecords and ListRecords, with its own certificate.
  absl::StatusOr<std::vector<v1::Change>> WriteAsNode(
      const std::string& id, const std::vector<v1::Record>& records) override;
  std::map<std::string, v1::StoredRecord> ReadRecords(const std::string& id,
                                                      const std::string& region) override;

  local_cluster::LocalCluster local_;
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_PROCESS_CLUSTER_H_
