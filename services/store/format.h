// The store's on-disk format: column family names, key layouts and value codecs, in one place
// so that docs/STORE_FORMAT.md has one source to match. Internal to the store (and its tests).
#ifndef TIERHUB_SERVICES_STORE_FORMAT_H_
#define TIERHUB_SERVICES_STORE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace rocksdb {
class MergeOperator;
class Status;
}  // namespace rocksdb

namespace tierhub::v1 {
class Change;
}  // namespace tierhub::v1

namespace tierhub::store::format {

inline constexpr char kRecordsCf[] = "records";
inline constexpr char kLogCf[] = "log";
inline constexpr char kMetaCf[] = "meta";
inline constexpr char kIndexCf[] = "index";
inline constexpr char kCountersCf[] = "counters";
inline constexpr char kConflictsCf[] = "conflicts";
// Key/values of this node only (Store::Write's LocalPut): never logged, never exchanged.
inline constexpr char kLocalCf[] = "local";
// The downward routes of the log (docs/STORE_FORMAT.md, "route"): RouteKey(route, seq) for
// each log entry a direct child (or, under kGlobalRoute, every child) receives.
inline constexpr char kRouteCf[] = "route";
// The route of global reference data, which every child receives. No region is a direct child
// of anything under this code, so it never names a child's route.
inline constexpr char kGlobalRoute[] = "000000";

// Meta keys. Numbers are EncodeSeq()-encoded; kMetaHlc holds a serialized v1::Version.
inline constexpr char kMetaNodeId[] = "node_id";      // node that created the store
inline constexpr char kMetaLastSeq[] = "last_seq";    // highest local log seq ever assigned
inline constexpr char kMetaOwnSeq[] = "own_seq";      // highest origin_seq of our own writes
inline constexpr char kMetaLogFirst[] = "log_first";  // lowest retained log seq (after truncate)
inline constexpr char kMetaHlc[] = "hlc";             // HLC high-water mark
inline constexpr char kMetaWatermarkPrefix[] = "wm/";
// origin/<node>: EncodeOriginLast() of the last change applied from that origin node.
inline constexpr char kMetaOriginPrefix[] = "origin/";
inline constexpr char kMetaCursorPrefix[] = "cursor/";
// The region code the `route` column family was built for (the store's region_code): absent in a
// store that predates it, and then (or if the region differs) the routes are rebuilt at open.
inline constexpr char kMetaRouteRegion[] = "route_region";
// A tombstone put without the write-ahead log after each open, resume and flush of `meta`, so
// that its memtable is never empty when a write fails (Store::KeepMemtableNonEmptyLocked).
// Never read, never stored with a value.
inline constexpr char kMetaWalSentinel[] = "wal_sentinel";

// 8-byte big-endian, so that byte order is numeric order.
std::string EncodeSeq(uint64_t seq);
[[nodiscard]] bool DecodeSeq(std::string_view in, uint64_t* seq);

// The origin/<node> value: the HLC wall time of the node's last change applied here (BE64 of
// the two's complement) followed by the node's region code.
std::string EncodeOriginLast(int64_t wall_micros, std::string_view region_code);
[[nodiscard]] bool DecodeOriginLast(std::string_view in, int64_t* wall_micros,
                                    std::string* region_code);
// Index entry key: index_key, NUL, record_key. Sorted by index key, then record key; a prefix
// of index keys is one range. REQUIRES: index_key has no NUL (checked by the store).
std::string IndexEntryKey(std::string_view index_key, std::string_view record_key);
[[nodiscard]] bool ParseIndexEntryKey(std::string_view entry, std::string_view* index_key,
                                      std::string_view* record_key);

// Route entry key: the route (6 ASCII digits: a direct child's region code, or kGlobalRoute)
// then EncodeSeq(seq). One route's entries are adjacent and in log order.
inline constexpr size_t kRouteLength = 6;
std::string RouteKey(std::string_view route, uint64_t seq);
// The route and seq of a RouteKey; false if `key` is not one.
[[nodiscard]] bool ParseRouteKey(std::string_view key, std::string_view* route, uint64_t* seq);

// Conflict journal key: record_key, then EncodeSeq(detected_seq). A record key prefix is one
// range; a key's conflicts sort by detection order.
std::string ConflictKey(std::string_view record_key, uint64_t detected_seq);

// Counter values and merge operands: zigzag-encoded varint64 (1 byte for -64..63).
std::string EncodeCounter(int64_t value);
[[nodiscard]] bool DecodeCounter(std::string_view in, int64_t* value);

// A merge operator that adds EncodeCounter() operands (two's complement wrap-around, never UB).
std::shared_ptr<rocksdb::MergeOperator> NewCounterAddOperator();

// Finds length-delimited field `field` in the encoded protobuf message `message` without
// decoding the rest: *value is its bytes (the last occurrence, as protobuf merges), or empty
// if absent. False if the message is malformed.
[[nodiscard]] bool FindStringField(std::string_view message, int field, std::string_view* value);

// The encoded v1::Change `change` with its seq (field 1) set to `seq` (>= 1): the seq first,
// then every other field of `change` in its order, unparsed. When `change` was written by
// protobuf (fields in number order), the result is what protobuf writes for the change with
// that seq. False (and *out unspecified) if `change` is malformed.
[[nodiscard]] bool EncodeChangeWithSeq(std::string_view change, uint64_t seq, std::string* out);
// The records column family's value for the record `c` writes: the v1::StoredRecord with c's
// version, seq, origins, author and body, encoded without copying the body into a message: its
// bytes are taken from `log_entry`, which must be c's own encoding (its log entry). The bytes
// equal c's StoredRecord serialized by protobuf (fields in number order).
std::string EncodeStoredRecord(const v1::Change& c, std::string_view log_entry);

// The smallest string greater than every string that starts with `prefix`, or "" if there is
// none (empty prefix, or all 0xff bytes): the exclusive upper bound of a prefix scan.
std::string PrefixSuccessor(std::string_view prefix);

// The one boundary where rocksdb::Status becomes absl::Status. `context` says what was being
// done, e.g. "write batch". IOError(NoSpace) -> RESOURCE_EXHAUSTED, other IOError and
// Busy/TryAgain/TimedOut -> UNAVAILABLE, Corruption -> DATA_LOSS, NotFound -> NOT_FOUND,
// InvalidArgument -> INVALID_ARGUMENT, anything else -> INTERNAL.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace tierhub::store::format

#endif  // TIERHUB_SERVICES_STORE_FORMAT_H_
