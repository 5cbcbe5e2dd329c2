#include "services/domain/catalog.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/csv.h"
#include "services/domain/embedded_data.h"

namespace tierhub::domain {
namespace {

using ::testing::HasSubstr;

TEST(IndustryCatalogTest, HasTheTwelveIndustriesWithDistinctNames) {
  std::set<std::string> codes, zh, en;
  for (v1::Industry i : AllIndustries()) {
    codes.emplace(IndustryCode(i));
    zh.emplace(IndustryNameZh(i));
    en.emplace(IndustryNameEn(i));
  }
  EXPECT_EQ(AllIndustries().size(), 12u);
  EXPECT_EQ(codes.size(), 12u);
  EXPECT_EQ(zh.size(), 12u);
  EXPECT_EQ(en.size(), 12u);
  EXPECT_EQ(codes.count(""), 0u);
}

TEST(IndustryCatalogTest, MatchesTheShippedIndustriesCsv) {
  absl::StatusOr<CsvTable> csv = ParseCsv(internal::EmbeddedIndustriesCsv(), "industries.csv");
  ASSERT_TRUE(csv.ok()) << csv.status();
  ASSERT_EQ(csv->rows.size(), AllIndustries().size());
  const int code = csv->Column("code"), zh = csv->Column("name_zh"), en = csv->Column("name_en");
  ASSERT_GE(code, 0);
  ASSERT_GE(zh, 0);
  ASSERT_GE(en, 0);
  for (const CsvRow& row : csv->rows) {
    absl::StatusOr<v1::Industry> industry = ParseIndustry(row.fields[code]);
    ASSERT_TRUE(industry.ok()) << industry.status();
    EXPECT_EQ(IndustryCode(*industry), row.fields[code]);
    EXPECT_EQ(IndustryNameZh(*industry), row.fields[zh]);
    EXPECT_EQ(IndustryNameEn(*industry), row.fields[en]);
  }
}

TEST(IndustryCatalogTest, ParsesCodeChineseNameAndEnumNameAsUsersTypeThem) {
  EXPECT_EQ(ParseIndustry("STEEL").value(), v1::INDUSTRY_STEEL);
  EXPECT_EQ(ParseIndustry("钢铁").value(), v1::INDUSTRY_STEEL);
  EXPECT_EQ(ParseIndustry("INDUSTRY_STEEL").value(), v1::INDUSTRY_STEEL);
  EXPECT_EQ(ParseIndustry(" steel ").value(), v1::INDUSTRY_STEEL);
  EXPECT_EQ(ParseIndustry("industry_lead_acid_battery").value(), v1::INDUSTRY_LEAD_ACID_BATTERY);
  for (v1::Industry i : AllIndustries()) {
    EXPECT_EQ(ParseIndustry(IndustryCode(i)).value(), i);
    EXPECT_EQ(ParseIndustry(IndustryNameZh(i)).value(), i);
    EXPECT_EQ(ParseIndustry(v1::Industry_Name(i)).value(), i);
  }
}

TEST(IndustryCatalogTest, RefusesUnknownTextAndUnspecified) {
  absl::StatusOr<v1::Industry> bad = ParseIndustry("铁");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("industry: '"));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("such as STEEL"));
  EXPECT_FALSE(ParseIndustry("INDUSTRY_UNSPECIFIED").ok());
  EXPECT_FALSE(ParseIndustry("").ok());
  EXPECT_EQ(IndustryCode(v1::INDUSTRY_UNSPECIFIED), "");
}

TEST(CapacityUnitCatalogTest, NamesAndParsesEveryUnitBothWays) {
  for (int u = v1::CAPACITY_UNIT_TONNES_PER_YEAR; u <= v1::CAPACITY_UNIT_KVAH_PER_YEAR; ++u) {
    const auto unit = static_cast<v1::CapacityUnit>(u);
    ASSERT_FALSE(CapacityUnitNameZh(unit).empty()) << u;
    EXPECT_EQ(ParseCapacityUnit(CapacityUnitNameZh(unit)).value(), unit);
    EXPECT_EQ(ParseCapacityUnit(CapacityUnitCode(unit)).value(), unit);
    EXPECT_EQ(ParseCapacityUnit(v1::CapacityUnit_Name(unit)).value(), unit);
  }
  EXPECT_EQ(CapacityUnitNameEn(v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR), "m²/year");
  EXPECT_EQ(ParseCapacityUnit(" t/a ").value(), v1::CAPACITY_UNIT_TONNES_PER_YEAR);
  EXPECT_EQ(ParseCapacityUnit("兆瓦").value(), v1::CAPACITY_UNIT_MEGAWATTS);
  EXPECT_THAT(ParseCapacityUnit("吨").status().message(), HasSubstr("capacity_unit: '吨'"));
  EXPECT_FALSE(ParseCapacityUnit("CAPACITY_UNIT_UNSPECIFIED").ok());
}

TEST(IndustryCatalogTest, CopperLeadAndPowerHaveNoQualityDimension) {
  std::set<v1::Industry> without;
  for (v1::Industry i : AllIndustries()) {
    if (!IndustryHasQualityDimension(i)) without.insert(i);
  }
  EXPECT_EQ(without,
            (std::set<v1::Industry>{v1::INDUSTRY_COPPER_SMELTING, v1::INDUSTRY_LEAD_SMELTING,
                                    v1::INDUSTRY_SMALL_COAL_POWER}));
}

TEST(IndustryCatalogTest, DyeingAndBatteriesHaveNoEnergyQuotaStandardYet) {
  std::set<v1::Industry> without;
  for (v1::Industry i : AllIndustries()) {
    if (EnergyQuotaStandards(i).empty()) without.insert(i);
  }
  EXPECT_EQ(without,
            (std::set<v1::Industry>{v1::INDUSTRY_PRINTING_DYEING, v1::INDUSTRY_LEAD_ACID_BATTERY}));
  EXPECT_EQ(EnergyQuotaStandards(v1::INDUSTRY_STEEL).size(), 3u);
  EXPECT_EQ(EnergyQuotaStandards(v1::INDUSTRY_CEMENT)[0], "GB 16780-2012");
}

TEST(DimensionCatalogTest, RoundTripsEveryDimension) {
  EXPECT_EQ(AllDimensions().size(), 5u);
  for (v1::Dimension d : AllDimensions()) {
    EXPECT_EQ(ParseDimension(DimensionCode(d)).value(), d);
    EXPECT_EQ(ParseDimension(DimensionNameZh(d)).value(), d);
    EXPECT_EQ(ParseDimension(v1::Dimension_Name(d)).value(), d);
    EXPECT_FALSE(DimensionNameEn(d).empty());
  }
  EXPECT_EQ(ParseDimension("环保").value(), v1::DIMENSION_ENVIRONMENT);
  EXPECT_EQ(ParseDimension("工业能耗").value(), v1::DIMENSION_ENERGY);
  EXPECT_FALSE(ParseDimension("DIMENSION_UNSPECIFIED").ok());
}

TEST(DepartmentCatalogTest, RoundTripsEveryDepartmentAndThePlansShortNames) {
  EXPECT_EQ(AllDepartments().size(), 6u);
  for (v1::Department d : AllDepartments()) {
    EXPECT_EQ(ParseDepartment(DepartmentCode(d)).value(), d);
    EXPECT_EQ(ParseDepartment(DepartmentNameZh(d)).value(), d);
    EXPECT_EQ(ParseDepartment(v1::Department_Name(d)).value(), d);
    EXPECT_FALSE(DepartmentNameEn(d).empty());
  }
  EXPECT_EQ(ParseDepartment("市场监管局").value(), v1::DEPARTMENT_SAMR);
  EXPECT_EQ(ParseDepartment("eco").value(), v1::DEPARTMENT_ECO);
  EXPECT_FALSE(ParseDepartment("税务局").ok());
}

TEST(ListKindCatalogTest, RoundTripsEveryListKind) {
  EXPECT_EQ(AllListKinds().size(), 10u);
  for (v1::ListKind k : AllListKinds()) {
    EXPECT_EQ(ParseListKind(ListKindCode(k)).value(), k);
    EXPECT_EQ(ParseListKind(ListKindNameZh(k)).value(), k);
    EXPECT_EQ(ParseListKind(v1::ListKind_Name(k)).value(), k);
    EXPECT_FALSE(ListKindNameEn(k).empty());
  }
  EXPECT_FALSE(ParseListKind("LIST_KIND_UNSPECIFIED").ok());
}

TEST(DepartmentRulesTest, LeadsFollowSectionTwo) {
  using D = v1::Department;
  auto leads = [](v1::Dimension dim) {
    absl::Span<const D> l = LeadDepartments(dim);
    return std::set<D>(l.begin(), l.end());
  };
  EXPECT_EQ(leads(v1::DIMENSION_ENERGY),
            (std::set<D>{v1::DEPARTMENT_MIIT, v1::DEPARTMENT_DRC, v1::DEPARTMENT_NEA}));
  EXPECT_EQ(leads(v1::DIMENSION_TECHNOLOGY),
            (std::set<D>{v1::DEPARTMENT_MIIT, v1::DEPARTMENT_DRC, v1::DEPARTMENT_NEA}));
  EXPECT_EQ(leads(v1::DIMENSION_ENVIRONMENT), (std::set<D>{v1::DEPARTMENT_ECO}));
  EXPECT_EQ(leads(v1::DIMENSION_QUALITY), (std::set<D>{v1::DEPARTMENT_SAMR}));
  EXPECT_EQ(leads(v1::DIMENSION_SAFETY), (std::set<D>{v1::DEPARTMENT_MEM}));
  EXPECT_TRUE(leads(v1::DIMENSION_UNSPECIFIED).empty());
  EXPECT_TRUE(DepartmentLeads(v1::DEPARTMENT_NEA, v1::DIMENSION_ENERGY));
  EXPECT_FALSE(DepartmentLeads(v1::DEPARTMENT_ECO, v1::DIMENSION_ENERGY));
  EXPECT_FALSE(DepartmentLeads(v1::DEPARTMENT_MIIT, v1::DIMENSION_SAFETY));
}

TEST(DepartmentRulesTest, MiitMayActOnEveryDimensionOthersOnlyWhereTheyLead) {
  for (v1::Dimension dim : AllDimensions()) {
    EXPECT_TRUE(DepartmentMayActOn(v1::DEPARTMENT_MIIT, dim)) << v1::Dimension_Name(dim);
    for (v1::Department dept : AllDepartments()) {
      if (dept == v1::DEPARTMENT_MIIT) continue;
      EXPECT_EQ(DepartmentMayActOn(dept, dim), DepartmentLeads(dept, dim))
          << v1::Department_Name(dept) << " " << v1::Dimension_Name(dim);
    }
  }
  EXPECT_FALSE(DepartmentMayActOn(v1::DEPARTMENT_MIIT, v1::DIMENSION_UNSPECIFIED));
  EXPECT_FALSE(DepartmentMayActOn(v1::DEPARTMENT_ECO, v1::DIMENSION_QUALITY));
}

TEST(ListKindRulesTest, EachListKindFitsExactlyTheDimensionsThePlanGivesIt) {
  using v1::Dimension;
  const Dimension E = v1::DIMENSION_ENERGY, V = v1::DIMENSION_ENVIRONMENT,
                  Q = v1::DIMENSION_QUALITY, S = v1::DIMENSION_SAFETY, T = v1::DIMENSION_TECHNOLOGY;
  const std::pair<v1::ListKind, std::set<Dimension>> expected[] = {
      {v1::LIST_KIND_KEY_SUPERVISION, {V, Q, S}},
      {v1::LIST_KIND_DAILY_PATROL, {V, Q, S}},
      {v1::LIST_KIND_ENERGY_INSPECTION, {E}},
      {v1::LIST_KIND_EXIT_TASK, {V, Q, S, T}},
      {v1::LIST_KIND_RECTIFICATION_DEADLINE, {E, Q, S}},
      {v1::LIST_KIND_CLOSED_BY_LAW, {E, Q, S}},
      {v1::LIST_KIND_OVER_STANDARD_EMITTER, {V}},
      {v1::LIST_KIND_SERIOUS_EMITTER, {V}},
      {v1::LIST_KIND_COAL_BOILER_EXIT, {V}},
      {v1::LIST_KIND_TECHNOLOGY_CLOSURE, {T}},
  };
  ASSERT_EQ(std::size(expected), AllListKinds().size());
  for (const auto& [kind, dims] : expected) {
    for (Dimension d : AllDimensions()) {
      EXPECT_EQ(ListKindFitsDimension(kind, d), dims.count(d) > 0)
          << v1::ListKind_Name(kind) << " " << v1::Dimension_Name(d);
    }
    EXPECT_FALSE(ListKindFitsDimension(kind, v1::DIMENSION_UNSPECIFIED));
  }
}

TEST(ListKindRulesTest, PublishedListsAreTheNamesOfSectionThreeFour) {
  int published = 0;
  for (v1::ListKind k : AllListKinds()) published += ListKindIsPublished(k) ? 1 : 0;
  EXPECT_EQ(published, 6);
  EXPECT_FALSE(ListKindIsPublished(v1::LIST_KIND_KEY_SUPERVISION));
  EXPECT_TRUE(ListKindIsPublished(v1::LIST_KIND_TECHNOLOGY_CLOSURE));
}

}  // namespace
}  // namespace tierhub::domain
