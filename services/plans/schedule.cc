#include "services/plans/schedule.h"

#include <algorithm>

#include "services/domain/case_machine.h"

namespace tierhub::plans {

absl::Time CheckpointDue(absl::CivilDay day) {
  return absl::FromCivil(day + 1, domain::ChinaTimeZone()) - absl::Seconds(1);
}

ShareDue ShareDueAt(int year, const std::vector<absl::CivilDay>& checkpoints, absl::Time as_of) {
  std::vector<absl::CivilDay> days = checkpoints;
  if (days.empty()) days.push_back(absl::CivilDay(year, 12, 31));
  std::sort(days.begin(), days.end());
  ShareDue share;
  share.total = static_cast<int>(days.size());
  for (const absl::CivilDay& day : days) {
    if (as_of >= CheckpointDue(day)) {
      ++share.passed;
    } else if (!share.next.has_value()) {
      share.next = day;
    }
  }
  return share;
}

int64_t DueOf(int64_t target, const ShareDue& share) {
  if (target <= 0 || share.passed <= 0) return 0;
  if (share.passed >= share.total) return target;
  return (target * share.passed + share.total - 1) / share.total;
}

}  // namespace tierhub::plans
