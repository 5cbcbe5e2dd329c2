// Validation of records before they are stored or exchanged: required fields present, enums
// not UNSPECIFIED, credit codes and region codes valid, numbers finite and non-negative, and
// the plan's cross-field rules (a list kind fits its dimension, a department acts only where
// it may, no quality dimension for industries outside the Product Quality Law, ...).
//
// Every function returns OK or the first problem found as INVALID_ARGUMENT with the dotted
// path of the field and the reason, e.g.
//   "enterprise.industries[1]: INDUSTRY_UNSPECIFIED is not allowed".
// Field limits (field_limits.h) come first: "enterprise.name: 60000000 bytes, at most 200";
// ValidateRecord also bounds the whole record (limits::kMaxRecordBytes). A reason quotes at
// most the beginning of a bad value.
// Paths start at the Record oneof field name (enterprise, equipment, list_entry, round,
// enforcement_case, city_target, tip_off, region, submission, submission_version,
// late_waiver, merged_enterprise, electricity_reading, power_alert) whichever function is
// called.
// Region codes are checked against `regions` (by default the compiled-in table), which must
// outlive the call. Stateless; thread-safe.
#ifndef TIERHUB_SERVICES_DOMAIN_VALIDATION_H_
#define TIERHUB_SERVICES_DOMAIN_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/domain/record_key.h"  // RecordKey and RecordRegion go with validation
#include "services/domain/region_table.h"
#include "tierhub/v1/change.pb.h"
#include "tierhub/v1/domain.pb.h"
#include "tierhub/v1/equipment.pb.h"

namespace tierhub::domain {

// A credit code as stored in a record: valid (both check characters), in canonical form
// (upper case, no spaces: keys and comparisons depend on it), and with a region segment that
// is a current or retired code. A segment in a province the table does not hold is accepted,
// since the registering body may sit anywhere in China.
[[nodiscard]] absl::Status ValidateCreditCodeField(absl::string_view code, absl::string_view path,
                                                   const RegionTable& regions = DefaultRegions());

// Identifiers that become part of record keys (equipment_id, round_id, case_id, ...): 1 to 128
// (limits::kMaxIdBytes) characters of A-Z a-z 0-9 . _ - : + @ (so no '/', which separates key
// parts).
[[nodiscard]] absl::Status ValidateId(absl::string_view id, absl::string_view path);

[[nodiscard]] absl::Status ValidateEnterprise(const v1::Enterprise& enterprise,
                                              const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidateEquipment(const v1::Equipment& equipment,
                                             const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidateListEntry(const v1::ListEntry& entry,
                                             const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidateRound(const v1::SubmissionRound& round);
[[nodiscard]] absl::Status ValidateCase(const v1::EnforcementCase& enforcement_case,
                                        const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidateCityTarget(const v1::CityTarget& target,
                                              const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidateTipOff(const v1::TipOff& tip_off,
                                          const RegionTable& regions = DefaultRegions());
// A submission's header record: ids, enums, a current region, version >= 1, a kind that fits
// the dimension and a department that may act on it, both timestamps.
[[nodiscard]] absl::Status ValidateSubmission(const v1::Submission& submission,
                                              const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidateSubmissionVersion(const v1::SubmissionVersion& version,
                                                     const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidateLateWaiver(const v1::LateWaiver& waiver,
                                              const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidateMergedEnterprise(const v1::MergedEnterprise& merged,
                                                    const RegionTable& regions = DefaultRegions());
// A calendar month "YYYY-MM" (months of 2000..2100): how readings and alerts name a month.
[[nodiscard]] absl::Status ValidateMonth(absl::string_view month, absl::string_view path);
// Electricity watch (electricity.proto): an account's reading (credit code, current region,
// month, account and import ids, kWh finite and >= 0) and an alert (its month's kWh above its
// threshold, the accounts summed, the fact that triggered it with what that fact needs).
[[nodiscard]] absl::Status ValidateElectricityReading(
    const v1::ElectricityReading& reading, const RegionTable& regions = DefaultRegions());
[[nodiscard]] absl::Status ValidatePowerAlert(const v1::PowerAlert& alert,
                                              const RegionTable& regions = DefaultRegions());
// A region record is checked for shape (see CheckRegionShape), not for presence in `regions`:
// region records are how new divisions arrive.
[[nodiscard]] absl::Status ValidateRegion(const v1::Region& region);

// Dispatches on the oneof. An empty record is INVALID_ARGUMENT ("record: kind is not set").
[[nodiscard]] absl::Status ValidateRecord(const v1::Record& record,
                                          const RegionTable& regions = DefaultRegions());

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_VALIDATION_H_
