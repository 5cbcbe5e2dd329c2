// The RocksDB options of a tierhub store, in one place: Store::OpenDb opens with them, and
// bench/run floor measures RocksDB's own cost with exactly the same settings.
#ifndef TIERHUB_SERVICES_STORE_ROCKS_OPTIONS_H_
#define TIERHUB_SERVICES_STORE_ROCKS_OPTIONS_H_

#include <cstddef>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"

namespace tierhub::store {

// Where each column family is in StoreRocksOptions().column_families, and so in the handles
// rocksdb::DB::Open returns for them.
enum ColumnFamilyPosition : size_t {
  kDefaultPos,
  kRecordsPos,
  kLogPos,
  kMetaPos,
  kIndexPos,
  kCountersPos,
  kConflictsPos,
  kLocalPos,
  kRoutePos,
};

struct RocksOptions {
  rocksdb::DBOptions db;
  std::vector<rocksdb::ColumnFamilyDescriptor> column_families;  // by ColumnFamilyPosition
};

// Options for a store with a shared block cache of `block_cache_mb` MiB; `env` may be nullptr
// (RocksDB's default).
RocksOptions StoreRocksOptions(size_t block_cache_mb, rocksdb::Env* env);

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_ROCKS_OPTIONS_H_
