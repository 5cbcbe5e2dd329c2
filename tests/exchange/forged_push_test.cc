// A peer that lies on the exchange (issue 14): forged pushes against real nodes on loopback.
// Each test first plays the attack, then checks that the honest node's acknowledged write still
// reaches the top, so a forgery that was accepted would show up as a lost write.
#include <string>

#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/auth/identity.h"
#include "services/domain/validation.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/push.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::testutil {
namespace {

// The link entries a node shows for its children.
std::map<std::string, v1::LinkStatus> Children(node::Node* node) {
  v1::SyncStatusResponse status;
  EXPECT_TRUE(node->FillSyncStatusForTest(&status).ok());
  std::map<std::string, v1::LinkStatus> out;
  for (const v1::LinkStatus& child : status.children()) out[child.peer_node_id()] = child;
  return out;
}

class ForgedPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
    ASSERT_TRUE(cluster_.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
    ASSERT_TRUE(cluster_.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
  }

  // The county writes one enterprise; success once the province holds it from sd's write.
  ::testing::AssertionResult HonestWriteReachesProvince(int serial) {
    auto written = cluster_.Write("sd", {MakeEnterprise("440606", serial)});
    if (!written.ok() || written->size() != 1) {
      return ::testing::AssertionFailure() << "sd's write: " << written.status();
    }
    const std::string key = written->front().key();
    const uint64_t origin_seq = written->front().origin_seq();
    return WaitUntil(
        [&] {
          auto records = cluster_.Records("gd");
          auto it = records.find(key);
          if (it == records.end()) return ::testing::AssertionFailure() << "no " << key;
          return Holds(std::make_pair(it->second.origin_node(), it->second.origin_seq()),
                       ::testing::Pair("sd", origin_seq));
        },
        kWaitBound, "the province holds sd's honest write");
  }

  TempDir dir_;
  InProcessCluster cluster_{dir_.path()};
};

TEST_F(ForgedPushTest, SiblingCannotSpeakUnderAnotherCountysName) {
  // Nanhai (440605) holds a genuine county certificate but claims sd's next origin sequence,
  // once under its own region and once under sd's.
  for (const std::string region : {"440605", "440606"}) {
    grpc::Status status = PushAs(cluster_.address("fs"), "node:440605:nh", "nh", "440605",
                                 PushOneEnterprise("sd", region, "440605", 900));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  }
  EXPECT_EQ(cluster_.node("fs")->store()->Watermark("sd").value(), 0u);
  EXPECT_TRUE(HonestWriteReachesProvince(1));
  EXPECT_EQ(cluster_.node("gd")->store()->Watermark("sd").value(), 1u);
}

TEST_F(ForgedPushTest, CountyCannotGoRoundItsCity) {
  grpc::Status status = PushAs(cluster_.address("gd"), "node:440606:sd", "sd", "440606",
                               PushOneEnterprise("sd", "440606", "440606", 901));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_NE(status.error_message().find("not a direct child of 440000"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(cluster_.node("gd")->store()->Watermark("sd").value(), 0u);
  EXPECT_TRUE(HonestWriteReachesProvince(1));
}

TEST_F(ForgedPushTest, OriginStaysBoundToItsRegion) {
  // A second node calling itself sd, in another county, pushes its own first change. Before
  // the binding it would have taken the real sd's watermark at the city.
  EXPECT_TRUE(HonestWriteReachesProvince(1));
  cluster_.Stop("fs");  // the binding is durable: it holds after a restart
  ASSERT_TRUE(cluster_.Restart("fs").ok());
  grpc::Status status = PushAs(cluster_.address("fs"), "node:440605:sd", "sd", "440605",
                               PushOneEnterprise("sd", "440605", "440605", 902));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_NE(status.error_message().find("bound to region 440606"), std::string::npos)
      << status.error_message();
  EXPECT_TRUE(HonestWriteReachesProvince(2));
  EXPECT_EQ(cluster_.node("gd")->store()->Watermark("sd").value(), 2u);
}

TEST_F(ForgedPushTest, NodeBatchCannotAuthorADepartmentsListEntry) {
  v1::PushRequest request = PushOneEnterprise("nh", "440605", "440605", 903);
  v1::Change change;
  ASSERT_TRUE(change.ParseFromString(request.batch().changes(0)));
  v1::ListEntry& entry = *change.mutable_record()->mutable_list_entry();
  entry.set_department(v1::DEPARTMENT_ECO);
  entry.set_region_code("440605");
  change.set_key("lst/forged");
  request.mutable_batch()->set_changes(0, change.SerializeAsString());
  grpc::Status status = PushAs(cluster_.address("fs"), "node:440605:nh", "nh", "440605", request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_NE(status.error_message().find("authored by a node"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(cluster_.node("fs")->store()->Watermark("nh").value(), 0u);
}

TEST_F(ForgedPushTest, UnauthenticatedHellosNeitherChangeNorGrowTheChildren) {
  ASSERT_TRUE(HonestWriteReachesProvince(1));
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto children = Children(cluster_.node("fs"));
        return children.count("sd") && children["sd"].state() == v1::LINK_STATE_CONNECTED;
      },
      kWaitBound, "fs shows sd's link connected"));
  const size_t before = Children(cluster_.node("fs")).size();
  // A clerk's certificate says hello as sd; then 200 hellos with made-up ids.
  EXPECT_EQ(
      PushAs(cluster_.address("fs"), "dept:ECO:440606:clerk", "sd", "440606", {}).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(
        PushAs(cluster_.address("fs"), "node:440605:nh", "x" + std::to_string(i), "440605", {})
            .error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  auto children = Children(cluster_.node("fs"));
  EXPECT_EQ(children.size(), before);
  EXPECT_EQ(children["sd"].state(), v1::LINK_STATE_CONNECTED);
  EXPECT_TRUE(HonestWriteReachesProvince(2));
}

}  // namespace
}  // namespace tierhub::testutil
