#include "services/domain/electricity.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/common/strings.h"
#include "services/common/time_proto.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/validation.h"

namespace tierhub::domain {
namespace {

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

const char* ShutStatusZh(v1::OperatingStatus status) {
  switch (status) {
    case v1::OPERATING_STATUS_SEALED:
      return "查封";
    case v1::OPERATING_STATUS_CLOSED:
      return "关停";
    case v1::OPERATING_STATUS_DISMANTLED:
      return "拆除";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<std::string> CanonicalMonth(absl::string_view text) {
  std::string s(absl::StripAsciiWhitespace(text));
  // 2019年7月 (and 2019年07月01日, as a spreadsheet may write the first of the month).
  s = absl::StrReplaceAll(s, {{"年", "-"}, {"月", "-"}, {"日", ""}, {"/", "-"}, {".", "-"}});
  while (!s.empty() && s.back() == '-') s.pop_back();
  std::string year, month;
  if (s.size() == 6 && AllDigits(s)) {
    year = s.substr(0, 4);
    month = s.substr(4, 2);
  } else {
    std::vector<std::string> parts = absl::StrSplit(s, '-');
    int day = 1;
    const bool day_ok = parts.size() != 3 || (AllDigits(parts[2]) && parts[2].size() <= 2 &&
                                              absl::SimpleAtoi(parts[2], &day) && day == 1);
    if ((parts.size() == 2 || parts.size() == 3) && day_ok) {
      year = parts[0];
      month = parts[1];
    }
  }
  int m = 0;
  if (year.size() != 4 || !AllDigits(year) || month.empty() || month.size() > 2 ||
      !AllDigits(month) || !absl::SimpleAtoi(month, &m) || m < 1 || m > 12) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", ShownText(text), "' is not a month (2019-07, 201907, 2019/7 or 2019年7月)"));
  }
  std::string out = absl::StrCat(year, "-", m < 10 ? "0" : "", m);
  absl::Status valid = domain::ValidateMonth(out, "month");
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", ShownText(text), "' is outside 2000..2100"));
  }
  return out;
}

absl::Time MonthStart(absl::string_view month) {
  int year = 0, mon = 0;
  (void)absl::SimpleAtoi(month.substr(0, 4), &year);
  (void)absl::SimpleAtoi(month.substr(5, 2), &mon);
  return absl::FromCivil(absl::CivilMonth(year, mon), ChinaTimeZone());
}

std::string MonthOf(absl::Time t) { return absl::FormatTime("%Y-%m", t, ChinaTimeZone()); }

bool ClosesPlant(v1::CaseState state) {
  switch (state) {
    case v1::CASE_STATE_CLOSED_EXITED:
    case v1::CASE_STATE_DISMANTLED:
    case v1::CASE_STATE_SEALED:
    case v1::CASE_STATE_ACCEPTED:
    case v1::CASE_STATE_LICENCES_REVOKED:
    case v1::CASE_STATE_LICENCE_CANCELLED:
      return true;
    default:
      return false;
  }
}

std::vector<ShutdownFact> ShutdownFacts(const v1::Enterprise* enterprise,
                                        absl::Time enterprise_recorded_at,
                                        absl::Span<const v1::EnforcementCase> cases) {
  std::vector<ShutdownFact> facts;
  if (enterprise != nullptr && (enterprise->status() == v1::OPERATING_STATUS_SEALED ||
                                enterprise->status() == v1::OPERATING_STATUS_CLOSED ||
                                enterprise->status() == v1::OPERATING_STATUS_DISMANTLED)) {
    ShutdownFact f;
    f.reason = v1::SHUTDOWN_REASON_ENTERPRISE_STATUS;
    f.since = enterprise_recorded_at;
    f.enterprise_status = enterprise->status();
    f.detail = absl::StrCat("企业状态为", ShutStatusZh(enterprise->status()),
                            " (enterprise record: ", v1::OperatingStatus_Name(enterprise->status()),
                            ", recorded ", ChinaDay(enterprise_recorded_at), ")");
    facts.push_back(std::move(f));
  }
  for (const v1::EnforcementCase& c : cases) {
    for (const v1::CaseTransition& t : c.history()) {
      if (t.from_state() == t.to_state() || !ClosesPlant(t.to_state())) continue;
      ShutdownFact f;
      f.reason = v1::SHUTDOWN_REASON_CASE_CLOSED;
      f.since = EffectiveTimeOf(t);  // when it took effect, not when it was typed in
      f.case_id = c.case_id();
      f.case_state = t.to_state();
      f.detail = absl::StrCat("案件 ", c.case_id(), " (", domain::DimensionCode(c.dimension()),
                              ") ", ChinaDay(f.since), " ",
                              v1::CaseState_Name(t.to_state()).substr(sizeof("CASE_STATE_") - 1));
      facts.push_back(std::move(f));
      break;  // the first closing step dates the closure
    }
    if (c.sealing().has_power_cut()) {
      ShutdownFact f;
      f.reason = v1::SHUTDOWN_REASON_POWER_CUT;
      f.since = FromProto(c.sealing().power_cut());
      f.case_id = c.case_id();
      f.detail = absl::StrCat("案件 ", c.case_id(), " ", ChinaDay(f.since), " 断电 (power cut)");
      facts.push_back(std::move(f));
    }
    if (c.sealing().has_equipment_sealed()) {
      ShutdownFact f;
      f.reason = v1::SHUTDOWN_REASON_EQUIPMENT_SEALED;
      f.since = FromProto(c.sealing().equipment_sealed());
      f.case_id = c.case_id();
      f.detail = absl::StrCat("案件 ", c.case_id(), " ", ChinaDay(f.since),
                              " 封存主体设备 (main equipment sealed)");
      facts.push_back(std::move(f));
    }
  }
  std::stable_sort(facts.begin(), facts.end(),
                   [](const ShutdownFact& a, const ShutdownFact& b) { return a.since < b.since; });
  return facts;
}

const ShutdownFact* FactForMonth(const std::vector<ShutdownFact>& facts, absl::string_view month) {
  for (const ShutdownFact& f : facts) {  // earliest first
    if (MonthOf(f.since) < month) return &f;
  }
  return nullptr;
}

std::optional<v1::PowerAlert> AlertFor(const MonthUsage& usage,
                                       const std::vector<ShutdownFact>& facts, double threshold_kwh,
                                       absl::Time now, const std::string& raised_by,
                                       const std::string& import_id) {
  if (!(usage.kwh > threshold_kwh)) return std::nullopt;
  const ShutdownFact* fact = FactForMonth(facts, usage.month);
  if (fact == nullptr) return std::nullopt;
  v1::PowerAlert a;
  a.set_credit_code(usage.credit_code);
  a.set_enterprise_name(usage.enterprise_name);
  a.set_region_code(usage.region_code);
  a.set_month(usage.month);
  a.set_kwh(usage.kwh);
  a.set_threshold_kwh(threshold_kwh);
  std::vector<std::string> accounts = usage.accounts;
  std::sort(accounts.begin(), accounts.end());
  accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
  for (std::string& account : accounts) a.add_accounts(std::move(account));
  a.set_reason(fact->reason);
  a.set_case_id(fact->case_id);
  a.set_case_state(fact->case_state);
  a.set_enterprise_status(fact->enterprise_status);
  *a.mutable_shut_since() = ToProto(fact->since);
  a.set_shut_since_day(ChinaDay(fact->since));
  a.set_detail(absl::StrCat(usage.month, " 用电 ", usage.kwh, " 千瓦时, 超过阈值 ", threshold_kwh,
                            "; ", fact->detail));
  *a.mutable_raised_at() = ToProto(now);
  a.set_raised_by(raised_by);
  a.set_import_id(import_id);
  return a;
}

bool SameAlert(const v1::PowerAlert& a, const v1::PowerAlert& b) {
  v1::PowerAlert x = a, y = b;
  for (v1::PowerAlert* p : {&x, &y}) {
    p->clear_raised_at();
    p->clear_raised_by();
    p->clear_import_id();
    p->clear_import_node();
    p->clear_enterprise_name();
    // Handling is not part of what an alert says about the readings.
    p->clear_acknowledged_at();
    p->clear_acknowledged_by();
    p->clear_acknowledged_note();
    p->clear_resolved_at();
    p->clear_resolved_by();
    p->clear_resolved_reason();
  }
  return x.SerializeAsString() == y.SerializeAsString();
}

}  // namespace tierhub::domain
