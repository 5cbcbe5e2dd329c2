// tierhubctl's command line: finds the command, refuses options it does not know, runs it and
// turns its status into an exit code. A library so that tests run the real dispatch.
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_DISPATCH_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_DISPATCH_H_

#include <set>
#include <string>
#include <vector>

#include "clients/tierhubctl/commands.h"

namespace tierhub::ctl {

// Every command, in the order `tierhubctl --help` lists them.
std::vector<Command> AllCommands();

// The options `command` accepts: every --name its help text names, the connection options and
// --help. What --help does not show is not an option of the command.
std::set<std::string> KnownOptions(const Command& command);

// Runs `tierhubctl ARGS...` (`args` without the program name) and returns the exit code
// (cli.h ExitCode). An option the command does not know is a usage error (kExitUsage) named on
// stderr, before anything is sent to a node.
int Dispatch(const std::vector<Command>& commands, const std::vector<std::string>& args);

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_DISPATCH_H_
