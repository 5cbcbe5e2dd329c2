#include "services/enforcement/electricity_service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/auth/jurisdiction.h"
#include "services/auth/policy.h"
#include "services/common/digest.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/common/rpc_streams.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/common/time_proto.h"
#include "services/domain/case_machine.h"
#include "services/domain/credit_code.h"
#include "services/domain/electricity.h"
#include "services/domain/field_limits.h"
#include "services/domain/record_key.h"
#include "services/domain/region_table.h"
#include "services/domain/validation.h"
#include "services/enforcement/enforcement_hooks.h"
#include "services/registry/batch_digest.h"
#include "services/registry/lists.h"
#include "services/registry/registry_hooks.h"

namespace tierhub::enforcement {

struct ElectricityWatchService::Facts {
  std::optional<v1::Enterprise> enterprise;
  std::vector<domain::ShutdownFact> facts;
};

namespace {

using Code = absl::StatusCode;

constexpr uint32_t kDefaultAlertLimit = 1000;
constexpr uint32_t kMaxAlertLimit = 10000;
constexpr size_t kDigestBytes = 32;  // SHA-256

// SHA-256 of the call (validate_only aside): a retry carries the same bytes.
std::string CallDigest(const ImportReadingsCall& call) {
  RequestDigest d;
  registry::AddBatchCall("readings\n", call, &d);
  return d.Finish();
}

v1::RowError MakeError(uint32_t row, absl::string_view field, absl::StatusCode code,
                       absl::string_view reason) {
  return registry::RowErrorOf(row, field, code, reason);
}

v1::RowError FromValidation(uint32_t row, const absl::Status& s) {
  return registry::RowErrorFromValidation(row, s, "electricity_reading.");
}

v1::ReadingError ToReadingError(const v1::RowError& e) {
  v1::ReadingError out;
  out.set_row(e.row());
  out.set_field(e.field());
  out.set_reason(e.reason());
  out.set_code(e.code());
  return out;
}

// One enterprise's month: the readings that make it up.
struct MonthGroup {
  domain::MonthUsage usage;
  std::set<std::string> imported_accounts;  // accounts this import restates
};

}  // namespace

ElectricityWatchService::ElectricityWatchService(const auth::NodeContext& node,
                                                 ElectricityOptions options, store::Store* store)
    : node_(node),
      options_(std::move(options)),
      clock_(&auth::RequireClock(node_)),
      store_(store),
      import_guard_(
          [&] {
            StreamGuard::Options o = options_.upload.guard;
            o.what = "ImportReadings";
            return o;
          }(),
          clock_) {}

double ElectricityWatchService::default_threshold_kwh() const {
  return options_.threshold_kwh.value_or(domain::kDefaultPowerAlertThresholdKwh);
}

absl::StatusOr<double> ElectricityWatchService::Threshold(bool has, double requested,
                                                          const std::string& field) const {
  if (!has) return default_threshold_kwh();
  if (!std::isfinite(requested) || requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be a finite number of kWh >= 0, got ", requested));
  }
  return requested;
}

absl::StatusOr<const ElectricityWatchService::Facts*> ElectricityWatchService::FactsFor(
    const std::string& credit_code, std::map<std::string, Facts>* cache) const {
  auto it = cache->find(credit_code);
  if (it != cache->end()) return &it->second;
  Facts facts;
  absl::Time recorded_at;
  TH_ASSIGN_OR_RETURN(auto stored, store_->Get(domain::EnterpriseKey(credit_code)));
  if (stored.has_value() && stored->has_record() && stored->record().has_enterprise()) {
    facts.enterprise = stored->record().enterprise();
    recorded_at = absl::FromUnixMicros(stored->version().wall_micros());
  }
  std::vector<std::string> case_keys;
  TH_RETURN_IF_ERROR(store_->ScanIndex(std::string(registry::kEnterpriseIndex) + credit_code,
                                       [&](std::string_view, std::string_view key) {
                                         if (HasPrefix(key, domain::kCaseKeyPrefix))
                                           case_keys.emplace_back(key);
                                         return true;
                                       }));
  std::vector<v1::EnforcementCase> cases;
  for (const std::string& key : case_keys) {
    TH_ASSIGN_OR_RETURN(auto record, store_->GetLive(key));
    if (record.has_value() && record->has_enforcement_case() &&
        record->enforcement_case().credit_code() == credit_code) {
      cases.push_back(record->enforcement_case());
    }
  }
  facts.facts = domain::ShutdownFacts(facts.enterprise.has_value() ? &*facts.enterprise : nullptr,
                                      recorded_at, cases);
  return &cache->emplace(credit_code, std::move(facts)).first->second;
}

absl::StatusOr<std::vector<v1::PowerAlert>> ElectricityWatchService::AlertsAfterCase(
    const v1::EnforcementCase& next, const std::string& raised_by) const {
  std::map<std::string, Facts> cache;
  TH_ASSIGN_OR_RETURN(const Facts* stored, FactsFor(next.credit_code(), &cache));
  // The facts with `next` in place of its stored version.
  std::vector<v1::EnforcementCase> cases;
  TH_RETURN_IF_ERROR(store_->ScanIndex(
      std::string(registry::kEnterpriseIndex) + next.credit_code(),
      [&](std::string_view, std::string_view key) {
        if (!HasPrefix(key, domain::kCaseKeyPrefix)) return true;
        auto record = store_->GetLive(key);
        if (record.ok() && record->has_value() && (*record)->has_enforcement_case() &&
            (*record)->enforcement_case().credit_code() == next.credit_code() &&
            (*record)->enforcement_case().case_id() != next.case_id()) {
          cases.push_back((*record)->enforcement_case());
        }
        return true;
      }));
  cases.push_back(next);
  absl::Time recorded_at = absl::InfinitePast();
  if (stored->enterprise.has_value()) {
    TH_ASSIGN_OR_RETURN(auto e, store_->Get(domain::EnterpriseKey(next.credit_code())));
    if (e.has_value()) recorded_at = absl::FromUnixMicros(e->version().wall_micros());
  }
  const std::vector<domain::ShutdownFact> facts = domain::ShutdownFacts(
      stored->enterprise.has_value() ? &*stored->enterprise : nullptr, recorded_at, cases);
  if (facts.empty()) return std::vector<v1::PowerAlert>{};
  // Keys sort by month, then account: one month's readings are adjacent.
  std::vector<domain::MonthUsage> months;
  TH_RETURN_IF_ERROR(store_->ScanRecords(
      absl::StrCat(domain::kElectricityReadingKeyPrefix, next.credit_code(), "/"),
      [&](std::string_view, const v1::StoredRecord& s) {
        if (!s.has_record() || !s.record().has_electricity_reading()) return true;
        const v1::ElectricityReading& e = s.record().electricity_reading();
        if (e.credit_code() != next.credit_code()) return true;
        if (months.empty() || months.back().month != e.month()) {
          domain::MonthUsage u;
          u.credit_code = e.credit_code();
          u.enterprise_name = stored->enterprise.has_value() && !stored->enterprise->name().empty()
                                  ? stored->enterprise->name()
                                  : e.enterprise_name();
          u.region_code = e.region_code();
          u.month = e.month();
          months.push_back(std::move(u));
        }
        months.back().kwh += e.kwh();
        months.back().accounts.push_back(e.account());
        return true;
      }));
  std::vector<v1::PowerAlert> out;
  const absl::Time now = clock_->Now();
  for (const domain::MonthUsage& usage : months) {
    std::optional<v1::PowerAlert> alert =
        domain::AlertFor(usage, facts, default_threshold_kwh(), now, raised_by, "");
    if (!alert.has_value()) continue;
    TH_ASSIGN_OR_RETURN(auto existing,
                        store_->GetLive(domain::PowerAlertKey(usage.credit_code, usage.month)));
    if (existing.has_value()) continue;
    out.push_back(std::move(*alert));
  }
  return out;
}

// ---- Import ----

absl::StatusOr<v1::ImportReadingsResponse> ElectricityWatchService::Import(
    const auth::Identity& caller, const ImportReadingsCall& call) {
  const std::string digest = CallDigest(call);
  absl::MutexLock lock(&mu_);
  return ImportLocked(caller, call, digest);
}

absl::StatusOr<v1::ImportReadingsResponse> ElectricityWatchService::ImportLocked(
    const auth::Identity& caller, const ImportReadingsCall& call, const std::string& digest) {
  const v1::ImportReadingsHeader& h = call.header;
  std::vector<v1::RowError> errors;
  auto add = [&errors](uint32_t row, absl::string_view field, Code code, absl::string_view why) {
    errors.push_back(MakeError(row, field, code, why));
  };
  auto refused = [&]() -> absl::StatusOr<v1::ImportReadingsResponse> {
    std::stable_sort(
        errors.begin(), errors.end(),
        [](const v1::RowError& a, const v1::RowError& b) { return a.row() < b.row(); });
    if (h.validate_only()) {
      v1::SubmitListResponse bounded = registry::DryRunErrors(errors);
      v1::ImportReadingsResponse response;
      response.set_import_id(h.import_id());
      for (const v1::RowError& e : bounded.errors()) *response.add_errors() = ToReadingError(e);
      response.set_errors_omitted(bounded.errors_omitted());
      return response;
    }
    return registry::Refusal(errors);
  };

  // ---- Caller and header ----
  if (caller.kind == auth::Identity::Kind::kOperator) {
    return absl::PermissionDeniedError("operators may read and back up, not import readings");
  }
  if (absl::Status s = domain::ValidateId(h.import_id(), "header.import_id"); !s.ok()) {
    errors.push_back(FromValidation(0, s));
  }
  const std::string region = h.region_code().empty() ? caller.region_code : h.region_code();
  if (!domain::IsRegionCodeShape(region) || !domain::DefaultRegions().IsKnown(region)) {
    add(0, "header.region_code", Code::kInvalidArgument,
        absl::StrCat("'", region, "' is not a known region"));
  } else if (absl::Status s = auth::CheckWritable(node_, caller, region); !s.ok()) {
    add(0, "header.region_code", s.code(), s.message());
  }
  auto threshold =
      Threshold(h.has_threshold_kwh(), h.threshold_kwh().value(), "header.threshold_kwh");
  if (!threshold.ok()) errors.push_back(FromValidation(0, threshold.status()));
  if (call.rows.empty()) add(0, "rows", Code::kInvalidArgument, "the import holds no readings");
  if (!errors.empty()) return refused();

  // ---- A retry? ----
  const std::string receipt_key = absl::StrCat(kElectricityImportLocalPrefix, h.import_id());
  TH_ASSIGN_OR_RETURN(auto receipt, store_->GetLocal(receipt_key));
  if (receipt.has_value()) {
    v1::ImportReadingsResponse stored;
    if (receipt->size() < kDigestBytes || !stored.ParseFromString(receipt->substr(kDigestBytes))) {
      return absl::DataLossError(absl::StrCat("node-local ", receipt_key, " is unreadable"));
    }
    if (receipt->substr(0, kDigestBytes) == digest) {
      stored.set_replayed(true);
      return stored;
    }
    add(0, "header.import_id", Code::kFailedPrecondition,
        absl::StrCat("import ", h.import_id(), " was stored on ",
                     absl::FormatTime("%Y-%m-%d %H:%M", FromProto(stored.imported_at()),
                                      domain::ChinaTimeZone()),
                     " with other content (", stored.readings(),
                     " readings); choose a new import id"));
    return refused();
  }

  // ---- Rows ----
  const absl::Time now = clock_->Now();
  std::map<std::string, std::optional<std::string>> enterprise_region;  // credit code -> region
  std::map<std::string, uint32_t> seen;                                 // record key -> row
  std::vector<v1::ElectricityReading> readings;
  readings.reserve(call.rows.size());
  for (size_t i = 0; i < call.rows.size(); ++i) {
    const uint32_t r =
        call.rows[i].source_row() != 0 ? call.rows[i].source_row() : static_cast<uint32_t>(i + 1);
    v1::ElectricityReading e = call.rows[i].reading();
    if (!e.import_id().empty() && e.import_id() != h.import_id()) {
      add(r, "import_id", Code::kInvalidArgument,
          absl::StrCat("is ", e.import_id(), ", the header says ", h.import_id()));
      continue;
    }
    e.set_import_id(h.import_id());
    e.set_import_node(node_.node_id);
    if (e.source_file().empty()) e.set_source_file(h.source_file());
    e.set_source_row(r);
    // Accept what clerks type: lower case and surrounding spaces are canonicalised.
    if (auto parsed = domain::ParseCreditCode(e.credit_code()); parsed.ok()) {
      e.set_credit_code(parsed->code);
    }
    if (absl::Status s = domain::ValidateCreditCodeField(e.credit_code(), "credit_code"); !s.ok()) {
      errors.push_back(FromValidation(r, s));
      continue;
    }
    // The enterprise's record, where this node has it, says where the plant is.
    auto known = enterprise_region.find(e.credit_code());
    if (known == enterprise_region.end()) {
      TH_ASSIGN_OR_RETURN(auto record, store_->GetLive(domain::EnterpriseKey(e.credit_code())));
      std::optional<std::string> at;
      if (record.has_value() && record->has_enterprise()) at = record->enterprise().region_code();
      known = enterprise_region.emplace(e.credit_code(), std::move(at)).first;
    }
    if (known->second.has_value()) {
      if (e.region_code().empty() || auth::InJurisdiction(e.region_code(), *known->second)) {
        e.set_region_code(*known->second);
      } else {
        add(r, "region_code", Code::kInvalidArgument,
            absl::StrCat(e.region_code(), " does not hold the enterprise, whose record says ",
                         *known->second));
        continue;
      }
    } else if (e.region_code().empty()) {
      add(r, "region_code", Code::kInvalidArgument,
          absl::StrCat("is empty, and enterprise ", e.credit_code(),
                       " is not known at this node: give the region"));
      continue;
    }
    if (absl::Status s = domain::ValidateElectricityReading(e); !s.ok()) {
      errors.push_back(FromValidation(r, s));
      continue;
    }
    if (!auth::InJurisdiction(region, e.region_code())) {
      add(r, "region_code", Code::kPermissionDenied,
          absl::StrCat(e.region_code(), " is outside the import's region ", region));
      continue;
    }
    if (domain::MonthStart(e.month()) > now) {
      add(r, "month", Code::kInvalidArgument, absl::StrCat(e.month(), " has not begun yet"));
      continue;
    }
    v1::Record record;
    *record.mutable_electricity_reading() = e;
    auto [it, inserted] = seen.emplace(domain::RecordKey(record), r);
    if (!inserted) {
      add(r, "account", Code::kInvalidArgument,
          absl::StrCat("account ", e.account(), " of ", e.credit_code(), " for ", e.month(),
                       " is already on row ", it->second));
      continue;
    }
    readings.push_back(std::move(e));
  }
  if (!errors.empty()) return refused();

  // ---- Month totals and the alerts they raise ----
  v1::ImportReadingsResponse response;
  response.set_import_id(h.import_id());
  response.set_threshold_kwh(*threshold);
  *response.mutable_imported_at() = ToProto(now);
  std::map<std::pair<std::string, std::string>, MonthGroup> groups;  // (code, month)
  for (const v1::ElectricityReading& e : readings) {
    MonthGroup& g = groups[{e.credit_code(), e.month()}];
    if (g.usage.credit_code.empty()) {
      g.usage.credit_code = e.credit_code();
      g.usage.enterprise_name = e.enterprise_name();
      g.usage.region_code = e.region_code();
      g.usage.month = e.month();
    }
    g.usage.kwh += e.kwh();
    g.usage.accounts.push_back(e.account());
    g.imported_accounts.insert(e.account());
  }
  uint32_t replaced = 0;
  std::map<std::string, Facts> facts_cache;
  std::vector<store::Mutation> mutations;
  const v1::Author author = caller.ToAuthor(node_.node_id);
  for (auto& entry : groups) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const auto& id = entry.first;
    auto& g = entry.second;
    const std::string prefix = domain::ElectricityReadingKey(id.first, id.second, "");
    TH_RETURN_IF_ERROR(
        store_->ScanRecords(prefix, [&](std::string_view, const v1::StoredRecord& stored) {
          if (!stored.has_record() || !stored.record().has_electricity_reading()) return true;
          const v1::ElectricityReading& before = stored.record().electricity_reading();
          if (g.imported_accounts.count(before.account()) > 0) {
            ++replaced;
          } else {
            g.usage.kwh += before.kwh();
            g.usage.accounts.push_back(before.account());
          }
          return true;
        }));
    TH_ASSIGN_OR_RETURN(const Facts* facts, FactsFor(id.first, &facts_cache));
    if (facts->enterprise.has_value() && !facts->enterprise->name().empty()) {
      g.usage.enterprise_name = facts->enterprise->name();
    }
    std::optional<v1::PowerAlert> alert = domain::AlertFor(g.usage, facts->facts, *threshold, now,
                                                           caller.CommonName(), h.import_id());
    if (alert.has_value()) alert->set_import_node(node_.node_id);
    const std::string key = domain::PowerAlertKey(id.first, id.second);
    TH_ASSIGN_OR_RETURN(auto existing, store_->GetLive(key));
    if (!alert.has_value()) {
      // A correction that brings the month to or below the threshold the alert was raised
      // with withdraws it (kept, marked, with the figure and the import that withdrew it).
      if (existing.has_value() && existing->has_power_alert() &&
          !existing->power_alert().withdrawn() &&
          !(g.usage.kwh > existing->power_alert().threshold_kwh())) {
        v1::PowerAlert withdrawn = existing->power_alert();
        withdrawn.set_withdrawn(true);
        *withdrawn.mutable_withdrawn_at() = ToProto(now);
        withdrawn.set_withdrawn_by(caller.CommonName());
        withdrawn.set_withdrawn_reason(
            absl::StrCat("更正后用电 ", g.usage.kwh, " 千瓦时, 未超过阈值 ",
                         withdrawn.threshold_kwh(), " (corrected by import ", h.import_id(), ")"));
        *response.add_withdrawn_alerts() = withdrawn;
        v1::Record record;
        *record.mutable_power_alert() = std::move(withdrawn);
        mutations.push_back({key, author, std::move(record)});
      }
      continue;
    }
    if (existing.has_value() && existing->has_power_alert()) {
      const v1::PowerAlert& before = existing->power_alert();
      if (domain::SameAlert(before, *alert)) continue;
      // Other figures for a month already alerted: still acknowledged, no longer resolved.
      if (before.has_acknowledged_at()) {
        *alert->mutable_acknowledged_at() = before.acknowledged_at();
        alert->set_acknowledged_by(before.acknowledged_by());
        alert->set_acknowledged_note(before.acknowledged_note());
      }
    }
    *response.add_alerts() = *alert;
    v1::Record record;
    *record.mutable_power_alert() = std::move(*alert);
    mutations.push_back({key, author, std::move(record)});
  }
  response.set_readings(static_cast<uint32_t>(readings.size()));
  response.set_replaced(replaced);
  if (h.validate_only()) return response;

  std::vector<store::Mutation> all;
  all.reserve(readings.size() + mutations.size());
  for (v1::ElectricityReading& e : readings) {
    v1::Record record;
    *record.mutable_electricity_reading() = std::move(e);
    std::string key = domain::RecordKey(record);
    all.push_back({std::move(key), author, std::move(record)});
  }
  for (store::Mutation& m : mutations) all.push_back(std::move(m));
  std::vector<store::LocalPut> local;
  local.push_back({receipt_key, digest + response.SerializeAsString()});
  TH_RETURN_IF_ERROR(store_->Write(std::move(all), std::move(local)).status());
  return response;
}

// ---- Alerts ----

absl::StatusOr<v1::ListAlertsResponse> ElectricityWatchService::Alerts(
    const auth::Identity& caller, const v1::ListAlertsRequest& request) const {
  TH_ASSIGN_OR_RETURN(const std::string region,
                      auth::ReadRegion(node_, caller, request.region_code()));
  if (!request.from_month().empty()) {
    TH_RETURN_IF_ERROR(domain::ValidateMonth(request.from_month(), "from_month"));
  }
  if (!request.to_month().empty()) {
    TH_RETURN_IF_ERROR(domain::ValidateMonth(request.to_month(), "to_month"));
  }
  if (!request.from_month().empty() && !request.to_month().empty() &&
      request.from_month() > request.to_month()) {
    return absl::InvalidArgumentError(absl::StrCat("to_month: ", request.to_month(),
                                                   " is before from_month ", request.from_month()));
  }
  std::string credit_code;
  if (!request.credit_code().empty()) {
    TH_ASSIGN_OR_RETURN(domain::CreditCode parsed, domain::ParseCreditCode(request.credit_code()));
    credit_code = parsed.code;
  }
  const uint32_t limit =
      request.limit() == 0 ? kDefaultAlertLimit : std::min(request.limit(), kMaxAlertLimit);
  std::vector<v1::PowerAlert> found;
  absl::Status failed;
  const std::string prefix = absl::StrCat(kPowerAlertIndex, domain::JurisdictionPrefix(region));
  TH_RETURN_IF_ERROR(
      store_->ScanIndex(prefix, [&](std::string_view index_key, std::string_view record_key) {
        const std::string month(index_key.substr(index_key.rfind('/') + 1));
        if (!request.from_month().empty() && month < request.from_month()) return true;
        if (!request.to_month().empty() && month > request.to_month()) return true;
        auto record = store_->GetLive(record_key);
        if (!record.ok()) {
          failed = record.status();
          return false;
        }
        if (!record->has_value() || !(*record)->has_power_alert()) return true;
        const v1::PowerAlert& a = (*record)->power_alert();
        if (!credit_code.empty() && a.credit_code() != credit_code) return true;
        if (request.open_only() && (a.withdrawn() || a.has_resolved_at())) return true;
        found.push_back(a);
        return true;
      }));
  TH_RETURN_IF_ERROR(failed);
  std::sort(found.begin(), found.end(), [](const v1::PowerAlert& a, const v1::PowerAlert& b) {
    return std::tie(a.month(), a.region_code(), a.credit_code()) <
           std::tie(b.month(), b.region_code(), b.credit_code());
  });
  v1::ListAlertsResponse out;
  out.set_total(static_cast<uint32_t>(found.size()));
  out.set_truncated(found.size() > limit);
  for (size_t i = 0; i < found.size() && i < limit; ++i) *out.add_alerts() = std::move(found[i]);
  return out;
}

// ---- Recheck ----

absl::StatusOr<v1::RecheckReadingsResponse> ElectricityWatchService::Recheck(
    const auth::Identity& caller, const v1::RecheckReadingsRequest& request) {
  const std::string region =
      request.region_code().empty() ? caller.region_code : request.region_code();
  if (!domain::IsRegionCodeShape(region)) {
    return absl::InvalidArgumentError(
        absl::StrCat("region_code: '", region, "' is not a 6-digit region code"));
  }
  TH_RETURN_IF_ERROR(auth::CheckWritable(node_, caller, region));
  TH_ASSIGN_OR_RETURN(
      const double threshold,
      Threshold(request.has_threshold_kwh(), request.threshold_kwh().value(), "threshold_kwh"));
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  v1::RecheckReadingsResponse response;
  response.set_threshold_kwh(threshold);
  // One enterprise's facts at a time and one enterprise-month's readings at a time: keys sort
  // by credit code, month, account, so memory is bounded by the alerts raised, not by the
  // readings under the region (a province holds years of every plant's months).
  std::map<std::string, Facts> facts_cache;
  std::vector<store::Mutation> mutations;
  const v1::Author author = caller.ToAuthor(node_.node_id);
  auto finish = [&](domain::MonthUsage& usage) -> absl::Status {
    response.set_months_checked(response.months_checked() + 1);
    TH_ASSIGN_OR_RETURN(const Facts* facts, FactsFor(usage.credit_code, &facts_cache));
    if (facts->enterprise.has_value() && !facts->enterprise->name().empty()) {
      usage.enterprise_name = facts->enterprise->name();
    }
    std::optional<v1::PowerAlert> alert =
        domain::AlertFor(usage, facts->facts, threshold, now, caller.CommonName(), "");
    if (!alert.has_value()) return absl::OkStatus();
    const std::string key = domain::PowerAlertKey(usage.credit_code, usage.month);
    TH_ASSIGN_OR_RETURN(auto existing, store_->GetLive(key));
    if (existing.has_value()) {
      response.set_already_alerted(response.already_alerted() + 1);
      return absl::OkStatus();
    }
    *response.add_raised() = *alert;
    v1::Record record;
    *record.mutable_power_alert() = std::move(*alert);
    mutations.push_back({key, author, std::move(record)});
    return absl::OkStatus();
  };
  std::optional<domain::MonthUsage> month;
  absl::Status failed;
  TH_RETURN_IF_ERROR(store_->ScanRecords(
      domain::kElectricityReadingKeyPrefix, [&](std::string_view, const v1::StoredRecord& stored) {
        if (!stored.has_record() || !stored.record().has_electricity_reading()) return true;
        const v1::ElectricityReading& e = stored.record().electricity_reading();
        if (!auth::InJurisdiction(region, e.region_code())) return true;
        if (month.has_value() &&
            (month->credit_code != e.credit_code() || month->month != e.month())) {
          failed = finish(*month);
          if (!failed.ok()) return false;
          if (month->credit_code != e.credit_code()) facts_cache.clear();
          month.reset();
        }
        if (!month.has_value()) {
          month.emplace();
          month->credit_code = e.credit_code();
          month->enterprise_name = e.enterprise_name();
          month->region_code = e.region_code();
          month->month = e.month();
        }
        month->kwh += e.kwh();
        month->accounts.push_back(e.account());
        return true;
      }));
  TH_RETURN_IF_ERROR(failed);
  if (month.has_value()) TH_RETURN_IF_ERROR(finish(*month));
  if (!mutations.empty()) TH_RETURN_IF_ERROR(store_->Write(std::move(mutations)).status());
  return response;
}

// ---- Handling ----

absl::StatusOr<v1::UpdateAlertResponse> ElectricityWatchService::Update(
    const auth::Identity& caller, const v1::UpdateAlertRequest& request) {
  TH_RETURN_IF_ERROR(domain::CheckFieldLimits(request, "request"));
  TH_ASSIGN_OR_RETURN(domain::CreditCode code, domain::ParseCreditCode(request.credit_code()));
  TH_RETURN_IF_ERROR(domain::ValidateMonth(request.month(), "month"));
  const bool resolve = request.action() == v1::UpdateAlertRequest::ACTION_RESOLVE;
  if (!resolve && request.action() != v1::UpdateAlertRequest::ACTION_ACKNOWLEDGE) {
    return absl::InvalidArgumentError("action: must be ACKNOWLEDGE or RESOLVE");
  }
  absl::MutexLock lock(&mu_);  // one read-modify-write of the alert at a time
  const std::string key = domain::PowerAlertKey(code.code, request.month());
  TH_ASSIGN_OR_RETURN(auto existing, store_->GetLive(key));
  if (!existing.has_value() || !existing->has_power_alert()) {
    // Who may not write here learns nothing of which alerts exist.
    TH_RETURN_IF_ERROR(auth::CheckWritable(node_, caller, node_.region_code));
    return absl::NotFoundError(
        absl::StrCat("no power alert for ", code.code, " in ", request.month()));
  }
  v1::PowerAlert alert = existing->power_alert();
  TH_RETURN_IF_ERROR(auth::CheckWritable(node_, caller, alert.region_code()));
  if (alert.withdrawn()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the alert was withdrawn (", alert.withdrawn_reason(), "): nothing left to handle"));
  }
  if (alert.has_resolved_at()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the alert was resolved by ", alert.resolved_by(), " at ",
        domain::ChinaDay(FromProto(alert.resolved_at())), ": ", alert.resolved_reason()));
  }
  const absl::Time now = clock_->Now();
  if (resolve) {
    if (absl::StripAsciiWhitespace(request.note()).empty()) {
      return absl::InvalidArgumentError(
          "note: a resolution needs its reason (处置结果), e.g. 核实为生活照明用电");
    }
    *alert.mutable_resolved_at() = ToProto(now);
    alert.set_resolved_by(caller.CommonName());
    alert.set_resolved_reason(request.note());
  } else {
    if (alert.has_acknowledged_at()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the alert was acknowledged already by ", alert.acknowledged_by(), " at ",
                       domain::ChinaDay(FromProto(alert.acknowledged_at()))));
    }
    *alert.mutable_acknowledged_at() = ToProto(now);
    alert.set_acknowledged_by(caller.CommonName());
    alert.set_acknowledged_note(request.note());
  }
  LogInfo("power alert ", code.code, " ", request.month(), resolve ? " resolved" : " acknowledged",
          " by ", caller.CommonName());
  v1::Record record;
  *record.mutable_power_alert() = alert;
  std::vector<store::Mutation> mutations;
  mutations.push_back({key, caller.ToAuthor(node_.node_id), std::move(record)});
  TH_RETURN_IF_ERROR(store_->Write(std::move(mutations)).status());
  v1::UpdateAlertResponse response;
  *response.mutable_alert() = std::move(alert);
  return response;
}

// ---- RPCs ----

using auth::Serve;

grpc::Status ElectricityWatchService::ImportReadings(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportReadingsChunk>* reader,
    v1::ImportReadingsResponse* response) {
  auto caller = auth::ServiceCaller(*context, node_);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto ticket = import_guard_.Admit(context, caller->CommonName());
  if (!ticket.ok()) return ToGrpc(ticket.status());
  ImportReadingsCall call;
  grpc::Status read = ReadHeaderFirst(
      context, reader, options_.upload.limits, ticket->get(),
      [](const v1::ImportReadingsChunk& chunk) { return static_cast<size_t>(chunk.rows_size()); },
      [&](v1::ImportReadingsChunk& chunk) -> absl::Status {
        if (chunk.has_header()) {
          TH_RETURN_IF_ERROR(domain::CheckFieldLimits(chunk.header(), "header"));
          call.header = std::move(*chunk.mutable_header());
        }
        for (auto& row : *chunk.mutable_rows()) call.rows.push_back(std::move(row));
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  auto result = Import(*caller, call);
  if (!result.ok()) return ToGrpc(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status ElectricityWatchService::ListAlerts(grpc::ServerContext* context,
                                                 const v1::ListAlertsRequest* request,
                                                 v1::ListAlertsResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Alerts(c, *request); });
}

grpc::Status ElectricityWatchService::RecheckReadings(grpc::ServerContext* context,
                                                      const v1::RecheckReadingsRequest* request,
                                                      v1::RecheckReadingsResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Recheck(c, *request); });
}

grpc::Status ElectricityWatchService::UpdateAlert(grpc::ServerContext* context,
                                                  const v1::UpdateAlertRequest* request,
                                                  v1::UpdateAlertResponse* response) {
  return Serve(context, node_, response,
               [&](const auth::Identity& c) { return Update(c, *request); });
}

}  // namespace tierhub::enforcement
