// The partition soak (docs/FAULTS.md): a tree of real tierhubd processes whose every link runs
// through a FaultProxy; writes at random nodes while nodes are SIGKILLed and restarted and
// links are stalled or cut, then, with everything healed, the exact state: every acknowledged
// record at the province and nothing else (0 lost, 0 extra), every origin's changes logged
// exactly once there (0 duplicated), each origin's versions unchanged, and the digest of each
// subtree equal at its node and at the province. Figures go to stdout as name=value lines;
// exit 0 only if the state is exact.
//
//   tests/system/partition_soak.sh [--kills=100 --partitions=10 ...]         (the long run, on
//   purpose) tierhub_partition_soak --kills=4 --partitions=2 ...        (CTest
//   PartitionSoakProcessTest)
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/domain/record_key.h"
#include "tests/system/cluster_calls.h"
#include "tests/system/fault_proxy.h"
#include "tests/testutil/process_cluster.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"

ABSL_FLAG(int, kills, 100, "SIGKILLs (and restarts) of random nodes, at least");
ABSL_FLAG(int, partitions, 10, "partitions of random links (stall or cut), at least");
ABSL_FLAG(int, writes, 200, "writes of 2 records at random nodes, at least");
ABSL_FLAG(double, min_partition_seconds, 3, "shortest partition");
ABSL_FLAG(double, max_partition_seconds, 25,
          "longest partition (a stall past ~15 s outlives "
          "the keepalive, which then closes the connection)");
ABSL_FLAG(uint32_t, seed, 20190415, "random seed");
ABSL_FLAG(int, converge_seconds, 180, "how long the healed tree may take to converge");

namespace tierhub::testutil {
namespace {

using google::protobuf::util::MessageDifferencer;

using Spec = NodeSpec;

// The province, Foshan with two districts, Dongguan (no county tier): every link is proxied.
constexpr Spec kTopology[] = {
    {"gd", v1::REGION_LEVEL_PROVINCE, "440000", ""},
    {"fs", v1::REGION_LEVEL_CITY, "440600", "gd"},
    {"dg", v1::REGION_LEVEL_CITY, "441900", "gd"},
    {"cc", v1::REGION_LEVEL_COUNTY, "440604", "fs"},
    {"sd", v1::REGION_LEVEL_COUNTY, "440606", "fs"},
};

int PortOf(const ProcessCluster& cluster, const std::string& id) {
  const std::string address = cluster.AsNode(id, id).address;
  return std::stoi(address.substr(address.rfind(':') + 1));
}

// ProcessCluster runs `tierhubd` as given; this wrapper gives a node --parent_address from
// <node>.parent_address next to its config, if there is one, so that its link goes through a
// proxy. `exec` keeps the pid: a SIGKILL of the node is one of tierhubd.
std::string WriteWrapper(const std::string& dir) {
  const std::string path = dir + "/tierhubd-via-proxy.sh";
  std::ofstream out(path);
  out << "#!/bin/sh\n"
      << "cfg=\n"
      << "for a in \"$@\"; do case \"$a\" in --config=*) cfg=\"${a#--config=}\";; esac; done\n"
      << "o=\"${cfg%.textproto}.parent_address\"\n"
      << "if [ -f \"$o\" ]; then exec " << TIERHUBD_PATH
      << " \"$@\" --parent_address=\"$(cat \"$o\")\"; fi\n"
      << "exec " << TIERHUBD_PATH << " \"$@\"\n";
  out.close();
  std::string chmod = "chmod +x " + path;
  if (std::system(chmod.c_str()) != 0) std::abort();
  return path;
}

int Run() {
  std::signal(SIGPIPE, SIG_IGN);
  const absl::Time started = absl::Now();
  std::mt19937 rng(absl::GetFlag(FLAGS_seed));
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  TempDir dir;
  ProcessCluster::Options options;
  options.tierhubd = WriteWrapper(dir.path());
  ProcessCluster cluster(dir.path(), options);
  const std::vector<Spec> topology(std::begin(kTopology), std::end(kTopology));
  std::map<std::string, std::unique_ptr<FaultProxy>> proxies;  // by child id
  for (const Spec& s : topology) {
    if (*s.parent != '\0') {
      auto proxy = FaultProxy::Start(PortOf(cluster, s.parent));
      if (!proxy.ok()) {
        std::fprintf(stderr, "soak: %s\n", proxy.status().ToString().c_str());
        return 1;
      }
      std::ofstream(absl::StrCat(dir.path(), "/", s.id, ".parent_address"))
          << "127.0.0.1:" << (*proxy)->port() << "\n";
      proxies[s.id] = *std::move(proxy);
    }
    absl::Status added = cluster.Add(s.id, s.tier, s.region, s.parent);
    if (!added.ok()) {
      std::fprintf(stderr, "soak: %s: %s\n", s.id, added.ToString().c_str());
      return 1;
    }
  }

  const int min_kills = absl::GetFlag(FLAGS_kills);
  const int min_partitions = absl::GetFlag(FLAGS_partitions);
  const int min_writes = absl::GetFlag(FLAGS_writes);
  std::map<std::string, std::vector<v1::Record>> pending;  // per node, not yet acknowledged
  std::set<std::string> acked_keys;
  int serial = 0, kills = 0, partitions = 0, stalls = 0, cuts = 0, writes = 0, refused = 0;
  int log_lost_on_kill = 0, seen_down = 0;
  int next_kill = 15;
  std::string partitioned;  // the child whose link is partitioned now, if any
  absl::Time heal_at = absl::InfinitePast();
  absl::Time next_partition = absl::Now() + absl::Seconds(uniform(1, 3));
  for (int w = 0; w < min_writes || kills < min_kills || partitions < min_partitions; ++w) {
    const Spec& s = topology[rng() % topology.size()];
    if (w < min_writes || kills < min_kills) {
      for (int i = 0; i < 2; ++i) pending[s.id].push_back(MakeEnterprise(s.region, ++serial));
    }
    if (!pending[s.id].empty()) {
      if (WriteAt(cluster, s.id, pending[s.id]).ok()) {
        ++writes;
        for (const auto& r : pending[s.id]) acked_keys.insert(domain::RecordKey(r));
        pending[s.id].clear();
      } else {
        ++refused;
      }
    }
    if (w == next_kill && kills < min_kills) {
      const Spec& victim = topology[rng() % topology.size()];
      auto before = SyncStatusOf(cluster, victim.id);
      cluster.Kill(victim.id);
      ++kills;
      if (absl::Status s = cluster.Restart(victim.id); !s.ok()) {
        std::fprintf(stderr, "soak: restart %s: %s\n", victim.id, s.ToString().c_str());
        return 1;
      }
      // Nothing the node had logged (every acknowledged write is) is gone after SIGKILL.
      if (before.ok() && !WaitUntil(
                             [&] {
                               auto after = SyncStatusOf(cluster, victim.id);
                               return after.ok() && after->last_seq() >= before->last_seq();
                             },
                             kWaitBound, "the restarted node's log")) {
        ++log_lost_on_kill;
      }
      next_kill = w + 10 + static_cast<int>(rng() % 25);
    }
    const absl::Time now = absl::Now();
    if (!partitioned.empty() && now >= heal_at) {
      // Whether the child's status showed the partition (a cut at once, a stall once keepalive
      // gave up, about 15 s): the upward link not CONNECTED, with a reason.
      auto child = SyncStatusOf(cluster, partitioned);
      if (child.ok() && child->upward().state() != v1::LINK_STATE_CONNECTED) ++seen_down;
      proxies.at(partitioned)->SetMode(FaultProxy::Mode::kPass);
      std::fprintf(stderr, "soak: healed %s\n", partitioned.c_str());
      partitioned.clear();
      next_partition = now + absl::Seconds(uniform(1, 4));
    }
    if (partitioned.empty() && now >= next_partition) {
      auto it = proxies.begin();
      std::advance(it, rng() % proxies.size());
      partitioned = it->first;
      const bool stall = partitions % 2 == 0;  // stall, cut, stall, ...
      it->second->SetMode(stall ? FaultProxy::Mode::kStall : FaultProxy::Mode::kCut);
      ++partitions;
      ++(stall ? stalls : cuts);
      const double seconds = uniform(absl::GetFlag(FLAGS_min_partition_seconds),
                                     absl::GetFlag(FLAGS_max_partition_seconds));
      heal_at = now + absl::Seconds(seconds);
      std::fprintf(stderr, "soak: partition %d: %s %s for %.1f s (kills so far %d)\n", partitions,
                   stall ? "stall" : "cut", partitioned.c_str(), seconds, kills);
    }
    if (kills >= min_kills && w >= min_writes && partitions < min_partitions) {
      absl::SleepFor(absl::Milliseconds(50));  // only partitions left: do not flood the disk
    }
  }
  for (auto& [id, proxy] : proxies) proxy->SetMode(FaultProxy::Mode::kPass);
  // Every write eventually acknowledged (a retry of a write whose answer was lost writes the
  // same record again: same key, a newer version).
  for (auto& [id, records] : pending) {
    if (records.empty()) continue;
    if (!WaitUntil([&] { return WriteAt(cluster, id, records).ok(); }, kWaitBound,
                   "the write to be acknowledged")) {
      std::fprintf(stderr, "soak: %s takes no writes\n", id.c_str());
      return 1;
    }
    for (const auto& r : records) acked_keys.insert(domain::RecordKey(r));
  }
  const absl::Time healed = absl::Now();

  // Converged: the province has applied every origin's changes up to its own sequence.
  const std::string root = topology.front().id;
  const bool converged = static_cast<bool>(
      WaitUntil([&] { return RootHasEveryOrigin(cluster, topology, root); },
                absl::Seconds(absl::GetFlag(FLAGS_converge_seconds)), "the tree to converge"));
  const double converge_seconds = absl::ToDoubleSeconds(absl::Now() - healed);

  auto province = LiveRecordsOf(cluster, root);
  auto province_status = SyncStatusOf(cluster, root);
  if (!province.ok() || !province_status.ok()) {
    std::fprintf(stderr, "soak: the province does not answer\n");
    return 1;
  }
  std::set<std::string> province_keys;
  for (const auto& [key, stored] : *province) province_keys.insert(key);
  uint64_t lost = 0, extra = 0, version_mismatches = 0, total_own = 0, conflicts = 0;
  for (const std::string& key : acked_keys) lost += province_keys.count(key) == 0 ? 1 : 0;
  for (const std::string& key : province_keys) extra += acked_keys.count(key) == 0 ? 1 : 0;
  for (const Spec& s : topology) {
    auto status = SyncStatusOf(cluster, s.id);
    auto records = LiveRecordsOf(cluster, s.id);
    if (!status.ok() || !records.ok()) {
      std::fprintf(stderr, "soak: %s does not answer\n", s.id);
      return 1;
    }
    total_own += status->own_origin_seq();
    // Every record has one writer, so no version may arrive as a concurrent edit anywhere.
    auto journal = ConflictsOf(cluster, s.id);
    conflicts += journal.ok() ? journal->conflicts_size() : 1;
    for (const auto& [key, stored] : *records) {
      if (stored.origin_node() != s.id) continue;
      auto it = province->find(key);
      if (it == province->end() ||
          !MessageDifferencer::Equals(it->second.version(), stored.version())) {
        ++version_mismatches;
      }
    }
  }
  // No duplicate: the province's log holds each origin's changes exactly once.
  const uint64_t province_log = province_status->last_seq();
  const uint64_t duplicated = province_log > total_own ? province_log - total_own : 0;
  const uint64_t missing_in_log = province_log < total_own ? total_own - province_log : 0;
  // Each subtree's records (keys "ent/91" + region) are the same at its node and the province.
  int digests_compared = 0, digest_mismatches = 0;
  for (const Spec& s : topology) {
    if (s.id == root) continue;
    std::string region = s.region;
    while (region.size() > 2 && region.substr(region.size() - 2) == "00")
      region.resize(region.size() - 2);
    const std::string prefix = "ent/91" + region;
    auto here = DigestOf(cluster, s.id, prefix);
    auto there = DigestOf(cluster, root, prefix);
    ++digests_compared;
    if (!here.ok() || !there.ok() || here->sha256_hex() != there->sha256_hex() ||
        here->records() != there->records() || here->records() == 0) {
      ++digest_mismatches;
    }
  }
  uint64_t connections = 0;
  for (const auto& [id, proxy] : proxies) connections += proxy->connections();

  std::printf("kills=%d\n", kills);
  std::printf("partitions=%d\n", partitions);
  std::printf("partitions_stall=%d\n", stalls);
  std::printf("partitions_cut=%d\n", cuts);
  std::printf("partitions_seen_down_by_child=%d\n", seen_down);
  std::printf("writes=%d\n", writes);
  std::printf("writes_refused_then_retried=%d\n", refused);
  std::printf("proxied_connections=%llu\n", static_cast<unsigned long long>(connections));
  std::printf("acknowledged_records=%zu\n", acked_keys.size());
  std::printf("province_records=%zu\n", province_keys.size());
  std::printf("province_log=%llu\n", static_cast<unsigned long long>(province_log));
  std::printf("origin_changes=%llu\n", static_cast<unsigned long long>(total_own));
  std::printf("converged=%d\n", converged ? 1 : 0);
  std::printf("converge_seconds=%.1f\n", converge_seconds);
  std::printf("lost=%llu\n", static_cast<unsigned long long>(lost));
  std::printf("extra=%llu\n", static_cast<unsigned long long>(extra));
  std::printf("duplicated=%llu\n", static_cast<unsigned long long>(duplicated));
  std::printf("missing_in_log=%llu\n", static_cast<unsigned long long>(missing_in_log));
  std::printf("version_mismatches=%llu\n", static_cast<unsigned long long>(version_mismatches));
  std::printf("conflicts=%llu\n", static_cast<unsigned long long>(conflicts));
  std::printf("log_lost_on_kill=%d\n", log_lost_on_kill);
  std::printf("digests_compared=%d\n", digests_compared);
  std::printf("digest_mismatches=%d\n", digest_mismatches);
  std::printf("digests_equal=%d\n", digest_mismatches == 0 ? 1 : 0);
  std::printf("seconds=%.0f\n", absl::ToDoubleSeconds(absl::Now() - started));
  const bool exact = converged && lost == 0 && extra == 0 && duplicated == 0 &&
                     missing_in_log == 0 && version_mismatches == 0 && conflicts == 0 &&
                     log_lost_on_kill == 0 && digest_mismatches == 0;
  std::printf("exact=%d\n", exact ? 1 : 0);
  return exact ? 0 : 1;
}

}  // namespace
}  // namespace tierhub::testutil

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return tierhub::testutil::Run();
}
