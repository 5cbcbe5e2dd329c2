#include "services/registry/lists.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/auth/jurisdiction.h"
#include "services/common/digest.h"
#include "services/common/limits.h"
#include "services/common/status_macros.h"
#include "services/common/status_text.h"
#include "services/common/time_proto.h"
#include "services/domain/catalog.h"
#include "services/domain/credit_code.h"
#include "services/domain/record_key.h"
#include "services/domain/region_table.h"
#include "services/domain/rounds.h"
#include "services/domain/validation.h"
#include "services/registry/batch_digest.h"
#include "services/registry/registry_hooks.h"

namespace tierhub::registry {
namespace {

using google::protobuf::util::MessageDifferencer;

// Previous contents kept in a SubmissionVersion at most (codes are always complete): so many,
// in so many bytes, that the version record can always be pushed up.
using limits::kMaxPreviousEntries;
using limits::kMaxPreviousEntriesBytes;
constexpr uint32_t kDefaultPageSize = 500;
constexpr uint32_t kMaxPageSize = 5000;

std::string CallDigest(const SubmitListCall& call) {
  RequestDigest d;
  AddBatchCall("submit\n", call, &d);
  for (const std::string& code : call.remove_credit_codes) {
    d.AddBytes(absl::StrCat(code.size(), ":", code));
  }
  return d.Finish();
}

absl::StatusCode CodeOf(const v1::RowError& e) {
  for (int c = 0; c <= 16; ++c) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(c)) == e.code()) {
      return static_cast<absl::StatusCode>(c);
    }
  }
  return absl::StatusCode::kInvalidArgument;
}

uint32_t PageSize(uint32_t requested) {
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

}  // namespace

v1::RowError RowErrorOf(uint32_t row, absl::string_view field, absl::StatusCode code,
                        absl::string_view reason) {
  v1::RowError e;
  e.set_row(row);
  e.set_field(std::string(field));
  // A reason may quote what was sent: only its beginning, so replies stay bounded.
  e.set_reason(CutToBudget(reason, limits::kMaxErrorReasonBytes));
  e.set_code(absl::StatusCodeToString(code));
  return e;
}

v1::RowError RowErrorFromValidation(uint32_t row, const absl::Status& s,
                                    absl::string_view field_prefix) {
  absl::string_view message = s.message();
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(message, absl::MaxSplits(": ", 1));
  absl::string_view field = parts.first;
  absl::ConsumePrefix(&field, field_prefix);
  if (parts.second.empty()) return RowErrorOf(row, "", s.code(), message);
  return RowErrorOf(row, field, s.code(), parts.second);
}

absl::Status Refusal(const std::vector<v1::RowError>& errors) {
  std::string message = absl::StrCat(errors.size(), errors.size() == 1 ? " problem" : " problems",
                                     ", nothing stored: ");
  BoundedJoin items(kMaxMessageBytes - EncodedStatusBytes(message));
  for (size_t i = 0; i < errors.size(); ++i) {
    const v1::RowError& e = errors[i];
    std::string item = e.row() == 0 ? "" : absl::StrCat("row ", e.row(), " ");
    absl::StrAppend(&item, e.field().empty() ? "" : absl::StrCat(e.field(), ": "), e.reason());
    if (!items.Add(item)) {
      items.SkipRest(errors.size() - i - 1);
      break;
    }
  }
  absl::StrAppend(&message, items.Finish("errors (resubmit with validate_only to list them)"));
  return absl::Status(CodeOf(errors.front()), message);
}

v1::SubmitListResponse DryRunErrors(std::vector<v1::RowError>& errors) {
  v1::SubmitListResponse response;
  size_t bytes = 0;
  for (v1::RowError& e : errors) {
    bytes += e.ByteSizeLong();
    if (response.errors_size() >= limits::kMaxReplyErrors || bytes > limits::kMaxReplyErrorBytes) {
      response.set_errors_omitted(response.errors_omitted() + 1);
      continue;
    }
    *response.add_errors() = std::move(e);
  }
  return response;
}

Lists::Lists(const auth::NodeContext& node, store::Store* store)
    : node_(node), clock_(&auth::RequireClock(node_)), store_(store) {}

absl::Status Lists::CheckRoundOpen(const v1::SubmissionRound& round, v1::Department department,
                                   const std::string& region, bool* waived) const {
  *waived = false;
  if (!round.closed()) return absl::OkStatus();
  // A waiver for the region or any region above it.
  std::string code = region;
  while (true) {
    TH_ASSIGN_OR_RETURN(auto waiver,
                        store_->GetLive(domain::LateWaiverKey(round.round_id(), department, code)));
    if (waiver.has_value()) {
      *waived = true;
      return absl::OkStatus();
    }
    const v1::Region* parent = domain::DefaultRegions().Parent(code);
    if (parent == nullptr || parent->code() == domain::kNationalRegionCode) break;
    code = parent->code();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("round ", round.round_id(), " is closed; MIIT must grant a late waiver for ",
                   domain::DepartmentCode(department), " in ", region));
}

absl::StatusOr<v1::SubmitListResponse> Lists::Submit(const auth::Identity& caller,
                                                     SubmitListCall call) {
  const std::string digest = CallDigest(call);
  absl::MutexLock lock(&mu_);
  return SubmitLocked(caller, call, /*withdraw=*/false, digest);
}

absl::StatusOr<v1::SubmitListResponse> Lists::Withdraw(
    const auth::Identity& caller, const v1::WithdrawSubmissionRequest& request) {
  if (caller.kind != auth::Identity::Kind::kDepartment) {
    return absl::PermissionDeniedError(
        absl::StrCat("only a department withdraws its lists; the caller is ", caller.CommonName()));
  }
  const v1::Department department =
      request.department() == v1::DEPARTMENT_UNSPECIFIED ? caller.department : request.department();
  TH_RETURN_IF_ERROR(domain::ValidateId(request.submission_id(), "submission_id"));
  RequestDigest d;
  d.AddBytes("withdraw\n");
  d.Add(request);
  const std::string digest = d.Finish();
  absl::MutexLock lock(&mu_);
  TH_ASSIGN_OR_RETURN(auto existing,
                      store_->GetLive(domain::SubmissionKey(department, request.submission_id())));
  if (!existing.has_value()) {
    return absl::NotFoundError(absl::StrCat("no submission ", request.submission_id(), " of ",
                                            domain::DepartmentCode(department)));
  }
  const v1::Submission& s = existing->submission();
  SubmitListCall call;
  v1::SubmitListHeader& h = call.header;
  h.set_submission_id(s.submission_id());
  h.set_department(department);
  h.set_kind(s.kind());
  h.set_dimension(s.dimension());
  h.set_region_code(s.region_code());
  h.set_round_id(s.round_id());
  h.set_mode(v1::SUBMIT_MODE_FULL);
  h.set_base_version(request.base_version());
  h.set_note(request.note());
  return SubmitLocked(caller, call, /*withdraw=*/true, digest);
}

// What one submission call has been found to be, stage by stage: each stage of SubmitLocked
// reads the stages before it and adds its refusals to `errors`, row by row.
struct Lists::Plan {
  v1::Department department = v1::DEPARTMENT_UNSPECIFIED;
  bool region_ok = false;  // the header's region is known and the caller may write it
  std::optional<v1::SubmissionRound> round;
  std::optional<v1::Submission> existing;
  uint32_t current = 0;  // the existing submission's version, 0 for a new one
  bool waived = false;   // a late waiver lets this write into a closed round
  // The rows that passed their own checks, their Excel rows and record keys.
  std::vector<v1::ListEntry> entries;
  std::vector<uint32_t> entry_rows;
  std::vector<std::string> keys;
  std::set<std::string> removals;                            // credit codes
  std::map<std::string, v1::ListEntry, std::less<>> before;  // record key -> current entry
  std::vector<v1::RowError> errors;

  void Add(uint32_t row, absl::string_view field, absl::StatusCode code, absl::string_view why) {
    errors.push_back(RowErrorOf(row, field, code, why));
  }
};

absl::StatusOr<v1::SubmitListResponse> Lists::SubmitLocked(const auth::Identity& caller,
                                                           SubmitListCall& call, bool withdraw,
                                                           const std::string& digest) {
  const v1::SubmitListHeader& h = call.header;
  Plan plan;
  auto refused = [&]() -> absl::StatusOr<v1::SubmitListResponse> {
    std::stable_sort(
        plan.errors.begin(), plan.errors.end(),
        [](const v1::RowError& a, const v1::RowError& b) { return a.row() < b.row(); });
    if (h.validate_only()) return DryRunErrors(plan.errors);
    return Refusal(plan.errors);
  };
  if (caller.kind != auth::Identity::Kind::kDepartment) {
    return absl::PermissionDeniedError(
        absl::StrCat("only a department submits lists; the caller is ", caller.CommonName()));
  }
  TH_RETURN_IF_ERROR(CheckHeader(caller, h, &plan));
  if (!plan.errors.empty()) return refused();
  TH_ASSIGN_OR_RETURN(std::optional<v1::SubmitListResponse> replayed,
                      CheckVersion(h, digest, &plan));
  if (replayed.has_value()) return *std::move(replayed);
  if (!plan.errors.empty()) return refused();
  CheckRows(call, &plan);
  TH_RETURN_IF_ERROR(ReadCurrent(h, &plan));
  if (!plan.errors.empty()) return refused();

  std::vector<store::Mutation> mutations;
  TH_ASSIGN_OR_RETURN(v1::SubmitListResponse response,
                      Apply(caller, h, withdraw, digest, &plan, &mutations));
  if (!plan.errors.empty()) return refused();
  if (h.validate_only()) return response;
  TH_RETURN_IF_ERROR(store_->Write(std::move(mutations)).status());
  return response;
}

absl::Status Lists::CheckHeader(const auth::Identity& caller, const v1::SubmitListHeader& h,
                                Plan* plan) const {
  using Code = absl::StatusCode;
  const v1::Department department =
      h.department() == v1::DEPARTMENT_UNSPECIFIED ? caller.department : h.department();
  plan->department = department;
  if (department != caller.department) {
    plan->Add(0, "header.department", Code::kPermissionDenied,
              absl::StrCat("the caller is ", domain::DepartmentCode(caller.department), ", not ",
                           domain::DepartmentCode(department)));
  }
  if (absl::Status s = domain::ValidateId(h.submission_id(), "header.submission_id"); !s.ok()) {
    plan->errors.push_back(RowErrorFromValidation(0, s, "list_entry."));
  }
  const bool kind_ok = v1::ListKind_IsValid(h.kind()) && h.kind() != v1::LIST_KIND_UNSPECIFIED;
  const bool dim_ok =
      v1::Dimension_IsValid(h.dimension()) && h.dimension() != v1::DIMENSION_UNSPECIFIED;
  if (!kind_ok) plan->Add(0, "header.kind", Code::kInvalidArgument, "a list kind is required");
  if (!dim_ok) plan->Add(0, "header.dimension", Code::kInvalidArgument, "a dimension is required");
  if (kind_ok && dim_ok && !domain::ListKindFitsDimension(h.kind(), h.dimension())) {
    plan->Add(0, "header.kind", Code::kInvalidArgument,
              absl::StrCat(domain::ListKindCode(h.kind()), " is not a list of the ",
                           domain::DimensionCode(h.dimension()), " dimension"));
  }
  if (dim_ok && !domain::DepartmentMayActOn(department, h.dimension())) {
    plan->Add(0, "header.dimension", Code::kPermissionDenied,
              absl::StrCat(domain::DepartmentCode(department), " does not lead the ",
                           domain::DimensionCode(h.dimension()), " dimension"));
  }
  if (!domain::IsRegionCodeShape(h.region_code()) ||
      !domain::DefaultRegions().IsKnown(h.region_code()) ||
      h.region_code() == domain::kNationalRegionCode) {
    plan->Add(0, "header.region_code", Code::kInvalidArgument,
              absl::StrCat("'", h.region_code(), "' is not a known region"));
  } else if (absl::Status s = auth::CheckWritable(node_, caller, h.region_code()); !s.ok()) {
    plan->Add(0, "header.region_code", s.code(), s.message());
  } else {
    plan->region_ok = true;
  }
  if (absl::Status s = domain::ValidateId(h.round_id(), "header.round_id"); !s.ok()) {
    plan->errors.push_back(RowErrorFromValidation(0, s, "list_entry."));
  } else {
    TH_ASSIGN_OR_RETURN(auto stored, store_->GetLive(domain::RoundKey(h.round_id())));
    if (!stored.has_value() || !stored->has_round()) {
      plan->Add(0, "header.round_id", Code::kInvalidArgument,
                absl::StrCat("round ", h.round_id(), " is not known here"));
    } else {
      plan->round = stored->round();
    }
  }
  if (!v1::SubmitMode_IsValid(h.mode())) {
    plan->Add(0, "header.mode", Code::kInvalidArgument, "unknown mode");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::SubmitListResponse>> Lists::CheckVersion(
    const v1::SubmitListHeader& h, const std::string& digest, Plan* plan) const {
  using Code = absl::StatusCode;
  TH_ASSIGN_OR_RETURN(auto existing_record,
                      store_->GetLive(domain::SubmissionKey(plan->department, h.submission_id())));
  if (existing_record.has_value()) plan->existing = existing_record->submission();
  const std::optional<v1::Submission>& existing = plan->existing;
  const uint32_t current = existing.has_value() ? existing->version() : 0;
  plan->current = current;
  if (existing.has_value()) {
    auto same = [&](absl::string_view field, bool equal, absl::string_view was) {
      if (!equal) {
        plan->Add(0, field, Code::kInvalidArgument,
                  absl::StrCat("submission ", h.submission_id(), " is for ", was,
                               "; withdraw it and submit a new one to change that"));
      }
    };
    same("header.kind", existing->kind() == h.kind(), domain::ListKindCode(existing->kind()));
    same("header.dimension", existing->dimension() == h.dimension(),
         domain::DimensionCode(existing->dimension()));
    same("header.region_code", existing->region_code() == h.region_code(), existing->region_code());
    same("header.round_id", existing->round_id() == h.round_id(), existing->round_id());
    if (!plan->errors.empty()) return std::nullopt;
  }
  if (h.base_version() < current) {
    // A retry of a version already applied replays its receipt; anything else is stale.
    TH_ASSIGN_OR_RETURN(auto applied,
                        store_->GetLive(domain::SubmissionVersionKey(
                            plan->department, h.submission_id(), h.base_version() + 1)));
    if (applied.has_value() && applied->submission_version().request_digest() == digest) {
      const v1::SubmissionVersion& v = applied->submission_version();
      v1::SubmitListResponse response;
      *response.mutable_submission() = *existing;
      response.set_added(v.added_credit_codes_size());
      response.set_removed(v.removed_credit_codes_size());
      response.set_changed(v.changed_credit_codes_size());
      response.set_unchanged(v.unchanged_count());
      response.set_replayed(true);
      return response;
    }
    plan->Add(0, "header.base_version", Code::kFailedPrecondition,
              absl::StrCat("submission ", h.submission_id(), " is at version ", current, ", not ",
                           h.base_version(),
                           current > 0 && h.base_version() == 0
                               ? " (the id is taken)"
                               : " (fetch it and correct the latest version)"));
    return std::nullopt;
  }
  if (h.base_version() > current) {
    plan->Add(0, "header.base_version", Code::kFailedPrecondition,
              absl::StrCat("submission ", h.submission_id(), " has no version ", h.base_version(),
                           current == 0 ? " (it does not exist)"
                                        : absl::StrCat(" (latest is ", current, ")")));
    return std::nullopt;
  }
  if (absl::Status s =
          CheckRoundOpen(*plan->round, plan->department, h.region_code(), &plan->waived);
      !s.ok()) {
    plan->Add(0, "header.round_id", s.code(), s.message());
  }
  return std::nullopt;
}

void Lists::CheckRows(SubmitListCall& call, Plan* plan) const {
  using Code = absl::StatusCode;
  const v1::SubmitListHeader& h = call.header;
  const v1::Department department = plan->department;
  plan->entries.reserve(call.rows.size());
  plan->entry_rows.reserve(call.rows.size());
  std::map<std::string, uint32_t, std::less<>> seen;  // credit code -> row
  for (size_t i = 0; i < call.rows.size(); ++i) {
    v1::ListRow& row = call.rows[i];
    const uint32_t r = row.source_row() != 0 ? row.source_row() : static_cast<uint32_t>(i + 1);
    v1::ListEntry e = std::move(*row.mutable_entry());
    bool ok = true;
    // A field a row leaves empty takes the header's value; one it sets must agree with it.
    auto fill = [&](absl::string_view field, auto get, auto set, auto want, bool empty,
                    const std::string& shown, const std::string& want_shown) {
      if (empty) {
        set(want);
      } else if (get() != want) {
        plan->Add(r, field, Code::kInvalidArgument,
                  absl::StrCat("is ", shown, ", the header says ", want_shown));
        ok = false;
      }
    };
    fill(
        "submission_id", [&] { return e.submission_id(); },
        [&](const std::string& v) { e.set_submission_id(v); }, h.submission_id(),
        e.submission_id().empty(), e.submission_id(), h.submission_id());
    fill(
        "department", [&] { return e.department(); },
        [&](v1::Department v) { e.set_department(v); }, department,
        e.department() == v1::DEPARTMENT_UNSPECIFIED,
        std::string(domain::DepartmentCode(e.department())),
        std::string(domain::DepartmentCode(department)));
    fill(
        "kind", [&] { return e.kind(); }, [&](v1::ListKind v) { e.set_kind(v); }, h.kind(),
        e.kind() == v1::LIST_KIND_UNSPECIFIED, std::string(domain::ListKindCode(e.kind())),
        std::string(domain::ListKindCode(h.kind())));
    fill(
        "dimension", [&] { return e.dimension(); }, [&](v1::Dimension v) { e.set_dimension(v); },
        h.dimension(), e.dimension() == v1::DIMENSION_UNSPECIFIED,
        std::string(domain::DimensionCode(e.dimension())),
        std::string(domain::DimensionCode(h.dimension())));
    fill(
        "round_id", [&] { return e.round_id(); }, [&](const std::string& v) { e.set_round_id(v); },
        h.round_id(), e.round_id().empty(), e.round_id(), h.round_id());
    if (!ok) continue;
    // Accept what clerks type: lower case and surrounding spaces are canonicalised.
    if (auto parsed = domain::ParseCreditCode(e.credit_code()); parsed.ok()) {
      e.set_credit_code(parsed->code);
    }
    if (absl::Status s = domain::ValidateListEntry(e); !s.ok()) {
      plan->errors.push_back(RowErrorFromValidation(r, s, "list_entry."));
      continue;
    }
    if (plan->region_ok && !auth::InJurisdiction(h.region_code(), e.region_code())) {
      plan->Add(
          r, "region_code", Code::kPermissionDenied,
          absl::StrCat(e.region_code(), " is outside the submission's region ", h.region_code()));
      continue;
    }
    auto [it, inserted] = seen.emplace(e.credit_code(), r);
    if (!inserted) {
      plan->Add(r, "credit_code", Code::kInvalidArgument,
                absl::StrCat(e.credit_code(), " is listed twice (also row ", it->second, ")"));
      continue;
    }
    plan->keys.push_back(domain::ListEntryKey(e));
    plan->entries.push_back(std::move(e));
    plan->entry_rows.push_back(r);
  }
  const bool delta = h.mode() == v1::SUBMIT_MODE_DELTA;
  for (size_t i = 0; i < call.remove_credit_codes.size(); ++i) {
    const std::string field = absl::StrCat("remove_credit_codes[", i, "]");
    if (!delta) {
      plan->Add(0, field, Code::kInvalidArgument, "removals go with DELTA mode only");
      continue;
    }
    auto parsed = domain::ParseCreditCode(call.remove_credit_codes[i], field);
    if (!parsed.ok()) {
      plan->errors.push_back(RowErrorFromValidation(0, parsed.status(), "list_entry."));
      continue;
    }
    if (seen.count(parsed->code) > 0) {
      plan->Add(0, field, Code::kInvalidArgument,
                absl::StrCat(parsed->code, " is both restated and removed"));
      continue;
    }
    plan->removals.insert(parsed->code);
  }
}

absl::Status Lists::ReadCurrent(const v1::SubmitListHeader& h, Plan* plan) const {
  using Code = absl::StatusCode;
  // The current version's entries.
  std::vector<std::string> keys;
  TH_RETURN_IF_ERROR(
      store_->ScanIndex(absl::StrCat(kSubmissionIndex, domain::DepartmentCode(plan->department),
                                     "/", h.submission_id(), "/"),
                        [&](std::string_view, std::string_view record_key) {
                          keys.emplace_back(record_key);
                          return true;
                        }));
  TH_ASSIGN_OR_RETURN(auto stored,
                      store_->GetMany(std::vector<std::string_view>(keys.begin(), keys.end()),
                                      /*sorted=*/true));
  for (size_t i = 0; i < keys.size(); ++i) {
    if (stored[i].has_value() && stored[i]->has_record() && stored[i]->record().has_list_entry()) {
      plan->before[keys[i]] = std::move(*stored[i]->mutable_record()->mutable_list_entry());
    }
  }
  // Entries another submission already holds: read together, one batched lookup.
  std::vector<std::string_view> lookups;
  std::vector<size_t> looked_up;  // entry index of each lookup
  for (size_t i = 0; i < plan->entries.size(); ++i) {
    if (plan->before.count(plan->keys[i]) > 0) continue;
    lookups.push_back(plan->keys[i]);
    looked_up.push_back(i);
  }
  TH_ASSIGN_OR_RETURN(auto others, store_->GetMany(lookups));
  for (size_t j = 0; j < others.size(); ++j) {
    const std::optional<v1::StoredRecord>& other = others[j];
    if (!other.has_value() || !other->has_record() || !other->record().has_list_entry()) continue;
    const v1::ListEntry& held = other->record().list_entry();
    if (held.submission_id() == h.submission_id()) continue;
    const size_t i = looked_up[j];
    plan->Add(plan->entry_rows[i], "credit_code", Code::kFailedPrecondition,
              absl::StrCat(plan->entries[i].credit_code(),
                           " is already on this list through submission ", held.submission_id()));
  }
  for (const std::string& code : plan->removals) {
    bool found = false;
    for (const auto& [key, entry] : plan->before) found = found || entry.credit_code() == code;
    if (!found) {
      plan->Add(0, "remove_credit_codes", Code::kInvalidArgument,
                absl::StrCat(code, " is not in version ", plan->current));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SubmitListResponse> Lists::Apply(const auth::Identity& caller,
                                                    const v1::SubmitListHeader& h, bool withdraw,
                                                    const std::string& digest, Plan* plan,
                                                    std::vector<store::Mutation>* mutations) const {
  // Views of keys in `before` and `keys`; entries are moved into their records from here.
  std::map<std::string_view, v1::ListEntry*> after;
  if (h.mode() == v1::SUBMIT_MODE_DELTA) {
    for (auto& [key, entry] : plan->before) {
      if (plan->removals.count(entry.credit_code()) == 0) after[key] = &entry;
    }
  }
  if (!withdraw) {
    for (size_t i = 0; i < plan->entries.size(); ++i) after[plan->keys[i]] = &plan->entries[i];
  }
  if (after.size() > limits::kMaxSubmissionEntries) {
    plan->Add(0, "rows", absl::StatusCode::kInvalidArgument,
              absl::StrCat("this version would hold ", after.size(), " entries, at most ",
                           limits::kMaxSubmissionEntries, " in one submission; start another one"));
    return v1::SubmitListResponse();
  }
  const absl::Time now = clock_->Now();
  const v1::Author author = caller.ToAuthor(node_.node_id);
  const uint32_t current = plan->current;
  v1::SubmissionVersion version;
  size_t previous_bytes = 0;
  auto keep_previous = [&](const v1::ListEntry& entry) {
    previous_bytes += entry.ByteSizeLong();
    if (version.previous_entries_size() < kMaxPreviousEntries &&
        previous_bytes <= kMaxPreviousEntriesBytes) {
      *version.add_previous_entries() = entry;
    } else {
      version.set_previous_entries_truncated(true);
    }
  };
  for (const auto& [key, entry] : after) {
    auto old = plan->before.find(key);
    if (old == plan->before.end()) {
      version.add_added_credit_codes(entry->credit_code());
    } else if (MessageDifferencer::Equals(old->second, *entry)) {
      version.set_unchanged_count(version.unchanged_count() + 1);
      continue;
    } else {
      version.add_changed_credit_codes(entry->credit_code());
      keep_previous(old->second);
    }
    v1::Record record;
    *record.mutable_list_entry() = std::move(*entry);
    // Validated by CheckRows, row by row (ValidateListEntry), and keyed by ListEntryKey.
    mutations->push_back({std::string(key), author, std::move(record), /*validated=*/true});
  }
  for (const auto& [key, entry] : plan->before) {
    if (after.count(key) > 0) continue;
    version.add_removed_credit_codes(entry.credit_code());
    keep_previous(entry);
    v1::Tombstone tombstone;
    tombstone.set_region_code(entry.region_code());
    mutations->push_back({key, author, tombstone});
  }

  v1::Submission submission;
  if (plan->existing.has_value()) {
    submission = *plan->existing;
  } else {
    submission.set_submission_id(h.submission_id());
    submission.set_department(plan->department);
    submission.set_kind(h.kind());
    submission.set_dimension(h.dimension());
    submission.set_region_code(h.region_code());
    submission.set_round_id(h.round_id());
    SetTimestamp(now, submission.mutable_submitted_at());
    const absl::Duration late = domain::Lateness(*plan->round, now);
    submission.set_late(late > absl::ZeroDuration());
    submission.set_late_seconds(absl::ToInt64Seconds(late));
  }
  submission.set_version(current + 1);
  submission.set_entry_count(static_cast<uint32_t>(after.size()));
  submission.set_author(caller.CommonName());
  SetTimestamp(now, submission.mutable_updated_at());
  submission.set_withdrawn(withdraw);
  submission.set_late_waiver(submission.late_waiver() || plan->waived);
  submission.set_note(h.note());

  version.set_submission_id(h.submission_id());
  version.set_department(plan->department);
  version.set_region_code(h.region_code());
  version.set_version(current + 1);
  version.set_action(withdraw       ? v1::SubmissionVersion::ACTION_WITHDRAW
                     : current == 0 ? v1::SubmissionVersion::ACTION_CREATE
                                    : v1::SubmissionVersion::ACTION_CORRECT);
  version.set_author(caller.CommonName());
  SetTimestamp(now, version.mutable_at());
  version.set_request_digest(digest);
  version.set_note(h.note());

  v1::SubmitListResponse response;
  response.set_added(version.added_credit_codes_size());
  response.set_removed(version.removed_credit_codes_size());
  response.set_changed(version.changed_credit_codes_size());
  response.set_unchanged(version.unchanged_count());
  *response.mutable_submission() = submission;

  const std::string sub_key = domain::SubmissionKey(plan->department, h.submission_id());
  v1::Record sub_record;
  *sub_record.mutable_submission() = std::move(submission);
  mutations->push_back({sub_key, author, std::move(sub_record)});
  v1::Record version_record;
  *version_record.mutable_submission_version() = std::move(version);
  mutations->push_back({domain::RecordKey(version_record), author, std::move(version_record)});
  return response;
}

namespace {

// The entries of a submission's latest version, by credit code.
absl::StatusOr<std::map<std::string, v1::ListEntry>> CurrentEntries(const store::Store& store,
                                                                    v1::Department department,
                                                                    const std::string& id) {
  std::vector<std::string> keys;
  TH_RETURN_IF_ERROR(store.ScanIndex(
      absl::StrCat(kSubmissionIndex, domain::DepartmentCode(department), "/", id, "/"),
      [&](std::string_view, std::string_view record_key) {
        keys.emplace_back(record_key);
        return true;
      }));
  TH_ASSIGN_OR_RETURN(auto stored,
                      store.GetMany(std::vector<std::string_view>(keys.begin(), keys.end()),
                                    /*sorted=*/true));
  std::map<std::string, v1::ListEntry> entries;
  for (auto& s : stored) {
    if (s.has_value() && s->has_record() && s->record().has_list_entry()) {
      v1::ListEntry& e = *s->mutable_record()->mutable_list_entry();
      entries[e.credit_code()] = std::move(e);
    }
  }
  return entries;
}

// A field's value as a clerk reads it: strings as they are (Chinese stays Chinese), enums by
// name, repeated fields joined, messages in one line.
std::string FieldText(const google::protobuf::Message& m,
                      const google::protobuf::FieldDescriptor* f) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = m.GetReflection();
  auto one = [&](int i) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      return f->is_repeated() ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
    }
    std::string out;
    google::protobuf::TextFormat::PrintFieldValueToString(m, f, f->is_repeated() ? i : -1, &out);
    return out;
  };
  if (!f->is_repeated()) return one(-1);
  std::vector<std::string> parts;
  for (int i = 0; i < r->FieldSize(m, f); ++i) parts.push_back(one(i));
  return absl::StrJoin(parts, ", ");
}

// Each field of ListEntry whose value differs between the two, in field order.
void DiffFields(const v1::ListEntry& before, const v1::ListEntry& after, v1::EntryChange* out) {
  const google::protobuf::Descriptor* d = v1::ListEntry::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    std::string old_text = FieldText(before, f);
    std::string new_text = FieldText(after, f);
    if (old_text == new_text) continue;
    v1::FieldChange* c = out->add_fields();
    c->set_field(f->name());
    c->set_old_value(std::move(old_text));
    c->set_new_value(std::move(new_text));
  }
}

// The row as the version being undone wrote it: what is in force just after it.
void SetNew(const std::map<std::string, std::optional<v1::ListEntry>>& state,
            const std::string& code, v1::EntryChange* c) {
  auto it = state.find(code);
  if (it == state.end()) return;
  if (it->second.has_value()) {
    *c->mutable_new_entry() = *it->second;
  } else {
    c->set_new_unknown(true);
  }
}

// What each version changed, row by row, from the versions' codes and previous entries: walks
// from the latest version back, undoing one version at a time, so the rows as each version
// wrote them are those in force just after it. An entry of `state` without a value is a row
// whose earlier contents were truncated away.
void AddChanges(std::map<std::string, v1::ListEntry> current, v1::GetSubmissionResponse* response) {
  std::map<std::string, std::optional<v1::ListEntry>> state;
  for (auto& [code, entry] : current) state[code] = std::move(entry);
  std::vector<v1::VersionChanges> changes(response->versions_size());
  size_t budget = limits::kMaxHistoryRows;
  for (int v = response->versions_size() - 1; v >= 0; --v) {
    const v1::SubmissionVersion& version = response->versions(v);
    std::map<std::string, const v1::ListEntry*> previous;
    for (const v1::ListEntry& e : version.previous_entries()) previous[e.credit_code()] = &e;
    std::map<std::string, v1::EntryChange> rows;  // by credit code
    auto row = [&](const std::string& code, v1::EntryChange::Kind kind) -> v1::EntryChange& {
      v1::EntryChange& c = rows[code];
      c.set_kind(kind);
      c.set_credit_code(code);
      return c;
    };
    for (const std::string& code : version.added_credit_codes()) {
      v1::EntryChange& c = row(code, v1::EntryChange::KIND_ADDED);
      SetNew(state, code, &c);
    }
    for (const std::string& code : version.changed_credit_codes()) {
      v1::EntryChange& c = row(code, v1::EntryChange::KIND_CHANGED);
      SetNew(state, code, &c);
    }
    for (const std::string& code : version.removed_credit_codes()) {
      row(code, v1::EntryChange::KIND_REMOVED);
    }
    // Undo this version: what it added was not there before, what it changed or removed was
    // as its previous entries say.
    for (const std::string& code : version.added_credit_codes()) state.erase(code);
    for (auto& [code, c] : rows) {
      if (c.kind() == v1::EntryChange::KIND_ADDED) continue;
      auto it = previous.find(code);
      if (it == previous.end()) {
        c.set_old_unknown(true);
        state[code] = std::nullopt;
        continue;
      }
      *c.mutable_old_entry() = *it->second;
      state[code] = *it->second;
      if (c.kind() == v1::EntryChange::KIND_CHANGED && c.has_new_entry()) {
        DiffFields(c.old_entry(), c.new_entry(), &c);
      }
    }
    v1::VersionChanges& out = changes[v];
    out.set_version(version.version());
    for (auto& [code, c] : rows) {
      if (static_cast<size_t>(out.entries_size()) >= limits::kMaxHistoryRowsPerVersion ||
          budget == 0) {
        out.set_entries_omitted(out.entries_omitted() + 1);
        continue;
      }
      --budget;
      *out.add_entries() = std::move(c);
    }
  }
  for (v1::VersionChanges& c : changes) *response->add_changes() = std::move(c);
}

}  // namespace

absl::StatusOr<v1::GetSubmissionResponse> Lists::GetSubmission(
    const auth::Identity& caller, const v1::GetSubmissionRequest& request) const {
  const v1::Department department =
      request.department() == v1::DEPARTMENT_UNSPECIFIED ? caller.department : request.department();
  TH_RETURN_IF_ERROR(domain::ValidateId(request.submission_id(), "submission_id"));
  TH_ASSIGN_OR_RETURN(auto stored,
                      store_->GetLive(domain::SubmissionKey(department, request.submission_id())));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("no submission ", request.submission_id(), " of ",
                                            domain::DepartmentCode(department)));
  }
  TH_RETURN_IF_ERROR(auth::CheckReadable(node_, caller, stored->submission().region_code()));
  v1::GetSubmissionResponse response;
  *response.mutable_submission() = stored->submission();
  TH_RETURN_IF_ERROR(
      store_->ScanRecords(domain::SubmissionVersionKeyPrefix(department, request.submission_id()),
                          [&](std::string_view, const v1::StoredRecord& s) {
                            if (s.has_record() && s.record().has_submission_version()) {
                              *response.add_versions() = s.record().submission_version();
                            }
                            return true;
                          }));
  if (request.with_changes()) {
    TH_ASSIGN_OR_RETURN(auto current, CurrentEntries(*store_, department, request.submission_id()));
    AddChanges(std::move(current), &response);
  }
  return response;
}

absl::Status PageThroughIndex(const store::Store& store, const std::string& index_prefix,
                              absl::string_view record_prefix, Pager* pager,
                              absl::FunctionRef<bool(const v1::Record&)> wanted,
                              absl::FunctionRef<void(v1::Record&&)> add) {
  absl::Status inner;
  TH_RETURN_IF_ERROR(store.ScanIndex(
      index_prefix,
      [&](std::string_view index_key, std::string_view key) {
        if (!absl::StartsWith(absl::string_view(key.data(), key.size()), record_prefix)) {
          return true;
        }
        auto live = store.GetLive(key);
        if (!live.ok()) {
          inner = live.status();
          return false;
        }
        if (!live->has_value() || !wanted(**live)) return true;
        if (!pager->Take(absl::StrCat(std::string(index_key), "|", std::string(key)))) {
          return false;
        }
        add(**std::move(live));
        return true;
      },
      pager->index_position()));
  return inner;
}

absl::StatusOr<v1::ListEntriesResponse> Lists::ListEntries(
    const auth::Identity& caller, const v1::ListEntriesRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  auto matches = [&](const v1::ListEntry& e) {
    return auth::InJurisdiction(region, e.region_code()) &&
           (request.department() == v1::DEPARTMENT_UNSPECIFIED ||
            e.department() == request.department()) &&
           (request.kind() == v1::LIST_KIND_UNSPECIFIED || e.kind() == request.kind()) &&
           (request.dimension() == v1::DIMENSION_UNSPECIFIED ||
            e.dimension() == request.dimension()) &&
           (request.round_id().empty() || e.round_id() == request.round_id()) &&
           (request.industry() == v1::INDUSTRY_UNSPECIFIED || e.industry() == request.industry()) &&
           (request.reported_status() == v1::OPERATING_STATUS_UNSPECIFIED ||
            e.reported_status() == request.reported_status()) &&
           (request.submission_id().empty() || e.submission_id() == request.submission_id());
  };
  v1::ListEntriesResponse response;
  Pager pager(request.page_token(), PageSize(request.page_size()));
  auto wanted = [&](const v1::Record& r) { return r.has_list_entry() && matches(r.list_entry()); };
  auto add = [&](v1::Record&& r) { *response.add_entries() = std::move(*r.mutable_list_entry()); };
  if (request.department() != v1::DEPARTMENT_UNSPECIFIED && !request.submission_id().empty()) {
    // One submission: its index.
    TH_RETURN_IF_ERROR(PageThroughIndex(
        *store_,
        absl::StrCat(kSubmissionIndex, domain::DepartmentCode(request.department()), "/",
                     request.submission_id(), "/"),
        domain::kListEntryKeyPrefix, &pager, wanted, add));
  } else if (request.department() != v1::DEPARTMENT_UNSPECIFIED) {
    // list/<DEPT>/<round>/<KIND>/<DIM>/: the longest prefix the request fixes.
    std::string prefix = domain::ListEntryKeyPrefix(request.department());
    if (!request.round_id().empty()) {
      absl::StrAppend(&prefix, request.round_id(), "/");
      if (request.kind() != v1::LIST_KIND_UNSPECIFIED) {
        absl::StrAppend(&prefix, domain::ListKindCode(request.kind()), "/");
        if (request.dimension() != v1::DIMENSION_UNSPECIFIED) {
          absl::StrAppend(&prefix, domain::DimensionCode(request.dimension()), "/");
        }
      }
    }
    TH_RETURN_IF_ERROR(store_->ScanRecords(
        prefix,
        [&](std::string_view key, const v1::StoredRecord& s) {
          if (!s.has_record() || !wanted(s.record())) return true;
          if (!pager.Take(std::string(key))) return false;
          *response.add_entries() = s.record().list_entry();
          return true;
        },
        pager.token()));
  } else {
    // Everything under the region: the region index, list records only.
    TH_RETURN_IF_ERROR(
        PageThroughIndex(*store_, absl::StrCat(kRegionIndex, domain::JurisdictionPrefix(region)),
                         domain::kListEntryKeyPrefix, &pager, wanted, add));
  }
  response.set_next_page_token(pager.next_token());
  return response;
}

absl::StatusOr<v1::PutRoundsResponse> Lists::PutRounds(const auth::Identity& caller,
                                                       const v1::PutRoundsRequest& request) {
  TH_RETURN_IF_ERROR(auth::CheckLead(node_, caller));
  TH_RETURN_IF_ERROR(auth::CheckWritable(node_, caller, auth::kGlobalRegion));
  std::vector<v1::SubmissionRound> rounds(request.rounds().begin(), request.rounds().end());
  if (request.plan_defaults()) {
    for (auto& r : domain::PlanDefaultRounds()) rounds.push_back(std::move(r));
  }
  std::vector<std::string> bad;
  std::vector<store::Mutation> mutations;
  const v1::Author author = caller.ToAuthor(node_.node_id);
  for (size_t i = 0; i < rounds.size(); ++i) {
    if (absl::Status s = domain::ValidateRound(rounds[i]); !s.ok()) {
      bad.push_back(absl::StrCat("rounds[", i, "]: ", s.message()));
      continue;
    }
    v1::Record record;
    *record.mutable_round() = rounds[i];
    mutations.push_back({domain::RecordKey(record), author, std::move(record)});
  }
  if (!bad.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(bad.size(), " bad round(s), nothing stored: ", absl::StrJoin(bad, "; ")));
  }
  if (!mutations.empty()) TH_RETURN_IF_ERROR(store_->Write(std::move(mutations)).status());
  v1::PutRoundsResponse response;
  for (auto& r : rounds) *response.add_rounds() = std::move(r);
  return response;
}

absl::StatusOr<v1::PutRoundsResponse> Lists::CloseRound(const auth::Identity& caller,
                                                        const v1::CloseRoundRequest& request) {
  TH_RETURN_IF_ERROR(auth::CheckLead(node_, caller));
  TH_RETURN_IF_ERROR(auth::CheckWritable(node_, caller, auth::kGlobalRegion));
  TH_RETURN_IF_ERROR(domain::ValidateId(request.round_id(), "round_id"));
  absl::MutexLock lock(&mu_);  // no submission checks the round while it closes
  TH_ASSIGN_OR_RETURN(auto stored, store_->GetLive(domain::RoundKey(request.round_id())));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("no round ", request.round_id()));
  }
  v1::PutRoundsResponse response;
  v1::SubmissionRound round = stored->round();
  if (!round.closed()) {
    round.set_closed(true);
    v1::Record record;
    *record.mutable_round() = round;
    const std::string key = domain::RecordKey(record);
    TH_RETURN_IF_ERROR(
        store_->Write({{key, caller.ToAuthor(node_.node_id), std::move(record)}}).status());
  }
  *response.add_rounds() = std::move(round);
  return response;
}

absl::StatusOr<v1::GrantLateWaiverResponse> Lists::GrantLateWaiver(
    const auth::Identity& caller, const v1::GrantLateWaiverRequest& request) {
  TH_RETURN_IF_ERROR(auth::CheckLead(node_, caller));
  v1::LateWaiver waiver;
  waiver.set_round_id(request.round_id());
  waiver.set_department(request.department());
  waiver.set_region_code(request.region_code());
  waiver.set_granted_by(caller.CommonName());
  SetTimestamp(clock_->Now(), waiver.mutable_granted_at());
  waiver.set_note(request.note());
  TH_RETURN_IF_ERROR(domain::ValidateLateWaiver(waiver));
  TH_RETURN_IF_ERROR(auth::CheckWritable(node_, caller, waiver.region_code()));
  TH_ASSIGN_OR_RETURN(auto round, store_->GetLive(domain::RoundKey(request.round_id())));
  if (!round.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("round_id: round ", request.round_id(), " is not known here"));
  }
  v1::Record record;
  *record.mutable_late_waiver() = waiver;
  const std::string key = domain::RecordKey(record);
  TH_RETURN_IF_ERROR(
      store_->Write({{key, caller.ToAuthor(node_.node_id), std::move(record)}}).status());
  v1::GrantLateWaiverResponse response;
  *response.mutable_waiver() = std::move(waiver);
  return response;
}

absl::StatusOr<v1::PutRoundsResponse> Lists::ListRounds() const {
  v1::PutRoundsResponse response;
  TH_RETURN_IF_ERROR(store_->ScanRecords(domain::kRoundKeyPrefix,
                                         [&](std::string_view, const v1::StoredRecord& s) {
                                           if (s.has_record() && s.record().has_round())
                                             *response.add_rounds() = s.record().round();
                                           return true;
                                         }));
  return response;
}

absl::StatusOr<v1::ListEnterprisesResponse> Lists::ListEnterprises(
    const auth::Identity& caller, const v1::ListEnterprisesRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  v1::ListEnterprisesResponse response;
  Pager pager(request.page_token(), PageSize(request.page_size()));
  TH_RETURN_IF_ERROR(PageThroughIndex(
      *store_, absl::StrCat(kRegionIndex, domain::JurisdictionPrefix(region)),
      domain::kEnterpriseKeyPrefix, &pager,
      [&](const v1::Record& r) {
        if (!r.has_enterprise()) return false;
        const v1::Enterprise& e = r.enterprise();
        return (request.status() == v1::OPERATING_STATUS_UNSPECIFIED ||
                e.status() == request.status()) &&
               (request.industry() == v1::INDUSTRY_UNSPECIFIED ||
                std::find(e.industries().begin(), e.industries().end(), request.industry()) !=
                    e.industries().end());
      },
      [&](v1::Record&& r) { *response.add_enterprises() = std::move(*r.mutable_enterprise()); }));
  response.set_next_page_token(pager.next_token());
  return response;
}

absl::StatusOr<v1::ListEquipmentResponse> Lists::ListEquipment(
    const auth::Identity& caller, const v1::ListEquipmentRequest& request) const {
  TH_RETURN_IF_ERROR(domain::ValidateCreditCodeField(request.credit_code(), "credit_code"));
  v1::ListEquipmentResponse response;
  TH_RETURN_IF_ERROR(store_->ScanRecords(
      domain::EquipmentKeyPrefix(request.credit_code()),
      [&](std::string_view, const v1::StoredRecord& s) {
        if (s.has_record() && s.record().has_equipment() &&
            auth::CheckReadable(node_, caller, s.record().equipment().region_code()).ok()) {
          *response.add_equipment() = s.record().equipment();
        }
        return true;
      }));
  return response;
}

}  // namespace tierhub::registry
