#include "services/plans/plans_service.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/auth/policy.h"
#include "services/common/grpc_status.h"
#include "services/common/rpc_streams.h"
#include "services/common/status_macros.h"
#include "services/common/time_proto.h"
#include "services/domain/case_machine.h"
#include "services/domain/disclosure.h"
#include "services/domain/record_key.h"
#include "services/domain/region_table.h"
#include "services/plans/plans_hooks.h"
#include "services/plans/progress.h"
#include "services/plans/summary.h"
#include "services/registry/lists.h"

namespace tierhub::plans {
namespace {

// The enterprises closed and exited in `year` under `region` up to as_of's day, through the
// exit index (exit/<YYYY>/<region>/): the cost follows the exits, not the store.
absl::StatusOr<std::vector<ClosedEnterprise>> ReadClosed(const store::Store& store,
                                                         const std::string& region, int year,
                                                         absl::Time as_of) {
  std::vector<std::string> keys;
  TH_RETURN_IF_ERROR(
      store.ScanIndex(absl::StrCat(kPlanExitIndex, year, "/", domain::JurisdictionPrefix(region)),
                      [&](std::string_view, std::string_view key) {
                        keys.emplace_back(key);
                        return true;
                      }));
  const absl::CivilDay last = absl::ToCivilDay(as_of, domain::ChinaTimeZone());
  std::vector<ClosedEnterprise> out;
  for (const std::string& key : keys) {
    TH_ASSIGN_OR_RETURN(auto record, store.GetLive(key));
    if (!record.has_value() || !record->has_enforcement_case()) continue;
    const v1::EnforcementCase& c = record->enforcement_case();
    const std::optional<domain::CaseClosure> closure = domain::ClosureOf(c);
    if (!closure.has_value() || !closure->exited) continue;
    if (absl::ToCivilDay(closure->at, domain::ChinaTimeZone()) > last) continue;
    ClosedEnterprise e;
    e.credit_code = c.credit_code();
    e.region_code = c.region_code();
    e.industry = c.industry();
    e.dimension = c.dimension();
    e.closed_at = closure->at;
    e.state = c.state();
    e.capacity = c.capacity();
    e.capacity_unit = c.capacity_unit();
    e.case_id = c.case_id();
    TH_ASSIGN_OR_RETURN(auto enterprise, store.GetLive(domain::EnterpriseKey(c.credit_code())));
    if (enterprise.has_value() && enterprise->has_enterprise()) {
      e.name = enterprise->enterprise().name();
    } else {
      TH_ASSIGN_OR_RETURN(auto merged, store.GetLive(domain::MergedEnterpriseKey(c.credit_code())));
      if (merged.has_value() && merged->has_merged_enterprise()) {
        e.name = merged->merged_enterprise().name();
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

PlansService::PlansService(const auth::NodeContext& node, const store::Store* store)
    : node_(node), clock_(&auth::RequireClock(node_)), store_(store) {}

absl::StatusOr<v1::GetPlanProgressResponse> PlansService::Progress(
    const auth::Identity& caller, const v1::GetPlanProgressRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  const absl::Time as_of = request.has_as_of() ? FromProto(request.as_of()) : clock_->Now();
  TH_ASSIGN_OR_RETURN(v1::GetPlanProgressResponse response,
                      ReadPlanProgress(*store_, region, request.year(), as_of));
  if (request.behind_only()) {
    auto* rows = response.mutable_rows();
    rows->erase(std::remove_if(rows->begin(), rows->end(),
                               [](const v1::PlanProgressRow& r) { return !r.behind(); }),
                rows->end());
  }
  return response;
}

absl::StatusOr<SummaryFile> PlansService::Summary(const auth::Identity& caller,
                                                  const v1::ExportSummaryRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  if (request.format() != v1::EXPORT_FORMAT_CSV && request.format() != v1::EXPORT_FORMAT_XLSX) {
    return absl::InvalidArgumentError("format: must be CSV or XLSX");
  }
  const absl::Time as_of = request.has_as_of() ? FromProto(request.as_of()) : clock_->Now();
  SummaryInput input;
  input.region_code = region;
  input.year = request.year();
  input.as_of = as_of;
  TH_ASSIGN_OR_RETURN(input.progress, ReadPlanProgress(*store_, region, request.year(), as_of));
  const v1::Region* r = domain::DefaultRegions().Lookup(region);
  input.provincial = r != nullptr && r->level() != v1::REGION_LEVEL_CITY;
  TH_ASSIGN_OR_RETURN(input.closed, ReadClosed(*store_, region, request.year(), as_of));
  TH_RETURN_IF_ERROR(store_->ScanRecords(
      absl::StrCat(domain::kCityTargetKeyPrefix, domain::JurisdictionPrefix(region)),
      [&](std::string_view, const v1::StoredRecord& stored) {
        if (!store::IsLive(stored) || !stored.record().has_city_target()) return true;
        const v1::CityTarget& t = stored.record().city_target();
        if (t.year() != request.year()) return true;
        auto& departments = input.responsible[{t.region_code(), t.industry(), t.dimension()}];
        for (int d : t.responsible()) departments.push_back(static_cast<v1::Department>(d));
        return true;
      }));
  spreadsheet::Sheet figures = FiguresSheet(input);
  spreadsheet::Sheet closed = ClosedSheet(input);
  SummaryFile out;
  out.rows = static_cast<uint32_t>(figures.rows.size());
  // One plant closed under two dimensions is two rows (two cases) but one enterprise.
  std::set<std::string> enterprises;
  for (const ClosedEnterprise& e : input.closed) enterprises.insert(e.credit_code);
  out.closed_enterprises = static_cast<uint32_t>(enterprises.size());
  const std::string base = SummaryFileBase(region, request.year());
  if (request.format() == v1::EXPORT_FORMAT_XLSX) {
    TH_ASSIGN_OR_RETURN(out.content,
                        spreadsheet::XlsxOf({figures, closed}, domain::WorkbookTime(as_of)));
    out.file_name = absl::StrCat(base, ".xlsx");
  } else if (request.table() == v1::SUMMARY_TABLE_CLOSED) {
    out.content = spreadsheet::CsvOf(closed);
    out.file_name = absl::StrCat(base, "_closed.csv");
  } else {
    out.content = spreadsheet::CsvOf(figures);
    out.file_name = absl::StrCat(base, ".csv");
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> PlansService::ExitsByMonth(const auth::Identity& caller,
                                                                const std::string& region,
                                                                int year) const {
  TH_ASSIGN_OR_RETURN(const std::string readable, auth::ReadRegion(node_, caller, region));
  TH_ASSIGN_OR_RETURN(auto closed, ReadClosed(*store_, readable, year, clock_->Now()));
  std::vector<int64_t> months(12, 0);
  for (const ClosedEnterprise& e : closed) {
    const absl::CivilMonth month = absl::ToCivilMonth(e.closed_at, domain::ChinaTimeZone());
    if (month.year() == year) ++months[month.month() - 1];
  }
  return months;
}

grpc::Status PlansService::GetPlanProgress(grpc::ServerContext* context,
                                           const v1::GetPlanProgressRequest* request,
                                           v1::GetPlanProgressResponse* response) {
  return auth::Serve(context, node_, response,
                     [&](const auth::Identity& c) { return Progress(c, *request); });
}

grpc::Status PlansService::ExportSummary(grpc::ServerContext* context,
                                         const v1::ExportSummaryRequest* request,
                                         grpc::ServerWriter<v1::ExportSummaryChunk>* writer) {
  auto caller = auth::ServiceCaller(*context, node_);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto file = Summary(*caller, *request);
  if (!file.ok()) return ToGrpc(file.status());
  v1::ExportSummaryChunk first;
  first.set_file_name(file->file_name);
  first.set_rows(file->rows);
  first.set_closed_enterprises(file->closed_enterprises);
  first.set_total_bytes(file->content.size());
  return SendFileInChunks(writer, std::move(first), file->content);
}

}  // namespace tierhub::plans
