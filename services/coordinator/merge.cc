#include "services/coordinator/merge.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/auth/jurisdiction.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/domain/case_keys.h"
#include "services/domain/case_machine.h"
#include "services/domain/catalog.h"
#include "services/domain/credit_code.h"
#include "services/domain/record_key.h"
#include "services/domain/region_table.h"
#include "services/registry/registry_hooks.h"

namespace tierhub::coordinator {
namespace {

constexpr size_t kBatchChanges = 1000;
constexpr size_t kBatchBytes = 16 << 20;

bool Exited(v1::OperatingStatus s) {
  return s == v1::OPERATING_STATUS_CLOSED || s == v1::OPERATING_STATUS_DISMANTLED;
}

// Names compared without surrounding spaces, inner spaces, and with full-width brackets folded.
std::string NormalName(const std::string& name) {
  std::string n = absl::StrReplaceAll(name, {{"（", "("}, {"）", ")"}, {" ", ""}, {"　", ""}});
  return absl::AsciiStrToLower(n);
}

// Regions are compatible when one contains the other (a city-level listing of a county plant).
bool Compatible(const std::string& a, const std::string& b) {
  return auth::InJurisdiction(a, b) || auth::InJurisdiction(b, a);
}

}  // namespace

std::optional<v1::MergedEnterprise> Merge(const std::string& credit_code,
                                          const EnterpriseRecords& records) {
  v1::MergedEnterprise m;
  m.set_credit_code(credit_code);
  std::map<v1::Dimension, v1::OperatingStatus> statuses;
  for (const auto& [key, e] : records.entries) {
    v1::MergedEnterprise::Listing* l = m.add_listings();
    l->set_record_key(key);
    l->set_department(e.department());
    l->set_dimension(e.dimension());
    l->set_kind(e.kind());
    l->set_round_id(e.round_id());
    l->set_submission_id(e.submission_id());
    l->set_region_code(e.region_code());
    l->set_enterprise_name(e.enterprise_name());
    l->set_reported_status(e.reported_status());
    l->set_capacity(e.capacity());
    l->set_capacity_unit(e.capacity_unit());
    v1::OperatingStatus& s = statuses[e.dimension()];
    s = std::max(s, e.reported_status());
    if (e.capacity_unit() != v1::CAPACITY_UNIT_UNSPECIFIED && e.capacity() > m.capacity_listed()) {
      m.set_capacity_listed(e.capacity());
      m.set_capacity_unit(e.capacity_unit());
    }
  }
  for (const v1::EnforcementCase& c : records.cases) {
    if (!domain::CaseIsOpen(c)) continue;
    v1::MergedEnterprise::OpenCase* o = m.add_open_cases();
    o->set_case_id(c.case_id());
    o->set_dimension(c.dimension());
    o->set_state(c.state());
    if (c.has_deadline()) {
      const absl::CivilDay day = domain::DeadlineDayOf(c.deadline());
      *o->mutable_deadline() = domain::DeadlineToProto(day);
      o->set_deadline_day(domain::DayText(day));
    }
  }
  if (m.listings_size() == 0 && m.open_cases_size() == 0) return std::nullopt;

  // Where the view belongs, its name and industry.
  const domain::RegionTable& regions = domain::DefaultRegions();
  std::string code_region;
  if (auto parsed = domain::ParseCreditCode(credit_code);
      parsed.ok() && regions.IsKnown(parsed->region_code) &&
      parsed->region_code != domain::kNationalRegionCode) {
    code_region = parsed->region_code;
  }
  if (records.enterprise.has_value()) {
    const v1::Enterprise& e = *records.enterprise;
    m.set_region_code(e.region_code());
    m.set_name(e.name());
    if (e.industries_size() > 0) m.set_industry(static_cast<v1::Industry>(e.industries(0)));
    m.set_recorded_status(e.status());
  } else {
    m.set_region_code(!code_region.empty()       ? code_region
                      : !records.entries.empty() ? records.entries.front().second.region_code()
                                                 : records.cases.front().region_code());
  }
  if (m.name().empty() && !records.entries.empty()) {
    m.set_name(records.entries.front().second.enterprise_name());
  }
  if (m.industry() == v1::INDUSTRY_UNSPECIFIED) {
    m.set_industry(!records.entries.empty() ? records.entries.front().second.industry()
                                            : records.cases.front().industry());
  }
  for (const auto& [dimension, status] : statuses) {
    auto* d = m.add_dimension_statuses();
    d->set_dimension(dimension);
    d->set_status(status);
    if (Exited(status)) m.set_exited(true);
  }
  if (Exited(m.recorded_status())) m.set_exited(true);
  // A case that closed the plant by law (关停退出, 吊销证照) is an exit whatever the listings
  // and the register still say: the lists report what a department saw in a round, the case
  // records what the authorities did since.
  for (const v1::EnforcementCase& c : records.cases) {
    if (domain::IsExitState(c.dimension(), c.state())) m.set_exited(true);
  }

  // Contradictions. Status: an exit reported by one department, operation by another.
  {
    std::vector<const v1::MergedEnterprise::Listing*> exits, operating;
    for (const auto& l : m.listings()) {
      if (Exited(l.reported_status())) exits.push_back(&l);
      if (l.reported_status() == v1::OPERATING_STATUS_OPERATING) operating.push_back(&l);
    }
    std::set<std::string> keys;
    std::vector<std::string> said;
    for (const auto* x : exits) {
      for (const auto* o : operating) {
        if (x->department() == o->department()) continue;
        for (const auto* l : {x, o}) {
          if (keys.insert(l->record_key()).second) {
            said.push_back(absl::StrCat(domain::DepartmentCode(l->department()), " reports ",
                                        v1::OperatingStatus_Name(l->reported_status()), " (",
                                        l->record_key(), ")"));
          }
        }
      }
    }
    if (!keys.empty()) {
      v1::Contradiction* c = m.add_contradictions();
      c->set_kind(v1::Contradiction::KIND_STATUS);
      c->set_detail(absl::StrJoin(said, "; "));
      for (const auto& k : keys) c->add_record_keys(k);
    }
  }
  // Region: a listing in a region its record (or, without one, its credit code) does not give.
  {
    const std::string reference =
        records.enterprise.has_value() ? records.enterprise->region_code() : code_region;
    std::vector<std::string> keys, said;
    for (const auto& l : m.listings()) {
      const bool bad = !reference.empty()
                           ? !Compatible(reference, l.region_code())
                           : !Compatible(m.listings(0).region_code(), l.region_code());
      if (bad) {
        keys.push_back(l.record_key());
        said.push_back(absl::StrCat(domain::DepartmentCode(l.department()), " lists it in ",
                                    l.region_code(), " (", l.record_key(), ")"));
      }
    }
    if (!keys.empty()) {
      v1::Contradiction* c = m.add_contradictions();
      c->set_kind(v1::Contradiction::KIND_REGION);
      c->set_detail(absl::StrCat(
          reference.empty() ? absl::StrCat("first listing says ", m.listings(0).region_code())
          : records.enterprise.has_value() ? absl::StrCat("its record says ", reference)
                                           : absl::StrCat("its credit code says ", reference),
          "; ", absl::StrJoin(said, "; ")));
      for (const auto& k : keys) c->add_record_keys(k);
    }
  }
  // Name: the same credit code under different names.
  {
    std::map<std::string, std::vector<std::string>> names;  // normal name -> keys
    std::map<std::string, std::string> shown;
    if (records.enterprise.has_value()) {
      const std::string n = NormalName(records.enterprise->name());
      names[n].push_back(domain::EnterpriseKey(credit_code));
      shown.emplace(n, records.enterprise->name());
    }
    for (const auto& l : m.listings()) {
      const std::string n = NormalName(l.enterprise_name());
      names[n].push_back(l.record_key());
      shown.emplace(n, l.enterprise_name());
    }
    if (names.size() > 1) {
      v1::Contradiction* c = m.add_contradictions();
      c->set_kind(v1::Contradiction::KIND_NAME);
      std::vector<std::string> said;
      for (const auto& [n, keys] : names) {
        said.push_back(absl::StrCat("'", shown[n], "' (", absl::StrJoin(keys, ", "), ")"));
        for (const auto& k : keys) c->add_record_keys(k);
      }
      c->set_detail(absl::StrJoin(said, " vs "));
    }
  }
  return m;
}

absl::StatusOr<EnterpriseRecords> ReadEnterpriseRecords(const store::Store& store,
                                                        const std::string& credit_code) {
  // The enterprise record (not in the index: its key is the index key) and the rest.
  std::vector<std::string> keys = {absl::StrCat(registry::kEnterpriseIndex, credit_code)};
  TH_RETURN_IF_ERROR(
      store.ScanIndex(keys.front(), [&](std::string_view index_key, std::string_view key) {
        keys.emplace_back(key);
        return true;
      }));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  EnterpriseRecords out;
  for (const std::string& key : keys) {
    TH_ASSIGN_OR_RETURN(auto live, store.GetLive(key));
    if (!live.has_value()) continue;
    if (live->has_enterprise()) {
      out.enterprise = live->enterprise();
    } else if (live->has_list_entry()) {
      out.entries.emplace_back(key, live->list_entry());
    } else if (live->has_enforcement_case()) {
      out.cases.push_back(live->enforcement_case());
    }
  }
  return out;
}

std::string CreditCodeOfChange(const v1::Change& change) {
  const std::string& key = change.key();
  if (absl::StartsWith(key, domain::kEnterpriseKeyPrefix)) {
    return key.substr(std::string_view(domain::kEnterpriseKeyPrefix).size());
  }
  if (absl::StartsWith(key, domain::kListEntryKeyPrefix)) return key.substr(key.rfind('/') + 1);
  if (change.has_record() && change.record().has_enforcement_case()) {
    return change.record().enforcement_case().credit_code();
  }
  return "";
}

Merger::Merger(store::Store* store, v1::Author author, const Clock* timer)
    : store_(store), author_(std::move(author)), timer_(timer) {}

Merger::~Merger() { Stop(); }

void Merger::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Merger::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status Merger::CatchUp() {
  while (true) {
    TH_ASSIGN_OR_RETURN(bool more, Step());
    if (!more) return absl::OkStatus();
  }
}

absl::StatusOr<bool> Merger::Step() {
  absl::MutexLock step(&step_mu_);
  TH_ASSIGN_OR_RETURN(uint64_t cursor, store_->GetCursor(kMergerCursor));
  if (cursor >= store_->LastSeq()) return false;
  uint64_t from = cursor + 1;
  // A log truncated under the cursor (the coordinator was off for longer than the retention)
  // loses nothing of the state: merge every enterprise again from the records.
  std::set<std::string> codes;
  uint64_t last = cursor;
  if (from < store_->FirstLogSeq()) {
    LogWarning("coordinator: log truncated under the merge cursor; re-merging every enterprise");
    // The index leaves out enterprise records, but a code with nothing but one has no view
    // to make or keep: views need a listing or an open case, and those (and any existing view)
    // are indexed.
    TH_RETURN_IF_ERROR(store_->ScanIndex(registry::kEnterpriseIndex,
                                         [&](std::string_view index_key, std::string_view) {
                                           codes.insert(std::string(index_key.substr(4)));
                                           return true;
                                         }));
    last = store_->FirstLogSeq() - 1;
  } else {
    TH_ASSIGN_OR_RETURN(auto changes, store_->ReadLog(from, kBatchChanges, kBatchBytes));
    for (const v1::Change& change : changes) {
      last = change.seq();
      const std::string code = CreditCodeOfChange(change);
      if (!code.empty()) codes.insert(code);
    }
  }
  std::vector<store::Mutation> mutations;
  for (const std::string& code : codes) {
    TH_ASSIGN_OR_RETURN(EnterpriseRecords records, ReadEnterpriseRecords(*store_, code));
    std::optional<v1::MergedEnterprise> merged = Merge(code, records);
    const std::string key = domain::MergedEnterpriseKey(code);
    TH_ASSIGN_OR_RETURN(auto stored, store_->GetLive(key));
    if (!merged.has_value()) {
      if (stored.has_value()) {
        v1::Tombstone tombstone;
        tombstone.set_region_code(stored->merged_enterprise().region_code());
        mutations.push_back({key, author_, tombstone});
      }
      continue;
    }
    if (stored.has_value() &&
        google::protobuf::util::MessageDifferencer::Equals(stored->merged_enterprise(), *merged)) {
      continue;
    }
    v1::Record record;
    *record.mutable_merged_enterprise() = std::move(*merged);
    mutations.push_back({key, author_, std::move(record)});
  }
  if (!mutations.empty()) TH_RETURN_IF_ERROR(store_->Write(std::move(mutations)).status());
  TH_RETURN_IF_ERROR(store_->SetCursor(kMergerCursor, last));
  return true;
}

void Merger::Loop() {
  absl::Duration backoff = absl::Milliseconds(100);
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    auto more = Step();
    if (!more.ok()) {
      LogWarning("coordinator: merge failed (retrying): ", more.status().ToString());
      absl::MutexLock lock(&mu_);
      timer_->AwaitWithTimeout(mu_, absl::Condition(&stopping_), backoff);
      backoff = std::min(backoff * 2, absl::Seconds(10));
      continue;
    }
    backoff = absl::Milliseconds(100);
    if (!*more) {
      // Unreadable, it fails the next Step too, which backs off: no wait on a made-up position.
      auto cursor = store_->GetCursor(kMergerCursor);
      if (!cursor.ok()) {
        LogWarning("coordinator: merge cursor unreadable (retrying): ", cursor.status().ToString());
        continue;
      }
      store_->WaitForLog(*cursor, absl::Milliseconds(200));
    }
  }
}

}  // namespace tierhub::coordinator
