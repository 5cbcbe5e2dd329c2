#include "services/plans/progress.h"

#include <cstring>
#include <functional>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "services/common/status_macros.h"
#include "services/common/time_proto.h"
#include "services/domain/case_keys.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/plans/plans_hooks.h"
#include "services/plans/schedule.h"

namespace tierhub::plans {
namespace {

// What the counters say about one city, industry and dimension.
struct Figures {
  int64_t filed = 0;
  int64_t target_enterprises = 0;
  std::map<int, int64_t> target_capacity;  // unit -> thousandths
  std::vector<absl::CivilDay> checkpoints;
  int64_t exited = 0;
  std::map<int, int64_t> exited_capacity;  // unit -> thousandths
  int64_t found = 0;
  int64_t resolved = 0;
  int64_t open = 0;
  int64_t overdue = 0;
};

using RowKey = std::tuple<std::string, int, int>;  // city, industry, dimension

// The first year whose counters are read (CheckYear's lower bound).
constexpr int kFirstPlanYear = 2000;

template <typename E>
E ParseEnum(const std::string& text, bool (*parse)(const std::string&, E*)) {
  E value{};
  if (!parse(text, &value)) return E{};
  return value;
}

v1::Industry IndustryOf(const std::string& code) {
  auto parsed = domain::ParseIndustry(code);
  return parsed.ok() ? *parsed : v1::INDUSTRY_UNSPECIFIED;
}

// Calls fn(parts, value) for each counter under `prefix`, with the key after `counter_prefix`
// split at '/'.
absl::Status Scan(const store::Store& store, const char* counter_prefix, const std::string& prefix,
                  const std::function<void(const std::vector<std::string>&, int64_t)>& fn) {
  return store.ScanCounters(prefix, [&](std::string_view key, int64_t value) {
    const std::vector<std::string> parts =
        absl::StrSplit(std::string(key.substr(strlen(counter_prefix))), '/');
    fn(parts, value);
    return true;
  });
}

std::optional<absl::CivilDay> ParseDay(const std::string& yyyymmdd) {
  absl::CivilDay day;
  if (yyyymmdd.size() != 8 ||
      !absl::ParseCivilTime(absl::StrCat(yyyymmdd.substr(0, 4), "-", yyyymmdd.substr(4, 2), "-",
                                         yyyymmdd.substr(6, 2)),
                            &day)) {
    return std::nullopt;
  }
  return day;
}

}  // namespace

std::string CityOf(const std::string& region) {
  const domain::RegionTable& regions = domain::DefaultRegions();
  const v1::Region* r = regions.Lookup(region);
  if (r == nullptr) {
    // A retired county code: the current city of its first four digits, if there is one.
    if (domain::IsRegionCodeShape(region)) {
      const std::string city = absl::StrCat(region.substr(0, 4), "00");
      const v1::Region* c = regions.Lookup(city);
      if (c != nullptr && c->level() == v1::REGION_LEVEL_CITY) return city;
    }
    return region;
  }
  if (r->level() != v1::REGION_LEVEL_COUNTY) return region;
  for (const v1::Region* a : regions.Ancestors(region)) {
    if (a->level() == v1::REGION_LEVEL_CITY) return a->code();
  }
  return region;
}

absl::Status CheckYear(int year, const std::string& field) {
  if (year < 2000 || year > 2100) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", year, " is outside 2000..2100 (the plan's year is required)"));
  }
  return absl::OkStatus();
}

absl::Status CheckPlanRegion(const std::string& region) {
  const v1::Region* r = domain::DefaultRegions().Lookup(region);
  if (r == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("region_code: '", region, "' is not a current region"));
  }
  if (r->level() == v1::REGION_LEVEL_COUNTY) {
    return absl::InvalidArgumentError(absl::StrCat(
        "region_code: ", region, " is a county; action plans are filed by cities (ask for ",
        CityOf(region), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::GetPlanProgressResponse> ReadPlanProgress(const store::Store& store,
                                                             const std::string& region, int year,
                                                             absl::Time as_of) {
  TH_RETURN_IF_ERROR(CheckYear(year));
  TH_RETURN_IF_ERROR(CheckPlanRegion(region));
  const std::string jurisdiction = domain::JurisdictionPrefix(region);
  const std::string year_text = absl::StrCat(year);
  const std::string as_of_day = absl::FormatTime("%Y%m%d", as_of, domain::ChinaTimeZone());
  auto by_as_of = [&](const std::string& mmdd) { return year_text + mmdd <= as_of_day; };
  auto year_prefix = [&](const char* counter_prefix) {
    return absl::StrCat(counter_prefix, year_text, "/", jurisdiction);
  };
  std::map<RowKey, Figures> figures;
  // parts: <YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/...
  auto at = [&](const std::vector<std::string>& p) -> Figures& {
    return figures[{CityOf(p[1]), IndustryOf(p[2]),
                    ParseEnum<v1::Dimension>(p[3], &v1::Dimension_Parse)}];
  };

  TH_RETURN_IF_ERROR(Scan(
      store, kPlanTargetCounter, year_prefix(kPlanTargetCounter),
      [&](const std::vector<std::string>& p, int64_t v) {
        if (p.size() == 5 && p[4] == "FILED") at(p).filed += v;
        if (p.size() == 5 && p[4] == "ENTERPRISES") {
          at(p).target_enterprises += v;
        }
        if (p.size() == 6 && p[4] == "CAPACITY") {
          at(p).target_capacity[ParseEnum<v1::CapacityUnit>(p[5], &v1::CapacityUnit_Parse)] += v;
        }
        if (p.size() == 6 && p[4] == "CHECKPOINT") {
          std::optional<absl::CivilDay> day = ParseDay(p[5]);
          for (int64_t i = 0; day.has_value() && i < v; ++i) {
            at(p).checkpoints.push_back(*day);
          }
        }
      }));
  TH_RETURN_IF_ERROR(Scan(store, kPlanExitCounter, year_prefix(kPlanExitCounter),
                          [&](const std::vector<std::string>& p, int64_t v) {
                            if (p.size() == 5 && by_as_of(p[4])) at(p).exited += v;
                          }));
  TH_RETURN_IF_ERROR(Scan(
      store, kPlanCapacityCounter, year_prefix(kPlanCapacityCounter),
      [&](const std::vector<std::string>& p, int64_t v) {
        if (p.size() == 6 && by_as_of(p[5])) {
          at(p).exited_capacity[ParseEnum<v1::CapacityUnit>(p[4], &v1::CapacityUnit_Parse)] += v;
        }
      }));
  TH_RETURN_IF_ERROR(Scan(store, kPlanFoundCounter, year_prefix(kPlanFoundCounter),
                          [&](const std::vector<std::string>& p, int64_t v) {
                            if (p.size() == 5 && by_as_of(p[4])) at(p).found += v;
                          }));
  TH_RETURN_IF_ERROR(Scan(store, kPlanResolvedCounter, year_prefix(kPlanResolvedCounter),
                          [&](const std::vector<std::string>& p, int64_t v) {
                            if (p.size() == 5 && by_as_of(p[4])) at(p).resolved += v;
                          }));
  // Open cases as of `as_of`: found by then, less those closed (resolved or exited) by then,
  // over every year up to as_of's, since a case found in one year may close in another.
  // (Before issue 18 this was the cases' current state, whatever as_of said.)
  const int as_of_year = static_cast<int>(absl::ToCivilYear(as_of, domain::ChinaTimeZone()).year());
  for (int y = kFirstPlanYear; y <= as_of_year; ++y) {
    const std::string y_text = absl::StrCat(y);
    auto upto = [&](const std::string& mmdd) { return y_text + mmdd <= as_of_day; };
    for (const auto& [counter, sign] : {std::pair<const char*, int>{kPlanFoundCounter, 1},
                                        {kPlanResolvedCounter, -1},
                                        {kPlanExitCounter, -1}}) {
      TH_RETURN_IF_ERROR(Scan(store, counter, absl::StrCat(counter, y_text, "/", jurisdiction),
                              [&](const std::vector<std::string>& p, int64_t v) {
                                if (p.size() == 5 && upto(p[4])) at(p).open += sign * v;
                              }));
    }
  }
  // Overdue cases: the current state (due/ is keyed <region>/<INDUSTRY>/...).
  auto now_at = [&](const std::vector<std::string>& p) -> Figures& {
    return figures[{CityOf(p[0]), IndustryOf(p[1]),
                    ParseEnum<v1::Dimension>(p[2], &v1::Dimension_Parse)}];
  };
  TH_RETURN_IF_ERROR(Scan(store, domain::kCaseDueCounter,
                          absl::StrCat(domain::kCaseDueCounter, jurisdiction),
                          [&](const std::vector<std::string>& p, int64_t v) {
                            if (p.size() == 4 && p[3] < as_of_day) now_at(p).overdue += v;
                          }));

  v1::GetPlanProgressResponse response;
  response.set_region_code(region);
  response.set_year(year);
  *response.mutable_as_of() = ToProto(as_of);
  std::string last_city_behind;
  for (const auto& [key, f] : figures) {
    const auto& [city, industry, dimension] = key;
    if (f.filed == 0 && f.target_enterprises == 0 && f.target_capacity.empty() && f.exited == 0 &&
        f.exited_capacity.empty() && f.found == 0 && f.resolved == 0 && f.open == 0 &&
        f.overdue == 0) {
      continue;
    }
    v1::PlanProgressRow* row = response.add_rows();
    row->set_region_code(city);
    const v1::Region* r = domain::DefaultRegions().Lookup(city);
    if (r != nullptr) row->set_region_name(r->name_zh());
    row->set_industry(static_cast<v1::Industry>(industry));
    row->set_dimension(static_cast<v1::Dimension>(dimension));
    const bool filed = f.filed > 0;
    row->set_target_filed(filed);
    const ShareDue share =
        filed ? ShareDueAt(year, f.checkpoints, as_of) : ShareDue{0, 1, std::nullopt};
    row->set_checkpoints(static_cast<uint32_t>(f.checkpoints.size()));
    row->set_checkpoints_passed(static_cast<uint32_t>(share.passed));
    if (filed && share.next.has_value()) {
      *row->mutable_next_checkpoint() = ToProto(CheckpointDue(*share.next));
    }
    row->set_share_due(share.fraction());
    row->set_enterprises_target(f.target_enterprises);
    const int64_t due = DueOf(f.target_enterprises, share);
    row->set_enterprises_due(due);
    row->set_enterprises_exited(f.exited);
    row->set_enterprises_shortfall(std::max<int64_t>(0, due - f.exited));
    bool behind = filed && f.exited < due;
    std::map<int, std::pair<int64_t, int64_t>> units;  // unit -> target, exited
    for (const auto& [unit, milli] : f.target_capacity) units[unit].first += milli;
    for (const auto& [unit, milli] : f.exited_capacity) units[unit].second += milli;
    for (const auto& [unit, te] : units) {
      if (te.first == 0 && te.second == 0) continue;
      const int64_t due_milli = DueOf(te.first, share);
      v1::CapacityProgress* c = row->add_capacity();
      c->set_unit(static_cast<v1::CapacityUnit>(unit));
      c->set_target(static_cast<double>(te.first) / domain::kCapacityScale);
      c->set_due(static_cast<double>(due_milli) / domain::kCapacityScale);
      c->set_exited(static_cast<double>(te.second) / domain::kCapacityScale);
      c->set_shortfall(static_cast<double>(std::max<int64_t>(0, due_milli - te.second)) /
                       domain::kCapacityScale);
      behind = behind || (filed && te.second < due_milli);
    }
    row->set_cases_found(f.found);
    row->set_cases_resolved(f.resolved);
    row->set_cases_open(f.open);
    row->set_cases_overdue(f.overdue);
    row->set_behind(behind);
    if (behind) {
      response.set_rows_behind(response.rows_behind() + 1);
      if (city != last_city_behind) response.add_cities_behind(city);
      last_city_behind = city;
    }
  }
  return response;
}

}  // namespace tierhub::plans
