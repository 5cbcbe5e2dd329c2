// Store::BatchBuilder: the overlay through which one Write() or ApplyRemote() call stages its
// changes into a single WriteBatch. Internal to the store.
#ifndef TIERHUB_SERVICES_STORE_STORE_OVERLAY_H_
#define TIERHUB_SERVICES_STORE_STORE_OVERLAY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/write_batch.h"
#include "services/store/format.h"
#include "services/store/record_hooks.h"
#include "services/store/store.h"
#include "tierhub/v1/change.pb.h"

namespace tierhub::store {

// Accumulates one call's mutations into a single WriteBatch. Keeps an overlay of the records
// and log entries already staged, so that a later change in the same batch sees the earlier
// ones exactly as a later batch would.
class Store::BatchBuilder {
 public:
  // The record under one key as of everything staged so far: as read from the store, or the
  // last staged change that wrote it (borrowed, not copied).
  class Current {
   public:
    bool exists() const { return staged_ != nullptr || disk_.has_value(); }
    bool live() const { return staged_ != nullptr ? staged_->has_record() : IsLive(*disk_); }
    // REQUIRES: exists().
    const v1::Version& version() const {
      return staged_ != nullptr ? staged_->version() : disk_->version();
    }
    // REQUIRES: live().
    const v1::Record& record() const {
      return staged_ != nullptr ? staged_->record() : disk_->record();
    }

   private:
    friend class BatchBuilder;
    std::optional<v1::StoredRecord> disk_;
    const v1::Change* staged_ = nullptr;
  };

  explicit BatchBuilder(const Store* store) : store_(store) {}

  // Reads the current records of every key this batch will write, in batched lookups
  // (GetMany). REQUIRES: called once, before CurrentOf; `keys` view changes' keys, which
  // outlive the builder.
  absl::Status ReadCurrent(std::vector<std::string_view> keys);

  // The record under `key` as of everything staged so far; SetRecord changes what it
  // describes. REQUIRES: `key` was among ReadCurrent's keys.
  const Current& CurrentOf(const std::string& key) const { return current_.at(key); }

  // Stages `change` as its log entry. REQUIRES: `change` stays alive and unchanged while this
  // builder is in use (a later change in the same batch may read it as the current record).
  // `encoded`, if not empty, is `change` as received (the bytes it was parsed from, with any
  // seq): the entry is then those bytes with this node's seq, not a second serialization.
  void AppendLog(const v1::Change& change, std::string_view encoded = {});

  // Makes the logged `change` the record under its key, adding and removing index entries and
  // counter contributions by the difference to the current record. REQUIRES: ReadCurrent read
  // its key, and AppendLog(change) was called.
  absl::Status SetRecord(const v1::Change& change);

  // The change that wrote the current record: the staged change, or its log entry on disk if
  // still retained. REQUIRES: current.exists().
  absl::StatusOr<v1::Change> ChangeOf(std::string_view key, const Current& current);

  void PutConflict(const v1::Conflict& conflict) {
    Stage(store_->conflicts_, Op::kPut,
          format::ConflictKey(conflict.key(), conflict.detected_seq()),
          conflict.SerializeAsString());
  }

  void PutMetaNumber(std::string_view key, uint64_t value) {
    PutMeta(key, format::EncodeSeq(value));
  }

  void PutMeta(std::string_view key, std::string value) {
    Stage(store_->meta_, Op::kPut, std::string(key), std::move(value));
  }

  void PutLocal(std::string key, std::string value) {
    Stage(store_->local_, Op::kPut, std::move(key), std::move(value));
  }

  void PutHlc(const v1::Version& high) {
    Stage(store_->meta_, Op::kPut, format::kMetaHlc, high.SerializeAsString());
  }

  // The batch, or the first error met while staging it. REQUIRES: called once, at the end.
  absl::StatusOr<rocksdb::WriteBatch*> batch();

 private:
  // Adds sign * the record's counter contributions to the batch's, and sets `index` to its
  // index keys, sorted and without repeats.
  absl::Status Contribute(const std::string& key, const v1::Record& record, int sign,
                          std::vector<std::string>* index);

  struct Op {
    enum Kind { kPut, kDelete, kMerge };
    rocksdb::ColumnFamilyHandle* cf;
    Kind kind;
    std::string key;
    std::string value;
  };

  void Stage(rocksdb::ColumnFamilyHandle* cf, Op::Kind kind, std::string key,
             std::string value = "") {
    ops_.push_back(Op{cf, kind, std::move(key), std::move(value)});
  }

  void Note(const rocksdb::Status& s) {
    if (!s.ok() && staging_status_.ok()) staging_status_ = s;
  }

  const Store* store_;
  rocksdb::WriteBatch batch_;
  rocksdb::Status staging_status_;
  // Keyed by views of the changes' keys, which outlive the builder (see ReadCurrent).
  absl::node_hash_map<std::string_view, Current> current_;
  std::vector<Op> ops_;  // staged in call order; written to batch_ sorted, by batch()
  absl::flat_hash_map<uint64_t, size_t> logged_;  // seq -> its log entry's place in ops_
  absl::flat_hash_map<std::string, int64_t> counter_deltas_;  // staged by batch()
  std::vector<CounterDelta> counters_scratch_;
  std::vector<std::string> routes_scratch_;
};

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_STORE_OVERLAY_H_
