// FaultyFileSystem: a rocksdb::FileSystem wrapper that fails writes or syncs of files on demand,
// so a test can prove that a disk error refuses cleanly and loses nothing (LevelDB's
// fault_injection_test idea). Costs one relaxed atomic load per file operation when disarmed.
//
// Thread-safe: RocksDB calls it from its own threads while the test arms and disarms it.
#ifndef TIERHUB_TESTS_TESTUTIL_FAULTY_FILE_SYSTEM_H_
#define TIERHUB_TESTS_TESTUTIL_FAULTY_FILE_SYSTEM_H_

#include <atomic>
#include <memory>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace tierhub::testutil {

class FaultyFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target);

  // While armed, Append/PositionedAppend (writes) or Sync/Fsync (syncs) of writable files
  // created through this file system return a retryable IOError, as a failing disk would.
  void FailWrites(bool on) { fail_writes_.store(on, std::memory_order_relaxed); }
  void FailSyncs(bool on) { fail_syncs_.store(on, std::memory_order_relaxed); }
  // Number of operations refused so far.
  int injected() const { return injected_.load(std::memory_order_relaxed); }

  const char* Name() const override { return "FaultyFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& opts,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;

  // Returns the injected error if writes (or syncs) are armed, OK otherwise.
  rocksdb::IOStatus MaybeFailWrite();
  rocksdb::IOStatus MaybeFailSync();

 private:
  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> fail_syncs_{false};
  std::atomic<int> injected_{0};
};

// A FaultyFileSystem over the default file system and an Env that uses it; pass env.get() to
// Store::Options::env. The Env borrows the file system through a shared_ptr.
struct FaultyEnv {
  FaultyEnv();
  std::shared_ptr<FaultyFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_FAULTY_FILE_SYSTEM_H_
