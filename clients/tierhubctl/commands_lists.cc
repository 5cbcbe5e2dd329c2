// Department and coordination-group commands: submit, withdraw, submission, lists, rounds,
// round-status, progress, contradictions, merged, enterprises.
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/csv_import.h"
#include "clients/tierhubctl/file_streams.h"
#include "clients/tierhubctl/format.h"
#include "clients/tierhubctl/progress.h"
#include "clients/tierhubctl/table.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/limits.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "tierhub/v1/coordinator.grpc.pb.h"
#include "tierhub/v1/registry.grpc.pb.h"

namespace tierhub::ctl {
namespace {

std::string Duration(int64_t seconds) {
  if (seconds <= 0) return "";
  if (seconds < 3600) return absl::StrCat(seconds / 60, " min");
  if (seconds < 2 * 86400) return absl::StrCat(seconds / 3600, " h");
  return absl::StrCat(seconds / 86400, " days");
}

// Parses an optional vocabulary option (--department=ECO, --industry=陶瓷, ...).
template <typename T>
absl::Status Optional(const Args& args, const std::string& name,
                      absl::StatusOr<T> (*parse)(absl::string_view), T* out) {
  if (args.Get(name).empty()) return absl::OkStatus();
  TH_ASSIGN_OR_RETURN(*out, OptionAs(args, name, parse));
  return absl::OkStatus();
}

template <typename T>
absl::Status Required(const Args& args, const std::string& name,
                      absl::StatusOr<T> (*parse)(absl::string_view), T* out) {
  if (args.Get(name).empty())
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": required"));
  return Optional(args, name, parse, out);
}

absl::StatusOr<v1::Department> ParseDept(absl::string_view t) { return domain::ParseDepartment(t); }
absl::StatusOr<v1::Dimension> ParseDim(absl::string_view t) { return domain::ParseDimension(t); }
absl::StatusOr<v1::ListKind> ParseKind(absl::string_view t) { return domain::ParseListKind(t); }
absl::StatusOr<v1::Industry> ParseInd(absl::string_view t) { return domain::ParseIndustry(t); }

void PrintReceipt(const v1::SubmitListResponse& r) {
  const v1::Submission& s = r.submission();
  Print(absl::StrCat(
      r.replayed() ? "already stored (a retry; nothing written): " : "stored: ", "submission ",
      s.submission_id(), " version ", s.version(), " by ", s.author(), "\n  ", s.entry_count(),
      " entries live (added ", r.added(), ", changed ", r.changed(), ", removed ", r.removed(),
      ", unchanged ", r.unchanged(), ")\n  round ", s.round_id(), ": ",
      s.late() ? absl::StrCat("LATE by ", Duration(s.late_seconds())) : "on time",
      // Also an on-time list after an early close went in under the waiver.
      s.late_waiver() ? " (under a late waiver)" : "", s.withdrawn() ? "\n  WITHDRAWN" : "", "\n"));
}

absl::Status Submit(const Args& args) {
  if (args.positional().size() != 1) {
    return absl::InvalidArgumentError("--file: give exactly one CSV file (tierhubctl submit FILE)");
  }
  const std::string path = args.positional()[0];
  v1::SubmitListHeader header;
  v1::Dimension dimension = v1::DIMENSION_UNSPECIFIED;
  v1::ListKind kind = v1::LIST_KIND_UNSPECIFIED;
  TH_RETURN_IF_ERROR(Required(args, "dimension", &ParseDim, &dimension));
  TH_RETURN_IF_ERROR(Required(args, "kind", &ParseKind, &kind));
  header.set_dimension(dimension);
  header.set_kind(kind);
  header.set_region_code(args.Get("region"));
  header.set_round_id(args.Get("round"));
  header.set_submission_id(args.Get("submission-id"));
  header.set_note(args.Get("note"));
  if (header.region_code().empty()) return absl::InvalidArgumentError("--region: required");
  if (header.round_id().empty()) return absl::InvalidArgumentError("--round: required");
  if (header.submission_id().empty()) {
    return absl::InvalidArgumentError(
        "--submission-id: required (choose one per list, e.g. eco-2019-q2-foshan; a retry with "
        "the same id never doubles anything)");
  }
  const std::string mode = args.Get("mode", "full");
  if (mode != "full" && mode != "delta") return absl::InvalidArgumentError("--mode: full or delta");
  header.set_mode(mode == "delta" ? v1::SUBMIT_MODE_DELTA : v1::SUBMIT_MODE_FULL);
  TH_ASSIGN_OR_RETURN(int64_t base, args.GetInt("base-version", 0));
  header.set_base_version(static_cast<uint32_t>(base));
  header.set_validate_only(args.Has("dry-run"));
  TH_ASSIGN_OR_RETURN(Encoding encoding, ParseEncoding(args.Get("encoding", "auto")));

  TH_ASSIGN_OR_RETURN(CsvFile file, ReadCsvFile(path, encoding));
  ListDefaults defaults;  // the server fills department, kind, ... from the header
  ParsedList list = ParseListCsv(file.text, defaults);
  if (!list.errors.empty()) return RowsRefused(path, list.errors, "submitted");

  if (list.entries.size() > limits::kMaxUploadRows) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", list.entries.size(), " rows, at most ", limits::kMaxUploadRows,
                     " in one submission; split the file (docs/LIMITS.md)"));
  }
  v1::SubmitListChunk first;
  *first.mutable_header() = header;
  TH_ASSIGN_OR_RETURN(v1::SubmitListResponse response,
                      UploadRows(args, "submit", &v1::Registry::Stub::SubmitList, std::move(first),
                                 list.entries.size(), absl::StrCat("submitting ", path),
                                 MoveRows(list.entries, list.rows, &v1::ListRow::mutable_entry),
                                 [&](v1::SubmitListChunk* chunk) {
                                   for (absl::string_view code : absl::StrSplit(
                                            args.Get("remove"), ',', absl::SkipEmpty())) {
                                     chunk->add_remove_credit_codes(std::string(code));
                                   }
                                 }));
  if (PrintedAsJson(args, response)) return absl::OkStatus();
  if (header.validate_only()) {
    if (response.errors_size() == 0) {
      Print(absl::StrCat("dry run: all ", list.entries.size(), " rows would be accepted\n"));
      return absl::OkStatus();
    }
    return DryRunRefused(response);
  }
  PrintReceipt(response);
  return absl::OkStatus();
}

absl::Status Withdraw(const Args& args) {
  v1::WithdrawSubmissionRequest request;
  request.set_submission_id(args.Get("submission-id"));
  if (request.submission_id().empty())
    return absl::InvalidArgumentError("--submission-id: required");
  TH_ASSIGN_OR_RETURN(int64_t base, args.GetInt("base-version", 0));
  if (base <= 0) {
    return absl::InvalidArgumentError(
        "--base-version: required, the version you withdraw (see `tierhubctl submission`)");
  }
  request.set_base_version(static_cast<uint32_t>(base));
  request.set_note(args.Get("note"));
  TH_ASSIGN_OR_RETURN(
      v1::SubmitListResponse response,
      Call(args, "withdraw", 120, &v1::Registry::Stub::WithdrawSubmission, request));
  if (args.Has("json")) {
    Print(ProtoJson(response));
  } else {
    PrintReceipt(response);
  }
  return absl::OkStatus();
}

// One version's rows, as `tierhubctl submission --changes` prints them: what a clerk needs to
// see which row changed how. Values are shown as text (ShownText), in the file's characters.
void PrintChanges(const v1::VersionChanges& c) {
  std::string out = absl::StrCat("\nversion ", c.version(), ":\n");
  if (c.entries().empty() && c.entries_omitted() == 0) absl::StrAppend(&out, "  no rows changed\n");
  for (const v1::EntryChange& e : c.entries()) {
    const v1::ListEntry& shown = e.has_new_entry() ? e.new_entry() : e.old_entry();
    const std::string name = ShownText(shown.enterprise_name());
    switch (e.kind()) {
      case v1::EntryChange::KIND_ADDED:
        absl::StrAppend(&out, "  + ", e.credit_code(), " ", name, "\n");
        break;
      case v1::EntryChange::KIND_REMOVED:
        absl::StrAppend(&out, "  - ", e.credit_code(), " ", name,
                        e.old_unknown() ? " (earlier contents not kept)" : "", "\n");
        break;
      default:
        absl::StrAppend(&out, "  ~ ", e.credit_code(), " ", name,
                        e.old_unknown() || e.new_unknown() ? " (earlier contents not kept)" : "",
                        "\n");
        for (const v1::FieldChange& f : e.fields()) {
          absl::StrAppend(&out, "      ", f.field(), ": ", ShownText(f.old_value()), " -> ",
                          ShownText(f.new_value()), "\n");
        }
    }
  }
  if (c.entries_omitted() > 0) {
    absl::StrAppend(&out, "  ... and ", c.entries_omitted(),
                    " more rows (use --json for the counts)\n");
  }
  Print(out);
}

absl::Status SubmissionHistory(const Args& args) {
  v1::GetSubmissionRequest request;
  request.set_submission_id(args.Get("submission-id"));
  if (request.submission_id().empty())
    return absl::InvalidArgumentError("--submission-id: required");
  v1::Department dept = v1::DEPARTMENT_UNSPECIFIED;
  TH_RETURN_IF_ERROR(Optional(args, "department", &ParseDept, &dept));
  request.set_department(dept);
  request.set_with_changes(args.Has("changes"));
  TH_ASSIGN_OR_RETURN(v1::GetSubmissionResponse r,
                      Call(args, "submission", 60, &v1::Registry::Stub::GetSubmission, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  const v1::Submission& sub = r.submission();
  Print(absl::StrCat(
      "submission ", sub.submission_id(), " (", domain::DepartmentCode(sub.department()), ", ",
      domain::ListKindCode(sub.kind()), ", ", domain::DimensionCode(sub.dimension()), ", region ",
      sub.region_code(), ", round ", sub.round_id(), "): version ", sub.version(), ", ",
      sub.entry_count(), " entries", sub.withdrawn() ? ", withdrawn" : "",
      sub.late() ? absl::StrCat(", late by ", Duration(sub.late_seconds())) : "", "\n\n"));
  Table t({"VERSION", "ACTION", "WHO", "WHEN", "ADDED", "CHANGED", "REMOVED", "NOTE"});
  for (const auto& v : r.versions()) {
    t.AddRow({absl::StrCat(v.version()),
              EnumLabel(v1::SubmissionVersion::Action_Name(v.action()), "ACTION_"), v.author(),
              FormatMoment(v.at()), absl::StrCat(v.added_credit_codes_size()),
              absl::StrCat(v.changed_credit_codes_size()),
              absl::StrCat(v.removed_credit_codes_size()), v.note()});
  }
  Print(t.Render());
  for (const v1::VersionChanges& c : r.changes()) PrintChanges(c);
  return absl::OkStatus();
}

absl::Status Lists(const Args& args) {
  v1::ListEntriesRequest request;
  v1::Department dept = v1::DEPARTMENT_UNSPECIFIED;
  v1::Dimension dim = v1::DIMENSION_UNSPECIFIED;
  v1::ListKind kind = v1::LIST_KIND_UNSPECIFIED;
  v1::Industry industry = v1::INDUSTRY_UNSPECIFIED;
  TH_RETURN_IF_ERROR(Optional(args, "department", &ParseDept, &dept));
  TH_RETURN_IF_ERROR(Optional(args, "dimension", &ParseDim, &dim));
  TH_RETURN_IF_ERROR(Optional(args, "kind", &ParseKind, &kind));
  TH_RETURN_IF_ERROR(Optional(args, "industry", &ParseInd, &industry));
  request.set_department(dept);
  request.set_dimension(dim);
  request.set_kind(kind);
  request.set_industry(industry);
  request.set_round_id(args.Get("round"));
  request.set_region_code(args.Get("region"));
  request.set_submission_id(args.Get("submission-id"));
  TH_ASSIGN_OR_RETURN(int64_t limit, args.GetInt("limit", 100));
  Table t({"CREDIT_CODE", "ENTERPRISE", "REGION", "INDUSTRY", "DEPT", "DIMENSION", "KIND", "ROUND",
           "STATUS", "DEADLINE"});
  TH_ASSIGN_OR_RETURN(
      const std::string token,
      CallPaged(args, "lists", 60, &v1::Registry::Stub::ListEntries, request,
                [&](const v1::ListEntriesResponse& r) {
                  for (const auto& e : r.entries()) {
                    if (limit > 0 && static_cast<int64_t>(t.rows()) >= limit) break;
                    t.AddRow({e.credit_code(), e.enterprise_name(), e.region_code(),
                              std::string(domain::IndustryNameZh(e.industry())),
                              std::string(domain::DepartmentCode(e.department())),
                              std::string(domain::DimensionCode(e.dimension())),
                              std::string(domain::ListKindCode(e.kind())), e.round_id(),
                              EnumLabel(v1::OperatingStatus_Name(e.reported_status()),
                                        "OPERATING_STATUS_"),
                              FormatDay(e.deadline())});
                  }
                  return limit <= 0 || static_cast<int64_t>(t.rows()) < limit;
                }));
  Print(args.Has("json") ? t.RenderJson()
                         : absl::StrCat(t.Render(), t.rows(), " entr", t.rows() == 1 ? "y" : "ies",
                                        token.empty() ? "" : " shown (more: raise --limit)", "\n"));
  return absl::OkStatus();
}

void PrintRounds(const v1::PutRoundsResponse& r, bool json) {
  if (json) {
    Print(ProtoJson(r));
    return;
  }
  Table t({"ROUND", "TITLE", "DEADLINE", "SCOPE", "CLOSED"});
  for (const auto& round : r.rounds()) {
    t.AddRow({round.round_id(), round.title(), FormatDay(round.deadline()),
              EnumLabel(v1::SubmissionRound::Scope_Name(round.scope()), "SCOPE_"),
              round.closed() ? "closed" : ""});
  }
  Print(t.Render());
}

absl::Status Rounds(const Args& args) {
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  auto stub = v1::Registry::NewStub(conn.channel());
  grpc::ClientContext context;
  conn.Prepare(&context, 60);
  v1::PutRoundsResponse r;
  grpc::Status s;
  if (args.Has("init-plan")) {
    v1::PutRoundsRequest request;
    request.set_plan_defaults(true);
    s = stub->PutRounds(&context, request, &r);
  } else if (!args.Get("add").empty()) {
    v1::PutRoundsRequest request;
    v1::SubmissionRound* round = request.add_rounds();
    round->set_round_id(args.Get("add"));
    round->set_title(args.Get("title", args.Get("add")));
    round->set_scope(v1::SubmissionRound::SCOPE_DEPARTMENT_LISTS);
    absl::Time deadline;
    std::string err;
    // A deadline day ends at 23:59:59 China Standard Time.
    if (!absl::ParseTime("%Y-%m-%d", args.Get("deadline"), domain::ChinaTimeZone(), &deadline,
                         &err)) {
      return absl::InvalidArgumentError("--deadline: required with --add, as YYYY-MM-DD");
    }
    round->mutable_deadline()->set_seconds(absl::ToUnixSeconds(deadline) + 86399);
    s = stub->PutRounds(&context, request, &r);
  } else if (!args.Get("close").empty()) {
    v1::CloseRoundRequest request;
    request.set_round_id(args.Get("close"));
    s = stub->CloseRound(&context, request, &r);
  } else if (!args.Get("waive").empty()) {
    // The late waiver a refusal after the close asks for (Registry.GrantLateWaiver, MIIT only).
    v1::GrantLateWaiverRequest request;
    request.set_round_id(args.Get("waive"));
    v1::Department department = v1::DEPARTMENT_UNSPECIFIED;
    TH_RETURN_IF_ERROR(Required(args, "department", &ParseDept, &department));
    request.set_department(department);
    request.set_region_code(args.Get("region"));
    if (request.region_code().empty()) {
      return absl::InvalidArgumentError(
          "--region: required with --waive (it covers the region "
          "and every region under it)");
    }
    request.set_note(args.Get("note"));
    v1::GrantLateWaiverResponse granted;
    s = stub->GrantLateWaiver(&context, request, &granted);
    if (!s.ok()) return CallFailed("rounds --waive", s, args.Get("node"));
    const v1::LateWaiver& w = granted.waiver();
    Print(args.Has("json")
              ? ProtoJson(granted)
              : absl::StrCat("late waiver granted: ", domain::DepartmentCode(w.department()),
                             " may submit to round ", w.round_id(), " for ", w.region_code(), " ",
                             RegionName(w.region_code()), " and the regions under it (by ",
                             w.granted_by(), ")\n"));
    return absl::OkStatus();
  } else {
    s = stub->ListRounds(&context, v1::ListRoundsRequest(), &r);
  }
  if (!s.ok()) return CallFailed("rounds", s, args.Get("node"));
  PrintRounds(r, args.Has("json"));
  return absl::OkStatus();
}

absl::Status RoundStatus(const Args& args) {
  v1::GetRoundStatusRequest request;
  request.set_round_id(args.Get("round"));
  if (request.round_id().empty()) return absl::InvalidArgumentError("--round: required");
  request.set_region_code(args.Get("region"));
  request.set_include_children(args.Has("children"));
  TH_ASSIGN_OR_RETURN(
      v1::GetRoundStatusResponse r,
      Call(args, "round-status", 60, &v1::Coordinator::Stub::GetRoundStatus, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  Print(absl::StrCat("round ", r.round().round_id(), " (", r.round().title(), "), deadline ",
                     FormatDay(r.round().deadline()), r.deadline_passed() ? " (passed)" : "",
                     r.round().closed() ? ", closed" : "", "\n\n"));
  Table t({"REGION", "NAME", "DEPT", "STATUS", "LATE_BY", "FIRST_SUBMITTED", "SUBMISSIONS"});
  for (const auto& row : r.rows()) {
    t.AddRow({row.region_code(), RegionName(row.region_code()),
              std::string(domain::DepartmentCode(row.department())),
              EnumLabel(v1::RoundStatusRow::Status_Name(row.status()), "STATUS_"),
              Duration(row.late_seconds()), FormatMoment(row.first_submitted_at()),
              absl::StrJoin(row.submission_ids(), " ")});
  }
  Print(t.Render());
  return absl::OkStatus();
}

absl::Status ShowProgress(const Args& args) {
  v1::GetProgressRequest request;
  request.set_region_code(args.Get("region"));
  request.set_by_child_region(!args.Has("no-drill"));
  TH_ASSIGN_OR_RETURN(v1::GetProgressResponse r,
                      Call(args, "progress", 60, &v1::Coordinator::Stub::GetProgress, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  // One row per region and industry: enterprises listed and exited (each counted once),
  // capacity, open and overdue cases.
  struct Row {
    int64_t listed = 0, exited = 0, cases_open = 0, overdue = 0;
    double cap_listed = 0, cap_exited = 0;
    std::string unit;
  };
  std::map<std::pair<std::string, int>, Row> rows;
  for (const auto& c : r.capacity()) {
    Row& row = rows[{c.region_code(), c.industry()}];
    row.listed += c.enterprises_listed();
    row.exited += c.enterprises_exited();
    if (c.unit() != v1::CAPACITY_UNIT_UNSPECIFIED) {
      row.cap_listed += c.listed();
      row.cap_exited += c.exited();
      row.unit = EnumLabel(v1::CapacityUnit_Name(c.unit()), "CAPACITY_UNIT_");
    }
  }
  for (const auto& c : r.cases()) {
    if (!domain::IsTerminal(c.dimension(), c.state())) {
      rows[{c.region_code(), c.industry()}].cases_open += c.count();
    }
  }
  for (const auto& o : r.overdue()) rows[{o.region_code(), o.industry()}].overdue += o.overdue();
  Table t({"REGION", "NAME", "INDUSTRY", "LISTED", "EXITED", "CAPACITY_LISTED", "CAPACITY_EXITED",
           "UNIT", "CASES_OPEN", "OVERDUE"});
  for (const auto& [key, row] : rows) {
    t.AddRow({key.first, RegionName(key.first),
              std::string(domain::IndustryNameZh(static_cast<v1::Industry>(key.second))),
              absl::StrCat(row.listed), absl::StrCat(row.exited),
              row.unit.empty() ? "" : absl::StrFormat("%.0f", row.cap_listed),
              row.unit.empty() ? "" : absl::StrFormat("%.0f", row.cap_exited), row.unit,
              absl::StrCat(row.cases_open), absl::StrCat(row.overdue)});
  }
  Print(absl::StrCat("progress under ", r.region_code(), " ", RegionName(r.region_code()),
                     " (cases overdue: ", r.cases_overdue(), ")\n\n"));
  Print(t.rows() ? t.Render() : "nothing listed yet\n");
  int64_t contradictions = 0;
  for (const auto& c : r.contradictions()) contradictions += c.count();
  if (contradictions > 0) {
    Print(absl::StrCat("\n", contradictions,
                       " contradiction(s) between departments: see `tierhubctl contradictions`\n"));
  }
  // As of: which children's data the figures include, so a stale county is visible.
  Table fresh({"FROM_NODE", "REGION", "NAME", "LAST_CHANGE", "AGE"});
  for (const auto& c : r.as_of().children()) {
    fresh.AddRow({c.origin_node(), c.region_code(), RegionName(c.region_code()),
                  FormatMoment(c.last_change_at()),
                  Duration(static_cast<int64_t>(c.age_seconds()))});
  }
  for (const auto& silent : r.as_of().silent_children()) {
    fresh.AddRow({"(none)", silent.region_code(), silent.name_zh(), "never", ""});
  }
  if (fresh.rows() > 0) {
    Print(absl::StrCat("\nas of ", FormatMoment(r.as_of().now()), ": data included from\n",
                       fresh.Render()));
  }
  return absl::OkStatus();
}

void AddMergedRows(const v1::MergedEnterprise& m, Table* t) {
  if (m.contradictions().empty()) {
    t->AddRow({m.credit_code(), m.name(), m.region_code(), "", ""});
  }
  for (const auto& c : m.contradictions()) {
    t->AddRow({m.credit_code(), m.name(), m.region_code(),
               EnumLabel(v1::Contradiction::Kind_Name(c.kind()), "KIND_"), c.detail()});
  }
}

absl::Status Contradictions(const Args& args) {
  v1::ListContradictionsRequest request;
  request.set_region_code(args.Get("region"));
  Table t({"CREDIT_CODE", "ENTERPRISE", "REGION", "KIND", "DETAIL"});
  TH_RETURN_IF_ERROR(CallPaged(args, "contradictions", 60,
                               &v1::Coordinator::Stub::ListContradictions, request,
                               [&](const v1::ListContradictionsResponse& r) {
                                 for (const auto& m : r.merged()) AddMergedRows(m, &t);
                                 return true;
                               })
                         .status());
  Print(args.Has("json") ? t.RenderJson() : (t.rows() ? t.Render() : "no contradictions\n"));
  return absl::OkStatus();
}

absl::Status Merged(const Args& args) {
  v1::GetMergedViewRequest request;
  request.set_credit_code(args.Get("credit-code"));
  if (request.credit_code().empty()) return absl::InvalidArgumentError("--credit-code: required");
  TH_ASSIGN_OR_RETURN(v1::GetMergedViewResponse r,
                      Call(args, "merged", 60, &v1::Coordinator::Stub::GetMergedView, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  const v1::MergedEnterprise& m = r.merged();
  Print(absl::StrCat(m.credit_code(), "  ", m.name(), "  ", m.region_code(), " ",
                     RegionName(m.region_code()), "  ", domain::IndustryNameZh(m.industry()),
                     m.exited() ? "  EXITED" : "", "\n\n"));
  Table lists({"DEPT", "DIMENSION", "KIND", "ROUND", "REPORTED_STATUS", "NAME_AS_LISTED"});
  for (const auto& l : m.listings()) {
    lists.AddRow({std::string(domain::DepartmentCode(l.department())),
                  std::string(domain::DimensionCode(l.dimension())),
                  std::string(domain::ListKindCode(l.kind())), l.round_id(),
                  EnumLabel(v1::OperatingStatus_Name(l.reported_status()), "OPERATING_STATUS_"),
                  l.enterprise_name()});
  }
  Print(lists.Render());
  for (const auto& c : m.open_cases()) {
    Print(absl::StrCat("open case ", c.case_id(), " (", domain::DimensionCode(c.dimension()),
                       "): ", EnumLabel(v1::CaseState_Name(c.state()), "CASE_STATE_"),
                       ", deadline ", FormatDay(c.deadline()), "\n"));
  }
  for (const auto& c : m.contradictions()) {
    Print(absl::StrCat("contradiction (",
                       EnumLabel(v1::Contradiction::Kind_Name(c.kind()), "KIND_"),
                       "): ", c.detail(), "\n"));
  }
  return absl::OkStatus();
}

absl::Status Enterprises(const Args& args) {
  v1::ListEnterprisesRequest request;
  request.set_region_code(args.Get("region"));
  v1::Industry industry = v1::INDUSTRY_UNSPECIFIED;
  TH_RETURN_IF_ERROR(Optional(args, "industry", &ParseInd, &industry));
  request.set_industry(industry);
  TH_ASSIGN_OR_RETURN(int64_t limit, args.GetInt("limit", 100));
  Table t({"CREDIT_CODE", "NAME", "REGION", "INDUSTRIES", "STATUS"});
  TH_RETURN_IF_ERROR(
      CallPaged(
          args, "enterprises", 60, &v1::Registry::Stub::ListEnterprises, request,
          [&](const v1::ListEnterprisesResponse& r) {
            for (const auto& e : r.enterprises()) {
              if (limit > 0 && static_cast<int64_t>(t.rows()) >= limit) break;
              std::vector<std::string> industries;
              for (int i : e.industries()) {
                industries.emplace_back(domain::IndustryNameZh(static_cast<v1::Industry>(i)));
              }
              t.AddRow({e.credit_code(), e.name(), e.region_code(), absl::StrJoin(industries, "、"),
                        EnumLabel(v1::OperatingStatus_Name(e.status()), "OPERATING_STATUS_")});
            }
            return limit <= 0 || static_cast<int64_t>(t.rows()) < limit;
          })
          .status());
  Print(args.Has("json") ? t.RenderJson() : absl::StrCat(t.Render(), t.rows(), " shown\n"));
  return absl::OkStatus();
}

}  // namespace

void AddListCommands(std::vector<Command>* out) {
  out->push_back(
      {"submit", "submit a department list from a CSV file (UTF-8, BOM or GB18030)",
       "  FILE.csv                 columns (English or Chinese headers): credit_code\n"
       "                           统一社会信用代码, enterprise_name 企业名称, region_code "
       "所在地区\n"
       "                           (code or name), industry 行业; optional: reason 原因,\n"
       "                           requirement_ref 整改要求, deadline 整改期限, reported_status\n"
       "                           企业状态, capacity 产能, capacity_unit 产能单位\n"
       "  --dimension=ENVIRONMENT  (ENERGY, ENVIRONMENT, QUALITY, SAFETY, TECHNOLOGY or 环保 ...)\n"
       "  --kind=KEY_SUPERVISION   list kind (重点监管执法企业清单 ...)\n"
       "  --region=CODE            region the list covers\n"
       "  --round=ID               submission round (see `tierhubctl rounds`)\n"
       "  --submission-id=ID       your id for this list; a retry with it never doubles anything\n"
       "  --mode=full|delta        full (default) replaces the previous version; delta adds and\n"
       "                           changes rows, and --remove=CODE,CODE removes entries\n"
       "  --base-version=N         to correct version N of the submission\n"
       "  --encoding=auto|utf-8|gb18030   (default auto)\n"
       "  --dry-run                check every row on the node, store nothing\n"
       "  --note=TEXT              kept with the version (why it was submitted or corrected)\n"
       "Every bad row is printed with its row number, column and reason; nothing is stored\n"
       "unless every row is good.\n\n"
       "Example:\n  tierhubctl submit eco-q2.csv --dimension=ENVIRONMENT --kind=KEY_SUPERVISION "
       "--region=440000 --round=2019-04-15 --submission-id=eco-2019-q2 --cert=eco.pem ...\n",
       Submit});
  out->push_back({"withdraw", "withdraw a submission (its history stays readable)",
                  "  --submission-id=ID --base-version=N [--note=TEXT]\n\nExample:\n"
                  "  tierhubctl withdraw --submission-id=eco-2019-q2 --base-version=2 ...\n",
                  Withdraw});
  out->push_back({"submission", "a submission and every version of it: who, when, what changed",
                  "  --submission-id=ID [--department=ECO]\n"
                  "  --changes        also each version's rows: + added, ~ changed (every field\n"
                  "                   with its old and new value), - removed\n\nExample:\n"
                  "  tierhubctl submission --submission-id=eco-2019-q2 --changes ...\n",
                  SubmissionHistory});
  out->push_back({"lists", "list entries by department, kind, dimension, round, region, industry",
                  "  --department= --kind= --dimension= --round= --region= --industry=\n"
                  "  --submission-id=  --limit=N (default 100, 0 = all)\n\nExample:\n"
                  "  tierhubctl lists --region=440600 --dimension=SAFETY ...\n",
                  Lists});
  out->push_back({"rounds", "submission rounds and their deadlines",
                  "  --init-plan      create the plan's 2019 rounds (top node, MIIT)\n"
                  "  --close=ROUND    close a round (later submissions need a late waiver)\n"
                  "  --add=ID --deadline=YYYY-MM-DD [--title=TEXT]   define a round (top node)\n"
                  "  --waive=ROUND --department=SAMR --region=CODE [--note=TEXT]\n"
                  "                   grant a late waiver (MIIT): the department may submit to\n"
                  "                   the closed round for the region and every region under it\n"
                  "  Without an option: list the rounds.\n\n"
                  "Example:\n  tierhubctl rounds --waive=2019-04-15 --department=SAMR "
                  "--region=440600 --note='报送系统故障' ...\n",
                  Rounds});
  out->push_back({"round-status", "who submitted in a round: on time, late (how late), missing",
                  "  --round=ID [--region=CODE] [--children]\n\nExample:\n"
                  "  tierhubctl round-status --round=2019-04-15 --region=440000 --children ...\n",
                  RoundStatus});
  out->push_back({"progress", "where a region stands: listed, exited, capacity, cases, overdue",
                  "  --region=CODE    (default: your certificate's region); the table breaks\n"
                  "                   the figures down by the region's child regions (drill\n"
                  "                   down: run again with --region=<a child>); --no-drill\n"
                  "  Ends with which nodes' data the figures include and how fresh it is.\n\n"
                  "Example:\n  tierhubctl progress --region=440600 ...\n",
                  ShowProgress});
  out->push_back({"contradictions", "enterprises that departments disagree about",
                  "  --region=CODE\n\nExample:\n  tierhubctl contradictions --region=440000 ...\n",
                  Contradictions});
  out->push_back({"merged", "one enterprise across every department's lists and cases",
                  "  --credit-code=CODE\n\nExample:\n"
                  "  tierhubctl merged --credit-code=91440606MA3EDFR842 ...\n",
                  Merged});
  out->push_back({"enterprises", "enterprises under a region, by industry",
                  "  --region=CODE --industry=CERAMICS --limit=N\n\nExample:\n"
                  "  tierhubctl enterprises --region=440606 --industry=陶瓷 ...\n",
                  Enterprises});
}

}  // namespace tierhub::ctl
