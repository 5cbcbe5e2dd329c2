// Writes seed batches for push_batch_fuzz.cc (what the city 440600, "fs", honestly pushes to
// its province) into the first directory given, and each change of them on its own, for
// change_codec_fuzz.cc, into the second. Run by hand when the seeds need renewing.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/credit_code.h"
#include "services/domain/record_key.h"
#include "tierhub/v1/exchange.pb.h"

namespace {

using tierhub::v1::Change;

// A fictitious enterprise ("TH" + six digits, as the cluster harness makes them).
tierhub::v1::Record MakeEnterprise(const std::string& region, int serial) {
  tierhub::v1::Record record;
  tierhub::v1::Enterprise* e = record.mutable_enterprise();
  e->set_credit_code(
      tierhub::domain::MakeCreditCode('9', '1', region, absl::StrFormat("TH%06d", serial)).value());
  e->set_name(absl::StrCat("测试企业", serial, "号 (synthetic)"));
  e->set_region_code(region);
  e->add_industries(tierhub::v1::INDUSTRY_CERAMICS);
  e->set_status(tierhub::v1::OPERATING_STATUS_OPERATING);
  return record;
}

Change EnterpriseChange(const std::string& origin, const std::string& region, uint64_t seq,
                        int serial) {
  Change change;
  *change.mutable_record() = MakeEnterprise(region, serial);
  change.set_key(tierhub::domain::RecordKey(change.record()));
  change.set_seq(seq);
  change.set_origin_node(origin);
  change.set_origin_seq(seq);
  change.set_origin_region(region);
  change.mutable_version()->set_wall_micros(1000 + seq);
  change.mutable_version()->set_origin_node(origin);
  change.mutable_author()->set_node_id(origin);
  change.mutable_author()->set_region_code(region);
  return change;
}

std::string change_dir;  // NOLINT: set once in main

void Write(const std::string& dir, const std::string& name, const std::vector<Change>& changes,
           uint64_t last_seq) {
  tierhub::v1::ChangeBatch batch;
  int i = 0;
  for (const Change& c : changes) {
    batch.add_changes(c.SerializeAsString());
    std::ofstream(change_dir + "/" + name + "-" + std::to_string(i++), std::ios::binary)
        << c.SerializeAsString();
  }
  batch.set_last_seq(last_seq);
  std::ofstream(dir + "/" + name, std::ios::binary) << batch.SerializeAsString();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_push_seeds PUSH_DIR CHANGE_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  change_dir = argv[2];
  Write(dir, "city-own-first", {EnterpriseChange("fs", "440600", 1, 1)}, 1);
  Write(dir, "county-forwarded-two",
        {EnterpriseChange("sd", "440606", 1, 2), EnterpriseChange("sd", "440606", 2, 3)}, 3);
  Change edit = EnterpriseChange("nh", "440605", 1, 4);
  Change second = EnterpriseChange("nh", "440605", 2, 4);
  *second.mutable_base_version() = edit.version();
  second.mutable_record()->mutable_enterprise()->set_name("测试企业改名 (synthetic)");
  Change gone = EnterpriseChange("nh", "440605", 3, 4);
  *gone.mutable_base_version() = second.version();
  gone.clear_record();
  gone.mutable_tombstone()->set_region_code("440605");
  Write(dir, "county-edit-then-delete", {edit, second, gone}, 6);
  Write(dir, "empty-batch", {}, 7);
  // Regression (push_batch_fuzz checks it): the record field sent twice, the second time empty.
  // Protobuf merges the two, so the checks, the index and the counters saw the whole record,
  // while the store took the body by its last occurrence and stored an empty record.
  {
    tierhub::v1::ChangeBatch batch;
    batch.add_changes(EnterpriseChange("rg", "440605", 1, 5).SerializeAsString() +
                      std::string("\x3a\x00", 2));
    batch.set_last_seq(8);
    std::ofstream(dir + "/regression-record-sent-twice", std::ios::binary)
        << batch.SerializeAsString();
  }
  return 0;
}
