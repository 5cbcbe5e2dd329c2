// Fuzzes the parent's handling of a pushed batch (exchange::ApplyChildBatch) in process,
// against a real store in a temporary directory: the province (440000) takes batches from an
// authenticated direct child, the city 440600 (node "fs"), which forwards its counties' changes
// too, so that the fuzzer can make up origins below it. The input is a serialized
// tierhub.v1.ChangeBatch. The store lives across inputs, as a node's does.
//
// Whatever the batch, either it is refused and nothing moves, or it is applied and every
// change that now holds its key is stored as it was decoded and checked.
#include <memory>
#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/exchange/push_batch.h"
#include "services/node/node_hooks.h"
#include "services/store/store.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/testutil/temp_dir.h"

namespace {

struct Parent {
  tierhub::testutil::TempDir dir;
  tierhub::node::NodeHooks hooks;
  std::unique_ptr<tierhub::store::Store> store;
};

Parent& TheParent() {
  static Parent* parent = [] {
    auto* p = new Parent;
    tierhub::store::Store::Options options;
    options.path = p->dir.Sub("gd");
    options.node_id = "gd";
    options.region_code = "440000";
    options.clock = tierhub::SystemClock::Get();
    options.hooks = &p->hooks;
    options.sync_writes = false;  // durability is not what is fuzzed; speed is what finds bugs
    options.block_cache_mb = 8;
    auto store = tierhub::store::Store::Open(options);
    FUZZ_CHECK(store.ok());
    p->store = std::move(*store);
    return p;
  }();
  return *parent;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tierhub::v1::ChangeBatch batch;
  if (!batch.ParseFromArray(data, static_cast<int>(size))) return 0;
  Parent& parent = TheParent();
  tierhub::auth::Identity child;
  child.kind = tierhub::auth::Identity::Kind::kNode;
  child.name = "fs";
  child.region_code = "440600";
  std::vector<tierhub::v1::Change> decoded(batch.changes_size());
  for (int i = 0; i < batch.changes_size(); ++i) (void)decoded[i].ParseFromString(batch.changes(i));
  const std::string cursor = "child-acked/fs";
  const uint64_t cursor_before = parent.store->GetCursor(cursor).value();
  auto result = tierhub::exchange::ApplyChildBatch(parent.store.get(), child, cursor, &batch);
  if (!result.ok()) {
    FUZZ_CHECK(!result.status().message().empty());
    FUZZ_CHECK(parent.store->GetCursor(cursor).value() == cursor_before);
    return 0;
  }
  FUZZ_CHECK(parent.store->GetCursor(cursor).value() == batch.last_seq());
  // A duplicate may have the key of a change applied earlier with another body.
  if (result->duplicates != 0) return 0;
  for (const tierhub::v1::Change& change : decoded) {
    auto stored = parent.store->Get(change.key());
    FUZZ_CHECK(stored.ok() && stored->has_value());
    const tierhub::v1::StoredRecord& record = **stored;
    if (record.origin_node() != change.origin_node() ||
        record.origin_seq() != change.origin_seq()) {
      continue;  // a newer version holds the key
    }
    FUZZ_CHECK(record.has_record() == change.has_record());
    FUZZ_CHECK(record.record().SerializeAsString() == change.record().SerializeAsString());
    FUZZ_CHECK(record.tombstone().SerializeAsString() == change.tombstone().SerializeAsString());
  }
  return 0;
}
