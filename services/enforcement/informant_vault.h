// Informants' personal data (举报人信息): where a node keeps it and how it is keyed.
//
// An informant is kept only at the node that received the tip-off, in the store's node-local
// column family (store::LocalPut, docs/STORE_FORMAT.md `local`): it is written in the same
// Store::Write, so the same WriteBatch, as the tip-off record, so the two are durable together
// or not at all; it is never logged, so ReadLog, the exchange (push up, pull down, snapshots)
// and record scans never see it; and it is in the store's checkpoints like everything else.
// Records in the exchanged store only say that an informant exists and at which node
// (TipOff.has_informant, TipOff.received_by_node).
//
// Key layout in `local`: "informant/" ‖ tip_off_id  ->  v1::Informant (binary).
#ifndef TIERHUB_SERVICES_ENFORCEMENT_INFORMANT_VAULT_H_
#define TIERHUB_SERVICES_ENFORCEMENT_INFORMANT_VAULT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/store/store.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::enforcement {

inline constexpr char kInformantLocalPrefix[] = "informant/";

// The local key of the informant of `tip_off_id`.
std::string InformantLocalKey(const std::string& tip_off_id);

// The local put that stores `informant` under its informant.tip_off_id(), for the Store::Write
// that stores the tip-off.
store::LocalPut InformantLocalPut(const v1::Informant& informant);

// The informant of `tip_off_id` at this node, or nullopt if none was given here. DATA_LOSS if
// the stored value does not parse.
[[nodiscard]] absl::StatusOr<std::optional<v1::Informant>> ReadInformant(
    const store::Store& store, const std::string& tip_off_id);

}  // namespace tierhub::enforcement

#endif  // TIERHUB_SERVICES_ENFORCEMENT_INFORMANT_VAULT_H_
