// The overview's figures: GetProgress (and the action plans' progress) folded into one row per
// child region and industry. Pure; thread-safe.
#ifndef TIERHUB_SERVICES_CONSOLE_OVERVIEW_H_
#define TIERHUB_SERVICES_CONSOLE_OVERVIEW_H_

#include <map>
#include <string>
#include <utility>

#include "tierhub/v1/coordinator.pb.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::console {

struct OverviewRow {
  int64_t listed = 0;      // enterprises listed (each once per industry: CapacityFigure)
  int64_t exited = 0;      // of those, exited (closed or dismantled)
  int64_t rectifying = 0;  // cases under rectification (限期整改, 延期, 限产, 停产整改)
  int64_t closed = 0;  // cases at a closing order (责令关停, 提请/批准关闭, 吊销, 封存)
  int64_t overdue = 0;     // open cases past their deadline day
  int64_t cases_open = 0;  // every open case
  // Capacity listed and exited per unit: an industry may count in two units (ceramics: tiles in
  // 平方米/年, sanitary ware in 件/年), which are never added together.
  struct Capacity {
    double listed = 0;
    double exited = 0;
  };
  std::map<v1::CapacityUnit, Capacity> capacity;
};

// (region, industry) -> row, from a GetProgress answer (by_child_region or not).
std::map<std::pair<std::string, v1::Industry>, OverviewRow> OverviewRows(
    const v1::GetProgressResponse& progress);

}  // namespace tierhub::console

#endif  // TIERHUB_SERVICES_CONSOLE_OVERVIEW_H_
