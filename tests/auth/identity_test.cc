#include "services/auth/identity.h"

#include "gtest/gtest.h"

namespace tierhub::auth {
namespace {

TEST(IdentityTest, ParsesNodeDepartmentAndOperatorNames) {
  auto node = ParseCommonName("node:440606:gd-440606");
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(node->kind, Identity::Kind::kNode);
  EXPECT_EQ(node->region_code, "440606");
  EXPECT_EQ(node->name, "gd-440606");
  EXPECT_EQ(node->CommonName(), "node:440606:gd-440606");

  auto dept = ParseCommonName("dept:ECO:440000:clerk1");
  ASSERT_TRUE(dept.ok()) << dept.status();
  EXPECT_EQ(dept->department, v1::DEPARTMENT_ECO);
  EXPECT_EQ(dept->CommonName(), "dept:ECO:440000:clerk1");
  v1::Author author = dept->ToAuthor("gd");
  EXPECT_EQ(author.node_id(), "gd");
  EXPECT_EQ(author.department(), v1::DEPARTMENT_ECO);
  EXPECT_EQ(author.user(), "clerk1");

  auto ops = ParseCommonName("ops:440600:oncall");
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(ops->kind, Identity::Kind::kOperator);
}

TEST(IdentityTest, RefusesMalformedNames) {
  for (const char* bad :
       {"", "node:440606", "node:999999:x", "dept:XYZ:440000:u", "root:440000:x", "node:440606:"}) {
    EXPECT_EQ(ParseCommonName(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace tierhub::auth
