// LiveTlsFiles: the node's TLS files as its server presents them, renewable without a restart.
// gRPC's FileWatcherCertificateProvider re-reads files on its own schedule, whatever state
// they are in; so the server watches private copies instead (`dir`/current, a symlink to one
// generation directory), and Reload() replaces them only after the configured files pass
// LoadTlsFiles (readable PEM, key matches certificate, issued by the CA, not expired), by
// renaming the symlink: gRPC sees the old set or the new one, never a mix, and never a bad
// renewal. New handshakes use the new set within kRefresh; open connections are not dropped.
// Thread-safe.
#ifndef TIERHUB_SERVICES_NODE_LIVE_TLS_H_
#define TIERHUB_SERVICES_NODE_LIVE_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"
#include "services/common/clock.h"
#include "tierhub/v1/config.pb.h"

namespace tierhub::node {

class LiveTlsFiles {
 public:
  // How often gRPC re-reads the copies.
  static constexpr unsigned kRefreshSeconds = 1;

  // Checks the files of `tls` at `now` (INVALID_ARGUMENT naming the field, see LoadTlsFiles)
  // and makes the first copies under `dir` (created; UNAVAILABLE if it cannot be written).
  // `clock` is borrowed and must outlive this object.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<LiveTlsFiles>> Create(
      const v1::TlsConfig& tls, std::string dir, const Clock* clock);

  // Server credentials that require and verify a client certificate from the CA, and follow
  // the copies.
  std::shared_ptr<grpc::ServerCredentials> ServerCredentials() const;

  // Checks the configured files again and, if they pass, makes them the copies the server
  // presents. On an error the copies stay as they were. Returns the new certificate's expiry
  // ("Dec  6 21:00:00 2028 GMT") for the log.
  [[nodiscard]] absl::StatusOr<std::string> Reload();

 private:
  LiveTlsFiles(v1::TlsConfig tls, std::string dir, const Clock* clock)
      : tls_(std::move(tls)), dir_(std::move(dir)), clock_(clock) {}
  [[nodiscard]] absl::StatusOr<std::string> InstallLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const v1::TlsConfig tls_;
  const std::string dir_;
  const Clock* const clock_;
  absl::Mutex mu_;
  int generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tierhub::node

#endif  // TIERHUB_SERVICES_NODE_LIVE_TLS_H_
