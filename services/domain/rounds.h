// Submission rounds (报送轮次): the plan's default calendar and the on-time rule. Stateless;
// thread-safe.
#ifndef TIERHUB_SERVICES_DOMAIN_ROUNDS_H_
#define TIERHUB_SERVICES_DOMAIN_ROUNDS_H_

#include <vector>

#include "absl/time/time.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::domain {

// The rounds the 2019 plan names: the five departments' lists by 2019-04-15, 2019-06-30 and
// 2019-09-30 (ids 2019-LISTS-1..3), the cities' summaries by 2020-01-15 (2019-CITY-SUMMARY)
// and MIIT's provincial summary by 2020-01-31 (2019-PROVINCIAL-SUMMARY). A deadline is the
// last second of its day in China Standard Time (UTC+8): 2019-04-15T23:59:59+08:00.
std::vector<v1::SubmissionRound> PlanDefaultRounds();

// The end of `year-month-day` in China Standard Time, as used for round deadlines.
absl::Time ChinaEndOfDay(int year, int month, int day);

// How late a submission made at `submitted_at` is for `round`: zero on or before the deadline
// day (China time, inclusive: a deadline stored as 2019-04-15T00:00:00+08:00 or as
// 2019-04-15T23:59:59+08:00 both name 2019-04-15), else the time after the day's last second.
absl::Duration Lateness(const v1::SubmissionRound& round, absl::Time submitted_at);

// The departments a round expects a submission from: the five for DEPARTMENT_LISTS, MIIT (the
// city's industry authority, which writes the summary) for CITY_SUMMARY and
// PROVINCIAL_SUMMARY.
std::vector<v1::Department> ExpectedDepartments(v1::SubmissionRound::Scope scope);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_ROUNDS_H_
