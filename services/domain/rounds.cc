#include "services/domain/rounds.h"

#include <string>

#include "absl/strings/str_format.h"
#include "services/domain/case_machine.h"

namespace tierhub::domain {
namespace {

v1::SubmissionRound MakeRound(const char* id, const char* title, absl::Time deadline,
                              v1::SubmissionRound::Scope scope) {
  v1::SubmissionRound round;
  round.set_round_id(id);
  round.set_title(title);
  round.mutable_deadline()->set_seconds(absl::ToUnixSeconds(deadline));
  round.set_scope(scope);
  return round;
}

}  // namespace

absl::Time ChinaEndOfDay(int year, int month, int day) {
  const absl::TimeZone cst = ChinaTimeZone();
  return absl::FromCivil(absl::CivilSecond(year, month, day, 23, 59, 59), cst);
}

std::vector<v1::SubmissionRound> PlanDefaultRounds() {
  using S = v1::SubmissionRound;
  return {
      MakeRound("2019-LISTS-1", "五部门企业清单 第一次报送 (departments' lists, 1st)",
                ChinaEndOfDay(2019, 4, 15), S::SCOPE_DEPARTMENT_LISTS),
      MakeRound("2019-LISTS-2", "五部门企业清单 第二次报送 (departments' lists, 2nd)",
                ChinaEndOfDay(2019, 6, 30), S::SCOPE_DEPARTMENT_LISTS),
      MakeRound("2019-LISTS-3", "五部门企业清单 第三次报送 (departments' lists, 3rd)",
                ChinaEndOfDay(2019, 9, 30), S::SCOPE_DEPARTMENT_LISTS),
      MakeRound("2019-CITY-SUMMARY", "各地级以上市年度工作总结及关闭企业名单 (cities' summaries)",
                ChinaEndOfDay(2020, 1, 15), S::SCOPE_CITY_SUMMARY),
      MakeRound("2019-PROVINCIAL-SUMMARY", "全省工作总结 (provincial summary to the ministry)",
                ChinaEndOfDay(2020, 1, 31), S::SCOPE_PROVINCIAL_SUMMARY),
  };
}

absl::Duration Lateness(const v1::SubmissionRound& round, absl::Time submitted_at) {
  // A round's deadline is a day in China time, inclusive, whatever instant of it is stored.
  const absl::CivilDay day = DeadlineDayOf(round.deadline());
  const absl::Time day_ends = absl::FromCivil(day + 1, ChinaTimeZone());
  if (submitted_at < day_ends) return absl::ZeroDuration();
  return submitted_at - day_ends + absl::Seconds(1);
}

std::vector<v1::Department> ExpectedDepartments(v1::SubmissionRound::Scope scope) {
  switch (scope) {
    case v1::SubmissionRound::SCOPE_DEPARTMENT_LISTS:
      return {v1::DEPARTMENT_DRC, v1::DEPARTMENT_ECO, v1::DEPARTMENT_SAMR, v1::DEPARTMENT_MEM,
              v1::DEPARTMENT_NEA};
    case v1::SubmissionRound::SCOPE_CITY_SUMMARY:
    case v1::SubmissionRound::SCOPE_PROVINCIAL_SUMMARY:
      return {v1::DEPARTMENT_MIIT};
    default:
      return {};
  }
}

}  // namespace tierhub::domain
