// RocksLogger: RocksDB's info log for a store, written by us instead of by RocksDB.
//
// RocksDB 7.8 writes its info log (`LOG` in the store directory) through a WritableFileWriter
// (EnvLogger). Once one append or flush of it fails (a full disk), the next log line hits
// `assert(sync_without_flush_called_)` in writable_file_writer.h, and Debian's librocksdb is
// built with assertions on: the node aborted on the first error RocksDB logged about a full
// disk, and again on every restart, since DB::Open logs before it writes anything else
// (docs/OPERATIONS.md, "Disk full"). This logger writes the same lines to the same file through
// the store's rocksdb::FileSystem, but appends to the file directly, with no writer state that
// remembers an error: a line the disk does not take is dropped and the next one is tried, so
// logging can never take the node down. Warnings and errors also go to the node's own log
// (stderr), where an operator looks first.
//
// Thread-safe: RocksDB logs from its background threads and from writers.
#ifndef TIERHUB_SERVICES_STORE_ROCKS_LOGGER_H_
#define TIERHUB_SERVICES_STORE_ROCKS_LOGGER_H_

#include <atomic>
#include <cstdarg>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace tierhub::store {

class RocksLogger final : public rocksdb::Logger {
 public:
  // Appends to `dir`/LOG on `fs`, after renaming an existing LOG to LOG.old (one generation
  // kept). `dir` must exist. If the file cannot be opened at all (a full disk may refuse even
  // that), lines at WARN and above still go to the node's log. `fs` is shared, so it outlives
  // the logger.
  static std::shared_ptr<RocksLogger> Open(std::shared_ptr<rocksdb::FileSystem> fs,
                                           const std::string& dir, rocksdb::InfoLogLevel level);
  ~RocksLogger() override;

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override;

  // Lines the disk did not take (or took only in part).
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  RocksLogger(std::shared_ptr<rocksdb::FileSystem> fs,
              std::unique_ptr<rocksdb::FSWritableFile> file, rocksdb::InfoLogLevel level);
  void Write(rocksdb::InfoLogLevel level, const char* format, va_list ap);

  const std::shared_ptr<rocksdb::FileSystem> fs_;
  absl::Mutex mu_;
  const std::unique_ptr<rocksdb::FSWritableFile> file_ ABSL_PT_GUARDED_BY(mu_);  // null: none
  // The last append failed: part of its line may be in the file, so the next starts anew.
  bool torn_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_ROCKS_LOGGER_H_
