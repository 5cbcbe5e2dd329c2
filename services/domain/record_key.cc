#include "services/domain/record_key.h"

#include "absl/strings/str_cat.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"

namespace tierhub::domain {

std::string EnterpriseKey(absl::string_view credit_code) {
  return absl::StrCat(kEnterpriseKeyPrefix, credit_code);
}

std::string RoundKey(absl::string_view round_id) { return absl::StrCat(kRoundKeyPrefix, round_id); }

std::string CaseKey(absl::string_view case_id) { return absl::StrCat(kCaseKeyPrefix, case_id); }

std::string TipOffKey(absl::string_view tip_off_id) {
  return absl::StrCat(kTipOffKeyPrefix, tip_off_id);
}

std::string EquipmentKeyPrefix(absl::string_view credit_code) {
  return absl::StrCat(kEquipmentKeyPrefix, credit_code, "/");
}

std::string ListEntryKeyPrefix(v1::Department department) {
  return absl::StrCat(kListEntryKeyPrefix, DepartmentCode(department), "/");
}

std::string SubmissionKey(v1::Department department, absl::string_view submission_id) {
  return absl::StrCat(kSubmissionKeyPrefix, DepartmentCode(department), "/", submission_id);
}

std::string SubmissionVersionKeyPrefix(v1::Department department, absl::string_view submission_id) {
  return absl::StrCat(kSubmissionVersionKeyPrefix, DepartmentCode(department), "/", submission_id,
                      "/");
}

std::string SubmissionVersionKey(v1::Department department, absl::string_view submission_id,
                                 uint32_t version) {
  return absl::StrCat(SubmissionVersionKeyPrefix(department, submission_id),
                      absl::Dec(version, absl::kZeroPad8));
}

std::string LateWaiverKey(absl::string_view round_id, v1::Department department,
                          absl::string_view region_code) {
  return absl::StrCat(kLateWaiverKeyPrefix, round_id, "/", DepartmentCode(department), "/",
                      region_code);
}

std::string MergedEnterpriseKey(absl::string_view credit_code) {
  return absl::StrCat(kMergedEnterpriseKeyPrefix, credit_code);
}

std::string ElectricityReadingKey(absl::string_view credit_code, absl::string_view month,
                                  absl::string_view account) {
  return absl::StrCat(kElectricityReadingKeyPrefix, credit_code, "/", month, "/", account);
}

std::string PowerAlertKey(absl::string_view credit_code, absl::string_view month) {
  return absl::StrCat(kPowerAlertKeyPrefix, credit_code, "/", month);
}

std::string ListEntryKey(const v1::ListEntry& e) {
  return absl::StrCat(ListEntryKeyPrefix(e.department()), e.round_id(), "/", ListKindCode(e.kind()),
                      "/", DimensionCode(e.dimension()), "/", e.credit_code());
}

std::string RecordKey(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kRegion:
      return absl::StrCat(kRegionKeyPrefix, record.region().code());
    case v1::Record::kEnterprise:
      return EnterpriseKey(record.enterprise().credit_code());
    case v1::Record::kEquipment: {
      const v1::Equipment& e = record.equipment();
      return absl::StrCat(EquipmentKeyPrefix(e.credit_code()), e.equipment_id());
    }
    case v1::Record::kListEntry:
      return ListEntryKey(record.list_entry());
    case v1::Record::kRound:
      return RoundKey(record.round().round_id());
    case v1::Record::kEnforcementCase:
      return CaseKey(record.enforcement_case().case_id());
    case v1::Record::kCityTarget: {
      const v1::CityTarget& t = record.city_target();
      return absl::StrCat(kCityTargetKeyPrefix, t.region_code(), "/", t.year(), "/",
                          IndustryCode(t.industry()), "/", DimensionCode(t.dimension()));
    }
    case v1::Record::kTipOff:
      return TipOffKey(record.tip_off().tip_off_id());
    case v1::Record::kSubmission:
      return SubmissionKey(record.submission().department(), record.submission().submission_id());
    case v1::Record::kSubmissionVersion: {
      const v1::SubmissionVersion& v = record.submission_version();
      return SubmissionVersionKey(v.department(), v.submission_id(), v.version());
    }
    case v1::Record::kLateWaiver: {
      const v1::LateWaiver& w = record.late_waiver();
      return LateWaiverKey(w.round_id(), w.department(), w.region_code());
    }
    case v1::Record::kMergedEnterprise:
      return MergedEnterpriseKey(record.merged_enterprise().credit_code());
    case v1::Record::kElectricityReading: {
      const v1::ElectricityReading& r = record.electricity_reading();
      return ElectricityReadingKey(r.credit_code(), r.month(), r.account());
    }
    case v1::Record::kPowerAlert:
      return PowerAlertKey(record.power_alert().credit_code(), record.power_alert().month());
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

std::string RecordRegion(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kRegion:
      return record.region().code();
    case v1::Record::kEnterprise:
      return record.enterprise().region_code();
    case v1::Record::kEquipment:
      return record.equipment().region_code();
    case v1::Record::kListEntry:
      return record.list_entry().region_code();
    case v1::Record::kRound:
      return std::string(kNationalRegionCode);
    case v1::Record::kEnforcementCase:
      return record.enforcement_case().region_code();
    case v1::Record::kCityTarget:
      return record.city_target().region_code();
    case v1::Record::kTipOff:
      return record.tip_off().region_code();
    case v1::Record::kSubmission:
      return record.submission().region_code();
    case v1::Record::kSubmissionVersion:
      return record.submission_version().region_code();
    case v1::Record::kLateWaiver:
      return record.late_waiver().region_code();
    case v1::Record::kMergedEnterprise:
      return record.merged_enterprise().region_code();
    case v1::Record::kElectricityReading:
      return record.electricity_reading().region_code();
    case v1::Record::kPowerAlert:
      return record.power_alert().region_code();
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

}  // namespace tierhub::domain
