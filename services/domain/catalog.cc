#include "services/domain/catalog.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings.h"

namespace tierhub::domain {
namespace {

using v1::Department;
using v1::Dimension;
using v1::Industry;
using v1::ListKind;

// One row of a vocabulary. `aliases` are further Chinese spellings the plan itself uses.
template <typename E>
struct Term {
  E value;
  absl::string_view code;
  absl::string_view zh;
  absl::string_view en;
  absl::Span<const absl::string_view> aliases = {};
};

template <typename E, size_t N>
const Term<E>* Find(const Term<E> (&table)[N], E value) {
  for (const Term<E>& t : table) {
    if (t.value == value) return &t;
  }
  return nullptr;
}

template <typename E, size_t N>
absl::string_view CodeOf(const Term<E> (&table)[N], E value) {
  const Term<E>* t = Find(table, value);
  return t == nullptr ? absl::string_view() : t->code;
}
template <typename E, size_t N>
absl::string_view ZhOf(const Term<E> (&table)[N], E value) {
  const Term<E>* t = Find(table, value);
  return t == nullptr ? absl::string_view() : t->zh;
}
template <typename E, size_t N>
absl::string_view EnOf(const Term<E> (&table)[N], E value) {
  const Term<E>* t = Find(table, value);
  return t == nullptr ? absl::string_view() : t->en;
}

// `what` names the vocabulary in errors ("industry"); `enum_name` gives the proto name.
template <typename E, size_t N>
absl::StatusOr<E> Parse(const Term<E> (&table)[N], absl::string_view text, absl::string_view what,
                        const std::string& (*enum_name)(E)) {
  const absl::string_view t = absl::StripAsciiWhitespace(text);
  for (const Term<E>& term : table) {
    if (absl::EqualsIgnoreCase(t, term.code) || t == term.zh ||
        absl::EqualsIgnoreCase(t, enum_name(term.value)) ||
        std::find(term.aliases.begin(), term.aliases.end(), t) != term.aliases.end()) {
      return term.value;
    }
  }
  const Term<E>& example = table[0];
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": '", ShownText(t), "' is not known (give a code such as ", example.code,
                   ", a Chinese name such as ", example.zh, ", or an enum name such as ",
                   enum_name(example.value), ")"));
}

template <typename E, size_t N>
std::vector<E> ValuesOf(const Term<E> (&table)[N]) {
  std::vector<E> out;
  for (const Term<E>& t : table) out.push_back(t.value);
  return out;
}

// ---- Industries ----------------------------------------------------------------------------

constexpr Term<Industry> kIndustries[] = {
    {v1::INDUSTRY_STEEL, "STEEL", "钢铁", "Iron and steel (ironmaking and steelmaking)"},
    {v1::INDUSTRY_CEMENT, "CEMENT", "水泥", "Cement (incl. clinker)"},
    {v1::INDUSTRY_ELECTROLYTIC_ALUMINIUM, "ELECTROLYTIC_ALUMINIUM", "电解铝",
     "Electrolytic (primary) aluminium"},
    {v1::INDUSTRY_FLAT_GLASS, "FLAT_GLASS", "平板玻璃", "Flat glass"},
    {v1::INDUSTRY_PAPER, "PAPER", "造纸", "Pulp and paper"},
    {v1::INDUSTRY_PRINTING_DYEING, "PRINTING_DYEING", "印染", "Textile printing and dyeing"},
    {v1::INDUSTRY_LEATHER_TANNING, "LEATHER_TANNING", "制革", "Leather tanning"},
    {v1::INDUSTRY_LEAD_ACID_BATTERY, "LEAD_ACID_BATTERY", "铅蓄电池", "Lead-acid batteries"},
    {v1::INDUSTRY_COPPER_SMELTING, "COPPER_SMELTING", "铜冶炼", "Copper smelting"},
    {v1::INDUSTRY_LEAD_SMELTING, "LEAD_SMELTING", "铅冶炼", "Lead smelting"},
    {v1::INDUSTRY_SMALL_COAL_POWER, "SMALL_COAL_POWER", "小火电", "Small coal-fired thermal power"},
    {v1::INDUSTRY_CERAMICS, "CERAMICS", "陶瓷", "Ceramics"},
};

// ---- Dimensions ----------------------------------------------------------------------------

constexpr absl::string_view kEnergyAliases[] = {"工业能耗"};      // heading of section 二(一)
constexpr absl::string_view kTechnologyAliases[] = {"工艺装备"};  // title of Table 5

constexpr Term<Dimension> kDimensions[] = {
    {v1::DIMENSION_ENERGY, "ENERGY", "能耗", "Energy consumption", kEnergyAliases},
    {v1::DIMENSION_ENVIRONMENT, "ENVIRONMENT", "环保", "Environmental protection"},
    {v1::DIMENSION_QUALITY, "QUALITY", "质量", "Product quality"},
    {v1::DIMENSION_SAFETY, "SAFETY", "安全", "Work safety"},
    {v1::DIMENSION_TECHNOLOGY, "TECHNOLOGY", "技术", "Technology (process equipment)",
     kTechnologyAliases},
};

// ---- Departments ---------------------------------------------------------------------------

// Short forms the plan uses in its own text.
constexpr absl::string_view kMiitAliases[] = {"工信厅", "省工业和信息化厅"};
constexpr absl::string_view kDrcAliases[] = {"发改委", "省发展改革委"};
constexpr absl::string_view kEcoAliases[] = {"省生态环境厅"};
constexpr absl::string_view kSamrAliases[] = {"市场监管局", "省市场监管局"};
constexpr absl::string_view kMemAliases[] = {"省应急管理厅"};
constexpr absl::string_view kNeaAliases[] = {"省能源局"};

constexpr Term<Department> kDepartments[] = {
    {v1::DEPARTMENT_MIIT, "MIIT", "工业和信息化厅",
     "Department of Industry and Information Technology", kMiitAliases},
    {v1::DEPARTMENT_DRC, "DRC", "发展改革委", "Development and Reform Commission", kDrcAliases},
    {v1::DEPARTMENT_ECO, "ECO", "生态环境厅", "Department of Ecology and Environment", kEcoAliases},
    {v1::DEPARTMENT_SAMR, "SAMR", "市场监督管理局", "Administration for Market Regulation",
     kSamrAliases},
    {v1::DEPARTMENT_MEM, "MEM", "应急管理厅", "Department of Emergency Management", kMemAliases},
    {v1::DEPARTMENT_NEA, "NEA", "能源局", "Energy Administration", kNeaAliases},
};

// ---- Capacity units ------------------------------------------------------------------------

constexpr absl::string_view kTonnesAliases[] = {"t/a"};
constexpr absl::string_view kMegawattAliases[] = {"兆瓦"};

constexpr Term<v1::CapacityUnit> kCapacityUnits[] = {
    {v1::CAPACITY_UNIT_TONNES_PER_YEAR, "TONNES_PER_YEAR", "吨/年", "t/year", kTonnesAliases},
    {v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR, "SQUARE_METRES_PER_YEAR", "平方米/年", "m²/year"},
    {v1::CAPACITY_UNIT_PIECES_PER_YEAR, "PIECES_PER_YEAR", "件/年", "pieces/year"},
    {v1::CAPACITY_UNIT_HIDES_PER_YEAR, "HIDES_PER_YEAR", "标张/年", "standard hides/year"},
    {v1::CAPACITY_UNIT_MEGAWATTS, "MEGAWATTS", "MW", "MW", kMegawattAliases},
    {v1::CAPACITY_UNIT_WEIGHT_BOXES_PER_YEAR, "WEIGHT_BOXES_PER_YEAR", "重量箱/年",
     "weight boxes/year"},
    {v1::CAPACITY_UNIT_KVAH_PER_YEAR, "KVAH_PER_YEAR", "kVAh/年", "kVAh/year"},
};

// ---- List kinds ----------------------------------------------------------------------------

constexpr Term<ListKind> kListKinds[] = {
    {v1::LIST_KIND_KEY_SUPERVISION, "KEY_SUPERVISION", "重点监管执法企业清单",
     "Key supervision and enforcement list"},
    {v1::LIST_KIND_DAILY_PATROL, "DAILY_PATROL", "日常巡查动态企业清单",
     "Daily patrol dynamic list"},
    {v1::LIST_KIND_ENERGY_INSPECTION, "ENERGY_INSPECTION", "节能监察执法企业清单",
     "Energy-saving inspection enforcement list"},
    {v1::LIST_KIND_EXIT_TASK, "EXIT_TASK", "产能退出工作任务清单", "Capacity exit task list"},
    {v1::LIST_KIND_RECTIFICATION_DEADLINE, "RECTIFICATION_DEADLINE", "不达标应限期整改的企业名单",
     "Non-compliant enterprises under a rectification deadline"},
    {v1::LIST_KIND_CLOSED_BY_LAW, "CLOSED_BY_LAW", "已依法关闭的企业名单",
     "Enterprises closed by law after failing rectification"},
    {v1::LIST_KIND_OVER_STANDARD_EMITTER, "OVER_STANDARD_EMITTER", "超标排放企业名单",
     "Over-standard emitters"},
    {v1::LIST_KIND_SERIOUS_EMITTER, "SERIOUS_EMITTER", "超标排放情节严重的企业名单",
     "Serious over-standard emitters"},
    {v1::LIST_KIND_COAL_BOILER_EXIT, "COAL_BOILER_EXIT", "燃煤锅炉退出企业名单",
     "Coal-fired boiler exits"},
    {v1::LIST_KIND_TECHNOLOGY_CLOSURE, "TECHNOLOGY_CLOSURE", "技术方面关停退出的落后产能企业",
     "Backward capacity closed on technology grounds"},
};

// Which list belongs to which dimension, read from the plan:
// - KEY_SUPERVISION and DAILY_PATROL: sections 二(二)1, 二(三)1 and 二(四)1 have environment,
//   quality and safety each build a key list and, for enterprises not on it, a daily-patrol
//   list. Energy has its own enforcement list (below) instead; technology has neither.
// - ENERGY_INSPECTION: energy only (二(一)1, 节能监察执法企业清单).
// - EXIT_TASK: technology (二(五)1) and environment, quality and safety (四(一)). The energy
//   deployment in 四(一) names a list of quota-bound enterprises, not an exit task list, so
//   energy is left out.
// - RECTIFICATION_DEADLINE and CLOSED_BY_LAW: published by MIIT, SAMR and MEM (三(四)), i.e.
//   for energy (MIIT leads it; 6-month rectification, then closure by law), quality and
//   safety. Environment publishes its own emitter lists; technology does not rectify
//   ("发现一起、淘汰一起").
// - OVER_STANDARD_EMITTER, SERIOUS_EMITTER, COAL_BOILER_EXIT: environment (ECO, 三(四)).
// - TECHNOLOGY_CLOSURE: technology (三(四), public by 2019-12-31).
constexpr Dimension kEnvQualitySafety[] = {v1::DIMENSION_ENVIRONMENT, v1::DIMENSION_QUALITY,
                                           v1::DIMENSION_SAFETY};
constexpr Dimension kExitTaskDimensions[] = {v1::DIMENSION_ENVIRONMENT, v1::DIMENSION_QUALITY,
                                             v1::DIMENSION_SAFETY, v1::DIMENSION_TECHNOLOGY};
constexpr Dimension kEnergyQualitySafety[] = {v1::DIMENSION_ENERGY, v1::DIMENSION_QUALITY,
                                              v1::DIMENSION_SAFETY};
constexpr Dimension kEnergyOnly[] = {v1::DIMENSION_ENERGY};
constexpr Dimension kEnvironmentOnly[] = {v1::DIMENSION_ENVIRONMENT};
constexpr Dimension kTechnologyOnly[] = {v1::DIMENSION_TECHNOLOGY};

// Departments in charge of each dimension (section 二 headings).
constexpr Department kMiitDrcNea[] = {v1::DEPARTMENT_MIIT, v1::DEPARTMENT_DRC, v1::DEPARTMENT_NEA};
constexpr Department kEco[] = {v1::DEPARTMENT_ECO};
constexpr Department kSamr[] = {v1::DEPARTMENT_SAMR};
constexpr Department kMem[] = {v1::DEPARTMENT_MEM};

// Table 1, 工作要求 column.
constexpr absl::string_view kSteelQuotas[] = {"GB 21256-2013", "GB 32050-2015", "GB 21341-2017"};
constexpr absl::string_view kCementQuotas[] = {"GB 16780-2012"};
constexpr absl::string_view kAluminiumQuotas[] = {"GB 21346-2013"};
constexpr absl::string_view kFlatGlassQuotas[] = {"GB 21340-2013"};
constexpr absl::string_view kPaperQuotas[] = {"GB 31825-2015"};
// The plan cites the synthetic-leather quota for tanning; kept as written.
constexpr absl::string_view kLeatherQuotas[] = {"GB 36887-2018"};
constexpr absl::string_view kCopperQuotas[] = {"GB 21248-2014"};
constexpr absl::string_view kLeadQuotas[] = {"GB 21250-2014"};
constexpr absl::string_view kPowerQuotas[] = {"GB 21258-2017"};
constexpr absl::string_view kCeramicsQuotas[] = {"GB 21252-2013"};

}  // namespace

absl::Span<const Industry> AllIndustries() {
  static const std::vector<Industry> kAll = ValuesOf(kIndustries);
  return kAll;
}
absl::string_view IndustryCode(Industry industry) { return CodeOf(kIndustries, industry); }
absl::string_view IndustryNameZh(Industry industry) { return ZhOf(kIndustries, industry); }
absl::string_view IndustryNameEn(Industry industry) { return EnOf(kIndustries, industry); }
absl::StatusOr<Industry> ParseIndustry(absl::string_view text) {
  return Parse(kIndustries, text, "industry", &v1::Industry_Name<Industry>);
}

bool IndustryHasQualityDimension(Industry industry) {
  switch (industry) {
    case v1::INDUSTRY_COPPER_SMELTING:
    case v1::INDUSTRY_LEAD_SMELTING:
    case v1::INDUSTRY_SMALL_COAL_POWER:
      return false;
    default:
      return Find(kIndustries, industry) != nullptr;
  }
}

absl::Span<const absl::string_view> EnergyQuotaStandards(Industry industry) {
  switch (industry) {
    case v1::INDUSTRY_STEEL:
      return kSteelQuotas;
    case v1::INDUSTRY_CEMENT:
      return kCementQuotas;
    case v1::INDUSTRY_ELECTROLYTIC_ALUMINIUM:
      return kAluminiumQuotas;
    case v1::INDUSTRY_FLAT_GLASS:
      return kFlatGlassQuotas;
    case v1::INDUSTRY_PAPER:
      return kPaperQuotas;
    case v1::INDUSTRY_LEATHER_TANNING:
      return kLeatherQuotas;
    case v1::INDUSTRY_COPPER_SMELTING:
      return kCopperQuotas;
    case v1::INDUSTRY_LEAD_SMELTING:
      return kLeadQuotas;
    case v1::INDUSTRY_SMALL_COAL_POWER:
      return kPowerQuotas;
    case v1::INDUSTRY_CERAMICS:
      return kCeramicsQuotas;
    default:
      return {};  // dyeing and batteries: "目前尚未出台国家强制性能耗限额标准"
  }
}

absl::Span<const Dimension> AllDimensions() {
  static const std::vector<Dimension> kAll = ValuesOf(kDimensions);
  return kAll;
}
absl::string_view DimensionCode(Dimension dimension) { return CodeOf(kDimensions, dimension); }
absl::string_view DimensionNameZh(Dimension dimension) { return ZhOf(kDimensions, dimension); }
absl::string_view DimensionNameEn(Dimension dimension) { return EnOf(kDimensions, dimension); }
absl::StatusOr<Dimension> ParseDimension(absl::string_view text) {
  return Parse(kDimensions, text, "dimension", &v1::Dimension_Name<Dimension>);
}

absl::Span<const Department> AllDepartments() {
  static const std::vector<Department> kAll = ValuesOf(kDepartments);
  return kAll;
}
absl::string_view DepartmentCode(Department department) { return CodeOf(kDepartments, department); }
absl::string_view DepartmentNameZh(Department department) { return ZhOf(kDepartments, department); }
absl::string_view DepartmentNameEn(Department department) { return EnOf(kDepartments, department); }
absl::StatusOr<Department> ParseDepartment(absl::string_view text) {
  return Parse(kDepartments, text, "department", &v1::Department_Name<Department>);
}

absl::string_view CapacityUnitCode(v1::CapacityUnit unit) { return CodeOf(kCapacityUnits, unit); }
absl::string_view CapacityUnitNameZh(v1::CapacityUnit unit) { return ZhOf(kCapacityUnits, unit); }
absl::string_view CapacityUnitNameEn(v1::CapacityUnit unit) { return EnOf(kCapacityUnits, unit); }
absl::StatusOr<v1::CapacityUnit> ParseCapacityUnit(absl::string_view text) {
  return Parse(kCapacityUnits, text, "capacity_unit", &v1::CapacityUnit_Name<v1::CapacityUnit>);
}

absl::Span<const Department> LeadDepartments(Dimension dimension) {
  switch (dimension) {
    case v1::DIMENSION_ENERGY:
    case v1::DIMENSION_TECHNOLOGY:
      return kMiitDrcNea;
    case v1::DIMENSION_ENVIRONMENT:
      return kEco;
    case v1::DIMENSION_QUALITY:
      return kSamr;
    case v1::DIMENSION_SAFETY:
      return kMem;
    default:
      return {};
  }
}

bool DepartmentLeads(Department department, Dimension dimension) {
  const absl::Span<const Department> leads = LeadDepartments(dimension);
  return std::find(leads.begin(), leads.end(), department) != leads.end();
}

bool DepartmentMayActOn(Department department, Dimension dimension) {
  if (LeadDepartments(dimension).empty()) return false;  // not a dimension
  return department == v1::DEPARTMENT_MIIT || DepartmentLeads(department, dimension);
}

absl::Span<const ListKind> AllListKinds() {
  static const std::vector<ListKind> kAll = ValuesOf(kListKinds);
  return kAll;
}
absl::string_view ListKindCode(ListKind kind) { return CodeOf(kListKinds, kind); }
absl::string_view ListKindNameZh(ListKind kind) { return ZhOf(kListKinds, kind); }
absl::string_view ListKindNameEn(ListKind kind) { return EnOf(kListKinds, kind); }
absl::StatusOr<ListKind> ParseListKind(absl::string_view text) {
  return Parse(kListKinds, text, "list kind", &v1::ListKind_Name<ListKind>);
}

bool ListKindIsPublished(ListKind kind) {
  switch (kind) {
    case v1::LIST_KIND_RECTIFICATION_DEADLINE:
    case v1::LIST_KIND_CLOSED_BY_LAW:
    case v1::LIST_KIND_OVER_STANDARD_EMITTER:
    case v1::LIST_KIND_SERIOUS_EMITTER:
    case v1::LIST_KIND_COAL_BOILER_EXIT:
    case v1::LIST_KIND_TECHNOLOGY_CLOSURE:
      return true;
    default:
      return false;
  }
}

absl::Span<const Dimension> DimensionsOfListKind(ListKind kind) {
  switch (kind) {
    case v1::LIST_KIND_KEY_SUPERVISION:
    case v1::LIST_KIND_DAILY_PATROL:
      return kEnvQualitySafety;
    case v1::LIST_KIND_ENERGY_INSPECTION:
      return kEnergyOnly;
    case v1::LIST_KIND_EXIT_TASK:
      return kExitTaskDimensions;
    case v1::LIST_KIND_RECTIFICATION_DEADLINE:
    case v1::LIST_KIND_CLOSED_BY_LAW:
      return kEnergyQualitySafety;
    case v1::LIST_KIND_OVER_STANDARD_EMITTER:
    case v1::LIST_KIND_SERIOUS_EMITTER:
    case v1::LIST_KIND_COAL_BOILER_EXIT:
      return kEnvironmentOnly;
    case v1::LIST_KIND_TECHNOLOGY_CLOSURE:
      return kTechnologyOnly;
    default:
      return {};
  }
}

bool ListKindFitsDimension(ListKind kind, Dimension dimension) {
  const absl::Span<const Dimension> dims = DimensionsOfListKind(kind);
  return std::find(dims.begin(), dims.end(), dimension) != dims.end();
}

}  // namespace tierhub::domain
