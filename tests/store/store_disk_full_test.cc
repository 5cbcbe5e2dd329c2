// A store on a full disk (docs/OPERATIONS.md, "Disk full"): a real RocksDB whose file system
// (testutil::FaultyFileSystem) runs out of room on demand. Every write is refused with
// RESOURCE_EXHAUSTED naming the disk, reads go on, freed space lets writes resume without a
// reopen, a reopen on the full disk opens read-only, and nothing acknowledged is lost.
//
// Before RocksLogger, each of these aborted the test binary in RocksDB's own info log writer
// (`sync_without_flush_called_`); before DiskWatch, every refusal after the first read
// "Resource busy", also after space was freed.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "tests/store/test_hooks.h"
#include "tests/testutil/faulty_file_system.h"
#include "tests/testutil/temp_dir.h"

namespace tierhub::store {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class StoreDiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  // The store must close before faulty_ (its Env) is destroyed.
  void TearDown() override { store_.reset(); }

  Store::Options OptionsFor(bool faulty) {
    Store::Options o;
    o.path = path_;
    o.node_id = "county";
    o.region_code = "440606";
    o.clock = &clock_;
    o.hooks = &hooks_;
    o.block_cache_mb = 8;
    if (faulty) o.env = faulty_.env.get();
    return o;
  }

  void Open(bool faulty = true) {
    store_.reset();
    auto store = Store::Open(OptionsFor(faulty));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // `n` enterprises of about 300 bytes each, keys ent/<first> on.
  std::vector<Mutation> Batch(int first, int n) {
    std::vector<Mutation> out;
    for (int i = first; i < first + n; ++i) {
      v1::Record record = Enterprise("440606", v1::OPERATING_STATUS_OPERATING);
      record.mutable_enterprise()->set_name(std::string(250, 'n'));
      v1::Author author;
      author.set_node_id("county");
      author.set_region_code("440606");
      out.push_back(Mutation{absl::StrCat("ent/", i), author, std::move(record)});
    }
    return out;
  }

  // Writes Batch(next_, n); remembers its keys as acknowledged if it went through.
  absl::Status Write(int n) {
    clock_.Advance(absl::Milliseconds(1));
    const int first = next_;
    next_ += n;
    auto written = store_->Write(Batch(first, n));
    if (!written.ok()) {
      for (int i = first; i < first + n; ++i) refused_.insert(absl::StrCat("ent/", i));
      return written.status();
    }
    for (int i = first; i < first + n; ++i) acknowledged_.insert(absl::StrCat("ent/", i));
    return absl::OkStatus();
  }

  void ExpectDiskFull(const absl::Status& s) {
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("disk full: the store at " + path_)) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("No space left on device")) << s;
  }

  // Every acknowledged write is there with its log entry, no refused one is, and the log is
  // dense: each acknowledged record took exactly one sequence number.
  void ExpectNothingAcknowledgedLost() {
    for (const std::string& key : acknowledged_) {
      auto got = store_->Get(key);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_TRUE(got->has_value()) << key;
    }
    for (const std::string& key : refused_) {
      auto got = store_->Get(key);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_FALSE(got->has_value()) << key;
    }
    EXPECT_EQ(store_->LastSeq(), acknowledged_.size());
    auto log = store_->ReadLog(1, 1 << 20, 1 << 30);
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_EQ(log->size(), acknowledged_.size());
  }

  testutil::TempDir dir_;
  const std::string path_ = dir_.Sub("county");
  FakeClock clock_{absl::FromUnixSeconds(1700000000)};
  RegionStatusHooks hooks_;
  testutil::FaultyEnv faulty_;
  std::unique_ptr<Store> store_;
  int next_ = 0;
  std::set<std::string> acknowledged_;
  std::set<std::string> refused_;
};

TEST_F(StoreDiskFullTest, EveryWriteOnAFullDiskIsRefusedNamingTheDisk) {
  ASSERT_TRUE(Write(10).ok());
  faulty_.fs->FillDisk();
  for (int round = 0; round < 3; ++round) {
    for (int n : {1000, 1}) {
      SCOPED_TRACE(absl::StrCat("round ", round, ", batch of ", n));
      const absl::Status refused = Write(n);
      ExpectDiskFull(refused);
      EXPECT_THAT(std::string(refused.message()), HasSubstr("(0 bytes free)"));
    }
  }
  const absl::Status cursor = store_->SetCursor("parent", 7);
  ExpectDiskFull(cursor);
  // Reads go on, and the store says why it takes no writes.
  ExpectNothingAcknowledgedLost();
  ExpectDiskFull(store_->WriteHealth());
  EXPECT_EQ(store_->WriteRefusals(), 7u);
  EXPECT_TRUE(store_->RefusedSince().has_value());
  EXPECT_FALSE(store_->read_only());
  EXPECT_THAT(store_->ReopenReason(), IsEmpty());
}

TEST_F(StoreDiskFullTest, FreedSpaceResumesWritesWithoutReopening) {
  ASSERT_TRUE(Write(10).ok());
  faulty_.fs->FillDisk();
  ExpectDiskFull(Write(1000));
  ExpectDiskFull(Write(1));
  faulty_.fs->FreeDisk();
  ASSERT_TRUE(Write(1).ok());
  ASSERT_TRUE(Write(1000).ok());
  EXPECT_TRUE(store_->WriteHealth().ok()) << store_->WriteHealth();
  EXPECT_FALSE(store_->RefusedSince().has_value());
  ExpectNothingAcknowledgedLost();
  Open(/*faulty=*/false);
  ExpectNothingAcknowledgedLost();
}

// A disk with a little room: a large batch does not fit, small ones do until it is full.
TEST_F(StoreDiskFullTest, SmallWritesGoThroughWhereALargeOneDoesNot) {
  ASSERT_TRUE(Write(10).ok());
  faulty_.fs->SetFreeBytes(256 << 10);
  ExpectDiskFull(Write(2000));  // about 600 KB
  int small = 0;
  absl::Status last;
  while ((last = Write(1)).ok()) ++small;
  EXPECT_GT(small, 10);
  ExpectDiskFull(last);
  ExpectDiskFull(Write(1));
  faulty_.fs->FreeDisk();
  ASSERT_TRUE(Write(2000).ok());
  ExpectNothingAcknowledgedLost();
}

// RocksDB 7.8 resumes onto a new write-ahead log file only if a memtable holds data. Here the
// resume before the large batch flushed them all and the batch then failed on the new file:
// the next resume has to move off that file too, or the next write appends to it and aborts.
TEST_F(StoreDiskFullTest, AWriteThatFailsRightAfterAResumeDoesNotBreakTheNext) {
  ASSERT_TRUE(Write(10).ok());
  faulty_.fs->FillDisk();
  ExpectDiskFull(Write(1));
  faulty_.fs->SetFreeBytes(256 << 10);  // room to flush 10 records, not for 600 KB more
  ExpectDiskFull(Write(2000));
  ASSERT_TRUE(Write(1).ok());
  ASSERT_TRUE(Write(1).ok());
  faulty_.fs->FreeDisk();
  ASSERT_TRUE(Write(1000).ok());
  ExpectNothingAcknowledgedLost();
  Open(/*faulty=*/false);
  ExpectNothingAcknowledgedLost();
}

TEST_F(StoreDiskFullTest, ReopenOnAFullDiskOpensReadOnlyUntilSpaceIsFreed) {
  ASSERT_TRUE(Write(100).ok());
  faulty_.fs->FillDisk();
  ExpectDiskFull(Write(1));
  Open();  // the node restarted on the full disk
  ASSERT_TRUE(store_->read_only());
  const absl::Status health = store_->WriteHealth();
  ExpectDiskFull(health);
  EXPECT_THAT(std::string(health.message()), HasSubstr("read-only"));
  ExpectNothingAcknowledgedLost();
  ExpectDiskFull(Write(1));
  ExpectDiskFull(store_->SetCursor("parent", 1));
  EXPECT_EQ(store_->CompactLevel0(1).value_or(99), 0u);
  EXPECT_THAT(store_->ReopenReason(), IsEmpty()) << "no room to open for writing yet";

  faulty_.fs->FreeDisk();
  EXPECT_THAT(store_->ReopenReason(), HasSubstr("opened read-only on a full disk"));
  Open();
  EXPECT_FALSE(store_->read_only());
  EXPECT_TRUE(store_->WriteHealth().ok()) << store_->WriteHealth();
  ASSERT_TRUE(Write(10).ok());
  ExpectNothingAcknowledgedLost();
}

TEST_F(StoreDiskFullTest, ANewStoreOnAFullDiskIsRefusedNotAborted) {
  store_.reset();
  faulty_.fs->FillDisk();
  Store::Options o = OptionsFor(/*faulty=*/true);
  o.path = dir_.Sub("new");
  auto store = Store::Open(o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kResourceExhausted) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("disk full"));
  faulty_.fs->FreeDisk();
  store = Store::Open(o);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_FALSE((*store)->read_only());
}

}  // namespace
}  // namespace tierhub::store
