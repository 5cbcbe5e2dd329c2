#include "services/domain/record_key.h"

#include "absl/strings/str_cat.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"

namespace tierhub::domain {

std::string RecordKey(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kRegion:
      return absl::StrCat("region/", record.region().code());
    case v1::Record::kEnterprise:
      return absl::StrCat("ent/", record.enterprise().credit_code());
    case v1::Record::kEquipment: {
      const v1::Equipment& e = record.equipment();
      return absl::StrCat("eqp/", e.credit_code(), "/", e.equipment_id());
    }
    case v1::Record::kListEntry: {
      const v1::ListEntry& e = record.list_entry();
      return absl::StrCat("list/", DepartmentCode(e.department()), "/", e.round_id(), "/",
                          ListKindCode(e.kind()), "/", DimensionCode(e.dimension()), "/",
                          e.credit_code());
    }
    case v1::Record::kRound:
      return absl::StrCat("round/", record.round().round_id());
    case v1::Record::kEnforcementCase:
      return absl::StrCat("case/", record.enforcement_case().case_id());
    case v1::Record::kCityTarget: {
      const v1::CityTarget& t = record.city_target();
      return absl::StrCat("target/", t.region_code(), "/", t.year(), "/",
                          IndustryCode(t.industry()), "/", DimensionCode(t.dimension()));
    }
    case v1::Record::kTipOff:
      return absl::StrCat("tip/", record.tip_off().tip_off_id());
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
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

}  // namespace tierhub::domain
