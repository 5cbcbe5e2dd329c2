// SmallDisk: a real filesystem that fills up, for tests of a full disk with real processes: a
// tmpfs of a few MiB mounted over a directory, in a mount namespace of the test process's own
// (entered without root through a user namespace), so the kernel itself answers ENOSPC.
// Processes the test starts afterwards inherit the namespace and see the mount.
// Not thread-safe; one owner.
#ifndef TIERHUB_TESTS_TESTUTIL_SMALL_DISK_H_
#define TIERHUB_TESTS_TESTUTIL_SMALL_DISK_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tierhub::testutil {

// Moves this process into a new user and mount namespace in which it may mount. REQUIRES: the
// process has one thread (call it first thing in main()). FAILED_PRECONDITION if the kernel
// does not allow it (unprivileged user namespaces disabled, or seccomp); tests then skip.
absl::Status EnterPrivateMountNamespace();
// What EnterPrivateMountNamespace() returned, for tests to skip on.
const absl::Status& PrivateMountNamespaceStatus();

class SmallDisk {
 public:
  // Mounts a tmpfs of `bytes` over `dir` (created if missing). REQUIRES: a private mount
  // namespace (EnterPrivateMountNamespace).
  static absl::StatusOr<std::unique_ptr<SmallDisk>> Mount(const std::string& dir, uint64_t bytes);
  ~SmallDisk();  // unmounts (lazily: a process may still hold files open)

  // Writes a filler file until the disk is full, to the last byte. Returns the bytes it took.
  uint64_t Fill();
  // Deletes the filler: the disk has its room back.
  void Free();
  uint64_t FreeBytes() const;

 private:
  explicit SmallDisk(std::string dir) : dir_(std::move(dir)) {}
  const std::string dir_;
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_SMALL_DISK_H_
