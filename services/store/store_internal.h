// Helpers shared by the files that implement Store (store*.cc). Internal to the store.
#ifndef TIERHUB_SERVICES_STORE_STORE_INTERNAL_H_
#define TIERHUB_SERVICES_STORE_STORE_INTERNAL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "services/store/format.h"

namespace tierhub::store::internal {

inline std::string_view View(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// Debian's Abseil has its own string_view, which StrCat does not take from std::string_view.
inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Calls fn(key, value) for each entry of `cf` whose key starts with `prefix` (and is greater
// than `after`, if given), until fn returns false or an error. One iterator, bounded by the
// prefix: memory does not grow with the range, and a scan that starts after a key costs
// nothing for the keys before it.
template <typename Fn>
absl::Status ForEachWithPrefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                               std::string_view prefix, std::string_view what, Fn fn,
                               std::string_view after = {}) {
  rocksdb::ReadOptions ro;
  const std::string upper = format::PrefixSuccessor(prefix);
  const rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  const bool resume = after > prefix;
  const std::string_view start = resume ? after : prefix;
  it->Seek(rocksdb::Slice(start.data(), start.size()));
  if (resume && it->Valid() && View(it->key()) == after) it->Next();
  for (; it->Valid(); it->Next()) {
    absl::StatusOr<bool> more = fn(View(it->key()), View(it->value()));
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
  return format::FromRocks(it->status(), what);
}

inline absl::Status CheckKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("key: empty");
  return absl::OkStatus();
}

// Joins per-item errors into one status carrying the first error's code.
inline absl::Status JoinErrors(absl::StatusCode code, const std::vector<std::string>& errors) {
  return absl::Status(
      code,
      absl::StrCat(errors.size(), " bad item(s), nothing written: ", absl::StrJoin(errors, "; ")));
}

}  // namespace tierhub::store::internal

#endif  // TIERHUB_SERVICES_STORE_STORE_INTERNAL_H_
