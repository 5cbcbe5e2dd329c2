// Client channels to a tierhub node: mutual TLS with the dev or production CA, or the
// development-only insecure mode, in which the caller's identity travels in a header.
#ifndef TIERHUB_SERVICES_CLIENT_CHANNEL_H_
#define TIERHUB_SERVICES_CLIENT_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace tierhub::client {

// HTTP/2 keepalive of every connection between nodes and to clients, both ways: a peer that
// stops answering (SIGSTOP, a network that drops everything) fails its streams within
// kKeepaliveTime + kKeepaliveTimeout, so a hung parent shows in the child's status and the
// link reconnects instead of waiting forever. A server takes pings at most every half of it.
inline constexpr absl::Duration kKeepaliveTime = absl::Seconds(10);
inline constexpr absl::Duration kKeepaliveTimeout = absl::Seconds(5);

struct ChannelOptions {
  std::string address;  // host:port
  bool insecure = false;
  std::string identity;  // common name sent as a header in insecure mode
  std::string ca_file;   // PEM files for mutual TLS
  std::string cert_file;
  std::string key_file;
};

// Reads the PEM files (NOT_FOUND naming the file if one is missing) and makes the channel.
[[nodiscard]] absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ChannelOptions& options);

// Prepares a call's context: the identity header in insecure mode; wait-for-ready off.
void PrepareContext(const ChannelOptions& options, grpc::ClientContext* context);

// Reads a whole file.
[[nodiscard]] absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace tierhub::client

#endif  // TIERHUB_SERVICES_CLIENT_CHANNEL_H_
