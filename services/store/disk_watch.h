// DiskWatch: what a store knows of its disk refusing it (docs/OPERATIONS.md, "Disk full").
//
// RocksDB 7.8 stops taking writes after a failed write, flush or MANIFEST update and, for a
// full disk, hands recovery to its SstFileManager, which polls every 5 s and resumes only once
// the disk has db_write_buffer_size (64 MiB here) free; meanwhile DB::Resume() answers Busy.
// On a small disk that never happens. DiskWatch's event listener vetoes that recovery, so the
// store resumes itself on its next write (Store::CommitLocked): a write after space is freed
// goes through, and while the disk is still full every write gets the same refusal,
// RESOURCE_EXHAUSTED naming the store's directory and its free bytes. It also keeps the
// refusal for status reports, and whether the store had to open read-only.
//
// Thread-safe: RocksDB calls the listener from its own threads.
#ifndef TIERHUB_SERVICES_STORE_DISK_WATCH_H_
#define TIERHUB_SERVICES_STORE_DISK_WATCH_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/env.h"
#include "rocksdb/listener.h"
#include "rocksdb/status.h"
#include "services/common/clock.h"

namespace tierhub::store {

// True for RocksDB's "the disk is full" (ENOSPC, or an SstFileManager's space limit).
bool IsDiskFull(const rocksdb::Status& s);

class DiskWatch {
 public:
  // `env` and `clock` are borrowed and must outlive this; `path` is the store's directory.
  DiskWatch(rocksdb::Env* env, const Clock* clock, std::string path);
  ~DiskWatch();
  DiskWatch(const DiskWatch&) = delete;
  DiskWatch& operator=(const DiskWatch&) = delete;

  // For DBOptions::listeners. It refers to this DiskWatch, which must outlive the database.
  std::shared_ptr<rocksdb::EventListener> listener() const;

  // Free bytes on the store's filesystem, or nullopt if the file system cannot tell.
  std::optional<uint64_t> FreeBytes() const;

  // The refusal a caller gets for `what` (e.g. "write batch") that RocksDB failed with `s`, now
  // also the store's write health: RESOURCE_EXHAUSTED "disk full: ..." naming the directory and
  // its free bytes; UNAVAILABLE for another disk error; otherwise as format::FromRocks. The
  // first refusal after writes went through is logged; the ones after it are counted.
  absl::Status Refuse(const rocksdb::Status& s, std::string_view what);
  // A write went through after refusals: logged, and the write health is OK again.
  void Resumed();
  // A write was refused or a background job failed since the last Resumed(): the next write
  // asks RocksDB to resume first.
  bool needs_resume() const;
  // None of needs_resume(), read_only(), fatal(): one atomic load, for every commit.
  bool clear() const { return clear_.load(std::memory_order_acquire); }

  // The store is open read-only because the disk was full when it opened; `why` is what the
  // read-write open returned. Logged.
  void SetReadOnly(const rocksdb::Status& why);
  bool read_only() const;
  // The refusal of a write to a read-only store (counted).
  absl::Status RefuseReadOnly();
  // Writes can come back only by reopening the store: RocksDB judged an error fatal (beyond
  // what DB::Resume recovers), or SetFatal(why) said so. Logged once.
  bool fatal() const;
  void SetFatal(std::string why);
  // The refusal of a write once fatal() (UNAVAILABLE, counted).
  absl::Status RefuseUntilReopened();

  // Whether RocksDB sealed the `meta` memtable (a flush) since the last SentinelPut(), which
  // may leave every memtable empty (Store::KeepMemtableNonEmptyLocked).
  bool sentinel_gone() const { return sentinel_gone_.load(std::memory_order_acquire); }
  void SentinelPut() { sentinel_gone_.store(false, std::memory_order_release); }

  // What a write gets now without trying: OK while writes go through.
  absl::Status WriteHealth() const;
  // Writes refused since the store opened, and since when the current refusal lasts.
  uint64_t refusals() const;
  std::optional<absl::Time> refused_since() const;

 private:
  class Listener;
  void MemTableSealed(const std::string& column_family);
  void BackgroundError(rocksdb::BackgroundErrorReason reason, const rocksdb::Status& s);
  absl::Status Describe(const rocksdb::Status& s, std::string_view what) const;
  absl::Status ReadOnlyRefusalLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RecordLocked(absl::Status refusal) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UpdateClearLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetFatalLocked(std::string why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status FatalRefusalLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  rocksdb::Env* const env_;
  const Clock* const clock_;
  const std::string path_;
  std::shared_ptr<rocksdb::EventListener> listener_;
  std::atomic<bool> sentinel_gone_{true};
  std::atomic<bool> clear_{true};  // written under mu_

  mutable absl::Mutex mu_;
  absl::Status health_ ABSL_GUARDED_BY(mu_);
  bool needs_resume_ ABSL_GUARDED_BY(mu_) = false;
  bool read_only_ ABSL_GUARDED_BY(mu_) = false;
  rocksdb::Status open_error_ ABSL_GUARDED_BY(mu_);  // why it is read-only
  bool fatal_ ABSL_GUARDED_BY(mu_) = false;
  std::string fatal_why_ ABSL_GUARDED_BY(mu_);
  uint64_t refusals_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<absl::Time> refused_since_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_DISK_WATCH_H_
