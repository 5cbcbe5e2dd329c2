#include "tests/system/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace tierhub::testutil {
namespace {

// An echo server on a loopback port: every connection gets back what it sends.
class EchoServer {
 public:
  EchoServer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = LoopbackAddress(0);
    socklen_t len = sizeof(addr);
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(listener_, 16);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] {
      while (true) {
        const int fd = accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        echoes_.emplace_back([fd] {
          char buffer[4096];
          ssize_t n;
          while ((n = read(fd, buffer, sizeof(buffer))) > 0) send(fd, buffer, n, MSG_NOSIGNAL);
          close(fd);
        });
      }
    });
  }
  ~EchoServer() {
    shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    for (auto& t : echoes_) t.join();
    close(listener_);
  }
  int port() const { return port_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> echoes_;
};

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = LoopbackAddress(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends `text` and reads as many bytes back; "" if the connection ended first.
std::string RoundTrip(int fd, const std::string& text) {
  if (send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size())) {
    return "";
  }
  std::string got;
  char buffer[256];
  while (got.size() < text.size()) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) return "";
    got.append(buffer, n);
  }
  return got;
}

TEST(FaultProxyTest, PassesBytesBothWays) {
  EchoServer echo;
  auto proxy = FaultProxy::Start(echo.port());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  const int fd = Connect((*proxy)->port());
  ASSERT_GE(fd, 0);
  EXPECT_EQ(RoundTrip(fd, "hello"), "hello");
  EXPECT_EQ((*proxy)->connections(), 1u);
  close(fd);
}

TEST(FaultProxyTest, StalledBytesArriveOnTheSameConnectionAfterHealing) {
  EchoServer echo;
  auto proxy = FaultProxy::Start(echo.port());
  ASSERT_TRUE(proxy.ok());
  const int fd = Connect((*proxy)->port());
  ASSERT_EQ(RoundTrip(fd, "before"), "before");
  (*proxy)->SetMode(FaultProxy::Mode::kStall);
  ASSERT_EQ(send(fd, "held", 4, MSG_NOSIGNAL), 4);
  std::thread heal([&] { (*proxy)->SetMode(FaultProxy::Mode::kPass); });
  char buffer[4];
  size_t got = 0;
  while (got < 4) {
    const ssize_t n = read(fd, buffer + got, 4 - got);
    ASSERT_GT(n, 0) << "the stall ended the connection";
    got += n;
  }
  heal.join();
  EXPECT_EQ(std::string(buffer, 4), "held");
  close(fd);
}

TEST(FaultProxyTest, CutEndsOpenConnectionsAndClosesNewOnesUntilHealed) {
  EchoServer echo;
  auto proxy = FaultProxy::Start(echo.port());
  ASSERT_TRUE(proxy.ok());
  const int open = Connect((*proxy)->port());
  ASSERT_EQ(RoundTrip(open, "a"), "a");
  (*proxy)->SetMode(FaultProxy::Mode::kCut);
  EXPECT_EQ(RoundTrip(open, "b"), "");
  close(open);
  const int refused = Connect((*proxy)->port());  // the kernel accepts; the proxy closes it
  EXPECT_EQ(RoundTrip(refused, "c"), "");
  close(refused);
  (*proxy)->SetMode(FaultProxy::Mode::kPass);
  const int again = Connect((*proxy)->port());
  EXPECT_EQ(RoundTrip(again, "d"), "d");
  close(again);
}

}  // namespace
}  // namespace tierhub::testutil
