// Store: compactions (the whole store at rest, and the step of IdleCompactionPolicy).
#include <string>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/metadata.h"
#include "rocksdb/options.h"
#include "services/common/status_macros.h"
#include "services/store/disk_watch.h"
#include "services/store/format.h"
#include "services/store/store.h"

namespace tierhub::store {
namespace {

namespace f = format;

// The column family's level-0 files, and whether RocksDB is compacting any of them.
std::vector<std::string> Level0Files(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, bool* busy) {
  rocksdb::ColumnFamilyMetaData meta;
  db->GetColumnFamilyMetaData(cf, &meta);
  std::vector<std::string> names;
  *busy = false;
  if (meta.levels.empty()) return names;
  for (const rocksdb::SstFileMetaData& file : meta.levels[0].files) {
    *busy = *busy || file.being_compacted;
    names.push_back(file.name);
  }
  return names;
}

}  // namespace

absl::Status Store::CompactAll() {
  for (rocksdb::ColumnFamilyHandle* cf :
       {records_, log_, meta_, index_, counters_, conflicts_, local_, route_}) {
    rocksdb::CompactRangeOptions options;
    options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
    TH_RETURN_IF_ERROR(
        f::FromRocks(db_->CompactRange(options, cf, nullptr, nullptr), "compact range"));
  }
  return absl::OkStatus();
}

uint64_t Store::RandomKeyLevel0Files() const {
  bool busy = false;
  return Level0Files(db_.get(), records_, &busy).size() +
         Level0Files(db_.get(), index_, &busy).size();
}

absl::StatusOr<uint64_t> Store::CompactLevel0(uint64_t min_files) {
  // A read-only store compacts nothing; one refusing writes would only fail again.
  if (disk_->read_only() || !disk_->WriteHealth().ok()) return 0;
  uint64_t compacted = 0;
  for (rocksdb::ColumnFamilyHandle* cf : {records_, index_}) {
    if (idle_compactions_stopped_.load()) return compacted;
    bool busy = false;
    const std::vector<std::string> inputs = Level0Files(db_.get(), cf, &busy);
    if (busy || inputs.size() < min_files) continue;  // RocksDB may be at it already
    // Level 0 into level 1 only, as RocksDB's own trigger would: a CompactRange over the whole
    // key range would also rewrite every level below into the next.
    rocksdb::CompactionOptions options;
    options.compression = rocksdb::kDisableCompressionOption;  // the column family's own
    options.output_file_size_limit = 64 << 20;                 // RocksDB's target_file_size_base
    const rocksdb::Status s = db_->CompactFiles(options, cf, inputs, /*output_level=*/1);
    // Cancelled by StopIdleCompactions, or RocksDB took some of the files meanwhile.
    if (s.IsIncomplete() || s.IsAborted()) continue;
    TH_RETURN_IF_ERROR(f::FromRocks(s, "compact level 0"));
    compacted += inputs.size();
  }
  return compacted;
}

void Store::StopIdleCompactions() {
  idle_compactions_stopped_.store(true);
  db_->DisableManualCompaction();
}

}  // namespace tierhub::store
