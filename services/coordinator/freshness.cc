#include "services/coordinator/freshness.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/common/time_proto.h"
#include "services/exchange/jurisdiction.h"

namespace tierhub::coordinator {
namespace {

constexpr size_t kBatchChanges = 5000;

std::string WallCursor(const std::string& origin) { return absl::StrCat("asof-wall/", origin); }
std::string RegionCursor(const std::string& origin) { return absl::StrCat("asof-region/", origin); }

}  // namespace

Freshness::Freshness(store::Store* store) : store_(store) {}
Freshness::~Freshness() { Stop(); }

void Freshness::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Freshness::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status Freshness::CatchUp() {
  while (true) {
    TH_ASSIGN_OR_RETURN(bool more, Step());
    if (!more) return absl::OkStatus();
  }
}

absl::StatusOr<bool> Freshness::Step() {
  absl::MutexLock step(&step_mu_);
  TH_ASSIGN_OR_RETURN(uint64_t cursor, store_->GetCursor(kFreshnessCursor));
  if (cursor >= store_->LastSeq()) return false;
  const uint64_t from = std::max(cursor + 1, store_->FirstLogSeq());
  // Only the envelopes are read, not the records. Changes written in this node's own region
  // (its own writes, above all) are passed over: Children() never reports an origin in the
  // region asked about, and no region under this node's is its own.
  const std::string& own_region = store_->region_code();
  // The newest change per foreign origin in this batch.
  struct Latest {
    int64_t wall_micros = 0;
    std::string region;
  };
  std::map<std::string, Latest, std::less<>> latest;
  TH_ASSIGN_OR_RETURN(
      const uint64_t covered,
      store_->ScanLogEnvelopes(from, kBatchChanges, [&](const store::Store::LogEnvelope& e) {
        if (e.origin_region == own_region || e.origin_node == store_->node_id()) return;
        auto it = latest.find(e.origin_node);
        if (it == latest.end()) it = latest.try_emplace(std::string(e.origin_node)).first;
        it->second.wall_micros = std::max(it->second.wall_micros, e.version.wall_micros());
        it->second.region.assign(e.origin_region.data(), e.origin_region.size());
      }));
  if (covered < from) return false;
  for (const auto& [origin, value] : latest) {
    TH_ASSIGN_OR_RETURN(uint64_t wall, store_->GetCursor(WallCursor(origin)));
    if (static_cast<uint64_t>(value.wall_micros) > wall) {
      TH_RETURN_IF_ERROR(store_->SetCursor(WallCursor(origin), value.wall_micros));
    }
    uint64_t region = 0;
    if (absl::SimpleAtoi(value.region, &region)) {
      TH_ASSIGN_OR_RETURN(uint64_t known, store_->GetCursor(RegionCursor(origin)));
      if (known != region) TH_RETURN_IF_ERROR(store_->SetCursor(RegionCursor(origin), region));
    }
  }
  TH_RETURN_IF_ERROR(store_->SetCursor(kFreshnessCursor, covered));
  return true;
}

absl::StatusOr<std::vector<v1::ChildFreshness>> Freshness::Children(
    const std::string& region, const std::string& self_node) const {
  TH_ASSIGN_OR_RETURN(auto watermarks, store_->Watermarks());
  std::vector<v1::ChildFreshness> out;
  for (const auto& [origin, seq] : watermarks) {
    if (origin == self_node) continue;
    TH_ASSIGN_OR_RETURN(uint64_t region_number, store_->GetCursor(RegionCursor(origin)));
    const std::string origin_region = absl::StrFormat("%06d", region_number);
    if (region_number == 0 || origin_region == region ||
        !exchange::InJurisdiction(region, origin_region)) {
      continue;
    }
    TH_ASSIGN_OR_RETURN(uint64_t wall, store_->GetCursor(WallCursor(origin)));
    v1::ChildFreshness f;
    f.set_origin_node(origin);
    f.set_region_code(origin_region);
    f.set_last_origin_seq(seq);
    SetTimestamp(absl::FromUnixMicros(static_cast<int64_t>(wall)), f.mutable_last_change_at());
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.region_code(), a.origin_node()) < std::tie(b.region_code(), b.origin_node());
  });
  return out;
}

void Freshness::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    auto more = Step();
    if (!more.ok()) {
      LogWarning("freshness: ", more.status().ToString());
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
      continue;
    }
    if (!*more) {
      auto cursor = store_->GetCursor(kFreshnessCursor);
      store_->WaitForLog(cursor.ok() ? *cursor : 0, absl::Milliseconds(200));
    }
  }
}

}  // namespace tierhub::coordinator
