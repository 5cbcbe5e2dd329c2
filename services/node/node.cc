#include "services/node/node.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/client/channel.h"
#include "services/common/limits.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/node/config.h"
#include "services/node/grpc_log.h"
#include "services/node/live_tls.h"
#include "services/node/startup_checks.h"
#include "services/store/compaction_policy.h"

namespace tierhub::node {
namespace {

constexpr uint32_t kDefaultRetentionSeconds = 7 * 24 * 3600;
constexpr absl::Duration kShutdownGrace = absl::Seconds(5);

}  // namespace

std::string TlsCopiesDir(const std::string& store_path) {
  std::string dir = store_path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "-tls";
}

absl::StatusOr<std::string> Node::ReloadTls() {
  if (!tls_unrenewable_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(tls_unrenewable_, " at start; restart the node to renew its TLS files"));
  }
  if (tls_ == nullptr) return absl::FailedPreconditionError("insecure mode: no TLS files");
  return tls_->Reload();
}

Node::Node(Options options) : options_(std::move(options)), clock_(options_.clock) {}

Node::~Node() { Shutdown(); }

absl::StatusOr<std::unique_ptr<Node>> Node::Start(Options options) {
  TH_RETURN_IF_ERROR(ValidateNodeConfig(options.config));
  if (options.clock == nullptr) {
    return absl::InvalidArgumentError("Node::Options.clock is required (SystemClock::Get())");
  }
  std::unique_ptr<Node> node(new Node(std::move(options)));
  TH_RETURN_IF_ERROR(node->Init());
  return node;
}

absl::Status Node::Init() {
  const v1::NodeConfig& config = options_.config;
  SetLogNodeId(config.node_id());
  RouteGrpcLogToNodeLog();
  if (config.insecure()) {
    LogWarning(
        "INSECURE MODE: no TLS, identities are taken from request headers unchecked. "
        "Development only.");
  }
  // Before the store opens: a bad TLS file stops the node with nothing touched.
  // Checked here with OpenSSL: gRPC reports a bad file only as a port it could not add.
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!config.insecure()) {
    auto live = LiveTlsFiles::Create(config.tls(), TlsCopiesDir(config.store_path()), clock_);
    if (live.ok()) {
      tls_ = std::move(*live);
      credentials = tls_->ServerCredentials();
    } else if (live.status().code() == absl::StatusCode::kUnavailable) {
      // The copies cannot be written (a full disk, where the node must still start and open
      // its store read-only): serve the files as read, without renewal until a restart.
      TH_ASSIGN_OR_RETURN(TlsFiles files, LoadTlsFiles(config.tls(), clock_->Now()));
      LogWarning(live.status().message(),
                 "; serving the TLS files as read at start, SIGHUP cannot renew them");
      tls_unrenewable_ = std::string(live.status().message());
      grpc::SslServerCredentialsOptions ssl(
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
      ssl.pem_root_certs = std::move(files.ca_pem);
      grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
      pair.private_key = std::move(files.key_pem);
      pair.cert_chain = std::move(files.cert_pem);
      ssl.pem_key_cert_pairs.push_back(std::move(pair));
      credentials = grpc::SslServerCredentials(ssl);
    } else {
      return live.status();
    }
  }
  store::Store::Options store_options;
  store_options.path = config.store_path();
  store_options.node_id = config.node_id();
  store_options.region_code = config.region_code();
  store_options.clock = clock_;
  store_options.hooks = &hooks_;
  if (config.block_cache_mb() > 0) store_options.block_cache_mb = config.block_cache_mb();
  store_options.env = options_.env;
  TH_ASSIGN_OR_RETURN(store_, store::Store::Open(store_options));

  const bool has_parent = !config.parent_address().empty();
  context_.node_id = config.node_id();
  context_.region_code = config.region_code();
  context_.is_root = !has_parent;
  context_.insecure = config.insecure();
  context_.clock = clock_;

  exchange::ExchangeOptions exchange_options;
  exchange_options.tier = config.tier();
  exchange_options.has_parent = has_parent;
  exchange_options.refresh_status = [this] {
    return parent_link_ != nullptr ? parent_link_->RefreshStatus() : absl::OkStatus();
  };
  exchange_ = std::make_unique<exchange::ExchangeService>(context_, std::move(exchange_options),
                                                          store_.get(), &sync_state_);
  registry_ = std::make_unique<registry::RegistryService>(context_, store_.get(), options_.upload);

  freshness_ = std::make_unique<coordinator::Freshness>(store_.get());
  if (config.coordinator()) {
    v1::Author author;
    author.set_node_id(config.node_id());
    author.set_region_code(config.region_code());
    merger_ =
        std::make_unique<coordinator::Merger>(store_.get(), std::move(author), options_.timer);
    merger_->Start();
  }
  coordinator_ =
      std::make_unique<coordinator::CoordinatorService>(context_, store_.get(), freshness_.get());
  enforcement_ = std::make_unique<enforcement::EnforcementService>(context_, store_.get());
  enforcement::ElectricityOptions electricity_options;
  electricity_options.upload = options_.upload;
  if (config.power_alert_threshold_kwh() > 0) {
    electricity_options.threshold_kwh = config.power_alert_threshold_kwh();
  }
  electricity_ = std::make_unique<enforcement::ElectricityWatchService>(
      context_, electricity_options, store_.get());
  enforcement_->set_power_alerts_after(
      [watch = electricity_.get()](const v1::EnforcementCase& next, const std::string& by) {
        return watch->AlertsAfterCase(next, by);
      });
  plans_ = std::make_unique<plans::PlansService>(context_, store_.get());
  admin_ = std::make_unique<AdminService>(context_, config.backup_dir(), store_.get(),
                                          [this] { return ApplyRetention(); });

  if (config.has_web()) {
    console::ConsoleServices services;
    services.coordinator = coordinator_.get();
    services.lists = &registry_->lists();
    services.enforcement = enforcement_.get();
    services.electricity = electricity_.get();
    services.plans = plans_.get();
    services.exchange = exchange_.get();
    services.store = store_.get();
    auto web = console::Console::Start(config.web(), context_, services);
    if (!web.ok()) return web.status();
    console_ = std::move(*web);
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen_address(), credentials, &port_);
  // gRPC sets SO_REUSEPORT by default: a second node on a running node's port would start and
  // take half of its connections. Without it, the second bind fails.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(exchange_.get());
  builder.RegisterService(registry_.get());
  builder.RegisterService(coordinator_.get());
  builder.RegisterService(enforcement_.get());
  builder.RegisterService(electricity_.get());
  builder.RegisterService(plans_.get());
  builder.RegisterService(admin_.get());
  // Every limit of docs/LIMITS.md that gRPC enforces, set here rather than left to defaults.
  builder.SetMaxReceiveMessageSize(limits::kMaxMessageBytes);
  builder.SetMaxSendMessageSize(limits::kMaxMessageBytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, limits::kMaxMetadataBytes);
  grpc::ResourceQuota quota("tierhubd");
  quota.Resize(limits::kGrpcMemoryQuotaBytes);
  quota.SetMaxThreads(limits::kMaxServerThreads);
  builder.SetResourceQuota(quota);
  // Keepalive both ways (exchange/channel.h): a child that hangs releases its streams too.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             absl::ToInt64Milliseconds(client::kKeepaliveTime));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             absl::ToInt64Milliseconds(client::kKeepaliveTimeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             absl::ToInt64Milliseconds(client::kKeepaliveTime / 2));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) return ListenFailure(config.listen_address());
  server_->GetHealthCheckService()->SetServingStatus(true);
  writes_healthy_ = store_->WriteHealth().ok();
  server_->GetHealthCheckService()->SetServingStatus(kWritesHealthService, writes_healthy_);
  LogInfo("started: tier ", v1::RegionLevel_Name(config.tier()), ", region ", config.region_code(),
          ", listening on ", address(), ", store ", config.store_path(), " (log head ",
          store_->LastSeq(), store_->read_only() ? ", READ-ONLY: the disk was full" : "", ")",
          config.coordinator() ? ", coordinator" : "", config.insecure() ? ", INSECURE" : ", mTLS");

  if (has_parent) {
    exchange::ParentLinkOptions link;
    link.node_id = config.node_id();
    link.region_code = config.region_code();
    link.parent_node_id = config.parent_node_id();
    link.channel.address = config.parent_address();
    link.channel.insecure = config.insecure();
    link.channel.identity = absl::StrCat("node:", config.region_code(), ":", config.node_id());
    link.channel.ca_file = config.tls().ca_file();
    link.channel.cert_file = config.tls().cert_file();
    link.channel.key_file = config.tls().key_file();
    link.initial_backoff = options_.link_initial_backoff;
    link.max_backoff = options_.link_max_backoff;
    link.unreachable_max_backoff = options_.link_unreachable_max_backoff;
    link.timer = options_.timer;
    parent_link_ = std::make_unique<exchange::ParentLink>(link, store_.get(), clock_, &sync_state_);
    parent_link_->Start();
    LogInfo("linking to parent ", config.parent_node_id(), " at ", config.parent_address());
  }
  maintenance_ = std::thread([this] { MaintenanceLoop(); });
  return absl::OkStatus();
}

std::string Node::address() const {
  const std::string& listen = options_.config.listen_address();
  return absl::StrCat(listen.substr(0, listen.rfind(':')), ":", port_);
}

absl::Status Node::ApplyRetention() {
  const uint32_t seconds = options_.config.log_retention_seconds() > 0
                               ? options_.config.log_retention_seconds()
                               : kDefaultRetentionSeconds;
  const int64_t cutoff_micros = absl::ToUnixMicros(clock_->Now() - absl::Seconds(seconds));
  // Never drop what the parent has not acknowledged: this node's own log feeds its parent.
  uint64_t limit = store_->LastSeq() + 1;
  if (parent_link_ != nullptr) {
    TH_ASSIGN_OR_RETURN(uint64_t acked, store_->GetCursor(exchange::kParentAckedCursor));
    limit = std::min(limit, acked + 1);
  }
  uint64_t cut = store_->FirstLogSeq();
  while (cut < limit) {
    TH_ASSIGN_OR_RETURN(auto changes, store_->ReadLog(cut, 1000, 16 << 20));
    if (changes.empty()) break;
    bool stop = false;
    for (const v1::Change& change : changes) {
      if (change.seq() >= limit || change.version().wall_micros() >= cutoff_micros) {
        stop = true;
        break;
      }
      cut = change.seq() + 1;
    }
    if (stop) break;
  }
  if (cut > store_->FirstLogSeq()) {
    LogInfo("log retention: dropping entries before ", cut);
    return store_->TruncateLogBefore(cut);
  }
  return absl::OkStatus();
}

void Node::MaintenanceLoop() {
  const absl::Duration tick =
      std::min(options_.maintenance_interval, options_.compact_when_idle_for / 2);
  // Paced by the timer; the node's clock only dates the log.
  const Clock* timer = options_.timer;
  absl::Time next_retention = timer->Now() + options_.maintenance_interval;
  const store::IdleCompactionPolicy idle_compaction{options_.compact_when_idle_for,
                                                    kIdleCompactionMinFiles};
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (timer->AwaitWithTimeout(mu_, absl::Condition(&stopping_), tick)) return;
    }
    CheckStore();
    // A store refusing writes could not truncate its log either; retention waits for it.
    if (timer->Now() >= next_retention && store_->WriteHealth().ok()) {
      absl::Status status = ApplyRetention();
      if (!status.ok()) LogWarning("log retention failed: ", status.ToString());
      next_retention = timer->Now() + options_.maintenance_interval;
    }
    // The node keeps the time: idle counts in the clock that dates the store's commits.
    auto compacted = idle_compaction.Step(*store_, clock_->Now());
    if (!compacted.ok()) {
      LogWarning("idle compaction failed: ", compacted.status().ToString());
    } else if (*compacted > 0) {
      LogInfo("idle: compacted ", *compacted, " level-0 files of records and index");
    }
  }
}

void Node::CheckStore() {
  const bool healthy = store_->WriteHealth().ok();
  if (healthy != writes_healthy_) {
    writes_healthy_ = healthy;
    server_->GetHealthCheckService()->SetServingStatus(kWritesHealthService, healthy);
  }
  if (restart_requested_) return;
  const std::string why = store_->ReopenReason();
  if (why.empty()) return;
  restart_requested_ = true;
  if (options_.restart == nullptr) {
    LogWarning("the store takes writes again only after a restart of the node: ", why);
    return;
  }
  LogWarning("restarting the node to reopen its store: ", why);
  options_.restart(why);
}

void Node::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  LogInfo("shutting down");
  if (store_ != nullptr) store_->StopIdleCompactions();
  if (maintenance_.joinable()) maintenance_.join();
  if (console_ != nullptr) console_->Stop();
  if (exchange_ != nullptr) exchange_->Shutdown();
  if (server_ != nullptr) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(absl::ToInt64Milliseconds(kShutdownGrace)));
  }
  if (parent_link_ != nullptr) parent_link_->Stop();
  server_.reset();
  if (merger_ != nullptr) merger_->Stop();
  store_.reset();
  LogInfo("stopped");
}

}  // namespace tierhub::node
