// WaitUntil: the one bounded wait of the tests, for whatever converges in other threads or
// processes (a pull, a restart, a health change). It polls in real time, since what it waits for
// runs in real time even where a test fakes the nodes' clocks.
#ifndef TIERHUB_TESTS_TESTUTIL_WAIT_H_
#define TIERHUB_TESTS_TESTUTIL_WAIT_H_

#include <sstream>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tierhub::testutil {

// The bound of a wait for convergence on a loaded two-core machine; a test that waits for
// something slower (keepalive, a process restart under load) says so with its own bound.
inline constexpr absl::Duration kWaitBound = absl::Seconds(30);

namespace internal {
inline ::testing::AssertionResult Observation(bool done) {
  return done ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << "not yet";
}
inline ::testing::AssertionResult Observation(::testing::AssertionResult result) { return result; }
::testing::AssertionResult WaitUntil(absl::FunctionRef<::testing::AssertionResult()> predicate,
                                     absl::Duration bound, std::string_view what);
}  // namespace internal

// Polls `predicate` every few milliseconds until it holds, for at most `bound`. `predicate`
// returns a bool or a ::testing::AssertionResult whose failure message says what it saw (Holds
// below makes one). Returns success, or, once the bound has passed, a failure naming `what`,
// the bound and the last observation: use it as ASSERT_TRUE(WaitUntil(...)) or EXPECT_TRUE.
template <typename Predicate>
[[nodiscard]] ::testing::AssertionResult WaitUntil(Predicate&& predicate, absl::Duration bound,
                                                   std::string_view what) {
  return internal::WaitUntil([&] { return internal::Observation(predicate()); }, bound, what);
}

// For a WaitUntil predicate: success if `value` matches the gMock `matcher`, otherwise a failure
// that prints `value` and what was wanted, e.g. Holds(cluster.Records("gd").size(), Eq(120u)).
template <typename T, typename M>
::testing::AssertionResult Holds(const T& value, const M& matcher) {
  const ::testing::Matcher<const T&> m = ::testing::MatcherCast<const T&>(matcher);
  ::testing::StringMatchResultListener why;
  if (m.MatchAndExplain(value, &why)) return ::testing::AssertionSuccess();
  std::ostringstream want;
  m.DescribeTo(&want);
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << ::testing::PrintToString(value) << " (wanted: " << want.str();
  if (!why.str().empty()) failure << "; " << why.str();
  return failure << ")";
}

// For a WaitUntil predicate: success if `status` is OK, otherwise a failure showing it.
inline ::testing::AssertionResult IsOk(const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status;
}

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_WAIT_H_
