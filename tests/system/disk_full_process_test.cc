// A county's real tierhubd process whose store is on a real disk that fills up: a small tmpfs
// (testutil::SmallDisk) in a mount namespace this test enters before anything else, so the
// kernel answers ENOSPC. Before the fix the node died on the first refused write
// (RocksDB's assertion `sync_without_flush_called_`, the client saw "Socket closed") and every
// restart on the full disk died the same way. docs/OPERATIONS.md, "Disk full".
#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "services/client/channel.h"
#include "services/common/grpc_status.h"
#include "services/domain/validation.h"
#include "tests/testutil/process_cluster.h"
#include "tests/testutil/records.h"
#include "tests/testutil/small_disk.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::testutil {
namespace {

using ::testing::Eq;
using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class DiskFullProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PrivateMountNamespaceStatus().ok()) {
      GTEST_SKIP() << "no small disk without a private mount namespace: "
                   << PrivateMountNamespaceStatus();
    }
    cluster_ = std::make_unique<ProcessCluster>(dir_.path());
    auto disk = SmallDisk::Mount(cluster_->store_path("sd"), 16 << 20);
    ASSERT_TRUE(disk.ok()) << disk.status();
    disk_ = *std::move(disk);
  }
  void TearDown() override {
    cluster_.reset();  // SIGKILLs the nodes before the disk goes
    disk_.reset();
  }

  grpc::Status Write(int n) {
    v1::WriteRecordsRequest request;
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) {
      *request.add_records() = MakeEnterprise("440606", next_++);
      keys.push_back(domain::RecordKey(request.records(i)));
    }
    auto stub = v1::Registry::NewStub(client::MakeChannel(cluster_->AsNode("sd", "sd")).value());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::WriteRecordsResponse response;
    grpc::Status s = stub->WriteRecords(&context, request, &response);
    if (s.ok()) acknowledged_.insert(acknowledged_.end(), keys.begin(), keys.end());
    return s;
  }

  void ExpectDiskFull(const grpc::Status& s) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
    EXPECT_THAT(s.error_message(),
                HasSubstr("disk full: the store at " + cluster_->store_path("sd")));
    EXPECT_THAT(s.error_message(), HasSubstr("No space left on device"));
  }

  absl::StatusOr<v1::SyncStatusResponse> Status(const std::string& id) {
    return cluster_->SyncStatus(id);
  }

  // How many acknowledged records node `id` serves (GetRecord of each).
  size_t AcknowledgedServedBy(const std::string& id) {
    auto stub = v1::Registry::NewStub(client::MakeChannel(cluster_->AsNode(id, id)).value());
    size_t found = 0;
    for (const std::string& key : acknowledged_) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::GetRecordRequest request;
      request.set_key(key);
      v1::GetRecordResponse response;
      if (stub->GetRecord(&context, request, &response).ok()) ++found;
    }
    return found;
  }

  TempDir dir_;
  std::unique_ptr<ProcessCluster> cluster_;
  std::unique_ptr<SmallDisk> disk_;
  int next_ = 1;
  std::vector<std::string> acknowledged_;
};

TEST_F(DiskFullProcessTest, ACountyOnAFullDiskNeverAbortsAndWritesAgainOnceSpaceIsFreed) {
  ASSERT_TRUE(cluster_->Add("fs", v1::REGION_LEVEL_CITY, "440600", "").ok());
  ASSERT_TRUE(cluster_->Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Write(100).ok());
  const pid_t pid = cluster_->pid("sd");

  ASSERT_GT(disk_->Fill(), 0u);
  ASSERT_EQ(disk_->FreeBytes(), 0u);
  for (int round = 0; round < 3; ++round) {
    for (int n : {500, 1}) {
      SCOPED_TRACE(absl::StrCat("round ", round, ", batch of ", n));
      ExpectDiskFull(Write(n));
      ASSERT_TRUE(cluster_->running("sd"));
    }
  }
  auto status = Status("sd");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->store().state(), v1::STORE_STATE_REFUSING_WRITES);
  EXPECT_THAT(status->store().reason(), HasSubstr("disk full"));
  EXPECT_EQ(AcknowledgedServedBy("sd"), acknowledged_.size());

  // A restart on the full disk (a crash, or an operator) comes up read-only.
  ASSERT_TRUE(cluster_->Restart("sd").ok()) << ReadAll(cluster_->log_path("sd"));
  EXPECT_THAT(ReadAll(cluster_->log_path("sd")), HasSubstr("store: opened READ-ONLY"));
  status = Status("sd");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->store().state(), v1::STORE_STATE_READ_ONLY);
  EXPECT_EQ(AcknowledgedServedBy("sd"), acknowledged_.size());
  const grpc::Status refused = Write(1);
  ExpectDiskFull(refused);
  EXPECT_THAT(refused.error_message(), HasSubstr("read-only"));

  // Space freed: the node restarts itself, in its own process, and takes writes.
  const pid_t restarted_pid = cluster_->pid("sd");
  EXPECT_NE(restarted_pid, pid);
  disk_->Free();
  ASSERT_TRUE(WaitUntil([&] { return IsOk(FromGrpc(Write(1))); }, absl::Seconds(60),
                        "the county takes writes again"));
  EXPECT_EQ(cluster_->pid("sd"), restarted_pid);
  EXPECT_THAT(ReadAll(cluster_->log_path("sd")),
              HasSubstr("restarting: the store opened read-only"));
  ASSERT_TRUE(Write(500).ok());
  EXPECT_EQ(AcknowledgedServedBy("sd"), acknowledged_.size());
  ASSERT_TRUE(WaitUntil([&] { return Holds(AcknowledgedServedBy("fs"), Eq(acknowledged_.size())); },
                        absl::Seconds(60), "the city serves every acknowledged record"));
}

}  // namespace
}  // namespace tierhub::testutil

int main(int argc, char** argv) {
  // Before anything starts a thread: unshare(CLONE_NEWUSER) needs a single-threaded process.
  (void)tierhub::testutil::EnterPrivateMountNamespace();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
