#include "services/exchange/parent_link.h"

#include <algorithm>
#include <random>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "services/auth/identity.h"
#include "services/auth/jurisdiction.h"
#include "services/common/fault_points.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace tierhub::exchange {
namespace {

// How long an idle pusher waits for new log entries before rechecking its stream. New
// changes wake it at once.
constexpr absl::Duration kIdleWait = absl::Milliseconds(200);

std::vector<v1::Change> ToChanges(const v1::SnapshotResponse& chunk) {
  std::vector<v1::Change> changes;
  changes.reserve(chunk.records_size());
  for (const v1::StoredRecordEntry& entry : chunk.records()) {
    const v1::StoredRecord& s = entry.stored();
    v1::Change c;
    c.set_key(entry.key());
    c.set_origin_node(s.origin_node());
    c.set_origin_seq(s.origin_seq());
    c.set_origin_region(s.origin_region());
    *c.mutable_version() = s.version();
    *c.mutable_author() = s.author();
    if (s.has_tombstone()) {
      *c.mutable_tombstone() = s.tombstone();
    } else {
      *c.mutable_record() = s.record();
    }
    changes.push_back(std::move(c));
  }
  return changes;
}

}  // namespace

ParentLink::ParentLink(ParentLinkOptions options, store::Store* store, const Clock* clock,
                       SyncState* state)
    : options_(std::move(options)), store_(store), clock_(clock), state_(state) {}

ParentLink::~ParentLink() { Stop(); }

void ParentLink::Start() {
  up_ = std::thread([this] { UpLoop(); });
  down_ = std::thread([this] { DownLoop(); });
}

void ParentLink::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (grpc::ClientContext* context : live_contexts_) context->TryCancel();
  }
  if (up_.joinable()) up_.join();
  if (down_.joinable()) down_.join();
}

void ParentLink::TrackContext(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  live_contexts_.push_back(context);
  if (stopping_) context->TryCancel();
}

void ParentLink::UntrackContext(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  live_contexts_.erase(std::remove(live_contexts_.begin(), live_contexts_.end(), context),
                       live_contexts_.end());
}

absl::Duration BackoffCap(const absl::Status& ended, const ParentLinkOptions& options) {
  if (ended.code() == absl::StatusCode::kUnavailable) {
    return std::min(options.unreachable_max_backoff, options.max_backoff);
  }
  return options.max_backoff;
}

void ParentLink::Backoff(absl::Duration* backoff, absl::Duration cap) {
  // Jitter: sleep a uniform 50-100% of the current backoff, so that many children
  // reconnecting after a parent restart spread out.
  static thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  *backoff = std::min(*backoff, cap);
  const absl::Duration sleep = *backoff * jitter(rng);
  absl::MutexLock lock(&mu_);
  options_.timer->AwaitWithTimeout(mu_, absl::Condition(&stopping_), sleep);
  *backoff = std::min(*backoff * 2, cap);
}

absl::StatusOr<std::unique_ptr<v1::Exchange::Stub>> ParentLink::Connect() {
  auto channel = client::MakeChannel(options_.channel);
  if (!channel.ok()) return channel.status();
  return v1::Exchange::NewStub(*channel);
}

void ParentLink::UpLoop() {
  RunLink(SyncState::Link::kUpward, "link up to",
          [this](v1::Exchange::Stub* stub) { return PushSession(stub); });
}

void ParentLink::DownLoop() {
  RunLink(SyncState::Link::kDownward, "link down from", [this](v1::Exchange::Stub* stub) {
    absl::Status ended = PullSession(stub);
    if (ended.code() != absl::StatusCode::kOutOfRange) return ended;
    LogWarning("link down from ", options_.parent_node_id, ": ", ended.message(),
               "; resynchronising from a snapshot");
    state_->UpdateParentLink(SyncState::Link::kDownward,
                             [](v1::LinkStatus& s) { s.set_state(v1::LINK_STATE_RESYNCING); });
    state_->UpdateCounters([](v1::Counters& c) { c.set_resyncs(c.resyncs() + 1); });
    ended = Resync(stub);
    if (ended.ok()) LogInfo("resync from ", options_.parent_node_id, " done");
    return ended;
  });
}

void ParentLink::RunLink(SyncState::Link link, const char* what,
                         const std::function<absl::Status(v1::Exchange::Stub*)>& session) {
  absl::Duration backoff = options_.initial_backoff;
  uint64_t retries = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    auto stub = Connect();
    absl::Status ended = stub.ok() ? session(stub->get()) : stub.status();
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (ended.ok()) {
      // A session that ended cleanly (the parent shut down, or a resync finished) says the
      // link works: reconnect after the shortest wait, with a fresh backoff.
      backoff = options_.initial_backoff;
      retries = 0;
      Backoff(&backoff, options_.max_backoff);
      continue;
    }
    ++retries;
    // The parent refused us: identity, jurisdiction, a gap, a store older than the parent's.
    const bool refused = ended.code() == absl::StatusCode::kPermissionDenied ||
                         ended.code() == absl::StatusCode::kFailedPrecondition ||
                         ended.code() == absl::StatusCode::kUnauthenticated;
    if (refused) {
      LogError(what, " ", options_.parent_node_id, " refused: ", ended.ToString());
    } else if (retries == 1 || retries % 20 == 0) {
      LogWarning(what, " ", options_.parent_node_id, " down (attempt ", retries,
                 "): ", ended.ToString());
    }
    state_->UpdateParentLink(link, [&](v1::LinkStatus& s) {
      s.set_state(refused ? v1::LINK_STATE_REFUSED : v1::LINK_STATE_CONNECTING);
      s.set_retries(retries);
      s.set_last_error(std::string(ended.message()));
    });
    Backoff(&backoff, BackoffCap(ended, options_));
  }
}

absl::Status ParentLink::CheckParent(const grpc::ClientContext& context,
                                     const v1::PushWelcome& welcome) const {
  std::string claimed = welcome.parent_node_id();
  if (!options_.channel.insecure) {
    // The parent's certificate, not what it says, decides who it is.
    auto auth = context.auth_context();
    auto names =
        auth ? auth->FindPropertyValues("x509_common_name") : std::vector<grpc::string_ref>{};
    if (names.empty()) return absl::PermissionDeniedError("parent presented no certificate name");
    auto id = auth::ParseCommonName(std::string(names.front().data(), names.front().size()));
    if (!id.ok() || id->kind != auth::Identity::Kind::kNode ||
        !auth::InJurisdiction(id->region_code, options_.region_code)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "parent certificate '", std::string(names.front().data(), names.front().size()),
          "' is not a node above region ", options_.region_code));
    }
    claimed = id->name;
  }
  if (claimed != options_.parent_node_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("parent is '", claimed, "', config expects '", options_.parent_node_id, "'"));
  }
  return absl::OkStatus();
}

absl::Status ParentLink::PushSession(v1::Exchange::Stub* stub) {
  grpc::ClientContext context;
  client::PrepareContext(options_.channel, &context);
  TrackContext(&context);
  absl::Cleanup untrack = [&] { UntrackContext(&context); };
  auto stream = stub->Push(&context);

  v1::PushRequest hello;
  hello.mutable_hello()->set_child_node_id(options_.node_id);
  hello.mutable_hello()->set_child_region_code(options_.region_code);
  v1::PushResponse response;
  if (!stream->Write(hello) || !stream->Read(&response) || !response.has_welcome()) {
    return FromGrpc(stream->Finish());
  }
  absl::Status parent_ok = CheckParent(context, response.welcome());
  if (!parent_ok.ok()) {
    context.TryCancel();
    stream->Finish().ok();
    return parent_ok;
  }
  if (response.welcome().acked_seq() > store_->LastSeq()) {
    // The parent has applied changes this store no longer has: it was restored from an older
    // backup or recreated. Sending new changes would reuse origin sequences the parent already
    // holds, and the parent would drop them as duplicates. A person must resolve this.
    context.TryCancel();
    stream->Finish().ok();
    return absl::FailedPreconditionError(
        absl::StrCat("parent has applied this node's log up to ", response.welcome().acked_seq(),
                     " but the log here ends at ", store_->LastSeq(),
                     ": this store is older than what the parent holds (restored from a backup?); "
                     "rebuild it under a new node id (docs/OPERATIONS.md)"));
  }
  uint64_t next = response.welcome().acked_seq() + 1;
  // The parent may hold more than this node stored as acknowledged: the ack of the last batch
  // was lost with the old connection (a crash, a hung parent). The welcome is as durable as an
  // ack, so store it: otherwise the status shows changes pending that the parent already has
  // until the next write is acknowledged.
  auto acked = store_->GetCursor(kParentAckedCursor);
  absl::Status saved = acked.status();
  if (saved.ok() && next - 1 > *acked) saved = store_->SetCursor(kParentAckedCursor, next - 1);
  if (!saved.ok()) {
    context.TryCancel();
    stream->Finish().ok();
    return saved;
  }
  LogInfo("link up to ", options_.parent_node_id, " connected; parent has applied up to ",
          next - 1);
  state_->UpdateParentLink(SyncState::Link::kUpward, [&](v1::LinkStatus& s) {
    s.set_peer_node_id(options_.parent_node_id);
    s.set_state(v1::LINK_STATE_CONNECTED);
    s.set_last_acked_seq(next - 1);
    s.set_retries(0);
    s.clear_last_error();
    SetTimestamp(clock_->Now(), s.mutable_last_contact());
  });

  // Acknowledgements come back on their own thread; the writer below keeps at most
  // `window` batches unacknowledged, so memory stays bounded however far behind the parent is.
  absl::Mutex window_mu;
  uint32_t in_flight = 0;
  bool reader_done = false;
  absl::Status reader_status;
  absl::Status read_status;  // of this node's own log, by the writer below
  std::thread reader([&] {
    v1::PushResponse ack;
    while (stream->Read(&ack)) {
      if (!ack.has_ack()) continue;
      TH_FAULT_POINT("exchange.child.after_ack_before_store");
      absl::Status saved = store_->SetCursor(kParentAckedCursor, ack.ack().last_seq());
      if (!saved.ok()) {
        LogError("cannot store acknowledged position: ", saved.ToString());
        absl::MutexLock lock(&window_mu);
        reader_status = saved;
        break;
      }
      state_->UpdateParentLink(SyncState::Link::kUpward, [&](v1::LinkStatus& s) {
        s.set_last_acked_seq(ack.ack().last_seq());
        SetTimestamp(clock_->Now(), s.mutable_last_contact());
      });
      absl::MutexLock lock(&window_mu);
      --in_flight;
    }
    absl::MutexLock lock(&window_mu);
    reader_done = true;
  });

  while (true) {
    {
      absl::MutexLock lock(&window_mu);
      auto can_send = [&] { return reader_done || in_flight < options_.window; };
      window_mu.Await(absl::Condition(&can_send));
      if (reader_done) break;
    }
    // Only changes from this node's subtree go up; what came down from the parent is skipped.
    // Nothing is decoded: the log entries go up as they are stored.
    uint64_t covered = 0;
    auto changes = store_->ReadLogEncoded(
        next, options_.batch_changes, options_.batch_bytes,
        [&](std::string_view origin_region) {
          return auth::InJurisdiction(options_.region_code, std::string(origin_region));
        },
        &covered);
    if (!changes.ok()) {
      LogError("cannot read own log at ", next, ": ", changes.status().ToString());
      read_status = changes.status();  // the session's error, not the CANCELLED below
      break;
    }
    if (covered < next) {
      store_->WaitForLog(next - 1, kIdleWait);
      continue;
    }
    v1::PushRequest request;
    v1::ChangeBatch* batch = request.mutable_batch();
    batch->set_last_seq(covered);
    batch->mutable_changes()->Reserve(static_cast<int>(changes->size()));
    for (std::string& change : *changes) batch->add_changes(std::move(change));
    const size_t bytes = request.ByteSizeLong();
    const int count = batch->changes_size();
    {
      absl::MutexLock lock(&window_mu);
      ++in_flight;
    }
    if (!stream->Write(request)) break;
    next = batch->last_seq() + 1;
    state_->UpdateCounters([&](v1::Counters& c) {
      c.set_batches_out(c.batches_out() + 1);
      c.set_changes_out(c.changes_out() + count);
      c.set_bytes_out(c.bytes_out() + bytes);
    });
  }
  context.TryCancel();
  reader.join();
  grpc::Status finished = stream->Finish();
  if (!reader_status.ok()) return reader_status;
  if (!read_status.ok()) return read_status;
  return FromGrpc(finished);
}

absl::Status ParentLink::PullSession(v1::Exchange::Stub* stub) {
  auto cursor = store_->GetCursor(kParentPulledCursor);
  if (!cursor.ok()) return cursor.status();
  grpc::ClientContext context;
  client::PrepareContext(options_.channel, &context);
  TrackContext(&context);
  absl::Cleanup untrack = [&] { UntrackContext(&context); };
  v1::PullRequest request;
  request.set_child_node_id(options_.node_id);
  request.set_child_region_code(options_.region_code);
  request.set_from_seq(*cursor + 1);
  auto reader = stub->Pull(&context, request);
  state_->UpdateParentLink(SyncState::Link::kDownward, [&](v1::LinkStatus& s) {
    s.set_peer_node_id(options_.parent_node_id);
    s.set_state(v1::LINK_STATE_CONNECTED);
    s.set_last_acked_seq(*cursor);
    s.clear_last_error();
  });
  v1::PullResponse response;
  while (reader->Read(&response)) {
    TH_FAULT_POINT("exchange.child.pull_mid_batch");
    std::vector<v1::Change> changes;
    changes.reserve(response.changes_size());
    for (v1::Change& change : *response.mutable_changes()) changes.push_back(std::move(change));
    store::ApplyOptions apply;
    apply.enforce_origin_order = false;  // filtered: an origin's sequence has holes here
    apply.cursor_name = kParentPulledCursor;
    apply.cursor_value = response.last_seq();
    auto result = store_->ApplyRemote(std::move(changes), apply);
    if (!result.ok()) {
      LogError("cannot apply changes from parent: ", result.status().ToString());
      context.TryCancel();
      reader->Finish().ok();
      return result.status();
    }
    state_->UpdateParentLink(SyncState::Link::kDownward, [&](v1::LinkStatus& s) {
      s.set_last_acked_seq(response.last_seq());
      SetTimestamp(clock_->Now(), s.mutable_last_contact());
    });
    state_->UpdateCounters([&](v1::Counters& c) {
      c.set_changes_in(c.changes_in() + result->applied);
      c.set_conflicts(c.conflicts() + result->conflicts);
    });
  }
  return FromGrpc(reader->Finish());
}

absl::Status ParentLink::Resync(v1::Exchange::Stub* stub) {
  grpc::ClientContext context;
  client::PrepareContext(options_.channel, &context);
  TrackContext(&context);
  absl::Cleanup untrack = [&] { UntrackContext(&context); };
  v1::SnapshotRequest request;
  request.set_child_node_id(options_.node_id);
  request.set_child_region_code(options_.region_code);
  auto reader = stub->Snapshot(&context, request);
  v1::SnapshotResponse chunk;
  uint64_t follow_from = 0;
  uint64_t records = 0;
  while (reader->Read(&chunk)) {
    store::ApplyOptions apply;
    apply.enforce_origin_order = false;
    apply.snapshot = true;
    auto result = store_->ApplyRemote(ToChanges(chunk), apply);
    if (!result.ok()) {
      context.TryCancel();
      reader->Finish().ok();
      return result.status();
    }
    records += chunk.records_size();
    if (!chunk.done()) TH_FAULT_POINT("exchange.child.snapshot_mid");
    if (chunk.done()) follow_from = chunk.follow_from_seq();
  }
  absl::Status status = FromGrpc(reader->Finish());
  if (!status.ok()) return status;
  if (follow_from == 0) return absl::UnavailableError("snapshot ended without its last part");
  LogInfo("snapshot applied: ", records, " records; following the parent's log from ", follow_from);
  return store_->SetCursor(kParentPulledCursor, follow_from - 1);
}

absl::Status ParentLink::RefreshStatus() {
  TH_ASSIGN_OR_RETURN(const uint64_t acked, store_->GetCursor(kParentAckedCursor));
  const uint64_t last = store_->LastSeq();
  const uint64_t pending = last > acked ? last - acked : 0;
  double lag = 0;
  if (pending > 0) {
    TH_ASSIGN_OR_RETURN(auto oldest, store_->ReadLog(acked + 1, 1, 1 << 20));
    if (!oldest.empty()) {
      const absl::Time written = absl::FromUnixMicros(oldest[0].version().wall_micros());
      lag = std::max(0.0, absl::ToDoubleSeconds(clock_->Now() - written));
    }
  }
  state_->UpdateParentLink(SyncState::Link::kUpward, [&](v1::LinkStatus& s) {
    s.set_pending_changes(pending);
    s.set_lag_seconds(lag);
  });
  return absl::OkStatus();
}

}  // namespace tierhub::exchange
