#include "services/registry/domain_hooks.h"

#include "absl/strings/str_cat.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/domain/validation.h"

namespace tierhub::registry {

absl::Status DomainHooks::Validate(const v1::Change& change) const {
  if (change.has_tombstone()) {
    const std::string& region = change.tombstone().region_code();
    if (!region.empty() && domain::DefaultRegions().Lookup(region) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("tombstone.region_code: '", region, "' is not a known region"));
    }
    return absl::OkStatus();
  }
  if (!change.has_record()) {
    return absl::InvalidArgumentError("change: holds neither a record nor a tombstone");
  }
  absl::Status valid = domain::ValidateRecord(change.record());
  if (!valid.ok()) return valid;
  const std::string expected = domain::RecordKey(change.record());
  if (change.key() != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("key: '", change.key(), "' does not match the record (expected '",
                     expected, "')"));
  }
  return absl::OkStatus();
}

void DomainHooks::IndexKeys(std::string_view key, const v1::Record& record,
                            std::vector<std::string>* out) const {
  const std::string region = domain::RecordRegion(record);
  if (!region.empty()) out->push_back(absl::StrCat(kRegionIndex, region));
  std::string credit_code;
  switch (record.kind_case()) {
    case v1::Record::kEnterprise:
      credit_code = record.enterprise().credit_code();
      break;
    case v1::Record::kEquipment:
      credit_code = record.equipment().credit_code();
      break;
    case v1::Record::kListEntry:
      credit_code = record.list_entry().credit_code();
      break;
    case v1::Record::kEnforcementCase:
      credit_code = record.enforcement_case().credit_code();
      break;
    default:
      break;
  }
  if (!credit_code.empty()) out->push_back(absl::StrCat(kEnterpriseIndex, credit_code));
}

void DomainHooks::Counters(std::string_view key, const v1::Record& record,
                           std::vector<store::CounterDelta>* out) const {
  switch (record.kind_case()) {
    case v1::Record::kEnterprise: {
      const v1::Enterprise& e = record.enterprise();
      for (int industry : e.industries()) {
        out->push_back({absl::StrCat(kEnterpriseCounter, e.region_code(), "/",
                                     domain::IndustryCode(static_cast<v1::Industry>(industry)),
                                     "/", v1::OperatingStatus_Name(e.status())),
                        1});
      }
      break;
    }
    case v1::Record::kListEntry: {
      const v1::ListEntry& l = record.list_entry();
      out->push_back({absl::StrCat(kListCounter, l.region_code(), "/",
                                   domain::IndustryCode(l.industry()), "/",
                                   v1::Dimension_Name(l.dimension()), "/",
                                   v1::ListKind_Name(l.kind())),
                      1});
      break;
    }
    case v1::Record::kEnforcementCase: {
      const v1::EnforcementCase& c = record.enforcement_case();
      out->push_back({absl::StrCat(kCaseCounter, c.region_code(), "/",
                                   domain::IndustryCode(c.industry()), "/",
                                   v1::Dimension_Name(c.dimension()), "/",
                                   v1::CaseState_Name(c.state())),
                      1});
      break;
    }
    default:
      break;
  }
}

}  // namespace tierhub::registry
