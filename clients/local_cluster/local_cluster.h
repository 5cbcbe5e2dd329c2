// LocalCluster: a tree of real tierhubd processes on loopback with mutual TLS, for the system
// tests' process back end (tests/testutil/process_cluster.h) and the benchmarks (bench/). It
// issues dev CA certificates with this source tree's deploy/dev-ca.sh, writes each node's config,
// starts the processes and hands out the channel options of clients of every identity kind. Ports
// are chosen by the OS at first start and kept across restarts so that children find their parent
// again. A client of the nodes: it uses the protos and the client library only.
// Not thread-safe: one thread drives a cluster.
#ifndef TIERHUB_CLIENTS_LOCAL_CLUSTER_LOCAL_CLUSTER_H_
#define TIERHUB_CLIENTS_LOCAL_CLUSTER_LOCAL_CLUSTER_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/local_cluster/process.h"
#include "services/client/channel.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::local_cluster {

class LocalCluster {
 public:
  struct Options {
    uint32_t block_cache_mb = 8;  // NodeConfig.block_cache_mb of every node
    std::string tierhubd;         // the binary to run; "" = this build's tierhubd
  };

  // `dir` holds configs, stores, certificates and logs.
  explicit LocalCluster(std::string dir) : LocalCluster(std::move(dir), Options()) {}
  LocalCluster(std::string dir, Options options);
  ~LocalCluster();  // SIGKILLs every node still running
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  // How one node runs, beyond its place in the tree.
  struct NodeOptions {
    bool coordinator = false;            // NodeConfig.coordinator: runs the merger
    uint32_t log_retention_seconds = 0;  // NodeConfig.log_retention_seconds; 0 = the default
    std::string extra_config;  // more NodeConfig text format, e.g. a `web { ... }` section
  };

  // Issues the node's certificate and starts it (the parent must run already). DEADLINE_EXCEEDED
  // naming the log file if it does not serve within 30 s.
  [[nodiscard]] absl::Status Add(const std::string& id, v1::RegionLevel tier,
                                 const std::string& region, const std::string& parent) {
    return Add(id, tier, region, parent, NodeOptions());
  }
  [[nodiscard]] absl::Status Add(const std::string& id, v1::RegionLevel tier,
                                 const std::string& region, const std::string& parent,
                                 const NodeOptions& node_options);
  // Kills the node if it runs, then starts it again on the same store and port.
  [[nodiscard]] absl::Status Restart(const std::string& id);
  void Kill(const std::string& id);      // SIGKILL
  int Terminate(const std::string& id);  // SIGTERM, returns the exit code
  bool running(const std::string& id) const { return nodes_.at(id).process->running(); }
  // Process id of a running node (-1 if stopped).
  pid_t pid(const std::string& id) const { return nodes_.at(id).process->pid(); }

  // Issues a certificate (a dev-ca.sh command line after the directory) and returns the
  // channel options of a client using it against node `id`.
  [[nodiscard]] absl::StatusOr<client::ChannelOptions> Client(
      const std::string& id, const std::string& cert_name,
      const std::vector<std::string>& issue_args);
  // Issues (once per cluster) the department certificate `dept:<department>:<region>:<user>`
  // (`department` as in dev-ca.sh, e.g. "ECO") and returns the channel options of a client
  // using it against node `id`.
  [[nodiscard]] absl::StatusOr<client::ChannelOptions> DepartmentClient(
      const std::string& id, const std::string& department, const std::string& region,
      const std::string& user = "clerk");
  // The same for an operator certificate `ops:<region>:<user>`.
  [[nodiscard]] absl::StatusOr<client::ChannelOptions> OperatorClient(
      const std::string& id, const std::string& region, const std::string& user = "ops");
  // Channel options using node `as_node`'s own certificate against node `id`.
  client::ChannelOptions AsNode(const std::string& id, const std::string& as_node) const;

  std::string log_path(const std::string& id) const { return dir_ + "/" + id + ".log"; }
  std::string store_path(const std::string& id) const { return dir_ + "/" + id + ".db"; }

 private:
  struct Entry {
    std::string id, region, parent;
    v1::RegionLevel tier = v1::REGION_LEVEL_UNSPECIFIED;
    NodeOptions options;
    int port = 0;
    std::unique_ptr<Process> process;
  };
  absl::Status Launch(Entry& entry);
  absl::Status Issue(const std::vector<std::string>& args);
  // Issues a client certificate named `cert_name` unless this cluster did already.
  absl::StatusOr<client::ChannelOptions> IssuedClient(const std::string& id,
                                                      const std::string& cert_name,
                                                      const std::vector<std::string>& args);

  std::string dir_;
  Options options_;
  std::map<std::string, Entry> nodes_;
  std::set<std::string> issued_clients_;  // certificate names issued by IssuedClient
};

}  // namespace tierhub::local_cluster

#endif  // TIERHUB_CLIENTS_LOCAL_CLUSTER_LOCAL_CLUSTER_H_
