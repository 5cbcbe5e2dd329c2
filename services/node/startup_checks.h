// What a node checks before it serves, so that a start-up failure names the config field and
// the real cause instead of the one gRPC happens to report ("cannot listen on ..." for a key
// that does not fit its certificate). Stateless functions; thread-safe.
#ifndef TIERHUB_SERVICES_NODE_STARTUP_CHECKS_H_
#define TIERHUB_SERVICES_NODE_STARTUP_CHECKS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tierhub/v1/config.pb.h"

namespace tierhub::node {

// The PEM text of a node's TLS files, checked with OpenSSL.
struct TlsFiles {
  std::string ca_pem;     // one or more CA certificates
  std::string cert_pem;   // the node's certificate (chain)
  std::string key_pem;    // the node's private key, unencrypted
  std::string not_after;  // the certificate's expiry, as OpenSSL prints it
};

// Reads and checks tls.ca_file, tls.cert_file and tls.key_file: each must be a readable regular
// file, not empty, holding PEM of its kind (certificates; a certificate; an unencrypted private
// key), the key must be the certificate's, and the certificate must be issued by a CA in
// ca_file (through the intermediates that follow it in cert_file) and valid at `now`.
// INVALID_ARGUMENT names the field, the path and what is wrong, e.g. "tls.key_file:
// /etc/tierhub/n.key does not match the certificate in tls.cert_file /etc/tierhub/n.pem" or
// "tls.cert_file: /etc/tierhub/n.pem expired at Dec  6 21:00:00 2026 GMT".
[[nodiscard]] absl::StatusOr<TlsFiles> LoadTlsFiles(const v1::TlsConfig& tls, absl::Time now);

// Why a server could not listen on `address` (host:port), found by binding it the way gRPC
// does: "listen_address: cannot listen on 127.0.0.1:7443: Address already in use (another
// process listens there)". Called after gRPC refused; the status is always an error
// (UNAVAILABLE for a port held by someone else, INVALID_ARGUMENT for an address that is not
// this host's or does not resolve).
[[nodiscard]] absl::Status ListenFailure(const std::string& address);

}  // namespace tierhub::node

#endif  // TIERHUB_SERVICES_NODE_STARTUP_CHECKS_H_
