#include "clients/tierhubctl/progress.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace tierhub::ctl {

Progress::Progress(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(isatty(2)),
      start_(absl::Now()) {}

Progress::~Progress() {
  if (shown_) std::fputc('\n', stderr);
}

void Progress::Update(int64_t done) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (done < total_ && now - last_shown_ < absl::Milliseconds(200)) return;
  last_shown_ = now;
  const double seconds = absl::ToDoubleSeconds(now - start_);
  const double rate = seconds > 0 ? done / seconds : 0;
  const double left = rate > 0 ? (total_ - done) / rate : 0;
  std::fprintf(stderr, "\r%s: %lld/%lld %s, %.0f %s/s, %.0f s left   ", label_.c_str(),
               static_cast<long long>(done), static_cast<long long>(total_), unit_.c_str(), rate,
               unit_.c_str(), left);
  std::fflush(stderr);
  shown_ = true;
}

}  // namespace tierhub::ctl
