// The electricity watch's rule (services/domain/electricity.h): months as clerks write
// them, which facts shut a plant and since when, and the threshold at its boundary.
#include "services/domain/electricity.h"

#include "gtest/gtest.h"
#include "services/common/time_proto.h"
#include "services/domain/case_machine.h"
#include "services/domain/credit_code.h"
#include "services/domain/validation.h"

namespace tierhub::domain {
namespace {

// An instant in China Standard Time.
absl::Time Cst(int y, int m, int d, int hh = 12) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), domain::ChinaTimeZone());
}

v1::EnforcementCase EnergyCaseClosedOn(absl::Time ordered, absl::Time closed) {
  v1::EnforcementCase c;
  c.set_case_id("E-1");
  c.set_dimension(v1::DIMENSION_ENERGY);
  c.set_state(v1::CASE_STATE_CLOSED_EXITED);
  auto step = [&](v1::CaseState from, v1::CaseState to, absl::Time at) {
    v1::CaseTransition* t = c.add_history();
    t->set_from_state(from);
    t->set_to_state(to);
    *t->mutable_at() = ToProto(at);
  };
  step(v1::CASE_STATE_UNSPECIFIED, v1::CASE_STATE_FOUND, Cst(2019, 1, 5));
  step(v1::CASE_STATE_FOUND, v1::CASE_STATE_RECTIFYING, Cst(2019, 1, 6));
  step(v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_ORDERED_CLOSED, ordered);
  step(v1::CASE_STATE_ORDERED_CLOSED, v1::CASE_STATE_CLOSED_EXITED, closed);
  return c;
}

MonthUsage Usage(const std::string& month, double kwh) {
  MonthUsage u;
  u.credit_code = "91440606MA3EDFR842";
  u.region_code = "440606";
  u.month = month;
  u.kwh = kwh;
  u.accounts = {"0302", "0301", "0302"};
  return u;
}

TEST(CanonicalMonthTest, AcceptsWhatGridCompaniesAndClerksWrite) {
  for (const char* text :
       {"2019-07", "2019-7", "201907", "2019/07", "2019/7", "2019.07", "2019年7月", "2019年07月",
        " 2019-07 ", "2019-07-01", "2019/7/1", "2019年7月1日"}) {
    auto month = CanonicalMonth(text);
    ASSERT_TRUE(month.ok()) << text << ": " << month.status();
    EXPECT_EQ(*month, "2019-07") << text;
  }
  EXPECT_EQ(CanonicalMonth("2019-12").value(), "2019-12");
}

TEST(CanonicalMonthTest, RefusesWhatIsNotAMonth) {
  for (const char* text : {"", "2019", "2019-13", "2019-00", "19-07", "2019-07-15", "July 2019",
                           "20190", "1999-12", "2101-01", "2019-07-01-01"}) {
    auto month = CanonicalMonth(text);
    EXPECT_EQ(month.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(CanonicalMonthTest, AgreesWithTheDomainValidation) {
  EXPECT_TRUE(domain::ValidateMonth("2019-07", "m").ok());
  EXPECT_FALSE(domain::ValidateMonth("2019-7", "m").ok());
  EXPECT_FALSE(domain::ValidateMonth("201907", "m").ok());
  EXPECT_FALSE(domain::ValidateMonth("2019-13", "m").ok());
}

TEST(MonthTest, MonthsAreCountedInChinaStandardTime) {
  // 2019-07-31 20:00 UTC is already 2019-08-01 04:00 in Beijing.
  EXPECT_EQ(MonthOf(absl::FromCivil(absl::CivilSecond(2019, 7, 31, 20, 0, 0), absl::UTCTimeZone())),
            "2019-08");
  EXPECT_EQ(MonthStart("2019-08"), Cst(2019, 8, 1, 0));
}

TEST(ClosesPlantTest, OnlyStatesAfterWhichThePlantMustNotProduce) {
  for (v1::CaseState s : {v1::CASE_STATE_CLOSED_EXITED, v1::CASE_STATE_DISMANTLED,
                          v1::CASE_STATE_SEALED, v1::CASE_STATE_ACCEPTED,
                          v1::CASE_STATE_LICENCES_REVOKED, v1::CASE_STATE_LICENCE_CANCELLED}) {
    EXPECT_TRUE(ClosesPlant(s)) << v1::CaseState_Name(s);
  }
  for (v1::CaseState s : {v1::CASE_STATE_FOUND, v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_SUSPENDED,
                          v1::CASE_STATE_COMPLIANT, v1::CASE_STATE_ORDERED_CLOSED,
                          v1::CASE_STATE_CLOSURE_APPROVED, v1::CASE_STATE_CLOSURE_REQUESTED}) {
    EXPECT_FALSE(ClosesPlant(s)) << v1::CaseState_Name(s);
  }
}

TEST(ShutdownFactsTest, EachFactIsDatedAndTheEarliestComesFirst) {
  v1::Enterprise closed;
  closed.set_status(v1::OPERATING_STATUS_CLOSED);
  v1::EnforcementCase tech;
  tech.set_case_id("T-1");
  tech.set_dimension(v1::DIMENSION_TECHNOLOGY);
  tech.set_state(v1::CASE_STATE_FOUND);
  *tech.mutable_sealing()->mutable_water_cut() = ToProto(Cst(2019, 5, 1));  // not a fact
  *tech.mutable_sealing()->mutable_power_cut() = ToProto(Cst(2019, 5, 2));
  *tech.mutable_sealing()->mutable_equipment_sealed() = ToProto(Cst(2019, 5, 3));
  const std::vector<v1::EnforcementCase> cases = {
      EnergyCaseClosedOn(Cst(2019, 3, 1), Cst(2019, 4, 20)), tech};
  std::vector<ShutdownFact> facts = ShutdownFacts(&closed, Cst(2019, 6, 30), cases);
  ASSERT_EQ(facts.size(), 4u);
  EXPECT_EQ(facts[0].reason, v1::SHUTDOWN_REASON_CASE_CLOSED);
  EXPECT_EQ(facts[0].case_id, "E-1");
  EXPECT_EQ(facts[0].case_state, v1::CASE_STATE_CLOSED_EXITED);  // not ORDERED_CLOSED
  EXPECT_EQ(facts[0].since, Cst(2019, 4, 20));
  EXPECT_EQ(facts[1].reason, v1::SHUTDOWN_REASON_POWER_CUT);
  EXPECT_EQ(facts[1].since, Cst(2019, 5, 2));
  EXPECT_EQ(facts[2].reason, v1::SHUTDOWN_REASON_EQUIPMENT_SEALED);
  EXPECT_EQ(facts[3].reason, v1::SHUTDOWN_REASON_ENTERPRISE_STATUS);
  EXPECT_EQ(facts[3].enterprise_status, v1::OPERATING_STATUS_CLOSED);
  EXPECT_EQ(facts[3].since, Cst(2019, 6, 30));
}

TEST(ShutdownFactsTest, AnOperatingEnterpriseWithOpenCasesHasNone) {
  v1::Enterprise operating;
  operating.set_status(v1::OPERATING_STATUS_OPERATING);
  v1::EnforcementCase ordered = EnergyCaseClosedOn(Cst(2019, 3, 1), Cst(2019, 4, 20));
  ordered.mutable_history()->RemoveLast();  // ordered closed, not yet closed
  ordered.set_state(v1::CASE_STATE_ORDERED_CLOSED);
  EXPECT_TRUE(ShutdownFacts(&operating, Cst(2019, 1, 1), {ordered}).empty());
  EXPECT_TRUE(ShutdownFacts(nullptr, absl::InfinitePast(), {}).empty());
  for (v1::OperatingStatus s : {v1::OPERATING_STATUS_SEALED, v1::OPERATING_STATUS_DISMANTLED}) {
    v1::Enterprise e;
    e.set_status(s);
    EXPECT_EQ(ShutdownFacts(&e, Cst(2019, 1, 1), {}).size(), 1u) << v1::OperatingStatus_Name(s);
  }
}

TEST(AlertForTest, OnlyMonthsAfterTheMonthOfTheFactCount) {
  v1::Enterprise sealed;
  sealed.set_status(v1::OPERATING_STATUS_SEALED);
  const auto facts = ShutdownFacts(&sealed, Cst(2019, 7, 31, 23), {});
  const absl::Time now = Cst(2019, 12, 1);
  EXPECT_FALSE(AlertFor(Usage("2019-06", 9000), facts, 1000, now, "me", "i").has_value());
  EXPECT_FALSE(AlertFor(Usage("2019-07", 9000), facts, 1000, now, "me", "i").has_value());
  auto alert = AlertFor(Usage("2019-08", 9000), facts, 1000, now, "me", "i");
  ASSERT_TRUE(alert.has_value());
  EXPECT_EQ(alert->reason(), v1::SHUTDOWN_REASON_ENTERPRISE_STATUS);
}

TEST(AlertForTest, AClosureRecordedLateCountsFromTheDayItTookEffect) {
  // Closed on 2026-10-15, recorded on 2026-12-07: the plant drew power in November.
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 12, 7, 10, 0, 0), ChinaTimeZone()));
  CaseOpening o;
  o.case_id = "E-LATE-REC";
  o.credit_code = MakeCreditCode('9', '1', "440606", "TH000777").value();
  o.region_code = "440606";
  o.industry = v1::INDUSTRY_STEEL;
  o.dimension = v1::DIMENSION_ENVIRONMENT;
  o.finding = "超标排放 (synthetic)";
  o.actor = "dept:ECO:440606:inspector";
  o.evidence_ref = "RPT-9";
  o.found_at = absl::FromCivil(absl::CivilSecond(2026, 9, 1, 9, 0, 0), ChinaTimeZone());
  v1::EnforcementCase c = OpenCase(o, clock).value();
  Transition t;
  t.to = v1::CASE_STATE_CLOSURE_APPROVED;
  t.actor = o.actor;
  t.evidence_ref = "批复 2026-88";
  t.approving_authority = "佛山市人民政府";
  t.effective_day = absl::CivilDay(2026, 10, 10);
  c = Advance(c, t, clock).value();
  t.to = v1::CASE_STATE_CLOSED_EXITED;
  t.evidence_ref = "关停 2026-88";
  t.effective_day = absl::CivilDay(2026, 10, 15);
  c = Advance(c, t, clock).value();
  const std::vector<v1::EnforcementCase> cases = {c};
  const std::vector<ShutdownFact> facts = ShutdownFacts(nullptr, absl::InfinitePast(), cases);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(ChinaDay(facts[0].since), "2026-10-15");
  EXPECT_EQ(FactForMonth(facts, "2026-10"), nullptr);  // the month of the shutdown
  MonthUsage november{o.credit_code, "某钢厂 (synthetic)", "440606", "2026-11", 52000, {"A-1"}};
  auto alert = AlertFor(november, facts, 1000, clock.Now(), "import", "IMP-1");
  ASSERT_TRUE(alert.has_value());
  EXPECT_EQ(alert->shut_since_day(), "2026-10-15");
  EXPECT_EQ(alert->case_id(), "E-LATE-REC");
}

TEST(AlertForTest, TheThresholdIsExclusive) {
  v1::Enterprise closed;
  closed.set_status(v1::OPERATING_STATUS_CLOSED);
  const auto facts = ShutdownFacts(&closed, Cst(2019, 7, 1), {});
  const absl::Time now = Cst(2019, 12, 1);
  EXPECT_FALSE(AlertFor(Usage("2019-08", 1000), facts, 1000, now, "me", "i").has_value());
  EXPECT_FALSE(AlertFor(Usage("2019-08", 999.9), facts, 1000, now, "me", "i").has_value());
  auto above = AlertFor(Usage("2019-08", 1000.1), facts, 1000, now, "dept:MIIT:440606:a", "i-1");
  ASSERT_TRUE(above.has_value());
  EXPECT_EQ(above->kwh(), 1000.1);
  EXPECT_EQ(above->threshold_kwh(), 1000);
  EXPECT_EQ(above->reason(), v1::SHUTDOWN_REASON_ENTERPRISE_STATUS);
  EXPECT_EQ(above->enterprise_status(), v1::OPERATING_STATUS_CLOSED);
  EXPECT_EQ(FromProto(above->shut_since()), Cst(2019, 7, 1));
  EXPECT_EQ(above->raised_by(), "dept:MIIT:440606:a");
  EXPECT_EQ(above->import_id(), "i-1");
  ASSERT_EQ(above->accounts_size(), 2);  // sorted, once each
  EXPECT_EQ(above->accounts(0), "0301");
  EXPECT_EQ(above->accounts(1), "0302");
  v1::Record record;
  *record.mutable_power_alert() = *above;
  EXPECT_TRUE(domain::ValidateRecord(record).ok()) << domain::ValidateRecord(record);
  EXPECT_EQ(domain::RecordKey(record), "palert/91440606MA3EDFR842/2019-08");
  // A threshold of zero alerts on any consumption at all.
  EXPECT_TRUE(AlertFor(Usage("2019-08", 0.5), facts, 0, now, "me", "i").has_value());
  EXPECT_FALSE(AlertFor(Usage("2019-08", 0), facts, 0, now, "me", "i").has_value());
}

TEST(AlertForTest, NoFactNoAlertHoweverMuchPowerIsUsed) {
  EXPECT_FALSE(AlertFor(Usage("2019-08", 1e9), {}, 1000, Cst(2019, 12, 1), "me", "i").has_value());
}

TEST(ValidatePowerAlertTest, RefusesAnAlertAtOrBelowItsThreshold) {
  v1::Enterprise closed;
  closed.set_status(v1::OPERATING_STATUS_CLOSED);
  auto alert = AlertFor(Usage("2019-08", 2000), ShutdownFacts(&closed, Cst(2019, 7, 1), {}), 1000,
                        Cst(2019, 12, 1), "me", "i");
  ASSERT_TRUE(alert.has_value());
  alert->set_kwh(1000);
  absl::Status s = domain::ValidatePowerAlert(*alert);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("power_alert.kwh"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace tierhub::domain
