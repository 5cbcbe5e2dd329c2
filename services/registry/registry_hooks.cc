#include "services/registry/registry_hooks.h"

#include "absl/strings/str_cat.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/domain/validation.h"

namespace tierhub::registry {

absl::Status RegistryHooks::Validate(const v1::Change& change) const {
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
    return absl::InvalidArgumentError(absl::StrCat(
        "key: '", change.key(), "' does not match the record (expected '", expected, "')"));
  }
  return absl::OkStatus();
}

void AddEnterpriseIndex(std::string_view key, const std::string& credit_code,
                        std::vector<std::string>* out) {
  if (credit_code.empty()) return;
  std::string enterprise_index = absl::StrCat(kEnterpriseIndex, credit_code);
  // The enterprise record's key is its index key: an entry would only repeat it (and cost a
  // random-key insert on every tier for every enterprise written).
  if (enterprise_index != key) out->push_back(std::move(enterprise_index));
}

void RegistryHooks::IndexKeys(std::string_view key, const v1::Record& record,
                              std::vector<std::string>* out) const {
  const std::string region = domain::RecordRegion(record);
  if (!region.empty()) out->push_back(absl::StrCat(kRegionIndex, region));
  switch (record.kind_case()) {
    case v1::Record::kEnterprise:
      AddEnterpriseIndex(key, record.enterprise().credit_code(), out);
      break;
    case v1::Record::kEquipment:
      AddEnterpriseIndex(key, record.equipment().credit_code(), out);
      break;
    case v1::Record::kListEntry: {
      const v1::ListEntry& e = record.list_entry();
      if (!e.submission_id().empty()) {
        out->push_back(absl::StrCat(kSubmissionIndex, domain::DepartmentCode(e.department()), "/",
                                    e.submission_id(), "/"));
      }
      AddEnterpriseIndex(key, e.credit_code(), out);
      break;
    }
    case v1::Record::kSubmission: {
      const v1::Submission& s = record.submission();
      out->push_back(absl::StrCat(kRoundSubmissionIndex, s.round_id(), "/", s.region_code(), "/",
                                  domain::DepartmentCode(s.department()), "/"));
      break;
    }
    default:
      break;
  }
}

void RegistryHooks::Counters(std::string_view key, const v1::Record& record,
                             std::vector<store::CounterDelta>* out) const {
  switch (record.kind_case()) {
    case v1::Record::kEnterprise: {
      const v1::Enterprise& e = record.enterprise();
      for (int industry : e.industries()) {
        out->push_back({absl::StrCat(kEnterpriseCounter, e.region_code(), "/",
                                     domain::IndustryCode(static_cast<v1::Industry>(industry)), "/",
                                     v1::OperatingStatus_Name(e.status())),
                        1});
      }
      break;
    }
    case v1::Record::kListEntry: {
      const v1::ListEntry& l = record.list_entry();
      out->push_back(
          {absl::StrCat(kListCounter, l.region_code(), "/", domain::IndustryCode(l.industry()), "/",
                        v1::Dimension_Name(l.dimension()), "/", v1::ListKind_Name(l.kind()), "/",
                        v1::OperatingStatus_Name(l.reported_status())),
           1});
      break;
    }
    default:
      break;
  }
}

}  // namespace tierhub::registry
