// Store: the log readers (ReadLog*, ReadLogRouted) and the wait for new entries.
#include <algorithm>
#include <memory>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "services/common/status_macros.h"
#include "services/store/format.h"
#include "services/store/store.h"
#include "services/store/store_internal.h"

namespace tierhub::store {
namespace {

namespace f = format;
using internal::Av;
using internal::View;

}  // namespace

void Store::NotifyLog() const {
  absl::MutexLock lock(&notify_mu_);
  log_cv_.SignalAll();
}

bool Store::WaitForLog(uint64_t after_seq, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&notify_mu_);
  while (LastSeq() <= after_seq) {
    if (log_cv_.WaitWithDeadline(&notify_mu_, deadline)) break;
  }
  return LastSeq() > after_seq;
}

absl::StatusOr<std::optional<v1::Change>> Store::ReadLogEntry(uint64_t seq) const {
  TH_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(log_, f::EncodeSeq(seq)));
  if (!raw.has_value()) return std::nullopt;
  v1::Change change;
  if (!change.ParseFromString(*raw)) {
    return absl::DataLossError(absl::StrCat("log entry ", seq, ": malformed"));
  }
  return change;
}

absl::StatusOr<std::vector<v1::Change>> Store::ReadLog(uint64_t from_seq, size_t max_changes,
                                                       size_t max_bytes) const {
  uint64_t covered = 0;
  return ReadLogFiltered(
      from_seq, max_changes, max_bytes, [](std::string_view) { return true; }, &covered);
}

absl::StatusOr<uint64_t> Store::ForEachLogEntry(
    uint64_t from_seq, size_t max_entries,
    absl::FunctionRef<absl::StatusOr<bool>(uint64_t seq, std::string_view entry)> fn) const {
  if (from_seq == 0) return absl::InvalidArgumentError("from_seq: must be >= 1");
  if (max_entries == 0) return absl::InvalidArgumentError("max_changes: must be >= 1");
  uint64_t first_seen = 0;
  uint64_t covered = from_seq - 1;
  size_t seen = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_));
  for (it->Seek(f::EncodeSeq(from_seq)); it->Valid() && seen < max_entries; it->Next()) {
    uint64_t seq = 0;
    if (!f::DecodeSeq(View(it->key()), &seq)) {
      return absl::DataLossError(absl::StrCat("log entry after seq ", from_seq, ": malformed"));
    }
    if (first_seen == 0) first_seen = seq;
    log_entries_read_.fetch_add(1, std::memory_order_relaxed);
    TH_ASSIGN_OR_RETURN(const bool more, fn(seq, View(it->value())));
    if (!more) break;
    covered = seq;
    ++seen;
  }
  TH_RETURN_IF_ERROR(f::FromRocks(it->status(), "read log"));
  // The log is dense, so a first entry past from_seq (or none, below the retained range) means
  // from_seq was truncated away while or before we looked.
  const uint64_t first = FirstLogSeq();
  if ((first_seen != 0 && first_seen != from_seq) || (first_seen == 0 && from_seq < first)) {
    return absl::FailedPreconditionError(absl::StrCat("log truncated: seq ", from_seq,
                                                      " is below the first retained seq ", first,
                                                      "; resynchronise from a snapshot"));
  }
  return covered;
}

absl::StatusOr<uint64_t> Store::ForEachKeptLogEntry(
    uint64_t from_seq, size_t max_changes, size_t max_bytes,
    absl::FunctionRef<bool(std::string_view origin_region)> keep,
    absl::FunctionRef<absl::Status(uint64_t seq, std::string_view entry)> fn) const {
  size_t bytes = 0;
  bool any = false;
  return ForEachLogEntry(
      from_seq, max_changes, [&](uint64_t seq, std::string_view entry) -> absl::StatusOr<bool> {
        std::string_view origin_region;
        if (!f::FindStringField(entry, v1::Change::kOriginRegionFieldNumber, &origin_region)) {
          return absl::DataLossError(absl::StrCat("log entry ", seq, ": malformed"));
        }
        if (!keep(origin_region)) return true;
        if (any && bytes + entry.size() > max_bytes) return false;
        TH_RETURN_IF_ERROR(fn(seq, entry));
        any = true;
        bytes += entry.size();
        return true;
      });
}

absl::StatusOr<std::vector<v1::Change>> Store::ReadLogFiltered(
    uint64_t from_seq, size_t max_changes, size_t max_bytes,
    absl::FunctionRef<bool(std::string_view origin_region)> keep, uint64_t* covered) const {
  std::vector<v1::Change> out;
  TH_ASSIGN_OR_RETURN(
      *covered, ForEachKeptLogEntry(
                    from_seq, max_changes, max_bytes, keep,
                    [&](uint64_t seq, std::string_view entry) -> absl::Status {
                      v1::Change& change = out.emplace_back();
                      if (!change.ParseFromArray(entry.data(), static_cast<int>(entry.size())) ||
                          change.seq() != seq) {
                        return absl::DataLossError(absl::StrCat("log entry ", seq, ": malformed"));
                      }
                      return absl::OkStatus();
                    }));
  return out;
}

absl::StatusOr<std::vector<std::string>> Store::ReadLogEncoded(
    uint64_t from_seq, size_t max_changes, size_t max_bytes,
    absl::FunctionRef<bool(std::string_view origin_region)> keep, uint64_t* covered) const {
  std::vector<std::string> out;
  TH_ASSIGN_OR_RETURN(*covered,
                      ForEachKeptLogEntry(from_seq, max_changes, max_bytes, keep,
                                          [&](uint64_t, std::string_view entry) -> absl::Status {
                                            out.emplace_back(entry);
                                            return absl::OkStatus();
                                          }));
  return out;
}

absl::StatusOr<std::vector<v1::Change>> Store::ReadLogRouted(std::string_view route,
                                                             uint64_t from_seq, size_t max_changes,
                                                             size_t max_bytes,
                                                             uint64_t* covered) const {
  if (from_seq == 0) return absl::InvalidArgumentError("from_seq: must be >= 1");
  if (max_changes == 0) return absl::InvalidArgumentError("max_changes: must be >= 1");
  if (route.size() != f::kRouteLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("route: '", Av(route), "' is not a 6-digit region code"));
  }
  if (routes_missing_) {
    return absl::UnavailableError(
        "the downward routes of this store are not built yet (it opened read-only on a full "
        "disk); they are built when it opens for writing");
  }
  std::vector<v1::Change> out;
  *covered = from_seq - 1;
  // Everything up to `last` is committed, so the snapshot, taken after, holds all of it.
  const uint64_t last = LastSeq();
  if (from_seq > last) return out;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  absl::Cleanup release = [&] { db_->ReleaseSnapshot(snapshot); };
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  auto truncated = [&](uint64_t first) {
    return absl::FailedPreconditionError(absl::StrCat("log truncated: seq ", from_seq,
                                                      " is below the first retained seq ", first,
                                                      "; resynchronise from a snapshot"));
  };
  {
    // The retained range as of the snapshot: a truncation commits its log_first with the range
    // deletions of the log and of the routes.
    std::string raw;
    uint64_t first = 1;
    const rocksdb::Status s = db_->Get(ro, meta_, f::kMetaLogFirst, &raw);
    if (!s.ok() && !s.IsNotFound()) return f::FromRocks(s, "get meta log_first");
    if (s.ok() && !f::DecodeSeq(raw, &first))
      return absl::DataLossError("meta log_first: malformed");
    if (from_seq < first) return truncated(first);
  }
  // The child's route and the global one, merged by seq. Each is bounded by `last`.
  struct Stream {
    std::string upper;
    rocksdb::Slice upper_slice;
    std::unique_ptr<rocksdb::Iterator> it;
    uint64_t seq = 0;  // current entry's seq; 0 = exhausted
  };
  Stream streams[2];
  const int n_streams = route == f::kGlobalRoute ? 1 : 2;
  for (int i = 0; i < n_streams; ++i) {
    const std::string name = i == 0 ? std::string(route) : std::string(f::kGlobalRoute);
    Stream& st = streams[i];
    st.upper = f::RouteKey(name, last + 1);
    st.upper_slice = rocksdb::Slice(st.upper);
    rocksdb::ReadOptions bounded = ro;
    bounded.iterate_upper_bound = &st.upper_slice;
    st.it.reset(db_->NewIterator(bounded, route_));
    st.it->Seek(f::RouteKey(name, from_seq));
  }
  auto settle = [&](Stream& st) -> absl::Status {
    st.seq = 0;
    if (!st.it->Valid()) return f::FromRocks(st.it->status(), "read route");
    std::string_view name;
    if (!f::ParseRouteKey(View(st.it->key()), &name, &st.seq)) {
      return absl::DataLossError("route entry: malformed key");
    }
    return absl::OkStatus();
  };
  for (int i = 0; i < n_streams; ++i) TH_RETURN_IF_ERROR(settle(streams[i]));
  size_t bytes = 0;
  std::string entry;
  while (true) {
    Stream* next = nullptr;
    for (int i = 0; i < n_streams; ++i) {
      if (streams[i].seq != 0 && (next == nullptr || streams[i].seq < next->seq)) {
        next = &streams[i];
      }
    }
    if (next == nullptr) {
      *covered = last;  // every entry of both routes up to `last` is in `out`
      break;
    }
    const uint64_t seq = next->seq;
    const rocksdb::Status s = db_->Get(ro, log_, f::EncodeSeq(seq), &entry);
    if (s.IsNotFound()) {
      return absl::DataLossError(absl::StrCat("route entry ", seq, " has no log entry"));
    }
    TH_RETURN_IF_ERROR(f::FromRocks(s, "read log"));
    log_entries_read_.fetch_add(1, std::memory_order_relaxed);
    if (!out.empty() && bytes + entry.size() > max_bytes) {
      *covered = seq - 1;
      break;
    }
    v1::Change& change = out.emplace_back();
    if (!change.ParseFromString(entry) || change.seq() != seq) {
      return absl::DataLossError(absl::StrCat("log entry ", seq, ": malformed"));
    }
    bytes += entry.size();
    // The same seq can be in both routes only if DownRoutes put it there; never send it twice.
    for (int i = 0; i < n_streams; ++i) {
      if (streams[i].seq == seq) {
        streams[i].it->Next();
        TH_RETURN_IF_ERROR(settle(streams[i]));
      }
    }
    if (out.size() >= max_changes) {
      *covered = seq;
      break;
    }
  }
  return out;
}

}  // namespace tierhub::store
