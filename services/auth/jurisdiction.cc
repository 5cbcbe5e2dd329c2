#include "services/auth/jurisdiction.h"

#include "absl/strings/str_cat.h"
#include "services/domain/region_table.h"
#include "services/domain/validation.h"

namespace tierhub::auth {

bool IsGlobalRegion(const std::string& region) { return region.empty() || region == kGlobalRegion; }

std::string ChangeRegion(const v1::Change& change) {
  if (change.has_tombstone()) return change.tombstone().region_code();
  return domain::RecordRegion(change.record());
}

bool InJurisdiction(const std::string& jurisdiction, const std::string& code) {
  return domain::RegionTable::Contains(jurisdiction, code);
}

absl::Status CheckChildChange(const v1::Change& change, const std::string& child_region) {
  if (!InJurisdiction(child_region, change.origin_region())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "change ", change.origin_node(), "#", change.origin_seq(), " (", change.key(),
        "): origin region ", change.origin_region(), " is outside child region ", child_region));
  }
  const std::string region = ChangeRegion(change);
  if (IsGlobalRegion(region) || !InJurisdiction(child_region, region)) {
    return absl::PermissionDeniedError(
        absl::StrCat("change ", change.origin_node(), "#", change.origin_seq(), " (", change.key(),
                     "): record region '", region, "' is outside child region ", child_region));
  }
  return absl::OkStatus();
}

bool ShouldPushUp(const v1::Change& change, const std::string& self_region) {
  return InJurisdiction(self_region, change.origin_region());
}

bool ShouldSendDown(const v1::Change& change, const std::string& child_region) {
  if (InJurisdiction(child_region, change.origin_region())) return false;
  const std::string region = ChangeRegion(change);
  return IsGlobalRegion(region) || InJurisdiction(child_region, region);
}

}  // namespace tierhub::auth
