#include "clients/tierhubctl/dispatch.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tierhub::ctl {
namespace {

constexpr char kConnectionHelp[] = R"(Connection (every command that talks to a node):
  --node=HOST:PORT     node to talk to (env TIERHUB_NODE, default 127.0.0.1:7440)
  --ca=FILE --cert=FILE --key=FILE
                       mutual TLS files (env TIERHUB_CA, TIERHUB_CERT, TIERHUB_KEY); the
                       certificate's name is who you are, e.g. dept:ECO:440000:clerk1
  --insecure --identity=NAME
                       development nodes only (insecure: true in their config)
  --json               machine-readable output instead of tables

Exit codes: 0 ok, 1 failed, 2 bad command line (an unknown option, a missing or bad value),
3 node unreachable, 4 refused by the node (invalid input, permission, wrong state; the message
says which field and why).
)";

// Every "--name" in `text` (name: lower-case letters, digits and '-').
void AddOptionsNamed(const std::string& text, std::set<std::string>* out) {
  for (size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) {
    size_t end = at + 2;
    while (end < text.size() &&
           (std::islower(static_cast<unsigned char>(text[end])) ||
            std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '-')) {
      ++end;
    }
    if (end > at + 2) out->insert(text.substr(at + 2, end - at - 2));
    at = end - 2;
  }
}

void Usage(const std::vector<Command>& commands) {
  std::string text = "usage: tierhubctl COMMAND [options]\n\nCommands:\n";
  for (const Command& c : commands)
    absl::StrAppend(
        &text, "  ", c.name,
        std::string(c.name[0] ? 18 - std::min<size_t>(17, std::string(c.name).size()) : 1, ' '),
        c.summary, "\n");
  absl::StrAppend(&text,
                  "\nRun `tierhubctl COMMAND --help` for a command's options and an "
                  "example.\n\n",
                  kConnectionHelp);
  std::fputs(text.c_str(), stdout);
}

}  // namespace

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  AddListCommands(&commands);
  AddCaseCommands(&commands);
  AddPowerCommands(&commands);
  AddTargetCommands(&commands);
  AddOpsCommands(&commands);
  AddDataCommands(&commands);
  AddWebCommands(&commands);
  return commands;
}

std::set<std::string> KnownOptions(const Command& command) {
  std::set<std::string> out = {"help"};
  AddOptionsNamed(command.help, &out);
  AddOptionsNamed(kConnectionHelp, &out);
  return out;
}

int Dispatch(const std::vector<Command>& commands, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    Usage(commands);
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::string& name = args[0];
  const Command* command = nullptr;
  for (const Command& c : commands) {
    if (name == c.name) command = &c;
  }
  if (command == nullptr) {
    std::fprintf(stderr, "tierhubctl: unknown command '%s' (see tierhubctl --help)\n",
                 name.c_str());
    return kExitUsage;
  }
  auto parsed = Args::Parse(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!parsed.ok()) {
    std::fprintf(stderr, "tierhubctl %s: %s\n", name.c_str(),
                 std::string(parsed.status().message()).c_str());
    return kExitUsage;
  }
  if (parsed->Has("help")) {
    std::printf("tierhubctl %s: %s\n\n%s\n%s", command->name, command->summary, command->help,
                kConnectionHelp);
    return kExitOk;
  }
  // A typo (--regoin) or an option of another command must not run the command as if it
  // were absent.
  const std::set<std::string> known = KnownOptions(*command);
  std::vector<std::string> unknown;
  for (const std::string& given : parsed->Given()) {
    if (!known.count(given)) unknown.push_back("--" + given);
  }
  if (!unknown.empty()) {
    std::fprintf(stderr, "tierhubctl %s: unknown option%s %s (see tierhubctl %s --help)\n",
                 name.c_str(), unknown.size() > 1 ? "s" : "", absl::StrJoin(unknown, ", ").c_str(),
                 name.c_str());
    return kExitUsage;
  }
  absl::Status status = command->run(*parsed);
  if (status.ok()) {
    // Known options that this use of the command did not need (e.g. --deadline without --add).
    std::vector<std::string> unused = parsed->Unused();
    if (!unused.empty()) {
      std::fprintf(stderr, "tierhubctl %s: warning: ignored %s\n", name.c_str(),
                   absl::StrJoin(unused, ", ").c_str());
    }
    return kExitOk;
  }
  std::fprintf(stderr, "tierhubctl %s: %s\n", name.c_str(), std::string(status.message()).c_str());
  // Errors about the command's own options start with the option's name.
  if (status.message().substr(0, 2) == "--") return kExitUsage;
  return ExitCodeFor(status);
}

}  // namespace tierhub::ctl
