#include "services/plans/summary.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/disclosure.h"
#include "services/domain/region_table.h"

namespace tierhub::plans {
namespace {

using spreadsheet::Cell;
using spreadsheet::Sheet;

std::string RegionName(const std::string& code) {
  const v1::Region* region = domain::DefaultRegions().Lookup(code);
  return region != nullptr ? region->name_zh() : "";
}

Cell Count(int64_t n) { return Cell::Number(static_cast<double>(n)); }

// Totals of one industry and dimension over the cities (provincial summary).
struct Totals {
  int64_t target = 0;
  int64_t due = 0;
  int64_t exited = 0;
  int64_t shortfall = 0;  // the cities' shortfalls added: one city's surplus does not cover
                          // another's delay
  std::map<int, std::array<double, 3>> capacity;  // unit -> target, due, exited
  int64_t found = 0;
  int64_t resolved = 0;
  int64_t open = 0;
  int64_t overdue = 0;
  int cities_behind = 0;
  bool target_filed = false;  // by any city
};

// Rows of one figure line: the enterprise figures on the first, one row per capacity unit.
void AddFigureRows(const std::string& code, const std::string& name, v1::Industry industry,
                   v1::Dimension dimension, const std::vector<Cell>& enterprises,
                   const std::vector<std::array<Cell, 4>>& capacity, const std::vector<Cell>& cases,
                   const std::vector<Cell>& schedule, std::vector<std::vector<Cell>>* rows) {
  const size_t lines = std::max<size_t>(1, capacity.size());
  for (size_t i = 0; i < lines; ++i) {
    std::vector<Cell> row = {Cell::Text(code), Cell::Text(name),
                             Cell::Text(std::string(domain::IndustryNameZh(industry))),
                             Cell::Text(std::string(domain::DimensionNameZh(dimension)))};
    for (const Cell& c : enterprises) row.push_back(i == 0 ? c : Cell{});
    if (i < capacity.size()) {
      row.insert(row.end(), capacity[i].begin(), capacity[i].end());
    } else {
      row.insert(row.end(), 4, Cell{});
    }
    for (const Cell& c : cases) row.push_back(i == 0 ? c : Cell{});
    for (const Cell& c : schedule) row.push_back(i == 0 ? c : Cell{});
    rows->push_back(std::move(row));
  }
}

}  // namespace

std::string SummaryFileBase(const std::string& region, int year) {
  return absl::StrCat("summary_", region, "_", year);
}

Sheet FiguresSheet(const SummaryInput& input) {
  Sheet sheet;
  sheet.title =
      absl::StrCat(RegionName(input.region_code), input.year,
                   input.provincial ? "年落后产能退出情况汇总" : "年推动落后产能退出工作总结");
  sheet.headers = {"地区代码",
                   "地区",
                   "行业",
                   "方面",
                   "目标退出企业数",
                   "截至统计日应退出",
                   "已退出企业数",
                   "差额",
                   "产能单位",
                   "目标退出产能",
                   "截至统计日应退出产能",
                   "已退出产能",
                   "当年发现案件",
                   "当年办结未退出",
                   "在办案件",
                   "逾期案件",
                   "时间节点(已到/共)",
                   "进度",
                   "责任部门"};
  sheet.widths = {{1, 1, 12}, {4, 7, 14}, {8, 11, 16}, {12, 16, 14}};
  std::map<std::pair<int, int>, Totals> totals;
  for (const v1::PlanProgressRow& r : input.progress.rows()) {
    std::vector<Cell> enterprises = {Count(r.enterprises_target()), Count(r.enterprises_due()),
                                     Count(r.enterprises_exited()),
                                     Count(r.enterprises_shortfall())};
    if (!r.target_filed()) enterprises = {Cell{}, Cell{}, Count(r.enterprises_exited()), Cell{}};
    std::vector<std::array<Cell, 4>> capacity;
    Totals& t = totals[{r.industry(), r.dimension()}];
    for (const v1::CapacityProgress& c : r.capacity()) {
      capacity.push_back({Cell::Text(std::string(domain::CapacityUnitNameZh(c.unit()))),
                          r.target_filed() ? Cell::Number(c.target()) : Cell{},
                          r.target_filed() ? Cell::Number(c.due()) : Cell{},
                          Cell::Number(c.exited())});
      auto& u = t.capacity[c.unit()];
      u[0] += c.target();
      u[1] += c.due();
      u[2] += c.exited();
    }
    const std::vector<Cell> cases = {Count(r.cases_found()), Count(r.cases_resolved()),
                                     Count(r.cases_open()), Count(r.cases_overdue())};
    std::vector<Cell> schedule = {Cell{}, Cell::Text("无目标"), Cell{}};
    if (r.target_filed()) {
      std::vector<std::string> departments;
      auto it = input.responsible.find({r.region_code(), r.industry(), r.dimension()});
      if (it != input.responsible.end()) {
        for (v1::Department d : it->second) {
          departments.emplace_back(domain::DepartmentNameZh(d));
        }
      }
      schedule = {Cell::Text(absl::StrCat(r.checkpoints_passed(), "/",
                                          std::max<uint32_t>(1, r.checkpoints()))),
                  Cell::Text(r.behind() ? "滞后" : "正常"),
                  Cell::Text(absl::StrJoin(departments, "、"))};
    }
    AddFigureRows(r.region_code(), r.region_name(), r.industry(), r.dimension(), enterprises,
                  capacity, cases, schedule, &sheet.rows);
    t.target += r.enterprises_target();
    t.due += r.enterprises_due();
    t.exited += r.enterprises_exited();
    t.shortfall += r.enterprises_shortfall();
    t.found += r.cases_found();
    t.resolved += r.cases_resolved();
    t.open += r.cases_open();
    t.overdue += r.cases_overdue();
    t.cities_behind += r.behind() ? 1 : 0;
    t.target_filed = t.target_filed || r.target_filed();
  }
  if (input.provincial) {
    for (const auto& [key, t] : totals) {
      // Without a target at any city the totals read like a city's row without one: the
      // exits only, 无目标 (not a target of 0 that is on track).
      std::vector<std::array<Cell, 4>> capacity;
      for (const auto& [unit, u] : t.capacity) {
        capacity.push_back({Cell::Text(std::string(
                                domain::CapacityUnitNameZh(static_cast<v1::CapacityUnit>(unit)))),
                            t.target_filed ? Cell::Number(u[0]) : Cell{},
                            t.target_filed ? Cell::Number(u[1]) : Cell{}, Cell::Number(u[2])});
      }
      std::vector<Cell> enterprises = {Cell{}, Cell{}, Count(t.exited), Cell{}};
      std::vector<Cell> schedule = {Cell{}, Cell::Text("无目标"), Cell{}};
      if (t.target_filed) {
        enterprises = {Count(t.target), Count(t.due), Count(t.exited), Count(t.shortfall)};
        schedule = {
            Cell{},
            Cell::Text(t.cities_behind > 0 ? absl::StrCat(t.cities_behind, "个市滞后") : "正常"),
            Cell{}};
      }
      AddFigureRows(input.region_code, "合计", static_cast<v1::Industry>(key.first),
                    static_cast<v1::Dimension>(key.second), enterprises, capacity,
                    {Count(t.found), Count(t.resolved), Count(t.open), Count(t.overdue)}, schedule,
                    &sheet.rows);
    }
  }
  return sheet;
}

Sheet ClosedSheet(const SummaryInput& input) {
  std::vector<ClosedEnterprise> closed = input.closed;
  std::sort(closed.begin(), closed.end(), [](const auto& a, const auto& b) {
    return std::tie(a.region_code, a.credit_code, a.case_id) <
           std::tie(b.region_code, b.credit_code, b.case_id);
  });
  Sheet sheet;
  sheet.title = "依法关闭退出的落后产能企业清单";
  sheet.headers = {"序号", "统一社会信用代码", "企业名称", "地区代码", "所在地区", "行业",
                   "方面", "关停退出日期",     "退出产能", "产能单位", "状态",     "案件编号"};
  sheet.widths = {{1, 2, 24}, {7, 7, 12}};
  for (size_t i = 0; i < closed.size(); ++i) {
    const ClosedEnterprise& c = closed[i];
    const bool has_capacity = c.capacity_unit != v1::CAPACITY_UNIT_UNSPECIFIED && c.capacity > 0;
    sheet.rows.push_back(
        {Cell::Number(static_cast<double>(i + 1)), Cell::Text(c.credit_code), Cell::Text(c.name),
         Cell::Text(c.region_code), Cell::Text(RegionName(c.region_code)),
         Cell::Text(std::string(domain::IndustryNameZh(c.industry))),
         Cell::Text(std::string(domain::DimensionNameZh(c.dimension))),
         Cell::Text(domain::ChinaDay(c.closed_at)),
         has_capacity ? Cell::Number(c.capacity) : Cell{},
         Cell::Text(has_capacity ? std::string(domain::CapacityUnitNameZh(c.capacity_unit)) : ""),
         Cell::Text(domain::CaseStateNameZh(c.state)), Cell::Text(c.case_id)});
  }
  return sheet;
}

}  // namespace tierhub::plans
