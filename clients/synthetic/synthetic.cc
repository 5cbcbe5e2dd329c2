#include "clients/synthetic/synthetic.h"

#include <iterator>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/catalog.h"
#include "services/domain/credit_code.h"
#include "services/domain/region_table.h"
#include "services/domain/screening.h"
#include "services/spreadsheet/spreadsheet.h"

namespace tierhub::synthetic {
namespace {

// Rough share of each industry among the campaign's enterprises in a Pearl River Delta city:
// ceramics, dyeing, paper and batteries are many small plants; smelters and mills are few.
struct IndustryWeight {
  v1::Industry industry;
  int weight;
  const char* noun_zh;
};
constexpr IndustryWeight kIndustries[] = {
    {v1::INDUSTRY_CERAMICS, 22, "陶瓷"},
    {v1::INDUSTRY_PRINTING_DYEING, 18, "印染"},
    {v1::INDUSTRY_PAPER, 12, "纸业"},
    {v1::INDUSTRY_LEAD_ACID_BATTERY, 8, "电池"},
    {v1::INDUSTRY_LEATHER_TANNING, 7, "皮革"},
    {v1::INDUSTRY_CEMENT, 7, "水泥"},
    {v1::INDUSTRY_STEEL, 6, "钢铁"},
    {v1::INDUSTRY_FLAT_GLASS, 5, "玻璃"},
    {v1::INDUSTRY_SMALL_COAL_POWER, 5, "热电"},
    {v1::INDUSTRY_COPPER_SMELTING, 4, "铜业"},
    {v1::INDUSTRY_LEAD_SMELTING, 3, "铅业"},
    {v1::INDUSTRY_ELECTROLYTIC_ALUMINIUM, 3, "铝业"},
};

// One piece of equipment for the industry; about one in five falls under Table 5.
v1::Equipment MakeEquipment(v1::Industry industry, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  const bool backward = u(rng) < 0.2;
  v1::Equipment e;
  e.set_industry(industry);
  auto capacity = [&](v1::EquipmentType type, double value) {
    e.set_capacity(value);
    e.set_capacity_unit(domain::CapacityUnitFor(type));
  };
  switch (industry) {
    case v1::INDUSTRY_STEEL:
      e.set_type(v1::EQUIPMENT_TYPE_BLAST_FURNACE);
      e.set_volume_m3(backward ? 380 : 1080);
      break;
    case v1::INDUSTRY_CEMENT:
      e.set_type(v1::EQUIPMENT_TYPE_CEMENT_GRINDING_MILL);
      e.set_diameter_m(backward ? 2.6 : 4.2);
      break;
    case v1::INDUSTRY_ELECTROLYTIC_ALUMINIUM:
      e.set_type(v1::EQUIPMENT_TYPE_PREBAKED_CELL);
      e.set_amperage_ka(backward ? 135 : 400);
      break;
    case v1::INDUSTRY_FLAT_GLASS:
      e.set_type(v1::EQUIPMENT_TYPE_FLAT_GLASS_LINE);
      e.set_process(backward ? v1::PROCESS_KIND_FLAT_DRAWN_GLASS : v1::PROCESS_KIND_FLOAT_GLASS);
      break;
    case v1::INDUSTRY_PAPER:
      e.set_type(v1::EQUIPMENT_TYPE_PULP_LINE);
      e.set_pulp_kind(v1::PULP_KIND_WASTE_PAPER);
      capacity(e.type(), backward ? 8000 : 150000);
      break;
    case v1::INDUSTRY_PRINTING_DYEING:
      e.set_type(v1::EQUIPMENT_TYPE_DYEING_MACHINE);
      e.set_dyeing_kind(v1::DYEING_KIND_STENTER);
      e.set_age_years(backward ? 17 : 6);
      break;
    case v1::INDUSTRY_LEATHER_TANNING:
      e.set_type(v1::EQUIPMENT_TYPE_TANNING_LINE);
      e.set_hide_kind(v1::HIDE_KIND_RAW_CATTLE);
      capacity(e.type(), backward ? 30000 : 120000);
      break;
    case v1::INDUSTRY_LEAD_ACID_BATTERY:
      e.set_type(v1::EQUIPMENT_TYPE_BATTERY_LINE);
      e.set_battery_process(backward ? v1::BATTERY_PROCESS_OPEN_PASTE_MIXER
                                     : v1::BATTERY_PROCESS_SEALED);
      break;
    case v1::INDUSTRY_COPPER_SMELTING:
      e.set_type(v1::EQUIPMENT_TYPE_SMELTER);
      e.set_smelting_process(backward ? v1::SMELTING_PROCESS_COPPER_REVERBERATORY
                                      : v1::SMELTING_PROCESS_MODERN);
      break;
    case v1::INDUSTRY_LEAD_SMELTING:
      e.set_type(v1::EQUIPMENT_TYPE_SMELTER);
      e.set_smelting_process(backward ? v1::SMELTING_PROCESS_LEAD_SINTERING_POT
                                      : v1::SMELTING_PROCESS_MODERN);
      break;
    case v1::INDUSTRY_SMALL_COAL_POWER:
      e.set_type(v1::EQUIPMENT_TYPE_COAL_POWER_UNIT);
      e.set_unit_mw(backward ? 50 : 600);
      e.set_standards_compliance(backward ? v1::STANDARDS_COMPLIANCE_FAILS
                                          : v1::STANDARDS_COMPLIANCE_MEETS);
      break;
    case v1::INDUSTRY_CERAMICS:
    default:
      e.set_type(v1::EQUIPMENT_TYPE_CERAMIC_TILE_LINE);
      capacity(e.type(), backward ? 600000 : 3000000);
      break;
  }
  return e;
}

}  // namespace

std::vector<Enterprise> MakeEnterprises(const std::string& region_code, int first_serial, int count,
                                        uint64_t seed) {
  std::mt19937_64 rng(seed ^ std::hash<std::string>()(region_code));
  int total_weight = 0;
  for (const auto& w : kIndustries) total_weight += w.weight;
  const v1::Region* region = domain::DefaultRegions().Lookup(region_code);
  const std::string place = region ? region->name_zh() : region_code;
  std::vector<Enterprise> out;
  out.reserve(count);
  for (int i = 0; i < count; ++i) {
    const int serial = first_serial + i;
    int pick = static_cast<int>(rng() % total_weight);
    const IndustryWeight* industry = &kIndustries[0];
    for (const auto& w : kIndustries) {
      if (pick < w.weight) {
        industry = &w;
        break;
      }
      pick -= w.weight;
    }
    // "HC" (合成, synthetic) + six digits: an organisation code no real registry issued to anyone
    // we know of, and visibly synthetic.
    const std::string body = absl::StrFormat("HC%06d", serial % 1000000);
    Enterprise ent;
    v1::Enterprise* e = ent.enterprise.mutable_enterprise();
    e->set_credit_code(domain::MakeCreditCode('9', '1', region_code, body).value());
    e->set_name(
        absl::StrCat("合成示例", place, industry->noun_zh, "第", serial, "号企业 (synthetic)"));
    e->set_region_code(region_code);
    e->add_industries(industry->industry);
    e->set_status(v1::OPERATING_STATUS_OPERATING);
    const int pieces = 1 + static_cast<int>(rng() % 3);
    for (int p = 0; p < pieces; ++p) {
      v1::Record record;
      v1::Equipment* eq = record.mutable_equipment();
      *eq = MakeEquipment(industry->industry, rng);
      eq->set_equipment_id(absl::StrCat("EQ-", p + 1));
      eq->set_credit_code(e->credit_code());
      eq->set_region_code(region_code);
      ent.equipment.push_back(std::move(record));
    }
    out.push_back(std::move(ent));
  }
  return out;
}

std::string DepartmentListCsv(v1::Department department,
                              const std::vector<Enterprise>& enterprises) {
  std::string csv =
      "统一社会信用代码,企业名称,所在地区,行业,原因,整改期限,企业状态,产能,产能单位\n";
  const char* reason = "";
  switch (department) {
    case v1::DEPARTMENT_DRC:
    case v1::DEPARTMENT_NEA:
      reason = "能耗超限额";
      break;
    case v1::DEPARTMENT_ECO:
      reason = "超标排放";
      break;
    case v1::DEPARTMENT_SAMR:
      reason = "产品质量抽查不合格";
      break;
    case v1::DEPARTMENT_MEM:
      reason = "安全生产条件不达标";
      break;
    default:
      reason = "工艺装备属淘汰类";
  }
  for (size_t i = 0; i < enterprises.size(); ++i) {
    const v1::Enterprise& e = enterprises[i].enterprise.enterprise();
    // Each department lists a different quarter of the enterprises, overlapping in part.
    if ((i + static_cast<size_t>(department)) % 4 != 0 && i % 7 != 0) continue;
    // Copper, lead smelting and power are outside product-quality law: SAMR lists none.
    if (department == v1::DEPARTMENT_SAMR &&
        !domain::IndustryHasQualityDimension(e.industries(0))) {
      continue;
    }
    const char* status = "在产";
    if (i % 7 == 0)
      status = department == v1::DEPARTMENT_ECO ? "关停" : "在产";
    else if (i % 5 == 0)
      status = "停产整改";
    double capacity = 0;
    std::string unit;
    for (const v1::Record& r : enterprises[i].equipment) {
      if (r.equipment().capacity() > 0) {
        capacity = r.equipment().capacity();
        unit = r.equipment().capacity_unit() == v1::CAPACITY_UNIT_TONNES_PER_YEAR ? "吨/年"
               : r.equipment().capacity_unit() == v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR
                   ? "平方米/年"
                   : "标张/年";
        break;
      }
    }
    const std::string cells[] = {e.credit_code(),
                                 e.name(),
                                 e.region_code(),
                                 std::string(domain::IndustryNameZh(e.industries(0))),
                                 reason,
                                 absl::StrCat("2019-10-", 10 + i % 20),
                                 status,
                                 capacity > 0 ? absl::StrFormat("%.0f", capacity) : "",
                                 unit};
    for (size_t c = 0; c < std::size(cells); ++c) {
      absl::StrAppend(&csv, c > 0 ? "," : "", spreadsheet::CsvText(cells[c]));
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace tierhub::synthetic
