#include "services/console/sessions.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/escaping.h"

namespace tierhub::console {

std::string RandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // No randomness means no safe session at all: a broken host, not a condition to serve on.
    std::abort();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

std::string Sessions::Create(const std::string& name, const std::string& identity) {
  const std::string token = RandomToken();
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  DropExpiredLocked(now);
  if (sessions_.size() >= kMaxSessions) {
    // The oldest-expiring session goes first: a flood of logins cannot grow memory.
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.expires < b.second.expires;
    });
    sessions_.erase(oldest);
  }
  sessions_[token] = Session{name, identity, RandomToken(), now + lifetime_, burst_, now};
  return token;
}

absl::Duration Sessions::Admit(const std::string& token) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return absl::ZeroDuration();
  Session& s = it->second;
  s.budget = std::min(burst_, s.budget + absl::ToDoubleSeconds(now - s.refilled) * rate_);
  s.refilled = now;
  if (s.budget >= 1) {
    s.budget -= 1;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1 - s.budget) / rate_);
}

std::optional<Session> Sessions::Find(const std::string& token) {
  if (token.size() != 64) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  if (clock_->Now() >= it->second.expires) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void Sessions::Remove(const std::string& token) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(token);
}

size_t Sessions::size() const {
  absl::MutexLock lock(&mu_);
  return sessions_.size();
}

void Sessions::DropExpiredLocked(absl::Time now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = now >= it->second.expires ? sessions_.erase(it) : std::next(it);
  }
}

absl::Duration Sessions::WaitBeforeLogin(const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = failures_.find(name);
  if (it == failures_.end()) return absl::ZeroDuration();
  return std::max(absl::ZeroDuration(), it->second.next_allowed - clock_->Now());
}

void Sessions::LoginFailed(const std::string& name) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (failures_.size() >= kMaxTrackedNames && failures_.count(name) == 0) {
    // Names whose wait is over are forgotten first; a name still waiting is kept.
    for (auto it = failures_.begin(); it != failures_.end();) {
      it = it->second.next_allowed <= now ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= kMaxTrackedNames) failures_.erase(failures_.begin());
  }
  Failures& f = failures_[name];
  ++f.count;
  if (f.count > kFreeFailures) {
    const int doublings = std::min(f.count - kFreeFailures - 1, 9);
    f.next_allowed = now + std::min(absl::Seconds(1) * (1 << doublings), absl::Minutes(5));
  }
}

void Sessions::LoginSucceeded(const std::string& name) {
  absl::MutexLock lock(&mu_);
  failures_.erase(name);
}

}  // namespace tierhub::console
