// The coordinator: merged views and contradictions, the merger's records, progress from
// counters (with the as-of view), and round status on each side of a deadline.
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "services/coordinator/coordinator_service.h"
#include "services/coordinator/freshness.h"
#include "services/coordinator/merge.h"
#include "services/domain/catalog.h"
#include "services/domain/record_key.h"
#include "tests/testutil/list_fixture.h"
#include "tests/testutil/store_reads.h"

namespace tierhub::testutil {
namespace {

using ::testing::HasSubstr;

class CoordinatorTest : public ListFixture {
 protected:
  void SetUp() override {
    ListFixture::SetUp();
    v1::Author author;
    author.set_node_id("gd");
    author.set_region_code("440000");
    merger_ = std::make_unique<coordinator::Merger>(store_.get(), author);
    freshness_ = std::make_unique<coordinator::Freshness>(store_.get());
    auth::NodeContext o;
    o.node_id = "gd";
    o.region_code = "440000";
    o.clock = &clock_;
    service_ = std::make_unique<coordinator::CoordinatorService>(o, store_.get(), freshness_.get());
  }
  void Submit(v1::Department d, v1::Dimension dim, v1::ListKind kind, const std::string& id,
              const std::string& region, std::vector<v1::ListRow> rows) {
    auto r = lists_->Submit(Dept(d), Call(id, d, dim, kind, region, std::move(rows)));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  std::optional<v1::MergedEnterprise> MergedOf(const std::string& code) {
    auto live = store_->GetLive(domain::MergedEnterpriseKey(code)).value();
    if (!live.has_value()) return std::nullopt;
    return live->merged_enterprise();
  }

  std::unique_ptr<coordinator::Merger> merger_;
  std::unique_ptr<coordinator::Freshness> freshness_;
  std::unique_ptr<coordinator::CoordinatorService> service_;
};

v1::Record MakeEnterpriseRecordForTest() {
  v1::Record record;
  v1::Enterprise* e = record.mutable_enterprise();
  e->set_credit_code(Code("440604", 77));
  e->set_name("测试企业77号 (synthetic)");
  e->set_region_code("440604");
  e->add_industries(v1::INDUSTRY_CERAMICS);
  e->set_status(v1::OPERATING_STATUS_OPERATING);
  return record;
}

// A ceramics ENERGY case of the enterprise Code(region, serial), found 2019-04-01, in `state`.
v1::Record EnergyCaseForTest(const std::string& id, const std::string& region, int serial,
                             v1::CaseState state) {
  v1::Record record;
  v1::EnforcementCase* c = record.mutable_enforcement_case();
  c->set_case_id(id);
  c->set_credit_code(Code(region, serial));
  c->set_region_code(region);
  c->set_industry(v1::INDUSTRY_CERAMICS);
  c->set_dimension(v1::DIMENSION_ENERGY);
  c->set_state(state);
  c->mutable_found_at()->set_seconds(1554076800);
  return record;
}

bool HasKind(const v1::MergedEnterprise& m, v1::Contradiction::Kind kind) {
  for (const auto& c : m.contradictions()) {
    if (c.kind() == kind) return true;
  }
  return false;
}

TEST(MergeTest, ConsistentListingsHaveNoContradiction) {
  coordinator::EnterpriseRecords records;
  v1::ListEntry e = Row("440604", 1).entry();
  e.set_department(v1::DEPARTMENT_ECO);
  e.set_dimension(v1::DIMENSION_ENVIRONMENT);
  records.entries.push_back({"list/ECO/a", e});
  e.set_department(v1::DEPARTMENT_MEM);
  e.set_dimension(v1::DIMENSION_SAFETY);
  e.set_reported_status(v1::OPERATING_STATUS_SUSPENDED);
  records.entries.push_back({"list/MEM/b", e});
  auto m = coordinator::Merge(e.credit_code(), records);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->contradictions_size(), 0) << m->DebugString();
  EXPECT_EQ(m->region_code(), "440604");
  ASSERT_EQ(m->dimension_statuses_size(), 2);
  EXPECT_EQ(m->dimension_statuses(1).status(), v1::OPERATING_STATUS_SUSPENDED);
  EXPECT_FALSE(m->exited());
  EXPECT_FALSE(coordinator::Merge(e.credit_code(), {}).has_value());
}

TEST(MergeTest, FindsStatusRegionAndNameContradictions) {
  coordinator::EnterpriseRecords records;
  v1::ListEntry e = Row("440604", 1).entry();
  e.set_department(v1::DEPARTMENT_ECO);
  e.set_dimension(v1::DIMENSION_ENVIRONMENT);
  e.set_reported_status(v1::OPERATING_STATUS_CLOSED);
  records.entries.push_back({"list/ECO/a", e});
  v1::ListEntry f = e;
  f.set_department(v1::DEPARTMENT_SAMR);
  f.set_dimension(v1::DIMENSION_QUALITY);
  f.set_reported_status(v1::OPERATING_STATUS_OPERATING);
  records.entries.push_back({"list/SAMR/b", f});
  auto m = coordinator::Merge(e.credit_code(), records);
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->contradictions_size(), 1);
  EXPECT_EQ(m->contradictions(0).kind(), v1::Contradiction::KIND_STATUS);
  EXPECT_THAT(m->contradictions(0).detail(), HasSubstr("ECO reports OPERATING_STATUS_CLOSED"));
  EXPECT_THAT(m->contradictions(0).detail(), HasSubstr("SAMR reports OPERATING_STATUS_OPERATING"));
  EXPECT_TRUE(m->exited());

  // Listed in Dongguan although its credit code and record say Chancheng (440604).
  records.entries[1].second.set_region_code("441900");
  records.entries[1].second.set_reported_status(v1::OPERATING_STATUS_CLOSED);
  m = coordinator::Merge(e.credit_code(), records);
  EXPECT_TRUE(HasKind(*m, v1::Contradiction::KIND_REGION)) << m->DebugString();
  EXPECT_FALSE(HasKind(*m, v1::Contradiction::KIND_STATUS));
  // Its record wins over the credit code.
  v1::Enterprise ent;
  ent.set_credit_code(e.credit_code());
  ent.set_region_code("441900");
  ent.set_name(e.enterprise_name());
  records.enterprise = ent;
  records.entries[1].second.set_region_code("441900");
  m = coordinator::Merge(e.credit_code(), records);
  EXPECT_EQ(m->region_code(), "441900");
  ASSERT_TRUE(HasKind(*m, v1::Contradiction::KIND_REGION));
  EXPECT_THAT(m->contradictions(0).record_keys(), ::testing::ElementsAre("list/ECO/a"));

  // The same code under two names (full-width brackets and spaces do not count).
  records.enterprise.reset();
  records.entries[1].second.set_region_code("440604");
  records.entries[1].second.set_enterprise_name("测试企业1号（synthetic）");
  m = coordinator::Merge(e.credit_code(), records);
  EXPECT_FALSE(HasKind(*m, v1::Contradiction::KIND_NAME)) << m->DebugString();
  records.entries[1].second.set_enterprise_name("另一家企业");
  m = coordinator::Merge(e.credit_code(), records);
  EXPECT_TRUE(HasKind(*m, v1::Contradiction::KIND_NAME));
}

TEST_F(CoordinatorTest, MergerKeepsMergedViewsAsRecordsAndIsIdempotent) {
  Submit(v1::DEPARTMENT_ECO, v1::DIMENSION_ENVIRONMENT, v1::LIST_KIND_KEY_SUPERVISION, "e1",
         "440600", {Row("440604", 1, v1::OPERATING_STATUS_CLOSED), Row("440605", 2)});
  Submit(v1::DEPARTMENT_SAMR, v1::DIMENSION_QUALITY, v1::LIST_KIND_DAILY_PATROL, "s1", "440600",
         {Row("440604", 1, v1::OPERATING_STATUS_OPERATING)});
  ASSERT_TRUE(merger_->CatchUp().ok());
  auto m1 = MergedOf(Code("440604", 1));
  ASSERT_TRUE(m1.has_value());
  EXPECT_EQ(m1->listings_size(), 2);
  EXPECT_TRUE(HasKind(*m1, v1::Contradiction::KIND_STATUS));
  ASSERT_TRUE(MergedOf(Code("440605", 2)).has_value());
  const uint64_t seq = store_->LastSeq();
  ASSERT_TRUE(merger_->CatchUp().ok());
  EXPECT_EQ(store_->LastSeq(), seq);  // nothing changed, nothing written

  // Contradictions are listed under the region; the city sees its own.
  v1::ListContradictionsRequest q;
  q.set_region_code("440600");
  auto listed = service_->Contradictions(Dept(v1::DEPARTMENT_MIIT), q);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->merged_size(), 1);
  EXPECT_EQ(listed->merged(0).credit_code(), Code("440604", 1));
  q.set_region_code("441900");
  EXPECT_EQ(service_->Contradictions(Dept(v1::DEPARTMENT_MIIT), q)->merged_size(), 0);

  // SAMR withdraws: the contradiction goes; ECO withdraws: the view goes.
  v1::WithdrawSubmissionRequest w;
  w.set_submission_id("s1");
  w.set_base_version(1);
  ASSERT_TRUE(lists_->Withdraw(Dept(v1::DEPARTMENT_SAMR), w).ok());
  ASSERT_TRUE(merger_->CatchUp().ok());
  EXPECT_EQ(MergedOf(Code("440604", 1))->contradictions_size(), 0);
  w.set_submission_id("e1");
  ASSERT_TRUE(lists_->Withdraw(Dept(v1::DEPARTMENT_ECO), w).ok());
  ASSERT_TRUE(merger_->CatchUp().ok());
  EXPECT_FALSE(MergedOf(Code("440604", 1)).has_value());
  EXPECT_FALSE(MergedOf(Code("440605", 2)).has_value());
}

TEST_F(CoordinatorTest, MergedCountersEqualARecountAfterRandomOperations) {
  std::mt19937 rng(7);
  const char* kRegions[] = {"440604", "440605", "441900"};
  const v1::OperatingStatus kStatuses[] = {v1::OPERATING_STATUS_OPERATING,
                                           v1::OPERATING_STATUS_CLOSED};
  std::map<std::string, uint32_t> versions;
  for (int op = 0; op < 60; ++op) {
    const bool eco = rng() % 2;
    const v1::Department d = eco ? v1::DEPARTMENT_ECO : v1::DEPARTMENT_MEM;
    const std::string id = absl::StrCat(eco ? "e" : "m", rng() % 3);
    uint32_t& version = versions[id];
    if (version > 0 && rng() % 4 == 0) {
      v1::WithdrawSubmissionRequest w;
      w.set_submission_id(id);
      w.set_base_version(version);
      if (lists_->Withdraw(Dept(d), w).ok()) ++version;
    } else {
      std::vector<v1::ListRow> rows;
      std::set<int> serials;
      for (int i = 0; i < 4; ++i) serials.insert(static_cast<int>(rng() % 12));
      for (int s : serials) {
        rows.push_back(Row(kRegions[rng() % 3], s, kStatuses[rng() % 2], 100 * (s + 1)));
      }
      auto call = Call(id, d, eco ? v1::DIMENSION_ENVIRONMENT : v1::DIMENSION_SAFETY,
                       v1::LIST_KIND_KEY_SUPERVISION, "440000", rows, version);
      if (lists_->Submit(Dept(d), call).ok()) ++version;
    }
    if (rng() % 3 == 0) {
      ASSERT_TRUE(merger_->CatchUp().ok());
    }
  }
  ASSERT_TRUE(merger_->CatchUp().ok());
  // Recount the merged counters from the merged records.
  std::map<std::string, int64_t> mrg, mrgn, ctr;
  ASSERT_TRUE(
      store_
          ->ScanRecords("mrg/",
                        [&](std::string_view, const v1::StoredRecord& s) {
                          if (!store::IsLive(s)) return true;
                          const auto& m = s.record().merged_enterprise();
                          const std::string base = absl::StrCat(
                              m.region_code(), "/", domain::IndustryCode(m.industry()), "/");
                          for (const auto& d : m.dimension_statuses()) {
                            ++mrg[absl::StrCat("mrg/", base, v1::Dimension_Name(d.dimension()), "/",
                                               v1::OperatingStatus_Name(d.status()))];
                          }
                          ++mrgn[absl::StrCat("mrgn/", base, "LISTED")];
                          if (m.exited()) ++mrgn[absl::StrCat("mrgn/", base, "EXITED")];
                          for (const auto& c : m.contradictions()) {
                            ++ctr[absl::StrCat("ctr/", m.region_code(), "/",
                                               v1::Contradiction::Kind_Name(c.kind()))];
                          }
                          return true;
                        })
          .ok());
  EXPECT_EQ(testutil::CountersUnder(*store_, "mrg/"), mrg);
  EXPECT_EQ(testutil::CountersUnder(*store_, "mrgn/"), mrgn);
  EXPECT_EQ(testutil::CountersUnder(*store_, "ctr/"), ctr);
  EXPECT_FALSE(mrg.empty());
}

TEST_F(CoordinatorTest, ProgressAnswersAtEveryRegionPrefix) {
  Submit(v1::DEPARTMENT_ECO, v1::DIMENSION_ENVIRONMENT, v1::LIST_KIND_KEY_SUPERVISION, "e1",
         "440000",
         {Row("440604", 1, v1::OPERATING_STATUS_CLOSED, 500), Row("440605", 2), Row("441900", 3)});
  ASSERT_TRUE(merger_->CatchUp().ok());
  auto total = [](const v1::GetProgressResponse& p) {
    int64_t n = 0;
    for (const auto& r : p.list_entries()) n += r.count();
    return n;
  };
  v1::GetProgressRequest q;
  auto province = service_->Progress(Dept(v1::DEPARTMENT_MIIT), q);
  ASSERT_TRUE(province.ok()) << province.status();
  EXPECT_EQ(total(*province), 3);
  q.set_region_code("440600");
  auto city = service_->Progress(Dept(v1::DEPARTMENT_MIIT), q);
  EXPECT_EQ(total(*city), 2);
  q.set_region_code("440604");
  auto county = service_->Progress(Dept(v1::DEPARTMENT_MIIT), q);
  ASSERT_EQ(county->list_entries_size(), 1);
  EXPECT_EQ(county->list_entries(0).status(), v1::OPERATING_STATUS_CLOSED);
  ASSERT_EQ(county->capacity_size(), 2);  // by unit, and enterprise counts
  double exited = 0;
  int64_t enterprises_exited = 0;
  for (const auto& c : county->capacity()) {
    exited += c.exited();
    enterprises_exited += c.enterprises_exited();
  }
  EXPECT_DOUBLE_EQ(exited, 500);
  EXPECT_EQ(enterprises_exited, 1);
  // By child region: the province's figures per city.
  q.set_region_code("440000");
  q.set_by_child_region(true);
  auto by_city = service_->Progress(Dept(v1::DEPARTMENT_MIIT), q);
  std::map<std::string, int64_t> per_city;
  for (const auto& r : by_city->list_entries()) per_city[r.region_code()] += r.count();
  EXPECT_EQ(per_city, (std::map<std::string, int64_t>{{"440600", 2}, {"441900", 1}}));
  // Outside the caller's region.
  q.set_region_code("441900");
  EXPECT_EQ(service_->Progress(Dept(v1::DEPARTMENT_MIIT, "440600"), q).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(CoordinatorTest, OverdueCasesFollowTheClock) {
  v1::Record record = EnergyCaseForTest("C-1", "440604", 1, v1::CASE_STATE_RECTIFYING);
  v1::EnforcementCase* c = record.mutable_enforcement_case();
  c->mutable_deadline()->set_seconds(1554076800 + 10 * 86400);  // 2019-04-11
  ASSERT_TRUE(store_->Write({{domain::RecordKey(record), {}, record}}).ok());
  v1::GetProgressRequest q;
  EXPECT_EQ(service_->Progress(NodeIdentity(), q)->cases_overdue(), 0);
  clock_.Advance(absl::Hours(24 * 12));
  EXPECT_EQ(service_->Progress(NodeIdentity(), q)->cases_overdue(), 1);
  c->set_state(v1::CASE_STATE_COMPLIANT);
  ASSERT_TRUE(store_->Write({{domain::RecordKey(record), {}, record}}).ok());
  EXPECT_EQ(service_->Progress(NodeIdentity(), q)->cases_overdue(), 0);
}

TEST(MergeTest, ACaseInAnExitStateMakesTheEnterpriseExited) {
  coordinator::EnterpriseRecords records;
  v1::ListEntry e = Row("440606", 5).entry();  // the lists still say OPERATING
  e.set_department(v1::DEPARTMENT_DRC);
  e.set_dimension(v1::DIMENSION_ENERGY);
  records.entries.push_back({"list/DRC/a", e});
  v1::Enterprise ent;
  ent.set_credit_code(e.credit_code());
  ent.set_region_code("440606");
  ent.set_status(v1::OPERATING_STATUS_OPERATING);  // and so does the register
  records.enterprise = ent;
  v1::EnforcementCase c =
      EnergyCaseForTest("sd-e-1", "440606", 5, v1::CASE_STATE_FOUND).enforcement_case();
  // Steps on the way and a closure without exit are no exit.
  for (v1::CaseState open : {v1::CASE_STATE_ORDERED_CLOSED, v1::CASE_STATE_COMPLIANT}) {
    c.set_state(open);
    records.cases = {c};
    EXPECT_FALSE(coordinator::Merge(e.credit_code(), records)->exited()) << open;
  }
  c.set_state(v1::CASE_STATE_CLOSED_EXITED);
  records.cases = {c};
  auto m = coordinator::Merge(e.credit_code(), records);
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE(m->exited());
  EXPECT_EQ(m->open_cases_size(), 0);
  // Every dimension's exit counts: a QUALITY licence revoked (吊销证照).
  c.set_dimension(v1::DIMENSION_QUALITY);
  c.set_state(v1::CASE_STATE_LICENCES_REVOKED);
  records.cases = {c};
  EXPECT_TRUE(coordinator::Merge(e.credit_code(), records)->exited());
}

TEST_F(CoordinatorTest, ProgressCountsAnEnterpriseExitedOnceItsCaseClosedIt) {
  Submit(v1::DEPARTMENT_DRC, v1::DIMENSION_ENERGY, v1::LIST_KIND_ENERGY_INSPECTION, "d1", "440600",
         {Row("440606", 5, v1::OPERATING_STATUS_OPERATING, 3000)});
  v1::Record record = EnergyCaseForTest("sd-e-1", "440606", 5, v1::CASE_STATE_ORDERED_CLOSED);
  v1::EnforcementCase* c = record.mutable_enforcement_case();
  ASSERT_TRUE(store_->Write({{domain::RecordKey(record), {}, record}}).ok());
  ASSERT_TRUE(merger_->CatchUp().ok());
  auto exited = [&] {
    v1::GetProgressRequest q;
    q.set_region_code("440606");
    auto p = service_->Progress(Dept(v1::DEPARTMENT_MIIT), q);
    EXPECT_TRUE(p.ok()) << p.status();
    int64_t enterprises = 0;
    double capacity = 0;
    for (const auto& r : p->capacity()) {
      enterprises += r.enterprises_exited();
      capacity += r.exited();
    }
    return std::make_pair(enterprises, capacity);
  };
  EXPECT_EQ(exited(), std::make_pair(int64_t{0}, 0.0));
  c->set_state(v1::CASE_STATE_CLOSED_EXITED);
  ASSERT_TRUE(store_->Write({{domain::RecordKey(record), {}, record}}).ok());
  ASSERT_TRUE(merger_->CatchUp().ok());
  EXPECT_TRUE(MergedOf(Code("440606", 5))->exited());
  EXPECT_EQ(exited(), std::make_pair(int64_t{1}, 3000.0));
}

TEST_F(CoordinatorTest, AsOfShowsEachChildsLastChangeAndSilentChildren) {
  // A change from Foshan's node, as the exchange would apply it.
  v1::Change change;
  change.set_origin_node("fs");
  change.set_origin_region("440600");
  change.set_origin_seq(1);
  change.mutable_version()->set_wall_micros(absl::ToUnixMicros(clock_.Now()));
  change.mutable_version()->set_origin_node("fs");
  *change.mutable_record() = MakeEnterpriseRecordForTest();
  change.set_key(domain::RecordKey(change.record()));
  ASSERT_TRUE(store_->ApplyRemote({change}).ok());
  clock_.Advance(absl::Hours(3));
  auto p = service_->Progress(NodeIdentity(), v1::GetProgressRequest());
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->as_of().children_size(), 1);
  EXPECT_EQ(p->as_of().children(0).origin_node(), "fs");
  EXPECT_EQ(p->as_of().children(0).region_code(), "440600");
  EXPECT_EQ(p->as_of().children(0).last_origin_seq(), 1u);
  EXPECT_DOUBLE_EQ(p->as_of().children(0).age_seconds(), 3 * 3600);

  // Foshan's next two changes, one batch, an hour later; and one from Shunde's node through
  // Foshan's (a grandchild's origin). The newest of each origin counts.
  clock_.Advance(absl::Hours(1));
  std::vector<v1::Change> batch;
  for (uint64_t seq : {2, 3}) {
    change.set_origin_seq(seq);
    change.mutable_version()->set_wall_micros(absl::ToUnixMicros(clock_.Now()) - 10 + seq);
    batch.push_back(change);
  }
  v1::Change shunde = change;
  shunde.set_origin_node("sd");
  shunde.set_origin_region("440606");
  shunde.set_origin_seq(1);
  shunde.mutable_version()->set_origin_node("sd");
  shunde.mutable_version()->set_wall_micros(absl::ToUnixMicros(clock_.Now() - absl::Minutes(30)));
  batch.push_back(shunde);
  ASSERT_TRUE(store_->ApplyRemote(batch).ok());
  clock_.Advance(absl::Seconds(7));
  p = service_->Progress(NodeIdentity(), v1::GetProgressRequest());
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->as_of().children_size(), 2);
  EXPECT_EQ(p->as_of().children(0).origin_node(), "fs");
  EXPECT_EQ(p->as_of().children(0).last_origin_seq(), 3u);
  const google::protobuf::Timestamp& at = p->as_of().children(0).last_change_at();
  EXPECT_EQ(at.seconds() * 1000000 + at.nanos() / 1000, batch[1].version().wall_micros());
  EXPECT_NEAR(p->as_of().children(0).age_seconds(), 7, 1e-3);
  EXPECT_EQ(p->as_of().children(1).origin_node(), "sd");
  EXPECT_EQ(p->as_of().children(1).region_code(), "440606");
  EXPECT_NEAR(p->as_of().children(1).age_seconds(), 30 * 60 + 7, 1e-3);
  bool dongguan_silent = false, foshan_silent = false;
  for (const auto& s : p->as_of().silent_children()) {
    dongguan_silent = dongguan_silent || s.region_code() == "441900";
    foshan_silent = foshan_silent || s.region_code() == "440600";
  }
  EXPECT_TRUE(dongguan_silent);
  EXPECT_FALSE(foshan_silent);
}

TEST_F(CoordinatorTest, RoundStatusOnEachSideOfTheDeadlineAndAfterClosing) {
  // 2019-04-10: ECO on time.
  clock_.Set(domain::ChinaEndOfDay(2019, 4, 10));
  Submit(v1::DEPARTMENT_ECO, v1::DIMENSION_ENVIRONMENT, v1::LIST_KIND_KEY_SUPERVISION, "e1",
         "440000", {Row("440604", 1)});
  // One second after the deadline: SAMR is late by one second.
  clock_.Set(domain::ChinaEndOfDay(2019, 4, 15) + absl::Seconds(1));
  Submit(v1::DEPARTMENT_SAMR, v1::DIMENSION_QUALITY, v1::LIST_KIND_DAILY_PATROL, "s1", "440000",
         {Row("440604", 2)});
  v1::GetRoundStatusRequest q;
  q.set_round_id("2019-LISTS-1");
  auto status = service_->RoundStatus(Dept(v1::DEPARTMENT_MIIT), q);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(status->deadline_passed());
  std::map<v1::Department, v1::RoundStatusRow> rows;
  for (const auto& r : status->rows()) rows[r.department()] = r;
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[v1::DEPARTMENT_ECO].status(), v1::RoundStatusRow::STATUS_ON_TIME);
  EXPECT_EQ(rows[v1::DEPARTMENT_SAMR].status(), v1::RoundStatusRow::STATUS_LATE);
  EXPECT_EQ(rows[v1::DEPARTMENT_SAMR].late_seconds(), 1);
  EXPECT_EQ(rows[v1::DEPARTMENT_MEM].status(), v1::RoundStatusRow::STATUS_MISSING);

  // Closed: MEM is refused until MIIT grants a waiver for the province.
  v1::CloseRoundRequest close;
  close.set_round_id("2019-LISTS-1");
  EXPECT_EQ(lists_->CloseRound(Dept(v1::DEPARTMENT_ECO), close).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(lists_->CloseRound(Dept(v1::DEPARTMENT_MIIT), close).ok());
  auto mem_call = Call("m1", v1::DEPARTMENT_MEM, v1::DIMENSION_SAFETY,
                       v1::LIST_KIND_KEY_SUPERVISION, "440600", {Row("440604", 3)});
  auto refused = lists_->Submit(Dept(v1::DEPARTMENT_MEM), mem_call);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("is closed"));
  v1::GrantLateWaiverRequest waiver;
  waiver.set_round_id("2019-LISTS-1");
  waiver.set_department(v1::DEPARTMENT_MEM);
  waiver.set_region_code("440000");
  EXPECT_EQ(lists_->GrantLateWaiver(Dept(v1::DEPARTMENT_ECO), waiver).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(lists_->GrantLateWaiver(Dept(v1::DEPARTMENT_MIIT), waiver).ok());
  auto accepted = lists_->Submit(Dept(v1::DEPARTMENT_MEM), mem_call);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_TRUE(accepted->submission().late());
  EXPECT_TRUE(accepted->submission().late_waiver());
  // MEM's list covers Foshan, so the province row stays missing and Foshan's is late.
  q.set_include_children(true);
  status = service_->RoundStatus(Dept(v1::DEPARTMENT_MIIT), q);
  for (const auto& r : status->rows()) {
    if (r.department() != v1::DEPARTMENT_MEM) continue;
    if (r.region_code() == "440000") {
      EXPECT_EQ(r.status(), v1::RoundStatusRow::STATUS_MISSING);
    }
    if (r.region_code() == "440600") {
      EXPECT_EQ(r.status(), v1::RoundStatusRow::STATUS_LATE);
      EXPECT_TRUE(r.late_waiver());
    }
  }
}

}  // namespace
}  // namespace tierhub::testutil
