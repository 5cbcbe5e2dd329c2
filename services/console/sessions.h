// The console's server-side sessions and its slow-down of repeated failed logins. A session is
// a random token (the cookie's value) that maps to an account's name and identity until it
// expires; nothing about it is kept in the browser but the token. Thread-safe.
#ifndef TIERHUB_SERVICES_CONSOLE_SESSIONS_H_
#define TIERHUB_SERVICES_CONSOLE_SESSIONS_H_

#include <map>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"

namespace tierhub::console {

struct Session {
  std::string name;      // the account's login name
  std::string identity;  // its identity (accounts.h)
  std::string csrf;      // token that forms posting to the console must carry
  absl::Time expires;
  double budget = 0;    // requests it may still make now (Admit)
  absl::Time refilled;  // when `budget` was last topped up
};

class Sessions {
 public:
  // `clock` is borrowed and must outlive this.
  // `requests_per_second` is each session's sustained budget (Admit), 0 = kRequestsPerSecond.
  Sessions(const Clock* clock, absl::Duration lifetime, double requests_per_second = 0)
      : clock_(clock),
        lifetime_(lifetime),
        rate_(requests_per_second > 0 ? requests_per_second : kRequestsPerSecond),
        burst_(kBurstFactor * rate_) {}

  // A new session for the account; returns its token (64 hex digits).
  std::string Create(const std::string& name, const std::string& identity);
  // The live session of `token`, or nullopt (unknown, forged or expired: an expired one is
  // removed).
  std::optional<Session> Find(const std::string& token);
  void Remove(const std::string& token);
  size_t size() const;

  // Each session's request budget, so that one user (or a script with a user's cookie) cannot
  // take the node's CPU from the exchange: a token bucket of kBurstFactor times the rate,
  // refilled at the rate, far above what a person clicking pages needs. Zero if the request may
  // go ahead (and it is counted), else how long until the next one may; zero for a token
  // that is no session (the caller refuses it anyway).
  absl::Duration Admit(const std::string& token);

  // Failed logins per name: after kFreeFailures failures in a row a name must wait, 1 s after
  // the next failure, doubling up to 5 minutes; a success clears it. How long `name` must still
  // wait before its next attempt is looked at (zero: it may try now).
  absl::Duration WaitBeforeLogin(const std::string& name);
  void LoginFailed(const std::string& name);
  void LoginSucceeded(const std::string& name);

  static constexpr double kRequestsPerSecond = 5;
  static constexpr double kBurstFactor = 6;
  double requests_per_second() const { return rate_; }
  double burst_requests() const { return burst_; }
  static constexpr int kFreeFailures = 3;
  static constexpr size_t kMaxSessions = 10000;
  static constexpr size_t kMaxTrackedNames = 10000;

 private:
  struct Failures {
    int count = 0;
    absl::Time next_allowed = absl::InfinitePast();
  };
  void DropExpiredLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* const clock_;
  const absl::Duration lifetime_;
  const double rate_;
  const double burst_;
  mutable absl::Mutex mu_;
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Failures> failures_ ABSL_GUARDED_BY(mu_);
};

// 32 random bytes as hex (OpenSSL's RAND_bytes).
std::string RandomToken();

}  // namespace tierhub::console

#endif  // TIERHUB_SERVICES_CONSOLE_SESSIONS_H_
