// Real child processes (tierhubd nodes for the system tests and the benchmarks): started with
// fork/exec, output to a log file, stopped with SIGTERM or killed with SIGKILL. Not thread-safe.
#ifndef TIERHUB_CLIENTS_LOCAL_CLUSTER_PROCESS_H_
#define TIERHUB_CLIENTS_LOCAL_CLUSTER_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace tierhub::local_cluster {

class Process {
 public:
  Process() = default;
  ~Process();  // kills the process if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Starts `argv[0]` with `argv`, appending stdout and stderr to `log_path`. The process is
  // SIGKILLed when the calling thread ends, so REQUIRES: that thread outlives it (e.g. main).
  bool Start(const std::vector<std::string>& argv, const std::string& log_path);
  // SIGKILL and reap.
  void Kill();
  // SIGTERM and wait; returns the exit code (or -signal).
  int Terminate();
  // Waits up to `timeout` for the process to end by itself and returns its exit code (or
  // -signal); nullopt if it still runs after that (it is left running).
  std::optional<int> WaitForExit(absl::Duration timeout);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace tierhub::local_cluster

#endif  // TIERHUB_CLIENTS_LOCAL_CLUSTER_PROCESS_H_
