// Named fault points (Kudu's util/fault_injection.h): places on the exchange path where a test
// makes the process fail on purpose, so that a crash window ("the parent applied the batch but
// has not acknowledged it") happens exactly, every run, instead of by luck of a SIGKILL.
//
// A point is a name from kFaultPointNames. Off by default; when nothing is armed a point costs
// one relaxed atomic load. Armed, a hit of the point does the armed action:
//   crash      writes "fault point <name> hit: crash" to stderr and _exit(kFaultCrashExitCode):
//              no destructor, no flush, like SIGKILL at that instant;
//   abort      the same line, then std::abort();
//   error      the point returns an error (UNAVAILABLE unless `error:<CODE>`, e.g.
//              error:OUT_OF_RANGE), where the site can fail (TH_FAULT_POINT_STATUS);
//   block      the hitting thread waits until the point is disarmed (a process test then
//              SIGKILLs or SIGSTOPs the process);
// optionally only at the N-th hit (`@N`, once; counting from 1), and otherwise at every hit.
//
// Tests in the process arm points with Arm/ArmFromSpec; a real tierhubd arms them from the
// environment, TIERHUB_FAULTS="<name>=<action>[@N][,<name>=<action>[@N]...]" (docs/FAULTS.md),
// and refuses to start on an unknown name. Thread-safe.
#ifndef TIERHUB_SERVICES_COMMON_FAULT_POINTS_H_
#define TIERHUB_SERVICES_COMMON_FAULT_POINTS_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tierhub::faults {

// Every fault point there is; arming another name is INVALID_ARGUMENT.
inline constexpr const char* kFaultPointNames[] = {
    // Parent, Push: the batch and the child's cursor are committed, the ack not yet written.
    "exchange.parent.after_apply_before_ack",
    // Child, Push: the parent's ack has arrived, the `parent-acked` cursor not yet stored.
    "exchange.child.after_ack_before_store",
    // Parent, Pull: before reading the log for a child (error:OUT_OF_RANGE forces a resync).
    "exchange.parent.pull_start",
    // Child, Pull: a response (changes + cursor) has arrived and is not yet applied.
    "exchange.child.pull_mid_batch",
    // Parent, Snapshot: after a chunk went out and before the next (never after the last).
    "exchange.parent.snapshot_mid",
    // Child, Snapshot: after a chunk was applied and before the next (never after the last).
    "exchange.child.snapshot_mid",
};

// The exit code of a process ended by a `crash` point.
inline constexpr int kFaultCrashExitCode = 86;

// The environment variable tierhubd reads its armed points from.
inline constexpr char kFaultsEnvVar[] = "TIERHUB_FAULTS";

enum class Action { kCrash, kAbort, kError, kBlock };

struct Arming {
  Action action = Action::kCrash;
  absl::StatusCode error_code = absl::StatusCode::kUnavailable;  // for kError
  uint64_t at_hit = 0;  // 0: every hit; N: only the N-th hit after arming
};

// Arms `name` (replacing an earlier arming of it). INVALID_ARGUMENT for an unknown name.
[[nodiscard]] absl::Status Arm(absl::string_view name, const Arming& arming);
// Arms every point of a TIERHUB_FAULTS value ("" arms nothing). INVALID_ARGUMENT naming the bad
// item (unknown point, action or code, or a bad @N); then nothing of `spec` is armed.
[[nodiscard]] absl::Status ArmFromSpec(absl::string_view spec);
// Disarms one point or all of them; threads blocked at a point go on.
void Disarm(absl::string_view name);
void DisarmAll();
// How often `name` was hit while armed (whatever the action), since it was last armed.
uint64_t HitsForTest(absl::string_view name);

namespace internal {
extern std::atomic<bool> any_armed;
// The slow path of a hit: looks the point up and does its action. Returns OK if the point is
// not armed, or not at this hit.
[[nodiscard]] absl::Status Hit(const char* name);
}  // namespace internal

}  // namespace tierhub::faults

// A fault point that can fail: an absl::Status expression, OK unless armed with `error`.
#define TH_FAULT_POINT_STATUS(name)                                                           \
  (ABSL_PREDICT_FALSE(::tierhub::faults::internal::any_armed.load(std::memory_order_relaxed)) \
       ? ::tierhub::faults::internal::Hit(name)                                               \
       : ::absl::OkStatus())

// A fault point that can fail, in a function returning convert(absl::Status): returns that
// if the point is armed with `error`. E.g. TH_RETURN_IF_FAULT("exchange...", ToGrpc);
#define TH_RETURN_IF_FAULT(name, convert)                               \
  do {                                                                  \
    ::absl::Status th_fault_ = TH_FAULT_POINT_STATUS(name);             \
    if (ABSL_PREDICT_FALSE(!th_fault_.ok())) return convert(th_fault_); \
  } while (0)

// A fault point where nothing can fail: crash, abort or block; an `error` arming is ignored.
#define TH_FAULT_POINT(name) TH_FAULT_POINT_STATUS(name).IgnoreError()

#endif  // TIERHUB_SERVICES_COMMON_FAULT_POINTS_H_
