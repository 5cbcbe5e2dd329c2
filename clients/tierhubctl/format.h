// Formatting shared by tierhubctl's commands: protobuf messages as JSON, times in China
// Standard Time, enum names as lower-case labels, region names.
#ifndef TIERHUB_CLIENTS_TIERHUBCTL_FORMAT_H_
#define TIERHUB_CLIENTS_TIERHUBCTL_FORMAT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "tierhub/v1/domain.pb.h"

namespace tierhub::ctl {

// A --<option>=YYYY-MM-DD day in China time: its first instant, or with `end_of_day` its last
// second (23:59:59), which is how "as of a day" and checkpoints read. INVALID_ARGUMENT names
// the option.
absl::StatusOr<absl::Time> ParseDayOption(const std::string& option, absl::string_view text,
                                          bool end_of_day = false);

// A message as indented JSON with the proto's field names, ending in a newline.
std::string ProtoJson(const google::protobuf::Message& message);

// "2019-04-15" and "2019-04-15 09:30" in China time; "" for an unset timestamp.
std::string FormatDay(const google::protobuf::Timestamp& ts);
std::string FormatMoment(const google::protobuf::Timestamp& ts);

// An enum value name without its prefix, in lower case: ("CASE_STATE_FOUND", "CASE_STATE_")
// gives "found".
std::string EnumLabel(absl::string_view name, absl::string_view prefix);

// The Chinese name of a current region, or "".
std::string RegionName(const std::string& code);

// --capacity=X --unit=NAME (options `capacity_option` and "unit"): a non-negative number and
// a unit given as tonnes_per_year, square_metres_per_year, ... (the proto's names without
// CAPACITY_UNIT_, any case). Sets nothing when --capacity is absent. INVALID_ARGUMENT naming
// the option otherwise.
[[nodiscard]] absl::Status ParseCapacityOptions(const std::string& capacity_text,
                                                const std::string& unit_text, double* capacity,
                                                v1::CapacityUnit* unit);

}  // namespace tierhub::ctl

#endif  // TIERHUB_CLIENTS_TIERHUBCTL_FORMAT_H_
