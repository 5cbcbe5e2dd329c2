#include "services/auth/jurisdiction.h"

#include "gtest/gtest.h"
#include "services/domain/validation.h"
#include "tests/exchange/test_cluster.h"

namespace tierhub::auth {
namespace {

v1::Change ChangeAbout(const std::string& record_region, const std::string& origin_region) {
  v1::Change change;
  *change.mutable_record() = testutil::MakeEnterprise(record_region, 1);
  change.set_key(domain::RecordKey(change.record()));
  change.set_origin_node("n");
  change.set_origin_seq(1);
  change.set_origin_region(origin_region);
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

TEST(JurisdictionTest, ChildMayPushOnlyItsSubtreesChangesAboutItsRegion) {
  EXPECT_TRUE(CheckChildChange(ChangeAbout("440606", "440606"), "440600").ok());
  EXPECT_TRUE(CheckChildChange(ChangeAbout("440606", "440606"), "440606").ok());
  EXPECT_EQ(CheckChildChange(ChangeAbout("440605", "440606"), "440606").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckChildChange(ChangeAbout("440606", "440000"), "440606").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckChildChange(GlobalRound(), "440600").code(), absl::StatusCode::kPermissionDenied);
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
