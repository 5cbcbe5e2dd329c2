#pragma once

// The RocksDB options of a tierhub store, in one place: Store::OpenDb opens with them, and
// bench/run floor measures RocksDB's own cost with exactly the same settings.

#include <cstddef>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"

namespace tierhub::store {

// The column families, in the order of StoreRocksOptions().column_families.
enum ColumnFamily : size_t {
  kDefaultCf,
  kRecordsCfIndex,
  kLogCfIndex,
  kMetaCfIndex,
  kIndexCfIndex,
  kCountersCfIndex,
  kConflictsCfIndex,
  kLocalCfIndex,
  kColumnFamilyCount,
};

struct RocksOptions {
  rocksdb::DBOptions db;
  std::vector<rocksdb::ColumnFamilyDescriptor> column_families;  // indexed by ColumnFamily
};

// Options for a store with a shared block cache of `block_cache_mb` MiB; `env` may be nullptr
// (RocksDB's default).
RocksOptions StoreRocksOptions(size_t block_cache_mb, rocksdb::Env* env);

}  // namespace tierhub::store
