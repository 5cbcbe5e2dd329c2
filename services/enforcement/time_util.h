// Conversions between absl::Time and google.protobuf.Timestamp. Stateless; thread-safe.
#ifndef TIERHUB_SERVICES_ENFORCEMENT_TIME_UTIL_H_
#define TIERHUB_SERVICES_ENFORCEMENT_TIME_UTIL_H_

#include <cstdint>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace tierhub::enforcement {

inline google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounds toward the past
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return out;
}

inline absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace tierhub::enforcement

#endif  // TIERHUB_SERVICES_ENFORCEMENT_TIME_UTIL_H_
