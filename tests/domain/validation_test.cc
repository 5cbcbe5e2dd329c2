#include "services/domain/validation.h"

#include <cmath>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/credit_code.h"

namespace tierhub::domain {
namespace {

using ::testing::HasSubstr;

constexpr char kShundeCode[] = "91440606MA3EDFR842";

// Fails unless `status` is INVALID_ARGUMENT with exactly `message`.
void ExpectInvalid(const absl::Status& status, absl::string_view message) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(std::string(status.message()), std::string(message));
}

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

v1::Enterprise ValidEnterprise() {
  v1::Enterprise e;
  e.set_credit_code(kShundeCode);
  e.set_name("顺德某陶瓷有限公司");
  e.set_region_code("440606");
  e.add_industries(v1::INDUSTRY_CERAMICS);
  e.set_status(v1::OPERATING_STATUS_OPERATING);
  v1::Licence* l = e.add_licences();
  l->set_kind(v1::LICENCE_KIND_PRODUCTION);
  l->set_number("XK-001");
  l->set_status(v1::LICENCE_STATUS_VALID);
  return e;
}

v1::Equipment ValidEquipment() {
  v1::Equipment e;
  e.set_equipment_id("BF-2");
  e.set_credit_code(kShundeCode);
  e.set_region_code("440606");
  e.set_industry(v1::INDUSTRY_STEEL);
  e.set_type(v1::EQUIPMENT_TYPE_BLAST_FURNACE);
  e.set_volume_m3(450);
  return e;
}

v1::ListEntry ValidListEntry() {
  v1::ListEntry e;
  e.set_submission_id("sub-1");
  e.set_department(v1::DEPARTMENT_ECO);
  e.set_dimension(v1::DIMENSION_ENVIRONMENT);
  e.set_kind(v1::LIST_KIND_KEY_SUPERVISION);
  e.set_round_id("2019-Q2-LISTS");
  e.set_credit_code(kShundeCode);
  e.set_enterprise_name("顺德某陶瓷有限公司");
  e.set_region_code("440606");
  e.set_industry(v1::INDUSTRY_CERAMICS);
  e.set_reported_status(v1::OPERATING_STATUS_OPERATING);
  return e;
}

v1::SubmissionRound ValidRound() {
  v1::SubmissionRound r;
  r.set_round_id("2019-Q2-LISTS");
  r.set_title("部门清单 2019-04-15");
  *r.mutable_deadline() = At(1555286400);
  r.set_scope(v1::SubmissionRound::SCOPE_DEPARTMENT_LISTS);
  return r;
}

v1::EnforcementCase ValidCase() {
  v1::EnforcementCase c;
  c.set_case_id("C-2019-0001");
  c.set_credit_code(kShundeCode);
  c.set_region_code("440606");
  c.set_industry(v1::INDUSTRY_CERAMICS);
  c.set_dimension(v1::DIMENSION_ENERGY);
  c.set_state(v1::CASE_STATE_RECTIFYING);
  *c.mutable_found_at() = At(1556668800);
  v1::CaseTransition* t1 = c.add_history();
  t1->set_to_state(v1::CASE_STATE_FOUND);
  t1->set_actor("miit-440606");
  *t1->mutable_at() = At(1556668800);
  v1::CaseTransition* t2 = c.add_history();
  t2->set_from_state(v1::CASE_STATE_FOUND);
  t2->set_to_state(v1::CASE_STATE_RECTIFYING);
  t2->set_actor("miit-440606");
  *t2->mutable_at() = At(1556668900);
  return c;
}

v1::CityTarget ValidTarget() {
  v1::CityTarget t;
  t.set_region_code("440600");
  t.set_year(2019);
  t.set_industry(v1::INDUSTRY_CERAMICS);
  t.set_dimension(v1::DIMENSION_TECHNOLOGY);
  t.set_enterprises_to_exit(3);
  t.set_capacity_to_exit(1.5e6);
  t.set_capacity_unit(v1::CAPACITY_UNIT_SQUARE_METRES_PER_YEAR);
  t.add_responsible(v1::DEPARTMENT_MIIT);
  *t.add_checkpoints() = At(1561852800);
  return t;
}

v1::TipOff ValidTipOff() {
  v1::TipOff t;
  t.set_tip_off_id("T-12345-0007");
  t.set_channel(v1::TIP_OFF_CHANNEL_12345);
  t.set_content("夜间生产地条钢");
  t.set_region_code("440606");
  t.set_responsible(v1::DEPARTMENT_MIIT);
  t.set_outcome(v1::TIP_OFF_OUTCOME_PENDING);
  *t.mutable_received_at() = At(1556668800);
  return t;
}

v1::Region ValidRegion() {
  v1::Region r;
  r.set_code("440606");
  r.set_name_zh("顺德区");
  r.set_level(v1::REGION_LEVEL_COUNTY);
  r.set_parent_code("440600");
  return r;
}

TEST(ValidationTest, AcceptsValidRecordsOfEveryKind) {
  EXPECT_TRUE(ValidateEnterprise(ValidEnterprise()).ok()) << ValidateEnterprise(ValidEnterprise());
  EXPECT_TRUE(ValidateEquipment(ValidEquipment()).ok()) << ValidateEquipment(ValidEquipment());
  EXPECT_TRUE(ValidateListEntry(ValidListEntry()).ok()) << ValidateListEntry(ValidListEntry());
  EXPECT_TRUE(ValidateRound(ValidRound()).ok()) << ValidateRound(ValidRound());
  EXPECT_TRUE(ValidateCase(ValidCase()).ok()) << ValidateCase(ValidCase());
  EXPECT_TRUE(ValidateCityTarget(ValidTarget()).ok()) << ValidateCityTarget(ValidTarget());
  EXPECT_TRUE(ValidateTipOff(ValidTipOff()).ok()) << ValidateTipOff(ValidTipOff());
  EXPECT_TRUE(ValidateRegion(ValidRegion()).ok()) << ValidateRegion(ValidRegion());
}

TEST(ValidationTest, RecordDispatchesOnItsKind) {
  v1::Record record;
  ExpectInvalid(ValidateRecord(record), "record: kind is not set");
  *record.mutable_enterprise() = ValidEnterprise();
  EXPECT_TRUE(ValidateRecord(record).ok());
  record.mutable_enterprise()->set_name("");
  ExpectInvalid(ValidateRecord(record), "enterprise.name: is empty");
  v1::Equipment bad = ValidEquipment();
  bad.set_volume_m3(-1);
  *record.mutable_equipment() = bad;
  ExpectInvalid(ValidateRecord(record),
                "equipment.volume_m3: must be a finite number >= 0, got -1");
  *record.mutable_tip_off() = ValidTipOff();
  EXPECT_TRUE(ValidateRecord(record).ok());
  *record.mutable_region() = ValidRegion();
  record.mutable_region()->set_code("4406");
  ExpectInvalid(ValidateRecord(record), "region.code: '4406' is not 6 digits");
}

// ---- Enterprise -----------------------------------------------------------------------------

TEST(EnterpriseValidationTest, RefusesABadCheckCharacter) {
  v1::Enterprise e = ValidEnterprise();
  e.set_credit_code("91440606MA3EDFR843");
  ExpectInvalid(ValidateEnterprise(e), "enterprise.credit_code: check character is 3, expected 2");
}

TEST(EnterpriseValidationTest, RefusesAMissingCreditCode) {
  v1::Enterprise e = ValidEnterprise();
  e.clear_credit_code();
  ExpectInvalid(ValidateEnterprise(e), "enterprise.credit_code: is required");
}

TEST(EnterpriseValidationTest, RefusesANonCanonicalCreditCode) {
  v1::Enterprise e = ValidEnterprise();
  e.set_credit_code("91440606ma3edfr842");
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.credit_code: must be written in canonical form 91440606MA3EDFR842");
}

TEST(EnterpriseValidationTest, AcceptsACreditCodeWithARetiredRegionSegment) {
  v1::Enterprise e = ValidEnterprise();
  e.set_credit_code(MakeCreditCode('9', '1', "441283", "MA4UK0B0").value());  // 高要市, gone 2015
  e.set_region_code("441204");
  EXPECT_TRUE(ValidateEnterprise(e).ok()) << ValidateEnterprise(e);
}

TEST(EnterpriseValidationTest, AcceptsACreditCodeRegisteredInAnotherProvince) {
  v1::Enterprise e = ValidEnterprise();
  e.set_credit_code(MakeCreditCode('9', '1', "110108", "MA4UK0B0").value());  // Beijing
  EXPECT_TRUE(ValidateEnterprise(e).ok()) << ValidateEnterprise(e);
}

TEST(EnterpriseValidationTest, RefusesACreditCodeWithAnUnknownGuangdongRegionSegment) {
  v1::Enterprise e = ValidEnterprise();
  e.set_credit_code(MakeCreditCode('9', '1', "449999", "MA4UK0B0").value());
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.credit_code: region segment 449999 is neither a current nor a "
                "retired region code");
}

TEST(EnterpriseValidationTest, RefusesARetiredRegionCodeForThePlant) {
  v1::Enterprise e = ValidEnterprise();
  e.set_region_code("441283");
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.region_code: 441283 is a retired region code; use the current one");
}

TEST(EnterpriseValidationTest, RefusesAnUnknownRegionCode) {
  v1::Enterprise e = ValidEnterprise();
  e.set_region_code("449999");
  ExpectInvalid(ValidateEnterprise(e), "enterprise.region_code: 449999 is not a known region code");
}

TEST(EnterpriseValidationTest, RefusesAMalformedRegionCode) {
  v1::Enterprise e = ValidEnterprise();
  e.set_region_code("顺德");
  EXPECT_THAT(std::string(ValidateEnterprise(e).message()), HasSubstr("enterprise.region_code: '"));
  e.set_region_code("000000");
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.region_code: 000000 is the national root, not a place");
}

TEST(EnterpriseValidationTest, RefusesNoIndustries) {
  v1::Enterprise e = ValidEnterprise();
  e.clear_industries();
  ExpectInvalid(ValidateEnterprise(e), "enterprise.industries: at least one is required");
}

TEST(EnterpriseValidationTest, RefusesAnUnspecifiedIndustry) {
  v1::Enterprise e = ValidEnterprise();
  e.add_industries(v1::INDUSTRY_UNSPECIFIED);
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.industries[1]: INDUSTRY_UNSPECIFIED is not allowed");
}

TEST(EnterpriseValidationTest, RefusesAnEnumValueThisBuildDoesNotKnow) {
  v1::Enterprise e = ValidEnterprise();
  e.add_industries(static_cast<v1::Industry>(99));
  ExpectInvalid(ValidateEnterprise(e), "enterprise.industries[1]: 99 is not a known value");
}

TEST(EnterpriseValidationTest, RefusesARepeatedIndustry) {
  v1::Enterprise e = ValidEnterprise();
  e.add_industries(v1::INDUSTRY_CERAMICS);
  ExpectInvalid(ValidateEnterprise(e), "enterprise.industries[1]: CERAMICS is listed twice");
}

TEST(EnterpriseValidationTest, RefusesAnUnspecifiedStatus) {
  v1::Enterprise e = ValidEnterprise();
  e.clear_status();
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.status: OPERATING_STATUS_UNSPECIFIED is not allowed");
}

TEST(EnterpriseValidationTest, RefusesIncompleteLicences) {
  v1::Enterprise e = ValidEnterprise();
  e.mutable_licences(0)->clear_kind();
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.licences[0].kind: LICENCE_KIND_UNSPECIFIED is not allowed");
  e = ValidEnterprise();
  e.mutable_licences(0)->set_number(" ");
  ExpectInvalid(ValidateEnterprise(e), "enterprise.licences[0].number: is empty");
  e = ValidEnterprise();
  e.mutable_licences(0)->clear_status();
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.licences[0].status: LICENCE_STATUS_UNSPECIFIED is not allowed");
  e = ValidEnterprise();
  e.mutable_licences(0)->mutable_valid_until()->set_nanos(-1);
  ExpectInvalid(ValidateEnterprise(e),
                "enterprise.licences[0].valid_until: is not a valid timestamp");
}

// ---- Equipment ------------------------------------------------------------------------------

TEST(EquipmentValidationTest, RefusesAnIdThatCouldBreakTheKey) {
  v1::Equipment e = ValidEquipment();
  e.set_equipment_id("BF/2");
  ExpectInvalid(
      ValidateEquipment(e),
      "equipment.equipment_id: 'BF/2' is not an id (1 to 128 of A-Z a-z 0-9 . _ - : + @)");
  e.set_equipment_id("");
  EXPECT_FALSE(ValidateEquipment(e).ok());
  e.set_equipment_id(std::string(129, 'a'));
  EXPECT_FALSE(ValidateEquipment(e).ok());
}

TEST(EquipmentValidationTest, RefusesAnUnspecifiedIndustryOrType) {
  v1::Equipment e = ValidEquipment();
  e.clear_industry();
  ExpectInvalid(ValidateEquipment(e), "equipment.industry: INDUSTRY_UNSPECIFIED is not allowed");
  e = ValidEquipment();
  e.clear_type();
  ExpectInvalid(ValidateEquipment(e), "equipment.type: EQUIPMENT_TYPE_UNSPECIFIED is not allowed");
}

TEST(EquipmentValidationTest, RefusesATypeOutsideItsIndustry) {
  v1::Equipment e = ValidEquipment();
  e.set_industry(v1::INDUSTRY_CEMENT);
  ExpectInvalid(ValidateEquipment(e),
                "equipment.type: EQUIPMENT_TYPE_BLAST_FURNACE does not belong to industry CEMENT");
}

TEST(EquipmentValidationTest, RefusesNegativeAndNonFiniteMeasures) {
  v1::Equipment e = ValidEquipment();
  e.set_tonnage_t(std::numeric_limits<double>::quiet_NaN());
  ExpectInvalid(ValidateEquipment(e), "equipment.tonnage_t: must be a finite number >= 0, got nan");
  e = ValidEquipment();
  e.set_speed_m_per_min(std::numeric_limits<double>::infinity());
  ExpectInvalid(ValidateEquipment(e),
                "equipment.speed_m_per_min: must be a finite number >= 0, got inf");
  e = ValidEquipment();
  e.set_capacity(-5);
  ExpectInvalid(ValidateEquipment(e), "equipment.capacity: must be a finite number >= 0, got -5");
}

TEST(EquipmentValidationTest, RefusesPercentagesAbove100) {
  v1::Equipment e = ValidEquipment();
  e.set_cadmium_pct(101);
  ExpectInvalid(ValidateEquipment(e), "equipment.cadmium_pct: is a percentage, got 101");
}

TEST(EquipmentValidationTest, RefusesACapacityWithoutItsUnit) {
  v1::Equipment e = ValidEquipment();
  e.set_capacity(1000);
  ExpectInvalid(ValidateEquipment(e),
                "equipment.capacity_unit: is required when a capacity is given");
}

TEST(EquipmentValidationTest, RefusesACapacityInTheWrongUnitForTheType) {
  v1::Equipment e = ValidEquipment();
  e.set_industry(v1::INDUSTRY_PAPER);
  e.set_type(v1::EQUIPMENT_TYPE_PULP_LINE);
  e.set_capacity(20000);
  e.set_capacity_unit(v1::CAPACITY_UNIT_PIECES_PER_YEAR);
  ExpectInvalid(ValidateEquipment(e),
                "equipment.capacity_unit: CAPACITY_UNIT_PIECES_PER_YEAR does not fit "
                "EQUIPMENT_TYPE_PULP_LINE, expected CAPACITY_UNIT_TONNES_PER_YEAR");
}

TEST(EquipmentValidationTest, RefusesASmeltingProcessOfTheOtherMetal) {
  v1::Equipment e = ValidEquipment();
  e.set_industry(v1::INDUSTRY_LEAD_SMELTING);
  e.set_type(v1::EQUIPMENT_TYPE_SMELTER);
  e.set_smelting_process(v1::SMELTING_PROCESS_COPPER_REVERBERATORY);
  ExpectInvalid(ValidateEquipment(e),
                "equipment.smelting_process: SMELTING_PROCESS_COPPER_REVERBERATORY does not "
                "belong to industry LEAD_SMELTING");
}

TEST(EquipmentValidationTest, RefusesAnUnknownClassifierButAcceptsAnUnrecordedOne) {
  v1::Equipment e = ValidEquipment();
  e.set_kiln_type(v1::KILN_TYPE_UNSPECIFIED);
  EXPECT_TRUE(ValidateEquipment(e).ok());
  e.set_kiln_type(static_cast<v1::KilnType>(77));
  ExpectInvalid(ValidateEquipment(e), "equipment.kiln_type: 77 is not a known value");
}

TEST(EquipmentValidationTest, RefusesABadCreditCodeOrRegion) {
  v1::Equipment e = ValidEquipment();
  e.set_credit_code("91440606MA3EDFR84");
  ExpectInvalid(ValidateEquipment(e), "equipment.credit_code: length is 17, expected 18");
  e = ValidEquipment();
  e.set_region_code("440116");
  ExpectInvalid(ValidateEquipment(e),
                "equipment.region_code: 440116 is a retired region code; use the current one");
}

// ---- List entries ---------------------------------------------------------------------------

TEST(ListEntryValidationTest, RefusesUnspecifiedDepartmentDimensionOrKind) {
  v1::ListEntry e = ValidListEntry();
  e.clear_department();
  ExpectInvalid(ValidateListEntry(e),
                "list_entry.department: DEPARTMENT_UNSPECIFIED is not allowed");
  e = ValidListEntry();
  e.clear_dimension();
  ExpectInvalid(ValidateListEntry(e), "list_entry.dimension: DIMENSION_UNSPECIFIED is not allowed");
  e = ValidListEntry();
  e.clear_kind();
  ExpectInvalid(ValidateListEntry(e), "list_entry.kind: LIST_KIND_UNSPECIFIED is not allowed");
}

TEST(ListEntryValidationTest, RefusesAListKindOfAnotherDimension) {
  v1::ListEntry e = ValidListEntry();
  e.set_kind(v1::LIST_KIND_ENERGY_INSPECTION);
  ExpectInvalid(ValidateListEntry(e),
                "list_entry.kind: ENERGY_INSPECTION is not a list of the ENVIRONMENT dimension");
}

TEST(ListEntryValidationTest, RefusesADepartmentActingOutsideItsDimension) {
  v1::ListEntry e = ValidListEntry();
  e.set_department(v1::DEPARTMENT_SAMR);
  ExpectInvalid(ValidateListEntry(e),
                "list_entry.department: SAMR does not lead the ENVIRONMENT dimension");
  e.set_department(v1::DEPARTMENT_MIIT);  // the lead may act on every dimension
  EXPECT_TRUE(ValidateListEntry(e).ok());
}

TEST(ListEntryValidationTest, RefusesTheQualityDimensionForCopperLeadAndPower) {
  v1::ListEntry e = ValidListEntry();
  e.set_department(v1::DEPARTMENT_SAMR);
  e.set_dimension(v1::DIMENSION_QUALITY);
  e.set_industry(v1::INDUSTRY_COPPER_SMELTING);
  ExpectInvalid(ValidateListEntry(e),
                "list_entry.dimension: QUALITY does not apply to COPPER_SMELTING (outside the "
                "Product Quality Law, Table 3)");
  e.set_industry(v1::INDUSTRY_CERAMICS);
  EXPECT_TRUE(ValidateListEntry(e).ok());
}

TEST(ListEntryValidationTest, RefusesARectificationEntryWithoutADeadline) {
  v1::ListEntry e = ValidListEntry();
  e.set_department(v1::DEPARTMENT_SAMR);
  e.set_dimension(v1::DIMENSION_QUALITY);
  e.set_kind(v1::LIST_KIND_RECTIFICATION_DEADLINE);
  ExpectInvalid(ValidateListEntry(e),
                "list_entry.deadline: is required on a RECTIFICATION_DEADLINE list");
  *e.mutable_deadline() = At(1572537600);
  EXPECT_TRUE(ValidateListEntry(e).ok());
}

TEST(ListEntryValidationTest, RefusesMissingRoundNameIndustryOrStatus) {
  v1::ListEntry e = ValidListEntry();
  e.clear_round_id();
  ExpectInvalid(ValidateListEntry(e),
                "list_entry.round_id: '' is not an id (1 to 128 of A-Z a-z 0-9 . _ - : + @)");
  e = ValidListEntry();
  e.clear_enterprise_name();
  ExpectInvalid(ValidateListEntry(e), "list_entry.enterprise_name: is empty");
  e = ValidListEntry();
  e.clear_industry();
  ExpectInvalid(ValidateListEntry(e), "list_entry.industry: INDUSTRY_UNSPECIFIED is not allowed");
  e = ValidListEntry();
  e.clear_reported_status();
  ExpectInvalid(ValidateListEntry(e),
                "list_entry.reported_status: OPERATING_STATUS_UNSPECIFIED is not allowed");
}

TEST(ListEntryValidationTest, RefusesABadSubmissionIdButAllowsNone) {
  v1::ListEntry e = ValidListEntry();
  e.clear_submission_id();
  EXPECT_TRUE(ValidateListEntry(e).ok());
  e.set_submission_id("a b");
  EXPECT_THAT(std::string(ValidateListEntry(e).message()),
              HasSubstr("list_entry.submission_id: 'a b' is not an id"));
}

TEST(ListEntryValidationTest, RefusesACapacityWithoutUnit) {
  v1::ListEntry e = ValidListEntry();
  e.set_capacity(2e6);
  ExpectInvalid(ValidateListEntry(e),
                "list_entry.capacity_unit: is required when a capacity is given");
}

// ---- Rounds ---------------------------------------------------------------------------------

TEST(RoundValidationTest, RefusesMissingFields) {
  v1::SubmissionRound r = ValidRound();
  r.set_round_id("2019 Q2");
  EXPECT_THAT(std::string(ValidateRound(r).message()), HasSubstr("round.round_id: '2019 Q2'"));
  r = ValidRound();
  r.clear_title();
  ExpectInvalid(ValidateRound(r), "round.title: is empty");
  r = ValidRound();
  r.clear_deadline();
  ExpectInvalid(ValidateRound(r), "round.deadline: is required");
  r = ValidRound();
  r.clear_scope();
  ExpectInvalid(ValidateRound(r), "round.scope: SCOPE_UNSPECIFIED is not allowed");
}

// ---- Cases ----------------------------------------------------------------------------------

TEST(CaseValidationTest, RefusesMoreThanOneEnergyExtension) {
  v1::EnforcementCase c = ValidCase();
  c.set_extensions(2);
  ExpectInvalid(ValidateCase(c),
                "enforcement_case.extensions: an ENERGY case allows at most one extension, got 2");
  c.set_extensions(-1);
  ExpectInvalid(ValidateCase(c), "enforcement_case.extensions: must be >= 0, got -1");
}

TEST(CaseValidationTest, RefusesAHistoryThatDoesNotChain) {
  v1::EnforcementCase c = ValidCase();
  c.mutable_history(1)->set_from_state(v1::CASE_STATE_SUSPENDED);
  ExpectInvalid(ValidateCase(c),
                "enforcement_case.history[1].from_state: CASE_STATE_SUSPENDED does not follow "
                "the previous step's CASE_STATE_FOUND");
}

TEST(CaseValidationTest, RefusesAHistoryGoingBackInTime) {
  v1::EnforcementCase c = ValidCase();
  *c.mutable_history(1)->mutable_at() = At(1556668700);
  ExpectInvalid(ValidateCase(c),
                "enforcement_case.history[1].at: is earlier than the previous step");
}

TEST(CaseValidationTest, RefusesAStateThatDiffersFromTheLastStep) {
  v1::EnforcementCase c = ValidCase();
  c.set_state(v1::CASE_STATE_EXTENDED);
  ExpectInvalid(ValidateCase(c),
                "enforcement_case.state: CASE_STATE_EXTENDED differs from the last step of "
                "history (CASE_STATE_RECTIFYING)");
}

TEST(CaseValidationTest, RefusesIncompleteTransitions) {
  v1::EnforcementCase c = ValidCase();
  c.mutable_history(0)->clear_actor();
  ExpectInvalid(ValidateCase(c), "enforcement_case.history[0].actor: is empty");
  c = ValidCase();
  c.mutable_history(0)->clear_at();
  ExpectInvalid(ValidateCase(c), "enforcement_case.history[0].at: is required");
  c = ValidCase();
  c.mutable_history(0)->clear_to_state();
  ExpectInvalid(ValidateCase(c),
                "enforcement_case.history[0].to_state: CASE_STATE_UNSPECIFIED is not allowed");
}

TEST(CaseValidationTest, RefusesAcceptanceWithoutInspector) {
  v1::EnforcementCase c = ValidCase();
  c.set_dimension(v1::DIMENSION_TECHNOLOGY);
  c.clear_history();
  c.set_state(v1::CASE_STATE_ACCEPTED);
  ExpectInvalid(ValidateCase(c), "enforcement_case.accepted_by: is empty");
  c.set_accepted_by("miit-440600");
  ExpectInvalid(ValidateCase(c), "enforcement_case.accepted_at: is required");
  *c.mutable_accepted_at() = At(1570000000);
  EXPECT_TRUE(ValidateCase(c).ok()) << ValidateCase(c);
}

TEST(CaseValidationTest, RefusesMissingFoundAtAndQualityForPower) {
  v1::EnforcementCase c = ValidCase();
  c.clear_found_at();
  ExpectInvalid(ValidateCase(c), "enforcement_case.found_at: is required");
  c = ValidCase();
  c.set_industry(v1::INDUSTRY_SMALL_COAL_POWER);
  c.set_dimension(v1::DIMENSION_QUALITY);
  EXPECT_THAT(std::string(ValidateCase(c).message()),
              HasSubstr("enforcement_case.dimension: QUALITY does not apply to SMALL_COAL_POWER"));
}

TEST(CaseValidationTest, RefusesABadSealingTimestampOrEquipmentId) {
  v1::EnforcementCase c = ValidCase();
  c.mutable_sealing()->mutable_power_cut()->set_seconds(std::numeric_limits<int64_t>::max());
  ExpectInvalid(ValidateCase(c), "enforcement_case.sealing.power_cut: is not a valid timestamp");
  c = ValidCase();
  c.set_equipment_id("BF 2");
  EXPECT_THAT(std::string(ValidateCase(c).message()),
              HasSubstr("enforcement_case.equipment_id: 'BF 2' is not an id"));
}

// ---- City targets ---------------------------------------------------------------------------

TEST(CityTargetValidationTest, RefusesARegionThatIsNotACity) {
  v1::CityTarget t = ValidTarget();
  t.set_region_code("440606");
  ExpectInvalid(ValidateCityTarget(t),
                "city_target.region_code: 440606 is not a prefecture-level city");
  t.set_region_code("440000");
  EXPECT_FALSE(ValidateCityTarget(t).ok());
}

TEST(CityTargetValidationTest, RefusesAnImplausibleYear) {
  v1::CityTarget t = ValidTarget();
  t.set_year(19);
  ExpectInvalid(ValidateCityTarget(t), "city_target.year: 19 is outside 2000..2100");
}

TEST(CityTargetValidationTest, RefusesNegativeTargetsAndMissingUnits) {
  v1::CityTarget t = ValidTarget();
  t.set_enterprises_to_exit(-1);
  ExpectInvalid(ValidateCityTarget(t), "city_target.enterprises_to_exit: must be >= 0, got -1");
  t = ValidTarget();
  t.clear_capacity_unit();
  ExpectInvalid(ValidateCityTarget(t),
                "city_target.capacity_unit: is required when a capacity is given");
}

TEST(CityTargetValidationTest, RefusesUnspecifiedOrRepeatedResponsibleDepartments) {
  v1::CityTarget t = ValidTarget();
  t.add_responsible(v1::DEPARTMENT_UNSPECIFIED);
  ExpectInvalid(ValidateCityTarget(t),
                "city_target.responsible[1]: DEPARTMENT_UNSPECIFIED is not allowed");
  t = ValidTarget();
  t.add_responsible(v1::DEPARTMENT_MIIT);
  ExpectInvalid(ValidateCityTarget(t), "city_target.responsible[1]: MIIT is listed twice");
}

TEST(CityTargetValidationTest, RefusesQualityTargetsForLeadSmelting) {
  v1::CityTarget t = ValidTarget();
  t.set_industry(v1::INDUSTRY_LEAD_SMELTING);
  t.set_dimension(v1::DIMENSION_QUALITY);
  EXPECT_THAT(std::string(ValidateCityTarget(t).message()),
              HasSubstr("city_target.dimension: QUALITY does not apply to LEAD_SMELTING"));
}

// ---- Tip-offs -------------------------------------------------------------------------------

TEST(TipOffValidationTest, AcceptsAnUnknownEnterpriseButRefusesABadCreditCode) {
  v1::TipOff t = ValidTipOff();
  EXPECT_TRUE(ValidateTipOff(t).ok());
  t.set_credit_code("914403001922038217");
  ExpectInvalid(ValidateTipOff(t), "tip_off.credit_code: check character is 7, expected 6");
}

TEST(TipOffValidationTest, RefusesMissingFields) {
  v1::TipOff t = ValidTipOff();
  t.clear_channel();
  ExpectInvalid(ValidateTipOff(t), "tip_off.channel: TIP_OFF_CHANNEL_UNSPECIFIED is not allowed");
  t = ValidTipOff();
  t.clear_content();
  ExpectInvalid(ValidateTipOff(t), "tip_off.content: is empty");
  t = ValidTipOff();
  t.clear_responsible();
  ExpectInvalid(ValidateTipOff(t), "tip_off.responsible: DEPARTMENT_UNSPECIFIED is not allowed");
  t = ValidTipOff();
  t.clear_outcome();
  ExpectInvalid(ValidateTipOff(t), "tip_off.outcome: TIP_OFF_OUTCOME_UNSPECIFIED is not allowed");
  t = ValidTipOff();
  t.clear_received_at();
  ExpectInvalid(ValidateTipOff(t), "tip_off.received_at: is required");
}

// ---- Regions --------------------------------------------------------------------------------

TEST(RegionValidationTest, RefusesALevelThatDoesNotFitTheCode) {
  v1::Region r = ValidRegion();
  r.set_level(v1::REGION_LEVEL_CITY);
  ExpectInvalid(ValidateRegion(r),
                "region.level: REGION_LEVEL_CITY does not fit code 440606 (its shape says "
                "REGION_LEVEL_COUNTY)");
}

TEST(RegionValidationTest, RefusesAnUnspecifiedLevelOrMissingName) {
  v1::Region r = ValidRegion();
  r.clear_level();
  ExpectInvalid(ValidateRegion(r), "region.level: REGION_LEVEL_UNSPECIFIED is not allowed");
  r = ValidRegion();
  r.clear_name_zh();
  ExpectInvalid(ValidateRegion(r), "region.name_zh: is empty");
}

TEST(RegionValidationTest, RefusesAParentThatIsNotAnAncestor) {
  v1::Region r = ValidRegion();
  r.set_parent_code("440700");
  ExpectInvalid(ValidateRegion(r),
                "region.parent_code: 440700 is not a higher-level ancestor of 440606");
  r.set_parent_code("");
  ExpectInvalid(ValidateRegion(r), "region.parent_code: '' is not 6 digits");
}

TEST(RegionValidationTest, AcceptsANewRegionNotYetInTheTable) {
  v1::Region r = ValidRegion();
  r.set_code("440699");
  EXPECT_TRUE(ValidateRegion(r).ok());
}

}  // namespace
}  // namespace tierhub::domain
