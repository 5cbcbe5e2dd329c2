// Department lists across real tierhubd processes (mutual TLS on loopback): departments submit
// at the province and at a city, the province (the coordinator) merges each enterprise, and
// every city and county holds the merged views of its own jurisdiction and nothing else.
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "services/client/channel.h"
#include "services/domain/catalog.h"
#include "tests/testutil/list_fixture.h"
#include "tests/testutil/process_cluster.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/coordinator.grpc.pb.h"
#include "tierhub/v1/exchange.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::testutil {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kRound[] = "MP-LISTS-1";
constexpr absl::Duration kConverge = absl::Seconds(60);

constexpr char kShunde[] = "440606";
constexpr char kNanhai[] = "440605";
constexpr char kGuangzhou[] = "440100";

// The enterprises: who lists them, and where. S1 is contradictory (ECO: closed, SAMR: operating).
const std::string kS1 = Code(kShunde, 1);      // ECO (closed) + SAMR (operating)
const std::string kS2 = Code(kShunde, 2);      // ECO
const std::string kS3 = Code(kShunde, 3);      // SAMR
const std::string kN1 = Code(kNanhai, 11);     // ECO + SAMR, both operating
const std::string kN2 = Code(kNanhai, 12);     // SAMR
const std::string kG1 = Code(kGuangzhou, 21);  // ECO

using Departments = std::set<std::string>;
using Views = std::map<std::string, Departments>;  // credit code -> departments listing it

const Views kShundeViews = {{kS1, {"ECO", "SAMR"}}, {kS2, {"ECO"}}, {kS3, {"SAMR"}}};
const Views kNanhaiViews = {{kN1, {"ECO", "SAMR"}}, {kN2, {"SAMR"}}};
const Views kGuangzhouViews = {{kG1, {"ECO"}}};

Views Union(std::initializer_list<const Views*> parts) {
  Views out;
  for (const Views* p : parts) out.insert(p->begin(), p->end());
  return out;
}

std::string Describe(const Views& views) {
  std::vector<std::string> parts;
  for (const auto& [code, departments] : views) {
    parts.push_back(absl::StrCat(code, ":", absl::StrJoin(departments, "+")));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

Departments DepartmentsOf(const v1::MergedEnterprise& m) {
  Departments out;
  for (const auto& l : m.listings())
    out.insert(std::string(domain::DepartmentCode(l.department())));
  return out;
}

template <typename Context>
void Deadline(Context& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

// Province 440000 (coordinator) -> Foshan 440600 -> Shunde 440606, Nanhai 440605; and
// Guangzhou 440100.
class ListsMultiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = std::make_unique<ProcessCluster>(dir_.path());
    ProcessCluster::NodeOptions coordinator;
    coordinator.coordinator = true;
    ASSERT_TRUE(cluster_->Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "", coordinator).ok());
    ASSERT_TRUE(cluster_->Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
    ASSERT_TRUE(cluster_->Add("gz", v1::REGION_LEVEL_CITY, kGuangzhou, "gd").ok());
    ASSERT_TRUE(cluster_->Add("sd", v1::REGION_LEVEL_COUNTY, kShunde, "fs").ok());
    ASSERT_TRUE(cluster_->Add("nh", v1::REGION_LEVEL_COUNTY, kNanhai, "fs").ok());

    // MIIT at the province opens the round (deadline far ahead); it flows down to every node.
    auto miit = cluster_->DepartmentClient("gd", "MIIT", "440000", "lead");
    ASSERT_TRUE(miit.ok()) << miit.status();
    {
      auto stub = v1::Registry::NewStub(client::MakeChannel(*miit).value());
      grpc::ClientContext context;
      Deadline(context);
      v1::PutRoundsRequest request;
      v1::SubmissionRound* round = request.add_rounds();
      round->set_round_id(kRound);
      round->set_title("multi-process lists round");
      round->mutable_deadline()->set_seconds(
          absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 365)));
      round->set_scope(v1::SubmissionRound::SCOPE_DEPARTMENT_LISTS);
      v1::PutRoundsResponse response;
      grpc::Status s = stub->PutRounds(&context, request, &response);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }

    // The provincial ECO lists enterprises in Shunde, Nanhai and Guangzhou.
    auto eco = cluster_->DepartmentClient("gd", "ECO", "440000");
    ASSERT_TRUE(eco.ok()) << eco.status();
    grpc::Status submitted =
        Submit(*eco, "eco-env-1", v1::DEPARTMENT_ECO, v1::DIMENSION_ENVIRONMENT, "440000",
               {Row(kShunde, 1, v1::OPERATING_STATUS_CLOSED), Row(kShunde, 2), Row(kNanhai, 11),
                Row(kGuangzhou, 21)});
    ASSERT_TRUE(submitted.ok()) << submitted.error_message();

    // Foshan's SAMR lists enterprises in Shunde and Nanhai at the city, once the round is there.
    ASSERT_TRUE(
        WaitUntil([&] { return Holds(Keys("fs", absl::StrCat("round/", kRound)), Not(IsEmpty())); },
                  kConverge, "the round reaches Foshan"));
    auto samr = cluster_->DepartmentClient("fs", "SAMR", "440600");
    ASSERT_TRUE(samr.ok()) << samr.status();
    submitted =
        Submit(*samr, "samr-quality-1", v1::DEPARTMENT_SAMR, v1::DIMENSION_QUALITY, "440600",
               {Row(kShunde, 1, v1::OPERATING_STATUS_OPERATING), Row(kShunde, 3), Row(kNanhai, 11),
                Row(kNanhai, 12)});
    ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  }

  grpc::Status Submit(const client::ChannelOptions& as, const std::string& submission_id,
                      v1::Department department, v1::Dimension dimension, const std::string& region,
                      std::vector<v1::ListRow> rows) {
    auto stub = v1::Registry::NewStub(client::MakeChannel(as).value());
    grpc::ClientContext context;
    Deadline(context);
    v1::SubmitListResponse response;
    auto writer = stub->SubmitList(&context, &response);
    v1::SubmitListChunk chunk;
    v1::SubmitListHeader* header = chunk.mutable_header();
    header->set_submission_id(submission_id);
    header->set_department(department);
    header->set_kind(v1::LIST_KIND_KEY_SUPERVISION);
    header->set_dimension(dimension);
    header->set_region_code(region);
    header->set_round_id(kRound);
    for (auto& row : rows) *chunk.add_rows() = std::move(row);
    writer->Write(chunk);
    writer->WritesDone();
    return writer->Finish();
  }

  // Live records of node `id` under `prefix`, read with the node's own certificate.
  std::map<std::string, v1::Record> Records(const std::string& id, const std::string& prefix) {
    auto stub = v1::Exchange::NewStub(client::MakeChannel(cluster_->AsNode(id, id)).value());
    grpc::ClientContext context;
    Deadline(context);
    v1::ListRecordsRequest request;
    request.set_key_prefix(prefix);
    auto reader = stub->ListRecords(&context, request);
    std::map<std::string, v1::Record> out;
    v1::ListRecordsResponse chunk;
    while (reader->Read(&chunk)) {
      for (const auto& entry : chunk.records()) {
        if (entry.stored().has_record()) out[entry.key()] = entry.stored().record();
      }
    }
    grpc::Status s = reader->Finish();
    EXPECT_TRUE(s.ok()) << id << ": " << s.error_message();
    return out;
  }

  std::set<std::string> Keys(const std::string& id, const std::string& prefix) {
    std::set<std::string> out;
    for (const auto& [key, record] : Records(id, prefix)) out.insert(key);
    return out;
  }

  // The merged views node `id` holds (mrg/ records): credit code -> departments listing it.
  Views MergedViews(const std::string& id) {
    Views out;
    for (const auto& [key, record] : Records(id, "mrg/")) {
      out[record.merged_enterprise().credit_code()] = DepartmentsOf(record.merged_enterprise());
    }
    return out;
  }

  // Waits until each node holds exactly `expected` merged views (with their final listings).
  void WaitForViews(const std::vector<std::pair<std::string, Views>>& expected) {
    for (const auto& [id, views] : expected) {
      ASSERT_TRUE(WaitUntil(
          [&, id = id, views = views] {
            const Views held = MergedViews(id);
            if (held == views) return ::testing::AssertionSuccess();
            return ::testing::AssertionFailure()
                   << Describe(held) << ", expected " << Describe(views);
          },
          kConverge, absl::StrCat(id, " holds the merged views of its jurisdiction")));
    }
  }

  // Every node has its final views and has pulled everything its parent holds (filtered
  // changes move the cursor too).
  void WaitForQuiescence() {
    const Views foshan = Union({&kShundeViews, &kNanhaiViews});
    WaitForViews({{"gd", Union({&foshan, &kGuangzhouViews})},
                  {"fs", foshan},
                  {"gz", kGuangzhouViews},
                  {"sd", kShundeViews},
                  {"nh", kNanhaiViews}});
    if (HasFatalFailure()) return;
    ASSERT_TRUE(cluster_->WaitForConvergence(kConverge));
  }

  absl::StatusOr<v1::MergedEnterprise> MergedView(const client::ChannelOptions& as,
                                                  const std::string& code) {
    auto stub = v1::Coordinator::NewStub(client::MakeChannel(as).value());
    grpc::ClientContext context;
    Deadline(context);
    v1::GetMergedViewRequest request;
    request.set_credit_code(code);
    v1::GetMergedViewResponse response;
    grpc::Status s = stub->GetMergedView(&context, request, &response);
    if (!s.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
    }
    return response.merged();
  }

  // Contradictions node `id` lists for its own region (read with its own certificate).
  std::map<std::string, std::set<int>> Contradictions(const std::string& id) {
    auto stub = v1::Coordinator::NewStub(client::MakeChannel(cluster_->AsNode(id, id)).value());
    grpc::ClientContext context;
    Deadline(context);
    v1::ListContradictionsResponse response;
    grpc::Status s = stub->ListContradictions(&context, v1::ListContradictionsRequest(), &response);
    EXPECT_TRUE(s.ok()) << id << ": " << s.error_message();
    EXPECT_TRUE(response.next_page_token().empty());
    std::map<std::string, std::set<int>> out;
    for (const auto& m : response.merged()) {
      auto& kinds = out[m.credit_code()];
      for (const auto& c : m.contradictions()) kinds.insert(c.kind());
    }
    return out;
  }

  // ECO's list entries node `id` returns to `as` (Registry.ListEntries), by credit code.
  absl::StatusOr<std::set<std::string>> EcoEntries(const client::ChannelOptions& as,
                                                   const std::string& region) {
    auto stub = v1::Registry::NewStub(client::MakeChannel(as).value());
    grpc::ClientContext context;
    Deadline(context);
    v1::ListEntriesRequest request;
    request.set_department(v1::DEPARTMENT_ECO);
    request.set_round_id(kRound);
    request.set_region_code(region);
    v1::ListEntriesResponse response;
    grpc::Status s = stub->ListEntries(&context, request, &response);
    if (!s.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
    }
    std::set<std::string> out;
    for (const auto& e : response.entries()) out.insert(e.credit_code());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<ProcessCluster> cluster_;
};

TEST_F(ListsMultiProcessTest, ProvinceMergesBothDepartmentsListings) {
  ASSERT_NO_FATAL_FAILURE(WaitForQuiescence());
  const client::ChannelOptions province = cluster_->AsNode("gd", "gd");

  auto s1 = MergedView(province, kS1);
  ASSERT_TRUE(s1.ok()) << s1.status();
  EXPECT_EQ(s1->region_code(), kShunde);
  ASSERT_EQ(s1->listings_size(), 2) << s1->DebugString();
  EXPECT_EQ(DepartmentsOf(*s1), (Departments{"ECO", "SAMR"}));
  for (const auto& l : s1->listings()) {
    if (l.department() == v1::DEPARTMENT_ECO) {
      EXPECT_EQ(l.submission_id(), "eco-env-1");
      EXPECT_EQ(l.reported_status(), v1::OPERATING_STATUS_CLOSED);
    } else {
      EXPECT_EQ(l.submission_id(), "samr-quality-1");
      EXPECT_EQ(l.reported_status(), v1::OPERATING_STATUS_OPERATING);
    }
  }
  EXPECT_TRUE(s1->exited());
  ASSERT_EQ(s1->contradictions_size(), 1) << s1->DebugString();
  EXPECT_EQ(s1->contradictions(0).kind(), v1::Contradiction::KIND_STATUS);
  EXPECT_THAT(s1->contradictions(0).detail(), HasSubstr("ECO reports OPERATING_STATUS_CLOSED"));
  EXPECT_THAT(s1->contradictions(0).detail(), HasSubstr("SAMR reports OPERATING_STATUS_OPERATING"));

  auto n1 = MergedView(province, kN1);
  ASSERT_TRUE(n1.ok()) << n1.status();
  EXPECT_EQ(n1->region_code(), kNanhai);
  EXPECT_EQ(DepartmentsOf(*n1), (Departments{"ECO", "SAMR"}));
  EXPECT_EQ(n1->contradictions_size(), 0) << n1->DebugString();
  EXPECT_FALSE(n1->exited());

  // The same view, byte for byte, at Shunde (it flowed down as a record).
  auto at_shunde = MergedView(cluster_->AsNode("sd", "sd"), kS1);
  ASSERT_TRUE(at_shunde.ok()) << at_shunde.status();
  EXPECT_EQ(at_shunde->SerializeAsString(), s1->SerializeAsString());
}

TEST_F(ListsMultiProcessTest, EachNodeHoldsExactlyTheMergedViewsOfItsJurisdiction) {
  ASSERT_NO_FATAL_FAILURE(WaitForQuiescence());
  // After quiescence: exact sets, nothing outside the node's region.
  EXPECT_EQ(MergedViews("sd"), kShundeViews);
  EXPECT_EQ(MergedViews("nh"), kNanhaiViews);
  EXPECT_EQ(MergedViews("fs"), Union({&kShundeViews, &kNanhaiViews}));
  EXPECT_EQ(MergedViews("gz"), kGuangzhouViews);

  // The contradiction is seen where its enterprise is, and only there.
  const std::map<std::string, std::set<int>> contradictory = {
      {kS1, {v1::Contradiction::KIND_STATUS}}};
  EXPECT_EQ(Contradictions("sd"), contradictory);
  EXPECT_EQ(Contradictions("fs"), contradictory);
  EXPECT_EQ(Contradictions("gd"), contradictory);
  EXPECT_TRUE(Contradictions("nh").empty());
  EXPECT_TRUE(Contradictions("gz").empty());

  // Guangzhou does not hold Foshan's views at all (NOT_FOUND even for a provincial reader),
  // and Nanhai does not hold Shunde's.
  auto provincial_ops_at_gz = cluster_->OperatorClient("gz", "440000", "auditor");
  ASSERT_TRUE(provincial_ops_at_gz.ok()) << provincial_ops_at_gz.status();
  EXPECT_EQ(MergedView(*provincial_ops_at_gz, kS1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(MergedView(*provincial_ops_at_gz, kN1).status().code(), absl::StatusCode::kNotFound);
  auto provincial_ops_at_nh = cluster_->OperatorClient("nh", "440000", "auditor");
  ASSERT_TRUE(provincial_ops_at_nh.ok()) << provincial_ops_at_nh.status();
  EXPECT_EQ(MergedView(*provincial_ops_at_nh, kS1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(MergedView(*provincial_ops_at_nh, kN1).ok());
}

TEST_F(ListsMultiProcessTest, ProvincialListEntriesReachTheCityTheyListButNoOtherCity) {
  ASSERT_NO_FATAL_FAILURE(WaitForQuiescence());
  // Foshan sees what the provincial ECO listed in Foshan (read by a Foshan operator).
  auto foshan_ops = cluster_->OperatorClient("fs", "440600");
  ASSERT_TRUE(foshan_ops.ok()) << foshan_ops.status();
  auto at_foshan = EcoEntries(*foshan_ops, "440600");
  ASSERT_TRUE(at_foshan.ok()) << at_foshan.status();
  EXPECT_EQ(*at_foshan, (std::set<std::string>{kS1, kS2, kN1}));
  // Shunde sees its share of it.
  auto at_shunde = EcoEntries(cluster_->AsNode("sd", "sd"), kShunde);
  ASSERT_TRUE(at_shunde.ok()) << at_shunde.status();
  EXPECT_EQ(*at_shunde, (std::set<std::string>{kS1, kS2}));

  // Guangzhou sees only what ECO listed in Guangzhou, even asked by a provincial reader for
  // the whole province: Foshan's entries are not there.
  auto provincial_ops_at_gz = cluster_->OperatorClient("gz", "440000", "auditor");
  ASSERT_TRUE(provincial_ops_at_gz.ok()) << provincial_ops_at_gz.status();
  auto at_guangzhou = EcoEntries(*provincial_ops_at_gz, "440000");
  ASSERT_TRUE(at_guangzhou.ok()) << at_guangzhou.status();
  EXPECT_EQ(*at_guangzhou, (std::set<std::string>{kG1}));
  // No list entry of any department about Foshan at Guangzhou.
  for (const auto& [key, record] : Records("gz", "list/")) {
    EXPECT_EQ(record.list_entry().region_code(), kGuangzhou) << key;
  }
  // A Guangzhou reader may not ask Guangzhou's node about Foshan.
  auto guangzhou_ops = cluster_->OperatorClient("gz", kGuangzhou);
  ASSERT_TRUE(guangzhou_ops.ok()) << guangzhou_ops.status();
  EXPECT_EQ(EcoEntries(*guangzhou_ops, "440600").status().code(),
            absl::StatusCode::kPermissionDenied);

  // SAMR's city list went up to the province (and is merged there) but not across to
  // Guangzhou.
  std::set<std::string> samr_at_province;
  for (const auto& [key, record] : Records("gd", "list/SAMR/")) {
    samr_at_province.insert(record.list_entry().credit_code());
  }
  EXPECT_EQ(samr_at_province, (std::set<std::string>{kS1, kS3, kN1, kN2}));
  EXPECT_TRUE(Records("gz", "list/SAMR/").empty());
}

}  // namespace
}  // namespace tierhub::testutil
