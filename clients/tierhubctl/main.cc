// tierhubctl: the command-line client for departments, operators and the coordination group.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/tierhubctl/commands.h"

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

Exit codes: 0 ok, 1 failed, 2 bad command line, 3 node unreachable, 4 refused by the node
(invalid input, permission, wrong state; the message says which field and why).
)";

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

int Main(int argc, char** argv) {
  const std::vector<Command> commands = AllCommands();
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    Usage(commands);
    return argc < 2 ? kExitUsage : kExitOk;
  }
  const std::string name = argv[1];
  const Command* command = nullptr;
  for (const Command& c : commands) {
    if (name == c.name) command = &c;
  }
  if (command == nullptr) {
    std::fprintf(stderr, "tierhubctl: unknown command '%s' (see tierhubctl --help)\n",
                 name.c_str());
    return kExitUsage;
  }
  auto args = Args::Parse(argc, argv, 2);
  if (!args.ok()) {
    std::fprintf(stderr, "tierhubctl %s: %s\n", name.c_str(),
                 std::string(args.status().message()).c_str());
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::printf("tierhubctl %s: %s\n\n%s\n%s", command->name, command->summary, command->help,
                kConnectionHelp);
    return kExitOk;
  }
  absl::Status status = command->run(*args);
  if (status.ok()) {
    std::vector<std::string> unused = args->Unused();
    // Connection options are read only by commands that connect; others would be noise.
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

}  // namespace
}  // namespace tierhub::ctl

int main(int argc, char** argv) { return tierhub::ctl::Main(argc, argv); }
