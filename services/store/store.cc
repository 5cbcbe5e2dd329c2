#include "services/store/store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rocksdb/db.h"
#include "rocksdb/metadata.h"
#include "rocksdb/options.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/store/disk_watch.h"
#include "services/store/down_routes.h"
#include "services/store/format.h"
#include "services/store/rocks_logger.h"
#include "services/store/rocks_options.h"

namespace tierhub::store {
namespace {

namespace f = format;

// Room beyond the write-ahead logs that opening a store for writing needs (ReopenReason).
constexpr uint64_t kReopenMarginBytes = 4 << 20;

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// Debian's Abseil has its own string_view, which StrCat does not take from std::string_view.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Calls fn(key, value) for each entry of `cf` whose key starts with `prefix` (and is greater
// than `after`, if given), until fn returns false or an error. One iterator, bounded by the
// prefix: memory does not grow with the range, and a scan that starts after a key costs
// nothing for the keys before it.
template <typename Fn>
absl::Status ForEachWithPrefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                               std::string_view prefix, std::string_view what, Fn fn,
                               std::string_view after = {}) {
  rocksdb::ReadOptions ro;
  const std::string upper = f::PrefixSuccessor(prefix);
  const rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  const bool resume = after > prefix;
  const std::string_view start = resume ? after : prefix;
  it->Seek(rocksdb::Slice(start.data(), start.size()));
  if (resume && it->Valid() && View(it->key()) == after) it->Next();
  for (; it->Valid(); it->Next()) {
    absl::StatusOr<bool> more = fn(View(it->key()), View(it->value()));
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
  return f::FromRocks(it->status(), what);
}

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

absl::Status CheckKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("key: empty");
  return absl::OkStatus();
}

// Joins per-item errors into one status carrying the first error's code.
absl::Status JoinErrors(absl::StatusCode code, const std::vector<std::string>& errors) {
  return absl::Status(
      code,
      absl::StrCat(errors.size(), " bad item(s), nothing written: ", absl::StrJoin(errors, "; ")));
}

// fsyncs every regular file under `dir`, then `dir` and its parent, so a restored backup
// survives a power loss right after OpenFromBackup returns.
absl::Status SyncTree(const std::filesystem::path& dir) {
  auto sync_path = [](const std::filesystem::path& p, int flags) -> absl::Status {
    const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return absl::UnavailableError(absl::StrCat("open ", p.string(), " for fsync"));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return absl::UnavailableError(absl::StrCat("fsync ", p.string()));
    return absl::OkStatus();
  };
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) TH_RETURN_IF_ERROR(sync_path(entry.path(), O_RDONLY));
  }
  if (ec) return absl::UnavailableError(absl::StrCat("list ", dir.string(), ": ", ec.message()));
  TH_RETURN_IF_ERROR(sync_path(dir, O_RDONLY | O_DIRECTORY));
  return sync_path(std::filesystem::absolute(dir).parent_path(), O_RDONLY | O_DIRECTORY);
}

}  // namespace

// Accumulates one call's mutations into a single WriteBatch. Keeps an overlay of the records
// and log entries already staged, so that a later change in the same batch sees the earlier
// ones exactly as a later batch would.
class Store::BatchBuilder {
 public:
  // The record under one key as of everything staged so far: as read from the store, or the
  // last staged change that wrote it (borrowed, not copied).
  class Current {
   public:
    bool exists() const { return staged_ != nullptr || disk_.has_value(); }
    bool live() const { return staged_ != nullptr ? staged_->has_record() : IsLive(*disk_); }
    // REQUIRES: exists().
    const v1::Version& version() const {
      return staged_ != nullptr ? staged_->version() : disk_->version();
    }
    // REQUIRES: live().
    const v1::Record& record() const {
      return staged_ != nullptr ? staged_->record() : disk_->record();
    }

   private:
    friend class BatchBuilder;
    std::optional<v1::StoredRecord> disk_;
    const v1::Change* staged_ = nullptr;
  };

  explicit BatchBuilder(const Store* store) : store_(store) {}

  // Reads the current records of every key this batch will write, in batched lookups
  // (GetMany). REQUIRES: called once, before CurrentOf; `keys` view changes' keys, which
  // outlive the builder.
  absl::Status ReadCurrent(std::vector<std::string_view> keys) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    TH_ASSIGN_OR_RETURN(std::vector<std::optional<v1::StoredRecord>> stored,
                        store_->GetMany(keys, /*sorted=*/true));
    for (size_t i = 0; i < keys.size(); ++i) current_[keys[i]].disk_ = std::move(stored[i]);
    return absl::OkStatus();
  }

  // The record under `key` as of everything staged so far; SetRecord changes what it
  // describes. REQUIRES: `key` was among ReadCurrent's keys.
  const Current& CurrentOf(const std::string& key) const { return current_.at(key); }

  // Stages `change` as its log entry. REQUIRES: `change` stays alive and unchanged while this
  // builder is in use (a later change in the same batch may read it as the current record).
  // `encoded`, if not empty, is `change` as received (the bytes it was parsed from, with any
  // seq): the entry is then those bytes with this node's seq, not a second serialization.
  void AppendLog(const v1::Change& change, std::string_view encoded = {}) {
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

  // Makes the logged `change` the record under its key, adding and removing index entries and
  // counter contributions by the difference to the current record. REQUIRES: ReadCurrent read
  // its key, and AppendLog(change) was called.
  absl::Status SetRecord(const v1::Change& change) {
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

  // The change that wrote the current record: the staged change, or its log entry on disk if
  // still retained. REQUIRES: current.exists().
  absl::StatusOr<v1::Change> ChangeOf(std::string_view key, const Current& current) {
    if (current.staged_ != nullptr) return *current.staged_;
    const v1::StoredRecord& stored = *current.disk_;
    TH_ASSIGN_OR_RETURN(std::optional<v1::Change> entry, store_->ReadLogEntry(stored.seq()));
    if (entry.has_value() && entry->key() == key) return *std::move(entry);
    return ChangeFromStored(key, stored);
  }

  void PutConflict(const v1::Conflict& conflict) {
    Stage(store_->conflicts_, Op::kPut, f::ConflictKey(conflict.key(), conflict.detected_seq()),
          conflict.SerializeAsString());
  }

  void PutMetaNumber(std::string_view key, uint64_t value) { PutMeta(key, f::EncodeSeq(value)); }

  void PutMeta(std::string_view key, std::string value) {
    Stage(store_->meta_, Op::kPut, std::string(key), std::move(value));
  }

  void PutLocal(std::string key, std::string value) {
    Stage(store_->local_, Op::kPut, std::move(key), std::move(value));
  }

  void PutHlc(const v1::Version& high) {
    Stage(store_->meta_, Op::kPut, f::kMetaHlc, high.SerializeAsString());
  }

  // The batch, or the first error met while staging it. REQUIRES: called once, at the end.
  absl::StatusOr<rocksdb::WriteBatch*> batch() {
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

 private:
  // Adds sign * the record's counter contributions to the batch's, and sets `index` to its
  // index keys, sorted and without repeats.
  absl::Status Contribute(const std::string& key, const v1::Record& record, int sign,
                          std::vector<std::string>* index) {
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

  struct Op {
    enum Kind { kPut, kDelete, kMerge };
    rocksdb::ColumnFamilyHandle* cf;
    Kind kind;
    std::string key;
    std::string value;
  };

  void Stage(rocksdb::ColumnFamilyHandle* cf, Op::Kind kind, std::string key,
             std::string value = "") {
    ops_.push_back(Op{cf, kind, std::move(key), std::move(value)});
  }

  void Note(const rocksdb::Status& s) {
    if (!s.ok() && staging_status_.ok()) staging_status_ = s;
  }

  const Store* store_;
  rocksdb::WriteBatch batch_;
  rocksdb::Status staging_status_;
  // Keyed by views of the changes' keys, which outlive the builder (see ReadCurrent).
  absl::node_hash_map<std::string_view, Current> current_;
  std::vector<Op> ops_;  // staged in call order; written to batch_ sorted, by batch()
  absl::flat_hash_map<uint64_t, size_t> logged_;  // seq -> its log entry's place in ops_
  absl::flat_hash_map<std::string, int64_t> counter_deltas_;  // staged by batch()
  std::vector<CounterDelta> counters_scratch_;
  std::vector<std::string> routes_scratch_;
};

Store::Store(Options options)
    : options_(std::move(options)),
      hlc_(std::make_unique<HybridLogicalClock>(options_.clock, options_.node_id)),
      disk_(std::make_unique<DiskWatch>(
          options_.env != nullptr ? options_.env : rocksdb::Env::Default(), options_.clock,
          options_.path)) {}

Store::~Store() {
  if (db_ == nullptr) return;
  // Errors here cannot be reported; every batch was already committed (and synced, if asked).
  for (rocksdb::ColumnFamilyHandle* h :
       {records_, log_, meta_, index_, counters_, conflicts_, local_, route_, default_}) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(Options options) {
  if (options.path.empty()) return absl::InvalidArgumentError("options.path: empty");
  if (options.node_id.empty()) return absl::InvalidArgumentError("options.node_id: empty");
  if (options.clock == nullptr) return absl::InvalidArgumentError("options.clock: null");
  if (options.hooks == nullptr) return absl::InvalidArgumentError("options.hooks: null");
  if (options.block_cache_mb == 0) {
    return absl::InvalidArgumentError("options.block_cache_mb: must be > 0");
  }
  std::unique_ptr<Store> store(new Store(std::move(options)));
  TH_RETURN_IF_ERROR(store->OpenDb());
  TH_RETURN_IF_ERROR(store->Recover());
  return store;
}

absl::StatusOr<std::unique_ptr<Store>> Store::OpenFromBackup(const std::string& backup_dir,
                                                             const std::string& target_dir,
                                                             Options options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("backup directory ", backup_dir, " not found"));
  }
  if (fs::exists(target_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("restore target ", target_dir, " already exists"));
  }
  fs::copy(backup_dir, target_dir, fs::copy_options::recursive, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("copy backup ", backup_dir, " to ", target_dir, ": ", ec.message()));
  }
  TH_RETURN_IF_ERROR(SyncTree(target_dir));
  options.path = target_dir;
  return Open(std::move(options));
}

absl::Status Store::OpenDb() {
  RocksOptions rocks = StoreRocksOptions(options_.block_cache_mb, options_.env);
  {
    rocksdb::Env* env = options_.env != nullptr ? options_.env : rocksdb::Env::Default();
    std::shared_ptr<rocksdb::FileSystem> fs = env->GetFileSystem();
    // The logger opens its file before RocksDB would create the directory. A full disk may
    // refuse this too; DB::Open then says why.
    fs->CreateDirIfMissing(options_.path, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    rocks.db.info_log = RocksLogger::Open(fs, options_.path, rocks.db.info_log_level);
  }
  rocks.db.listeners.push_back(disk_->listener());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(rocks.db, options_.path, rocks.column_families, &handles, &db);
  if (IsDiskFull(s) && options_.read_only_if_disk_full) {
    // Opening for writing writes a new MANIFEST, an OPTIONS file and the recovered write-ahead
    // log's tables; opening read-only writes nothing and serves the same data.
    handles.clear();
    const rocksdb::Status ro =
        rocksdb::DB::OpenForReadOnly(rocks.db, options_.path, rocks.column_families, &handles, &db);
    if (ro.ok()) {
      disk_->SetReadOnly(s);
      s = ro;
    } else {
      LogWarning("store at ", options_.path, ": cannot open read-only either: ", ro.ToString());
    }
  }
  if (!s.ok()) {
    if (IsDiskFull(s)) return disk_->Refuse(s, "open");
    return f::FromRocks(s, absl::StrCat("open store at ", options_.path));
  }
  db_.reset(db);
  default_ = handles[kDefaultPos];
  records_ = handles[kRecordsPos];
  log_ = handles[kLogPos];
  meta_ = handles[kMetaPos];
  index_ = handles[kIndexPos];
  counters_ = handles[kCountersPos];
  conflicts_ = handles[kConflictsPos];
  local_ = handles[kLocalPos];
  route_ = handles[kRoutePos];
  if (!disk_->read_only()) {
    absl::MutexLock lock(&write_mu_);
    KeepMemtableNonEmptyLocked();
  }
  return absl::OkStatus();
}

absl::Status Store::Recover() {
  TH_ASSIGN_OR_RETURN(std::optional<std::string> owner, GetRaw(meta_, f::kMetaNodeId));
  if (!owner.has_value() && disk_->read_only()) return disk_->RefuseReadOnly();
  if (!owner.has_value()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    TH_RETURN_IF_ERROR(
        f::FromRocks(db_->Put(wo, meta_, f::kMetaNodeId, options_.node_id), "record store owner"));
  } else if (*owner != options_.node_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store at ", options_.path, " belongs to node ", *owner, ", not ", options_.node_id));
  }

  TH_ASSIGN_OR_RETURN(const uint64_t last_seq, GetMetaNumber(f::kMetaLastSeq));
  TH_ASSIGN_OR_RETURN(const uint64_t own_seq, GetMetaNumber(f::kMetaOwnSeq));
  TH_ASSIGN_OR_RETURN(std::optional<std::string> log_first_raw, GetRaw(meta_, f::kMetaLogFirst));
  uint64_t log_first = 1;
  if (log_first_raw.has_value() && !f::DecodeSeq(*log_first_raw, &log_first)) {
    return absl::DataLossError("meta log_first: malformed");
  }

  // The meta numbers and the log are written in the same batches; if they disagree the files
  // were damaged or edited, and serving on would hand out reused sequence numbers.
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_));
    it->SeekToLast();
    TH_RETURN_IF_ERROR(f::FromRocks(it->status(), "read log tail"));
    uint64_t tail = 0;
    if (it->Valid() && !f::DecodeSeq(View(it->key()), &tail)) {
      return absl::DataLossError("log key: malformed");
    }
    const bool expect_entries = last_seq >= log_first;
    if (it->Valid() != expect_entries || (it->Valid() && tail != last_seq)) {
      return absl::DataLossError(absl::StrCat("log tail ", it->Valid() ? tail : 0,
                                              " disagrees with meta last_seq ", last_seq,
                                              " (log_first ", log_first, ")"));
    }
  }

  TH_ASSIGN_OR_RETURN(std::optional<std::string> hlc_raw, GetRaw(meta_, f::kMetaHlc));
  if (hlc_raw.has_value()) {
    v1::Version high;
    if (!high.ParseFromString(*hlc_raw)) return absl::DataLossError("meta hlc: malformed");
    hlc_->Observe(high);
  }

  TH_ASSIGN_OR_RETURN(std::optional<std::string> route_region, GetRaw(meta_, f::kMetaRouteRegion));
  if (route_region != options_.region_code) {
    if (disk_->read_only()) {
      routes_missing_ = true;  // cannot build them; ReadLogRouted refuses until reopened
    } else {
      TH_RETURN_IF_ERROR(RebuildRoutes(log_first, last_seq, route_region.has_value()));
    }
  }

  auto watermarks = Watermarks();
  if (!watermarks.ok()) return watermarks.status();
  TH_ASSIGN_OR_RETURN(auto origins, OriginsLast());
  absl::MutexLock lock(&write_mu_);
  watermarks_.clear();
  watermarks_.insert(watermarks->begin(), watermarks->end());
  origin_regions_.clear();
  for (auto& [origin, last] : origins) origin_regions_.emplace(origin, std::move(last.region_code));
  last_seq_.store(last_seq, std::memory_order_release);
  own_seq_.store(own_seq, std::memory_order_release);
  first_log_seq_.store(log_first, std::memory_order_release);
  // Idle time counts from the open: a node just restarted is about to take writes.
  last_commit_micros_.store(absl::ToUnixMicros(options_.clock->Now()), std::memory_order_relaxed);
  return absl::OkStatus();
}

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

absl::StatusOr<ApplyResult> Store::ApplyRemote(std::vector<v1::Change> changes,
                                               const ApplyOptions& options,
                                               std::vector<std::string> encoded) {
  ApplyResult result;
  if (changes.empty() && options.cursor_name.empty()) return result;
  if (!encoded.empty() && encoded.size() != changes.size()) {
    return absl::InvalidArgumentError(absl::StrCat("ApplyRemote: ", encoded.size(),
                                                   " encodings for ", changes.size(), " changes"));
  }
  absl::MutexLock lock(&write_mu_);

  // Pass 1: decide duplicates and refuse gaps and bad changes before staging anything.
  std::map<std::string, uint64_t> next_watermarks;
  std::map<std::string, std::string> next_regions;  // origin -> the region it is bound to
  std::vector<bool> accepted(changes.size(), false);
  std::vector<std::string> errors;
  absl::StatusCode first_code = absl::StatusCode::kOk;
  auto bad = [&](size_t i, const absl::Status& s) {
    if (errors.empty()) first_code = s.code();
    errors.push_back(absl::StrCat("change[", i, "]: ", s.message()));
  };
  // A version from further ahead than a clock can drift would drag this node's clock (and, once
  // it travels on, every node's) with it, and win every later edit: refuse it. The sender's
  // link stays stuck, loudly, until its clock is fixed or real time reaches the version.
  const int64_t latest_micros = absl::ToUnixMicros(options_.clock->Now() + kMaxClockAhead);
  auto check_time = [&](const v1::Change& c) -> absl::Status {
    if (c.version().wall_micros() <= latest_micros) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "version: ", absl::FormatTime(absl::FromUnixMicros(c.version().wall_micros())),
        " is more than ", absl::FormatDuration(kMaxClockAhead),
        " ahead of this node's clock; the clock of ", c.version().origin_node(), " is wrong"));
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    const v1::Change& c = changes[i];
    const std::string& origin = c.origin_node();
    if (origin.empty()) {
      bad(i, absl::InvalidArgumentError("origin_node: empty"));
      continue;
    }
    if (origin == options_.node_id) {
      bad(i, absl::InvalidArgumentError(absl::StrCat(
                 "origin_node: ", origin, " is this node; a node never applies its own changes")));
      continue;
    }
    if (c.origin_seq() == 0) {
      bad(i, absl::InvalidArgumentError("origin_seq: must be >= 1"));
      continue;
    }
    if (!options.enforce_origin_order) {
      accepted[i] = true;
      absl::Status s = CheckKey(c.key());
      if (s.ok() && !c.has_version()) s = absl::InvalidArgumentError("version: missing");
      if (s.ok()) s = check_time(c);
      if (s.ok() && !c.has_record() && !c.has_tombstone()) {
        s = absl::InvalidArgumentError("body: neither record nor tombstone");
      }
      if (s.ok()) s = options_.hooks->Validate(c);
      if (!s.ok()) bad(i, s);
      continue;
    }
    auto [bound, unseen] = next_regions.try_emplace(origin, c.origin_region());
    if (unseen) {
      auto cached = origin_regions_.find(origin);
      if (cached != origin_regions_.end()) bound->second = cached->second;
    }
    if (bound->second != c.origin_region()) {
      return absl::PermissionDeniedError(
          absl::StrCat("origin_node: ", origin, " is bound to region ", bound->second,
                       " at this node, but change[", i, "] (origin_seq ", c.origin_seq(),
                       ") claims region ", c.origin_region(), "; batch refused, nothing written"));
    }
    auto [wm, inserted] = next_watermarks.try_emplace(origin, 0);
    if (inserted) {
      auto cached = watermarks_.find(origin);
      if (cached != watermarks_.end()) wm->second = cached->second;
    }
    if (c.origin_seq() <= wm->second) {
      ++result.duplicates;
      continue;
    }
    if (c.origin_seq() != wm->second + 1) {
      return absl::FailedPreconditionError(absl::StrCat(
          "gap in changes from origin ", origin, ": expected origin_seq ", wm->second + 1, ", got ",
          c.origin_seq(), " (change[", i, "]); batch refused, nothing written"));
    }
    wm->second = c.origin_seq();
    accepted[i] = true;
    absl::Status s = CheckKey(c.key());
    if (s.ok() && !c.has_version()) s = absl::InvalidArgumentError("version: missing");
    if (s.ok() && c.version().origin_node() != origin) {
      s = absl::InvalidArgumentError(
          absl::StrCat("version.origin_node: ", c.version().origin_node(),
                       " differs from origin_node ", origin));
    }
    if (s.ok()) s = check_time(c);
    if (s.ok() && !c.has_record() && !c.has_tombstone()) {
      s = absl::InvalidArgumentError("body: neither record nor tombstone");
    }
    if (s.ok()) s = options_.hooks->Validate(c);
    if (!s.ok()) bad(i, s);
  }
  if (!errors.empty()) return JoinErrors(first_code, errors);

  // Pass 2: stage every accepted change.
  BatchBuilder builder(this);
  {
    std::vector<std::string_view> keys;
    for (size_t i = 0; i < changes.size(); ++i) {
      if (accepted[i]) keys.push_back(changes[i].key());
    }
    TH_RETURN_IF_ERROR(builder.ReadCurrent(std::move(keys)));
  }
  uint64_t seq = last_seq_.load(std::memory_order_relaxed);
  std::map<std::string_view, const v1::Change*> last_of_origin;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (!accepted[i]) continue;
    v1::Change& c = changes[i];  // stamped in place; the builder borrows it until the commit
    hlc_->Observe(c.version());
    // A reference, not a copy: SetRecord below changes it, and nothing reads it after that.
    const BatchBuilder::Current& current = builder.CurrentOf(c.key());
    if (!options.enforce_origin_order && current.exists()) {
      // Without watermarks, a version already stored means the change arrived before (e.g.
      // through a snapshot); in a snapshot, anything not newer is already superseded here.
      const int order = CompareVersions(c.version(), current.version());
      if (order == 0 || (options.snapshot && order < 0)) {
        ++result.duplicates;
        continue;
      }
      if (options.snapshot) {
        *c.mutable_base_version() = current.version();  // no concurrent edit
        if (!encoded.empty()) encoded[i].clear();       // no longer what was received
      }
    }
    c.set_seq(++seq);
    builder.AppendLog(c, encoded.empty() ? std::string_view() : encoded[i]);
    // An origin's changes come in its order, and its clock only moves forward: the last is
    // the newest.
    if (options.enforce_origin_order) last_of_origin[c.origin_node()] = &c;
    ++result.applied;
    if (!current.exists()) {
      TH_RETURN_IF_ERROR(builder.SetRecord(c));
      continue;
    }
    const int order = CompareVersions(c.version(), current.version());
    if (order == 0) continue;  // This very version is already stored; nothing is lost.
    const bool concurrent =
        !c.has_base_version() || CompareVersions(c.base_version(), current.version()) != 0;
    v1::Conflict conflict;
    conflict.set_key(c.key());
    conflict.set_detected_seq(c.seq());
    if (order > 0) {
      if (concurrent) {
        TH_ASSIGN_OR_RETURN(*conflict.mutable_loser(), builder.ChangeOf(c.key(), current));
        *conflict.mutable_winner() = c.version();
      }
      TH_RETURN_IF_ERROR(builder.SetRecord(c));
      if (!concurrent) continue;
    } else {
      // Older than what is stored: it loses whether or not it claims to build on it.
      *conflict.mutable_loser() = c;
      *conflict.mutable_winner() = current.version();
    }
    builder.PutConflict(conflict);
    ++result.conflicts;
  }
  for (const auto& [origin, wm] : next_watermarks) {
    builder.PutMetaNumber(absl::StrCat(f::kMetaWatermarkPrefix, Av(origin)), wm);
  }
  for (const auto& [origin, c] : last_of_origin) {
    builder.PutMeta(absl::StrCat(f::kMetaOriginPrefix, Av(origin)),
                    f::EncodeOriginLast(c->version().wall_micros(), c->origin_region()));
  }
  if (!options.cursor_name.empty()) {
    builder.PutMetaNumber(absl::StrCat(f::kMetaCursorPrefix, Av(options.cursor_name)),
                          options.cursor_value);
  }
  builder.PutMetaNumber(f::kMetaLastSeq, seq);
  builder.PutHlc(hlc_->High());
  TH_ASSIGN_OR_RETURN(rocksdb::WriteBatch * batch, builder.batch());
  TH_RETURN_IF_ERROR(CommitLocked(batch, options_.sync_writes));
  for (const auto& [origin, wm] : next_watermarks) watermarks_[origin] = wm;
  for (const auto& [origin, c] : last_of_origin) {
    origin_regions_.try_emplace(std::string(origin), c->origin_region());
  }
  last_seq_.store(seq, std::memory_order_release);
  NotifyLog();
  return result;
}

absl::StatusOr<std::optional<std::string>> Store::GetRaw(rocksdb::ColumnFamilyHandle* cf,
                                                         std::string_view key) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf, rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return f::FromRocks(s, absl::StrCat("get ", cf->GetName(), " ", Av(key)));
  return value;
}

absl::StatusOr<uint64_t> Store::GetMetaNumber(std::string_view key) const {
  TH_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(meta_, key));
  uint64_t value = 0;
  if (raw.has_value() && !f::DecodeSeq(*raw, &value)) {
    return absl::DataLossError(absl::StrCat("meta ", Av(key), ": malformed"));
  }
  return value;
}

absl::StatusOr<std::optional<v1::StoredRecord>> Store::Get(std::string_view key) const {
  TH_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(records_, key));
  if (!raw.has_value()) return std::nullopt;
  v1::StoredRecord stored;
  if (!stored.ParseFromString(*raw)) {
    return absl::DataLossError(absl::StrCat("record ", Av(key), ": malformed"));
  }
  return stored;
}

absl::StatusOr<std::vector<std::optional<v1::StoredRecord>>> Store::GetMany(
    const std::vector<std::string_view>& keys, bool sorted) const {
  std::vector<std::optional<v1::StoredRecord>> out(keys.size());
  constexpr size_t kChunk = 1024;
  std::vector<rocksdb::Slice> slices;
  std::vector<rocksdb::PinnableSlice> values(std::min(kChunk, keys.size()));
  std::vector<rocksdb::Status> statuses(values.size());
  for (size_t at = 0; at < keys.size(); at += kChunk) {
    const size_t n = std::min(kChunk, keys.size() - at);
    slices.clear();
    for (size_t i = 0; i < n; ++i) slices.emplace_back(keys[at + i].data(), keys[at + i].size());
    db_->MultiGet(rocksdb::ReadOptions(), records_, n, slices.data(), values.data(),
                  statuses.data(), sorted);
    for (size_t i = 0; i < n; ++i) {
      if (statuses[i].IsNotFound()) continue;
      const std::string_view key = keys[at + i];
      if (!statuses[i].ok()) return f::FromRocks(statuses[i], absl::StrCat("get ", Av(key)));
      if (!out[at + i].emplace().ParseFromArray(values[i].data(),
                                                static_cast<int>(values[i].size()))) {
        return absl::DataLossError(absl::StrCat("record ", Av(key), ": malformed"));
      }
      values[i].Reset();
    }
  }
  return out;
}

absl::StatusOr<std::optional<std::string>> Store::GetLocal(std::string_view key) const {
  return GetRaw(local_, key);
}

absl::Status Store::ScanLocal(
    std::string_view prefix,
    absl::FunctionRef<bool(std::string_view key, std::string_view value)> fn) const {
  return ForEachWithPrefix(
      db_.get(), local_, prefix, "scan local",
      [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
        return fn(key, value);
      });
}

absl::StatusOr<std::optional<v1::Record>> Store::GetLive(std::string_view key) const {
  TH_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> stored, Get(key));
  if (!stored.has_value() || !IsLive(*stored)) return std::nullopt;
  return std::move(*stored->mutable_record());
}

void Store::NotifyLog() const {
  absl::MutexLock lock(&notify_mu_);
  log_cv_.SignalAll();
}

bool Store::WaitForLog(uint64_t after_seq, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&notify_mu_);
  while (LastSeq() <= after_seq) {
    if (log_cv_.WaitWithDeadline(&notify_mu_, deadline)) break;
  }
  return LastSeq() > after_seq;
}

absl::StatusOr<uint64_t> Store::ScanSnapshot(
    absl::FunctionRef<bool(std::string_view key, const v1::StoredRecord& stored)> fn) const {
  const rocksdb::Snapshot* snapshot = nullptr;
  uint64_t seq = 0;
  {
    // Under the writer lock, so that the snapshot and LastSeq() describe the same point.
    absl::MutexLock lock(&write_mu_);
    snapshot = db_->GetSnapshot();
    seq = LastSeq();
  }
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, records_));
  v1::StoredRecord stored;
  absl::Status status;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      status = absl::DataLossError(absl::StrCat("record ", it->key().ToString(), ": malformed"));
      break;
    }
    if (!fn(View(it->key()), stored)) break;
  }
  if (status.ok()) status = f::FromRocks(it->status(), "snapshot scan");
  it.reset();
  db_->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  return seq;
}

absl::Status Store::ScanRecords(
    std::string_view prefix,
    absl::FunctionRef<bool(std::string_view key, const v1::StoredRecord& stored)> fn,
    std::string_view after_key) const {
  v1::StoredRecord stored;
  return ForEachWithPrefix(
      db_.get(), records_, prefix, "scan records",
      [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
        if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(absl::StrCat("record ", Av(key), ": malformed"));
        }
        return fn(key, stored);
      },
      after_key);
}

absl::Status Store::ScanIndex(
    std::string_view prefix,
    absl::FunctionRef<bool(std::string_view index_key, std::string_view record_key)> fn,
    const IndexPosition& after) const {
  const std::string after_entry =
      after.index_key.empty() ? std::string() : f::IndexEntryKey(after.index_key, after.record_key);
  return ForEachWithPrefix(
      db_.get(), index_, prefix, "scan index",
      [&](std::string_view entry, std::string_view) -> absl::StatusOr<bool> {
        std::string_view index_key;
        std::string_view record_key;
        if (!f::ParseIndexEntryKey(entry, &index_key, &record_key)) {
          return absl::DataLossError("index entry: no separator");
        }
        return fn(index_key, record_key);
      },
      after_entry);
}

absl::StatusOr<std::optional<v1::Change>> Store::ReadLogEntry(uint64_t seq) const {
  TH_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(log_, f::EncodeSeq(seq)));
  if (!raw.has_value()) return std::nullopt;
  v1::Change change;
  if (!change.ParseFromString(*raw)) {
    return absl::DataLossError(absl::StrCat("log entry ", seq, ": malformed"));
  }
  return change;
}

absl::StatusOr<std::vector<v1::Change>> Store::ReadLog(uint64_t from_seq, size_t max_changes,
                                                       size_t max_bytes) const {
  uint64_t covered = 0;
  return ReadLogFiltered(
      from_seq, max_changes, max_bytes, [](std::string_view) { return true; }, &covered);
}

absl::StatusOr<uint64_t> Store::ForEachLogEntry(
    uint64_t from_seq, size_t max_entries,
    absl::FunctionRef<absl::StatusOr<bool>(uint64_t seq, std::string_view entry)> fn) const {
  if (from_seq == 0) return absl::InvalidArgumentError("from_seq: must be >= 1");
  if (max_entries == 0) return absl::InvalidArgumentError("max_changes: must be >= 1");
  uint64_t first_seen = 0;
  uint64_t covered = from_seq - 1;
  size_t seen = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_));
  for (it->Seek(f::EncodeSeq(from_seq)); it->Valid() && seen < max_entries; it->Next()) {
    uint64_t seq = 0;
    if (!f::DecodeSeq(View(it->key()), &seq)) {
      return absl::DataLossError(absl::StrCat("log entry after seq ", from_seq, ": malformed"));
    }
    if (first_seen == 0) first_seen = seq;
    log_entries_read_.fetch_add(1, std::memory_order_relaxed);
    TH_ASSIGN_OR_RETURN(const bool more, fn(seq, View(it->value())));
    if (!more) break;
    covered = seq;
    ++seen;
  }
  TH_RETURN_IF_ERROR(f::FromRocks(it->status(), "read log"));
  // The log is dense, so a first entry past from_seq (or none, below the retained range) means
  // from_seq was truncated away while or before we looked.
  const uint64_t first = FirstLogSeq();
  if ((first_seen != 0 && first_seen != from_seq) || (first_seen == 0 && from_seq < first)) {
    return absl::FailedPreconditionError(absl::StrCat("log truncated: seq ", from_seq,
                                                      " is below the first retained seq ", first,
                                                      "; resynchronise from a snapshot"));
  }
  return covered;
}

absl::StatusOr<uint64_t> Store::ForEachKeptLogEntry(
    uint64_t from_seq, size_t max_changes, size_t max_bytes,
    absl::FunctionRef<bool(std::string_view origin_region)> keep,
    absl::FunctionRef<absl::Status(uint64_t seq, std::string_view entry)> fn) const {
  size_t bytes = 0;
  bool any = false;
  return ForEachLogEntry(
      from_seq, max_changes, [&](uint64_t seq, std::string_view entry) -> absl::StatusOr<bool> {
        std::string_view origin_region;
        if (!f::FindStringField(entry, v1::Change::kOriginRegionFieldNumber, &origin_region)) {
          return absl::DataLossError(absl::StrCat("log entry ", seq, ": malformed"));
        }
        if (!keep(origin_region)) return true;
        if (any && bytes + entry.size() > max_bytes) return false;
        TH_RETURN_IF_ERROR(fn(seq, entry));
        any = true;
        bytes += entry.size();
        return true;
      });
}

absl::StatusOr<std::vector<v1::Change>> Store::ReadLogFiltered(
    uint64_t from_seq, size_t max_changes, size_t max_bytes,
    absl::FunctionRef<bool(std::string_view origin_region)> keep, uint64_t* covered) const {
  std::vector<v1::Change> out;
  TH_ASSIGN_OR_RETURN(
      *covered, ForEachKeptLogEntry(
                    from_seq, max_changes, max_bytes, keep,
                    [&](uint64_t seq, std::string_view entry) -> absl::Status {
                      v1::Change& change = out.emplace_back();
                      if (!change.ParseFromArray(entry.data(), static_cast<int>(entry.size())) ||
                          change.seq() != seq) {
                        return absl::DataLossError(absl::StrCat("log entry ", seq, ": malformed"));
                      }
                      return absl::OkStatus();
                    }));
  return out;
}

absl::StatusOr<std::vector<std::string>> Store::ReadLogEncoded(
    uint64_t from_seq, size_t max_changes, size_t max_bytes,
    absl::FunctionRef<bool(std::string_view origin_region)> keep, uint64_t* covered) const {
  std::vector<std::string> out;
  TH_ASSIGN_OR_RETURN(*covered,
                      ForEachKeptLogEntry(from_seq, max_changes, max_bytes, keep,
                                          [&](uint64_t, std::string_view entry) -> absl::Status {
                                            out.emplace_back(entry);
                                            return absl::OkStatus();
                                          }));
  return out;
}

absl::Status Store::RebuildRoutes(uint64_t log_first, uint64_t last_seq, bool had_routes) {
  absl::MutexLock lock(&write_mu_);
  const absl::Time start = absl::Now();
  if (had_routes) {
    // Built for another region: none of them is right any more.
    rocksdb::WriteBatch clear;
    TH_RETURN_IF_ERROR(f::FromRocks(clear.DeleteRange(route_, "", "\xff"), "stage route reset"));
    TH_RETURN_IF_ERROR(CommitLocked(&clear, /*sync=*/false));
  }
  // Puts only, so a crash half-way leaves nothing wrong: the next open (still without
  // kMetaRouteRegion) starts again from the first retained entry.
  constexpr size_t kBatchEntries = 4096;
  uint64_t entries = 0;
  rocksdb::WriteBatch batch;
  std::vector<std::string> routes;
  v1::Change change;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_));
  for (it->Seek(f::EncodeSeq(log_first)); it->Valid(); it->Next()) {
    uint64_t seq = 0;
    if (!f::DecodeSeq(View(it->key()), &seq) || seq > last_seq ||
        !change.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("log entry after ", log_first + entries,
                                              ": malformed; cannot build the routes"));
    }
    routes.clear();
    DownRoutes(options_.region_code, change, &routes);
    for (const std::string& route : routes) {
      TH_RETURN_IF_ERROR(
          f::FromRocks(batch.Put(route_, f::RouteKey(route, seq), ""), "stage route"));
    }
    if (++entries % kBatchEntries == 0) {
      TH_RETURN_IF_ERROR(CommitLocked(&batch, /*sync=*/false));
      batch.Clear();
    }
  }
  TH_RETURN_IF_ERROR(f::FromRocks(it->status(), "read log for routes"));
  TH_RETURN_IF_ERROR(f::FromRocks(batch.Put(meta_, f::kMetaRouteRegion, options_.region_code),
                                  "stage route region"));
  TH_RETURN_IF_ERROR(CommitLocked(&batch, /*sync=*/true));
  if (entries > 0) {
    LogInfo("store at ", options_.path, ": built the downward routes of ", entries,
            " log entries in ", absl::FormatDuration(absl::Now() - start));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Change>> Store::ReadLogRouted(std::string_view route,
                                                             uint64_t from_seq, size_t max_changes,
                                                             size_t max_bytes,
                                                             uint64_t* covered) const {
  if (from_seq == 0) return absl::InvalidArgumentError("from_seq: must be >= 1");
  if (max_changes == 0) return absl::InvalidArgumentError("max_changes: must be >= 1");
  if (route.size() != f::kRouteLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("route: '", Av(route), "' is not a 6-digit region code"));
  }
  if (routes_missing_) {
    return absl::UnavailableError(
        "the downward routes of this store are not built yet (it opened read-only on a full "
        "disk); they are built when it opens for writing");
  }
  std::vector<v1::Change> out;
  *covered = from_seq - 1;
  // Everything up to `last` is committed, so the snapshot, taken after, holds all of it.
  const uint64_t last = LastSeq();
  if (from_seq > last) return out;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  absl::Cleanup release = [&] { db_->ReleaseSnapshot(snapshot); };
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  auto truncated = [&](uint64_t first) {
    return absl::FailedPreconditionError(absl::StrCat("log truncated: seq ", from_seq,
                                                      " is below the first retained seq ", first,
                                                      "; resynchronise from a snapshot"));
  };
  {
    // The retained range as of the snapshot: a truncation commits its log_first with the range
    // deletions of the log and of the routes.
    std::string raw;
    uint64_t first = 1;
    const rocksdb::Status s = db_->Get(ro, meta_, f::kMetaLogFirst, &raw);
    if (!s.ok() && !s.IsNotFound()) return f::FromRocks(s, "get meta log_first");
    if (s.ok() && !f::DecodeSeq(raw, &first))
      return absl::DataLossError("meta log_first: malformed");
    if (from_seq < first) return truncated(first);
  }
  // The child's route and the global one, merged by seq. Each is bounded by `last`.
  struct Stream {
    std::string upper;
    rocksdb::Slice upper_slice;
    std::unique_ptr<rocksdb::Iterator> it;
    uint64_t seq = 0;  // current entry's seq; 0 = exhausted
  };
  Stream streams[2];
  const int n_streams = route == f::kGlobalRoute ? 1 : 2;
  for (int i = 0; i < n_streams; ++i) {
    const std::string name = i == 0 ? std::string(route) : std::string(f::kGlobalRoute);
    Stream& st = streams[i];
    st.upper = f::RouteKey(name, last + 1);
    st.upper_slice = rocksdb::Slice(st.upper);
    rocksdb::ReadOptions bounded = ro;
    bounded.iterate_upper_bound = &st.upper_slice;
    st.it.reset(db_->NewIterator(bounded, route_));
    st.it->Seek(f::RouteKey(name, from_seq));
  }
  auto settle = [&](Stream& st) -> absl::Status {
    st.seq = 0;
    if (!st.it->Valid()) return f::FromRocks(st.it->status(), "read route");
    std::string_view name;
    if (!f::ParseRouteKey(View(st.it->key()), &name, &st.seq)) {
      return absl::DataLossError("route entry: malformed key");
    }
    return absl::OkStatus();
  };
  for (int i = 0; i < n_streams; ++i) TH_RETURN_IF_ERROR(settle(streams[i]));
  size_t bytes = 0;
  std::string entry;
  while (true) {
    Stream* next = nullptr;
    for (int i = 0; i < n_streams; ++i) {
      if (streams[i].seq != 0 && (next == nullptr || streams[i].seq < next->seq)) {
        next = &streams[i];
      }
    }
    if (next == nullptr) {
      *covered = last;  // every entry of both routes up to `last` is in `out`
      break;
    }
    const uint64_t seq = next->seq;
    const rocksdb::Status s = db_->Get(ro, log_, f::EncodeSeq(seq), &entry);
    if (s.IsNotFound()) {
      return absl::DataLossError(absl::StrCat("route entry ", seq, " has no log entry"));
    }
    TH_RETURN_IF_ERROR(f::FromRocks(s, "read log"));
    log_entries_read_.fetch_add(1, std::memory_order_relaxed);
    if (!out.empty() && bytes + entry.size() > max_bytes) {
      *covered = seq - 1;
      break;
    }
    v1::Change& change = out.emplace_back();
    if (!change.ParseFromString(entry) || change.seq() != seq) {
      return absl::DataLossError(absl::StrCat("log entry ", seq, ": malformed"));
    }
    bytes += entry.size();
    // The same seq can be in both routes only if DownRoutes put it there; never send it twice.
    for (int i = 0; i < n_streams; ++i) {
      if (streams[i].seq == seq) {
        streams[i].it->Next();
        TH_RETURN_IF_ERROR(settle(streams[i]));
      }
    }
    if (out.size() >= max_changes) {
      *covered = seq;
      break;
    }
  }
  return out;
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

absl::StatusOr<int64_t> Store::GetCounter(std::string_view key) const {
  TH_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(counters_, key));
  int64_t value = 0;
  if (raw.has_value() && !f::DecodeCounter(*raw, &value)) {
    return absl::DataLossError(absl::StrCat("counter ", Av(key), ": malformed"));
  }
  return value;
}

absl::Status Store::ScanCounters(
    std::string_view prefix,
    absl::FunctionRef<bool(std::string_view key, int64_t value)> fn) const {
  return ForEachWithPrefix(
      db_.get(), counters_, prefix, "scan counters",
      [&](std::string_view key, std::string_view raw) -> absl::StatusOr<bool> {
        int64_t value = 0;
        if (!f::DecodeCounter(raw, &value)) {
          return absl::DataLossError(absl::StrCat("counter ", Av(key), ": malformed"));
        }
        return value == 0 || fn(key, value);
      });
}

absl::StatusOr<uint64_t> Store::Watermark(std::string_view origin) const {
  return GetMetaNumber(absl::StrCat(f::kMetaWatermarkPrefix, Av(origin)));
}

absl::StatusOr<std::map<std::string, Store::OriginLast>> Store::OriginsLast() const {
  std::map<std::string, OriginLast> out;
  const std::string_view prefix = f::kMetaOriginPrefix;
  TH_RETURN_IF_ERROR(ForEachWithPrefix(
      db_.get(), meta_, prefix, "scan origins",
      [&](std::string_view key, std::string_view raw) -> absl::StatusOr<bool> {
        OriginLast last;
        if (!f::DecodeOriginLast(raw, &last.wall_micros, &last.region_code)) {
          return absl::DataLossError(absl::StrCat("meta ", Av(key), ": malformed"));
        }
        out.emplace(key.substr(prefix.size()), std::move(last));
        return true;
      }));
  return out;
}

absl::StatusOr<std::map<std::string, uint64_t>> Store::Watermarks() const {
  std::map<std::string, uint64_t> out;
  const std::string_view prefix = f::kMetaWatermarkPrefix;
  TH_RETURN_IF_ERROR(ForEachWithPrefix(
      db_.get(), meta_, prefix, "scan watermarks",
      [&](std::string_view key, std::string_view raw) -> absl::StatusOr<bool> {
        uint64_t wm = 0;
        if (!f::DecodeSeq(raw, &wm)) {
          return absl::DataLossError(absl::StrCat("meta ", Av(key), ": malformed"));
        }
        out.emplace(key.substr(prefix.size()), wm);
        return true;
      }));
  return out;
}

absl::StatusOr<std::vector<v1::Conflict>> Store::ListConflicts(std::string_view key_prefix,
                                                               size_t limit) const {
  std::vector<v1::Conflict> out;
  if (limit == 0) return out;
  TH_RETURN_IF_ERROR(ForEachWithPrefix(
      db_.get(), conflicts_, key_prefix, "scan conflicts",
      [&](std::string_view key, std::string_view raw) -> absl::StatusOr<bool> {
        if (!out.emplace_back().ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
          return absl::DataLossError("conflict entry: malformed");
        }
        return out.size() < limit;
      }));
  return out;
}

absl::StatusOr<uint64_t> Store::GetCursor(std::string_view name) const {
  if (name.empty()) return absl::InvalidArgumentError("cursor name: empty");
  return GetMetaNumber(absl::StrCat(f::kMetaCursorPrefix, Av(name)));
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

absl::Status Store::CompactAll() {
  for (rocksdb::ColumnFamilyHandle* cf :
       {records_, log_, meta_, index_, counters_, conflicts_, local_, route_}) {
    rocksdb::CompactRangeOptions options;
    options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
    TH_RETURN_IF_ERROR(
        f::FromRocks(db_->CompactRange(options, cf, nullptr, nullptr), "compact range"));
  }
  return absl::OkStatus();
}

namespace {

// The column family's level-0 files, and whether RocksDB is compacting any of them.
std::vector<std::string> Level0Files(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, bool* busy) {
  rocksdb::ColumnFamilyMetaData meta;
  db->GetColumnFamilyMetaData(cf, &meta);
  std::vector<std::string> names;
  *busy = false;
  if (meta.levels.empty()) return names;
  for (const rocksdb::SstFileMetaData& file : meta.levels[0].files) {
    *busy = *busy || file.being_compacted;
    names.push_back(file.name);
  }
  return names;
}

}  // namespace

uint64_t Store::RandomKeyLevel0Files() const {
  bool busy = false;
  return Level0Files(db_.get(), records_, &busy).size() +
         Level0Files(db_.get(), index_, &busy).size();
}

absl::StatusOr<uint64_t> Store::CompactLevel0IfIdle(absl::Duration idle, uint64_t min_files) {
  // A read-only store compacts nothing; one refusing writes would only fail again.
  if (disk_->read_only() || !disk_->WriteHealth().ok()) return 0;
  const absl::Time last = absl::FromUnixMicros(last_commit_micros_.load(std::memory_order_relaxed));
  if (options_.clock->Now() - last < idle) return 0;
  uint64_t compacted = 0;
  for (rocksdb::ColumnFamilyHandle* cf : {records_, index_}) {
    if (idle_compactions_stopped_.load()) return compacted;
    bool busy = false;
    const std::vector<std::string> inputs = Level0Files(db_.get(), cf, &busy);
    if (busy || inputs.size() < min_files) continue;  // RocksDB may be at it already
    // Level 0 into level 1 only, as RocksDB's own trigger would: a CompactRange over the whole
    // key range would also rewrite every level below into the next.
    rocksdb::CompactionOptions options;
    options.compression = rocksdb::kDisableCompressionOption;  // the column family's own
    options.output_file_size_limit = 64 << 20;                 // RocksDB's target_file_size_base
    const rocksdb::Status s = db_->CompactFiles(options, cf, inputs, /*output_level=*/1);
    // Cancelled by StopIdleCompactions, or RocksDB took some of the files meanwhile.
    if (s.IsIncomplete() || s.IsAborted()) continue;
    TH_RETURN_IF_ERROR(f::FromRocks(s, "compact level 0"));
    compacted += inputs.size();
  }
  return compacted;
}

void Store::StopIdleCompactions() {
  idle_compactions_stopped_.store(true);
  db_->DisableManualCompaction();
}

absl::Status Store::WriteHealth() const { return disk_->WriteHealth(); }

bool Store::read_only() const { return disk_->read_only(); }

std::optional<uint64_t> Store::FreeBytes() const { return disk_->FreeBytes(); }

uint64_t Store::WriteRefusals() const { return disk_->refusals(); }

std::optional<absl::Time> Store::RefusedSince() const { return disk_->refused_since(); }

Store::EngineFigures Store::Figures() const {
  EngineFigures f;
  for (rocksdb::ColumnFamilyHandle* cf :
       {records_, log_, meta_, index_, counters_, conflicts_, local_, default_}) {
    if (cf == nullptr) continue;
    uint64_t value = 0;
    if (db_->GetIntProperty(cf, rocksdb::DB::Properties::kLiveSstFilesSize, &value)) {
      f.live_sst_bytes += value;
    }
    if (db_->GetIntProperty(cf, rocksdb::DB::Properties::kEstimatePendingCompactionBytes, &value)) {
      f.pending_compaction_bytes += value;
    }
    // RocksDB 7.8 gives its cumulative stall counts only in this map.
    std::map<std::string, std::string> stats;
    if (db_->GetMapProperty(cf, rocksdb::DB::Properties::kCFStats, &stats)) {
      for (const char* key : {"io_stalls.total_stop", "io_stalls.total_slowdown"}) {
        auto it = stats.find(key);
        if (it != stats.end()) f.write_stalls += std::strtoull(it->second.c_str(), nullptr, 10);
      }
    }
  }
  uint64_t stopped = 0;
  if (db_->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &stopped)) {
    f.writes_stopped = stopped != 0;
  }
  return f;
}

std::string Store::ReopenReason() const {
  if (disk_->fatal()) return disk_->WriteHealth().ToString();
  if (!disk_->read_only()) return "";
  const std::optional<uint64_t> free = disk_->FreeBytes();
  if (!free.has_value()) return "";
  // Opening for writing replays the write-ahead logs into new tables and writes a MANIFEST and
  // an OPTIONS file (tens of KiB): room for the logs and a margin is room to open.
  rocksdb::Env* env = options_.env != nullptr ? options_.env : rocksdb::Env::Default();
  std::vector<std::string> children;
  uint64_t wal_bytes = 0;
  if (env->GetChildren(options_.path, &children).ok()) {
    for (const std::string& name : children) {
      uint64_t size = 0;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0 &&
          env->GetFileSize(absl::StrCat(options_.path, "/", name), &size).ok()) {
        wal_bytes += size;
      }
    }
  }
  const uint64_t needed = wal_bytes + kReopenMarginBytes;
  if (*free < needed) return "";
  return absl::StrCat("the store opened read-only on a full disk, which has ", *free,
                      " bytes free now (opening for writing needs about ", needed, ")");
}

absl::Status Store::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  TH_RETURN_IF_ERROR(
      f::FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "create checkpoint object"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return f::FromRocks(checkpoint->CreateCheckpoint(dir), absl::StrCat("checkpoint to ", dir));
}

}  // namespace tierhub::store
