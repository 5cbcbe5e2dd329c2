#include "tests/exchange/test_cluster.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/auth/jurisdiction.h"
#include "services/domain/credit_code.h"
#include "services/domain/validation.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::testutil {

bool WaitUntil(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

v1::Record MakeEnterprise(const std::string& region, int serial, v1::OperatingStatus status) {
  // Organisation-code bodies "TH" + six digits: fictitious, and unique per serial.
  const std::string body = absl::StrFormat("TH%06d", serial % 1000000);
  v1::Record record;
  v1::Enterprise* e = record.mutable_enterprise();
  e->set_credit_code(domain::MakeCreditCode('9', '1', region, body).value());
  e->set_name(absl::StrCat("测试企业", serial, "号 (synthetic)"));
  e->set_region_code(region);
  e->add_industries(v1::INDUSTRY_CERAMICS);
  e->set_status(status);
  return record;
}

v1::PushRequest HelloRequest(const std::string& node, const std::string& region) {
  v1::PushRequest hello;
  hello.mutable_hello()->set_child_node_id(node);
  hello.mutable_hello()->set_child_region_code(region);
  return hello;
}

grpc::Status PushAs(const std::string& address, const std::string& identity,
                    const std::string& node, const std::string& region,
                    const v1::PushRequest& batch) {
  auto stub =
      v1::Exchange::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata(auth::kInsecureIdentityHeader, identity);
  auto stream = stub->Push(&context);
  stream->Write(HelloRequest(node, region));
  v1::PushResponse response;
  if (stream->Read(&response)) {
    stream->Write(batch);
    if (stream->Read(&response) && response.has_ack()) {
      stream->WritesDone();
      stream->Finish().ok();
      return grpc::Status::OK;
    }
  }
  return stream->Finish();
}

v1::PushRequest PushOneEnterprise(const std::string& origin, const std::string& origin_region,
                                  const std::string& record_region, int serial) {
  v1::Change change;
  *change.mutable_record() = MakeEnterprise(record_region, serial);
  change.set_key(domain::RecordKey(change.record()));
  change.set_origin_node(origin);
  change.set_origin_seq(1);
  change.set_origin_region(origin_region);
  change.mutable_version()->set_wall_micros(1);
  change.mutable_version()->set_origin_node(origin);
  change.mutable_author()->set_node_id(origin);
  change.mutable_author()->set_region_code(origin_region);
  v1::PushRequest request;
  request.mutable_batch()->add_changes(change.SerializeAsString());
  request.mutable_batch()->set_last_seq(1);
  return request;
}

TestCluster::TestCluster(std::string root_dir, const Clock* clock)
    : root_dir_(std::move(root_dir)), clock_(clock != nullptr ? clock : SystemClock::Get()) {}

TestCluster::~TestCluster() {
  // Children first, so that no link spins against a stopped parent.
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    if (nodes_[*it].node) nodes_[*it].node->Shutdown();
  }
}

void TestCluster::SetLinkBackoff(absl::Duration initial, absl::Duration max,
                                 absl::Duration unreachable_max) {
  link_initial_backoff_ = initial;
  link_max_backoff_ = max;
  link_unreachable_max_backoff_ = unreachable_max;
}

absl::Status TestCluster::StartEntry(Entry& entry) {
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

bool TestCluster::RestartRequested(const std::string& id) const {
  absl::MutexLock lock(&restart_mu_);
  return restart_requested_.count(id) > 0;
}

absl::Status TestCluster::Add(const std::string& id, v1::RegionLevel tier,
                              const std::string& region, const std::string& parent,
                              uint32_t retention_seconds) {
  Entry entry;
  entry.config.set_node_id(id);
  entry.config.set_tier(tier);
  entry.config.set_region_code(region);
  entry.config.set_listen_address("127.0.0.1:0");
  entry.config.set_store_path(absl::StrCat(root_dir_, "/", id));
  entry.config.set_insecure(true);
  entry.config.set_log_retention_seconds(retention_seconds);
  entry.config.set_block_cache_mb(8);
  if (!parent.empty()) {
    entry.config.set_parent_address(nodes_.at(parent).address);
    entry.config.set_parent_node_id(parent);
  }
  absl::Status started = StartEntry(entry);
  if (!started.ok()) return started;
  nodes_[id] = std::move(entry);
  order_.push_back(id);
  return absl::OkStatus();
}

void TestCluster::Stop(const std::string& id) {
  Entry& entry = nodes_.at(id);
  entry.node->Shutdown();
  entry.node.reset();
}

absl::Status TestCluster::Restart(const std::string& id, const std::string& parent_address) {
  Entry& entry = nodes_.at(id);
  v1::NodeConfig saved = entry.config;
  if (!parent_address.empty()) entry.config.set_parent_address(parent_address);
  absl::Status status = StartEntry(entry);
  entry.config.set_parent_address(saved.parent_address());
  return status;
}

absl::StatusOr<std::vector<v1::Change>> TestCluster::Write(const std::string& id,
                                                           const std::vector<v1::Record>& records) {
  Entry& entry = nodes_.at(id);
  auth::Identity self;
  self.kind = auth::Identity::Kind::kNode;
  self.name = id;
  self.region_code = entry.config.region_code();
  v1::WriteRecordsRequest request;
  for (const v1::Record& r : records) *request.add_records() = r;
  return entry.node->registry()->Write(self, request);
}

std::map<std::string, v1::StoredRecord> TestCluster::Records(const std::string& id,
                                                             const std::string& region) {
  std::map<std::string, v1::StoredRecord> out;
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
