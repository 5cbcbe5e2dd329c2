#include "tests/testutil/small_disk.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace tierhub::testutil {
namespace {

absl::Status g_namespace = absl::FailedPreconditionError("EnterPrivateMountNamespace not called");

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out.flush());
}

std::string FillerPath(const std::string& dir) { return dir + "/filler"; }

}  // namespace

absl::Status EnterPrivateMountNamespace() {
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
    g_namespace = absl::FailedPreconditionError(
        absl::StrCat("unshare(CLONE_NEWUSER | CLONE_NEWNS): ", std::strerror(errno)));
    return g_namespace;
  }
  // Map this user to root inside, so that mount(2) is allowed there.
  if (!WriteFile("/proc/self/setgroups", "deny") ||
      !WriteFile("/proc/self/uid_map", absl::StrCat("0 ", uid, " 1")) ||
      !WriteFile("/proc/self/gid_map", absl::StrCat("0 ", gid, " 1"))) {
    g_namespace = absl::FailedPreconditionError("cannot write the user namespace's id maps");
    return g_namespace;
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    g_namespace = absl::FailedPreconditionError(
        absl::StrCat("make / private in the new mount namespace: ", std::strerror(errno)));
    return g_namespace;
  }
  g_namespace = absl::OkStatus();
  return g_namespace;
}

const absl::Status& PrivateMountNamespaceStatus() { return g_namespace; }

absl::StatusOr<std::unique_ptr<SmallDisk>> SmallDisk::Mount(const std::string& dir,
                                                            uint64_t bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string options = absl::StrCat("size=", bytes);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("mount tmpfs (", options, ") on ", dir, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<SmallDisk>(new SmallDisk(dir));
}

SmallDisk::~SmallDisk() { ::umount2(dir_.c_str(), MNT_DETACH); }

uint64_t SmallDisk::Fill() {
  const int fd = ::open(FillerPath(dir_).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return 0;
  uint64_t total = 0;
  const std::string chunk(64 << 10, 'x');
  // Large writes first, then single bytes for what is left of the last page.
  for (size_t size : {chunk.size(), size_t{4096}, size_t{1}}) {
    while (true) {
      const ssize_t n = ::write(fd, chunk.data(), size);
      if (n <= 0) break;
      total += static_cast<uint64_t>(n);
    }
  }
  ::close(fd);
  return total;
}

void SmallDisk::Free() { ::unlink(FillerPath(dir_).c_str()); }

uint64_t SmallDisk::FreeBytes() const {
  struct statvfs st;
  if (::statvfs(dir_.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace tierhub::testutil
