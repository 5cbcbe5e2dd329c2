#include "tests/system/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace tierhub::testutil {

sockaddr_in LoopbackAddress(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

namespace {

void NoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

absl::StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Start(int target_port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in addr = LoopbackAddress(0);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int error = errno;
    close(fd);
    return absl::InternalError(absl::StrCat("listen on loopback: ", std::strerror(error)));
  }
  return std::unique_ptr<FaultProxy>(new FaultProxy(fd, ntohs(addr.sin_port), target_port));
}

FaultProxy::FaultProxy(int listener, int port, int target_port)
    : listener_(listener), port_(port), target_port_(target_port) {
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (auto& conn : conns_) ShutConnLocked(*conn);
  }
  shutdown(listener_, SHUT_RDWR);  // accept() returns
  acceptor_.join();
  std::vector<Pumper> pumps;
  {
    absl::MutexLock lock(&mu_);
    pumps.swap(pumps_);
  }
  for (Pumper& p : pumps) p.thread.join();
  close(listener_);
}

void FaultProxy::SetMode(Mode mode) {
  absl::MutexLock lock(&mu_);
  mode_ = mode;
  if (mode == Mode::kCut) {
    for (auto& conn : conns_) ShutConnLocked(*conn);
  }
}

FaultProxy::Mode FaultProxy::mode() const {
  absl::MutexLock lock(&mu_);
  return mode_;
}

uint64_t FaultProxy::connections() const {
  absl::MutexLock lock(&mu_);
  return connections_;
}

void FaultProxy::ShutConnLocked(Conn& conn) {
  shutdown(conn.client, SHUT_RDWR);
  shutdown(conn.server, SHUT_RDWR);
}

void FaultProxy::AcceptLoop() {
  while (true) {
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) {
        close(client);
        return;
      }
      if (mode_ == Mode::kCut) {  // the network resets every connection
        close(client);
        continue;
      }
    }
    const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in target = LoopbackAddress(target_port_);
    if (server < 0 || connect(server, reinterpret_cast<sockaddr*>(&target), sizeof(target)) != 0) {
      if (server >= 0) close(server);
      close(client);  // the parent is down: so is the connection through the proxy
      continue;
    }
    NoDelay(client);
    NoDelay(server);
    auto conn = std::make_shared<Conn>();
    conn->client = client;
    conn->server = server;
    absl::MutexLock lock(&mu_);
    // Threads of connections that have ended are joined here, so they do not pile up.
    for (auto it = pumps_.begin(); it != pumps_.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = pumps_.erase(it);
      } else {
        ++it;
      }
    }
    if (stopping_ || mode_ == Mode::kCut) {
      close(client);
      close(server);
      if (stopping_) return;
      continue;
    }
    ++connections_;
    conns_.push_back(conn);
    for (bool upward : {true, false}) {
      auto done = std::make_shared<std::atomic<bool>>(false);
      pumps_.push_back(Pumper{std::thread([this, conn, upward, done] {
                                Pump(conn, upward);
                                done->store(true);
                              }),
                              done});
    }
  }
}

void FaultProxy::Pump(std::shared_ptr<Conn> conn, bool upward) {
  const int from = upward ? conn->client : conn->server;
  const int to = upward ? conn->server : conn->client;
  char buffer[64 << 10];
  while (true) {
    const ssize_t n = read(from, buffer, sizeof(buffer));
    if (n <= 0) break;
    {
      // Stalled: the bytes are held (and TCP's windows fill behind them) until the network
      // heals or is cut.
      absl::MutexLock lock(&mu_);
      auto flowing = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || mode_ != Mode::kStall;
      };
      mu_.Await(absl::Condition(&flowing));
      if (stopping_ || mode_ == Mode::kCut) break;
    }
    bool ok = true;
    for (ssize_t sent = 0; ok && sent < n;) {
      const ssize_t w = send(to, buffer + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      ok = w > 0;
      if (ok) sent += w;
    }
    if (!ok) break;
  }
  absl::MutexLock lock(&mu_);
  ShutConnLocked(*conn);  // one side ended: so does the other direction
  if (++conn->pumps_done == 2) {
    close(conn->client);
    close(conn->server);
    for (auto it = conns_.begin(); it != conns_.end(); ++it) {
      if (it->get() == conn.get()) {
        conns_.erase(it);
        break;
      }
    }
  }
}

}  // namespace tierhub::testutil
