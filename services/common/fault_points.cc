#include "services/common/fault_points.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"

namespace tierhub::faults {
namespace internal {
std::atomic<bool> any_armed{false};
}  // namespace internal

namespace {

struct Armed {
  Arming arming;
  uint64_t hits = 0;
};

struct Registry {
  absl::Mutex mu;
  std::map<std::string, Armed, std::less<>> armed ABSL_GUARDED_BY(mu);
  std::map<std::string, uint64_t, std::less<>> hits ABSL_GUARDED_BY(mu);
};

Registry& Points() {
  static Registry* const registry = new Registry;  // never destroyed: points may fire at exit
  return *registry;
}

bool Known(absl::string_view name) {
  for (const char* known : kFaultPointNames) {
    if (name == known) return true;
  }
  return false;
}

void UpdateAnyArmedLocked(Registry& r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r.mu) {
  internal::any_armed.store(!r.armed.empty(), std::memory_order_relaxed);
}

// Written with write(2): the process is about to end without flushing stdio.
void Announce(const char* name, const char* action) {
  const std::string line = absl::StrCat("fault point ", name, " hit: ", action, "\n");
  ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

absl::StatusOr<absl::StatusCode> CodeNamed(absl::string_view text) {
  for (int c = 1; c <= 16; ++c) {
    const auto code = static_cast<absl::StatusCode>(c);
    if (absl::StatusCodeToString(code) == text) return code;
  }
  return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a status code name"));
}

absl::StatusOr<std::pair<std::string, Arming>> ParseItem(absl::string_view item) {
  const size_t eq = item.find('=');
  if (eq == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("'", item, "': expected <point>=<action>"));
  }
  std::string name(item.substr(0, eq));
  absl::string_view action = item.substr(eq + 1);
  if (!Known(name)) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not a fault point"));
  }
  Arming arming;
  if (size_t at = action.find('@'); at != absl::string_view::npos) {
    if (!absl::SimpleAtoi(action.substr(at + 1), &arming.at_hit) || arming.at_hit == 0) {
      return absl::InvalidArgumentError(absl::StrCat("'", item, "': @N needs a hit number from 1"));
    }
    action = action.substr(0, at);
  }
  if (action == "crash") {
    arming.action = Action::kCrash;
  } else if (action == "abort") {
    arming.action = Action::kAbort;
  } else if (action == "block") {
    arming.action = Action::kBlock;
  } else if (action == "error" || absl::StartsWith(action, "error:")) {
    arming.action = Action::kError;
    if (action != "error") {
      auto code = CodeNamed(action.substr(6));
      if (!code.ok())
        return absl::InvalidArgumentError(absl::StrCat("'", item, "': ", code.status().message()));
      arming.error_code = *code;
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("'", item, "': the action is one of crash, abort, error[:CODE], block"));
  }
  return std::make_pair(std::move(name), arming);
}

}  // namespace

absl::Status Arm(absl::string_view name, const Arming& arming) {
  if (!Known(name)) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not a fault point"));
  }
  Registry& r = Points();
  absl::MutexLock lock(&r.mu);
  r.armed[std::string(name)] = Armed{arming, 0};
  r.hits[std::string(name)] = 0;
  UpdateAnyArmedLocked(r);
  return absl::OkStatus();
}

absl::Status ArmFromSpec(absl::string_view spec) {
  std::vector<std::pair<std::string, Arming>> items;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    auto parsed = ParseItem(item);
    if (!parsed.ok()) return parsed.status();
    items.push_back(std::move(*parsed));
  }
  for (const auto& [name, arming] : items) {
    if (absl::Status s = Arm(name, arming); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void Disarm(absl::string_view name) {
  Registry& r = Points();
  absl::MutexLock lock(&r.mu);
  if (auto it = r.armed.find(name); it != r.armed.end()) r.armed.erase(it);
  UpdateAnyArmedLocked(r);
}

void DisarmAll() {
  Registry& r = Points();
  absl::MutexLock lock(&r.mu);
  r.armed.clear();
  UpdateAnyArmedLocked(r);
}

uint64_t HitsForTest(absl::string_view name) {
  Registry& r = Points();
  absl::MutexLock lock(&r.mu);
  auto it = r.hits.find(name);
  return it == r.hits.end() ? 0 : it->second;
}

namespace internal {

absl::Status Hit(const char* name) {
  Registry& r = Points();
  absl::MutexLock lock(&r.mu);
  auto it = r.armed.find(absl::string_view(name));
  if (it == r.armed.end()) return absl::OkStatus();
  ++r.hits[std::string(name)];
  const Arming arming = it->second.arming;
  const uint64_t hit = ++it->second.hits;
  if (arming.at_hit != 0 && hit != arming.at_hit) return absl::OkStatus();
  switch (arming.action) {
    case Action::kCrash:
      Announce(name, "crash");
      _exit(kFaultCrashExitCode);
    case Action::kAbort:
      Announce(name, "abort");
      std::abort();
    case Action::kError:
      return absl::Status(arming.error_code, absl::StrCat("fault point ", name, " armed"));
    case Action::kBlock: {
      Announce(name, "block");
      const std::string key(name);
      auto disarmed = [&r, &key]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(r.mu) {
        return r.armed.find(key) == r.armed.end();
      };
      r.mu.Await(absl::Condition(&disarmed));
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace tierhub::faults
