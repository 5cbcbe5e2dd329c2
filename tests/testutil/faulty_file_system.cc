#include "tests/testutil/faulty_file_system.h"

#include <utility>

namespace tierhub::testutil {
namespace {

rocksdb::IOStatus Injected(const char* what) {
  rocksdb::IOStatus s = rocksdb::IOStatus::IOError(what);
  // Retryable, as a transient disk error is: RocksDB then lets DB::Resume() recover once the
  // fault clears instead of requiring a reopen.
  s.SetRetryable(true);
  return s;
}

class FaultyWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyWritableFile(std::unique_ptr<rocksdb::FSWritableFile> target, FaultyFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailWrite();
    return s.ok() ? FSWritableFileOwnerWrapper::Append(data, options, dbg) : s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailWrite();
    return s.ok() ? FSWritableFileOwnerWrapper::Append(data, options, info, dbg) : s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailWrite();
    return s.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg) : s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailWrite();
    return s.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg)
                  : s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailSync();
    return s.ok() ? FSWritableFileOwnerWrapper::Sync(options, dbg) : s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailSync();
    return s.ok() ? FSWritableFileOwnerWrapper::Fsync(options, dbg) : s;
  }

 private:
  FaultyFileSystem* const fs_;  // outlives its files: RocksDB closes files before the Env dies
};

}  // namespace

FaultyFileSystem::FaultyFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target)
    : FileSystemWrapper(target) {}

rocksdb::IOStatus FaultyFileSystem::MaybeFailWrite() {
  if (!fail_writes_.load(std::memory_order_relaxed)) return rocksdb::IOStatus::OK();
  injected_.fetch_add(1, std::memory_order_relaxed);
  return Injected("injected write failure");
}

rocksdb::IOStatus FaultyFileSystem::MaybeFailSync() {
  if (!fail_syncs_.load(std::memory_order_relaxed)) return rocksdb::IOStatus::OK();
  injected_.fetch_add(1, std::memory_order_relaxed);
  return Injected("injected sync failure");
}

rocksdb::IOStatus FaultyFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& opts,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->NewWritableFile(fname, opts, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyWritableFile>(std::move(file), this);
  return s;
}

rocksdb::IOStatus FaultyFileSystem::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& opts,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->ReopenWritableFile(fname, opts, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyWritableFile>(std::move(file), this);
  return s;
}

rocksdb::IOStatus FaultyFileSystem::ReuseWritableFile(
    const std::string& fname, const std::string& old_fname, const rocksdb::FileOptions& opts,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->ReuseWritableFile(fname, old_fname, opts, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyWritableFile>(std::move(file), this);
  return s;
}

FaultyEnv::FaultyEnv()
    : fs(std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default())),
      env(rocksdb::NewCompositeEnv(fs)) {}

}  // namespace tierhub::testutil
