#include "services/store/disk_watch.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/store/format.h"

namespace tierhub::store {

bool IsDiskFull(const rocksdb::Status& s) {
  return s.IsIOError() && (s.IsNoSpace() || s.subcode() == rocksdb::Status::kSpaceLimit);
}

namespace {

const char* ReasonName(rocksdb::BackgroundErrorReason reason) {
  switch (reason) {
    case rocksdb::BackgroundErrorReason::kFlush:
    case rocksdb::BackgroundErrorReason::kFlushNoWAL:
      return "flush";
    case rocksdb::BackgroundErrorReason::kCompaction:
      return "compaction";
    case rocksdb::BackgroundErrorReason::kWriteCallback:
      return "write";
    case rocksdb::BackgroundErrorReason::kMemTable:
      return "memtable switch";
    case rocksdb::BackgroundErrorReason::kManifestWrite:
    case rocksdb::BackgroundErrorReason::kManifestWriteNoWAL:
      return "MANIFEST write";
  }
  return "background work";
}

}  // namespace

class DiskWatch::Listener final : public rocksdb::EventListener {
 public:
  explicit Listener(DiskWatch* watch) : watch_(watch) {}
  const char* Name() const override { return "tierhub::store::DiskWatch"; }

  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override {
    if (error != nullptr && !error->ok()) watch_->BackgroundError(reason, *error);
  }
  void OnMemTableSealed(const rocksdb::MemTableInfo& info) override {
    watch_->MemTableSealed(info.cf_name);
  }
  // The store resumes on its next write; RocksDB's own recovery would answer that DB::Resume()
  // is Busy until a poll every 5 s found 64 MiB free.
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status error,
                            bool* auto_recovery) override {
    error.PermitUncheckedError();
    *auto_recovery = false;
  }

 private:
  DiskWatch* const watch_;
};

DiskWatch::DiskWatch(rocksdb::Env* env, const Clock* clock, std::string path)
    : env_(env),
      clock_(clock),
      path_(std::move(path)),
      listener_(std::make_shared<Listener>(this)) {}

DiskWatch::~DiskWatch() = default;

std::shared_ptr<rocksdb::EventListener> DiskWatch::listener() const { return listener_; }

std::optional<uint64_t> DiskWatch::FreeBytes() const {
  uint64_t free = 0;
  if (!env_->GetFreeSpace(path_, &free).ok()) return std::nullopt;
  return free;
}

absl::Status DiskWatch::Describe(const rocksdb::Status& s, std::string_view what) const {
  const std::string detail = absl::StrCat(std::string(what), ": ", s.ToString());
  if (IsDiskFull(s)) {
    const std::optional<uint64_t> free = FreeBytes();
    return absl::ResourceExhaustedError(absl::StrCat(
        "disk full: the store at ", path_, " is on a full disk (",
        free.has_value() ? absl::StrCat(*free, " bytes free") : "free space unknown",
        "); writes are refused and nothing of them is stored until space is freed (", detail, ")"));
  }
  if (s.IsIOError()) {
    return absl::UnavailableError(absl::StrCat("disk error at the store at ", path_,
                                               "; nothing of the write is stored (", detail, ")"));
  }
  return format::FromRocks(s, what);
}

void DiskWatch::UpdateClearLocked() {
  clear_.store(!needs_resume_ && !read_only_ && !fatal_, std::memory_order_release);
}

void DiskWatch::RecordLocked(absl::Status refusal) {
  ++refusals_;
  if (!refused_since_.has_value()) {
    refused_since_ = clock_->Now();
    LogWarning("store: writes refused: ", refusal.ToString());
  }
  health_ = std::move(refusal);
}

absl::Status DiskWatch::Refuse(const rocksdb::Status& s, std::string_view what) {
  absl::Status refusal = Describe(s, what);
  absl::MutexLock lock(&mu_);
  needs_resume_ = true;
  if (s.severity() >= rocksdb::Status::Severity::kFatalError) {
    SetFatalLocked(absl::StrCat("RocksDB judged the error fatal: ", s.ToString()));
  }
  RecordLocked(refusal);
  UpdateClearLocked();
  return refusal;
}

void DiskWatch::MemTableSealed(const std::string& column_family) {
  if (column_family == format::kMetaCf) sentinel_gone_.store(true, std::memory_order_release);
}

void DiskWatch::SetFatal(std::string why) {
  absl::MutexLock lock(&mu_);
  SetFatalLocked(std::move(why));
}

void DiskWatch::SetFatalLocked(std::string why) {
  if (fatal_) return;
  fatal_ = true;
  UpdateClearLocked();
  fatal_why_ = std::move(why);
  LogError("store: ", FatalRefusalLocked().message());
}

absl::Status DiskWatch::FatalRefusalLocked() const {
  return absl::UnavailableError(
      absl::StrCat("the store at ", path_, " takes writes again only after a restart of the node (",
                   fatal_why_, "); nothing of a write is stored meanwhile"));
}

absl::Status DiskWatch::RefuseUntilReopened() {
  absl::MutexLock lock(&mu_);
  ++refusals_;
  return FatalRefusalLocked();
}

void DiskWatch::BackgroundError(rocksdb::BackgroundErrorReason reason, const rocksdb::Status& s) {
  absl::Status refusal = Describe(s, ReasonName(reason));
  absl::MutexLock lock(&mu_);
  needs_resume_ = true;
  if (s.severity() >= rocksdb::Status::Severity::kFatalError) {
    SetFatalLocked(absl::StrCat("RocksDB judged the error fatal: ", s.ToString()));
  }
  UpdateClearLocked();
  // A failed compaction leaves writes going (RocksDB's soft error); anything else stops them.
  if (reason == rocksdb::BackgroundErrorReason::kCompaction) return;
  health_ = std::move(refusal);
  if (!refused_since_.has_value()) {
    refused_since_ = clock_->Now();
    LogWarning("store: writes stopped: ", health_.ToString());
  }
}

void DiskWatch::Resumed() {
  absl::MutexLock lock(&mu_);
  needs_resume_ = false;
  UpdateClearLocked();
  if (!refused_since_.has_value()) return;
  const std::optional<uint64_t> free = FreeBytes();
  LogInfo("store: writes resumed at ", path_, " after ",
          absl::FormatDuration(clock_->Now() - *refused_since_), " (",
          free.has_value() ? absl::StrCat(*free, " bytes free") : "free space unknown", ")");
  refused_since_.reset();
  health_ = absl::OkStatus();
}

bool DiskWatch::needs_resume() const {
  absl::MutexLock lock(&mu_);
  return needs_resume_;
}

void DiskWatch::SetReadOnly(const rocksdb::Status& why) {
  absl::MutexLock lock(&mu_);
  read_only_ = true;
  UpdateClearLocked();
  open_error_ = why;
  refused_since_ = clock_->Now();
  LogWarning("store: opened READ-ONLY: ", ReadOnlyRefusalLocked().message());
}

absl::Status DiskWatch::ReadOnlyRefusalLocked() const {
  const absl::Status open = Describe(open_error_, "open for writing");
  return absl::Status(open.code(),
                      absl::StrCat("read-only store: ", open.message(),
                                   "; reads are served, writes need a restart of the node once "
                                   "space is freed (the node restarts itself when it sees room)"));
}

absl::Status DiskWatch::RefuseReadOnly() {
  absl::MutexLock lock(&mu_);
  ++refusals_;
  return ReadOnlyRefusalLocked();
}

bool DiskWatch::read_only() const {
  absl::MutexLock lock(&mu_);
  return read_only_;
}

bool DiskWatch::fatal() const {
  absl::MutexLock lock(&mu_);
  return fatal_;
}

absl::Status DiskWatch::WriteHealth() const {
  absl::MutexLock lock(&mu_);
  if (read_only_) return ReadOnlyRefusalLocked();
  if (fatal_) return FatalRefusalLocked();
  return health_;
}

uint64_t DiskWatch::refusals() const {
  absl::MutexLock lock(&mu_);
  return refusals_;
}

std::optional<absl::Time> DiskWatch::refused_since() const {
  absl::MutexLock lock(&mu_);
  return refused_since_;
}

}  // namespace tierhub::store
