#include "services/coordinator/coordinator_service.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "services/auth/jurisdiction.h"
#include "services/auth/policy.h"
#include "services/common/grpc_status.h"
#include "services/common/status_macros.h"
#include "services/common/time_proto.h"
#include "services/coordinator/coordinator_hooks.h"
#include "services/coordinator/merge.h"
#include "services/domain/case_keys.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/record_key.h"
#include "services/domain/region_table.h"
#include "services/domain/rounds.h"
#include "services/domain/validation.h"
#include "services/registry/lists.h"
#include "services/registry/registry_hooks.h"

namespace tierhub::coordinator {
namespace {

constexpr uint32_t kDefaultPageSize = 500;
constexpr uint32_t kMaxPageSize = 5000;

// Maps a region under `top` to the direct child of `top` that contains it (itself if none is
// known, e.g. a retired code). Caches per call.
class ChildMapper {
 public:
  ChildMapper(std::string top, bool enabled) : top_(std::move(top)), enabled_(enabled) {}
  // The returned reference stays valid as long as the mapper.
  const std::string& Map(absl::string_view code) {
    if (!enabled_) return top_;
    auto it = cache_.find(code);
    if (it != cache_.end()) return it->second;
    std::string child(code);
    const domain::RegionTable& regions = domain::DefaultRegions();
    std::string cur(code);
    while (true) {
      const v1::Region* parent = regions.Parent(cur);
      if (parent == nullptr) break;
      if (parent->code() == top_) {
        child = cur;
        break;
      }
      cur = parent->code();
    }
    return cache_.emplace(std::string(code), child).first->second;
  }

 private:
  std::string top_;
  bool enabled_;
  std::map<std::string, std::string, std::less<>> cache_;  // node-based: references are stable
};

// A counter key's enum part (the value's name, e.g. DIMENSION_ENERGY) -> value; 0 if unknown.
// The names are looked up once per enum type: Progress parses every counter under a region.
template <typename E>
E ParseEnum(absl::string_view name) {
  static const auto* const by_name = [] {
    auto* m = new absl::flat_hash_map<std::string, int>();
    const google::protobuf::EnumDescriptor* d = google::protobuf::GetEnumDescriptor<E>();
    for (int i = 0; i < d->value_count(); ++i)
      m->emplace(d->value(i)->name(), d->value(i)->number());
    return m;
  }();
  auto it = by_name->find(name);
  return it == by_name->end() ? E{} : static_cast<E>(it->second);
}

v1::Industry IndustryOf(absl::string_view code) {
  static const auto* const by_code = [] {
    auto* m = new absl::flat_hash_map<std::string, v1::Industry>();
    for (v1::Industry i : domain::AllIndustries()) m->emplace(domain::IndustryCode(i), i);
    return m;
  }();
  auto it = by_code->find(code);
  return it == by_code->end() ? v1::INDUSTRY_UNSPECIFIED : it->second;
}

}  // namespace

CoordinatorService::CoordinatorService(const auth::NodeContext& node, store::Store* store,
                                       const Freshness* freshness)
    : node_(node), clock_(&auth::RequireClock(node_)), store_(store), freshness_(freshness) {}

absl::StatusOr<v1::GetProgressResponse> CoordinatorService::Progress(
    const auth::Identity& caller, const v1::GetProgressRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  const std::string prefix = domain::JurisdictionPrefix(region);
  const absl::Time now = clock_->Now();
  v1::GetProgressResponse response;
  response.set_region_code(region);
  v1::AsOf* as_of = response.mutable_as_of();
  SetTimestamp(now, as_of->mutable_now());
  as_of->set_node_last_seq(store_->LastSeq());
  ChildMapper child(region, request.by_child_region());

  // Counter keys: <prefix><region>/<a>/<b>/...; sums by (child region, the rest).
  // Keys and regions are views: the region into `child`, the parts into the scanned key.
  using Parts = absl::InlinedVector<absl::string_view, 6>;
  auto scan =
      [&](const char* counter_prefix,
          const std::function<void(absl::string_view region, const Parts& parts, int64_t)>& fn) {
        return store_->ScanCounters(
            absl::StrCat(counter_prefix, prefix), [&](std::string_view key, int64_t value) {
              const Parts parts = absl::StrSplit(
                  absl::string_view(key.data(), key.size()).substr(strlen(counter_prefix)), '/');
              if (parts.size() < 2) return true;
              fn(child.Map(parts[0]), parts, value);
              return true;
            });
      };

  {
    std::map<std::tuple<absl::string_view, int, int, int, int>, int64_t> sums;
    TH_RETURN_IF_ERROR(
        scan(registry::kListCounter, [&](absl::string_view r, const auto& p, int64_t v) {
          if (p.size() != 5) return;
          sums[{r, IndustryOf(p[1]), ParseEnum<v1::Dimension>(p[2]), ParseEnum<v1::ListKind>(p[3]),
                ParseEnum<v1::OperatingStatus>(p[4])}] += v;
        }));
    for (const auto& [k, v] : sums) {
      if (v == 0) continue;
      auto* row = response.add_list_entries();
      row->set_region_code(std::string(std::get<0>(k)));
      row->set_industry(static_cast<v1::Industry>(std::get<1>(k)));
      row->set_dimension(static_cast<v1::Dimension>(std::get<2>(k)));
      row->set_kind(static_cast<v1::ListKind>(std::get<3>(k)));
      row->set_status(static_cast<v1::OperatingStatus>(std::get<4>(k)));
      row->set_count(v);
    }
  }
  {
    std::map<std::tuple<absl::string_view, int, int, int>, int64_t> sums;
    TH_RETURN_IF_ERROR(scan(kMergedCounter, [&](absl::string_view r, const auto& p, int64_t v) {
      if (p.size() != 4) return;
      sums[{r, IndustryOf(p[1]), ParseEnum<v1::Dimension>(p[2]),
            ParseEnum<v1::OperatingStatus>(p[3])}] += v;
    }));
    for (const auto& [k, v] : sums) {
      if (v == 0) continue;
      auto* row = response.add_enterprises();
      row->set_region_code(std::string(std::get<0>(k)));
      row->set_industry(static_cast<v1::Industry>(std::get<1>(k)));
      row->set_dimension(static_cast<v1::Dimension>(std::get<2>(k)));
      row->set_status(static_cast<v1::OperatingStatus>(std::get<3>(k)));
      row->set_count(v);
    }
  }
  {
    // (region, industry, unit) -> listed, exited (thousandths), enterprises listed, exited.
    std::map<std::tuple<absl::string_view, int, int>, std::array<int64_t, 4>> sums;
    TH_RETURN_IF_ERROR(scan(kCapacityCounter, [&](absl::string_view r, const auto& p, int64_t v) {
      if (p.size() != 4) return;
      auto& s = sums[{r, IndustryOf(p[1]), ParseEnum<v1::CapacityUnit>(p[2])}];
      s[p[3] == "EXITED" ? 1 : 0] += v;
    }));
    TH_RETURN_IF_ERROR(
        scan(kMergedEnterpriseCounter, [&](absl::string_view r, const auto& p, int64_t v) {
          if (p.size() != 3) return;
          auto& s = sums[{r, IndustryOf(p[1]), 0}];
          s[p[2] == "EXITED" ? 3 : 2] += v;
        }));
    for (const auto& [k, s] : sums) {
      if (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0) continue;
      auto* row = response.add_capacity();
      row->set_region_code(std::string(std::get<0>(k)));
      row->set_industry(static_cast<v1::Industry>(std::get<1>(k)));
      row->set_unit(static_cast<v1::CapacityUnit>(std::get<2>(k)));
      row->set_listed(static_cast<double>(s[0]) / domain::kCapacityScale);
      row->set_exited(static_cast<double>(s[1]) / domain::kCapacityScale);
      row->set_enterprises_listed(s[2]);
      row->set_enterprises_exited(s[3]);
    }
  }
  {
    std::map<std::tuple<absl::string_view, int, int, int>, int64_t> sums;
    TH_RETURN_IF_ERROR(scan(domain::kCaseCounter, [&](absl::string_view r, const auto& p,
                                                      int64_t v) {
      if (p.size() != 4) return;
      sums[{r, IndustryOf(p[1]), ParseEnum<v1::Dimension>(p[2]), ParseEnum<v1::CaseState>(p[3])}] +=
          v;
    }));
    for (const auto& [k, v] : sums) {
      if (v == 0) continue;
      auto* row = response.add_cases();
      row->set_region_code(std::string(std::get<0>(k)));
      row->set_industry(static_cast<v1::Industry>(std::get<1>(k)));
      row->set_dimension(static_cast<v1::Dimension>(std::get<2>(k)));
      row->set_state(static_cast<v1::CaseState>(std::get<3>(k)));
      row->set_count(v);
    }
  }
  {
    // Overdue: open cases whose deadline day (China time) is before today.
    const std::string today = absl::FormatTime("%Y%m%d", now, domain::ChinaTimeZone());
    std::map<std::tuple<absl::string_view, int, int>, int64_t> sums;
    int64_t total = 0;
    TH_RETURN_IF_ERROR(
        scan(domain::kCaseDueCounter, [&](absl::string_view r, const auto& p, int64_t v) {
          if (p.size() != 4 || p[3] >= today) return;
          sums[{r, IndustryOf(p[1]), ParseEnum<v1::Dimension>(p[2])}] += v;
          total += v;
        }));
    for (const auto& [k, v] : sums) {
      if (v == 0) continue;
      auto* row = response.add_overdue();
      row->set_region_code(std::string(std::get<0>(k)));
      row->set_industry(static_cast<v1::Industry>(std::get<1>(k)));
      row->set_dimension(static_cast<v1::Dimension>(std::get<2>(k)));
      row->set_overdue(v);
    }
    response.set_cases_overdue(total);
  }
  {
    std::map<std::tuple<absl::string_view, int>, int64_t> sums;
    TH_RETURN_IF_ERROR(
        scan(kContradictionCounter, [&](absl::string_view r, const auto& p, int64_t v) {
          if (p.size() != 2) return;
          sums[{r, ParseEnum<v1::Contradiction::Kind>(p[1])}] += v;
        }));
    for (const auto& [k, v] : sums) {
      if (v == 0) continue;
      auto* row = response.add_contradictions();
      row->set_region_code(std::string(std::get<0>(k)));
      row->set_kind(static_cast<v1::Contradiction::Kind>(std::get<1>(k)));
      row->set_count(v);
    }
  }
  // As of: every origin below, and the direct child regions nothing has come from.
  if (freshness_ != nullptr) {
    TH_ASSIGN_OR_RETURN(auto children, freshness_->Children(region, node_.node_id));
    std::set<std::string> heard;
    ChildMapper direct(region, true);
    for (auto& f : children) {
      const absl::Time at = absl::FromUnixSeconds(f.last_change_at().seconds()) +
                            absl::Nanoseconds(f.last_change_at().nanos());
      f.set_age_seconds(absl::ToDoubleSeconds(now - at));
      heard.insert(direct.Map(f.region_code()));
      *as_of->add_children() = std::move(f);
    }
    for (const v1::Region* r : domain::DefaultRegions().Children(region)) {
      if (heard.count(r->code()) > 0) continue;
      auto* silent = as_of->add_silent_children();
      silent->set_region_code(r->code());
      silent->set_name_zh(r->name_zh());
    }
  }
  return response;
}

absl::StatusOr<v1::GetMergedViewResponse> CoordinatorService::MergedView(
    const auth::Identity& caller, const v1::GetMergedViewRequest& request) const {
  TH_RETURN_IF_ERROR(domain::ValidateCreditCodeField(request.credit_code(), "credit_code"));
  TH_ASSIGN_OR_RETURN(auto live,
                      store_->GetLive(domain::MergedEnterpriseKey(request.credit_code())));
  if (!live.has_value() || !live->has_merged_enterprise()) {
    return absl::NotFoundError(absl::StrCat("no merged view of ", request.credit_code()));
  }
  TH_RETURN_IF_ERROR(auth::CheckReadable(node_, caller, live->merged_enterprise().region_code()));
  v1::GetMergedViewResponse response;
  *response.mutable_merged() = live->merged_enterprise();
  TH_ASSIGN_OR_RETURN(EnterpriseRecords records,
                      ReadEnterpriseRecords(*store_, request.credit_code()));
  std::vector<std::string> ids;
  for (const v1::EnforcementCase& c : records.cases) ids.push_back(c.case_id());
  std::sort(ids.begin(), ids.end());
  for (std::string& id : ids) response.add_case_ids(std::move(id));
  return response;
}

absl::StatusOr<v1::ListContradictionsResponse> CoordinatorService::Contradictions(
    const auth::Identity& caller, const v1::ListContradictionsRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  const uint32_t page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  v1::ListContradictionsResponse response;
  registry::Pager pager(request.page_token(), page_size);
  TH_RETURN_IF_ERROR(registry::PageThroughIndex(
      *store_, absl::StrCat(kContradictionIndex, domain::JurisdictionPrefix(region)),
      domain::kMergedEnterpriseKeyPrefix, &pager,
      [&](const v1::Record& r) {
        if (!r.has_merged_enterprise()) return false;
        bool wanted = request.kind() == v1::Contradiction::KIND_UNSPECIFIED;
        for (const auto& c : r.merged_enterprise().contradictions()) {
          wanted = wanted || c.kind() == request.kind();
        }
        return wanted;
      },
      [&](v1::Record&& r) { *response.add_merged() = std::move(*r.mutable_merged_enterprise()); }));
  response.set_next_page_token(pager.next_token());
  return response;
}

absl::StatusOr<v1::GetRoundStatusResponse> CoordinatorService::RoundStatus(
    const auth::Identity& caller, const v1::GetRoundStatusRequest& request) const {
  TH_RETURN_IF_ERROR(domain::ValidateId(request.round_id(), "round_id"));
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  TH_ASSIGN_OR_RETURN(auto round, store_->GetLive(domain::RoundKey(request.round_id())));
  if (!round.has_value() || !round->has_round()) {
    return absl::NotFoundError(absl::StrCat("no round ", request.round_id()));
  }
  const absl::Time now = clock_->Now();
  v1::GetRoundStatusResponse response;
  *response.mutable_round() = round->round();
  SetTimestamp(now, response.mutable_now());
  response.set_deadline_passed(domain::Lateness(round->round(), now) > absl::ZeroDuration());

  std::vector<v1::Department> departments;
  for (int d : request.departments()) departments.push_back(static_cast<v1::Department>(d));
  if (departments.empty()) departments = domain::ExpectedDepartments(round->round().scope());
  std::vector<std::string> regions = {region};
  if (request.include_children()) {
    for (const v1::Region* r : domain::DefaultRegions().Children(region)) {
      regions.push_back(r->code());
    }
  }
  for (const std::string& r : regions) {
    for (v1::Department d : departments) {
      v1::RoundStatusRow row;
      row.set_department(d);
      row.set_region_code(r);
      std::vector<std::string> keys;
      TH_RETURN_IF_ERROR(
          store_->ScanIndex(absl::StrCat(registry::kRoundSubmissionIndex, request.round_id(), "/",
                                         r, "/", domain::DepartmentCode(d), "/"),
                            [&](std::string_view, std::string_view key) {
                              keys.emplace_back(key);
                              return true;
                            }));
      bool any = false;
      bool on_time = false;
      int64_t least_late = 0;
      for (const std::string& key : keys) {
        TH_ASSIGN_OR_RETURN(auto live, store_->GetLive(key));
        if (!live.has_value() || !live->has_submission() || live->submission().withdrawn()) {
          continue;
        }
        const v1::Submission& s = live->submission();
        row.add_submission_ids(s.submission_id());
        if (!any || s.submitted_at().seconds() < row.first_submitted_at().seconds()) {
          *row.mutable_first_submitted_at() = s.submitted_at();
        }
        if (!s.late()) on_time = true;
        least_late = any ? std::min(least_late, s.late_seconds()) : s.late_seconds();
        row.set_late_waiver(row.late_waiver() || s.late_waiver());
        any = true;
      }
      if (!any) {
        row.set_status(v1::RoundStatusRow::STATUS_MISSING);
      } else if (on_time) {
        row.set_status(v1::RoundStatusRow::STATUS_ON_TIME);
      } else {
        row.set_status(v1::RoundStatusRow::STATUS_LATE);
        row.set_late_seconds(least_late);
      }
      *response.add_rows() = std::move(row);
    }
  }
  return response;
}

using auth::Serve;

grpc::Status CoordinatorService::GetProgress(grpc::ServerContext* context,
                                             const v1::GetProgressRequest* request,
                                             v1::GetProgressResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Progress(c, *request); });
}

grpc::Status CoordinatorService::GetMergedView(grpc::ServerContext* context,
                                               const v1::GetMergedViewRequest* request,
                                               v1::GetMergedViewResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return MergedView(c, *request); });
}

grpc::Status CoordinatorService::ListContradictions(grpc::ServerContext* context,
                                                    const v1::ListContradictionsRequest* request,
                                                    v1::ListContradictionsResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Contradictions(c, *request); });
}

grpc::Status CoordinatorService::GetRoundStatus(grpc::ServerContext* context,
                                                const v1::GetRoundStatusRequest* request,
                                                v1::GetRoundStatusResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return RoundStatus(c, *request); });
}

}  // namespace tierhub::coordinator
