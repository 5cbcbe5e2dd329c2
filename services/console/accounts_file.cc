#include "services/console/accounts_file.h"

#include <sys/stat.h>

#include "services/common/log.h"

namespace tierhub::console {

absl::StatusOr<std::unique_ptr<AccountsFile>> AccountsFile::Open(std::string path) {
  std::unique_ptr<AccountsFile> file(new AccountsFile(std::move(path)));
  absl::MutexLock lock(&file->mu_);
  file->stamp_ = StampOf(file->path_);
  auto accounts = LoadAccounts(file->path_);
  if (!accounts.ok()) return accounts.status();
  file->accounts_ = *std::move(accounts);
  return file;
}

std::optional<AccountsFile::Stamp> AccountsFile::StampOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return Stamp{st.st_ino, st.st_size, st.st_mtim};
}

void AccountsFile::RefreshLocked() {
  const std::optional<Stamp> now = StampOf(path_);
  if (now == stamp_) return;
  stamp_ = now;  // read once per change, whether it parses or not
  auto accounts = LoadAccounts(path_);
  if (!accounts.ok()) {
    // Being written by hand, or broken: keep who could log in until the file parses again.
    LogWarning("console: web.accounts_file changed but cannot be used (",
               accounts.status().ToString(), "); the accounts read before stay in force");
    return;
  }
  LogInfo("console: web.accounts_file read again: ", accounts->size(), " account(s)");
  accounts_ = *std::move(accounts);
}

std::optional<Account> AccountsFile::Find(const std::string& name) {
  absl::MutexLock lock(&mu_);
  RefreshLocked();
  for (const Account& a : accounts_) {
    if (a.name == name) return a;
  }
  return std::nullopt;
}

}  // namespace tierhub::console
