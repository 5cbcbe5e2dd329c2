#include "services/node/startup_checks.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace tierhub::node {
namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

absl::Status Invalid(absl::string_view field, absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", path, " ", why));
}

// OpenSSL's reason for the last failure ("no start line", "bad base64 decode"); clears its
// error queue.
std::string OpenSslReason() {
  const unsigned long error = ERR_peek_last_error();
  const char* reason = error != 0 ? ERR_reason_error_string(error) : nullptr;
  ERR_clear_error();
  return absl::StrCat("(OpenSSL: ", reason != nullptr ? reason : "no detail", ")");
}

// The whole of a regular file that is not empty.
absl::StatusOr<std::string> ReadTlsFile(absl::string_view field, const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Invalid(field, path, absl::StrCat("cannot be read (", std::strerror(errno), ")"));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool directory = S_ISDIR(st.st_mode);
    close(fd);
    return Invalid(field, path, directory ? "is a directory, not a PEM file" : "is not a file");
  }
  std::string text;
  char buffer[8192];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  const int read_errno = errno;
  close(fd);
  if (n < 0) {
    return Invalid(field, path, absl::StrCat("cannot be read (", std::strerror(read_errno), ")"));
  }
  if (absl::StripAsciiWhitespace(text).empty()) return Invalid(field, path, "is empty");
  return text;
}

BioPtr MemoryBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
}

// Every PEM certificate in `pem`, at least one.
absl::StatusOr<std::vector<X509Ptr>> Certificates(absl::string_view field, const std::string& path,
                                                  const std::string& pem) {
  ERR_clear_error();
  BioPtr bio = MemoryBio(pem);
  std::vector<X509Ptr> certs;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(cert, X509_free);
  }
  // Reading stops with "no start line" after the last certificate; anything else is damage.
  const unsigned long error = ERR_peek_last_error();
  const bool clean_end =
      ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
  if (certs.empty()) {
    return Invalid(field, path, absl::StrCat("holds no PEM certificate ", OpenSslReason()));
  }
  if (error != 0 && !clean_end) {
    return Invalid(field, path,
                   absl::StrCat("holds a damaged certificate after the first ", certs.size(), " ",
                                OpenSslReason()));
  }
  ERR_clear_error();
  return certs;
}

// ASN1 time as OpenSSL prints it: "Dec  6 21:00:00 2026 GMT".
std::string TimeText(const ASN1_TIME* t) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  ASN1_TIME_print(bio.get(), t);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// The node's own certificate `chain` (leaf first) is valid at `now` and issued by a CA in
// `ca_pem`. Checked at start, so that a node never serves with a certificate every peer
// refuses.
absl::Status CheckOwnCertificate(const v1::TlsConfig& tls, const std::string& ca_pem,
                                 const std::vector<X509Ptr>& chain, absl::Time now) {
  X509* leaf = chain.front().get();
  time_t at = absl::ToTimeT(now);
  if (X509_cmp_time(X509_get0_notAfter(leaf), &at) < 0) {
    return Invalid("tls.cert_file", tls.cert_file(),
                   absl::StrCat("expired at ", TimeText(X509_get0_notAfter(leaf)),
                                " (renew it; peers refuse an expired certificate)"));
  }
  if (X509_cmp_time(X509_get0_notBefore(leaf), &at) > 0) {
    return Invalid("tls.cert_file", tls.cert_file(),
                   absl::StrCat("is not valid before ", TimeText(X509_get0_notBefore(leaf)),
                                " (is this host's clock right?)"));
  }
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  auto cas = Certificates("tls.ca_file", tls.ca_file(), ca_pem);
  if (!cas.ok()) return cas.status();
  for (const X509Ptr& ca : *cas) X509_STORE_add_cert(store.get(), ca.get());
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> intermediates(
      sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_free(s); });
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(intermediates.get(), chain[i].get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      X509_STORE_CTX_free);
  if (ctx == nullptr ||
      X509_STORE_CTX_init(ctx.get(), store.get(), leaf, intermediates.get()) != 1) {
    return absl::InternalError(absl::StrCat("tls.cert_file: cannot verify ", OpenSslReason()));
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, at);
  const bool verified = X509_verify_cert(ctx.get()) == 1;
  const int code = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  if (!verified) {
    return Invalid("tls.cert_file", tls.cert_file(),
                   absl::StrCat("is not issued by a CA in tls.ca_file ", tls.ca_file(),
                                " (OpenSSL: ", X509_verify_cert_error_string(code), ")"));
  }
  return absl::OkStatus();
}

// Never asks for a passphrase on the terminal: a node starts unattended.
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

absl::StatusOr<TlsFiles> LoadTlsFiles(const v1::TlsConfig& tls, absl::Time now) {
  TlsFiles files;
  TH_ASSIGN_OR_RETURN(files.ca_pem, ReadTlsFile("tls.ca_file", tls.ca_file()));
  TH_RETURN_IF_ERROR(Certificates("tls.ca_file", tls.ca_file(), files.ca_pem).status());
  TH_ASSIGN_OR_RETURN(files.cert_pem, ReadTlsFile("tls.cert_file", tls.cert_file()));
  TH_ASSIGN_OR_RETURN(std::vector<X509Ptr> chain,
                      Certificates("tls.cert_file", tls.cert_file(), files.cert_pem));
  TH_ASSIGN_OR_RETURN(files.key_pem, ReadTlsFile("tls.key_file", tls.key_file()));
  ERR_clear_error();
  BioPtr bio = MemoryBio(files.key_pem);
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr), EVP_PKEY_free);
  if (key == nullptr) {
    return Invalid("tls.key_file", tls.key_file(),
                   absl::StrCat("is not an unencrypted PEM private key ", OpenSslReason()));
  }
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    ERR_clear_error();
    return Invalid("tls.key_file", tls.key_file(),
                   absl::StrCat("does not match the certificate in tls.cert_file ", tls.cert_file(),
                                " (the key of another certificate?)"));
  }
  TH_RETURN_IF_ERROR(CheckOwnCertificate(tls, files.ca_pem, chain, now));
  files.not_after = TimeText(X509_get0_notAfter(chain.front().get()));
  return files;
}

absl::Status ListenFailure(const std::string& address) {
  const std::string head = absl::StrCat("listen_address: cannot listen on ", address);
  const size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon == std::string::npos ? 0 : colon);
  const std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int resolved =
      getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (resolved != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(head, ": '", host, "' does not resolve (", gai_strerror(resolved), ")"));
  }
  // Bind as gRPC does (SO_REUSEADDR, no SO_REUSEPORT) to learn the reason it kept to itself.
  int error = 0;
  for (addrinfo* a = found; a != nullptr && error == 0; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = errno;
      break;
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) error = errno;
    close(fd);
  }
  freeaddrinfo(found);
  switch (error) {
    case EADDRINUSE:
      return absl::UnavailableError(
          absl::StrCat(head,
                       ": address already in use (another process listens there; a node never "
                       "shares its port)"));
    case EADDRNOTAVAIL:
      return absl::InvalidArgumentError(
          absl::StrCat(head, ": the address is not one of this host's"));
    case EACCES:
      return absl::PermissionDeniedError(
          absl::StrCat(head, ": permission denied (ports below 1024 need privileges)"));
    case 0:
      return absl::UnavailableError(
          absl::StrCat(head, ": gRPC refused it (the address binds; see gRPC's log line)"));
    default:
      return absl::UnavailableError(absl::StrCat(head, ": ", std::strerror(error)));
  }
}

}  // namespace tierhub::node
