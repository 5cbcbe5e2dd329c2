#include "bench/console_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace tierhub::bench {

absl::StatusOr<std::pair<int, std::string>> Http(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::UnavailableError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to console port ", port));
  }
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = write(fd, request.data() + sent, request.size() - sent);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buffer[65536];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) answer.append(buffer, n);
  close(fd);
  int code = 0;
  if (answer.size() < 12 || !absl::SimpleAtoi(answer.substr(9, 3), &code)) {
    return absl::InternalError("console: no HTTP answer");
  }
  return std::make_pair(code, std::move(answer));
}

absl::StatusOr<std::string> ConsoleLogin(int port, const std::string& name,
                                         const std::string& password) {
  const std::string form = absl::StrCat("name=", name, "&password=", password);
  auto login = Http(port, absl::StrCat("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                       "Content-Type: application/x-www-form-urlencoded\r\n"
                                       "Content-Length: ",
                                       form.size(), "\r\nConnection: close\r\n\r\n", form));
  if (!login.ok()) return login.status();
  const size_t at = login->second.find("th_session=");
  if (login->first != 303 || at == std::string::npos) {
    return absl::InternalError(absl::StrCat("console login answered ", login->first));
  }
  return login->second.substr(at, login->second.find(';', at) - at);
}

absl::StatusOr<std::pair<int, std::string>> ConsoleGet(int port, const std::string& path,
                                                       const std::string& cookie) {
  return Http(port, absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ", cookie,
                                 "\r\nConnection: close\r\n\r\n"));
}

}  // namespace tierhub::bench
