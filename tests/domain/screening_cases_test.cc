#include "services/domain/screening_cases.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/case_machine.h"
#include "services/domain/credit_code.h"

namespace tierhub::domain {
namespace {

using ::testing::HasSubstr;
using Action = ScreeningOutcome::Action;

std::string Code() { return domain::MakeCreditCode('9', '1', "440606", "TH000002").value(); }

v1::Equipment BlastFurnace(const std::string& id, double m3) {
  v1::Equipment e;
  e.set_equipment_id(id);
  e.set_credit_code(Code());
  e.set_region_code("440606");
  e.set_industry(v1::INDUSTRY_STEEL);
  e.set_type(v1::EQUIPMENT_TYPE_BLAST_FURNACE);
  e.set_volume_m3(m3);
  return e;
}

v1::Equipment Converter(const std::string& id, double t) {
  v1::Equipment e = BlastFurnace(id, 0);
  e.set_type(v1::EQUIPMENT_TYPE_CONVERTER);
  e.set_volume_m3(0);
  e.set_tonnage_t(t);
  return e;
}

TEST(ScreeningCasesTest, EliminatedEquipmentOpensATechnologyCaseCitingTheRule) {
  FakeClock clock;
  auto out = ScreenToCase(BlastFurnace("BF-2", 300), nullptr, "node:440606:gd-440606", clock);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->action, Action::kCreate);
  EXPECT_EQ(out->rule_id, "T5-STEEL-1");
  EXPECT_EQ(out->case_id, "tech-" + Code() + "-BF-2");
  ASSERT_TRUE(out->enforcement_case.has_value());
  const v1::EnforcementCase& c = *out->enforcement_case;
  EXPECT_EQ(c.case_id(), out->case_id);
  EXPECT_EQ(c.dimension(), v1::DIMENSION_TECHNOLOGY);
  EXPECT_EQ(c.state(), v1::CASE_STATE_FOUND);
  EXPECT_EQ(c.rule_ref(), "T5-STEEL-1");
  EXPECT_EQ(c.equipment_id(), "BF-2");
  EXPECT_EQ(c.credit_code(), Code());
  EXPECT_EQ(c.region_code(), "440606");
  EXPECT_EQ(c.industry(), v1::INDUSTRY_STEEL);
  EXPECT_THAT(c.finding(), HasSubstr("400立方米"));
  EXPECT_EQ(c.history(0).evidence_ref(), "screening:T5-STEEL-1");
  EXPECT_EQ(c.history(0).actor(), "node:440606:gd-440606");
}

TEST(ScreeningCasesTest, CaseIdIsDeterministic) {
  FakeClock a;
  FakeClock b(absl::FromUnixSeconds(1600000000));
  auto x = ScreenToCase(BlastFurnace("BF-2", 300), nullptr, "n", a);
  auto y = ScreenToCase(BlastFurnace("BF-2", 350), nullptr, "m", b);
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_EQ(x->case_id, y->case_id);
  EXPECT_EQ(ScreeningCaseId(BlastFurnace("BF-2", 1)), x->case_id);
}

TEST(ScreeningCasesTest, KeptEquipmentOpensNothing) {
  FakeClock clock;
  auto out = ScreenToCase(BlastFurnace("BF-3", 1200), nullptr, "n", clock);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->action, Action::kNone);
  EXPECT_FALSE(out->enforcement_case.has_value());
  EXPECT_TRUE(out->case_id.empty());
}

TEST(ScreeningCasesTest, UnmeasuredEquipmentIsUncheckedNotEliminated) {
  FakeClock clock;
  auto out = ScreenToCase(BlastFurnace("BF-4", 0), nullptr, "n", clock);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->action, Action::kNone);
  EXPECT_THAT(out->unchecked_rule_ids, ::testing::Contains("T5-STEEL-1"));
}

TEST(ScreeningCasesTest, ExistingCaseIsUnchangedOrUpdatedOrReviewed) {
  FakeClock clock;
  v1::EnforcementCase existing =
      *ScreenToCase(BlastFurnace("BF-2", 300), nullptr, "n", clock)->enforcement_case;
  // Same verdict: nothing to write.
  auto same = ScreenToCase(BlastFurnace("BF-2", 300), &existing, "n", clock);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->action, Action::kUnchanged);
  EXPECT_FALSE(same->enforcement_case.has_value());
  // The rule it cites changed (simulated: the stored case cites another rule).
  v1::EnforcementCase stale = existing;
  stale.set_rule_ref("T5-STEEL-OLD");
  auto updated = ScreenToCase(BlastFurnace("BF-2", 300), &stale, "n", clock);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->action, Action::kUpdate);
  ASSERT_TRUE(updated->enforcement_case.has_value());
  EXPECT_EQ(updated->enforcement_case->rule_ref(), "T5-STEEL-1");
  EXPECT_EQ(updated->enforcement_case->history_size(), stale.history_size());
  // Past FOUND, enforcement is under way: the case is left alone.
  Transition t;
  t.to = v1::CASE_STATE_DISMANTLED;
  t.actor = "a";
  t.evidence_ref = "e";
  v1::EnforcementCase dismantled = Advance(stale, t, clock).value();
  EXPECT_EQ(ScreenToCase(BlastFurnace("BF-2", 300), &dismantled, "n", clock)->action,
            Action::kUnchanged);
  // No longer eliminated (e.g. the volume was corrected): a person reviews it.
  auto review = ScreenToCase(BlastFurnace("BF-2", 1200), &existing, "n", clock);
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->action, Action::kReview);
  EXPECT_EQ(review->case_id, existing.case_id());
  EXPECT_FALSE(review->enforcement_case.has_value());
}

TEST(ScreeningCasesTest, GasProducersOpenEnvironmentCases) {
  FakeClock clock;
  v1::Equipment e = BlastFurnace("GP-1", 0);
  e.set_industry(v1::INDUSTRY_CERAMICS);
  e.set_type(v1::EQUIPMENT_TYPE_GAS_PRODUCER);
  e.set_diameter_m(2.4);
  auto out = ScreenToCase(e, nullptr, "n", clock);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->action, Action::kCreate);
  EXPECT_EQ(out->rule_id, "T2-GAS-PRODUCER");
  EXPECT_EQ(out->case_id, "env-" + Code() + "-GP-1");
  EXPECT_EQ(out->enforcement_case->dimension(), v1::DIMENSION_ENVIRONMENT);
}

TEST(ScreeningCasesTest, InvalidEquipmentIsRefused) {
  FakeClock clock;
  v1::Equipment e = BlastFurnace("BF/2", 300);
  auto out = ScreenToCase(e, nullptr, "n", clock);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(out.status().message(), HasSubstr("equipment_id"));
  // An id too long for a case id.
  e = BlastFurnace(std::string(120, 'x'), 300);
  out = ScreenToCase(e, nullptr, "n", clock);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(out.status().message(), HasSubstr("case_id"));
}

TEST(ScreeningCasesTest, RescreenAllAnswersPerItem) {
  FakeClock clock;
  std::map<std::string, v1::EnforcementCase> stored;
  v1::EnforcementCase old =
      *ScreenToCase(Converter("CV-1", 25), nullptr, "n", clock)->enforcement_case;
  stored[old.case_id()] = old;
  std::vector<v1::Equipment> all = {
      BlastFurnace("BF-2", 300),    // new case
      Converter("CV-1", 25),        // unchanged
      BlastFurnace("BF/bad", 300),  // invalid
      BlastFurnace("BF-9", 2000),   // nothing
  };
  auto items = RescreenAll(
      all,
      [&](const std::string& id) -> std::optional<v1::EnforcementCase> {
        auto it = stored.find(id);
        if (it == stored.end()) return std::nullopt;
        return it->second;
      },
      "n", clock);
  ASSERT_EQ(items.size(), 4u);
  EXPECT_TRUE(items[0].status.ok());
  EXPECT_EQ(items[0].outcome.action, Action::kCreate);
  EXPECT_EQ(items[1].outcome.action, Action::kUnchanged);
  EXPECT_EQ(items[2].status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(items[2].outcome.equipment_key, Code() + "/BF/bad");
  EXPECT_TRUE(items[3].status.ok());
  EXPECT_EQ(items[3].outcome.action, Action::kNone);
}

}  // namespace
}  // namespace tierhub::domain
