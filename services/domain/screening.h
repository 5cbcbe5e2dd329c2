// Equipment screening against the plan's equipment rules: Table 5 (工艺装备, technology
// dimension) and the two equipment rules of Table 2 (gas producers and coal-fired hot-air
// furnaces, environment dimension). The rules are data: a table of ScreeningRule, each with a
// predicate over v1::Equipment. Stateless; thread-safe.
//
// Units follow equipment.proto. A numeric field left at 0 is "not recorded": a rule that would
// eliminate on a small value (e.g. "blast furnace <= 400 m3") cannot be decided from 0, so it
// is reported as unchecked instead of eliminating every unmeasured furnace.
#ifndef TIERHUB_SERVICES_DOMAIN_SCREENING_H_
#define TIERHUB_SERVICES_DOMAIN_SCREENING_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tierhub/v1/domain.pb.h"
#include "tierhub/v1/equipment.pb.h"

namespace tierhub::domain {

enum class Verdict {
  kKeep,       // the rule does not eliminate this equipment
  kEliminate,  // the rule eliminates it (淘汰)
  kUnchecked,  // a value the rule needs is not recorded
};

struct ScreeningRule {
  absl::string_view id;     // "T5-<INDUSTRY>-<item>" citing Table 5's item number
  v1::Dimension dimension;  // TECHNOLOGY (Table 5) or ENVIRONMENT (Table 2)
  v1::Industry industry;    // INDUSTRY_UNSPECIFIED: applies to every industry
  v1::EquipmentType equipment_type;
  absl::string_view description_zh;  // the plan's wording
  absl::string_view description_en;
  Verdict (*evaluate)(const v1::Equipment&);  // called only on equipment the rule applies to
};

struct ScreeningResult {
  bool eliminate = false;
  std::string rule_id;         // the first eliminating rule, in table order; empty if none
  std::string description;     // its English description
  std::string description_zh;  // its Chinese description
  std::vector<std::string> unchecked_rule_ids;  // applicable rules that lacked data
};

// Every rule, in the order of the plan's tables.
absl::Span<const ScreeningRule> ScreeningRules();

// The rule with this id, or nullptr.
const ScreeningRule* FindScreeningRule(absl::string_view id);

// True if `rule` applies to `equipment`: same equipment type, and same industry unless the
// rule applies to every industry.
bool RuleApplies(const ScreeningRule& rule, const v1::Equipment& equipment);

// Screens one piece of equipment against every applicable rule. Meaningful for equipment that
// passes ValidateEquipment (an equipment type recorded under the wrong industry matches no
// rule). eliminate=false with unchecked rules means "not shown to be backward", not
// "compliant".
ScreeningResult Screen(const v1::Equipment& equipment);

// True if some rule pairs this equipment type with this industry (or with every industry),
// e.g. a blast furnace belongs to STEEL, a gas producer to any industry.
bool EquipmentTypeFitsIndustry(v1::EquipmentType type, v1::Industry industry);

// The unit `capacity` must be given in for this equipment type, or UNSPECIFIED if the type
// has no unit constraint.
v1::CapacityUnit CapacityUnitFor(v1::EquipmentType type);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_SCREENING_H_
