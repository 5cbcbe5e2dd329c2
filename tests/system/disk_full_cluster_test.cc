// A county whose disk fills up, in an in-process cluster (real RocksDB, real gRPC on loopback):
// its store goes through a testutil::FaultyFileSystem (Node::Options::env). The county never
// aborts; every write is refused with RESOURCE_EXHAUSTED naming the disk; reads, status and
// health keep answering and say why; freed space lets writes resume without a restart; a
// restart on the full disk serves reads read-only and asks to be restarted once there is room;
// nothing acknowledged is lost. docs/OPERATIONS.md, "Disk full".
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/auth/identity.h"
#include "services/domain/validation.h"
#include "services/node/node.h"
#include "tests/testutil/faulty_file_system.h"
#include "tests/testutil/grpc_health.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/exchange.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::testutil {
namespace {

using ::testing::HasSubstr;

constexpr char kCounty[] = "sd";
constexpr char kCountyRegion[] = "440606";

class DiskFullClusterTest : public ::testing::Test {
 protected:
  ~DiskFullClusterTest() override { cluster_.reset(); }  // the nodes go before faulty_

  void StartCluster(bool with_city) {
    cluster_ = std::make_unique<InProcessCluster>(dir_.path());
    cluster_->SetStoreEnv(kCounty, faulty_.env.get());
    if (with_city) {
      ASSERT_TRUE(cluster_->Add("fs", v1::REGION_LEVEL_CITY, "440600", "").ok());
      ASSERT_TRUE(cluster_->Add(kCounty, v1::REGION_LEVEL_COUNTY, kCountyRegion, "fs").ok());
    } else {
      ASSERT_TRUE(cluster_->Add(kCounty, v1::REGION_LEVEL_COUNTY, kCountyRegion, "").ok());
    }
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& id) {
    return grpc::CreateChannel(cluster_->address(id), grpc::InsecureChannelCredentials());
  }
  void Prepare(const std::string& id, grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    const std::string region = id == kCounty ? kCountyRegion : "440600";
    context->AddMetadata(auth::kInsecureIdentityHeader, absl::StrCat("node:", region, ":", id));
  }

  // Writes `n` enterprises of the county through WriteRecords at node `id`; remembers their
  // keys as acknowledged if the call succeeded.
  grpc::Status Write(const std::string& id, int n, const std::string& region = kCountyRegion) {
    v1::WriteRecordsRequest request;
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) {
      *request.add_records() = MakeEnterprise(region, next_++);
      keys.push_back(domain::RecordKey(request.records(i)));
    }
    auto stub = v1::Registry::NewStub(Channel(id));
    grpc::ClientContext context;
    Prepare(id, &context);
    v1::WriteRecordsResponse response;
    grpc::Status s = stub->WriteRecords(&context, request, &response);
    if (s.ok()) acknowledged_.insert(acknowledged_.end(), keys.begin(), keys.end());
    return s;
  }

  void ExpectDiskFull(const grpc::Status& s) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("disk full: the store at " + StorePath()));
  }

  std::string StorePath() { return absl::StrCat(dir_.path(), "/", kCounty); }

  absl::StatusOr<v1::SyncStatusResponse> Status(const std::string& id) {
    return cluster_->SyncStatus(id);
  }

  bool Healthy(const std::string& service) {
    auto serving = HealthServing(Channel(kCounty), service,
                                 [&](grpc::ClientContext* context) { Prepare(kCounty, context); });
    return serving.ok() && *serving;
  }

  grpc::Status GetRecord(const std::string& id, const std::string& key) {
    auto stub = v1::Registry::NewStub(Channel(id));
    grpc::ClientContext context;
    Prepare(id, &context);
    v1::GetRecordRequest request;
    request.set_key(key);
    v1::GetRecordResponse response;
    return stub->GetRecord(&context, request, &response);
  }

  // Every acknowledged record is at `id`.
  void ExpectAcknowledgedAt(const std::string& id) {
    const std::map<std::string, v1::StoredRecord> records = cluster_->Records(id);
    for (const std::string& key : acknowledged_) {
      EXPECT_EQ(records.count(key), 1u) << id << " " << key;
    }
  }

  TempDir dir_;
  FaultyEnv faulty_;
  std::unique_ptr<InProcessCluster> cluster_;
  int next_ = 1;
  std::vector<std::string> acknowledged_;
};

TEST_F(DiskFullClusterTest, ACountyOnAFullDiskRefusesEveryWriteAndStillAnswers) {
  StartCluster(/*with_city=*/true);
  ASSERT_TRUE(Write(kCounty, 20).ok());
  ASSERT_TRUE(cluster_->WaitForRecordCounts({{"fs", 20u}}));

  faulty_.fs->FillDisk();
  for (int round = 0; round < 3; ++round) {
    for (int n : {500, 1}) {
      SCOPED_TRACE(absl::StrCat("round ", round, ", batch of ", n));
      ExpectDiskFull(Write(kCounty, n));
    }
  }
  // Reads, status and health answer, and say why writes do not.
  EXPECT_TRUE(GetRecord(kCounty, acknowledged_.front()).ok());
  auto status = Status(kCounty);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->store().state(), v1::STORE_STATE_REFUSING_WRITES);
  EXPECT_EQ(status->store().path(), StorePath());
  EXPECT_THAT(status->store().reason(), HasSubstr("RESOURCE_EXHAUSTED: disk full"));
  EXPECT_EQ(status->store().free_bytes(), 0u);
  EXPECT_GE(status->store().refused_writes(), 6u);
  EXPECT_TRUE(status->store().has_refused_since());
  EXPECT_TRUE(Healthy(""));
  EXPECT_TRUE(WaitUntil([&] { return !Healthy(node::kWritesHealthService); }, kWaitBound,
                        "the county's writes service reports NOT_SERVING"));
  // The city goes on; what it writes for the county cannot land there yet.
  ASSERT_TRUE(Write("fs", 3).ok());
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto s = Status(kCounty);
        if (!s.ok()) return ::testing::AssertionFailure() << s.status();
        return Holds(s->downward().last_error(), HasSubstr("disk full"));
      },
      kWaitBound, "the county's pull reports the full disk"));

  faulty_.fs->FreeDisk();
  ASSERT_TRUE(Write(kCounty, 500).ok());  // no restart, no wait
  status = Status(kCounty);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->store().state(), v1::STORE_STATE_WRITABLE);
  EXPECT_TRUE(WaitUntil([&] { return Healthy(node::kWritesHealthService); }, kWaitBound,
                        "the county's writes service is SERVING again"));
  ASSERT_TRUE(cluster_->WaitForRecordCounts(
      {{"fs", acknowledged_.size()}, {kCounty, acknowledged_.size()}}));
  ExpectAcknowledgedAt(kCounty);
  ExpectAcknowledgedAt("fs");
}

TEST_F(DiskFullClusterTest, ARestartOnAFullDiskServesReadsAndAsksForARestartOnceThereIsRoom) {
  StartCluster(/*with_city=*/false);
  ASSERT_TRUE(Write(kCounty, 50).ok());
  faulty_.fs->FillDisk();
  ExpectDiskFull(Write(kCounty, 1));
  cluster_->Stop(kCounty);
  ASSERT_TRUE(cluster_->Restart(kCounty).ok());  // on the full disk

  auto status = Status(kCounty);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->store().state(), v1::STORE_STATE_READ_ONLY);
  EXPECT_THAT(status->store().reason(), HasSubstr("read-only store: disk full"));
  EXPECT_TRUE(status->store().restart_reason().empty());
  EXPECT_EQ(status->last_seq(), 50u);
  for (const std::string& key : acknowledged_) ASSERT_TRUE(GetRecord(kCounty, key).ok()) << key;
  const grpc::Status refused = Write(kCounty, 1);
  ExpectDiskFull(refused);
  EXPECT_THAT(refused.error_message(), HasSubstr("read-only"));
  EXPECT_TRUE(Healthy(""));
  EXPECT_FALSE(Healthy(node::kWritesHealthService));
  EXPECT_FALSE(cluster_->RestartRequested(kCounty));

  faulty_.fs->FreeDisk();
  ASSERT_TRUE(WaitUntil([&] { return cluster_->RestartRequested(kCounty); }, kWaitBound,
                        "the county asks for a restart"));
  status = Status(kCounty);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_THAT(status->store().restart_reason(), HasSubstr("opened read-only on a full disk"));
  cluster_->Stop(kCounty);
  ASSERT_TRUE(cluster_->Restart(kCounty).ok());
  status = Status(kCounty);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->store().state(), v1::STORE_STATE_WRITABLE);
  ASSERT_TRUE(Write(kCounty, 10).ok());
  EXPECT_TRUE(Healthy(node::kWritesHealthService));
  ExpectAcknowledgedAt(kCounty);
}

}  // namespace
}  // namespace tierhub::testutil
