// Inspectors' and the coordination group's case commands: case-open, case-advance, case,
// overdue, export.
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/file_streams.h"
#include "clients/tierhubctl/format.h"
#include "clients/tierhubctl/table.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/status_macros.h"
#include "services/domain/catalog.h"
#include "tierhub/v1/enforcement.grpc.pb.h"

namespace tierhub::ctl {
namespace {

std::string StateName(v1::CaseState s) { return EnumLabel(v1::CaseState_Name(s), "CASE_STATE_"); }

absl::StatusOr<v1::CaseState> ParseState(const std::string& text) {
  v1::CaseState state;
  const std::string upper = absl::AsciiStrToUpper(text);
  if ((v1::CaseState_Parse(upper, &state) || v1::CaseState_Parse("CASE_STATE_" + upper, &state)) &&
      state != v1::CASE_STATE_UNSPECIFIED) {
    return state;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--to: '", text, "' is not a case state (rectifying, extended, compliant, ...)"));
}

absl::StatusOr<v1::SealingStep> ParseSealingStep(const std::string& text) {
  v1::SealingStep step;
  const std::string upper = absl::AsciiStrToUpper(text);
  if ((v1::SealingStep_Parse(upper, &step) ||
       v1::SealingStep_Parse("SEALING_STEP_" + upper, &step)) &&
      step != v1::SEALING_STEP_UNSPECIFIED) {
    return step;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--sealing-step: '", text,
                   "' is not water_cut, power_cut, power_units_removed, "
                   "equipment_sealed or public_commitment"));
}

absl::StatusOr<google::protobuf::Timestamp> ParseDay(const std::string& option,
                                                     const std::string& text,
                                                     bool end_of_day = false) {
  TH_ASSIGN_OR_RETURN(absl::Time t, ParseDayOption(option, text, end_of_day));
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

void PrintCase(const v1::CaseResponse& r, bool json) {
  if (json) {
    Print(ProtoJson(r));
    return;
  }
  const v1::EnforcementCase& c = r.enforcement_case();
  std::vector<std::string> next;
  for (int s : r.allowed_next()) next.push_back(StateName(static_cast<v1::CaseState>(s)));
  Print(absl::StrCat(
      "case ", c.case_id(), "  ", c.credit_code(), "  region ", c.region_code(), "  ",
      domain::IndustryNameZh(c.industry()), "  ", domain::DimensionCode(c.dimension()),
      "\n  state ", StateName(c.state()),
      c.deadline().seconds() ? absl::StrCat(", deadline ", FormatDay(c.deadline())) : "",
      r.overdue() ? "  OVERDUE" : "",
      "\n  next: ", next.empty() ? "(none: closed)" : absl::StrJoin(next, ", "), "\n\n"));
  // EFFECTIVE: the day the step took effect; RECORDED: when it was typed in.
  Table t({"FROM", "TO", "EFFECTIVE", "RECORDED", "WHO", "DEADLINE", "EVIDENCE", "NOTE"});
  for (const auto& h : c.history()) {
    const std::string to = h.sealing_step() != v1::SEALING_STEP_UNSPECIFIED
                               ? EnumLabel(v1::SealingStep_Name(h.sealing_step()), "SEALING_STEP_")
                               : StateName(h.to_state());
    t.AddRow({StateName(h.from_state()), to,
              h.effective_day().empty() ? FormatDay(h.at()) : h.effective_day(),
              FormatMoment(h.at()), h.actor(), h.has_deadline() ? FormatDay(h.deadline()) : "",
              h.evidence_ref(), h.note()});
  }
  Print(t.Render());
}

// Sends a case request (OpenCase, AdvanceCase, GetCase) and prints the case it answers with.
template <typename Request>
absl::Status CaseCall(const Args& args, const std::string& what,
                      grpc::Status (v1::Enforcement::Stub::*method)(grpc::ClientContext*,
                                                                    const Request&,
                                                                    v1::CaseResponse*),
                      const Request& request) {
  TH_ASSIGN_OR_RETURN(v1::CaseResponse r, Call(args, what, 60, method, request));
  PrintCase(r, args.Has("json"));
  return absl::OkStatus();
}

absl::Status CaseOpen(const Args& args) {
  v1::OpenCaseRequest request;
  request.set_case_id(args.Get("case-id"));
  request.set_credit_code(args.Get("credit-code"));
  request.set_region_code(args.Get("region"));
  TH_ASSIGN_OR_RETURN(const v1::Industry industry,
                      OptionAs(args, "industry", domain::ParseIndustry));
  TH_ASSIGN_OR_RETURN(const v1::Dimension dimension,
                      OptionAs(args, "dimension", domain::ParseDimension));
  request.set_industry(industry);
  request.set_dimension(dimension);
  request.set_finding(args.Get("finding"));
  request.set_rule_ref(args.Get("rule"));
  request.set_evidence_ref(args.Get("evidence"));
  request.set_equipment_id(args.Get("equipment-id"));
  request.set_note(args.Get("note"));
  double capacity = 0;
  v1::CapacityUnit unit = v1::CAPACITY_UNIT_UNSPECIFIED;
  TH_RETURN_IF_ERROR(
      ParseCapacityOptions(args.Get("capacity"), args.Get("unit"), &capacity, &unit));
  request.set_capacity(capacity);
  request.set_capacity_unit(unit);
  if (!args.Get("found").empty()) {
    TH_ASSIGN_OR_RETURN(*request.mutable_found_at(), ParseDay("found", args.Get("found")));
  }
  return CaseCall(args, "case-open", &v1::Enforcement::Stub::OpenCase, request);
}

absl::Status CaseAdvance(const Args& args) {
  v1::AdvanceCaseRequest request;
  request.set_case_id(args.Get("case-id"));
  if (request.case_id().empty()) return absl::InvalidArgumentError("--case-id: required");
  if (!args.Get("to").empty()) {
    TH_ASSIGN_OR_RETURN(v1::CaseState to, ParseState(args.Get("to")));
    request.set_to_state(to);
  } else if (!args.Get("sealing-step").empty()) {
    TH_ASSIGN_OR_RETURN(v1::SealingStep step, ParseSealingStep(args.Get("sealing-step")));
    request.set_sealing_step(step);
  } else {
    return absl::InvalidArgumentError("--to: required (or --sealing-step)");
  }
  request.set_evidence_ref(args.Get("evidence"));
  request.set_note(args.Get("note"));
  request.set_approving_authority(args.Get("approved-by"));
  request.set_inspected_by(args.Get("inspected-by"));
  request.set_closing_case_id(args.Get("closing-case-id"));
  if (!args.Get("effective").empty()) {
    TH_ASSIGN_OR_RETURN(google::protobuf::Timestamp effective,
                        ParseDay("effective", args.Get("effective")));
    request.set_effective_day(FormatDay(effective));
  }
  if (!args.Get("deadline").empty()) {
    // A deadline is a day in China time; the node reads the day, the instant is for old nodes.
    TH_ASSIGN_OR_RETURN(*request.mutable_deadline(), ParseDay("deadline", args.Get("deadline")));
    request.set_deadline_day(FormatDay(request.deadline()));
  }
  TH_ASSIGN_OR_RETURN(int64_t expected, args.GetInt("expected-steps", 0));
  request.set_expected_steps(static_cast<uint32_t>(expected));
  return CaseCall(args, "case-advance", &v1::Enforcement::Stub::AdvanceCase, request);
}

absl::Status CaseShow(const Args& args) {
  v1::GetCaseRequest request;
  request.set_case_id(args.Get("case-id"));
  if (request.case_id().empty()) return absl::InvalidArgumentError("--case-id: required");
  return CaseCall(args, "case", &v1::Enforcement::Stub::GetCase, request);
}

absl::Status Overdue(const Args& args) {
  v1::ListOverdueRequest request;
  request.set_region_code(args.Get("region"));
  if (!args.Get("dimension").empty()) {
    TH_ASSIGN_OR_RETURN(const v1::Dimension dimension,
                        OptionAs(args, "dimension", domain::ParseDimension));
    request.set_dimension(dimension);
  }
  TH_ASSIGN_OR_RETURN(v1::ListOverdueResponse r,
                      Call(args, "overdue", 120, &v1::Enforcement::Stub::ListOverdue, request));
  Table t({"CASE", "CREDIT_CODE", "REGION", "INDUSTRY", "DIMENSION", "STATE", "DEADLINE"});
  for (const auto& c : r.cases()) {
    t.AddRow({c.case_id(), c.credit_code(), c.region_code(),
              std::string(domain::IndustryNameZh(c.industry())),
              std::string(domain::DimensionCode(c.dimension())), StateName(c.state()),
              FormatDay(c.deadline())});
  }
  Print(args.Has("json") ? t.RenderJson()
                         : absl::StrCat(t.rows() ? t.Render() : "", t.rows(), " overdue case(s)",
                                        r.truncated() ? " shown; more exist" : "", "\n"));
  return absl::OkStatus();
}

absl::Status Export(const Args& args) {
  v1::ExportDisclosureRequest request;
  const std::string list = absl::AsciiStrToUpper(args.Get("list"));
  v1::DisclosureList which;
  if (!v1::DisclosureList_Parse("DISCLOSURE_LIST_" + list, &which) ||
      which == v1::DISCLOSURE_LIST_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "--list: rectification_deadline, closed_by_law, over_standard_emitter, serious_emitter, "
        "coal_boiler_exit or technology_closure");
  }
  request.set_list(which);
  request.set_region_code(args.Get("region"));
  const std::string format = args.Get("format", "csv");
  if (format != "csv" && format != "xlsx")
    return absl::InvalidArgumentError("--format: csv or xlsx");
  request.set_format(format == "xlsx" ? v1::EXPORT_FORMAT_XLSX : v1::EXPORT_FORMAT_CSV);
  if (!args.Get("as-of").empty()) {
    TH_ASSIGN_OR_RETURN(*request.mutable_as_of(),
                        ParseDay("as-of", args.Get("as-of"), /*end_of_day=*/true));
  }
  v1::ExportDisclosureChunk first;
  TH_ASSIGN_OR_RETURN(
      const std::string path,
      DownloadFrom(args, "export", 1800, &v1::Enforcement::Stub::ExportDisclosureStream, request,
                   &first));
  const uint32_t rows = first.rows();
  Print(absl::StrCat("wrote ", path, " (", rows, " row(s))\n"));
  return absl::OkStatus();
}

}  // namespace

void AddCaseCommands(std::vector<Command>* out) {
  out->push_back({"case-open", "open an enforcement case (state found)",
                  "  --case-id=ID --credit-code=CODE --region=CODE --industry=CERAMICS\n"
                  "  --dimension=ENERGY --finding=TEXT --rule=REF --evidence=REF\n"
                  "  [--found=YYYY-MM-DD] [--equipment-id=ID] [--note=TEXT]\n"
                  "  [--capacity=X --unit=square_metres_per_year]  capacity concerned\n\n"
                  "Example:\n"
                  "  tierhubctl case-open --case-id=sd-2019-001 --credit-code=91440606MA3EDFR842 "
                  "--region=440606 --industry=陶瓷 --dimension=ENERGY --finding=超限额 "
                  "--rule='GB 21252-2013' --evidence=JC-2019-17 ...\n",
                  CaseOpen});
  out->push_back({"case-advance", "take one step of a case; refused steps name the allowed ones",
                  "  --case-id=ID --to=STATE | --sealing-step=STEP   --evidence=REF (required)\n"
                  "  [--deadline=YYYY-MM-DD] [--approved-by=GOVERNMENT] [--inspected-by=NAME]\n"
                  "  [--closing-case-id=ID] [--expected-steps=N] [--note=TEXT]\n"
                  "  [--effective=YYYY-MM-DD]  the day it happened (default today; not in the\n"
                  "                           future, not before the previous step)\n\nExample:\n"
                  "  tierhubctl case-advance --case-id=sd-2019-001 --to=rectifying "
                  "--evidence=ZG-2019-17 ...\n",
                  CaseAdvance});
  out->push_back({"case", "a case with its history and allowed next steps",
                  "  --case-id=ID\n\nExample:\n  tierhubctl case --case-id=sd-2019-001 ...\n",
                  CaseShow});
  out->push_back({"overdue", "open cases past their deadline under a region",
                  "  --region=CODE [--dimension=ENERGY]\n\nExample:\n"
                  "  tierhubctl overdue --region=440600 ...\n",
                  Overdue});
  out->push_back(
      {"export", "a published list as CSV (UTF-8 with BOM) or .xlsx",
       "  --list=closed_by_law|rectification_deadline|over_standard_emitter|\n"
       "         serious_emitter|coal_boiler_exit|technology_closure\n"
       "  --region=CODE --format=csv|xlsx --out=FILE\n"
       "  --as-of=YYYY-MM-DD   the list as it stood at the end of that day (default now)\n\n"
       "Example:\n"
       "  tierhubctl export --list=technology_closure --region=440600 --format=xlsx ...\n",
       Export});
}

}  // namespace tierhub::ctl
