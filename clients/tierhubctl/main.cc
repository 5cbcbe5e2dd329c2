// tierhubctl: the command-line client for departments, operators and the coordination group.
#include <string>
#include <vector>

#include "clients/tierhubctl/dispatch.h"

int main(int argc, char** argv) {
  return tierhub::ctl::Dispatch(tierhub::ctl::AllCommands(),
                                std::vector<std::string>(argv + 1, argv + argc));
}
