#include "services/console/overview.h"

#include "services/domain/case_machine.h"

namespace tierhub::console {
namespace {

bool Rectifying(v1::CaseState s) {
  return s == v1::CASE_STATE_RECTIFYING || s == v1::CASE_STATE_EXTENDED ||
         s == v1::CASE_STATE_RESTRICTED || s == v1::CASE_STATE_SUSPENDED;
}

bool ClosingOrder(v1::CaseState s) {
  return s == v1::CASE_STATE_ORDERED_CLOSED || s == v1::CASE_STATE_CLOSURE_REQUESTED ||
         s == v1::CASE_STATE_CLOSURE_APPROVED || s == v1::CASE_STATE_LICENCES_REVOKED ||
         s == v1::CASE_STATE_SEALED;
}

}  // namespace

std::map<std::pair<std::string, v1::Industry>, OverviewRow> OverviewRows(
    const v1::GetProgressResponse& r) {
  std::map<std::pair<std::string, v1::Industry>, OverviewRow> rows;
  for (const auto& c : r.capacity()) {
    OverviewRow& row = rows[{c.region_code(), c.industry()}];
    row.listed += c.enterprises_listed();
    row.exited += c.enterprises_exited();
    if (c.unit() != v1::CAPACITY_UNIT_UNSPECIFIED) {
      OverviewRow::Capacity& capacity = row.capacity[c.unit()];
      capacity.listed += c.listed();
      capacity.exited += c.exited();
    }
  }
  for (const auto& c : r.cases()) {
    OverviewRow& row = rows[{c.region_code(), c.industry()}];
    if (Rectifying(c.state())) row.rectifying += c.count();
    if (ClosingOrder(c.state())) row.closed += c.count();
    if (!domain::IsTerminal(c.dimension(), c.state())) row.cases_open += c.count();
  }
  for (const auto& o : r.overdue()) rows[{o.region_code(), o.industry()}].overdue += o.overdue();
  return rows;
}

}  // namespace tierhub::console
