#include "services/domain/screening.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace tierhub::domain {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;

v1::Equipment Make(v1::EquipmentType type, v1::Industry industry) {
  v1::Equipment e;
  e.set_equipment_id("E-1");
  e.set_type(type);
  e.set_industry(industry);
  return e;
}

// The id of the eliminating rule, "" if kept, "?" plus the unchecked ids if undecided.
std::string Outcome(const v1::Equipment& e) {
  const ScreeningResult r = Screen(e);
  if (r.eliminate) return r.rule_id;
  if (!r.unchecked_rule_ids.empty()) {
    std::string out = "?";
    for (const std::string& id : r.unchecked_rule_ids) out += " " + id;
    return out;
  }
  return "";
}

// ---- Steel ----------------------------------------------------------------------------------

v1::Equipment BlastFurnace(double m3) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_BLAST_FURNACE, v1::INDUSTRY_STEEL);
  e.set_volume_m3(m3);
  return e;
}

TEST(ScreeningTest, BlastFurnaceOf400CubicMetresOrLessIsEliminated) {
  EXPECT_EQ(Outcome(BlastFurnace(400)), "T5-STEEL-1");
  EXPECT_EQ(Outcome(BlastFurnace(120)), "T5-STEEL-1");
  EXPECT_EQ(Outcome(BlastFurnace(400.01)), "");
  EXPECT_EQ(Outcome(BlastFurnace(401)), "");
}

TEST(ScreeningTest, CertifiedFoundryIronBlastFurnaceIsExempt) {
  v1::Equipment e = BlastFurnace(300);
  e.set_foundry_iron_certified(true);
  EXPECT_EQ(Outcome(e), "");
}

TEST(ScreeningTest, UnmeasuredBlastFurnaceIsUncheckedNotEliminated) {
  const ScreeningResult r = Screen(BlastFurnace(0));
  EXPECT_FALSE(r.eliminate);
  EXPECT_THAT(r.unchecked_rule_ids, Contains("T5-STEEL-1"));
}

TEST(ScreeningTest, ConverterAndArcFurnaceOf30TonnesOrLessAreEliminated) {
  v1::Equipment converter = Make(v1::EQUIPMENT_TYPE_CONVERTER, v1::INDUSTRY_STEEL);
  converter.set_tonnage_t(30);
  EXPECT_EQ(Outcome(converter), "T5-STEEL-2");
  converter.set_tonnage_t(31);
  EXPECT_EQ(Outcome(converter), "");

  v1::Equipment eaf = Make(v1::EQUIPMENT_TYPE_ELECTRIC_ARC_FURNACE, v1::INDUSTRY_STEEL);
  eaf.set_tonnage_t(30);
  EXPECT_EQ(Outcome(eaf), "T5-STEEL-3");
  eaf.set_tonnage_t(31);
  EXPECT_EQ(Outcome(eaf), "");
}

TEST(ScreeningTest, HighAlloyArcFurnaceIsExempt) {
  v1::Equipment eaf = Make(v1::EQUIPMENT_TYPE_ELECTRIC_ARC_FURNACE, v1::INDUSTRY_STEEL);
  eaf.set_tonnage_t(20);
  eaf.set_high_alloy(true);
  EXPECT_EQ(Outcome(eaf), "");
}

TEST(ScreeningTest, InductionFurnaceIsAlwaysEliminated) {
  EXPECT_EQ(Outcome(Make(v1::EQUIPMENT_TYPE_INDUCTION_FURNACE, v1::INDUSTRY_STEEL)), "T5-STEEL-4");
}

// ---- Cement, aluminium, glass ---------------------------------------------------------------

v1::Equipment CementKiln(v1::KilnType type) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_CEMENT_KILN, v1::INDUSTRY_CEMENT);
  e.set_kiln_type(type);
  return e;
}

TEST(ScreeningTest, CementKilnsByType) {
  EXPECT_EQ(Outcome(CementKiln(v1::KILN_TYPE_DRY_HOLLOW)), "T5-CEMENT-1");
  EXPECT_EQ(Outcome(CementKiln(v1::KILN_TYPE_SHAFT)), "T5-CEMENT-3");
  EXPECT_EQ(Outcome(CementKiln(v1::KILN_TYPE_LEPOL)), "T5-CEMENT-3");
  EXPECT_EQ(Outcome(CementKiln(v1::KILN_TYPE_WET)), "T5-CEMENT-3");
  EXPECT_EQ(Outcome(CementKiln(v1::KILN_TYPE_NEW_DRY_PROCESS)), "");
  EXPECT_EQ(Outcome(CementKiln(v1::KILN_TYPE_UNSPECIFIED)), "? T5-CEMENT-1 T5-CEMENT-3");
}

TEST(ScreeningTest, DryHollowKilnMakingSpecialCementIsExempt) {
  v1::Equipment e = CementKiln(v1::KILN_TYPE_DRY_HOLLOW);
  e.set_special_cement(true);
  EXPECT_EQ(Outcome(e), "");
}

TEST(ScreeningTest, GrindingMillBelowThreeMetresIsEliminated) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_CEMENT_GRINDING_MILL, v1::INDUSTRY_CEMENT);
  e.set_diameter_m(2.99);
  EXPECT_EQ(Outcome(e), "T5-CEMENT-2");
  e.set_diameter_m(3.0);
  EXPECT_EQ(Outcome(e), "");
}

TEST(ScreeningTest, PrebakedCellBelow160KiloampsIsEliminated) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_PREBAKED_CELL, v1::INDUSTRY_ELECTROLYTIC_ALUMINIUM);
  e.set_amperage_ka(159);
  EXPECT_EQ(Outcome(e), "T5-ALUMINIUM-1");
  e.set_amperage_ka(160);
  EXPECT_EQ(Outcome(e), "");
}

TEST(ScreeningTest, WetProcessFluorideAndFlatDrawnGlassAreEliminated) {
  v1::Equipment f =
      Make(v1::EQUIPMENT_TYPE_ALUMINIUM_FLUORIDE_LINE, v1::INDUSTRY_ELECTROLYTIC_ALUMINIUM);
  f.set_process(v1::PROCESS_KIND_WET_ALUMINIUM_FLUORIDE);
  EXPECT_EQ(Outcome(f), "T5-ALUMINIUM-2");
  f.set_process(v1::PROCESS_KIND_DRY_ALUMINIUM_FLUORIDE);
  EXPECT_EQ(Outcome(f), "");

  v1::Equipment g = Make(v1::EQUIPMENT_TYPE_FLAT_GLASS_LINE, v1::INDUSTRY_FLAT_GLASS);
  g.set_process(v1::PROCESS_KIND_FLAT_DRAWN_GLASS);
  EXPECT_EQ(Outcome(g), "T5-GLASS-1");
  g.set_process(v1::PROCESS_KIND_FLOAT_GLASS);
  EXPECT_EQ(Outcome(g), "");
}

// ---- Paper ----------------------------------------------------------------------------------

v1::Equipment PulpLine(v1::PulpKind kind, double tonnes) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_PULP_LINE, v1::INDUSTRY_PAPER);
  e.set_pulp_kind(kind);
  e.set_capacity(tonnes);
  e.set_capacity_unit(v1::CAPACITY_UNIT_TONNES_PER_YEAR);
  return e;
}

TEST(ScreeningTest, PulpLinesAtTheirThresholds) {
  EXPECT_EQ(Outcome(PulpLine(v1::PULP_KIND_CHEMICAL_WOOD, 50999)), "T5-PAPER-1");
  EXPECT_EQ(Outcome(PulpLine(v1::PULP_KIND_CHEMICAL_WOOD, 51000)), "");
  EXPECT_EQ(Outcome(PulpLine(v1::PULP_KIND_NON_WOOD, 33999)), "T5-PAPER-2");
  EXPECT_EQ(Outcome(PulpLine(v1::PULP_KIND_NON_WOOD, 34000)), "");
  EXPECT_EQ(Outcome(PulpLine(v1::PULP_KIND_WASTE_PAPER, 10000)), "T5-PAPER-3");  // 及以下
  EXPECT_EQ(Outcome(PulpLine(v1::PULP_KIND_WASTE_PAPER, 10001)), "");
  // Each threshold is for its own pulp kind only.
  EXPECT_EQ(Outcome(PulpLine(v1::PULP_KIND_WASTE_PAPER, 30000)), "");
}

TEST(ScreeningTest, PulpLineCapacityInAnotherUnitIsUnchecked) {
  v1::Equipment e = PulpLine(v1::PULP_KIND_CHEMICAL_WOOD, 5000);
  e.set_capacity_unit(v1::CAPACITY_UNIT_PIECES_PER_YEAR);
  EXPECT_EQ(Outcome(e), "? T5-PAPER-1");
}

v1::Equipment PaperMachine(v1::PaperGrade grade, double width_m, double speed) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_PAPER_MACHINE, v1::INDUSTRY_PAPER);
  e.set_paper_grade(grade);
  e.set_width_m(width_m);
  e.set_speed_m_per_min(speed);
  return e;
}

TEST(ScreeningTest, CulturePaperMachineNeedsBothNarrowAndSlow) {
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_CULTURE, 1.76, 119)), "T5-PAPER-4");
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_CULTURE, 1.76, 120)), "");
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_CULTURE, 1.77, 100)), "");
}

TEST(ScreeningTest, BoardPaperMachineNeedsBothNarrowAndSlow) {
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_BOARD, 2, 79)), "T5-PAPER-5");
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_BOARD, 2, 80)), "");
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_BOARD, 2.01, 79)), "");
  // 1.5 m at 100 m/min: too fast for the board rule, though the culture rule would take it.
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_BOARD, 1.5, 100)), "");
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_CULTURE, 1.5, 100)), "T5-PAPER-4");
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_OTHER, 1.0, 10)), "");
}

TEST(ScreeningTest, PaperMachineWithOneConditionUnrecordedIsDecidedByTheOther) {
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_BOARD, 2, 0)), "? T5-PAPER-5");
  EXPECT_EQ(Outcome(PaperMachine(v1::PAPER_GRADE_BOARD, 2.5, 0)), "");  // too wide anyway
}

// ---- Printing and dyeing --------------------------------------------------------------------

v1::Equipment Dyeing(v1::DyeingKind kind, double age, bool imported = false) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_DYEING_MACHINE, v1::INDUSTRY_PRINTING_DYEING);
  e.set_dyeing_kind(kind);
  e.set_age_years(age);
  e.set_imported(imported);
  return e;
}

TEST(ScreeningTest, DomesticDyeingMachinesOlderThan15YearsAreEliminated) {
  for (v1::DyeingKind kind : {v1::DYEING_KIND_PRETREATMENT, v1::DYEING_KIND_STENTER,
                              v1::DYEING_KIND_SCREEN_PRINTER, v1::DYEING_KIND_CONTINUOUS_DYEING}) {
    SCOPED_TRACE(v1::DyeingKind_Name(kind));
    EXPECT_EQ(Outcome(Dyeing(kind, 15)), "");
    EXPECT_EQ(Outcome(Dyeing(kind, 15.5)), "T5-DYEING-3");
    EXPECT_EQ(Outcome(Dyeing(kind, 16)), "T5-DYEING-3");
  }
}

TEST(ScreeningTest, ImportedDyeingMachinesGetTwentyYears) {
  EXPECT_EQ(Outcome(Dyeing(v1::DYEING_KIND_STENTER, 20, true)), "");
  EXPECT_EQ(Outcome(Dyeing(v1::DYEING_KIND_STENTER, 21, true)), "T5-DYEING-3");
}

TEST(ScreeningTest, BatchDyeingNeedsLiquorRatioAboveTenAndAgeAboveFifteen) {
  v1::Equipment e = Dyeing(v1::DYEING_KIND_BATCH_DYEING, 16);
  e.set_liquor_ratio(10.5);
  EXPECT_EQ(Outcome(e), "T5-DYEING-4");
  e.set_liquor_ratio(10);
  EXPECT_EQ(Outcome(e), "");
  e.set_liquor_ratio(12);
  e.set_age_years(15);
  EXPECT_EQ(Outcome(e), "");
}

TEST(ScreeningTest, OutdatedDyeingEquipmentIsEliminatedWhateverItsAge) {
  EXPECT_EQ(Outcome(Dyeing(v1::DYEING_KIND_TYPE_74_UNMODIFIED, 1)), "T5-DYEING-1");
  EXPECT_EQ(Outcome(Dyeing(v1::DYEING_KIND_OPEN_STEAM_WASHER, 1)), "T5-DYEING-2");
  EXPECT_EQ(Outcome(Dyeing(v1::DYEING_KIND_DC_MOTOR_LINE, 1)), "T5-DYEING-5");
  EXPECT_EQ(Outcome(Dyeing(v1::DYEING_KIND_CAST_IRON_STEAMER, 1)), "T5-DYEING-6");
  EXPECT_EQ(Outcome(Dyeing(v1::DYEING_KIND_OTHER, 40)), "");
}

// ---- Leather, batteries, smelting, power ----------------------------------------------------

v1::Equipment TanningLine(v1::HideKind kind, double hides) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_TANNING_LINE, v1::INDUSTRY_LEATHER_TANNING);
  e.set_hide_kind(kind);
  e.set_capacity(hides);
  e.set_capacity_unit(v1::CAPACITY_UNIT_HIDES_PER_YEAR);
  return e;
}

TEST(ScreeningTest, TanningLinesBelowFiftyOrThirtyThousandHidesAreEliminated) {
  EXPECT_EQ(Outcome(TanningLine(v1::HIDE_KIND_RAW_CATTLE, 49999)), "T5-LEATHER-1");
  EXPECT_EQ(Outcome(TanningLine(v1::HIDE_KIND_RAW_CATTLE, 50000)), "");
  EXPECT_EQ(Outcome(TanningLine(v1::HIDE_KIND_WET_BLUE, 29999)), "T5-LEATHER-1");
  EXPECT_EQ(Outcome(TanningLine(v1::HIDE_KIND_WET_BLUE, 30000)), "");
  EXPECT_EQ(Outcome(TanningLine(v1::HIDE_KIND_WET_BLUE, 40000)), "");
  EXPECT_EQ(Outcome(TanningLine(v1::HIDE_KIND_UNSPECIFIED, 40000)), "? T5-LEATHER-1");
}

v1::Equipment BatteryLine(v1::BatteryProcess process) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_BATTERY_LINE, v1::INDUSTRY_LEAD_ACID_BATTERY);
  e.set_battery_process(process);
  return e;
}

TEST(ScreeningTest, BatteryProcessesNamedByTableFiveAreEliminated) {
  EXPECT_EQ(Outcome(BatteryLine(v1::BATTERY_PROCESS_OPEN_TYPE)), "T5-BATTERY-1");
  EXPECT_EQ(Outcome(BatteryLine(v1::BATTERY_PROCESS_DRY_CHARGED)), "T5-BATTERY-1");
  EXPECT_EQ(Outcome(BatteryLine(v1::BATTERY_PROCESS_OPEN_LEAD_POT)), "T5-BATTERY-3");
  EXPECT_EQ(Outcome(BatteryLine(v1::BATTERY_PROCESS_OPEN_LEAD_POWDER_MILL)), "T5-BATTERY-4");
  EXPECT_EQ(Outcome(BatteryLine(v1::BATTERY_PROCESS_OPEN_PASTE_MIXER)), "T5-BATTERY-5");
  EXPECT_EQ(Outcome(BatteryLine(v1::BATTERY_PROCESS_MANUAL_OPERATION)), "T5-BATTERY-6");
  EXPECT_EQ(Outcome(BatteryLine(v1::BATTERY_PROCESS_SEALED)), "");
}

TEST(ScreeningTest, BatteriesAboveTheCadmiumOrArsenicLimitAreEliminated) {
  v1::Equipment e = BatteryLine(v1::BATTERY_PROCESS_SEALED);
  e.set_cadmium_pct(0.002);
  e.set_arsenic_pct(0.1);
  EXPECT_EQ(Outcome(e), "");
  e.set_cadmium_pct(0.0021);
  EXPECT_EQ(Outcome(e), "T5-BATTERY-2");
  e.set_cadmium_pct(0);
  e.set_arsenic_pct(0.11);
  EXPECT_EQ(Outcome(e), "T5-BATTERY-2");
}

v1::Equipment Smelter(v1::Industry industry, v1::SmeltingProcess process) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_SMELTER, industry);
  e.set_smelting_process(process);
  return e;
}

TEST(ScreeningTest, CopperAndLeadSmeltingProcesses) {
  const v1::Industry cu = v1::INDUSTRY_COPPER_SMELTING, pb = v1::INDUSTRY_LEAD_SMELTING;
  EXPECT_EQ(Outcome(Smelter(cu, v1::SMELTING_PROCESS_COPPER_BLAST_FURNACE)), "T5-COPPER-1");
  EXPECT_EQ(Outcome(Smelter(cu, v1::SMELTING_PROCESS_COPPER_ELECTRIC_FURNACE)), "T5-COPPER-1");
  EXPECT_EQ(Outcome(Smelter(cu, v1::SMELTING_PROCESS_COPPER_REVERBERATORY)), "T5-COPPER-1");
  EXPECT_EQ(Outcome(Smelter(cu, v1::SMELTING_PROCESS_DRY_ACID_CLEANING)), "T5-COPPER-2");
  EXPECT_EQ(Outcome(Smelter(cu, v1::SMELTING_PROCESS_NO_FLUE_GAS_TREATMENT)), "T5-COPPER-3");
  EXPECT_EQ(Outcome(Smelter(cu, v1::SMELTING_PROCESS_MODERN)), "");
  EXPECT_EQ(Outcome(Smelter(pb, v1::SMELTING_PROCESS_LEAD_SINTERING_POT)), "T5-LEAD-1");
  EXPECT_EQ(Outcome(Smelter(pb, v1::SMELTING_PROCESS_LEAD_SINTER_NO_ACID_PLANT)), "T5-LEAD-2");
  EXPECT_EQ(Outcome(Smelter(pb, v1::SMELTING_PROCESS_LEAD_SINTER_BLAST_FURNACE)), "T5-LEAD-3");
  EXPECT_EQ(Outcome(Smelter(pb, v1::SMELTING_PROCESS_MODERN)), "");
  // Table 5 lists acid-plant cleaning under copper only.
  EXPECT_EQ(Outcome(Smelter(pb, v1::SMELTING_PROCESS_DRY_ACID_CLEANING)), "");
}

v1::Equipment PowerUnit(double mw, v1::StandardsCompliance compliance) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_COAL_POWER_UNIT, v1::INDUSTRY_SMALL_COAL_POWER);
  e.set_unit_mw(mw);
  e.set_standards_compliance(compliance);
  return e;
}

TEST(ScreeningTest, PowerUnitsBelow300MegawattsAreEliminatedOnlyWhenFailingStandards) {
  EXPECT_EQ(Outcome(PowerUnit(299, v1::STANDARDS_COMPLIANCE_FAILS)), "T5-POWER-1");
  EXPECT_EQ(Outcome(PowerUnit(300, v1::STANDARDS_COMPLIANCE_FAILS)), "");
  EXPECT_EQ(Outcome(PowerUnit(299, v1::STANDARDS_COMPLIANCE_MEETS)), "");
  EXPECT_EQ(Outcome(PowerUnit(299, v1::STANDARDS_COMPLIANCE_UNSPECIFIED)), "? T5-POWER-1");
  EXPECT_EQ(Outcome(PowerUnit(600, v1::STANDARDS_COMPLIANCE_UNSPECIFIED)), "");
  EXPECT_EQ(Outcome(PowerUnit(0, v1::STANDARDS_COMPLIANCE_FAILS)), "? T5-POWER-1");
}

// ---- Ceramics and gas producers -------------------------------------------------------------

TEST(ScreeningTest, TileLinesBelowAMillionSquareMetresAreEliminated) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_CERAMIC_TILE_LINE, v1::INDUSTRY_CERAMICS);
  e.set_capacity_unit(v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
  e.set_capacity(999999);
  EXPECT_EQ(Outcome(e), "T5-CERAMICS-1-TILE");
  e.set_capacity(1000000);
  EXPECT_EQ(Outcome(e), "");
}

TEST(ScreeningTest, LowGradeSanitaryLinesBelow200000PiecesAreEliminated) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_SANITARY_WARE_LINE, v1::INDUSTRY_CERAMICS);
  e.set_capacity_unit(v1::CAPACITY_UNIT_PIECES_PER_YEAR);
  e.set_low_grade(true);
  e.set_capacity(199999);
  EXPECT_EQ(Outcome(e), "T5-CERAMICS-1-SANITARY");
  e.set_capacity(200000);
  EXPECT_EQ(Outcome(e), "");
  e.set_capacity(100000);
  e.set_low_grade(false);
  EXPECT_EQ(Outcome(e), "");
}

TEST(ScreeningTest, CeramicKilnsByType) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_CERAMIC_KILN, v1::INDUSTRY_CERAMICS);
  for (v1::KilnType k : {v1::KILN_TYPE_EARTH, v1::KILN_TYPE_DOWN_DRAFT, v1::KILN_TYPE_MULTI_HOLE,
                         v1::KILN_TYPE_COAL_OPEN_FLAME_TUNNEL, v1::KILN_TYPE_MUFFLE_TUNNEL,
                         v1::KILN_TYPE_SAGGAR_TUNNEL}) {
    e.set_kiln_type(k);
    EXPECT_EQ(Outcome(e), "T5-CERAMICS-2") << v1::KilnType_Name(k);
  }
  for (v1::KilnType k : {v1::KILN_TYPE_ROLLER, v1::KILN_TYPE_GAS_TUNNEL}) {
    e.set_kiln_type(k);
    EXPECT_EQ(Outcome(e), "") << v1::KilnType_Name(k);
  }
}

TEST(ScreeningTest, FrictionTilePressesAreEliminated) {
  v1::Equipment e = Make(v1::EQUIPMENT_TYPE_TILE_PRESS, v1::INDUSTRY_CERAMICS);
  e.set_press_kind(v1::PRESS_KIND_FRICTION);
  EXPECT_EQ(Outcome(e), "T5-CERAMICS-3");
  e.set_press_kind(v1::PRESS_KIND_HYDRAULIC);
  EXPECT_EQ(Outcome(e), "");
}

TEST(ScreeningTest, GasProducersBelowThreeMetresAreEliminatedInAnyIndustry) {
  for (v1::Industry industry : {v1::INDUSTRY_STEEL, v1::INDUSTRY_CERAMICS}) {
    v1::Equipment e = Make(v1::EQUIPMENT_TYPE_GAS_PRODUCER, industry);
    e.set_diameter_m(2.99);
    EXPECT_EQ(Outcome(e), "T2-GAS-PRODUCER");
    e.set_diameter_m(3);
    EXPECT_EQ(Outcome(e), "");
  }
  EXPECT_EQ(FindScreeningRule("T2-GAS-PRODUCER")->dimension, v1::DIMENSION_ENVIRONMENT);
}

TEST(ScreeningTest, CoalFiredHotAirFurnacesAreBanned) {
  EXPECT_EQ(Outcome(Make(v1::EQUIPMENT_TYPE_COAL_HOT_AIR_FURNACE, v1::INDUSTRY_CERAMICS)),
            "T2-COAL-HOT-AIR-FURNACE");
}

// ---- The rule table ---------------------------------------------------------------------------

TEST(ScreeningTest, ResultCarriesTheRuleDescriptionsCitingThePlan) {
  const ScreeningResult r = Screen(BlastFurnace(300));
  EXPECT_EQ(r.description, FindScreeningRule("T5-STEEL-1")->description_en);
  EXPECT_THAT(r.description_zh, ::testing::StartsWith("表5 钢铁(1)"));
  EXPECT_THAT(r.unchecked_rule_ids, IsEmpty());
}

TEST(ScreeningRulesTest, IdsAreUniqueAndEveryRuleIsComplete) {
  std::set<std::string> ids;
  for (const ScreeningRule& rule : ScreeningRules()) {
    EXPECT_TRUE(ids.emplace(rule.id).second) << rule.id;
    EXPECT_NE(rule.evaluate, nullptr) << rule.id;
    EXPECT_FALSE(rule.description_en.empty()) << rule.id;
    EXPECT_NE(rule.equipment_type, v1::EQUIPMENT_TYPE_UNSPECIFIED) << rule.id;
    const bool table5 = rule.id.substr(0, 3) == "T5-";
    EXPECT_EQ(rule.dimension, table5 ? v1::DIMENSION_TECHNOLOGY : v1::DIMENSION_ENVIRONMENT)
        << rule.id;
    EXPECT_THAT(std::string(rule.description_zh), ::testing::StartsWith(table5 ? "表5" : "表2"))
        << rule.id;
    EXPECT_EQ(FindScreeningRule(rule.id), &rule);
  }
  EXPECT_EQ(FindScreeningRule("T5-NOPE"), nullptr);
}

TEST(ScreeningRulesTest, EveryEquipmentTypeHasARule) {
  const google::protobuf::EnumDescriptor* types = v1::EquipmentType_descriptor();
  for (int i = 0; i < types->value_count(); ++i) {
    const auto type = static_cast<v1::EquipmentType>(types->value(i)->number());
    if (type == v1::EQUIPMENT_TYPE_UNSPECIFIED) continue;
    bool found = false;
    for (const ScreeningRule& rule : ScreeningRules()) found |= rule.equipment_type == type;
    EXPECT_TRUE(found) << types->value(i)->name();
  }
}

TEST(ScreeningRulesTest, EquipmentTypesBelongToTheirIndustries) {
  EXPECT_TRUE(EquipmentTypeFitsIndustry(v1::EQUIPMENT_TYPE_BLAST_FURNACE, v1::INDUSTRY_STEEL));
  EXPECT_FALSE(EquipmentTypeFitsIndustry(v1::EQUIPMENT_TYPE_BLAST_FURNACE, v1::INDUSTRY_CEMENT));
  EXPECT_TRUE(EquipmentTypeFitsIndustry(v1::EQUIPMENT_TYPE_SMELTER, v1::INDUSTRY_LEAD_SMELTING));
  EXPECT_TRUE(EquipmentTypeFitsIndustry(v1::EQUIPMENT_TYPE_GAS_PRODUCER, v1::INDUSTRY_PAPER));
  EXPECT_FALSE(EquipmentTypeFitsIndustry(v1::EQUIPMENT_TYPE_UNSPECIFIED, v1::INDUSTRY_PAPER));
}

TEST(ScreeningRulesTest, EquipmentUnderTheWrongIndustryMatchesNoRule) {
  // Why ValidateEquipment refuses such records: screening would silently pass them.
  EXPECT_EQ(Outcome(Make(v1::EQUIPMENT_TYPE_INDUCTION_FURNACE, v1::INDUSTRY_CEMENT)), "");
}

}  // namespace
}  // namespace tierhub::domain
