// Component tests of Store on a real RocksDB in a per-test directory, with a FakeClock.
#include "services/store/store.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "services/common/clock.h"
#include "services/store/compaction_policy.h"
#include "services/store/format.h"
#include "tests/store/raw_store.h"
#include "tests/store/test_hooks.h"
#include "tests/testutil/faulty_file_system.h"
#include "tests/testutil/temp_dir.h"

namespace tierhub::store {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr auto kOperating = v1::OPERATING_STATUS_OPERATING;
constexpr auto kSuspended = v1::OPERATING_STATUS_SUSPENDED;

v1::Author Dept(std::string_view node) {
  v1::Author a;
  a.set_node_id(std::string(node));
  a.set_region_code("440000");
  a.set_department(v1::DEPARTMENT_ECO);
  a.set_user("tester");
  return a;
}

Mutation Put(std::string key, v1::Record record) {
  return Mutation{std::move(key), Dept("n1"), std::move(record)};
}

Mutation Del(std::string key, std::string_view region) {
  v1::Tombstone t;
  t.set_region_code(std::string(region));
  return Mutation{std::move(key), Dept("n1"), t};
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return MessageDifferencer::Equals(a, b);
}

// A store plus what it needs: its own directory, node id and the shared clock and hooks.
class StoreTest : public ::testing::Test {
 protected:
  Store::Options OptionsFor(std::string node, std::string path = "") {
    Store::Options o;
    o.path = path.empty() ? dir_.Sub(node) : std::move(path);
    o.region_code = absl::StrCat("region-of-", node);
    o.node_id = std::move(node);
    o.clock = &clock_;
    o.hooks = &hooks_;
    o.block_cache_mb = 8;
    return o;
  }

  std::unique_ptr<Store> OpenNode(std::string node) {
    auto store = Store::Open(OptionsFor(std::move(node)));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  void SetUp() override { store_ = OpenNode("n1"); }

  void Reopen() {
    store_.reset();
    store_ = OpenNode("n1");
  }

  std::vector<v1::Change> WriteOk(std::vector<Mutation> mutations) {
    clock_.Advance(absl::Milliseconds(1));
    auto changes = store_->Write(std::move(mutations));
    EXPECT_TRUE(changes.ok()) << changes.status();
    return changes.ok() ? *std::move(changes) : std::vector<v1::Change>{};
  }

  std::vector<v1::Change> WholeLog(const Store& store) {
    auto log = store.ReadLog(store.FirstLogSeq(), 1 << 20, 1 << 30);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : std::vector<v1::Change>{};
  }

  std::map<std::string, int64_t> Counters(const Store& store) {
    std::map<std::string, int64_t> out;
    EXPECT_TRUE(store
                    .ScanCounters("",
                                  [&](std::string_view k, int64_t v) {
                                    out.emplace(k, v);
                                    return true;
                                  })
                    .ok());
    return out;
  }

  std::set<std::pair<std::string, std::string>> Index(const Store& store,
                                                      std::string_view prefix = "") {
    std::set<std::pair<std::string, std::string>> out;
    EXPECT_TRUE(store
                    .ScanIndex(prefix,
                               [&](std::string_view i, std::string_view r) {
                                 out.emplace(i, r);
                                 return true;
                               })
                    .ok());
    return out;
  }

  std::optional<std::string> GetLocalOk(const Store& store, std::string_view key) {
    auto got = store.GetLocal(key);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : std::nullopt;
  }

  std::map<std::string, std::string> Local(const Store& store, std::string_view prefix = "") {
    std::map<std::string, std::string> out;
    EXPECT_TRUE(store
                    .ScanLocal(prefix,
                               [&](std::string_view k, std::string_view v) {
                                 out.emplace(k, v);
                                 return true;
                               })
                    .ok());
    return out;
  }

  // True if `needle` occurs in any key or value the exchange can see: records (by ScanRecords
  // and ScanSnapshot), index entries, counters, conflicts and the whole change log.
  bool ExchangedStateContains(const Store& store, const std::string& needle) {
    bool found = false;
    auto check = [&](std::string_view bytes) {
      if (bytes.find(needle) != std::string_view::npos) found = true;
    };
    EXPECT_TRUE(store
                    .ScanRecords("",
                                 [&](std::string_view k, const v1::StoredRecord& r) {
                                   check(k);
                                   check(r.SerializeAsString());
                                   return true;
                                 })
                    .ok());
    EXPECT_TRUE(store
                    .ScanSnapshot([&](std::string_view k, const v1::StoredRecord& r) {
                      check(k);
                      check(r.SerializeAsString());
                      return true;
                    })
                    .ok());
    for (const auto& [i, r] : Index(store)) {
      check(i);
      check(r);
    }
    for (const auto& [k, v] : Counters(store)) check(k);
    auto conflicts = store.ListConflicts("", 1 << 20);
    EXPECT_TRUE(conflicts.ok());
    if (conflicts.ok()) {
      for (const v1::Conflict& c : *conflicts) check(c.SerializeAsString());
    }
    for (const v1::Change& c : WholeLog(store)) check(c.SerializeAsString());
    uint64_t covered = 0;
    auto filtered = store.ReadLogFiltered(
        store.FirstLogSeq(), 1 << 20, 1 << 30, [](std::string_view) { return true; }, &covered);
    EXPECT_TRUE(filtered.ok());
    if (filtered.ok()) {
      for (const v1::Change& c : *filtered) check(c.SerializeAsString());
    }
    return found;
  }

  std::optional<v1::StoredRecord> GetOk(const Store& store, std::string_view key) {
    auto got = store.Get(key);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : std::nullopt;
  }

  testutil::TempDir dir_;
  FakeClock clock_;
  RegionStatusHooks hooks_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, WriteAssignsDenseSequencesAcrossCalls) {
  auto first = WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
                        Put("ent/b", Enterprise("440300", kOperating)),
                        Put("ent/c", Enterprise("440300", kSuspended))});
  auto second = WriteOk({Del("ent/a", "440100"), Put("ent/d", Enterprise("440600", kOperating))});
  std::vector<v1::Change> all = first;
  all.insert(all.end(), second.begin(), second.end());
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].seq(), i + 1);
    EXPECT_EQ(all[i].origin_seq(), i + 1);
    EXPECT_EQ(all[i].origin_node(), "n1");
    EXPECT_EQ(all[i].origin_region(), "region-of-n1");
    EXPECT_EQ(all[i].version().origin_node(), "n1");
    if (i > 0) {
      EXPECT_GT(CompareVersions(all[i].version(), all[i - 1].version()), 0);
    }
  }
  EXPECT_EQ(store_->LastSeq(), 5u);
  EXPECT_EQ(store_->OwnOriginSeq(), 5u);
  EXPECT_EQ(store_->FirstLogSeq(), 1u);

  std::vector<v1::Change> log = WholeLog(*store_);
  ASSERT_EQ(log.size(), all.size());
  for (size_t i = 0; i < log.size(); ++i) EXPECT_TRUE(Same(log[i], all[i])) << i;
}

TEST_F(StoreTest, BaseVersionIsTheVersionOverwritten) {
  auto create = WriteOk({Put("ent/a", Enterprise("440100", kOperating))});
  auto update = WriteOk({Put("ent/a", Enterprise("440100", kSuspended))});
  auto remove = WriteOk({Del("ent/a", "440100")});
  EXPECT_FALSE(create[0].has_base_version());
  EXPECT_TRUE(Same(update[0].base_version(), create[0].version()));
  EXPECT_TRUE(Same(remove[0].base_version(), update[0].version()));

  auto stored = GetOk(*store_, "ent/a");
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(IsLive(*stored));
  EXPECT_EQ(stored->tombstone().region_code(), "440100");
  EXPECT_EQ(stored->seq(), 3u);
  EXPECT_TRUE(Same(stored->version(), remove[0].version()));
  auto live = store_->GetLive("ent/a");
  ASSERT_TRUE(live.ok());
  EXPECT_FALSE(live->has_value());
  EXPECT_FALSE(GetOk(*store_, "ent/never").has_value());
}

TEST_F(StoreTest, CountersFollowCreateUpdateAndDelete) {
  WriteOk({Put("ent/a", Enterprise("440100", kOperating, 2)),
           Put("ent/b", Enterprise("440100", kOperating, 1))});
  EXPECT_THAT(Counters(*store_),
              UnorderedElementsAre(Pair("all", 2), Pair("industries", 3), Pair("region/440100", 2),
                                   Pair("status/1", 2)));

  WriteOk({Put("ent/a", Enterprise("440300", kSuspended, 3))});
  EXPECT_THAT(
      Counters(*store_),
      UnorderedElementsAre(Pair("all", 2), Pair("industries", 4), Pair("region/440100", 1),
                           Pair("region/440300", 1), Pair("status/1", 1), Pair("status/3", 1)));

  WriteOk({Del("ent/a", "440300"), Del("ent/b", "440100")});
  EXPECT_THAT(Counters(*store_), IsEmpty());
  auto all = store_->GetCounter("all");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, 0);

  // A key recreated after its tombstone counts again.
  WriteOk({Put("ent/a", Enterprise("440100", kOperating))});
  EXPECT_EQ(*store_->GetCounter("region/440100"), 1);
}

TEST_F(StoreTest, CountersScanByPrefix) {
  WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
           Put("ent/b", Enterprise("440300", kOperating))});
  std::vector<std::string> seen;
  ASSERT_TRUE(store_
                  ->ScanCounters("region/",
                                 [&](std::string_view k, int64_t) {
                                   seen.emplace_back(k);
                                   return true;
                                 })
                  .ok());
  EXPECT_THAT(seen, ElementsAre("region/440100", "region/440300"));
}

TEST_F(StoreTest, IndexEntriesMoveWithUpdatesAndLeaveWithDelete) {
  WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
           Put("ent/b", Enterprise("440100", kSuspended))});
  EXPECT_THAT(Index(*store_, "region/"),
              UnorderedElementsAre(Pair("region/440100", "ent/a"), Pair("region/440100", "ent/b")));

  WriteOk({Put("ent/a", Enterprise("440300", kOperating))});
  EXPECT_THAT(Index(*store_),
              UnorderedElementsAre(Pair("region/440100", "ent/b"), Pair("region/440300", "ent/a"),
                                   Pair("status/1", "ent/a"), Pair("status/3", "ent/b")));

  WriteOk({Del("ent/a", "440300")});
  EXPECT_THAT(Index(*store_),
              UnorderedElementsAre(Pair("region/440100", "ent/b"), Pair("status/3", "ent/b")));
}

TEST_F(StoreTest, ScansStopWhenTheCallbackSaysSo) {
  WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
           Put("ent/b", Enterprise("440100", kOperating)),
           Put("ent/c", Enterprise("440100", kOperating)),
           Put("other", Enterprise("1", kOperating))});
  std::vector<std::string> keys;
  ASSERT_TRUE(store_
                  ->ScanRecords("ent/",
                                [&](std::string_view k, const v1::StoredRecord&) {
                                  keys.emplace_back(k);
                                  return keys.size() < 2;
                                })
                  .ok());
  EXPECT_THAT(keys, ElementsAre("ent/a", "ent/b"));

  keys.clear();
  ASSERT_TRUE(store_
                  ->ScanRecords("ent/",
                                [&](std::string_view k, const v1::StoredRecord&) {
                                  keys.emplace_back(k);
                                  return true;
                                })
                  .ok());
  EXPECT_THAT(keys, ElementsAre("ent/a", "ent/b", "ent/c"));
}

TEST_F(StoreTest, ScansResumeAfterAKeyAndStayInsideTheirPrefix) {
  WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
           Put("ent/b", Enterprise("440106", kOperating)),
           Put("ent/c", Enterprise("440300", kOperating)),
           Put("eq", Enterprise("440100", kOperating))});
  auto records_after = [&](std::string_view after) {
    std::vector<std::string> keys;
    EXPECT_TRUE(store_
                    ->ScanRecords(
                        "ent/",
                        [&](std::string_view k, const v1::StoredRecord&) {
                          keys.emplace_back(k);
                          return true;
                        },
                        after)
                    .ok());
    return keys;
  };
  EXPECT_THAT(records_after("ent/a"), ElementsAre("ent/b", "ent/c"));
  EXPECT_THAT(records_after("ent/b0"), ElementsAre("ent/c"));  // a key that is not there
  EXPECT_THAT(records_after("ent/c"), IsEmpty());
  EXPECT_THAT(records_after("e"), ElementsAre("ent/a", "ent/b", "ent/c"));  // before the prefix
  EXPECT_THAT(records_after("f"), IsEmpty());                               // past it

  auto index_after = [&](Store::IndexPosition after) {
    std::vector<std::string> keys;
    EXPECT_TRUE(store_
                    ->ScanIndex(
                        "region/4401",
                        [&](std::string_view, std::string_view k) {
                          keys.emplace_back(k);
                          return true;
                        },
                        after)
                    .ok());
    return keys;
  };
  EXPECT_THAT(index_after({}), ElementsAre("ent/a", "eq", "ent/b"));
  EXPECT_THAT(index_after({"region/440100", "ent/a"}), ElementsAre("eq", "ent/b"));
  EXPECT_THAT(index_after({"region/440100", "eq"}), ElementsAre("ent/b"));
  EXPECT_THAT(index_after({"region/440106", "ent/b"}), IsEmpty());
}

TEST_F(StoreTest, SameKeyTwiceInOneBatchActsAsTwoWrites) {
  auto changes = WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
                          Put("ent/a", Enterprise("440300", kOperating))});
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_TRUE(Same(changes[1].base_version(), changes[0].version()));
  EXPECT_THAT(Counters(*store_),
              UnorderedElementsAre(Pair("all", 1), Pair("industries", 1), Pair("region/440300", 1),
                                   Pair("status/1", 1)));
  EXPECT_THAT(Index(*store_, "region/"), ElementsAre(Pair("region/440300", "ent/a")));
}

TEST_F(StoreTest, ValidatedMutationsSkipTheHooksButNotTheKeyCheck) {
  // The test hooks refuse an enterprise without a region; a caller that says it validated the
  // record itself is taken at its word. An empty key is refused all the same.
  Mutation trusted = Put("ent/a", Enterprise("", kOperating));
  trusted.validated = true;
  Mutation no_key = Put("", Enterprise("440100", kOperating));
  no_key.validated = true;
  auto refused = store_->Write({no_key});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  WriteOk({trusted});
  EXPECT_TRUE(GetOk(*store_, "ent/a").has_value());
}

TEST_F(StoreTest, GetManyAnswersEachKeyInTheOrderAsked) {
  // More keys than one batched lookup takes (1024), in no order, with absent keys, a
  // tombstone and a repeat.
  std::vector<Mutation> writes;
  for (int i = 0; i < 1500; i += 2) {
    writes.push_back(Put(absl::StrCat("ent/", 10000 + i), Enterprise("440100", kOperating)));
  }
  WriteOk(std::move(writes));
  WriteOk({Del("ent/10002", "440100")});
  std::vector<std::string> keys;
  for (int i = 1499; i >= 0; --i) keys.push_back(absl::StrCat("ent/", 10000 + i));
  keys.push_back("ent/10000");
  auto got = store_->GetMany(std::vector<std::string_view>(keys.begin(), keys.end()));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::optional<v1::StoredRecord> one = GetOk(*store_, keys[i]);
    ASSERT_EQ((*got)[i].has_value(), one.has_value()) << keys[i];
    if (one.has_value()) {
      EXPECT_EQ((*got)[i]->SerializeAsString(), one->SerializeAsString());
    }
  }
  EXPECT_FALSE((*got)[0].has_value());                       // ent/11499: never written
  EXPECT_TRUE((*got)[1].has_value() && IsLive(*(*got)[1]));  // ent/11498
  EXPECT_FALSE(IsLive(*(*got)[1497]));                       // ent/10002: a tombstone
}

TEST_F(StoreTest, ValidationErrorNamesEveryBadMutationAndStoresNothing) {
  v1::Record no_region = Enterprise("", kOperating);
  auto result = store_->Write({Put("ent/a", Enterprise("440100", kOperating)),
                               Put("ent/b", no_region), Put("", Enterprise("440100", kOperating))});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("mutation[1]: record.enterprise.region_code"));
  EXPECT_THAT(result.status().message(), HasSubstr("mutation[2]: key"));
  EXPECT_THAT(result.status().message(), ::testing::Not(HasSubstr("mutation[0]")));

  EXPECT_EQ(store_->LastSeq(), 0u);
  EXPECT_FALSE(GetOk(*store_, "ent/a").has_value());
  EXPECT_THAT(Counters(*store_), IsEmpty());
  EXPECT_THAT(Index(*store_), IsEmpty());
  EXPECT_THAT(WholeLog(*store_), IsEmpty());

  // No sequence number was burnt.
  auto ok = WriteOk({Put("ent/a", Enterprise("440100", kOperating))});
  EXPECT_EQ(ok[0].seq(), 1u);
  EXPECT_EQ(ok[0].origin_seq(), 1u);
}

TEST_F(StoreTest, ReopenContinuesSequences) {
  WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
           Put("ent/b", Enterprise("440100", kOperating))});
  Reopen();
  EXPECT_EQ(store_->LastSeq(), 2u);
  EXPECT_EQ(store_->OwnOriginSeq(), 2u);
  auto more = WriteOk({Put("ent/c", Enterprise("440100", kOperating))});
  EXPECT_EQ(more[0].seq(), 3u);
  EXPECT_EQ(more[0].origin_seq(), 3u);
  EXPECT_EQ(*store_->GetCounter("all"), 3);
}

TEST_F(StoreTest, HlcStaysMonotonicAcrossRestartWithClockSetBack) {
  auto before = WriteOk({Put("ent/a", Enterprise("440100", kOperating))});
  Reopen();
  clock_.Set(clock_.Now() - absl::Hours(1));
  auto after = store_->Write({Put("ent/b", Enterprise("440100", kOperating))});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GT(CompareVersions((*after)[0].version(), before[0].version()), 0);
  EXPECT_EQ((*after)[0].version().wall_micros(), before[0].version().wall_micros());
}

TEST_F(StoreTest, OpenRefusesAStoreOfAnotherNode) {
  store_.reset();
  auto other = Store::Open(OptionsFor("n2", dir_.Sub("n1")));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), HasSubstr("belongs to node n1"));
}

TEST_F(StoreTest, OpenRefusesBadOptions) {
  Store::Options o = OptionsFor("x");
  o.hooks = nullptr;
  EXPECT_EQ(Store::Open(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = OptionsFor("x");
  o.block_cache_mb = 0;
  EXPECT_EQ(Store::Open(o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, SecondOpenOfTheSameDirectoryIsUnavailable) {
  auto second = Store::Open(OptionsFor("n1"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(StoreTest, ReadLogIsBoundedByCountAndBytes) {
  for (int i = 0; i < 10; ++i)
    WriteOk({Put(absl::StrCat("ent/", i), Enterprise("440100", kOperating))});
  auto three = store_->ReadLog(2, 3, 1 << 20);
  ASSERT_TRUE(three.ok());
  ASSERT_EQ(three->size(), 3u);
  EXPECT_EQ((*three)[0].seq(), 2u);
  EXPECT_EQ((*three)[2].seq(), 4u);

  // Always at least one change, so a reader with a tiny budget still progresses.
  auto one = store_->ReadLog(1, 100, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);

  const size_t two_bytes = (*three)[0].ByteSizeLong() + (*three)[1].ByteSizeLong();
  auto two = store_->ReadLog(2, 100, two_bytes);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);

  auto tail = store_->ReadLog(10, 100, 1 << 20);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->size(), 1u);
  auto past = store_->ReadLog(11, 100, 1 << 20);
  ASSERT_TRUE(past.ok());
  EXPECT_THAT(*past, IsEmpty());
  EXPECT_EQ(store_->ReadLog(0, 100, 1 << 20).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, TruncateDropsOldLogEntriesButKeepsRecords) {
  for (int i = 1; i <= 10; ++i)
    WriteOk({Put(absl::StrCat("ent/", i), Enterprise("440100", kOperating))});
  ASSERT_TRUE(store_->TruncateLogBefore(5).ok());
  EXPECT_EQ(store_->FirstLogSeq(), 5u);
  auto truncated = store_->ReadLog(4, 10, 1 << 20);
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(truncated.status().message(), HasSubstr("first retained seq 5"));
  auto kept = store_->ReadLog(5, 100, 1 << 20);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 6u);
  EXPECT_EQ(kept->front().seq(), 5u);
  EXPECT_EQ(kept->back().seq(), 10u);
  EXPECT_TRUE(GetOk(*store_, "ent/1").has_value());
  EXPECT_EQ(*store_->GetCounter("all"), 10);

  Reopen();
  EXPECT_EQ(store_->FirstLogSeq(), 5u);
  EXPECT_EQ(store_->LastSeq(), 10u);

  // Truncating past the end empties the log; sequences still continue.
  ASSERT_TRUE(store_->TruncateLogBefore(1000).ok());
  EXPECT_EQ(store_->FirstLogSeq(), 11u);
  EXPECT_EQ(store_->ReadLog(10, 10, 1 << 20).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Reopen();
  EXPECT_EQ(store_->FirstLogSeq(), 11u);
  auto next = WriteOk({Put("ent/x", Enterprise("440100", kOperating))});
  EXPECT_EQ(next[0].seq(), 11u);
  auto from11 = store_->ReadLog(11, 10, 1 << 20);
  ASSERT_TRUE(from11.ok());
  ASSERT_EQ(from11->size(), 1u);
}

TEST_F(StoreTest, CursorsAreDurable) {
  auto unset = store_->GetCursor("parent");
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(*unset, 0u);
  ASSERT_TRUE(store_->SetCursor("parent", 42).ok());
  ASSERT_TRUE(store_->SetCursor("down", 7).ok());
  Reopen();
  EXPECT_EQ(*store_->GetCursor("parent"), 42u);
  EXPECT_EQ(*store_->GetCursor("down"), 7u);
  EXPECT_EQ(store_->SetCursor("", 1).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, ConcurrentWritersGetDenseSequences) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->Write({Put(absl::StrCat("ent/", t, "/", i % 5),
                                    Enterprise(absl::StrCat("4401", t), kOperating))});
        EXPECT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<v1::Change> log = WholeLog(*store_);
  ASSERT_EQ(log.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq(), i + 1);
    EXPECT_EQ(log[i].origin_seq(), i + 1);
  }
  EXPECT_EQ(*store_->GetCounter("all"), kThreads * 5);
}

// ---- Remote apply ----

class ApplyRemoteTest : public StoreTest {
 protected:
  // A child's own writes, as its log would carry them up.
  std::vector<v1::Change> ChildWrites(Store& child, std::vector<Mutation> mutations) {
    clock_.Advance(absl::Milliseconds(1));
    auto r = child.Write(std::move(mutations));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : std::vector<v1::Change>{};
  }

  ApplyResult ApplyOk(Store& parent, const std::vector<v1::Change>& changes) {
    auto r = parent.ApplyRemote(changes);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : ApplyResult{};
  }

  std::vector<v1::Conflict> Conflicts(const Store& store) {
    auto r = store.ListConflicts("", 100);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : std::vector<v1::Conflict>{};
  }
};

TEST_F(ApplyRemoteTest, ReadLogFilteredSkipsByOriginRegionAndReportsWhatItCovered) {
  auto child = OpenNode("c1");
  WriteOk({Put("ent/own1", Enterprise("440000", kOperating))});  // seq 1, region-of-n1
  ApplyOk(*store_, ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating)),
                                        Put("ent/b", Enterprise("440100", kOperating))}));
  WriteOk({Put("ent/own2", Enterprise("440000", kOperating))});  // seq 4
  auto not_child = [](std::string_view origin_region) { return origin_region != "region-of-c1"; };

  uint64_t covered = 0;
  auto own = store_->ReadLogFiltered(1, 100, 1 << 20, not_child, &covered);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->size(), 2u);
  EXPECT_EQ((*own)[0].key(), "ent/own1");
  EXPECT_EQ((*own)[1].key(), "ent/own2");
  EXPECT_EQ(covered, 4u);

  // Skipped entries count towards the limit, so a reader can step over them.
  auto none = store_->ReadLogFiltered(2, 2, 1 << 20, not_child, &covered);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_EQ(covered, 3u);

  auto past = store_->ReadLogFiltered(5, 10, 1 << 20, not_child, &covered);
  ASSERT_TRUE(past.ok());
  EXPECT_THAT(*past, IsEmpty());
  EXPECT_EQ(covered, 4u);
}

TEST_F(ApplyRemoteTest, OriginsLastKeepsEachPushingOriginsNewestChange) {
  auto child = OpenNode("c1");
  WriteOk({Put("ent/own1", Enterprise("440000", kOperating))});  // not an origin below
  auto first = ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating)),
                                    Put("ent/b", Enterprise("440100", kOperating))});
  ApplyOk(*store_, first);
  auto origins = store_->OriginsLast();
  ASSERT_TRUE(origins.ok()) << origins.status();
  ASSERT_EQ(origins->size(), 1u);
  EXPECT_EQ(origins->at("c1").wall_micros, first[1].version().wall_micros());
  EXPECT_EQ(origins->at("c1").region_code, "region-of-c1");

  // A refused batch (a gap) and changes pulled from a parent (no origin order) move nothing.
  auto second = ChildWrites(*child, {Put("ent/c", Enterprise("440100", kOperating))});
  auto third = ChildWrites(*child, {Put("ent/d", Enterprise("440100", kOperating))});
  EXPECT_FALSE(store_->ApplyRemote(third).ok());
  ApplyOptions pulled;
  pulled.enforce_origin_order = false;
  auto parent = OpenNode("p0");
  clock_.Advance(absl::Milliseconds(1));
  auto from_above = parent->Write({Put("ent/e", Enterprise("440100", kOperating))});
  ASSERT_TRUE(from_above.ok());
  ASSERT_TRUE(store_->ApplyRemote(*from_above, pulled).ok());
  origins = store_->OriginsLast();
  ASSERT_TRUE(origins.ok());
  ASSERT_EQ(origins->size(), 1u);
  EXPECT_EQ(origins->at("c1").wall_micros, first[1].version().wall_micros());

  // The next batch moves it, and it is durable.
  std::vector<v1::Change> both = second;
  both.insert(both.end(), third.begin(), third.end());
  ApplyOk(*store_, both);
  store_.reset();
  store_ = OpenNode("n1");
  origins = store_->OriginsLast();
  ASSERT_TRUE(origins.ok());
  EXPECT_EQ(origins->at("c1").wall_micros, third[0].version().wall_micros());
  EXPECT_GT(third[0].version().wall_micros(), first[1].version().wall_micros());
}

TEST_F(ApplyRemoteTest, KeepsOriginVersionAndAuthorAndAssignsLocalSeq) {
  auto child = OpenNode("c1");
  WriteOk({Put("ent/own", Enterprise("440000", kOperating))});  // parent's own seq 1
  auto up = ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating)),
                                 Put("ent/b", Enterprise("440100", kSuspended))});
  ApplyResult r = ApplyOk(*store_, up);
  EXPECT_EQ(r.applied, 2u);
  EXPECT_EQ(r.duplicates, 0u);
  EXPECT_EQ(r.conflicts, 0u);

  std::vector<v1::Change> log = WholeLog(*store_);
  ASSERT_EQ(log.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    v1::Change expected = up[i];
    expected.set_seq(2 + i);
    EXPECT_TRUE(Same(log[1 + i], expected)) << log[1 + i].DebugString();
  }
  auto stored = GetOk(*store_, "ent/a");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->seq(), 2u);
  EXPECT_EQ(stored->origin_node(), "c1");
  EXPECT_EQ(stored->origin_seq(), 1u);
  EXPECT_EQ(stored->origin_region(), "region-of-c1");
  EXPECT_EQ(store_->OwnOriginSeq(), 1u);
  EXPECT_EQ(*store_->Watermark("c1"), 2u);
  EXPECT_EQ(*store_->Watermark("c9"), 0u);
  EXPECT_EQ(*store_->GetCounter("region/440100"), 2);
  EXPECT_THAT(Index(*store_, "region/440100"),
              ElementsAre(Pair("region/440100", "ent/a"), Pair("region/440100", "ent/b")));
}

TEST_F(ApplyRemoteTest, ReceivedEncodingsAreLoggedAsTheyCameWithTheLocalSeq) {
  auto child = OpenNode("c1");
  WriteOk({Put("ent/own", Enterprise("440000", kOperating))});  // parent's own seq 1
  ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating)),
                       Put("ent/b", Enterprise("440100", kSuspended))});
  uint64_t covered = 0;
  auto sent = child->ReadLogEncoded(
      1, 100, 1 << 20, [](std::string_view) { return true; }, &covered);
  ASSERT_TRUE(sent.ok()) << sent.status();
  ASSERT_EQ(sent->size(), 2u);
  EXPECT_EQ(covered, 2u);
  std::vector<v1::Change> changes(2);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(changes[i].ParseFromString((*sent)[i]));
  // The second as a sender might encode it: its key before everything else. Logged as it came,
  // only its seq changes; a second serialization would put the key back in field order.
  v1::Change only_key;
  only_key.set_key(changes[1].key());
  v1::Change rest = changes[1];
  rest.clear_key();
  (*sent)[1] = only_key.SerializeAsString() + rest.SerializeAsString();
  rest.clear_seq();
  const std::string second_logged =
      "\x08\x03" + only_key.SerializeAsString() + rest.SerializeAsString();
  const std::string first_sent = (*sent)[0];

  auto mismatched = store_->ApplyRemote(changes, {}, {first_sent});
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kInvalidArgument);
  auto applied = store_->ApplyRemote(changes, {}, *std::move(sent));
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->applied, 2u);

  auto logged = store_->ReadLogEncoded(
      2, 100, 1 << 20, [](std::string_view) { return true; }, &covered);
  ASSERT_TRUE(logged.ok()) << logged.status();
  ASSERT_EQ(logged->size(), 2u);
  v1::Change first = changes[0];
  first.set_seq(2);
  EXPECT_EQ((*logged)[0], first.SerializeAsString());
  EXPECT_EQ((*logged)[1], second_logged);

  // Decoded, the entries and the records are what ApplyRemote without encodings makes.
  auto other = OpenNode("n2");
  ApplyOk(*other, changes);
  std::vector<v1::Change> mine = WholeLog(*store_);
  std::vector<v1::Change> theirs = WholeLog(*other);
  ASSERT_EQ(mine.size(), 3u);
  ASSERT_EQ(theirs.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    v1::Change expected = theirs[i];
    expected.set_seq(2 + i);
    EXPECT_TRUE(Same(mine[1 + i], expected)) << mine[1 + i].DebugString();
  }
  for (const char* key : {"ent/a", "ent/b"}) {
    auto a = GetOk(*store_, key);
    auto b = GetOk(*other, key);
    ASSERT_TRUE(a.has_value() && b.has_value());
    b->set_seq(a->seq());
    EXPECT_TRUE(Same(*a, *b)) << key;
  }
  EXPECT_EQ(*store_->GetCounter("region/440100"), 2);
}

TEST_F(ApplyRemoteTest, DuplicatesAreSkippedSilently) {
  auto child = OpenNode("c1");
  auto first = ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating))});
  auto second = ChildWrites(*child, {Put("ent/b", Enterprise("440100", kOperating))});
  ApplyOk(*store_, first);

  // A resend overlapping what was applied: the old part is skipped, the new part applied.
  std::vector<v1::Change> resend = first;
  resend.insert(resend.end(), second.begin(), second.end());
  ApplyResult r = ApplyOk(*store_, resend);
  EXPECT_EQ(r.applied, 1u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(store_->LastSeq(), 2u);

  r = ApplyOk(*store_, resend);
  EXPECT_EQ(r.applied, 0u);
  EXPECT_EQ(r.duplicates, 2u);
  EXPECT_EQ(store_->LastSeq(), 2u);
  EXPECT_EQ(*store_->GetCounter("all"), 2);
}

TEST_F(ApplyRemoteTest, FilteredPullSkipsWatermarksAndMovesItsCursorInTheSameBatch) {
  auto parent = OpenNode("p1");
  auto down = ChildWrites(*parent, {Put("ent/a", Enterprise("440100", kOperating)),
                                    Put("ent/b", Enterprise("440100", kOperating)),
                                    Put("ent/c", Enterprise("440100", kOperating))});
  // The pull filtered out the middle change: origin p1's sequence has a hole here.
  ApplyOptions pull;
  pull.enforce_origin_order = false;
  pull.cursor_name = "parent-pulled";
  pull.cursor_value = 3;
  auto r = store_->ApplyRemote({down[0], down[2]}, pull);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->applied, 2u);
  EXPECT_EQ(*store_->GetCursor("parent-pulled"), 3u);
  EXPECT_EQ(*store_->Watermark("p1"), 0u);
  EXPECT_EQ(store_->LastSeq(), 2u);
  // An empty response still advances the cursor.
  pull.cursor_value = 9;
  ASSERT_TRUE(store_->ApplyRemote({}, pull).ok());
  EXPECT_EQ(*store_->GetCursor("parent-pulled"), 9u);
  EXPECT_EQ(store_->LastSeq(), 2u);
}

TEST_F(ApplyRemoteTest, SnapshotApplySkipsWhatIsAlreadyAsNewAndJournalsNothing) {
  auto parent = OpenNode("p1");
  auto v1s = ChildWrites(*parent, {Put("ent/a", Enterprise("440100", kOperating))});
  auto v2s = ChildWrites(*parent, {Put("ent/a", Enterprise("440100", kSuspended)),
                                   Put("ent/b", Enterprise("440100", kOperating))});
  ApplyOptions follow;
  follow.enforce_origin_order = false;
  ASSERT_TRUE(store_->ApplyRemote(v1s, follow).ok());
  ApplyOptions snap = follow;
  snap.snapshot = true;
  // The snapshot carries the newest a, and b; then the same snapshot again.
  auto r = store_->ApplyRemote(v2s, snap);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->applied, 2u);
  r = store_->ApplyRemote(v2s, snap);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->applied, 0u);
  EXPECT_EQ(r->duplicates, 2u);
  EXPECT_EQ(store_->LastSeq(), 3u);
  EXPECT_THAT(Conflicts(*store_), IsEmpty());
  EXPECT_EQ(GetOk(*store_, "ent/a")->record().enterprise().status(), kSuspended);
}

TEST_F(StoreTest, WaitForLogWakesOnCommitAndTimesOutOtherwise) {
  EXPECT_FALSE(store_->WaitForLog(0, absl::Milliseconds(1)));
  std::thread writer([&] { WriteOk({Put("ent/a", Enterprise("440100", kOperating))}); });
  EXPECT_TRUE(store_->WaitForLog(0, absl::Seconds(30)));
  writer.join();
  EXPECT_FALSE(store_->WaitForLog(1, absl::Milliseconds(1)));
}

TEST_F(StoreTest, ScanSnapshotSeesOnePointAndReturnsItsSequence) {
  WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
           Put("ent/b", Enterprise("440100", kOperating))});
  std::vector<std::string> keys;
  auto seq = store_->ScanSnapshot([&](std::string_view key, const v1::StoredRecord&) {
    keys.emplace_back(key);
    if (keys.size() == 1) WriteOk({Put("ent/c", Enterprise("440100", kOperating))});
    return true;
  });
  ASSERT_TRUE(seq.ok()) << seq.status();
  EXPECT_EQ(*seq, 2u);
  EXPECT_THAT(keys, ElementsAre("ent/a", "ent/b"));  // the write during the scan is not seen
}

TEST_F(ApplyRemoteTest, GapRefusesTheWholeBatch) {
  auto child = OpenNode("c1");
  auto one = ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating))});
  ChildWrites(*child, {Put("ent/b", Enterprise("440100", kOperating))});
  auto three = ChildWrites(*child, {Put("ent/c", Enterprise("440100", kOperating))});
  auto other = OpenNode("c2");
  auto fine = ChildWrites(*other, {Put("ent/z", Enterprise("440300", kOperating))});

  auto r = store_->ApplyRemote({fine[0], one[0], three[0]});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("origin c1"));
  EXPECT_THAT(r.status().message(), HasSubstr("expected origin_seq 2, got 3"));

  EXPECT_EQ(store_->LastSeq(), 0u);
  EXPECT_EQ(*store_->Watermark("c1"), 0u);
  EXPECT_EQ(*store_->Watermark("c2"), 0u);
  EXPECT_FALSE(GetOk(*store_, "ent/a").has_value());
  EXPECT_FALSE(GetOk(*store_, "ent/z").has_value());
  EXPECT_THAT(WholeLog(*store_), IsEmpty());
}

TEST_F(ApplyRemoteTest, RefusesOwnChangesAndInvalidOnesNamingEach) {
  auto child = OpenNode("c1");
  auto up = ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating)),
                                 Put("ent/b", Enterprise("440100", kOperating))});
  auto own = WriteOk({Put("ent/own", Enterprise("440000", kOperating))});
  up[1].mutable_record()->mutable_enterprise()->clear_region_code();

  auto r = store_->ApplyRemote({up[0], up[1], own[0]});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("change[1]: record.enterprise.region_code"));
  EXPECT_THAT(r.status().message(), HasSubstr("change[2]: origin_node: n1 is this node"));
  EXPECT_EQ(store_->LastSeq(), 1u);
  EXPECT_EQ(*store_->Watermark("c1"), 0u);
  EXPECT_FALSE(GetOk(*store_, "ent/a").has_value());
}

// Two nodes edit the same record concurrently (both from the same base). Every parent must pick
// the same winner and journal the same loser, whichever edit arrives first.
TEST_F(ApplyRemoteTest, ConcurrentEditGoesToJournalInEitherArrivalOrder) {
  auto origin = OpenNode("c0");
  auto left = OpenNode("c1");
  auto right = OpenNode("c2");
  auto create = ChildWrites(*origin, {Put("ent/a", Enterprise("440100", kOperating))});
  ApplyOk(*left, create);
  ApplyOk(*right, create);
  auto older = ChildWrites(*left, {Put("ent/a", Enterprise("440300", kOperating))});
  auto newer = ChildWrites(*right, {Put("ent/a", Enterprise("440600", kSuspended))});
  ASSERT_GT(CompareVersions(newer[0].version(), older[0].version()), 0);

  auto p1 = OpenNode("p1");
  auto p2 = OpenNode("p2");
  for (Store* p : {p1.get(), p2.get()}) ApplyOk(*p, create);
  EXPECT_EQ(ApplyOk(*p1, older).conflicts, 0u);
  EXPECT_EQ(ApplyOk(*p1, newer).conflicts, 1u);
  EXPECT_EQ(ApplyOk(*p2, newer).conflicts, 0u);
  EXPECT_EQ(ApplyOk(*p2, older).conflicts, 1u);

  for (Store* p : {p1.get(), p2.get()}) {
    SCOPED_TRACE(p->node_id());
    auto stored = GetOk(*p, "ent/a");
    ASSERT_TRUE(stored.has_value());
    EXPECT_TRUE(Same(stored->version(), newer[0].version()));
    EXPECT_EQ(stored->record().enterprise().region_code(), "440600");
    std::vector<v1::Conflict> conflicts = Conflicts(*p);
    ASSERT_EQ(conflicts.size(), 1u);
    EXPECT_EQ(conflicts[0].key(), "ent/a");
    EXPECT_TRUE(Same(conflicts[0].winner(), newer[0].version()));
    v1::Change loser = conflicts[0].loser();
    loser.clear_seq();  // local to each parent
    v1::Change expected = older[0];
    expected.clear_seq();
    EXPECT_TRUE(Same(loser, expected)) << loser.DebugString();
    EXPECT_EQ(conflicts[0].detected_seq(), p->LastSeq());
    // Counters and index reflect the winner only.
    EXPECT_EQ(*p->GetCounter("all"), 1);
    EXPECT_EQ(*p->GetCounter("region/440600"), 1);
    EXPECT_EQ(*p->GetCounter("region/440300"), 0);
    EXPECT_EQ(*p->GetCounter("region/440100"), 0);
    EXPECT_THAT(Index(*p, "region/"), ElementsAre(Pair("region/440600", "ent/a")));
    // The losing change is still in the log, to travel upward.
    std::vector<v1::Change> log = WholeLog(*p);
    ASSERT_EQ(log.size(), 3u);
    EXPECT_TRUE(std::any_of(log.begin(), log.end(), [&](const v1::Change& c) {
      return c.origin_node() == "c1" && c.origin_seq() == 1;
    }));
  }
}

TEST_F(ApplyRemoteTest, OrdinaryUpdateFromTheSameLineageIsNoConflict) {
  auto child = OpenNode("c1");
  auto create = ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating))});
  auto update = ChildWrites(*child, {Put("ent/a", Enterprise("440100", kSuspended))});
  ApplyOk(*store_, create);
  ApplyResult r = ApplyOk(*store_, update);
  EXPECT_EQ(r.conflicts, 0u);
  EXPECT_THAT(Conflicts(*store_), IsEmpty());
  EXPECT_EQ(GetOk(*store_, "ent/a")->record().enterprise().status(), kSuspended);
}

TEST_F(ApplyRemoteTest, TombstoneBeatsAnOlderConcurrentUpdate) {
  auto origin = OpenNode("c0");
  auto left = OpenNode("c1");
  auto right = OpenNode("c2");
  auto create = ChildWrites(*origin, {Put("ent/a", Enterprise("440100", kOperating))});
  ApplyOk(*left, create);
  ApplyOk(*right, create);
  auto update = ChildWrites(*left, {Put("ent/a", Enterprise("440300", kSuspended))});
  auto remove = ChildWrites(*right, {Del("ent/a", "440100")});

  ApplyOk(*store_, create);
  ApplyOk(*store_, remove);
  ApplyResult r = ApplyOk(*store_, update);
  EXPECT_EQ(r.applied, 1u);
  EXPECT_EQ(r.conflicts, 1u);

  auto stored = GetOk(*store_, "ent/a");
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(IsLive(*stored));
  EXPECT_TRUE(Same(stored->version(), remove[0].version()));
  EXPECT_THAT(Counters(*store_), IsEmpty());
  EXPECT_THAT(Index(*store_), IsEmpty());
  std::vector<v1::Conflict> conflicts = Conflicts(*store_);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].loser().origin_node(), "c1");
  EXPECT_TRUE(Same(conflicts[0].winner(), remove[0].version()));
}

TEST_F(ApplyRemoteTest, ObservedVersionsOrderLaterLocalWrites) {
  FakeClock ahead(clock_.Now() + absl::Minutes(4));  // ahead, within kMaxClockAhead
  Store::Options o = OptionsFor("c1");
  o.clock = &ahead;
  auto child = Store::Open(o);
  ASSERT_TRUE(child.ok());
  auto up = ChildWrites(**child, {Put("ent/a", Enterprise("440100", kOperating))});
  ApplyOk(*store_, up);
  auto local = WriteOk({Put("ent/a", Enterprise("440100", kSuspended))});
  EXPECT_GT(CompareVersions(local[0].version(), up[0].version()), 0);
  EXPECT_TRUE(Same(local[0].base_version(), up[0].version()));

  // The observed high-water mark is durable too.
  Reopen();
  auto again = WriteOk({Put("ent/b", Enterprise("440100", kSuspended))});
  EXPECT_GT(CompareVersions(again[0].version(), up[0].version()), 0);
}

TEST_F(ApplyRemoteTest, AVersionFromTooFarAheadIsRefusedUntilTheClockCatchesUp) {
  FakeClock ahead(clock_.Now() + absl::Hours(1));
  Store::Options o = OptionsFor("c1");
  o.clock = &ahead;
  auto child = Store::Open(o);
  ASSERT_TRUE(child.ok());
  auto up = ChildWrites(**child, {Put("ent/a", Enterprise("440100", kOperating))});

  auto r = store_->ApplyRemote(up);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("ahead of this node's clock"));
  EXPECT_THAT(r.status().message(), HasSubstr("the clock of c1 is wrong"));
  EXPECT_EQ(store_->LastSeq(), 0u);
  EXPECT_EQ(*store_->Watermark("c1"), 0u);
  EXPECT_FALSE(GetOk(*store_, "ent/a").has_value());
  // Nothing was observed: local versions still follow this node's own clock.
  auto local = WriteOk({Put("ent/b", Enterprise("440100", kOperating))});
  EXPECT_LT(CompareVersions(local[0].version(), up[0].version()), 0);

  // Once real time is within the bound, the same batch goes in.
  clock_.Advance(absl::Minutes(56));
  EXPECT_EQ(ApplyOk(*store_, up).applied, 1u);
}

TEST_F(ApplyRemoteTest, PushAndPullCheckEveryChangeTheSameWay) {
  auto child = OpenNode("c1");
  std::vector<v1::Change> up =
      ChildWrites(*child, {Put("ent/a", Enterprise("440100", kOperating)),
                           Put("ent/b", Enterprise("440100", kOperating)),
                           Put("ent/c", Enterprise("440100", kOperating)),
                           Put("ent/d", Enterprise("440100", kOperating))});
  ASSERT_EQ(up.size(), 4u);
  up[0].clear_key();
  up[1].clear_version();
  up[2].clear_record();
  up[3].mutable_version()->set_wall_micros(absl::ToUnixMicros(clock_.Now() + absl::Hours(1)));
  for (const bool ordered : {true, false}) {
    SCOPED_TRACE(ordered ? "push" : "pull");
    ApplyOptions options;
    options.enforce_origin_order = ordered;
    auto r = store_->ApplyRemote(up, options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(r.status().message());
    EXPECT_THAT(message, HasSubstr("4 bad item(s)"));
    EXPECT_THAT(message, HasSubstr("change[0]: key: empty"));
    EXPECT_THAT(message, HasSubstr("change[1]: version: missing"));
    EXPECT_THAT(message, HasSubstr("change[2]: body: neither record nor tombstone"));
    EXPECT_THAT(message, HasSubstr("change[3]: version: "));
    EXPECT_THAT(message, HasSubstr("ahead of this node's clock"));
    EXPECT_EQ(store_->LastSeq(), 0u);
  }
  // Only a push binds a change's version to its origin.
  auto other = OpenNode("c2");
  std::vector<v1::Change> foreign =
      ChildWrites(*other, {Put("ent/e", Enterprise("440100", kOperating))});
  ASSERT_EQ(foreign.size(), 1u);
  foreign[0].mutable_version()->set_origin_node("elsewhere");
  auto pushed = store_->ApplyRemote(foreign);
  ASSERT_FALSE(pushed.ok());
  EXPECT_THAT(std::string(pushed.status().message()),
              HasSubstr("version.origin_node: elsewhere differs from origin_node c2"));
  ApplyOptions pull;
  pull.enforce_origin_order = false;
  auto pulled = store_->ApplyRemote(foreign, pull);
  ASSERT_TRUE(pulled.ok()) << pulled.status();
  EXPECT_EQ(pulled->applied, 1u);
}

TEST_F(ApplyRemoteTest, WatermarksAndConflictListingAreQueryable) {
  auto c1 = OpenNode("c1");
  auto c2 = OpenNode("c2");
  ApplyOk(*store_, ChildWrites(*c1, {Put("ent/a", Enterprise("440100", kOperating)),
                                     Put("ent/b", Enterprise("440100", kOperating))}));
  ApplyOk(*store_, ChildWrites(*c2, {Put("ent/c", Enterprise("440300", kOperating))}));
  auto wms = store_->Watermarks();
  ASSERT_TRUE(wms.ok());
  EXPECT_THAT(*wms, ElementsAre(Pair("c1", 2u), Pair("c2", 1u)));

  // Concurrent creates of two keys: c2's later creates win, c1's lose.
  auto lose_a = ChildWrites(*c1, {Put("ent/x1", Enterprise("440100", kOperating)),
                                  Put("ent/x2", Enterprise("440100", kOperating)),
                                  Put("ent/y", Enterprise("440100", kOperating))});
  auto win = ChildWrites(*c2, {Put("ent/x1", Enterprise("440300", kOperating)),
                               Put("ent/x2", Enterprise("440300", kOperating)),
                               Put("ent/y", Enterprise("440300", kOperating))});
  ApplyOk(*store_, win);
  EXPECT_EQ(ApplyOk(*store_, lose_a).conflicts, 3u);
  auto x = store_->ListConflicts("ent/x", 100);
  ASSERT_TRUE(x.ok());
  ASSERT_EQ(x->size(), 2u);
  EXPECT_EQ((*x)[0].key(), "ent/x1");
  EXPECT_EQ((*x)[1].key(), "ent/x2");
  auto limited = store_->ListConflicts("", 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);
}

// ---- Backup ----

TEST(IdleCompactionPolicyTest, IdleOnceTheIdleTimeHasPassedSinceTheLastCommit) {
  const IdleCompactionPolicy policy{absl::Seconds(30), 4};
  const absl::Time last = absl::FromUnixSeconds(1565000000);
  EXPECT_FALSE(policy.Idle(last, last));
  EXPECT_FALSE(policy.Idle(last, last + absl::Seconds(30) - absl::Microseconds(1)));
  EXPECT_TRUE(policy.Idle(last, last + absl::Seconds(30)));
  // A commit stamped after `now` (another thread's, or a clock set back) is not idle.
  EXPECT_FALSE(policy.Idle(last, last - absl::Seconds(60)));
}

TEST_F(StoreTest, IdleCompactionMovesLevelZeroDownWhenIdleWithEnoughFiles) {
  // Each reopen flushes what the WAL replays: one level-0 file in records and one in index.
  for (int round = 0; round < 2; ++round) {
    WriteOk({Put(absl::StrCat("ent/r", round), Enterprise("440100", kOperating))});
    store_.reset();
    store_ = OpenNode("n1");
  }
  ASSERT_EQ(store_->RandomKeyLevel0Files(), 4u);

  // Written just now: not idle.
  auto idle = [&](uint64_t min_files) {
    return IdleCompactionPolicy{absl::Seconds(1), min_files}.Step(*store_, clock_.Now());
  };
  auto ran = idle(2);
  ASSERT_TRUE(ran.ok()) << ran.status();
  EXPECT_EQ(*ran, 0u);
  clock_.Advance(absl::Seconds(2));
  // Idle, but fewer files than asked for.
  ran = idle(3);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 0u);
  EXPECT_EQ(store_->RandomKeyLevel0Files(), 4u);

  ran = idle(2);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 4u);  // two files in each
  EXPECT_EQ(store_->RandomKeyLevel0Files(), 0u);
  EXPECT_TRUE(GetOk(*store_, "ent/r0").has_value());
  EXPECT_TRUE(GetOk(*store_, "ent/r1").has_value());
  EXPECT_THAT(Index(*store_, "region/440100"),
              ElementsAre(Pair("region/440100", "ent/r0"), Pair("region/440100", "ent/r1")));

  // A reopen and a write restart the idle time.
  WriteOk({Put("ent/r2", Enterprise("440100", kOperating))});
  store_.reset();
  store_ = OpenNode("n1");
  ASSERT_GT(store_->RandomKeyLevel0Files(), 0u);
  ran = idle(1);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 0u);
  clock_.Advance(absl::Seconds(2));
  WriteOk({Put("ent/r3", Enterprise("440100", kOperating))});
  ran = idle(1);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 0u);

  // Once stopped (a shutdown), never again.
  clock_.Advance(absl::Seconds(2));
  store_->StopIdleCompactions();
  ran = idle(1);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 0u);
  EXPECT_GT(store_->RandomKeyLevel0Files(), 0u);
}

TEST_F(StoreTest, CheckpointAndRestoreShowTheSameData) {
  auto child = OpenNode("c1");
  clock_.Advance(absl::Milliseconds(1));
  auto up = child->Write({Put("ent/remote", Enterprise("440300", kSuspended))});
  ASSERT_TRUE(up.ok());
  ASSERT_TRUE(store_->ApplyRemote(*up).ok());
  WriteOk({Put("ent/a", Enterprise("440100", kOperating)),
           Put("ent/b", Enterprise("440100", kOperating))});
  WriteOk({Del("ent/b", "440100")});
  ASSERT_TRUE(store_->SetCursor("parent", 3).ok());

  const std::string backup = dir_.Sub("backup");
  ASSERT_TRUE(store_->Checkpoint(backup).ok());
  EXPECT_FALSE(store_->Checkpoint(backup).ok());  // never overwrites a backup

  // Writes after the checkpoint are not in it, and the original keeps working.
  WriteOk({Put("ent/later", Enterprise("440600", kOperating))});
  const auto counters_at_checkpoint =
      std::map<std::string, int64_t>{{"all", 2},           {"industries", 2}, {"region/440100", 1},
                                     {"region/440300", 1}, {"status/1", 1},   {"status/3", 1}};

  auto restored = Store::OpenFromBackup(backup, dir_.Sub("restored"), OptionsFor("n1"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  Store& r = **restored;
  EXPECT_EQ(r.LastSeq(), 4u);
  EXPECT_EQ(r.OwnOriginSeq(), 3u);
  EXPECT_EQ(Counters(r), counters_at_checkpoint);
  EXPECT_EQ(Index(r),
            (std::set<std::pair<std::string, std::string>>{{"region/440100", "ent/a"},
                                                           {"region/440300", "ent/remote"},
                                                           {"status/1", "ent/a"},
                                                           {"status/3", "ent/remote"}}));
  EXPECT_EQ(*r.Watermark("c1"), 1u);
  EXPECT_EQ(*r.GetCursor("parent"), 3u);
  EXPECT_FALSE(GetOk(r, "ent/later").has_value());
  EXPECT_FALSE(IsLive(*GetOk(r, "ent/b")));
  std::vector<v1::Change> original_log = WholeLog(*store_);
  std::vector<v1::Change> restored_log = WholeLog(r);
  ASSERT_EQ(restored_log.size(), 4u);
  for (size_t i = 0; i < restored_log.size(); ++i) {
    EXPECT_TRUE(Same(original_log[i], restored_log[i])) << i;
  }

  // The restored store continues the sequence, and refuses to restore over itself.
  auto next = r.Write({Put("ent/c", Enterprise("440100", kOperating))});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next)[0].seq(), 5u);
  EXPECT_EQ(Store::OpenFromBackup(backup, dir_.Sub("restored"), OptionsFor("n1")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// ---- Node-local data ----

TEST_F(StoreTest, LocalPutsCommitWithTheRecordsButNeverEnterTheExchangedState) {
  clock_.Advance(absl::Milliseconds(1));
  auto written = store_->Write(
      {Put("ent/a", Enterprise("440100", kOperating))},
      {LocalPut{"informant/T-1", "secret-phone-13800138000"}, LocalPut{"informant/T-2", "second"}});
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_EQ(written->size(), 1u);
  EXPECT_EQ((*written)[0].seq(), 1u);
  EXPECT_EQ(store_->LastSeq(), 1u);
  EXPECT_EQ(GetLocalOk(*store_, "informant/T-1"), "secret-phone-13800138000");
  EXPECT_FALSE(GetLocalOk(*store_, "informant/T-3").has_value());
  EXPECT_THAT(Local(*store_, "informant/"),
              ElementsAre(Pair("informant/T-1", "secret-phone-13800138000"),
                          Pair("informant/T-2", "second")));
  EXPECT_THAT(Local(*store_, "other/"), IsEmpty());
  // Local keys are not records, and their keys and values are nowhere the exchange looks.
  EXPECT_FALSE(GetOk(*store_, "informant/T-1").has_value());
  EXPECT_FALSE(ExchangedStateContains(*store_, "informant/"));
  EXPECT_FALSE(ExchangedStateContains(*store_, "secret-phone"));
  EXPECT_TRUE(ExchangedStateContains(*store_, "ent/a"));  // the check does see what is there

  // Local puts alone take no sequence, wake no log follower and replace earlier values.
  auto local_only = store_->Write({}, {LocalPut{"informant/T-2", "replaced"}});
  ASSERT_TRUE(local_only.ok()) << local_only.status();
  EXPECT_THAT(*local_only, IsEmpty());
  EXPECT_EQ(store_->LastSeq(), 1u);
  EXPECT_EQ(store_->OwnOriginSeq(), 1u);
  EXPECT_FALSE(store_->WaitForLog(1, absl::Milliseconds(1)));
  EXPECT_EQ(GetLocalOk(*store_, "informant/T-2"), "replaced");
  EXPECT_EQ(WholeLog(*store_).size(), 1u);
  // The next record continues the sequence as if nothing happened in between.
  EXPECT_EQ(WriteOk({Put("ent/b", Enterprise("440100", kOperating))})[0].seq(), 2u);
}

TEST_F(StoreTest, BadLocalPutOrBadMutationRefusesTheWholeWrite) {
  auto bad_local = store_->Write({Put("ent/a", Enterprise("440100", kOperating))},
                                 {LocalPut{"informant/ok", "v"}, LocalPut{"", "v"}});
  EXPECT_EQ(bad_local.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_local.status().message(), HasSubstr("local[1]: key: empty"));
  auto bad_mutation =
      store_->Write({Put("", Enterprise("440100", kOperating))}, {LocalPut{"informant/ok", "v"}});
  EXPECT_EQ(bad_mutation.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_mutation.status().message(), HasSubstr("mutation[0]"));
  EXPECT_EQ(store_->LastSeq(), 0u);
  EXPECT_FALSE(GetOk(*store_, "ent/a").has_value());
  EXPECT_THAT(Local(*store_), IsEmpty());
}

TEST_F(StoreTest, LocalDataSurvivesReopenAndIsInACheckpoint) {
  clock_.Advance(absl::Milliseconds(1));
  ASSERT_TRUE(store_
                  ->Write({Put("ent/a", Enterprise("440100", kOperating))},
                          {LocalPut{"informant/T-1", "kept"}})
                  .ok());
  Reopen();
  EXPECT_EQ(GetLocalOk(*store_, "informant/T-1"), "kept");
  EXPECT_EQ(store_->LastSeq(), 1u);

  const std::string backup = dir_.Sub("backup");
  ASSERT_TRUE(store_->Checkpoint(backup).ok());
  ASSERT_TRUE(store_->Write({}, {LocalPut{"informant/T-2", "after the checkpoint"}}).ok());
  auto restored = Store::OpenFromBackup(backup, dir_.Sub("restored"), OptionsFor("n1"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(GetLocalOk(**restored, "informant/T-1"), "kept");
  EXPECT_FALSE(GetLocalOk(**restored, "informant/T-2").has_value());
  EXPECT_TRUE(GetOk(**restored, "ent/a").has_value());
}

TEST_F(StoreTest, StoreWithoutTheLocalColumnFamilyOpensAndGainsIt) {
  WriteOk({Put("ent/a", Enterprise("440100", kOperating))});
  store_.reset();
  // Make the store look like one written before the `local` column family existed.
  {
    const std::string path = dir_.Sub("n1");
    ASSERT_NO_FATAL_FAILURE(
        EditClosedStore(path, [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* h) {
          if (h->GetName() == format::kLocalCf) {
            EXPECT_TRUE(db.DropColumnFamily(h).ok());
          }
        }));
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
    ASSERT_THAT(names, ::testing::Not(::testing::Contains(format::kLocalCf)));
  }
  store_ = OpenNode("n1");
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->LastSeq(), 1u);
  EXPECT_TRUE(GetOk(*store_, "ent/a").has_value());
  EXPECT_FALSE(GetLocalOk(*store_, "informant/T-1").has_value());
  ASSERT_TRUE(store_->Write({}, {LocalPut{"informant/T-1", "new"}}).ok());
  Reopen();
  EXPECT_EQ(GetLocalOk(*store_, "informant/T-1"), "new");
}

// ---- Faults ----

class StoreFaultTest : public StoreTest {
 protected:
  void SetUp() override {
    Store::Options o = OptionsFor("faulty");
    o.env = faulty_.env.get();
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  // The store must close before faulty_ (its Env) is destroyed.
  void TearDown() override { store_.reset(); }

  // Closes the faulty store and reopens the same files on the default Env.
  void ReopenClean() {
    store_.reset();
    auto store = Store::Open(OptionsFor("faulty"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void ExpectFailedWriteLeavesNoTrace(testutil::FaultyFileSystem& fs) {
    auto failed = store_->Write({Put("ent/lost", Enterprise("440300", kSuspended))});
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
    EXPECT_GT(fs.injected(), 0);
    EXPECT_EQ(store_->LastSeq(), 1u);
    EXPECT_FALSE(GetOk(*store_, "ent/lost").has_value());
    EXPECT_EQ(*store_->GetCounter("all"), 1);

    // While the disk still fails, writes keep failing cleanly.
    EXPECT_FALSE(store_->Write({Put("ent/lost", Enterprise("440300", kSuspended))}).ok());
    EXPECT_FALSE(store_->SetCursor("parent", 9).ok());
  }

  void ExpectHealedStore() {
    auto next = store_->Write({Put("ent/next", Enterprise("440600", kOperating))});
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ((*next)[0].seq(), 2u);
    EXPECT_EQ((*next)[0].origin_seq(), 2u);
    ASSERT_TRUE(store_->SetCursor("parent", 2).ok());

    ReopenClean();
    EXPECT_EQ(store_->LastSeq(), 2u);
    std::vector<v1::Change> log = WholeLog(*store_);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].key(), "ent/first");
    EXPECT_EQ(log[1].key(), "ent/next");
    EXPECT_FALSE(GetOk(*store_, "ent/lost").has_value());
    EXPECT_THAT(
        Counters(*store_),
        UnorderedElementsAre(Pair("all", 2), Pair("industries", 2), Pair("region/440100", 1),
                             Pair("region/440600", 1), Pair("status/1", 2)));
    EXPECT_EQ(*store_->GetCursor("parent"), 2u);
  }

  testutil::FaultyEnv faulty_;
};

TEST_F(StoreFaultTest, FailedWalWriteStoresNothingBurnsNoSeqAndHeals) {
  WriteOk({Put("ent/first", Enterprise("440100", kOperating))});
  faulty_.fs->FailWrites(true);
  ExpectFailedWriteLeavesNoTrace(*faulty_.fs);
  faulty_.fs->FailWrites(false);
  ExpectHealedStore();
}

TEST_F(StoreFaultTest, FailedSyncStoresNothingBurnsNoSeqAndHeals) {
  WriteOk({Put("ent/first", Enterprise("440100", kOperating))});
  faulty_.fs->FailSyncs(true);
  ExpectFailedWriteLeavesNoTrace(*faulty_.fs);
  faulty_.fs->FailSyncs(false);
  ExpectHealedStore();
}

TEST_F(StoreFaultTest, FailedWriteStoresNeitherTheRecordsNorTheirLocalPuts) {
  WriteOk({Put("ent/first", Enterprise("440100", kOperating))});
  for (const bool syncs : {false, true}) {
    SCOPED_TRACE(syncs ? "failed sync" : "failed write");
    faulty_.fs->FailWrites(!syncs);
    faulty_.fs->FailSyncs(syncs);
    auto failed = store_->Write({Put("ent/lost", Enterprise("440300", kSuspended))},
                                {LocalPut{"informant/lost", "personal data"}});
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
    EXPECT_FALSE(store_->Write({}, {LocalPut{"informant/alone", "x"}}).ok());
    faulty_.fs->FailWrites(false);
    faulty_.fs->FailSyncs(false);
    EXPECT_EQ(store_->LastSeq(), 1u);
    EXPECT_FALSE(GetOk(*store_, "ent/lost").has_value());
    EXPECT_THAT(Local(*store_), IsEmpty());
  }
  EXPECT_GT(faulty_.fs->injected(), 0);
  // Healed: both commit together, and after a reopen neither of the failed ones is there.
  auto next = store_->Write({Put("ent/next", Enterprise("440600", kOperating))},
                            {LocalPut{"informant/next", "kept"}});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ((*next)[0].seq(), 2u);
  ReopenClean();
  EXPECT_EQ(store_->LastSeq(), 2u);
  EXPECT_FALSE(GetOk(*store_, "ent/lost").has_value());
  EXPECT_THAT(Local(*store_), ElementsAre(Pair("informant/next", "kept")));
}

TEST_F(StoreFaultTest, FailedRemoteApplyMovesNoWatermark) {
  WriteOk({Put("ent/first", Enterprise("440100", kOperating))});
  auto child = OpenNode("c1");
  auto up = child->Write({Put("ent/remote", Enterprise("440300", kOperating))});
  ASSERT_TRUE(up.ok());
  faulty_.fs->FailWrites(true);
  EXPECT_FALSE(store_->ApplyRemote(*up).ok());
  EXPECT_EQ(*store_->Watermark("c1"), 0u);
  faulty_.fs->FailWrites(false);
  auto r = store_->ApplyRemote(*up);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->applied, 1u);
  EXPECT_EQ(r->duplicates, 0u);
  EXPECT_EQ(store_->LastSeq(), 2u);
  EXPECT_EQ(*store_->Watermark("c1"), 1u);
}

}  // namespace
}  // namespace tierhub::store
