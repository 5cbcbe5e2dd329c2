#include "services/domain/region_table.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tierhub::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Codes(const std::vector<const v1::Region*>& regions) {
  std::vector<std::string> out;
  for (const v1::Region* r : regions) out.push_back(r->code());
  return out;
}

// ---- The shipped data ------------------------------------------------------------------------

// data/regions/regions-china.csv: GB/T 2260 as of April 2019 (cn/GB2260 mca/201904.tsv, from
// the Ministry of Civil Affairs), 3,219 codes of county level and above with Guangdong's.
TEST(DefaultRegionsTest, ShipsEveryProvinceOfChina) {
  int national = 0, province = 0, city = 0, county = 0;
  int gd_city = 0, gd_county = 0;
  for (const v1::Region* r : DefaultRegions().All()) {
    if (RegionTable::Contains("440000", r->code())) {
      gd_city += r->level() == v1::REGION_LEVEL_CITY;
      gd_county += r->level() == v1::REGION_LEVEL_COUNTY;
    }
    switch (r->level()) {
      case v1::REGION_LEVEL_NATIONAL:
        ++national;
        break;
      case v1::REGION_LEVEL_PROVINCE:
        ++province;
        break;
      case v1::REGION_LEVEL_CITY:
        ++city;
        break;
      case v1::REGION_LEVEL_COUNTY:
        ++county;
        break;
      default:
        ADD_FAILURE() << r->code();
    }
  }
  EXPECT_EQ(national, 1);
  EXPECT_EQ(province, 34);  // 31, Taiwan, Hong Kong and Macao
  EXPECT_EQ(city, 334);
  EXPECT_EQ(county, 2851);
  // Guangdong as before: 21 cities and 122 counties.
  EXPECT_EQ(gd_city, 21);
  EXPECT_EQ(gd_county, 122);
  // Guangxi: 14 cities, Nanning's first district.
  EXPECT_EQ(DefaultRegions().Children("450000").size(), 14u);
  ASSERT_NE(DefaultRegions().Lookup("450102"), nullptr);
  EXPECT_EQ(DefaultRegions().Lookup("450102")->name_zh(), "兴宁区");
  EXPECT_EQ(DefaultRegions().Parent("450102")->code(), "450100");
}

// A county hangs off its province only where GB/T 2260 has no city above it: the districts of
// the four municipalities (1101.., 1201.., 3101.., 5001.., 5002..) and the county-level cities
// run by their province (4190.., 4290.., 4690.., 6590..).
TEST(DefaultRegionsTest, EveryCityHangsOffAProvinceAndEveryCountyOffItsCityIfItHasOne) {
  const RegionTable& regions = DefaultRegions();
  std::set<std::string> under_province;
  for (const v1::Region* r : regions.All()) {
    if (r->level() == v1::REGION_LEVEL_NATIONAL) continue;
    const v1::Region* parent = regions.Parent(r->code());
    ASSERT_NE(parent, nullptr) << r->code();
    EXPECT_TRUE(RegionTable::Contains(parent->code(), r->code())) << r->code();
    if (r->level() == v1::REGION_LEVEL_COUNTY && parent->level() == v1::REGION_LEVEL_PROVINCE) {
      EXPECT_FALSE(regions.IsKnown(r->code().substr(0, 4) + "00")) << r->code();
      under_province.insert(r->code().substr(0, 4));
      continue;
    }
    EXPECT_EQ(static_cast<int>(parent->level()), static_cast<int>(r->level()) - 1) << r->code();
  }
  EXPECT_THAT(under_province,
              ElementsAre("1101", "1201", "3101", "4190", "4290", "4690", "5001", "5002", "6590"));
}

TEST(DefaultRegionsTest, DongguanAndZhongshanHaveNoCountyTier) {
  EXPECT_TRUE(DefaultRegions().IsKnown("441900"));
  EXPECT_THAT(DefaultRegions().Children("441900"), IsEmpty());
  EXPECT_TRUE(DefaultRegions().IsKnown("442000"));
  EXPECT_THAT(DefaultRegions().Children("442000"), IsEmpty());
  // Every other city has counties.
  const std::vector<const v1::Region*> cities = DefaultRegions().Children("440000");
  ASSERT_EQ(cities.size(), 21u);
  for (const v1::Region* city : cities) {
    if (city->code() == "441900" || city->code() == "442000") continue;
    EXPECT_THAT(DefaultRegions().Children(city->code()), ::testing::Not(IsEmpty())) << city->code();
  }
}

TEST(DefaultRegionsTest, LooksUpNamesAndParents) {
  const v1::Region* shunde = DefaultRegions().Lookup("440606");
  ASSERT_NE(shunde, nullptr);
  EXPECT_EQ(shunde->name_zh(), "顺德区");
  EXPECT_EQ(shunde->name_en(), "Shunde District");
  EXPECT_EQ(shunde->level(), v1::REGION_LEVEL_COUNTY);
  EXPECT_EQ(DefaultRegions().Parent("440606")->code(), "440600");
  EXPECT_EQ(DefaultRegions().Parent("440000")->code(), "000000");
  EXPECT_EQ(DefaultRegions().Lookup("440000")->parent_code(), "000000");
}

TEST(DefaultRegionsTest, TheNationalRootIsTheParentOfEveryProvinceAndHasNone) {
  const v1::Region* root = DefaultRegions().Lookup("000000");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->level(), v1::REGION_LEVEL_NATIONAL);
  EXPECT_EQ(root->parent_code(), "");
  const std::vector<std::string> provinces = Codes(DefaultRegions().Children("000000"));
  EXPECT_EQ(provinces.size(), 34u);
  EXPECT_THAT(provinces, ::testing::IsSupersetOf({"110000", "440000", "450000", "820000"}));
  EXPECT_EQ(DefaultRegions().Parent("000000"), nullptr);
}

TEST(DefaultRegionsTest, UnknownAndRetiredCodesAreNotFound) {
  EXPECT_EQ(DefaultRegions().Lookup("449999"), nullptr);
  EXPECT_EQ(DefaultRegions().Lookup("441283"), nullptr);  // retired
  EXPECT_EQ(DefaultRegions().Lookup("44"), nullptr);
  EXPECT_EQ(DefaultRegions().Parent("449999"), nullptr);
  EXPECT_THAT(DefaultRegions().Children("449999"), IsEmpty());
  EXPECT_THAT(DefaultRegions().Ancestors("44"), IsEmpty());
}

TEST(DefaultRegionsTest, AncestorsRunFromTheParentUpToTheRoot) {
  EXPECT_THAT(Codes(DefaultRegions().Ancestors("440606")),
              ElementsAre("440600", "440000", "000000"));
  EXPECT_THAT(Codes(DefaultRegions().Ancestors("441900")), ElementsAre("440000", "000000"));
  EXPECT_THAT(DefaultRegions().Ancestors("000000"), IsEmpty());
}

TEST(DefaultRegionsTest, ChildrenAreSortedByCode) {
  const std::vector<std::string> codes = Codes(DefaultRegions().Children("440100"));
  ASSERT_EQ(codes.size(), 11u);  // Guangzhou's 11 districts
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
}

TEST(DefaultRegionsTest, KnowsRetiredCodesSeparatelyFromCurrentOnes) {
  const RegionTable& regions = DefaultRegions();
  EXPECT_TRUE(regions.IsHistorical("441283"));  // 高要市, now 441204
  EXPECT_FALSE(regions.IsKnown("441283"));
  EXPECT_TRUE(regions.IsHistorical("440116"));  // 萝岗区, merged into 440112
  EXPECT_TRUE(regions.IsKnown("440606"));
  EXPECT_FALSE(regions.IsHistorical("440606"));
  // Reused codes are both.
  for (const char* code : {"440111", "440511", "440811"}) {
    EXPECT_TRUE(regions.IsKnown(code)) << code;
    EXPECT_TRUE(regions.IsHistorical(code)) << code;
  }
}

TEST(DefaultRegionsTest, HistoryListsEveryPeriodOfACodeOldestFirst) {
  std::vector<const HistoricalRegion*> history = DefaultRegions().History("440602");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]->name_zh, "汾江区");
  EXPECT_TRUE(history[0]->code_reused);
  EXPECT_EQ(history[1]->name_zh, "城区");
  EXPECT_EQ(history[1]->in_use_from_year, 1987);
  EXPECT_EQ(history[1]->in_use_until_year, 2002);
  EXPECT_THAT(history[1]->successor_codes, ElementsAre("440604"));
  EXPECT_THAT(DefaultRegions().History("440111")[0]->successor_codes,
              ElementsAre("440106", "440107", "440111"));
  EXPECT_THAT(DefaultRegions().History("440606"), IsEmpty());
}

TEST(JurisdictionPrefixTest, DropsTrailingZeroPairs) {
  EXPECT_EQ(JurisdictionPrefix("440000"), "44");
  EXPECT_EQ(JurisdictionPrefix("440600"), "4406");
  EXPECT_EQ(JurisdictionPrefix("440606"), "440606");
  EXPECT_EQ(JurisdictionPrefix("000000"), "");
  EXPECT_EQ(JurisdictionPrefix("4406"), "4406");  // not a code: unchanged
}

TEST(RegionContainsTest, ContainsByPrefix) {
  EXPECT_TRUE(RegionTable::Contains("000000", "440606"));
  EXPECT_TRUE(RegionTable::Contains("440000", "440606"));
  EXPECT_TRUE(RegionTable::Contains("440600", "440606"));
  EXPECT_TRUE(RegionTable::Contains("440606", "440606"));
  EXPECT_TRUE(RegionTable::Contains("440600", "440681"));  // a retired Foshan code
  EXPECT_FALSE(RegionTable::Contains("440600", "440703"));
  EXPECT_FALSE(RegionTable::Contains("440606", "440600"));  // a county does not hold its city
  EXPECT_FALSE(RegionTable::Contains("441900", "442000"));
  EXPECT_FALSE(RegionTable::Contains("440000", "450000"));
}

TEST(RegionContainsTest, NeverGrantsOnMalformedInput) {
  EXPECT_FALSE(RegionTable::Contains("", "440606"));  // "" would be a prefix of everything
  EXPECT_FALSE(RegionTable::Contains("44", "440606"));
  EXPECT_FALSE(RegionTable::Contains("44000a", "440606"));
  EXPECT_FALSE(RegionTable::Contains("440000", "44"));
  EXPECT_FALSE(RegionTable::Contains("440000", "4406061"));
  EXPECT_FALSE(RegionTable::Contains("000000", ""));
}

// ---- Loading other tables --------------------------------------------------------------------

constexpr absl::string_view kHeader = "code,name_zh,name_en,level,parent_code\n";

absl::StatusOr<std::unique_ptr<RegionTable>> Load(absl::string_view text) {
  const std::string csv = absl::StrCat(kHeader, text);
  return RegionTable::FromCsv({{"t.csv", csv, false}});
}

TEST(RegionTableTest, LoadsSeveralProvincesAndOtherShapesOfTree) {
  // A province with a county directly under it (省直辖县级行政区划) and a second province
  // given in a separate table whose rows come before their parents.
  const std::string hubei = absl::StrCat(kHeader,
                                         "429004,仙桃市,Xiantao City,county,420000\n"
                                         "420000,湖北省,Hubei Province,province,\n"
                                         "420100,武汉市,Wuhan City,city,420000\n");
  const std::string guangdong =
      absl::StrCat(kHeader, "440000,广东省,Guangdong Province,province,\n");
  absl::StatusOr<std::unique_ptr<RegionTable>> table =
      RegionTable::FromCsv({{"hubei.csv", hubei, false}, {"gd.csv", guangdong, false}});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(Codes((*table)->Children("000000")), ElementsAre("420000", "440000"));
  EXPECT_THAT(Codes((*table)->Ancestors("429004")), ElementsAre("420000", "000000"));
  EXPECT_TRUE(RegionTable::Contains("420000", "429004"));
  EXPECT_FALSE(RegionTable::Contains("420100", "429004"));
}

TEST(RegionTableTest, RefusesACodeThatIsNotSixDigits) {
  EXPECT_EQ(Load("44000,广东省,G,province,\n").status().message(),
            "t.csv:2: region.code: '44000' is not 6 digits");
}

TEST(RegionTableTest, RefusesAnUnknownLevel) {
  EXPECT_EQ(Load("440000,广东省,G,state,\n").status().message(),
            "t.csv:2: level 'state' is not province, city or county");
}

TEST(RegionTableTest, RefusesALevelThatDoesNotFitTheCode) {
  EXPECT_THAT(Load("440000,广东省,G,province,\n440600,佛山市,F,county,440000\n").status().message(),
              HasSubstr("t.csv:3: region.level: REGION_LEVEL_COUNTY does not fit code 440600"));
}

TEST(RegionTableTest, RefusesDuplicateCodes) {
  EXPECT_THAT(Load("440000,广东省,G,province,\n440000,广东省,G,province,\n").status().message(),
              HasSubstr("t.csv:3: duplicate code 440000 (first in t.csv:2)"));
}

TEST(RegionTableTest, RefusesAParentThatIsNotLoaded) {
  EXPECT_THAT(Load("440000,广东省,G,province,\n440606,顺德区,S,county,440600\n").status().message(),
              HasSubstr("t.csv:3: parent_code 440600 of 440606 is not a loaded region"));
}

TEST(RegionTableTest, RefusesAParentThatIsNotAnAncestorByPrefix) {
  EXPECT_THAT(Load("440000,广东省,G,province,\n440600,佛山市,F,city,440000\n"
                   "440700,江门市,J,city,440000\n440703,蓬江区,P,county,440600\n")
                  .status()
                  .message(),
              HasSubstr("t.csv:5: region.parent_code: 440600 is not a higher-level ancestor"));
}

TEST(RegionTableTest, RefusesAMissingName) {
  EXPECT_THAT(Load("440000,,G,province,\n").status().message(),
              HasSubstr("region.name_zh: is empty"));
}

TEST(RegionTableTest, RefusesACurrentTableWithoutTheExpectedColumns) {
  absl::StatusOr<std::unique_ptr<RegionTable>> table =
      RegionTable::FromCsv({{"t.csv", "code,name\n440000,广东省\n", false}});
  EXPECT_EQ(table.status().message(), "t.csv: no column 'name_zh'");
}

constexpr absl::string_view kHistoryHeader =
    "code,name_zh,level,parent_name_zh,status,in_use_from_year,in_use_until_year,"
    "successor_codes\n";

absl::StatusOr<std::unique_ptr<RegionTable>> LoadHistory(absl::string_view text) {
  const std::string csv = absl::StrCat(kHistoryHeader, text);
  return RegionTable::FromCsv({{"h.csv", csv, true}});
}

TEST(RegionTableTest, LoadsHistoryWhoseSuccessorsLieOutsideTheTables) {
  absl::StatusOr<std::unique_ptr<RegionTable>> table =
      LoadHistory("441000,海口市,city,海口市,abolished,1987,1988,460100\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_TRUE((*table)->IsHistorical("441000"));
  EXPECT_FALSE((*table)->IsKnown("441000"));
}

TEST(RegionTableTest, RefusesBadHistoryRows) {
  EXPECT_THAT(LoadHistory("440116,萝岗区,county,广州市,gone,2005,2014,440112\n").status().message(),
              HasSubstr("h.csv:2: status 'gone'"));
  EXPECT_THAT(
      LoadHistory("440116,萝岗区,county,广州市,abolished,2014,2005,440112\n").status().message(),
      HasSubstr("h.csv:2: years"));
  EXPECT_THAT(LoadHistory("440116,萝岗区,county,广州市,abolished,2005,2014,44011[2014]\n")
                  .status()
                  .message(),
              HasSubstr("h.csv:2: successor '44011[2014]'"));
  EXPECT_THAT(
      LoadHistory("440116,萝岗区,city,广州市,abolished,2005,2014,440112\n").status().message(),
      HasSubstr("does not fit the shape"));
  EXPECT_THAT(LoadHistory("440116,萝岗区,county,广州市,abolished,2005,2014,440112\n"
                          "440116,萝岗区,county,广州市,abolished,2005,2014,440112\n")
                  .status()
                  .message(),
              HasSubstr("h.csv:3: duplicate historical row for 440116 from 2005"));
}

TEST(CheckRegionShapeTest, AcceptsEachLevelWithAProperParent) {
  v1::Region r;
  r.set_code("440606");
  r.set_name_zh("顺德区");
  r.set_level(v1::REGION_LEVEL_COUNTY);
  r.set_parent_code("440600");
  EXPECT_TRUE(CheckRegionShape(r, "region").ok());
  r.set_parent_code("440000");  // skipping the city tier is allowed
  EXPECT_TRUE(CheckRegionShape(r, "region").ok());
  r.set_parent_code("450000");
  EXPECT_FALSE(CheckRegionShape(r, "region").ok());
  r.set_parent_code("440606");  // itself
  EXPECT_FALSE(CheckRegionShape(r, "region").ok());
}

}  // namespace
}  // namespace tierhub::domain
