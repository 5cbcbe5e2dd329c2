#include "services/common/log.h"

#include <cstdio>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tierhub {
namespace {

absl::Mutex g_mu;
std::string* g_node_id ABSL_GUARDED_BY(g_mu) = nullptr;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

}  // namespace

void SetLogNodeId(absl::string_view node_id) {
  absl::MutexLock lock(&g_mu);
  if (g_node_id == nullptr) g_node_id = new std::string;
  *g_node_id = std::string(node_id);
}

void LogLine(LogLevel level, absl::string_view message) {
  std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  absl::MutexLock lock(&g_mu);
  std::string line = absl::StrCat(time, " ", g_node_id ? *g_node_id : "-", " ", LevelName(level),
                                  " ", message, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace tierhub
