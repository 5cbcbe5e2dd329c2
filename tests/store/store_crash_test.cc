// Kills a real writer process with SIGKILL at random points, over and over against one store
// directory, and after each kill proves the store recovered into a consistent state: every
// acknowledged change is there, records agree with the log, the log is dense, counters and
// index entries agree with a recount from the records, and the node-local copy of each record
// (written in the same Write) agrees with it (principle 2).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "tests/store/test_hooks.h"
#include "tests/testutil/temp_dir.h"

#ifndef STORE_CRASH_WRITER_PATH
#error "STORE_CRASH_WRITER_PATH must name the store_crash_writer binary"
#endif

namespace tierhub::store {
namespace {

constexpr int kKills = 30;
// A bound, not a wait: a healthy writer acknowledges within milliseconds.
constexpr absl::Duration kAckDeadline = absl::Seconds(20);

struct Ack {
  uint64_t seq;
  std::string key;
  int64_t wall_micros;
  uint32_t logical;
};

// A running writer whose stdout we read.
struct Writer {
  pid_t pid = -1;
  int out = -1;
  std::string pending;  // bytes after the last complete line
};

Writer Spawn(const std::string& dir, unsigned seed) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return {};
  }
  const std::string seed_arg = std::to_string(seed);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::dup2(fds[1], STDOUT_FILENO);
    ::execl(STORE_CRASH_WRITER_PATH, STORE_CRASH_WRITER_PATH, dir.c_str(), seed_arg.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    ADD_FAILURE() << "fork failed";
    return {};
  }
  return Writer{pid, fds[0], ""};
}

// Reads what is available (waiting at most `wait`) and parses complete lines into `acks`.
// Returns false at end of file.
bool ReadAcks(Writer& w, absl::Duration wait, std::vector<Ack>* acks) {
  pollfd pfd{w.out, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(wait))) <= 0) return true;
  char buf[4096];
  const ssize_t n = ::read(w.out, buf, sizeof(buf));
  if (n <= 0) return false;
  w.pending.append(buf, static_cast<size_t>(n));
  size_t start = 0;
  for (size_t nl; (nl = w.pending.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::vector<std::string> f = absl::StrSplit(w.pending.substr(start, nl - start), ' ');
    if (f.size() != 4) {
      ADD_FAILURE() << "bad ack line: " << w.pending.substr(start, nl - start);
      continue;
    }
    acks->push_back(
        Ack{std::stoull(f[0]), f[1], std::stoll(f[2]), static_cast<uint32_t>(std::stoul(f[3]))});
  }
  w.pending.erase(0, start);
  return true;
}

// Everything the verification learned, for the test's summary.
struct Figures {
  size_t records = 0;
  size_t changes = 0;
};

// Checks every invariant of a recovered store against itself and the acknowledgements.
void VerifyStore(const Store& store, const RecordHooks& hooks, const std::vector<Ack>& acks,
                 Figures* figures) {
  // The log is dense from FirstLogSeq to LastSeq; remember each key's latest change.
  std::vector<v1::Change> log;
  for (uint64_t next = store.FirstLogSeq(); next <= store.LastSeq();) {
    auto chunk = store.ReadLog(next, 1000, 1 << 20);
    ASSERT_TRUE(chunk.ok()) << chunk.status();
    ASSERT_FALSE(chunk->empty()) << "log ends at " << next - 1 << " < " << store.LastSeq();
    for (v1::Change& c : *chunk) {
      ASSERT_EQ(c.seq(), next) << "log is not dense";
      ASSERT_EQ(c.origin_seq(), c.seq()) << "a single writer's own seq tracks the local seq";
      ++next;
      log.push_back(std::move(c));
    }
  }
  ASSERT_EQ(store.FirstLogSeq(), 1u);
  ASSERT_EQ(log.size(), store.LastSeq());
  EXPECT_EQ(store.OwnOriginSeq(), store.LastSeq());
  std::map<std::string, const v1::Change*> latest;
  for (const v1::Change& c : log) latest[c.key()] = &c;

  // Every acknowledged change is present as acknowledged.
  for (const Ack& ack : acks) {
    ASSERT_GE(ack.seq, 1u);
    ASSERT_LE(ack.seq, log.size()) << "acknowledged seq " << ack.seq << " lost";
    const v1::Change& c = log[ack.seq - 1];
    EXPECT_EQ(c.key(), ack.key) << "seq " << ack.seq;
    EXPECT_EQ(c.version().wall_micros(), ack.wall_micros) << "seq " << ack.seq;
    EXPECT_EQ(c.version().logical(), ack.logical) << "seq " << ack.seq;
  }

  // Every record has its log entry, and holds its key's latest change; recount contributions.
  std::map<std::string, int64_t> expected_counters;
  std::set<std::pair<std::string, std::string>> expected_index;
  size_t records = 0;
  absl::Status scan = store.ScanRecords("", [&](std::string_view key, const v1::StoredRecord& r) {
    ++records;
    EXPECT_GE(r.seq(), 1u);
    EXPECT_LE(r.seq(), log.size());
    if (r.seq() >= 1 && r.seq() <= log.size()) {
      const v1::Change& c = log[r.seq() - 1];
      EXPECT_EQ(c.key(), key);
      EXPECT_EQ(c.version().SerializeAsString(), r.version().SerializeAsString()) << key;
    }
    auto it = latest.find(std::string(key));
    EXPECT_TRUE(it != latest.end() && it->second->seq() == r.seq())
        << key << " does not hold its latest log entry";
    auto shadow = store.GetLocal(std::string(kShadowPrefix) + std::string(key));
    EXPECT_TRUE(shadow.ok()) << shadow.status();
    if (shadow.ok()) {
      EXPECT_TRUE(shadow->has_value() && **shadow == ShadowOf(r))
          << key << ": its local copy was not committed with it";
    }
    if (IsLive(r)) {
      std::vector<CounterDelta> deltas;
      hooks.Counters(key, r.record(), &deltas);
      for (const CounterDelta& d : deltas) expected_counters[d.key] += d.delta;
      std::vector<std::string> index_keys;
      hooks.IndexKeys(key, r.record(), &index_keys);
      for (std::string& k : index_keys) expected_index.emplace(std::move(k), key);
    }
    return true;
  });
  ASSERT_TRUE(scan.ok()) << scan;
  EXPECT_EQ(records, latest.size()) << "a logged key has no record";
  size_t shadows = 0;
  ASSERT_TRUE(store
                  .ScanLocal("",
                             [&](std::string_view, std::string_view) {
                               ++shadows;
                               return true;
                             })
                  .ok());
  EXPECT_EQ(shadows, records) << "a local copy outlived the write that carried it";

  for (auto it = expected_counters.begin(); it != expected_counters.end();) {
    it = it->second == 0 ? expected_counters.erase(it) : std::next(it);
  }
  std::map<std::string, int64_t> counters;
  ASSERT_TRUE(store
                  .ScanCounters("",
                                [&](std::string_view k, int64_t v) {
                                  counters.emplace(k, v);
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(counters, expected_counters);

  std::set<std::pair<std::string, std::string>> index;
  ASSERT_TRUE(store
                  .ScanIndex("",
                             [&](std::string_view i, std::string_view r) {
                               index.emplace(i, r);
                               return true;
                             })
                  .ok());
  EXPECT_EQ(index, expected_index);

  figures->records += records;
  figures->changes = log.size();
}

TEST(StoreCrashTest, RecoversConsistentlyAfterRepeatedSigkill) {
  testutil::TempDir dir;
  const std::string path = dir.Sub("store");
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> acks_before_kill(1, 200);
  RegionStatusHooks hooks;
  FakeClock clock;  // the verifier never writes; its clock is never read for a version
  Figures figures;
  uint64_t last_verified = 0;
  int kills = 0;

  for (int round = 0; round < kKills; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    Writer w = Spawn(path, rng());
    ASSERT_GT(w.pid, 0);
    const size_t target = acks_before_kill(rng);
    std::vector<Ack> acks;
    const absl::Time deadline = absl::Now() + kAckDeadline;
    bool open = true;
    while (open && acks.size() < target && absl::Now() < deadline) {
      open = ReadAcks(w, absl::Milliseconds(100), &acks);
    }
    ::kill(w.pid, SIGKILL);
    // Lines already in the pipe were acknowledged before the kill: they count too.
    while (open) open = ReadAcks(w, absl::Seconds(5), &acks);
    ::close(w.out);
    int wstatus = 0;
    ASSERT_EQ(::waitpid(w.pid, &wstatus, 0), w.pid);
    ASSERT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
        << "writer exited by itself (status " << wstatus << "); see its stderr";
    ASSERT_GE(acks.size(), target) << "writer too slow or stuck";
    ++kills;

    // The writer resumed exactly after what the last verification saw: no seq reused or skipped.
    EXPECT_EQ(acks.front().seq, last_verified + 1);

    Store::Options options;
    options.path = path;
    options.node_id = "crash-node";
    options.clock = &clock;
    options.hooks = &hooks;
    options.block_cache_mb = 8;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    VerifyStore(**store, hooks, acks, &figures);
    if (HasFatalFailure() || HasNonfatalFailure()) return;
    EXPECT_GE((*store)->LastSeq(), acks.back().seq);
    last_verified = (*store)->LastSeq();
  }
  std::printf("store_crash_test: %d kills, %zu records checked in total, %zu changes in the log\n",
              kills, figures.records, figures.changes);
  EXPECT_EQ(kills, kKills);
}

}  // namespace
}  // namespace tierhub::store
