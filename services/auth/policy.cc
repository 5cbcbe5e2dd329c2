#include "services/auth/policy.h"

#include "absl/strings/str_cat.h"
#include "services/auth/jurisdiction.h"
#include "services/common/strings.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/domain/validation.h"

namespace tierhub::auth {
namespace {

using Kind = Identity::Kind;

absl::Status Denied(const Identity& caller, absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat(caller.CommonName(), ": ", why));
}

}  // namespace

absl::StatusOr<Identity> ServiceCaller(const grpc::ServerContext& context,
                                       const NodeContext& node) {
  auto caller = CallerIdentity(context, node.insecure);
  if (!caller.ok()) return caller.status();
  if (absl::Status s = CheckNotPeer(node, *caller); !s.ok()) return s;
  return caller;
}

bool IsNodeSelf(const NodeContext& node, const Identity& caller) {
  return caller.kind == Kind::kNode && caller.name == node.node_id &&
         caller.region_code == node.region_code;
}

absl::Status CheckNotPeer(const NodeContext& node, const Identity& caller) {
  if (caller.kind == Kind::kNode && !IsNodeSelf(node, caller)) {
    return Denied(caller, absl::StrCat("node certificates of other nodes use the exchange only; "
                                       "this is node ",
                                       node.node_id));
  }
  return absl::OkStatus();
}

absl::Status CheckReadable(const NodeContext& node, const Identity& caller,
                           const std::string& region) {
  if (absl::Status s = CheckNotPeer(node, caller); !s.ok()) return s;
  if (IsGlobalRegion(region)) return absl::OkStatus();
  if (!InJurisdiction(caller.region_code, region)) {
    return Denied(caller, absl::StrCat("region ", region, " is outside the caller's region ",
                                       caller.region_code));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadRegion(const NodeContext& node, const Identity& caller,
                                       const std::string& requested) {
  const std::string region = requested.empty() ? caller.region_code : requested;
  if (!domain::IsRegionCodeShape(region)) {
    return absl::InvalidArgumentError(
        absl::StrCat("region_code: '", ShownText(region), "' is not a 6-digit region code"));
  }
  if (absl::Status s = CheckReadable(node, caller, region); !s.ok()) return s;
  return region;
}

absl::Status CheckWritable(const NodeContext& node, const Identity& caller,
                           const std::string& region) {
  if (caller.kind == Kind::kOperator) {
    return Denied(caller, "operators may read and administer, not write records");
  }
  if (absl::Status s = CheckNotPeer(node, caller); !s.ok()) return s;
  if (IsGlobalRegion(region)) {
    if (!node.is_root) {
      return absl::PermissionDeniedError(
          "global reference data (e.g. rounds) is written at the top node only");
    }
    return absl::OkStatus();
  }
  if (!InJurisdiction(node.region_code, region)) {
    return absl::PermissionDeniedError(
        absl::StrCat("region ", region, " is outside this node's region ", node.region_code));
  }
  if (!InJurisdiction(caller.region_code, region)) {
    return Denied(caller, absl::StrCat("region ", region, " is outside the caller's region ",
                                       caller.region_code));
  }
  return absl::OkStatus();
}

absl::Status CheckRecordWrite(const NodeContext& node, const Identity& caller,
                              const v1::Record& record) {
  const std::string region = domain::RecordRegion(record);
  if (absl::Status s = CheckWritable(node, caller, region); !s.ok()) return s;
  switch (record.kind_case()) {
    case v1::Record::kRegion:
    case v1::Record::kEnterprise:
    case v1::Record::kEquipment:
      if (!IsNodeSelf(node, caller)) {
        return Denied(caller,
                      "the register of enterprises and equipment is kept by the node's own "
                      "system; departments submit lists (Registry.SubmitList)");
      }
      return absl::OkStatus();
    case v1::Record::kCityTarget:
      if (IsNodeSelf(node, caller)) return absl::OkStatus();
      if (caller.kind == Kind::kDepartment && caller.department == v1::DEPARTMENT_MIIT &&
          caller.region_code == region) {
        return absl::OkStatus();
      }
      return Denied(caller, absl::StrCat("the action plan of ", region,
                                         " is written by that city's MIIT or its node's system"));
    default:
      return Denied(caller, "this kind of record has an RPC of its own");
  }
}

absl::Status CheckDimension(const Identity& caller, v1::Dimension dimension) {
  switch (caller.kind) {
    case Kind::kNode:
      return absl::OkStatus();  // peers were refused by CheckWritable / CheckNotPeer
    case Kind::kOperator:
      return Denied(caller, "operators do not act on cases or lists");
    case Kind::kDepartment:
      if (dimension == v1::DIMENSION_UNSPECIFIED ||
          domain::DepartmentMayActOn(caller.department, dimension)) {
        return absl::OkStatus();
      }
      return Denied(caller, absl::StrCat("department ", domain::DepartmentCode(caller.department),
                                         " does not lead the ", domain::DimensionCode(dimension),
                                         " dimension"));
  }
  return Denied(caller, "unknown identity kind");
}

absl::Status CheckLead(const NodeContext& node, const Identity& caller) {
  if (caller.kind != Kind::kDepartment || caller.department != v1::DEPARTMENT_MIIT) {
    return Denied(caller, "rounds and late waivers are set by MIIT (the lead)");
  }
  if (!InJurisdiction(caller.region_code, node.region_code)) {
    return Denied(caller,
                  absl::StrCat("MIIT of ", caller.region_code,
                               " does not lead the region of this node (", node.region_code, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckAdmin(const NodeContext& node, const Identity& caller) {
  if (caller.kind != Kind::kOperator) {
    return Denied(caller,
                  "administering a node needs an operator certificate (ops:<region>:<user>)");
  }
  if (!InJurisdiction(caller.region_code, node.region_code)) {
    return Denied(caller, absl::StrCat("may not administer a node for region ", node.region_code));
  }
  return absl::OkStatus();
}

absl::Status CheckExchangeView(const NodeContext& node, const Identity& caller) {
  if (caller.kind == Kind::kDepartment) {
    return Denied(caller, "the exchange's state is for operators and nodes");
  }
  if (InJurisdiction(caller.region_code, node.region_code)) return absl::OkStatus();
  if (caller.kind == Kind::kNode && InJurisdiction(node.region_code, caller.region_code)) {
    return absl::OkStatus();  // a child asking its parent
  }
  return Denied(caller, absl::StrCat("region ", node.region_code,
                                     " is outside the caller's region ", caller.region_code));
}

absl::Status CheckInformantReadable(const NodeContext& node, const Identity& caller,
                                    const v1::TipOff& tip) {
  if (tip.received_by_node() != node.node_id) {
    return absl::NotFoundError("the informant is kept only at the node that received the tip-off");
  }
  if (caller.kind == Kind::kOperator && caller.region_code == node.region_code) {
    return absl::OkStatus();
  }
  if (caller.kind == Kind::kDepartment && caller.department == tip.responsible() &&
      InJurisdiction(caller.region_code, tip.region_code())) {
    return absl::OkStatus();
  }
  return Denied(
      caller, absl::StrCat("the informant is shown to ", domain::DepartmentCode(tip.responsible()),
                           " of ", tip.region_code(), " and this node's operators only"));
}

}  // namespace tierhub::auth
