// The annual summaries (section 四(三) of the plan): a city's (市级年度总结, due 01-15) and the
// province's over its cities (省级总结, due 01-31), as tables a clerk opens in Excel: the
// figures per (city,) industry and dimension, and the list of enterprises closed and exited
// in the year. Written with enforcement/spreadsheet.h (CSV with BOM, .xlsx). Pure; thread-safe.
#ifndef TIERHUB_SERVICES_PLANS_SUMMARY_H_
#define TIERHUB_SERVICES_PLANS_SUMMARY_H_

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/time/time.h"
#include "services/spreadsheet/spreadsheet.h"
#include "tierhub/v1/domain.pb.h"
#include "tierhub/v1/plans.pb.h"

namespace tierhub::plans {

// One enterprise closed and exited in the year (an exit case, domain::IsExitState).
struct ClosedEnterprise {
  std::string credit_code;
  std::string name;  // the enterprise record's, else the merged view's, else ""
  std::string region_code;
  v1::Industry industry = v1::INDUSTRY_UNSPECIFIED;
  v1::Dimension dimension = v1::DIMENSION_UNSPECIFIED;
  absl::Time closed_at;                              // the closing step (domain::ClosureOf)
  v1::CaseState state = v1::CASE_STATE_UNSPECIFIED;  // current state of the case
  double capacity = 0;
  v1::CapacityUnit capacity_unit = v1::CAPACITY_UNIT_UNSPECIFIED;
  std::string case_id;
};

struct SummaryInput {
  std::string region_code;  // the city, or the province (or national root) summarised
  bool provincial = false;  // a row per city and the region's totals, not the city's rows only
  int year = 0;
  absl::Time as_of;
  v1::GetPlanProgressResponse progress;  // ReadPlanProgress for the region, year, as_of
  std::vector<ClosedEnterprise> closed;  // in any order
  // The departments each target names as responsible (CityTarget.responsible), by city,
  // industry and dimension: the circular says who answers for a row.
  std::map<std::tuple<std::string, v1::Industry, v1::Dimension>, std::vector<v1::Department>>
      responsible;
};

// The figures table: one row per (city,) industry and dimension with a target or any case,
// with a further row per extra capacity unit; a provincial summary ends with the region's
// totals per industry and dimension (地区 "合计"). Headers in Chinese; the last column names
// the responsible departments of the row's target (责任部门, e.g. "工业和信息化厅、发展改革委").
spreadsheet::Sheet FiguresSheet(const SummaryInput& input);
// The closed list: by region, credit code, case id; numbered.
spreadsheet::Sheet ClosedSheet(const SummaryInput& input);
// "summary_<region>_<year>" for file names.
std::string SummaryFileBase(const std::string& region, int year);

}  // namespace tierhub::plans

#endif  // TIERHUB_SERVICES_PLANS_SUMMARY_H_
