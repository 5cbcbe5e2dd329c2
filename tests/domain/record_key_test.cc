#include "services/domain/record_key.h"

#include "gtest/gtest.h"

namespace tierhub::domain {
namespace {

constexpr char kCode[] = "91440606MA3EDFR842";

TEST(RecordKeyTest, BuildsTheDocumentedKeyForEveryKind) {
  v1::Record r;
  EXPECT_EQ(RecordKey(r), "");

  r.mutable_region()->set_code("440606");
  EXPECT_EQ(RecordKey(r), "region/440606");

  r.mutable_enterprise()->set_credit_code(kCode);
  EXPECT_EQ(RecordKey(r), "ent/91440606MA3EDFR842");

  r.mutable_equipment()->set_credit_code(kCode);
  r.mutable_equipment()->set_equipment_id("BF-2");
  EXPECT_EQ(RecordKey(r), "eqp/91440606MA3EDFR842/BF-2");

  v1::ListEntry* e = r.mutable_list_entry();
  e->set_department(v1::DEPARTMENT_ECO);
  e->set_round_id("2019-Q2-LISTS");
  e->set_kind(v1::LIST_KIND_KEY_SUPERVISION);
  e->set_dimension(v1::DIMENSION_ENVIRONMENT);
  e->set_credit_code(kCode);
  EXPECT_EQ(RecordKey(r), "list/ECO/2019-Q2-LISTS/KEY_SUPERVISION/ENVIRONMENT/91440606MA3EDFR842");

  r.mutable_round()->set_round_id("2019-Q2-LISTS");
  EXPECT_EQ(RecordKey(r), "round/2019-Q2-LISTS");

  r.mutable_enforcement_case()->set_case_id("C-2019-0001");
  EXPECT_EQ(RecordKey(r), "case/C-2019-0001");

  v1::CityTarget* t = r.mutable_city_target();
  t->set_region_code("440600");
  t->set_year(2019);
  t->set_industry(v1::INDUSTRY_CERAMICS);
  t->set_dimension(v1::DIMENSION_TECHNOLOGY);
  EXPECT_EQ(RecordKey(r), "target/440600/2019/CERAMICS/TECHNOLOGY");

  r.mutable_tip_off()->set_tip_off_id("T-12345-0007");
  EXPECT_EQ(RecordKey(r), "tip/T-12345-0007");
}

TEST(RecordKeyTest, KeysDoNotDependOnFieldsOutsideTheIdentity) {
  v1::Record a, b;
  a.mutable_enterprise()->set_credit_code(kCode);
  a.mutable_enterprise()->set_name("甲");
  b.mutable_enterprise()->set_credit_code(kCode);
  b.mutable_enterprise()->set_name("乙");
  EXPECT_EQ(RecordKey(a), RecordKey(b));
  // ...but list entries in different rounds are different records.
  a.mutable_list_entry()->set_round_id("R1");
  b.mutable_list_entry()->set_round_id("R2");
  EXPECT_NE(RecordKey(a), RecordKey(b));
}

TEST(RecordRegionTest, IsTheRecordsRegionCode) {
  v1::Record r;
  EXPECT_EQ(RecordRegion(r), "");
  r.mutable_region()->set_code("440606");
  EXPECT_EQ(RecordRegion(r), "440606");
  r.mutable_enterprise()->set_region_code("440604");
  EXPECT_EQ(RecordRegion(r), "440604");
  r.mutable_equipment()->set_region_code("440605");
  EXPECT_EQ(RecordRegion(r), "440605");
  r.mutable_list_entry()->set_region_code("440606");
  EXPECT_EQ(RecordRegion(r), "440606");
  r.mutable_enforcement_case()->set_region_code("441900");
  EXPECT_EQ(RecordRegion(r), "441900");
  r.mutable_city_target()->set_region_code("440600");
  EXPECT_EQ(RecordRegion(r), "440600");
  r.mutable_tip_off()->set_region_code("442000");
  EXPECT_EQ(RecordRegion(r), "442000");
}

TEST(RecordRegionTest, RoundsAreCampaignWideAndSitAtTheRoot) {
  v1::Record r;
  r.mutable_round()->set_round_id("2019-Q2-LISTS");
  EXPECT_EQ(RecordRegion(r), "000000");
}

}  // namespace
}  // namespace tierhub::domain
