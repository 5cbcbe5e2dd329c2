// PlansService: tierhub.v1.ActionPlans. Progress against the cities' action-plan targets from
// the maintained counters (progress.h), with the share-due rule of schedule.h, and the annual
// summaries (summary.h) as .xlsx or CSV. Reads only; served on every node over what it holds,
// for regions under the caller's. Thread-safe.
#ifndef TIERHUB_SERVICES_PLANS_PLANS_SERVICE_H_
#define TIERHUB_SERVICES_PLANS_PLANS_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/auth/identity.h"
#include "services/auth/node_context.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "tierhub/v1/plans.grpc.pb.h"

namespace tierhub::plans {

// A generated summary file.
struct SummaryFile {
  std::string file_name;  // e.g. "summary_440600_2019.xlsx"
  std::string content;
  uint32_t rows = 0;                // rows of the figures table
  uint32_t closed_enterprises = 0;  // distinct enterprises on the closed list
};

class PlansService final : public v1::ActionPlans::Service {
 public:
  // `store` is borrowed and must outlive the service.
  PlansService(const auth::NodeContext& node, const store::Store* store);

  grpc::Status GetPlanProgress(grpc::ServerContext* context,
                               const v1::GetPlanProgressRequest* request,
                               v1::GetPlanProgressResponse* response) override;
  grpc::Status ExportSummary(grpc::ServerContext* context, const v1::ExportSummaryRequest* request,
                             grpc::ServerWriter<v1::ExportSummaryChunk>* writer) override;

  // The same without RPC, for a known caller. Error codes as in plans.proto.
  [[nodiscard]] absl::StatusOr<v1::GetPlanProgressResponse> Progress(
      const auth::Identity& caller, const v1::GetPlanProgressRequest& request) const;
  [[nodiscard]] absl::StatusOr<SummaryFile> Summary(const auth::Identity& caller,
                                                    const v1::ExportSummaryRequest& request) const;
  // Enterprises closed and exited under `region` ("" = the caller's) in each month (China time)
  // of `year` up to now: [0] is January. Error codes as GetPlanProgress's. For the console's
  // chart of exits per month; the same exit index and closing step as the summaries.
  [[nodiscard]] absl::StatusOr<std::vector<int64_t>> ExitsByMonth(const auth::Identity& caller,
                                                                  const std::string& region,
                                                                  int year) const;

 private:
  const auth::NodeContext node_;  // a copy: the node context is small
  const Clock* const clock_;
  const store::Store* const store_;
};

}  // namespace tierhub::plans

#endif  // TIERHUB_SERVICES_PLANS_PLANS_SERVICE_H_
