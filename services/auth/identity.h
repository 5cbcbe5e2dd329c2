// Who is calling: parsed from the mutual-TLS client certificate's common name, or, in the
// explicitly insecure development mode only, from the `x-tierhub-identity` request header.
#ifndef TIERHUB_SERVICES_AUTH_IDENTITY_H_
#define TIERHUB_SERVICES_AUTH_IDENTITY_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "services/common/grpc_status.h"
#include "tierhub/v1/change.pb.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::auth {

// The header that carries an identity when a node runs with `insecure: true`.
inline constexpr char kInsecureIdentityHeader[] = "x-tierhub-identity";

struct Identity {
  enum class Kind { kNode, kDepartment, kOperator };
  Kind kind = Kind::kNode;
  std::string name;         // node id (kNode) or user name
  std::string region_code;  // region the identity is authenticated for
  v1::Department department = v1::DEPARTMENT_UNSPECIFIED;  // kDepartment only

  // The common name this identity is written as (see deploy/dev-ca.sh).
  std::string CommonName() const;
  // The author recorded on changes this identity makes through node `node_id`.
  v1::Author ToAuthor(const std::string& node_id) const;
};

// Parses "node:<region>:<node_id>", "dept:<DEPT>:<region>:<user>" or "ops:<region>:<user>".
// INVALID_ARGUMENT says what is wrong with the name.
[[nodiscard]] absl::StatusOr<Identity> ParseCommonName(const std::string& common_name);

// The caller of an RPC. UNAUTHENTICATED if there is no usable certificate (or header, when
// `insecure`).
[[nodiscard]] absl::StatusOr<Identity> CallerIdentity(const grpc::ServerContext& context,
                                                      bool insecure);

}  // namespace tierhub::auth

#endif  // TIERHUB_SERVICES_AUTH_IDENTITY_H_
