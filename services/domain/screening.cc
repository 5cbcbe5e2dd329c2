#include "services/domain/screening.h"

namespace tierhub::domain {
namespace {

using v1::Equipment;

// "X 及以下" (at most), where 0 means the value was not recorded.
Verdict AtMost(double value, double limit) {
  if (!(value > 0)) return Verdict::kUnchecked;
  return value <= limit ? Verdict::kEliminate : Verdict::kKeep;
}

// "X 以下" (strictly below), where 0 means the value was not recorded.
Verdict Below(double value, double limit) {
  if (!(value > 0)) return Verdict::kUnchecked;
  return value < limit ? Verdict::kEliminate : Verdict::kKeep;
}

Verdict EliminateIf(bool condition) { return condition ? Verdict::kEliminate : Verdict::kKeep; }

// Both conditions must hold to eliminate; either one failing clears the equipment even when
// the other is not recorded.
Verdict Both(Verdict a, Verdict b) {
  if (a == Verdict::kKeep || b == Verdict::kKeep) return Verdict::kKeep;
  if (a == Verdict::kUnchecked || b == Verdict::kUnchecked) return Verdict::kUnchecked;
  return Verdict::kEliminate;
}

// Eliminates equipment whose enum field `kField` (&Equipment::kiln_type, ...) holds one of
// `kValues`; a field not recorded (its *_UNSPECIFIED zero) leaves it unchecked.
template <auto kField, auto... kValues>
Verdict FieldIs(const Equipment& e) {
  const auto value = (e.*kField)();
  if (value == 0) return Verdict::kUnchecked;
  return EliminateIf(((value == kValues) || ...));
}
using Predicate = Verdict (*)(const Equipment&);

// An annual capacity below a limit, which is only comparable in the expected unit.
Verdict CapacityBelow(const Equipment& e, v1::CapacityUnit unit, double limit) {
  if (e.capacity_unit() != unit) return Verdict::kUnchecked;
  return Below(e.capacity(), limit);
}

// ---- Predicates, one per rule ---------------------------------------------------------------

Verdict BlastFurnace(const Equipment& e) {
  if (e.foundry_iron_certified()) return Verdict::kKeep;
  return AtMost(e.volume_m3(), 400);
}
Verdict Converter(const Equipment& e) { return AtMost(e.tonnage_t(), 30); }
Verdict ElectricArcFurnace(const Equipment& e) {
  if (e.high_alloy()) return Verdict::kKeep;
  return AtMost(e.tonnage_t(), 30);
}
Verdict Always(const Equipment&) { return Verdict::kEliminate; }

Verdict DryHollowKiln(const Equipment& e) {
  if (e.kiln_type() == v1::KILN_TYPE_UNSPECIFIED) return Verdict::kUnchecked;
  return EliminateIf(e.kiln_type() == v1::KILN_TYPE_DRY_HOLLOW && !e.special_cement());
}
Verdict GrindingMill(const Equipment& e) { return Below(e.diameter_m(), 3); }
constexpr Predicate ShaftLepolWetKiln =
    FieldIs<&Equipment::kiln_type, v1::KILN_TYPE_SHAFT, v1::KILN_TYPE_LEPOL, v1::KILN_TYPE_WET>;

Verdict PrebakedCell(const Equipment& e) { return Below(e.amperage_ka(), 160); }
constexpr Predicate FluorideLine =
    FieldIs<&Equipment::process, v1::PROCESS_KIND_WET_ALUMINIUM_FLUORIDE>;
constexpr Predicate FlatGlassLine = FieldIs<&Equipment::process, v1::PROCESS_KIND_FLAT_DRAWN_GLASS>;

// A pulp line rule for one pulp kind; other kinds are kept by it.
Verdict PulpLine(const Equipment& e, v1::PulpKind kind, bool inclusive, double limit) {
  if (e.pulp_kind() == v1::PULP_KIND_UNSPECIFIED) return Verdict::kUnchecked;
  if (e.pulp_kind() != kind) return Verdict::kKeep;
  if (e.capacity_unit() != v1::CAPACITY_UNIT_TONNES_PER_YEAR) return Verdict::kUnchecked;
  return inclusive ? AtMost(e.capacity(), limit) : Below(e.capacity(), limit);
}
Verdict ChemicalWoodPulp(const Equipment& e) {
  return PulpLine(e, v1::PULP_KIND_CHEMICAL_WOOD, false, 51000);
}
Verdict NonWoodPulp(const Equipment& e) {
  return PulpLine(e, v1::PULP_KIND_NON_WOOD, false, 34000);
}
Verdict WastePaperPulp(const Equipment& e) {
  return PulpLine(e, v1::PULP_KIND_WASTE_PAPER, true, 10000);
}

Verdict PaperMachine(const Equipment& e, v1::PaperGrade grade, double max_width_m,
                     double speed_below) {
  if (e.paper_grade() == v1::PAPER_GRADE_UNSPECIFIED) return Verdict::kUnchecked;
  if (e.paper_grade() != grade) return Verdict::kKeep;
  return Both(AtMost(e.width_m(), max_width_m), Below(e.speed_m_per_min(), speed_below));
}
Verdict CulturePaperMachine(const Equipment& e) {
  return PaperMachine(e, v1::PAPER_GRADE_CULTURE, 1.76, 120);
}
Verdict BoardPaperMachine(const Equipment& e) {
  return PaperMachine(e, v1::PAPER_GRADE_BOARD, 2, 80);
}

// A dyeing rule that eliminates a machine of the given kind outright.
template <v1::DyeingKind kKind>
constexpr Predicate DyeingKindIs = FieldIs<&Equipment::dyeing_kind, kKind>;
Verdict AgedDyeingMachine(const Equipment& e) {
  switch (e.dyeing_kind()) {
    case v1::DYEING_KIND_UNSPECIFIED:
      return Verdict::kUnchecked;
    case v1::DYEING_KIND_PRETREATMENT:
    case v1::DYEING_KIND_STENTER:
    case v1::DYEING_KIND_SCREEN_PRINTER:
    case v1::DYEING_KIND_CONTINUOUS_DYEING:
      // "使用年限超过 15 年的国产和使用年限超过 20 年的进口": more than, so 15 itself stays.
      return EliminateIf(e.age_years() > (e.imported() ? 20 : 15));
    default:
      return Verdict::kKeep;
  }
}
Verdict HighLiquorBatchDyeing(const Equipment& e) {
  if (e.dyeing_kind() == v1::DYEING_KIND_UNSPECIFIED) return Verdict::kUnchecked;
  // "浴比大于 1:10" and "使用年限超过 15 年": both strict, both required.
  return EliminateIf(e.dyeing_kind() == v1::DYEING_KIND_BATCH_DYEING && e.liquor_ratio() > 10 &&
                     e.age_years() > 15);
}

Verdict TanningLine(const Equipment& e) {
  switch (e.hide_kind()) {
    case v1::HIDE_KIND_RAW_CATTLE:
      return CapacityBelow(e, v1::CAPACITY_UNIT_HIDES_PER_YEAR, 50000);
    case v1::HIDE_KIND_WET_BLUE:
      return CapacityBelow(e, v1::CAPACITY_UNIT_HIDES_PER_YEAR, 30000);
    default:
      return Verdict::kUnchecked;
  }
}

template <v1::BatteryProcess... kProcesses>
constexpr Predicate BatteryProcessIs = FieldIs<&Equipment::battery_process, kProcesses...>;
Verdict BatteryContents(const Equipment& e) {
  // Contents above the limits; 0 (none measured) cannot exceed them.
  return EliminateIf(e.cadmium_pct() > 0.002 || e.arsenic_pct() > 0.1);
}

template <v1::SmeltingProcess... kProcesses>
constexpr Predicate SmeltingProcessIs = FieldIs<&Equipment::smelting_process, kProcesses...>;

Verdict CoalPowerUnit(const Equipment& e) {
  const Verdict small = Below(e.unit_mw(), 300);
  if (small != Verdict::kEliminate) return small;
  switch (e.standards_compliance()) {
    case v1::STANDARDS_COMPLIANCE_FAILS:
      return Verdict::kEliminate;
    case v1::STANDARDS_COMPLIANCE_MEETS:
      return Verdict::kKeep;
    default:
      return Verdict::kUnchecked;
  }
}

Verdict TileLine(const Equipment& e) {
  return CapacityBelow(e, v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR, 1000000);
}
Verdict SanitaryWareLine(const Equipment& e) {
  // Only low-grade lines are in scope; the default (false) is "not shown to be low grade".
  if (!e.low_grade()) return Verdict::kKeep;
  return CapacityBelow(e, v1::CAPACITY_UNIT_PIECES_PER_YEAR, 200000);
}
Verdict CeramicKiln(const Equipment& e) {
  switch (e.kiln_type()) {
    case v1::KILN_TYPE_UNSPECIFIED:
      return Verdict::kUnchecked;
    case v1::KILN_TYPE_EARTH:
    case v1::KILN_TYPE_DOWN_DRAFT:
    case v1::KILN_TYPE_MULTI_HOLE:
    case v1::KILN_TYPE_COAL_OPEN_FLAME_TUNNEL:
    case v1::KILN_TYPE_MUFFLE_TUNNEL:
    case v1::KILN_TYPE_SAGGAR_TUNNEL:
      return Verdict::kEliminate;
    default:
      return Verdict::kKeep;
  }
}
constexpr Predicate TilePress = FieldIs<&Equipment::press_kind, v1::PRESS_KIND_FRICTION>;

Verdict GasProducer(const Equipment& e) { return Below(e.diameter_m(), 3); }

constexpr v1::Dimension kTech = v1::DIMENSION_TECHNOLOGY;
constexpr v1::Dimension kEnv = v1::DIMENSION_ENVIRONMENT;

// Table 5 item by item (ids carry the item number), then Table 2's equipment rules.
const ScreeningRule kRules[] = {
    {"T5-STEEL-1", kTech, v1::INDUSTRY_STEEL, v1::EQUIPMENT_TYPE_BLAST_FURNACE,
     "表5 钢铁(1) 淘汰400立方米及以下炼铁高炉（符合《铸造用生铁企业认定规范条件》的铸造高炉除外）",
     "Table 5 steel (1): blast furnaces of 400 m3 or less (certified foundry-iron furnaces "
     "excepted)",
     BlastFurnace},
    {"T5-STEEL-2", kTech, v1::INDUSTRY_STEEL, v1::EQUIPMENT_TYPE_CONVERTER,
     "表5 钢铁(2) 淘汰30吨及以下炼钢转炉", "Table 5 steel (2): converters of 30 t or less",
     Converter},
    {"T5-STEEL-3", kTech, v1::INDUSTRY_STEEL, v1::EQUIPMENT_TYPE_ELECTRIC_ARC_FURNACE,
     "表5 钢铁(3) 淘汰30吨及以下炼钢电炉（高合金电弧炉除外）",
     "Table 5 steel (3): electric arc furnaces of 30 t or less (high-alloy EAFs excepted)",
     ElectricArcFurnace},
    {"T5-STEEL-4", kTech, v1::INDUSTRY_STEEL, v1::EQUIPMENT_TYPE_INDUCTION_FURNACE,
     "表5 钢铁(4) 对生产“地条钢”的企业，要立即关停，拆除设备，并依法查处",
     "Table 5 steel (4): induction-furnace \"ditiaogang\" steel: close at once and dismantle",
     Always},
    {"T5-CEMENT-1", kTech, v1::INDUSTRY_CEMENT, v1::EQUIPMENT_TYPE_CEMENT_KILN,
     // The plan prints "除外除外"; the doubled word is dropped.
     "表5 水泥(1) 淘汰干法中空窑（生产高铝水泥、硫铝酸盐水泥等特种水泥除外）",
     "Table 5 cement (1): dry hollow kilns (kilns making special cements excepted)", DryHollowKiln},
    {"T5-CEMENT-2", kTech, v1::INDUSTRY_CEMENT, v1::EQUIPMENT_TYPE_CEMENT_GRINDING_MILL,
     "表5 水泥(2) 淘汰直径3米以下的水泥粉磨设备",
     "Table 5 cement (2): cement grinding equipment below 3 m in diameter", GrindingMill},
    {"T5-CEMENT-3", kTech, v1::INDUSTRY_CEMENT, v1::EQUIPMENT_TYPE_CEMENT_KILN,
     "表5 水泥(3) 淘汰水泥机立窑、立波尔窑、湿法窑等落后水泥产能",
     "Table 5 cement (3): shaft kilns, Lepol kilns and wet-process kilns", ShaftLepolWetKiln},
    {"T5-ALUMINIUM-1", kTech, v1::INDUSTRY_ELECTROLYTIC_ALUMINIUM, v1::EQUIPMENT_TYPE_PREBAKED_CELL,
     "表5 电解铝(1) 淘汰16万安培以下预焙槽", "Table 5 aluminium (1): prebaked cells below 160 kA",
     PrebakedCell},
    {"T5-ALUMINIUM-2", kTech, v1::INDUSTRY_ELECTROLYTIC_ALUMINIUM,
     v1::EQUIPMENT_TYPE_ALUMINIUM_FLUORIDE_LINE, "表5 电解铝(2) 禁止采用湿法工艺生产铝用氟化盐",
     "Table 5 aluminium (2): wet-process aluminium fluoride production", FluorideLine},
    {"T5-GLASS-1", kTech, v1::INDUSTRY_FLAT_GLASS, v1::EQUIPMENT_TYPE_FLAT_GLASS_LINE,
     // As printed. The national catalogue this cites reads "（含格法）" (including the grid
     // process); "合格法" looks like a typo for it, so the English follows the catalogue.
     "表5 平板玻璃 淘汰平拉工艺平板玻璃生产线(合格法)等落后平板玻璃产能",
     "Table 5 flat glass: flat-drawn glass lines (including the grid process)", FlatGlassLine},
    {"T5-PAPER-1", kTech, v1::INDUSTRY_PAPER, v1::EQUIPMENT_TYPE_PULP_LINE,
     "表5 造纸(1) 淘汰5.1万吨/年以下的化学木浆生产线",
     "Table 5 paper (1): chemical wood pulp lines below 51,000 t/yr", ChemicalWoodPulp},
    {"T5-PAPER-2", kTech, v1::INDUSTRY_PAPER, v1::EQUIPMENT_TYPE_PULP_LINE,
     "表5 造纸(2) 淘汰单条3.4万吨/年以下的非木浆生产线",
     "Table 5 paper (2): single non-wood pulp lines below 34,000 t/yr", NonWoodPulp},
    {"T5-PAPER-3", kTech, v1::INDUSTRY_PAPER, v1::EQUIPMENT_TYPE_PULP_LINE,
     "表5 造纸(3) 淘汰单条1万吨/年及以下、以废纸为原料的制浆生产线",
     "Table 5 paper (3): single waste-paper pulp lines of 10,000 t/yr or less", WastePaperPulp},
    {"T5-PAPER-4", kTech, v1::INDUSTRY_PAPER, v1::EQUIPMENT_TYPE_PAPER_MACHINE,
     "表5 造纸(4) 淘汰幅宽在1.76米及以下并且车速为120米/分以下的文化纸生产线",
     "Table 5 paper (4): culture-paper machines 1.76 m wide or less and slower than 120 m/min",
     CulturePaperMachine},
    {"T5-PAPER-5", kTech, v1::INDUSTRY_PAPER, v1::EQUIPMENT_TYPE_PAPER_MACHINE,
     "表5 造纸(5) 淘汰幅宽在2米及以下并且车速为80米/分以下的白板纸、箱板纸及瓦楞纸生产线",
     "Table 5 paper (5): board and corrugated machines 2 m wide or less and slower than "
     "80 m/min",
     BoardPaperMachine},
    {"T5-DYEING-1", kTech, v1::INDUSTRY_PRINTING_DYEING, v1::EQUIPMENT_TYPE_DYEING_MACHINE,
     "表5 印染(1) 淘汰未经改造的74型染整设备",
     "Table 5 dyeing (1): unmodified type-74 dyeing and finishing equipment",
     DyeingKindIs<v1::DYEING_KIND_TYPE_74_UNMODIFIED>},
    {"T5-DYEING-2", kTech, v1::INDUSTRY_PRINTING_DYEING, v1::EQUIPMENT_TYPE_DYEING_MACHINE,
     "表5 印染(2) 淘汰蒸汽加热敞开无密闭的印染平洗槽",
     "Table 5 dyeing (2): open, unsealed steam-heated washing tanks",
     DyeingKindIs<v1::DYEING_KIND_OPEN_STEAM_WASHER>},
    {"T5-DYEING-3", kTech, v1::INDUSTRY_PRINTING_DYEING, v1::EQUIPMENT_TYPE_DYEING_MACHINE,
     "表5 印染(3) "
     "淘汰使用年限超过15年的国产和使用年限超过20年的进口印染前处理设备、拉幅和定形设备、"
     "圆网和平网印花机、连续染色机",
     "Table 5 dyeing (3): pre-treatment, stenter/setting, rotary and flat screen printing and "
     "continuous dyeing machines in use more than 15 years (imported: 20)",
     AgedDyeingMachine},
    {"T5-DYEING-4", kTech, v1::INDUSTRY_PRINTING_DYEING, v1::EQUIPMENT_TYPE_DYEING_MACHINE,
     "表5 印染(4) 淘汰使用年限超过15年的浴比大于1:10的棉及化纤间歇式染色设备",
     "Table 5 dyeing (4): batch dyeing machines with liquor ratio above 1:10 in use more than "
     "15 years",
     HighLiquorBatchDyeing},
    {"T5-DYEING-5", kTech, v1::INDUSTRY_PRINTING_DYEING, v1::EQUIPMENT_TYPE_DYEING_MACHINE,
     "表5 印染(5) 淘汰使用直流电机驱动的印染生产线",
     "Table 5 dyeing (5): lines driven by DC motors", DyeingKindIs<v1::DYEING_KIND_DC_MOTOR_LINE>},
    {"T5-DYEING-6", kTech, v1::INDUSTRY_PRINTING_DYEING, v1::EQUIPMENT_TYPE_DYEING_MACHINE,
     "表5 印染(6) "
     "印染用铸铁结构的蒸箱和水洗设备，铸铁墙板无底蒸化机，汽蒸预热区短的L型退煮漂履带汽蒸箱",
     "Table 5 dyeing (6): cast-iron steamers and washers, bottomless cast-iron agers, L-type "
     "crawler steamers with short preheating zones",
     DyeingKindIs<v1::DYEING_KIND_CAST_IRON_STEAMER>},
    {"T5-LEATHER-1", kTech, v1::INDUSTRY_LEATHER_TANNING, v1::EQUIPMENT_TYPE_TANNING_LINE,
     "表5 制革 淘汰年加工生皮能力5万标张牛皮、年加工蓝湿皮能力3万标张牛皮以下的制革生产线",
     "Table 5 leather: tanning lines below 50,000 standard cattle hides/yr (raw hides) or "
     "30,000 (wet-blue)",
     TanningLine},
    {"T5-BATTERY-1", kTech, v1::INDUSTRY_LEAD_ACID_BATTERY, v1::EQUIPMENT_TYPE_BATTERY_LINE,
     "表5 铅蓄电池(1) 淘汰开口式普通铅蓄电池、干式荷电铅蓄电池生产项目",
     "Table 5 batteries (1): open-type and dry-charged lead-acid battery production",
     BatteryProcessIs<v1::BATTERY_PROCESS_OPEN_TYPE, v1::BATTERY_PROCESS_DRY_CHARGED>},
    {"T5-BATTERY-2", kTech, v1::INDUSTRY_LEAD_ACID_BATTERY, v1::EQUIPMENT_TYPE_BATTERY_LINE,
     "表5 铅蓄电池(2) 淘汰镉含量高于0.002%或砷含量高于0.1%的铅蓄电池及其含铅零部件生产项目",
     "Table 5 batteries (2): batteries or lead parts with cadmium above 0.002 % or arsenic "
     "above 0.1 %",
     BatteryContents},
    {"T5-BATTERY-3", kTech, v1::INDUSTRY_LEAD_ACID_BATTERY, v1::EQUIPMENT_TYPE_BATTERY_LINE,
     "表5 铅蓄电池(3) 淘汰开放式熔铅锅和手工铸板、手工铸铅零件、手工铸铅焊条等落后工艺",
     "Table 5 batteries (3): open lead-melting pots and manual casting of plates, parts and "
     "solder rods",
     BatteryProcessIs<v1::BATTERY_PROCESS_OPEN_LEAD_POT>},
    {"T5-BATTERY-4", kTech, v1::INDUSTRY_LEAD_ACID_BATTERY, v1::EQUIPMENT_TYPE_BATTERY_LINE,
     "表5 铅蓄电池(4) 淘汰开口式铅粉机和人工输粉工艺",
     "Table 5 batteries (4): open lead-powder mills and manual powder handling",
     BatteryProcessIs<v1::BATTERY_PROCESS_OPEN_LEAD_POWDER_MILL>},
    {"T5-BATTERY-5", kTech, v1::INDUSTRY_LEAD_ACID_BATTERY, v1::EQUIPMENT_TYPE_BATTERY_LINE,
     "表5 铅蓄电池(5) 淘汰开口式和膏机", "Table 5 batteries (5): open paste mixers",
     BatteryProcessIs<v1::BATTERY_PROCESS_OPEN_PASTE_MIXER>},
    {"T5-BATTERY-6", kTech, v1::INDUSTRY_LEAD_ACID_BATTERY, v1::EQUIPMENT_TYPE_BATTERY_LINE,
     "表5 铅蓄电池(6) "
     "淘汰手工操作的涂板工艺、分板刷板（耳）工序工艺、配酸和灌酸工艺、焊接外化成工艺、"
     "手工焊接工艺",
     "Table 5 batteries (6): manual plate pasting, plate cutting and lug brushing, acid mixing "
     "and filling, external-formation welding, manual welding",
     BatteryProcessIs<v1::BATTERY_PROCESS_MANUAL_OPERATION>},
    {"T5-COPPER-1", kTech, v1::INDUSTRY_COPPER_SMELTING, v1::EQUIPMENT_TYPE_SMELTER,
     "表5 铜冶炼(1) 淘汰鼓风炉、电炉、反射炉炼铜工艺及设备",
     "Table 5 copper (1): blast, electric and reverberatory furnace copper smelting",
     SmeltingProcessIs<v1::SMELTING_PROCESS_COPPER_BLAST_FURNACE,
                       v1::SMELTING_PROCESS_COPPER_ELECTRIC_FURNACE,
                       v1::SMELTING_PROCESS_COPPER_REVERBERATORY>},
    {"T5-COPPER-2", kTech, v1::INDUSTRY_COPPER_SMELTING, v1::EQUIPMENT_TYPE_SMELTER,
     "表5 铜冶炼(2) 淘汰烟气制酸干法净化，以及水洗、热浓酸洗涤工艺",
     "Table 5 copper (2): dry cleaning of flue gas for acid making, water and hot concentrated "
     "acid washing",
     SmeltingProcessIs<v1::SMELTING_PROCESS_DRY_ACID_CLEANING>},
    {"T5-COPPER-3", kTech, v1::INDUSTRY_COPPER_SMELTING, v1::EQUIPMENT_TYPE_SMELTER,
     "表5 铜冶炼(3) 淘汰无烟气治理措施的冶炼工艺及设备",
     "Table 5 copper (3): smelting without flue-gas treatment",
     SmeltingProcessIs<v1::SMELTING_PROCESS_NO_FLUE_GAS_TREATMENT>},
    {"T5-LEAD-1", kTech, v1::INDUSTRY_LEAD_SMELTING, v1::EQUIPMENT_TYPE_SMELTER,
     "表5 铅冶炼(1) 淘汰采用烧结锅、烧结盘、简易高炉等落后方式炼铅工艺及设备",
     "Table 5 lead (1): sintering pots and pans, simple blast furnaces",
     SmeltingProcessIs<v1::SMELTING_PROCESS_LEAD_SINTERING_POT>},
    {"T5-LEAD-2", kTech, v1::INDUSTRY_LEAD_SMELTING, v1::EQUIPMENT_TYPE_SMELTER,
     "表5 铅冶炼(2) 淘汰未配套制酸及尾气吸收系统的烧结机炼铅工艺",
     "Table 5 lead (2): sintering machines without acid plant and tail-gas absorption",
     SmeltingProcessIs<v1::SMELTING_PROCESS_LEAD_SINTER_NO_ACID_PLANT>},
    {"T5-LEAD-3", kTech, v1::INDUSTRY_LEAD_SMELTING, v1::EQUIPMENT_TYPE_SMELTER,
     "表5 铅冶炼(3) 淘汰烧结-鼓风炉炼铅工艺", "Table 5 lead (3): sinter-blast-furnace smelting",
     SmeltingProcessIs<v1::SMELTING_PROCESS_LEAD_SINTER_BLAST_FURNACE>},
    {"T5-POWER-1", kTech, v1::INDUSTRY_SMALL_COAL_POWER, v1::EQUIPMENT_TYPE_COAL_POWER_UNIT,
     "表5 小火电 淘汰不达标的30万千瓦以下煤电机组",
     "Table 5 power: coal-fired units below 300 MW that fail standards", CoalPowerUnit},
    {"T5-CERAMICS-1-TILE", kTech, v1::INDUSTRY_CERAMICS, v1::EQUIPMENT_TYPE_CERAMIC_TILE_LINE,
     "表5 陶瓷(1) 淘汰100万平方米/年以下的建筑陶瓷砖生产线",
     "Table 5 ceramics (1): building tile lines below 1,000,000 m2/yr", TileLine},
    {"T5-CERAMICS-1-SANITARY", kTech, v1::INDUSTRY_CERAMICS, v1::EQUIPMENT_TYPE_SANITARY_WARE_LINE,
     "表5 陶瓷(1) 淘汰20万件/年以下低档卫生陶瓷生产线",
     "Table 5 ceramics (1): low-grade sanitary ware lines below 200,000 pieces/yr",
     SanitaryWareLine},
    {"T5-CERAMICS-2", kTech, v1::INDUSTRY_CERAMICS, v1::EQUIPMENT_TYPE_CERAMIC_KILN,
     "表5 陶瓷(2) "
     "淘汰建筑卫生陶瓷土窑、倒焰窑、多孔窑、煤烧明焰隧道窑、隔焰隧道窑、匣钵装卫生陶瓷隧道窑",
     "Table 5 ceramics (2): earth, down-draft, multi-hole, coal-fired open-flame tunnel, muffle "
     "tunnel and saggar tunnel kilns",
     CeramicKiln},
    {"T5-CERAMICS-3", kTech, v1::INDUSTRY_CERAMICS, v1::EQUIPMENT_TYPE_TILE_PRESS,
     "表5 陶瓷(3) 淘汰建筑陶瓷砖成型用的摩擦压砖机",
     "Table 5 ceramics (3): friction presses for forming tiles", TilePress},
    // Table 2 names these for most industries, and the national Blue Sky plan it cites
    // applies to all, so they match any industry.
    {"T2-GAS-PRODUCER", kEnv, v1::INDUSTRY_UNSPECIFIED, v1::EQUIPMENT_TYPE_GAS_PRODUCER,
     "表2 淘汰炉膛直径3米以下燃料类煤气发生炉",
     "Table 2: fuel gas producers with a hearth below 3 m in diameter", GasProducer},
    {"T2-COAL-HOT-AIR-FURNACE", kEnv, v1::INDUSTRY_UNSPECIFIED,
     v1::EQUIPMENT_TYPE_COAL_HOT_AIR_FURNACE, "表2 取缔燃煤热风炉",
     "Table 2: coal-fired hot-air furnaces are banned", Always},
};

}  // namespace

absl::Span<const ScreeningRule> ScreeningRules() { return kRules; }

const ScreeningRule* FindScreeningRule(absl::string_view id) {
  for (const ScreeningRule& rule : kRules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

bool RuleApplies(const ScreeningRule& rule, const v1::Equipment& equipment) {
  return rule.equipment_type == equipment.type() &&
         (rule.industry == v1::INDUSTRY_UNSPECIFIED || rule.industry == equipment.industry());
}

ScreeningResult Screen(const v1::Equipment& equipment) {
  ScreeningResult result;
  for (const ScreeningRule& rule : kRules) {
    if (!RuleApplies(rule, equipment)) continue;
    switch (rule.evaluate(equipment)) {
      case Verdict::kKeep:
        break;
      case Verdict::kUnchecked:
        result.unchecked_rule_ids.emplace_back(rule.id);
        break;
      case Verdict::kEliminate:
        if (!result.eliminate) {
          result.eliminate = true;
          result.rule_id = std::string(rule.id);
          result.description = std::string(rule.description_en);
          result.description_zh = std::string(rule.description_zh);
        }
        break;
    }
  }
  return result;
}

bool EquipmentTypeFitsIndustry(v1::EquipmentType type, v1::Industry industry) {
  for (const ScreeningRule& rule : kRules) {
    if (rule.equipment_type == type &&
        (rule.industry == v1::INDUSTRY_UNSPECIFIED || rule.industry == industry)) {
      return true;
    }
  }
  return false;
}

v1::CapacityUnit CapacityUnitFor(v1::EquipmentType type) {
  switch (type) {
    case v1::EQUIPMENT_TYPE_PULP_LINE:
      return v1::CAPACITY_UNIT_TONNES_PER_YEAR;
    case v1::EQUIPMENT_TYPE_TANNING_LINE:
      return v1::CAPACITY_UNIT_HIDES_PER_YEAR;
    case v1::EQUIPMENT_TYPE_CERAMIC_TILE_LINE:
      return v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR;
    case v1::EQUIPMENT_TYPE_SANITARY_WARE_LINE:
      return v1::CAPACITY_UNIT_PIECES_PER_YEAR;
    default:
      return v1::CAPACITY_UNIT_UNSPECIFIED;
  }
}

}  // namespace tierhub::domain
