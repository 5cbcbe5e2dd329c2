#include "services/auth/jurisdiction.h"

#include "gtest/gtest.h"
#include "services/domain/validation.h"
#include "tests/testutil/records.h"

namespace tierhub::auth {
namespace {

// A change about an enterprise of `record_region`, written at origin `origin` of
// `origin_region` by the node itself.
v1::Change ChangeAbout(const std::string& record_region, const std::string& origin_region,
                       const std::string& origin = "n") {
  v1::Change change;
  *change.mutable_record() = testutil::MakeEnterprise(record_region, 1);
  change.set_key(domain::RecordKey(change.record()));
  change.set_origin_node(origin);
  change.set_origin_seq(1);
  change.set_origin_region(origin_region);
  change.mutable_author()->set_node_id(origin);
  change.mutable_author()->set_region_code(origin_region);
  return change;
}

// A list entry of `dept` about `region`, written at the county node "sd" (440606).
v1::Change ListEntryBy(v1::Department dept, v1::Department author_dept,
                       const std::string& author_region = "440606") {
  v1::Change change;
  v1::ListEntry& entry = *change.mutable_record()->mutable_list_entry();
  entry.set_department(dept);
  entry.set_region_code("440606");
  change.set_key("lst/x");
  change.set_origin_node("sd");
  change.set_origin_seq(1);
  change.set_origin_region("440606");
  change.mutable_author()->set_node_id("sd");
  change.mutable_author()->set_region_code(author_region);
  change.mutable_author()->set_department(author_dept);
  return change;
}

v1::Change GlobalRound() {
  v1::Change change;
  change.mutable_record()->mutable_round()->set_round_id("2019-Q2");
  change.set_origin_region("440000");
  return change;
}

TEST(JurisdictionTest, PrefixContainment) {
  EXPECT_TRUE(InJurisdiction("440000", "440606"));
  EXPECT_TRUE(InJurisdiction("440600", "440606"));
  EXPECT_TRUE(InJurisdiction("440606", "440606"));
  EXPECT_FALSE(InJurisdiction("440600", "440100"));
  EXPECT_FALSE(InJurisdiction("440606", "440600"));
  EXPECT_TRUE(InJurisdiction("000000", "441900"));
}

TEST(JurisdictionTest, DirectChildrenAreOneTierBelow) {
  EXPECT_TRUE(IsDirectChild("440000", "440600"));
  EXPECT_TRUE(IsDirectChild("440000", "441900"));  // Dongguan: a city without counties
  EXPECT_TRUE(IsDirectChild("440600", "440606"));
  EXPECT_TRUE(IsDirectChild("000000", "440000"));
  EXPECT_TRUE(IsDirectChild("000000", "450000"));
  EXPECT_FALSE(IsDirectChild("440000", "440606"));  // a county goes through its city
  EXPECT_FALSE(IsDirectChild("000000", "440600"));
  EXPECT_FALSE(IsDirectChild("440600", "440600"));
  EXPECT_FALSE(IsDirectChild("440600", "440100"));  // another city's
  EXPECT_FALSE(IsDirectChild("440606", "440600"));  // upwards
  EXPECT_FALSE(IsDirectChild("440600", "bad"));
}

TEST(JurisdictionTest, ChildMayPushOnlyItsSubtreesChangesAboutItsRegion) {
  // The city fs forwards its county's change; the county sd pushes its own.
  EXPECT_TRUE(CheckChildChange(ChangeAbout("440606", "440606", "sd"), "fs", "440600").ok());
  EXPECT_TRUE(CheckChildChange(ChangeAbout("440606", "440606", "sd"), "sd", "440606").ok());
  EXPECT_TRUE(CheckChildChange(ChangeAbout("440606", "440600", "fs"), "fs", "440600").ok());
  EXPECT_EQ(CheckChildChange(ChangeAbout("440605", "440606", "sd"), "sd", "440606").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckChildChange(ChangeAbout("440606", "440000", "gd"), "sd", "440606").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckChildChange(GlobalRound(), "fs", "440600").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(JurisdictionTest, OriginIsBoundToTheChildsIdentity) {
  // A county (440605, "nh") may not speak under another county's name or for a region that
  // is its own under another name, nor claim its own name for a region below it.
  absl::Status other_name = CheckChildChange(ChangeAbout("440605", "440605", "sd"), "nh", "440605");
  EXPECT_EQ(other_name.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(other_name.message().find("only nh speaks for region 440605"), std::string::npos)
      << other_name;
  EXPECT_EQ(CheckChildChange(ChangeAbout("440606", "440606", "fs"), "fs", "440600").code(),
            absl::StatusCode::kPermissionDenied);
  // The author is the origin's caller, and the record lies in the author's region.
  v1::Change relayed = ChangeAbout("440606", "440606", "sd");
  relayed.mutable_author()->set_node_id("elsewhere");
  EXPECT_EQ(CheckChildChange(relayed, "fs", "440600").code(), absl::StatusCode::kPermissionDenied);
  v1::Change outside_author = ChangeAbout("440606", "440606", "sd");
  outside_author.mutable_author()->set_region_code("440604");
  EXPECT_EQ(CheckChildChange(outside_author, "fs", "440600").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(JurisdictionTest, DepartmentRecordsComeFromThatDepartment) {
  EXPECT_TRUE(
      CheckChildChange(ListEntryBy(v1::DEPARTMENT_ECO, v1::DEPARTMENT_ECO), "sd", "440606").ok());
  // A provincial clerk writing at the county is fine: the record lies in the author's region.
  EXPECT_TRUE(CheckChildChange(ListEntryBy(v1::DEPARTMENT_ECO, v1::DEPARTMENT_ECO, "440000"), "sd",
                               "440606")
                  .ok());
  absl::Status by_node =
      CheckChildChange(ListEntryBy(v1::DEPARTMENT_ECO, v1::DEPARTMENT_UNSPECIFIED), "sd", "440606");
  EXPECT_EQ(by_node.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(by_node.message().find("authored by a node"), std::string::npos) << by_node;
  EXPECT_EQ(
      CheckChildChange(ListEntryBy(v1::DEPARTMENT_ECO, v1::DEPARTMENT_MEM), "sd", "440606").code(),
      absl::StatusCode::kPermissionDenied);
}

TEST(JurisdictionTest, PushUpOnlyOwnSubtree) {
  EXPECT_TRUE(ShouldPushUp(ChangeAbout("440606", "440606"), "440600"));
  EXPECT_FALSE(ShouldPushUp(ChangeAbout("440606", "440000"), "440600"));
}

TEST(JurisdictionTest, SendDownGlobalAndJurisdictionButNeverTheChildsOwn) {
  EXPECT_TRUE(ShouldSendDown(ChangeAbout("440606", "440000"), "440606"));
  EXPECT_TRUE(ShouldSendDown(GlobalRound(), "440606"));
  EXPECT_FALSE(ShouldSendDown(ChangeAbout("440606", "440606"), "440606"));
  EXPECT_FALSE(ShouldSendDown(ChangeAbout("440605", "440000"), "440606"));
  EXPECT_FALSE(ShouldSendDown(ChangeAbout("440606", "440604"), "440600"));
}

}  // namespace
}  // namespace tierhub::auth
