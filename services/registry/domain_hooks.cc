#include "services/registry/domain_hooks.h"

#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/time_proto.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/region_table.h"
#include "services/domain/validation.h"

namespace tierhub::registry {

absl::Status DomainHooks::Validate(const v1::Change& change) const {
  if (change.has_tombstone()) {
    const std::string& region = change.tombstone().region_code();
    if (!region.empty() && domain::DefaultRegions().Lookup(region) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("tombstone.region_code: '", region, "' is not a known region"));
    }
    return absl::OkStatus();
  }
  if (!change.has_record()) {
    return absl::InvalidArgumentError("change: holds neither a record nor a tombstone");
  }
  absl::Status valid = domain::ValidateRecord(change.record());
  if (!valid.ok()) return valid;
  const std::string expected = domain::RecordKey(change.record());
  if (change.key() != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key: '", change.key(), "' does not match the record (expected '", expected, "')"));
  }
  return absl::OkStatus();
}

bool CaseIsOpen(const v1::EnforcementCase& c) {
  return c.state() != v1::CASE_STATE_UNSPECIFIED && !domain::IsTerminal(c.dimension(), c.state());
}

namespace {

// The day (China Standard Time) of a deadline, YYYYMMDD.
std::string DeadlineDay(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y%m%d", absl::FromUnixSeconds(t.seconds()),
                          absl::FixedTimeZone(8 * 3600));
}

// The action plans' view of time: the year and day (China Standard Time) of an instant.
std::string PlanYear(absl::Time t) { return absl::FormatTime("%Y", t, domain::ChinaTimeZone()); }
std::string PlanDay(absl::Time t) {  // MMDD
  return absl::FormatTime("%m%d", t, domain::ChinaTimeZone());
}

// "<YYYY>/<region>/<INDUSTRY>/<DIMENSION_X>/" of a case's event at `t`.
std::string PlanBase(const v1::EnforcementCase& c, absl::Time t) {
  return absl::StrCat(PlanYear(t), "/", c.region_code(), "/", domain::IndustryCode(c.industry()),
                      "/", v1::Dimension_Name(c.dimension()), "/");
}

// Progress against the action plans (kPlan*Counter in domain_hooks.h).
void PlanCaseCounters(const v1::EnforcementCase& c, std::vector<store::CounterDelta>* out) {
  if (c.has_found_at()) {
    const absl::Time found = FromProto(c.found_at());
    out->push_back({absl::StrCat(kPlanFoundCounter, PlanBase(c, found), PlanDay(found)), 1});
  }
  const std::optional<domain::CaseClosure> closure = domain::ClosureOf(c);
  if (!closure.has_value()) return;
  const std::string base = PlanBase(c, closure->at);
  const std::string day = PlanDay(closure->at);
  if (!closure->exited) {
    out->push_back({absl::StrCat(kPlanResolvedCounter, base, day), 1});
    return;
  }
  out->push_back({absl::StrCat(kPlanExitCounter, base, day), 1});
  if (c.capacity_unit() != v1::CAPACITY_UNIT_UNSPECIFIED && c.capacity() > 0) {
    out->push_back({absl::StrCat(kPlanCapacityCounter, base,
                                 v1::CapacityUnit_Name(c.capacity_unit()), "/", day),
                    std::llround(c.capacity() * kCapacityScale)});
  }
}

void PlanTargetCounters(const v1::CityTarget& t, std::vector<store::CounterDelta>* out) {
  const std::string base =
      absl::StrCat(kPlanTargetCounter, t.year(), "/", t.region_code(), "/",
                   domain::IndustryCode(t.industry()), "/", v1::Dimension_Name(t.dimension()), "/");
  out->push_back({absl::StrCat(base, "FILED"), 1});
  if (t.enterprises_to_exit() > 0) {
    out->push_back({absl::StrCat(base, "ENTERPRISES"), t.enterprises_to_exit()});
  }
  if (t.capacity_unit() != v1::CAPACITY_UNIT_UNSPECIFIED && t.capacity_to_exit() > 0) {
    out->push_back({absl::StrCat(base, "CAPACITY/", v1::CapacityUnit_Name(t.capacity_unit())),
                    std::llround(t.capacity_to_exit() * kCapacityScale)});
  }
  for (const auto& checkpoint : t.checkpoints()) {
    out->push_back(
        {absl::StrCat(base, "CHECKPOINT/",
                      absl::FormatTime("%Y%m%d", FromProto(checkpoint), domain::ChinaTimeZone())),
         1});
  }
}

}  // namespace

void DomainHooks::IndexKeys(std::string_view key, const v1::Record& record,
                            std::vector<std::string>* out) const {
  const std::string region = domain::RecordRegion(record);
  if (!region.empty()) out->push_back(absl::StrCat(kRegionIndex, region));
  std::string credit_code;
  switch (record.kind_case()) {
    case v1::Record::kEnterprise:
      credit_code = record.enterprise().credit_code();
      break;
    case v1::Record::kEquipment:
      credit_code = record.equipment().credit_code();
      break;
    case v1::Record::kListEntry: {
      const v1::ListEntry& e = record.list_entry();
      credit_code = e.credit_code();
      if (!e.submission_id().empty()) {
        out->push_back(absl::StrCat(kSubmissionIndex, domain::DepartmentCode(e.department()), "/",
                                    e.submission_id(), "/"));
      }
      break;
    }
    case v1::Record::kEnforcementCase: {
      const v1::EnforcementCase& c = record.enforcement_case();
      credit_code = c.credit_code();
      if (CaseIsOpen(c) && c.has_deadline()) {
        out->push_back(
            absl::StrCat(kOpenDeadlineIndex, c.region_code(), "/", DeadlineDay(c.deadline())));
      }
      const std::optional<domain::CaseClosure> closure = domain::ClosureOf(c);
      if (closure.has_value() && closure->exited) {
        out->push_back(
            absl::StrCat(kPlanExitIndex, PlanYear(closure->at), "/", c.region_code(), "/"));
      }
      break;
    }
    case v1::Record::kSubmission: {
      const v1::Submission& s = record.submission();
      out->push_back(absl::StrCat(kRoundSubmissionIndex, s.round_id(), "/", s.region_code(), "/",
                                  domain::DepartmentCode(s.department()), "/"));
      break;
    }
    case v1::Record::kMergedEnterprise: {
      const v1::MergedEnterprise& m = record.merged_enterprise();
      credit_code = m.credit_code();
      if (m.contradictions_size() > 0) {
        out->push_back(absl::StrCat(kContradictionIndex, m.region_code(), "/"));
      }
      break;
    }
    case v1::Record::kPowerAlert: {
      const v1::PowerAlert& a = record.power_alert();
      out->push_back(absl::StrCat(kPowerAlertIndex, a.region_code(), "/", a.month()));
      break;
    }
    default:
      break;
  }
  if (credit_code.empty()) return;
  std::string enterprise_index = absl::StrCat(kEnterpriseIndex, credit_code);
  // The enterprise record's key is its index key: an entry would only repeat it (and cost a
  // random-key insert on every tier for every enterprise written).
  if (enterprise_index != key) out->push_back(std::move(enterprise_index));
}

void DomainHooks::Counters(std::string_view key, const v1::Record& record,
                           std::vector<store::CounterDelta>* out) const {
  switch (record.kind_case()) {
    case v1::Record::kEnterprise: {
      const v1::Enterprise& e = record.enterprise();
      for (int industry : e.industries()) {
        out->push_back({absl::StrCat(kEnterpriseCounter, e.region_code(), "/",
                                     domain::IndustryCode(static_cast<v1::Industry>(industry)), "/",
                                     v1::OperatingStatus_Name(e.status())),
                        1});
      }
      break;
    }
    case v1::Record::kListEntry: {
      const v1::ListEntry& l = record.list_entry();
      out->push_back(
          {absl::StrCat(kListCounter, l.region_code(), "/", domain::IndustryCode(l.industry()), "/",
                        v1::Dimension_Name(l.dimension()), "/", v1::ListKind_Name(l.kind()), "/",
                        v1::OperatingStatus_Name(l.reported_status())),
           1});
      break;
    }
    case v1::Record::kEnforcementCase: {
      const v1::EnforcementCase& c = record.enforcement_case();
      out->push_back(
          {absl::StrCat(kCaseCounter, c.region_code(), "/", domain::IndustryCode(c.industry()), "/",
                        v1::Dimension_Name(c.dimension()), "/", v1::CaseState_Name(c.state())),
           1});
      if (CaseIsOpen(c) && c.has_deadline()) {
        out->push_back(
            {absl::StrCat(kCaseDueCounter, c.region_code(), "/", domain::IndustryCode(c.industry()),
                          "/", v1::Dimension_Name(c.dimension()), "/", DeadlineDay(c.deadline())),
             1});
      }
      PlanCaseCounters(c, out);
      break;
    }
    case v1::Record::kCityTarget:
      PlanTargetCounters(record.city_target(), out);
      break;
    case v1::Record::kMergedEnterprise: {
      const v1::MergedEnterprise& m = record.merged_enterprise();
      const std::string base =
          absl::StrCat(m.region_code(), "/", domain::IndustryCode(m.industry()), "/");
      for (const auto& d : m.dimension_statuses()) {
        out->push_back({absl::StrCat(kMergedCounter, base, v1::Dimension_Name(d.dimension()), "/",
                                     v1::OperatingStatus_Name(d.status())),
                        1});
      }
      // An enterprise is listed when a department's list names it; one known only from an
      // enforcement case (e.g. opened by equipment screening) has a merged view but no listing.
      if (m.listings_size() > 0) {
        out->push_back({absl::StrCat(kMergedEnterpriseCounter, base, "LISTED"), 1});
      }
      if (m.exited()) out->push_back({absl::StrCat(kMergedEnterpriseCounter, base, "EXITED"), 1});
      if (m.capacity_unit() != v1::CAPACITY_UNIT_UNSPECIFIED && m.capacity_listed() > 0) {
        const int64_t milli = std::llround(m.capacity_listed() * kCapacityScale);
        const std::string unit = v1::CapacityUnit_Name(m.capacity_unit());
        out->push_back({absl::StrCat(kCapacityCounter, base, unit, "/LISTED"), milli});
        if (m.exited()) {
          out->push_back({absl::StrCat(kCapacityCounter, base, unit, "/EXITED"), milli});
        }
      }
      for (const auto& c : m.contradictions()) {
        out->push_back({absl::StrCat(kContradictionCounter, m.region_code(), "/",
                                     v1::Contradiction::Kind_Name(c.kind())),
                        1});
      }
      break;
    }
    case v1::Record::kPowerAlert: {
      const v1::PowerAlert& a = record.power_alert();
      out->push_back({absl::StrCat(kPowerAlertCounter, a.region_code(), "/", a.month()), 1});
      break;
    }
    default:
      break;
  }
}

}  // namespace tierhub::registry
