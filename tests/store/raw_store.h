// For store tests that make a store look like one written by an older version: its RocksDB
// opened directly, with every column family, while no Store has it open.
#ifndef TIERHUB_TESTS_STORE_RAW_STORE_H_
#define TIERHUB_TESTS_STORE_RAW_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "services/store/format.h"

namespace tierhub::store {

// Opens the closed store at `path`, calls edit(db, handle) for each of its column families (it
// may drop the family or change its data), and closes it again. A failure to open is a fatal
// test failure: call it inside ASSERT_NO_FATAL_FAILURE.
inline void EditClosedStore(
    const std::string& path,
    const std::function<void(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* handle)>& edit) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    rocksdb::ColumnFamilyOptions cf;
    if (name == format::kCountersCf) cf.merge_operator = format::NewCounterAddOperator();
    descriptors.emplace_back(name, cf);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (rocksdb::ColumnFamilyHandle* h : handles) edit(*db, h);
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  }
  EXPECT_TRUE(db->Close().ok());
}

}  // namespace tierhub::store

#endif  // TIERHUB_TESTS_STORE_RAW_STORE_H_
