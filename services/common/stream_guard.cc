#include "services/common/stream_guard.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "services/common/log.h"

namespace tierhub {

StreamGuard::Ticket::~Ticket() { guard_->Release(id_); }

void StreamGuard::Ticket::Touch() { guard_->Touch(id_); }

std::string StreamGuard::Ticket::ended() const { return guard_->EndedWhy(id_); }

StreamGuard::StreamGuard(Options options, const Clock* clock)
    : options_(std::move(options)), clock_(clock) {
  watchdog_ = std::thread([this] { Watch(); });
}

StreamGuard::~StreamGuard() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  watchdog_.join();
}

absl::StatusOr<std::unique_ptr<StreamGuard::Ticket>> StreamGuard::Admit(
    grpc::ServerContext* context, const std::string& caller) {
  absl::MutexLock lock(&mu_);
  if (static_cast<int>(streams_.size()) >= options_.max_streams) {
    ++refused_;
    return absl::ResourceExhaustedError(
        absl::StrCat(options_.what, ": this node reads at most ", options_.max_streams,
                     " such streams at once and all are in use; retry in a minute"));
  }
  int& mine = per_caller_[caller];
  if (mine >= options_.max_per_caller) {
    ++refused_;
    return absl::ResourceExhaustedError(
        absl::StrCat(options_.what, ": ", caller, " already has ", mine, " open, at most ",
                     options_.max_per_caller, " per caller; finish or cancel it first"));
  }
  ++mine;
  const uint64_t id = next_id_++;
  const absl::Time now = clock_->Now();
  streams_.emplace(id, Stream{context, caller, now, now, ""});
  return std::unique_ptr<Ticket>(new Ticket(this, id));
}

void StreamGuard::Release(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  auto caller = per_caller_.find(it->second.caller);
  if (caller != per_caller_.end() && --caller->second <= 0) per_caller_.erase(caller);
  streams_.erase(it);
}

void StreamGuard::Touch(uint64_t id) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = streams_.find(id);
  if (it != streams_.end()) it->second.last = now;
}

std::string StreamGuard::EndedWhy(uint64_t id) const {
  absl::MutexLock lock(&mu_);
  auto it = streams_.find(id);
  return it == streams_.end() ? "" : it->second.ended;
}

int StreamGuard::active() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(streams_.size());
}

uint64_t StreamGuard::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

uint64_t StreamGuard::ended() const {
  absl::MutexLock lock(&mu_);
  return ended_;
}

void StreamGuard::EndExpiredLocked(absl::Time now) {
  for (auto& [id, s] : streams_) {
    if (!s.ended.empty()) continue;
    if (now - s.started >= options_.max_duration) {
      s.ended = absl::StrCat(options_.what, ": the stream ran longer than ",
                             absl::FormatDuration(options_.max_duration),
                             ", the most one may; nothing was stored");
    } else if (now - s.last >= options_.max_idle) {
      s.ended = absl::StrCat(options_.what, ": nothing arrived for ",
                             absl::FormatDuration(options_.max_idle),
                             ", the most a stream may wait; nothing was stored");
    } else {
      continue;
    }
    ++ended_;
    LogWarning(s.ended, " (", s.caller, ")");
    // TryCancel would end the call as CANCELLED with no reason. Cancelling the core call with
    // a status makes the server send that status and message as the call's trailers; the
    // handler's Read then returns false and what it returns is dropped.
    grpc_call_cancel_with_status(s.context->c_call(), GRPC_STATUS_DEADLINE_EXCEEDED,
                                 s.ended.c_str(), nullptr);
  }
}

void StreamGuard::Watch() {
  absl::MutexLock lock(&mu_);
  while (true) {
    auto wake = [this]()
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !streams_.empty(); };
    mu_.Await(absl::Condition(&wake));
    if (stopping_) return;
    EndExpiredLocked(clock_->Now());
    // Looks every `poll` of the guard's clock, the one its limits are measured on.
    auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    if (clock_->AwaitWithTimeout(mu_, absl::Condition(&stop), options_.poll)) return;
  }
}

}  // namespace tierhub
