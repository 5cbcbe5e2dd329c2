// Conversion between absl::Status and grpc::Status: the one RPC boundary for error values.
// A message longer than what a peer accepts in its trailers is cut here (status_text.h), so
// every refusal arrives with its reason instead of gRPC's "metadata size exceeds limit".
#ifndef TIERHUB_SERVICES_COMMON_GRPC_STATUS_H_
#define TIERHUB_SERVICES_COMMON_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"
#include "services/common/status_text.h"

namespace tierhub {

inline grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), CutToBudget(s.message()));
}

inline absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_GRPC_STATUS_H_
