#include "tests/testutil/faulty_file_system.h"

#include <utility>
#include <vector>

namespace tierhub::testutil {
namespace {

// What a full disk answers: ENOSPC, as RocksDB's posix file system reports it.
rocksdb::IOStatus NoSpace() {
  rocksdb::IOStatus s = rocksdb::IOStatus::NoSpace("injected: No space left on device");
  s.SetRetryable(true);
  return s;
}

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
    rocksdb::IOStatus s = fs_->MaybeFailWrite(data.size());
    return s.ok() ? FSWritableFileOwnerWrapper::Append(data, options, dbg) : s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailWrite(data.size());
    return s.ok() ? FSWritableFileOwnerWrapper::Append(data, options, info, dbg) : s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailWrite(data.size());
    return s.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg) : s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailWrite(data.size());
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

class FaultyRandomAccessFile final : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  FaultyRandomAccessFile(std::unique_ptr<rocksdb::FSRandomAccessFile> target, FaultyFileSystem* fs)
      : FSRandomAccessFileOwnerWrapper(std::move(target)), fs_(fs) {}

  rocksdb::IOStatus Read(uint64_t offset, size_t n, const rocksdb::IOOptions& options,
                         rocksdb::Slice* result, char* scratch,
                         rocksdb::IODebugContext* dbg) const override {
    rocksdb::IOStatus s = fs_->MaybeFailRead();
    return s.ok() ? FSRandomAccessFileOwnerWrapper::Read(offset, n, options, result, scratch, dbg)
                  : s;
  }
  rocksdb::IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t num_reqs,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailRead();
    if (s.ok()) return FSRandomAccessFileOwnerWrapper::MultiRead(reqs, num_reqs, options, dbg);
    for (size_t i = 0; i < num_reqs; ++i) reqs[i].status = s;
    return s;
  }
  rocksdb::IOStatus ReadAsync(rocksdb::FSReadRequest& req, const rocksdb::IOOptions& opts,
                              std::function<void(const rocksdb::FSReadRequest&, void*)> cb,
                              void* cb_arg, void** io_handle, rocksdb::IOHandleDeleter* del_fn,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->MaybeFailRead();
    return s.ok() ? FSRandomAccessFileOwnerWrapper::ReadAsync(req, opts, std::move(cb), cb_arg,
                                                              io_handle, del_fn, dbg)
                  : s;
  }

 private:
  FaultyFileSystem* const fs_;
};

}  // namespace

FaultyFileSystem::FaultyFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target)
    : FileSystemWrapper(target) {}

rocksdb::IOStatus FaultyFileSystem::MaybeFailWrite(size_t bytes) {
  if (fail_writes_.load(std::memory_order_relaxed)) {
    injected_.fetch_add(1, std::memory_order_relaxed);
    return Injected("injected write failure");
  }
  int64_t free = free_bytes_.load(std::memory_order_relaxed);
  while (free != kUnlimited) {
    if (static_cast<uint64_t>(free) < bytes) {
      injected_.fetch_add(1, std::memory_order_relaxed);
      return NoSpace();
    }
    if (free_bytes_.compare_exchange_weak(free, free - static_cast<int64_t>(bytes),
                                          std::memory_order_relaxed)) {
      break;
    }
  }
  return rocksdb::IOStatus::OK();
}

rocksdb::IOStatus FaultyFileSystem::MaybeFailRead() {
  if (!fail_reads_.load(std::memory_order_relaxed)) return rocksdb::IOStatus::OK();
  injected_.fetch_add(1, std::memory_order_relaxed);
  return Injected("injected read failure");
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

rocksdb::IOStatus FaultyFileSystem::NewRandomAccessFile(
    const std::string& fname, const rocksdb::FileOptions& opts,
    std::unique_ptr<rocksdb::FSRandomAccessFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSRandomAccessFile> file;
  rocksdb::IOStatus s = target()->NewRandomAccessFile(fname, opts, &file, dbg);
  if (s.ok()) *result = std::make_unique<FaultyRandomAccessFile>(std::move(file), this);
  return s;
}

rocksdb::IOStatus FaultyFileSystem::NewLogger(const std::string& fname,
                                              const rocksdb::IOOptions& io_opts,
                                              std::shared_ptr<rocksdb::Logger>* result,
                                              rocksdb::IODebugContext* dbg) {
  // FileSystemWrapper would hand this to the target, whose logger writes past this wrapper;
  // the base class's logger opens its file through this->NewWritableFile.
  return FileSystem::NewLogger(fname, io_opts, result, dbg);
}

rocksdb::IOStatus FaultyFileSystem::GetFreeSpace(const std::string& path,
                                                 const rocksdb::IOOptions& options,
                                                 uint64_t* diskfree, rocksdb::IODebugContext* dbg) {
  const int64_t free = free_bytes_.load(std::memory_order_relaxed);
  if (free == kUnlimited) return target()->GetFreeSpace(path, options, diskfree, dbg);
  *diskfree = static_cast<uint64_t>(free);
  return rocksdb::IOStatus::OK();
}

FaultyEnv::FaultyEnv()
    : fs(std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default())),
      env(rocksdb::NewCompositeEnv(fs)) {}

}  // namespace tierhub::testutil
