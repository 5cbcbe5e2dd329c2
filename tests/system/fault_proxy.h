// FaultProxy: a TCP proxy on loopback between a child node and its parent, which a soak switches
// between passing bytes, stalling them (a network that stops answering: connections stay open,
// nothing arrives, until keepalive gives up; held bytes go on when it heals) and cutting every
// connection (a network that resets: open connections are shut, new ones closed at once).
// The bytes are TLS end to end; the proxy never looks at them. Thread-safe.
#ifndef TIERHUB_TESTS_SYSTEM_FAULT_PROXY_H_
#define TIERHUB_TESTS_SYSTEM_FAULT_PROXY_H_

#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace tierhub::testutil {

// 127.0.0.1:`port`.
sockaddr_in LoopbackAddress(int port);

class FaultProxy {
 public:
  enum class Mode { kPass, kStall, kCut };

  // Listens on 127.0.0.1 at a port the OS chooses and forwards to 127.0.0.1:`target_port`.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<FaultProxy>> Start(int target_port);
  ~FaultProxy();  // shuts every connection and joins every thread
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  void SetMode(Mode mode);
  Mode mode() const;
  uint64_t connections() const;  // accepted and forwarded since Start

 private:
  struct Conn {
    int client = -1;
    int server = -1;
    int pumps_done = 0;  // guarded by FaultProxy::mu_
  };
  FaultProxy(int listener, int port, int target_port);
  void AcceptLoop();
  // Copies bytes from one side of `conn` to the other until either side ends or a cut.
  void Pump(std::shared_ptr<Conn> conn, bool upward);
  void ShutConnLocked(Conn& conn) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int listener_;
  const int port_;
  const int target_port_;
  mutable absl::Mutex mu_;
  Mode mode_ ABSL_GUARDED_BY(mu_) = Mode::kPass;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t connections_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<Conn>> conns_ ABSL_GUARDED_BY(mu_);
  struct Pumper {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;  // set as the thread's last act
  };
  std::vector<Pumper> pumps_ ABSL_GUARDED_BY(mu_);
  std::thread acceptor_;
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_SYSTEM_FAULT_PROXY_H_
