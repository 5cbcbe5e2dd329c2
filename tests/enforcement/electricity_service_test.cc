// The ElectricityWatch service in an in-process cluster (province -> Foshan -> Shunde, and
// Guangzhou beside Foshan) on a fake clock: bad rows refused by row and field with nothing
// stored, retries replayed, alerts raised in the readings' own write for closed, sealed and
// power-cut enterprises above the threshold only, listed per region, synced up, and found
// again by a recheck when a closure becomes known after the readings.
#include "services/enforcement/electricity_service.h"

#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/common/time_proto.h"
#include "services/domain/case_machine.h"
#include "services/domain/credit_code.h"
#include "services/domain/electricity.h"
#include "services/domain/record_key.h"
#include "tests/testutil/in_process_cluster.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/wait.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::enforcement {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using testutil::Holds;
using testutil::InProcessCluster;
using testutil::kWaitBound;
using testutil::WaitUntil;

absl::Time Cst(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), domain::ChinaTimeZone());
}

auth::Identity Miit(const std::string& region, const std::string& user = "clerk") {
  auth::Identity id;
  id.kind = auth::Identity::Kind::kDepartment;
  id.department = v1::DEPARTMENT_MIIT;
  id.region_code = region;
  id.name = user;
  return id;
}

std::string Code(const std::string& region, const std::string& body) {
  return domain::MakeCreditCode('9', '1', region, body).value();
}

v1::Record Enterprise(const std::string& code, const std::string& region,
                      v1::OperatingStatus status) {
  v1::Record r;
  v1::Enterprise* e = r.mutable_enterprise();
  e->set_credit_code(code);
  e->set_name(absl::StrCat("合成示例钢厂 ", code.substr(8, 4), " (synthetic)"));
  e->set_region_code(region);
  e->add_industries(v1::INDUSTRY_STEEL);
  e->set_status(status);
  return r;
}

v1::ReadingRow Row(const std::string& code, const std::string& month, const std::string& account,
                   double kwh, const std::string& region = "", uint32_t source_row = 0) {
  v1::ReadingRow row;
  v1::ElectricityReading* r = row.mutable_reading();
  r->set_credit_code(code);
  r->set_month(month);
  r->set_account(account);
  r->set_kwh(kwh);
  r->set_region_code(region);
  row.set_source_row(source_row);
  return row;
}

// A Shunde steel plant's Table 5 technology case (an induction furnace, IF-1) or its
// environment case (serious excess emission), opened with `evidence`.
v1::OpenCaseRequest TechnologyCase(const std::string& id, const std::string& code,
                                   const std::string& evidence) {
  v1::OpenCaseRequest r;
  r.set_case_id(id);
  r.set_credit_code(code);
  r.set_region_code("440606");
  r.set_industry(v1::INDUSTRY_STEEL);
  r.set_dimension(v1::DIMENSION_TECHNOLOGY);
  r.set_finding("淘汰类设备 (synthetic)");
  r.set_rule_ref("T5-STEEL-1");
  r.set_equipment_id("IF-1");
  r.set_evidence_ref(evidence);
  return r;
}
v1::OpenCaseRequest EnvironmentCase(const std::string& id, const std::string& code,
                                    const std::string& evidence) {
  v1::OpenCaseRequest r = TechnologyCase(id, code, evidence);
  r.set_dimension(v1::DIMENSION_ENVIRONMENT);
  r.set_finding("超标排放情节严重 (synthetic)");
  r.set_rule_ref("GB 28662-2012");
  r.clear_equipment_id();
  return r;
}

// A step of case `id` to state `to`, or with a sealing step `sealing`, backed by `evidence`.
v1::AdvanceCaseRequest Step(const std::string& id, v1::CaseState to, const std::string& evidence,
                            const std::string& approving_authority = "") {
  v1::AdvanceCaseRequest r;
  r.set_case_id(id);
  r.set_to_state(to);
  r.set_evidence_ref(evidence);
  r.set_approving_authority(approving_authority);
  return r;
}
v1::AdvanceCaseRequest Step(const std::string& id, v1::SealingStep sealing,
                            const std::string& evidence) {
  v1::AdvanceCaseRequest r;
  r.set_case_id(id);
  r.set_sealing_step(sealing);
  r.set_evidence_ref(evidence);
  return r;
}

ImportReadingsCall Call(const std::string& import_id, std::vector<v1::ReadingRow> rows,
                        const std::string& region = "") {
  ImportReadingsCall call;
  call.header.set_import_id(import_id);
  call.header.set_region_code(region);
  call.header.set_source_file("gdpg.csv");
  call.rows = std::move(rows);
  return call;
}

class ElectricityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.Add("gd", v1::REGION_LEVEL_PROVINCE, "440000", "").ok());
    ASSERT_TRUE(cluster_.Add("fs", v1::REGION_LEVEL_CITY, "440600", "gd").ok());
    ASSERT_TRUE(cluster_.Add("sd", v1::REGION_LEVEL_COUNTY, "440606", "fs").ok());
    ASSERT_TRUE(cluster_.Add("gz", v1::REGION_LEVEL_CITY, "440100", "gd").ok());
  }
  ElectricityWatchService* watch(const std::string& node) {
    return cluster_.node(node)->electricity();
  }
  EnforcementService* cases(const std::string& node) { return cluster_.node(node)->enforcement(); }
  std::optional<v1::PowerAlert> StoredAlert(const std::string& node, const std::string& code,
                                            const std::string& month) {
    auto record = cluster_.node(node)->store()->GetLive(domain::PowerAlertKey(code, month));
    if (!record.ok() || !record->has_value() || !(*record)->has_power_alert()) return std::nullopt;
    return (*record)->power_alert();
  }
  std::vector<std::string> ListedMonths(const std::string& node, const auth::Identity& caller,
                                        const std::string& region = "") {
    v1::ListAlertsRequest request;
    request.set_region_code(region);
    auto listed = watch(node)->Alerts(caller, request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> out;
    if (!listed.ok()) return out;
    for (const auto& a : listed->alerts())
      out.push_back(absl::StrCat(a.credit_code(), "@", a.month()));
    return out;
  }

  testutil::TempDir dir_;
  FakeClock clock_{Cst(2019, 7, 10)};
  InProcessCluster cluster_{dir_.path(), &clock_};
};

TEST_F(ElectricityServiceTest, EveryBadRowIsRefusedNamingRowAndFieldAndNothingIsStored) {
  const std::string known = Code("440606", "TH000201");
  ASSERT_TRUE(
      cluster_.Write("sd", {Enterprise(known, "440606", v1::OPERATING_STATUS_CLOSED)}).ok());
  clock_.Set(Cst(2019, 10, 5));
  const uint64_t seq = cluster_.node("sd")->store()->LastSeq();
  ImportReadingsCall call =
      Call("bad-1",
           {Row(known, "2019-08", "0301", 5000, "", 2),
            Row("91440606MA3EDFR843", "2019-08", "0302", 10, "", 3),  // check character
            Row(known, "2019-13", "0303", 10, "", 4), Row(known, "2019-08", "0304", -5, "", 5),
            Row(known, "2019-08", "", 10, "", 6),
            Row(Code("440605", "TH000202"), "2019-08", "0306", 10, "440605", 7),  // Nanhai
            Row(known, "2019-08", "0301", 20, "", 8),                             // twice
            Row(known, "2019-11", "0308", 10, "", 9),                             // has not begun
            Row(Code("440606", "TH000203"), "2019-08", "0309", 10, "", 10),       // no region
            Row(known, "2019-08", "0310", 10, "440100", 11)},  // Guangzhou, record: Shunde
           "440606");
  auto refused = watch("sd")->Import(Miit("440606"), call);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(refused.status().message());
  for (const char* expected :
       {"9 problems, nothing stored", "row 3 credit_code:", "row 4 month:", "row 5 kwh:",
        "row 6 account:", "row 7 region_code: 440605 is outside the import's region 440606",
        "row 8 account: account 0301 of", "is already on row 2", "row 9 month: 2019-11",
        "row 10 region_code: is empty", "row 11 region_code: 440100 does not hold"}) {
    EXPECT_THAT(message, HasSubstr(expected));
  }
  EXPECT_THAT(message, ::testing::Not(HasSubstr("row 2 ")));
  EXPECT_EQ(cluster_.node("sd")->store()->LastSeq(), seq);
  EXPECT_FALSE(StoredAlert("sd", known, "2019-08").has_value());

  // A dry run returns every problem in the body, with its code, and stores nothing either.
  call.header.set_validate_only(true);
  auto dry = watch("sd")->Import(Miit("440606"), call);
  ASSERT_TRUE(dry.ok()) << dry.status();
  ASSERT_EQ(dry->errors_size(), 9);
  EXPECT_EQ(dry->errors(0).row(), 3u);
  EXPECT_EQ(dry->errors(0).field(), "credit_code");
  EXPECT_EQ(dry->errors(4).row(), 7u);
  EXPECT_EQ(dry->errors(4).code(), "PERMISSION_DENIED");
  EXPECT_EQ(cluster_.node("sd")->store()->LastSeq(), seq);

  // The header: an operator, a region outside the caller's, a bad id and threshold.
  auth::Identity ops;
  ops.kind = auth::Identity::Kind::kOperator;
  ops.region_code = "440606";
  ops.name = "op";
  EXPECT_EQ(watch("sd")->Import(ops, Call("x", {Row(known, "2019-08", "1", 1)})).status().code(),
            absl::StatusCode::kPermissionDenied);
  ImportReadingsCall header = Call("bad id", {Row(known, "2019-08", "1", 1)}, "440600");
  header.header.mutable_threshold_kwh()->set_value(-1);
  auto bad_header = watch("sd")->Import(Miit("440606"), header);
  EXPECT_THAT(bad_header.status().message(), HasSubstr("header.import_id"));
  EXPECT_THAT(bad_header.status().message(), HasSubstr("header.region_code"));
  EXPECT_THAT(bad_header.status().message(), HasSubstr("header.threshold_kwh"));
  EXPECT_EQ(cluster_.node("sd")->store()->LastSeq(), seq);
}

TEST_F(ElectricityServiceTest, ARetryIsReplayedAndOtherContentUnderTheSameIdIsRefused) {
  const std::string code = Code("440606", "TH000211");
  ASSERT_TRUE(cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_CLOSED)}).ok());
  clock_.Set(Cst(2019, 10, 5));
  const ImportReadingsCall call =
      Call("gdpg-201909", {Row(code, "2019-08", "0301", 5000), Row(code, "2019-09", "0301", 10)});
  auto first = watch("sd")->Import(Miit("440606"), call);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replayed());
  EXPECT_EQ(first->readings(), 2u);
  EXPECT_EQ(first->alerts_size(), 1);
  const uint64_t seq = cluster_.node("sd")->store()->LastSeq();

  clock_.Advance(absl::Hours(1));
  auto retry = watch("sd")->Import(Miit("440606"), call);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed());
  EXPECT_EQ(retry->readings(), 2u);
  EXPECT_EQ(retry->alerts_size(), 1);
  EXPECT_EQ(retry->imported_at().seconds(), first->imported_at().seconds());
  EXPECT_EQ(cluster_.node("sd")->store()->LastSeq(), seq);

  ImportReadingsCall changed = call;
  changed.rows[1].mutable_reading()->set_kwh(11);
  auto refused = watch("sd")->Import(Miit("440606"), changed);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("header.import_id: import gdpg-201909"));
  EXPECT_EQ(cluster_.node("sd")->store()->LastSeq(), seq);

  // A correction under a new id replaces the reading of the same account and month.
  auto corrected = watch("sd")->Import(Miit("440606"), Call("gdpg-201909-fix", changed.rows));
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->replaced(), 2u);
  EXPECT_EQ(corrected->alerts_size(), 0);  // the same alert stands; nothing new to say
}

TEST_F(ElectricityServiceTest, ClosedEnterpriseAlertsOnlyForMonthsAfterTheClosureMonth) {
  const std::string code = Code("440606", "TH000221");
  // Recorded closed on 2019-07-10.
  ASSERT_TRUE(cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_CLOSED)}).ok());
  clock_.Set(Cst(2019, 12, 2));
  auto imported = watch("sd")->Import(
      Miit("440606"),
      Call("i-221", {Row(code, "2019-06", "0301", 80000), Row(code, "2019-07", "0301", 80000),
                     Row(code, "2019-08", "0301", 80000)}));
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->alerts_size(), 1);
  EXPECT_FALSE(StoredAlert("sd", code, "2019-06").has_value());
  EXPECT_FALSE(StoredAlert("sd", code, "2019-07").has_value());
  auto alert = StoredAlert("sd", code, "2019-08");
  ASSERT_TRUE(alert.has_value());
  EXPECT_EQ(alert->reason(), v1::SHUTDOWN_REASON_ENTERPRISE_STATUS);
  EXPECT_EQ(alert->enterprise_status(), v1::OPERATING_STATUS_CLOSED);
  EXPECT_EQ(alert->kwh(), 80000);
  EXPECT_EQ(alert->threshold_kwh(), domain::kDefaultPowerAlertThresholdKwh);
  EXPECT_EQ(alert->region_code(), "440606");  // the enterprise record's region
  EXPECT_EQ(alert->import_id(), "i-221");
  EXPECT_EQ(alert->raised_by(), "dept:MIIT:440606:clerk");
  EXPECT_EQ(FromProto(alert->raised_at()), Cst(2019, 12, 2));
  // The reading and its alert were one write: the alert directly follows the last reading.
  auto reading =
      cluster_.node("sd")->store()->Get(domain::ElectricityReadingKey(code, "2019-08", "0301"));
  auto stored_alert = cluster_.node("sd")->store()->Get(domain::PowerAlertKey(code, "2019-08"));
  ASSERT_TRUE(reading.ok() && reading->has_value() && stored_alert.ok() &&
              stored_alert->has_value());
  EXPECT_EQ((*stored_alert)->seq(), (*reading)->seq() + 1);
  EXPECT_EQ((*reading)->record().electricity_reading().source_file(), "gdpg.csv");
}

TEST_F(ElectricityServiceTest, ACorrectedReadingAtOrBelowTheThresholdWithdrawsTheAlert) {
  const std::string code = Code("440606", "TH000231");
  ASSERT_TRUE(cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_CLOSED)}).ok());
  clock_.Set(Cst(2019, 12, 2));
  auto raised = watch("sd")->Import(
      Miit("440606"),
      Call("i-231", {Row(code, "2019-09", "0301", 700), Row(code, "2019-09", "0302", 52000)}));
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(raised->alerts_size(), 1);
  // The grid company corrects account 0302: the month is now 1000 kWh, the threshold itself.
  clock_.Set(Cst(2019, 12, 3));
  auto corrected =
      watch("sd")->Import(Miit("440606"), Call("i-232", {Row(code, "2019-09", "0302", 300)}));
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->alerts_size(), 0);
  ASSERT_EQ(corrected->withdrawn_alerts_size(), 1);
  auto alert = StoredAlert("sd", code, "2019-09");
  ASSERT_TRUE(alert.has_value());
  EXPECT_TRUE(alert->withdrawn());
  EXPECT_EQ(alert->withdrawn_by(), "dept:MIIT:440606:clerk");
  EXPECT_EQ(FromProto(alert->withdrawn_at()), Cst(2019, 12, 3));
  EXPECT_THAT(alert->withdrawn_reason(), HasSubstr("1000"));
  EXPECT_THAT(alert->withdrawn_reason(), HasSubstr("i-232"));
  EXPECT_EQ(alert->kwh(), 52700);  // what raised it
  auto counted = [&] {
    int64_t n = 0;
    EXPECT_TRUE(cluster_.node("sd")
                    ->store()
                    ->ScanCounters("palert/440606/2019-09",
                                   [&](std::string_view, int64_t v) {
                                     n += v;
                                     return true;
                                   })
                    .ok());
    return n;
  };
  EXPECT_EQ(counted(), 0);  // listed, marked, no longer counted
  // A second correction finds nothing more to withdraw; one above the threshold raises it again.
  auto again =
      watch("sd")->Import(Miit("440606"), Call("i-233", {Row(code, "2019-09", "0302", 200)}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->withdrawn_alerts_size(), 0);
  auto back =
      watch("sd")->Import(Miit("440606"), Call("i-234", {Row(code, "2019-09", "0302", 9000)}));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->alerts_size(), 1);
  EXPECT_FALSE(StoredAlert("sd", code, "2019-09")->withdrawn());
  EXPECT_EQ(StoredAlert("sd", code, "2019-09")->kwh(), 9700);
  EXPECT_EQ(counted(), 1);
}

TEST_F(ElectricityServiceTest, TheThresholdIsExclusiveAndSumsEveryAccountOfTheMonth) {
  const std::string code = Code("440606", "TH000231");
  ASSERT_TRUE(cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_SEALED)}).ok());
  clock_.Set(Cst(2019, 12, 2));
  ImportReadingsCall at = Call(
      "t-1", {Row(code, "2019-08", "0301", 600), Row(code, "2019-08", "0302", 400),  // 1000: at
              Row(code, "2019-09", "0301", 1000.5)});                                // above
  at.header.mutable_threshold_kwh()->set_value(1000);
  auto first = watch("sd")->Import(Miit("440606"), at);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->threshold_kwh(), 1000);
  ASSERT_EQ(first->alerts_size(), 1);
  EXPECT_EQ(first->alerts(0).month(), "2019-09");
  EXPECT_FALSE(StoredAlert("sd", code, "2019-08").has_value());

  // A third account of August, imported later, is added to the two stored ones.
  ImportReadingsCall later = Call("t-2", {Row(code, "2019-08", "0303", 0.5)});
  later.header.mutable_threshold_kwh()->set_value(1000);
  auto second = watch("sd")->Import(Miit("440606"), later);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->alerts_size(), 1);
  auto august = StoredAlert("sd", code, "2019-08");
  ASSERT_TRUE(august.has_value());
  EXPECT_EQ(august->kwh(), 1000.5);
  EXPECT_THAT(august->accounts(), ::testing::ElementsAre("0301", "0302", "0303"));
  EXPECT_EQ(august->reason(), v1::SHUTDOWN_REASON_ENTERPRISE_STATUS);
  EXPECT_EQ(august->enterprise_status(), v1::OPERATING_STATUS_SEALED);

  // Without an override the node's threshold (1000 by default) applies; a higher one given
  // per import raises nothing.
  ImportReadingsCall lenient = Call("t-3", {Row(code, "2019-10", "0301", 4000)});
  lenient.header.mutable_threshold_kwh()->set_value(5000);
  auto third = watch("sd")->Import(Miit("440606"), lenient);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->alerts_size(), 0);
  EXPECT_EQ(watch("sd")->default_threshold_kwh(), 1000);
}

TEST_F(ElectricityServiceTest, AnOperatingEnterpriseNeverAlerts) {
  const std::string code = Code("440606", "TH000241");
  ASSERT_TRUE(
      cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_OPERATING)}).ok());
  clock_.Set(Cst(2019, 12, 2));
  auto imported = watch("sd")->Import(
      Miit("440606"), Call("op-1", {Row(code, "2019-08", "0301", 5e6),
                                    Row(Code("440606", "TH000242"), "2019-08", "9", 5e6,
                                        "440606")}));  // not known here at all
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->readings(), 2u);
  EXPECT_EQ(imported->alerts_size(), 0);
  EXPECT_TRUE(ListedMonths("sd", Miit("440606")).empty());
}

TEST_F(ElectricityServiceTest, PowerCutSealedEquipmentAndClosedCasesAlertFromTheirDates) {
  const auth::Identity inspector = Miit("440606", "inspector");
  // A technology case whose power was cut on 2019-07-20 (the enterprise record says nothing).
  const std::string cut = Code("440606", "TH000251");
  ASSERT_TRUE(cases("sd")->Open(inspector, TechnologyCase("T-251", cut, "排查记录 2019-251")).ok());
  clock_.Set(Cst(2019, 7, 20));
  ASSERT_TRUE(cases("sd")
                  ->Advance(inspector, Step("T-251", v1::SEALING_STEP_POWER_CUT, "断电通知书 251"))
                  .ok());
  // Another one whose main equipment was sealed on 2019-08-05 (its power not yet cut).
  const std::string sealed = Code("440606", "TH000252");
  ASSERT_TRUE(
      cases("sd")->Open(inspector, TechnologyCase("T-252", sealed, "排查记录 2019-251")).ok());
  clock_.Set(Cst(2019, 8, 5));
  ASSERT_TRUE(
      cases("sd")
          ->Advance(inspector, Step("T-252", v1::SEALING_STEP_EQUIPMENT_SEALED, "断电通知书 251"))
          .ok());
  // An environment case closed on 2019-08-20.
  const std::string closed = Code("440606", "TH000253");
  ASSERT_TRUE(cases("sd")->Open(inspector, EnvironmentCase("V-253", closed, "监测报告 253")).ok());
  ASSERT_TRUE(cases("sd")
                  ->Advance(inspector, Step("V-253", v1::CASE_STATE_CLOSURE_APPROVED, "批复 253",
                                            "顺德区人民政府"))
                  .ok());
  clock_.Set(Cst(2019, 8, 20));
  ASSERT_TRUE(cases("sd")
                  ->Advance(inspector, Step("V-253", v1::CASE_STATE_CLOSED_EXITED, "关停验收 253"))
                  .ok());

  clock_.Set(Cst(2019, 11, 3));
  std::vector<v1::ReadingRow> rows;
  for (const std::string& code : {cut, sealed, closed}) {
    for (const char* month : {"2019-07", "2019-08", "2019-09"}) {
      rows.push_back(Row(code, month, "01", 3000, "440606"));
    }
  }
  auto imported = watch("sd")->Import(Miit("440606"), Call("cases-1", rows));
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->alerts_size(), 4);
  // Power cut in July: August and September.
  EXPECT_FALSE(StoredAlert("sd", cut, "2019-07").has_value());
  auto cut_aug = StoredAlert("sd", cut, "2019-08");
  ASSERT_TRUE(cut_aug.has_value());
  EXPECT_EQ(cut_aug->reason(), v1::SHUTDOWN_REASON_POWER_CUT);
  EXPECT_EQ(cut_aug->case_id(), "T-251");
  EXPECT_EQ(FromProto(cut_aug->shut_since()), Cst(2019, 7, 20));
  EXPECT_TRUE(StoredAlert("sd", cut, "2019-09").has_value());
  // Equipment sealed in August: September only.
  EXPECT_FALSE(StoredAlert("sd", sealed, "2019-08").has_value());
  auto sealed_sep = StoredAlert("sd", sealed, "2019-09");
  ASSERT_TRUE(sealed_sep.has_value());
  EXPECT_EQ(sealed_sep->reason(), v1::SHUTDOWN_REASON_EQUIPMENT_SEALED);
  EXPECT_EQ(sealed_sep->case_id(), "T-252");
  // Closed in August (approval in July is a decision, not a closure): September only.
  EXPECT_FALSE(StoredAlert("sd", closed, "2019-08").has_value());
  auto closed_sep = StoredAlert("sd", closed, "2019-09");
  ASSERT_TRUE(closed_sep.has_value());
  EXPECT_EQ(closed_sep->reason(), v1::SHUTDOWN_REASON_CASE_CLOSED);
  EXPECT_EQ(closed_sep->case_state(), v1::CASE_STATE_CLOSED_EXITED);
  EXPECT_EQ(closed_sep->case_id(), "V-253");
}

TEST_F(ElectricityServiceTest, APowerCutRecordedLateCountsFromTheDayItTookEffect) {
  // Found on 2019-09-02; the power was cut on 2019-10-15 but recorded only on 2019-12-02, when
  // the grid company's file shows the plant drew power in November.
  auth::Identity inspector = Miit("440606", "inspector");
  const std::string code = Code("440606", "TH000261");
  v1::OpenCaseRequest open = TechnologyCase("T-261", code, "排查记录 2019-261");
  *open.mutable_found_at() = ToProto(Cst(2019, 9, 2));
  clock_.Set(Cst(2019, 12, 2));
  ASSERT_TRUE(cases("sd")->Open(inspector, open).ok());
  v1::AdvanceCaseRequest step = Step("T-261", v1::SEALING_STEP_POWER_CUT, "断电通知书 261");
  step.set_effective_day("2019-12-03");
  auto future = cases("sd")->Advance(inspector, step);
  EXPECT_EQ(future.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(future.status().message(), HasSubstr("effective_day: 2019-12-03 is in the future"));
  step.set_effective_day("2019-10-15");
  auto cut = cases("sd")->Advance(inspector, step);
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(cut->enforcement_case().history(1).effective_day(), "2019-10-15");
  EXPECT_EQ(FromProto(cut->enforcement_case().history(1).at()), Cst(2019, 12, 2));
  auto imported = watch("sd")->Import(Miit("440606"),
                                      Call("i-261", {Row(code, "2019-10", "01", 30000, "440606"),
                                                     Row(code, "2019-11", "01", 30000, "440606")}));
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->alerts_size(), 1);  // October holds the shutdown; November counts
  auto alert = StoredAlert("sd", code, "2019-11");
  ASSERT_TRUE(alert.has_value());
  EXPECT_EQ(alert->reason(), v1::SHUTDOWN_REASON_POWER_CUT);
  EXPECT_EQ(alert->shut_since_day(), "2019-10-15");
  EXPECT_FALSE(StoredAlert("sd", code, "2019-10").has_value());
}

TEST_F(ElectricityServiceTest, ACountyImportsAndItsCityAndTheProvinceListTheAlert) {
  const std::string code = Code("440606", "TH000261");
  ASSERT_TRUE(cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_CLOSED)}).ok());
  clock_.Set(Cst(2019, 9, 2));
  ASSERT_TRUE(
      watch("sd")->Import(Miit("440606"), Call("up-1", {Row(code, "2019-08", "0301", 7777)})).ok());
  const std::string expected = absl::StrCat(code, "@2019-08");
  for (const std::string node : {"gd", "fs"}) {
    ASSERT_TRUE(WaitUntil([&] { return StoredAlert(node, code, "2019-08").has_value(); },
                          kWaitBound, absl::StrCat("the county's alert reaches ", node)));
  }
  EXPECT_THAT(ListedMonths("fs", Miit("440600")), ::testing::ElementsAre(expected));
  EXPECT_THAT(ListedMonths("gd", Miit("440000")), ::testing::ElementsAre(expected));
  EXPECT_THAT(ListedMonths("gd", Miit("440000"), "440600"), ::testing::ElementsAre(expected));
  EXPECT_TRUE(ListedMonths("gd", Miit("440000"), "440100").empty());
  // The readings went up with it.
  auto reading =
      cluster_.node("gd")->store()->GetLive(domain::ElectricityReadingKey(code, "2019-08", "0301"));
  ASSERT_TRUE(reading.ok() && reading->has_value());
  EXPECT_EQ((*reading)->electricity_reading().kwh(), 7777);
  auto stored = cluster_.node("gd")->store()->Get(domain::PowerAlertKey(code, "2019-08"));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->origin_node(), "sd");
  // Counted per region and month.
  auto counted = cluster_.node("gd")->store()->GetCounter("palert/440606/2019-08");
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, 1);
}

TEST_F(ElectricityServiceTest, ACitySeesItsOwnAlertsNotItsNeighboursAndFiltersByMonth) {
  const std::string shunde = Code("440606", "TH000271");
  const std::string tianhe = Code("440106", "TH000272");
  ASSERT_TRUE(cluster_
                  .Write("gd", {Enterprise(shunde, "440606", v1::OPERATING_STATUS_CLOSED),
                                Enterprise(tianhe, "440106", v1::OPERATING_STATUS_CLOSED)})
                  .ok());
  clock_.Set(Cst(2019, 12, 2));
  // The provincial grid company's file, imported at the province.
  auto imported = watch("gd")->Import(
      Miit("440000"),
      Call("gdpg-2019h2", {Row(shunde, "2019-08", "1", 5000), Row(shunde, "2019-10", "1", 5000),
                           Row(tianhe, "2019-09", "2", 5000)}));
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->alerts_size(), 3);

  const auth::Identity foshan = Miit("440600", "fs-clerk");
  EXPECT_THAT(ListedMonths("gd", foshan), ::testing::ElementsAre(absl::StrCat(shunde, "@2019-08"),
                                                                 absl::StrCat(shunde, "@2019-10")));
  v1::ListAlertsRequest neighbour;
  neighbour.set_region_code("440100");
  EXPECT_EQ(watch("gd")->Alerts(foshan, neighbour).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Sorted by month across the province; month range, one enterprise, limit.
  EXPECT_THAT(
      ListedMonths("gd", Miit("440000")),
      ::testing::ElementsAre(absl::StrCat(shunde, "@2019-08"), absl::StrCat(tianhe, "@2019-09"),
                             absl::StrCat(shunde, "@2019-10")));
  v1::ListAlertsRequest range;
  range.set_from_month("2019-09");
  range.set_to_month("2019-10");
  auto ranged = watch("gd")->Alerts(Miit("440000"), range);
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(ranged->total(), 2u);
  range.set_credit_code(absl::AsciiStrToLower(shunde));
  range.set_limit(1);
  ranged = watch("gd")->Alerts(Miit("440000"), range);
  ASSERT_TRUE(ranged.ok()) << ranged.status();
  ASSERT_EQ(ranged->alerts_size(), 1);
  EXPECT_EQ(ranged->alerts(0).month(), "2019-10");
  EXPECT_FALSE(ranged->truncated());
  range.clear_credit_code();
  ranged = watch("gd")->Alerts(Miit("440000"), range);
  EXPECT_TRUE(ranged->truncated());
  range.set_from_month("2019-11");
  EXPECT_EQ(watch("gd")->Alerts(Miit("440000"), range).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Down the tree each city receives its own and lists only those.
  ASSERT_TRUE(WaitUntil([&] { return Holds(ListedMonths("fs", foshan), SizeIs(2)); }, kWaitBound,
                        "Foshan lists its two alerts"));
  ASSERT_TRUE(WaitUntil([&] { return Holds(ListedMonths("gz", Miit("440100")), SizeIs(1)); },
                        kWaitBound, "Guangzhou lists its alert"));
  EXPECT_FALSE(StoredAlert("gz", shunde, "2019-08").has_value());
  EXPECT_FALSE(StoredAlert("fs", tianhe, "2019-09").has_value());
}

TEST_F(ElectricityServiceTest, ClosingACaseRechecksTheStoredReadingsByItself) {
  const std::string code = Code("440606", "TH000271");
  ASSERT_TRUE(
      cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_OPERATING)}).ok());
  // The grid company's readings arrive while the plant is still known to operate.
  clock_.Set(Cst(2019, 12, 2));
  auto imported = watch("sd")->Import(
      Miit("440606"),
      Call("i-271", {Row(code, "2019-08", "01", 30000), Row(code, "2019-09", "01", 30000),
                     Row(code, "2019-10", "01", 800)}));
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->alerts_size(), 0);
  // Then its closure, which took effect on 2019-08-20, is recorded: no recheck is run.
  const auth::Identity inspector = Miit("440606", "inspector");
  v1::OpenCaseRequest env = EnvironmentCase("V-271", code, "监测报告 271");
  *env.mutable_found_at() = ToProto(Cst(2019, 7, 1));
  auth::Identity eco = inspector;
  eco.department = v1::DEPARTMENT_ECO;
  ASSERT_TRUE(cases("sd")->Open(eco, env).ok());
  v1::AdvanceCaseRequest step =
      Step("V-271", v1::CASE_STATE_CLOSURE_APPROVED, "批复 271", "顺德区人民政府");
  step.set_effective_day("2019-08-10");
  ASSERT_TRUE(cases("sd")->Advance(eco, step).ok());
  EXPECT_FALSE(StoredAlert("sd", code, "2019-09").has_value());  // a decision, not a closure
  step.set_to_state(v1::CASE_STATE_CLOSED_EXITED);
  step.clear_approving_authority();
  step.set_evidence_ref("关停验收 271");
  step.set_effective_day("2019-08-20");
  auto closed = cases("sd")->Advance(eco, step);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_FALSE(StoredAlert("sd", code, "2019-08").has_value());  // the month of the closure
  auto september = StoredAlert("sd", code, "2019-09");
  ASSERT_TRUE(september.has_value());
  EXPECT_EQ(september->reason(), v1::SHUTDOWN_REASON_CASE_CLOSED);
  EXPECT_EQ(september->case_id(), "V-271");
  EXPECT_EQ(september->shut_since_day(), "2019-08-20");
  EXPECT_EQ(september->raised_by(), eco.CommonName());
  EXPECT_FALSE(StoredAlert("sd", code, "2019-10").has_value());  // below the threshold
  // In the case's own write: the alert directly follows the case.
  auto c = cluster_.node("sd")->store()->Get("case/V-271");
  auto a = cluster_.node("sd")->store()->Get(domain::PowerAlertKey(code, "2019-09"));
  ASSERT_TRUE(c.ok() && c->has_value() && a.ok() && a->has_value());
  EXPECT_EQ((*a)->seq(), (*c)->seq() + 1);
}

TEST_F(ElectricityServiceTest, AClosureThatArrivesAfterTheReadingsIsFoundByARecheck) {
  const std::string code = Code("440606", "TH000281");
  ASSERT_TRUE(
      cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_OPERATING)}).ok());
  ASSERT_TRUE(WaitUntil([&] { return cluster_.LiveAt("gd", absl::StrCat("ent/", code)); },
                        kWaitBound, "the enterprise reaches the province"));
  // The city's link is down while Shunde records the closure on 2019-08-05.
  cluster_.Stop("fs");
  clock_.Set(Cst(2019, 8, 5));
  ASSERT_TRUE(cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_CLOSED)}).ok());
  // The province imports the grid company's September file before it hears of it.
  clock_.Set(Cst(2019, 10, 8));
  auto imported = watch("gd")->Import(Miit("440000"),
                                      Call("gdpg-201909", {Row(code, "2019-09", "0301", 40000)}));
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->alerts_size(), 0);

  ASSERT_TRUE(cluster_.Restart("fs").ok());
  ASSERT_TRUE(WaitUntil(
      [&] {
        return cluster_.LiveAt("gd", absl::StrCat("ent/", code), [](const v1::Record& e) {
          return e.enterprise().status() == v1::OPERATING_STATUS_CLOSED;
        });
      },
      kWaitBound, "the closure reaches the province"));
  v1::RecheckReadingsRequest recheck;
  auto first = watch("gd")->Recheck(Miit("440000"), recheck);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->months_checked(), 1u);
  ASSERT_EQ(first->raised_size(), 1);
  EXPECT_EQ(first->raised(0).month(), "2019-09");
  EXPECT_EQ(first->raised(0).import_id(), "");
  auto alert = StoredAlert("gd", code, "2019-09");
  ASSERT_TRUE(alert.has_value());
  EXPECT_EQ(FromProto(alert->shut_since()), Cst(2019, 8, 5));
  // Again: nothing new.
  auto second = watch("gd")->Recheck(Miit("440000"), recheck);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->raised_size(), 0);
  EXPECT_EQ(second->already_alerted(), 1u);
  // A city may recheck only its own region.
  recheck.set_region_code("440100");
  EXPECT_EQ(watch("gd")->Recheck(Miit("440600"), recheck).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ElectricityServiceTest, ARecheckGroupsEveryEnterpriseMonthInKeyOrder) {
  // Three enterprises, the first and the last recorded closed on 2019-08-05; three months of
  // two accounts each, imported under a lenient threshold that raises nothing.
  const std::vector<std::string> codes = {Code("440606", "TH000291"), Code("440606", "TH000292"),
                                          Code("440606", "TH000293")};
  clock_.Set(Cst(2019, 8, 5));
  ASSERT_TRUE(cluster_
                  .Write("sd", {Enterprise(codes[0], "440606", v1::OPERATING_STATUS_CLOSED),
                                Enterprise(codes[1], "440606", v1::OPERATING_STATUS_OPERATING),
                                Enterprise(codes[2], "440606", v1::OPERATING_STATUS_SEALED)})
                  .ok());
  clock_.Set(Cst(2019, 12, 2));
  std::vector<v1::ReadingRow> rows;
  for (const std::string& code : codes) {
    for (const char* month : {"2019-09", "2019-10", "2019-11"}) {
      rows.push_back(Row(code, month, "01", 600));
      rows.push_back(Row(code, month, "02", 600));  // 1,200 a month: above 1,000 only summed
    }
  }
  ImportReadingsCall lenient = Call("i-291", rows);
  lenient.header.mutable_threshold_kwh()->set_value(5000);
  auto imported = watch("sd")->Import(Miit("440606"), lenient);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->alerts_size(), 0);
  // The recheck under 1,000 kWh: every enterprise-month once, each month summing its own
  // enterprise's two accounts.
  v1::RecheckReadingsRequest recheck;
  recheck.mutable_threshold_kwh()->set_value(1000);
  auto first = watch("sd")->Recheck(Miit("440606"), recheck);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->months_checked(), 9u);
  ASSERT_EQ(first->raised_size(), 6);
  for (const v1::PowerAlert& a : first->raised()) {
    EXPECT_NE(a.credit_code(), codes[1]);
    EXPECT_EQ(a.kwh(), 1200);
    EXPECT_THAT(a.accounts(), ::testing::ElementsAre("01", "02"));
  }
  EXPECT_EQ(StoredAlert("sd", codes[2], "2019-11")->enterprise_status(),
            v1::OPERATING_STATUS_SEALED);
  auto second = watch("sd")->Recheck(Miit("440606"), recheck);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->raised_size(), 0);
  EXPECT_EQ(second->already_alerted(), 6u);
}

TEST_F(ElectricityServiceTest, GenericWritesOfReadingsAndAlertsAreRefused) {
  const std::string code = Code("440606", "TH000291");
  auto channel = grpc::CreateChannel(cluster_.address("sd"), grpc::InsecureChannelCredentials());
  auto stub = v1::Registry::NewStub(channel);
  v1::WriteRecordsRequest request;
  v1::ElectricityReading* r = request.add_records()->mutable_electricity_reading();
  r->set_credit_code(code);
  r->set_region_code("440606");
  r->set_month("2019-06");
  r->set_account("1");
  r->set_import_id("x");
  grpc::ClientContext context;
  context.AddMetadata(auth::kInsecureIdentityHeader, "dept:MIIT:440606:clerk");
  v1::WriteRecordsResponse response;
  grpc::Status s = stub->WriteRecords(&context, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("ElectricityWatch.ImportReadings"));
  auto stored =
      cluster_.node("sd")->store()->Get(domain::ElectricityReadingKey(code, "2019-06", "1"));
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
}

TEST_F(ElectricityServiceTest, AnAlertIsAcknowledgedThenResolvedByWhoMayWriteInItsRegion) {
  const std::string code = Code("440606", "TH000291");
  ASSERT_TRUE(cluster_.Write("sd", {Enterprise(code, "440606", v1::OPERATING_STATUS_CLOSED)}).ok());
  clock_.Set(Cst(2019, 12, 2));
  ASSERT_TRUE(watch("sd")
                  ->Import(Miit("440606"), Call("i-291", {Row(code, "2019-09", "0301", 52000)}))
                  .ok());
  auto request = [&](v1::UpdateAlertRequest::Action action, const std::string& note) {
    v1::UpdateAlertRequest r;
    r.set_credit_code(code);
    r.set_month("2019-09");
    r.set_action(action);
    r.set_note(note);
    return r;
  };
  const auto kAck = v1::UpdateAlertRequest::ACTION_ACKNOWLEDGE;
  const auto kResolve = v1::UpdateAlertRequest::ACTION_RESOLVE;
  auto open_count = [&] {
    v1::ListAlertsRequest r;
    r.set_open_only(true);
    auto listed = watch("sd")->Alerts(Miit("440606"), r);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? listed->alerts_size() : -1;
  };
  ASSERT_EQ(open_count(), 1);

  // Refused: a neighbour's clerk, an operator, an unknown month, a resolution without reason.
  EXPECT_EQ(watch("sd")->Update(Miit("440605"), request(kAck, "")).status().code(),
            absl::StatusCode::kPermissionDenied);
  auth::Identity ops;
  ops.kind = auth::Identity::Kind::kOperator;
  ops.region_code = "440606";
  ops.name = "ops";
  EXPECT_EQ(watch("sd")->Update(ops, request(kAck, "")).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::UpdateAlertRequest other_month = request(kAck, "");
  other_month.set_month("2019-10");
  EXPECT_EQ(watch("sd")->Update(Miit("440606"), other_month).status().code(),
            absl::StatusCode::kNotFound);
  auto no_reason = watch("sd")->Update(Miit("440606"), request(kResolve, "  "));
  EXPECT_THAT(no_reason.status().message(), HasSubstr("note: a resolution needs its reason"));

  // Acknowledged once, by whom and when; a second acknowledgement is refused.
  clock_.Set(Cst(2019, 12, 3));
  auto acked = watch("sd")->Update(Miit("440606", "wang"), request(kAck, "已通知供电局现场核查"));
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->alert().acknowledged_by(), "dept:MIIT:440606:wang");
  EXPECT_EQ(FromProto(acked->alert().acknowledged_at()), Cst(2019, 12, 3));
  auto twice = watch("sd")->Update(Miit("440606"), request(kAck, ""));
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(twice.status().message(), HasSubstr("dept:MIIT:440606:wang"));
  EXPECT_EQ(open_count(), 1);  // acknowledged is still open

  // A re-import with other figures keeps the acknowledgement.
  ASSERT_TRUE(watch("sd")
                  ->Import(Miit("440606"), Call("i-292", {Row(code, "2019-09", "0301", 61000)}))
                  .ok());
  EXPECT_EQ(StoredAlert("sd", code, "2019-09")->kwh(), 61000);
  EXPECT_EQ(StoredAlert("sd", code, "2019-09")->acknowledged_note(), "已通知供电局现场核查");

  // Resolved by the city's clerk (Foshan is above Shunde), at Shunde: no longer open or counted,
  // and the resolution flows up to the province.
  clock_.Set(Cst(2019, 12, 5));
  auto resolved =
      watch("sd")->Update(Miit("440600", "li"), request(kResolve, "核实为生活照明用电"));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->alert().resolved_by(), "dept:MIIT:440600:li");
  EXPECT_EQ(resolved->alert().resolved_reason(), "核实为生活照明用电");
  EXPECT_EQ(resolved->alert().acknowledged_by(), "dept:MIIT:440606:wang");
  EXPECT_EQ(open_count(), 0);
  auto counter = cluster_.node("sd")->store()->GetCounter("palert/440606/2019-09");
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(*counter, 0);
  auto after = watch("sd")->Update(Miit("440606"), request(kResolve, "again"));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(after.status().message(), HasSubstr("resolved by dept:MIIT:440600:li at 2019-12-05"));
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto at_province = StoredAlert("gd", code, "2019-09");
        return at_province.has_value() && at_province->has_resolved_at();
      },
      kWaitBound, "the resolution at the province"));
}

TEST_F(ElectricityServiceTest, OneImportIdAtTwoNodesIsTwoImportsEverywhere) {
  const std::string shunde = Code("440606", "TH000295");
  const std::string guangzhou = Code("440104", "TH000296");
  ASSERT_TRUE(
      cluster_.Write("sd", {Enterprise(shunde, "440606", v1::OPERATING_STATUS_CLOSED)}).ok());
  ASSERT_TRUE(
      cluster_.Write("gz", {Enterprise(guangzhou, "440104", v1::OPERATING_STATUS_CLOSED)}).ok());
  clock_.Set(Cst(2019, 9, 2));
  // Both grid offices name their file the same way.
  ASSERT_TRUE(watch("sd")
                  ->Import(Miit("440606"), Call("gdpg-201908", {Row(shunde, "2019-08", "1", 5000)}))
                  .ok());
  ASSERT_TRUE(
      watch("gz")
          ->Import(Miit("440100"), Call("gdpg-201908", {Row(guangzhou, "2019-08", "1", 6000)}))
          .ok());
  ASSERT_TRUE(WaitUntil(
      [&] {
        return StoredAlert("gd", shunde, "2019-08").has_value() &&
               StoredAlert("gd", guangzhou, "2019-08").has_value();
      },
      kWaitBound, "both alerts at the province"));
  EXPECT_EQ(StoredAlert("gd", shunde, "2019-08")->import_node(), "sd");
  EXPECT_EQ(StoredAlert("gd", guangzhou, "2019-08")->import_node(), "gz");
  EXPECT_EQ(StoredAlert("gd", guangzhou, "2019-08")->import_id(), "gdpg-201908");
  auto reading = cluster_.node("gd")->store()->GetLive(
      domain::ElectricityReadingKey(guangzhou, "2019-08", "1"));
  ASSERT_TRUE(reading.ok() && reading->has_value());
  EXPECT_EQ((*reading)->electricity_reading().import_node(), "gz");
}

}  // namespace
}  // namespace tierhub::enforcement
