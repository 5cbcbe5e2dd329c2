#include "clients/tierhubctl/cli.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"

namespace tierhub::ctl {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnavailable;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kResourceExhausted:
      return kExitRefused;
    default:
      return kExitFailed;
  }
}

absl::StatusOr<Args> Args::Parse(int argc, char** argv, int first) {
  std::vector<std::string> args;
  for (int i = first; i < argc; ++i) args.emplace_back(argv[i]);
  return Parse(args);
}

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& args) {
  Args out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.positional_.insert(out.positional_.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (!absl::StartsWith(a, "--")) {
      out.positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::string value = "true";
    auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size() && !absl::StartsWith(args[i + 1], "--") && name != "json" &&
               name != "insecure" && name != "help" && name != "quiet") {
      value = args[++i];
    }
    if (name.empty()) return absl::InvalidArgumentError(absl::StrCat("'", a, "' has no name"));
    out.options_[name] = value;
  }
  return out;
}

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  used_[name] = true;
  auto it = options_.find(name);
  return it == options_.end() ? fallback : it->second;
}

absl::StatusOr<int64_t> Args::GetInt(const std::string& name, int64_t fallback) const {
  if (!Has(name)) {
    used_[name] = true;
    return fallback;
  }
  int64_t value = 0;
  if (!absl::SimpleAtoi(Get(name), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": '", Get(name), "' is not a whole number"));
  }
  return value;
}

std::vector<std::string> Args::Given() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : options_) out.push_back(name);
  return out;
}

std::vector<std::string> Args::Unused() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : options_) {
    if (!used_.count(name)) out.push_back("--" + name);
  }
  return out;
}

absl::StatusOr<client::ChannelOptions> ConnectionFrom(const Args& args) {
  client::ChannelOptions o;
  o.address = args.Get("node", Env("TIERHUB_NODE"));
  if (o.address.empty()) o.address = "127.0.0.1:7440";
  o.insecure =
      args.Has("insecure") ? args.Get("insecure") != "false" : Env("TIERHUB_INSECURE") == "1";
  o.identity = args.Get("identity", Env("TIERHUB_IDENTITY"));
  o.ca_file = args.Get("ca", Env("TIERHUB_CA"));
  o.cert_file = args.Get("cert", Env("TIERHUB_CERT"));
  o.key_file = args.Get("key", Env("TIERHUB_KEY"));
  if (o.insecure) {
    if (o.identity.empty()) {
      return absl::InvalidArgumentError(
          "--identity: required with --insecure (e.g. ops:440000:me)");
    }
  } else if (o.ca_file.empty() || o.cert_file.empty() || o.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--ca, --cert and --key are required (or TIERHUB_CA/TIERHUB_CERT/TIERHUB_KEY); "
        "use --insecure --identity=... only against a development node");
  }
  return o;
}

absl::StatusOr<Connection> Connection::Open(const Args& args) {
  auto options = ConnectionFrom(args);
  if (!options.ok()) return options.status();
  auto channel = client::MakeChannel(*options);
  if (!channel.ok()) return channel.status();
  Connection c;
  c.options_ = *options;
  c.channel_ = *channel;
  return c;
}

void Connection::Prepare(grpc::ClientContext* context, int seconds) const {
  client::PrepareContext(options_, context);
  if (seconds > 0) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  }
}

absl::Status CallFailed(const std::string& what, const grpc::Status& status,
                        const std::string& address) {
  absl::Status s = FromGrpc(status);
  std::string hint;
  if (s.code() == absl::StatusCode::kUnavailable) {
    hint = absl::StrCat(" (is a node running at ", address,
                        "? check --node, the certificates, and `deploy/status.sh`)");
  }
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message(), hint));
}

}  // namespace tierhub::ctl
