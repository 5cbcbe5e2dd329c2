// The console's accounts file (docs/CONSOLE.md, "Accounts"): one line per user, "name identity
// hash", fields separated by single spaces, '#' starts a comment line. The identity has the form
// of a certificate's common name (ops:<region>:<user> or dept:<DEPT>:<region>:<user>); the hash
// is argon2id in its encoded form ($argon2id$v=19$m=...). Used by the console to check logins
// and by `tierhubctl web-user` to manage the file. Pure functions; thread-safe.
#ifndef TIERHUB_SERVICES_CONSOLE_ACCOUNTS_H_
#define TIERHUB_SERVICES_CONSOLE_ACCOUNTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tierhub::console {

struct Account {
  std::string name;      // login name: 1-64 of [A-Za-z0-9._-]
  std::string identity;  // ops:<region>:<user> or dept:<DEPT>:<region>:<user>
  std::string hash;      // argon2id, encoded
};

// INVALID_ARGUMENT naming the field unless `name` is a valid login name.
[[nodiscard]] absl::Status CheckAccountName(absl::string_view name);
// INVALID_ARGUMENT unless `identity` parses as an operator or department identity (node
// identities are for the exchange and never log in to a console).
[[nodiscard]] absl::Status CheckAccountIdentity(absl::string_view identity);

// Parses the file's text; INVALID_ARGUMENT "line N: reason" for a bad line or a repeated name.
[[nodiscard]] absl::StatusOr<std::vector<Account>> ParseAccounts(absl::string_view text);
// Reads and parses `path` (NOT_FOUND if it cannot be read).
[[nodiscard]] absl::StatusOr<std::vector<Account>> LoadAccounts(const std::string& path);
// Writes `accounts` to `path` atomically (a temporary file renamed over it), mode 0600.
[[nodiscard]] absl::Status SaveAccounts(const std::string& path,
                                        const std::vector<Account>& accounts);

// argon2id of `password` with a fresh random salt (t=2, m=19 MiB, p=1: OWASP's minimum).
// INVALID_ARGUMENT for an empty or over-long (> 1024 bytes) password.
[[nodiscard]] absl::StatusOr<std::string> HashPassword(absl::string_view password);
// True if `password` matches the encoded argon2id `hash`.
bool VerifyPassword(const std::string& hash, absl::string_view password);

}  // namespace tierhub::console

#endif  // TIERHUB_SERVICES_CONSOLE_ACCOUNTS_H_
