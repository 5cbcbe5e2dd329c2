// Data commands: load-synthetic.
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/synthetic/synthetic.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/csv_import.h"
#include "clients/tierhubctl/format.h"
#include "clients/tierhubctl/progress.h"
#include "google/protobuf/text_format.h"
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
    TH_RETURN_IF_ERROR(Call(conn, args, absl::StrCat("write (after ", done, " enterprises stored)"),
                            120, &v1::Registry::Stub::WriteRecords, request)
                           .status());
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
  TH_ASSIGN_OR_RETURN(const v1::Department department,
                      OptionAs(args, "department", domain::ParseDepartment));
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
  std::string csv = synthetic::DepartmentListCsv(department, all);
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

// Writes one record through Registry.WriteRecords and says what was stored.
absl::Status PutRecord(const Args& args, const v1::Record& record, const std::string& what) {
  v1::WriteRecordsRequest request;
  *request.add_records() = record;
  TH_ASSIGN_OR_RETURN(v1::WriteRecordsResponse response,
                      Call(args, what, 60, &v1::Registry::Stub::WriteRecords, request));
  for (const v1::Change& c : response.changes()) {
    Print(absl::StrCat(c.has_base_version() ? "updated " : "created ", c.key(), " (change ",
                       c.origin_node(), "#", c.origin_seq(), ")\n"));
  }
  return absl::OkStatus();
}

absl::Status EnterprisePut(const Args& args) {
  v1::Record record;
  v1::Enterprise* e = record.mutable_enterprise();
  e->set_credit_code(args.Get("credit-code"));
  e->set_name(args.Get("name"));
  e->set_region_code(args.Get("region"));
  for (absl::string_view text : absl::StrSplit(args.Get("industry"), ',', absl::SkipEmpty())) {
    auto industry = domain::ParseIndustry(text);
    if (!industry.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--industry: ", industry.status().message()));
    }
    e->add_industries(*industry);
  }
  v1::OperatingStatus status = v1::OPERATING_STATUS_OPERATING;
  const std::string status_text = absl::AsciiStrToUpper(args.Get("status", "operating"));
  if (!v1::OperatingStatus_Parse("OPERATING_STATUS_" + status_text, &status)) {
    return absl::InvalidArgumentError(
        "--status: operating, restricted, suspended, sealed, closed or dismantled");
  }
  e->set_status(status);
  return PutRecord(args, record, "enterprise-put");
}

absl::Status EquipmentPut(const Args& args) {
  // The Table 5 parameters are many; they are given as --set FIELD=VALUE pairs, read as
  // protobuf text format against tierhub.v1.Equipment (so names and units are the proto's).
  std::string text =
      absl::StrCat("equipment_id: \"", args.Get("equipment-id"), "\" credit_code: \"",
                   args.Get("credit-code"), "\" region_code: \"", args.Get("region"), "\"\n");
  TH_ASSIGN_OR_RETURN(const v1::Industry industry,
                      OptionAs(args, "industry", domain::ParseIndustry));
  absl::StrAppend(&text, "industry: ", v1::Industry_Name(industry), "\n");
  absl::StrAppend(&text, "type: EQUIPMENT_TYPE_", absl::AsciiStrToUpper(args.Get("type")), "\n");
  for (absl::string_view pair : absl::StrSplit(args.Get("set"), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    absl::StrAppend(&text, kv.first, ": ", kv.second, "\n");
  }
  v1::Record record;
  google::protobuf::TextFormat::Parser parser;
  if (!parser.ParseFromString(text, record.mutable_equipment())) {
    return absl::InvalidArgumentError(
        absl::StrCat("--set: cannot read as tierhub.v1.Equipment fields (e.g. --set volume_m3=380,"
                     "foundry_iron_certified=true; --type=BLAST_FURNACE): ",
                     text));
  }
  const domain::ScreeningResult screening = domain::Screen(record.equipment());
  TH_RETURN_IF_ERROR(PutRecord(args, record, "equipment-put"));
  Print(screening.eliminate ? absl::StrCat("Table 5: in the eliminate class, rule ",
                                           screening.rule_id, " (", screening.description_zh, ")\n")
                            : "Table 5: not in the eliminate class\n");
  return absl::OkStatus();
}

absl::Status Rescreen(const Args& args) {
  v1::RescreenEquipmentRequest request;
  request.set_region_code(args.Get("region"));
  TH_ASSIGN_OR_RETURN(
      v1::RescreenEquipmentResponse r,
      Call(args, "rescreen", 1800, &v1::Registry::Stub::RescreenEquipment, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  Print(absl::StrCat("screened ", r.screened(), " pieces of equipment: ", r.created(),
                     " case(s) opened, ", r.updated(), " updated, ", r.unchanged(), " unchanged, ",
                     r.review_size(), " to review\n"));
  for (const auto& item : r.review()) {
    Print(absl::StrCat("  review ", item,
                       ": its case stands but it no longer screens as "
                       "eliminated\n"));
  }
  for (const auto& error : r.errors()) Print(absl::StrCat("  error ", error, "\n"));
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
  out->push_back({"enterprise-put", "create or update an enterprise",
                  "  --credit-code=CODE --name=NAME --region=CODE --industry=陶瓷[,印染]\n"
                  "  --status=operating|restricted|suspended|sealed|closed|dismantled\n\n"
                  "Example:\n  tierhubctl enterprise-put --credit-code=91440606MA3EDFR842 "
                  "--name='某某陶瓷有限公司' --region=440606 --industry=陶瓷 ...\n",
                  EnterprisePut});
  out->push_back(
      {"equipment-put",
       "create or update a piece of equipment; says if Table 5 "
       "eliminates it",
       "  --credit-code=CODE --equipment-id=ID --region=CODE --industry=STEEL\n"
       "  --type=BLAST_FURNACE (see proto/tierhub/v1/equipment.proto)\n"
       "  --set=FIELD=VALUE,...   e.g. volume_m3=380 or amperage_ka=150 or\n"
       "                          capacity=8000,capacity_unit=CAPACITY_UNIT_TONNES_PER_YEAR\n\n"
       "Example:\n  tierhubctl equipment-put --credit-code=91440606MA3EDFR842 "
       "--equipment-id=BF-1 --region=440606 --industry=钢铁 --type=blast_furnace "
       "--set=volume_m3=380 ...\n",
       EquipmentPut});
  out->push_back({"rescreen", "run all equipment under a region through Table 5 again",
                  "After a rule change: opens the technology cases that follow and names the\n"
                  "equipment whose case stands but which no longer screens as eliminated.\n"
                  "  --region=CODE (default: your certificate's region)\n\n"
                  "Example:\n  tierhubctl rescreen --region=440600 ...\n",
                  Rescreen});
  out->push_back({"demo-csv", "write a synthetic department list as a clerk's CSV (no node needed)",
                  "  --department=ECO               who lists (DRC, ECO, SAMR, MEM, NEA, MIIT)\n"
                  "  --regions=440606:220,...       the same regions and counts as load-synthetic\n"
                  "  --out=FILE  --encoding=utf-8|gb18030  --seed=N (default 2019)\n\n"
                  "Example:\n  tierhubctl demo-csv --department=ECO --regions=440606:220 "
                  "--out=eco.csv --encoding=gb18030\n",
                  DemoCsv});
}

}  // namespace tierhub::ctl
