// Makes Debian's Abseil locks visible to ThreadSanitizer. libabsl_synchronization.so is not
// built with -fsanitize=thread, so TSan does not see absl::Mutex, CondVar or Notification
// (nor gRPC's locks, which are absl::Mutex) hand data from one thread to the next, and would
// report every ABSL_GUARDED_BY member as a race. scripts/tsan.sh preloads this library
// (LD_PRELOAD) into every test and every node it starts: each entry point below is Abseil's
// own, by its mangled name, and calls the real one (dlsym RTLD_NEXT), adding a release before
// a lock is given up and an acquire after it is taken, on the lock's address. That gives TSan
// the happens-before edges the lock makes; it does not make TSan check lock order.
//
// Only for the TSan build (tests/tsan/CMakeLists.txt); the names are those of Abseil
// 20220623 as Debian 12 builds it (inline namespace absl::debian3).
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

// absl::Duration and absl::Time as the ABI passes them (by value, two integer registers).
struct Duration {
  int64_t hi;
  uint32_t lo;
};
struct Time {
  Duration d;
};

template <typename F>
F Real(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    std::fprintf(stderr, "absl_sync_tsan: %s not found\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

#define REAL(type, name)                      \
  static const auto real = Real<type>(#name); \
  (void)0

}  // namespace

extern "C" {

// Mutex::Lock(), ReaderLock(), Unlock(), ReaderUnlock(), TryLock(), ReaderTryLock().
void _ZN4absl7debian35Mutex4LockEv(void* mu) {
  REAL(void (*)(void*), _ZN4absl7debian35Mutex4LockEv);
  real(mu);
  __tsan_acquire(mu);
}
void _ZN4absl7debian35Mutex10ReaderLockEv(void* mu) {
  REAL(void (*)(void*), _ZN4absl7debian35Mutex10ReaderLockEv);
  real(mu);
  __tsan_acquire(mu);
}
void _ZN4absl7debian35Mutex6UnlockEv(void* mu) {
  REAL(void (*)(void*), _ZN4absl7debian35Mutex6UnlockEv);
  __tsan_release(mu);
  real(mu);
}
void _ZN4absl7debian35Mutex12ReaderUnlockEv(void* mu) {
  REAL(void (*)(void*), _ZN4absl7debian35Mutex12ReaderUnlockEv);
  __tsan_release(mu);
  real(mu);
}
bool _ZN4absl7debian35Mutex7TryLockEv(void* mu) {
  REAL(bool (*)(void*), _ZN4absl7debian35Mutex7TryLockEv);
  const bool locked = real(mu);
  if (locked) __tsan_acquire(mu);
  return locked;
}
bool _ZN4absl7debian35Mutex13ReaderTryLockEv(void* mu) {
  REAL(bool (*)(void*), _ZN4absl7debian35Mutex13ReaderTryLockEv);
  const bool locked = real(mu);
  if (locked) __tsan_acquire(mu);
  return locked;
}

// LockWhen and friends: the lock is held on return (also when the timeout passed).
void _ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE(void* mu, const void* cond) {
  REAL(void (*)(void*, const void*), _ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE);
  real(mu, cond);
  __tsan_acquire(mu);
}
void _ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE(void* mu, const void* cond) {
  REAL(void (*)(void*, const void*), _ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE);
  real(mu, cond);
  __tsan_acquire(mu);
}
bool _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE(void* mu,
                                                                                 const void* cond,
                                                                                 Duration d) {
  REAL(bool (*)(void*, const void*, Duration),
       _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE);
  const bool met = real(mu, cond, d);
  __tsan_acquire(mu);
  return met;
}
bool _ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE(void* mu,
                                                                              const void* cond,
                                                                              Time t) {
  REAL(bool (*)(void*, const void*, Time),
       _ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE);
  const bool met = real(mu, cond, t);
  __tsan_acquire(mu);
  return met;
}
bool _ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    void* mu, const void* cond, Duration d) {
  REAL(bool (*)(void*, const void*, Duration),
       _ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE);
  const bool met = real(mu, cond, d);
  __tsan_acquire(mu);
  return met;
}
bool _ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE(
    void* mu, const void* cond, Time t) {
  REAL(bool (*)(void*, const void*, Time),
       _ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE);
  const bool met = real(mu, cond, t);
  __tsan_acquire(mu);
  return met;
}

// Await and CondVar::Wait give the lock up while they wait and hold it again on return.
void _ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(void* mu, const void* cond) {
  REAL(void (*)(void*, const void*), _ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE);
  __tsan_release(mu);
  real(mu, cond);
  __tsan_acquire(mu);
}
bool _ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE(void* mu,
                                                                              const void* cond,
                                                                              Duration d) {
  REAL(bool (*)(void*, const void*, Duration),
       _ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE);
  __tsan_release(mu);
  const bool met = real(mu, cond, d);
  __tsan_acquire(mu);
  return met;
}
bool _ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE(void* mu,
                                                                           const void* cond,
                                                                           Time t) {
  REAL(bool (*)(void*, const void*, Time),
       _ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE);
  __tsan_release(mu);
  const bool met = real(mu, cond, t);
  __tsan_acquire(mu);
  return met;
}
void _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(void* cv, void* mu) {
  REAL(void (*)(void*, void*), _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE);
  __tsan_release(mu);
  real(cv, mu);
  __tsan_acquire(mu);
}
bool _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE(void* cv, void* mu,
                                                                          Duration d) {
  REAL(bool (*)(void*, void*, Duration),
       _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE);
  __tsan_release(mu);
  const bool timed_out = real(cv, mu, d);
  __tsan_acquire(mu);
  return timed_out;
}
bool _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE(void* cv, void* mu, Time t) {
  REAL(bool (*)(void*, void*, Time),
       _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE);
  __tsan_release(mu);
  const bool timed_out = real(cv, mu, t);
  __tsan_acquire(mu);
  return timed_out;
}

// Notification: what happens before Notify() happens before a wait that returns notified.
void _ZN4absl7debian312Notification6NotifyEv(void* n) {
  REAL(void (*)(void*), _ZN4absl7debian312Notification6NotifyEv);
  __tsan_release(n);
  real(n);
}
void _ZNK4absl7debian312Notification19WaitForNotificationEv(const void* n) {
  REAL(void (*)(const void*), _ZNK4absl7debian312Notification19WaitForNotificationEv);
  real(n);
  __tsan_acquire(const_cast<void*>(n));
}
bool _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(const void* n,
                                                                                    Duration d) {
  REAL(bool (*)(const void*, Duration),
       _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE);
  const bool notified = real(n, d);
  if (notified) __tsan_acquire(const_cast<void*>(n));
  return notified;
}
bool _ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE(const void* n,
                                                                                 Time t) {
  REAL(bool (*)(const void*, Time),
       _ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE);
  const bool notified = real(n, t);
  if (notified) __tsan_acquire(const_cast<void*>(n));
  return notified;
}

}  // extern "C"
