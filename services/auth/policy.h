// Who may do what at a node: the one place that answers it. Every service, the exchange and
// the console call these functions; none decides on its own. The rules, as a matrix of
// identity kind × operation × tier, are written out in docs/AUTH.md; tests/auth holds the
// table that checks them against a real node.
//
// Identities (identity.h) are of three kinds. Relative to a node they act as:
//   - the node's own system: a node certificate whose id and region are this node's. It loads
//     the node's own enterprises, equipment, cases and targets (a city or county system);
//   - a peer node: any other node certificate. Peers use the exchange only (Push, Pull,
//     Snapshot, sync status); every other RPC refuses them;
//   - a department clerk: writes its department's lists, cases of the dimensions it may act
//     on, rounds and waivers if it is the lead (MIIT), reads inside its region;
//   - an operator: reads inside its region, administers nodes of its region, never writes
//     records.
// Pure functions; thread-safe.
#ifndef TIERHUB_SERVICES_AUTH_POLICY_H_
#define TIERHUB_SERVICES_AUTH_POLICY_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/auth/identity.h"
#include "services/auth/node_context.h"
#include "services/common/grpc_status.h"
#include "tierhub/v1/change.pb.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::auth {

// The caller of a service RPC other than the exchange's: its identity (CallerIdentity), with
// peer node certificates refused first (CheckNotPeer).
[[nodiscard]] absl::StatusOr<Identity> ServiceCaller(const grpc::ServerContext& context,
                                                     const NodeContext& node);

// Runs `fn(caller)` for a unary service RPC: the caller as ServiceCaller gives it, then fn's
// absl::StatusOr<Response> into `response`, or its error as the RPC's status.
template <typename Response, typename Fn>
grpc::Status Serve(grpc::ServerContext* context, const NodeContext& node, Response* response,
                   Fn fn) {
  auto caller = ServiceCaller(*context, node);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto result = fn(*caller);
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

// True if `caller` is this node's own system (its node certificate).
bool IsNodeSelf(const NodeContext& node, const Identity& caller);

// Refuses peer node certificates outside the exchange: OK for departments, operators and the
// node's own system.
[[nodiscard]] absl::Status CheckNotPeer(const NodeContext& node, const Identity& caller);

// Why `caller` may not read records about `region` at `node` (PERMISSION_DENIED), or OK: no
// peer node, and the region lies under the caller's. Global reference data (rounds) is
// readable by everyone who may read at all. Departments read each other's lists.
[[nodiscard]] absl::Status CheckReadable(const NodeContext& node, const Identity& caller,
                                         const std::string& region);

// The region a query covers: `requested`, or the caller's own when empty. INVALID_ARGUMENT if
// it is not a 6-digit code, PERMISSION_DENIED if the caller may not read it.
[[nodiscard]] absl::StatusOr<std::string> ReadRegion(const NodeContext& node,
                                                     const Identity& caller,
                                                     const std::string& requested);

// Why `caller` may not write a record about `region` at `node`, or OK: no operator, no peer
// node; global data only at the root; otherwise the region must lie under the node's and the
// caller's. PERMISSION_DENIED. The caller's right to the record's kind is checked by the RPC
// (CheckRecordWrite for the generic write, the dimension for lists and cases).
[[nodiscard]] absl::Status CheckWritable(const NodeContext& node, const Identity& caller,
                                         const std::string& region);

// Registry.WriteRecords (and its deletions) of `record`, which holds the record's kind and
// region: enterprises, equipment and regions are the node's own system's (departments submit
// lists, they do not edit the register); a city's action-plan target is written by the city's
// system or the city's MIIT (the industry authority that writes the plan), or a node above;
// every other kind has its own RPC and is refused here.
[[nodiscard]] absl::Status CheckRecordWrite(const NodeContext& node, const Identity& caller,
                                            const v1::Record& record);

// May `caller` act on cases, lists or targets of `dimension`: departments that lead it or MIIT;
// the node's own system acts for every dimension; operators and peers never.
[[nodiscard]] absl::Status CheckDimension(const Identity& caller, v1::Dimension dimension);

// Rounds and late waivers are the lead's: a MIIT clerk whose region holds this node's (at the
// top node: the provincial or national MIIT). Nodes, operators and other departments are
// refused before anything else is looked at.
[[nodiscard]] absl::Status CheckLead(const NodeContext& node, const Identity& caller);

// Administration of this node (backup, retention): operators whose region holds the node's.
// Node certificates are for the exchange; departments do not administer nodes.
[[nodiscard]] absl::Status CheckAdmin(const NodeContext& node, const Identity& caller);

// Sync status, digests and conflicts (the engineer's view of the exchange): operators and
// nodes whose region holds this node's or lies under it (its parents and children).
[[nodiscard]] absl::Status CheckExchangeView(const NodeContext& node, const Identity& caller);

// Who sees the informant of `tip` (举报人信息) at this node: the department the tip-off is
// routed to, with a region that holds the tip-off's, and this node's own operators (region
// equal to the node's). Nobody else, and only at the node that received it.
[[nodiscard]] absl::Status CheckInformantReadable(const NodeContext& node, const Identity& caller,
                                                  const v1::TipOff& tip);

}  // namespace tierhub::auth

#endif  // TIERHUB_SERVICES_AUTH_POLICY_H_
