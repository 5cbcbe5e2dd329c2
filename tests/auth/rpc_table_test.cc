// Every RPC of every tierhub service × identity kinds × inside / outside the region, against a
// real tree of nodes (province gd 440000 → Foshan fs 440600 → Shunde sd 440606; real gRPC
// servers on loopback, identities from the development header). Each call is made through
// gRPC's generic stub, so unary and streaming RPCs are called alike. "A" means the call gets
// past authorization (any answer but PERMISSION_DENIED / UNAUTHENTICATED), "D" that it is
// refused with PERMISSION_DENIED before anything else (also before validation). An RPC of a
// tierhub.v1 service without a row fails the test.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/auth/identity.h"
#include "services/common/time_proto.h"
#include "services/domain/record_key.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/push.h"
#include "tests/testutil/records.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/admin.grpc.pb.h"
#include "tierhub/v1/coordinator.grpc.pb.h"
#include "tierhub/v1/electricity.grpc.pb.h"
#include "tierhub/v1/enforcement.grpc.pb.h"
#include "tierhub/v1/exchange.grpc.pb.h"
#include "tierhub/v1/plans.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::auth {
namespace {

using google::protobuf::Message;

// Sends `requests` on method `method` as `identity` and returns the call's status.
grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const std::vector<std::string>& requests, const std::string& identity) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.AddMetadata(kInsecureIdentityHeader, identity);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto call = stub.PrepareCall(&context, method, &cq);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](int id) {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(tag, reinterpret_cast<void*>(id));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  bool open = step(1);
  for (const std::string& bytes : requests) {
    if (!open) break;
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, reinterpret_cast<void*>(2));
    open = step(2);
  }
  if (open) {
    call->WritesDone(reinterpret_cast<void*>(3));
    step(3);
  }
  for (;;) {
    grpc::ByteBuffer response;
    call->Read(&response, reinterpret_cast<void*>(4));
    if (!step(4)) break;
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

std::string Bytes(const Message& m) { return m.SerializeAsString(); }

// A row: one RPC at one node, with the expected answer for each caller.
struct Row {
  std::string method;  // "tierhub.v1.Registry/WriteRecords"
  std::string node;    // gd, fs or sd
  // The stream of requests the caller sends (one for unary RPCs), given the caller's identity.
  std::function<std::vector<std::string>(const Identity&)> requests;
  std::vector<std::pair<std::string, char>> callers;  // common name, 'A' or 'D'
};

// The seven standard callers of a row at `node` with `expect` (one letter each): the node's own
// system, its parent's node, a sibling's node, a MIIT clerk of the node's region and of a
// sibling region, an operator of the node's region and of a sibling region.
std::vector<std::pair<std::string, char>> Standard(const std::string& node,
                                                   const std::string& expect) {
  static const std::map<std::string, std::vector<std::string>> kCallers = {
      {"sd",
       {"node:440606:sd", "node:440600:fs", "node:440605:nh", "dept:MIIT:440606:clerk",
        "dept:MIIT:440605:clerk", "ops:440606:oncall", "ops:440605:oncall"}},
      {"fs",
       {"node:440600:fs", "node:440000:gd", "node:441900:dg", "dept:MIIT:440600:clerk",
        "dept:MIIT:441900:clerk", "ops:440600:oncall", "ops:441900:oncall"}},
      {"gd",
       {"node:440000:gd", "node:440600:fs", "node:440606:sd", "dept:MIIT:440000:clerk",
        "dept:MIIT:440600:clerk", "ops:440000:oncall", "ops:440600:oncall"}},
  };
  const std::vector<std::string>& names = kCallers.at(node);
  EXPECT_EQ(expect.size(), names.size()) << expect;
  std::vector<std::pair<std::string, char>> out;
  for (size_t i = 0; i < names.size() && i < expect.size(); ++i)
    out.push_back({names[i], expect[i]});
  return out;
}

template <typename M>
std::function<std::vector<std::string>(const Identity&)> One(M message) {
  return [message](const Identity&) { return std::vector<std::string>{Bytes(message)}; };
}

class RpcTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
    ASSERT_TRUE(cluster_.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
    ASSERT_TRUE(cluster_.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
    enterprise_ = testutil::MakeEnterprise("440606", 1);
    ASSERT_TRUE(cluster_.Write("sd", {enterprise_}).ok());
    for (const char* node : {"gd", "fs", "sd"}) {
      channels_[node] =
          grpc::CreateChannel(cluster_.address(node), grpc::InsecureChannelCredentials());
    }
    // A case and a tip-off at Shunde, so that reads by id find something to refuse.
    v1::OpenCaseRequest open = OpenCase();
    ASSERT_TRUE(CallRaw(channels_["sd"], "/tierhub.v1.Enforcement/OpenCase", {Bytes(open)},
                        "node:440606:sd")
                    .ok());
    ASSERT_TRUE(CallRaw(channels_["sd"], "/tierhub.v1.Enforcement/SubmitTipOff", {Bytes(TipOff())},
                        "node:440606:sd")
                    .ok());
  }

  std::string credit_code() const { return enterprise_.enterprise().credit_code(); }

  v1::OpenCaseRequest OpenCase() const {
    v1::OpenCaseRequest r;
    r.set_case_id("sd-1");
    r.set_credit_code(credit_code());
    r.set_region_code("440606");
    r.set_industry(v1::INDUSTRY_CERAMICS);
    r.set_dimension(v1::DIMENSION_ENERGY);
    r.set_finding("synthetic finding");
    r.set_rule_ref("GB 21252-2013");
    r.set_evidence_ref("JC-1");
    return r;
  }

  v1::SubmitTipOffRequest TipOff() const {
    v1::SubmitTipOffRequest r;
    r.set_tip_off_id("tip-1");
    r.set_channel(v1::TIP_OFF_CHANNEL_12345);
    r.set_content("synthetic tip-off");
    r.set_region_code("440606");
    r.set_credit_code(credit_code());
    r.set_dimension(v1::DIMENSION_ENVIRONMENT);
    r.mutable_informant()->set_name("synthetic informant");
    return r;
  }

  std::vector<Row> Table() const;

  testutil::TempDir dir_;
  testutil::InProcessCluster cluster_{dir_.path()};
  v1::Record enterprise_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

std::vector<Row> RpcTableTest::Table() const {
  const std::string code = credit_code();
  // Reads of a region: the node's own system, clerks and operators inside it.
  const std::string kRegionRead = "ADDADAD";
  // Writes of a case, a tip-off or readings in the region: the node's system and the clerk.
  const std::string kRegionWrite = "ADDADDD";
  const std::string kExchangeView = "AADDDAD";
  const std::string kAdmin = "DDDDDAD";
  std::vector<Row> rows;
  auto add = [&](std::string method, std::string node, auto requests, std::string expect) {
    rows.push_back({std::move(method), node, requests, Standard(node, expect)});
  };

  // ---- Admin ----
  v1::BackupRequest backup;
  backup.set_dir("b1");
  add("tierhub.v1.Admin/Backup", "sd", One(backup), kAdmin);
  add("tierhub.v1.Admin/ApplyRetention", "sd", One(v1::ApplyRetentionRequest()), kAdmin);

  // ---- Coordinator ----
  v1::GetProgressRequest progress;
  progress.set_region_code("440606");
  add("tierhub.v1.Coordinator/GetProgress", "sd", One(progress), kRegionRead);
  v1::GetMergedViewRequest merged;
  merged.set_credit_code(code);
  // No merged view exists at a county: inside callers get NOT_FOUND; peers are refused first.
  add("tierhub.v1.Coordinator/GetMergedView", "sd", One(merged), "ADDAAAA");
  v1::ListContradictionsRequest contradictions;
  contradictions.set_region_code("440606");
  add("tierhub.v1.Coordinator/ListContradictions", "sd", One(contradictions), kRegionRead);
  v1::GetRoundStatusRequest round_status;
  round_status.set_round_id("2019-Q2");
  round_status.set_region_code("440606");
  add("tierhub.v1.Coordinator/GetRoundStatus", "sd", One(round_status), kRegionRead);

  // ---- ElectricityWatch ----
  v1::ImportReadingsChunk readings;
  readings.mutable_header()->set_import_id("imp-1");
  readings.mutable_header()->set_region_code("440606");
  add("tierhub.v1.ElectricityWatch/ImportReadings", "sd", One(readings), kRegionWrite);
  v1::ListAlertsRequest alerts;
  alerts.set_region_code("440606");
  add("tierhub.v1.ElectricityWatch/ListAlerts", "sd", One(alerts), kRegionRead);
  v1::RecheckReadingsRequest recheck;
  recheck.set_region_code("440606");
  add("tierhub.v1.ElectricityWatch/RecheckReadings", "sd", One(recheck), kRegionWrite);
  // No alert exists: inside writers get NOT_FOUND, the others are refused first.
  v1::UpdateAlertRequest update_alert;
  update_alert.set_credit_code(code);
  update_alert.set_month("2019-07");
  update_alert.set_action(v1::UpdateAlertRequest::ACTION_ACKNOWLEDGE);
  add("tierhub.v1.ElectricityWatch/UpdateAlert", "sd", One(update_alert), kRegionWrite);

  // ---- Enforcement ----
  v1::OpenCaseRequest open = OpenCase();
  open.set_case_id("sd-2");
  add("tierhub.v1.Enforcement/OpenCase", "sd", One(open), kRegionWrite);
  v1::AdvanceCaseRequest advance;
  advance.set_case_id("sd-1");
  advance.set_to_state(v1::CASE_STATE_RECTIFYING);
  advance.set_evidence_ref("ZG-1");
  add("tierhub.v1.Enforcement/AdvanceCase", "sd", One(advance), kRegionWrite);
  v1::GetCaseRequest get_case;
  get_case.set_case_id("sd-1");
  add("tierhub.v1.Enforcement/GetCase", "sd", One(get_case), kRegionRead);
  v1::ListOverdueRequest overdue;
  overdue.set_region_code("440606");
  add("tierhub.v1.Enforcement/ListOverdue", "sd", One(overdue), kRegionRead);
  v1::SubmitTipOffRequest tip = TipOff();
  tip.set_tip_off_id("tip-2");
  add("tierhub.v1.Enforcement/SubmitTipOff", "sd", One(tip), kRegionWrite);
  v1::VerifyTipOffRequest verify;
  verify.set_tip_off_id("tip-1");
  verify.set_outcome(v1::TIP_OFF_OUTCOME_UNFOUNDED);
  verify.set_note("synthetic");
  add("tierhub.v1.Enforcement/VerifyTipOff", "sd", One(verify), kRegionWrite);
  v1::GetTipOffRequest get_tip;
  get_tip.set_tip_off_id("tip-1");
  add("tierhub.v1.Enforcement/GetTipOff", "sd", One(get_tip), kRegionRead);
  v1::ExportDisclosureRequest disclosure;
  disclosure.set_list(v1::DISCLOSURE_LIST_RECTIFICATION_DEADLINE);
  disclosure.set_region_code("440606");
  disclosure.set_format(v1::EXPORT_FORMAT_CSV);
  add("tierhub.v1.Enforcement/ExportDisclosure", "sd", One(disclosure), kRegionRead);
  add("tierhub.v1.Enforcement/ExportDisclosureStream", "sd", One(disclosure), kRegionRead);

  // ---- Exchange: the child-facing calls take the direct child only ----
  auto as_child = [](auto make) {
    return [make](const Identity& caller) {
      return std::vector<std::string>{Bytes(make(caller.name, caller.region_code))};
    };
  };
  const std::vector<std::pair<std::string, char>> child_only = {
      {"node:440606:sd", 'A'},   {"node:440600:fs", 'D'},         {"node:441900:dg", 'D'},
      {"node:440000:gd", 'D'},   {"dept:MIIT:440606:clerk", 'D'}, {"ops:440600:oncall", 'D'},
      {"ops:440606:oncall", 'D'}};
  rows.push_back({"tierhub.v1.Exchange/Push", "fs",
                  as_child([](const std::string& id, const std::string& region) {
                    return testutil::HelloRequest(id, region);
                  }),
                  child_only});
  rows.push_back({"tierhub.v1.Exchange/Pull", "fs",
                  as_child([](const std::string& id, const std::string& region) {
                    v1::PullRequest r;
                    r.set_child_node_id(id);
                    r.set_child_region_code(region);
                    r.set_max_batch(1);
                    return r;
                  }),
                  child_only});
  rows.push_back({"tierhub.v1.Exchange/Snapshot", "fs",
                  as_child([](const std::string& id, const std::string& region) {
                    v1::SnapshotRequest r;
                    r.set_child_node_id(id);
                    r.set_child_region_code(region);
                    return r;
                  }),
                  child_only});
  add("tierhub.v1.Exchange/GetSyncStatus", "sd", One(v1::SyncStatusRequest()), kExchangeView);
  add("tierhub.v1.Exchange/GetDigest", "sd", One(v1::DigestRequest()), kExchangeView);
  add("tierhub.v1.Exchange/ListConflicts", "sd", One(v1::ListConflictsRequest()), kExchangeView);
  // Peers are refused; everyone else gets only what lies in their region (checked below).
  add("tierhub.v1.Exchange/ListRecords", "sd", One(v1::ListRecordsRequest()), "ADDAAAA");

  // ---- ActionPlans ----
  v1::GetPlanProgressRequest plan;
  plan.set_region_code("440600");
  plan.set_year(2019);
  add("tierhub.v1.ActionPlans/GetPlanProgress", "fs", One(plan), kRegionRead);
  v1::ExportSummaryRequest summary;
  summary.set_region_code("440600");
  summary.set_year(2019);
  summary.set_format(v1::EXPORT_FORMAT_CSV);
  add("tierhub.v1.ActionPlans/ExportSummary", "fs", One(summary), kRegionRead);

  // ---- Registry ----
  v1::WriteRecordsRequest write;
  *write.add_records() = testutil::MakeEnterprise("440606", 2);
  // The register is the node's own system's: no clerk, operator or other node writes it.
  add("tierhub.v1.Registry/WriteRecords", "sd", One(write), "ADDDDDD");
  add("tierhub.v1.Registry/WriteRecords", "gd", One(write), "ADDDDDD");
  v1::WriteRecordsRequest target;
  v1::CityTarget* t = target.add_records()->mutable_city_target();
  t->set_region_code("440600");
  t->set_year(2019);
  t->set_industry(v1::INDUSTRY_CERAMICS);
  t->set_dimension(v1::DIMENSION_TECHNOLOGY);
  t->set_enterprises_to_exit(1);
  t->add_responsible(v1::DEPARTMENT_MIIT);
  // Foshan's plan: Foshan's system and Foshan's MIIT write it (also at the province, where the
  // province's own system may too); the provincial MIIT receives it, it does not write it.
  add("tierhub.v1.Registry/WriteRecords", "fs", One(target), "ADDADDD");
  add("tierhub.v1.Registry/WriteRecords", "gd", One(target), "ADDDADD");
  v1::WriteRecordsRequest remove;
  remove.add_delete_keys(domain::RecordKey(enterprise_));
  // Deleting from the register: as writing it. The node's own system goes last (it deletes).
  std::vector<std::pair<std::string, char>> deleters = Standard("sd", "ADDDDDD");
  std::rotate(deleters.begin(), deleters.begin() + 1, deleters.end());
  rows.push_back({"tierhub.v1.Registry/WriteRecords", "sd", One(remove), deleters});
  v1::GetRecordRequest get_record;
  get_record.set_key(domain::RecordKey(enterprise_));
  add("tierhub.v1.Registry/GetRecord", "sd", One(get_record), kRegionRead);
  v1::SubmitListChunk submit;
  submit.mutable_header()->set_submission_id("s-1");
  submit.mutable_header()->set_kind(v1::LIST_KIND_ENERGY_INSPECTION);
  submit.mutable_header()->set_dimension(v1::DIMENSION_ENERGY);
  submit.mutable_header()->set_region_code("440606");
  // Lists are the departments': only a clerk of the region submits.
  add("tierhub.v1.Registry/SubmitList", "sd", One(submit), "DDDADDD");
  v1::WithdrawSubmissionRequest withdraw;
  withdraw.set_department(v1::DEPARTMENT_MIIT);
  withdraw.set_submission_id("s-1");
  add("tierhub.v1.Registry/WithdrawSubmission", "sd", One(withdraw), "DDDAADD");  // NOT_FOUND
  v1::GetSubmissionRequest get_submission;
  get_submission.set_department(v1::DEPARTMENT_MIIT);
  get_submission.set_submission_id("s-1");
  add("tierhub.v1.Registry/GetSubmission", "sd", One(get_submission), "ADDAAAA");
  v1::ListEntriesRequest entries;
  entries.set_region_code("440606");
  add("tierhub.v1.Registry/ListEntries", "sd", One(entries), kRegionRead);
  v1::PutRoundsRequest rounds;
  v1::SubmissionRound* round = rounds.add_rounds();
  round->set_round_id("R-1");
  // Rounds are the lead's at the top: MIIT of the province, refused first for everyone else
  // (the round itself is left empty, so validation would answer INVALID_ARGUMENT).
  add("tierhub.v1.Registry/PutRounds", "gd", One(rounds), "DDDADDD");
  add("tierhub.v1.Registry/PutRounds", "sd", One(rounds), "DDDDDDD");
  v1::CloseRoundRequest close;
  close.set_round_id("2019-Q2");
  add("tierhub.v1.Registry/CloseRound", "gd", One(close), "DDDADDD");
  add("tierhub.v1.Registry/CloseRound", "fs", One(close), "DDDDDDD");
  v1::GrantLateWaiverRequest waiver;
  waiver.set_round_id("2019-Q2");
  waiver.set_department(v1::DEPARTMENT_ECO);
  waiver.set_region_code("440606");
  add("tierhub.v1.Registry/GrantLateWaiver", "gd", One(waiver), "DDDADDD");
  add("tierhub.v1.Registry/ListRounds", "sd", One(v1::ListRoundsRequest()), "ADDAAAA");
  v1::ListEnterprisesRequest enterprises;
  enterprises.set_region_code("440606");
  add("tierhub.v1.Registry/ListEnterprises", "sd", One(enterprises), kRegionRead);
  v1::ListEquipmentRequest equipment;
  equipment.set_credit_code(code);
  // Filtered, not refused: callers outside the region get none of the enterprise's equipment.
  add("tierhub.v1.Registry/ListEquipment", "sd", One(equipment), "ADDAAAA");
  v1::RescreenEquipmentRequest rescreen;
  rescreen.set_region_code("440606");
  add("tierhub.v1.Registry/RescreenEquipment", "sd", One(rescreen), kRegionWrite);
  return rows;
}

TEST_F(RpcTableTest, EveryRpcAnswersEachIdentityAsTheTableSays) {
  int calls = 0;
  for (const Row& row : Table()) {
    for (const auto& [name, expect] : row.callers) {
      auto caller = ParseCommonName(name);
      ASSERT_TRUE(caller.ok()) << caller.status();
      const grpc::Status s =
          CallRaw(channels_.at(row.node), "/" + row.method, row.requests(*caller), name);
      ++calls;
      const bool refused = s.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                           s.error_code() == grpc::StatusCode::UNAUTHENTICATED;
      if (expect == 'A') {
        EXPECT_FALSE(refused) << row.method << " at " << row.node << " as " << name << ": "
                              << s.error_code() << " " << s.error_message();
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << row.method << " at " << row.node << " as " << name << ": " << s.error_code() << " "
            << s.error_message();
      }
    }
  }
  EXPECT_GT(calls, 250);
}

TEST_F(RpcTableTest, EveryRpcOfEveryServiceHasARow) {
  std::set<std::string> covered;
  for (const Row& row : Table()) covered.insert(row.method);
  int methods = 0;
  for (const auto& entry : std::filesystem::directory_iterator(TIERHUB_PROTO_DIR)) {
    if (entry.path().extension() != ".proto") continue;
    const std::string name = "tierhub/v1/" + entry.path().filename().string();
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    ASSERT_NE(file, nullptr) << name << " is not linked into this test: add its services' rows";
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        ++methods;
        const std::string method =
            absl::StrCat(service->full_name(), "/", service->method(m)->name());
        EXPECT_TRUE(covered.count(method)) << method << " has no row in the auth table";
      }
    }
  }
  EXPECT_EQ(methods, 41);  // all of today's RPCs were found
}

TEST_F(RpcTableTest, ListRecordsAndGetRecordAnswerOnlyInsideTheCallersRegion) {
  // Dongguan's enterprise at the province must not reach a Shunde operator or clerk.
  ASSERT_TRUE(cluster_.Write("gd", {testutil::MakeEnterprise("441900", 7)}).ok());
  auto count = [&](const std::string& identity) {
    auto stub = v1::Exchange::NewStub(channels_.at("gd"));
    grpc::ClientContext context;
    context.AddMetadata(kInsecureIdentityHeader, identity);
    v1::ListRecordsRequest request;
    request.set_key_prefix("ent/");
    auto reader = stub->ListRecords(&context, request);
    std::set<std::string> regions;
    v1::ListRecordsResponse chunk;
    while (reader->Read(&chunk)) {
      for (const auto& r : chunk.records())
        regions.insert(r.stored().record().enterprise().region_code());
    }
    EXPECT_TRUE(reader->Finish().ok()) << identity;
    return regions;
  };
  ASSERT_TRUE(testutil::WaitUntil(
      [&] { return testutil::Holds(count("ops:440000:oncall"), ::testing::Contains("440606")); },
      testutil::kWaitBound, "Shunde's enterprise reaches the province"));
  EXPECT_EQ(count("ops:440000:oncall"), (std::set<std::string>{"440606", "441900"}));
  EXPECT_EQ(count("ops:440606:oncall"), (std::set<std::string>{"440606"}));
  EXPECT_EQ(count("dept:ECO:440606:clerk"), (std::set<std::string>{"440606"}));
  EXPECT_TRUE(count("dept:ECO:441900:clerk").count("440606") == 0);
}

TEST_F(RpcTableTest, TheInformantReachesOnlyTheHandlingDepartmentAndTheNodesOperator) {
  auto informant_shown = [&](const std::string& identity) -> absl::StatusOr<bool> {
    auto stub = v1::Enforcement::NewStub(channels_.at("sd"));
    grpc::ClientContext context;
    context.AddMetadata(kInsecureIdentityHeader, identity);
    v1::GetTipOffRequest request;
    request.set_tip_off_id("tip-1");
    v1::TipOffResponse response;
    grpc::Status s = stub->GetTipOff(&context, request, &response);
    if (!s.ok())
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
    EXPECT_TRUE(response.tip_off().has_informant()) << "the tip-off says an informant exists";
    return response.has_informant();
  };
  EXPECT_EQ(informant_shown("dept:ECO:440606:clerk").value(), true);  // routed to ECO
  EXPECT_EQ(informant_shown("dept:ECO:440000:clerk").value(), true);
  EXPECT_EQ(informant_shown("ops:440606:oncall").value(), true);  // the node's own operator
  EXPECT_EQ(informant_shown("dept:MIIT:440000:clerk").value(), false);
  EXPECT_EQ(informant_shown("dept:SAMR:440606:clerk").value(), false);
  EXPECT_EQ(informant_shown("ops:440000:oncall").value(), false);
  EXPECT_EQ(informant_shown("node:440606:sd").value(), false);
  EXPECT_EQ(informant_shown("node:440600:fs").status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(informant_shown("node:440605:nh").status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace tierhub::auth
