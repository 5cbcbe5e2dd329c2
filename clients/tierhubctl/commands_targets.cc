// City action plans (行动计划): target-set, who is behind them (behind), and the annual
// summaries (summary).
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/file_streams.h"
#include "clients/tierhubctl/format.h"
#include "clients/tierhubctl/table.h"
#include "services/common/status_macros.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "tierhub/v1/plans.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::ctl {
namespace {

absl::Status TargetSet(const Args& args) {
  v1::Record record;
  v1::CityTarget* t = record.mutable_city_target();
  t->set_region_code(args.Get("region"));
  TH_ASSIGN_OR_RETURN(int64_t year, args.GetInt("year", 0));
  t->set_year(static_cast<int32_t>(year));
  TH_ASSIGN_OR_RETURN(const v1::Industry industry,
                      OptionAs(args, "industry", domain::ParseIndustry));
  TH_ASSIGN_OR_RETURN(const v1::Dimension dimension,
                      OptionAs(args, "dimension", domain::ParseDimension));
  t->set_industry(industry);
  t->set_dimension(dimension);
  TH_ASSIGN_OR_RETURN(int64_t enterprises, args.GetInt("enterprises", 0));
  t->set_enterprises_to_exit(static_cast<int32_t>(enterprises));
  double capacity = 0;
  v1::CapacityUnit unit = v1::CAPACITY_UNIT_UNSPECIFIED;
  TH_RETURN_IF_ERROR(
      ParseCapacityOptions(args.Get("capacity"), args.Get("unit"), &capacity, &unit));
  t->set_capacity_to_exit(capacity);
  t->set_capacity_unit(unit);
  for (absl::string_view day : absl::StrSplit(args.Get("checkpoints"), ',', absl::SkipEmpty())) {
    TH_ASSIGN_OR_RETURN(absl::Time at, ParseDayOption("checkpoints", day, /*end_of_day=*/true));
    t->add_checkpoints()->set_seconds(absl::ToUnixSeconds(at));
  }
  for (absl::string_view dept : absl::StrSplit(args.Get("responsible"), ',', absl::SkipEmpty())) {
    auto d = domain::ParseDepartment(dept);
    if (!d.ok())
      return absl::InvalidArgumentError(absl::StrCat("--responsible: ", d.status().message()));
    t->add_responsible(*d);
  }
  v1::WriteRecordsRequest request;
  *request.add_records() = record;
  TH_RETURN_IF_ERROR(
      Call(args, "target-set", 60, &v1::Registry::Stub::WriteRecords, request).status());
  Print(absl::StrCat("target stored for ", t->region_code(), " ", t->year(), " ",
                     domain::IndustryNameZh(t->industry()), " ",
                     domain::DimensionCode(t->dimension()), ": ", t->enterprises_to_exit(),
                     " enterprises to exit, ", t->checkpoints_size(), " checkpoint(s)\n"));
  return absl::OkStatus();
}

std::string UnitLabel(v1::CapacityUnit unit) {
  return EnumLabel(v1::CapacityUnit_Name(unit), "CAPACITY_UNIT_");
}

// The plan's year: --year, or this year in China time.
absl::StatusOr<int32_t> PlanYear(const Args& args) {
  TH_ASSIGN_OR_RETURN(int64_t year, args.GetInt("year", 0));
  if (year == 0) {
    year = absl::ToCivilYear(absl::Now(), domain::ChinaTimeZone()).year();
  }
  return static_cast<int32_t>(year);
}

// Who is behind is the node's judgement (GetPlanProgress applies the share-due rule of
// services/plans/schedule.h to the maintained counters); this prints it.
absl::Status Behind(const Args& args) {
  v1::GetPlanProgressRequest request;
  request.set_region_code(args.Get("region", "440000"));
  TH_ASSIGN_OR_RETURN(int32_t year, PlanYear(args));
  request.set_year(year);
  if (!args.Get("at").empty()) {
    TH_ASSIGN_OR_RETURN(absl::Time at, ParseDayOption("at", args.Get("at"), /*end_of_day=*/true));
    request.mutable_as_of()->set_seconds(absl::ToUnixSeconds(at));
  }
  request.set_behind_only(args.Has("behind-only"));
  TH_ASSIGN_OR_RETURN(v1::GetPlanProgressResponse response,
                      Call(args, "behind", 120, &v1::ActionPlans::Stub::GetPlanProgress, request));
  Table table({"CITY", "NAME", "INDUSTRY", "DIMENSION", "TARGET", "DUE", "EXITED", "SHORTFALL",
               "UNIT", "CAPACITY_TARGET", "CAPACITY_DUE", "CAPACITY_EXITED", "CHECKPOINTS",
               "STATE"});
  int targets = 0;
  for (const v1::PlanProgressRow& r : response.rows()) {
    if (!r.target_filed()) continue;  // exits without a target are in `summary`
    ++targets;
    // The unit the target is given in (else the first with exits).
    const v1::CapacityProgress* capacity = nullptr;
    for (const auto& c : r.capacity()) {
      if (capacity == nullptr || (capacity->target() == 0 && c.target() > 0)) capacity = &c;
    }
    auto amount = [](double v) { return absl::StrFormat("%.0f", v); };
    table.AddRow({r.region_code(), r.region_name(),
                  std::string(domain::IndustryNameZh(r.industry())),
                  std::string(domain::DimensionCode(r.dimension())),
                  absl::StrCat(r.enterprises_target()), absl::StrCat(r.enterprises_due()),
                  absl::StrCat(r.enterprises_exited()), absl::StrCat(r.enterprises_shortfall()),
                  capacity != nullptr ? UnitLabel(capacity->unit()) : "",
                  capacity != nullptr ? amount(capacity->target()) : "",
                  capacity != nullptr ? amount(capacity->due()) : "",
                  capacity != nullptr ? amount(capacity->exited()) : "",
                  absl::StrCat(r.checkpoints_passed(), "/", std::max<uint32_t>(1, r.checkpoints())),
                  r.behind() ? "BEHIND" : "on track"});
  }
  if (args.Has("json")) {
    Print(table.RenderJson());
    return absl::OkStatus();
  }
  Print(absl::StrCat("action-plan targets under ", response.region_code(), " for ", year, " as of ",
                     FormatMoment(response.as_of()), "\n\n"));
  Print(targets > 0 ? table.Render()
                    : (request.behind_only() ? "no target is behind schedule\n"
                                             : "no targets filed (see `tierhubctl target-set`)\n"));
  if (response.rows_behind() > 0) {
    Print(absl::StrCat("\n", response.rows_behind(), " target(s) behind schedule in ",
                       absl::StrJoin(response.cities_behind(), ", "),
                       ": candidates for a circular or talks (通报、约谈)\n"));
  }
  return absl::OkStatus();
}

absl::Status Summary(const Args& args) {
  v1::ExportSummaryRequest request;
  request.set_region_code(args.Get("region"));
  TH_ASSIGN_OR_RETURN(int32_t year, PlanYear(args));
  request.set_year(year);
  const std::string format = args.Get("format", "xlsx");
  if (format != "csv" && format != "xlsx") {
    return absl::InvalidArgumentError("--format: xlsx or csv");
  }
  request.set_format(format == "xlsx" ? v1::EXPORT_FORMAT_XLSX : v1::EXPORT_FORMAT_CSV);
  const std::string table = args.Get("table", "figures");
  if (table != "figures" && table != "closed") {
    return absl::InvalidArgumentError("--table: figures or closed (with --format=csv)");
  }
  request.set_table(table == "closed" ? v1::SUMMARY_TABLE_CLOSED : v1::SUMMARY_TABLE_FIGURES);
  if (!args.Get("as-of").empty()) {
    TH_ASSIGN_OR_RETURN(absl::Time at,
                        ParseDayOption("as-of", args.Get("as-of"), /*end_of_day=*/true));
    request.mutable_as_of()->set_seconds(absl::ToUnixSeconds(at));
  }
  v1::ExportSummaryChunk first;
  TH_ASSIGN_OR_RETURN(
      const std::string path,
      DownloadFrom(args, "summary", 1800, &v1::ActionPlans::Stub::ExportSummary, request, &first));
  const uint32_t rows = first.rows();
  const uint32_t closed = first.closed_enterprises();
  Print(absl::StrCat("wrote ", path, " (", rows, " row(s) of figures, ", closed,
                     " closed enterprise(s))\n"));
  return absl::OkStatus();
}

}  // namespace

void AddTargetCommands(std::vector<Command>* out) {
  out->push_back({"target-set", "file a city's action-plan target (行动计划) for one industry",
                  "  --region=CITY --year=2019 --industry=陶瓷 --dimension=TECHNOLOGY\n"
                  "  --enterprises=N  [--capacity=X --unit=square_metres_per_year]\n"
                  "  --checkpoints=2019-06-30,2019-12-31  --responsible=MIIT,ECO\n\nExample:\n"
                  "  tierhubctl target-set --region=440600 --year=2019 --industry=陶瓷 "
                  "--dimension=TECHNOLOGY --enterprises=20 --checkpoints=2019-06-30,2019-12-31 "
                  "...\n",
                  TargetSet});
  out->push_back({"behind", "cities behind their action-plan targets at a checkpoint",
                  "  --region=CODE (default 440000)  --year=N (default this year)\n"
                  "  --at=YYYY-MM-DD (default now; the day's end)  [--behind-only]\n"
                  "  The node judges: a target falls due in equal shares at its checkpoints (all\n"
                  "  of it at the year's end without any); exited = cases closed as an exit\n"
                  "  (closed by law, licences revoked, technology accepted and closed) in the\n"
                  "  target's industry and dimension during the year, from the counters.\n\n"
                  "Example:\n  tierhubctl behind --region=440000 --year=2019 --at=2019-06-30 ...\n",
                  Behind});
  out->push_back({"summary", "a city's annual summary or the provincial summary (.xlsx or CSV)",
                  "  --region=CODE (a city: 市级年度总结; a province: 省级总结, per city)\n"
                  "  --year=N (default this year)  --as-of=YYYY-MM-DD (default now)\n"
                  "  --format=xlsx|csv (default xlsx: a sheet of figures and the closed list)\n"
                  "  --table=figures|closed (csv only)  --out=FILE\n\nExample:\n"
                  "  tierhubctl summary --region=440600 --year=2019 --out=foshan-2019.xlsx ...\n",
                  Summary});
}

}  // namespace tierhub::ctl
