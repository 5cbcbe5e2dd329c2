#include "services/domain/validation.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/limits.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/domain/catalog.h"
#include "services/domain/credit_code.h"
#include "services/domain/field_limits.h"
#include "services/domain/screening.h"

namespace tierhub::domain {
namespace {

absl::Status Invalid(absl::string_view path, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", reason));
}

std::string Field(absl::string_view path, absl::string_view field) {
  return absl::StrCat(path, ".", field);
}

std::string Index(absl::string_view path, int i) { return absl::StrCat(path, "[", i, "]"); }

// A required enum: set, and a value this build knows (the wire may carry newer numbers).
template <typename E>
absl::Status RequireEnum(absl::string_view path, E value, bool (*is_valid)(int),
                         const std::string& (*name)(E)) {
  if (!is_valid(value))
    return Invalid(path, absl::StrCat(static_cast<int>(value), " is not a known value"));
  if (static_cast<int>(value) == 0)
    return Invalid(path, absl::StrCat(name(value), " is not allowed"));
  return absl::OkStatus();
}

// An optional enum: UNSPECIFIED means "not recorded", but an unknown number is still refused.
absl::Status OptionalEnum(absl::string_view path, int value, bool (*is_valid)(int)) {
  if (!is_valid(value)) return Invalid(path, absl::StrCat(value, " is not a known value"));
  return absl::OkStatus();
}

#define TH_REQUIRE_ENUM(path, Type, value) \
  RequireEnum<v1::Type>(path, value, &v1::Type##_IsValid, &v1::Type##_Name<v1::Type>)

absl::Status RequireText(absl::string_view path, absl::string_view text) {
  if (absl::StripAsciiWhitespace(text).empty()) return Invalid(path, "is empty");
  return absl::OkStatus();
}

absl::Status NonNegative(absl::string_view path, double value) {
  if (!std::isfinite(value) || value < 0) {
    return Invalid(path, absl::StrCat("must be a finite number >= 0, got ", value));
  }
  return absl::OkStatus();
}

absl::Status Percentage(absl::string_view path, double value) {
  TH_RETURN_IF_ERROR(NonNegative(path, value));
  if (value > 100) return Invalid(path, absl::StrCat("is a percentage, got ", value));
  return absl::OkStatus();
}

// google.protobuf.Timestamp's documented range: 0001-01-01 to 9999-12-31, nanos in [0, 1e9).
absl::Status ValidTimestamp(absl::string_view path, const google::protobuf::Timestamp& t) {
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return Invalid(path, "is not a valid timestamp");
  }
  return absl::OkStatus();
}

absl::Status RequireTimestamp(absl::string_view path, bool has,
                              const google::protobuf::Timestamp& t) {
  if (!has) return Invalid(path, "is required");
  return ValidTimestamp(path, t);
}

// A region a record is located in: a current code below the national root.
absl::Status CurrentRegion(absl::string_view path, absl::string_view code,
                           const RegionTable& regions) {
  if (!IsRegionCodeShape(code)) {
    return Invalid(path, absl::StrCat("'", ShownText(code), "' is not 6 digits"));
  }
  if (code == kNationalRegionCode) return Invalid(path, "000000 is the national root, not a place");
  if (!regions.IsKnown(code)) {
    if (regions.IsHistorical(code)) {
      return Invalid(path, absl::StrCat(code, " is a retired region code; use the current one"));
    }
    return Invalid(path, absl::StrCat(code, " is not a known region code"));
  }
  return absl::OkStatus();
}

// capacity and capacity_unit of the same message, given their paths.
absl::Status CapacityWithUnit(absl::string_view capacity_path, double capacity,
                              absl::string_view unit_path, v1::CapacityUnit unit) {
  TH_RETURN_IF_ERROR(NonNegative(capacity_path, capacity));
  TH_RETURN_IF_ERROR(OptionalEnum(unit_path, unit, &v1::CapacityUnit_IsValid));
  if (capacity > 0 && unit == v1::CAPACITY_UNIT_UNSPECIFIED) {
    return Invalid(unit_path, "is required when a capacity is given");
  }
  return absl::OkStatus();
}

// The plan's rule that copper, lead smelting and power have no quality dimension (Table 3).
absl::Status QualityApplies(absl::string_view dimension_path, v1::Dimension dimension,
                            v1::Industry industry) {
  if (dimension == v1::DIMENSION_QUALITY && !IndustryHasQualityDimension(industry)) {
    return Invalid(dimension_path,
                   absl::StrCat("QUALITY does not apply to ", IndustryCode(industry),
                                " (outside the Product Quality Law, Table 3)"));
  }
  return absl::OkStatus();
}

bool IsCopperProcess(v1::SmeltingProcess p) {
  return p == v1::SMELTING_PROCESS_COPPER_BLAST_FURNACE ||
         p == v1::SMELTING_PROCESS_COPPER_ELECTRIC_FURNACE ||
         p == v1::SMELTING_PROCESS_COPPER_REVERBERATORY;
}
bool IsLeadProcess(v1::SmeltingProcess p) {
  return p == v1::SMELTING_PROCESS_LEAD_SINTERING_POT ||
         p == v1::SMELTING_PROCESS_LEAD_SINTER_NO_ACID_PLANT ||
         p == v1::SMELTING_PROCESS_LEAD_SINTER_BLAST_FURNACE;
}

}  // namespace

absl::Status ValidateId(absl::string_view id, absl::string_view path) {
  if (id.size() > limits::kMaxIdBytes) {
    return Invalid(path, absl::StrCat(id.size(), " bytes, at most ", limits::kMaxIdBytes));
  }
  bool ok = !id.empty();
  for (char c : id) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                c == '-' || c == ':' || c == '+' || c == '@');
  }
  if (!ok) {
    return Invalid(path, absl::StrCat("'", ShownText(id),
                                      "' is not an id (1 to 128 of A-Z a-z 0-9 . _ - : + @)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCreditCodeField(absl::string_view code, absl::string_view path,
                                     const RegionTable& regions) {
  if (code.empty()) return Invalid(path, "is required");
  TH_ASSIGN_OR_RETURN(const CreditCode parsed, ParseCreditCode(code, path));
  if (parsed.code != code) {
    return Invalid(path, absl::StrCat("must be written in canonical form ", parsed.code));
  }
  const std::string& segment = parsed.region_code;
  if (regions.IsKnown(segment) || regions.IsHistorical(segment)) return absl::OkStatus();
  // Only judge segments in provinces the table holds; elsewhere we cannot tell.
  const std::string province = absl::StrCat(segment.substr(0, 2), "0000");
  if (regions.IsKnown(province) && province != kNationalRegionCode) {
    return Invalid(path, absl::StrCat("region segment ", segment,
                                      " is neither a current nor a retired region code"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEnterprise(const v1::Enterprise& e, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(e, "enterprise"));
  TH_RETURN_IF_ERROR(ValidateCreditCodeField(e.credit_code(), "enterprise.credit_code", regions));
  TH_RETURN_IF_ERROR(RequireText("enterprise.name", e.name()));
  TH_RETURN_IF_ERROR(CurrentRegion("enterprise.region_code", e.region_code(), regions));
  if (e.industries().empty()) return Invalid("enterprise.industries", "at least one is required");
  for (int i = 0; i < e.industries_size(); ++i) {
    const std::string path = Index("enterprise.industries", i);
    TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM(path, Industry, e.industries(i)));
    for (int j = 0; j < i; ++j) {
      if (e.industries(j) == e.industries(i)) {
        return Invalid(path, absl::StrCat(IndustryCode(e.industries(i)), " is listed twice"));
      }
    }
  }
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("enterprise.status", OperatingStatus, e.status()));
  for (int i = 0; i < e.licences_size(); ++i) {
    const std::string path = Index("enterprise.licences", i);
    const v1::Licence& l = e.licences(i);
    TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM(Field(path, "kind"), LicenceKind, l.kind()));
    TH_RETURN_IF_ERROR(RequireText(Field(path, "number"), l.number()));
    TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM(Field(path, "status"), LicenceStatus, l.status()));
    if (l.has_valid_until()) {
      TH_RETURN_IF_ERROR(ValidTimestamp(Field(path, "valid_until"), l.valid_until()));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateEquipment(const v1::Equipment& e, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(e, "equipment"));
  constexpr absl::string_view kPath = "equipment";
  TH_RETURN_IF_ERROR(ValidateId(e.equipment_id(), "equipment.equipment_id"));
  TH_RETURN_IF_ERROR(ValidateCreditCodeField(e.credit_code(), "equipment.credit_code", regions));
  TH_RETURN_IF_ERROR(CurrentRegion("equipment.region_code", e.region_code(), regions));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("equipment.industry", Industry, e.industry()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("equipment.type", EquipmentType, e.type()));
  if (!EquipmentTypeFitsIndustry(e.type(), e.industry())) {
    return Invalid("equipment.type",
                   absl::StrCat(v1::EquipmentType_Name(e.type()), " does not belong to industry ",
                                IndustryCode(e.industry())));
  }
  const std::pair<absl::string_view, double> measures[] = {
      {"volume_m3", e.volume_m3()},   {"tonnage_t", e.tonnage_t()},
      {"diameter_m", e.diameter_m()}, {"amperage_ka", e.amperage_ka()},
      {"width_m", e.width_m()},       {"speed_m_per_min", e.speed_m_per_min()},
      {"age_years", e.age_years()},   {"liquor_ratio", e.liquor_ratio()},
      {"unit_mw", e.unit_mw()},
  };
  for (const auto& [name, value] : measures) {
    TH_RETURN_IF_ERROR(NonNegative(Field(kPath, name), value));
  }
  TH_RETURN_IF_ERROR(Percentage("equipment.cadmium_pct", e.cadmium_pct()));
  TH_RETURN_IF_ERROR(Percentage("equipment.arsenic_pct", e.arsenic_pct()));
  TH_RETURN_IF_ERROR(CapacityWithUnit("equipment.capacity", e.capacity(), "equipment.capacity_unit",
                                      e.capacity_unit()));
  const v1::CapacityUnit expected_unit = CapacityUnitFor(e.type());
  if (e.capacity() > 0 && expected_unit != v1::CAPACITY_UNIT_UNSPECIFIED &&
      e.capacity_unit() != expected_unit) {
    return Invalid("equipment.capacity_unit",
                   absl::StrCat(v1::CapacityUnit_Name(e.capacity_unit()), " does not fit ",
                                v1::EquipmentType_Name(e.type()), ", expected ",
                                v1::CapacityUnit_Name(expected_unit)));
  }
  // Classifiers are optional (UNSPECIFIED = not recorded, screened as unchecked).
  TH_RETURN_IF_ERROR(OptionalEnum("equipment.kiln_type", e.kiln_type(), &v1::KilnType_IsValid));
  TH_RETURN_IF_ERROR(OptionalEnum("equipment.process", e.process(), &v1::ProcessKind_IsValid));
  TH_RETURN_IF_ERROR(OptionalEnum("equipment.pulp_kind", e.pulp_kind(), &v1::PulpKind_IsValid));
  TH_RETURN_IF_ERROR(
      OptionalEnum("equipment.paper_grade", e.paper_grade(), &v1::PaperGrade_IsValid));
  TH_RETURN_IF_ERROR(
      OptionalEnum("equipment.dyeing_kind", e.dyeing_kind(), &v1::DyeingKind_IsValid));
  TH_RETURN_IF_ERROR(OptionalEnum("equipment.hide_kind", e.hide_kind(), &v1::HideKind_IsValid));
  TH_RETURN_IF_ERROR(
      OptionalEnum("equipment.battery_process", e.battery_process(), &v1::BatteryProcess_IsValid));
  TH_RETURN_IF_ERROR(OptionalEnum("equipment.smelting_process", e.smelting_process(),
                                  &v1::SmeltingProcess_IsValid));
  TH_RETURN_IF_ERROR(OptionalEnum("equipment.press_kind", e.press_kind(), &v1::PressKind_IsValid));
  TH_RETURN_IF_ERROR(OptionalEnum("equipment.standards_compliance", e.standards_compliance(),
                                  &v1::StandardsCompliance_IsValid));
  // A metal-specific process under the other metal matches no rule and would screen as clean.
  if ((IsCopperProcess(e.smelting_process()) && e.industry() != v1::INDUSTRY_COPPER_SMELTING) ||
      (IsLeadProcess(e.smelting_process()) && e.industry() != v1::INDUSTRY_LEAD_SMELTING)) {
    return Invalid("equipment.smelting_process",
                   absl::StrCat(v1::SmeltingProcess_Name(e.smelting_process()),
                                " does not belong to industry ", IndustryCode(e.industry())));
  }
  return absl::OkStatus();
}

absl::Status ValidateListEntry(const v1::ListEntry& e, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(e, "list_entry"));
  if (!e.submission_id().empty()) {
    TH_RETURN_IF_ERROR(ValidateId(e.submission_id(), "list_entry.submission_id"));
  }
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("list_entry.department", Department, e.department()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("list_entry.dimension", Dimension, e.dimension()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("list_entry.kind", ListKind, e.kind()));
  TH_RETURN_IF_ERROR(ValidateId(e.round_id(), "list_entry.round_id"));
  TH_RETURN_IF_ERROR(ValidateCreditCodeField(e.credit_code(), "list_entry.credit_code", regions));
  TH_RETURN_IF_ERROR(RequireText("list_entry.enterprise_name", e.enterprise_name()));
  TH_RETURN_IF_ERROR(CurrentRegion("list_entry.region_code", e.region_code(), regions));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("list_entry.industry", Industry, e.industry()));
  if (!ListKindFitsDimension(e.kind(), e.dimension())) {
    return Invalid("list_entry.kind", absl::StrCat(ListKindCode(e.kind()), " is not a list of the ",
                                                   DimensionCode(e.dimension()), " dimension"));
  }
  if (!DepartmentMayActOn(e.department(), e.dimension())) {
    return Invalid("list_entry.department",
                   absl::StrCat(DepartmentCode(e.department()), " does not lead the ",
                                DimensionCode(e.dimension()), " dimension"));
  }
  TH_RETURN_IF_ERROR(QualityApplies("list_entry.dimension", e.dimension(), e.industry()));
  if (e.has_deadline()) {
    TH_RETURN_IF_ERROR(ValidTimestamp("list_entry.deadline", e.deadline()));
  } else if (e.kind() == v1::LIST_KIND_RECTIFICATION_DEADLINE) {
    return Invalid("list_entry.deadline", "is required on a RECTIFICATION_DEADLINE list");
  }
  TH_RETURN_IF_ERROR(
      TH_REQUIRE_ENUM("list_entry.reported_status", OperatingStatus, e.reported_status()));
  return CapacityWithUnit("list_entry.capacity", e.capacity(), "list_entry.capacity_unit",
                          e.capacity_unit());
}

absl::Status ValidateRound(const v1::SubmissionRound& r) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(r, "round"));
  TH_RETURN_IF_ERROR(ValidateId(r.round_id(), "round.round_id"));
  TH_RETURN_IF_ERROR(RequireText("round.title", r.title()));
  TH_RETURN_IF_ERROR(RequireTimestamp("round.deadline", r.has_deadline(), r.deadline()));
  return RequireEnum<v1::SubmissionRound::Scope>(
      "round.scope", r.scope(), &v1::SubmissionRound::Scope_IsValid,
      &v1::SubmissionRound::Scope_Name<v1::SubmissionRound::Scope>);
}

absl::Status ValidateCase(const v1::EnforcementCase& c, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(c, "enforcement_case"));
  TH_RETURN_IF_ERROR(ValidateId(c.case_id(), "enforcement_case.case_id"));
  TH_RETURN_IF_ERROR(
      ValidateCreditCodeField(c.credit_code(), "enforcement_case.credit_code", regions));
  TH_RETURN_IF_ERROR(CurrentRegion("enforcement_case.region_code", c.region_code(), regions));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("enforcement_case.industry", Industry, c.industry()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("enforcement_case.dimension", Dimension, c.dimension()));
  TH_RETURN_IF_ERROR(QualityApplies("enforcement_case.dimension", c.dimension(), c.industry()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("enforcement_case.state", CaseState, c.state()));
  TH_RETURN_IF_ERROR(RequireTimestamp("enforcement_case.found_at", c.has_found_at(), c.found_at()));
  if (c.has_deadline())
    TH_RETURN_IF_ERROR(ValidTimestamp("enforcement_case.deadline", c.deadline()));
  if (c.extensions() < 0) {
    return Invalid("enforcement_case.extensions",
                   absl::StrCat("must be >= 0, got ", c.extensions()));
  }
  // Energy: "可提出不超过 3 个月的延期申请" — one extension at most.
  if (c.dimension() == v1::DIMENSION_ENERGY && c.extensions() > 1) {
    return Invalid(
        "enforcement_case.extensions",
        absl::StrCat("an ENERGY case allows at most one extension, got ", c.extensions()));
  }
  for (int i = 0; i < c.history_size(); ++i) {
    const std::string path = Index("enforcement_case.history", i);
    const v1::CaseTransition& t = c.history(i);
    TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM(Field(path, "to_state"), CaseState, t.to_state()));
    TH_RETURN_IF_ERROR(
        OptionalEnum(Field(path, "from_state"), t.from_state(), &v1::CaseState_IsValid));
    TH_RETURN_IF_ERROR(RequireText(Field(path, "actor"), t.actor()));
    TH_RETURN_IF_ERROR(RequireTimestamp(Field(path, "at"), t.has_at(), t.at()));
    if (i > 0) {
      const v1::CaseTransition& prev = c.history(i - 1);
      if (t.from_state() != prev.to_state()) {
        return Invalid(Field(path, "from_state"),
                       absl::StrCat(v1::CaseState_Name(t.from_state()),
                                    " does not follow the previous step's ",
                                    v1::CaseState_Name(prev.to_state())));
      }
      if (t.at().seconds() < prev.at().seconds() ||
          (t.at().seconds() == prev.at().seconds() && t.at().nanos() < prev.at().nanos())) {
        return Invalid(Field(path, "at"), "is earlier than the previous step");
      }
    }
  }
  if (c.history_size() > 0 && c.history(c.history_size() - 1).to_state() != c.state()) {
    return Invalid(
        "enforcement_case.state",
        absl::StrCat(v1::CaseState_Name(c.state()),
                     " differs from the last step of "
                     "history (",
                     v1::CaseState_Name(c.history(c.history_size() - 1).to_state()), ")"));
  }
  if (c.has_sealing()) {
    const v1::SealingSteps& s = c.sealing();
    const std::pair<absl::string_view, const google::protobuf::Timestamp*> steps[] = {
        {"water_cut", s.has_water_cut() ? &s.water_cut() : nullptr},
        {"power_cut", s.has_power_cut() ? &s.power_cut() : nullptr},
        {"power_units_removed", s.has_power_units_removed() ? &s.power_units_removed() : nullptr},
        {"equipment_sealed", s.has_equipment_sealed() ? &s.equipment_sealed() : nullptr},
    };
    for (const auto& [name, ts] : steps) {
      if (ts != nullptr) {
        TH_RETURN_IF_ERROR(ValidTimestamp(Field("enforcement_case.sealing", name), *ts));
      }
    }
  }
  if (c.state() == v1::CASE_STATE_ACCEPTED) {
    TH_RETURN_IF_ERROR(RequireText("enforcement_case.accepted_by", c.accepted_by()));
    TH_RETURN_IF_ERROR(
        RequireTimestamp("enforcement_case.accepted_at", c.has_accepted_at(), c.accepted_at()));
  } else if (c.has_accepted_at()) {
    TH_RETURN_IF_ERROR(ValidTimestamp("enforcement_case.accepted_at", c.accepted_at()));
  }
  if (!c.equipment_id().empty()) {
    TH_RETURN_IF_ERROR(ValidateId(c.equipment_id(), "enforcement_case.equipment_id"));
  }
  return CapacityWithUnit("enforcement_case.capacity", c.capacity(),
                          "enforcement_case.capacity_unit", c.capacity_unit());
}

absl::Status ValidateCityTarget(const v1::CityTarget& t, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(t, "city_target"));
  TH_RETURN_IF_ERROR(CurrentRegion("city_target.region_code", t.region_code(), regions));
  const v1::Region* region = regions.Lookup(t.region_code());  // non-null: checked above
  if (region->level() != v1::REGION_LEVEL_CITY) {
    return Invalid("city_target.region_code",
                   absl::StrCat(t.region_code(), " is not a prefecture-level city"));
  }
  // The campaign's plans are annual; anything outside this window is a typo.
  if (t.year() < 2000 || t.year() > 2100) {
    return Invalid("city_target.year", absl::StrCat(t.year(), " is outside 2000..2100"));
  }
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("city_target.industry", Industry, t.industry()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("city_target.dimension", Dimension, t.dimension()));
  TH_RETURN_IF_ERROR(QualityApplies("city_target.dimension", t.dimension(), t.industry()));
  if (t.enterprises_to_exit() < 0) {
    return Invalid("city_target.enterprises_to_exit",
                   absl::StrCat("must be >= 0, got ", t.enterprises_to_exit()));
  }
  TH_RETURN_IF_ERROR(CapacityWithUnit("city_target.capacity_to_exit", t.capacity_to_exit(),
                                      "city_target.capacity_unit", t.capacity_unit()));
  for (int i = 0; i < t.checkpoints_size(); ++i) {
    TH_RETURN_IF_ERROR(ValidTimestamp(Index("city_target.checkpoints", i), t.checkpoints(i)));
  }
  for (int i = 0; i < t.responsible_size(); ++i) {
    const std::string path = Index("city_target.responsible", i);
    TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM(path, Department, t.responsible(i)));
    for (int j = 0; j < i; ++j) {
      if (t.responsible(j) == t.responsible(i)) {
        return Invalid(path, absl::StrCat(DepartmentCode(t.responsible(i)), " is listed twice"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTipOff(const v1::TipOff& t, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(t, "tip_off"));
  TH_RETURN_IF_ERROR(ValidateId(t.tip_off_id(), "tip_off.tip_off_id"));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("tip_off.channel", TipOffChannel, t.channel()));
  TH_RETURN_IF_ERROR(RequireText("tip_off.content", t.content()));
  TH_RETURN_IF_ERROR(CurrentRegion("tip_off.region_code", t.region_code(), regions));
  // The enterprise may not be identified yet ("if known").
  if (!t.credit_code().empty()) {
    TH_RETURN_IF_ERROR(ValidateCreditCodeField(t.credit_code(), "tip_off.credit_code", regions));
  }
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("tip_off.responsible", Department, t.responsible()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("tip_off.outcome", TipOffOutcome, t.outcome()));
  if (!t.case_id().empty()) TH_RETURN_IF_ERROR(ValidateId(t.case_id(), "tip_off.case_id"));
  return RequireTimestamp("tip_off.received_at", t.has_received_at(), t.received_at());
}

absl::Status ValidateRegion(const v1::Region& region) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(region, "region"));
  return CheckRegionShape(region, "region");
}

absl::Status ValidateSubmission(const v1::Submission& s, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(s, "submission"));
  TH_RETURN_IF_ERROR(ValidateId(s.submission_id(), "submission.submission_id"));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("submission.department", Department, s.department()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("submission.kind", ListKind, s.kind()));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("submission.dimension", Dimension, s.dimension()));
  TH_RETURN_IF_ERROR(CurrentRegion("submission.region_code", s.region_code(), regions));
  TH_RETURN_IF_ERROR(ValidateId(s.round_id(), "submission.round_id"));
  if (s.version() == 0) return Invalid("submission.version", "must be >= 1");
  if (!ListKindFitsDimension(s.kind(), s.dimension())) {
    return Invalid("submission.kind", absl::StrCat(ListKindCode(s.kind()), " is not a list of the ",
                                                   DimensionCode(s.dimension()), " dimension"));
  }
  if (!DepartmentMayActOn(s.department(), s.dimension())) {
    return Invalid("submission.department",
                   absl::StrCat(DepartmentCode(s.department()), " does not lead the ",
                                DimensionCode(s.dimension()), " dimension"));
  }
  if (s.withdrawn() && s.entry_count() != 0) {
    return Invalid("submission.entry_count", "a withdrawn submission has no entries");
  }
  if (s.late_seconds() < 0) return Invalid("submission.late_seconds", "must be >= 0");
  TH_RETURN_IF_ERROR(
      RequireTimestamp("submission.submitted_at", s.has_submitted_at(), s.submitted_at()));
  return RequireTimestamp("submission.updated_at", s.has_updated_at(), s.updated_at());
}

absl::Status ValidateSubmissionVersion(const v1::SubmissionVersion& v, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(v, "submission_version"));
  TH_RETURN_IF_ERROR(ValidateId(v.submission_id(), "submission_version.submission_id"));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("submission_version.department", Department, v.department()));
  TH_RETURN_IF_ERROR(CurrentRegion("submission_version.region_code", v.region_code(), regions));
  if (v.version() == 0) return Invalid("submission_version.version", "must be >= 1");
  TH_RETURN_IF_ERROR(RequireEnum<v1::SubmissionVersion::Action>(
      "submission_version.action", v.action(), &v1::SubmissionVersion::Action_IsValid,
      &v1::SubmissionVersion::Action_Name<v1::SubmissionVersion::Action>));
  if ((v.action() == v1::SubmissionVersion::ACTION_CREATE) != (v.version() == 1)) {
    return Invalid("submission_version.action", "CREATE is version 1 and version 1 only");
  }
  return RequireTimestamp("submission_version.at", v.has_at(), v.at());
}

absl::Status ValidateLateWaiver(const v1::LateWaiver& w, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(w, "late_waiver"));
  TH_RETURN_IF_ERROR(ValidateId(w.round_id(), "late_waiver.round_id"));
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("late_waiver.department", Department, w.department()));
  TH_RETURN_IF_ERROR(CurrentRegion("late_waiver.region_code", w.region_code(), regions));
  TH_RETURN_IF_ERROR(RequireText("late_waiver.granted_by", w.granted_by()));
  return RequireTimestamp("late_waiver.granted_at", w.has_granted_at(), w.granted_at());
}

absl::Status ValidateMergedEnterprise(const v1::MergedEnterprise& m, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(m, "merged_enterprise"));
  TH_RETURN_IF_ERROR(
      ValidateCreditCodeField(m.credit_code(), "merged_enterprise.credit_code", regions));
  TH_RETURN_IF_ERROR(CurrentRegion("merged_enterprise.region_code", m.region_code(), regions));
  TH_RETURN_IF_ERROR(
      OptionalEnum("merged_enterprise.industry", m.industry(), &v1::Industry_IsValid));
  for (int i = 0; i < m.contradictions_size(); ++i) {
    TH_RETURN_IF_ERROR(RequireEnum<v1::Contradiction::Kind>(
        Field(Index("merged_enterprise.contradictions", i), "kind"), m.contradictions(i).kind(),
        &v1::Contradiction::Kind_IsValid, &v1::Contradiction::Kind_Name<v1::Contradiction::Kind>));
  }
  return NonNegative("merged_enterprise.capacity_listed", m.capacity_listed());
}

absl::Status ValidateMonth(absl::string_view month, absl::string_view path) {
  int year = 0, mon = 0;
  bool shape = month.size() == 7 && month[4] == '-';
  for (size_t i = 0; shape && i < month.size(); ++i) {
    if (i == 4) continue;
    shape = absl::ascii_isdigit(static_cast<unsigned char>(month[i]));
  }
  if (shape) {
    year =
        (month[0] - '0') * 1000 + (month[1] - '0') * 100 + (month[2] - '0') * 10 + month[3] - '0';
    mon = (month[5] - '0') * 10 + month[6] - '0';
  }
  if (!shape || mon < 1 || mon > 12) {
    return Invalid(path, absl::StrCat("'", ShownText(month), "' is not a month YYYY-MM"));
  }
  if (year < 2000 || year > 2100) {
    return Invalid(path, absl::StrCat(month, " is outside 2000..2100"));
  }
  return absl::OkStatus();
}

absl::Status ValidateElectricityReading(const v1::ElectricityReading& r,
                                        const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(r, "electricity_reading"));
  TH_RETURN_IF_ERROR(
      ValidateCreditCodeField(r.credit_code(), "electricity_reading.credit_code", regions));
  TH_RETURN_IF_ERROR(CurrentRegion("electricity_reading.region_code", r.region_code(), regions));
  TH_RETURN_IF_ERROR(ValidateMonth(r.month(), "electricity_reading.month"));
  TH_RETURN_IF_ERROR(ValidateId(r.account(), "electricity_reading.account"));
  TH_RETURN_IF_ERROR(NonNegative("electricity_reading.kwh", r.kwh()));
  return ValidateId(r.import_id(), "electricity_reading.import_id");
}

absl::Status ValidatePowerAlert(const v1::PowerAlert& a, const RegionTable& regions) {
  TH_RETURN_IF_ERROR(CheckFieldLimits(a, "power_alert"));
  TH_RETURN_IF_ERROR(ValidateCreditCodeField(a.credit_code(), "power_alert.credit_code", regions));
  TH_RETURN_IF_ERROR(CurrentRegion("power_alert.region_code", a.region_code(), regions));
  TH_RETURN_IF_ERROR(ValidateMonth(a.month(), "power_alert.month"));
  TH_RETURN_IF_ERROR(NonNegative("power_alert.kwh", a.kwh()));
  TH_RETURN_IF_ERROR(NonNegative("power_alert.threshold_kwh", a.threshold_kwh()));
  if (!(a.kwh() > a.threshold_kwh())) {
    return Invalid("power_alert.kwh",
                   absl::StrCat(a.kwh(), " is not above the threshold ", a.threshold_kwh()));
  }
  if (a.accounts_size() == 0) return Invalid("power_alert.accounts", "is empty");
  for (int i = 0; i < a.accounts_size(); ++i) {
    TH_RETURN_IF_ERROR(ValidateId(a.accounts(i), Index("power_alert.accounts", i)));
  }
  TH_RETURN_IF_ERROR(TH_REQUIRE_ENUM("power_alert.reason", ShutdownReason, a.reason()));
  TH_RETURN_IF_ERROR(
      OptionalEnum("power_alert.case_state", a.case_state(), &v1::CaseState_IsValid));
  TH_RETURN_IF_ERROR(OptionalEnum("power_alert.enterprise_status", a.enterprise_status(),
                                  &v1::OperatingStatus_IsValid));
  if (a.reason() == v1::SHUTDOWN_REASON_ENTERPRISE_STATUS) {
    if (a.enterprise_status() == v1::OPERATING_STATUS_UNSPECIFIED) {
      return Invalid("power_alert.enterprise_status", "is required for ENTERPRISE_STATUS");
    }
  } else {
    TH_RETURN_IF_ERROR(ValidateId(a.case_id(), "power_alert.case_id"));
    if (a.reason() == v1::SHUTDOWN_REASON_CASE_CLOSED &&
        a.case_state() == v1::CASE_STATE_UNSPECIFIED) {
      return Invalid("power_alert.case_state", "is required for CASE_CLOSED");
    }
  }
  TH_RETURN_IF_ERROR(
      RequireTimestamp("power_alert.shut_since", a.has_shut_since(), a.shut_since()));
  if (!a.import_id().empty()) {
    TH_RETURN_IF_ERROR(ValidateId(a.import_id(), "power_alert.import_id"));
  }
  return RequireTimestamp("power_alert.raised_at", a.has_raised_at(), a.raised_at());
}

absl::Status ValidateRecord(const v1::Record& record, const RegionTable& regions) {
  if (record.kind_case() != v1::Record::KIND_NOT_SET) {
    // What a node derives grows with what it was derived from, and is bounded by that.
    const bool derived = record.kind_case() == v1::Record::kSubmissionVersion ||
                         record.kind_case() == v1::Record::kMergedEnterprise;
    TH_RETURN_IF_ERROR(CheckMessageBytes(
        record, record.GetDescriptor()->FindFieldByNumber(record.kind_case())->name(),
        derived ? limits::kMaxGeneratedRecordBytes : limits::kMaxRecordBytes));
  }
  switch (record.kind_case()) {
    case v1::Record::kRegion:
      return ValidateRegion(record.region());
    case v1::Record::kEnterprise:
      return ValidateEnterprise(record.enterprise(), regions);
    case v1::Record::kEquipment:
      return ValidateEquipment(record.equipment(), regions);
    case v1::Record::kListEntry:
      return ValidateListEntry(record.list_entry(), regions);
    case v1::Record::kRound:
      return ValidateRound(record.round());
    case v1::Record::kEnforcementCase:
      return ValidateCase(record.enforcement_case(), regions);
    case v1::Record::kCityTarget:
      return ValidateCityTarget(record.city_target(), regions);
    case v1::Record::kTipOff:
      return ValidateTipOff(record.tip_off(), regions);
    case v1::Record::kSubmission:
      return ValidateSubmission(record.submission(), regions);
    case v1::Record::kSubmissionVersion:
      return ValidateSubmissionVersion(record.submission_version(), regions);
    case v1::Record::kLateWaiver:
      return ValidateLateWaiver(record.late_waiver(), regions);
    case v1::Record::kMergedEnterprise:
      return ValidateMergedEnterprise(record.merged_enterprise(), regions);
    case v1::Record::kElectricityReading:
      return ValidateElectricityReading(record.electricity_reading(), regions);
    case v1::Record::kPowerAlert:
      return ValidatePowerAlert(record.power_alert(), regions);
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return Invalid("record", "kind is not set");
}

}  // namespace tierhub::domain
