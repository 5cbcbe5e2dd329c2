// FaultyFileSystem: a rocksdb::FileSystem wrapper that fails writes, syncs or reads of files on
// demand, or plays a disk with little room, so a test can prove that a disk error refuses
// cleanly and loses nothing (LevelDB's fault_injection_test idea). Costs a few relaxed atomic
// loads per file operation when disarmed.
//
// Everything RocksDB writes goes through it, its info log included (NewLogger), so a test of the
// old code meets RocksDB's own reaction to a full disk, assertions and all.
//
// Thread-safe: RocksDB calls it from its own threads while the test arms and disarms it.
#ifndef TIERHUB_TESTS_TESTUTIL_FAULTY_FILE_SYSTEM_H_
#define TIERHUB_TESTS_TESTUTIL_FAULTY_FILE_SYSTEM_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

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
  // While armed, reads of random-access files (RocksDB's tables) return an IOError.
  void FailReads(bool on) { fail_reads_.store(on, std::memory_order_relaxed); }

  // A disk with `bytes` free from now on: appends take from it and one that does not fit fails
  // whole with IOStatus::NoSpace (ENOSPC, "No space left on device"), writing nothing;
  // GetFreeSpace reports what is left. 0 is a full disk. kUnlimited (the default) ends it.
  static constexpr int64_t kUnlimited = -1;
  void SetFreeBytes(int64_t bytes) { free_bytes_.store(bytes, std::memory_order_relaxed); }
  void FillDisk() { SetFreeBytes(0); }
  void FreeDisk() { SetFreeBytes(kUnlimited); }

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
  rocksdb::IOStatus NewRandomAccessFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                        rocksdb::IODebugContext* dbg) override;
  // RocksDB's own info logger (EnvLogger), writing through NewWritableFile above.
  rocksdb::IOStatus NewLogger(const std::string& fname, const rocksdb::IOOptions& io_opts,
                              std::shared_ptr<rocksdb::Logger>* result,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* diskfree, rocksdb::IODebugContext* dbg) override;

  // Returns the injected error if writes (or syncs, reads) are armed, OK otherwise. A write of
  // `bytes` takes them from the free bytes, if limited, or fails with NoSpace.
  rocksdb::IOStatus MaybeFailWrite(size_t bytes);
  rocksdb::IOStatus MaybeFailSync();
  rocksdb::IOStatus MaybeFailRead();

 private:
  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> fail_syncs_{false};
  std::atomic<bool> fail_reads_{false};
  std::atomic<int64_t> free_bytes_{kUnlimited};
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
