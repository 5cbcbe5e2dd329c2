// The registry's and coordinator's record kinds: keys, regions, validation; and the rounds.
#include "gtest/gtest.h"
#include "services/domain/record_key.h"
#include "services/domain/rounds.h"
#include "services/domain/validation.h"

namespace tierhub::domain {
namespace {

constexpr char kCode[] = "91440606MA3EDFR842";

v1::Submission ValidSubmission() {
  v1::Submission s;
  s.set_submission_id("eco-2019-1");
  s.set_department(v1::DEPARTMENT_ECO);
  s.set_kind(v1::LIST_KIND_KEY_SUPERVISION);
  s.set_dimension(v1::DIMENSION_ENVIRONMENT);
  s.set_region_code("440600");
  s.set_round_id("2019-LISTS-1");
  s.set_version(1);
  s.mutable_submitted_at()->set_seconds(1555000000);
  s.mutable_updated_at()->set_seconds(1555000000);
  return s;
}

TEST(SubmissionRecordsTest, KeysAndRegions) {
  v1::Record r;
  *r.mutable_submission() = ValidSubmission();
  EXPECT_EQ(RecordKey(r), "sub/ECO/eco-2019-1");
  EXPECT_EQ(RecordRegion(r), "440600");

  v1::SubmissionVersion* v = r.mutable_submission_version();
  v->set_submission_id("eco-2019-1");
  v->set_department(v1::DEPARTMENT_ECO);
  v->set_region_code("440600");
  v->set_version(12);
  EXPECT_EQ(RecordKey(r), "subv/ECO/eco-2019-1/00000012");
  EXPECT_EQ(RecordRegion(r), "440600");

  v1::LateWaiver* w = r.mutable_late_waiver();
  w->set_round_id("2019-LISTS-1");
  w->set_department(v1::DEPARTMENT_SAMR);
  w->set_region_code("440604");
  EXPECT_EQ(RecordKey(r), "waiver/2019-LISTS-1/SAMR/440604");
  EXPECT_EQ(RecordRegion(r), "440604");

  v1::MergedEnterprise* m = r.mutable_merged_enterprise();
  m->set_credit_code(kCode);
  m->set_region_code("440606");
  EXPECT_EQ(RecordKey(r), "mrg/91440606MA3EDFR842");
  EXPECT_EQ(RecordRegion(r), "440606");
}

TEST(SubmissionRecordsTest, ValidationRefusesBadSubmissions) {
  EXPECT_TRUE(ValidateSubmission(ValidSubmission()).ok());
  v1::Submission s = ValidSubmission();
  s.set_dimension(v1::DIMENSION_QUALITY);  // ECO does not lead QUALITY
  EXPECT_NE(ValidateSubmission(s).message().find("submission.department: ECO does not lead"),
            std::string::npos)
      << ValidateSubmission(s);
  s = ValidSubmission();
  s.set_version(0);
  EXPECT_EQ(ValidateSubmission(s).message(), "submission.version: must be >= 1");
  s = ValidSubmission();
  s.set_withdrawn(true);
  s.set_entry_count(3);
  EXPECT_FALSE(ValidateSubmission(s).ok());
  s = ValidSubmission();
  s.set_region_code("449999");
  EXPECT_NE(ValidateSubmission(s).message().find("submission.region_code"), std::string::npos);

  v1::Record r;
  *r.mutable_submission() = ValidSubmission();
  EXPECT_TRUE(ValidateRecord(r).ok());
}

TEST(SubmissionRecordsTest, VersionOneIsTheCreate) {
  v1::SubmissionVersion v;
  v.set_submission_id("x");
  v.set_department(v1::DEPARTMENT_MEM);
  v.set_region_code("440000");
  v.set_version(2);
  v.set_action(v1::SubmissionVersion::ACTION_CREATE);
  v.mutable_at()->set_seconds(1);
  EXPECT_FALSE(ValidateSubmissionVersion(v).ok());
  v.set_action(v1::SubmissionVersion::ACTION_CORRECT);
  EXPECT_TRUE(ValidateSubmissionVersion(v).ok()) << ValidateSubmissionVersion(v);
}

TEST(RoundsTest, PlanDefaultsEndOnTheirDaysInChinaTime) {
  auto rounds = PlanDefaultRounds();
  ASSERT_EQ(rounds.size(), 5u);
  // 2019-04-15T23:59:59+08:00 = 2019-04-15T15:59:59Z.
  EXPECT_EQ(rounds[0].deadline().seconds(), 1555343999);
  EXPECT_EQ(rounds[0].scope(), v1::SubmissionRound::SCOPE_DEPARTMENT_LISTS);
  EXPECT_EQ(rounds[3].scope(), v1::SubmissionRound::SCOPE_CITY_SUMMARY);
  EXPECT_EQ(rounds[4].scope(), v1::SubmissionRound::SCOPE_PROVINCIAL_SUMMARY);
  for (const auto& r : rounds) EXPECT_TRUE(ValidateRound(r).ok()) << r.round_id();
  const absl::Time deadline = absl::FromUnixSeconds(1555343999);
  EXPECT_EQ(Lateness(rounds[0], deadline), absl::ZeroDuration());
  EXPECT_EQ(Lateness(rounds[0], deadline + absl::Hours(5)), absl::Hours(5));
  // A deadline stored as the day's first instant (as a client sends a day) names the same day.
  v1::SubmissionRound first_instant = rounds[0];
  first_instant.mutable_deadline()->set_seconds(1555257600);  // 2019-04-15T00:00:00+08:00
  EXPECT_EQ(Lateness(first_instant, deadline), absl::ZeroDuration());
  EXPECT_EQ(Lateness(first_instant, deadline + absl::Hours(5)), absl::Hours(5));
  EXPECT_EQ(ExpectedDepartments(v1::SubmissionRound::SCOPE_DEPARTMENT_LISTS).size(), 5u);
}

}  // namespace
}  // namespace tierhub::domain
