#include "services/domain/case_machine.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/time_proto.h"
#include "services/domain/credit_code.h"

namespace tierhub::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using v1::CaseState;

absl::Time Cst(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), ChinaTimeZone());
}

absl::Time LastInstantOf(int y, int m, int d) {
  return Cst(y, m, d) + absl::Hours(24) - absl::Nanoseconds(1);
}

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

std::string Code() { return domain::MakeCreditCode('9', '1', "440606", "TH000001").value(); }

CaseOpening Opening(v1::Dimension dimension, v1::Industry industry = v1::INDUSTRY_CERAMICS) {
  CaseOpening o;
  o.case_id = absl::StrCat("C-", v1::Dimension_Name(dimension));
  o.credit_code = Code();
  o.region_code = "440606";
  o.industry = industry;
  o.dimension = dimension;
  o.finding = "超限额 (synthetic)";
  o.rule_ref = "GB 21252-2013";
  o.actor = "dept:MIIT:440606:inspector";
  o.evidence_ref = "RPT-1";
  return o;
}

// A request to go to `to` with whatever that step needs.
Transition To(CaseState to, const FakeClock& clock) {
  Transition t;
  t.to = to;
  t.actor = "dept:MIIT:440606:inspector";
  t.evidence_ref = absl::StrCat("DOC-", v1::CaseState_Name(to));
  if (to == v1::CASE_STATE_SUSPENDED || to == v1::CASE_STATE_RESTRICTED) {
    t.deadline = ChinaCivilDay(clock.Now()) + 30;
  }
  if (to == v1::CASE_STATE_CLOSURE_APPROVED) t.approving_authority = "佛山市人民政府";
  if (to == v1::CASE_STATE_ACCEPTED) t.inspected_by = "验收组 (synthetic)";
  if (to == v1::CASE_STATE_LICENCE_CANCELLED) t.closing_case_id = "C-ENERGY";
  return t;
}

Transition Sealing(v1::SealingStep step) {
  Transition t;
  t.sealing_step = step;
  t.actor = "dept:MIIT:440606:inspector";
  t.evidence_ref = absl::StrCat("PHOTO-", v1::SealingStep_Name(step));
  return t;
}

constexpr v1::SealingStep kAllSealingSteps[] = {
    v1::SEALING_STEP_WATER_CUT, v1::SEALING_STEP_POWER_CUT, v1::SEALING_STEP_POWER_UNITS_REMOVED,
    v1::SEALING_STEP_EQUIPMENT_SEALED, v1::SEALING_STEP_PUBLIC_COMMITMENT};

// The plan's graphs, written out independently of the implementation.
const std::map<v1::Dimension, std::map<CaseState, std::set<CaseState>>>& Expected() {
  static const auto* kExpected = new std::map<v1::Dimension,
                                              std::map<CaseState, std::set<CaseState>>>{
      {v1::DIMENSION_ENERGY,
       {{v1::CASE_STATE_FOUND, {v1::CASE_STATE_RECTIFYING}},
        {v1::CASE_STATE_RECTIFYING,
         {v1::CASE_STATE_EXTENDED, v1::CASE_STATE_COMPLIANT, v1::CASE_STATE_ORDERED_CLOSED}},
        {v1::CASE_STATE_EXTENDED, {v1::CASE_STATE_COMPLIANT, v1::CASE_STATE_ORDERED_CLOSED}},
        {v1::CASE_STATE_ORDERED_CLOSED, {v1::CASE_STATE_CLOSED_EXITED}},
        {v1::CASE_STATE_COMPLIANT, {}},
        {v1::CASE_STATE_CLOSED_EXITED, {}}}},
      {v1::DIMENSION_QUALITY,
       {{v1::CASE_STATE_FOUND, {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_LICENCE_CANCELLED}},
        {v1::CASE_STATE_SUSPENDED,
         {v1::CASE_STATE_COMPLIANT, v1::CASE_STATE_LICENCES_REVOKED,
          v1::CASE_STATE_LICENCE_CANCELLED}},
        {v1::CASE_STATE_COMPLIANT, {}},
        {v1::CASE_STATE_LICENCES_REVOKED, {}},
        {v1::CASE_STATE_LICENCE_CANCELLED, {}}}},
      {v1::DIMENSION_SAFETY,
       {{v1::CASE_STATE_FOUND, {v1::CASE_STATE_SUSPENDED}},
        {v1::CASE_STATE_SUSPENDED, {v1::CASE_STATE_COMPLIANT, v1::CASE_STATE_CLOSURE_REQUESTED}},
        {v1::CASE_STATE_CLOSURE_REQUESTED, {v1::CASE_STATE_CLOSED_EXITED}},
        {v1::CASE_STATE_CLOSED_EXITED, {v1::CASE_STATE_LICENCES_REVOKED}},
        {v1::CASE_STATE_COMPLIANT, {}},
        {v1::CASE_STATE_LICENCES_REVOKED, {}}}},
      {v1::DIMENSION_ENVIRONMENT,
       {{v1::CASE_STATE_FOUND,
         {v1::CASE_STATE_RESTRICTED, v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_CLOSURE_APPROVED}},
        {v1::CASE_STATE_RESTRICTED,
         {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_COMPLIANT, v1::CASE_STATE_CLOSURE_APPROVED}},
        {v1::CASE_STATE_SUSPENDED, {v1::CASE_STATE_COMPLIANT, v1::CASE_STATE_CLOSURE_APPROVED}},
        {v1::CASE_STATE_CLOSURE_APPROVED, {v1::CASE_STATE_CLOSED_EXITED}},
        {v1::CASE_STATE_COMPLIANT, {}},
        {v1::CASE_STATE_CLOSED_EXITED, {}}}},
      {v1::DIMENSION_TECHNOLOGY,
       {{v1::CASE_STATE_FOUND, {v1::CASE_STATE_DISMANTLED, v1::CASE_STATE_SEALED}},
        {v1::CASE_STATE_SEALED, {v1::CASE_STATE_DISMANTLED, v1::CASE_STATE_ACCEPTED}},
        {v1::CASE_STATE_DISMANTLED, {v1::CASE_STATE_ACCEPTED}},
        {v1::CASE_STATE_ACCEPTED, {v1::CASE_STATE_CLOSED_EXITED}},
        {v1::CASE_STATE_CLOSED_EXITED, {}}}},
  };
  return *kExpected;
}

// A path from FOUND to each state, by breadth-first search over the expected graph.
std::vector<CaseState> PathTo(v1::Dimension dimension, CaseState target) {
  const auto& graph = Expected().at(dimension);
  std::map<CaseState, std::vector<CaseState>> paths{{v1::CASE_STATE_FOUND, {}}};
  std::vector<CaseState> queue{v1::CASE_STATE_FOUND};
  for (size_t i = 0; i < queue.size(); ++i) {
    for (CaseState next : graph.at(queue[i])) {
      if (paths.count(next)) continue;
      paths[next] = paths[queue[i]];
      paths[next].push_back(next);
      queue.push_back(next);
    }
  }
  return paths.at(target);
}

// A case of `dimension` brought to `state` through the machine. Technology cases have every
// sealing step recorded first, so that SEALED is reachable.
v1::EnforcementCase CaseIn(v1::Dimension dimension, CaseState state, FakeClock& clock) {
  v1::EnforcementCase c = OpenCase(Opening(dimension), clock).value();
  if (dimension == v1::DIMENSION_TECHNOLOGY) {
    for (v1::SealingStep step : kAllSealingSteps) c = Advance(c, Sealing(step), clock).value();
  }
  for (CaseState s : PathTo(dimension, state)) {
    clock.Advance(absl::Hours(1));
    auto next = Advance(c, To(s, clock), clock);
    EXPECT_TRUE(next.ok()) << next.status();
    c = *next;
  }
  return c;
}

TEST(CaseMachineTest, EveryTransitionOfEveryDimensionAllowedOrRefused) {
  int allowed = 0;
  int refused = 0;
  for (const auto& [dimension, graph] : Expected()) {
    for (const auto& [from, tos] : graph) {
      for (int to_int = v1::CASE_STATE_FOUND; to_int <= v1::CASE_STATE_LICENCE_CANCELLED;
           ++to_int) {
        const CaseState to = static_cast<CaseState>(to_int);
        FakeClock clock;
        const v1::EnforcementCase c = CaseIn(dimension, from, clock);
        ASSERT_EQ(c.state(), from);
        clock.Advance(absl::Hours(1));
        auto next = Advance(c, To(to, clock), clock);
        const std::string what =
            absl::StrCat(v1::Dimension_Name(dimension), " ", v1::CaseState_Name(from), " -> ",
                         v1::CaseState_Name(to));
        if (tos.count(to)) {
          ++allowed;
          ASSERT_TRUE(next.ok()) << what << ": " << next.status();
          EXPECT_EQ(next->state(), to) << what;
          ASSERT_EQ(next->history_size(), c.history_size() + 1) << what;
          const v1::CaseTransition& step = next->history(next->history_size() - 1);
          EXPECT_EQ(step.from_state(), from) << what;
          EXPECT_EQ(step.to_state(), to) << what;
          EXPECT_EQ(step.actor(), "dept:MIIT:440606:inspector") << what;
          EXPECT_EQ(step.evidence_ref(), absl::StrCat("DOC-", v1::CaseState_Name(to))) << what;
          EXPECT_EQ(FromProto(step.at()), clock.Now()) << what;
        } else {
          ++refused;
          ASSERT_FALSE(next.ok()) << what;
          EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition) << what;
          EXPECT_THAT(next.status().message(), HasSubstr("allowed next: ")) << what;
          for (CaseState ok_to : tos) {
            std::string name = v1::CaseState_Name(ok_to).substr(11);
            EXPECT_THAT(next.status().message(), HasSubstr(name)) << what;
          }
          if (tos.empty()) {
            EXPECT_THAT(next.status().message(), HasSubstr("none, the case is finished")) << what;
          }
        }
      }
      // AllowedNext agrees with the plan.
      FakeClock clock;
      const v1::EnforcementCase c = CaseIn(dimension, from, clock);
      std::vector<CaseState> structural = AllowedNext(c);
      EXPECT_EQ(std::set<CaseState>(structural.begin(), structural.end()), tos)
          << v1::Dimension_Name(dimension) << " " << v1::CaseState_Name(from);
      EXPECT_EQ(IsTerminal(dimension, from), tos.empty());
    }
  }
  EXPECT_EQ(allowed, 32);
  EXPECT_GT(refused, 300);
}

TEST(CaseMachineTest, OpenCaseStartsInFoundWithOneStep) {
  FakeClock clock;
  auto c = OpenCase(Opening(v1::DIMENSION_SAFETY), clock);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->state(), v1::CASE_STATE_FOUND);
  ASSERT_EQ(c->history_size(), 1);
  EXPECT_EQ(c->history(0).from_state(), v1::CASE_STATE_UNSPECIFIED);
  EXPECT_EQ(c->history(0).to_state(), v1::CASE_STATE_FOUND);
  EXPECT_EQ(c->history(0).actor(), "dept:MIIT:440606:inspector");
  EXPECT_EQ(c->history(0).evidence_ref(), "RPT-1");
  EXPECT_EQ(FromProto(c->found_at()), clock.Now());
  EXPECT_FALSE(c->has_deadline());
}

TEST(CaseMachineTest, OpenCaseRefusesBadInput) {
  FakeClock clock;
  CaseOpening o = Opening(v1::DIMENSION_ENERGY);
  o.actor = "";
  EXPECT_THAT(OpenCase(o, clock).status().message(), HasSubstr("actor"));
  o = Opening(v1::DIMENSION_ENERGY);
  o.evidence_ref = " ";
  EXPECT_THAT(OpenCase(o, clock).status().message(), HasSubstr("evidence_ref"));
  o = Opening(v1::DIMENSION_ENERGY);
  o.found_at = clock.Now() + absl::Seconds(1);
  auto future = OpenCase(o, clock);
  EXPECT_EQ(future.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(future.status().message(), HasSubstr("found_at"));
  o = Opening(v1::DIMENSION_UNSPECIFIED);
  EXPECT_THAT(OpenCase(o, clock).status().message(), HasSubstr("dimension"));
}

TEST(CaseMachineTest, NoQualityCasesForCopperLeadSmeltingAndPower) {
  FakeClock clock;
  for (v1::Industry industry :
       {v1::INDUSTRY_COPPER_SMELTING, v1::INDUSTRY_LEAD_SMELTING, v1::INDUSTRY_SMALL_COAL_POWER}) {
    auto c = OpenCase(Opening(v1::DIMENSION_QUALITY, industry), clock);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << industry;
    EXPECT_THAT(c.status().message(), HasSubstr("enforcement_case.dimension")) << industry;
    // The other dimensions apply to them.
    EXPECT_TRUE(OpenCase(Opening(v1::DIMENSION_SAFETY, industry), clock).ok()) << industry;
  }
  EXPECT_TRUE(OpenCase(Opening(v1::DIMENSION_QUALITY, v1::INDUSTRY_CEMENT), clock).ok());
}

TEST(CaseMachineTest, AdvanceRefusesMissingActorOrEvidenceAndKeepsTheCase) {
  FakeClock clock;
  const v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_SAFETY), clock).value();
  Transition t = To(v1::CASE_STATE_SUSPENDED, clock);
  t.actor = "";
  auto r = Advance(c, t, clock);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("actor"));
  t = To(v1::CASE_STATE_SUSPENDED, clock);
  t.evidence_ref = "";
  EXPECT_THAT(Advance(c, t, clock).status().message(), HasSubstr("evidence_ref"));
  t = To(v1::CASE_STATE_UNSPECIFIED, clock);
  EXPECT_THAT(Advance(c, t, clock).status().message(), HasSubstr("to_state"));
}

TEST(CaseMachineTest, HistoryIsAppendOnly) {
  FakeClock clock;
  v1::EnforcementCase c = CaseIn(v1::DIMENSION_ENERGY, v1::CASE_STATE_EXTENDED, clock);
  const v1::EnforcementCase before = c;
  clock.Advance(absl::Hours(1));
  auto after = Advance(c, To(v1::CASE_STATE_ORDERED_CLOSED, clock), clock);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->history_size(), before.history_size() + 1);
  for (int i = 0; i < before.history_size(); ++i) {
    EXPECT_EQ(after->history(i).SerializeAsString(), before.history(i).SerializeAsString()) << i;
  }
  // The input is not modified.
  EXPECT_EQ(c.SerializeAsString(), before.SerializeAsString());
}

TEST(CaseMachineTest, StepTimesNeverGoBackwards) {
  FakeClock clock;
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_SAFETY), clock).value();
  clock.Advance(-absl::Hours(2));  // another node's clock was ahead
  auto next = Advance(c, To(v1::CASE_STATE_SUSPENDED, clock), clock);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(FromProto(next->history(1).at()), FromProto(c.history(0).at()));
}

// ---- Month arithmetic and deadlines (CST) ----

TEST(CaseMachineTest, DayAfterMonthsFollowsTheCivilCode) {
  EXPECT_EQ(DayAfterMonths(Day(2019, 4, 1), 6), Day(2019, 10, 1));
  // No corresponding day: the month's last day.
  EXPECT_EQ(DayAfterMonths(Day(2019, 8, 31), 6), Day(2020, 2, 29));  // leap
  EXPECT_EQ(DayAfterMonths(Day(2018, 8, 31), 6), Day(2019, 2, 28));
  EXPECT_EQ(DayAfterMonths(Day(2019, 3, 31), 6), Day(2019, 9, 30));
  // Across a year.
  EXPECT_EQ(DayAfterMonths(Day(2019, 10, 1), 3), Day(2020, 1, 1));
  EXPECT_EQ(DayAfterMonths(Day(2020, 2, 29), 3), Day(2020, 5, 29));
}

TEST(CaseMachineTest, ADeadlineIsAChinaDayWhateverInstantNamesIt) {
  // Written as the day's first instant in China time, read back as that day.
  EXPECT_EQ(FromProto(DeadlineToProto(Day(2027, 6, 6))), Cst(2027, 6, 6));
  EXPECT_EQ(DeadlineDayOf(DeadlineToProto(Day(2027, 6, 6))), Day(2027, 6, 6));
  // The form stores held before issue 18 (the day's last instant) reads as the same day.
  EXPECT_EQ(DeadlineDayOf(ToProto(LastInstantOf(2027, 6, 6))), Day(2027, 6, 6));
  // 2019-04-01 00:30 CST is still 2019-03-31 in UTC; the China day counts.
  EXPECT_EQ(DeadlineDayOf(ToProto(Cst(2019, 4, 1, 0, 30))), Day(2019, 4, 1));
  // What a client sends: a day as text, an instant, or both when they agree.
  google::protobuf::Timestamp t = ToProto(Cst(2027, 9, 6, 15));
  EXPECT_EQ(RequestedDeadline("deadline", &t, "").value(), Day(2027, 9, 6));
  EXPECT_EQ(RequestedDeadline("deadline", nullptr, "2027-09-06").value(), Day(2027, 9, 6));
  EXPECT_EQ(RequestedDeadline("deadline", &t, "2027-09-06").value(), Day(2027, 9, 6));
  EXPECT_FALSE(RequestedDeadline("deadline", nullptr, "").value().has_value());
  auto disagree = RequestedDeadline("deadline", &t, "2027-09-07");
  EXPECT_EQ(disagree.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(disagree.status().message(), HasSubstr("deadline_day names 2027-09-07"));
  auto bad = RequestedDeadline("deadline", nullptr, "2027-9-6");
  EXPECT_THAT(bad.status().message(), HasSubstr("deadline_day: '2027-9-6' is not a day"));
}

TEST(CaseMachineTest, EnergyDeadlineIsSixMonthsAndOverdueTheDayAfter) {
  FakeClock clock(Cst(2019, 4, 1, 10));
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_ENERGY), clock).value();
  EXPECT_FALSE(IsOverdue(c, clock.Now() + absl::Hours(24 * 365)));  // FOUND: no deadline runs
  clock.Advance(absl::Hours(24));
  c = Advance(c, To(v1::CASE_STATE_RECTIFYING, clock), clock).value();
  EXPECT_EQ(FromProto(c.deadline()), Cst(2019, 10, 1));
  EXPECT_EQ(c.deadline_day(), "2019-10-01");
  EXPECT_EQ(FromProto(c.history(1).deadline()), Cst(2019, 10, 1));
  EXPECT_EQ(c.history(1).deadline_day(), "2019-10-01");
  // The whole deadline day is in time; the next day is overdue.
  EXPECT_FALSE(IsOverdue(c, Cst(2019, 10, 1)));
  EXPECT_FALSE(IsOverdue(c, LastInstantOf(2019, 10, 1)));
  EXPECT_TRUE(IsOverdue(c, LastInstantOf(2019, 10, 1) + absl::Nanoseconds(1)));
  EXPECT_TRUE(IsOverdue(c, Cst(2019, 10, 2)));
}

TEST(CaseMachineTest, EnergyDeadlineFromAug31IsEndOfFebruary) {
  FakeClock clock(Cst(2019, 9, 1));
  CaseOpening o = Opening(v1::DIMENSION_ENERGY);
  o.found_at = Cst(2019, 8, 31, 16);
  v1::EnforcementCase c = OpenCase(o, clock).value();
  c = Advance(c, To(v1::CASE_STATE_RECTIFYING, clock), clock).value();
  EXPECT_EQ(c.deadline_day(), "2020-02-29");
}

TEST(CaseMachineTest, EnergyRectifyingDeadlineCannotBeChosen) {
  FakeClock clock;
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_ENERGY), clock).value();
  Transition t = To(v1::CASE_STATE_RECTIFYING, clock);
  t.deadline = ChinaCivilDay(clock.Now()) + 30;
  auto r = Advance(c, t, clock);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("deadline"));
}

TEST(CaseMachineTest, EnergyExtensionAtMostThreeMonthsAtItsBoundary) {
  FakeClock clock(Cst(2019, 4, 1, 10));
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_ENERGY), clock).value();
  c = Advance(c, To(v1::CASE_STATE_RECTIFYING, clock), clock).value();
  clock.Set(Cst(2019, 9, 20));
  // Exactly 3 months after 2019-10-01: 2020-01-01 is allowed.
  Transition t = To(v1::CASE_STATE_EXTENDED, clock);
  t.deadline = Day(2020, 1, 1);
  auto ok = Advance(c, t, clock);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->deadline_day(), "2020-01-01");
  EXPECT_EQ(ok->extensions(), 1);
  // One day more is refused, naming both days.
  t.deadline = Day(2020, 1, 2);
  auto too_long = Advance(c, t, clock);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.status().message(),
              HasSubstr("at most 3 months after the current deadline 2019-10-01, so end on "
                        "2020-01-01 at the latest; asked for 2020-01-02"));
  // Shorter is fine; not after the current deadline is not an extension.
  t.deadline = Day(2019, 11, 15);
  EXPECT_EQ(Advance(c, t, clock)->deadline_day(), "2019-11-15");
  t.deadline = Day(2019, 10, 1);
  EXPECT_EQ(Advance(c, t, clock).status().code(), absl::StatusCode::kInvalidArgument);
  t.deadline = Day(2019, 10, 2);
  EXPECT_TRUE(Advance(c, t, clock).ok());
  // Unset: the full 3 months.
  t.deadline.reset();
  EXPECT_EQ(Advance(c, t, clock)->deadline_day(), "2020-01-01");
}

TEST(CaseMachineTest, EnergyExtensionOfACaseStoredInTheOldFormCountsFromItsDay) {
  // Stores before issue 18 hold the deadline as the day's last instant.
  FakeClock clock(Cst(2026, 12, 6, 10));
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_ENERGY), clock).value();
  c = Advance(c, To(v1::CASE_STATE_RECTIFYING, clock), clock).value();
  *c.mutable_deadline() = ToProto(LastInstantOf(2027, 6, 6));
  c.clear_deadline_day();
  Transition t = To(v1::CASE_STATE_EXTENDED, clock);
  t.deadline = Day(2027, 9, 6);
  auto ok = Advance(c, t, clock);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->deadline_day(), "2027-09-06");
  EXPECT_EQ(ok->history(1).deadline_day(), "2027-06-06");  // the old step, shown as its day
  EXPECT_EQ(FromProto(ok->history(1).deadline()), Cst(2027, 6, 6));
  t.deadline = Day(2027, 9, 7);
  EXPECT_EQ(Advance(c, t, clock).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CaseMachineTest, EnergyExtensionFromEndOfFebruary) {
  FakeClock clock(Cst(2019, 9, 1));
  CaseOpening o = Opening(v1::DIMENSION_ENERGY);
  o.found_at = Cst(2019, 8, 31);
  v1::EnforcementCase c = OpenCase(o, clock).value();
  c = Advance(c, To(v1::CASE_STATE_RECTIFYING, clock), clock).value();
  c = Advance(c, To(v1::CASE_STATE_EXTENDED, clock), clock).value();
  EXPECT_EQ(c.deadline_day(), "2020-05-29");
}

TEST(CaseMachineTest, EnergyExtensionMustBeAskedByTheDeadlineDay) {
  FakeClock clock(Cst(2019, 4, 1, 10));
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_ENERGY), clock).value();
  c = Advance(c, To(v1::CASE_STATE_RECTIFYING, clock), clock).value();
  clock.Set(LastInstantOf(2019, 10, 1));  // the deadline day's last instant: still in time
  EXPECT_TRUE(Advance(c, To(v1::CASE_STATE_EXTENDED, clock), clock).ok());
  EXPECT_THAT(AllowedNext(c, clock.Now()),
              ElementsAre(v1::CASE_STATE_EXTENDED, v1::CASE_STATE_COMPLIANT,
                          v1::CASE_STATE_ORDERED_CLOSED));
  clock.Advance(absl::Nanoseconds(1));  // the next day: overdue
  auto late = Advance(c, To(v1::CASE_STATE_EXTENDED, clock), clock);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.status().message(), HasSubstr("by the deadline"));
  EXPECT_THAT(late.status().message(), HasSubstr("allowed next: COMPLIANT, ORDERED_CLOSED"));
  EXPECT_THAT(AllowedNext(c, clock.Now()),
              ElementsAre(v1::CASE_STATE_COMPLIANT, v1::CASE_STATE_ORDERED_CLOSED));
  // Overdue -> ordered closed -> closed and exited.
  c = Advance(c, To(v1::CASE_STATE_ORDERED_CLOSED, clock), clock).value();
  EXPECT_FALSE(c.has_deadline());
  EXPECT_EQ(c.deadline_day(), "");
  EXPECT_FALSE(IsOverdue(c, clock.Now()));
  c = Advance(c, To(v1::CASE_STATE_CLOSED_EXITED, clock), clock).value();
  EXPECT_TRUE(AllowedNext(c, clock.Now()).empty());
}

TEST(CaseMachineTest, EnergyOnlyOneExtension) {
  FakeClock clock(Cst(2019, 4, 1, 10));
  v1::EnforcementCase c = CaseIn(v1::DIMENSION_ENERGY, v1::CASE_STATE_EXTENDED, clock);
  EXPECT_EQ(c.extensions(), 1);
  EXPECT_EQ(c.deadline_day(), "2020-01-01");
  auto again = Advance(c, To(v1::CASE_STATE_EXTENDED, clock), clock);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  // A case that somehow came back to RECTIFYING with its extension used gets no second one.
  v1::EnforcementCase odd = c;
  odd.set_state(v1::CASE_STATE_RECTIFYING);
  odd.mutable_history(odd.history_size() - 1)->set_to_state(v1::CASE_STATE_RECTIFYING);
  auto second = Advance(odd, To(v1::CASE_STATE_EXTENDED, clock), clock);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("already granted"));
  // Overdue after the extended deadline day.
  EXPECT_FALSE(IsOverdue(c, LastInstantOf(2020, 1, 1)));
  EXPECT_TRUE(IsOverdue(c, Cst(2020, 1, 2)));
}

TEST(CaseMachineTest, QualitySuspensionNeedsADeadlineNotBeforeToday) {
  FakeClock clock(Cst(2019, 5, 10, 15));
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_QUALITY), clock).value();
  Transition t = To(v1::CASE_STATE_SUSPENDED, clock);
  t.deadline.reset();
  EXPECT_THAT(Advance(c, t, clock).status().message(), HasSubstr("deadline: is required"));
  // Yesterday is past; today is the earliest deadline (the whole day remains).
  t.deadline = Day(2019, 5, 9);
  EXPECT_THAT(Advance(c, t, clock).status().message(),
              HasSubstr("2019-05-09 is already past (today is 2019-05-10"));
  t.deadline = Day(2019, 5, 10);
  EXPECT_TRUE(Advance(c, t, clock).ok());
  t.deadline = Day(2019, 6, 30);
  auto ok = Advance(c, t, clock);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->deadline_day(), "2019-06-30");
  EXPECT_FALSE(IsOverdue(*ok, LastInstantOf(2019, 6, 30)));
  EXPECT_TRUE(IsOverdue(*ok, Cst(2019, 7, 1)));
  // Overdue -> licences revoked; no deadline afterwards.
  clock.Set(Cst(2019, 7, 1));
  auto revoked = Advance(*ok, To(v1::CASE_STATE_LICENCES_REVOKED, clock), clock);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_FALSE(IsOverdue(*revoked, Cst(2020, 1, 1)));
}

TEST(CaseMachineTest, DeadlineOnlyWhereOneRuns) {
  FakeClock clock;
  v1::EnforcementCase c = CaseIn(v1::DIMENSION_SAFETY, v1::CASE_STATE_SUSPENDED, clock);
  Transition t = To(v1::CASE_STATE_CLOSURE_REQUESTED, clock);
  t.deadline = ChinaCivilDay(clock.Now()) + 1;
  EXPECT_THAT(Advance(c, t, clock).status().message(), HasSubstr("not used"));
}

// ---- Effective days: when a step happened, beside when it was recorded ----

TEST(CaseMachineTest, EveryStepTakesAnEffectiveDayBesideWhenItWasRecorded) {
  FakeClock clock(Cst(2026, 12, 7, 10));
  CaseOpening o = Opening(v1::DIMENSION_TECHNOLOGY);
  o.found_at = Cst(2026, 9, 1, 9);
  v1::EnforcementCase c = OpenCase(o, clock).value();
  EXPECT_EQ(c.history(0).effective_day(), "2026-09-01");
  // Power cut on 2026-10-15, recorded today.
  Transition s = Sealing(v1::SEALING_STEP_POWER_CUT);
  s.effective_day = Day(2026, 12, 8);
  auto future = Advance(c, s, clock);
  EXPECT_EQ(future.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(future.status().message(),
              HasSubstr("effective_day: 2026-12-08 is in the future (today is 2026-12-07"));
  s.effective_day = Day(2026, 8, 31);
  EXPECT_THAT(Advance(c, s, clock).status().message(),
              HasSubstr("effective_day: 2026-08-31 is before the case's previous step, which "
                        "took effect on 2026-09-01"));
  s.effective_day = Day(2026, 9, 1);  // the boundary: the day it was found
  EXPECT_TRUE(Advance(c, s, clock).ok());
  s.effective_day = Day(2026, 10, 15);
  c = Advance(c, s, clock).value();
  EXPECT_EQ(c.history(1).effective_day(), "2026-10-15");
  EXPECT_EQ(FromProto(c.history(1).at()), clock.Now());  // recorded today
  EXPECT_EQ(FromProto(c.sealing().power_cut()), Cst(2026, 10, 15));
  // The next step cannot be dated before it; unset is today, and today is allowed.
  Transition w = Sealing(v1::SEALING_STEP_WATER_CUT);
  w.effective_day = Day(2026, 10, 14);
  EXPECT_EQ(Advance(c, w, clock).status().code(), absl::StatusCode::kInvalidArgument);
  w.effective_day = Day(2026, 10, 15);
  EXPECT_TRUE(Advance(c, w, clock).ok());
  w.effective_day.reset();
  c = Advance(c, w, clock).value();
  EXPECT_EQ(c.history(2).effective_day(), "2026-12-07");
  EXPECT_EQ(FromProto(c.sealing().water_cut()), clock.Now());
}

TEST(CaseMachineTest, ClosureIsDatedByItsEffectiveDay) {
  FakeClock clock(Cst(2026, 12, 7, 10));
  CaseOpening o = Opening(v1::DIMENSION_ENERGY);
  o.found_at = Cst(2026, 1, 5);
  v1::EnforcementCase c = OpenCase(o, clock).value();
  Transition t = To(v1::CASE_STATE_RECTIFYING, clock);
  t.effective_day = Day(2026, 1, 10);
  c = Advance(c, t, clock).value();
  EXPECT_EQ(c.deadline_day(), "2026-07-05");  // from found_at, whenever it was recorded
  t = To(v1::CASE_STATE_ORDERED_CLOSED, clock);
  t.effective_day = Day(2026, 11, 20);
  c = Advance(c, t, clock).value();
  t = To(v1::CASE_STATE_CLOSED_EXITED, clock);
  t.effective_day = Day(2026, 11, 30);
  c = Advance(c, t, clock).value();
  std::optional<CaseClosure> closure = ClosureOf(c);
  ASSERT_TRUE(closure.has_value());
  EXPECT_EQ(closure->at, Cst(2026, 11, 30));
  // A step recorded before issue 18 (no effective_day) reads as the day it was recorded.
  c.mutable_history(3)->clear_effective_day();
  EXPECT_EQ(ClosureOf(c)->at, clock.Now());
  EXPECT_EQ(EffectiveDayOf(c.history(3)), Day(2026, 12, 7));
}

TEST(CaseMachineTest, EnvironmentClosureNeedsTheApprovingGovernment) {
  FakeClock clock;
  v1::EnforcementCase c = CaseIn(v1::DIMENSION_ENVIRONMENT, v1::CASE_STATE_SUSPENDED, clock);
  Transition t = To(v1::CASE_STATE_CLOSURE_APPROVED, clock);
  t.approving_authority = "";
  EXPECT_THAT(Advance(c, t, clock).status().message(), HasSubstr("approving_authority"));
  t.approving_authority = "佛山市人民政府";
  auto ok = Advance(c, t, clock);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->history(ok->history_size() - 1).approving_authority(), "佛山市人民政府");
}

TEST(CaseMachineTest, TechnologySealingStepsThenSealThenAccept) {
  FakeClock clock;
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_TECHNOLOGY), clock).value();
  // Sealing before the steps is refused, naming the missing ones.
  auto early = Advance(c, To(v1::CASE_STATE_SEALED, clock), clock);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.status().message(),
              HasSubstr("water_cut, power_cut, power_units_removed, equipment_sealed, "
                        "public_commitment"));
  EXPECT_THAT(AllowedNext(c, clock.Now()), ElementsAre(v1::CASE_STATE_DISMANTLED));
  int steps = 1;
  for (v1::SealingStep step : kAllSealingSteps) {
    clock.Advance(absl::Minutes(10));
    auto next = Advance(c, Sealing(step), clock);
    ASSERT_TRUE(next.ok()) << next.status();
    c = *next;
    ++steps;
    ASSERT_EQ(c.history_size(), steps);
    const v1::CaseTransition& t = c.history(steps - 1);
    EXPECT_EQ(t.sealing_step(), step);
    EXPECT_EQ(t.from_state(), v1::CASE_STATE_FOUND);
    EXPECT_EQ(t.to_state(), v1::CASE_STATE_FOUND);
    EXPECT_EQ(c.state(), v1::CASE_STATE_FOUND);
    // A step is recorded once.
    EXPECT_THAT(Advance(c, Sealing(step), clock).status().message(), HasSubstr("already recorded"));
  }
  EXPECT_EQ(FromProto(c.sealing().water_cut()), Cst(2019, 4, 1, 8, 10));
  EXPECT_EQ(FromProto(c.sealing().equipment_sealed()), Cst(2019, 4, 1, 8, 40));
  EXPECT_TRUE(c.sealing().public_commitment());
  EXPECT_EQ(FromProto(c.sealing().public_commitment_at()), Cst(2019, 4, 1, 8, 50));
  c = Advance(c, To(v1::CASE_STATE_SEALED, clock), clock).value();
  // After sealing, steps are no longer recorded.
  v1::EnforcementCase copy = c;
  EXPECT_EQ(Advance(copy, Sealing(v1::SEALING_STEP_WATER_CUT), clock).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Acceptance: who and when; not in the future, not before the sealing.
  clock.Advance(absl::Hours(24 * 3));
  Transition accept = To(v1::CASE_STATE_ACCEPTED, clock);
  accept.inspected_at = clock.Now() + absl::Hours(1);
  EXPECT_THAT(Advance(c, accept, clock).status().message(), HasSubstr("inspected_at"));
  accept.inspected_at = Cst(2019, 3, 1);
  EXPECT_THAT(Advance(c, accept, clock).status().message(), HasSubstr("before the case reached"));
  accept.inspected_at = clock.Now() - absl::Hours(24);
  auto accepted = Advance(c, accept, clock);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->accepted_by(), "验收组 (synthetic)");
  EXPECT_EQ(FromProto(accepted->accepted_at()), clock.Now() - absl::Hours(24));
  const v1::CaseTransition& last = accepted->history(accepted->history_size() - 1);
  EXPECT_EQ(last.inspected_by(), "验收组 (synthetic)");
  auto exited = Advance(*accepted, To(v1::CASE_STATE_CLOSED_EXITED, clock), clock);
  ASSERT_TRUE(exited.ok()) << exited.status();
}

TEST(CaseMachineTest, SealingStepsOnlyOnTechnologyCases) {
  FakeClock clock;
  v1::EnforcementCase c = OpenCase(Opening(v1::DIMENSION_SAFETY), clock).value();
  auto r = Advance(c, Sealing(v1::SEALING_STEP_WATER_CUT), clock);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("allowed next: SUSPENDED"));
}

TEST(CaseMachineTest, AcceptanceDefaultsToTheActorNow) {
  FakeClock clock;
  v1::EnforcementCase c = CaseIn(v1::DIMENSION_TECHNOLOGY, v1::CASE_STATE_DISMANTLED, clock);
  Transition t = To(v1::CASE_STATE_ACCEPTED, clock);
  t.inspected_by = "";
  auto ok = Advance(c, t, clock);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->accepted_by(), "dept:MIIT:440606:inspector");
  EXPECT_EQ(FromProto(ok->accepted_at()), clock.Now());
}

TEST(CaseMachineTest, ClosureUnderAnotherDimensionCancelsTheProductionLicence) {
  FakeClock clock;
  v1::EnforcementCase closed = CaseIn(v1::DIMENSION_ENERGY, v1::CASE_STATE_CLOSED_EXITED, clock);
  auto q = LicenceCancellationFor(closed, "dept:SAMR:440606:clerk", "注销决定书 1", clock);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->case_id(), "qlc-C-DIMENSION_ENERGY");
  EXPECT_EQ(q->dimension(), v1::DIMENSION_QUALITY);
  EXPECT_EQ(q->state(), v1::CASE_STATE_LICENCE_CANCELLED);
  EXPECT_EQ(q->closing_case_id(), closed.case_id());
  EXPECT_EQ(q->credit_code(), closed.credit_code());
  ASSERT_EQ(q->history_size(), 2);
  EXPECT_EQ(q->history(1).evidence_ref(), "注销决定书 1");
  EXPECT_TRUE(IsTerminal(v1::DIMENSION_QUALITY, q->state()));

  // Not yet closed: refused.
  v1::EnforcementCase open = CaseIn(v1::DIMENSION_ENERGY, v1::CASE_STATE_ORDERED_CLOSED, clock);
  EXPECT_EQ(LicenceCancellationFor(open, "a", "b", clock).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Copper smelting has no production licence under the Product Quality Law.
  v1::EnforcementCase copper = closed;
  copper.set_industry(v1::INDUSTRY_COPPER_SMELTING);
  EXPECT_EQ(LicenceCancellationFor(copper, "a", "b", clock).status().code(),
            absl::StatusCode::kInvalidArgument);
  // An open quality case may also end this way, citing the closure.
  v1::EnforcementCase quality = CaseIn(v1::DIMENSION_QUALITY, v1::CASE_STATE_SUSPENDED, clock);
  Transition t = To(v1::CASE_STATE_LICENCE_CANCELLED, clock);
  t.closing_case_id = "";
  EXPECT_THAT(Advance(quality, t, clock).status().message(), HasSubstr("closing_case_id"));
}

}  // namespace
}  // namespace tierhub::domain
