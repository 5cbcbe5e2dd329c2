// Store: the node's one durable state, a RocksDB database with a change log (principles 2-4, 7,
// 8). Generic over record content: the domain layer speaks through RecordHooks.
#ifndef TIERHUB_SERVICES_STORE_STORE_H_
#define TIERHUB_SERVICES_STORE_STORE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/store/hlc.h"
#include "services/store/record_hooks.h"
#include "tierhub/v1/change.pb.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
class WriteBatch;
}  // namespace rocksdb

namespace tierhub::store {

class DiskWatch;

// A local write of one key: a record or a tombstone, by an author.
struct Mutation {
  std::string key;
  v1::Author author;
  std::variant<v1::Record, v1::Tombstone> body;
  // The caller has already checked key and body by the rules RecordHooks::Validate applies
  // (a large submission validates every row itself, to name each bad one); Write skips them.
  bool validated = false;
};

// A key/value that belongs to this node only (column family `local`, docs/STORE_FORMAT.md). It
// commits in the same WriteBatch as the mutations of the Write() call that carries it, but it is
// never logged, so nothing that follows or copies the exchanged state sees it: not ReadLog,
// ReadLogFiltered, ScanRecords, ScanSnapshot, ScanIndex, counters or conflicts. It is part of
// Checkpoint() like the rest of the store. The value is opaque; the caller owns the key layout
// (a distinct key prefix per use, e.g. "informant/").
struct LocalPut {
  std::string key;  // non-empty
  std::string value;
};

// What ApplyRemote() did with a batch.
struct ApplyResult {
  uint64_t applied = 0;     // changes appended to the log (each got a new local seq)
  uint64_t duplicates = 0;  // changes at or below their origin's watermark, skipped
  uint64_t conflicts = 0;   // applied changes that were concurrent edits (one journal entry each)
};

// How ApplyRemote() treats a batch.
struct ApplyOptions {
  // Upward batches hold every change of each origin, in order: dedup by per-origin watermark
  // and refuse gaps. Downward pulls are filtered by jurisdiction, so an origin's sequence has
  // holes there; they dedup by the pull cursor instead and leave watermarks alone.
  bool enforce_origin_order = true;
  // A resync from a snapshot: a change at or below the stored version is skipped (not logged),
  // a newer one replaces the record without a conflict entry.
  bool snapshot = false;
  // If set, this cursor is set to cursor_value in the same WriteBatch (also for an empty batch).
  std::string cursor_name;
  uint64_t cursor_value = 0;
};

// How far ahead of this node's clock a remote change's version may be. Further ahead, the
// sender's clock is wrong: ApplyRemote refuses the batch (FAILED_PRECONDITION) instead of letting
// one bad clock pull every node's versions into the future.
inline constexpr absl::Duration kMaxClockAhead = absl::Minutes(5);

// True if the stored record is live (a record, not a tombstone).
inline bool IsLive(const v1::StoredRecord& stored) { return stored.has_record(); }

// The RocksDB store: records, change log, per-origin watermarks, cursors, secondary index,
// aggregate counters, conflict journal and node-local data, each in its own column family
// (docs/STORE_FORMAT.md).
//
// Every mutating call commits exactly one rocksdb::WriteBatch, so a crash at any instant leaves
// the record, its log entry, its index entries, its counter deltas and the sequence numbers
// consistent with each other. Log sequences are dense and never reused: a call that fails
// consumes none.
//
// Thread-safe. Writers serialise on one internal mutex (read-modify-write of records and the
// dense sequences need it); readers take no lock and see each batch whole or not at all.
class Store {
 public:
  struct Options {
    std::string path;                    // database directory (created if missing)
    std::string node_id;                 // this node; must match the store's on reopen
    std::string region_code;             // this node's region, stamped as origin_region
    const Clock* clock = nullptr;        // borrowed; must outlive the Store
    const RecordHooks* hooks = nullptr;  // borrowed; must outlive the Store
    bool sync_writes = true;             // fsync each batch before returning
    size_t block_cache_mb = 64;          // shared block cache across column families, > 0
    rocksdb::Env* env = nullptr;         // borrowed; nullptr = rocksdb::Env::Default()
    // If the disk is too full to open for writing, open read-only instead of failing: reads
    // are served and every write is refused (WriteHealth()) until the store is reopened.
    bool read_only_if_disk_full = true;
  };

  // Opens or creates the store. Recovers the local and own-origin sequences, watermarks and the
  // HLC high-water mark from disk. INVALID_ARGUMENT for bad options; FAILED_PRECONDITION if the
  // store belongs to another node; DATA_LOSS if the meta state and the log disagree;
  // RESOURCE_EXHAUSTED if the disk is full and the store cannot open even read-only (a new
  // store, or read_only_if_disk_full off); other codes from RocksDB (UNAVAILABLE if another
  // process holds the lock).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Store>> Open(Options options);

  // Copies a Checkpoint() taken earlier from `backup_dir` into `target_dir` (which must not
  // exist), syncs the copy and opens it with `options` (options.path is replaced).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Store>> OpenFromBackup(
      const std::string& backup_dir, const std::string& target_dir, Options options);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // ---- Writes ----

  // Writes local mutations in order as one batch. All mutations are validated first; if any is
  // bad nothing is written and the error (the first bad one's code) names every bad mutation by
  // index ("mutation[2]: ..."). Each change gets a new HLC version, origin = this node (and its
  // region), the next own origin_seq and local seq, and base_version = the version it
  // overwrites. Returns the changes as written.
  //
  // `local` puts (or replaces) node-local key/values in the same batch: the mutations and the
  // local puts are durable together or not at all. They are validated with the mutations (a
  // bad one is named "local[i]: ...") and take no sequence number; a call with local puts only
  // commits them without touching the log (and returns no changes).
  [[nodiscard]] absl::StatusOr<std::vector<v1::Change>> Write(std::vector<Mutation> mutations,
                                                              std::vector<LocalPut> local = {});

  // Applies changes received from a child, as one batch. Per origin: origin_seq <= watermark is
  // a duplicate (skipped); watermark + 1 is accepted; anything higher refuses the whole batch
  // with FAILED_PRECONDITION naming the origin and the expected and received sequence. A change
  // from this node, or a malformed or invalid one, refuses the batch with INVALID_ARGUMENT.
  // Accepted changes keep origin, origin_region, origin_seq, version, author and base_version,
  // get a new local
  // seq and go into the log. The newer version wins the record; if the change was concurrent
  // (its base_version is not the stored version) the older of the two goes to the conflict
  // journal.
  // With options.enforce_origin_order false, watermarks are neither checked nor advanced.
  // Takes the changes by value so that they are stamped and logged in place, not copied.
  // `encoded`, if not empty, holds each change's serialization as received, in the same order
  // (the bytes it was parsed from): the log entry is then those bytes with this node's seq put
  // in, not a second serialization.
  [[nodiscard]] absl::StatusOr<ApplyResult> ApplyRemote(std::vector<v1::Change> changes,
                                                        const ApplyOptions& options = {},
                                                        std::vector<std::string> encoded = {});

  // ---- Records ----

  // The stored record (live or tombstone) or nullopt if the key was never written.
  [[nodiscard]] absl::StatusOr<std::optional<v1::StoredRecord>> Get(std::string_view key) const;
  // The stored records under `keys`, in the same order (nullopt where a key was never written),
  // read in batched lookups: for many keys, much cheaper than a Get each. `sorted`: the keys
  // are in ascending order already.
  [[nodiscard]] absl::StatusOr<std::vector<std::optional<v1::StoredRecord>>> GetMany(
      const std::vector<std::string_view>& keys, bool sorted = false) const;
  // The live record, or nullopt if the key is absent or tombstoned.
  [[nodiscard]] absl::StatusOr<std::optional<v1::Record>> GetLive(std::string_view key) const;

  // Calls fn for each stored record (tombstones included; see IsLive) whose key starts with
  // `prefix`, in key order, until fn returns false. Streams: memory does not grow with the scan.
  // With `after_key`, the scan starts after that key (a page's last), at the cost of one seek.
  [[nodiscard]] absl::Status ScanRecords(
      std::string_view prefix,
      absl::FunctionRef<bool(std::string_view key, const v1::StoredRecord& stored)> fn,
      std::string_view after_key = {}) const;

  // Where an index scan resumes: after the entry (index_key, record_key); empty = from the start.
  struct IndexPosition {
    std::string index_key;
    std::string record_key;
  };
  // Calls fn for each index entry whose index key starts with `prefix`, ordered by index key
  // then record key, until fn returns false; with `after`, from the entry after that one.
  [[nodiscard]] absl::Status ScanIndex(
      std::string_view prefix,
      absl::FunctionRef<bool(std::string_view index_key, std::string_view record_key)> fn,
      const IndexPosition& after = {}) const;

  // Like ScanRecords over all keys, but at one consistent point of the store; returns the
  // LastSeq() of that point, so a reader can follow the log from the next sequence on.
  [[nodiscard]] absl::StatusOr<uint64_t> ScanSnapshot(
      absl::FunctionRef<bool(std::string_view key, const v1::StoredRecord& stored)> fn) const;

  // ---- Node-local data (never exchanged) ----

  // The value of a LocalPut, or nullopt if the key was never put.
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> GetLocal(std::string_view key) const;
  // Calls fn for each local key/value whose key starts with `prefix`, in key order, until fn
  // returns false. Streams.
  [[nodiscard]] absl::Status ScanLocal(
      std::string_view prefix,
      absl::FunctionRef<bool(std::string_view key, std::string_view value)> fn) const;

  // ---- Change log ----

  // Blocks until LastSeq() > after_seq or `timeout` passes; returns whether it is. Woken by
  // every commit, so a log follower needs no polling.
  bool WaitForLog(uint64_t after_seq, absl::Duration timeout) const;

  // Up to max_changes changes from `from_seq` (inclusive) in seq order, stopping before the
  // total serialized size would exceed max_bytes (but always at least one change if any is
  // there, so a reader always progresses). Empty if from_seq > LastSeq(). FAILED_PRECONDITION if
  // from_seq has been truncated away (the reader must resync from a snapshot); INVALID_ARGUMENT
  // if from_seq or max_changes is 0.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Change>> ReadLog(uint64_t from_seq,
                                                                size_t max_changes,
                                                                size_t max_bytes) const;
  // Like ReadLog, but an entry whose origin_region `keep` refuses is skipped without being
  // decoded (a log follower that filters by origin pays for what it sends, not for what it
  // reads past). Skipped entries count towards max_changes, not max_bytes. `*covered` is set
  // to the last seq looked at (from_seq - 1 if none), so the reader can move past them.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Change>> ReadLogFiltered(
      uint64_t from_seq, size_t max_changes, size_t max_bytes,
      absl::FunctionRef<bool(std::string_view origin_region)> keep, uint64_t* covered) const;
  // Like ReadLogFiltered, but the entries as they are stored (each a serialized Change, its seq
  // this node's), not decoded: what a node forwards to its parent.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> ReadLogEncoded(
      uint64_t from_seq, size_t max_changes, size_t max_bytes,
      absl::FunctionRef<bool(std::string_view origin_region)> keep, uint64_t* covered) const;
  // The downward path: the changes under `route` (the region code of a direct child of this
  // node) and under the global route (format::kGlobalRoute: reference data every child gets),
  // from `from_seq` (inclusive) in seq order; see DownRoutes for what each route holds. Reads no
  // log entry of any other route: a child's Pull costs what concerns that child. At most
  // max_changes, stopping before the total size would exceed max_bytes (at least one if any).
  // `*covered` is the last log seq the answer accounts for (from_seq - 1 if from_seq >
  // LastSeq()): the reader continues from covered + 1. FAILED_PRECONDITION if from_seq was
  // truncated away (the reader must resync from a snapshot); INVALID_ARGUMENT for a route that
  // is not 6 digits or a zero from_seq / max_changes; UNAVAILABLE if the routes could not be
  // built at open (a store opened read-only before they existed).
  [[nodiscard]] absl::StatusOr<std::vector<v1::Change>> ReadLogRouted(std::string_view route,
                                                                      uint64_t from_seq,
                                                                      size_t max_changes,
                                                                      size_t max_bytes,
                                                                      uint64_t* covered) const;
  // Log entries read by every log reader since Open (ReadLog*, ReadLogRouted): what following
  // the log costs this store, for tests and benchmarks.
  uint64_t LogEntriesRead() const { return log_entries_read_.load(std::memory_order_relaxed); }
  // Highest local seq assigned (0 for an empty store).
  uint64_t LastSeq() const { return last_seq_.load(std::memory_order_acquire); }
  // Lowest retained local seq; LastSeq() + 1 when the log is empty.
  uint64_t FirstLogSeq() const { return first_log_seq_.load(std::memory_order_acquire); }
  // Highest origin_seq of this node's own writes.
  uint64_t OwnOriginSeq() const { return own_seq_.load(std::memory_order_acquire); }

  // Deletes log entries with seq < `seq` (clamped to LastSeq() + 1); records stay. Durable.
  [[nodiscard]] absl::Status TruncateLogBefore(uint64_t seq);

  // ---- Aggregates ----

  // Current value of a counter (0 if never touched).
  [[nodiscard]] absl::StatusOr<int64_t> GetCounter(std::string_view key) const;
  // Calls fn for each non-zero counter whose key starts with `prefix`, in key order, until fn
  // returns false. A counter that went back to zero is indistinguishable from an untouched one.
  [[nodiscard]] absl::Status ScanCounters(
      std::string_view prefix,
      absl::FunctionRef<bool(std::string_view key, int64_t value)> fn) const;

  // ---- Exchange state ----

  // Highest origin_seq applied from `origin` (0 if none).
  [[nodiscard]] absl::StatusOr<uint64_t> Watermark(std::string_view origin) const;
  // All origins' watermarks.
  [[nodiscard]] absl::StatusOr<std::map<std::string, uint64_t>> Watermarks() const;
  // The last change applied here from each origin that pushed to this node (or to a node below
  // it): kept by ApplyRemote, with the watermark, in the batch that applies the change.
  struct OriginLast {
    int64_t wall_micros = 0;  // its version's HLC wall time
    std::string region_code;  // its origin_region: the origin node's region
  };
  [[nodiscard]] absl::StatusOr<std::map<std::string, OriginLast>> OriginsLast() const;

  // Conflict journal entries whose record key starts with `key_prefix`, in key then detection
  // order, at most `limit`.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Conflict>> ListConflicts(std::string_view key_prefix,
                                                                        size_t limit) const;

  // Named durable positions (e.g. the parent's acknowledged seq). 0 if never set. SetCursor
  // always syncs, whatever Options::sync_writes says.
  [[nodiscard]] absl::StatusOr<uint64_t> GetCursor(std::string_view name) const;
  [[nodiscard]] absl::Status SetCursor(std::string_view name, uint64_t value);

  // ---- Backup ----

  // Writes an openable copy of the store into `dir` (must not exist) while it stays online.
  // SST files are hard-linked when `dir` is on the same filesystem.
  [[nodiscard]] absl::Status Checkpoint(const std::string& dir) const;

  // Flushes the memtables and compacts every column family down to its last level, waiting for
  // the work to finish: a store at rest, as after a bulk load (bench/progress_bench.cc).
  [[nodiscard]] absl::Status CompactAll();

  // Level-0 files of the records and index column families. Their keys arrive in random order,
  // so each compaction out of level 0 rewrites most of the level below (about the whole store)
  // and RocksDB waits for 12 files to do it (StoreRocksOptions).
  [[nodiscard]] uint64_t RandomKeyLevel0Files() const;
  // Compacts those level-0 files into level 1, in each of the two column families that has at
  // least `min_files` of them and that RocksDB is not compacting already. When to call it is
  // the caller's (IdleCompactionPolicy, services/store/compaction_policy.h: the node calls it
  // once the store is idle). Waits for the compaction; returns how many files it compacted (0:
  // none, and always 0 for a read-only store or one refusing writes). Writes may go on
  // meanwhile.
  [[nodiscard]] absl::StatusOr<uint64_t> CompactLevel0(uint64_t min_files);
  // Cancels a CompactLevel0 under way (what it has not compacted yet stays) and any later one:
  // for a shutdown, which would otherwise wait for a compaction of the whole store.
  void StopIdleCompactions();
  // options.clock's time of the last commit, or of Open if nothing was committed since.
  absl::Time LastCommitTime() const {
    return absl::FromUnixMicros(last_commit_micros_.load(std::memory_order_relaxed));
  }

  // ---- Disk (docs/OPERATIONS.md, "Disk full") ----

  // Whether writes go through, as far as the store knows without trying one: OK, or what the
  // last refused write got. A write on a full disk fails with RESOURCE_EXHAUSTED "disk full:
  // ..." naming the store's directory and its free bytes, every time, and stores nothing of
  // itself; the first write after space is freed resumes the store and goes through.
  [[nodiscard]] absl::Status WriteHealth() const;
  // Open read-only because the disk was full at Open (Options::read_only_if_disk_full).
  bool read_only() const;
  // Free bytes on the store's filesystem; nullopt if the file system cannot tell.
  std::optional<uint64_t> FreeBytes() const;
  // Writes refused since Open, and since when the current refusal lasts (options.clock).
  uint64_t WriteRefusals() const;
  std::optional<absl::Time> RefusedSince() const;
  // Why only reopening the store (restarting the node) gives writes back, or "" while none is
  // needed or none would help yet: a read-only store whose disk has room again for what opening
  // for writing needs (its write-ahead logs and a margin), or an error RocksDB judged fatal.
  std::string ReopenReason() const;

  // RocksDB's own figures for /metrics (docs/CONSOLE.md), summed over the column families.
  struct EngineFigures {
    uint64_t live_sst_bytes = 0;            // live SST files
    uint64_t pending_compaction_bytes = 0;  // RocksDB's estimate of what compaction must rewrite
    uint64_t write_stalls = 0;              // writes stopped or slowed down since Open
    bool writes_stopped = false;            // writes are stopped right now
  };
  EngineFigures Figures() const;

  const std::string& node_id() const { return options_.node_id; }
  // The store's directory (Options::path).
  const std::string& path() const { return options_.path; }
  // The region stamped as origin_region on this node's own writes.
  const std::string& region_code() const { return options_.region_code; }

 private:
  class BatchBuilder;

  explicit Store(Options options);

  [[nodiscard]] absl::Status OpenDb();
  [[nodiscard]] absl::Status Recover();
  // Builds the `route` column family from the retained log [log_first, last_seq] for this
  // store's region (docs/STORE_FORMAT.md, "Upgrade"), clearing old routes first if
  // `had_routes`, and records the region in kMetaRouteRegion.
  [[nodiscard]] absl::Status RebuildRoutes(uint64_t log_first, uint64_t last_seq, bool had_routes);

  // Commits `batch`, syncing if `sync`. After a failed write or background job RocksDB refuses
  // further writes until resumed; the next commit resumes it first, so a cleared fault heals
  // without a restart. Refusals come from disk_ (DiskWatch::Refuse).
  [[nodiscard]] absl::Status CommitLocked(rocksdb::WriteBatch* batch, bool sync)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Puts the write-ahead-log sentinel (format::kMetaWalSentinel) into the `meta` memtable, so
  // that a resume after a failed write always starts a new log file.
  void KeepMemtableNonEmptyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  [[nodiscard]] bool AnyActiveMemtableNonEmptyLocked() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  [[nodiscard]] absl::StatusOr<std::optional<v1::Change>> ReadLogEntry(uint64_t seq) const;
  // Calls fn(seq, encoded entry) for the log entries from `from_seq` on, at most max_entries,
  // until fn returns false (that entry is not counted) or an error. Returns the last seq fn
  // accepted (from_seq - 1 if none); FAILED_PRECONDITION if from_seq was truncated away.
  [[nodiscard]] absl::StatusOr<uint64_t> ForEachLogEntry(
      uint64_t from_seq, size_t max_entries,
      absl::FunctionRef<absl::StatusOr<bool>(uint64_t seq, std::string_view entry)> fn) const;
  // ForEachLogEntry for a log reader that sends what it reads: entries whose origin_region
  // `keep` refuses are passed over (counted towards max_changes only); fn gets the others until
  // the next would take their total size past max_bytes (the first always goes).
  [[nodiscard]] absl::StatusOr<uint64_t> ForEachKeptLogEntry(
      uint64_t from_seq, size_t max_changes, size_t max_bytes,
      absl::FunctionRef<bool(std::string_view origin_region)> keep,
      absl::FunctionRef<absl::Status(uint64_t seq, std::string_view entry)> fn) const;
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> GetRaw(rocksdb::ColumnFamilyHandle* cf,
                                                                  std::string_view key) const;
  [[nodiscard]] absl::StatusOr<uint64_t> GetMetaNumber(std::string_view key) const;

  const Options options_;
  std::unique_ptr<HybridLogicalClock> hlc_;
  // Declared before db_: RocksDB holds its listener until the database is gone.
  std::unique_ptr<DiskWatch> disk_;

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* records_ = nullptr;  // owned; destroyed before db_
  rocksdb::ColumnFamilyHandle* log_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* index_ = nullptr;
  rocksdb::ColumnFamilyHandle* counters_ = nullptr;
  rocksdb::ColumnFamilyHandle* conflicts_ = nullptr;
  rocksdb::ColumnFamilyHandle* local_ = nullptr;
  rocksdb::ColumnFamilyHandle* route_ = nullptr;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;

  mutable absl::Mutex write_mu_;
  // Cache of the meta watermarks, authoritative for writers.
  std::map<std::string, uint64_t, std::less<>> watermarks_ ABSL_GUARDED_BY(write_mu_);
  // origin node -> the region of its first change applied here (the `origin/` entries): an
  // origin id is bound to one region, so no node of another region can speak under its name
  // and move its watermark.
  std::map<std::string, std::string, std::less<>> origin_regions_ ABSL_GUARDED_BY(write_mu_);

  // Wakes WaitForLog() callers after a commit that advanced last_seq_.
  void NotifyLog() const;
  mutable absl::Mutex notify_mu_;
  mutable absl::CondVar log_cv_;

  // Written only under write_mu_ after a successful commit; read lock-free.
  std::atomic<int64_t> last_commit_micros_{0};  // options_.clock time of the last commit
  std::atomic<bool> idle_compactions_stopped_{false};
  std::atomic<uint64_t> last_seq_{0};
  std::atomic<uint64_t> own_seq_{0};
  std::atomic<uint64_t> first_log_seq_{1};
  mutable std::atomic<uint64_t> log_entries_read_{0};
  bool routes_missing_ = false;  // set by Recover only
};

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_STORE_H_
