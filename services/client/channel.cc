#include "services/client/channel.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/auth/identity.h"
#include "services/common/limits.h"

namespace tierhub::client {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ChannelOptions& options) {
  grpc::ChannelArguments args;
  // The node's own limits (docs/LIMITS.md), so both ends of every call agree.
  args.SetMaxReceiveMessageSize(limits::kMaxMessageBytes);
  args.SetMaxSendMessageSize(limits::kMaxMessageBytes);
  args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, limits::kMaxMetadataBytes);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  // A connection of this channel's own. From the global pool, every channel to an address
  // shares one connection and its reconnection backoff: the parent link's attempts (a new
  // channel each) then waited out gRPC's backoff on top of their own, 2-4 s per attempt
  // against a stopped parent whatever ParentLinkOptions said.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, absl::ToInt64Milliseconds(kKeepaliveTime));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, absl::ToInt64Milliseconds(kKeepaliveTimeout));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // gRPC stops pinging after two pings without data unless told otherwise; a parent link
  // waiting on an idle Pull is exactly that case.
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  if (options.insecure) {
    return grpc::CreateCustomChannel(options.address, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions ssl;
  auto ca = ReadFile(options.ca_file);
  if (!ca.ok()) return ca.status();
  auto cert = ReadFile(options.cert_file);
  if (!cert.ok()) return cert.status();
  auto key = ReadFile(options.key_file);
  if (!key.ok()) return key.status();
  ssl.pem_root_certs = *ca;
  ssl.pem_cert_chain = *cert;
  ssl.pem_private_key = *key;
  return grpc::CreateCustomChannel(options.address, grpc::SslCredentials(ssl), args);
}

void PrepareContext(const ChannelOptions& options, grpc::ClientContext* context) {
  if (options.insecure && !options.identity.empty()) {
    context->AddMetadata(auth::kInsecureIdentityHeader, options.identity);
  }
}

}  // namespace tierhub::client
