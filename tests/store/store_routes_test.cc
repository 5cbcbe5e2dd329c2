// The downward routes of the log (docs/STORE_FORMAT.md, "route"): a child's read of its parent's
// log touches only the entries that concern it, on a real RocksDB.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "services/auth/jurisdiction.h"
#include "services/common/clock.h"
#include "services/store/format.h"
#include "services/store/store.h"
#include "tests/store/raw_store.h"
#include "tests/store/test_hooks.h"
#include "tests/testutil/temp_dir.h"

namespace tierhub::store {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr auto kOperating = v1::OPERATING_STATUS_OPERATING;
constexpr size_t kAll = 1 << 20;

class StoreRoutesTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(const std::string& node, const std::string& region) {
    Store::Options o;
    o.path = dir_.Sub(node);
    o.node_id = node;
    o.region_code = region;
    o.clock = &clock_;
    o.hooks = &hooks_;
    o.block_cache_mb = 8;
    auto store = Store::Open(o);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // `n` enterprises in `region` written at `store` (its own writes), keys "<tag>/<i>".
  std::vector<v1::Change> Write(Store& store, const std::string& tag, const std::string& region,
                                int n) {
    std::vector<Mutation> mutations;
    for (int i = 0; i < n; ++i) {
      v1::Author author;
      author.set_node_id(store.node_id());
      author.set_region_code(store.region_code());
      mutations.push_back(
          Mutation{absl::StrCat(tag, "/", i), author, Enterprise(region, kOperating)});
    }
    clock_.Advance(absl::Milliseconds(1));
    auto written = store.Write(std::move(mutations));
    EXPECT_TRUE(written.ok()) << written.status();
    return written.ok() ? *std::move(written) : std::vector<v1::Change>{};
  }

  // A province (440000) with Foshan (440600) and Guangzhou (440100) pushing up, its own writes
  // for each and global reference data.
  void BuildProvince() {
    gd_ = Open("gd", "440000");
    auto fs = Open("fs", "440600");
    auto gz = Open("gz", "440100");
    ASSERT_TRUE(gd_->ApplyRemote(Write(*fs, "fs", "440604", 1000)).ok());  // Foshan's load
    ASSERT_TRUE(gd_->ApplyRemote(Write(*gz, "gz", "440103", 10)).ok());
    Write(*gd_, "for-fs", "440606", 5);
    Write(*gd_, "for-gz", "440105", 4);
    Write(*gd_, "global", "000000", 3);
    Write(*gd_, "province", "440000", 2);  // about the province itself: for no child
  }

  std::vector<std::string> Keys(const std::vector<v1::Change>& changes) {
    std::vector<std::string> out;
    for (const v1::Change& c : changes) out.push_back(c.key());
    return out;
  }

  // What auth::ShouldSendDown lets through to `child`, read from the whole log.
  std::vector<std::string> SendDownKeys(const Store& store, const std::string& child) {
    auto log = store.ReadLog(store.FirstLogSeq(), kAll, 1 << 30);
    EXPECT_TRUE(log.ok()) << log.status();
    std::vector<std::string> out;
    for (const v1::Change& c : *log) {
      if (auth::ShouldSendDown(c, child)) out.push_back(c.key());
    }
    return out;
  }

  testutil::TempDir dir_;
  FakeClock clock_;
  RegionStatusHooks hooks_;
  std::unique_ptr<Store> gd_;
};

TEST_F(StoreRoutesTest, AChildsReadTouchesNoEntryOfItsSiblingsNorItsOwnEchoes) {
  BuildProvince();
  uint64_t covered = 0;
  const uint64_t before = gd_->LogEntriesRead();
  auto gz = gd_->ReadLogRouted("440100", 1, kAll, 1 << 30, &covered);
  ASSERT_TRUE(gz.ok()) << gz.status();
  // Guangzhou's 4 and the 3 global ones; neither Foshan's 1000 nor its own 10 were read.
  EXPECT_EQ(gd_->LogEntriesRead() - before, 7u);
  EXPECT_THAT(Keys(*gz), ElementsAreArray(SendDownKeys(*gd_, "440100")));
  EXPECT_EQ(gz->size(), 7u);
  EXPECT_EQ(covered, gd_->LastSeq());

  const uint64_t mid = gd_->LogEntriesRead();
  auto fs = gd_->ReadLogRouted("440600", 1, kAll, 1 << 30, &covered);
  ASSERT_TRUE(fs.ok()) << fs.status();
  EXPECT_EQ(gd_->LogEntriesRead() - mid, 8u);
  EXPECT_THAT(Keys(*fs), ElementsAreArray(SendDownKeys(*gd_, "440600")));

  // The reading the routes replace: past every entry of the log, for each child.
  const uint64_t old_before = gd_->LogEntriesRead();
  auto old = gd_->ReadLogFiltered(
      1, kAll, 1 << 30,
      [](std::string_view origin) { return !auth::InJurisdiction("440100", std::string(origin)); },
      &covered);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(gd_->LogEntriesRead() - old_before, gd_->LastSeq());

  // A child with nothing for it but the global stream (Dongguan, no county tier).
  auto dg = gd_->ReadLogRouted("441900", 1, kAll, 1 << 30, &covered);
  ASSERT_TRUE(dg.ok());
  EXPECT_THAT(Keys(*dg), ElementsAreArray(SendDownKeys(*gd_, "441900")));
}

TEST_F(StoreRoutesTest, ReadsAreBoundedAndReportWhatTheyCovered) {
  BuildProvince();
  uint64_t covered = 0;
  auto all = gd_->ReadLogRouted("440100", 1, kAll, 1 << 30, &covered);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 7u);
  // Two at a time: each answer covers up to its last change, the last one to the log's end.
  std::vector<std::string> keys;
  uint64_t next = 1;
  for (int round = 0; round < 10 && next <= gd_->LastSeq(); ++round) {
    auto part = gd_->ReadLogRouted("440100", next, 2, 1 << 30, &covered);
    ASSERT_TRUE(part.ok()) << part.status();
    ASSERT_LE(part->size(), 2u);
    if (part->size() == 2) {
      EXPECT_EQ(covered, part->back().seq());
    } else {
      EXPECT_EQ(covered, gd_->LastSeq());
    }
    for (const std::string& k : Keys(*part)) keys.push_back(k);
    next = covered + 1;
  }
  EXPECT_THAT(keys, ElementsAreArray(Keys(*all)));
  // By bytes: always at least one.
  auto one = gd_->ReadLogRouted("440100", 1, kAll, 1, &covered);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(covered + 1, (*all)[1].seq());
  // Past the end: nothing, and the cursor stays.
  auto past = gd_->ReadLogRouted("440100", gd_->LastSeq() + 1, kAll, 1 << 30, &covered);
  ASSERT_TRUE(past.ok());
  EXPECT_THAT(*past, IsEmpty());
  EXPECT_EQ(covered, gd_->LastSeq());
  EXPECT_FALSE(gd_->ReadLogRouted("4401", 1, kAll, 1 << 30, &covered).ok());
}

TEST_F(StoreRoutesTest, TruncationTakesTheRoutesWithTheLogAndRefusesOlderCursors) {
  BuildProvince();
  uint64_t covered = 0;
  auto all = gd_->ReadLogRouted("440100", 1, kAll, 1 << 30, &covered);
  ASSERT_TRUE(all.ok());
  const uint64_t cut = (*all)[3].seq();  // drops the first three of Guangzhou's routed entries
  ASSERT_TRUE(gd_->TruncateLogBefore(cut).ok());
  auto before_cut = gd_->ReadLogRouted("440100", cut - 1, kAll, 1 << 30, &covered);
  EXPECT_EQ(before_cut.status().code(), absl::StatusCode::kFailedPrecondition);
  auto rest = gd_->ReadLogRouted("440100", cut, kAll, 1 << 30, &covered);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->size(), all->size() - 3);
  // The truncated routes are gone, not only unreachable: a reopened store rebuilt from scratch
  // would hold the same, and a read from the new start finds no route without its log entry.
  gd_.reset();
  gd_ = Open("gd", "440000");
  auto again = gd_->ReadLogRouted("440100", cut, kAll, 1 << 30, &covered);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(Keys(*again), ElementsAreArray(Keys(*rest)));
}

TEST_F(StoreRoutesTest, AStoreFromBeforeTheRoutesGainsThemAtOpenWithTheSameAnswers) {
  BuildProvince();
  uint64_t covered = 0;
  std::vector<std::string> expected[2];
  const std::string children[2] = {"440100", "440600"};
  for (int i = 0; i < 2; ++i) {
    auto got = gd_->ReadLogRouted(children[i], 1, kAll, 1 << 30, &covered);
    ASSERT_TRUE(got.ok());
    expected[i] = Keys(*got);
  }
  const uint64_t last = gd_->LastSeq();
  gd_.reset();
  // Make the store look like one written before the `route` column family existed.
  ASSERT_NO_FATAL_FAILURE(
      EditClosedStore(dir_.Sub("gd"), [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* h) {
        if (h->GetName() == format::kRouteCf) {
          EXPECT_TRUE(db.DropColumnFamily(h).ok());
        }
        if (h->GetName() == format::kMetaCf) {
          EXPECT_TRUE(db.Delete(rocksdb::WriteOptions(), h, format::kMetaRouteRegion).ok());
        }
      }));
  gd_ = Open("gd", "440000");
  ASSERT_NE(gd_, nullptr);
  EXPECT_EQ(gd_->LastSeq(), last);  // the same log: no child's cursor means anything else now
  for (int i = 0; i < 2; ++i) {
    auto got = gd_->ReadLogRouted(children[i], 1, kAll, 1 << 30, &covered);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_THAT(Keys(*got), ElementsAreArray(expected[i])) << children[i];
    EXPECT_THAT(Keys(*got), ElementsAreArray(SendDownKeys(*gd_, children[i])));
  }
  // New writes are routed as they are written.
  Write(*gd_, "later", "440105", 2);
  auto got = gd_->ReadLogRouted("440100", last + 1, kAll, 1 << 30, &covered);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->size(), 2u);
}

}  // namespace
}  // namespace tierhub::store
