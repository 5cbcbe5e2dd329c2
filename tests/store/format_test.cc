#include "services/store/format.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/status.h"
#include "tierhub/v1/change.pb.h"

namespace tierhub::store::format {
namespace {

TEST(FormatTest, SeqEncodingSortsNumerically) {
  EXPECT_LT(EncodeSeq(1), EncodeSeq(2));
  EXPECT_LT(EncodeSeq(255), EncodeSeq(256));
  EXPECT_LT(EncodeSeq(0xffffffffull), EncodeSeq(0x100000000ull));
  uint64_t seq = 0;
  ASSERT_TRUE(DecodeSeq(EncodeSeq(0x0102030405060708ull), &seq));
  EXPECT_EQ(seq, 0x0102030405060708ull);
  EXPECT_EQ(EncodeSeq(1), std::string("\0\0\0\0\0\0\0\1", 8));
  EXPECT_FALSE(DecodeSeq("short", &seq));
}

TEST(FormatTest, CounterEncodingRoundTripsAndIsCompact) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{63}, int64_t{-64}, int64_t{64},
                    int64_t{1} << 40, std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    int64_t out = 42;
    ASSERT_TRUE(DecodeCounter(EncodeCounter(v), &out)) << v;
    EXPECT_EQ(out, v);
  }
  EXPECT_EQ(EncodeCounter(1).size(), 1u);
  EXPECT_EQ(EncodeCounter(-64).size(), 1u);
  EXPECT_EQ(EncodeCounter(64).size(), 2u);
  EXPECT_EQ(EncodeCounter(std::numeric_limits<int64_t>::min()).size(), 10u);
}

TEST(FormatTest, CounterDecodingRejectsGarbage) {
  int64_t out = 0;
  EXPECT_FALSE(DecodeCounter("", &out));
  EXPECT_FALSE(DecodeCounter("\x80", &out));                   // truncated
  EXPECT_FALSE(DecodeCounter(std::string("\x01\x01"), &out));  // trailing byte
  EXPECT_FALSE(DecodeCounter(std::string(11, '\xff'), &out));  // longer than 64 bits
}

TEST(FormatTest, CounterMergeOperatorAdds) {
  std::shared_ptr<rocksdb::MergeOperator> op = NewCounterAddOperator();
  auto* assoc = static_cast<rocksdb::AssociativeMergeOperator*>(op.get());
  std::string merged;
  const std::string base = EncodeCounter(5);
  ASSERT_TRUE(assoc->Merge("k", nullptr, EncodeCounter(-2), &merged, nullptr));
  int64_t v = 0;
  ASSERT_TRUE(DecodeCounter(merged, &v));
  EXPECT_EQ(v, -2);
  const rocksdb::Slice base_slice(base);
  merged.clear();
  ASSERT_TRUE(assoc->Merge("k", &base_slice, EncodeCounter(-2), &merged, nullptr));
  ASSERT_TRUE(DecodeCounter(merged, &v));
  EXPECT_EQ(v, 3);
  merged.clear();
  EXPECT_FALSE(assoc->Merge("k", &base_slice, "\x80", &merged, nullptr));
}

TEST(FormatTest, IndexEntryKeysSplitAndGroupByIndexKey) {
  // Record keys may hold any byte, NUL included: they come last.
  const std::string record = std::string("ent/a\0b", 7);
  const std::string entry = IndexEntryKey("region/440100", record);
  std::string_view index_key;
  std::string_view record_key;
  ASSERT_TRUE(ParseIndexEntryKey(entry, &index_key, &record_key));
  EXPECT_EQ(index_key, "region/440100");
  EXPECT_EQ(record_key, record);
  // All entries of one index key sort before those of a longer index key.
  EXPECT_LT(IndexEntryKey("a", "zzz"), IndexEntryKey("a/b", ""));
  EXPECT_FALSE(ParseIndexEntryKey("no-separator", &index_key, &record_key));
}

TEST(FormatTest, ConflictKeysSortByRecordThenDetection) {
  EXPECT_LT(ConflictKey("ent/a", 9), ConflictKey("ent/a", 10));
  EXPECT_EQ(ConflictKey("ent/a", 1).substr(0, 5), "ent/a");
}

TEST(FormatTest, PrefixSuccessorBoundsAPrefixScan) {
  EXPECT_EQ(PrefixSuccessor("abc"), "abd");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
  EXPECT_EQ(PrefixSuccessor(""), "");
}

TEST(FormatTest, RocksStatusesMapToOneCodeEach) {
  EXPECT_TRUE(FromRocks(rocksdb::Status::OK(), "x").ok());
  EXPECT_EQ(FromRocks(rocksdb::Status::NoSpace("disk"), "x").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(FromRocks(rocksdb::Status::IOError("eio"), "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocks(rocksdb::Status::Busy(), "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocks(rocksdb::Status::Corruption("crc"), "x").code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(FromRocks(rocksdb::Status::NotFound(), "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FromRocks(rocksdb::Status::InvalidArgument(), "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FromRocks(rocksdb::Status::NotSupported(), "x").code(), absl::StatusCode::kInternal);
  absl::Status s = FromRocks(rocksdb::Status::Corruption("bad block"), "read log");
  EXPECT_NE(s.message().find("read log: "), std::string_view::npos);
  EXPECT_NE(s.message().find("bad block"), std::string_view::npos);
}

TEST(FormatTest, FindStringFieldReadsOneFieldWithoutDecodingTheRest) {
  v1::Change change;
  change.set_seq(7);
  change.set_key("ent/x");
  change.mutable_record()->mutable_enterprise()->set_name("synthetic");
  change.set_origin_region("440606");
  const std::string bytes = change.SerializeAsString();
  std::string_view region;
  ASSERT_TRUE(FindStringField(bytes, v1::Change::kOriginRegionFieldNumber, &region));
  EXPECT_EQ(region, "440606");

  change.clear_origin_region();
  const std::string without = change.SerializeAsString();
  ASSERT_TRUE(FindStringField(without, v1::Change::kOriginRegionFieldNumber, &region));
  EXPECT_EQ(region, "");

  EXPECT_FALSE(FindStringField(bytes.substr(0, bytes.size() - 2),
                               v1::Change::kOriginRegionFieldNumber, &region));
}

// The stored record written without a copy of the body must be exactly what protobuf writes for
// the same StoredRecord: a reader parses it, and byte comparisons of stores (digests, dumps)
// must not depend on which path wrote a record.
TEST(FormatTest, EncodeStoredRecordEqualsTheStoredRecordProtobufWrites) {
  v1::Change live;
  live.set_seq(42);
  live.set_origin_node("sd");
  live.set_origin_seq(300);  // a two-byte varint
  live.mutable_version()->set_wall_micros(1554076800000000);
  live.mutable_version()->set_logical(3);
  live.mutable_version()->set_origin_node("sd");
  live.mutable_author()->set_node_id("sd");
  live.set_key("ent/x");
  live.mutable_record()->mutable_enterprise()->set_name(std::string(300, 'n'));  // long body
  live.mutable_base_version()->set_wall_micros(1);
  live.set_origin_region("440606");

  v1::Change tombstone = live;
  tombstone.mutable_tombstone()->set_region_code("440606");
  v1::Change empty_record = live;
  empty_record.mutable_record();  // a record with nothing set still is a record
  v1::Change no_region = live;
  no_region.clear_origin_region();

  for (const v1::Change* c : {&live, &tombstone, &empty_record, &no_region}) {
    v1::StoredRecord expected;
    *expected.mutable_version() = c->version();
    expected.set_seq(c->seq());
    expected.set_origin_node(c->origin_node());
    expected.set_origin_seq(c->origin_seq());
    expected.set_origin_region(c->origin_region());
    *expected.mutable_author() = c->author();
    if (c->has_record()) {
      *expected.mutable_record() = c->record();
    } else {
      *expected.mutable_tombstone() = c->tombstone();
    }
    EXPECT_EQ(EncodeStoredRecord(*c, c->SerializeAsString()), expected.SerializeAsString())
        << c->ShortDebugString();
  }
}

TEST(FormatTest, OriginLastRoundTripsAndRefusesShortValues) {
  for (int64_t wall : {int64_t{0}, int64_t{1554076800000000}, int64_t{-5}}) {
    for (std::string region : {"", "440606"}) {
      int64_t back = 1;
      std::string region_back = "x";
      ASSERT_TRUE(DecodeOriginLast(EncodeOriginLast(wall, region), &back, &region_back));
      EXPECT_EQ(back, wall);
      EXPECT_EQ(region_back, region);
    }
  }
  int64_t wall = 0;
  std::string region;
  EXPECT_FALSE(DecodeOriginLast("1234567", &wall, &region));
}

TEST(FormatTest, EncodeChangeWithSeqEqualsWhatProtobufWritesForThatSeq) {
  v1::Change change;
  change.set_origin_node("sd");
  change.set_origin_seq(300);
  change.mutable_version()->set_wall_micros(1554076800000000);
  change.set_key("ent/x");
  change.mutable_record()->mutable_enterprise()->set_name(std::string(300, 'n'));
  change.set_origin_region("440606");

  for (uint64_t sent_seq : {0ull, 7ull, 1ull << 40}) {  // absent, one byte, a long varint
    change.set_seq(sent_seq);
    const std::string sent = change.SerializeAsString();
    for (uint64_t seq : {1ull, 128ull, 99999999999ull}) {
      v1::Change expected = change;
      expected.set_seq(seq);
      std::string out = "leftover";
      ASSERT_TRUE(EncodeChangeWithSeq(sent, seq, &out));
      EXPECT_EQ(out, expected.SerializeAsString()) << sent_seq << " -> " << seq;
    }
  }

  // A seq anywhere in the encoding (or twice) is replaced; the rest stays in its order.
  change.set_seq(0);
  const std::string tail = change.SerializeAsString();
  const std::string seq5 = "\x08\x05";
  std::string out;
  ASSERT_TRUE(EncodeChangeWithSeq(seq5 + tail + seq5, 9, &out));
  EXPECT_EQ(out, "\x08\x09" + tail);

  // Malformed: a field cut short, or a bad tag.
  EXPECT_FALSE(EncodeChangeWithSeq(tail.substr(0, tail.size() - 1), 9, &out));
  EXPECT_FALSE(EncodeChangeWithSeq(std::string("\x00\x01", 2), 9, &out));
}

}  // namespace
}  // namespace tierhub::store::format
