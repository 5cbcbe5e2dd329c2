// Node: one tier node (county, city, province or national; they differ only in config). Wires
// the store, the Exchange and Registry services, the link to the parent, standard health
// checking and reflection, and log retention. Thread-safe.
#ifndef TIERHUB_SERVICES_NODE_NODE_H_
#define TIERHUB_SERVICES_NODE_NODE_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server.h"
#include "services/auth/node_context.h"
#include "services/common/clock.h"
#include "services/common/rpc_streams.h"
#include "services/console/console.h"
#include "services/coordinator/coordinator_service.h"
#include "services/coordinator/freshness.h"
#include "services/coordinator/merge.h"
#include "services/enforcement/electricity_service.h"
#include "services/enforcement/enforcement_service.h"
#include "services/exchange/exchange_service.h"
#include "services/exchange/parent_link.h"
#include "services/exchange/sync_state.h"
#include "services/node/admin_service.h"
#include "services/node/node_hooks.h"
#include "services/plans/plans_service.h"
#include "services/registry/registry_service.h"
#include "services/store/store.h"
#include "tierhub/v1/config.pb.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace tierhub::node {

// The health-checking service name whose status says whether the node's store takes writes
// (the node itself, "", serves reads and status either way; docs/OPERATIONS.md, "Disk full").
inline constexpr char kWritesHealthService[] = "tierhub.writes";

// Level-0 files (of records and index together) from which an idle node compacts them down.
inline constexpr uint64_t kIdleCompactionMinFiles = 4;

class LiveTlsFiles;

// Where a node keeps the copies of its TLS files that its server presents (LiveTlsFiles):
// beside the store, "<store_path>-tls".
std::string TlsCopiesDir(const std::string& store_path);

class Node {
 public:
  struct Options {
    v1::NodeConfig config;
    const Clock* clock = nullptr;  // borrowed; required
    // Paces the node's loops: link backoffs, the merger's retries, maintenance (common/clock.h).
    const Clock* timer = SystemClock::Get();
    absl::Duration maintenance_interval = absl::Minutes(1);  // log retention check
    // After this long without a write, level-0 files of the store's random-key column families
    // (kIdleCompactionMinFiles or more) are compacted down (store::IdleCompactionPolicy).
    // Checked twice as often.
    absl::Duration compact_when_idle_for = absl::Seconds(1);
    absl::Duration link_initial_backoff = absl::Milliseconds(100);
    absl::Duration link_max_backoff = absl::Seconds(10);
    // While the parent does not answer at all (exchange::ParentLinkOptions).
    absl::Duration link_unreachable_max_backoff = absl::Seconds(2);
    // SubmitList and ImportReadings streams: rows, bytes, how many at once, for how long
    // (services/common/limits.h by default; docs/LIMITS.md).
    UploadOptions upload;
    // The store's files go through this Env (a test's fault-injecting file system); borrowed,
    // must outlive the node; nullptr = RocksDB's default.
    rocksdb::Env* env = nullptr;
    // Called once, from the maintenance thread, when only reopening the store gives writes
    // back (Store::ReopenReason: opened read-only on a full disk that has room again, or an
    // error RocksDB judged fatal). The owner should Shutdown() the node and start it again
    // (main.cc does); it must not do so inside the call. Unset: the node logs it and stays.
    std::function<void(const std::string& why)> restart;
  };

  // Validates the config, opens the store, starts serving and linking to the parent.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Node>> Start(Options options);
  ~Node();  // calls Shutdown()

  // Stops accepting calls, lets in-flight ones finish (bounded), stops the parent link, and
  // closes the store. Idempotent.
  void Shutdown();

  // The port the server listens on (useful with listen_address port 0).
  int port() const { return port_; }
  std::string address() const;
  store::Store* store() { return store_.get(); }
  registry::RegistryService* registry() { return registry_.get(); }
  enforcement::EnforcementService* enforcement() { return enforcement_.get(); }
  enforcement::ElectricityWatchService* electricity() { return electricity_.get(); }
  const v1::NodeConfig& config() const { return options_.config; }
  // The web console's port (0 when the config has no `web` section).
  int web_port() const { return console_ != nullptr ? console_->port() : 0; }

  // The sync picture as GetSyncStatus reports its links (without an RPC), filled also when
  // refreshing the upward link's pending changes and lag fails; returns that error.
  [[nodiscard]] absl::Status FillSyncStatusForTest(v1::SyncStatusResponse* out) {
    absl::Status refreshed =
        parent_link_ != nullptr ? parent_link_->RefreshStatus() : absl::OkStatus();
    sync_state_.Fill(out, parent_link_ != nullptr);
    return refreshed;
  }

  // Takes renewed TLS files (SIGHUP in tierhubd): checks tls.ca_file, cert_file and key_file
  // again and, if they pass, serves new connections with them (LiveTlsFiles); open
  // connections, links and data are left alone. Returns the new certificate's expiry, or why
  // the files were refused (the old ones stay). FAILED_PRECONDITION in insecure mode.
  [[nodiscard]] absl::StatusOr<std::string> ReloadTls();

  // Deletes log entries older than the retention that the parent has acknowledged.
  [[nodiscard]] absl::Status ApplyRetention();

 private:
  explicit Node(Options options);
  [[nodiscard]] absl::Status Init();
  void MaintenanceLoop();
  // Health of kWritesHealthService, and the restart request, from the store's write health.
  void CheckStore();

  Options options_;
  const Clock* clock_;
  auth::NodeContext context_;  // what every service knows of this node; set by Init
  NodeHooks hooks_;
  std::unique_ptr<store::Store> store_;
  exchange::SyncState sync_state_;
  std::unique_ptr<exchange::ExchangeService> exchange_;
  std::unique_ptr<registry::RegistryService> registry_;
  std::unique_ptr<coordinator::Freshness> freshness_;  // every node: the as-of view
  std::unique_ptr<coordinator::Merger> merger_;        // coordinator node only
  std::unique_ptr<coordinator::CoordinatorService> coordinator_;
  std::unique_ptr<enforcement::EnforcementService> enforcement_;
  std::unique_ptr<enforcement::ElectricityWatchService> electricity_;
  std::unique_ptr<plans::PlansService> plans_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<exchange::ParentLink> parent_link_;
  std::unique_ptr<LiveTlsFiles> tls_;  // null in insecure mode or if unrenewable
  std::string tls_unrenewable_;        // why the TLS copies could not be made at start
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<console::Console> console_;  // only with a `web` section
  int port_ = 0;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool restart_requested_ = false;  // maintenance thread only
  bool writes_healthy_ = true;      // maintenance thread only: last kWritesHealthService status
  std::thread maintenance_;
};

}  // namespace tierhub::node

#endif  // TIERHUB_SERVICES_NODE_NODE_H_
