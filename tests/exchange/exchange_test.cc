// In-process multi-node tests of the exchange protocol: real nodes, real RocksDB, real gRPC on
// loopback; one process.
#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/auth/identity.h"
#include "services/auth/jurisdiction.h"
#include "services/domain/validation.h"
#include "services/exchange/parent_link.h"
#include "tests/testutil/faulty_file_system.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/push.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/exchange.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::testutil {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Property;

std::vector<v1::Record> Enterprises(const std::string& region, int from, int count) {
  std::vector<v1::Record> out;
  for (int i = from; i < from + count; ++i) out.push_back(MakeEnterprise(region, i));
  return out;
}

// Same keys and the same winning versions and origins.
void ExpectSameRecords(const std::map<std::string, v1::StoredRecord>& a,
                       const std::map<std::string, v1::StoredRecord>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [key, stored] : a) {
    auto it = b.find(key);
    ASSERT_NE(it, b.end()) << key;
    EXPECT_TRUE(MessageDifferencer::Equals(stored.version(), it->second.version())) << key;
    EXPECT_EQ(stored.origin_node(), it->second.origin_node()) << key;
    EXPECT_EQ(stored.origin_seq(), it->second.origin_seq()) << key;
    EXPECT_TRUE(MessageDifferencer::Equals(stored.record(), it->second.record())) << key;
  }
}

class ExchangeTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ExchangeTest, CountyWritesReachProvinceThroughCityWithOriginPreserved) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());

  auto written = cluster.Write("sd", Enterprises("440606", 1, 120));
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"gd", 120u}}));
  ExpectSameRecords(cluster.Records("sd"), cluster.Records("gd"));
  ExpectSameRecords(cluster.Records("sd"), cluster.Records("fs"));
  for (const auto& [key, stored] : cluster.Records("gd")) {
    EXPECT_EQ(stored.origin_node(), "sd");
    EXPECT_EQ(stored.author().node_id(), "sd");
  }
  // Exactly once: the province applied origin sd's 120 changes, each once.
  EXPECT_EQ(cluster.node("gd")->store()->Watermark("sd").value(), 120u);
}

TEST_F(ExchangeTest, FourTiersCarryChangesUpAndDown) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("cn", v1::REGION_LEVEL_NATIONAL, "000000", "").ok());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "cn").ok());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());

  ASSERT_TRUE(cluster.Write("sd", Enterprises("440606", 1, 10)).ok());
  // The national node writes about Shunde: it must come down three tiers.
  ASSERT_TRUE(cluster.Write("cn", Enterprises("440606", 500, 3)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"cn", 13}, {"sd", 13}}));
  ExpectSameRecords(cluster.Records("cn"), cluster.Records("sd"));
  EXPECT_EQ(cluster.node("cn")->store()->Watermark("sd").value(), 10u);
}

TEST_F(ExchangeTest, DownwardPullIsFilteredToJurisdictionAndNeverEchoes) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
  ASSERT_TRUE(cluster.Add("gz", v1::REGION_LEVEL_CITY, "440100", "gd").ok());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());

  ASSERT_TRUE(cluster.Write("gd", Enterprises("440606", 1, 5)).ok());   // for Shunde
  ASSERT_TRUE(cluster.Write("gd", Enterprises("440604", 10, 4)).ok());  // Chancheng
  ASSERT_TRUE(cluster.Write("gd", Enterprises("440103", 20, 3)).ok());  // Guangzhou
  ASSERT_TRUE(cluster.Write("sd", Enterprises("440606", 30, 2)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"sd", 7}, {"fs", 11}, {"gz", 3}, {"gd", 14}}));
  // Nothing outside each node's jurisdiction arrived.
  EXPECT_EQ(cluster.Records("sd", "440606").size(), 7u);
  EXPECT_EQ(cluster.Records("fs", "440600").size(), 11u);
  EXPECT_EQ(cluster.Records("gz", "440100").size(), 3u);
  // Let the pulls run a while longer: still nothing more, and Shunde's own two changes were
  // never sent back to it (its log holds its 2 writes and the 5 pulled ones).
  ASSERT_TRUE(cluster.Write("gd", Enterprises("440103", 40, 1)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"gz", 4u}}));
  EXPECT_EQ(cluster.Records("sd").size(), 7u);
  EXPECT_EQ(cluster.node("sd")->store()->LastSeq(), 7u);
  if (cluster.node("sd")->store()->LastSeq() != 7u) {
    auto log = cluster.node("sd")->store()->ReadLog(1, 20, 1 << 20);
    ASSERT_TRUE(log.ok());
    for (const auto& c : *log) ADD_FAILURE() << c.ShortDebugString();
  }
}

TEST_F(ExchangeTest, ChildKeepsWritingWhileParentIsDownThenCatchesUp) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
  ASSERT_TRUE(cluster.Add("dg", v1::REGION_LEVEL_CITY, "441900", "gd").ok());
  ASSERT_TRUE(cluster.Write("dg", Enterprises("441900", 1, 10)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"gd", 10u}}));

  cluster.Stop("gd");
  for (int round = 0; round < 5; ++round) {
    ASSERT_TRUE(cluster.Write("dg", Enterprises("441900", 100 + round * 100, 100)).ok());
  }
  ASSERT_TRUE(cluster.Restart("gd").ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"gd", 510u}}));
  ExpectSameRecords(cluster.Records("dg"), cluster.Records("gd"));
  EXPECT_EQ(cluster.node("gd")->store()->Watermark("dg").value(), 510u);
}

// A parent that does not answer at all is retried at least every unreachable_max_backoff,
// however long it stays away, so that it has its children back soon after it returns; the
// long max_backoff is for parents that answer with a refusal or an error.
TEST_F(ExchangeTest, UnreachableParentIsRetriedOftenWhateverTheMaxBackoff) {
  InProcessCluster cluster(dir_.path());
  // Doubling from 20 ms to an hour, this child would take over a minute to make 12 attempts.
  cluster.SetLinkBackoff(absl::Milliseconds(20), absl::Hours(1), absl::Milliseconds(100));
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
  ASSERT_TRUE(cluster.Add("dg", v1::REGION_LEVEL_CITY, "441900", "gd").ok());
  cluster.Stop("gd");
  auto upward_retries = [&] {
    v1::SyncStatusResponse status;
    EXPECT_TRUE(cluster.node("dg")->FillSyncStatusForTest(&status).ok());
    return status.upward().retries();
  };
  EXPECT_TRUE(WaitUntil([&] { return Holds(upward_retries(), Ge(12u)); }, absl::Seconds(20),
                        "the child retries the unreachable parent"));
  v1::SyncStatusResponse status;
  ASSERT_TRUE(cluster.node("dg")->FillSyncStatusForTest(&status).ok());
  EXPECT_EQ(status.upward().state(), v1::LINK_STATE_CONNECTING);
  EXPECT_NE(status.upward().last_error(), "");

  ASSERT_TRUE(cluster.Write("dg", Enterprises("441900", 1, 3)).ok());
  ASSERT_TRUE(cluster.Restart("gd").ok());
  EXPECT_TRUE(cluster.WaitForRecordCounts({{"gd", 3u}}));
}

// A child that cannot read its own log says so, in its upward link's last error and in its
// status, instead of a cancelled stream and a lag of 0.
TEST_F(ExchangeTest, AnUnreadableLogIsTheLinksErrorAndTheStatusError) {
  FaultyEnv faulty;  // outlives the cluster
  InProcessCluster cluster(dir_.path());
  cluster.SetStoreEnv("dg", faulty.env.get());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
  ASSERT_TRUE(cluster.Add("dg", v1::REGION_LEVEL_CITY, "441900", "gd").ok());
  cluster.Stop("gd");
  ASSERT_TRUE(cluster.Write("dg", Enterprises("441900", 1, 3)).ok());
  store::Store* store = cluster.node("dg")->store();
  // The log goes into new table files, none of them read yet; the acknowledged position stays
  // readable in the memtable.
  ASSERT_TRUE(store->CompactAll().ok());
  auto acked = store->GetCursor(exchange::kParentAckedCursor);
  ASSERT_TRUE(acked.ok());
  ASSERT_TRUE(store->SetCursor(exchange::kParentAckedCursor, *acked).ok());
  faulty.fs->FailReads(true);

  v1::SyncStatusResponse status;
  const absl::Status refreshed = cluster.node("dg")->FillSyncStatusForTest(&status);
  EXPECT_EQ(refreshed.code(), absl::StatusCode::kUnavailable) << refreshed;
  EXPECT_NE(std::string(refreshed.message()).find("read log"), std::string::npos) << refreshed;

  ASSERT_TRUE(cluster.Restart("gd").ok());
  std::string last_error;
  EXPECT_TRUE(WaitUntil(
      [&] {
        v1::SyncStatusResponse s;
        cluster.node("dg")->FillSyncStatusForTest(&s).IgnoreError();  // unreadable, as above
        last_error = s.upward().last_error();
        return last_error.find("read log") != std::string::npos;
      },
      kWaitBound, "the link's last error to name the unreadable log"))
      << "last error: " << last_error;

  faulty.fs->FailReads(false);
  EXPECT_TRUE(cluster.WaitForRecordCounts({{"gd", 3u}}));
  EXPECT_TRUE(cluster.node("dg")->FillSyncStatusForTest(&status).ok());
}

TEST(BackoffCapTest, ShortCapOnlyWhileNothingAnswers) {
  exchange::ParentLinkOptions options;
  options.max_backoff = absl::Seconds(10);
  options.unreachable_max_backoff = absl::Seconds(2);
  EXPECT_EQ(exchange::BackoffCap(absl::UnavailableError("connection refused"), options),
            absl::Seconds(2));
  for (const absl::Status& answered :
       {absl::PermissionDeniedError("x"), absl::FailedPreconditionError("x"),
        absl::UnauthenticatedError("x"), absl::InternalError("x"),
        absl::DeadlineExceededError("x")}) {
    EXPECT_EQ(exchange::BackoffCap(answered, options), absl::Seconds(10)) << answered;
  }
  // The short cap never lengthens a shorter max_backoff.
  options.max_backoff = absl::Milliseconds(200);
  EXPECT_EQ(exchange::BackoffCap(absl::UnavailableError("x"), options), absl::Milliseconds(200));
}

TEST_F(ExchangeTest, ChildWritingOutsideItsRegionIsRefusedAndNothingStored) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "").ok());
  auto channel = grpc::CreateChannel(cluster.address("fs"), grpc::InsecureChannelCredentials());
  auto stub = v1::Exchange::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata(auth::kInsecureIdentityHeader, "node:440604:cc");
  auto stream = stub->Push(&context);
  ASSERT_TRUE(stream->Write(HelloRequest("cc", "440604")));
  v1::PushResponse welcome;
  ASSERT_TRUE(stream->Read(&welcome));
  ASSERT_TRUE(welcome.has_welcome());

  // A change from Chancheng about Shunde's enterprise.
  ASSERT_TRUE(stream->Write(PushOneEnterprise("cc", "440604", "440606", 1)));
  v1::PushResponse ack;
  EXPECT_FALSE(stream->Read(&ack));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_NE(status.error_message().find("440606"), std::string::npos);
  EXPECT_TRUE(cluster.Records("fs").empty());
  EXPECT_EQ(cluster.node("fs")->store()->LastSeq(), 0u);
}

TEST_F(ExchangeTest, BatchEntryThatIsNotAChangeIsRefusedAndNothingStored) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "").ok());
  auto channel = grpc::CreateChannel(cluster.address("fs"), grpc::InsecureChannelCredentials());
  auto stub = v1::Exchange::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata(auth::kInsecureIdentityHeader, "node:440606:sd");
  auto stream = stub->Push(&context);
  ASSERT_TRUE(stream->Write(HelloRequest("sd", "440606")));
  v1::PushResponse welcome;
  ASSERT_TRUE(stream->Read(&welcome));

  // A valid change, then bytes that do not parse as a Change (a truncated field).
  v1::PushRequest request = PushOneEnterprise("sd", "440606", "440606", 1);
  request.mutable_batch()->add_changes(
      std::string("\x32\x10"
                  "ent/",
                  6));
  request.mutable_batch()->set_last_seq(2);
  ASSERT_TRUE(stream->Write(request));
  v1::PushResponse ack;
  EXPECT_FALSE(stream->Read(&ack));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("batch.changes[1]"), std::string::npos)
      << status.error_message();
  EXPECT_TRUE(cluster.Records("fs").empty());
  EXPECT_EQ(cluster.node("fs")->store()->LastSeq(), 0u);
}

TEST_F(ExchangeTest, NodeRefusesToWriteOutsideItsRegion) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "").ok());
  auto written = cluster.Write("fs", {MakeEnterprise("440606", 1), MakeEnterprise("440103", 2)});
  EXPECT_EQ(written.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(written.status().message().find("records[1]"), std::string::npos);
  EXPECT_TRUE(cluster.Records("fs").empty());
}

TEST_F(ExchangeTest, CursorPastRetentionResyncsFromSnapshot) {
  FakeClock clock;
  InProcessCluster cluster(dir_.path(), &clock);
  Cluster::NodeOptions retention;
  retention.log_retention_seconds = 60;
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "", retention).ok());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
  ASSERT_TRUE(cluster.Write("fs", Enterprises("440606", 1, 5)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"sd", 5u}}));

  cluster.Stop("sd");
  ASSERT_TRUE(cluster.Write("fs", Enterprises("440606", 100, 50)).ok());
  ASSERT_TRUE(cluster.Write("fs", Enterprises("440604", 200, 7)).ok());
  clock.Advance(absl::Minutes(5));
  ASSERT_TRUE(cluster.node("fs")->ApplyRetention().ok());
  ASSERT_GT(cluster.node("fs")->store()->FirstLogSeq(), 6u);  // sd's cursor fell out

  ASSERT_TRUE(cluster.Restart("sd").ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"sd", 55u}}));
  ExpectSameRecords(cluster.Records("fs", "440606"), cluster.Records("sd"));
  // And it follows the log again after the resync.
  ASSERT_TRUE(cluster.Write("fs", Enterprises("440606", 300, 2)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"sd", 57u}}));
}

TEST_F(ExchangeTest, ConcurrentEditsConvergeAndTheLoserIsJournalled) {
  FakeClock clock;
  InProcessCluster cluster(dir_.path(), &clock);
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "").ok());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
  v1::Record original = MakeEnterprise("440606", 1);
  ASSERT_TRUE(cluster.Write("sd", {original}).ok());
  const std::string key = domain::RecordKey(original);
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"fs", 1u}}));

  // Cut the county off, and let both sides edit the same enterprise.
  cluster.Stop("sd");
  v1::Record city_edit = original;
  city_edit.mutable_enterprise()->set_status(v1::OPERATING_STATUS_SUSPENDED);
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE(cluster.Write("fs", {city_edit}).ok());
  ASSERT_TRUE(cluster.Restart("sd", "127.0.0.1:1").ok());  // parent unreachable
  v1::Record county_edit = original;
  county_edit.mutable_enterprise()->set_status(v1::OPERATING_STATUS_CLOSED);
  clock.Advance(absl::Seconds(1));  // the county's edit is the newer one
  ASSERT_TRUE(cluster.Write("sd", {county_edit}).ok());
  cluster.Stop("sd");
  ASSERT_TRUE(cluster.Restart("sd").ok());

  auto status_at = [&](const std::string& id) {
    auto records = cluster.Records(id);
    return records.count(key) ? records[key].record().enterprise().status()
                              : v1::OPERATING_STATUS_UNSPECIFIED;
  };
  for (const std::string id : {"fs", "sd"}) {
    ASSERT_TRUE(WaitUntil(
        [&] {
          return status_at(id) == v1::OPERATING_STATUS_CLOSED &&
                 !cluster.node(id)->store()->ListConflicts("", 10).value().empty();
        },
        kWaitBound, absl::StrCat(id, " holds the county's newer edit and journals the loser")));
  }
  ExpectSameRecords(cluster.Records("fs"), cluster.Records("sd"));
  for (const std::string id : {"fs", "sd"}) {
    auto conflicts = cluster.node(id)->store()->ListConflicts("", 10).value();
    ASSERT_EQ(conflicts.size(), 1u) << id;
    EXPECT_EQ(conflicts[0].key(), key);
    EXPECT_EQ(conflicts[0].loser().record().enterprise().status(), v1::OPERATING_STATUS_SUSPENDED)
        << id;
  }
}

}  // namespace
}  // namespace tierhub::testutil

namespace tierhub::testutil {
namespace {

TEST_F(ExchangeTest, StoreRestoredFromAnOlderBackupRefusesToLinkUp) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "").ok());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
  ASSERT_TRUE(cluster.Write("sd", Enterprises("440606", 1, 3)).ok());
  const std::string backup = dir_.Sub("sd-backup");
  ASSERT_TRUE(cluster.node("sd")->store()->Checkpoint(backup).ok());
  ASSERT_TRUE(cluster.Write("sd", Enterprises("440606", 10, 5)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"fs", 8u}}));

  const std::string store_path = cluster.node("sd")->config().store_path();
  cluster.Stop("sd");
  std::filesystem::remove_all(store_path);
  std::filesystem::rename(backup, store_path);
  ASSERT_TRUE(cluster.Restart("sd").ok());
  // New writes would reuse origin sequences 4.. that the city already holds: refuse, loudly.
  ASSERT_TRUE(cluster.Write("sd", Enterprises("440606", 20, 1)).ok());
  ASSERT_TRUE(WaitUntil(
      [&] {
        v1::SyncStatusResponse status;
        EXPECT_TRUE(cluster.node("sd")->FillSyncStatusForTest(&status).ok());
        return Holds(status.upward(),
                     AllOf(Property(&v1::LinkStatus::state, v1::LINK_STATE_REFUSED),
                           Property(&v1::LinkStatus::last_error,
                                    HasSubstr("older than what the parent holds"))));
      },
      kWaitBound, "the city refuses the restored county's reused sequences"));
  EXPECT_EQ(cluster.Records("fs").size(), 8u);
}

}  // namespace
}  // namespace tierhub::testutil

namespace tierhub::testutil {
namespace {

TEST_F(ExchangeTest, WriteRecordsAnswersWithTheStampsNotTheRecordsSent) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "").ok());
  auto stub = v1::Registry::NewStub(
      grpc::CreateChannel(cluster.address("sd"), grpc::InsecureChannelCredentials()));
  v1::WriteRecordsRequest request;
  *request.add_records() = MakeEnterprise("440606", 1);
  *request.add_records() = MakeEnterprise("440606", 2);
  grpc::ClientContext context;
  context.AddMetadata(auth::kInsecureIdentityHeader, "node:440606:sd");
  v1::WriteRecordsResponse response;
  grpc::Status status = stub->WriteRecords(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.changes_size(), 2);
  const auto stored = cluster.Records("sd");
  for (int i = 0; i < 2; ++i) {
    const v1::Change& c = response.changes(i);
    const std::string key = domain::RecordKey(request.records(i));
    EXPECT_EQ(c.key(), key);
    EXPECT_EQ(c.seq(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(c.origin_node(), "sd");
    EXPECT_EQ(c.origin_seq(), static_cast<uint64_t>(i + 1));
    ASSERT_EQ(stored.count(key), 1u);
    EXPECT_EQ(c.version().SerializeAsString(), stored.at(key).version().SerializeAsString());
    EXPECT_TRUE(c.has_record());  // it was a record, not a tombstone
    EXPECT_EQ(c.record().ByteSizeLong(), 0u) << c.record().ShortDebugString();
  }
}

TEST_F(ExchangeTest, GenericWriteCannotBypassCaseMachinesOrSubmissions) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "").ok());
  auto stub = v1::Registry::NewStub(
      grpc::CreateChannel(cluster.address("sd"), grpc::InsecureChannelCredentials()));
  v1::WriteRecordsRequest request;
  *request.add_records() = MakeEnterprise("440606", 1);
  v1::EnforcementCase* c = request.add_records()->mutable_enforcement_case();
  c->set_case_id("forged");
  c->set_credit_code(request.records(0).enterprise().credit_code());
  c->set_region_code("440606");
  c->set_industry(v1::INDUSTRY_CERAMICS);
  c->set_dimension(v1::DIMENSION_ENERGY);
  c->set_state(v1::CASE_STATE_CLOSED_EXITED);  // straight to the end, skipping every step
  grpc::ClientContext context;
  context.AddMetadata(auth::kInsecureIdentityHeader, "node:440606:sd");
  v1::WriteRecordsResponse response;
  grpc::Status status = stub->WriteRecords(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("records[1]: written through Enforcement"),
            std::string::npos)
      << status.error_message();
  EXPECT_TRUE(cluster.Records("sd").empty());  // the enterprise was not stored either
}

}  // namespace
}  // namespace tierhub::testutil
