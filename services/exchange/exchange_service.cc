#include "services/exchange/exchange_service.h"

#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/auth/jurisdiction.h"
#include "services/auth/policy.h"
#include "services/common/fault_points.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/domain/validation.h"
#include "services/exchange/push_batch.h"
#include "services/store/store_status.h"

namespace tierhub::exchange {
namespace {

// How long a Pull waits for new log entries before checking for cancellation. New changes
// wake it at once; this only bounds how late it notices a cancelled call.
constexpr absl::Duration kPullWait = absl::Milliseconds(500);
constexpr size_t kPullMaxBytes = 4 << 20;
constexpr size_t kSnapshotChunk = 500;
constexpr absl::Duration kEmptyPullInterval = absl::Seconds(1);

std::string Deterministic(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

}  // namespace

std::string ChildAckCursor(const std::string& child_id) { return "child-acked/" + child_id; }

ExchangeService::ExchangeService(const auth::NodeContext& node, ExchangeOptions options,
                                 store::Store* store, SyncState* state)
    : node_(node),
      options_(std::move(options)),
      store_(store),
      clock_(&auth::RequireClock(node_)),
      state_(state) {}

absl::StatusOr<auth::Identity> ExchangeService::ChildIdentity(
    const grpc::ServerContext& context, const std::string& claimed_id,
    const std::string& claimed_region) const {
  auto id = auth::CallerIdentity(context, node_.insecure);
  if (!id.ok()) return id.status();
  if (id->kind != auth::Identity::Kind::kNode) {
    return absl::PermissionDeniedError(
        absl::StrCat("'", id->CommonName(), "' is not a node certificate"));
  }
  if (id->name != claimed_id || id->region_code != claimed_region) {
    return absl::PermissionDeniedError(absl::StrCat("certificate says '", id->CommonName(),
                                                    "' but the request claims node ", claimed_id,
                                                    " in ", claimed_region));
  }
  // Only a direct child links here: each origin's changes then reach a node along one path,
  // so no change can overtake another of the same origin by going round a tier.
  if (!auth::IsDirectChild(node_.region_code, id->region_code)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "node ", id->name, " (", id->region_code, ") is not a direct child of ", node_.region_code,
        auth::InJurisdiction(node_.region_code, id->region_code) ? "; it links to its own parent"
                                                                 : ""));
  }
  return id;
}

absl::StatusOr<auth::Identity> ExchangeService::ExchangeViewer(
    const grpc::ServerContext& context) const {
  TH_ASSIGN_OR_RETURN(auth::Identity caller, auth::CallerIdentity(context, node_.insecure));
  TH_RETURN_IF_ERROR(auth::CheckExchangeView(node_, caller));
  return caller;
}

void ExchangeService::RefusePeer(const grpc::ServerContext& context, const std::string& claimed_id,
                                 const absl::Status& status) {
  LogWarning("refused peer ", context.peer(), " claiming child ", claimed_id, ": ",
             status.ToString());
  state_->UpdateCounters([](v1::Counters& c) { c.set_refusals(c.refusals() + 1); });
}

void ExchangeService::Refuse(const std::string& child_id, const absl::Status& status) {
  LogWarning("refused child ", child_id, ": ", status.ToString());
  state_->UpdateCounters([](v1::Counters& c) { c.set_refusals(c.refusals() + 1); });
  state_->UpdateChild(child_id, [&](v1::LinkStatus& s) {
    s.set_state(v1::LINK_STATE_REFUSED);
    s.set_last_error(std::string(status.message()));
  });
}

void ExchangeService::Shutdown() {
  shutting_down_ = true;
  absl::MutexLock lock(&mu_);
  for (grpc::ServerContext* context : push_contexts_) context->TryCancel();
}

grpc::Status ExchangeService::Push(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream) {
  {
    absl::MutexLock lock(&mu_);
    if (shutting_down_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down");
    push_contexts_.insert(context);
  }
  absl::Cleanup untrack = [&] {
    absl::MutexLock lock(&mu_);
    push_contexts_.erase(context);
  };
  v1::PushRequest request;
  if (!stream->Read(&request) || !request.has_hello()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "Push must start with a hello");
  }
  const v1::PushHello hello = request.hello();
  auto child = ChildIdentity(*context, hello.child_node_id(), hello.child_region_code());
  if (!child.ok()) {
    RefusePeer(*context, hello.child_node_id(), child.status());
    return ToGrpc(child.status());
  }
  const std::string cursor = ChildAckCursor(child->name);
  auto acked = store_->GetCursor(cursor);
  if (!acked.ok()) return ToGrpc(acked.status());
  v1::PushResponse welcome;
  welcome.mutable_welcome()->set_parent_node_id(node_.node_id);
  welcome.mutable_welcome()->set_acked_seq(*acked);
  if (!stream->Write(welcome)) return grpc::Status::CANCELLED;
  LogInfo("child ", child->name, " (", child->region_code, ") linked, acked seq ", *acked);
  state_->UpdateChild(child->name, [&](v1::LinkStatus& s) {
    s.set_peer_region_code(child->region_code);
    s.set_state(v1::LINK_STATE_CONNECTED);
    s.set_last_acked_seq(*acked);
    s.clear_last_error();
    SetTimestamp(clock_->Now(), s.mutable_last_contact());
  });

  while (stream->Read(&request)) {
    if (!request.has_batch()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "expected a batch after hello");
    }
    v1::ChangeBatch& batch = *request.mutable_batch();
    const size_t bytes = batch.ByteSizeLong();
    auto result = ApplyChildBatch(store_, *child, cursor, &batch);
    if (!result.ok()) {
      Refuse(child->name, result.status());
      return ToGrpc(result.status());
    }
    TH_RETURN_IF_FAULT("exchange.parent.after_apply_before_ack", ToGrpc);
    v1::PushResponse ack;
    ack.mutable_ack()->set_last_seq(batch.last_seq());
    ack.mutable_ack()->set_applied(result->applied);
    ack.mutable_ack()->set_duplicates(result->duplicates);
    ack.mutable_ack()->set_conflicts(result->conflicts);
    state_->UpdateCounters([&](v1::Counters& c) {
      c.set_batches_in(c.batches_in() + 1);
      c.set_changes_in(c.changes_in() + result->applied);
      c.set_bytes_in(c.bytes_in() + bytes);
      c.set_duplicates(c.duplicates() + result->duplicates);
      c.set_conflicts(c.conflicts() + result->conflicts);
    });
    state_->UpdateChild(child->name, [&](v1::LinkStatus& s) {
      s.set_last_acked_seq(batch.last_seq());
      SetTimestamp(clock_->Now(), s.mutable_last_contact());
    });
    if (!stream->Write(ack)) break;
  }
  LogInfo("child ", child->name, " push stream closed");
  state_->UpdateChild(child->name, [](v1::LinkStatus& s) {
    if (s.state() == v1::LINK_STATE_CONNECTED) s.set_state(v1::LINK_STATE_DOWN);
  });
  return grpc::Status::OK;
}

grpc::Status ExchangeService::Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                                   grpc::ServerWriter<v1::PullResponse>* writer) {
  auto child = ChildIdentity(*context, request->child_node_id(), request->child_region_code());
  if (!child.ok()) {
    RefusePeer(*context, request->child_node_id(), child.status());
    return ToGrpc(child.status());
  }
  TH_RETURN_IF_FAULT("exchange.parent.pull_start", ToGrpc);
  uint64_t next = std::max<uint64_t>(request->from_seq(), 1);
  const uint64_t first = store_->FirstLogSeq();
  if (next < first) {
    LogInfo("child ", child->name, " cursor ", next, " is older than retained log start ", first,
            ": resync needed");
    return grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                        absl::StrCat("cursor ", next, " is older than the retained log (starts at ",
                                     first, "); resynchronise with Snapshot"));
  }
  const uint32_t max_batch = request->max_batch() > 0 ? request->max_batch() : options_.pull_batch;
  // Pacing of cursor-only responses, in real time like WaitForLog's wait: it is about the
  // transport's cost, not about the node's (possibly simulated) time.
  absl::Time last_sent = absl::InfinitePast();
  uint64_t reported = next - 1;  // the last position the child was told it has covered
  while (!context->IsCancelled() && !shutting_down_) {
    uint64_t covered = 0;
    // Only the child's route and the global one (store::DownRoutes): no entry meant for a
    // sibling, and nothing that came up from the child's own subtree, is read at all.
    auto changes =
        store_->ReadLogRouted(child->region_code, next, max_batch, kPullMaxBytes, &covered);
    if (!changes.ok()) {
      if (absl::IsFailedPrecondition(changes.status()) && store_->FirstLogSeq() > next) {
        return grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "log truncated under the cursor");
      }
      return ToGrpc(changes.status());
    }
    if (covered < next) {
      if (store_->FirstLogSeq() > next) {
        return grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "log truncated under the cursor");
      }
      // Drained: tell the child the position it has covered, if it has not been told (a
      // cursor move held back below), once the interval allows.
      if (reported < next - 1 && absl::Now() - last_sent >= kEmptyPullInterval) {
        v1::PullResponse moved;
        moved.set_last_seq(next - 1);
        if (!writer->Write(moved)) break;
        last_sent = absl::Now();
        reported = next - 1;
        state_->UpdateCounters([&](v1::Counters& c) { c.set_batches_out(c.batches_out() + 1); });
      }
      store_->WaitForLog(next - 1, kPullWait);
      continue;
    }
    next = covered + 1;
    v1::PullResponse response;
    for (v1::Change& change : *changes) {
      // The routes hold what ShouldSendDown allows; a global change is checked here.
      if (auth::ShouldSendDown(change, child->region_code))
        *response.add_changes() = std::move(change);
    }
    // A response with nothing in it only moves the child's cursor, which costs the child a
    // synced write (and, under a busy parent, would follow every commit of the parent): send
    // those at most once per kEmptyPullInterval; the drained branch above sends the last one.
    if (response.changes_size() == 0 && absl::Now() - last_sent < kEmptyPullInterval) {
      continue;
    }
    last_sent = absl::Now();
    reported = covered;
    response.set_last_seq(covered);
    const size_t bytes = response.ByteSizeLong();
    const int sent = response.changes_size();
    if (!writer->Write(response)) break;
    state_->UpdateCounters([&](v1::Counters& c) {
      c.set_batches_out(c.batches_out() + 1);
      c.set_changes_out(c.changes_out() + sent);
      c.set_bytes_out(c.bytes_out() + bytes);
    });
  }
  return grpc::Status::OK;
}

grpc::Status ExchangeService::Snapshot(grpc::ServerContext* context,
                                       const v1::SnapshotRequest* request,
                                       grpc::ServerWriter<v1::SnapshotResponse>* writer) {
  auto child = ChildIdentity(*context, request->child_node_id(), request->child_region_code());
  if (!child.ok()) {
    RefusePeer(*context, request->child_node_id(), child.status());
    return ToGrpc(child.status());
  }
  LogInfo("snapshot for child ", child->name, " (", child->region_code, ")");
  state_->UpdateCounters([](v1::Counters& c) { c.set_resyncs(c.resyncs() + 1); });
  v1::SnapshotResponse chunk;
  bool ok = true;
  auto seq = store_->ScanSnapshot([&](std::string_view key, const v1::StoredRecord& stored) {
    v1::Change as_change;
    as_change.set_origin_region(stored.origin_region());
    if (stored.has_tombstone()) {
      *as_change.mutable_tombstone() = stored.tombstone();
    } else {
      *as_change.mutable_record() = stored.record();
    }
    if (!auth::ShouldSendDown(as_change, child->region_code)) return true;
    v1::StoredRecordEntry* entry = chunk.add_records();
    entry->set_key(std::string(key));
    *entry->mutable_stored() = stored;
    if (chunk.records_size() >= static_cast<int>(kSnapshotChunk)) {
      ok = !context->IsCancelled() && writer->Write(chunk);
      chunk.Clear();
      TH_FAULT_POINT("exchange.parent.snapshot_mid");
    }
    return ok;
  });
  if (!seq.ok()) return ToGrpc(seq.status());
  if (!ok) return grpc::Status::CANCELLED;
  chunk.set_follow_from_seq(*seq + 1);
  chunk.set_done(true);
  // Without this part the child has no snapshot (Resync refuses one without it): a stream that
  // broke here ended as the one that broke earlier.
  if (!writer->Write(chunk)) return grpc::Status::CANCELLED;
  return grpc::Status::OK;
}

grpc::Status ExchangeService::GetSyncStatus(grpc::ServerContext* context,
                                            const v1::SyncStatusRequest* request,
                                            v1::SyncStatusResponse* response) {
  auto viewer = ExchangeViewer(*context);
  if (!viewer.ok()) return ToGrpc(viewer.status());
  auto status = SyncStatus(*viewer);
  if (!status.ok()) return ToGrpc(status.status());
  *response = std::move(*status);
  return grpc::Status::OK;
}

absl::StatusOr<v1::SyncStatusResponse> ExchangeService::SyncStatus(
    const auth::Identity& viewer) const {
  TH_RETURN_IF_ERROR(auth::CheckExchangeView(node_, viewer));
  if (options_.refresh_status) TH_RETURN_IF_ERROR(options_.refresh_status());
  v1::SyncStatusResponse response;
  response.set_node_id(node_.node_id);
  response.set_region_code(node_.region_code);
  response.set_tier(options_.tier);
  response.set_insecure(node_.insecure);
  response.set_last_seq(store_->LastSeq());
  response.set_own_origin_seq(store_->OwnOriginSeq());
  TH_ASSIGN_OR_RETURN(auto watermarks, store_->Watermarks());
  for (const auto& [origin, seq] : watermarks) (*response.mutable_watermarks())[origin] = seq;
  state_->Fill(&response, options_.has_parent);
  store::FillStoreStatus(*store_, response.mutable_store());
  // Pending changes per child are not known to the parent; the child reports its own.
  return response;
}

grpc::Status ExchangeService::GetDigest(grpc::ServerContext* context,
                                        const v1::DigestRequest* request,
                                        v1::DigestResponse* response) {
  auto viewer = ExchangeViewer(*context);
  if (!viewer.ok()) return ToGrpc(viewer.status());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr);
  uint64_t count = 0;
  auto status = store_->ScanRecords(request->key_prefix(),
                                    [&](std::string_view key, const v1::StoredRecord& stored) {
                                      if (stored.has_tombstone()) return true;
                                      const std::string key_text(key);
                                      const std::string version = Deterministic(stored.version());
                                      const std::string body = Deterministic(stored.record());
                                      for (const std::string* part : {&key_text, &version, &body}) {
                                        const uint64_t n = part->size();
                                        EVP_DigestUpdate(md.get(), &n, sizeof(n));
                                        EVP_DigestUpdate(md.get(), part->data(), part->size());
                                      }
                                      ++count;
                                      return true;
                                    });
  if (!status.ok()) return ToGrpc(status);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md.get(), out, &len);
  response->set_records(count);
  response->set_sha256_hex(
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(out), len)));
  return grpc::Status::OK;
}

grpc::Status ExchangeService::ListConflicts(grpc::ServerContext* context,
                                            const v1::ListConflictsRequest* request,
                                            v1::ListConflictsResponse* response) {
  auto viewer = ExchangeViewer(*context);
  if (!viewer.ok()) return ToGrpc(viewer.status());
  // Conflicts hold both versions of records of the whole node: for its region and above only.
  if (!auth::InJurisdiction(viewer->region_code, node_.region_code)) {
    return ToGrpc(absl::PermissionDeniedError(
        absl::StrCat(viewer->CommonName(), ": the conflicts of ", node_.region_code,
                     " are shown to its own region and above")));
  }
  auto conflicts = store_->ListConflicts("", request->limit() > 0 ? request->limit() : 1000);
  if (!conflicts.ok()) return ToGrpc(conflicts.status());
  for (auto& c : *conflicts) *response->add_conflicts() = std::move(c);
  return grpc::Status::OK;
}

grpc::Status ExchangeService::ListRecords(grpc::ServerContext* context,
                                          const v1::ListRecordsRequest* request,
                                          grpc::ServerWriter<v1::ListRecordsResponse>* writer) {
  auto caller = auth::CallerIdentity(*context, node_.insecure);
  if (!caller.ok()) return ToGrpc(caller.status());
  if (absl::Status s = auth::CheckNotPeer(node_, *caller); !s.ok()) return ToGrpc(s);
  v1::ListRecordsResponse chunk;
  bool ok = true;
  auto status = store_->ScanRecords(
      request->key_prefix(), [&](std::string_view key, const v1::StoredRecord& stored) {
        // Only what the caller may read: the scan covers the node, the answer the caller.
        const std::string region = stored.has_tombstone() ? stored.tombstone().region_code()
                                                          : domain::RecordRegion(stored.record());
        if (!auth::CheckReadable(node_, *caller, region).ok()) return true;
        v1::StoredRecordEntry* entry = chunk.add_records();
        entry->set_key(std::string(key));
        *entry->mutable_stored() = stored;
        if (chunk.records_size() >= static_cast<int>(kSnapshotChunk)) {
          ok = writer->Write(chunk);
          chunk.Clear();
        }
        return ok;
      });
  if (!status.ok()) return ToGrpc(status);
  if (ok && chunk.records_size() > 0) ok = writer->Write(chunk);
  // A failed Write means the caller is gone or cancelled; its answer is cut short.
  if (!ok) return grpc::Status::CANCELLED;
  return grpc::Status::OK;
}

}  // namespace tierhub::exchange
