// PlansHooks: what the store keeps for the action plans (行动计划): progress counters of cases
// against the cities' targets, the targets summed, and the index of the year's exits. Keys
// start with <prefix><YYYY>/<region>/: a plan is annual, so one range scan of
// <prefix><year>/<jurisdiction prefix> sums a year of a whole jurisdiction. <MMDD> is the day
// (China Standard Time) of the event, so a query as of a past day sums the days up to it.
// Stateless and thread-safe.
#ifndef TIERHUB_SERVICES_PLANS_PLANS_HOOKS_H_
#define TIERHUB_SERVICES_PLANS_PLANS_HOOKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/store/record_hooks.h"

namespace tierhub::plans {

// pfound/<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/<MMDD>: cases found (found_at).
inline constexpr char kPlanFoundCounter[] = "pfound/";
// pexit/<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/<MMDD>: cases closed as an exit of the plant
// (domain::IsExitState; one per enterprise exited), by the day of the closing step.
inline constexpr char kPlanExitCounter[] = "pexit/";
// pcap/<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/<CAPACITY_UNIT_X>/<MMDD>: capacity of those
// exits, thousandths of the unit.
inline constexpr char kPlanCapacityCounter[] = "pcap/";
// pres/<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/<MMDD>: cases closed without an exit
// (COMPLIANT; a QUALITY LICENCE_CANCELLED after a closure under another dimension).
inline constexpr char kPlanResolvedCounter[] = "pres/";
// tgt/<YYYY>/<city>/<INDUSTRY>/<DIMENSION_X>/FILED (1 per target filed), /ENTERPRISES
// (enterprises to exit), /CAPACITY/<CAPACITY_UNIT_X> (thousandths) and /CHECKPOINT/<YYYYMMDD>
// (1 per time point, CST day): the cities' CityTarget records summed.
inline constexpr char kPlanTargetCounter[] = "tgt/";
// exit/<YYYY>/<region>/ -> exit cases closed in that year (the closed-enterprise list).
inline constexpr char kPlanExitIndex[] = "exit/";

class PlansHooks final : public store::RecordHooks {
 public:
  void IndexKeys(std::string_view key, const v1::Record& record,
                 std::vector<std::string>* out) const override;
  void Counters(std::string_view key, const v1::Record& record,
                std::vector<store::CounterDelta>* out) const override;
};

}  // namespace tierhub::plans

#endif  // TIERHUB_SERVICES_PLANS_PLANS_HOOKS_H_
