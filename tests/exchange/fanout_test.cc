// A parent with many children (issue 16): a child's Pull reads only what concerns it, and many
// children pushing at once are each served. In-process nodes, real RocksDB and gRPC on loopback.
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/auth/identity.h"
#include "services/domain/region_table.h"
#include "services/exchange/parent_link.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/push.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::testutil {
namespace {

// Guangdong's cities used here: Guangzhou, Shaoguan, Shenzhen, Zhuhai, Shantou, Foshan,
// Jiangmen, Zhanjiang, Dongguan (no county tier).
const char* const kCities[] = {"440100", "440200", "440300", "440400", "440500",
                               "440600", "440700", "440800", "441900"};

std::string CityId(int i) { return "city" + std::to_string(i); }

// A county of the city (its first in the region table), or the city itself for Dongguan.
std::string RegionIn(const std::string& city) {
  const auto counties = domain::DefaultRegions().Children(city);
  return counties.empty() ? city : counties.front()->code();
}

std::vector<v1::Record> Enterprises(const std::string& region, int from, int count) {
  std::vector<v1::Record> out;
  for (int i = from; i < from + count; ++i) out.push_back(MakeEnterprise(region, i));
  return out;
}

uint64_t PulledCursor(InProcessCluster& cluster, const std::string& id) {
  auto cursor = cluster.node(id)->store()->GetCursor(exchange::kParentPulledCursor);
  return cursor.ok() ? *cursor : 0;
}

class FanoutTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

// One city loads, eight idle. Before the routes, every idle child's Pull read each of the
// loading city's changes at the province (and the loading city's read its own back): about
// (children) x N entries read. Now the province reads none of them for any child.
TEST_F(FanoutTest, IdleChildrenCostTheirParentNoReadingOfASiblingsLoad) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
  const int children = sizeof(kCities) / sizeof(kCities[0]);
  for (int i = 0; i < children; ++i) {
    ASSERT_TRUE(cluster.Add(CityId(i), v1::REGION_LEVEL_CITY, kCities[i], "gd").ok());
  }
  const store::Store& province = *cluster.node("gd")->store();
  const uint64_t read_before = province.LogEntriesRead();
  constexpr int kLoad = 2000;
  for (int at = 0; at < kLoad; at += 250) {
    ASSERT_TRUE(cluster.Write(CityId(0), Enterprises("440103", 1 + at, 250)).ok());
  }
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"gd", kLoad}}));
  // Every child has followed the province's log to its end.
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (int i = 0; i < children; ++i) {
          const uint64_t pulled = PulledCursor(cluster, CityId(i));
          if (pulled < province.LastSeq()) {
            return ::testing::AssertionFailure()
                   << CityId(i) << " at " << pulled << " of " << province.LastSeq();
          }
        }
        return ::testing::AssertionSuccess();
      },
      kWaitBound, "every child follows the province's log to its end"));
  const uint64_t read = province.LogEntriesRead() - read_before;
  // The old Pull read kLoad entries per child (18,000 here); what remains is the province's
  // own log followers (the coordinator's merge reads each change once).
  EXPECT_LT(read, 2u * kLoad) << "log entries read at the province";
  std::printf("children=%d load=%d province_log_entries_read=%llu\n", children, kLoad,
              static_cast<unsigned long long>(read));
  for (int i = 1; i < children; ++i) EXPECT_TRUE(cluster.Records(CityId(i)).empty()) << i;

  // And what is for one city reaches that city only.
  ASSERT_TRUE(cluster.Write("gd", Enterprises("440303", 90000, 3)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{CityId(2), 3u}}));
  EXPECT_TRUE(cluster.Records(CityId(1)).empty());
}

// Nine cities push at once, each in many small batches: every one of them gets all its
// changes in, exactly once.
TEST_F(FanoutTest, ManyChildrenPushingAtOnceAreEachServed) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
  const int children = sizeof(kCities) / sizeof(kCities[0]);
  for (int i = 0; i < children; ++i) {
    ASSERT_TRUE(cluster.Add(CityId(i), v1::REGION_LEVEL_CITY, kCities[i], "gd").ok());
  }
  constexpr int kBatches = 20;
  constexpr int kPerBatch = 25;
  std::vector<std::thread> writers;
  std::vector<std::string> failures(children);
  for (int i = 0; i < children; ++i) {
    writers.emplace_back([&, i] {
      for (int b = 0; b < kBatches; ++b) {
        const auto written = cluster.Write(
            CityId(i), Enterprises(RegionIn(kCities[i]), 1 + b * kPerBatch, kPerBatch));
        if (!written.ok()) failures[i] = written.status().ToString();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  for (int i = 0; i < children; ++i) ASSERT_EQ(failures[i], "") << CityId(i);
  const store::Store& province = *cluster.node("gd")->store();
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"gd", children * kBatches * kPerBatch}}));
  for (int i = 0; i < children; ++i) {
    EXPECT_EQ(province.Watermark(CityId(i)).value(), kBatches * kPerBatch) << CityId(i);
    EXPECT_EQ(cluster.Records("gd", kCities[i]).size(), kBatches * kPerBatch) << CityId(i);
  }
}

// The national node above Guangdong and Guangxi (the region table covers every province): each
// province and its cities see only their own, the national node holds both, and a province
// can write neither into the other nor push the other's records up.
TEST_F(FanoutTest, NationalNodeAboveTwoProvincesKeepsEachToItsOwn) {
  InProcessCluster cluster(dir_.path());
  ASSERT_TRUE(cluster.Add("cn", v1::REGION_LEVEL_NATIONAL, "000000", "").ok());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "cn").ok());
  ASSERT_TRUE(cluster.Add("gx", v1::REGION_LEVEL_PROVINCE, "450000", "cn").ok());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
  ASSERT_TRUE(cluster.Add("nn", v1::REGION_LEVEL_CITY, "450100", "gx").ok());  // Nanning
  ASSERT_TRUE(cluster.Write("fs", Enterprises("440606", 1, 5)).ok());
  ASSERT_TRUE(cluster.Write("nn", Enterprises("450102", 100, 4)).ok());  // Xingning district
  ASSERT_TRUE(cluster.Write("cn", Enterprises("440303", 200, 2)).ok());  // for Shenzhen
  ASSERT_TRUE(cluster.Write("cn", Enterprises("450103", 300, 3)).ok());  // for Nanning
  ASSERT_TRUE(
      cluster.WaitForRecordCounts({{"cn", 14}, {"gd", 7}, {"gx", 7}, {"nn", 7}, {"fs", 5}}));
  EXPECT_EQ(cluster.Records("gd", "440000").size(), 7u);
  EXPECT_EQ(cluster.Records("gx", "450000").size(), 7u);
  EXPECT_EQ(cluster.Records("nn", "450100").size(), 7u);
  // The national node's progress spans both provinces: every origin of each, applied once.
  const store::Store& national = *cluster.node("cn")->store();
  EXPECT_EQ(national.Watermark("fs").value(), 5u);
  EXPECT_EQ(national.Watermark("nn").value(), 4u);
  EXPECT_EQ(cluster.Records("cn", "440000").size(), 7u);
  EXPECT_EQ(cluster.Records("cn", "450000").size(), 7u);

  // Guangdong's certificate writes nothing about Guangxi, at its own node or upward.
  auto written = cluster.Write("gd", Enterprises("450102", 400, 1));
  EXPECT_EQ(written.status().code(), absl::StatusCode::kPermissionDenied) << written.status();
  const grpc::Status pushed = PushAs(cluster.address("cn"), "node:440000:gd", "gd", "440000",
                                     PushOneEnterprise("gd", "440000", "450102", 401));
  EXPECT_EQ(pushed.error_code(), grpc::StatusCode::PERMISSION_DENIED) << pushed.error_message();
  ASSERT_TRUE(cluster.Write("nn", Enterprises("450102", 500, 1)).ok());
  ASSERT_TRUE(cluster.WaitForRecordCounts({{"cn", 15u}}));
  EXPECT_EQ(cluster.Records("cn", "450000").size(), 8u);
  EXPECT_EQ(cluster.Records("gd").size(), 7u);
}

}  // namespace
}  // namespace tierhub::testutil
