#include "services/node/live_tls.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "services/common/status_macros.h"
#include "services/node/startup_checks.h"

namespace tierhub::node {
namespace {

namespace fs = std::filesystem;

absl::Status WriteSynced(const std::string& path, const std::string& text) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat(path, ": cannot be written"));
  }
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LiveTlsFiles>> LiveTlsFiles::Create(const v1::TlsConfig& tls,
                                                                   std::string dir,
                                                                   const Clock* clock) {
  const absl::Time now = clock->Now();
  // Checked before anything is written, so that a bad file stops the node with nothing touched.
  TH_RETURN_IF_ERROR(LoadTlsFiles(tls, now).status());
  std::unique_ptr<LiveTlsFiles> live(new LiveTlsFiles(tls, std::move(dir), clock));
  std::error_code ec;
  fs::create_directories(live->dir_, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("TLS copies: cannot create ", live->dir_, " (", ec.message(), ")"));
  }
  absl::MutexLock lock(&live->mu_);
  TH_RETURN_IF_ERROR(live->InstallLocked().status());
  return live;
}

absl::StatusOr<std::string> LiveTlsFiles::Reload() {
  absl::MutexLock lock(&mu_);
  return InstallLocked();
}

absl::StatusOr<std::string> LiveTlsFiles::InstallLocked() {
  TH_ASSIGN_OR_RETURN(TlsFiles files, LoadTlsFiles(tls_, clock_->Now()));
  // A fresh generation directory, then the symlink renamed over `current`.
  const int next = generation_ + 1;
  const std::string gen = absl::StrCat(dir_, "/gen-", next);
  std::error_code ec;
  fs::remove_all(gen, ec);
  fs::create_directory(gen, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("TLS copies: cannot create ", gen));
  TH_RETURN_IF_ERROR(WriteSynced(gen + "/ca.pem", files.ca_pem));
  TH_RETURN_IF_ERROR(WriteSynced(gen + "/cert.pem", files.cert_pem));
  TH_RETURN_IF_ERROR(WriteSynced(gen + "/key.pem", files.key_pem));
  const std::string link = dir_ + "/current";
  const std::string tmp = dir_ + "/current.tmp";
  fs::remove(tmp, ec);
  if (symlink(absl::StrCat("gen-", next).c_str(), tmp.c_str()) != 0 ||
      rename(tmp.c_str(), link.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("TLS copies: cannot switch ", link, " (", std::strerror(errno), ")"));
  }
  // The generation before the previous one is no longer read by anyone.
  fs::remove_all(absl::StrCat(dir_, "/gen-", generation_ - 1), ec);
  generation_ = next;
  return files.not_after;
}

std::shared_ptr<grpc::ServerCredentials> LiveTlsFiles::ServerCredentials() const {
  const std::string current = dir_ + "/current";
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      current + "/key.pem", current + "/cert.pem", current + "/ca.pem", kRefreshSeconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace tierhub::node
