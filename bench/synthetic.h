// Synthetic enterprises shared by the benchmarks: records that cannot be mistaken for real
// ones, with keys scattered over the key space as real credit codes are.
#ifndef TIERHUB_BENCH_SYNTHETIC_H_
#define TIERHUB_BENCH_SYNTHETIC_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "tierhub/v1/change.pb.h"

namespace tierhub::bench {

inline constexpr char kSyntheticNode[] = "sd";        // Shunde district
inline constexpr char kSyntheticRegion[] = "440606";  // its region code

// An enterprise of kSyntheticRegion: organisation-code body "B" + seven base-31 digits, a name
// that says "synthetic", padded to `name_bytes`. `version` makes an update of the same key.
// Serials are scattered over the key space (multiplying by a number prime to 31 permutes
// 0 .. 31^7-1), so keys arrive in random order as real credit codes do, not in the sequential
// order that RocksDB handles best.
v1::Record SyntheticEnterprise(uint64_t serial, int version, size_t name_bytes);

// The change that writes SyntheticEnterprise(serial, version, name_bytes), as kSyntheticNode
// logs it (seq, origin, author and version set; `seq` doubles as origin_seq).
v1::Change SyntheticChange(uint64_t serial, int version, size_t name_bytes, uint64_t seq);

// The name length that makes one SyntheticChange `target` bytes serialized.
size_t NameBytesFor(size_t target);

}  // namespace tierhub::bench

#endif  // TIERHUB_BENCH_SYNTHETIC_H_
