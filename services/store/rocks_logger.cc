#include "services/store/rocks_logger.h"

#include <pthread.h>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/log.h"

namespace tierhub::store {
namespace {

const char* LevelTag(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::DEBUG_LEVEL:
      return "[DEBUG] ";
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return "[WARN] ";
    case rocksdb::InfoLogLevel::ERROR_LEVEL:
      return "[ERROR] ";
    case rocksdb::InfoLogLevel::FATAL_LEVEL:
      return "[FATAL] ";
    default:  // INFO and HEADER lines carry no tag, as in RocksDB's own LOG
      return "";
  }
}

}  // namespace

std::shared_ptr<RocksLogger> RocksLogger::Open(std::shared_ptr<rocksdb::FileSystem> fs,
                                               const std::string& dir,
                                               rocksdb::InfoLogLevel level) {
  const std::string path = absl::StrCat(dir, "/LOG");
  const rocksdb::IOOptions io;
  // A failed rename (no LOG yet, or a disk that refuses even that) only means the new lines
  // follow the old ones in LOG: the file is opened for appending either way.
  fs->RenameFile(path, absl::StrCat(path, ".old"), io, nullptr).PermitUncheckedError();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  const rocksdb::IOStatus s = fs->ReopenWritableFile(path, rocksdb::FileOptions(), &file, nullptr);
  if (!s.ok()) {
    file.reset();
    LogWarning("RocksDB info log ", path, ": cannot open (", s.ToString(),
               "); its warnings and errors go to this log only");
  }
  return std::shared_ptr<RocksLogger>(new RocksLogger(std::move(fs), std::move(file), level));
}

RocksLogger::RocksLogger(std::shared_ptr<rocksdb::FileSystem> fs,
                         std::unique_ptr<rocksdb::FSWritableFile> file, rocksdb::InfoLogLevel level)
    : rocksdb::Logger(level), fs_(std::move(fs)), file_(std::move(file)) {}

RocksLogger::~RocksLogger() {
  absl::MutexLock lock(&mu_);
  if (file_ != nullptr) file_->Close(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
}

void RocksLogger::Logv(const char* format, va_list ap) {
  Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
}

void RocksLogger::Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  if (level < GetInfoLogLevel()) return;
  Write(level, format, ap);
}

void RocksLogger::Write(rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  char buffer[4096];
  va_list copy;
  va_copy(copy, ap);
  const int n = std::vsnprintf(buffer, sizeof(buffer), format, copy);
  va_end(copy);
  if (n < 0) return;
  std::string_view message(buffer, std::min<size_t>(static_cast<size_t>(n), sizeof(buffer) - 1));
  while (!message.empty() && message.back() == '\n') message.remove_suffix(1);
  const absl::string_view text(message.data(), message.size());

  // HEADER_LEVEL lines (the options dump at open) rank above FATAL in RocksDB's order.
  if (level >= rocksdb::InfoLogLevel::WARN_LEVEL && level <= rocksdb::InfoLogLevel::FATAL_LEVEL) {
    LogWarning("rocksdb: ", LevelTag(level), text);
  }
  absl::MutexLock lock(&mu_);
  if (file_ == nullptr) return;
  const std::string line =
      absl::StrCat(torn_ ? "\n" : "",
                   absl::FormatTime("%Y/%m/%d-%H:%M:%E6S ", absl::Now(), absl::LocalTimeZone()),
                   static_cast<uint64_t>(pthread_self()), " ", LevelTag(level), text, "\n");
  // Straight to the file, no buffer: a failed append (ENOSPC) drops the line, and nothing
  // remembers the error, so the next line is tried on its own.
  const rocksdb::IOStatus s = file_->Append(line, rocksdb::IOOptions(), nullptr);
  torn_ = !s.ok();
  if (!s.ok()) dropped_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace tierhub::store
