// Clock: the one seam for "now" and for waiting (principle 9). Everything that reads time or
// waits for some takes a Clock: a node has two, one that dates what it records and a timer
// that paces its loops (backoffs, watchdogs, maintenance); both are the system clock in
// production, and a test may fake either.
#ifndef TIERHUB_SERVICES_COMMON_CLOCK_H_
#define TIERHUB_SERVICES_COMMON_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tierhub {

// Source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // With `mu` held: waits until `cond` holds or `timeout` of this clock's time has passed, and
  // returns whether `cond` holds (absl::Mutex::AwaitWithTimeout on this clock).
  virtual bool AwaitWithTimeout(absl::Mutex& mu, const absl::Condition& cond,
                                absl::Duration timeout) const = 0;
  // Blocks for `d` of this clock's time.
  void SleepFor(absl::Duration d) const;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
  bool AwaitWithTimeout(absl::Mutex& mu, const absl::Condition& cond,
                        absl::Duration timeout) const override;
  // A process-wide instance; never destroyed.
  static SystemClock* Get();
};

// A clock that moves only when told to. A wait on it ends when its condition holds or when
// the clock has been moved past the wait's end (it looks every millisecond of real time).
// Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1554076800))  // 2019-04-01
      : now_(start) {}
  absl::Time Now() const override;
  bool AwaitWithTimeout(absl::Mutex& mu, const absl::Condition& cond,
                        absl::Duration timeout) const override;
  void Advance(absl::Duration d);
  void Set(absl::Time t);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_CLOCK_H_
