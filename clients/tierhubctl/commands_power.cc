// Electricity watch (用电监测): power-import, power-alerts, power-recheck, power-ack,
// power-resolve.
#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/csv_import.h"
#include "clients/tierhubctl/file_streams.h"
#include "clients/tierhubctl/format.h"
#include "clients/tierhubctl/progress.h"
#include "clients/tierhubctl/table.h"
#include "services/common/limits.h"
#include "services/common/status_macros.h"
#include "services/domain/electricity.h"
#include "tierhub/v1/electricity.grpc.pb.h"

namespace tierhub::ctl {
namespace {

// A default import id from the file's bytes (FNV-1a, 64 bits): importing the same file again
// is then a retry, which the node recognises and does not store twice.
std::string ContentImportId(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return absl::StrFormat("power-%016x", h);
}

absl::Status ParseKwhOption(const Args& args, const std::string& name, bool* has, double* out) {
  *has = !args.Get(name).empty();
  if (!*has) return absl::OkStatus();
  if (!absl::SimpleAtod(args.Get(name), out) || !(*out >= 0) || *out > 1e15) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": '", args.Get(name), "' is not a number of kWh >= 0"));
  }
  return absl::OkStatus();
}

absl::Status MonthOption(const Args& args, const std::string& name, std::string* out) {
  if (args.Get(name).empty()) return absl::OkStatus();
  auto month = domain::CanonicalMonth(args.Get(name));
  if (!month.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", month.status().message()));
  }
  *out = *month;
  return absl::OkStatus();
}

// --threshold=KWH into `message`'s threshold_kwh, which stays unset when the option is absent.
template <typename Message>
absl::Status ThresholdOption(const Args& args, Message* message) {
  bool has_threshold = false;
  double threshold = 0;
  TH_RETURN_IF_ERROR(ParseKwhOption(args, "threshold", &has_threshold, &threshold));
  if (has_threshold) message->mutable_threshold_kwh()->set_value(threshold);
  return absl::OkStatus();
}

std::string Kwh(double kwh) { return absl::StrFormat("%.0f", kwh); }

std::string ReasonLabel(const v1::PowerAlert& a) {
  switch (a.reason()) {
    case v1::SHUTDOWN_REASON_ENTERPRISE_STATUS:
      return absl::StrCat("enterprise ", EnumLabel(v1::OperatingStatus_Name(a.enterprise_status()),
                                                   "OPERATING_STATUS_"));
    case v1::SHUTDOWN_REASON_CASE_CLOSED:
      return absl::StrCat("case ", EnumLabel(v1::CaseState_Name(a.case_state()), "CASE_STATE_"));
    case v1::SHUTDOWN_REASON_POWER_CUT:
      return "power cut 断电";
    case v1::SHUTDOWN_REASON_EQUIPMENT_SEALED:
      return "equipment sealed 封存";
    default:
      return "";
  }
}

// open, acknowledged (by whom, when), resolved or withdrawn.
std::string AlertState(const v1::PowerAlert& a) {
  if (a.withdrawn()) return absl::StrCat("withdrawn ", FormatDay(a.withdrawn_at()));
  if (a.has_resolved_at()) {
    return absl::StrCat("resolved ", FormatDay(a.resolved_at()), " by ", a.resolved_by());
  }
  if (a.has_acknowledged_at()) {
    return absl::StrCat("acknowledged ", FormatDay(a.acknowledged_at()), " by ",
                        a.acknowledged_by());
  }
  return "open";
}

Table AlertTable(const google::protobuf::RepeatedPtrField<v1::PowerAlert>& alerts) {
  Table t({"MONTH", "REGION", "CREDIT_CODE", "ENTERPRISE", "KWH", "THRESHOLD", "REASON", "SINCE",
           "CASE", "STATUS"});
  for (const v1::PowerAlert& a : alerts) {
    t.AddRow({a.month(), a.region_code(), a.credit_code(), a.enterprise_name(), Kwh(a.kwh()),
              Kwh(a.threshold_kwh()), ReasonLabel(a), FormatDay(a.shut_since()), a.case_id(),
              AlertState(a)});
  }
  return t;
}

absl::Status PowerImport(const Args& args) {
  if (args.positional().size() != 1) {
    return absl::InvalidArgumentError(
        "--file: give exactly one CSV file (tierhubctl power-import FILE)");
  }
  const std::string path = args.positional()[0];
  v1::ImportReadingsHeader header;
  header.set_region_code(args.Get("region"));
  TH_RETURN_IF_ERROR(ThresholdOption(args, &header));
  header.set_validate_only(args.Has("dry-run"));
  TH_ASSIGN_OR_RETURN(Encoding encoding, ParseEncoding(args.Get("encoding", "auto")));

  TH_ASSIGN_OR_RETURN(CsvFile file, ReadCsvFile(path, encoding));
  header.set_import_id(args.Get("import-id", ContentImportId(file.bytes)));
  header.set_source_file(path.substr(path.find_last_of('/') + 1));
  ParsedReadings parsed = ParseReadingsCsv(file.text);
  if (!parsed.errors.empty()) return RowsRefused(path, parsed.errors, "imported");

  v1::ImportReadingsChunk first;
  *first.mutable_header() = header;
  TH_ASSIGN_OR_RETURN(
      v1::ImportReadingsResponse response,
      UploadRows(args, "power-import", &v1::ElectricityWatch::Stub::ImportReadings,
                 std::move(first), parsed.readings.size(), absl::StrCat("importing ", path),
                 MoveRows(parsed.readings, parsed.rows, &v1::ReadingRow::mutable_reading),
                 [](v1::ImportReadingsChunk*) {}));
  if (args.Has("json")) {
    Print(ProtoJson(response));
    return response.errors_size() == 0
               ? absl::OkStatus()
               : absl::InvalidArgumentError(absl::StrCat("dry run: ", response.errors_size(),
                                                         " problem(s); nothing was stored"));
  }
  if (header.validate_only() && response.errors_size() > 0) return DryRunRefused(response);
  std::string out = absl::StrCat(
      header.validate_only() ? "dry run (nothing stored): " : "",
      response.replayed() ? "already imported (a retry; nothing written): " : "", "import ",
      response.import_id(), ": ", response.readings(), " reading(s)",
      response.replaced() ? absl::StrCat(" (", response.replaced(), " replaced earlier ones)") : "",
      ", threshold ", Kwh(response.threshold_kwh()), " kWh/month\n");
  if (response.alerts_size() == 0) {
    absl::StrAppend(&out, "no alert: no closed, sealed or power-cut enterprise above it\n");
  } else {
    absl::StrAppend(&out, response.alerts_size(), " alert(s)",
                    header.validate_only() ? " would be raised" : " raised", ":\n",
                    AlertTable(response.alerts()).Render());
  }
  Print(out);
  return absl::OkStatus();
}

absl::Status PowerAlerts(const Args& args) {
  v1::ListAlertsRequest request;
  request.set_region_code(args.Get("region"));
  request.set_credit_code(args.Get("credit-code"));
  TH_RETURN_IF_ERROR(MonthOption(args, "from", request.mutable_from_month()));
  TH_RETURN_IF_ERROR(MonthOption(args, "to", request.mutable_to_month()));
  TH_ASSIGN_OR_RETURN(int64_t limit, args.GetInt("limit", 0));
  if (limit < 0) return absl::InvalidArgumentError("--limit: a number >= 0");
  request.set_limit(static_cast<uint32_t>(limit));
  request.set_open_only(args.Has("open"));
  TH_ASSIGN_OR_RETURN(
      v1::ListAlertsResponse r,
      Call(args, "power-alerts", 120, &v1::ElectricityWatch::Stub::ListAlerts, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  Table t = AlertTable(r.alerts());
  Print(absl::StrCat(
      t.rows() ? t.Render() : "", r.total(), " alert(s)",
      r.truncated() ? absl::StrCat(", ", r.alerts_size(), " shown (raise --limit)") : "", "\n"));
  return absl::OkStatus();
}

// power-ack and power-resolve: one alert, by its enterprise and month.
absl::Status PowerHandle(const Args& args, v1::UpdateAlertRequest::Action action,
                         const std::string& command) {
  v1::UpdateAlertRequest request;
  request.set_credit_code(args.Get("credit-code"));
  if (request.credit_code().empty()) {
    return absl::InvalidArgumentError("--credit-code: the alert's enterprise");
  }
  TH_RETURN_IF_ERROR(MonthOption(args, "month", request.mutable_month()));
  if (request.month().empty()) return absl::InvalidArgumentError("--month: the alert's month");
  request.set_action(action);
  request.set_note(args.Get(action == v1::UpdateAlertRequest::ACTION_RESOLVE ? "reason" : "note"));
  TH_ASSIGN_OR_RETURN(v1::UpdateAlertResponse r,
                      Call(args, command, 60, &v1::ElectricityWatch::Stub::UpdateAlert, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  google::protobuf::RepeatedPtrField<v1::PowerAlert> one;
  *one.Add() = r.alert();
  Print(AlertTable(one).Render());
  return absl::OkStatus();
}

absl::Status PowerRecheck(const Args& args) {
  v1::RecheckReadingsRequest request;
  request.set_region_code(args.Get("region"));
  TH_RETURN_IF_ERROR(ThresholdOption(args, &request));
  TH_ASSIGN_OR_RETURN(
      v1::RecheckReadingsResponse r,
      Call(args, "power-recheck", 600, &v1::ElectricityWatch::Stub::RecheckReadings, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  Print(absl::StrCat(r.months_checked(), " enterprise-month(s) checked at threshold ",
                     Kwh(r.threshold_kwh()), " kWh: ", r.raised_size(), " new alert(s), ",
                     r.already_alerted(), " already alerted\n",
                     r.raised_size() ? AlertTable(r.raised()).Render() : ""));
  return absl::OkStatus();
}

}  // namespace

void AddPowerCommands(std::vector<Command>* out) {
  out->push_back(
      {"power-import",
       "import monthly electricity readings (grid company CSV); alert on shut-down plants",
       "  FILE                     CSV (UTF-8, UTF-8 with BOM, or GB18030 as Excel writes it):\n"
       "                           统一社会信用代码, 户号, 月份 (2019-07, 201907, 2019年7月),\n"
       "                           用电量(千瓦时); optional: 企业名称, 所属区域 (code or name;\n"
       "                           empty = the enterprise record's region)\n"
       "  --import-id=ID           your id for this file (default: from the file's content);\n"
       "                           a retry with it never stores anything twice\n"
       "  --region=CODE            region the file covers (default: your certificate's)\n"
       "  --threshold=KWH          alert above this many kWh per month (default: the node's\n"
       "                           power_alert_threshold_kwh, else 1000)\n"
       "  --encoding=auto|utf-8|gb18030   (default auto)\n"
       "  --dry-run                check every row on the node and show the alerts that would\n"
       "                           be raised; store nothing\n"
       "An alert is raised for an enterprise whose record says sealed, closed or dismantled, or\n"
       "one of whose cases closed it, cut its power or sealed its equipment, when a month after\n"
       "that month uses more than the threshold over all its accounts. Every bad row is printed\n"
       "with its row number, column and reason; nothing is stored unless every row is good.\n\n"
       "Example:\n  tierhubctl power-import gdpg-201908.csv --region=440600 --cert=... ...\n",
       PowerImport});
  out->push_back(
      {"power-alerts", "electricity alerts under a region: shut-down plants drawing power",
       "  --region=CODE            (default: your certificate's region)\n"
       "  --from=YYYY-MM --to=YYYY-MM   month range (inclusive)\n"
       "  --credit-code=CODE       one enterprise\n"
       "  --limit=N                (default 1000)\n"
       "  --open                   only alerts neither resolved nor withdrawn\n\nExample:\n"
       "  tierhubctl power-alerts --region=440600 --from=2019-07 --to=2019-12 ...\n",
       PowerAlerts});
  out->push_back(
      {"power-recheck", "check stored readings again after plants were closed or sealed",
       "  --region=CODE            (default: your certificate's region)\n"
       "  --threshold=KWH          (default: the node's)\n"
       "Raises the alerts that readings imported before a closure was known now call for;\n"
       "existing alerts stay as they are.\n\nExample:\n"
       "  tierhubctl power-recheck --region=440606 ...\n",
       PowerRecheck});
  out->push_back(
      {"power-ack", "acknowledge an electricity alert (已知悉): you are looking into it",
       "  --credit-code=CODE --month=YYYY-MM   the alert\n"
       "  --note=TEXT              optional, e.g. 已通知供电局现场核查\n"
       "Records who and when; once per alert. For department clerks of the alert's region or\n"
       "above, at the node that holds it.\n\nExample:\n"
       "  tierhubctl power-ack --credit-code=9144... --month=2019-08 --note=... ...\n",
       [](const Args& args) {
         return PowerHandle(args, v1::UpdateAlertRequest::ACTION_ACKNOWLEDGE, "power-ack");
       }});
  out->push_back(
      {"power-resolve", "resolve an electricity alert (已处置), with the reason",
       "  --credit-code=CODE --month=YYYY-MM   the alert\n"
       "  --reason=TEXT            required: how it was handled, e.g. 核实为生活照明用电\n"
       "A resolved alert no longer counts as open; it stays listed with who, when and why.\n\n"
       "Example:\n"
       "  tierhubctl power-resolve --credit-code=9144... --month=2019-08 --reason=... ...\n",
       [](const Args& args) {
         return PowerHandle(args, v1::UpdateAlertRequest::ACTION_RESOLVE, "power-resolve");
       }});
}

}  // namespace tierhub::ctl
