#include "services/coordinator/freshness.h"

#include <algorithm>
#include <tuple>

#include "services/auth/jurisdiction.h"
#include "services/common/status_macros.h"
#include "services/common/time_proto.h"

namespace tierhub::coordinator {
absl::StatusOr<std::vector<v1::ChildFreshness>> Freshness::Children(
    const std::string& region, const std::string& self_node) const {
  TH_ASSIGN_OR_RETURN(auto watermarks, store_->Watermarks());
  TH_ASSIGN_OR_RETURN(auto lasts, store_->OriginsLast());
  std::vector<v1::ChildFreshness> out;
  for (const auto& [origin, seq] : watermarks) {
    auto it = lasts.find(origin);
    if (origin == self_node || it == lasts.end()) continue;
    const store::Store::OriginLast& last = it->second;
    if (last.region_code.empty() || last.region_code == region ||
        !auth::InJurisdiction(region, last.region_code)) {
      continue;
    }
    v1::ChildFreshness f;
    f.set_origin_node(origin);
    f.set_region_code(last.region_code);
    f.set_last_origin_seq(seq);
    SetTimestamp(absl::FromUnixMicros(last.wall_micros), f.mutable_last_change_at());
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.region_code(), a.origin_node()) < std::tie(b.region_code(), b.origin_node());
  });
  return out;
}

}  // namespace tierhub::coordinator
