// Reads of a store that tests compare against a recount.
#ifndef TIERHUB_TESTS_TESTUTIL_STORE_READS_H_
#define TIERHUB_TESTS_TESTUTIL_STORE_READS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "services/store/store.h"

namespace tierhub::testutil {

// Every non-zero counter whose key starts with `prefix`; a failed scan fails the test.
inline std::map<std::string, int64_t> CountersUnder(const store::Store& store,
                                                    std::string_view prefix) {
  std::map<std::string, int64_t> out;
  EXPECT_TRUE(store
                  .ScanCounters(prefix,
                                [&](std::string_view key, int64_t v) {
                                  out[std::string(key)] = v;
                                  return true;
                                })
                  .ok());
  return out;
}

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_STORE_READS_H_
