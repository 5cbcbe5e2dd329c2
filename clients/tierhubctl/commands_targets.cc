// City action plans (行动计划) and who is behind them: target-set, behind.
#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/format.h"
#include "clients/tierhubctl/table.h"
#include "services/common/status_macros.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/exchange/jurisdiction.h"
#include "tierhub/v1/coordinator.grpc.pb.h"
#include "tierhub/v1/exchange.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::ctl {
namespace {

absl::StatusOr<absl::Time> ParseDayEnd(const std::string& option, absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", text, ChinaTime(), &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, ": '", text, "' is not a date (YYYY-MM-DD)"));
  }
  return t + absl::Hours(24) - absl::Seconds(1);  // a checkpoint day ends at 23:59:59 CST
}

absl::Status TargetSet(const Args& args) {
  v1::Record record;
  v1::CityTarget* t = record.mutable_city_target();
  t->set_region_code(args.Get("region"));
  TH_ASSIGN_OR_RETURN(int64_t year, args.GetInt("year", 0));
  t->set_year(static_cast<int32_t>(year));
  auto industry = domain::ParseIndustry(args.Get("industry"));
  if (!industry.ok())
    return absl::InvalidArgumentError(absl::StrCat("--industry: ", industry.status().message()));
  auto dimension = domain::ParseDimension(args.Get("dimension"));
  if (!dimension.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--dimension: ", dimension.status().message()));
  }
  t->set_industry(*industry);
  t->set_dimension(*dimension);
  TH_ASSIGN_OR_RETURN(int64_t enterprises, args.GetInt("enterprises", 0));
  t->set_enterprises_to_exit(static_cast<int32_t>(enterprises));
  if (!args.Get("capacity").empty()) {
    double capacity = 0;
    if (!absl::SimpleAtod(args.Get("capacity"), &capacity) || capacity < 0) {
      return absl::InvalidArgumentError("--capacity: a non-negative number");
    }
    t->set_capacity_to_exit(capacity);
    v1::CapacityUnit unit;
    const std::string name = absl::AsciiStrToUpper(args.Get("unit"));
    if (!v1::CapacityUnit_Parse("CAPACITY_UNIT_" + name, &unit)) {
      return absl::InvalidArgumentError(
          "--unit: tonnes_per_year, square_metres_per_year, pieces_per_year, ...");
    }
    t->set_capacity_unit(unit);
  }
  for (absl::string_view day : absl::StrSplit(args.Get("checkpoints"), ',', absl::SkipEmpty())) {
    TH_ASSIGN_OR_RETURN(absl::Time at, ParseDayEnd("checkpoints", day));
    t->add_checkpoints()->set_seconds(absl::ToUnixSeconds(at));
  }
  for (absl::string_view dept : absl::StrSplit(args.Get("responsible"), ',', absl::SkipEmpty())) {
    auto d = domain::ParseDepartment(dept);
    if (!d.ok())
      return absl::InvalidArgumentError(absl::StrCat("--responsible: ", d.status().message()));
    t->add_responsible(*d);
  }
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  auto stub = v1::Registry::NewStub(conn.channel());
  grpc::ClientContext context;
  conn.Prepare(&context, 60);
  v1::WriteRecordsRequest request;
  *request.add_records() = record;
  v1::WriteRecordsResponse response;
  grpc::Status s = stub->WriteRecords(&context, request, &response);
  if (!s.ok()) return CallFailed("target-set", s, args.Get("node"));
  Print(absl::StrCat("target stored for ", t->region_code(), " ", t->year(), " ",
                     domain::IndustryNameZh(t->industry()), " ",
                     domain::DimensionCode(t->dimension()), ": ", t->enterprises_to_exit(),
                     " enterprises to exit, ", t->checkpoints_size(), " checkpoint(s)\n"));
  return absl::OkStatus();
}

// Share of a target due by `at`: checkpoints passed / checkpoints (all of it after the last
// one); without checkpoints, all of it after the year's end.
double ShareDue(const v1::CityTarget& t, absl::Time at) {
  if (t.checkpoints_size() == 0) {
    const absl::Time year_end = absl::FromCivil(absl::CivilDay(t.year() + 1, 1, 1), ChinaTime());
    return at >= year_end ? 1.0 : 0.0;
  }
  int passed = 0;
  for (const auto& c : t.checkpoints()) passed += absl::FromUnixSeconds(c.seconds()) <= at;
  return static_cast<double>(passed) / t.checkpoints_size();
}

absl::Status Behind(const Args& args) {
  const std::string region = args.Get("region", "440000");
  TH_ASSIGN_OR_RETURN(int64_t year, args.GetInt("year", 0));
  absl::Time at = absl::Now();
  if (!args.Get("at").empty()) {
    TH_ASSIGN_OR_RETURN(at, ParseDayEnd("at", args.Get("at")));
  }
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  // Targets under the region.
  std::vector<v1::CityTarget> targets;
  {
    auto stub = v1::Exchange::NewStub(conn.channel());
    grpc::ClientContext context;
    conn.Prepare(&context, 120);
    v1::ListRecordsRequest request;
    request.set_key_prefix("target/");
    auto reader = stub->ListRecords(&context, request);
    v1::ListRecordsResponse chunk;
    while (reader->Read(&chunk)) {
      for (const auto& e : chunk.records()) {
        if (!e.stored().has_record()) continue;
        const v1::CityTarget& t = e.stored().record().city_target();
        if (!exchange::InJurisdiction(region, t.region_code())) continue;
        if (year != 0 && t.year() != year) continue;
        targets.push_back(t);
      }
    }
    grpc::Status s = reader->Finish();
    if (!s.ok()) return CallFailed("behind (reading targets)", s, args.Get("node"));
  }
  // Progress of each city with a target, from the maintained counters.
  auto coordinator = v1::Coordinator::NewStub(conn.channel());
  std::map<std::string, v1::GetProgressResponse> progress;
  for (const auto& t : targets) {
    if (progress.count(t.region_code())) continue;
    grpc::ClientContext context;
    conn.Prepare(&context, 60);
    v1::GetProgressRequest request;
    request.set_region_code(t.region_code());
    grpc::Status s = coordinator->GetProgress(&context, request, &progress[t.region_code()]);
    if (!s.ok()) return CallFailed("behind (reading progress)", s, args.Get("node"));
  }
  Table table({"CITY", "NAME", "INDUSTRY", "DIMENSION", "TARGET", "DUE_BY_NOW", "EXITED",
               "CAPACITY_TARGET", "CAPACITY_EXITED", "STATE"});
  int behind = 0;
  for (const auto& t : targets) {
    const v1::GetProgressResponse& p = progress[t.region_code()];
    int64_t exited = 0;
    for (const auto& e : p.enterprises()) {
      if (e.industry() == t.industry() && e.dimension() == t.dimension() &&
          (e.status() == v1::OPERATING_STATUS_CLOSED ||
           e.status() == v1::OPERATING_STATUS_DISMANTLED)) {
        exited += e.count();
      }
    }
    double capacity_exited = 0;
    for (const auto& c : p.capacity()) {
      if (c.industry() == t.industry() && c.unit() == t.capacity_unit())
        capacity_exited += c.exited();
    }
    const double share = ShareDue(t, at);
    const int64_t due = static_cast<int64_t>(std::ceil(t.enterprises_to_exit() * share));
    const double capacity_due = t.capacity_to_exit() * share;
    const bool late = exited < due || capacity_exited + 1e-9 < capacity_due;
    behind += late;
    table.AddRow({t.region_code(), RegionName(t.region_code()),
                  std::string(domain::IndustryNameZh(t.industry())),
                  std::string(domain::DimensionCode(t.dimension())),
                  absl::StrCat(t.enterprises_to_exit()), absl::StrCat(due), absl::StrCat(exited),
                  t.capacity_to_exit() > 0 ? absl::StrFormat("%.0f", t.capacity_to_exit()) : "",
                  t.capacity_to_exit() > 0 ? absl::StrFormat("%.0f", capacity_exited) : "",
                  late ? "BEHIND" : "on track"});
  }
  if (args.Has("json")) {
    Print(table.RenderJson());
    return absl::OkStatus();
  }
  Print(absl::StrCat("action-plan targets under ", region, " as of ",
                     absl::FormatTime("%Y-%m-%d", at, ChinaTime()), "\n\n"));
  Print(table.rows() ? table.Render() : "no targets filed (see `tierhubctl target-set`)\n");
  if (behind > 0) {
    Print(absl::StrCat("\n", behind,
                       " target(s) behind schedule: candidates for a circular or talks "
                       "(通报、约谈)\n"));
  }
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
                  "  --region=CODE (default 440000)  --year=N  --at=YYYY-MM-DD (default today)\n"
                  "  A target is due in equal shares at its checkpoints (all of it at year end\n"
                  "  without checkpoints); exited = enterprises closed or dismantled in the\n"
                  "  target's industry and dimension, from the maintained progress counters.\n\n"
                  "Example:\n  tierhubctl behind --region=440000 --year=2019 --at=2019-06-30 ...\n",
                  Behind});
}

}  // namespace tierhub::ctl
