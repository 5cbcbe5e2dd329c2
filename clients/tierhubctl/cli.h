// The pieces every tierhubctl command shares: parsed arguments, the connection to a node,
// output in tables or JSON, and exit codes that mean something.
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_CLI_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_CLI_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/client/channel.h"
#include "services/common/status_macros.h"

namespace tierhub::ctl {

// Exit codes (documented in `tierhubctl --help`).
enum ExitCode {
  kExitOk = 0,
  kExitFailed = 1,       // the node answered with an error not covered below
  kExitUsage = 2,        // bad command line
  kExitUnavailable = 3,  // node unreachable or shutting down
  kExitRefused = 4,      // the node refused: invalid input, permission, wrong state
};

// The exit code for a final status.
int ExitCodeFor(const absl::Status& status);

// `--name=value`, `--name value` and `--flag` options plus positional arguments.
class Args {
 public:
  // Parses argv[first..]. An option value may not start with "--".
  static absl::StatusOr<Args> Parse(int argc, char** argv, int first);
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& args);

  bool Has(const std::string& name) const {
    used_[name] = true;
    return options_.count(name) > 0;
  }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  absl::StatusOr<int64_t> GetInt(const std::string& name, int64_t fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // The names of the options given, without "--", in name order.
  std::vector<std::string> Given() const;
  // Options that were given but never read: a typo should not pass silently.
  std::vector<std::string> Unused() const;

 private:
  std::map<std::string, std::string> options_;
  mutable std::map<std::string, bool> used_;
  std::vector<std::string> positional_;
};

// Connection options from --node, --ca, --cert, --key, --insecure, --identity (each with an
// environment fallback TIERHUB_NODE, TIERHUB_CA, TIERHUB_CERT, TIERHUB_KEY, TIERHUB_IDENTITY).
absl::StatusOr<client::ChannelOptions> ConnectionFrom(const Args& args);

// A connected channel plus call preparation (deadline, identity header).
class Connection {
 public:
  static absl::StatusOr<Connection> Open(const Args& args);
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // Prepares a call context with a deadline of `seconds` (0 = none).
  void Prepare(grpc::ClientContext* context, int seconds = 30) const;

 private:
  client::ChannelOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Describes a failed call for people: "<what>: <CODE>: <message>" and a hint when useful.
absl::Status CallFailed(const std::string& what, const grpc::Status& status,
                        const std::string& address);

// --name read by `parse`, a vocabulary such as domain::ParseIndustry, which also reads an
// absent option (as ""). INVALID_ARGUMENT "--name: <the vocabulary's reason>".
template <typename Parse>
auto OptionAs(const Args& args, const std::string& name, Parse parse)
    -> decltype(parse(absl::string_view())) {
  auto value = parse(args.Get(name));
  if (!value.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", value.status().message()));
  }
  return value;
}

// One unary call: `method` of a `Stub` (e.g. &v1::Registry::Stub::GetRecord) on `conn` with a
// deadline of `seconds`. The answer, or CallFailed(what, ...) naming the --node of `args`.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(const Connection& conn, const Args& args, const std::string& what,
                              int seconds,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  Stub stub(conn.channel());
  grpc::ClientContext context;
  conn.Prepare(&context, seconds);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return CallFailed(what, status, args.Get("node"));
  return response;
}

// The same on a connection opened from `args` (Connection::Open's errors first).
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(const Args& args, const std::string& what, int seconds,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  return Call(conn, args, what, seconds, method, request);
}

// A paged listing: calls `method` on a connection opened from `args` with each next_page_token
// the node gives, page after page (each with a deadline of `seconds`), handing every answer to
// page(response), which returns false to stop. Returns the token of the page not read, ""
// when the node has no more.
template <typename Stub, typename Request, typename Response, typename Page>
absl::StatusOr<std::string> CallPaged(const Args& args, const std::string& what, int seconds,
                                      grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*),
                                      Request request, Page page) {
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  std::string token;
  do {
    request.set_page_token(token);
    TH_ASSIGN_OR_RETURN(Response response, Call(conn, args, what, seconds, method, request));
    token = response.next_page_token();
    if (!page(response)) break;
  } while (!token.empty());
  return token;
}

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_CLI_H_
