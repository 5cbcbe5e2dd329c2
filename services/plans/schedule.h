// When an action-plan target falls due: the one rule for "how much should be done by now",
// used by GetPlanProgress, the summaries and (through them) `tierhubctl behind`. Pure;
// thread-safe.
//
// A target for a year falls due in equal shares at its checkpoints (时间节点), each at the end
// of its day in China Standard Time (from 23:59:59): after k of n checkpoints, k/n of it.
// Without checkpoints, all of it falls due at the end of the year's last day (as if 12-31 were
// its one checkpoint). What is due of a count is rounded up (ceil(target × k / n)): a city
// that promised 3 exits at two checkpoints owes 2 at the first.
#ifndef TIERHUB_SERVICES_PLANS_SCHEDULE_H_
#define TIERHUB_SERVICES_PLANS_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace tierhub::plans {

struct ShareDue {
  int passed = 0;                      // checkpoints whose day has ended by the instant asked about
  int total = 1;                       // checkpoints (1 without any: the year's last day)
  std::optional<absl::CivilDay> next;  // the earliest checkpoint not yet passed
  double fraction() const { return static_cast<double>(passed) / total; }
};

// The instant a checkpoint day falls due: 23:59:59 CST of that day.
absl::Time CheckpointDue(absl::CivilDay day);

// The share of a target for `year` with `checkpoints` (any order, repeats count twice) due at
// `as_of`.
ShareDue ShareDueAt(int year, const std::vector<absl::CivilDay>& checkpoints, absl::Time as_of);

// What is due of `target` (a count, or capacity in thousandths): ceil(target × passed / total),
// in integers. 0 for a target <= 0.
int64_t DueOf(int64_t target, const ShareDue& share);

}  // namespace tierhub::plans

#endif  // TIERHUB_SERVICES_PLANS_SCHEDULE_H_
