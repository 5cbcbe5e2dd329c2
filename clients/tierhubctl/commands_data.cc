// Data commands: load-synthetic.
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/synthetic/synthetic.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/csv_import.h"
#include "clients/tierhubctl/progress.h"
#include "services/common/status_macros.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/domain/screening.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::ctl {
namespace {

constexpr int kEnterprisesPerCall = 200;

absl::Status LoadSynthetic(const Args& args) {
  const std::string region = args.Get("region");
  if (domain::DefaultRegions().Lookup(region) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--region: '", region, "' is not a known region code (e.g. 440606)"));
  }
  TH_ASSIGN_OR_RETURN(int64_t count, args.GetInt("count", 100));
  TH_ASSIGN_OR_RETURN(int64_t first, args.GetInt("first", 1));
  TH_ASSIGN_OR_RETURN(int64_t seed, args.GetInt("seed", 2019));
  if (count <= 0 || count > 1000000) {
    return absl::InvalidArgumentError("--count: must be between 1 and 1000000");
  }
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  auto stub = v1::Registry::NewStub(conn.channel());
  Progress progress(absl::StrCat("loading ", region), count);
  int64_t done = 0, equipment = 0, backward = 0;
  while (done < count) {
    const int n = static_cast<int>(std::min<int64_t>(kEnterprisesPerCall, count - done));
    v1::WriteRecordsRequest request;
    for (auto& e : synthetic::MakeEnterprises(region, static_cast<int>(first + done), n,
                                              static_cast<uint64_t>(seed))) {
      *request.add_records() = std::move(e.enterprise);
      for (auto& eq : e.equipment) {
        if (domain::Screen(eq.equipment()).eliminate) ++backward;
        ++equipment;
        *request.add_records() = std::move(eq);
      }
    }
    grpc::ClientContext context;
    conn.Prepare(&context, 120);
    v1::WriteRecordsResponse response;
    grpc::Status s = stub->WriteRecords(&context, request, &response);
    if (!s.ok()) {
      return CallFailed(absl::StrCat("write (after ", done, " enterprises stored)"), s,
                        args.Get("node"));
    }
    done += n;
    progress.Update(done);
  }
  Print(args.Has("json") ? absl::StrCat("{\"region\": \"", region, "\", \"enterprises\": ", done,
                                        ", \"equipment\": ", equipment,
                                        ", \"table5_eliminate\": ", backward, "}\n")
                         : absl::StrCat("stored ", done, " synthetic enterprises and ", equipment,
                                        " pieces of equipment in ", region, " (", backward,
                                        " in Table 5's eliminate class)\n"));
  return absl::OkStatus();
}

absl::Status DemoCsv(const Args& args) {
  auto department = domain::ParseDepartment(args.Get("department"));
  if (!department.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--department: ", department.status().message()));
  }
  const std::string out_path = args.Get("out");
  if (out_path.empty()) return absl::InvalidArgumentError("--out: required");
  TH_ASSIGN_OR_RETURN(int64_t seed, args.GetInt("seed", 2019));
  std::vector<synthetic::Enterprise> all;
  for (absl::string_view part : absl::StrSplit(args.Get("regions"), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> rc = absl::StrSplit(part, ':');
    int count = 0;
    if (domain::DefaultRegions().Lookup(rc.first) == nullptr ||
        !absl::SimpleAtoi(rc.second, &count) || count <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--regions: '", part, "' is not REGION:COUNT (e.g. 440606:220)"));
    }
    auto made = synthetic::MakeEnterprises(rc.first, 1, count, static_cast<uint64_t>(seed));
    all.insert(all.end(), made.begin(), made.end());
  }
  if (all.empty())
    return absl::InvalidArgumentError("--regions: required, e.g. 440606:220,441900:180");
  std::string csv = synthetic::DepartmentListCsv(*department, all);
  TH_ASSIGN_OR_RETURN(Encoding encoding, ParseEncoding(args.Get("encoding", "utf-8")));
  if (encoding == Encoding::kGb18030) {
    TH_ASSIGN_OR_RETURN(csv, EncodeGb18030(csv));
  }
  std::ofstream out(out_path, std::ios::binary);
  out << csv;
  if (!out.flush()) return absl::UnavailableError(absl::StrCat(out_path, ": cannot be written"));
  Print(absl::StrCat("wrote ", out_path, "\n"));
  return absl::OkStatus();
}

}  // namespace

void AddDataCommands(std::vector<Command>* out) {
  out->push_back({"load-synthetic",
                  "store clearly synthetic enterprises and equipment (demo and testing)",
                  "  --region=CODE   region the enterprises are in (a county, or a city\n"
                  "                  without counties such as 441900)\n"
                  "  --count=N       enterprises (default 100); 1-3 pieces of equipment each\n"
                  "  --first=N       first serial number (default 1; use a new range to add)\n"
                  "  --seed=N        (default 2019)\n\n"
                  "Example:\n  tierhubctl load-synthetic --region=440606 --count=500 "
                  "--node=127.0.0.1:7446 --ca=ca.pem --cert=sd.pem --key=sd.key\n",
                  LoadSynthetic});
  out->push_back({"demo-csv", "write a synthetic department list as a clerk's CSV (no node needed)",
                  "  --department=ECO               who lists (DRC, ECO, SAMR, MEM, NEA, MIIT)\n"
                  "  --regions=440606:220,...       the same regions and counts as load-synthetic\n"
                  "  --out=FILE  --encoding=utf-8|gb18030  --seed=N (default 2019)\n\n"
                  "Example:\n  tierhubctl demo-csv --department=ECO --regions=440606:220 "
                  "--out=eco.csv --encoding=gb18030\n",
                  DemoCsv});
}

}  // namespace tierhub::ctl
