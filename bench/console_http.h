// A minimal HTTP/1.1 client for the benchmarks that load a node's web console (plain HTTP on
// loopback): one request per new connection, as a browser opening a page does.
#ifndef TIERHUB_BENCH_CONSOLE_HTTP_H_
#define TIERHUB_BENCH_CONSOLE_HTTP_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace tierhub::bench {

// One exchange with 127.0.0.1:port on a new connection: the status code and the whole answer
// (headers and body). UNAVAILABLE if it cannot connect, INTERNAL if no HTTP answer came.
[[nodiscard]] absl::StatusOr<std::pair<int, std::string>> Http(int port,
                                                               const std::string& request);

// Logs in as `name` and returns the session cookie ("th_session=...") for later requests.
[[nodiscard]] absl::StatusOr<std::string> ConsoleLogin(int port, const std::string& name,
                                                       const std::string& password);

// GET `path` with the session `cookie`: the status code and the whole answer.
[[nodiscard]] absl::StatusOr<std::pair<int, std::string>> ConsoleGet(int port,
                                                                     const std::string& path,
                                                                     const std::string& cookie);

}  // namespace tierhub::bench

#endif  // TIERHUB_BENCH_CONSOLE_HTTP_H_
