// The coordinator's merge: the merged view of one enterprise across the departments' lists,
// its record and its cases, with the contradictions between them; and the Merger, which
// follows the node's own change log and keeps the merged views current as records (so they
// flow down to the cities and counties like any record). See docs/COORDINATOR.md.
#ifndef TIERHUB_SERVICES_COORDINATOR_MERGE_H_
#define TIERHUB_SERVICES_COORDINATOR_MERGE_H_

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::coordinator {

// The durable cursor of the Merger: the last local log sequence it has merged.
inline constexpr char kMergerCursor[] = "coordinator-merged";

// A source record about an enterprise, as the merge reads it.
struct EnterpriseRecords {
  std::optional<v1::Enterprise> enterprise;
  std::vector<std::pair<std::string, v1::ListEntry>> entries;  // (record key, entry), key order
  std::vector<v1::EnforcementCase> cases;
};

// The merged view of these records, or nullopt when the enterprise is on no list and has no
// open case. Deterministic: the same records give the same view on every node.
std::optional<v1::MergedEnterprise> Merge(const std::string& credit_code,
                                          const EnterpriseRecords& records);

// Reads every record the store holds about `credit_code` (through the enterprise index).
[[nodiscard]] absl::StatusOr<EnterpriseRecords> ReadEnterpriseRecords(
    const store::Store& store, const std::string& credit_code);

// The credit code a change is about (enterprise, list entry, case), or "" if none.
std::string CreditCodeOfChange(const v1::Change& change);

// Follows the store's log from a durable cursor and, for each enterprise touched, rewrites its
// merged view record (mrg/<credit code>) when it changed, or deletes it when the enterprise
// left every list. Writes a batch's views in one Store::Write, then moves the cursor; a crash
// in between recomputes the same views, which are then equal and not written again.
// Thread-safe; Start/Stop once each.
class Merger {
 public:
  // `store` is borrowed and must outlive the Merger. `author` is the node's own identity.
  // `timer` paces the retries after a failed step (common/clock.h); borrowed.
  Merger(store::Store* store, v1::Author author, const Clock* timer = SystemClock::Get());
  ~Merger();  // Stop()

  void Start();
  void Stop();

  // Merges everything logged so far (also used by tests without the thread).
  [[nodiscard]] absl::Status CatchUp();

 private:
  // Processes at most one batch; returns whether there was one.
  [[nodiscard]] absl::StatusOr<bool> Step();
  void Loop();

  store::Store* const store_;
  const v1::Author author_;
  const Clock* const timer_;
  absl::Mutex step_mu_;  // one Step at a time (the thread and CatchUp)
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tierhub::coordinator

#endif  // TIERHUB_SERVICES_COORDINATOR_MERGE_H_
