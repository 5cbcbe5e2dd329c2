// Whole-system tests: real tierhubd processes with mutual TLS on loopback, killed with SIGKILL.
#include <signal.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "services/client/channel.h"
#include "services/domain/validation.h"
#include "tests/system/cluster_calls.h"
#include "tests/testutil/process_cluster.h"
#include "tests/testutil/push.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::testutil {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::Ge;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Property;

auto Connected() { return Property(&v1::LinkStatus::state, v1::LINK_STATE_CONNECTED); }
auto NothingPending() { return Property(&v1::LinkStatus::pending_changes, 0u); }

using Spec = NodeSpec;

const char* WrittenRegion(const Spec& s) { return s.writes != nullptr ? s.writes : s.region; }

// The province, Foshan with three districts, and Dongguan (no county tier).
constexpr Spec kTopology[] = {
    {"gd", v1::REGION_LEVEL_PROVINCE, "440000", ""},
    {"fs", v1::REGION_LEVEL_CITY, "440600", "gd"},
    {"dg", v1::REGION_LEVEL_CITY, "441900", "gd"},
    {"cc", v1::REGION_LEVEL_COUNTY, "440604", "fs"},
    {"nh", v1::REGION_LEVEL_COUNTY, "440605", "fs"},
    {"sd", v1::REGION_LEVEL_COUNTY, "440606", "fs"},
};

class MultiProcessTest : public ::testing::Test {
 protected:
  // The nodes to start, parents first; the first is the root.
  virtual std::vector<Spec> Topology() const {
    return std::vector<Spec>(std::begin(kTopology), std::end(kTopology));
  }

  void SetUp() override {
    topology_ = Topology();
    root_ = topology_.front().id;
    cluster_ = std::make_unique<ProcessCluster>(dir_.path());
    for (const Spec& s : topology_) {
      ASSERT_TRUE(cluster_->Add(s.id, s.tier, s.region, s.parent).ok()) << s.id;
    }
  }

  void RunRandomKills(uint32_t seed, int kWrites, int min_kills);

  std::unique_ptr<v1::Exchange::Stub> Exchange(const client::ChannelOptions& options) {
    return v1::Exchange::NewStub(client::MakeChannel(options).value());
  }

  absl::Status Write(const std::string& id, const std::vector<v1::Record>& records) {
    return cluster_->Write(id, records).status();
  }
  absl::StatusOr<v1::SyncStatusResponse> Status(const std::string& id) {
    return cluster_->SyncStatus(id);
  }
  // Live records of a node, through its ListRecords RPC.
  std::map<std::string, v1::StoredRecord> Dump(const std::string& id) {
    return cluster_->Records(id);
  }
  // A WaitUntil predicate: node `id`'s upward link matches `matcher`.
  template <typename M>
  ::testing::AssertionResult Upward(const std::string& id, const M& matcher) {
    auto s = Status(id);
    if (!s.ok()) return ::testing::AssertionFailure() << s.status();
    return Holds(s->upward(), matcher);
  }

  TempDir dir_;
  std::vector<Spec> topology_;
  std::string root_;
  std::unique_ptr<ProcessCluster> cluster_;
};

// Writes at random nodes of the topology and SIGKILLs a random node every 10-35 writes (at
// least `min_kills` times), then checks the exact state at the root: every acknowledged key,
// each origin's versions, each origin's changes logged exactly once.
void MultiProcessTest::RunRandomKills(uint32_t seed, int kWrites, int min_kills) {
  std::mt19937 rng(seed);
  std::map<std::string, std::vector<v1::Record>> pending;  // per node, not yet acknowledged
  std::set<std::string> acked_keys;
  int serial = 0;
  int kills = 0;
  int next_kill = 15;
  for (int w = 0; w < kWrites || kills < min_kills; ++w) {
    const Spec& s = topology_[rng() % topology_.size()];
    if (w < kWrites) {
      for (int i = 0; i < 2; ++i)
        pending[s.id].push_back(MakeEnterprise(WrittenRegion(s), ++serial));
    }
    if (cluster_->running(s.id) && !pending[s.id].empty()) {
      if (Write(s.id, pending[s.id]).ok()) {
        for (const auto& r : pending[s.id]) acked_keys.insert(domain::RecordKey(r));
        pending[s.id].clear();
      }
    }
    if (w == next_kill) {  // kill a random node mid-stream, and start it again
      const Spec& victim = topology_[rng() % topology_.size()];
      auto before = Status(victim.id);
      ASSERT_TRUE(before.ok()) << victim.id;
      cluster_->Kill(victim.id);
      ++kills;
      ASSERT_TRUE(cluster_->Restart(victim.id).ok()) << victim.id;
      // Nothing the node had logged (every acknowledged write is) is gone after SIGKILL.
      ASSERT_TRUE(WaitUntil(
          [&] {
            auto after = Status(victim.id);
            if (!after.ok()) return ::testing::AssertionFailure() << after.status();
            return Holds(after->last_seq(), Ge(before->last_seq()));
          },
          kWaitBound, absl::StrCat(victim.id, " keeps its log across SIGKILL")));
      next_kill = w + 10 + static_cast<int>(rng() % 25);
    }
  }
  // Every write eventually acknowledged (a retry of a write whose answer was lost writes the
  // same record again: same key, a newer version).
  for (auto& [id, records] : pending) {
    if (records.empty()) continue;
    ASSERT_TRUE(WaitUntil([&] { return IsOk(Write(id, records)); }, kWaitBound,
                          absl::StrCat(id, " takes the writes it had not acknowledged")));
    for (const auto& r : records) acked_keys.insert(domain::RecordKey(r));
  }

  // Converged: the province (and every node between) has applied every origin's changes up to
  // its own sequence, and every child has pulled its parent's log.
  ASSERT_TRUE(cluster_->WaitForConvergence(absl::Seconds(60)));

  // No loss: exactly the acknowledged keys. Same versions as at each origin.
  auto province = Dump(root_);
  std::set<std::string> province_keys;
  for (const auto& [key, stored] : province) province_keys.insert(key);
  EXPECT_EQ(province_keys, acked_keys);
  uint64_t total_own = 0;
  for (const Spec& s : topology_) {
    total_own += Status(s.id)->own_origin_seq();
    for (const auto& [key, stored] : Dump(s.id)) {
      if (stored.origin_node() != s.id) continue;
      auto it = province.find(key);
      ASSERT_NE(it, province.end()) << key;
      EXPECT_TRUE(MessageDifferencer::Equals(it->second.version(), stored.version())) << key;
    }
  }
  // No duplicate: the province's log holds each origin's changes exactly once.
  EXPECT_EQ(Status(root_)->last_seq(), total_own);
  std::printf("kills=%d acknowledged_records=%zu province_records=%zu province_log=%llu\n", kills,
              acked_keys.size(), province.size(),
              static_cast<unsigned long long>(Status(root_)->last_seq()));
}

TEST_F(MultiProcessTest, RandomKillsLoseNothingAndDuplicateNothing) {
  RunRandomKills(20190415, 360, 10);
}

// The tree at its real width (issue 16): a national node over two provinces, Guangdong with
// nine cities (a parent of more than eight children) and a county under Foshan (three tiers
// under the national node), Guangxi with Nanning. Random SIGKILLs, then the same exact-state
// check at the national node.
class WideTreeMultiProcessTest : public MultiProcessTest {
 protected:
  std::vector<Spec> Topology() const override {
    return {
        {"cn", v1::REGION_LEVEL_NATIONAL, "000000", "", "450103"},
        {"gd", v1::REGION_LEVEL_PROVINCE, "440000", "cn"},
        {"gx", v1::REGION_LEVEL_PROVINCE, "450000", "cn"},
        {"gz", v1::REGION_LEVEL_CITY, "440100", "gd"},
        {"sg", v1::REGION_LEVEL_CITY, "440200", "gd"},
        {"sz", v1::REGION_LEVEL_CITY, "440300", "gd"},
        {"zh", v1::REGION_LEVEL_CITY, "440400", "gd"},
        {"st", v1::REGION_LEVEL_CITY, "440500", "gd"},
        {"fs", v1::REGION_LEVEL_CITY, "440600", "gd"},
        {"jm", v1::REGION_LEVEL_CITY, "440700", "gd"},
        {"zj", v1::REGION_LEVEL_CITY, "440800", "gd"},
        {"dg", v1::REGION_LEVEL_CITY, "441900", "gd"},
        {"sd", v1::REGION_LEVEL_COUNTY, "440606", "fs"},
        {"nn", v1::REGION_LEVEL_CITY, "450100", "gx"},
    };
  }
};

TEST_F(WideTreeMultiProcessTest, RandomKillsInAWideTreeUnderTheNationalNodeLoseNothing) {
  RunRandomKills(20190416, 150, 6);
}

TEST_F(MultiProcessTest, CountyCertificateCannotWriteAnotherCountysRegion) {
  // Through its own node's registry.
  const absl::Status refused = Write("cc", {MakeEnterprise("440605", 1)});
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;

  // Straight to the city's exchange, forging a change about Nanhai with Chancheng's certificate.
  auto stub = Exchange(cluster_->AsNode("fs", "cc"));
  grpc::ClientContext context;
  auto stream = stub->Push(&context);
  ASSERT_TRUE(stream->Write(HelloRequest("cc", "440604")));
  v1::PushResponse welcome;
  ASSERT_TRUE(stream->Read(&welcome));
  stream->Write(PushOneEnterprise("cc", "440604", "440605", 2));
  v1::PushResponse ack;
  EXPECT_FALSE(stream->Read(&ack));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // A certificate claiming to be another node is refused too.
  auto impostor = Exchange(cluster_->AsNode("fs", "cc"));
  grpc::ClientContext context2;
  auto stream2 = impostor->Push(&context2);
  v1::PushRequest hello2;
  hello2.mutable_hello()->set_child_node_id("nh");
  hello2.mutable_hello()->set_child_region_code("440605");
  stream2->Write(hello2);
  v1::PushResponse response;
  EXPECT_FALSE(stream2->Read(&response));
  EXPECT_EQ(stream2->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);

  EXPECT_TRUE(Dump("fs").empty());
  EXPECT_TRUE(Dump("gd").empty());
}

TEST_F(MultiProcessTest, SigtermExitsCleanlyAndRestartKeepsEverything) {
  ASSERT_TRUE(Write("sd", {MakeEnterprise("440606", 1), MakeEnterprise("440606", 2)}).ok());
  ASSERT_TRUE(cluster_->WaitForRecordCounts({{"gd", 2}}));
  EXPECT_EQ(cluster_->Terminate("fs"), 0);
  ASSERT_TRUE(Write("sd", {MakeEnterprise("440606", 3)}).ok());  // city down: county goes on
  ASSERT_TRUE(cluster_->Restart("fs").ok());
  ASSERT_TRUE(cluster_->WaitForRecordCounts({{"gd", 3}}));
  auto status = Status("sd");
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->insecure());
  ASSERT_TRUE(WaitUntil([&] { return Upward("sd", AllOf(Connected(), NothingPending())); },
                        kWaitBound, "the county's link is back and has delivered everything"));
}

// A parent that hangs without dying (SIGSTOP) used to leave the child's link CONNECTED with only
// the pending count growing (issue 14). Keepalive now fails the streams: the child shows the
// link down, keeps taking writes, and delivers them once the parent resumes.
TEST_F(MultiProcessTest, HungParentShowsInTheChildsStatusAndTheLinkRecovers) {
  ASSERT_TRUE(Write("sd", {MakeEnterprise("440606", 1)}).ok());
  ASSERT_TRUE(cluster_->WaitForRecordCounts({{"gd", 1}}));
  ASSERT_TRUE(WaitUntil([&] { return Upward("sd", Connected()); }, kWaitBound,
                        "the county's link is connected"));
  ASSERT_EQ(::kill(cluster_->pid("fs"), SIGSTOP), 0);
  ASSERT_TRUE(Write("sd", {MakeEnterprise("440606", 2)}).ok());  // the county goes on
  // Within keepalive time + timeout (15 s), plus a reconnect attempt against a hung listener.
  const ::testing::AssertionResult noticed = WaitUntil(
      [&] {
        return Upward(
            "sd", AllOf(Not(Connected()), Property(&v1::LinkStatus::last_error, Not(IsEmpty()))));
      },
      absl::Seconds(60), "the county's link shows the stopped city");
  ASSERT_EQ(::kill(cluster_->pid("fs"), SIGCONT), 0);
  EXPECT_TRUE(noticed);
  ASSERT_TRUE(cluster_->WaitForRecordCounts({{"gd", 2}}, absl::Seconds(60)));
  EXPECT_TRUE(WaitUntil([&] { return Upward("sd", AllOf(Connected(), NothingPending())); },
                        kWaitBound, "the county's link recovers and delivers everything"));
}

}  // namespace
}  // namespace tierhub::testutil
