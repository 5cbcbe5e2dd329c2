// Loading and validating a node's configuration (a tierhub.v1.NodeConfig).
#ifndef TIERHUB_SERVICES_NODE_CONFIG_H_
#define TIERHUB_SERVICES_NODE_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "tierhub/v1/config.pb.h"

namespace tierhub::node {

// Parses `text` as protobuf JSON (if it starts with '{') or protobuf text format. Unknown fields
// are refused. INVALID_ARGUMENT names the line and the field on a parse error.
[[nodiscard]] absl::StatusOr<v1::NodeConfig> ParseNodeConfig(const std::string& text);

// Reads and parses the file at `path` (NOT_FOUND if it cannot be read).
[[nodiscard]] absl::StatusOr<v1::NodeConfig> LoadNodeConfig(const std::string& path);

// Checks every field; INVALID_ARGUMENT names the first bad field and why, e.g.
// "region_code: 449999 is not a known region".
[[nodiscard]] absl::Status ValidateNodeConfig(const v1::NodeConfig& config);

}  // namespace tierhub::node

#endif  // TIERHUB_SERVICES_NODE_CONFIG_H_
