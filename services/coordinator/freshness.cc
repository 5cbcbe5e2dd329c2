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
constexpr size_t kBatchBytes = 32 << 20;

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
  // Changes written in this node's own region (its own writes, above all) are passed over
  // undecoded: Children() never reports an origin in the region asked about, and no region
  // under this node's is this node's own.
  const std::string& own_region = store_->region_code();
  uint64_t covered = 0;
  TH_ASSIGN_OR_RETURN(
      auto changes,
      store_->ReadLogFiltered(
          from, kBatchChanges, kBatchBytes,
          [&](std::string_view origin_region) { return origin_region != own_region; }, &covered));
  if (covered < from) return false;
  // The newest change per foreign origin in this batch.
  std::map<std::string, std::pair<int64_t, std::string>> latest;
  for (const v1::Change& c : changes) {
    if (c.origin_node() == store_->node_id()) continue;
    auto& slot = latest[c.origin_node()];
    slot.first = std::max(slot.first, c.version().wall_micros());
    slot.second = c.origin_region();
  }
  for (const auto& [origin, value] : latest) {
    TH_ASSIGN_OR_RETURN(uint64_t wall, store_->GetCursor(WallCursor(origin)));
    if (static_cast<uint64_t>(value.first) > wall) {
      TH_RETURN_IF_ERROR(store_->SetCursor(WallCursor(origin), value.first));
    }
    uint64_t region = 0;
    if (absl::SimpleAtoi(value.second, &region)) {
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
