// The same test bodies on both back ends of the cluster harness (tests/testutil/cluster.h):
// nodes in this process, and real tierhubd processes restarted with SIGKILL.
#include <chrono>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "services/client/channel.h"
#include "services/domain/validation.h"
#include "tests/testutil/cluster.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/process_cluster.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::testutil {
namespace {

using ::testing::ElementsAreArray;
using ::testing::Key;

enum class Backend { kInProcess, kProcesses };

// The parameter's name in test names and messages.
std::string BackendName(Backend backend) {
  return backend == Backend::kInProcess ? "InProcess" : "Processes";
}
void PrintTo(Backend backend, std::ostream* os) { *os << BackendName(backend); }

class ClusterBackendsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kInProcess) {
      cluster_ = std::make_unique<InProcessCluster>(dir_.path());
    } else {
      cluster_ = std::make_unique<ProcessCluster>(dir_.path());
    }
    // Guangdong, Foshan and its districts Shunde and Nanhai.
    ASSERT_TRUE(cluster_->Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
    ASSERT_TRUE(cluster_->Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
    ASSERT_TRUE(cluster_->Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
    ASSERT_TRUE(cluster_->Add("nh", v1::REGION_LEVEL_COUNTY, "440605", "fs").ok());
  }

  // Writes enterprises `from`.. of Shunde at Shunde's node; their keys.
  std::vector<std::string> WriteAtShunde(int from, int count) {
    std::vector<v1::Record> records;
    std::vector<std::string> keys;
    for (int i = from; i < from + count; ++i) {
      records.push_back(MakeEnterprise("440606", i));
      keys.push_back(domain::RecordKey(records.back()));
    }
    auto written = cluster_->Write("sd", records);
    EXPECT_TRUE(written.ok()) << written.status();
    return keys;
  }

  // Registry.GetRecord of `key` at node `id` through `as`: the call's code.
  grpc::StatusCode GetRecord(const absl::StatusOr<client::ChannelOptions>& as,
                             const std::string& key) {
    if (!as.ok()) {
      ADD_FAILURE() << as.status();
      return grpc::StatusCode::UNKNOWN;
    }
    auto stub = v1::Registry::NewStub(client::MakeChannel(*as).value());
    grpc::ClientContext context;
    client::PrepareContext(*as, &context);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetRecordRequest request;
    request.set_key(key);
    v1::GetRecordResponse response;
    return stub->GetRecord(&context, request, &response).error_code();
  }

  TempDir dir_;
  std::unique_ptr<Cluster> cluster_;
};

TEST_P(ClusterBackendsTest, AWriteAtACountyReachesTheProvinceAndSurvivesARestartOfTheCity) {
  std::vector<std::string> keys = WriteAtShunde(1, 3);
  ASSERT_TRUE(cluster_->WaitForRecordCounts({{"gd", 3}, {"fs", 3}}));
  EXPECT_THAT(cluster_->Records("gd"), ElementsAreArray({Key(keys[0]), Key(keys[1]), Key(keys[2])}))
      << "the province holds exactly Shunde's three";

  // The city goes down hard (SIGKILL for processes) and comes back on its store.
  ASSERT_TRUE(cluster_->Restart("fs").ok());
  EXPECT_EQ(cluster_->Records("fs").size(), 3u) << "the city lost what it held";
  const std::vector<std::string> more = WriteAtShunde(10, 2);
  keys.insert(keys.end(), more.begin(), more.end());
  ASSERT_TRUE(cluster_->WaitForConvergence());
  for (const std::string id : {"gd", "fs", "sd"}) {
    std::set<std::string> held;
    for (const auto& [key, stored] : cluster_->Records(id)) held.insert(key);
    EXPECT_EQ(held, std::set<std::string>(keys.begin(), keys.end())) << id;
  }
  EXPECT_TRUE(cluster_->Records("nh").empty()) << "Nanhai holds none of Shunde's enterprises";
  EXPECT_EQ(cluster_->Records("gd", "440605").size(), 0u);
  EXPECT_EQ(cluster_->Records("gd", "440606").size(), 5u);
}

TEST_P(ClusterBackendsTest, ClientsCallAsTheNodeOperatorOrDepartmentTheyAreGiven) {
  const std::vector<std::string> keys = WriteAtShunde(1, 1);
  ASSERT_TRUE(cluster_->WaitForConvergence());
  // At the province, within the caller's region or not.
  EXPECT_EQ(GetRecord(cluster_->AsNode("gd", "gd"), keys[0]), grpc::StatusCode::OK);
  EXPECT_EQ(GetRecord(cluster_->OperatorClient("gd", "440606"), keys[0]), grpc::StatusCode::OK);
  EXPECT_EQ(GetRecord(cluster_->OperatorClient("gd", "440605"), keys[0]),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetRecord(cluster_->DepartmentClient("gd", "ECO", "440600"), keys[0]),
            grpc::StatusCode::OK);
  EXPECT_EQ(GetRecord(cluster_->DepartmentClient("gd", "ECO", "440100"), keys[0]),
            grpc::StatusCode::PERMISSION_DENIED);
  // A sibling county's node identity reads nothing of Shunde at their city.
  EXPECT_EQ(GetRecord(cluster_->AsNode("fs", "nh"), keys[0]), grpc::StatusCode::PERMISSION_DENIED);
}

INSTANTIATE_TEST_SUITE_P(Backends, ClusterBackendsTest,
                         ::testing::Values(Backend::kInProcess, Backend::kProcesses),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return BackendName(info.param);
                         });

}  // namespace
}  // namespace tierhub::testutil
