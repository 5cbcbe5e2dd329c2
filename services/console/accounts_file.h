// The accounts file as the running console sees it: read at start, and read again whenever it
// changes on disk (`tierhubctl web-user add|remove` while the node runs), so that a new user can
// log in and a removed one's sessions end at their next request, without a restart. A file that
// no longer parses keeps the accounts read last (and says so once in the log) rather than
// locking everyone out (a warning in the log, once per change). Thread-safe.
#ifndef TIERHUB_SERVICES_CONSOLE_ACCOUNTS_FILE_H_
#define TIERHUB_SERVICES_CONSOLE_ACCOUNTS_FILE_H_

#include <sys/types.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/console/accounts.h"

namespace tierhub::console {

class AccountsFile {
 public:
  // Reads `path`; its error (NOT_FOUND, INVALID_ARGUMENT "line N: ...") if it cannot be used.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AccountsFile>> Open(std::string path);

  // The account named `name` as the file says now (one stat per call; a re-read only when the
  // file's inode, size or modification time changed).
  std::optional<Account> Find(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // What tells that the file was replaced or written (SaveAccounts renames a new file over it).
  struct Stamp {
    ino_t inode = 0;
    off_t size = -1;
    timespec modified = {};
    bool operator==(const Stamp& o) const {
      return inode == o.inode && size == o.size && modified.tv_sec == o.modified.tv_sec &&
             modified.tv_nsec == o.modified.tv_nsec;
    }
  };
  static std::optional<Stamp> StampOf(const std::string& path);

  explicit AccountsFile(std::string path) : path_(std::move(path)) {}
  void RefreshLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  absl::Mutex mu_;
  std::vector<Account> accounts_ ABSL_GUARDED_BY(mu_);
  std::optional<Stamp> stamp_ ABSL_GUARDED_BY(mu_);  // of the file last read
};

}  // namespace tierhub::console

#endif  // TIERHUB_SERVICES_CONSOLE_ACCOUNTS_FILE_H_
