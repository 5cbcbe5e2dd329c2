#include "tests/testutil/wait.h"

#include "absl/time/clock.h"

namespace tierhub::testutil::internal {

::testing::AssertionResult WaitUntil(absl::FunctionRef<::testing::AssertionResult()> predicate,
                                     absl::Duration bound, std::string_view what) {
  const absl::Time deadline = absl::Now() + bound;
  while (true) {
    ::testing::AssertionResult observed = predicate();
    if (observed) return observed;
    if (absl::Now() >= deadline) {
      return ::testing::AssertionFailure() << what << ": not within " << absl::FormatDuration(bound)
                                           << "; last seen: " << observed.message();
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
}

}  // namespace tierhub::testutil::internal
