#include "services/enforcement/informant_vault.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace tierhub::enforcement {
namespace {

absl::StatusOr<std::optional<v1::Informant>> ParseInformant(const std::string& tip_off_id,
                                                            const std::string& value,
                                                            absl::string_view where) {
  v1::Informant informant;
  if (!informant.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat(where, ": informant of tip-off ", tip_off_id, " does not parse"));
  }
  return std::optional<v1::Informant>(std::move(informant));
}

}  // namespace

std::string InformantLocalKey(const std::string& tip_off_id) {
  return absl::StrCat(kInformantLocalPrefix, tip_off_id);
}

store::LocalPut InformantLocalPut(const v1::Informant& informant) {
  return store::LocalPut{InformantLocalKey(informant.tip_off_id()), informant.SerializeAsString()};
}

absl::StatusOr<std::optional<v1::Informant>> ReadInformant(const store::Store& store,
                                                           const std::string& tip_off_id) {
  absl::StatusOr<std::optional<std::string>> raw = store.GetLocal(InformantLocalKey(tip_off_id));
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<v1::Informant>();
  return ParseInformant(tip_off_id, **raw, "store local data");
}

}  // namespace tierhub::enforcement
