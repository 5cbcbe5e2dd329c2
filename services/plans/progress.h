// Progress of the cities against their action-plan targets, read from the counters that
// the record hooks keep with every case and target (kPlan*Counter in plans_hooks.h, kCaseCounter
// and kCaseDueCounter in services/domain/case_keys.h): range scans of a year and a jurisdiction
// prefix, summed in memory per city, industry and dimension. The cost is the number of distinct
// counter keys under the region for the year (regions × industries × dimensions × event days), not
// the number of cases. Thread-safe (reads only).
#ifndef TIERHUB_SERVICES_PLANS_PROGRESS_H_
#define TIERHUB_SERVICES_PLANS_PROGRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/store/store.h"
#include "tierhub/v1/plans.pb.h"

namespace tierhub::plans {

// The city a region's cases count for: a city itself, a county's city (a retired county code:
// the current city of its first four digits), anything else itself.
std::string CityOf(const std::string& region);

// INVALID_ARGUMENT unless `year` is in 2000..2100 (CityTarget's range), naming `field`.
[[nodiscard]] absl::Status CheckYear(int year, const std::string& field = "year");

// INVALID_ARGUMENT unless `region` is a current city, province or the national root: targets
// are filed by cities, so a county has no plan of its own.
[[nodiscard]] absl::Status CheckPlanRegion(const std::string& region);

// Every city under `region` (checked by CheckPlanRegion) with a target, a case found, closed,
// open or overdue in `year`, per industry and dimension, as of `as_of` (see plans.proto for the
// fields). Rows by city, industry, dimension.
[[nodiscard]] absl::StatusOr<v1::GetPlanProgressResponse> ReadPlanProgress(
    const store::Store& store, const std::string& region, int year, absl::Time as_of);

}  // namespace tierhub::plans

#endif  // TIERHUB_SERVICES_PLANS_PROGRESS_H_
