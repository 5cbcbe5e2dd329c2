// tierhubctl's commands. Each has a name, a one-line summary and a help text with an example.
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_COMMANDS_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/tierhubctl/cli.h"
#include "google/protobuf/message.h"

namespace tierhub::ctl {

struct Command {
  const char* name;
  const char* summary;
  const char* help;  // options and an example
  absl::Status (*run)(const Args& args);
};

// Operators: status, health, records, conflicts, digest, backup, retention.
void AddOpsCommands(std::vector<Command>* out);
// Data: load-synthetic.
void AddDataCommands(std::vector<Command>* out);
// Departments and the coordination group: submit, withdraw, lists, rounds, progress, ...
void AddListCommands(std::vector<Command>* out);
// Inspectors and the coordination group: case-open, case-advance, case, overdue, export.
void AddCaseCommands(std::vector<Command>* out);
// The coordination group and cities: target-set, behind, summary.
void AddTargetCommands(std::vector<Command>* out);
// Electricity watch: power-import, power-alerts, power-recheck.
void AddPowerCommands(std::vector<Command>* out);

// The web console's accounts: web-user.
void AddWebCommands(std::vector<Command>* out);

// Prints `text` to stdout.
void Print(const std::string& text);

// With --json, prints `message` as JSON (ProtoJson) and returns true: the command's output is
// complete. Returns false otherwise.
bool PrintedAsJson(const Args& args, const google::protobuf::Message& message);

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_COMMANDS_H_
