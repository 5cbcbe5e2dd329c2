// A tip-off's informant across real tierhubd processes (mutual TLS on loopback): the tip-off
// travels from the county that took it to the city and the province, the informant's personal
// data stays at the county, in its answers and in its files, and in no other node's.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "services/client/channel.h"
#include "tests/testutil/process_cluster.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/enforcement.grpc.pb.h"

namespace tierhub::testutil {
namespace {

constexpr char kTip[] = "T-12345-MP01";
// Unique markers, so that finding them in a node's files can mean only the informant record.
constexpr char kPhone[] = "13912345678";
constexpr char kName[] = "举报人乙-INFORMANT-MARKER-7f3a9c";

// True if any file under `dir` (the store: WAL, SST, manifest ...) contains `needle`.
bool FilesContain(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) return true;
  }
  return false;
}

absl::StatusOr<v1::TipOffResponse> GetTip(const client::ChannelOptions& client) {
  auto stub = v1::Enforcement::NewStub(client::MakeChannel(client).value());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::GetTipOffRequest request;
  request.set_tip_off_id(kTip);
  v1::TipOffResponse response;
  grpc::Status s = stub->GetTipOff(&context, request, &response);
  if (!s.ok())
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  return response;
}

TEST(TipOffMultiProcessTest, TheInformantNeverLeavesTheNodeThatTookTheTipOff) {
  TempDir dir;
  ProcessCluster cluster(dir.path());
  ASSERT_TRUE(cluster.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
  ASSERT_TRUE(cluster.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
  ASSERT_TRUE(cluster.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());

  // The county's 12345 desk takes a tip-off with the informant's name and phone.
  auto hotline = cluster.DepartmentClient("sd", "MIIT", "440606", "hotline");
  ASSERT_TRUE(hotline.ok()) << hotline.status();
  {
    auto stub = v1::Enforcement::NewStub(client::MakeChannel(*hotline).value());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SubmitTipOffRequest request;
    request.set_tip_off_id(kTip);
    request.set_channel(v1::TIP_OFF_CHANNEL_12345);
    request.set_content("某厂夜间偷开已封存的中频炉 (synthetic)");
    request.set_region_code("440606");
    request.mutable_informant()->set_name(kName);
    request.mutable_informant()->set_phone(kPhone);
    v1::TipOffResponse response;
    grpc::Status s = stub->SubmitTipOff(&context, request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.tip_off().received_by_node(), "sd");
  }

  // The tip-off reaches the province, marked as having an informant, without the informant.
  auto provincial = cluster.DepartmentClient("gd", "MIIT", "440000", "analyst");
  ASSERT_TRUE(provincial.ok()) << provincial.status();
  absl::StatusOr<v1::TipOffResponse> above = absl::NotFoundError("not yet");
  ASSERT_TRUE(WaitUntil(
      [&] {
        above = GetTip(*provincial);
        return IsOk(above.status());
      },
      absl::Seconds(60), "the tip-off reaches the province"));
  EXPECT_TRUE(above->tip_off().has_informant());
  EXPECT_EQ(above->tip_off().received_by_node(), "sd");
  EXPECT_FALSE(above->has_informant());
  auto city = cluster.DepartmentClient("fs", "MIIT", "440600", "analyst");
  ASSERT_TRUE(city.ok()) << city.status();
  auto at_city = GetTip(*city);
  ASSERT_TRUE(at_city.ok()) << at_city.status();
  EXPECT_FALSE(at_city->has_informant());

  // The county gives it to its own people.
  auto here = GetTip(*hotline);
  ASSERT_TRUE(here.ok()) << here.status();
  EXPECT_EQ(here->informant().phone(), kPhone);

  // Stopped cleanly, every node's files are complete: the county's hold the informant (which
  // shows the search finds it), the city's and the province's do not.
  for (const char* id : {"sd", "fs", "gd"}) ASSERT_EQ(cluster.Terminate(id), 0) << id;
  EXPECT_TRUE(FilesContain(cluster.store_path("sd"), kPhone));
  for (const char* id : {"fs", "gd"}) {
    EXPECT_FALSE(FilesContain(cluster.store_path(id), kPhone)) << id;
    EXPECT_FALSE(FilesContain(cluster.store_path(id), kName)) << id;
  }
}

}  // namespace
}  // namespace tierhub::testutil
