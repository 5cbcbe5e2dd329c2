// StreamGuard: admission and time limits for the client streams that carry files into a node
// (list submissions, readings imports). At most `max_streams` run at once, and
// `max_per_caller` per caller: a stream beyond them is refused with RESOURCE_EXHAUSTED before
// anything is read. Each admitted stream is ended with DEADLINE_EXCEEDED and the reason once it
// has run `max_duration` in all, or gone `max_idle` without a message (Ticket::Touch), so idle
// and slow streams cannot hold a node's memory or its slots. Time is read from the injected
// clock; a watchdog thread looks at the streams at least every `poll`.
//
// Thread-safe. The guard must outlive its tickets.
#ifndef TIERHUB_SERVICES_COMMON_STREAM_GUARD_H_
#define TIERHUB_SERVICES_COMMON_STREAM_GUARD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "services/common/clock.h"
#include "services/common/limits.h"

namespace tierhub {

class StreamGuard {
 public:
  struct Options {
    std::string what = "stream";  // names the streams in refusals, e.g. "SubmitList"
    int max_streams = limits::kMaxUploadStreams;
    int max_per_caller = limits::kMaxUploadStreamsPerCaller;
    absl::Duration max_duration = absl::Seconds(limits::kUploadStreamSeconds);
    absl::Duration max_idle = absl::Seconds(limits::kUploadIdleSeconds);
    absl::Duration poll = absl::Milliseconds(100);  // watchdog period while streams run
  };

  // One admitted stream. Destroying it ends the admission; REQUIRES: before the call's
  // ServerContext goes away (a local of the handler).
  class Ticket {
   public:
    ~Ticket();
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    // Records that a message arrived (resets the idle limit).
    void Touch();
    // Why the guard ended the stream, or "" while it has not.
    std::string ended() const;

   private:
    friend class StreamGuard;
    Ticket(StreamGuard* guard, uint64_t id) : guard_(guard), id_(id) {}
    StreamGuard* guard_;
    uint64_t id_;
  };

  // `clock` is borrowed and must outlive the guard.
  StreamGuard(Options options, const Clock* clock);
  ~StreamGuard();
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

  // Admits the stream of `context` for `caller` (a common name), or RESOURCE_EXHAUSTED saying
  // which limit is reached. `context` is borrowed for the ticket's life.
  [[nodiscard]] absl::StatusOr<std::unique_ptr<Ticket>> Admit(grpc::ServerContext* context,
                                                              const std::string& caller);

  const Options& options() const { return options_; }
  int active() const;
  // Streams refused at admission and ended by a limit since start.
  uint64_t refused() const;
  uint64_t ended() const;

 private:
  struct Stream {
    grpc::ServerContext* context;
    std::string caller;
    absl::Time started;
    absl::Time last;
    std::string ended;  // set once the guard has ended it
  };
  void Release(uint64_t id);
  void Touch(uint64_t id);
  std::string EndedWhy(uint64_t id) const;
  void Watch();
  // Ends every stream past a limit (once each).
  void EndExpiredLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  std::map<uint64_t, Stream> streams_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> per_caller_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t ended_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread watchdog_;
};

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_STREAM_GUARD_H_
