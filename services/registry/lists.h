// Lists: department list submissions (with validation, idempotency, corrections, withdrawals
// and history), submission rounds and late waivers, and the registry's queries over lists,
// enterprises and equipment. The RPC-free core of the Registry service; the service and tests
// call it directly. See docs/COORDINATOR.md for the design.
//
// Thread-safe. Submissions of this node are serialised on one mutex (a version check and its
// write must not interleave with another's); reads take no lock.
#ifndef TIERHUB_SERVICES_REGISTRY_LISTS_H_
#define TIERHUB_SERVICES_REGISTRY_LISTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/auth/identity.h"
#include "services/auth/node_context.h"
#include "services/auth/policy.h"
#include "services/common/clock.h"
#include "services/common/limits.h"
#include "services/store/store.h"
#include "tierhub/v1/registry.pb.h"

namespace tierhub::registry {

// One page of a scan in key order. The request's token is the position of the previous
// page's last item; the scan starts right after it (one seek, whatever the page number), and
// next_token() is this page's last position if more items follow, "" on the last page.
// Positions are record keys for record scans and "<index key>|<record key>" for index scans
// (no key holds '|').
class Pager {
 public:
  Pager(std::string token, uint32_t page_size) : token_(std::move(token)), size_(page_size) {}
  const std::string& token() const { return token_; }
  store::Store::IndexPosition index_position() const {
    const size_t bar = token_.rfind('|');
    if (bar == std::string::npos) return {};
    return {token_.substr(0, bar), token_.substr(bar + 1)};
  }
  // Records an item at `position`; returns false once the page is full and one more exists.
  bool Take(const std::string& position) {
    if (count_ == size_) {
      more_ = true;
      return false;
    }
    ++count_;
    last_ = position;
    return true;
  }
  std::string next_token() const { return more_ ? last_ : ""; }

 private:
  std::string token_;
  uint32_t size_;
  uint32_t count_ = 0;
  bool more_ = false;
  std::string last_;
};

// Pages through the live records that the index entries under `index_prefix` point at,
// keeping those whose key starts with `record_prefix` and that `wanted` accepts; `add` puts
// each on the page. Reads only the page (and one record past it), from the pager's position.
[[nodiscard]] absl::Status PageThroughIndex(const store::Store& store,
                                            const std::string& index_prefix,
                                            absl::string_view record_prefix, Pager* pager,
                                            absl::FunctionRef<bool(const v1::Record&)> wanted,
                                            absl::FunctionRef<void(v1::Record&&)> add);

// One bad row of a submitted file, for the caller to fix (row 0 is the header); `code` is the
// gRPC code name. RowErrorFromValidation splits a domain validation message
// "<prefix><field>: reason" into field and reason.
v1::RowError RowErrorOf(uint32_t row, absl::string_view field, absl::StatusCode code,
                        absl::string_view reason);
v1::RowError RowErrorFromValidation(uint32_t row, const absl::Status& s,
                                    absl::string_view field_prefix);

// A whole SubmitList call, assembled from its chunks.
struct SubmitListCall {
  v1::SubmitListHeader header;
  std::vector<v1::ListRow> rows;
  std::vector<std::string> remove_credit_codes;
};

// Bytes of a refusal's message as sent (the status message travels percent-encoded in
// trailers, which peers cap at 8 KiB; limits.h); validate_only returns the errors in the
// response instead, up to limits::kMaxReplyErrors.
inline constexpr size_t kMaxMessageBytes = limits::kMaxStatusMessageBytes;

// The refusal for `errors` (non-empty): the first error's code, and a message naming as many
// rows as fit in kMaxMessageBytes and counting the rest ("3 problems, nothing stored: row 2
// credit_code: ...; ... and 12,345 more errors (...)").
absl::Status Refusal(const std::vector<v1::RowError>& errors);

// A dry run's answer: `errors` (moved out) up to limits::kMaxReplyErrors and
// kMaxReplyErrorBytes, the rest counted in errors_omitted.
v1::SubmitListResponse DryRunErrors(std::vector<v1::RowError>& errors);

class Lists {
 public:
  // `store` is borrowed and must outlive this.
  Lists(const auth::NodeContext& node, store::Store* store);

  // Submits a list or a correction. See registry.proto SubmitList for the contract.
  // Takes the call by value: its rows are moved into the records, not copied.
  [[nodiscard]] absl::StatusOr<v1::SubmitListResponse> Submit(const auth::Identity& caller,
                                                              SubmitListCall call);
  [[nodiscard]] absl::StatusOr<v1::SubmitListResponse> Withdraw(
      const auth::Identity& caller, const v1::WithdrawSubmissionRequest& request);
  [[nodiscard]] absl::StatusOr<v1::GetSubmissionResponse> GetSubmission(
      const auth::Identity& caller, const v1::GetSubmissionRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::ListEntriesResponse> ListEntries(
      const auth::Identity& caller, const v1::ListEntriesRequest& request) const;

  [[nodiscard]] absl::StatusOr<v1::PutRoundsResponse> PutRounds(
      const auth::Identity& caller, const v1::PutRoundsRequest& request);
  [[nodiscard]] absl::StatusOr<v1::PutRoundsResponse> CloseRound(
      const auth::Identity& caller, const v1::CloseRoundRequest& request);
  [[nodiscard]] absl::StatusOr<v1::GrantLateWaiverResponse> GrantLateWaiver(
      const auth::Identity& caller, const v1::GrantLateWaiverRequest& request);
  [[nodiscard]] absl::StatusOr<v1::PutRoundsResponse> ListRounds() const;

  [[nodiscard]] absl::StatusOr<v1::ListEnterprisesResponse> ListEnterprises(
      const auth::Identity& caller, const v1::ListEnterprisesRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::ListEquipmentResponse> ListEquipment(
      const auth::Identity& caller, const v1::ListEquipmentRequest& request) const;

  const auth::NodeContext& node() const { return node_; }

 private:
  struct Plan;  // what a submission call has been found to be, stage by stage

  // A submission or withdrawal in stages: the header, the version it corrects (or the receipt
  // of a retry), each row, the current version's entries, then the records to write.
  [[nodiscard]] absl::StatusOr<v1::SubmitListResponse> SubmitLocked(const auth::Identity& caller,
                                                                    SubmitListCall& call,
                                                                    bool withdraw,
                                                                    const std::string& digest)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  [[nodiscard]] absl::Status CheckHeader(const auth::Identity& caller,
                                         const v1::SubmitListHeader& h, Plan* plan) const;
  // A retry of an applied version returns its receipt; refusals go to plan->errors.
  [[nodiscard]] absl::StatusOr<std::optional<v1::SubmitListResponse>> CheckVersion(
      const v1::SubmitListHeader& h, const std::string& digest, Plan* plan) const;
  void CheckRows(SubmitListCall& call, Plan* plan) const;
  [[nodiscard]] absl::Status ReadCurrent(const v1::SubmitListHeader& h, Plan* plan) const;
  // The new version's records (entries, tombstones, submission, version) and its receipt.
  [[nodiscard]] absl::StatusOr<v1::SubmitListResponse> Apply(
      const auth::Identity& caller, const v1::SubmitListHeader& h, bool withdraw,
      const std::string& digest, Plan* plan, std::vector<store::Mutation>* mutations) const;
  // Refuses a write to a closed round unless a LateWaiver covers (department, region).
  [[nodiscard]] absl::Status CheckRoundOpen(const v1::SubmissionRound& round,
                                            v1::Department department, const std::string& region,
                                            bool* waived) const;

  const auth::NodeContext node_;
  const Clock* const clock_;
  store::Store* const store_;
  absl::Mutex mu_;
};

}  // namespace tierhub::registry

#endif  // TIERHUB_SERVICES_REGISTRY_LISTS_H_
