// RecordHooks: the domain layer's say in what the store keeps beside a record. The store is
// domain-agnostic; it asks these hooks to validate a change and to name the secondary index
// entries and aggregate counters a live record contributes, and maintains both itself.
#ifndef TIERHUB_SERVICES_STORE_RECORD_HOOKS_H_
#define TIERHUB_SERVICES_STORE_RECORD_HOOKS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "tierhub/v1/change.pb.h"

namespace tierhub::store {

// One contribution of a record to an aggregate counter.
struct CounterDelta {
  std::string key;  // counter key, e.g. "status/3/440100"
  int64_t delta;    // usually +1, or a capacity in the counter's unit
};

// Supplied by the domain layer. Implementations must be deterministic (the same record always
// yields the same index keys and counters, on every node and across restarts: the store
// subtracts an old record's contributions by recomputing them) and thread-safe.
class RecordHooks {
 public:
  virtual ~RecordHooks() = default;

  // Refuses bad data before anything reaches a WriteBatch. Returns INVALID_ARGUMENT (or
  // PERMISSION_DENIED, FAILED_PRECONDITION) with a message naming the field and the reason.
  // For a local write the change carries key, author and body only: sequences, origin and
  // versions are assigned after validation. The default accepts: in a CompositeHooks one part
  // (the registry's) validates records, and the parts that only index or count keep it.
  [[nodiscard]] virtual absl::Status Validate(const v1::Change& change) const {
    return absl::OkStatus();
  }

  // Appends the secondary index keys of a live record stored under `key`. The store keeps each
  // as an entry pointing at `key`. REQUIRES: index keys contain no NUL byte (the store's key
  // separator; a hook that breaks this gets INTERNAL and nothing is written).
  virtual void IndexKeys(std::string_view key, const v1::Record& record,
                         std::vector<std::string>* out) const = 0;

  // Appends the aggregate counter contributions of a live record stored under `key`. The same
  // counter key may appear more than once; contributions add up.
  virtual void Counters(std::string_view key, const v1::Record& record,
                        std::vector<CounterDelta>* out) const = 0;
};

// Accepts everything, indexes nothing, counts nothing. Thread-safe.
class NoHooks final : public RecordHooks {
 public:
  void IndexKeys(std::string_view, const v1::Record&, std::vector<std::string>*) const override {}
  void Counters(std::string_view, const v1::Record&, std::vector<CounterDelta>*) const override {}
};

// Several parts' hooks as one: a change is valid if every part accepts it; the index keys and
// counters of a record are those of every part, in order. The parts are borrowed and must
// outlive this. Thread-safe if the parts are.
class CompositeHooks final : public RecordHooks {
 public:
  explicit CompositeHooks(std::vector<const RecordHooks*> parts) : parts_(std::move(parts)) {}
  [[nodiscard]] absl::Status Validate(const v1::Change& change) const override {
    for (const RecordHooks* part : parts_) {
      if (absl::Status s = part->Validate(change); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  void IndexKeys(std::string_view key, const v1::Record& record,
                 std::vector<std::string>* out) const override {
    for (const RecordHooks* part : parts_) part->IndexKeys(key, record, out);
  }
  void Counters(std::string_view key, const v1::Record& record,
                std::vector<CounterDelta>* out) const override {
    for (const RecordHooks* part : parts_) part->Counters(key, record, out);
  }

 private:
  const std::vector<const RecordHooks*> parts_;
};

}  // namespace tierhub::store

#endif  // TIERHUB_SERVICES_STORE_RECORD_HOOKS_H_
