// tierhub_bench exchange: the exchange benchmark of docs/BENCHMARKS.md.
//
// Starts county -> city -> province as real tierhubd processes on loopback with mutual TLS,
// loads synthetic enterprises at the county through Registry/WriteRecords and measures
//  - e2e_records_per_s: records / (first write sent .. the province has them durably), where
//    "durably" means the province's GetSyncStatus.watermarks[county] equals the county's
//    own_origin_seq (the province acknowledges only synced batches);
//  - catchup_s_small / catchup_s_large: with the city (the county's parent) stopped, the county
//    takes `catchup` updates; then the city starts again and we time from the county's upward
//    link reconnecting until the province has them all, on a store of `small_records` and of
//    `records` records;
//  - peak_rss_mb_*: VmHWM of each node over the large run.
// Figures go to stdout as name=value lines; progress goes to stderr.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/console_http.h"
#include "bench/synthetic.h"
#include "clients/local_cluster/local_cluster.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/client/channel.h"
#include "services/console/accounts.h"
#include "tierhub/v1/exchange.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

ABSL_FLAG(uint64_t, records, 1000000, "Records loaded at the county for the e2e figure.");
ABSL_FLAG(uint64_t, small_records, 100000, "Store size of the small catch-up run.");
ABSL_FLAG(uint64_t, catchup, 100000, "Changes made while the parent is away.");
ABSL_FLAG(uint32_t, batch, 1000, "Records per WriteRecords call.");
ABSL_FLAG(uint32_t, writers, 4, "WriteRecords calls in flight.");
ABSL_FLAG(uint32_t, record_bytes, 300, "Target serialized size of one change.");
ABSL_FLAG(uint32_t, block_cache_mb, 128,
          "NodeConfig.block_cache_mb of every node (128: deploy/guangdong's setting).");
ABSL_FLAG(std::string, dir, "", "Work directory (default: a new one under $TMPDIR or /tmp).");
ABSL_FLAG(bool, keep, false, "Keep the work directory (stores, logs) afterwards.");
ABSL_FLAG(bool, skip_small, false, "Skip the small store (catchup_s_small, catchup_ratio).");
ABSL_FLAG(uint32_t, catchup_rounds, 3,
          "Catch-ups per store size, taking turns; the figures are their medians. 0: the e2e "
          "figures only (bench/run exchange-pg).");
ABSL_FLAG(std::string, tierhubd, "",
          "The tierhubd to run (e.g. an older commit's build to compare); default: this build's.");
ABSL_FLAG(uint64_t, fanout_changes, 100000, "fanout: changes the loading city writes.");
ABSL_FLAG(uint32_t, fanout_rounds, 2,
          "fanout: runs of each kind (K=1, K=21; old and new), alternating; medians reported.");
ABSL_FLAG(uint32_t, fanout_block_cache_mb, 16, "fanout: NodeConfig.block_cache_mb of each node.");
ABSL_FLAG(uint64_t, console_changes, 200000, "console-load: changes the county loads per run.");
ABSL_FLAG(uint32_t, console_rounds, 2,
          "console-load: runs of each kind (without console users, with them), taking turns.");
ABSL_FLAG(uint32_t, console_users, 20, "console-load: concurrent console users at the province.");
ABSL_FLAG(uint32_t, console_think_ms, 1000,
          "console-load: each user's pause between two pages (a person reading the last one); 0 "
          "= as fast as the console answers.");
ABSL_FLAG(std::string, old_tierhubd, "",
          "fanout: also run this tierhubd (e.g. an older commit's build), alternating with this "
          "build's; its figures are printed with the prefix old_.");

namespace tierhub::bench {
namespace {

using local_cluster::LocalCluster;

constexpr const char* kCounty = kSyntheticNode;
constexpr char kCity[] = "fs";  // Foshan
constexpr char kProvince[] = "gd";
constexpr const char* kCountyRegion = kSyntheticRegion;
// Node id and tier name of the three nodes, as the figures name them.
const std::pair<const char*, const char*> kTiers[] = {
    {kCounty, "county"}, {kCity, "city"}, {kProvince, "province"}};
constexpr absl::Duration kPoll = absl::Milliseconds(5);
constexpr absl::Duration kDurableTimeout = absl::Minutes(30);

void Progress(const std::string& line) { std::fprintf(stderr, "bench: %s\n", line.c_str()); }

// --dir, or a new directory tierhub-<what>.XXXXXX under $TMPDIR (or /tmp).
absl::StatusOr<std::string> WorkDir(const std::string& what) {
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = absl::StrCat(tmp != nullptr && *tmp ? tmp : "/tmp", "/tierhub-", what, ".XXXXXX");
    if (mkdtemp(dir.data()) == nullptr) {
      return absl::UnavailableError("cannot make a work directory");
    }
  }
  Progress(absl::StrCat("work directory ", dir));
  return dir;
}

// The size of one change as the county logs it.
size_t ChangeBytes(size_t name_bytes) {
  return SyntheticChange(999999, 1, name_bytes, 999999).ByteSizeLong();
}

// A channel of its own (a distinct channel argument keeps gRPC from sharing the connection),
// so that concurrent writers are not serialised on one HTTP/2 connection.
std::shared_ptr<grpc::Channel> OwnChannel(const client::ChannelOptions& options, int index) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetInt("tierhub.bench.channel", index);
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = client::ReadFile(options.ca_file).value();
  ssl.pem_cert_chain = client::ReadFile(options.cert_file).value();
  ssl.pem_private_key = client::ReadFile(options.key_file).value();
  return grpc::CreateCustomChannel(options.address, grpc::SslCredentials(ssl), args);
}

// User + system CPU seconds a process has used so far (0 if it is gone).
double CpuSeconds(pid_t pid) {
  std::ifstream in(pid > 0 ? absl::StrCat("/proc/", pid, "/stat") : "/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  unsigned long long utime = 0, stime = 0;
  if (std::sscanf(stat.c_str() + close + 1,
                  " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) {
    return 0;
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

double PeakRssMb(pid_t pid) {
  if (pid <= 0) return 0;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    long kb = 0;
    if (std::sscanf(line.c_str(), "VmHWM: %ld kB", &kb) == 1) return kb / 1024.0;
  }
  return 0;
}

class Bench {
 public:
  Bench(const std::string& dir, size_t name_bytes)
      : Bench(dir, name_bytes,
              LocalCluster::Options{absl::GetFlag(FLAGS_block_cache_mb),
                                    absl::GetFlag(FLAGS_tierhubd)}) {}
  Bench(const std::string& dir, size_t name_bytes, LocalCluster::Options options)
      : cluster_(dir, std::move(options)), name_bytes_(name_bytes) {}

  // County -> city -> province; the county loads. `province_config` is more NodeConfig text
  // for the province (its web console).
  absl::Status Start(const std::string& province_config = "") {
    absl::Status s = Add(kProvince, v1::REGION_LEVEL_PROVINCE, "440000", "", province_config);
    if (s.ok()) s = Add(kCity, v1::REGION_LEVEL_CITY, "440600", kProvince);
    if (s.ok()) s = Add(kCounty, v1::REGION_LEVEL_COUNTY, kCountyRegion, kCity);
    return s;
  }

  // The province with `cities` city children (Foshan first, then Guangdong's other cities);
  // Foshan loads (records of its district kCountyRegion), the others idle.
  absl::Status StartFanout(int cities) {
    static const char* const kGuangdongCities[] = {
        "440600", "440100", "440200", "440300", "440400", "440500", "440700",
        "440800", "440900", "441200", "441300", "441400", "441500", "441600",
        "441700", "441800", "441900", "442000", "445100", "445200", "445300"};
    if (cities < 1 || cities > 21) return absl::InvalidArgumentError("cities: 1..21");
    loader_ = kCity;
    absl::Status s = Add(kProvince, v1::REGION_LEVEL_PROVINCE, "440000", "");
    for (int i = 0; i < cities && s.ok(); ++i) {
      const std::string code = kGuangdongCities[i];
      s = Add(i == 0 ? std::string(kCity) : "c" + code, v1::REGION_LEVEL_CITY, code, kProvince);
    }
    return s;
  }

  // Waits until every child of the province has pulled the province's log up to `seq`.
  absl::Status WaitChildrenPulled(uint64_t seq) {
    const absl::Time start = absl::Now();
    for (const std::string& id : nodes_) {
      if (id == kProvince) continue;
      while (true) {
        auto status = Status(id);
        if (!status.ok()) return status.status();
        if (status->downward().last_acked_seq() >= seq) break;
        if (absl::Now() - start > kDurableTimeout) {
          return absl::DeadlineExceededError(absl::StrCat(id, " did not pull up to ", seq));
        }
        absl::SleepFor(kPoll);
      }
    }
    return absl::OkStatus();
  }

  double NodeCpu(const std::string& id) { return CpuSeconds(cluster_.pid(id)); }

  absl::StatusOr<v1::SyncStatusResponse> Status(const std::string& id) {
    auto& stub = status_stubs_[id];
    if (stub == nullptr) {
      auto channel = client::MakeChannel(cluster_.AsNode(id, id));
      if (!channel.ok()) return channel.status();
      stub = v1::Exchange::NewStub(*channel);
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SyncStatusResponse response;
    grpc::Status s = stub->GetSyncStatus(&context, v1::SyncStatusRequest(), &response);
    if (!s.ok()) {
      return absl::UnavailableError(absl::StrCat(id, " GetSyncStatus: ", s.error_message()));
    }
    return response;
  }

  // Writes records serial_of(0 .. count-1) at version `version` through the county's Registry,
  // `writers` batches in flight. Returns once every call has been acknowledged.
  absl::Status Load(const std::string& label, uint64_t count,
                    const std::function<uint64_t(uint64_t)>& serial_of, int version) {
    const uint32_t batch = absl::GetFlag(FLAGS_batch);
    const uint32_t writers = absl::GetFlag(FLAGS_writers);
    std::atomic<uint64_t> next{0};
    std::atomic<uint64_t> done{0};
    absl::Mutex mu;
    absl::Status failed;
    std::vector<std::thread> threads;
    for (uint32_t w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        auto stub = v1::Registry::NewStub(OwnChannel(cluster_.AsNode(loader_, loader_), w));
        while (true) {
          const uint64_t first = next.fetch_add(batch);
          if (first >= count) return;
          v1::WriteRecordsRequest request;
          for (uint64_t i = first; i < std::min<uint64_t>(first + batch, count); ++i) {
            *request.add_records() = SyntheticEnterprise(serial_of(i), version, name_bytes_);
          }
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
          v1::WriteRecordsResponse response;
          grpc::Status s = stub->WriteRecords(&context, request, &response);
          if (!s.ok()) {
            absl::MutexLock lock(&mu);
            failed = absl::UnavailableError(absl::StrCat("WriteRecords: ", s.error_message()));
            next = count;  // the others stop too
            return;
          }
          done += request.records_size();
        }
      });
    }
    const absl::Time start = absl::Now();
    absl::Time last_report = start;
    while (done < count) {
      {
        absl::MutexLock lock(&mu);
        if (!failed.ok()) break;
      }
      absl::SleepFor(absl::Milliseconds(20));
      if (absl::Now() - last_report >= absl::Seconds(2)) {
        last_report = absl::Now();
        Progress(absl::StrFormat("%s: %d/%d written at the county (%.0f/s)", label, done.load(),
                                 count, done / absl::ToDoubleSeconds(last_report - start)));
      }
    }
    for (std::thread& t : threads) t.join();
    return failed;
  }

  // Waits until the province's watermark for the loader (the county) reaches its own_origin_seq.
  absl::Status WaitDurableAtProvince(const std::string& label) {
    auto county = Status(loader_);
    if (!county.ok()) return county.status();
    const uint64_t target = county->own_origin_seq();
    const absl::Time start = absl::Now();
    absl::Time last_report = start;
    while (true) {
      auto province = Status(kProvince);
      if (!province.ok()) return province.status();
      auto it = province->watermarks().find(loader_);
      const uint64_t have = it == province->watermarks().end() ? 0 : it->second;
      if (have == target) return absl::OkStatus();
      if (have > target) return absl::InternalError("province is ahead of the county");
      if (absl::Now() - start > kDurableTimeout) {
        return absl::DeadlineExceededError(absl::StrCat(label, ": province stuck at ", have));
      }
      if (absl::Now() - last_report >= absl::Seconds(2)) {
        last_report = absl::Now();
        auto city = Status(kCity);
        uint64_t city_has = 0;
        if (city.ok() && city->watermarks().count(kCounty) > 0) {
          city_has = city->watermarks().at(kCounty);
        }
        Progress(
            absl::StrFormat("%s: county %d, city %d, province %d", label, target, city_has, have));
      }
      absl::SleepFor(kPoll);
    }
  }

  // CPU seconds used so far by each node and by this process (the loader), by name.
  std::map<std::string, double> Cpu() {
    std::map<std::string, double> out{{"loader", CpuSeconds(0)}};
    for (const std::string& id : nodes_) out[id] = CpuSeconds(cluster_.pid(id));
    return out;
  }

  // CPU seconds used so far by the nodes together.
  double NodesCpu() {
    double sum = 0;
    for (const std::string& id : nodes_) sum += CpuSeconds(cluster_.pid(id));
    return sum;
  }

  // Loads `count` new records (serials first..first+count-1) and waits until the province has
  // them. Returns records per second from the first write to durable at the province; *cpu
  // gets the CPU seconds each process spent meanwhile.
  absl::StatusOr<double> Fill(const std::string& label, uint64_t count,
                              std::map<std::string, double>* cpu = nullptr, uint64_t first = 0) {
    const std::map<std::string, double> cpu_before = Cpu();
    const absl::Time start = absl::Now();
    absl::Status s = Load(
        label, count, [first](uint64_t i) { return first + i; }, 1);
    if (!s.ok()) return s;
    const absl::Time loaded = absl::Now();
    s = WaitDurableAtProvince(label);
    if (!s.ok()) return s;
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    if (cpu != nullptr) {
      for (const auto& [name, after] : Cpu()) (*cpu)[name] = after - cpu_before.at(name);
    }
    Progress(
        absl::StrFormat("%s: %d records at the province in %.2f s (county took them in "
                        "%.2f s)",
                        label, count, seconds, absl::ToDoubleSeconds(loaded - start)));
    return count / seconds;
  }

  struct Catchup {
    double seconds = 0;                   // county link reconnected .. province has every change
    double from_restart_s = 0;            // city process started .. province has every change
    std::map<std::string, double> cpu_s;  // CPU of each node over `seconds`
  };

  // Waits until the three nodes are at rest: together they used under 5% of a core over the
  // last two seconds (the load's memtable flushes and compactions are done). At most `limit`.
  void WaitAtRest(const std::string& label, absl::Duration limit) {
    const absl::Time start = absl::Now();
    double before = NodesCpu();
    while (absl::Now() - start < limit) {
      absl::SleepFor(absl::Seconds(2));
      const double now = NodesCpu();
      if (now - before < 0.1) break;
      before = now;
    }
    Progress(absl::StrFormat("%s: nodes at rest after %.0f s", label,
                             absl::ToDoubleSeconds(absl::Now() - start)));
  }

  // Stops the city, updates `changes` of the `store_records` records at the county, starts
  // the city again and times the catch-up. The nodes first come to rest after the fill, so
  // the figure is the catch-up's own cost, not the tail of the load's compactions.
  // Round r updates keys of its own (offset by r) to version r + 2.
  absl::StatusOr<Catchup> CatchUp(const std::string& label, uint64_t store_records,
                                  uint64_t changes, uint32_t round) {
    WaitAtRest(label, absl::Minutes(5));
    city_peak_mb_ = std::max(city_peak_mb_, PeakRssMb(cluster_.pid(kCity)));
    if (const int code = cluster_.Terminate(kCity); code != 0) {
      return absl::InternalError(absl::StrCat("city exited with ", code, " on SIGTERM"));
    }
    // The county must have noticed, so that "connected" below means the new session.
    while (true) {
      auto county = Status(kCounty);
      if (!county.ok()) return county.status();
      if (county->upward().state() != v1::LINK_STATE_CONNECTED) break;
      absl::SleepFor(kPoll);
    }
    const uint64_t stride = std::max<uint64_t>(1, store_records / changes);
    absl::Status s = Load(
        label, changes, [&](uint64_t i) { return (i * stride + round) % store_records; },
        static_cast<int>(round) + 2);
    if (!s.ok()) return s;
    Progress(absl::StrCat(label, ": ", changes, " changes written while the city was away"));
    const absl::Time restart = absl::Now();
    s = cluster_.Restart(kCity);
    if (!s.ok()) return s;
    while (true) {
      auto county = Status(kCounty);
      if (!county.ok()) return county.status();
      if (county->upward().state() == v1::LINK_STATE_CONNECTED) break;
      absl::SleepFor(kPoll);
    }
    const absl::Time connected = absl::Now();
    const std::map<std::string, double> cpu_connected = Cpu();
    s = WaitDurableAtProvince(label);
    if (!s.ok()) return s;
    const absl::Time done = absl::Now();
    Catchup result;
    for (const auto& [name, after] : Cpu()) result.cpu_s[name] = after - cpu_connected.at(name);
    result.seconds = absl::ToDoubleSeconds(done - connected);
    result.from_restart_s = absl::ToDoubleSeconds(done - restart);
    Progress(absl::StrFormat("%s: caught up in %.3f s after reconnecting (%.3f s after restart)",
                             label, result.seconds, result.from_restart_s));
    return result;
  }

  double PeakMb(const std::string& id) {
    const double now = PeakRssMb(cluster_.pid(id));
    return id == kCity ? std::max(now, city_peak_mb_) : now;
  }

 private:
  absl::Status Add(const std::string& id, v1::RegionLevel tier, const std::string& region,
                   const std::string& parent, const std::string& extra_config = "") {
    nodes_.push_back(id);
    LocalCluster::NodeOptions options;
    options.extra_config = extra_config;
    return cluster_.Add(id, tier, region, parent, options);
  }

  LocalCluster cluster_;
  const size_t name_bytes_;
  std::string loader_ = kCounty;    // the node the load is written at
  std::vector<std::string> nodes_;  // in the order started
  std::map<std::string, std::unique_ptr<v1::Exchange::Stub>> status_stubs_;
  double city_peak_mb_ = 0;  // before a restart reset the city's VmHWM
};

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string Joined(const std::vector<double>& values) {
  std::string out;
  for (double v : values) absl::StrAppend(&out, out.empty() ? "" : ",", absl::StrFormat("%.3f", v));
  return out;
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "bench: FAILED: %s\n", s.ToString().c_str());
  return 1;
}

int RunExchange() {
  const uint64_t records = absl::GetFlag(FLAGS_records);
  const uint64_t small_records = absl::GetFlag(FLAGS_small_records);
  const uint64_t catchup = absl::GetFlag(FLAGS_catchup);
  if (records == 0 || small_records == 0 || catchup == 0 || absl::GetFlag(FLAGS_batch) == 0 ||
      absl::GetFlag(FLAGS_writers) == 0) {
    return Fail(absl::InvalidArgumentError("counts must be > 0"));
  }
  auto work_dir = WorkDir("bench");
  if (!work_dir.ok()) return Fail(work_dir.status());
  const std::string dir = *work_dir;
  const size_t name_bytes = NameBytesFor(absl::GetFlag(FLAGS_record_bytes));
  std::map<std::string, std::string> figures;  // printed in this order below
  std::vector<std::string> order;
  auto figure = [&](const std::string& name, const std::string& value) {
    if (figures.count(name) == 0) order.push_back(name);
    figures[name] = value;
  };
  figure("records", absl::StrCat(records));
  figure("change_bytes", absl::StrCat(ChangeBytes(name_bytes)));
  figure("catchup_changes", absl::StrCat(catchup));

  // The large cluster loads the e2e records first, alone on the machine. Then the small one
  // loads its store, and the two take turns at catching up (small, large, small, ...), so that
  // the machine's other load, which drifts over minutes, weighs on both alike; each figure is
  // the median of its rounds.
  auto large = std::make_unique<Bench>(dir + "/large", name_bytes);
  if (absl::Status s = large->Start(); !s.ok()) return Fail(s);
  std::map<std::string, double> cpu;
  auto rate = large->Fill("e2e", records, &cpu);
  if (!rate.ok()) return Fail(rate.status());
  figure("e2e_records_per_s", absl::StrFormat("%.0f", *rate));
  figure("e2e_seconds", absl::StrFormat("%.2f", records / *rate));
  // CPU per record shows where the time goes whatever else the machine is doing.
  for (const auto& [node, tier] : kTiers) {
    figure(absl::StrCat("cpu_us_per_record_", tier),
           absl::StrFormat("%.1f", cpu[node] * 1e6 / records));
  }
  figure("cpu_us_per_record_loader", absl::StrFormat("%.1f", cpu["loader"] * 1e6 / records));

  const uint32_t rounds = absl::GetFlag(FLAGS_catchup_rounds);
  std::unique_ptr<Bench> small;
  if (!absl::GetFlag(FLAGS_skip_small) && rounds > 0) {
    small = std::make_unique<Bench>(dir + "/small", name_bytes);
    if (absl::Status s = small->Start(); !s.ok()) return Fail(s);
    auto filled = small->Fill("small fill", small_records);
    if (!filled.ok()) return Fail(filled.status());
    figure("small_records", absl::StrCat(small_records));
  }
  figure("catchup_rounds", absl::StrCat(rounds));
  std::vector<Bench::Catchup> small_rounds;
  std::vector<Bench::Catchup> large_rounds;
  for (uint32_t round = 0; round < rounds; ++round) {
    if (small != nullptr) {
      large->WaitAtRest("large", absl::Minutes(5));  // the other cluster is quiet too
      auto caught =
          small->CatchUp(absl::StrCat("small catch-up ", round + 1), small_records, catchup, round);
      if (!caught.ok()) return Fail(caught.status());
      small_rounds.push_back(*caught);
      small->WaitAtRest("small", absl::Minutes(5));
    }
    auto caught =
        large->CatchUp(absl::StrCat("large catch-up ", round + 1), records, catchup, round);
    if (!caught.ok()) return Fail(caught.status());
    large_rounds.push_back(*caught);
  }
  auto report = [&](const std::string& suffix, const std::vector<Bench::Catchup>& caught) {
    std::vector<double> seconds;
    std::vector<double> from_restart;
    std::map<std::string, std::vector<double>> cpu;
    for (const Bench::Catchup& c : caught) {
      seconds.push_back(c.seconds);
      from_restart.push_back(c.from_restart_s);
      for (const auto& [name, used] : c.cpu_s) cpu[name].push_back(used);
    }
    figure(absl::StrCat("catchup_s_", suffix), absl::StrFormat("%.3f", Median(seconds)));
    figure(absl::StrCat("catchup_restart_s_", suffix),
           absl::StrFormat("%.3f", Median(from_restart)));
    figure(absl::StrCat("catchup_s_", suffix, "_rounds"), Joined(seconds));
    // Where the catch-up's time went, per process (the loader only polls status).
    for (const auto& [node, tier] : kTiers) {
      figure(absl::StrCat("catchup_cpu_s_", suffix, "_", tier),
             absl::StrFormat("%.3f", Median(cpu[node])));
    }
    return Median(seconds);
  };
  const double large_s = rounds > 0 ? report("large", large_rounds) : 0;
  if (small != nullptr) {
    const double small_s = report("small", small_rounds);
    figure("catchup_ratio", absl::StrFormat("%.3f", large_s / small_s));
    std::vector<double> ratios;
    for (uint32_t i = 0; i < rounds; ++i) {
      ratios.push_back(large_rounds[i].seconds / small_rounds[i].seconds);
    }
    figure("catchup_ratio_rounds", Joined(ratios));
  }
  figure("peak_rss_mb_county", absl::StrFormat("%.1f", large->PeakMb(kCounty)));
  figure("peak_rss_mb_city", absl::StrFormat("%.1f", large->PeakMb(kCity)));
  figure("peak_rss_mb_province", absl::StrFormat("%.1f", large->PeakMb(kProvince)));
  small.reset();
  large.reset();
  if (!absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(dir);

  for (const std::string& name : order) std::printf("%s=%s\n", name.c_str(), figures[name].c_str());
  return 0;
}

// bench/run fanout (docs/BENCHMARKS.md, "Fanout"): the province with K = 1 and K = 21 city
// children as real processes with mTLS; Foshan loads `fanout_changes` changes, the others idle.
// Per run: the province's CPU from the first write until every child has pulled the province's
// log to its end, per change, and the changes/s from the first write until the province holds
// them durably. Runs alternate (K=1, K=21, then K=21, K=1, ...; with --old_tierhubd each kind
// also alternates with the old binary), so the machine's drifting load weighs on all alike.
int RunFanout() {
  const uint64_t changes = absl::GetFlag(FLAGS_fanout_changes);
  const uint32_t rounds = absl::GetFlag(FLAGS_fanout_rounds);
  if (changes == 0 || rounds == 0) return Fail(absl::InvalidArgumentError("counts must be > 0"));
  auto work_dir = WorkDir("fanout");
  if (!work_dir.ok()) return Fail(work_dir.status());
  const std::string dir = *work_dir;
  const size_t name_bytes = NameBytesFor(absl::GetFlag(FLAGS_record_bytes));
  struct Kind {
    std::string prefix;    // "" for this build, "old_" for --old_tierhubd
    std::string tierhubd;  // "" = this build's
  };
  std::vector<Kind> kinds = {{"", ""}};
  if (!absl::GetFlag(FLAGS_old_tierhubd).empty()) {
    kinds.push_back({"old_", absl::GetFlag(FLAGS_old_tierhubd)});
  }
  // (prefix, K) -> per-run figures
  std::map<std::pair<std::string, int>, std::vector<double>> us_per_change;
  std::map<std::pair<std::string, int>, std::vector<double>> e2e;
  int run = 0;
  for (uint32_t round = 0; round < rounds; ++round) {
    const std::vector<int> ks = round % 2 == 0 ? std::vector<int>{1, 21} : std::vector<int>{21, 1};
    for (int k : ks) {
      for (size_t j = 0; j < kinds.size(); ++j) {
        const Kind& kind = kinds[(j + round) % kinds.size()];
        const std::string label =
            absl::StrCat(kind.prefix.empty() ? "new" : "old", " k", k, " round ", round + 1);
        const std::string run_dir = absl::StrCat(dir, "/run", ++run);
        std::map<std::string, double> cpu;
        double rate = 0;
        double province_s = 0;
        {
          Bench bench(
              run_dir, name_bytes,
              LocalCluster::Options{absl::GetFlag(FLAGS_fanout_block_cache_mb), kind.tierhubd});
          if (absl::Status s = bench.StartFanout(k); !s.ok()) return Fail(s);
          bench.WaitAtRest(label, absl::Minutes(1));
          const double province_before = bench.NodeCpu(kProvince);
          auto filled = bench.Fill(label, changes, &cpu);
          if (!filled.ok()) return Fail(filled.status());
          rate = *filled;
          auto province = bench.Status(kProvince);
          if (!province.ok()) return Fail(province.status());
          if (absl::Status s = bench.WaitChildrenPulled(province->last_seq()); !s.ok()) {
            return Fail(s);
          }
          province_s = bench.NodeCpu(kProvince) - province_before;
        }
        std::filesystem::remove_all(run_dir);
        const double us = province_s * 1e6 / changes;
        Progress(absl::StrFormat("%s: province %.2f us/change, %.0f changes/s", label, us, rate));
        us_per_change[{kind.prefix, k}].push_back(us);
        e2e[{kind.prefix, k}].push_back(rate);
      }
    }
  }
  if (!absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(dir);
  std::printf("changes=%llu\nrounds=%u\n", static_cast<unsigned long long>(changes), rounds);
  for (const Kind& kind : kinds) {
    const std::string& p = kind.prefix;
    const double k1 = Median(us_per_change[{p, 1}]);
    const double k21 = Median(us_per_change[{p, 21}]);
    const double e1 = Median(e2e[{p, 1}]);
    const double e21 = Median(e2e[{p, 21}]);
    std::printf("%sprovince_us_per_change_k1=%.2f\n", p.c_str(), k1);
    std::printf("%sprovince_us_per_change_k21=%.2f\n", p.c_str(), k21);
    std::printf("%sfanout_cost_ratio=%.3f\n", p.c_str(), k21 / k1);
    std::printf("%se2e_changes_per_s_k1=%.0f\n", p.c_str(), e1);
    std::printf("%se2e_changes_per_s_k21=%.0f\n", p.c_str(), e21);
    std::printf("%se2e_ratio=%.3f\n", p.c_str(), e21 / e1);
    std::printf("%sprovince_us_per_change_k1_runs=%s\n", p.c_str(),
                Joined(us_per_change[{p, 1}]).c_str());
    std::printf("%sprovince_us_per_change_k21_runs=%s\n", p.c_str(),
                Joined(us_per_change[{p, 21}]).c_str());
    std::printf("%se2e_changes_per_s_k1_runs=%s\n", p.c_str(), Joined(e2e[{p, 1}]).c_str());
    std::printf("%se2e_changes_per_s_k21_runs=%s\n", p.c_str(), Joined(e2e[{p, 21}]).c_str());
  }
  return 0;
}

// Console users at the province for bench/run console-load: each logs in once, then opens
// pages in turn (the overview's API and page of the province and of Foshan, the sync page),
// one connection per page as a browser does, pausing `think` between two.
class ConsoleUsers {
 public:
  ConsoleUsers(int port, uint32_t users, absl::Duration think)
      : port_(port), users_(users), think_(think) {}
  ~ConsoleUsers() { Stop(); }

  absl::Status Start() {
    stop_ = false;
    for (uint32_t u = 0; u < users_; ++u) {
      auto cookie = ConsoleLogin(port_, "bench", "bench-password");
      if (!cookie.ok()) return cookie.status();
      threads_.emplace_back([this, u, cookie = *cookie] { Browse(u, cookie); });
    }
    return absl::OkStatus();
  }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  // Milliseconds of each page answered since the start, and the answers that were not 200.
  std::vector<double> TakeLatencies() {
    absl::MutexLock lock(&mu_);
    return std::move(ms_);
  }
  uint64_t errors() const { return errors_; }
  uint64_t throttled() const { return throttled_; }  // 429: over the session's budget

 private:
  void Browse(uint32_t user, const std::string& cookie) {
    static const char* const kPages[] = {"/api/v1/overview?region=440000", "/region/440600",
                                         "/api/v1/overview?region=440600", "/", "/sync"};
    for (size_t i = user; !stop_; ++i) {
      const absl::Time start = absl::Now();
      auto r = ConsoleGet(port_, kPages[i % std::size(kPages)], cookie);
      const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
      if (r.ok() && r->first == 429) {
        // Over the session's budget: wait the Retry-After (1 s at the default budget).
        ++throttled_;
        for (absl::Time until = absl::Now() + absl::Seconds(1); !stop_ && absl::Now() < until;) {
          absl::SleepFor(absl::Milliseconds(50));
        }
        continue;
      }
      if (!r.ok() || r->first != 200) {
        ++errors_;
      } else {
        absl::MutexLock lock(&mu_);
        ms_.push_back(ms);
      }
      for (absl::Time until = absl::Now() + think_; !stop_ && absl::Now() < until;) {
        absl::SleepFor(std::min(think_, absl::Milliseconds(50)));
      }
    }
  }

  const int port_;
  const uint32_t users_;
  const absl::Duration think_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> throttled_{0};
  std::vector<std::thread> threads_;
  absl::Mutex mu_;
  std::vector<double> ms_ ABSL_GUARDED_BY(mu_);
};

// A free TCP port on 127.0.0.1 (bound, read, closed: free unless another process takes it
// in between).
absl::StatusOr<int> FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return absl::UnavailableError("no free port on 127.0.0.1");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(q * values.size()))];
}

// bench/run console-load (docs/BENCHMARKS.md): the exchange's end-to-end throughput (county ->
// city -> province, real processes, mTLS) with and without `console_users` users on the
// province's web console, in turns (without, with, with, without, ...) on one cluster, each
// run loading `console_changes` new records. Prints the medians and their ratio
// (console_load_ratio = with / without; the target is at least 0.9) and the pages' latency
// under load.
int RunConsoleLoad() {
  const uint64_t changes = absl::GetFlag(FLAGS_console_changes);
  const uint32_t rounds = absl::GetFlag(FLAGS_console_rounds);
  const uint32_t users = absl::GetFlag(FLAGS_console_users);
  if (changes == 0 || rounds == 0 || users == 0) {
    return Fail(absl::InvalidArgumentError("counts must be > 0"));
  }
  auto dir = WorkDir("console-load");
  if (!dir.ok()) return Fail(dir.status());
  auto hash = console::HashPassword("bench-password");
  if (!hash.ok()) return Fail(hash.status());
  const std::string accounts = *dir + "/web-users";
  if (absl::Status s = console::SaveAccounts(accounts, {{"bench", "ops:440000:bench", *hash}});
      !s.ok()) {
    return Fail(s);
  }
  auto port = FreePort();
  if (!port.ok()) return Fail(port.status());
  const size_t name_bytes = NameBytesFor(absl::GetFlag(FLAGS_record_bytes));
  Bench bench(*dir + "/cluster", name_bytes);
  if (absl::Status s =
          bench.Start(absl::StrCat("web { listen_address: \"127.0.0.1:", *port,
                                   "\" insecure_http: true accounts_file: \"", accounts, "\" }"));
      !s.ok()) {
    return Fail(s);
  }
  ConsoleUsers console_users(*port, users,
                             absl::Milliseconds(absl::GetFlag(FLAGS_console_think_ms)));
  std::vector<double> idle, loaded, page_ms;
  uint64_t first = 0;
  for (uint32_t run = 0; run < 2 * rounds; ++run) {
    const bool with_users = run % 4 == 1 || run % 4 == 2;  // without, with, with, without, ...
    const std::string label =
        absl::StrCat(with_users ? "with " : "without ", users, " console users, run ", run + 1);
    bench.WaitAtRest(label, absl::Minutes(5));
    if (with_users) {
      if (absl::Status s = console_users.Start(); !s.ok()) return Fail(s);
    }
    auto rate = bench.Fill(label, changes, nullptr, first);
    first += changes;
    if (with_users) {
      console_users.Stop();
      std::vector<double> ms = console_users.TakeLatencies();
      page_ms.insert(page_ms.end(), ms.begin(), ms.end());
    }
    if (!rate.ok()) return Fail(rate.status());
    (with_users ? loaded : idle).push_back(*rate);
  }
  std::printf("changes_per_run=%llu\n", static_cast<unsigned long long>(changes));
  std::printf("console_users=%u\n", users);
  std::printf("console_think_ms=%u\n", absl::GetFlag(FLAGS_console_think_ms));
  std::printf("exchange_rps_without_console=%.0f\n", Median(idle));
  std::printf("exchange_rps_without_console_runs=%s\n", Joined(idle).c_str());
  std::printf("exchange_rps_with_console=%.0f\n", Median(loaded));
  std::printf("exchange_rps_with_console_runs=%s\n", Joined(loaded).c_str());
  std::printf("console_load_ratio=%.3f\n", Median(loaded) / Median(idle));
  std::printf("console_pages=%zu\n", page_ms.size());
  std::printf("console_page_errors=%llu\n",
              static_cast<unsigned long long>(console_users.errors()));
  std::printf("console_pages_throttled=%llu\n",
              static_cast<unsigned long long>(console_users.throttled()));
  std::printf("console_page_p50_ms=%.1f\n", Percentile(page_ms, 0.50));
  std::printf("console_page_p99_ms=%.1f\n", Percentile(page_ms, 0.99));
  if (!absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(*dir);
  return 0;
}

}  // namespace
}  // namespace tierhub::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tierhub benchmarks (see docs/BENCHMARKS.md).\n\n"
      "  tierhub_bench exchange [--records=N] [--catchup=N] [--small_records=N]\n"
      "                         [--catchup_rounds=N] [--skip_small] [--keep] [--dir=DIR]\n"
      "  tierhub_bench fanout [--fanout_changes=N] [--fanout_rounds=N]\n"
      "                       [--old_tierhubd=PATH] [--keep] [--dir=DIR]\n"
      "  tierhub_bench console-load [--console_changes=N] [--console_rounds=N]\n"
      "                             [--console_users=N] [--console_think_ms=MS] [--keep]\n"
      "(--helpfull describes each flag)");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() == 2 && std::string(args[1]) == "fanout") return tierhub::bench::RunFanout();
  if (args.size() == 2 && std::string(args[1]) == "console-load") {
    return tierhub::bench::RunConsoleLoad();
  }
  if (args.size() != 2 || std::string(args[1]) != "exchange") {
    std::fprintf(stderr, "usage: tierhub_bench exchange|fanout|console-load [flags]; see --help\n");
    return 2;
  }
  return tierhub::bench::RunExchange();
}
