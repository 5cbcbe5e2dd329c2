// Progress of a long import or export on a terminal: rows done, rate, time left. Silent when
// stderr is not a terminal (piped, in scripts and CI). Not thread-safe.
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_PROGRESS_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_PROGRESS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace tierhub::ctl {

class Progress {
 public:
  // `unit` names what is counted ("rows", "bytes").
  Progress(std::string label, int64_t total, std::string unit = "rows");
  ~Progress();  // ends the line if anything was shown
  void Update(int64_t done);

 private:
  const std::string label_;
  const int64_t total_;
  const std::string unit_;
  const bool enabled_;
  const absl::Time start_;
  absl::Time last_shown_ = absl::InfinitePast();
  bool shown_ = false;
};

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_PROGRESS_H_
