// Store: committing batches (and healing after a failed write), local writes, truncation of the
// log and cursors.
#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/write_batch.h"
#include "services/common/status_macros.h"
#include "services/store/disk_watch.h"
#include "services/store/format.h"
#include "services/store/store.h"
#include "services/store/store_internal.h"
#include "services/store/store_overlay.h"

namespace tierhub::store {
namespace {

namespace f = format;
using internal::Av;
using internal::CheckKey;
using internal::JoinErrors;
using internal::View;

}  // namespace

absl::Status Store::CommitLocked(rocksdb::WriteBatch* batch, bool sync) {
  const bool resuming = !disk_->clear();
  if (resuming) {
    if (disk_->read_only()) return disk_->RefuseReadOnly();
    if (disk_->fatal()) return disk_->RefuseUntilReopened();
    const rocksdb::Status resumed = db_->Resume();
    if (!resumed.ok()) return disk_->Refuse(resumed, "resume after a failed write");
  }
  if (resuming || disk_->sentinel_gone()) KeepMemtableNonEmptyLocked();
  // RocksDB counts every key comparison in a thread-local perf context by default; on a
  // memtable insert that costs about a tenth of the write. Nothing here reads those counts.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = db_->Write(wo, batch);
  last_commit_micros_.store(absl::ToUnixMicros(options_.clock->Now()), std::memory_order_relaxed);
  if (!s.ok()) {
    if (!AnyActiveMemtableNonEmptyLocked()) {
      // Not expected with the sentinel (a flush of `meta` raced this write): resuming would
      // append to the failed log file again and abort the node (KeepMemtableNonEmptyLocked).
      disk_->SetFatal(
          "every memtable was empty when a write failed, and RocksDB 7.8 would resume onto "
          "the log file that failed");
    }
    return disk_->Refuse(s, "write batch");
  }
  if (resuming) disk_->Resumed();
  return absl::OkStatus();
}

void Store::KeepMemtableNonEmptyLocked() {
  // RocksDB 7.8's Resume() starts a new write-ahead log file only for a column family whose
  // active memtable holds data (it then also forgives the old file its error). With all of them
  // empty (a store flushed at open or by the last resume), the next write appends to the file
  // whose append or sync failed, and WritableFileWriter asserts (sync_without_flush_called_):
  // the node aborts. A tombstone in `meta`, put without the log, keeps that memtable non-empty
  // (docs/STORE_FORMAT.md). A store refusing writes refuses this too; it is put again then.
  rocksdb::WriteOptions no_wal;
  no_wal.disableWAL = true;
  if (db_->Delete(no_wal, meta_, f::kMetaWalSentinel).ok()) disk_->SentinelPut();
}

bool Store::AnyActiveMemtableNonEmptyLocked() const {
  for (rocksdb::ColumnFamilyHandle* cf :
       {records_, log_, meta_, index_, counters_, conflicts_, local_, route_, default_}) {
    uint64_t entries = 0;
    if (!db_->GetIntProperty(cf, rocksdb::DB::Properties::kNumEntriesActiveMemTable, &entries) ||
        entries > 0) {
      return true;  // unknown counts as non-empty: RocksDB decides
    }
  }
  return false;
}

absl::StatusOr<std::vector<v1::Change>> Store::Write(std::vector<Mutation> mutations,
                                                     std::vector<LocalPut> local) {
  std::vector<v1::Change> changes(mutations.size());
  std::vector<std::string> errors;
  absl::StatusCode first_code = absl::StatusCode::kOk;
  for (size_t i = 0; i < mutations.size(); ++i) {
    Mutation& m = mutations[i];
    v1::Change& c = changes[i];
    c.set_key(std::move(m.key));
    *c.mutable_author() = std::move(m.author);
    if (auto* record = std::get_if<v1::Record>(&m.body)) {
      *c.mutable_record() = std::move(*record);
    } else {
      *c.mutable_tombstone() = std::move(std::get<v1::Tombstone>(m.body));
    }
    absl::Status s = CheckKey(c.key());
    if (s.ok() && !m.validated) s = options_.hooks->Validate(c);
    if (!s.ok()) {
      if (errors.empty()) first_code = s.code();
      errors.push_back(absl::StrCat("mutation[", i, "]: ", s.message()));
    }
  }
  for (size_t i = 0; i < local.size(); ++i) {
    if (local[i].key.empty()) {
      if (errors.empty()) first_code = absl::StatusCode::kInvalidArgument;
      errors.push_back(absl::StrCat("local[", i, "]: key: empty"));
    }
  }
  if (!errors.empty()) return JoinErrors(first_code, errors);
  if (changes.empty() && local.empty()) return changes;

  absl::MutexLock lock(&write_mu_);
  BatchBuilder builder(this);
  {
    std::vector<std::string_view> keys;
    keys.reserve(changes.size());
    for (const v1::Change& c : changes) keys.push_back(c.key());
    TH_RETURN_IF_ERROR(builder.ReadCurrent(std::move(keys)));
  }
  uint64_t seq = last_seq_.load(std::memory_order_relaxed);
  uint64_t own = own_seq_.load(std::memory_order_relaxed);
  for (v1::Change& c : changes) {
    const BatchBuilder::Current& current = builder.CurrentOf(c.key());
    c.set_seq(++seq);
    c.set_origin_node(options_.node_id);
    c.set_origin_region(options_.region_code);
    c.set_origin_seq(++own);
    *c.mutable_version() = hlc_->Now();
    if (current.exists()) *c.mutable_base_version() = current.version();
    builder.AppendLog(c);
    TH_RETURN_IF_ERROR(builder.SetRecord(c));
  }
  if (!changes.empty()) {
    builder.PutMetaNumber(f::kMetaLastSeq, seq);
    builder.PutMetaNumber(f::kMetaOwnSeq, own);
    builder.PutHlc(hlc_->High());
  }
  for (LocalPut& put : local) builder.PutLocal(std::move(put.key), std::move(put.value));
  TH_ASSIGN_OR_RETURN(rocksdb::WriteBatch * batch, builder.batch());
  TH_RETURN_IF_ERROR(CommitLocked(batch, options_.sync_writes));
  if (changes.empty()) return changes;
  last_seq_.store(seq, std::memory_order_release);
  own_seq_.store(own, std::memory_order_release);
  NotifyLog();
  return changes;
}

absl::Status Store::TruncateLogBefore(uint64_t seq) {
  absl::MutexLock lock(&write_mu_);
  const uint64_t first = first_log_seq_.load(std::memory_order_relaxed);
  const uint64_t target = std::min(seq, last_seq_.load(std::memory_order_relaxed) + 1);
  if (target <= first) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  TH_RETURN_IF_ERROR(f::FromRocks(
      batch.DeleteRange(log_, f::EncodeSeq(first), f::EncodeSeq(target)), "stage truncate"));
  // The routes go with their entries: one range deletion per route (a node has a route per
  // direct child it ever sent something to, and the global one), found by skipping from one
  // route to the next.
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), route_));
    for (it->SeekToFirst(); it->Valid();) {
      std::string_view route;
      uint64_t entry_seq = 0;
      if (!f::ParseRouteKey(View(it->key()), &route, &entry_seq)) {
        return absl::DataLossError("route entry: malformed key");
      }
      const std::string name(route);
      TH_RETURN_IF_ERROR(
          f::FromRocks(batch.DeleteRange(route_, f::RouteKey(name, 0), f::RouteKey(name, target)),
                       "stage truncate"));
      it->Seek(f::PrefixSuccessor(name));
    }
    TH_RETURN_IF_ERROR(f::FromRocks(it->status(), "list routes"));
  }
  TH_RETURN_IF_ERROR(
      f::FromRocks(batch.Put(meta_, f::kMetaLogFirst, f::EncodeSeq(target)), "stage truncate"));
  TH_RETURN_IF_ERROR(CommitLocked(&batch, /*sync=*/true));
  first_log_seq_.store(target, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status Store::SetCursor(std::string_view name, uint64_t value) {
  if (name.empty()) return absl::InvalidArgumentError("cursor name: empty");
  rocksdb::WriteBatch batch;
  TH_RETURN_IF_ERROR(f::FromRocks(
      batch.Put(meta_, absl::StrCat(f::kMetaCursorPrefix, Av(name)), f::EncodeSeq(value)),
      "stage cursor"));
  absl::MutexLock lock(&write_mu_);
  return CommitLocked(&batch, /*sync=*/true);
}

}  // namespace tierhub::store
