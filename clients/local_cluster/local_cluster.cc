#include "clients/local_cluster/local_cluster.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace tierhub::local_cluster {
namespace {

// Reads the port that tierhubd writes once it serves, waiting up to `timeout`.
int WaitForPortFile(const std::string& path, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    std::ifstream in(path);
    int port = 0;
    if (in >> port && port > 0) return port;
    if (absl::Now() > deadline) return 0;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

}  // namespace

LocalCluster::LocalCluster(std::string dir, Options options)
    : dir_(std::move(dir)), options_(std::move(options)) {
  if (options_.tierhubd.empty()) options_.tierhubd = TIERHUBD_PATH;
  std::filesystem::create_directories(dir_ + "/certs");
}

LocalCluster::~LocalCluster() {
  for (auto& [id, entry] : nodes_) entry.process->Kill();
}

absl::Status LocalCluster::Issue(const std::vector<std::string>& args) {
  std::string command =
      absl::StrCat(DEV_CA_PATH, " ", dir_, "/certs ", absl::StrJoin(args, " "), " >/dev/null 2>&1");
  if (std::system(command.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("the dev CA script failed: ", command));
  }
  return absl::OkStatus();
}

absl::Status LocalCluster::Add(const std::string& id, v1::RegionLevel tier,
                               const std::string& region, const std::string& parent,
                               const NodeOptions& node_options) {
  absl::Status issued = Issue({"node", id, region});
  if (!issued.ok()) return issued;
  Entry entry;
  entry.id = id;
  entry.region = region;
  entry.parent = parent;
  entry.tier = tier;
  entry.options = node_options;
  entry.process = std::make_unique<Process>();
  auto [it, inserted] = nodes_.emplace(id, std::move(entry));
  return Launch(it->second);
}

absl::Status LocalCluster::Launch(Entry& entry) {
  const std::string certs = dir_ + "/certs/";
  const std::string config_path = absl::StrCat(dir_, "/", entry.id, ".textproto");
  {
    std::ofstream config(config_path);
    config << "node_id: \"" << entry.id << "\"\n"
           << "tier: " << v1::RegionLevel_Name(entry.tier) << "\n"
           << "region_code: \"" << entry.region << "\"\n"
           << "listen_address: \"127.0.0.1:" << entry.port << "\"\n"
           << "store_path: \"" << store_path(entry.id) << "\"\n"
           << "block_cache_mb: " << options_.block_cache_mb << "\n"
           << "tls { ca_file: \"" << certs << "ca.pem\" cert_file: \"" << certs << entry.id
           << ".pem\" key_file: \"" << certs << entry.id << ".key\" }\n";
    if (entry.options.coordinator) config << "coordinator: true\n";
    config << entry.options.extra_config << "\n";
    if (entry.options.log_retention_seconds > 0) {
      config << "log_retention_seconds: " << entry.options.log_retention_seconds << "\n";
    }
    if (!entry.parent.empty()) {
      config << "parent_address: \"127.0.0.1:" << nodes_.at(entry.parent).port << "\"\n"
             << "parent_node_id: \"" << entry.parent << "\"\n";
    }
  }
  const std::string port_file = absl::StrCat(dir_, "/", entry.id, ".port");
  std::filesystem::remove(port_file);
  if (!entry.process->Start(
          {options_.tierhubd, "--config=" + config_path, "--port_file=" + port_file},
          log_path(entry.id))) {
    return absl::InternalError("fork failed");
  }
  const int port = WaitForPortFile(port_file, absl::Seconds(30));
  if (port == 0) {
    return absl::DeadlineExceededError(
        absl::StrCat(entry.id, " did not start; see ", log_path(entry.id)));
  }
  entry.port = port;
  return absl::OkStatus();
}

absl::Status LocalCluster::Restart(const std::string& id) {
  Entry& entry = nodes_.at(id);
  entry.process->Kill();
  return Launch(entry);
}

void LocalCluster::Kill(const std::string& id) { nodes_.at(id).process->Kill(); }

int LocalCluster::Terminate(const std::string& id) { return nodes_.at(id).process->Terminate(); }

client::ChannelOptions LocalCluster::AsNode(const std::string& id,
                                            const std::string& as_node) const {
  client::ChannelOptions options;
  options.address = absl::StrCat("127.0.0.1:", nodes_.at(id).port);
  options.ca_file = dir_ + "/certs/ca.pem";
  options.cert_file = absl::StrCat(dir_, "/certs/", as_node, ".pem");
  options.key_file = absl::StrCat(dir_, "/certs/", as_node, ".key");
  return options;
}

absl::StatusOr<client::ChannelOptions> LocalCluster::Client(
    const std::string& id, const std::string& cert_name,
    const std::vector<std::string>& issue_args) {
  absl::Status issued = Issue(issue_args);
  if (!issued.ok()) return issued;
  return AsNode(id, cert_name);
}

absl::StatusOr<client::ChannelOptions> LocalCluster::IssuedClient(
    const std::string& id, const std::string& cert_name, const std::vector<std::string>& args) {
  if (issued_clients_.count(cert_name) == 0) {
    absl::Status issued = Issue(args);
    if (!issued.ok()) return issued;
    issued_clients_.insert(cert_name);
  }
  return AsNode(id, cert_name);
}

absl::StatusOr<client::ChannelOptions> LocalCluster::DepartmentClient(const std::string& id,
                                                                      const std::string& department,
                                                                      const std::string& region,
                                                                      const std::string& user) {
  return IssuedClient(id, absl::StrCat(department, "-", region, "-", user),
                      {"dept", department, region, user});
}

absl::StatusOr<client::ChannelOptions> LocalCluster::OperatorClient(const std::string& id,
                                                                    const std::string& region,
                                                                    const std::string& user) {
  return IssuedClient(id, absl::StrCat("ops-", region, "-", user), {"ops", region, user});
}

}  // namespace tierhub::local_cluster
