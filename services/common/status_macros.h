// Small helpers for absl::Status propagation (Abseil 20220623 has no RETURN_IF_ERROR).
#ifndef TIERHUB_SERVICES_COMMON_STATUS_MACROS_H_
#define TIERHUB_SERVICES_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TH_CONCAT_INNER_(a, b) a##b
#define TH_CONCAT_(a, b) TH_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define TH_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status th_status_ = (expr);      \
    if (!th_status_.ok()) return th_status_; \
  } while (0)

// `lhs` = value of `rexpr` (an absl::StatusOr<T>), or returns its status.
#define TH_ASSIGN_OR_RETURN(lhs, rexpr) \
  TH_ASSIGN_OR_RETURN_IMPL_(TH_CONCAT_(th_statusor_, __LINE__), lhs, rexpr)

#define TH_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) return statusor.status();         \
  lhs = std::move(statusor).value()

#endif  // TIERHUB_SERVICES_COMMON_STATUS_MACROS_H_
