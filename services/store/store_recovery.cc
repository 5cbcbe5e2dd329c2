// Store: restoring from a backup, and recovering the sequences, watermarks, clock and routes
// at open.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/store/disk_watch.h"
#include "services/store/down_routes.h"
#include "services/store/format.h"
#include "services/store/store.h"
#include "services/store/store_internal.h"

namespace tierhub::store {
namespace {

namespace f = format;
using internal::View;

// fsyncs every regular file under `dir`, then `dir` and its parent, so a restored backup
// survives a power loss right after OpenFromBackup returns.
absl::Status SyncTree(const std::filesystem::path& dir) {
  auto sync_path = [](const std::filesystem::path& p, int flags) -> absl::Status {
    const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return absl::UnavailableError(absl::StrCat("open ", p.string(), " for fsync"));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return absl::UnavailableError(absl::StrCat("fsync ", p.string()));
    return absl::OkStatus();
  };
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) TH_RETURN_IF_ERROR(sync_path(entry.path(), O_RDONLY));
  }
  if (ec) return absl::UnavailableError(absl::StrCat("list ", dir.string(), ": ", ec.message()));
  TH_RETURN_IF_ERROR(sync_path(dir, O_RDONLY | O_DIRECTORY));
  return sync_path(std::filesystem::absolute(dir).parent_path(), O_RDONLY | O_DIRECTORY);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::OpenFromBackup(const std::string& backup_dir,
                                                             const std::string& target_dir,
                                                             Options options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("backup directory ", backup_dir, " not found"));
  }
  if (fs::exists(target_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("restore target ", target_dir, " already exists"));
  }
  fs::copy(backup_dir, target_dir, fs::copy_options::recursive, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("copy backup ", backup_dir, " to ", target_dir, ": ", ec.message()));
  }
  TH_RETURN_IF_ERROR(SyncTree(target_dir));
  options.path = target_dir;
  return Open(std::move(options));
}

absl::Status Store::Recover() {
  TH_ASSIGN_OR_RETURN(std::optional<std::string> owner, GetRaw(meta_, f::kMetaNodeId));
  if (!owner.has_value() && disk_->read_only()) return disk_->RefuseReadOnly();
  if (!owner.has_value()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    TH_RETURN_IF_ERROR(
        f::FromRocks(db_->Put(wo, meta_, f::kMetaNodeId, options_.node_id), "record store owner"));
  } else if (*owner != options_.node_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store at ", options_.path, " belongs to node ", *owner, ", not ", options_.node_id));
  }

  TH_ASSIGN_OR_RETURN(const uint64_t last_seq, GetMetaNumber(f::kMetaLastSeq));
  TH_ASSIGN_OR_RETURN(const uint64_t own_seq, GetMetaNumber(f::kMetaOwnSeq));
  TH_ASSIGN_OR_RETURN(std::optional<std::string> log_first_raw, GetRaw(meta_, f::kMetaLogFirst));
  uint64_t log_first = 1;
  if (log_first_raw.has_value() && !f::DecodeSeq(*log_first_raw, &log_first)) {
    return absl::DataLossError("meta log_first: malformed");
  }

  // The meta numbers and the log are written in the same batches; if they disagree the files
  // were damaged or edited, and serving on would hand out reused sequence numbers.
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_));
    it->SeekToLast();
    TH_RETURN_IF_ERROR(f::FromRocks(it->status(), "read log tail"));
    uint64_t tail = 0;
    if (it->Valid() && !f::DecodeSeq(View(it->key()), &tail)) {
      return absl::DataLossError("log key: malformed");
    }
    const bool expect_entries = last_seq >= log_first;
    if (it->Valid() != expect_entries || (it->Valid() && tail != last_seq)) {
      return absl::DataLossError(absl::StrCat("log tail ", it->Valid() ? tail : 0,
                                              " disagrees with meta last_seq ", last_seq,
                                              " (log_first ", log_first, ")"));
    }
  }

  TH_ASSIGN_OR_RETURN(std::optional<std::string> hlc_raw, GetRaw(meta_, f::kMetaHlc));
  if (hlc_raw.has_value()) {
    v1::Version high;
    if (!high.ParseFromString(*hlc_raw)) return absl::DataLossError("meta hlc: malformed");
    hlc_->Observe(high);
  }

  TH_ASSIGN_OR_RETURN(std::optional<std::string> route_region, GetRaw(meta_, f::kMetaRouteRegion));
  if (route_region != options_.region_code) {
    if (disk_->read_only()) {
      routes_missing_ = true;  // cannot build them; ReadLogRouted refuses until reopened
    } else {
      TH_RETURN_IF_ERROR(RebuildRoutes(log_first, last_seq, route_region.has_value()));
    }
  }

  auto watermarks = Watermarks();
  if (!watermarks.ok()) return watermarks.status();
  TH_ASSIGN_OR_RETURN(auto origins, OriginsLast());
  absl::MutexLock lock(&write_mu_);
  watermarks_.clear();
  watermarks_.insert(watermarks->begin(), watermarks->end());
  origin_regions_.clear();
  for (auto& [origin, last] : origins) origin_regions_.emplace(origin, std::move(last.region_code));
  last_seq_.store(last_seq, std::memory_order_release);
  own_seq_.store(own_seq, std::memory_order_release);
  first_log_seq_.store(log_first, std::memory_order_release);
  // Idle time counts from the open: a node just restarted is about to take writes.
  last_commit_micros_.store(absl::ToUnixMicros(options_.clock->Now()), std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status Store::RebuildRoutes(uint64_t log_first, uint64_t last_seq, bool had_routes) {
  absl::MutexLock lock(&write_mu_);
  const absl::Time start = absl::Now();
  if (had_routes) {
    // Built for another region: none of them is right any more.
    rocksdb::WriteBatch clear;
    TH_RETURN_IF_ERROR(f::FromRocks(clear.DeleteRange(route_, "", "\xff"), "stage route reset"));
    TH_RETURN_IF_ERROR(CommitLocked(&clear, /*sync=*/false));
  }
  // Puts only, so a crash half-way leaves nothing wrong: the next open (still without
  // kMetaRouteRegion) starts again from the first retained entry.
  constexpr size_t kBatchEntries = 4096;
  uint64_t entries = 0;
  rocksdb::WriteBatch batch;
  std::vector<std::string> routes;
  v1::Change change;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_));
  for (it->Seek(f::EncodeSeq(log_first)); it->Valid(); it->Next()) {
    uint64_t seq = 0;
    if (!f::DecodeSeq(View(it->key()), &seq) || seq > last_seq ||
        !change.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("log entry after ", log_first + entries,
                                              ": malformed; cannot build the routes"));
    }
    routes.clear();
    DownRoutes(options_.region_code, change, &routes);
    for (const std::string& route : routes) {
      TH_RETURN_IF_ERROR(
          f::FromRocks(batch.Put(route_, f::RouteKey(route, seq), ""), "stage route"));
    }
    if (++entries % kBatchEntries == 0) {
      TH_RETURN_IF_ERROR(CommitLocked(&batch, /*sync=*/false));
      batch.Clear();
    }
  }
  TH_RETURN_IF_ERROR(f::FromRocks(it->status(), "read log for routes"));
  TH_RETURN_IF_ERROR(f::FromRocks(batch.Put(meta_, f::kMetaRouteRegion, options_.region_code),
                                  "stage route region"));
  TH_RETURN_IF_ERROR(CommitLocked(&batch, /*sync=*/true));
  if (entries > 0) {
    LogInfo("store at ", options_.path, ": built the downward routes of ", entries,
            " log entries in ", absl::FormatDuration(absl::Now() - start));
  }
  return absl::OkStatus();
}

}  // namespace tierhub::store
