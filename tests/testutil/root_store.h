// The store and node context of a province root node "gd" (440000) without a Node around them,
// for tests of the services on one store (registry lists, coordinator, plans).
#ifndef TIERHUB_TESTS_TESTUTIL_ROOT_STORE_H_
#define TIERHUB_TESTS_TESTUTIL_ROOT_STORE_H_

#include <memory>
#include <string>

#include "services/auth/node_context.h"
#include "services/common/clock.h"
#include "services/store/record_hooks.h"
#include "services/store/store.h"

namespace tierhub::testutil {

// Opens the root's store under `dir` on `clock` with `hooks` (both borrowed; they must outlive
// the store). Crashes the test binary if it cannot open: a broken temp dir is no test result.
inline std::unique_ptr<store::Store> OpenRootStore(const std::string& dir, const Clock* clock,
                                                   const store::RecordHooks* hooks) {
  store::Store::Options options;
  options.path = dir + "/store";
  options.node_id = "gd";
  options.region_code = "440000";
  options.clock = clock;
  options.hooks = hooks;
  options.sync_writes = false;
  options.block_cache_mb = 8;
  return store::Store::Open(options).value();
}

// What every service of the root knows of it; `clock` is borrowed.
inline auth::NodeContext RootContext(const Clock* clock) {
  auth::NodeContext node;
  node.node_id = "gd";
  node.region_code = "440000";
  node.is_root = true;
  node.clock = clock;
  return node;
}

}  // namespace tierhub::testutil

#endif  // TIERHUB_TESTS_TESTUTIL_ROOT_STORE_H_
