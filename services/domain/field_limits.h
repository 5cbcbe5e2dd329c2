// Field limits: every string and repeated field of a message that comes from outside (records,
// list rows, request headers) has a most bytes or items, by what the field holds (its name:
// ids, codes, names, references, notes; services/common/limits.h has the numbers and
// docs/LIMITS.md the table). Checked before any other validation, so that no oversized value is
// ever parsed further, stored, forwarded or quoted back.
//
// Stateless; thread-safe.
#ifndef TIERHUB_SERVICES_DOMAIN_FIELD_LIMITS_H_
#define TIERHUB_SERVICES_DOMAIN_FIELD_LIMITS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace tierhub::domain {

// The most bytes of a string or bytes field (of each item, if repeated), and the most items of
// a repeated field, by the field's name.
size_t MaxFieldBytes(const google::protobuf::FieldDescriptor& field);
int MaxFieldItems(const google::protobuf::FieldDescriptor& field);

// OK, or INVALID_ARGUMENT for the first field of `message` (depth first, in field order) over
// its limit, named by its path under `path`:
//   "enterprise.name: 60000000 bytes, at most 200"
//   "enforcement_case.history: 1001 items, at most 1000"
[[nodiscard]] absl::Status CheckFieldLimits(const google::protobuf::Message& message,
                                            absl::string_view path);

// OK, or INVALID_ARGUMENT if `message` serializes to more than `max_bytes`:
//   "record: 300000 bytes, at most 262144".
[[nodiscard]] absl::Status CheckMessageBytes(const google::protobuf::Message& message,
                                             absl::string_view path, size_t max_bytes);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_FIELD_LIMITS_H_
