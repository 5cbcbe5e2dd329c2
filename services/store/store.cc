// Store: opening, point reads and scans, aggregates, exchange state, disk state and backup.
// The rest of Store is in store_recovery.cc, store_overlay.cc (the batch overlay),
// store_write.cc, store_apply.cc, store_log_read.cc and store_compaction.cc.
#include "services/store/store.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/utilities/checkpoint.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/store/disk_watch.h"
#include "services/store/format.h"
#include "services/store/rocks_logger.h"
#include "services/store/rocks_options.h"
#include "services/store/store_internal.h"

namespace tierhub::store {
namespace {

namespace f = format;
using internal::Av;
using internal::ForEachWithPrefix;
using internal::View;

// Room beyond the write-ahead logs that opening a store for writing needs (ReopenReason).
constexpr uint64_t kReopenMarginBytes = 4 << 20;

}  // namespace

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
