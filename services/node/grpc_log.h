// gRPC's own log lines in the node's log (services/common/log.h), so that they carry the time
// and the node id like every other line ("grpc: Handshake failed ..."). Process-wide;
// thread-safe.
#ifndef TIERHUB_SERVICES_NODE_GRPC_LOG_H_
#define TIERHUB_SERVICES_NODE_GRPC_LOG_H_

namespace tierhub::node {

// Installs the routing (gpr_set_log_function). Idempotent.
void RouteGrpcLogToNodeLog();

}  // namespace tierhub::node

#endif  // TIERHUB_SERVICES_NODE_GRPC_LOG_H_
