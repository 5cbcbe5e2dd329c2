#include "services/store/rocks_options.h"

#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "services/store/format.h"

namespace tierhub::store {

namespace f = format;

RocksOptions StoreRocksOptions(size_t block_cache_mb, rocksdb::Env* env) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  if (env != nullptr) db_options.env = env;
  // RocksDB would otherwise retry a failed write's recovery on a background timer; resuming on
  // the next write (CommitLocked) keeps recovery on the caller's thread and deterministic.
  db_options.max_bgerror_resume_count = 0;
  // The store writes one tombstone without the write-ahead log (format::kMetaWalSentinel);
  // RocksDB would flush every memtable at close because of it, which it never did before.
  db_options.avoid_flush_during_shutdown = true;
  // Bounds memtable memory across all column families.
  db_options.db_write_buffer_size = 64 << 20;
  // Flushes and compactions in the background, one of each at least; more would only fight
  // the writers for the machine's cores.
  db_options.max_background_jobs = 2;
  // Writes SST data out as it goes instead of in one burst at the end of a flush or compaction,
  // so that the WAL's fdatasync behind a synced batch does not queue behind it.
  db_options.bytes_per_sync = 1 << 20;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(block_cache_mb << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Index and filter blocks stay outside the block cache (RocksDB's default), held by the
  // table readers: about 1.5% of the store. Charged to a 64 MiB cache without partitioning,
  // a 1M-record store evicted and re-read a whole index block on nearly every update.
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::ColumnFamilyOptions counter_options = cf_options;
  counter_options.merge_operator = f::NewCounterAddOperator();
  // A hot counter (a county's ceramics list entries, say) takes one merge operand per batch;
  // until a flush, the memtable keeps them all and a reader adds them up. Past a few operands
  // a write folds them into one value instead (a read of the memtable), and a smaller memtable
  // bounds what a reader has to skip.
  counter_options.max_successive_merges = 8;
  counter_options.write_buffer_size = 8 << 20;
  rocksdb::ColumnFamilyOptions record_options = cf_options;
  // Records are read one at a time (the current record of each key a write touches, GetRecord),
  // and in a store larger than the block cache most of those reads miss it: a 1 KiB block is a
  // quarter of the reading and decompressing of RocksDB's 4 KiB for the same record. In
  // bench/run exchange the catch-up of 100,000 updates to a 1,000,000-record store took
  // 2.63-2.68 s instead of 2.95-3.28 s, for 30-40 MB more resident memory (a larger index).
  {
    rocksdb::BlockBasedTableOptions record_table = table;
    record_table.block_size = 1024;
    record_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(record_table));
  }
  // Every write first reads the key's current record; most keys of a load are new, and a
  // memtable bloom filter answers "not here" without walking the skip list.
  record_options.memtable_prefix_bloom_size_ratio = 0.02;
  record_options.memtable_whole_key_filtering = true;

  // Records and index entries arrive in random key order, so every compaction from level 0
  // into level 1 rewrites nearly all of level 1: with RocksDB's default trigger of 4 files,
  // a bulk load rewrote level 1 about every 20 MB of input. Waiting for 12 files does it a
  // third as often (2-3 us less CPU per change and tier in bench/run exchange); a point
  // lookup checks the extra level-0 files' bloom filters, held in memory. The write slowdown
  // and stop thresholds move up with it.
  rocksdb::ColumnFamilyOptions index_options = cf_options;
  for (rocksdb::ColumnFamilyOptions* random_keys : {&record_options, &index_options}) {
    random_keys->level0_file_num_compaction_trigger = 12;
    random_keys->level0_slowdown_writes_trigger = 40;
    random_keys->level0_stop_writes_trigger = 60;
  }
  RocksOptions rocks;
  rocks.db = db_options;
  rocks.column_families = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {f::kRecordsCf, record_options},
      {f::kLogCf, cf_options},
      {f::kMetaCf, cf_options},
      {f::kIndexCf, index_options},
      {f::kCountersCf, counter_options},
      {f::kConflictsCf, cf_options},
      // Created on the first open of a store that predates it (create_missing_column_families).
      {f::kLocalCf, cf_options},
      // Likewise; Store::Recover then builds it from the retained log.
      {f::kRouteCf, cf_options},
  };
  return rocks;
}

}  // namespace tierhub::store
