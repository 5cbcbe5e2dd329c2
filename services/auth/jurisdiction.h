// Jurisdiction rules of the exchange (ARCHITECTURE principles 4-6): which changes a child may
// push, which a node pushes up, which a parent sends down. Pure functions; thread-safe.
#ifndef TIERHUB_SERVICES_AUTH_JURISDICTION_H_
#define TIERHUB_SERVICES_AUTH_JURISDICTION_H_

#include <string>

#include "absl/status/status.h"
#include "tierhub/v1/change.pb.h"

namespace tierhub::auth {

// Records about the whole country (e.g. submission rounds) carry the national root's code.
inline constexpr char kGlobalRegion[] = "000000";

// True for global reference data, which every node may receive and only the root may write.
bool IsGlobalRegion(const std::string& region);

// The region a change is about (kGlobalRegion for global reference data such as rounds).
std::string ChangeRegion(const v1::Change& change);

// True if `code` lies under `jurisdiction` (by GB/T 2260 prefix; "000000" holds everything).
bool InJurisdiction(const std::string& jurisdiction, const std::string& code);

// True if `child` is a region one tier below `parent`: a province under the national root, a
// city under its province, a county under its city. The region table decides where it knows
// the child (a county-level city run by its province, e.g. 429004 under 420000); otherwise the
// code's shape does (xx0000 -> xxyy00 -> xxyyzz). A region is never its own child.
bool IsDirectChild(const std::string& parent, const std::string& child);

// A change pushed up by the direct child `child_node` (authenticated for `child_region`, the
// name and region of its certificate) must come from the child's subtree, be about a region
// under it, and bind its origin: a change whose origin region is the child's own is the
// child's (origin_node == child_node), and the child never claims a region below it as its
// own. The author must be the origin node's caller (author.node_id == origin_node), the
// record must lie in the author's region, and a department's record (list entries,
// submissions and their versions) must carry that department as author; a node's own batch
// cannot author one. PERMISSION_DENIED names the change and the reason.
[[nodiscard]] absl::Status CheckChildChange(const v1::Change& change, const std::string& child_node,
                                            const std::string& child_region);

// A node pushes up exactly the changes that originated in its own subtree (its own writes and
// its children's), never what it pulled down from its parent.
bool ShouldPushUp(const v1::Change& change, const std::string& self_region);

// A parent sends down global reference data and records inside the child's jurisdiction, never
// changes that came from the child's own subtree.
bool ShouldSendDown(const v1::Change& change, const std::string& child_region);

}  // namespace tierhub::auth

#endif  // TIERHUB_SERVICES_AUTH_JURISDICTION_H_
