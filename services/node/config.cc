#include "services/node/config.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "services/domain/region_table.h"

namespace tierhub::node {
namespace {

// Collects text-format parse errors as "line L col C: message".
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    errors_.push_back(absl::StrCat("line ", line + 1, " col ", column + 1, ": ", message));
  }
  void AddWarning(int line, int column, const std::string& message) override {
    AddError(line, column, message);
  }
  std::string Joined() const { return absl::StrJoin(errors_, "; "); }

 private:
  std::vector<std::string> errors_;
};

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

bool LooksLikeHostPort(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= address.size()) return false;
  for (size_t i = colon + 1; i < address.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(address[i]))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::NodeConfig> ParseNodeConfig(const std::string& text) {
  v1::NodeConfig config;
  std::string trimmed(absl::StripLeadingAsciiWhitespace(text));
  if (absl::StartsWith(trimmed, "{")) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    auto status = google::protobuf::util::JsonStringToMessage(text, &config, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("config (JSON): ", status.message().as_string()));
    }
    return config;
  }
  google::protobuf::TextFormat::Parser parser;
  ErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &config)) {
    return absl::InvalidArgumentError(absl::StrCat("config (text format): ", errors.Joined()));
  }
  return config;
}

absl::StatusOr<v1::NodeConfig> LoadNodeConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("config file ", path, " cannot be read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto config = ParseNodeConfig(buffer.str());
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

absl::Status ValidateNodeConfig(const v1::NodeConfig& config) {
  if (config.node_id().empty()) return Invalid("node_id", "is required");
  for (char c : config.node_id()) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return Invalid("node_id", "may hold only letters, digits, '-', '_' and '.'");
    }
  }
  if (config.tier() == v1::REGION_LEVEL_UNSPECIFIED) {
    return Invalid("tier", "is required (REGION_LEVEL_NATIONAL, _PROVINCE, _CITY or _COUNTY)");
  }
  const v1::Region* region = domain::DefaultRegions().Lookup(config.region_code());
  if (region == nullptr) {
    return Invalid("region_code",
                   absl::StrCat("'", config.region_code(), "' is not a known GB/T 2260 region"));
  }
  if (region->level() != config.tier()) {
    return Invalid("tier", absl::StrCat(v1::RegionLevel_Name(config.tier()), " does not match ",
                                        config.region_code(), " (",
                                        v1::RegionLevel_Name(region->level()), ")"));
  }
  if (!LooksLikeHostPort(config.listen_address())) {
    return Invalid("listen_address", "must be host:port, e.g. 127.0.0.1:7443");
  }
  if (!config.parent_address().empty() && !LooksLikeHostPort(config.parent_address())) {
    return Invalid("parent_address", "must be host:port");
  }
  if (config.parent_address().empty() && !config.parent_node_id().empty()) {
    return Invalid("parent_node_id", "is set but parent_address is empty");
  }
  if (!config.parent_address().empty() && config.parent_node_id().empty()) {
    return Invalid("parent_node_id", "is required with parent_address (the parent's identity)");
  }
  if (config.store_path().empty()) return Invalid("store_path", "is required");
  if (!(std::isfinite(config.power_alert_threshold_kwh()) &&
        config.power_alert_threshold_kwh() >= 0)) {
    return Invalid("power_alert_threshold_kwh", "must be a finite number of kWh >= 0");
  }
  if (config.insecure()) {
    if (config.has_tls()) return Invalid("tls", "must be absent when insecure is true");
  } else {
    if (config.tls().ca_file().empty()) return Invalid("tls.ca_file", "is required");
    if (config.tls().cert_file().empty()) return Invalid("tls.cert_file", "is required");
    if (config.tls().key_file().empty()) return Invalid("tls.key_file", "is required");
  }
  if (config.has_web()) {
    const v1::WebConfig& web = config.web();
    if (!LooksLikeHostPort(web.listen_address())) {
      return Invalid("web.listen_address", "must be host:port, e.g. 127.0.0.1:8443");
    }
    if (web.accounts_file().empty()) {
      return Invalid("web.accounts_file", "is required (tierhubctl web-user add)");
    }
    if (web.insecure_http()) {
      if (!web.cert_file().empty() || !web.key_file().empty()) {
        return Invalid("web.cert_file", "must be absent when web.insecure_http is true");
      }
    } else {
      if (web.cert_file().empty()) return Invalid("web.cert_file", "is required (HTTPS)");
      if (web.key_file().empty()) return Invalid("web.key_file", "is required (HTTPS)");
    }
  }
  return absl::OkStatus();
}

}  // namespace tierhub::node
