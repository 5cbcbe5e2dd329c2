#include "services/domain/screening_cases.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/domain/case_machine.h"
#include "services/domain/screening.h"
#include "services/domain/validation.h"

namespace tierhub::domain {

v1::Dimension ScreeningDimension(const v1::Equipment& equipment) {
  for (const domain::ScreeningRule& rule : domain::ScreeningRules()) {
    if (domain::RuleApplies(rule, equipment)) return rule.dimension;
  }
  return v1::DIMENSION_TECHNOLOGY;
}

std::string ScreeningCaseId(const v1::Equipment& equipment) {
  const char* prefix =
      ScreeningDimension(equipment) == v1::DIMENSION_ENVIRONMENT ? "env-" : "tech-";
  return absl::StrCat(prefix, equipment.credit_code(), "-", equipment.equipment_id());
}

absl::StatusOr<ScreeningOutcome> ScreenToCase(const v1::Equipment& equipment,
                                              const v1::EnforcementCase* existing,
                                              const std::string& actor, const Clock& clock) {
  TH_RETURN_IF_ERROR(domain::ValidateEquipment(equipment));
  ScreeningOutcome out;
  out.equipment_key = absl::StrCat(equipment.credit_code(), "/", equipment.equipment_id());
  const std::string case_id = ScreeningCaseId(equipment);
  TH_RETURN_IF_ERROR(domain::ValidateId(case_id, "enforcement_case.case_id"));
  if (existing != nullptr && existing->case_id() != case_id) {
    return absl::InvalidArgumentError(absl::StrCat("existing.case_id: '", existing->case_id(),
                                                   "' is not this equipment's case '", case_id,
                                                   "'"));
  }
  const domain::ScreeningResult result = domain::Screen(equipment);
  out.unchecked_rule_ids = result.unchecked_rule_ids;
  out.rule_id = result.rule_id;
  if (!result.eliminate) {
    if (existing != nullptr) {
      out.action = ScreeningOutcome::Action::kReview;
      out.case_id = case_id;
    }
    return out;
  }
  out.case_id = case_id;
  const domain::ScreeningRule* rule = domain::FindScreeningRule(result.rule_id);
  const std::string finding =
      absl::StrCat(result.description_zh, " (", result.description, "): ", out.equipment_key);
  if (existing == nullptr) {
    CaseOpening o;
    o.case_id = case_id;
    o.credit_code = equipment.credit_code();
    o.region_code = equipment.region_code();
    o.industry = equipment.industry();
    o.dimension = rule != nullptr ? rule->dimension : v1::DIMENSION_TECHNOLOGY;
    o.finding = finding;
    o.rule_ref = result.rule_id;
    o.capacity = equipment.capacity();
    o.capacity_unit = equipment.capacity_unit();
    o.equipment_id = equipment.equipment_id();
    o.actor = actor;
    o.evidence_ref = absl::StrCat("screening:", result.rule_id);
    TH_ASSIGN_OR_RETURN(v1::EnforcementCase opened, OpenCase(o, clock));
    out.action = ScreeningOutcome::Action::kCreate;
    out.enforcement_case = std::move(opened);
    return out;
  }
  if (existing->rule_ref() == result.rule_id || existing->state() != v1::CASE_STATE_FOUND) {
    out.action = ScreeningOutcome::Action::kUnchanged;
    return out;
  }
  v1::EnforcementCase updated = *existing;
  updated.set_rule_ref(result.rule_id);
  updated.set_finding(finding);
  TH_RETURN_IF_ERROR(domain::ValidateCase(updated));
  out.action = ScreeningOutcome::Action::kUpdate;
  out.enforcement_case = std::move(updated);
  return out;
}

std::vector<RescreenItem> RescreenAll(
    absl::Span<const v1::Equipment> equipment,
    const std::function<std::optional<v1::EnforcementCase>(const std::string& case_id)>& find_case,
    const std::string& actor, const Clock& clock) {
  std::vector<RescreenItem> out;
  out.reserve(equipment.size());
  for (const v1::Equipment& e : equipment) {
    std::optional<v1::EnforcementCase> existing = find_case(ScreeningCaseId(e));
    auto outcome = ScreenToCase(e, existing.has_value() ? &*existing : nullptr, actor, clock);
    RescreenItem item;
    if (outcome.ok()) {
      item.outcome = std::move(*outcome);
    } else {
      item.status = outcome.status();
      item.outcome.equipment_key = absl::StrCat(e.credit_code(), "/", e.equipment_id());
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace tierhub::domain
