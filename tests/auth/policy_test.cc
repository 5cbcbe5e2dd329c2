// The policy matrix as a table: identities × operations × regions, allowed or refused.
#include "services/auth/policy.h"

#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/auth/jurisdiction.h"
#include "services/common/clock.h"

namespace tierhub::auth {
namespace {

Identity Id(const std::string& common_name) { return ParseCommonName(common_name).value(); }

NodeContext Node(const std::string& id, const std::string& region, bool root) {
  NodeContext node;
  node.node_id = id;
  node.region_code = region;
  node.is_root = root;
  node.clock = SystemClock::Get();
  return node;
}

v1::Record Enterprise(const std::string& region) {
  v1::Record r;
  r.mutable_enterprise()->set_credit_code("91440606MA4UJ0Y91T");
  r.mutable_enterprise()->set_region_code(region);
  return r;
}

v1::Record Target(const std::string& region) {
  v1::Record r;
  r.mutable_city_target()->set_region_code(region);
  r.mutable_city_target()->set_year(2019);
  return r;
}

v1::Record Case(const std::string& region) {
  v1::Record r;
  r.mutable_enforcement_case()->set_case_id("c1");
  r.mutable_enforcement_case()->set_region_code(region);
  return r;
}

struct Row {
  std::string what;
  std::function<absl::Status()> check;
  bool allowed;
};

void RunTable(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    const absl::Status s = row.check();
    if (row.allowed) {
      EXPECT_TRUE(s.ok()) << row.what << ": " << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << row.what << ": " << s;
      EXPECT_FALSE(s.message().empty()) << row.what;
    }
  }
}

const NodeContext kProvince = Node("gd", "440000", /*root=*/true);
const NodeContext kShunde = Node("gd-440606", "440606", /*root=*/false);
const NodeContext kFoshan = Node("gd-440600", "440600", /*root=*/false);

TEST(PolicyTest, RecordWritesFollowTheMatrix) {
  const Identity shunde_node = Id("node:440606:gd-440606");
  const Identity foshan_node = Id("node:440600:gd-440600");
  const Identity province_node = Id("node:440000:gd");
  const Identity sibling_node = Id("node:440605:gd-440605");
  const Identity province_miit = Id("dept:MIIT:440000:clerk");
  const Identity foshan_miit = Id("dept:MIIT:440600:clerk");
  const Identity province_eco = Id("dept:ECO:440000:clerk");
  const Identity ops = Id("ops:440000:oncall");
  RunTable({
      {"own system writes its enterprise",
       [&] { return CheckRecordWrite(kShunde, shunde_node, Enterprise("440606")); }, true},
      {"own system writes outside its region",
       [&] { return CheckRecordWrite(kShunde, shunde_node, Enterprise("440605")); }, false},
      {"county node at the province (a peer there)",
       [&] { return CheckRecordWrite(kProvince, shunde_node, Enterprise("440606")); }, false},
      {"sibling county node at Shunde",
       [&] { return CheckRecordWrite(kShunde, sibling_node, Enterprise("440605")); }, false},
      {"province's system writes a Shunde enterprise at the province",
       [&] { return CheckRecordWrite(kProvince, province_node, Enterprise("440606")); }, true},
      {"MIIT clerk writes an enterprise",
       [&] { return CheckRecordWrite(kProvince, province_miit, Enterprise("440606")); }, false},
      {"ECO clerk writes an enterprise at a county",
       [&] { return CheckRecordWrite(kShunde, province_eco, Enterprise("440606")); }, false},
      {"operator writes an enterprise",
       [&] { return CheckRecordWrite(kShunde, ops, Enterprise("440606")); }, false},
      {"city MIIT writes its own plan",
       [&] { return CheckRecordWrite(kFoshan, foshan_miit, Target("440600")); }, true},
      {"city system writes its own plan",
       [&] { return CheckRecordWrite(kFoshan, foshan_node, Target("440600")); }, true},
      {"provincial MIIT writes a city's plan",
       [&] { return CheckRecordWrite(kProvince, province_miit, Target("440600")); }, false},
      {"ECO writes a city's plan",
       [&] { return CheckRecordWrite(kProvince, province_eco, Target("440600")); }, false},
      {"a case through the generic write",
       [&] { return CheckRecordWrite(kShunde, shunde_node, Case("440606")); }, false},
  });
}

TEST(PolicyTest, ReadsStayInsideTheCallersRegion) {
  const Identity shunde_ops = Id("ops:440606:oncall");
  const Identity shunde_clerk = Id("dept:ECO:440606:clerk");
  const Identity shunde_node = Id("node:440606:gd-440606");
  const Identity province_clerk = Id("dept:SAMR:440000:clerk");
  RunTable({
      {"county operator reads Dongguan at the province",
       [&] { return CheckReadable(kProvince, shunde_ops, "441900"); }, false},
      {"county clerk reads Dongguan",
       [&] { return CheckReadable(kProvince, shunde_clerk, "441900"); }, false},
      {"county node reads at the province (peer)",
       [&] { return CheckReadable(kProvince, shunde_node, "440606"); }, false},
      {"county operator reads its county",
       [&] { return CheckReadable(kProvince, shunde_ops, "440606"); }, true},
      {"provincial clerk reads Dongguan",
       [&] { return CheckReadable(kProvince, province_clerk, "441900"); }, true},
      {"rounds are readable by all who read",
       [&] { return CheckReadable(kProvince, shunde_clerk, kGlobalRegion); }, true},
      {"own system reads its county", [&] { return CheckReadable(kShunde, shunde_node, "440606"); },
       true},
  });
  auto region = ReadRegion(kProvince, shunde_clerk, "");
  ASSERT_TRUE(region.ok());
  EXPECT_EQ(*region, "440606");
  EXPECT_EQ(ReadRegion(kProvince, shunde_clerk, "44060").status().code(),
            absl::StatusCode::kInvalidArgument);
  // A bad code is echoed as text: Chinese as Chinese, a broken byte or a newline escaped.
  const absl::Status bad = ReadRegion(kProvince, shunde_clerk, "顺德\xff\n").status();
  EXPECT_EQ(bad.message(), "region_code: '顺德\\xff\\n' is not a 6-digit region code");
}

TEST(PolicyTest, RoundsAdministrationAndDimensions) {
  const Identity province_miit = Id("dept:MIIT:440000:clerk");
  const Identity foshan_miit = Id("dept:MIIT:440600:clerk");
  const Identity province_drc = Id("dept:DRC:440000:clerk");
  const Identity province_eco = Id("dept:ECO:440000:clerk");
  const Identity county_node = Id("node:440606:gd-440606");
  const Identity province_node = Id("node:440000:gd");
  const Identity province_ops = Id("ops:440000:oncall");
  const Identity shunde_ops = Id("ops:440606:oncall");
  const Identity nanhai_ops = Id("ops:440605:oncall");
  RunTable({
      {"provincial MIIT leads at the province", [&] { return CheckLead(kProvince, province_miit); },
       true},
      {"city MIIT at the province", [&] { return CheckLead(kProvince, foshan_miit); }, false},
      {"county node closes a round", [&] { return CheckLead(kProvince, county_node); }, false},
      {"province's own node sets rounds", [&] { return CheckLead(kProvince, province_node); },
       false},
      {"DRC sets rounds", [&] { return CheckLead(kProvince, province_drc); }, false},
      {"province operator administers Shunde", [&] { return CheckAdmin(kShunde, province_ops); },
       true},
      {"Shunde operator administers Shunde", [&] { return CheckAdmin(kShunde, shunde_ops); }, true},
      {"Nanhai operator administers Shunde", [&] { return CheckAdmin(kShunde, nanhai_ops); },
       false},
      {"province node administers Shunde", [&] { return CheckAdmin(kShunde, province_node); },
       false},
      {"a clerk administers", [&] { return CheckAdmin(kShunde, province_miit); }, false},
      {"DRC rescreens Table 5",
       [&] { return CheckDimension(province_drc, v1::DIMENSION_TECHNOLOGY); }, true},
      {"ECO rescreens Table 5",
       [&] { return CheckDimension(province_eco, v1::DIMENSION_TECHNOLOGY); }, false},
      {"MIIT acts on SAFETY", [&] { return CheckDimension(province_miit, v1::DIMENSION_SAFETY); },
       true},
      {"operator acts on a dimension",
       [&] { return CheckDimension(province_ops, v1::DIMENSION_SAFETY); }, false},
      {"parent node views a child's exchange",
       [&] { return CheckExchangeView(kShunde, province_node); }, true},
      {"child views its parent's exchange", [&] { return CheckExchangeView(kFoshan, county_node); },
       true},
      {"sibling operator views Shunde's exchange",
       [&] { return CheckExchangeView(kShunde, nanhai_ops); }, false},
      {"a clerk views the exchange", [&] { return CheckExchangeView(kShunde, province_eco); },
       false},
  });
}

TEST(PolicyTest, InformantIsForTheHandlingDepartmentAndTheNodesOperators) {
  v1::TipOff tip;
  tip.set_tip_off_id("t1");
  tip.set_region_code("440606");
  tip.set_responsible(v1::DEPARTMENT_ECO);
  tip.set_received_by_node("gd-440606");
  RunTable({
      {"ECO of Shunde",
       [&] { return CheckInformantReadable(kShunde, Id("dept:ECO:440606:a"), tip); }, true},
      {"ECO of the province",
       [&] { return CheckInformantReadable(kShunde, Id("dept:ECO:440000:a"), tip); }, true},
      {"ECO of Nanhai",
       [&] { return CheckInformantReadable(kShunde, Id("dept:ECO:440605:a"), tip); }, false},
      {"MIIT of the province",
       [&] { return CheckInformantReadable(kShunde, Id("dept:MIIT:440000:a"), tip); }, false},
      {"SAMR of Shunde",
       [&] { return CheckInformantReadable(kShunde, Id("dept:SAMR:440606:a"), tip); }, false},
      {"Shunde's operator",
       [&] { return CheckInformantReadable(kShunde, Id("ops:440606:a"), tip); }, true},
      {"the province's operator",
       [&] { return CheckInformantReadable(kShunde, Id("ops:440000:a"), tip); }, false},
      {"the city's node",
       [&] { return CheckInformantReadable(kShunde, Id("node:440600:gd-440600"), tip); }, false},
      {"Shunde's own node system",
       [&] { return CheckInformantReadable(kShunde, Id("node:440606:gd-440606"), tip); }, false},
  });
  EXPECT_EQ(CheckInformantReadable(kFoshan, Id("dept:ECO:440606:a"), tip).code(),
            absl::StatusCode::kNotFound);  // kept only at the receiving node
}

}  // namespace
}  // namespace tierhub::auth
