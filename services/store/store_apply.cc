// Store::ApplyRemote: changes received from another node.
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "rocksdb/write_batch.h"
#include "services/common/status_macros.h"
#include "services/store/format.h"
#include "services/store/store.h"
#include "services/store/store_internal.h"
#include "services/store/store_overlay.h"

namespace tierhub::store {
namespace {

namespace f = format;
using internal::Av;
using internal::CheckKey;
using internal::JoinErrors;

}  // namespace

absl::StatusOr<ApplyResult> Store::ApplyRemote(std::vector<v1::Change> changes,
                                               const ApplyOptions& options,
                                               std::vector<std::string> encoded) {
  ApplyResult result;
  if (changes.empty() && options.cursor_name.empty()) return result;
  if (!encoded.empty() && encoded.size() != changes.size()) {
    return absl::InvalidArgumentError(absl::StrCat("ApplyRemote: ", encoded.size(),
                                                   " encodings for ", changes.size(), " changes"));
  }
  absl::MutexLock lock(&write_mu_);

  // Pass 1: decide duplicates and refuse gaps and bad changes before staging anything.
  std::map<std::string, uint64_t> next_watermarks;
  std::map<std::string, std::string> next_regions;  // origin -> the region it is bound to
  std::vector<bool> accepted(changes.size(), false);
  std::vector<std::string> errors;
  absl::StatusCode first_code = absl::StatusCode::kOk;
  auto bad = [&](size_t i, const absl::Status& s) {
    if (errors.empty()) first_code = s.code();
    errors.push_back(absl::StrCat("change[", i, "]: ", s.message()));
  };
  // A version from further ahead than a clock can drift would drag this node's clock (and, once
  // it travels on, every node's) with it, and win every later edit: refuse it. The sender's
  // link stays stuck, loudly, until its clock is fixed or real time reaches the version.
  const int64_t latest_micros = absl::ToUnixMicros(options_.clock->Now() + kMaxClockAhead);
  // The content of a change that is not a duplicate, the same whether origins are ordered or
  // not; with origin order (a push), its version must also be its origin's.
  auto check_change = [&](const v1::Change& c) -> absl::Status {
    TH_RETURN_IF_ERROR(CheckKey(c.key()));
    if (!c.has_version()) return absl::InvalidArgumentError("version: missing");
    if (options.enforce_origin_order && c.version().origin_node() != c.origin_node()) {
      return absl::InvalidArgumentError(
          absl::StrCat("version.origin_node: ", c.version().origin_node(),
                       " differs from origin_node ", c.origin_node()));
    }
    if (c.version().wall_micros() > latest_micros) {
      return absl::FailedPreconditionError(absl::StrCat(
          "version: ", absl::FormatTime(absl::FromUnixMicros(c.version().wall_micros())),
          " is more than ", absl::FormatDuration(kMaxClockAhead),
          " ahead of this node's clock; the clock of ", c.version().origin_node(), " is wrong"));
    }
    if (!c.has_record() && !c.has_tombstone()) {
      return absl::InvalidArgumentError("body: neither record nor tombstone");
    }
    return options_.hooks->Validate(c);
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    const v1::Change& c = changes[i];
    const std::string& origin = c.origin_node();
    if (origin.empty()) {
      bad(i, absl::InvalidArgumentError("origin_node: empty"));
      continue;
    }
    if (origin == options_.node_id) {
      bad(i, absl::InvalidArgumentError(absl::StrCat(
                 "origin_node: ", origin, " is this node; a node never applies its own changes")));
      continue;
    }
    if (c.origin_seq() == 0) {
      bad(i, absl::InvalidArgumentError("origin_seq: must be >= 1"));
      continue;
    }
    if (options.enforce_origin_order) {
      auto [bound, unseen] = next_regions.try_emplace(origin, c.origin_region());
      if (unseen) {
        auto cached = origin_regions_.find(origin);
        if (cached != origin_regions_.end()) bound->second = cached->second;
      }
      if (bound->second != c.origin_region()) {
        return absl::PermissionDeniedError(absl::StrCat(
            "origin_node: ", origin, " is bound to region ", bound->second,
            " at this node, but change[", i, "] (origin_seq ", c.origin_seq(), ") claims region ",
            c.origin_region(), "; batch refused, nothing written"));
      }
      auto [wm, inserted] = next_watermarks.try_emplace(origin, 0);
      if (inserted) {
        auto cached = watermarks_.find(origin);
        if (cached != watermarks_.end()) wm->second = cached->second;
      }
      if (c.origin_seq() <= wm->second) {
        ++result.duplicates;
        continue;
      }
      if (c.origin_seq() != wm->second + 1) {
        return absl::FailedPreconditionError(absl::StrCat(
            "gap in changes from origin ", origin, ": expected origin_seq ", wm->second + 1,
            ", got ", c.origin_seq(), " (change[", i, "]); batch refused, nothing written"));
      }
      wm->second = c.origin_seq();
    }
    accepted[i] = true;
    if (absl::Status s = check_change(c); !s.ok()) bad(i, s);
  }
  if (!errors.empty()) return JoinErrors(first_code, errors);

  // Pass 2: stage every accepted change.
  BatchBuilder builder(this);
  {
    std::vector<std::string_view> keys;
    for (size_t i = 0; i < changes.size(); ++i) {
      if (accepted[i]) keys.push_back(changes[i].key());
    }
    TH_RETURN_IF_ERROR(builder.ReadCurrent(std::move(keys)));
  }
  uint64_t seq = last_seq_.load(std::memory_order_relaxed);
  std::map<std::string_view, const v1::Change*> last_of_origin;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (!accepted[i]) continue;
    v1::Change& c = changes[i];  // stamped in place; the builder borrows it until the commit
    hlc_->Observe(c.version());
    // A reference, not a copy: SetRecord below changes it, and nothing reads it after that.
    const BatchBuilder::Current& current = builder.CurrentOf(c.key());
    if (!options.enforce_origin_order && current.exists()) {
      // Without watermarks, a version already stored means the change arrived before (e.g.
      // through a snapshot); in a snapshot, anything not newer is already superseded here.
      const int order = CompareVersions(c.version(), current.version());
      if (order == 0 || (options.snapshot && order < 0)) {
        ++result.duplicates;
        continue;
      }
      if (options.snapshot) {
        *c.mutable_base_version() = current.version();  // no concurrent edit
        if (!encoded.empty()) encoded[i].clear();       // no longer what was received
      }
    }
    c.set_seq(++seq);
    builder.AppendLog(c, encoded.empty() ? std::string_view() : encoded[i]);
    // An origin's changes come in its order, and its clock only moves forward: the last is
    // the newest.
    if (options.enforce_origin_order) last_of_origin[c.origin_node()] = &c;
    ++result.applied;
    if (!current.exists()) {
      TH_RETURN_IF_ERROR(builder.SetRecord(c));
      continue;
    }
    const int order = CompareVersions(c.version(), current.version());
    if (order == 0) continue;  // This very version is already stored; nothing is lost.
    const bool concurrent =
        !c.has_base_version() || CompareVersions(c.base_version(), current.version()) != 0;
    v1::Conflict conflict;
    conflict.set_key(c.key());
    conflict.set_detected_seq(c.seq());
    if (order > 0) {
      if (concurrent) {
        TH_ASSIGN_OR_RETURN(*conflict.mutable_loser(), builder.ChangeOf(c.key(), current));
        *conflict.mutable_winner() = c.version();
      }
      TH_RETURN_IF_ERROR(builder.SetRecord(c));
      if (!concurrent) continue;
    } else {
      // Older than what is stored: it loses whether or not it claims to build on it.
      *conflict.mutable_loser() = c;
      *conflict.mutable_winner() = current.version();
    }
    builder.PutConflict(conflict);
    ++result.conflicts;
  }
  for (const auto& [origin, wm] : next_watermarks) {
    builder.PutMetaNumber(absl::StrCat(f::kMetaWatermarkPrefix, Av(origin)), wm);
  }
  for (const auto& [origin, c] : last_of_origin) {
    builder.PutMeta(absl::StrCat(f::kMetaOriginPrefix, Av(origin)),
                    f::EncodeOriginLast(c->version().wall_micros(), c->origin_region()));
  }
  if (!options.cursor_name.empty()) {
    builder.PutMetaNumber(absl::StrCat(f::kMetaCursorPrefix, Av(options.cursor_name)),
                          options.cursor_value);
  }
  builder.PutMetaNumber(f::kMetaLastSeq, seq);
  builder.PutHlc(hlc_->High());
  TH_ASSIGN_OR_RETURN(rocksdb::WriteBatch * batch, builder.batch());
  TH_RETURN_IF_ERROR(CommitLocked(batch, options_.sync_writes));
  for (const auto& [origin, wm] : next_watermarks) watermarks_[origin] = wm;
  for (const auto& [origin, c] : last_of_origin) {
    origin_regions_.try_emplace(std::string(origin), c->origin_region());
  }
  last_seq_.store(seq, std::memory_order_release);
  NotifyLog();
  return result;
}

}  // namespace tierhub::store
