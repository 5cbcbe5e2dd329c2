// Every limit a node puts on what comes from outside, in one place (docs/LIMITS.md quotes this
// file). In the lowest layer so that the node, its services, the domain rules, the client
// channel and tierhubctl all use the same numbers.
//
// How they fit together: a record accepted from outside (kMaxRecordBytes) is far below what a
// node forwards in one Push batch (kPushBatchBytes), which is below the message size every
// server and channel accepts (kMaxMessageBytes); the records a node makes itself (submission
// versions) are bounded by construction below kMaxMessageBytes too (kMaxGeneratedRecordBytes).
// So whatever a node accepts, it can always push up.
#ifndef TIERHUB_SERVICES_COMMON_LIMITS_H_
#define TIERHUB_SERVICES_COMMON_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace tierhub::limits {

// ---- gRPC, on every server and client channel ----

// Largest message sent or received (GRPC_ARG_MAX_{SEND,RECEIVE}_MESSAGE_LENGTH). gRPC refuses a
// larger one with RESOURCE_EXHAUSTED before the service sees it.
inline constexpr int kMaxMessageBytes = 8 << 20;
// Largest header or trailer block (GRPC_ARG_MAX_METADATA_SIZE). 8 KiB is grpc 1.51's default,
// set explicitly so that the status-message budget below is measured against a known number.
inline constexpr int kMaxMetadataBytes = 8 << 10;
// Largest status message a node sends, measured as it travels: grpc-message is
// percent-encoded, so every byte outside printable ASCII takes three. Longer messages are cut
// (saying so), well under kMaxMetadataBytes so the reason always arrives.
inline constexpr size_t kMaxStatusMessageBytes = 4000;
// Threads the server runs handlers on (grpc::ResourceQuota::SetMaxThreads); a call beyond them
// is refused with RESOURCE_EXHAUSTED by gRPC.
inline constexpr int kMaxServerThreads = 256;
// Memory gRPC itself may hold for the server's connections (grpc::ResourceQuota::Resize):
// read buffers and messages not yet handed to a service. grpc 1.51 reads a message past
// kMaxMessageBytes whole before refusing it, so ten clients sending 60 MB each took a node to
// 419 MB; past the quota gRPC shrinks buffers and then closes connections (their calls end
// UNAVAILABLE, and clients reconnect). With 256 MiB 50 hostile clients took a node to 570 MB;
// 64 MiB closed twice as many honest connections as 128 MiB (docs/LIMITS.md).
inline constexpr size_t kGrpcMemoryQuotaBytes = 128 << 20;

// ---- The exchange ----

// Bytes of changes a node puts in one Push batch (ParentLinkOptions::batch_bytes); a single
// change larger than this goes alone.
inline constexpr size_t kPushBatchBytes = 4 << 20;
inline constexpr uint32_t kPushBatchChanges = 1000;

// ---- Records and fields (services/domain/field_limits.h) ----

// One record from outside, serialized (WriteRecords, a list row, a tip-off, a case ...).
inline constexpr size_t kMaxRecordBytes = 256 << 10;
// A record the node makes itself that grows with a submission (submission_version: every code
// added, changed or removed, plus at most kMaxPreviousEntriesBytes of earlier entries) or with
// an enterprise's listings (merged_enterprise). At most 2 * kMaxSubmissionEntries codes of 20
// bytes each = 4 MB, plus 1 MiB: below kMaxMessageBytes.
inline constexpr size_t kMaxGeneratedRecordBytes = 6 << 20;

// Bytes of a string field, by what the field holds. Field names map to these in
// services/domain/field_limits.cc.
inline constexpr size_t kMaxIdBytes = 128;     // ids that become part of keys
inline constexpr size_t kMaxCodeBytes = 32;    // region codes, months, credit codes as typed
inline constexpr size_t kMaxKeyBytes = 512;    // record keys
inline constexpr size_t kMaxNameBytes = 200;   // enterprise and region names, titles
inline constexpr size_t kMaxRefBytes = 200;    // evidence, rule and requirement references,
                                               // licence numbers, identities, file names
inline constexpr size_t kMaxNoteBytes = 2000;  // reasons, findings, notes, details
inline constexpr size_t kMaxTipOffContentBytes = 8000;  // what an informant reported
inline constexpr size_t kMaxOtherStringBytes = 2000;    // any other string or bytes field

// Items of a repeated field.
inline constexpr int kMaxRepeatedItems = 100;     // industries, licences, checkpoints, ...
inline constexpr int kMaxCaseHistory = 1000;      // steps of one case
inline constexpr int kMaxGeneratedItems = 10000;  // listings, contradictions, accounts ...
inline constexpr int kMaxWriteRecords = 10000;    // records (and deletions) per WriteRecords

// ---- Submissions and imports (client streams) ----

// Rows (and removals) in one SubmitList or ImportReadings stream, and its bytes as received.
// Past either the stream is refused at once, before the rest is read.
inline constexpr size_t kMaxUploadRows = 100000;
inline constexpr size_t kMaxUploadBytes = 32 << 20;
// Live entries of one submission after a version (a DELTA adds to the previous version).
inline constexpr size_t kMaxSubmissionEntries = 100000;
// Earlier contents of changed and removed entries kept in one submission version.
inline constexpr int kMaxPreviousEntries = 10000;
inline constexpr size_t kMaxPreviousEntriesBytes = 1 << 20;
// Rows of what each version changed in one GetSubmission answer (with_changes): per version
// and in all; rows past either are counted in VersionChanges.entries_omitted.
inline constexpr size_t kMaxHistoryRowsPerVersion = 1000;
inline constexpr size_t kMaxHistoryRows = 5000;
// Streams of one kind (SubmitList, ImportReadings) a node reads at once, and per caller; a
// stream beyond them is refused with RESOURCE_EXHAUSTED. Each may hold 100,000 rows (about
// 35 MB parsed): with 4, bench/run hostile peaked at 338-516 MB, with 2 at 409-479 MB.
inline constexpr int kMaxUploadStreams = 2;
inline constexpr int kMaxUploadStreamsPerCaller = 1;
// A stream is ended with DEADLINE_EXCEEDED after this long in all, or this long without a
// message. tierhubctl's own deadline for a submission is kUploadStreamSeconds.
inline constexpr int kUploadStreamSeconds = 600;
inline constexpr int kUploadIdleSeconds = 30;

// ---- Replies ----

// A dry run (validate_only) lists at most this many errors, in at most this many bytes; the
// rest are counted (errors_omitted).
inline constexpr int kMaxReplyErrors = 1000;
inline constexpr size_t kMaxReplyErrorBytes = 1 << 20;
// One row error's reason (a reason may quote what was sent).
inline constexpr size_t kMaxErrorReasonBytes = 500;

}  // namespace tierhub::limits

#endif  // TIERHUB_SERVICES_COMMON_LIMITS_H_
