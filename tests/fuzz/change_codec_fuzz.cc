// Fuzzes the change decoder and the store's codecs that read a received change's bytes without
// decoding them: format::EncodeChangeWithSeq (a parent logs a child's change with its own seq
// put in) and format::FindStringField (the record's body and the origin region are taken from
// the bytes). Whatever protobuf decodes, these must agree with it.
#include <string>
#include <string_view>

#include "services/store/format.h"
#include "tests/fuzz/fuzz_target.h"
#include "tierhub/v1/change.pb.h"

namespace f = tierhub::store::format;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  tierhub::v1::Change change;
  const bool parsed = change.ParseFromArray(data, static_cast<int>(size));
  const uint64_t seq = 1 + size % 100000;
  std::string with_seq;
  const bool encoded = f::EncodeChangeWithSeq(bytes, seq, &with_seq);
  std::string_view region;
  const bool found =
      f::FindStringField(bytes, tierhub::v1::Change::kOriginRegionFieldNumber, &region);
  if (!parsed) return 0;
  // A change protobuf takes is well-formed at the top level, so both codecs take it too.
  FUZZ_CHECK(encoded);
  FUZZ_CHECK(found);
  FUZZ_CHECK(region == change.origin_region());
  // The re-sequenced bytes are the same change with the new seq.
  tierhub::v1::Change reparsed;
  FUZZ_CHECK(reparsed.ParseFromString(with_seq));
  FUZZ_CHECK(reparsed.seq() == seq);
  tierhub::v1::Change expected = change;
  expected.set_seq(seq);
  FUZZ_CHECK(reparsed.SerializeAsString() == expected.SerializeAsString());
  return 0;
}
