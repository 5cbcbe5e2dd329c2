#include "services/auth/jurisdiction.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/domain/validation.h"

namespace tierhub::auth {

bool IsGlobalRegion(const std::string& region) { return region.empty() || region == kGlobalRegion; }

std::string ChangeRegion(const v1::Change& change) {
  if (change.has_tombstone()) return change.tombstone().region_code();
  return domain::RecordRegion(change.record());
}

bool InJurisdiction(const std::string& jurisdiction, const std::string& code) {
  return domain::RegionTable::Contains(jurisdiction, code);
}

bool IsDirectChild(const std::string& parent, const std::string& child) {
  if (parent == child || !InJurisdiction(parent, child)) return false;
  if (const v1::Region* up = domain::DefaultRegions().Parent(child); up != nullptr) {
    return up->code() == parent;
  }
  return domain::JurisdictionPrefix(child).size() == domain::JurisdictionPrefix(parent).size() + 2;
}

namespace {

// The department whose record this is, for the kinds only a department writes.
std::optional<v1::Department> DepartmentOfRecord(const v1::Change& change) {
  if (!change.has_record()) return std::nullopt;
  const v1::Record& r = change.record();
  switch (r.kind_case()) {
    case v1::Record::kListEntry:
      return r.list_entry().department();
    case v1::Record::kSubmission:
      return r.submission().department();
    case v1::Record::kSubmissionVersion:
      return r.submission_version().department();
    default:
      return std::nullopt;
  }
}

}  // namespace

absl::Status CheckChildChange(const v1::Change& change, const std::string& child_node,
                              const std::string& child_region) {
  auto refuse = [&](absl::string_view why) {
    return absl::PermissionDeniedError(absl::StrCat(
        "change ", change.origin_node(), "#", change.origin_seq(), " (", change.key(), "): ", why));
  };
  if (!InJurisdiction(child_region, change.origin_region())) {
    return refuse(absl::StrCat("origin region ", change.origin_region(),
                               " is outside child region ", child_region));
  }
  const bool own_region = change.origin_region() == child_region;
  const bool own_name = change.origin_node() == child_node;
  if (own_region != own_name) {
    return refuse(own_region ? absl::StrCat("only ", child_node, " speaks for region ",
                                            child_region, " on this link")
                             : absl::StrCat(child_node, "'s own changes carry its region ",
                                            child_region, ", not ", change.origin_region()));
  }
  const std::string region = ChangeRegion(change);
  if (IsGlobalRegion(region) || !InJurisdiction(child_region, region)) {
    return refuse(
        absl::StrCat("record region '", region, "' is outside child region ", child_region));
  }
  const v1::Author& author = change.author();
  if (author.node_id() != change.origin_node()) {
    return refuse(absl::StrCat("author.node_id '", author.node_id(),
                               "' is not the origin node; a change is authored where it was "
                               "written"));
  }
  if (!author.region_code().empty() && !InJurisdiction(author.region_code(), region)) {
    return refuse(absl::StrCat("record region ", region, " is outside the author's region ",
                               author.region_code()));
  }
  if (std::optional<v1::Department> dept = DepartmentOfRecord(change); dept.has_value()) {
    if (author.department() == v1::DEPARTMENT_UNSPECIFIED) {
      return refuse(
          "a department's record authored by a node; only a department's call "
          "writes one");
    }
    if (author.department() != *dept) {
      return refuse(absl::StrCat("the record is department ", domain::DepartmentCode(*dept),
                                 "'s but its author is ",
                                 domain::DepartmentCode(author.department())));
    }
  }
  return absl::OkStatus();
}

bool ShouldPushUp(const v1::Change& change, const std::string& self_region) {
  return InJurisdiction(self_region, change.origin_region());
}

bool ShouldSendDown(const v1::Change& change, const std::string& child_region) {
  if (InJurisdiction(child_region, change.origin_region())) return false;
  const std::string region = ChangeRegion(change);
  return IsGlobalRegion(region) || InJurisdiction(child_region, region);
}

}  // namespace tierhub::auth
