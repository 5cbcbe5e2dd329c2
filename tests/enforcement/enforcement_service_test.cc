// The Enforcement service in an in-process cluster (province -> city -> county): cases opened
// and advanced at a county reach the province; illegal steps and writes outside jurisdiction
// store nothing; tip-offs are routed, verified and synced, and their informants never leave
// the node that received them.
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "services/common/time_proto.h"
#include "services/domain/case_keys.h"
#include "services/domain/case_machine.h"
#include "services/domain/credit_code.h"
#include "services/domain/record_key.h"
#include "services/enforcement/informant_vault.h"
#include "services/node/node_hooks.h"
#include "tests/testutil/faulty_file_system.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/enforcement.grpc.pb.h"

namespace tierhub::enforcement {
namespace {

using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::Holds;
using testutil::InProcessCluster;
using testutil::kWaitBound;
using testutil::WaitUntil;

auth::Identity Dept(v1::Department department, const std::string& region,
                    const std::string& user = "inspector") {
  auth::Identity id;
  id.kind = auth::Identity::Kind::kDepartment;
  id.department = department;
  id.region_code = region;
  id.name = user;
  return id;
}

std::string Code(const std::string& region, const std::string& body) {
  return domain::MakeCreditCode('9', '1', region, body).value();
}

v1::OpenCaseRequest EnergyCase(const std::string& id, const std::string& region) {
  v1::OpenCaseRequest r;
  r.set_case_id(id);
  r.set_credit_code(Code(region, "TH000101"));
  r.set_region_code(region);
  r.set_industry(v1::INDUSTRY_CERAMICS);
  r.set_dimension(v1::DIMENSION_ENERGY);
  r.set_finding("单位产品能耗超限额 (synthetic)");
  r.set_rule_ref("GB 21252-2013");
  r.set_evidence_ref("节能监察报告 2019-001");
  return r;
}

v1::AdvanceCaseRequest Step(const std::string& id, v1::CaseState to) {
  v1::AdvanceCaseRequest r;
  r.set_case_id(id);
  r.set_to_state(to);
  r.set_evidence_ref(absl::StrCat("DOC-", v1::CaseState_Name(to)));
  return r;
}

std::optional<v1::EnforcementCase> StoredCase(InProcessCluster& cluster, const std::string& node,
                                              const std::string& id) {
  auto record = cluster.node(node)->store()->GetLive(absl::StrCat("case/", id));
  if (!record.ok() || !record->has_value() || !(*record)->has_enforcement_case()) {
    return std::nullopt;
  }
  return (*record)->enforcement_case();
}

// A WaitUntil predicate: node `node` holds case `id` in `state`; if not, what it holds.
::testing::AssertionResult CaseIn(InProcessCluster& cluster, const std::string& node,
                                  const std::string& id, v1::CaseState state) {
  auto c = StoredCase(cluster, node, id);
  if (!c.has_value()) return ::testing::AssertionFailure() << node << " has no case " << id;
  return Holds(v1::CaseState_Name(c->state()), Eq(v1::CaseState_Name(state)));
}

class EnforcementServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
    ASSERT_TRUE(cluster_.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
    ASSERT_TRUE(cluster_.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
  }
  EnforcementService* service(const std::string& node) {
    return cluster_.node(node)->enforcement();
  }

  testutil::TempDir dir_;
  InProcessCluster cluster_{dir_.path()};
};

TEST_F(EnforcementServiceTest, CountyOpensAndAdvancesProvinceSeesItAfterSync) {
  const auth::Identity inspector = Dept(v1::DEPARTMENT_MIIT, "440606");
  auto opened = service("sd")->Open(inspector, EnergyCase("E-1", "440606"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->enforcement_case().state(), v1::CASE_STATE_FOUND);
  EXPECT_THAT(opened->allowed_next(), ElementsAre(v1::CASE_STATE_RECTIFYING));
  EXPECT_EQ(opened->enforcement_case().history(0).actor(), inspector.CommonName());
  auto rectifying = service("sd")->Advance(inspector, Step("E-1", v1::CASE_STATE_RECTIFYING));
  ASSERT_TRUE(rectifying.ok()) << rectifying.status();
  EXPECT_TRUE(rectifying->enforcement_case().has_deadline());
  EXPECT_THAT(rectifying->allowed_next(),
              ElementsAre(v1::CASE_STATE_EXTENDED, v1::CASE_STATE_COMPLIANT,
                          v1::CASE_STATE_ORDERED_CLOSED));

  ASSERT_TRUE(WaitUntil([&] { return CaseIn(cluster_, "gd", "E-1", v1::CASE_STATE_RECTIFYING); },
                        kWaitBound, "the county's case reaches the province"));
  auto at_province = StoredCase(cluster_, "gd", "E-1");
  EXPECT_EQ(at_province->SerializeAsString(), rectifying->enforcement_case().SerializeAsString());
  auto stored = cluster_.node("gd")->store()->Get("case/E-1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->origin_node(), "sd");
  EXPECT_EQ((*stored)->author().department(), v1::DEPARTMENT_MIIT);
  // The province reads it through the service too.
  v1::GetCaseRequest get;
  get.set_case_id("E-1");
  auto read = service("gd")->Get(Dept(v1::DEPARTMENT_MIIT, "440000", "analyst"), get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->enforcement_case().history_size(), 2);
}

TEST_F(EnforcementServiceTest, IllegalStepIsRefusedNamingTheAllowedOnesAndStoresNothing) {
  const auth::Identity inspector = Dept(v1::DEPARTMENT_MIIT, "440606");
  ASSERT_TRUE(service("sd")->Open(inspector, EnergyCase("E-2", "440606")).ok());
  ASSERT_TRUE(service("sd")->Advance(inspector, Step("E-2", v1::CASE_STATE_RECTIFYING)).ok());
  const uint64_t seq = cluster_.node("sd")->store()->LastSeq();
  const std::string before = StoredCase(cluster_, "sd", "E-2")->SerializeAsString();

  auto refused = service("sd")->Advance(inspector, Step("E-2", v1::CASE_STATE_SEALED));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("allowed next: EXTENDED, COMPLIANT, ORDERED_CLOSED"));
  // Missing evidence: INVALID_ARGUMENT.
  v1::AdvanceCaseRequest no_evidence = Step("E-2", v1::CASE_STATE_COMPLIANT);
  no_evidence.clear_evidence_ref();
  EXPECT_EQ(service("sd")->Advance(inspector, no_evidence).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A stale client.
  v1::AdvanceCaseRequest stale = Step("E-2", v1::CASE_STATE_COMPLIANT);
  stale.set_expected_steps(1);
  auto conflict = service("sd")->Advance(inspector, stale);
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(conflict.status().message(), HasSubstr("expected_steps"));

  EXPECT_EQ(cluster_.node("sd")->store()->LastSeq(), seq);
  EXPECT_EQ(StoredCase(cluster_, "sd", "E-2")->SerializeAsString(), before);

  // Unknown case.
  EXPECT_EQ(
      service("sd")->Advance(inspector, Step("NOPE", v1::CASE_STATE_COMPLIANT)).status().code(),
      absl::StatusCode::kNotFound);
  // The same case id twice.
  EXPECT_EQ(service("sd")->Open(inspector, EnergyCase("E-2", "440606")).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(EnforcementServiceTest, InspectorWritesOnlyInHisCountyAndDimension) {
  const uint64_t county_seq = cluster_.node("sd")->store()->LastSeq();
  const uint64_t city_seq = cluster_.node("fs")->store()->LastSeq();
  // A Shunde inspector at the Foshan city node, about Chancheng (440604): outside his county.
  auto outside =
      service("fs")->Open(Dept(v1::DEPARTMENT_MIIT, "440606"), EnergyCase("E-3", "440604"));
  EXPECT_EQ(outside.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(outside.status().message(), HasSubstr("outside the caller's region 440606"));
  // At the county node, about another county: outside the node's region.
  auto other_node =
      service("sd")->Open(Dept(v1::DEPARTMENT_MIIT, "440600"), EnergyCase("E-4", "440604"));
  EXPECT_EQ(other_node.status().code(), absl::StatusCode::kPermissionDenied);
  // SAMR does not act on energy cases.
  auto samr = service("sd")->Open(Dept(v1::DEPARTMENT_SAMR, "440606"), EnergyCase("E-5", "440606"));
  EXPECT_EQ(samr.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(samr.status().message(), HasSubstr("SAMR does not lead the ENERGY dimension"));
  // Operators read, never write.
  auth::Identity ops;
  ops.kind = auth::Identity::Kind::kOperator;
  ops.region_code = "440606";
  ops.name = "ops";
  EXPECT_EQ(service("sd")->Open(ops, EnergyCase("E-6", "440606")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(cluster_.node("sd")->store()->LastSeq(), county_seq);
  EXPECT_EQ(cluster_.node("fs")->store()->LastSeq(), city_seq);
  // A case of his county he may advance; a neighbour may not.
  ASSERT_TRUE(
      service("sd")->Open(Dept(v1::DEPARTMENT_MIIT, "440606"), EnergyCase("E-7", "440606")).ok());
  ASSERT_TRUE(WaitUntil([&] { return cluster_.LiveAt("fs", "case/E-7"); }, kWaitBound,
                        "the case reaches the city"));
  EXPECT_EQ(
      service("fs")
          ->Advance(Dept(v1::DEPARTMENT_MIIT, "440604"), Step("E-7", v1::CASE_STATE_RECTIFYING))
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  // Reading outside one's region is refused too.
  v1::GetCaseRequest get;
  get.set_case_id("E-7");
  EXPECT_EQ(service("fs")->Get(Dept(v1::DEPARTMENT_MIIT, "440604"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(EnforcementServiceTest, OverClientRpcIllegalStepIsFailedPrecondition) {
  auto channel = grpc::CreateChannel(cluster_.address("sd"), grpc::InsecureChannelCredentials());
  auto stub = v1::Enforcement::NewStub(channel);
  const std::string who = Dept(v1::DEPARTMENT_MEM, "440606").CommonName();
  v1::OpenCaseRequest open = EnergyCase("S-1", "440606");
  open.set_dimension(v1::DIMENSION_SAFETY);
  v1::CaseResponse response;
  {
    grpc::ClientContext context;
    context.AddMetadata(auth::kInsecureIdentityHeader, who);
    grpc::Status s = stub->OpenCase(&context, open, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    grpc::ClientContext context;
    context.AddMetadata(auth::kInsecureIdentityHeader, who);
    grpc::Status s =
        stub->AdvanceCase(&context, Step("S-1", v1::CASE_STATE_CLOSED_EXITED), &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(s.error_message(), HasSubstr("allowed next: SUSPENDED"));
  }
  {
    grpc::ClientContext context;  // no identity
    grpc::Status s = stub->GetCase(&context, v1::GetCaseRequest(), &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(EnforcementServiceTest, ListOverdueForTheCoordinationGroup) {
  const auth::Identity inspector = Dept(v1::DEPARTMENT_MIIT, "440606");
  // Found eight months ago: the 6-month deadline has passed.
  v1::OpenCaseRequest late = EnergyCase("E-LATE", "440606");
  *late.mutable_found_at() = ToProto(absl::Now() - absl::Hours(24 * 245));
  ASSERT_TRUE(service("sd")->Open(inspector, late).ok());
  ASSERT_TRUE(service("sd")->Advance(inspector, Step("E-LATE", v1::CASE_STATE_RECTIFYING)).ok());
  // Found today: not overdue.
  ASSERT_TRUE(service("sd")->Open(inspector, EnergyCase("E-NEW", "440606")).ok());
  ASSERT_TRUE(service("sd")->Advance(inspector, Step("E-NEW", v1::CASE_STATE_RECTIFYING)).ok());
  for (const std::string id : {"E-NEW", "E-LATE"}) {
    ASSERT_TRUE(WaitUntil([&] { return CaseIn(cluster_, "gd", id, v1::CASE_STATE_RECTIFYING); },
                          kWaitBound, absl::StrCat(id, " reaches the province")));
  }
  const auth::Identity analyst = Dept(v1::DEPARTMENT_MIIT, "440000", "analyst");
  v1::ListOverdueRequest request;
  request.set_region_code("4406");
  EXPECT_EQ(service("gd")->Overdue(analyst, request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_region_code("440600");  // Foshan: everything under it
  auto overdue = service("gd")->Overdue(analyst, request);
  ASSERT_TRUE(overdue.ok()) << overdue.status().ToString();
  ASSERT_EQ(overdue->cases_size(), 1);
  EXPECT_EQ(overdue->cases(0).case_id(), "E-LATE");
  request.set_region_code("440604");
  EXPECT_EQ(service("gd")->Overdue(analyst, request)->cases_size(), 0);
  request.set_region_code("");
  request.set_dimension(v1::DIMENSION_SAFETY);
  EXPECT_EQ(service("gd")->Overdue(analyst, request)->cases_size(), 0);
  // GetCase says so too.
  v1::GetCaseRequest get;
  get.set_case_id("E-LATE");
  EXPECT_TRUE(service("gd")->Get(analyst, get)->overdue());
  // A county inspector cannot list the province.
  request.set_region_code("440000");
  EXPECT_EQ(service("sd")->Overdue(inspector, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Ordered closed, its deadline no longer runs: it leaves the list (and the index behind it).
  ASSERT_TRUE(
      service("sd")->Advance(inspector, Step("E-LATE", v1::CASE_STATE_ORDERED_CLOSED)).ok());
  ASSERT_TRUE(
      WaitUntil([&] { return CaseIn(cluster_, "gd", "E-LATE", v1::CASE_STATE_ORDERED_CLOSED); },
                kWaitBound, "the closing order reaches the province"));
  request.set_region_code("440600");
  request.set_dimension(v1::DIMENSION_UNSPECIFIED);
  EXPECT_EQ(service("gd")->Overdue(analyst, request)->cases_size(), 0);
  std::vector<std::string> indexed;
  ASSERT_TRUE(cluster_.node("gd")
                  ->store()
                  ->ScanIndex(domain::kOpenDeadlineIndex,
                              [&](std::string_view, std::string_view key) {
                                indexed.emplace_back(key);
                                return true;
                              })
                  .ok());
  EXPECT_EQ(indexed, std::vector<std::string>{"case/E-NEW"});
}

// A deadline is a day in China time, inclusive (case_machine.h), through the public API with
// the values a client sends: the shown deadline plus 3 months is the longest extension, and a
// case is overdue from the day after its deadline day.
class DeadlineDayTest : public ::testing::Test {
 protected:
  static absl::Time Cst(int y, int m, int d, int hh = 0, int mm = 0) {
    return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), domain::ChinaTimeZone());
  }
  void SetUp() override {
    ASSERT_TRUE(cluster_.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "").ok());
    stub_ = v1::Enforcement::NewStub(
        grpc::CreateChannel(cluster_.address("sd"), grpc::InsecureChannelCredentials()));
  }
  grpc::Status Call(const v1::AdvanceCaseRequest& r, v1::CaseResponse* out) {
    grpc::ClientContext context;
    context.AddMetadata(auth::kInsecureIdentityHeader, who_);
    return stub_->AdvanceCase(&context, r, out);
  }

  FakeClock clock_{Cst(2026, 12, 7, 10)};
  testutil::TempDir dir_;
  InProcessCluster cluster_{dir_.path(), &clock_};
  std::unique_ptr<v1::Enforcement::Stub> stub_;
  const std::string who_ = Dept(v1::DEPARTMENT_MIIT, "440606").CommonName();
  std::string who_q_;
};

TEST_F(DeadlineDayTest, ShownDeadlinePlusThreeMonthsIsTheLongestExtension) {
  v1::CaseResponse response;
  {
    grpc::ClientContext context;
    context.AddMetadata(auth::kInsecureIdentityHeader, who_);
    ASSERT_TRUE(stub_->OpenCase(&context, EnergyCase("E-D", "440606"), &response).ok());
  }
  // Put under rectification on 2026-12-07: the deadline is the day 2027-06-07.
  ASSERT_TRUE(Call(Step("E-D", v1::CASE_STATE_RECTIFYING), &response).ok());
  const v1::EnforcementCase& c = response.enforcement_case();
  EXPECT_EQ(c.deadline_day(), "2027-06-07");
  EXPECT_EQ(FromProto(c.deadline()), Cst(2027, 6, 7));  // 2027-06-07T00:00:00+08:00
  // The client adds 3 months to what it was shown.
  const absl::CivilDay shown = absl::ToCivilDay(FromProto(c.deadline()), domain::ChinaTimeZone());
  const absl::CivilDay plus3(shown.year(), shown.month() + 3, shown.day());
  v1::AdvanceCaseRequest extend = Step("E-D", v1::CASE_STATE_EXTENDED);
  *extend.mutable_deadline() = ToProto(absl::FromCivil(plus3 + 1, domain::ChinaTimeZone()));
  grpc::Status refused = Call(extend, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("deadline: an extension may last at most 3 months after the current "
                        "deadline 2027-06-07, so end on 2027-09-07 at the latest; asked for "
                        "2027-09-08"));
  extend.clear_deadline();
  extend.set_deadline_day("2027-09-08");
  EXPECT_EQ(Call(extend, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Both forms naming different days are refused, naming both.
  *extend.mutable_deadline() = ToProto(absl::FromCivil(plus3, domain::ChinaTimeZone()));
  grpc::Status disagree = Call(extend, &response);
  EXPECT_EQ(disagree.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(disagree.error_message(), HasSubstr("deadline_day names 2027-09-08"));
  // Exactly 3 months, as an instant of that day (any hour) or as the day: accepted.
  extend.clear_deadline_day();
  *extend.mutable_deadline() =
      ToProto(absl::FromCivil(plus3, domain::ChinaTimeZone()) + absl::Hours(23));
  grpc::Status ok = Call(extend, &response);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(response.enforcement_case().deadline_day(), "2027-09-07");
  EXPECT_EQ(FromProto(response.enforcement_case().deadline()), Cst(2027, 9, 7));
  EXPECT_EQ(response.enforcement_case().history(2).deadline_day(), "2027-09-07");

  // Overdue from the day after the deadline day, in GetCase and ListOverdue.
  auto overdue = [&] {
    v1::ListOverdueRequest request;
    request.set_region_code("440606");
    v1::ListOverdueResponse listed;
    grpc::ClientContext context;
    context.AddMetadata(auth::kInsecureIdentityHeader, who_);
    EXPECT_TRUE(stub_->ListOverdue(&context, request, &listed).ok());
    v1::GetCaseRequest get;
    get.set_case_id("E-D");
    grpc::ClientContext context2;
    context2.AddMetadata(auth::kInsecureIdentityHeader, who_);
    v1::CaseResponse got;
    EXPECT_TRUE(stub_->GetCase(&context2, get, &got).ok());
    EXPECT_EQ(got.overdue(), listed.cases_size() == 1);
    return got.overdue();
  };
  clock_.Set(Cst(2027, 9, 7, 23, 59));
  EXPECT_FALSE(overdue());
  clock_.Set(Cst(2027, 9, 8));
  EXPECT_TRUE(overdue());
}

TEST_F(DeadlineDayTest, QualityDeadlineTodayIsTheEarliest) {
  v1::OpenCaseRequest open = EnergyCase("Q-D", "440606");
  open.set_dimension(v1::DIMENSION_QUALITY);
  who_q_ = Dept(v1::DEPARTMENT_SAMR, "440606").CommonName();
  v1::CaseResponse response;
  {
    grpc::ClientContext context;
    context.AddMetadata(auth::kInsecureIdentityHeader, who_q_);
    ASSERT_TRUE(stub_->OpenCase(&context, open, &response).ok());
  }
  auto suspend = [&](const std::string& day) {
    v1::AdvanceCaseRequest r = Step("Q-D", v1::CASE_STATE_SUSPENDED);
    r.set_deadline_day(day);
    grpc::ClientContext context;
    context.AddMetadata(auth::kInsecureIdentityHeader, who_q_);
    return stub_->AdvanceCase(&context, r, &response);
  };
  grpc::Status past = suspend("2026-12-06");
  EXPECT_EQ(past.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(past.error_message(), HasSubstr("2026-12-06 is already past"));
  ASSERT_TRUE(suspend("2026-12-07").ok());
  EXPECT_EQ(response.enforcement_case().deadline_day(), "2026-12-07");
  EXPECT_FALSE(response.overdue());
}

// True if any byte sequence the node holds in its exchanged store (records and the whole change
// log) contains `needle`.
bool StoreContains(InProcessCluster& cluster, const std::string& node, const std::string& needle) {
  bool found = false;
  store::Store* store = cluster.node(node)->store();
  EXPECT_TRUE(store
                  ->ScanRecords("",
                                [&](std::string_view, const v1::StoredRecord& stored) {
                                  if (absl::StrContains(stored.SerializeAsString(), needle)) {
                                    found = true;
                                  }
                                  return true;
                                })
                  .ok());
  auto log = store->ReadLog(store->FirstLogSeq(), 1000000, 1 << 30);
  EXPECT_TRUE(log.ok());
  if (log.ok()) {
    for (const v1::Change& change : *log) {
      if (absl::StrContains(change.SerializeAsString(), needle)) found = true;
    }
  }
  return found;
}

TEST_F(EnforcementServiceTest, InformantDataNeverLeavesItsNode) {
  const auth::Identity hotline = Dept(v1::DEPARTMENT_MIIT, "440606", "hotline");
  v1::SubmitTipOffRequest request;
  request.set_tip_off_id("T-12345-0001");
  request.set_channel(v1::TIP_OFF_CHANNEL_12345);
  request.set_content("某厂夜间偷开已封存的中频炉 (synthetic)");
  request.set_region_code("440606");
  request.mutable_informant()->set_name("举报人甲");
  request.mutable_informant()->set_phone("13800138000");
  auto submitted = service("sd")->SubmitTip(hotline, request);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_TRUE(submitted->tip_off().has_informant());
  EXPECT_EQ(submitted->tip_off().received_by_node(), "sd");
  EXPECT_EQ(submitted->tip_off().responsible(), v1::DEPARTMENT_MIIT);
  EXPECT_EQ(submitted->tip_off().outcome(), v1::TIP_OFF_OUTCOME_PENDING);

  // The tip-off itself flows up.
  ASSERT_TRUE(WaitUntil([&] { return cluster_.LiveAt("gd", "tip/T-12345-0001"); }, kWaitBound,
                        "the tip-off reaches the province"));
  // The informant is nowhere in the exchanged data, at any node, not even the receiving one.
  for (const std::string node : {"sd", "fs", "gd"}) {
    EXPECT_FALSE(StoreContains(cluster_, node, "13800138000")) << node;
    EXPECT_FALSE(StoreContains(cluster_, node, "举报人甲")) << node;
  }
  // The receiving node gives it to its own people; the province has nothing to give.
  v1::GetTipOffRequest get;
  get.set_tip_off_id("T-12345-0001");
  auto here = service("sd")->GetTip(hotline, get);
  ASSERT_TRUE(here.ok()) << here.status();
  EXPECT_EQ(here->informant().phone(), "13800138000");
  auto above = service("gd")->GetTip(Dept(v1::DEPARTMENT_MIIT, "440000", "analyst"), get);
  ASSERT_TRUE(above.ok()) << above.status();
  EXPECT_TRUE(above->tip_off().has_informant());
  EXPECT_FALSE(above->has_informant());
  // It is in the receiving node's store, as node-local data only; no other node has it.
  auto local = ReadInformant(*cluster_.node("sd")->store(), "T-12345-0001");
  ASSERT_TRUE(local.ok()) << local.status();
  ASSERT_TRUE(local->has_value());
  EXPECT_EQ((*local)->phone(), "13800138000");
  for (const std::string node : {"fs", "gd"}) {
    auto elsewhere = ReadInformant(*cluster_.node(node)->store(), "T-12345-0001");
    ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
    EXPECT_FALSE(elsewhere->has_value()) << node;
  }
  // And survives a restart of the node.
  cluster_.Stop("sd");
  ASSERT_TRUE(cluster_.Restart("sd").ok());
  EXPECT_EQ(service("sd")->GetTip(hotline, get)->informant().name(), "举报人甲");
  // No node keeps a second database beside its store.
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_FALSE(absl::EndsWith(entry.path().filename().string(), "-informants")) << entry.path();
  }
}

TEST_F(EnforcementServiceTest, TipOffRoutedDownVerifiedAndLinkedToItsCase) {
  // The enterprise is registered at the county; the province learns of it.
  v1::Record enterprise = testutil::MakeEnterprise("440606", 77);
  const std::string code = enterprise.enterprise().credit_code();
  ASSERT_TRUE(cluster_.Write("sd", {enterprise}).ok());
  ASSERT_TRUE(WaitUntil([&] { return cluster_.LiveAt("gd", absl::StrCat("ent/", code)); },
                        kWaitBound, "the enterprise reaches the province"));
  // The provincial platform takes a call naming the enterprise (the caller named no region
  // precisely): routed to the plant's county and, as a safety matter, to MEM.
  v1::SubmitTipOffRequest request;
  request.set_tip_off_id("T-PROV-0001");
  request.set_channel(v1::TIP_OFF_CHANNEL_PROVINCIAL_PLATFORM);
  request.set_content("窑炉车间安全隐患 (synthetic)");
  request.set_region_code("440600");
  request.set_credit_code(code);
  request.set_dimension(v1::DIMENSION_SAFETY);
  auto submitted =
      service("gd")->SubmitTip(Dept(v1::DEPARTMENT_MIIT, "440000", "platform"), request);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->tip_off().region_code(), "440606");
  EXPECT_EQ(submitted->tip_off().responsible(), v1::DEPARTMENT_MEM);
  EXPECT_FALSE(submitted->tip_off().has_informant());
  // It reaches the county.
  ASSERT_TRUE(WaitUntil([&] { return cluster_.LiveAt("sd", "tip/T-PROV-0001"); }, kWaitBound,
                        "the routed tip-off reaches the county"));
  // The county's MEM inspector opens a case and records the verification.
  const auth::Identity mem = Dept(v1::DEPARTMENT_MEM, "440606");
  v1::OpenCaseRequest open = EnergyCase("S-77", "440606");
  open.set_credit_code(code);
  open.set_dimension(v1::DIMENSION_SAFETY);
  ASSERT_TRUE(service("sd")->Open(mem, open).ok());
  v1::VerifyTipOffRequest verify;
  verify.set_tip_off_id("T-PROV-0001");
  verify.set_outcome(v1::TIP_OFF_OUTCOME_CONFIRMED);
  verify.set_case_id("S-77");
  verify.set_note("现场核实属实");
  // Another department may not record it; a case that does not exist cannot be linked.
  EXPECT_EQ(service("sd")->VerifyTip(Dept(v1::DEPARTMENT_ECO, "440606"), verify).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::VerifyTipOffRequest missing = verify;
  missing.set_case_id("S-404");
  EXPECT_EQ(service("sd")->VerifyTip(mem, missing).status().code(), absl::StatusCode::kNotFound);
  auto verified = service("sd")->VerifyTip(mem, verify);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->tip_off().verified_by(), mem.CommonName());
  // The outcome flows up.
  ASSERT_TRUE(WaitUntil(
      [&] {
        return cluster_.LiveAt("gd", "tip/T-PROV-0001", [](const v1::Record& r) {
          return r.tip_off().outcome() == v1::TIP_OFF_OUTCOME_CONFIRMED &&
                 r.tip_off().case_id() == "S-77";
        });
      },
      kWaitBound, "the verified outcome reaches the province"));
}

TEST_F(EnforcementServiceTest, ExportsDisclosureListsFromStoredCases) {
  const auth::Identity inspector = Dept(v1::DEPARTMENT_MIIT, "440606");
  ASSERT_TRUE(service("sd")->Open(inspector, EnergyCase("E-10", "440606")).ok());
  ASSERT_TRUE(service("sd")->Advance(inspector, Step("E-10", v1::CASE_STATE_RECTIFYING)).ok());
  // A Guangzhou case under rectification too, written at the province: not Foshan's list.
  ASSERT_TRUE(
      service("gd")->Open(Dept(v1::DEPARTMENT_MIIT, "440000"), EnergyCase("E-GZ", "440100")).ok());
  ASSERT_TRUE(
      service("gd")
          ->Advance(Dept(v1::DEPARTMENT_MIIT, "440000"), Step("E-GZ", v1::CASE_STATE_RECTIFYING))
          .ok());
  // The enterprise's registered name is what the list shows.
  {
    v1::Record record;
    v1::Enterprise* e = record.mutable_enterprise();
    e->set_credit_code(Code("440606", "TH000101"));
    e->set_name("合成示例陶瓷厂 (synthetic)");
    e->set_region_code("440606");
    e->add_industries(v1::INDUSTRY_CERAMICS);
    e->set_status(v1::OPERATING_STATUS_OPERATING);
    v1::Author author;
    author.set_node_id("gd");
    author.set_region_code("440000");
    ASSERT_TRUE(cluster_.node("gd")
                    ->store()
                    ->Write({{absl::StrCat("ent/", e->credit_code()), author, record}})
                    .ok());
  }
  ASSERT_TRUE(WaitUntil([&] { return CaseIn(cluster_, "gd", "E-10", v1::CASE_STATE_RECTIFYING); },
                        kWaitBound, "the case reaches the province"));
  v1::ExportDisclosureRequest request;
  request.set_list(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE);
  request.set_region_code("440600");
  request.set_format(v1::EXPORT_FORMAT_CSV);
  auto csv = service("gd")->Export(Dept(v1::DEPARTMENT_MIIT, "440000", "clerk"), request);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->rows(), 1u);
  EXPECT_TRUE(absl::StartsWith(csv->content(), "\xEF\xBB\xBF"));
  EXPECT_THAT(csv->content(), HasSubstr("E-10"));
  EXPECT_THAT(csv->content(), HasSubstr("顺德区"));
  EXPECT_THAT(csv->content(), HasSubstr("合成示例陶瓷厂 (synthetic)"));
  EXPECT_THAT(csv->content(), Not(HasSubstr("E-GZ")));
  request.set_region_code("440000");
  EXPECT_EQ(service("gd")->Export(Dept(v1::DEPARTMENT_MIIT, "440000", "clerk"), request)->rows(),
            2u);
  request.set_region_code("440600");
  EXPECT_THAT(csv->file_name(), HasSubstr("rectification_deadline_440600_"));
  request.set_format(v1::EXPORT_FORMAT_XLSX);
  auto xlsx = service("gd")->Export(Dept(v1::DEPARTMENT_MIIT, "440000", "clerk"), request);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_TRUE(absl::StartsWith(xlsx->content(), "PK"));
  request.set_list(v1::DISCLOSURE_LIST_CLOSED_BY_LAW);
  EXPECT_EQ(service("gd")->Export(Dept(v1::DEPARTMENT_MIIT, "440000", "clerk"), request)->rows(),
            0u);

  // The coal-boiler list is made of ECO's list entries of that kind.
  {
    v1::Record record;
    v1::ListEntry* l = record.mutable_list_entry();
    l->set_submission_id("eco-coal-1");
    l->set_department(v1::DEPARTMENT_ECO);
    l->set_dimension(v1::DIMENSION_ENVIRONMENT);
    l->set_kind(v1::LIST_KIND_COAL_BOILER_EXIT);
    l->set_round_id("R-1");
    l->set_credit_code(Code("440606", "TH000101"));
    l->set_enterprise_name("as ECO wrote it");
    l->set_region_code("440606");
    l->set_industry(v1::INDUSTRY_CERAMICS);
    l->set_reason("10蒸吨/小时以下燃煤锅炉 (synthetic)");
    l->set_reported_status(v1::OPERATING_STATUS_CLOSED);
    v1::Author author;
    author.set_node_id("gd");
    author.set_region_code("440000");
    author.set_department(v1::DEPARTMENT_ECO);
    ASSERT_TRUE(
        cluster_.node("gd")->store()->Write({{domain::RecordKey(record), author, record}}).ok());
  }
  request.set_list(v1::DISCLOSURE_LIST_COAL_BOILER_EXIT);
  request.set_format(v1::EXPORT_FORMAT_CSV);
  auto coal = service("gd")->Export(Dept(v1::DEPARTMENT_MIIT, "440000", "clerk"), request);
  ASSERT_TRUE(coal.ok()) << coal.status();
  EXPECT_EQ(coal->rows(), 1u);
  EXPECT_THAT(coal->content(), HasSubstr("合成示例陶瓷厂 (synthetic)"));
  EXPECT_THAT(coal->content(), HasSubstr("燃煤锅炉"));
  request.set_region_code("440100");
  EXPECT_EQ(service("gd")->Export(Dept(v1::DEPARTMENT_MIIT, "440000", "clerk"), request)->rows(),
            0u);
}

// One county node's EnforcementService over a store on a disk that fails on demand, without a
// cluster: a tip-off and its informant are one Store::Write, so one WriteBatch.
class TipOffStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::Store::Options o;
    o.path = dir_.Sub("sd");
    o.node_id = "sd";
    o.region_code = "440606";
    o.clock = &clock_;
    o.hooks = &hooks_;
    o.block_cache_mb = 8;
    o.env = faulty_.env.get();
    auto opened = store::Store::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
    auth::NodeContext options;
    options.node_id = "sd";
    options.region_code = "440606";
    options.clock = &clock_;
    service_ = std::make_unique<EnforcementService>(options, store_.get());
  }
  // The service and the store must go before faulty_ (the store's Env).
  void TearDown() override {
    service_.reset();
    store_.reset();
  }

  static v1::SubmitTipOffRequest Tip(const std::string& id) {
    v1::SubmitTipOffRequest request;
    request.set_tip_off_id(id);
    request.set_channel(v1::TIP_OFF_CHANNEL_12345);
    request.set_content("夜间偷排 (synthetic)");
    request.set_region_code("440606");
    request.mutable_informant()->set_name("举报人乙");
    request.mutable_informant()->set_phone("13900139000");
    return request;
  }

  std::optional<v1::Informant> Informant(const store::Store& store, const std::string& id) {
    auto informant = ReadInformant(store, id);
    EXPECT_TRUE(informant.ok()) << informant.status();
    return informant.ok() ? *informant : std::nullopt;
  }

  const auth::Identity hotline_ = Dept(v1::DEPARTMENT_MIIT, "440606", "hotline");
  testutil::TempDir dir_;
  FakeClock clock_;
  node::NodeHooks hooks_;
  testutil::FaultyEnv faulty_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<EnforcementService> service_;
};

TEST_F(TipOffStorageTest, TipOffAndInformantAreCommittedTogetherOrNotAtAll) {
  faulty_.fs->FailWrites(true);
  auto failed = service_->SubmitTip(hotline_, Tip("T-FAIL-0001"));
  faulty_.fs->FailWrites(false);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_GT(faulty_.fs->injected(), 0);
  // Neither the tip-off nor its informant: no orphan informant, no tip-off without one.
  EXPECT_EQ(store_->LastSeq(), 0u);
  auto tip = store_->Get("tip/T-FAIL-0001");
  ASSERT_TRUE(tip.ok()) << tip.status();
  EXPECT_FALSE(tip->has_value());
  EXPECT_FALSE(Informant(*store_, "T-FAIL-0001").has_value());

  // The disk heals: the same tip-off is taken whole (not "already exists").
  auto submitted = service_->SubmitTip(hotline_, Tip("T-FAIL-0001"));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->informant().phone(), "13900139000");
  EXPECT_EQ(store_->LastSeq(), 1u);
  v1::GetTipOffRequest get;
  get.set_tip_off_id("T-FAIL-0001");
  auto read = service_->GetTip(hotline_, get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->tip_off().has_informant());
  EXPECT_EQ(read->informant().name(), "举报人乙");
  // The only log entry is the tip-off, and it does not carry the informant.
  auto log = store_->ReadLog(1, 100, 1 << 20);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->size(), 1u);
  EXPECT_FALSE(absl::StrContains((*log)[0].SerializeAsString(), "13900139000"));
}

TEST_F(TipOffStorageTest, InformantIsInTheStoreCheckpoint) {
  ASSERT_TRUE(service_->SubmitTip(hotline_, Tip("T-BAK-0001")).ok());
  const std::string backup = dir_.Sub("backup");
  ASSERT_TRUE(store_->Checkpoint(backup).ok());
  store::Store::Options o;
  o.node_id = "sd";
  o.region_code = "440606";
  o.clock = &clock_;
  o.hooks = &hooks_;
  o.block_cache_mb = 8;
  auto restored = store::Store::OpenFromBackup(backup, dir_.Sub("restored"), o);
  ASSERT_TRUE(restored.ok()) << restored.status();
  auto informant = Informant(**restored, "T-BAK-0001");
  ASSERT_TRUE(informant.has_value());
  EXPECT_EQ(informant->phone(), "13900139000");
  EXPECT_EQ(informant->tip_off_id(), "T-BAK-0001");
}

}  // namespace
}  // namespace tierhub::enforcement
