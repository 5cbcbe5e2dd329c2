// Operator commands: status, health, records, conflicts, digest, backup, retention.
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "clients/tierhubctl/commands.h"
#include "clients/tierhubctl/format.h"
#include "clients/tierhubctl/table.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "services/common/status_macros.h"
#include "tierhub/v1/admin.grpc.pb.h"
#include "tierhub/v1/exchange.grpc.pb.h"

namespace tierhub::ctl {
namespace {

std::string When(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0) return "never";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(ts.seconds()),
                          absl::LocalTimeZone());
}

std::string StateName(v1::LinkState s) { return EnumLabel(v1::LinkState_Name(s), "LINK_STATE_"); }

void AddLink(Table* t, const std::string& role, const v1::LinkStatus& l) {
  t->AddRow({role, l.peer_node_id(), StateName(l.state()), absl::StrCat(l.last_acked_seq()),
             absl::StrCat(l.pending_changes()), absl::StrFormat("%.1f", l.lag_seconds()),
             When(l.last_contact()), absl::StrCat(l.retries()), l.last_error()});
}

absl::Status Status(const Args& args) {
  TH_ASSIGN_OR_RETURN(
      v1::SyncStatusResponse r,
      Call(args, "status", 10, &v1::Exchange::Stub::GetSyncStatus, v1::SyncStatusRequest()));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  Print(absl::StrCat("node ", r.node_id(), "  region ", r.region_code(), "  tier ",
                     absl::AsciiStrToLower(v1::RegionLevel_Name(r.tier()).substr(13)),
                     "  log head ", r.last_seq(), r.insecure() ? "  INSECURE (no TLS)" : "",
                     "\n\n"));
  Table links({"LINK", "PEER", "STATE", "ACKED", "PENDING", "LAG_S", "LAST_CONTACT", "RETRIES",
               "LAST_ERROR"});
  if (r.has_upward()) AddLink(&links, "up (push)", r.upward());
  if (r.has_downward()) AddLink(&links, "down (pull)", r.downward());
  for (const v1::LinkStatus& child : r.children()) AddLink(&links, "child", child);
  if (links.rows() == 0) {
    Print("no links (a root node with no children connected yet)\n");
  } else {
    Print(links.Render());
  }
  const v1::Counters& c = r.counters();
  Print(absl::StrCat("\nbatches in/out ", c.batches_in(), "/", c.batches_out(), "  changes in/out ",
                     c.changes_in(), "/", c.changes_out(), "  bytes in/out ", c.bytes_in(), "/",
                     c.bytes_out(), "  refusals ", c.refusals(), "  conflicts ", c.conflicts(),
                     "  resyncs ", c.resyncs(), "\n"));
  return absl::OkStatus();
}

absl::Status Health(const Args& args) {
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  grpc::GenericStub stub(conn.channel());
  grpc::ClientContext context;
  conn.Prepare(&context, 10);
  // grpc.health.v1.Health/Check with an empty request: an empty HealthCheckRequest.
  grpc::Slice empty_slice("", 0);
  grpc::ByteBuffer request(&empty_slice, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   result = s;
                   done = true;
                   cv.notify_all();
                 });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  if (!result.ok()) return CallFailed("health", result, args.Get("node"));
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return absl::InternalError("health: unreadable reply");
  std::string bytes;
  for (const auto& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  const bool serving = bytes == std::string("\x08\x01", 2);
  Print(args.Has("json") ? absl::StrCat("{\"serving\": ", serving ? "true" : "false", "}\n")
                         : absl::StrCat(serving ? "SERVING" : "NOT_SERVING", "\n"));
  return serving ? absl::OkStatus() : absl::UnavailableError("node is not serving");
}

absl::Status Records(const Args& args) {
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  auto stub = v1::Exchange::NewStub(conn.channel());
  grpc::ClientContext context;
  conn.Prepare(&context, 300);
  v1::ListRecordsRequest request;
  request.set_key_prefix(args.Get("prefix"));
  TH_ASSIGN_OR_RETURN(int64_t limit, args.GetInt("limit", 50));
  auto reader = stub->ListRecords(&context, request);
  Table table({"KEY", "ORIGIN", "ORIGIN_SEQ", "WRITTEN", "AUTHOR", "STATE"});
  v1::ListRecordsResponse chunk;
  int64_t total = 0;
  while (reader->Read(&chunk)) {
    for (const auto& e : chunk.records()) {
      ++total;
      if (limit > 0 && static_cast<int64_t>(table.rows()) >= limit) continue;
      const auto& s = e.stored();
      std::string author = s.author().user().empty()
                               ? s.author().node_id()
                               : s.author().user() + "@" + s.author().node_id();
      table.AddRow(
          {e.key(), s.origin_node(), absl::StrCat(s.origin_seq()),
           absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMicros(s.version().wall_micros()),
                            absl::LocalTimeZone()),
           author, s.has_tombstone() ? "deleted" : "live"});
    }
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) return CallFailed("records", s, args.Get("node"));
  if (args.Has("json")) {
    Print(table.RenderJson());
    return absl::OkStatus();
  }
  Print(table.Render());
  Print(absl::StrCat(total, " record(s)",
                     static_cast<int64_t>(table.rows()) < total
                         ? absl::StrCat(", first ", table.rows(), " shown (--limit=0 for all)")
                         : "",
                     "\n"));
  return absl::OkStatus();
}

absl::Status Conflicts(const Args& args) {
  TH_ASSIGN_OR_RETURN(Connection conn, Connection::Open(args));
  v1::ListConflictsRequest request;
  TH_ASSIGN_OR_RETURN(int64_t limit, args.GetInt("limit", 100));
  request.set_limit(static_cast<uint32_t>(limit));
  TH_ASSIGN_OR_RETURN(
      v1::ListConflictsResponse r,
      Call(conn, args, "conflicts", 30, &v1::Exchange::Stub::ListConflicts, request));
  if (PrintedAsJson(args, r)) return absl::OkStatus();
  Table table({"KEY", "LOSER_ORIGIN", "LOSER_WRITTEN", "WINNER_ORIGIN", "WINNER_WRITTEN"});
  auto at = [](const v1::Version& v) {
    return absl::FormatTime("%Y-%m-%d %H:%M:%E3S", absl::FromUnixMicros(v.wall_micros()),
                            absl::LocalTimeZone());
  };
  for (const auto& c : r.conflicts()) {
    table.AddRow({c.key(), c.loser().origin_node(), at(c.loser().version()),
                  c.winner().origin_node(), at(c.winner())});
  }
  Print(table.rows() ? table.Render() : "no conflicts\n");
  return absl::OkStatus();
}

absl::Status Digest(const Args& args) {
  v1::DigestRequest request;
  request.set_key_prefix(args.Get("prefix"));
  TH_ASSIGN_OR_RETURN(v1::DigestResponse r,
                      Call(args, "digest", 300, &v1::Exchange::Stub::GetDigest, request));
  Print(args.Has("json") ? ProtoJson(r)
                         : absl::StrCat(r.sha256_hex(), "  ", r.records(), " record(s)\n"));
  return absl::OkStatus();
}

absl::Status Backup(const Args& args) {
  const std::string dir = args.Get("name");
  if (dir.empty()) {
    return absl::InvalidArgumentError(
        "--name: the backup's name is required (it is written under the node's backup_dir)");
  }
  v1::BackupRequest request;
  request.set_dir(dir);
  TH_ASSIGN_OR_RETURN(v1::BackupResponse r,
                      Call(args, "backup", 600, &v1::Admin::Stub::Backup, request));
  Print(args.Has("json")
            ? ProtoJson(r)
            : absl::StrCat("backup written to ", r.dir(), " (log head ", r.last_seq(), ")\n"));
  return absl::OkStatus();
}

absl::Status Retention(const Args& args) {
  TH_ASSIGN_OR_RETURN(
      v1::ApplyRetentionResponse r,
      Call(args, "retention", 600, &v1::Admin::Stub::ApplyRetention, v1::ApplyRetentionRequest()));
  Print(args.Has("json")
            ? ProtoJson(r)
            : absl::StrCat("log kept from ", r.first_log_seq(), " to ", r.last_seq(), "\n"));
  return absl::OkStatus();
}

}  // namespace

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

bool PrintedAsJson(const Args& args, const google::protobuf::Message& message) {
  if (!args.Has("json")) return false;
  Print(ProtoJson(message));
  return true;
}

void AddOpsCommands(std::vector<Command>* out) {
  out->push_back({"status", "sync status of a node: links, acknowledged positions, lag",
                  "Shows the link to the parent (push up, pull down) and to each child: state,\n"
                  "last acknowledged sequence, changes pending, lag, last contact, retries.\n\n"
                  "Example:\n  tierhubctl status --node=127.0.0.1:7446 --ca=ca.pem "
                  "--cert=ops.pem --key=ops.key\n",
                  Status});
  out->push_back({"health", "standard gRPC health check of a node",
                  "Exit code 0 when the node is serving, 3 otherwise.\n\n"
                  "Example:\n  tierhubctl health --node=127.0.0.1:7440 ...\n",
                  Health});
  out->push_back({"records", "list records held by a node",
                  "  --prefix=KEY_PREFIX   e.g. ent/ (enterprises), eqp/, list/, case/\n"
                  "  --limit=N             rows shown (default 50, 0 = all)\n\n"
                  "Example:\n  tierhubctl records --prefix=ent/ --limit=10 ...\n",
                  Records});
  out->push_back({"conflicts", "versions that lost to a concurrent edit",
                  "  --limit=N   (default 100)\n\nExample:\n  tierhubctl conflicts ...\n",
                  Conflicts});
  out->push_back({"digest", "order-independent digest of a node's records (compare nodes)",
                  "  --prefix=KEY_PREFIX\n\nExample:\n  tierhubctl digest --prefix=ent/ ...\n",
                  Digest});
  out->push_back({"backup", "take an online backup (RocksDB checkpoint) on the node's host",
                  "  --name=NAME   the backup's directory under the node's backup_dir (its\n"
                  "                config); must not exist yet; letters, digits, - _ .\n\n"
                  "Needs an operator certificate of the node's region or above.\n"
                  "Example:\n  tierhubctl backup --name=2019-04-15 ...\n"
                  "Restore: stop the node, move its store aside, copy the backup to the\n"
                  "store path, start the node (see docs/OPERATIONS.md).\n",
                  Backup});
  out->push_back({"retention", "drop change-log entries past the node's retention now",
                  "Example:\n  tierhubctl retention ...\n", Retention});
}

}  // namespace tierhub::ctl
