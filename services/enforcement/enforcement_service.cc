#include "services/enforcement/enforcement_service.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/auth/jurisdiction.h"
#include "services/auth/policy.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/common/rpc_streams.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/common/time_proto.h"
#include "services/domain/case_keys.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/disclosure.h"
#include "services/domain/electricity.h"
#include "services/domain/field_limits.h"
#include "services/domain/record_key.h"
#include "services/domain/region_table.h"
#include "services/domain/tip_offs.h"
#include "services/domain/validation.h"
#include "services/registry/lists.h"
#include "services/registry/registry_hooks.h"

namespace tierhub::enforcement {
namespace {

constexpr const char* kRegionIndexPrefix = registry::kRegionIndex;
constexpr uint32_t kDefaultOverdueLimit = 1000;
constexpr uint32_t kMaxOverdueLimit = 10000;

// The region index range holding every record under `region` (a 6-digit code; its
// jurisdiction is a code prefix, "440600" -> "4406"; the national root holds everything).
std::string RegionScanPrefix(const std::string& region) {
  return absl::StrCat(kRegionIndexPrefix, domain::JurisdictionPrefix(region));
}

using auth::Serve;

std::optional<absl::Time> OptionalTime(bool has, const google::protobuf::Timestamp& t) {
  if (!has) return std::nullopt;
  return FromProto(t);
}

}  // namespace

EnforcementService::EnforcementService(const auth::NodeContext& node, store::Store* store)
    : node_(node), clock_(&auth::RequireClock(node_)), store_(store) {}

absl::Status EnforcementService::CheckWrite(const auth::Identity& caller, const std::string& region,
                                            v1::Dimension dimension) const {
  TH_RETURN_IF_ERROR(auth::CheckWritable(node_, caller, region));
  return auth::CheckDimension(caller, dimension);
}

absl::StatusOr<v1::EnforcementCase> EnforcementService::LoadCase(const std::string& case_id) const {
  TH_RETURN_IF_ERROR(domain::ValidateId(case_id, "case_id"));
  TH_ASSIGN_OR_RETURN(auto record, store_->GetLive(domain::CaseKey(case_id)));
  if (!record.has_value() || !record->has_enforcement_case()) {
    return absl::NotFoundError(absl::StrCat("case_id: no case '", case_id, "'"));
  }
  return record->enforcement_case();
}

absl::Status EnforcementService::Commit(const auth::Identity& caller, v1::Record record,
                                        std::vector<store::LocalPut> local,
                                        std::vector<v1::PowerAlert> alerts) {
  std::string key = domain::RecordKey(record);
  std::vector<store::Mutation> mutations;
  mutations.push_back({std::move(key), caller.ToAuthor(node_.node_id), std::move(record)});
  for (v1::PowerAlert& a : alerts) {
    v1::Record alert;
    std::string alert_key = domain::PowerAlertKey(a.credit_code(), a.month());
    *alert.mutable_power_alert() = std::move(a);
    mutations.push_back({std::move(alert_key), caller.ToAuthor(node_.node_id), std::move(alert)});
  }
  return store_->Write(std::move(mutations), std::move(local)).status();
}

v1::CaseResponse EnforcementService::Respond(v1::EnforcementCase c) const {
  v1::CaseResponse out;
  const absl::Time now = clock_->Now();
  for (v1::CaseState s : domain::AllowedNext(c, now)) out.add_allowed_next(s);
  out.set_overdue(domain::IsOverdue(c, now));
  domain::ShowDeadlines(&c);
  *out.mutable_enforcement_case() = std::move(c);
  return out;
}

// ---- Cases ----

absl::StatusOr<v1::CaseResponse> EnforcementService::Open(const auth::Identity& caller,
                                                          const v1::OpenCaseRequest& request) {
  TH_RETURN_IF_ERROR(domain::CheckFieldLimits(request, ""));
  domain::CaseOpening o;
  o.case_id = request.case_id();
  o.credit_code = request.credit_code();
  o.region_code = request.region_code();
  o.industry = request.industry();
  o.dimension = request.dimension();
  o.finding = request.finding();
  o.rule_ref = request.rule_ref();
  o.found_at = OptionalTime(request.has_found_at(), request.found_at());
  o.capacity = request.capacity();
  o.capacity_unit = request.capacity_unit();
  o.equipment_id = request.equipment_id();
  o.actor = caller.CommonName();
  o.evidence_ref = request.evidence_ref();
  o.note = request.note();
  TH_ASSIGN_OR_RETURN(v1::EnforcementCase opened, domain::OpenCase(o, *clock_));
  TH_RETURN_IF_ERROR(CheckWrite(caller, opened.region_code(), opened.dimension()));
  absl::MutexLock lock(&mu_);
  TH_ASSIGN_OR_RETURN(auto existing, store_->Get(domain::CaseKey(opened.case_id())));
  if (existing.has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("case_id: case '", opened.case_id(), "' already exists"));
  }
  v1::Record record;
  *record.mutable_enforcement_case() = opened;
  TH_RETURN_IF_ERROR(Commit(caller, std::move(record)));
  return Respond(std::move(opened));
}

absl::StatusOr<v1::CaseResponse> EnforcementService::Advance(
    const auth::Identity& caller, const v1::AdvanceCaseRequest& request) {
  TH_RETURN_IF_ERROR(domain::CheckFieldLimits(request, ""));
  domain::Transition t;
  if (request.step_case() == v1::AdvanceCaseRequest::kToState) t.to = request.to_state();
  if (request.step_case() == v1::AdvanceCaseRequest::kSealingStep) {
    t.sealing_step = request.sealing_step();
  }
  t.actor = caller.CommonName();
  t.evidence_ref = request.evidence_ref();
  t.note = request.note();
  TH_ASSIGN_OR_RETURN(
      t.deadline,
      domain::RequestedDeadline("deadline", request.has_deadline() ? &request.deadline() : nullptr,
                                request.deadline_day()));
  if (!request.effective_day().empty()) {
    TH_ASSIGN_OR_RETURN(t.effective_day,
                        domain::ParseDayField("effective_day", request.effective_day()));
  }
  t.approving_authority = request.approving_authority();
  t.inspected_by = request.inspected_by();
  t.inspected_at = OptionalTime(request.has_inspected_at(), request.inspected_at());
  t.closing_case_id = request.closing_case_id();
  absl::MutexLock lock(&mu_);
  TH_ASSIGN_OR_RETURN(v1::EnforcementCase current, LoadCase(request.case_id()));
  TH_RETURN_IF_ERROR(CheckWrite(caller, current.region_code(), current.dimension()));
  if (request.expected_steps() != 0 &&
      request.expected_steps() != static_cast<uint32_t>(current.history_size())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "expected_steps: case '", current.case_id(), "' has ", current.history_size(),
        " steps, not ", request.expected_steps(), "; someone else advanced it, reload it"));
  }
  if (!t.closing_case_id.empty()) {
    TH_ASSIGN_OR_RETURN(v1::EnforcementCase closing, LoadCase(t.closing_case_id));
    if (closing.credit_code() != current.credit_code()) {
      return absl::InvalidArgumentError(absl::StrCat("closing_case_id: case '", closing.case_id(),
                                                     "' is about another enterprise"));
    }
  }
  TH_ASSIGN_OR_RETURN(v1::EnforcementCase next, domain::Advance(current, t, *clock_));
  // A step that closes or seals the plant rechecks its stored readings by itself, in the same
  // write (docs/ELECTRICITY.md).
  std::vector<v1::PowerAlert> alerts;
  const bool shuts = (t.to != v1::CASE_STATE_UNSPECIFIED && domain::ClosesPlant(t.to)) ||
                     t.sealing_step == v1::SEALING_STEP_POWER_CUT ||
                     t.sealing_step == v1::SEALING_STEP_EQUIPMENT_SEALED;
  if (shuts && power_alerts_after_) {
    TH_ASSIGN_OR_RETURN(alerts, power_alerts_after_(next, caller.CommonName()));
  }
  v1::Record record;
  *record.mutable_enforcement_case() = next;
  TH_RETURN_IF_ERROR(Commit(caller, std::move(record), {}, std::move(alerts)));
  return Respond(std::move(next));
}

absl::StatusOr<v1::CaseResponse> EnforcementService::Get(const auth::Identity& caller,
                                                         const v1::GetCaseRequest& request) const {
  TH_ASSIGN_OR_RETURN(v1::EnforcementCase c, LoadCase(request.case_id()));
  TH_RETURN_IF_ERROR(auth::CheckReadable(node_, caller, c.region_code()));
  return Respond(std::move(c));
}

absl::StatusOr<v1::ListOverdueResponse> EnforcementService::Overdue(
    const auth::Identity& caller, const v1::ListOverdueRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  const uint32_t limit =
      request.limit() == 0 ? kDefaultOverdueLimit : std::min(request.limit(), kMaxOverdueLimit);
  const absl::Time now = clock_->Now();
  // Only open cases with a deadline are indexed, by region and deadline day; a deadline after
  // today (China time) cannot have passed.
  const std::string today = absl::FormatTime("%Y%m%d", now, domain::ChinaTimeZone());
  std::vector<v1::EnforcementCase> found;
  absl::Status failed;
  TH_RETURN_IF_ERROR(store_->ScanIndex(
      absl::StrCat(domain::kOpenDeadlineIndex, domain::JurisdictionPrefix(region)),
      [&](std::string_view index_key, std::string_view key) {
        const std::string_view day = index_key.substr(index_key.rfind('/') + 1);
        if (day > std::string_view(today)) return true;
        auto record = store_->GetLive(key);
        if (!record.ok()) {
          failed = record.status();
          return false;
        }
        if (!record->has_value() || !(*record)->has_enforcement_case()) return true;
        const v1::EnforcementCase& c = (*record)->enforcement_case();
        if (request.dimension() != v1::DIMENSION_UNSPECIFIED &&
            c.dimension() != request.dimension()) {
          return true;
        }
        if (domain::IsOverdue(c, now)) found.push_back(c);
        return true;
      }));
  TH_RETURN_IF_ERROR(failed);
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    const absl::CivilDay da = domain::DeadlineDayOf(a.deadline());
    const absl::CivilDay db = domain::DeadlineDayOf(b.deadline());
    return da != db ? da < db : a.case_id() < b.case_id();
  });
  v1::ListOverdueResponse out;
  for (size_t i = 0; i < found.size() && i < limit; ++i) {
    domain::ShowDeadlines(&found[i]);
    *out.add_cases() = std::move(found[i]);
  }
  out.set_truncated(found.size() > limit);
  return out;
}

// ---- Tip-offs ----

absl::StatusOr<v1::TipOffResponse> EnforcementService::SubmitTip(
    const auth::Identity& caller, const v1::SubmitTipOffRequest& request) {
  TH_RETURN_IF_ERROR(domain::CheckFieldLimits(request, ""));
  if (!v1::Dimension_IsValid(request.dimension())) {
    return absl::InvalidArgumentError("dimension: is not a known value");
  }
  v1::TipOff tip;
  tip.set_tip_off_id(request.tip_off_id());
  tip.set_channel(request.channel());
  tip.set_content(request.content());
  tip.set_credit_code(request.credit_code());
  tip.set_outcome(v1::TIP_OFF_OUTCOME_PENDING);
  *tip.mutable_received_at() =
      request.has_received_at() ? request.received_at() : ToProto(clock_->Now());
  tip.set_received_by_node(node_.node_id);
  std::string enterprise_region;
  if (!request.credit_code().empty()) {
    TH_RETURN_IF_ERROR(domain::ValidateCreditCodeField(request.credit_code(), "credit_code"));
    TH_ASSIGN_OR_RETURN(auto enterprise,
                        store_->GetLive(domain::EnterpriseKey(request.credit_code())));
    if (enterprise.has_value() && enterprise->has_enterprise()) {
      enterprise_region = enterprise->enterprise().region_code();
    }
  }
  const domain::TipOffRoute route = domain::RouteTipOff(request.channel(), request.dimension(),
                                                        request.region_code(), enterprise_region);
  tip.set_region_code(route.region_code);
  tip.set_responsible(route.department);
  tip.set_dimension(route.dimension);
  const bool has_informant = request.has_informant() && (!request.informant().name().empty() ||
                                                         !request.informant().phone().empty());
  tip.set_has_informant(has_informant);
  TH_RETURN_IF_ERROR(domain::ValidateTipOff(tip));
  // The routed region must be one this node and the caller may write (hotlines are received
  // centrally, at a node above the plant's county).
  TH_RETURN_IF_ERROR(CheckWrite(caller, tip.region_code(), v1::DIMENSION_UNSPECIFIED));
  absl::MutexLock lock(&mu_);
  TH_ASSIGN_OR_RETURN(auto existing, store_->Get(domain::TipOffKey(tip.tip_off_id())));
  if (existing.has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("tip_off_id: tip-off '", tip.tip_off_id(), "' already exists"));
  }
  v1::TipOffResponse out;
  // The informant goes to the store's node-local data in the tip-off's own WriteBatch: both
  // are stored or neither, and the informant never enters the log that the exchange sends.
  std::vector<store::LocalPut> local;
  if (has_informant) {
    v1::Informant informant = request.informant();
    informant.set_tip_off_id(tip.tip_off_id());
    local.push_back(InformantLocalPut(informant));
    *out.mutable_informant() = std::move(informant);
  }
  v1::Record record;
  *record.mutable_tip_off() = tip;
  TH_RETURN_IF_ERROR(Commit(caller, std::move(record), std::move(local)));
  *out.mutable_tip_off() = std::move(tip);
  return out;
}

absl::StatusOr<v1::TipOffResponse> EnforcementService::VerifyTip(
    const auth::Identity& caller, const v1::VerifyTipOffRequest& request) {
  TH_RETURN_IF_ERROR(domain::CheckFieldLimits(request, ""));
  if (request.outcome() != v1::TIP_OFF_OUTCOME_CONFIRMED &&
      request.outcome() != v1::TIP_OFF_OUTCOME_UNFOUNDED) {
    return absl::InvalidArgumentError("outcome: must be CONFIRMED or UNFOUNDED");
  }
  TH_RETURN_IF_ERROR(domain::ValidateId(request.tip_off_id(), "tip_off_id"));
  absl::MutexLock lock(&mu_);
  TH_ASSIGN_OR_RETURN(auto record, store_->GetLive(domain::TipOffKey(request.tip_off_id())));
  if (!record.has_value() || !record->has_tip_off()) {
    return absl::NotFoundError(absl::StrCat("tip_off_id: no tip-off '", request.tip_off_id(), "'"));
  }
  v1::TipOff tip = record->tip_off();
  TH_RETURN_IF_ERROR(CheckWrite(caller, tip.region_code(), tip.dimension()));
  if (caller.kind == auth::Identity::Kind::kDepartment && caller.department != tip.responsible() &&
      caller.department != v1::DEPARTMENT_MIIT) {
    return absl::PermissionDeniedError(absl::StrCat(
        "tip-off '", tip.tip_off_id(), "' is routed to ", domain::DepartmentCode(tip.responsible()),
        ", not ", domain::DepartmentCode(caller.department)));
  }
  if (!request.case_id().empty()) {
    TH_ASSIGN_OR_RETURN(v1::EnforcementCase c, LoadCase(request.case_id()));
    if (request.outcome() != v1::TIP_OFF_OUTCOME_CONFIRMED) {
      return absl::InvalidArgumentError("case_id: only a CONFIRMED tip-off produces a case");
    }
    if (!tip.credit_code().empty() && c.credit_code() != tip.credit_code()) {
      return absl::InvalidArgumentError(
          absl::StrCat("case_id: case '", c.case_id(), "' is about another enterprise"));
    }
  }
  tip.set_outcome(request.outcome());
  tip.set_case_id(request.case_id());
  tip.set_verified_by(caller.CommonName());
  *tip.mutable_verified_at() = ToProto(clock_->Now());
  tip.set_verification_note(request.note());
  TH_RETURN_IF_ERROR(domain::ValidateTipOff(tip));
  v1::Record out_record;
  *out_record.mutable_tip_off() = tip;
  TH_RETURN_IF_ERROR(Commit(caller, std::move(out_record)));
  v1::TipOffResponse out;
  *out.mutable_tip_off() = std::move(tip);
  return out;
}

absl::StatusOr<v1::TipOffResponse> EnforcementService::GetTip(
    const auth::Identity& caller, const v1::GetTipOffRequest& request) const {
  TH_RETURN_IF_ERROR(domain::ValidateId(request.tip_off_id(), "tip_off_id"));
  TH_ASSIGN_OR_RETURN(auto record, store_->GetLive(domain::TipOffKey(request.tip_off_id())));
  if (!record.has_value() || !record->has_tip_off()) {
    return absl::NotFoundError(absl::StrCat("tip_off_id: no tip-off '", request.tip_off_id(), "'"));
  }
  v1::TipOffResponse out;
  *out.mutable_tip_off() = record->tip_off();
  TH_RETURN_IF_ERROR(auth::CheckReadable(node_, caller, out.tip_off().region_code()));
  // The informant: only at the receiving node, only to the department and region handling the
  // tip-off and the node's own operators (auth::CheckInformantReadable). Every read is logged.
  if (out.tip_off().has_informant() && out.tip_off().received_by_node() == node_.node_id) {
    if (absl::Status may = auth::CheckInformantReadable(node_, caller, out.tip_off()); may.ok()) {
      TH_ASSIGN_OR_RETURN(auto informant, ReadInformant(*store_, request.tip_off_id()));
      if (informant.has_value()) *out.mutable_informant() = std::move(*informant);
      LogInfo("informant of tip-off ", request.tip_off_id(), " read by ", caller.CommonName());
    } else {
      LogInfo("informant of tip-off ", request.tip_off_id(), " withheld from ", caller.CommonName(),
              ": ", may.message());
    }
  }
  return out;
}

// ---- Disclosure ----

absl::StatusOr<v1::ExportDisclosureResponse> EnforcementService::Export(
    const auth::Identity& caller, const v1::ExportDisclosureRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  const absl::Time as_of = request.has_as_of() ? FromProto(request.as_of()) : clock_->Now();
  // Only the candidates are read and kept: the cases under the region of the list's dimensions
  // (all of the node's cases are fewer than its records), or for coal-boiler exits the list
  // entries under the region; then the names of the enterprises they concern.
  domain::DisclosureInput input;
  std::set<std::string> codes;
  auto keep = [&](const v1::Record& r) {
    if (!domain::MayBeListed(request.list(), r)) return;
    if (r.has_enforcement_case()) {
      codes.insert(r.enforcement_case().credit_code());
      input.cases.push_back(r.enforcement_case());
    } else {
      codes.insert(r.list_entry().credit_code());
      input.list_entries.push_back(r.list_entry());
    }
  };
  if (request.list() == v1::DISCLOSURE_LIST_COAL_BOILER_EXIT) {
    absl::Status failed;
    TH_RETURN_IF_ERROR(
        store_->ScanIndex(RegionScanPrefix(region), [&](std::string_view, std::string_view key) {
          if (!HasPrefix(key, domain::kListEntryKeyPrefix)) return true;
          auto record = store_->GetLive(key);
          if (!record.ok()) {
            failed = record.status();
            return false;
          }
          if (record->has_value()) keep(**record);
          return true;
        }));
    TH_RETURN_IF_ERROR(failed);
  } else {
    TH_RETURN_IF_ERROR(store_->ScanRecords(
        domain::kCaseKeyPrefix, [&](std::string_view, const v1::StoredRecord& stored) {
          if (stored.has_record() && stored.record().has_enforcement_case() &&
              auth::InJurisdiction(region, stored.record().enforcement_case().region_code())) {
            keep(stored.record());
          }
          return true;
        }));
  }
  for (const std::string& code : codes) {
    TH_ASSIGN_OR_RETURN(auto enterprise, store_->GetLive(domain::EnterpriseKey(code)));
    if (enterprise.has_value() && enterprise->has_enterprise()) {
      input.enterprise_names[code] = enterprise->enterprise().name();
    }
  }
  TH_ASSIGN_OR_RETURN(std::vector<domain::DisclosureRow> rows,
                      domain::DisclosureRows(request.list(), input, as_of));
  v1::ExportDisclosureResponse out;
  out.set_rows(static_cast<uint32_t>(rows.size()));
  const std::string base = domain::DisclosureFileBase(request.list(), region, as_of);
  switch (request.format()) {
    case v1::EXPORT_FORMAT_CSV:
      out.set_content(domain::ToCsv(rows));
      out.set_file_name(absl::StrCat(base, ".csv"));
      break;
    case v1::EXPORT_FORMAT_XLSX: {
      TH_ASSIGN_OR_RETURN(std::string xlsx,
                          domain::ToXlsx(rows, domain::DisclosureTitle(request.list()), as_of));
      out.set_content(std::move(xlsx));
      out.set_file_name(absl::StrCat(base, ".xlsx"));
      break;
    }
    default:
      return absl::InvalidArgumentError("format: must be CSV or XLSX");
  }
  return out;
}

// ---- RPCs ----

grpc::Status EnforcementService::OpenCase(grpc::ServerContext* context,
                                          const v1::OpenCaseRequest* request,
                                          v1::CaseResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Open(c, *request); });
}

grpc::Status EnforcementService::AdvanceCase(grpc::ServerContext* context,
                                             const v1::AdvanceCaseRequest* request,
                                             v1::CaseResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Advance(c, *request); });
}

grpc::Status EnforcementService::GetCase(grpc::ServerContext* context,
                                         const v1::GetCaseRequest* request,
                                         v1::CaseResponse* response) {
  return Serve(context, node_, response, [&](const auth::Identity& c) { return Get(c, *request); });
}

grpc::Status EnforcementService::ListOverdue(grpc::ServerContext* context,
                                             const v1::ListOverdueRequest* request,
                                             v1::ListOverdueResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Overdue(c, *request); });
}

grpc::Status EnforcementService::SubmitTipOff(grpc::ServerContext* context,
                                              const v1::SubmitTipOffRequest* request,
                                              v1::TipOffResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return SubmitTip(c, *request); });
}

grpc::Status EnforcementService::VerifyTipOff(grpc::ServerContext* context,
                                              const v1::VerifyTipOffRequest* request,
                                              v1::TipOffResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return VerifyTip(c, *request); });
}

grpc::Status EnforcementService::GetTipOff(grpc::ServerContext* context,
                                           const v1::GetTipOffRequest* request,
                                           v1::TipOffResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return GetTip(c, *request); });
}

grpc::Status EnforcementService::ExportDisclosure(grpc::ServerContext* context,
                                                  const v1::ExportDisclosureRequest* request,
                                                  v1::ExportDisclosureResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Export(c, *request); });
}

grpc::Status EnforcementService::ExportDisclosureStream(
    grpc::ServerContext* context, const v1::ExportDisclosureRequest* request,
    grpc::ServerWriter<v1::ExportDisclosureChunk>* writer) {
  auto caller = auth::ServiceCaller(*context, node_);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto file = Export(*caller, *request);
  if (!file.ok()) return ToGrpc(file.status());
  v1::ExportDisclosureChunk first;
  first.set_file_name(file->file_name());
  first.set_rows(file->rows());
  first.set_total_bytes(file->content().size());
  return SendFileInChunks(writer, std::move(first), file->content());
}

}  // namespace tierhub::enforcement
