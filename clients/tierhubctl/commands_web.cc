// web-user: the console's accounts file (services/console/accounts.h, docs/CONSOLE.md).
// Passwords are read from the terminal without echo, or from stdin with --password-stdin, and
// never printed.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/table.h"
#include "services/common/status_macros.h"
#include "services/console/accounts.h"

namespace tierhub::ctl {
namespace {

absl::StatusOr<std::string> ReadPassword(bool from_stdin) {
  std::string password;
  if (from_stdin) {
    if (!std::getline(std::cin, password)) {
      return absl::InvalidArgumentError("--password-stdin: no line on stdin");
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
  }
  if (!isatty(STDIN_FILENO)) {
    return absl::InvalidArgumentError(
        "password: stdin is not a terminal; give --password-stdin to read it from stdin");
  }
  auto read_hidden = [](const char* prompt) -> absl::StatusOr<std::string> {
    std::fprintf(stderr, "%s", prompt);
    termios old_mode;
    tcgetattr(STDIN_FILENO, &old_mode);
    termios hidden = old_mode;
    hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &hidden);
    std::string line;
    const bool ok = static_cast<bool>(std::getline(std::cin, line));
    tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
    std::fprintf(stderr, "\n");
    if (!ok) return absl::InvalidArgumentError("password: nothing read");
    return line;
  };
  TH_ASSIGN_OR_RETURN(password, read_hidden("password: "));
  TH_ASSIGN_OR_RETURN(std::string again, read_hidden("again: "));
  if (again != password) return absl::InvalidArgumentError("password: the two entries differ");
  return password;
}

absl::Status WebUser(const Args& args) {
  const std::string path = args.Get("accounts");
  if (path.empty()) return absl::InvalidArgumentError("--accounts: required (the accounts file)");
  const auto& pos = args.positional();
  const std::string verb = pos.empty() ? "" : pos[0];
  std::vector<console::Account> accounts;
  auto loaded = console::LoadAccounts(path);
  if (loaded.ok()) {
    accounts = std::move(*loaded);
  } else if (!(absl::IsNotFound(loaded.status()) && verb == "add")) {
    return loaded.status();
  }
  if (verb == "list") {
    Table t({"NAME", "IDENTITY"});
    for (const auto& a : accounts) t.AddRow({a.name, a.identity});
    Print(args.Has("json") ? t.RenderJson() : (t.rows() ? t.Render() : "no accounts\n"));
    return absl::OkStatus();
  }
  if (verb == "add") {
    if (pos.size() != 3) {
      return absl::InvalidArgumentError("web-user add NAME IDENTITY: both are required");
    }
    TH_RETURN_IF_ERROR(console::CheckAccountName(pos[1]));
    TH_RETURN_IF_ERROR(console::CheckAccountIdentity(pos[2]));
    TH_ASSIGN_OR_RETURN(std::string password, ReadPassword(args.Has("password-stdin")));
    TH_ASSIGN_OR_RETURN(std::string hash, console::HashPassword(password));
    bool replaced = false;
    for (auto& a : accounts) {
      if (a.name == pos[1]) {
        a = {pos[1], pos[2], hash};
        replaced = true;
      }
    }
    if (!replaced) accounts.push_back({pos[1], pos[2], hash});
    TH_RETURN_IF_ERROR(console::SaveAccounts(path, accounts));
    Print(absl::StrCat(replaced ? "replaced " : "added ", pos[1], " (", pos[2], ") in ", path,
                       "; the node reads the file when it starts\n"));
    return absl::OkStatus();
  }
  if (verb == "remove") {
    if (pos.size() != 2) return absl::InvalidArgumentError("web-user remove NAME: NAME required");
    const size_t before = accounts.size();
    accounts.erase(std::remove_if(accounts.begin(), accounts.end(),
                                  [&](const console::Account& a) { return a.name == pos[1]; }),
                   accounts.end());
    if (accounts.size() == before) {
      return absl::NotFoundError(absl::StrCat("name: '", pos[1], "' is not in ", path));
    }
    TH_RETURN_IF_ERROR(console::SaveAccounts(path, accounts));
    Print(absl::StrCat("removed ", pos[1], " from ", path, "\n"));
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("web-user: add, remove or list");
}

}  // namespace

void AddWebCommands(std::vector<Command>* out) {
  out->push_back(
      {"web-user", "manage the web console's accounts file (add, remove, list)",
       "  add NAME IDENTITY        add or replace NAME; IDENTITY is ops:<region>:<user> or\n"
       "                           dept:<DEPT>:<region>:<user>, as a certificate's name\n"
       "  remove NAME\n"
       "  list\n"
       "  --accounts=FILE          the file the node's web.accounts_file names (required)\n"
       "  --password-stdin         read the password from stdin (scripts); otherwise it is\n"
       "                           asked twice on the terminal, without echo\n"
       "The password is stored as an argon2id hash and never printed. The node reads the file\n"
       "when it starts.\n\nExample:\n"
       "  tierhubctl web-user add wang ops:440000:wang --accounts=/etc/tierhub/web-users\n",
       WebUser});
}

}  // namespace tierhub::ctl
