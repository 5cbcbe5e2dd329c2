// Action plans: the counters kept with every case and target equal a recount of the records
// after random operations; what counts as an exit; the share-due rule and the behind flag on
// each side of a checkpoint on a fake clock; a province sums its cities; and the summaries
// read back from .xlsx (with a reader that is not ours) and CSV with the figures expected.
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/time_proto.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/credit_code.h"
#include "services/domain/record_key.h"
#include "services/enforcement/enforcement_service.h"
#include "services/node/node_hooks.h"
#include "services/plans/plans_service.h"
#include "services/plans/schedule.h"
#include "services/registry/registry_service.h"
#include "services/store/store.h"
#include "tests/testutil/root_store.h"
#include "tests/testutil/store_reads.h"
#include "tests/testutil/temp_dir.h"
#include "tests/testutil/xlsx_reader.h"

namespace tierhub::plans {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::TimeZone Cst() { return domain::ChinaTimeZone(); }
absl::Time At(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), Cst());
}

auth::Identity Miit(const std::string& region = "440000") {
  auth::Identity id;
  id.kind = auth::Identity::Kind::kDepartment;
  id.department = v1::DEPARTMENT_MIIT;
  id.region_code = region;
  id.name = "clerk";
  return id;
}

// The province node's own system (it keeps the register of enterprises).
auth::Identity ProvinceNode() {
  auth::Identity id;
  id.kind = auth::Identity::Kind::kNode;
  id.region_code = "440000";
  id.name = "gd";
  return id;
}

std::string Code(const std::string& region, int serial) {
  return domain::MakeCreditCode('9', '1', region, absl::StrFormat("TH%06d", serial)).value();
}

class PlansTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenRootStore(dir_.path(), &clock_, &hooks_);
    const auth::NodeContext node = testutil::RootContext(&clock_);
    cases_ = std::make_unique<enforcement::EnforcementService>(node, store_.get());
    registry_ = std::make_unique<registry::RegistryService>(node, store_.get());
    plans_ = std::make_unique<PlansService>(node, store_.get());
  }

  v1::EnforcementCase Open(const std::string& id, const std::string& region, int serial,
                           v1::Industry industry, v1::Dimension dimension, double capacity = 0,
                           v1::CapacityUnit unit = v1::CAPACITY_UNIT_UNSPECIFIED,
                           std::optional<absl::Time> found_at = std::nullopt) {
    v1::OpenCaseRequest r;
    r.set_case_id(id);
    r.set_credit_code(Code(region, serial));
    r.set_region_code(region);
    r.set_industry(industry);
    r.set_dimension(dimension);
    r.set_finding("synthetic finding");
    r.set_evidence_ref("JC-1");
    r.set_capacity(capacity);
    r.set_capacity_unit(unit);
    if (found_at.has_value()) *r.mutable_found_at() = ToProto(*found_at);
    auto opened = cases_->Open(Miit(), r);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? opened->enforcement_case() : v1::EnforcementCase();
  }

  absl::StatusOr<v1::CaseResponse> Step(const std::string& id, v1::CaseState to) {
    v1::AdvanceCaseRequest r;
    r.set_case_id(id);
    r.set_to_state(to);
    r.set_evidence_ref(absl::StrCat("DOC-", v1::CaseState_Name(to)));
    if (to == v1::CASE_STATE_SUSPENDED || to == v1::CASE_STATE_RESTRICTED) {
      *r.mutable_deadline() = ToProto(clock_.Now() + absl::Hours(24 * 30));
    }
    if (to == v1::CASE_STATE_CLOSURE_APPROVED) r.set_approving_authority("市人民政府");
    return cases_->Advance(Miit(), r);
  }
  void Go(const std::string& id, std::vector<v1::CaseState> states) {
    for (v1::CaseState s : states) {
      auto r = Step(id, s);
      ASSERT_TRUE(r.ok()) << id << " -> " << v1::CaseState_Name(s) << ": " << r.status();
    }
  }
  // A technology case dismantled, accepted and closed: an exit.
  void ExitTechnology(const std::string& id) {
    Go(id, {v1::CASE_STATE_DISMANTLED, v1::CASE_STATE_ACCEPTED, v1::CASE_STATE_CLOSED_EXITED});
  }

  void FileTarget(const std::string& city, int year, v1::Industry industry, v1::Dimension dimension,
                  int enterprises, double capacity = 0,
                  v1::CapacityUnit unit = v1::CAPACITY_UNIT_UNSPECIFIED,
                  std::vector<absl::CivilDay> checkpoints = {},
                  std::vector<v1::Department> responsible = {v1::DEPARTMENT_MIIT}) {
    v1::WriteRecordsRequest request;
    v1::CityTarget* t = request.add_records()->mutable_city_target();
    t->set_region_code(city);
    t->set_year(year);
    t->set_industry(industry);
    t->set_dimension(dimension);
    t->set_enterprises_to_exit(enterprises);
    t->set_capacity_to_exit(capacity);
    t->set_capacity_unit(unit);
    for (const absl::CivilDay& d : checkpoints) {
      *t->add_checkpoints() = ToProto(CheckpointDue(d));
    }
    for (v1::Department d : responsible) t->add_responsible(d);
    auto written = registry_->Write(Miit(city), request);  // the city files its plan
    ASSERT_TRUE(written.ok()) << written.status();
  }

  void PutEnterprise(const std::string& region, int serial, const std::string& name) {
    v1::WriteRecordsRequest request;
    v1::Enterprise* e = request.add_records()->mutable_enterprise();
    e->set_credit_code(Code(region, serial));
    e->set_name(name);
    e->set_region_code(region);
    e->add_industries(v1::INDUSTRY_CERAMICS);
    e->set_status(v1::OPERATING_STATUS_CLOSED);
    auto written = registry_->Write(ProvinceNode(), request);
    ASSERT_TRUE(written.ok()) << written.status();
  }

  absl::Status WriteRaw(const std::string& key, std::variant<v1::Record, v1::Tombstone> body) {
    v1::Author author;
    author.set_node_id("gd");
    author.set_region_code("440000");
    std::vector<store::Mutation> m;
    m.push_back({key, author, std::move(body)});
    return store_->Write(std::move(m)).status();
  }

  v1::GetPlanProgressResponse Progress(const std::string& region, int year,
                                       std::optional<absl::Time> as_of = std::nullopt,
                                       const auth::Identity& caller = Miit()) {
    v1::GetPlanProgressRequest r;
    r.set_region_code(region);
    r.set_year(year);
    if (as_of.has_value()) *r.mutable_as_of() = ToProto(*as_of);
    auto p = plans_->Progress(caller, r);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : v1::GetPlanProgressResponse();
  }

  testutil::TempDir dir_;
  FakeClock clock_{At(2019, 4, 1, 9)};
  node::NodeHooks hooks_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<enforcement::EnforcementService> cases_;
  std::unique_ptr<registry::RegistryService> registry_;
  std::unique_ptr<PlansService> plans_;
};

const v1::PlanProgressRow* RowOf(const v1::GetPlanProgressResponse& p, const std::string& city,
                                 v1::Industry industry, v1::Dimension dimension) {
  for (const auto& r : p.rows()) {
    if (r.region_code() == city && r.industry() == industry && r.dimension() == dimension) {
      return &r;
    }
  }
  return nullptr;
}

// ---- The recount: the test's own reading of the plan, independent of the code under test ----

// States that close a case for the plan: an exit (the plant is closed by law) or another end.
struct Ends {
  std::set<v1::CaseState> exit;
  std::set<v1::CaseState> other;  // closed without an exit
};
Ends EndsOf(v1::Dimension d) {
  using S = v1::CaseState;
  switch (d) {
    case v1::DIMENSION_ENERGY:
    case v1::DIMENSION_ENVIRONMENT:
      return {{S::CASE_STATE_CLOSED_EXITED}, {S::CASE_STATE_COMPLIANT}};
    case v1::DIMENSION_TECHNOLOGY:
      return {{S::CASE_STATE_CLOSED_EXITED}, {}};
    case v1::DIMENSION_SAFETY:
      return {{S::CASE_STATE_CLOSED_EXITED, S::CASE_STATE_LICENCES_REVOKED},
              {S::CASE_STATE_COMPLIANT}};
    case v1::DIMENSION_QUALITY:
      return {{S::CASE_STATE_LICENCES_REVOKED},
              {S::CASE_STATE_COMPLIANT, S::CASE_STATE_LICENCE_CANCELLED}};
    default:
      return {};
  }
}

std::string Ymd(absl::Time t, const char* format) { return absl::FormatTime(format, t, Cst()); }

struct Recount {
  std::map<std::string, int64_t> counters;  // every plan counter key -> value
  std::set<std::string> exit_index;         // "<index key>|<record key>"
  // (city, year, industry, dimension) -> exited, resolved, found, capacity milli by unit, target
  struct Figures {
    int64_t exited = 0, resolved = 0, found = 0, target = 0;
    std::map<int, int64_t> capacity, target_capacity;
    bool filed = false;
  };
  std::map<std::tuple<std::string, int, int, int>, Figures> figures;
};

std::string CityOfForTest(const std::string& region) { return region.substr(0, 4) + "00"; }

Recount RecountRecords(const store::Store& store) {
  Recount out;
  auto add = [&](const std::string& key, int64_t v) {
    if (v != 0) out.counters[key] += v;
  };
  EXPECT_TRUE(
      store
          .ScanRecords(
              "case/",
              [&](std::string_view key, const v1::StoredRecord& s) {
                if (!s.has_record()) return true;
                const v1::EnforcementCase& c = s.record().enforcement_case();
                const std::string ind(domain::IndustryCode(c.industry()));
                const std::string dim = v1::Dimension_Name(c.dimension());
                const absl::Time found = FromProto(c.found_at());
                add(absl::StrCat("pfound/", Ymd(found, "%Y"), "/", c.region_code(), "/", ind, "/",
                                 dim, "/", Ymd(found, "%m%d")),
                    1);
                out.figures[{CityOfForTest(c.region_code()), std::stoi(Ymd(found, "%Y")),
                             c.industry(), c.dimension()}]
                    .found++;
                const Ends ends = EndsOf(c.dimension());
                const bool exited = ends.exit.count(c.state()) > 0;
                if (!exited && ends.other.count(c.state()) == 0) return true;
                absl::Time closed = absl::InfinitePast();
                for (const auto& t : c.history()) {
                  if (ends.exit.count(t.to_state()) || ends.other.count(t.to_state())) {
                    closed = FromProto(t.at());
                    break;
                  }
                }
                EXPECT_NE(closed, absl::InfinitePast()) << c.DebugString();
                const std::string base =
                    absl::StrCat(Ymd(closed, "%Y"), "/", c.region_code(), "/", ind, "/", dim, "/");
                auto& f = out.figures[{CityOfForTest(c.region_code()), std::stoi(Ymd(closed, "%Y")),
                                       c.industry(), c.dimension()}];
                if (!exited) {
                  add(absl::StrCat("pres/", base, Ymd(closed, "%m%d")), 1);
                  f.resolved++;
                  return true;
                }
                add(absl::StrCat("pexit/", base, Ymd(closed, "%m%d")), 1);
                f.exited++;
                out.exit_index.insert(absl::StrCat("exit/", Ymd(closed, "%Y"), "/", c.region_code(),
                                                   "/|", std::string(key)));
                if (c.capacity() > 0) {
                  const int64_t milli = std::llround(c.capacity() * 1000);
                  add(absl::StrCat("pcap/", base, v1::CapacityUnit_Name(c.capacity_unit()), "/",
                                   Ymd(closed, "%m%d")),
                      milli);
                  f.capacity[c.capacity_unit()] += milli;
                }
                return true;
              })
          .ok());
  EXPECT_TRUE(
      store
          .ScanRecords(
              "target/",
              [&](std::string_view, const v1::StoredRecord& s) {
                if (!s.has_record()) return true;
                const v1::CityTarget& t = s.record().city_target();
                const std::string base = absl::StrCat("tgt/", t.year(), "/", t.region_code(), "/",
                                                      domain::IndustryCode(t.industry()), "/",
                                                      v1::Dimension_Name(t.dimension()), "/");
                auto& f = out.figures[{t.region_code(), t.year(), t.industry(), t.dimension()}];
                f.filed = true;
                add(base + "FILED", 1);
                add(base + "ENTERPRISES", t.enterprises_to_exit());
                f.target += t.enterprises_to_exit();
                if (t.capacity_to_exit() > 0) {
                  const int64_t milli = std::llround(t.capacity_to_exit() * 1000);
                  add(absl::StrCat(base, "CAPACITY/", v1::CapacityUnit_Name(t.capacity_unit())),
                      milli);
                  f.target_capacity[t.capacity_unit()] += milli;
                }
                for (const auto& cp : t.checkpoints()) {
                  add(absl::StrCat(base, "CHECKPOINT/", Ymd(FromProto(cp), "%Y%m%d")), 1);
                }
                return true;
              })
          .ok());
  return out;
}

std::map<std::string, int64_t> PlanCounters(const store::Store& store) {
  std::map<std::string, int64_t> out;
  for (const char* prefix : {kPlanFoundCounter, kPlanExitCounter, kPlanCapacityCounter,
                             kPlanResolvedCounter, kPlanTargetCounter}) {
    out.merge(testutil::CountersUnder(store, prefix));
  }
  return out;
}

std::set<std::string> ExitIndex(const store::Store& store) {
  std::set<std::string> out;
  EXPECT_TRUE(store
                  .ScanIndex(kPlanExitIndex,
                             [&](std::string_view index_key, std::string_view key) {
                               out.insert(
                                   absl::StrCat(std::string(index_key), "|", std::string(key)));
                               return true;
                             })
                  .ok());
  return out;
}

// ---- Exits ----

TEST_F(PlansTest, WhatCountsAsAnExitPerDimension) {
  Open("en-1", "440604", 1, v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENERGY);
  Open("en-2", "440604", 2, v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENERGY);
  Open("qu-1", "440604", 3, v1::INDUSTRY_CERAMICS, v1::DIMENSION_QUALITY);
  Open("sa-1", "440604", 4, v1::INDUSTRY_CERAMICS, v1::DIMENSION_SAFETY);
  Open("ev-1", "440604", 5, v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENVIRONMENT);
  Open("te-1", "440604", 6, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY);
  clock_.Set(At(2019, 5, 10, 10));
  Go("en-1", {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_COMPLIANT});  // rectified: no exit
  Go("en-2", {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_ORDERED_CLOSED});
  Go("qu-1", {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_LICENCES_REVOKED});  // 吊销: an exit
  Go("sa-1",
     {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_CLOSURE_REQUESTED, v1::CASE_STATE_CLOSED_EXITED});
  Go("ev-1", {v1::CASE_STATE_RESTRICTED});
  Go("te-1", {v1::CASE_STATE_DISMANTLED, v1::CASE_STATE_ACCEPTED});  // accepted, not yet closed
  auto p = Progress("440600", 2019);
  auto exited = [&](v1::Dimension d) {
    const auto* r = RowOf(p, "440600", v1::INDUSTRY_CERAMICS, d);
    return r == nullptr ? -1 : r->enterprises_exited();
  };
  EXPECT_EQ(exited(v1::DIMENSION_ENERGY), 0);  // ordered closed is not closed yet
  EXPECT_EQ(RowOf(p, "440600", v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENERGY)->cases_resolved(), 1);
  EXPECT_EQ(exited(v1::DIMENSION_QUALITY), 1);
  EXPECT_EQ(exited(v1::DIMENSION_SAFETY), 1);
  EXPECT_EQ(exited(v1::DIMENSION_ENVIRONMENT), 0);
  EXPECT_EQ(exited(v1::DIMENSION_TECHNOLOGY), 0);
  EXPECT_EQ(RowOf(p, "440600", v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENVIRONMENT)->cases_open(), 1);

  // The safety case's licences are revoked later, in 2020: the exit stays on its 2019 day.
  clock_.Set(At(2020, 1, 3, 10));
  Go("sa-1", {v1::CASE_STATE_LICENCES_REVOKED});
  Go("en-2", {v1::CASE_STATE_CLOSED_EXITED});
  Go("ev-1", {v1::CASE_STATE_CLOSURE_APPROVED, v1::CASE_STATE_CLOSED_EXITED});
  Go("te-1", {v1::CASE_STATE_CLOSED_EXITED});
  p = Progress("440600", 2019);
  EXPECT_EQ(exited(v1::DIMENSION_SAFETY), 1);
  EXPECT_EQ(exited(v1::DIMENSION_ENERGY), 0);
  auto p2020 = Progress("440600", 2020);
  for (v1::Dimension d :
       {v1::DIMENSION_ENERGY, v1::DIMENSION_ENVIRONMENT, v1::DIMENSION_TECHNOLOGY}) {
    const auto* r = RowOf(p2020, "440600", v1::INDUSTRY_CERAMICS, d);
    ASSERT_NE(r, nullptr) << v1::Dimension_Name(d);
    EXPECT_EQ(r->enterprises_exited(), 1) << v1::Dimension_Name(d);
  }
  EXPECT_EQ(RowOf(p2020, "440600", v1::INDUSTRY_CERAMICS, v1::DIMENSION_SAFETY), nullptr);

  // The production licence cancelled after the energy closure (注销) is no second exit.
  auto closing = store_->GetLive("case/en-2").value()->enforcement_case();
  v1::Record cancelled;
  *cancelled.mutable_enforcement_case() =
      domain::LicenceCancellationFor(closing, "clerk", "ZX-1", clock_).value();
  ASSERT_TRUE(WriteRaw(domain::RecordKey(cancelled), cancelled).ok());
  p2020 = Progress("440600", 2020);
  const auto* quality = RowOf(p2020, "440600", v1::INDUSTRY_CERAMICS, v1::DIMENSION_QUALITY);
  ASSERT_NE(quality, nullptr);
  EXPECT_EQ(quality->enterprises_exited(), 0);
  EXPECT_EQ(quality->cases_resolved(), 1);
}

// ---- The counters equal a recount ----

TEST_F(PlansTest, CountersEqualARecountAfterRandomOperations) {
  std::mt19937 rng(20190401);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> regions = {"440604", "440605", "440606",
                                            "440118", "441900", "440600"};
  const std::vector<std::string> cities = {"440600", "440100", "441900"};
  const std::vector<v1::Industry> industries = {v1::INDUSTRY_CERAMICS, v1::INDUSTRY_STEEL,
                                                v1::INDUSTRY_PAPER, v1::INDUSTRY_CEMENT};
  const std::vector<v1::Dimension> dimensions = {v1::DIMENSION_ENERGY, v1::DIMENSION_ENVIRONMENT,
                                                 v1::DIMENSION_QUALITY, v1::DIMENSION_SAFETY,
                                                 v1::DIMENSION_TECHNOLOGY};
  const std::vector<v1::CapacityUnit> units = {v1::CAPACITY_UNIT_UNSPECIFIED,
                                               v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR,
                                               v1::CAPACITY_UNIT_TONNES_PER_YEAR};
  std::vector<std::string> ids;
  int opened = 0, advanced = 0, corrected = 0, deleted = 0, targets = 0, cancellations = 0;
  for (int step = 0; step < 700; ++step) {
    clock_.Advance(absl::Minutes(static_cast<int64_t>(pick(60 * 72))));
    const size_t op = pick(20);
    if (op < 5 || ids.empty()) {
      const std::string id = absl::StrCat("c-", step);
      const v1::CapacityUnit unit = units[pick(units.size())];
      Open(id, regions[pick(regions.size())], static_cast<int>(pick(40)),
           industries[pick(industries.size())], dimensions[pick(dimensions.size())],
           unit == v1::CAPACITY_UNIT_UNSPECIFIED ? 0 : 1000.5 * static_cast<double>(1 + pick(9)),
           unit, clock_.Now() - absl::Hours(static_cast<int64_t>(pick(24 * 90))));
      ids.push_back(id);
      ++opened;
    } else if (op < 14) {
      const std::string id = ids[pick(ids.size())];
      auto live = store_->GetLive(absl::StrCat("case/", id)).value();
      if (!live.has_value()) continue;
      const v1::EnforcementCase c = live->enforcement_case();
      std::vector<v1::CaseState> next;
      for (v1::CaseState s : domain::AllowedNext(c, clock_.Now())) {
        if (s != v1::CASE_STATE_LICENCE_CANCELLED) next.push_back(s);
      }
      if (c.dimension() == v1::DIMENSION_TECHNOLOGY && c.state() == v1::CASE_STATE_FOUND &&
          pick(2) == 0) {
        v1::AdvanceCaseRequest r;
        r.set_case_id(id);
        r.set_sealing_step(static_cast<v1::SealingStep>(1 + pick(5)));
        r.set_evidence_ref("FC");
        (void)cases_->Advance(Miit(), r);  // a repeated step is refused; either is fine
        continue;
      }
      if (next.empty()) {
        // A closed plant's production licence is cancelled (注销), now and then.
        if (c.dimension() != v1::DIMENSION_QUALITY && c.state() == v1::CASE_STATE_CLOSED_EXITED &&
            pick(2) == 0) {
          auto cancel = domain::LicenceCancellationFor(c, "clerk", "ZX", clock_);
          if (cancel.ok() &&
              !store_->GetLive(absl::StrCat("case/", cancel->case_id())).value().has_value()) {
            v1::Record r;
            *r.mutable_enforcement_case() = *cancel;
            ASSERT_TRUE(WriteRaw(domain::RecordKey(r), r).ok());
            ++cancellations;
          }
        }
        continue;
      }
      auto stepped = Step(id, next[pick(next.size())]);
      ASSERT_TRUE(stepped.ok()) << stepped.status();
      ++advanced;
    } else if (op < 16) {
      // A correction of a case's data: another county, another capacity.
      const std::string id = ids[pick(ids.size())];
      auto live = store_->GetLive(absl::StrCat("case/", id)).value();
      if (!live.has_value()) continue;
      v1::Record r = *live;
      r.mutable_enforcement_case()->set_region_code(regions[pick(regions.size())]);
      if (r.enforcement_case().capacity_unit() != v1::CAPACITY_UNIT_UNSPECIFIED) {
        r.mutable_enforcement_case()->set_capacity(250.25 * static_cast<double>(1 + pick(20)));
      }
      ASSERT_TRUE(WriteRaw(domain::RecordKey(r), r).ok());
      ++corrected;
    } else if (op < 17) {
      const std::string id = ids[pick(ids.size())];
      auto live = store_->GetLive(absl::StrCat("case/", id)).value();
      if (!live.has_value()) continue;
      v1::Tombstone t;
      t.set_region_code(live->enforcement_case().region_code());
      ASSERT_TRUE(WriteRaw(absl::StrCat("case/", id), t).ok());
      ++deleted;
    } else {
      // A target filed or filed again (it replaces the earlier one), or withdrawn.
      const std::string city = cities[pick(cities.size())];
      const int year = 2019 + static_cast<int>(pick(2));
      const v1::Industry industry = industries[pick(industries.size())];
      const v1::Dimension dimension = dimensions[pick(dimensions.size())];
      if (pick(5) == 0) {
        v1::Record probe;
        v1::CityTarget* t = probe.mutable_city_target();
        t->set_region_code(city);
        t->set_year(year);
        t->set_industry(industry);
        t->set_dimension(dimension);
        const std::string key = domain::RecordKey(probe);
        if (store_->GetLive(key).value().has_value()) {
          v1::Tombstone tomb;
          tomb.set_region_code(city);
          ASSERT_TRUE(WriteRaw(key, tomb).ok());
        }
        continue;
      }
      std::vector<absl::CivilDay> checkpoints;
      for (size_t i = pick(4); i > 0; --i) {
        checkpoints.push_back(absl::CivilDay(year, 1, 1) + static_cast<int>(pick(365)));
      }
      const v1::CapacityUnit unit = units[pick(units.size())];
      FileTarget(
          city, year, industry, dimension, static_cast<int>(pick(12)),
          unit == v1::CAPACITY_UNIT_UNSPECIFIED ? 0 : 5000.125 * static_cast<double>(pick(4)), unit,
          checkpoints);
      ++targets;
    }
  }
  // Every kind of operation happened.
  EXPECT_GT(opened, 50);
  EXPECT_GT(advanced, 100);
  EXPECT_GT(corrected, 10);
  EXPECT_GT(deleted, 5);
  EXPECT_GT(targets, 20);
  EXPECT_GT(cancellations, 0);

  const Recount recount = RecountRecords(*store_);
  const std::map<std::string, int64_t> counters = PlanCounters(*store_);
  EXPECT_EQ(counters, recount.counters);
  EXPECT_EQ(ExitIndex(*store_), recount.exit_index);
  int64_t exits = 0;
  for (const auto& [k, v] : recount.counters) {
    if (absl::StartsWith(k, "pexit/")) exits += v;
  }
  EXPECT_GT(exits, 10);

  // The RPC's figures for the whole province and each year, against the recount.
  for (int year = 2019; year <= 2021; ++year) {
    const auto p = Progress("440000", year, At(2030, 1, 1));
    std::map<std::tuple<std::string, int, int>, Recount::Figures> want;
    for (const auto& [k, f] : recount.figures) {
      if (std::get<1>(k) == year) want[{std::get<0>(k), std::get<2>(k), std::get<3>(k)}] = f;
    }
    size_t matched = 0;
    for (const auto& row : p.rows()) {
      SCOPED_TRACE(row.DebugString());
      auto it = want.find({row.region_code(), row.industry(), row.dimension()});
      const Recount::Figures f = it == want.end() ? Recount::Figures() : it->second;
      matched += it != want.end();
      EXPECT_EQ(row.target_filed(), f.filed);
      EXPECT_EQ(row.enterprises_target(), f.target);
      EXPECT_EQ(row.enterprises_exited(), f.exited);
      EXPECT_EQ(row.cases_resolved(), f.resolved);
      EXPECT_EQ(row.cases_found(), f.found);
      std::map<int, int64_t> capacity, target_capacity;
      for (const auto& c : row.capacity()) {
        if (c.exited() > 0) capacity[c.unit()] = std::llround(c.exited() * 1000);
        if (c.target() > 0) target_capacity[c.unit()] = std::llround(c.target() * 1000);
      }
      EXPECT_EQ(capacity, f.capacity);
      EXPECT_EQ(target_capacity, f.target_capacity);
      // Everything due by 2030 (after every checkpoint): behind exactly when short.
      bool short_of = f.filed && f.exited < f.target;
      for (const auto& [unit, milli] : f.target_capacity) {
        short_of = short_of || (f.capacity.count(unit) ? f.capacity.at(unit) : 0) < milli;
      }
      EXPECT_EQ(row.behind(), short_of);
    }
    size_t nonempty = 0;
    for (const auto& [k, f] : want) {
      nonempty += f.filed || f.exited || f.resolved || f.found || f.target;
    }
    EXPECT_EQ(matched, nonempty) << "year " << year;
  }
}

// ---- Share due and behind ----

TEST(ScheduleTest, EqualSharesAtTheEndOfEachCheckpointDay) {
  const std::vector<absl::CivilDay> cps = {absl::CivilDay(2019, 12, 31),
                                           absl::CivilDay(2019, 6, 30)};
  EXPECT_EQ(ShareDueAt(2019, cps, At(2019, 6, 30, 23, 59, 58)).passed, 0);
  const ShareDue first = ShareDueAt(2019, cps, At(2019, 6, 30, 23, 59, 59));
  EXPECT_EQ(first.passed, 1);
  EXPECT_EQ(first.total, 2);
  EXPECT_EQ(first.next, absl::CivilDay(2019, 12, 31));
  EXPECT_EQ(DueOf(3, first), 2);  // rounded up
  EXPECT_EQ(DueOf(4, first), 2);
  EXPECT_EQ(DueOf(3000500, first), 1500250);
  EXPECT_EQ(DueOf(0, first), 0);
  EXPECT_EQ(ShareDueAt(2019, cps, At(2020, 1, 1)).passed, 2);
  EXPECT_EQ(DueOf(3, ShareDueAt(2019, cps, At(2020, 1, 1))), 3);
  // Without checkpoints: all of it at the end of the year's last day.
  EXPECT_EQ(ShareDueAt(2019, {}, At(2019, 12, 31, 23, 59, 58)).passed, 0);
  EXPECT_EQ(ShareDueAt(2019, {}, At(2019, 12, 31, 23, 59, 59)).passed, 1);
  EXPECT_EQ(ShareDueAt(2019, {}, At(2019, 12, 31, 23, 59, 59)).total, 1);
}

TEST_F(PlansTest, BehindFlagOnEachSideOfACheckpoint) {
  FileTarget("440600", 2019, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 3, 3000000,
             v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR,
             {absl::CivilDay(2019, 6, 30), absl::CivilDay(2019, 12, 31)});
  FileTarget("440600", 2019, v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENERGY, 1);  // no checkpoints
  Open("t-1", "440606", 1, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 1500000,
       v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
  Open("t-2", "440604", 2, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 500000,
       v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
  clock_.Set(At(2019, 6, 1, 10));
  ExitTechnology("t-1");

  auto row = [&](v1::Dimension d = v1::DIMENSION_TECHNOLOGY) {
    const auto p = Progress("440600", 2019);  // as of now, the fake clock
    const auto* r = RowOf(p, "440600", v1::INDUSTRY_CERAMICS, d);
    EXPECT_NE(r, nullptr);
    return r != nullptr ? *r : v1::PlanProgressRow();
  };
  clock_.Set(At(2019, 6, 30, 23, 59, 58));  // before the first checkpoint: nothing due
  v1::PlanProgressRow r = row();
  EXPECT_FALSE(r.behind());
  EXPECT_EQ(r.enterprises_due(), 0);
  EXPECT_EQ(r.enterprises_exited(), 1);
  EXPECT_EQ(FromProto(r.next_checkpoint()), At(2019, 6, 30, 23, 59, 59));

  clock_.Set(At(2019, 6, 30, 23, 59, 59));  // at it: 2 of 3 enterprises due, 1 exited
  r = row();
  EXPECT_TRUE(r.behind());
  EXPECT_EQ(r.checkpoints_passed(), 1u);
  EXPECT_EQ(r.enterprises_due(), 2);
  EXPECT_EQ(r.enterprises_shortfall(), 1);
  ASSERT_EQ(r.capacity_size(), 1);
  EXPECT_EQ(r.capacity(0).due(), 1500000);
  EXPECT_EQ(r.capacity(0).exited(), 1500000);
  EXPECT_EQ(r.capacity(0).shortfall(), 0);
  EXPECT_FALSE(row(v1::DIMENSION_ENERGY).behind());  // due at the year's end only

  v1::GetPlanProgressRequest behind_only;
  behind_only.set_region_code("440000");
  behind_only.set_year(2019);
  behind_only.set_behind_only(true);
  auto listed = plans_->Progress(Miit(), behind_only).value();
  ASSERT_EQ(listed.rows_size(), 1);
  EXPECT_EQ(listed.rows(0).dimension(), v1::DIMENSION_TECHNOLOGY);
  EXPECT_THAT(listed.cities_behind(), ElementsAre("440600"));

  clock_.Set(At(2019, 7, 1, 10));  // the second exit catches up
  ExitTechnology("t-2");
  EXPECT_FALSE(row().behind());
  // Asked as of the checkpoint, the city was behind then: exits count by their day.
  const auto then = Progress("440600", 2019, At(2019, 6, 30, 23, 59, 59));
  EXPECT_TRUE(RowOf(then, "440600", v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY)->behind());
  EXPECT_EQ(
      RowOf(then, "440600", v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY)->enterprises_exited(),
      1);

  clock_.Set(At(2019, 12, 31, 23, 59, 58));
  EXPECT_FALSE(row().behind());
  EXPECT_FALSE(row(v1::DIMENSION_ENERGY).behind());
  clock_.Set(At(2019, 12, 31, 23, 59, 59));  // year end: all 3 due, 2 exited; energy 1 due
  r = row();
  EXPECT_TRUE(r.behind());
  EXPECT_EQ(r.enterprises_due(), 3);
  EXPECT_EQ(r.capacity(0).due(), 3000000);
  EXPECT_EQ(r.capacity(0).shortfall(), 1000000);
  EXPECT_TRUE(row(v1::DIMENSION_ENERGY).behind());

  // The target filed again with a lower figure: the counters follow the record.
  FileTarget("440600", 2019, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 2, 2000000,
             v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR, {absl::CivilDay(2019, 12, 31)});
  r = row();
  EXPECT_FALSE(r.behind());
  EXPECT_EQ(r.enterprises_target(), 2);
  EXPECT_EQ(r.checkpoints(), 1u);
}

TEST_F(PlansTest, OpenCasesAreCountedAsOfTheRequestedDay) {
  // Found in March and closed in September; another found in August.
  Open("o-1", "440606", 11, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 0,
       v1::CAPACITY_UNIT_UNSPECIFIED, At(2019, 3, 1, 10));
  clock_.Set(At(2019, 8, 1, 10));
  Open("o-2", "440606", 12, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY);
  clock_.Set(At(2019, 9, 1, 10));
  ExitTechnology("o-1");
  clock_.Set(At(2019, 12, 1, 10));
  auto open_at = [&](absl::Time as_of) {
    const auto p = Progress("440600", 2019, as_of);
    const auto* r = RowOf(p, "440600", v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY);
    return r == nullptr ? 0 : r->cases_open();
  };
  EXPECT_EQ(open_at(At(2019, 2, 28, 23)), 0);  // nothing found yet: no row
  EXPECT_EQ(open_at(At(2019, 6, 30, 23)), 1);  // o-1 open, o-2 not found yet
  EXPECT_EQ(open_at(At(2019, 8, 31, 23)), 2);  // the day before o-1 closed
  EXPECT_EQ(open_at(At(2019, 9, 1, 23)), 1);   // o-1 closed that day
  EXPECT_EQ(open_at(At(2019, 12, 1, 23)), 1);
  // A case found in 2019 and still open counts in 2020's progress too.
  const auto next_year = Progress("440600", 2020, At(2020, 1, 5));
  const auto* row = RowOf(next_year, "440600", v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->cases_open(), 1);
}

TEST_F(PlansTest, AProvinceSumsItsCities) {
  FileTarget("440600", 2019, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 2);
  FileTarget("441900", 2019, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 1);
  FileTarget("440100", 2019, v1::INDUSTRY_PAPER, v1::DIMENSION_ENERGY, 4);
  Open("f-1", "440606", 1, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY);
  Open("f-2", "440604", 2, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY);
  Open("d-1", "441900", 3, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY);
  Open("g-1", "440118", 4, v1::INDUSTRY_PAPER, v1::DIMENSION_ENERGY);
  clock_.Set(At(2019, 9, 1));
  ExitTechnology("f-1");
  ExitTechnology("f-2");
  ExitTechnology("d-1");
  Go("g-1", {v1::CASE_STATE_RECTIFYING});
  clock_.Set(At(2020, 1, 20));  // g-1's deadline (2019-10-01) passed

  const auto province = Progress("440000", 2019);
  std::map<std::tuple<std::string, int, int>, v1::PlanProgressRow> by_city;
  for (const auto& r : province.rows()) by_city[{r.region_code(), r.industry(), r.dimension()}] = r;
  ASSERT_EQ(by_city.size(), 3u);  // one row per city: the counties' cases count for their city
  int64_t total_target = 0, total_exited = 0;
  for (const std::string city : {"440600", "441900", "440100"}) {
    const auto own = Progress(city, 2019, std::nullopt, Miit(city));
    ASSERT_EQ(own.rows_size(), 1) << city;
    const auto& r = by_city[{city, own.rows(0).industry(), own.rows(0).dimension()}];
    EXPECT_EQ(r.DebugString(), own.rows(0).DebugString());
    total_target += r.enterprises_target();
    total_exited += r.enterprises_exited();
  }
  EXPECT_EQ(total_target, 7);
  EXPECT_EQ(total_exited, 3);
  const auto& guangzhou = by_city[{"440100", v1::INDUSTRY_PAPER, v1::DIMENSION_ENERGY}];
  EXPECT_EQ(guangzhou.cases_open(), 1);
  EXPECT_EQ(guangzhou.cases_overdue(), 1);
  EXPECT_TRUE(guangzhou.behind());
  EXPECT_THAT(province.cities_behind(), ElementsAre("440100"));

  // A county has no plan; a city reads only itself.
  v1::GetPlanProgressRequest county;
  county.set_region_code("440606");
  county.set_year(2019);
  EXPECT_EQ(plans_->Progress(Miit(), county).status().code(), absl::StatusCode::kInvalidArgument);
  v1::GetPlanProgressRequest other;
  other.set_region_code("440600");
  other.set_year(2019);
  EXPECT_EQ(plans_->Progress(Miit("441900"), other).status().code(),
            absl::StatusCode::kPermissionDenied);
  other.set_year(0);
  EXPECT_EQ(plans_->Progress(Miit(), other).status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- Summaries ----

class SummaryTest : public PlansTest {
 protected:
  void SetUp() override {
    PlansTest::SetUp();
    FileTarget("440600", 2019, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 3, 3000000,
               v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR,
               {absl::CivilDay(2019, 6, 30), absl::CivilDay(2019, 12, 31)});
    FileTarget("441900", 2019, v1::INDUSTRY_STEEL, v1::DIMENSION_ENERGY, 1, 20000,
               v1::CAPACITY_UNIT_TONNES_PER_YEAR, {}, {v1::DEPARTMENT_MIIT, v1::DEPARTMENT_DRC});
    PutEnterprise("440606", 1, "合成示例顺德陶瓷厂 (synthetic)");
    Open("t-1", "440606", 1, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 1000000,
         v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
    Open("t-2", "440604", 2, v1::INDUSTRY_CERAMICS, v1::DIMENSION_TECHNOLOGY, 500000,
         v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
    Open("e-1", "440605", 3, v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENERGY);
    Open("v-1", "440605", 4, v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENVIRONMENT);
    Open("d-1", "441900", 5, v1::INDUSTRY_STEEL, v1::DIMENSION_ENERGY, 20000,
         v1::CAPACITY_UNIT_TONNES_PER_YEAR);
    clock_.Set(At(2019, 8, 20, 10));
    ExitTechnology("t-1");
    Go("e-1", {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_COMPLIANT});
    Go("v-1", {v1::CASE_STATE_SUSPENDED});  // deadline 2019-09-19: overdue by the summary
    Go("d-1", {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_ORDERED_CLOSED});
    clock_.Set(At(2019, 11, 5, 10));
    ExitTechnology("t-2");
    Go("d-1", {v1::CASE_STATE_CLOSED_EXITED});
    clock_.Set(At(2020, 1, 10, 9));
  }

  SummaryFile Export(const std::string& region, v1::ExportFormat format,
                     v1::SummaryTable table = v1::SUMMARY_TABLE_UNSPECIFIED) {
    v1::ExportSummaryRequest r;
    r.set_region_code(region);
    r.set_year(2019);
    r.set_format(format);
    r.set_table(table);
    auto file = plans_->Summary(Miit(), r);
    EXPECT_TRUE(file.ok()) << file.status();
    return file.ok() ? *file : SummaryFile();
  }
};

// The figures row of an industry and dimension (and region), or -1.
int FindRow(const testutil::XlsxSheet& s, const std::string& region, const std::string& industry,
            const std::string& dimension) {
  for (size_t i = 1; i < s.rows.size(); ++i) {
    if (s.At(i, 0) == region && s.At(i, 2) == industry && s.At(i, 3) == dimension) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

TEST_F(SummaryTest, CitySummaryReadsBackWithItsFiguresAndClosedList) {
  const SummaryFile file = Export("440600", v1::EXPORT_FORMAT_XLSX);
  EXPECT_EQ(file.file_name, "summary_440600_2019.xlsx");
  EXPECT_EQ(file.closed_enterprises, 2u);
  auto sheets = testutil::ReadXlsx(file.content);
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 2u);
  const testutil::XlsxSheet& figures = (*sheets)[0];
  const testutil::XlsxSheet& closed = (*sheets)[1];
  EXPECT_EQ(figures.name, "佛山市2019年推动落后产能退出工作总结");
  EXPECT_EQ(closed.name, "依法关闭退出的落后产能企业清单");
  EXPECT_THAT(figures.rows[0],
              ElementsAre("地区代码", "地区", "行业", "方面", "目标退出企业数", "截至统计日应退出",
                          "已退出企业数", "差额", "产能单位", "目标退出产能",
                          "截至统计日应退出产能", "已退出产能", "当年发现案件", "当年办结未退出",
                          "在办案件", "逾期案件", "时间节点(已到/共)", "进度", "责任部门"));
  EXPECT_EQ(figures.rows.size(), 1u + file.rows);
  const int tech = FindRow(figures, "440600", "陶瓷", "技术");
  ASSERT_GT(tech, 0);
  EXPECT_THAT(figures.rows[tech], ElementsAre("440600", "佛山市", "陶瓷", "技术", "3", "3", "2",
                                              "1", "平方米/年", "3000000", "3000000", "1500000",
                                              "2", "0", "0", "0", "2/2", "滞后", "工业和信息化厅"));
  const int energy = FindRow(figures, "440600", "陶瓷", "能耗");
  ASSERT_GT(energy, 0);  // no target: the figures only
  EXPECT_EQ(figures.At(energy, 4), "");
  EXPECT_EQ(figures.At(energy, 6), "0");
  EXPECT_EQ(figures.At(energy, 12), "1");  // found
  EXPECT_EQ(figures.At(energy, 13), "1");  // closed compliant
  EXPECT_EQ(figures.At(energy, 17), "无目标");
  EXPECT_EQ(figures.At(energy, 18), "");  // no target, no one named
  const int environment = FindRow(figures, "440600", "陶瓷", "环保");
  ASSERT_GT(environment, 0);
  EXPECT_EQ(figures.At(environment, 14), "1");                // open
  EXPECT_EQ(figures.At(environment, 15), "1");                // overdue
  EXPECT_EQ(FindRow(figures, "441900", "钢铁", "能耗"), -1);  // another city

  ASSERT_EQ(closed.rows.size(), 3u);
  EXPECT_THAT(closed.rows[0],
              ElementsAre("序号", "统一社会信用代码", "企业名称", "地区代码", "所在地区", "行业",
                          "方面", "关停退出日期", "退出产能", "产能单位", "状态", "案件编号"));
  EXPECT_THAT(closed.rows[1],  // by region: Chancheng (440604) first
              ElementsAre("1", Code("440604", 2), "", "440604", "禅城区", "陶瓷", "技术",
                          "2019-11-05", "500000", "平方米/年", "关停退出", "t-2"));
  EXPECT_THAT(closed.rows[2], ElementsAre("2", Code("440606", 1), "合成示例顺德陶瓷厂 (synthetic)",
                                          "440606", "顺德区", "陶瓷", "技术", "2019-08-20",
                                          "1000000", "平方米/年", "关停退出", "t-1"));
}

TEST_F(SummaryTest, ProvincialSummaryHasARowPerCityAndTheTotals) {
  const SummaryFile file = Export("440000", v1::EXPORT_FORMAT_XLSX);
  auto sheets = testutil::ReadXlsx(file.content);
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 2u);
  const testutil::XlsxSheet& figures = (*sheets)[0];
  EXPECT_EQ(figures.name, "广东省2019年落后产能退出情况汇总");
  const int foshan = FindRow(figures, "440600", "陶瓷", "技术");
  const int dongguan = FindRow(figures, "441900", "钢铁", "能耗");
  ASSERT_GT(foshan, 0);
  ASSERT_GT(dongguan, 0);
  EXPECT_EQ(figures.At(dongguan, 1), "东莞市");
  EXPECT_EQ(figures.At(dongguan, 6), "1");
  EXPECT_EQ(figures.At(dongguan, 8), "吨/年");
  EXPECT_EQ(figures.At(dongguan, 11), "20000");
  EXPECT_EQ(figures.At(dongguan, 17), "正常");
  const int total = FindRow(figures, "440000", "陶瓷", "技术");
  ASSERT_GT(total, foshan);  // the totals come after the cities
  EXPECT_EQ(figures.At(total, 1), "合计");
  EXPECT_EQ(figures.At(total, 4), "3");
  EXPECT_EQ(figures.At(total, 6), "2");
  EXPECT_EQ(figures.At(total, 17), "1个市滞后");
  EXPECT_EQ(figures.At(dongguan, 18), "工业和信息化厅、发展改革委");
  const int steel_total = FindRow(figures, "440000", "钢铁", "能耗");
  ASSERT_GT(steel_total, 0);
  EXPECT_EQ(figures.At(steel_total, 6), "1");
  EXPECT_EQ(figures.At(steel_total, 11), "20000");
  const testutil::XlsxSheet& closed = (*sheets)[1];
  ASSERT_EQ(closed.rows.size(), 4u);  // Foshan's two and Dongguan's one
  EXPECT_EQ(closed.At(3, 3), "441900");
  EXPECT_EQ(closed.At(3, 6), "能耗");
  EXPECT_EQ(closed.At(3, 11), "d-1");
}

TEST_F(SummaryTest, OnePlantClosedUnderTwoDimensionsIsOneClosedEnterpriseOnTwoRows) {
  // Shunde's plant (t-1, technology) is also closed by law for its energy use.
  clock_.Set(At(2019, 12, 1, 10));
  Open("e-2", "440606", 1, v1::INDUSTRY_CERAMICS, v1::DIMENSION_ENERGY, 1000000,
       v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
  Go("e-2",
     {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_ORDERED_CLOSED, v1::CASE_STATE_CLOSED_EXITED});
  clock_.Set(At(2020, 1, 10, 9));
  const SummaryFile file = Export("440600", v1::EXPORT_FORMAT_CSV, v1::SUMMARY_TABLE_CLOSED);
  std::vector<std::string> lines = absl::StrSplit(file.content.substr(3), "\r\n");
  ASSERT_EQ(lines.size(), 5u);  // header, a row per exit case, the empty rest
  EXPECT_THAT(lines[2], HasSubstr(",能耗,2019-12-01,1000000,平方米/年,关停退出,e-2"));
  EXPECT_THAT(lines[3], HasSubstr(",技术,2019-08-20,1000000,平方米/年,关停退出,t-1"));
  EXPECT_EQ(file.closed_enterprises, 2u);  // Chancheng's and Shunde's plant
  EXPECT_EQ(Export("440000", v1::EXPORT_FORMAT_XLSX).closed_enterprises, 3u);  // and Dongguan's
}

TEST_F(SummaryTest, TheTotalOfADimensionWithoutATargetAnywhereSaysNoTarget) {
  const SummaryFile file = Export("440000", v1::EXPORT_FORMAT_XLSX);
  auto sheets = testutil::ReadXlsx(file.content);
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  const testutil::XlsxSheet& figures = (*sheets)[0];
  // Ceramics' energy: a case found and closed compliant in Foshan, no city filed a target.
  const int city = FindRow(figures, "440600", "陶瓷", "能耗");
  const int total = FindRow(figures, "440000", "陶瓷", "能耗");
  ASSERT_GT(city, 0);
  ASSERT_GT(total, city);
  for (int row : {city, total}) {
    EXPECT_EQ(figures.At(row, 4), "") << row;  // no target, nothing due, no shortfall
    EXPECT_EQ(figures.At(row, 5), "") << row;
    EXPECT_EQ(figures.At(row, 6), "0") << row;
    EXPECT_EQ(figures.At(row, 7), "") << row;
    EXPECT_EQ(figures.At(row, 12), "1") << row;  // found
    EXPECT_EQ(figures.At(row, 17), "无目标") << row;
  }
  EXPECT_EQ(figures.At(total, 1), "合计");
  // Where a city filed one, the total is the cities' (the technology row above: 1个市滞后).
  EXPECT_EQ(figures.At(FindRow(figures, "440000", "钢铁", "能耗"), 17), "正常");
}

TEST_F(SummaryTest, CsvIsUtf8WithBomAndTheSameFigures) {
  const SummaryFile figures = Export("440600", v1::EXPORT_FORMAT_CSV);
  EXPECT_EQ(figures.file_name, "summary_440600_2019.csv");
  ASSERT_TRUE(absl::StartsWith(figures.content, "\xEF\xBB\xBF"));
  EXPECT_THAT(figures.content,
              HasSubstr("\r\n440600,佛山市,陶瓷,技术,3,3,2,1,平方米/年,3000000,3000000,1500000,"
                        "2,0,0,0,2/2,滞后,工业和信息化厅\r\n"));
  const SummaryFile closed = Export("440000", v1::EXPORT_FORMAT_CSV, v1::SUMMARY_TABLE_CLOSED);
  EXPECT_EQ(closed.file_name, "summary_440000_2019_closed.csv");
  std::vector<std::string> lines = absl::StrSplit(closed.content.substr(3), "\r\n");
  ASSERT_EQ(lines.size(), 5u);  // header, three, and the empty rest after the last CRLF
  EXPECT_EQ(lines[0],
            "序号,统一社会信用代码,企业名称,地区代码,所在地区,行业,方面,关停退出日期,退出产能,"
            "产能单位,状态,案件编号");
  EXPECT_EQ(lines[3],
            absl::StrCat("3,", Code("441900", 5),
                         ",,441900,东莞市,钢铁,能耗,2019-11-05,20000,吨/年,关停退出,d-1"));

  // As of a day before the second exits, the closed list is shorter.
  v1::ExportSummaryRequest r;
  r.set_region_code("440600");
  r.set_year(2019);
  r.set_format(v1::EXPORT_FORMAT_XLSX);
  *r.mutable_as_of() = ToProto(At(2019, 11, 4, 23, 59, 59));
  auto earlier = plans_->Summary(Miit(), r);
  ASSERT_TRUE(earlier.ok()) << earlier.status();
  EXPECT_EQ(earlier->closed_enterprises, 1u);
  // A county has no summary; another city's cannot be read.
  r.set_region_code("440606");
  EXPECT_EQ(plans_->Summary(Miit(), r).status().code(), absl::StatusCode::kInvalidArgument);
  r.set_region_code("440600");
  EXPECT_EQ(plans_->Summary(Miit("441900"), r).status().code(),
            absl::StatusCode::kPermissionDenied);
  r.set_format(v1::EXPORT_FORMAT_UNSPECIFIED);
  EXPECT_EQ(plans_->Summary(Miit(), r).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tierhub::plans
