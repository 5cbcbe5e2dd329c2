#include "clients/tierhubctl/format.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "google/protobuf/util/json_util.h"
#include "services/domain/case_machine.h"
#include "services/domain/region_table.h"

namespace tierhub::ctl {

absl::StatusOr<absl::Time> ParseDayOption(const std::string& option, absl::string_view text,
                                          bool end_of_day) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", std::string(text), domain::ChinaTimeZone(), &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, ": '", std::string(text), "' is not a date (YYYY-MM-DD)"));
  }
  return end_of_day ? t + absl::Hours(24) - absl::Seconds(1) : t;
}

std::string ProtoJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}\n";
  return out + "\n";
}

std::string FormatDay(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0) return "";
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(ts.seconds()), domain::ChinaTimeZone());
}

std::string FormatMoment(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(ts.seconds()),
                          domain::ChinaTimeZone());
}

std::string EnumLabel(absl::string_view name, absl::string_view prefix) {
  if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(name);
}

std::string RegionName(const std::string& code) {
  const v1::Region* r = domain::DefaultRegions().Lookup(code);
  return r ? r->name_zh() : "";
}

absl::Status ParseCapacityOptions(const std::string& capacity_text, const std::string& unit_text,
                                  double* capacity, v1::CapacityUnit* unit) {
  if (capacity_text.empty()) return absl::OkStatus();
  if (!absl::SimpleAtod(capacity_text, capacity) || *capacity < 0) {
    return absl::InvalidArgumentError("--capacity: a non-negative number");
  }
  if (!v1::CapacityUnit_Parse("CAPACITY_UNIT_" + absl::AsciiStrToUpper(unit_text), unit) ||
      *unit == v1::CAPACITY_UNIT_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "--unit: tonnes_per_year, square_metres_per_year, pieces_per_year, hides_per_year, "
        "megawatts, weight_boxes_per_year or kvah_per_year");
  }
  return absl::OkStatus();
}

}  // namespace tierhub::ctl
