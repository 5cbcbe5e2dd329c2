// One-line event logging to stderr: "<UTC time> <node id> <LEVEL> message". Thread-safe.
#ifndef TIERHUB_SERVICES_COMMON_LOG_H_
#define TIERHUB_SERVICES_COMMON_LOG_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace tierhub {

enum class LogLevel { kInfo, kWarning, kError };

// Sets the node id printed on every line (call once at start-up).
void SetLogNodeId(absl::string_view node_id);
void LogLine(LogLevel level, absl::string_view message);

template <typename... Args>
void LogInfo(const Args&... args) {
  LogLine(LogLevel::kInfo, absl::StrCat(args...));
}
template <typename... Args>
void LogWarning(const Args&... args) {
  LogLine(LogLevel::kWarning, absl::StrCat(args...));
}
template <typename... Args>
void LogError(const Args&... args) {
  LogLine(LogLevel::kError, absl::StrCat(args...));
}

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_LOG_H_
