#include "services/registry/registry_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "services/auth/jurisdiction.h"
#include "services/auth/policy.h"
#include "services/common/grpc_status.h"
#include "services/common/limits.h"
#include "services/common/rpc_streams.h"
#include "services/common/status_macros.h"
#include "services/common/status_text.h"
#include "services/domain/field_limits.h"
#include "services/domain/record_key.h"
#include "services/domain/validation.h"

namespace tierhub::registry {

RegistryService::RegistryService(const auth::NodeContext& node, store::Store* store,
                                 UploadOptions upload)
    : node_(node),
      store_(store),
      lists_(node_, store),
      upload_limits_(upload.limits),
      submit_guard_(
          [&] {
            StreamGuard::Options o = upload.guard;
            o.what = "SubmitList";
            return o;
          }(),
          &auth::RequireClock(node_)) {}

absl::StatusOr<std::vector<v1::Change>> RegistryService::Write(
    const auth::Identity& caller, const v1::WriteRecordsRequest& request) {
  const int items = request.records_size() + request.delete_keys_size();
  if (items > limits::kMaxWriteRecords) {
    return absl::InvalidArgumentError(absl::StrCat("records: ", items,
                                                   " records and deletions, at most ",
                                                   limits::kMaxWriteRecords, " in one request"));
  }
  // Every bad item is counted; as many are named as the status message can carry.
  size_t bad = 0;
  BoundedJoin errors(limits::kMaxStatusMessageBytes - 100);
  absl::StatusCode code = absl::StatusCode::kOk;
  auto note = [&](const std::string& where, const absl::Status& s) {
    ++bad;
    errors.Add(absl::StrCat(where, ": ", s.message()));
    if (code == absl::StatusCode::kOk) code = s.code();
  };
  std::vector<store::Mutation> mutations;
  const v1::Author author = caller.ToAuthor(node_.node_id);
  for (int i = 0; i < request.records_size(); ++i) {
    const v1::Record& record = request.records(i);
    const std::string where = absl::StrCat("records[", i, "]");
    absl::Status valid = domain::ValidateRecord(record);
    if (!valid.ok()) {
      note(where, valid);
      continue;
    }
    absl::Status writable = auth::CheckRecordWrite(node_, caller, record);
    if (!writable.ok()) {
      note(where, writable);
      continue;
    }
    // Validated above (ValidateRecord) and keyed by RecordKey: the store need not check again.
    mutations.push_back({domain::RecordKey(record), author, record, /*validated=*/true});
    if (record.has_equipment()) {
      domain::ScreeningOutcome outcome;
      auto screened = ScreeningMutation(caller, record.equipment(), &outcome);
      if (!screened.ok()) {
        note(where, screened.status());
        continue;
      }
      if (screened->has_value()) mutations.push_back(std::move(**screened));
    }
  }
  for (int i = 0; i < request.delete_keys_size(); ++i) {
    const std::string& key = request.delete_keys(i);
    const std::string where = absl::StrCat("delete_keys[", i, "]");
    if (key.size() > limits::kMaxKeyBytes) {
      note(where, absl::InvalidArgumentError(
                      absl::StrCat(key.size(), " bytes, at most ", limits::kMaxKeyBytes)));
      continue;
    }
    auto stored = store_->GetLive(key);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      note(where, absl::NotFoundError(absl::StrCat("no live record under '", key, "'")));
      continue;
    }
    const std::string region = domain::RecordRegion(**stored);
    absl::Status writable = auth::CheckRecordWrite(node_, caller, **stored);
    if (!writable.ok()) {
      note(where, writable);
      continue;
    }
    v1::Tombstone tombstone;
    tombstone.set_region_code(region);
    mutations.push_back({key, author, tombstone});
  }
  if (bad > 0) {
    return absl::Status(
        code, absl::StrCat(bad, " bad item(s), nothing stored: ", errors.Finish("bad items")));
  }
  if (mutations.empty()) return std::vector<v1::Change>{};
  return store_->Write(std::move(mutations));
}

namespace {

// Record kinds whose rules live in their own RPCs (state machines, submissions, rounds, the
// coordinator's merge): the generic write must not bypass them. "" if `kind` may be written.
const char* DedicatedRpc(v1::Record::KindCase kind) {
  switch (kind) {
    case v1::Record::kListEntry:
    case v1::Record::kSubmission:
    case v1::Record::kSubmissionVersion:
      return "Registry.SubmitList";
    case v1::Record::kRound:
    case v1::Record::kLateWaiver:
      return "Registry.PutRounds / GrantLateWaiver";
    case v1::Record::kEnforcementCase:
      return "Enforcement.OpenCase / AdvanceCase";
    case v1::Record::kTipOff:
      return "Enforcement.SubmitTipOff";
    case v1::Record::kMergedEnterprise:
      return "the coordinator (merged views are derived)";
    case v1::Record::kElectricityReading:
    case v1::Record::kPowerAlert:
      return "ElectricityWatch.ImportReadings / RecheckReadings";
    default:
      return "";
  }
}

}  // namespace

grpc::Status RegistryService::WriteRecords(grpc::ServerContext* context,
                                           const v1::WriteRecordsRequest* request,
                                           v1::WriteRecordsResponse* response) {
  auto caller = auth::ServiceCaller(*context, node_);
  if (!caller.ok()) return ToGrpc(caller.status());
  size_t refused = 0;
  BoundedJoin why(limits::kMaxStatusMessageBytes - 100);
  for (int i = 0; i < request->records_size(); ++i) {
    const char* rpc = DedicatedRpc(request->records(i).kind_case());
    if (*rpc) {
      ++refused;
      why.Add(absl::StrCat("records[", i, "]: written through ", rpc));
    }
  }
  for (int i = 0; i < request->delete_keys_size() && i < limits::kMaxWriteRecords; ++i) {
    if (request->delete_keys(i).size() > limits::kMaxKeyBytes) continue;  // Write refuses it
    auto stored = store_->GetLive(request->delete_keys(i));
    if (!stored.ok()) return ToGrpc(stored.status());
    const char* rpc = stored->has_value() ? DedicatedRpc((*stored)->kind_case()) : "";
    if (*rpc) {
      ++refused;
      why.Add(absl::StrCat("delete_keys[", i, "]: changed through ", rpc));
    }
  }
  if (refused > 0) {
    return ToGrpc(absl::PermissionDeniedError(
        absl::StrCat(refused, " bad item(s), nothing stored: ", why.Finish("bad items"))));
  }
  auto changes = Write(*caller, *request);
  if (!changes.ok()) return ToGrpc(changes.status());
  response->mutable_changes()->Reserve(static_cast<int>(changes->size()));
  for (auto& change : *changes) {
    // The caller sent the record; echoing it back would double the call's traffic and cost.
    if (change.has_record()) change.mutable_record()->Clear();
    *response->add_changes() = std::move(change);
  }
  return grpc::Status::OK;
}

absl::StatusOr<std::optional<store::Mutation>> RegistryService::ScreeningMutation(
    const auth::Identity& caller, const v1::Equipment& equipment,
    domain::ScreeningOutcome* outcome) {
  const Clock& clock = auth::RequireClock(node_);
  v1::Record case_record;
  case_record.mutable_enforcement_case()->set_case_id(domain::ScreeningCaseId(equipment));
  auto existing = store_->GetLive(domain::RecordKey(case_record));
  if (!existing.ok()) return existing.status();
  const v1::EnforcementCase* current = existing->has_value() && (*existing)->has_enforcement_case()
                                           ? &(*existing)->enforcement_case()
                                           : nullptr;
  auto screened = domain::ScreenToCase(equipment, current, caller.CommonName(), clock);
  if (!screened.ok()) return screened.status();
  *outcome = *screened;
  if (!screened->enforcement_case.has_value()) return std::optional<store::Mutation>();
  *case_record.mutable_enforcement_case() = *screened->enforcement_case;
  return std::optional<store::Mutation>(
      store::Mutation{domain::RecordKey(case_record), caller.ToAuthor(node_.node_id), case_record});
}

absl::StatusOr<v1::RescreenEquipmentResponse> RegistryService::Rescreen(
    const auth::Identity& caller, const std::string& region_code) {
  const std::string region = region_code.empty() ? caller.region_code : region_code;
  TH_RETURN_IF_ERROR(auth::CheckWritable(node_, caller, region));
  // Table 5 is the TECHNOLOGY dimension's: its leads (and MIIT) rescreen, nobody else.
  TH_RETURN_IF_ERROR(auth::CheckDimension(caller, v1::DIMENSION_TECHNOLOGY));
  v1::RescreenEquipmentResponse response;
  std::vector<store::Mutation> mutations;
  absl::Status scan = store_->ScanRecords(
      domain::kEquipmentKeyPrefix, [&](std::string_view key, const v1::StoredRecord& stored) {
        if (!stored.has_record() ||
            !auth::InJurisdiction(region, stored.record().equipment().region_code())) {
          return true;
        }
        response.set_screened(response.screened() + 1);
        domain::ScreeningOutcome outcome;
        auto mutation = ScreeningMutation(caller, stored.record().equipment(), &outcome);
        if (!mutation.ok()) {
          response.add_errors(absl::StrCat(std::string(key), ": ", mutation.status().message()));
          return true;
        }
        using Action = domain::ScreeningOutcome::Action;
        switch (outcome.action) {
          case Action::kCreate:
            response.set_created(response.created() + 1);
            break;
          case Action::kUpdate:
            response.set_updated(response.updated() + 1);
            break;
          case Action::kReview:
            response.add_review(outcome.equipment_key);
            break;
          default:
            response.set_unchanged(response.unchanged() + 1);
        }
        if (mutation->has_value()) mutations.push_back(std::move(**mutation));
        return true;
      });
  TH_RETURN_IF_ERROR(scan);
  if (!mutations.empty()) {
    auto written = store_->Write(std::move(mutations));
    if (!written.ok()) return written.status();
  }
  return response;
}

grpc::Status RegistryService::RescreenEquipment(grpc::ServerContext* context,
                                                const v1::RescreenEquipmentRequest* request,
                                                v1::RescreenEquipmentResponse* response) {
  auto caller = auth::ServiceCaller(*context, node_);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto result = Rescreen(*caller, request->region_code());
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status RegistryService::GetRecord(grpc::ServerContext* context,
                                        const v1::GetRecordRequest* request,
                                        v1::GetRecordResponse* response) {
  auto caller = auth::ServiceCaller(*context, node_);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto stored = store_->Get(request->key());
  if (!stored.ok()) return ToGrpc(stored.status());
  if (!stored->has_value()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("no record under '", request->key(), "'"));
  }
  const v1::StoredRecord& found = **stored;
  const std::string region = found.has_tombstone() ? found.tombstone().region_code()
                                                   : domain::RecordRegion(found.record());
  if (absl::Status s = auth::CheckReadable(node_, *caller, region); !s.ok()) return ToGrpc(s);
  *response->mutable_stored() = std::move(**stored);
  return grpc::Status::OK;
}

using auth::Serve;

grpc::Status RegistryService::SubmitList(grpc::ServerContext* context,
                                         grpc::ServerReader<v1::SubmitListChunk>* reader,
                                         v1::SubmitListResponse* response) {
  auto caller = auth::ServiceCaller(*context, node_);
  if (!caller.ok()) return ToGrpc(caller.status());
  // Admitted first: a stream beyond the node's slots is refused before anything is read.
  auto ticket = submit_guard_.Admit(context, caller->CommonName());
  if (!ticket.ok()) return ToGrpc(ticket.status());
  SubmitListCall call;
  grpc::Status read = ReadHeaderFirst(
      context, reader, upload_limits_, ticket->get(),
      [](const v1::SubmitListChunk& chunk) {
        return static_cast<size_t>(chunk.rows_size() + chunk.remove_credit_codes_size());
      },
      [&](v1::SubmitListChunk& chunk) -> absl::Status {
        if (chunk.has_header()) {
          TH_RETURN_IF_ERROR(domain::CheckFieldLimits(chunk.header(), "header"));
          call.header = std::move(*chunk.mutable_header());
        }
        submit_rows_read_ += chunk.rows_size();
        for (auto& row : *chunk.mutable_rows()) call.rows.push_back(std::move(row));
        for (auto& code : *chunk.mutable_remove_credit_codes()) {
          call.remove_credit_codes.push_back(std::move(code));
        }
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  auto result = lists_.Submit(*caller, std::move(call));
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status RegistryService::WithdrawSubmission(grpc::ServerContext* context,
                                                 const v1::WithdrawSubmissionRequest* request,
                                                 v1::SubmitListResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return lists_.Withdraw(c, *request); });
}

grpc::Status RegistryService::GetSubmission(grpc::ServerContext* context,
                                            const v1::GetSubmissionRequest* request,
                                            v1::GetSubmissionResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return lists_.GetSubmission(c, *request); });
}

grpc::Status RegistryService::ListEntries(grpc::ServerContext* context,
                                          const v1::ListEntriesRequest* request,
                                          v1::ListEntriesResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return lists_.ListEntries(c, *request); });
}

grpc::Status RegistryService::PutRounds(grpc::ServerContext* context,
                                        const v1::PutRoundsRequest* request,
                                        v1::PutRoundsResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return lists_.PutRounds(c, *request); });
}

grpc::Status RegistryService::CloseRound(grpc::ServerContext* context,
                                         const v1::CloseRoundRequest* request,
                                         v1::PutRoundsResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return lists_.CloseRound(c, *request); });
}

grpc::Status RegistryService::GrantLateWaiver(grpc::ServerContext* context,
                                              const v1::GrantLateWaiverRequest* request,
                                              v1::GrantLateWaiverResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return lists_.GrantLateWaiver(c, *request); });
}

grpc::Status RegistryService::ListRounds(grpc::ServerContext* context,
                                         const v1::ListRoundsRequest* request,
                                         v1::PutRoundsResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity&) { return lists_.ListRounds(); });
}

grpc::Status RegistryService::ListEnterprises(grpc::ServerContext* context,
                                              const v1::ListEnterprisesRequest* request,
                                              v1::ListEnterprisesResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return lists_.ListEnterprises(c, *request); });
}

grpc::Status RegistryService::ListEquipment(grpc::ServerContext* context,
                                            const v1::ListEquipmentRequest* request,
                                            v1::ListEquipmentResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return lists_.ListEquipment(c, *request); });
}

}  // namespace tierhub::registry
