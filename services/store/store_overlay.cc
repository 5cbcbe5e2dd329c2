#include "services/store/store_overlay.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "services/common/status_macros.h"
#include "services/store/down_routes.h"

namespace tierhub::store {
namespace {

namespace f = format;

// The change that wrote `s`, as far as the record itself remembers it (no base_version). Used
// only when the change's log entry has been truncated away.
v1::Change ChangeFromStored(std::string_view key, const v1::StoredRecord& s) {
  v1::Change c;
  c.set_seq(s.seq());
  c.set_origin_node(s.origin_node());
  c.set_origin_seq(s.origin_seq());
  c.set_origin_region(s.origin_region());
  *c.mutable_version() = s.version();
  *c.mutable_author() = s.author();
  c.set_key(std::string(key));
  if (s.has_record()) {
    *c.mutable_record() = s.record();
  } else {
    *c.mutable_tombstone() = s.tombstone();
  }
  return c;
}

}  // namespace

absl::Status Store::BatchBuilder::ReadCurrent(std::vector<std::string_view> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  TH_ASSIGN_OR_RETURN(std::vector<std::optional<v1::StoredRecord>> stored,
                      store_->GetMany(keys, /*sorted=*/true));
  for (size_t i = 0; i < keys.size(); ++i) current_[keys[i]].disk_ = std::move(stored[i]);
  return absl::OkStatus();
}

void Store::BatchBuilder::AppendLog(const v1::Change& change, std::string_view encoded) {
  logged_[change.seq()] = ops_.size();
  std::string entry;
  if (encoded.empty() || !f::EncodeChangeWithSeq(encoded, change.seq(), &entry)) {
    entry = change.SerializeAsString();
  }
  Stage(store_->log_, Op::kPut, f::EncodeSeq(change.seq()), std::move(entry));
  routes_scratch_.clear();
  DownRoutes(store_->options_.region_code, change, &routes_scratch_);
  for (const std::string& route : routes_scratch_) {
    Stage(store_->route_, Op::kPut, f::RouteKey(route, change.seq()));
  }
}

absl::Status Store::BatchBuilder::SetRecord(const v1::Change& change) {
  Current& current = current_.at(change.key());
  const std::string& key = change.key();
  std::vector<std::string> old_index;
  std::vector<std::string> new_index;
  if (current.exists() && current.live()) {
    TH_RETURN_IF_ERROR(Contribute(key, current.record(), -1, &old_index));
  }
  if (change.has_record()) TH_RETURN_IF_ERROR(Contribute(key, change.record(), +1, &new_index));
  for (const std::string& k : old_index) {
    if (!std::binary_search(new_index.begin(), new_index.end(), k)) {
      Stage(store_->index_, Op::kDelete, f::IndexEntryKey(k, key));
    }
  }
  for (const std::string& k : new_index) {
    if (!std::binary_search(old_index.begin(), old_index.end(), k)) {
      Stage(store_->index_, Op::kPut, f::IndexEntryKey(k, key));
    }
  }
  const std::string& log_entry = ops_[logged_.at(change.seq())].value;
  Stage(store_->records_, Op::kPut, key, f::EncodeStoredRecord(change, log_entry));
  current.staged_ = &change;
  current.disk_.reset();
  return absl::OkStatus();
}

absl::StatusOr<v1::Change> Store::BatchBuilder::ChangeOf(std::string_view key,
                                                         const Current& current) {
  if (current.staged_ != nullptr) return *current.staged_;
  const v1::StoredRecord& stored = *current.disk_;
  TH_ASSIGN_OR_RETURN(std::optional<v1::Change> entry, store_->ReadLogEntry(stored.seq()));
  if (entry.has_value() && entry->key() == key) return *std::move(entry);
  return ChangeFromStored(key, stored);
}

absl::StatusOr<rocksdb::WriteBatch*> Store::BatchBuilder::batch() {
  // One merge per counter for the whole batch: a 1000-change batch of one county's records
  // touches a few dozen counters, not a thousand.
  for (auto& [counter, delta] : counter_deltas_) {
    if (delta != 0) Stage(store_->counters_, Op::kMerge, counter, f::EncodeCounter(delta));
  }
  counter_deltas_.clear();
  // In key order per column family: each memtable insert then starts next to the previous
  // one instead of searching the skip list from the top, which roughly halves the cost of
  // a batch of random keys. Operations on the same key keep their order (stable sorts); a
  // column family staged in order already (the log, by sequence) is not sorted again.
  std::vector<std::vector<uint32_t>> by_cf;
  for (uint32_t i = 0; i < ops_.size(); ++i) {
    const uint32_t cf = ops_[i].cf->GetID();
    if (cf >= by_cf.size()) by_cf.resize(cf + 1);
    by_cf[cf].push_back(i);
  }
  auto key_less = [&](uint32_t x, uint32_t y) { return ops_[x].key < ops_[y].key; };
  for (std::vector<uint32_t>& order : by_cf) {
    if (!std::is_sorted(order.begin(), order.end(), key_less)) {
      std::stable_sort(order.begin(), order.end(), key_less);
    }
    for (uint32_t i : order) {
      const Op& op = ops_[i];
      switch (op.kind) {
        case Op::kPut:
          Note(batch_.Put(op.cf, op.key, op.value));
          break;
        case Op::kDelete:
          Note(batch_.Delete(op.cf, op.key));
          break;
        case Op::kMerge:
          Note(batch_.Merge(op.cf, op.key, op.value));
          break;
      }
    }
  }
  ops_.clear();
  if (!staging_status_.ok()) return f::FromRocks(staging_status_, "stage write batch");
  return &batch_;
}

absl::Status Store::BatchBuilder::Contribute(const std::string& key, const v1::Record& record,
                                             int sign, std::vector<std::string>* index) {
  const RecordHooks& hooks = *store_->options_.hooks;
  hooks.IndexKeys(key, record, index);
  for (const std::string& k : *index) {
    if (k.find('\0') != std::string::npos) {
      return absl::InternalError(
          absl::StrCat("RecordHooks::IndexKeys returned an index key with a NUL byte for ", key));
    }
  }
  std::sort(index->begin(), index->end());
  index->erase(std::unique(index->begin(), index->end()), index->end());
  counters_scratch_.clear();
  hooks.Counters(key, record, &counters_scratch_);
  for (const CounterDelta& c : counters_scratch_) counter_deltas_[c.key] += sign * c.delta;
  return absl::OkStatus();
}

}  // namespace tierhub::store
