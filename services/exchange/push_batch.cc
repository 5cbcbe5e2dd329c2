#include "services/exchange/push_batch.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/auth/jurisdiction.h"

namespace tierhub::exchange {

absl::StatusOr<store::ApplyResult> ApplyChildBatch(store::Store* store, const auth::Identity& child,
                                                   const std::string& cursor,
                                                   v1::ChangeBatch* batch) {
  // Each change is decoded once, here, for the checks; its bytes as received become the log
  // entry (ApplyRemote puts in this node's seq).
  std::vector<v1::Change> changes(batch->changes_size());
  std::vector<std::string> encoded;
  encoded.reserve(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    std::string& bytes_in = *batch->mutable_changes(static_cast<int>(i));
    if (!changes[i].ParseFromString(bytes_in)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "batch.changes[", i, "]: not a serialized tierhub.v1.Change; nothing stored"));
    }
    // The store keeps the received bytes as the log entry and takes the record's body from
    // them by its last occurrence (format::EncodeStoredRecord), while the checks, the index
    // and the counters see the decoded change, in which protobuf merges a field sent twice. A
    // change in protobuf's own encoding has one size both ways; one with a repeated body
    // would store a record that is not the one that was checked (push_batch_fuzz checks it:
    // tests/fuzz/corpus/push_batch/regression-record-sent-twice).
    if (changes[i].ByteSizeLong() != bytes_in.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "batch.changes[", i, "]: not in protobuf's own encoding (", bytes_in.size(), " bytes, ",
          changes[i].ByteSizeLong(), " when re-encoded: a field sent twice?); nothing stored"));
    }
    absl::Status allowed = auth::CheckChildChange(changes[i], child.name, child.region_code);
    if (!allowed.ok()) return allowed;
    encoded.push_back(std::move(bytes_in));
  }
  store::ApplyOptions apply;
  apply.cursor_name = cursor;
  apply.cursor_value = batch->last_seq();
  return store->ApplyRemote(std::move(changes), apply, std::move(encoded));
}

}  // namespace tierhub::exchange
