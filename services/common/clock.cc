#include "services/common/clock.h"

namespace tierhub {

void Clock::SleepFor(absl::Duration d) const {
  absl::Mutex mu;
  absl::MutexLock lock(&mu);
  static constexpr bool kNever = false;
  AwaitWithTimeout(mu, absl::Condition(&kNever), d);
}

absl::Time SystemClock::Now() const { return absl::Now(); }

bool SystemClock::AwaitWithTimeout(absl::Mutex& mu, const absl::Condition& cond,
                                   absl::Duration timeout) const {
  return mu.AwaitWithTimeout(cond, timeout);
}

SystemClock* SystemClock::Get() {
  static SystemClock* const clock = new SystemClock();
  return clock;
}

absl::Time FakeClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

bool FakeClock::AwaitWithTimeout(absl::Mutex& mu, const absl::Condition& cond,
                                 absl::Duration timeout) const {
  const absl::Time end = Now() + timeout;
  while (true) {
    if (mu.AwaitWithTimeout(cond, absl::Milliseconds(1))) return true;
    if (Now() >= end) return cond.Eval();
  }
}

void FakeClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  now_ += d;
}

void FakeClock::Set(absl::Time t) {
  absl::MutexLock lock(&mu_);
  now_ = t;
}

}  // namespace tierhub
