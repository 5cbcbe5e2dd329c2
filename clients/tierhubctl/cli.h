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
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/client/channel.h"

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

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_CLI_H_
