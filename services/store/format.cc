#include "services/store/format.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/status.h"
#include "tierhub/v1/change.pb.h"

namespace tierhub::store::format {
namespace {

constexpr char kIndexSeparator = '\0';

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

class CounterAddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    int64_t base = 0;
    if (existing_value != nullptr &&
        !DecodeCounter(std::string_view(existing_value->data(), existing_value->size()), &base)) {
      return false;  // RocksDB reports Corruption to the reader.
    }
    int64_t delta = 0;
    if (!DecodeCounter(std::string_view(value.data(), value.size()), &delta)) return false;
    *new_value = EncodeCounter(
        static_cast<int64_t>(static_cast<uint64_t>(base) + static_cast<uint64_t>(delta)));
    return true;
  }
  const char* Name() const override { return "tierhub.CounterAdd"; }
};

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Appends `field` as a length-delimited protobuf field holding `bytes`.
void AppendLengthDelimited(int field, std::string_view bytes, std::string* out) {
  AppendVarint((static_cast<uint64_t>(field) << 3) | 2, out);  // wire type LEN
  AppendVarint(bytes.size(), out);
  out->append(bytes.data(), bytes.size());
}

}  // namespace

std::string EncodeSeq(uint64_t seq) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(seq & 0xff);
    seq >>= 8;
  }
  return out;
}

bool DecodeSeq(std::string_view in, uint64_t* seq) {
  if (in.size() != 8) return false;
  uint64_t v = 0;
  for (char c : in) v = (v << 8) | static_cast<uint8_t>(c);
  *seq = v;
  return true;
}

std::string EncodeOriginLast(int64_t wall_micros, std::string_view region_code) {
  std::string out = EncodeSeq(static_cast<uint64_t>(wall_micros));
  out.append(region_code.data(), region_code.size());
  return out;
}

bool DecodeOriginLast(std::string_view in, int64_t* wall_micros, std::string* region_code) {
  uint64_t wall = 0;
  if (in.size() < 8 || !DecodeSeq(in.substr(0, 8), &wall)) return false;
  *wall_micros = static_cast<int64_t>(wall);
  region_code->assign(in.data() + 8, in.size() - 8);
  return true;
}

std::string IndexEntryKey(std::string_view index_key, std::string_view record_key) {
  std::string out;
  out.reserve(index_key.size() + 1 + record_key.size());
  out.append(index_key);
  out.push_back(kIndexSeparator);
  out.append(record_key);
  return out;
}

bool ParseIndexEntryKey(std::string_view entry, std::string_view* index_key,
                        std::string_view* record_key) {
  const size_t sep = entry.find(kIndexSeparator);
  if (sep == std::string_view::npos) return false;
  *index_key = entry.substr(0, sep);
  *record_key = entry.substr(sep + 1);
  return true;
}

std::string ConflictKey(std::string_view record_key, uint64_t detected_seq) {
  std::string out(record_key);
  out.append(EncodeSeq(detected_seq));
  return out;
}

std::string EncodeCounter(int64_t value) {
  uint64_t u = ZigZag(value);
  std::string out;
  while (u >= 0x80) {
    out.push_back(static_cast<char>((u & 0x7f) | 0x80));
    u >>= 7;
  }
  out.push_back(static_cast<char>(u));
  return out;
}

bool DecodeCounter(std::string_view in, int64_t* value) {
  uint64_t u = 0;
  int shift = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const auto byte = static_cast<uint8_t>(in[i]);
    if (shift > 63 || (shift == 63 && (byte & 0x7e) != 0)) return false;  // > 64 bits
    u |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      if (i + 1 != in.size()) return false;  // trailing bytes
      *value = UnZigZag(u);
      return true;
    }
    shift += 7;
  }
  return false;  // empty or truncated
}

std::shared_ptr<rocksdb::MergeOperator> NewCounterAddOperator() {
  return std::make_shared<CounterAddOperator>();
}

bool FindStringField(std::string_view message, int field, std::string_view* value) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(message.data()),
                                            static_cast<int>(message.size()));
  *value = {};
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return static_cast<size_t>(in.CurrentPosition()) == message.size();
    if (WireFormatLite::GetTagFieldNumber(tag) != field ||
        WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return false;
      continue;
    }
    uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return false;
    const size_t at = in.CurrentPosition();
    if (length > message.size() - at || !in.Skip(static_cast<int>(length))) return false;
    *value = message.substr(at, length);
  }
}

bool EncodeChangeWithSeq(std::string_view change, uint64_t seq, std::string* out) {
  using google::protobuf::internal::WireFormatLite;
  out->clear();
  out->reserve(change.size() + 10);
  AppendVarint((v1::Change::kSeqFieldNumber << 3) | WireFormatLite::WIRETYPE_VARINT, out);
  AppendVarint(seq, out);
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(change.data()),
                                            static_cast<int>(change.size()));
  // Copies runs of fields other than the seq in one append each.
  size_t run_start = 0;
  while (true) {
    const size_t at = in.CurrentPosition();
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      if (at != change.size()) return false;
      out->append(change.data() + run_start, at - run_start);
      return true;
    }
    if (!WireFormatLite::SkipField(&in, tag)) return false;
    // Only the seq itself is replaced: a field 1 of another wire type is, to protobuf, an
    // unknown field that the change keeps (found by change_codec_fuzz).
    if (WireFormatLite::GetTagFieldNumber(tag) == v1::Change::kSeqFieldNumber &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      out->append(change.data() + run_start, at - run_start);
      run_start = in.CurrentPosition();
    }
  }
}

std::string EncodeStoredRecord(const v1::Change& c, std::string_view log_entry) {
  v1::StoredRecord head;  // fields 1-5; the body (6 or 7) and origin_region (8) follow
  *head.mutable_version() = c.version();
  head.set_seq(c.seq());
  head.set_origin_node(c.origin_node());
  head.set_origin_seq(c.origin_seq());
  *head.mutable_author() = c.author();
  std::string out = head.SerializeAsString();
  std::string_view body;
  const bool live = c.has_record();
  // `log_entry` is c encoded (REQUIRES), so the body is there and well-formed.
  (void)FindStringField(
      log_entry, live ? v1::Change::kRecordFieldNumber : v1::Change::kTombstoneFieldNumber, &body);
  AppendLengthDelimited(
      live ? v1::StoredRecord::kRecordFieldNumber : v1::StoredRecord::kTombstoneFieldNumber, body,
      &out);
  if (!c.origin_region().empty()) {
    AppendLengthDelimited(v1::StoredRecord::kOriginRegionFieldNumber, c.origin_region(), &out);
  }
  return out;
}

std::string RouteKey(std::string_view route, uint64_t seq) {
  std::string out(route);
  out.append(EncodeSeq(seq));
  return out;
}

bool ParseRouteKey(std::string_view key, std::string_view* route, uint64_t* seq) {
  if (key.size() != kRouteLength + 8) return false;
  *route = key.substr(0, kRouteLength);
  return DecodeSeq(key.substr(kRouteLength), seq);
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(out.back());
    if (last != 0xff) {
      ++last;
      return out;
    }
    out.pop_back();
  }
  return out;
}

absl::Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  // Debian's Abseil has its own string_view, which StrCat does not take from std::string_view.
  std::string message = absl::StrCat(std::string(context), ": ", s.ToString());
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    case rocksdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(message);
    case rocksdb::Status::kIOError:
      if (s.IsNoSpace() || s.subcode() == rocksdb::Status::kSpaceLimit) {
        return absl::ResourceExhaustedError(message);
      }
      return absl::UnavailableError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kShutdownInProgress:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace tierhub::store::format
