#include "tests/store/test_hooks.h"

#include "absl/strings/str_cat.h"

namespace tierhub::store {

absl::Status RegionStatusHooks::Validate(const v1::Change& change) const {
  if (change.has_tombstone()) return absl::OkStatus();
  if (!change.has_record() || !change.record().has_enterprise()) {
    return absl::InvalidArgumentError("record: only enterprise records are accepted");
  }
  if (change.record().enterprise().region_code().empty()) {
    return absl::InvalidArgumentError("record.enterprise.region_code: empty");
  }
  return absl::OkStatus();
}

void RegionStatusHooks::IndexKeys(std::string_view, const v1::Record& record,
                                  std::vector<std::string>* out) const {
  const v1::Enterprise& e = record.enterprise();
  out->push_back(absl::StrCat("region/", e.region_code()));
  out->push_back(absl::StrCat("status/", static_cast<int>(e.status())));
}

void RegionStatusHooks::Counters(std::string_view, const v1::Record& record,
                                 std::vector<CounterDelta>* out) const {
  const v1::Enterprise& e = record.enterprise();
  out->push_back({"all", 1});
  out->push_back({absl::StrCat("region/", e.region_code()), 1});
  out->push_back({absl::StrCat("status/", static_cast<int>(e.status())), 1});
  out->push_back({"industries", e.industries_size()});
}

v1::Record Enterprise(std::string_view region, v1::OperatingStatus status, int industries) {
  v1::Record record;
  v1::Enterprise* e = record.mutable_enterprise();
  e->set_region_code(std::string(region));
  e->set_status(status);
  e->set_name("Synthetic Enterprise " + std::string(region));
  for (int i = 0; i < industries; ++i) e->add_industries(static_cast<v1::Industry>(1 + i % 3));
  return record;
}

std::string ShadowOf(const std::variant<v1::Record, v1::Tombstone>& body) {
  if (const auto* record = std::get_if<v1::Record>(&body)) {
    return absl::StrCat("R", record->SerializeAsString());
  }
  return absl::StrCat("T", std::get<v1::Tombstone>(body).SerializeAsString());
}

std::string ShadowOf(const v1::StoredRecord& stored) {
  if (stored.has_record()) return absl::StrCat("R", stored.record().SerializeAsString());
  return absl::StrCat("T", stored.tombstone().SerializeAsString());
}

}  // namespace tierhub::store
