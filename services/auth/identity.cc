#include "services/auth/identity.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"

namespace tierhub::auth {
namespace {

absl::Status CheckRegion(const std::string& region, const std::string& common_name) {
  if (domain::DefaultRegions().Lookup(region) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("identity '", common_name, "': region '", region, "' is not known"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string Identity::CommonName() const {
  switch (kind) {
    case Kind::kNode:
      return absl::StrCat("node:", region_code, ":", name);
    case Kind::kDepartment:
      return absl::StrCat("dept:", domain::DepartmentCode(department), ":", region_code, ":", name);
    case Kind::kOperator:
      return absl::StrCat("ops:", region_code, ":", name);
  }
  return "";
}

v1::Author Identity::ToAuthor(const std::string& node_id) const {
  v1::Author author;
  author.set_node_id(node_id);
  author.set_region_code(region_code);
  if (kind == Kind::kDepartment) author.set_department(department);
  if (kind != Kind::kNode) author.set_user(name);
  return author;
}

absl::StatusOr<Identity> ParseCommonName(const std::string& common_name) {
  std::vector<std::string> parts = absl::StrSplit(common_name, ':');
  Identity id;
  if (parts.size() == 3 && parts[0] == "node") {
    id.kind = Identity::Kind::kNode;
    id.region_code = parts[1];
    id.name = parts[2];
  } else if (parts.size() == 4 && parts[0] == "dept") {
    id.kind = Identity::Kind::kDepartment;
    auto dept = domain::ParseDepartment(parts[1]);
    if (!dept.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("identity '", common_name, "': ", dept.status().message()));
    }
    id.department = *dept;
    id.region_code = parts[2];
    id.name = parts[3];
  } else if (parts.size() == 3 && parts[0] == "ops") {
    id.kind = Identity::Kind::kOperator;
    id.region_code = parts[1];
    id.name = parts[2];
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "identity '", common_name,
        "' is not node:<region>:<id>, dept:<DEPT>:<region>:<user> or ops:<region>:<user>"));
  }
  if (id.name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("identity '", common_name, "': empty name"));
  }
  auto status = CheckRegion(id.region_code, common_name);
  if (!status.ok()) return status;
  return id;
}

absl::StatusOr<Identity> CallerIdentity(const grpc::ServerContext& context, bool insecure) {
  if (insecure) {
    auto it = context.client_metadata().find(kInsecureIdentityHeader);
    if (it == context.client_metadata().end()) {
      return absl::UnauthenticatedError(absl::StrCat("insecure mode: the request carries no ",
                                                     kInsecureIdentityHeader, " header"));
    }
    return ParseCommonName(std::string(it->second.data(), it->second.size()));
  }
  auto auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("no authenticated client certificate");
  }
  auto names = auth->FindPropertyValues("x509_common_name");
  if (names.empty()) {
    return absl::UnauthenticatedError("client certificate has no common name");
  }
  return ParseCommonName(std::string(names.front().data(), names.front().size()));
}

}  // namespace tierhub::auth
