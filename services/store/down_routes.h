// DownRoutes: which of a node's children a log entry goes down to, decided once, when the entry
// is written, so that a child's Pull reads only its own route and the global one
// (docs/STORE_FORMAT.md, "route"; docs/EXCHANGE.md, "Downward").
#ifndef TIERHUB_SERVICES_STORE_DOWN_ROUTES_H_
#define TIERHUB_SERVICES_STORE_DOWN_ROUTES_H_

#include <string>
#include <string_view>
#include <vector>

#include "tierhub/v1/change.pb.h"

namespace tierhub::store {

// Appends to `out` the routes of `change` at a node of region `self_region`:
// - format::kGlobalRoute for global reference data (auth::IsGlobalRegion), which every child
//   receives;
// - otherwise each region C that is a direct child of `self_region` (auth::IsDirectChild),
//   contains the change's region (auth::InJurisdiction) and does not contain its origin region
//   (nothing goes back down to the subtree it came from).
// Nothing for a change no child may receive. For a direct child C, a change is under route C
// or kGlobalRoute exactly when auth::ShouldSendDown(change, C) holds (for a global change, when
// it did not come from C's subtree, which a child's push never brings: auth::CheckChildChange).
// Pure and deterministic (the region table is compiled in); thread-safe.
void DownRoutes(std::string_view self_region, const v1::Change& change,
                std::vector<std::string>* out);

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_DOWN_ROUTES_H_
