// Each crash window of the exchange (services/common/fault_points.h), in real tierhubd
// processes armed through TIERHUB_FAULTS: the process dies exactly in the window, a test looks
// at its store on disk to see that it is in the window, restarts it, and checks that nothing
// was lost or doubled across it: the same records and digest at every node, and every node's
// log holding each origin's changes exactly once. docs/FAULTS.md.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/common/fault_points.h"
#include "services/domain/record_key.h"
#include "services/exchange/exchange_service.h"
#include "services/exchange/parent_link.h"
#include "services/node/node_hooks.h"
#include "services/store/store.h"
#include "tests/system/cluster_calls.h"
#include "tests/testutil/process_cluster.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"

namespace tierhub::testutil {
namespace {

using ::testing::Eq;
using ::testing::Ge;

constexpr char kCounty[] = "440606";

// Shunde under Foshan under Guangdong: one of each kind of link.
constexpr NodeSpec kNodes[] = {
    {"gd", v1::REGION_LEVEL_PROVINCE, "440000", ""},
    {"fs", v1::REGION_LEVEL_CITY, "440600", "gd"},
    {"sd", v1::REGION_LEVEL_COUNTY, kCounty, "fs"},
};

int Occurrences(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int n = 0;
  for (size_t at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) ++n;
  return n;
}

class FaultPointsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Present (empty) before any thread starts, so that arming later only swaps its value.
    ASSERT_EQ(setenv(faults::kFaultsEnvVar, "", 1), 0);
    cluster_ = std::make_unique<ProcessCluster>(dir_.path());
    for (const NodeSpec& n : kNodes) {
      ASSERT_TRUE(cluster_->Add(n.id, n.tier, n.region, n.parent).ok()) << n.id;
    }
  }

  // Restarts node `id` with TIERHUB_FAULTS=`spec` (the other nodes keep theirs).
  void RestartArmed(const std::string& id, const std::string& spec) {
    ASSERT_EQ(setenv(faults::kFaultsEnvVar, spec.c_str(), 1), 0);
    absl::Status restarted = cluster_->Restart(id);
    ASSERT_EQ(setenv(faults::kFaultsEnvVar, "", 1), 0);
    ASSERT_TRUE(restarted.ok()) << restarted;
  }

  // Waits until node `id` has announced `action` at point `name` `times` times in its log.
  bool WaitForPoint(const std::string& id, const std::string& name, int times = 1,
                    const std::string& action = "crash") {
    const std::string line = absl::StrCat("fault point ", name, " hit: ", action);
    return static_cast<bool>(
        WaitUntil([&] { return Occurrences(cluster_->log_path(id), line) >= times; },
                  absl::Seconds(60), line));
  }

  // `n` new enterprises of the county, written at `id` in calls of `per_call`.
  void WriteNew(const std::string& id, int n, int per_call = 20) {
    for (int done = 0; done < n; done += per_call) {
      std::vector<v1::Record> records;
      for (int i = 0; i < per_call && done + i < n; ++i) {
        records.push_back(MakeEnterprise(kCounty, ++serial_));
      }
      ASSERT_TRUE(WriteAt(*cluster_, id, records).ok()) << id;
      for (const auto& r : records) written_.insert(domain::RecordKey(r));
    }
  }

  // The records of node `id` under "ent/" (0 if it does not answer).
  uint64_t RecordsAt(const std::string& id) {
    auto d = DigestOf(*cluster_, id, "ent/");
    return d.ok() ? d->records() : 0;
  }

  // How many records under "ent/" a stopped node's store holds.
  uint64_t StoredRecords(const std::string& id, const std::string& region) {
    auto store = OpenStore(id, region);
    if (store == nullptr) return 0;
    uint64_t records = 0;
    EXPECT_TRUE(store
                    ->ScanRecords("ent/",
                                  [&](std::string_view, const v1::StoredRecord&) {
                                    ++records;
                                    return true;
                                  })
                    .ok());
    return records;
  }

  // The store of a stopped node, opened as the node opens it.
  std::unique_ptr<store::Store> OpenStore(const std::string& id, const std::string& region) {
    store::Store::Options options;
    options.path = cluster_->store_path(id);
    options.node_id = id;
    options.region_code = region;
    options.clock = SystemClock::Get();
    options.hooks = &hooks_;
    auto opened = store::Store::Open(options);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  // Every node holds every record written (all are the county's), with the same digest, and
  // every node's log holds each origin's changes once: its length is the sum of the origins'
  // own sequences (every change reaches every node: up to the province, down to the county).
  void ExpectExactEverywhere() {
    auto converged = [&] {
      uint64_t total_own = 0;
      for (const NodeSpec& n : kNodes) {
        auto s = SyncStatusOf(*cluster_, n.id);
        if (!s.ok()) return false;
        total_own += s->own_origin_seq();
      }
      for (const NodeSpec& n : kNodes) {
        auto s = SyncStatusOf(*cluster_, n.id);
        auto d = DigestOf(*cluster_, n.id, "ent/");
        if (!s.ok() || !d.ok() || d->records() != written_.size()) return false;
        if (s->last_seq() != total_own) return false;
      }
      return true;
    };
    ASSERT_TRUE(WaitUntil(converged, absl::Seconds(90), "every node to converge"));
    auto province = DigestOf(*cluster_, "gd", "ent/");
    ASSERT_TRUE(province.ok());
    uint64_t total_own = 0;
    for (const NodeSpec& n : kNodes) total_own += SyncStatusOf(*cluster_, n.id)->own_origin_seq();
    for (const NodeSpec& n : kNodes) {
      auto digest = DigestOf(*cluster_, n.id, "ent/");
      ASSERT_TRUE(digest.ok()) << n.id;
      EXPECT_EQ(digest->records(), written_.size()) << n.id;
      EXPECT_EQ(digest->sha256_hex(), province->sha256_hex()) << n.id;
      auto records = LiveRecordsOf(*cluster_, n.id);
      ASSERT_TRUE(records.ok()) << n.id;
      std::set<std::string> keys;
      for (const auto& [key, stored] : *records) {
        if (key.rfind("ent/", 0) == 0) keys.insert(key);
      }
      EXPECT_EQ(keys, written_) << n.id << " lost or invented records";
      // No duplicate: each origin's changes are logged once at every node.
      EXPECT_EQ(SyncStatusOf(*cluster_, n.id)->last_seq(), total_own) << n.id;
      // Nobody edited concurrently: no version came in out of order.
      auto conflicts = ConflictsOf(*cluster_, n.id);
      ASSERT_TRUE(conflicts.ok()) << n.id;
      EXPECT_EQ(conflicts->conflicts_size(), 0)
          << n.id << ": " << conflicts->DebugString().substr(0, 600);
    }
    // The county has nothing pending towards a parent that has it all.
    EXPECT_TRUE(WaitUntil(
        [&] {
          auto s = SyncStatusOf(*cluster_, "sd");
          return s.ok() && s->upward().pending_changes() == 0;
        },
        kWaitBound, "nothing pending at the county"));
  }

  TempDir dir_;
  node::NodeHooks hooks_;
  std::unique_ptr<ProcessCluster> cluster_;
  std::set<std::string> written_;
  int serial_ = 0;
};

// The city dies after it committed a batch of the county's (changes and the county's cursor in
// one synced write) and before it acknowledged it. On disk the city holds more of the county's
// log than the county was told; restarted, its welcome says so, and the county goes on from
// there: nothing is sent twice, nothing is skipped.
TEST_F(FaultPointsProcessTest, ParentCrashAfterApplyBeforeAckLosesAndDoublesNothing) {
  WriteNew("sd", 40);
  ASSERT_TRUE(
      WaitUntil([&] { return Holds(RecordsAt("fs"), Eq(40)); }, kWaitBound, "the records at fs"));
  RestartArmed("fs", "exchange.parent.after_apply_before_ack=crash");
  WriteNew("sd", 60);
  ASSERT_TRUE(WaitForPoint("fs", "exchange.parent.after_apply_before_ack"));
  auto county = SyncStatusOf(*cluster_, "sd");  // the county goes on taking writes
  ASSERT_TRUE(county.ok());
  const uint64_t county_acked = county->upward().last_acked_seq();
  cluster_->Kill("fs");  // reaps the crashed process
  {
    auto city = OpenStore("fs", "440600");
    ASSERT_NE(city, nullptr);
    auto applied = city->GetCursor(exchange::ChildAckCursor("sd"));
    ASSERT_TRUE(applied.ok());
    EXPECT_GT(*applied, county_acked) << "the city crashed outside the window";
  }
  ASSERT_TRUE(cluster_->Restart("fs").ok());
  WriteNew("sd", 20);
  ExpectExactEverywhere();
}

// The county is held after the city's ack arrived and before it stored it, and SIGKILLed there
// (a crash could beat the answer to the write in flight): its stored `parent-acked` is behind
// what the city holds. Restarted, it takes the city's welcome as the acknowledged position and
// resends nothing the city has.
TEST_F(FaultPointsProcessTest, ChildCrashAfterAckBeforeStoreLosesAndDoublesNothing) {
  WriteNew("sd", 40);
  ASSERT_TRUE(
      WaitUntil([&] { return Holds(RecordsAt("fs"), Eq(40)); }, kWaitBound, "the records at fs"));
  RestartArmed("sd", "exchange.child.after_ack_before_store=block");
  WriteNew("sd", 20);
  ASSERT_TRUE(WaitForPoint("sd", "exchange.child.after_ack_before_store", 1, "block"));
  cluster_->Kill("sd");
  auto city = SyncStatusOf(*cluster_, "fs");
  ASSERT_TRUE(city.ok());
  const uint64_t city_has = city->watermarks().at("sd");
  {
    auto county = OpenStore("sd", kCounty);
    ASSERT_NE(county, nullptr);
    auto stored = county->GetCursor(exchange::kParentAckedCursor);
    ASSERT_TRUE(stored.ok());
    EXPECT_LT(*stored, city_has) << "the county crashed outside the window";
  }
  ASSERT_TRUE(cluster_->Restart("sd").ok());
  WriteNew("sd", 20);
  ExpectExactEverywhere();
  EXPECT_EQ(SyncStatusOf(*cluster_, "fs")->counters().duplicates(), 0u)
      << "the county resent what the city had acknowledged";
}

// The county dies with a Pull response from the city received and not applied: neither its
// changes nor the cursor that covers them are on disk. Restarted, it pulls them again, once.
TEST_F(FaultPointsProcessTest, ChildCrashMidPullBatchLosesAndDoublesNothing) {
  WriteNew("gd", 40);
  ASSERT_TRUE(
      WaitUntil([&] { return Holds(RecordsAt("sd"), Eq(40)); }, kWaitBound, "the records at sd"));
  RestartArmed("sd", "exchange.child.pull_mid_batch=crash");
  WriteNew("gd", 60);
  ASSERT_TRUE(WaitForPoint("sd", "exchange.child.pull_mid_batch"));
  cluster_->Kill("sd");
  EXPECT_LT(StoredRecords("sd", kCounty), 100u) << "the county crashed outside the window";
  ASSERT_TRUE(cluster_->Restart("sd").ok());
  WriteNew("sd", 20);
  ExpectExactEverywhere();
}

// A snapshot that stops in the middle, at either end. The city answers the county's first Pull
// with OUT_OF_RANGE (as if its log no longer held the county's cursor), so the county
// resynchronises from a snapshot of 1,200 records it does not have, in chunks of 500.
class FaultPointsSnapshotTest : public FaultPointsProcessTest {
 protected:
  static constexpr int kRecords = 1200;
  void SetUp() override {
    FaultPointsProcessTest::SetUp();
    if (HasFatalFailure()) return;
    cluster_->Kill("sd");
    WriteNew("gd", kRecords, 100);
    ASSERT_TRUE(WaitUntil([&] { return Holds(RecordsAt("fs"), Eq(kRecords)); }, absl::Seconds(60),
                          "the records at fs"));
  }
};

// The city stops after the first chunk went out (held at the point) and is SIGKILLed there,
// with the county holding part of the snapshot and no cursor for it.
TEST_F(FaultPointsSnapshotTest, ParentKilledMidSnapshotLosesAndDoublesNothing) {
  RestartArmed("fs",
               "exchange.parent.pull_start=error:OUT_OF_RANGE@1,"
               "exchange.parent.snapshot_mid=block@1");
  ASSERT_TRUE(cluster_->Restart("sd").ok());
  ASSERT_TRUE(WaitForPoint("fs", "exchange.parent.snapshot_mid", 1, "block"));
  ASSERT_TRUE(
      WaitUntil([&] { return Holds(RecordsAt("sd"), Ge(500)); }, kWaitBound, "the records at sd"));
  const uint64_t partial = RecordsAt("sd");
  EXPECT_LT(partial, static_cast<uint64_t>(kRecords));
  cluster_->Kill("fs");
  ASSERT_TRUE(cluster_->Restart("fs").ok());
  WriteNew("sd", 20);
  ExpectExactEverywhere();
  std::printf("county_records_at_kill=%llu\n", static_cast<unsigned long long>(partial));
}

// The county dies after it applied the first chunk, before the next.
TEST_F(FaultPointsSnapshotTest, ChildCrashMidSnapshotLosesAndDoublesNothing) {
  RestartArmed("fs", "exchange.parent.pull_start=error:OUT_OF_RANGE@1");
  RestartArmed("sd", "exchange.child.snapshot_mid=crash@1");
  ASSERT_TRUE(WaitForPoint("sd", "exchange.child.snapshot_mid"));
  cluster_->Kill("sd");
  // Part of the snapshot is applied, without the cursor that would follow it.
  const uint64_t partial = StoredRecords("sd", kCounty);
  EXPECT_GT(partial, 0u) << "the county crashed outside the window";
  EXPECT_LT(partial, static_cast<uint64_t>(kRecords)) << "the county crashed outside the window";
  ASSERT_TRUE(cluster_->Restart("sd").ok());
  WriteNew("sd", 20);
  ExpectExactEverywhere();
}

}  // namespace
}  // namespace tierhub::testutil
