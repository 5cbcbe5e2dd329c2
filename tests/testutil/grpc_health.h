// The standard gRPC health check (grpc.health.v1.Health/Check) without its generated stubs,
// which Debian does not ship: the request and the answer are two-byte protobuf messages.
// Header-only; thread-safe.
#ifndef TIERHUB_TESTS_TESTUTIL_GRPC_HEALTH_H_
#define TIERHUB_TESTS_TESTUTIL_GRPC_HEALTH_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace tierhub::testutil {

// True if `service` ("" for the whole server) answers SERVING; an error if the call fails.
// `prepare` may add call metadata (an identity header).
template <typename Prepare>
absl::StatusOr<bool> HealthServing(const std::shared_ptr<grpc::Channel>& channel,
                                   const std::string& service, Prepare prepare) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  prepare(&context);
  std::string request_bytes;
  if (!service.empty()) {  // HealthCheckRequest.service = 1
    request_bytes.push_back('\x0a');
    request_bytes.push_back(static_cast<char>(service.size()));
    request_bytes += service;
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   result = s;
                   done = true;
                   cv.notify_all();
                 });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
  }
  if (!result.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(result.error_code()), result.error_message());
  }
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return absl::InternalError("health: unreadable reply");
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes == std::string("\x08\x01", 2);  // HealthCheckResponse.status = SERVING
}

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_GRPC_HEALTH_H_
