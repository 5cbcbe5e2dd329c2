#include "services/store/down_routes.h"

#include <algorithm>

#include "services/auth/jurisdiction.h"
#include "services/domain/region_table.h"
#include "services/store/format.h"

namespace tierhub::store {

void DownRoutes(std::string_view self_region, const v1::Change& change,
                std::vector<std::string>* out) {
  const std::string region = auth::ChangeRegion(change);
  if (auth::IsGlobalRegion(region)) {
    out->emplace_back(format::kGlobalRoute);
    return;
  }
  if (!domain::IsRegionCodeShape(region)) return;  // in no one's jurisdiction
  // Jurisdiction is by prefix, so the regions that contain a code are the code itself, its
  // city-shaped and its province-shaped prefixes (and the root, never a child).
  const std::string self(self_region);
  const std::string candidates[] = {region, region.substr(0, 4) + "00",
                                    region.substr(0, 2) + "0000"};
  const size_t first = out->size();
  for (const std::string& c : candidates) {
    // No echo first: it is the cheapest test and rules out most candidates at a parent, whose
    // log is mostly what its children pushed up.
    if (auth::InJurisdiction(c, change.origin_region())) continue;
    if (std::find(out->begin() + first, out->end(), c) != out->end()) continue;
    if (!auth::InJurisdiction(c, region)) continue;
    if (!auth::IsDirectChild(self, c)) continue;
    out->push_back(c);
  }
}

}  // namespace tierhub::store
