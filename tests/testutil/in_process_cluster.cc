#include "tests/testutil/in_process_cluster.h"

#include "absl/strings/str_cat.h"
#include "services/auth/identity.h"
#include "services/auth/jurisdiction.h"
#include "services/domain/validation.h"

namespace tierhub::testutil {

InProcessCluster::InProcessCluster(std::string root_dir, const Clock* clock)
    : root_dir_(std::move(root_dir)), clock_(clock != nullptr ? clock : SystemClock::Get()) {}

InProcessCluster::~InProcessCluster() {
  // Children first, so that no link spins against a stopped parent.
  for (auto it = ids().rbegin(); it != ids().rend(); ++it) {
    if (nodes_[*it].node) nodes_[*it].node->Shutdown();
  }
}

void InProcessCluster::SetLinkBackoff(absl::Duration initial, absl::Duration max,
                                      absl::Duration unreachable_max) {
  link_initial_backoff_ = initial;
  link_max_backoff_ = max;
  link_unreachable_max_backoff_ = unreachable_max;
}

absl::Status InProcessCluster::StartEntry(Entry& entry) {
  node::Node::Options options;
  options.config = entry.config;
  options.clock = clock_;
  options.link_initial_backoff = link_initial_backoff_;
  options.link_max_backoff = link_max_backoff_;
  options.link_unreachable_max_backoff = link_unreachable_max_backoff_;
  if (auto env = envs_.find(entry.config.node_id()); env != envs_.end()) {
    options.env = env->second;
  }
  {
    absl::MutexLock lock(&restart_mu_);
    restart_requested_.erase(entry.config.node_id());
  }
  options.restart = [this, id = entry.config.node_id()](const std::string&) {
    absl::MutexLock lock(&restart_mu_);
    restart_requested_.insert(id);
  };
  auto started = node::Node::Start(options);
  if (!started.ok()) return started.status();
  entry.node = std::move(*started);
  entry.address = entry.node->address();
  entry.config.set_listen_address(entry.address);  // same port on restart
  return absl::OkStatus();
}

bool InProcessCluster::RestartRequested(const std::string& id) const {
  absl::MutexLock lock(&restart_mu_);
  return restart_requested_.count(id) > 0;
}

absl::Status InProcessCluster::StartNode(const NodeSpec& spec) {
  Entry entry;
  entry.config.set_node_id(spec.id);
  entry.config.set_tier(spec.tier);
  entry.config.set_region_code(spec.region);
  entry.config.set_listen_address("127.0.0.1:0");
  entry.config.set_store_path(absl::StrCat(root_dir_, "/", spec.id));
  entry.config.set_insecure(true);
  entry.config.set_coordinator(spec.options.coordinator);
  entry.config.set_log_retention_seconds(spec.options.log_retention_seconds);
  entry.config.set_block_cache_mb(8);
  if (!spec.parent.empty()) {
    entry.config.set_parent_address(nodes_.at(spec.parent).address);
    entry.config.set_parent_node_id(spec.parent);
  }
  absl::Status started = StartEntry(entry);
  if (!started.ok()) return started;
  nodes_[spec.id] = std::move(entry);
  return absl::OkStatus();
}

void InProcessCluster::Stop(const std::string& id) {
  Entry& entry = nodes_.at(id);
  if (entry.node == nullptr) return;
  entry.node->Shutdown();
  entry.node.reset();
}

absl::Status InProcessCluster::RestartNode(const std::string& id) {
  Stop(id);
  return StartEntry(nodes_.at(id));
}

absl::Status InProcessCluster::Restart(const std::string& id, const std::string& parent_address) {
  Stop(id);
  Entry& entry = nodes_.at(id);
  v1::NodeConfig saved = entry.config;
  if (!parent_address.empty()) entry.config.set_parent_address(parent_address);
  absl::Status status = StartEntry(entry);
  entry.config.set_parent_address(saved.parent_address());
  return status;
}

client::ChannelOptions InProcessCluster::Insecure(const std::string& id,
                                                  const std::string& common_name) const {
  client::ChannelOptions options;
  options.address = address(id);
  options.insecure = true;
  options.identity = common_name;
  return options;
}

client::ChannelOptions InProcessCluster::NodeChannel(const std::string& id,
                                                     const std::string& as_node) const {
  return Insecure(id, absl::StrCat("node:", region(as_node), ":", as_node));
}

absl::StatusOr<client::ChannelOptions> InProcessCluster::OperatorChannel(const std::string& id,
                                                                         const std::string& region,
                                                                         const std::string& user) {
  return Insecure(id, absl::StrCat("ops:", region, ":", user));
}

absl::StatusOr<client::ChannelOptions> InProcessCluster::DepartmentChannel(
    const std::string& id, const std::string& department, const std::string& region,
    const std::string& user) {
  return Insecure(id, absl::StrCat("dept:", department, ":", region, ":", user));
}

absl::StatusOr<std::vector<v1::Change>> InProcessCluster::WriteAsNode(
    const std::string& id, const std::vector<v1::Record>& records) {
  Entry& entry = nodes_.at(id);
  if (entry.node == nullptr) return absl::UnavailableError(id + " is stopped");
  auth::Identity self;
  self.kind = auth::Identity::Kind::kNode;
  self.name = id;
  self.region_code = entry.config.region_code();
  v1::WriteRecordsRequest request;
  for (const v1::Record& r : records) *request.add_records() = r;
  return entry.node->registry()->Write(self, request);
}

::testing::AssertionResult InProcessCluster::LiveAt(
    const std::string& id, const std::string& key,
    const std::function<bool(const v1::Record&)>& check) {
  if (node(id) == nullptr) return ::testing::AssertionFailure() << id << " is stopped";
  auto stored = node(id)->store()->GetLive(key);
  if (!stored.ok()) return ::testing::AssertionFailure() << stored.status();
  if (!stored->has_value()) return ::testing::AssertionFailure() << id << " has no " << key;
  if (check && !check(**stored)) {
    return ::testing::AssertionFailure() << id << " holds " << (*stored)->ShortDebugString();
  }
  return ::testing::AssertionSuccess();
}

std::map<std::string, v1::StoredRecord> InProcessCluster::ReadRecords(const std::string& id,
                                                                      const std::string& region) {
  std::map<std::string, v1::StoredRecord> out;
  if (node(id) == nullptr) return out;
  auto status =
      node(id)->store()->ScanRecords("", [&](std::string_view key, const v1::StoredRecord& stored) {
        if (!stored.has_record()) return true;
        const std::string record_region = domain::RecordRegion(stored.record());
        if (region.empty() || auth::InJurisdiction(region, record_region)) {
          out[std::string(key)] = stored;
        }
        return true;
      });
  if (!status.ok()) out.clear();
  return out;
}

}  // namespace tierhub::testutil
