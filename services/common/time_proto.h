// Conversions between absl::Time and google.protobuf.Timestamp. Stateless; thread-safe.
#ifndef TIERHUB_SERVICES_COMMON_TIME_PROTO_H_
#define TIERHUB_SERVICES_COMMON_TIME_PROTO_H_

#include <cstdint>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace tierhub {

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

inline void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) { *out = ToProto(t); }

}  // namespace tierhub

#endif  // TIERHUB_SERVICES_COMMON_TIME_PROTO_H_
