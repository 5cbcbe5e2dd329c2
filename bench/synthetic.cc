#include "bench/synthetic.h"

#include <iterator>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/domain/credit_code.h"
#include "services/domain/record_key.h"

namespace tierhub::bench {
namespace {

constexpr v1::Industry kIndustries[] = {v1::INDUSTRY_CERAMICS, v1::INDUSTRY_CEMENT,
                                        v1::INDUSTRY_STEEL, v1::INDUSTRY_FLAT_GLASS,
                                        v1::INDUSTRY_PAPER};

}  // namespace

v1::Record SyntheticEnterprise(uint64_t serial, int version, size_t name_bytes) {
  constexpr uint64_t kSpace = 27512614111;  // 31^7
  uint64_t scattered = (serial % kSpace) * 1000003 % kSpace;
  std::string body(8, '0');
  body[0] = 'B';
  for (int i = 7; i >= 1; --i, scattered /= 31) {
    body[i] = domain::kCreditCodeCharset[scattered % 31];
  }
  v1::Record record;
  v1::Enterprise* e = record.mutable_enterprise();
  e->set_credit_code(domain::MakeCreditCode('9', '1', kSyntheticRegion, body).value());
  std::string name = absl::StrCat("合成企业 synthetic ", body, " v", version, " ");
  if (name.size() < name_bytes) name.append(name_bytes - name.size(), '.');
  e->set_name(std::move(name));
  e->set_region_code(kSyntheticRegion);
  e->add_industries(kIndustries[(serial + version) % std::size(kIndustries)]);
  e->set_status(v1::OPERATING_STATUS_OPERATING);
  return record;
}

v1::Change SyntheticChange(uint64_t serial, int version, size_t name_bytes, uint64_t seq) {
  v1::Change c;
  *c.mutable_record() = SyntheticEnterprise(serial, version, name_bytes);
  c.set_seq(seq);
  c.set_origin_node(kSyntheticNode);
  c.set_origin_region(kSyntheticRegion);
  c.set_origin_seq(seq);
  c.set_key(domain::RecordKey(c.record()));
  c.mutable_author()->set_node_id(kSyntheticNode);
  c.mutable_author()->set_region_code(kSyntheticRegion);
  c.mutable_version()->set_wall_micros(absl::ToUnixMicros(absl::Now()));
  c.mutable_version()->set_logical(1);
  c.mutable_version()->set_origin_node(kSyntheticNode);
  return c;
}

size_t NameBytesFor(size_t target) {
  const v1::Change c = SyntheticChange(999999, 1, 0, 999999);
  const size_t base_name = c.record().enterprise().name().size();
  const size_t base = c.ByteSizeLong();
  return target > base ? base_name + (target - base) : base_name;
}

}  // namespace tierhub::bench
